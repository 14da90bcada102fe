#!/usr/bin/python3
"""Writes the inputs of the golden report cases: tests/golden/report/<case>/ticks.jsonl
and <case>/args, and tests/golden/report/BOUNDARIES.md (the value of every rounded
key before rounding, for the cases built to sit on rounding boundaries).

    /usr/bin/python3 tests/golden/python/gen_ticks.py [REPORT_DIR]

Deterministic (fixed seeds, exhaustive searches in a fixed order): running it again
rewrites the same bytes. The expected outputs are made from these inputs by
make_goldens.sh (run_seed.py runs the Python module itself); this script only
chooses inputs and checks, with its own copy of the module's formulas, that each
boundary case lands where it is meant to (an assertion fails otherwise).

args holds one `key=value` per line: capacity_kw and max_reduction_pct exactly as
they are written on the command line (an int or a float literal: the module keeps
the type, ceiling_pct prints 5 or 5.0), daily = the dates queried with --daily,
and `#` lines describing the case.
"""

from __future__ import annotations

import json
import math
import random
import sys
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np
import pandas as pd

OUT = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "report"

FIELDS = ("timestamp", "slot_index", "plan_offset_deg", "target_angle", "energy_cost_kwh",
          "budget_spent_kwh", "budget_remaining_kwh", "live_gate_passed", "source", "stage_id")


def tz(hours: int, minutes: int = 0) -> timezone:
    sign = -1 if hours < 0 else 1
    return timezone(sign * timedelta(hours=abs(hours), minutes=minutes))


def iso(dt: datetime) -> str:
    return dt.isoformat()


def tick(ts, slot=None, plan=None, target=None, cost=None, spent=None, remaining=None,
         gate=None, source=None, stage=None, **extra) -> dict:
    """A tick object in the field order of the log command's input; None = missing."""
    values = (ts if isinstance(ts, str) else iso(ts), slot, plan, target, cost, spent,
              remaining, gate, source, stage)
    obj = {k: v for k, v in zip(FIELDS, values) if v is not None}
    obj.update(extra)
    return obj


# --------------------------------------------------------------------------
# numpy's summation order (for searching inputs; checked against numpy below)
# --------------------------------------------------------------------------

def pairwise(a) -> float:
    n = len(a)
    if n < 8:
        s = 0.0
        for x in a:
            s += x
        return s
    if n <= 128:
        r = list(a[:8])
        m = n - n % 8
        for i in range(8, m, 8):
            for j in range(8):
                r[j] += a[i + j]
        res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
        for i in range(m, n):
            res += a[i]
        return res
    m = n // 2
    m -= m % 8
    return pairwise(a[:m]) + pairwise(a[m:])


def numpy_sum(a) -> float:
    total = 0.0
    for i in range(0, len(a), 8192):
        total += pairwise(a[i:i + 8192])
    return total


def naive_sum(a) -> float:
    s = 0.0
    for x in a:
        s += x
    return s


def pandas_sum(a) -> float:
    return float(pd.Series(a, dtype="float64").sum())


# --------------------------------------------------------------------------
# The module's formulas (weekly_report / daily_summary), to check the cases
# --------------------------------------------------------------------------

DEFAULTS = {"energy_cost_kwh": 0.0, "target_angle": 0.0, "budget_remaining_kwh": 0.0,
            "live_gate_passed": False}


def local_date(obj) -> str:
    return str(datetime.fromisoformat(obj["timestamp"]).date())


def column(ticks, field):
    return pd.Series([t.get(field, DEFAULTS[field]) for t in ticks])


def probe(ticks, capacity, pct) -> list[tuple[str, object, int]]:
    """[(key, value before rounding, ndigits)] for every rounded key of the reports."""
    if not ticks:
        return []
    out = []
    dates = [local_date(t) for t in ticks]
    cost = column(ticks, "energy_cost_kwh")
    total = float(cost.sum())
    days = len(set(dates))
    daily_rate = total / days
    projected = daily_rate * 365
    ceiling = capacity * 6.0 * 365 * pct / 100.0
    gate = column(ticks, "live_gate_passed")
    out += [("total_cost_kwh", total, 3), ("daily_avg_kwh", daily_rate, 4),
            ("projected_annual_kwh", projected, 1), ("ceiling_kwh", ceiling, 1)]
    if ceiling > 0:
        out.append(("utilization_pct", projected / ceiling * 100, 1))
    out.append(("intervention_rate_pct", float(gate.mean()) * 100, 1))
    out.append(("compliant", projected <= ceiling, None))
    for d in sorted(set(dates)):
        day = [t for t, dd in zip(ticks, dates) if dd == d]
        out.append((f"daily {d} total_cost_kwh", float(column(day, "energy_cost_kwh").sum()), 4))
        out.append((f"daily {d} max_offset_deg",
                    float(column(day, "target_angle").abs().max()), 1))
        out.append((f"daily {d} budget_remaining_kwh",
                    float(column(day, "budget_remaining_kwh").iloc[-1]), 4))
    return out


def half_up(x: float, nd: int) -> Decimal:
    return Decimal(repr(x)).quantize(Decimal(1).scaleb(-nd), rounding=ROUND_HALF_UP)


def half_even_of_repr(x: float, nd: int) -> Decimal:
    return Decimal(repr(x)).quantize(Decimal(1).scaleb(-nd), rounding=ROUND_HALF_EVEN)


def is_exact_tie(x: float, nd: int) -> bool:
    q = Decimal(x).scaleb(nd)
    return q - q.to_integral_value(rounding="ROUND_FLOOR") == Decimal("0.5")


# --------------------------------------------------------------------------
# Cases
# --------------------------------------------------------------------------

CASES: dict[str, dict] = {}


def case(name, ticks, capacity, pct, daily, about, raw_lines=None, log_flags=None):
    CASES[name] = dict(ticks=ticks, capacity=capacity, pct=pct, daily=daily, about=about,
                       raw_lines=raw_lines, log_flags=log_flags)


def check(name, key, expect_round=None, tie=None):
    """Assert that `key` of case `name` rounds to `expect_round` (and is or is not an exact tie)."""
    c = CASES[name]
    found = {k: (v, nd) for k, v, nd in probe(c["ticks"], float(c["capacity"]), float(c["pct"]))}
    v, nd = found[key]
    if nd is None:
        assert v == expect_round, (name, key, v, expect_round)
        return
    got = round(v, nd)
    assert expect_round is None or repr(got) == expect_round, (name, key, repr(v), repr(got), expect_round)
    if tie is not None:
        assert is_exact_tie(v, nd) == tie, (name, key, repr(v), "tie" if tie else "not a tie")


SOURCES = ("plan", "fallback", "manual")
STAGES = ("vegetative", "flowering", "fruiting")


def sun_angle(minute_of_day: float) -> float:
    """A single-axis tracker's sun-following angle, -60..60 between 06:00 and 18:00."""
    return max(-60.0, min(60.0, (minute_of_day - 720) / 6.0))


def realistic_day(rng, day_start: datetime, minutes: range, step: int, budget: float,
                  gate_p: float, cost_max: float, decimals: int, stage: str):
    ticks = []
    spent = 0.0
    for m in minutes:
        ts = day_start + timedelta(minutes=m)
        daylight = 360 <= m < 1080
        gate = daylight and rng.random() < gate_p
        plan = round(rng.uniform(5.0, 25.0), 1) * (1 if rng.random() < 0.5 else -1) if gate else 0.0
        target = round(sun_angle(m) + plan, 2)
        cost = round(rng.uniform(0.0, cost_max), decimals) if gate else 0.0
        spent = round(spent + cost, decimals)
        ticks.append(tick(ts, slot=m // step, plan=plan, target=target, cost=cost, spent=spent,
                          remaining=round(budget - spent, decimals), gate=gate,
                          source=SOURCES[0] if gate else rng.choice(SOURCES[1:]), stage=stage))
    return ticks


def build_normal():
    rng = random.Random(20260601)
    ticks = []
    for d in range(10):
        start = datetime(2026, 6, 1, tzinfo=tz(2)) + timedelta(days=d)
        ticks += realistic_day(rng, start, range(300, 1260, 15), 15, budget=10.0, gate_p=0.3,
                               cost_max=0.8, decimals=4, stage=STAGES[min(d // 4, 2)])
    case("normal", ticks, "250", "5",
         ["2026-06-01", "2026-06-05", "2026-06-10", "2026-05-31", "2026-06-11"],
         "15-minute ticks 05:00-20:45 (+02:00) over 10 days, realistic values; "
         "dailies for the first, a middle and the last day and two dates without rows")


def build_single():
    case("single_tick",
         [tick("2026-06-15T12:00:00+02:00", slot=48, plan=12.5, target=12.5, cost=0.1234,
               spent=0.1234, remaining=9.8766, gate=True, source="plan", stage="flowering")],
         "100", "5", ["2026-06-15", "2026-06-14"],
         "one tick: 'Audit log: 1 slots, 1 days' (no plural handling); ceiling 10950.0")


def build_pct_types():
    ticks = []
    for d, (cost, target) in enumerate([(0.35, -22.5), (0.2, 31.0), (0.0, 0.0)]):
        ts = datetime(2026, 6, 20 + d, 10, 0, tzinfo=tz(2))
        ticks.append(tick(ts, slot=40, plan=5.0, target=target, cost=cost, spent=cost,
                          remaining=round(5.0 - cost, 4), gate=cost > 0, source="plan",
                          stage="fruiting"))
    case("pct_int", ticks, "100", "5", ["2026-06-20"],
         "max_reduction_pct written as the int 5: ceiling_pct prints 5")
    case("pct_float", ticks, "100", "5.0", ["2026-06-20"],
         "the same ticks with max_reduction_pct written 5.0: ceiling_pct prints 5.0")
    case("pct_fraction", ticks, "250", "2.50", ["2026-06-21"],
         "max_reduction_pct written 2.50: a float, ceiling_pct prints 2.5")


def build_capacity_zero():
    ticks = [tick(f"2026-06-0{d}T11:00:00+02:00", slot=44, plan=10.0, target=-10.0, cost=0.5,
                  spent=0.5, remaining=4.5, gate=True, source="plan", stage="vegetative")
             for d in (1, 2)]
    case("capacity_zero", ticks, "0", "5", ["2026-06-01"],
         "capacity 0 (the module allows it): ceiling_kwh 0.0, utilization_pct the int 0, "
         "compliant false (projected > 0)")
    zero = [dict(t, energy_cost_kwh=0.0, budget_spent_kwh=0.0, live_gate_passed=False)
            for t in ticks]
    case("capacity_zero_no_cost", zero, "0.0", "5", ["2026-06-02"],
         "capacity 0.0 and no cost: projected 0.0 <= ceiling 0.0, compliant true, "
         "utilization_pct the int 0")


def build_empty():
    case("empty", [], "100", "5", ["2026-06-01"],
         "no ticks: 'No audit data yet.' and {\"error\": \"No audit data\"} for report and daily")


def build_missing_fields():
    d1 = datetime(2026, 6, 3, 8, 0, tzinfo=tz(2))
    full = dict(slot=32, plan=10.0, target=-35.5, cost=0.25, spent=0.25, remaining=9.75,
                gate=True, source="plan", stage="flowering")
    names = ["slot", "plan", "target", "cost", "spent", "remaining", "gate", "source", "stage"]
    ticks = []
    # day 1: each tick misses one field, in turn
    for i, missing in enumerate(names):
        kw = dict(full)
        kw["slot"] = 32 + i
        kw["target"] = -35.5 + i
        kw[missing] = None
        ticks.append(tick(d1 + timedelta(minutes=15 * i), **kw))
    # day 1, last tick: only a timestamp (every default; budget_remaining_kwh 0.0 is the
    # day's last record, so the daily budget_remaining_kwh is 0.0)
    ticks.append(tick(d1 + timedelta(hours=4)))
    # day 2: target_angle missing everywhere (max_offset_deg 0.0), other keys ignored
    d2 = datetime(2026, 6, 4, 9, 0, tzinfo=tz(2))
    ticks.append(tick(d2, slot=36, cost=0.125, remaining=3.5, gate=True,
                      note="an unknown key", extra={"nested": [1, 2.5, None, {"a": "b"}]}))
    ticks.append(tick(d2 + timedelta(minutes=15), slot=37, cost=0.375, spent=0.5, gate=False,
                      source="", stage=""))
    ticks.append(tick(d2 + timedelta(minutes=30), remaining=2.25, controller_version=3))
    case("missing_fields", ticks, "100", "5", ["2026-06-03", "2026-06-04"],
         "every field but the timestamp missing at least once, one tick with only a timestamp, "
         "a day without any target_angle, unknown keys (the Python version ignored them; "
         "budget-audit log refuses unknown keys unless listed in --ignore-keys, "
         "docs/validation.md)",
         log_flags="--ignore-keys note,extra,controller_version")
    check("missing_fields", "daily 2026-06-03 budget_remaining_kwh", "0.0")
    check("missing_fields", "daily 2026-06-04 max_offset_deg", "0.0")


def build_offsets():
    t = [
        ("2026-06-01T23:30:00+02:00", 0.1, -45.0, "local 06-01, UTC 06-01"),
        ("2026-06-02T01:15:00+02:00", 0.2, 12.0, "local 06-02, UTC 06-01 23:15"),
        ("2026-06-01T18:00:00-07:00", 0.4, 30.5, "local 06-01, UTC 06-02 01:00"),
        ("2026-06-01T23:59:59.999999-07:00", 0.8, -61.25, "local 06-01, UTC 06-02 06:59"),
        ("2026-06-02T05:30:00+05:45", 0.016, 8.0, "local 06-02, UTC 06-01 23:45"),
        ("2026-06-02T00:00:00+05:45", 0.032, -8.0, "local 06-02, UTC 06-01 18:15"),
        ("2026-06-02T12:00:00Z", 0.064, 1.5, "Z"),
        ("2026-06-02T12:00:00.5+00:00", 0.128, -1.5, "+00:00, one fraction digit"),
        ("2026-06-03T00:00:00-00:00", 0.256, 2.0, "-00:00"),
        ("2026-06-03T09:00:00.123+14:00", 0.512, 3.0, "local 06-03, UTC 06-02 19:00"),
        ("2026-06-02T20:00:00-12:00", 1.024, -4.0, "local 06-02, UTC 06-03 08:00"),
        ("2026-06-03T04:29:59+05:30", 2.048, 5.0, "local 06-03, UTC 06-02 22:59"),
        ("2026-12-31T23:30:00-07:00", 0.3, 6.0, "local 2026-12-31, UTC 2027-01-01"),
        ("2028-02-29T22:00:00-05:00", 0.7, -7.0, "local leap day, UTC 2028-03-01"),
        ("2028-03-01T00:30:00+09:00", 0.9, 9.0, "local 2028-03-01, UTC 2028-02-29"),
    ]
    ticks = []
    for i, (ts, cost, target, _) in enumerate(t):
        ticks.append(tick(ts, slot=i, plan=1.0, target=target, cost=cost, spent=cost,
                          remaining=round(10 - cost, 6), gate=i % 3 == 0, source="plan",
                          stage="vegetative"))
    case("offsets", ticks, "100", "5",
         ["2026-06-01", "2026-06-02", "2026-06-03", "2026-12-31", "2027-01-01", "2028-02-29",
          "2028-03-01"],
         "offsets +02:00 -07:00 +05:45 Z +00:00 -00:00 +14:00 -12:00 +05:30 +09:00 -05:00, "
         "fraction digits, ticks whose UTC date differs from their local date: date is the "
         "local date in the timestamp's own offset (2027-01-01 has no rows)")


def build_out_of_order():
    z = tz(2)
    ticks = []

    def t(day, hh, mm, cost, target, remaining, gate=True, off=z):
        ts = datetime(2026, 6, day, hh, mm, tzinfo=off)
        return tick(ts, slot=(hh * 60 + mm) // 15, plan=5.0, target=target, cost=cost,
                    spent=cost, remaining=remaining, gate=gate, source="plan", stage="fruiting")

    ticks += [t(10, 9, 0, 0.1, 10.0, 9.9), t(10, 12, 0, 0.2, -20.0, 9.7)]
    ticks += [t(11, 9, 0, 0.3, 15.0, 9.7), t(11, 13, 0, 0.1, 5.0, 9.6)]
    ticks += [t(12, 10, 0, 0.05, 1.0, 9.95)]
    # late ticks: for 06-10 at 07:00 (earlier than its other ticks), appended after 06-12
    ticks.append(t(10, 7, 0, 0.4, -44.4, 7.5))
    # for 06-11, in another offset, appended last, timestamped before the day's others
    ticks.append(t(11, 1, 0, 0.0, 0.0, 3.25, gate=False, off=tz(-7)))
    case("out_of_order", ticks, "100", "5", ["2026-06-10", "2026-06-11", "2026-06-12"],
         "late ticks for earlier days appended after later days: a day's budget_remaining_kwh "
         "is that of its last appended record (7.5 and 3.25), not of its latest timestamp")
    check("out_of_order", "daily 2026-06-10 budget_remaining_kwh", "7.5")
    check("out_of_order", "daily 2026-06-11 budget_remaining_kwh", "3.25")


def build_round_ties():
    z = tz(2)

    def day_ticks(day, costs, targets, remainings, gates):
        out = []
        for i, (c, a, r, g) in enumerate(zip(costs, targets, remainings, gates)):
            ts = datetime(2026, 7, day, 8 + i, 0, tzinfo=z)
            out.append(tick(ts, slot=32 + 4 * i, plan=2.0, target=a, cost=c, spent=c,
                            remaining=r, gate=g, source="plan", stage="flowering"))
        return out

    zeros = [0.0] * 8
    # A: total 0.0625 -> 0.062, daily_avg 0.03125 -> 0.0312, daily totals 0.03125 -> 0.0312,
    # ceiling 273.75 -> 273.8, intervention 1/16 = 6.25 -> 6.2, max offsets 2.25 -> 2.2 and
    # 7.75 -> 7.8, remaining 1.40625 -> 1.4062 and 1.46875 -> 1.4688.
    a = day_ticks(1, [0.015625, 0.0, 0.015625] + zeros[:5], [1.0, -2.25, 2.0] + zeros[:5],
                  [1.5] * 7 + [1.40625], [True] + [False] * 7)
    a += day_ticks(2, [0.0078125] * 4 + zeros[:4], [7.75, -7.5] + zeros[:6],
                   [2.0] * 7 + [1.46875], [False] * 8)
    case("round_ties_a", a, "2.5", "5", ["2026-07-01", "2026-07-02"],
         "exact binary ties, which round() sends to the even digit: total 0.0625, daily_avg "
         "0.03125, daily totals 0.03125, ceiling 273.75 (capacity 2.5), intervention 6.25, "
         "max_offset 2.25 and 7.75, remaining 1.40625 and 1.46875")
    for key, want in [("total_cost_kwh", "0.062"), ("daily_avg_kwh", "0.0312"),
                      ("ceiling_kwh", "273.8"), ("intervention_rate_pct", "6.2"),
                      ("daily 2026-07-01 total_cost_kwh", "0.0312"),
                      ("daily 2026-07-02 total_cost_kwh", "0.0312"),
                      ("daily 2026-07-01 max_offset_deg", "2.2"),
                      ("daily 2026-07-02 max_offset_deg", "7.8"),
                      ("daily 2026-07-01 budget_remaining_kwh", "1.4062"),
                      ("daily 2026-07-02 budget_remaining_kwh", "1.4688")]:
        check("round_ties_a", key, want, tie=True)

    # B: total 0.5 over 2 days -> projected 91.25 -> 91.2; daily totals 0.09375 -> 0.0938 and
    # 0.40625 -> 0.4062; intervention 3/16 = 18.75 -> 18.8; offsets 0.25 -> 0.2, 0.75 -> 0.8;
    # remaining 2.59375 -> 2.5938, 0.28125 -> 0.2812.
    b = day_ticks(3, [0.0625, 0.03125] + zeros[:6], [0.25, -0.125] + zeros[:6],
                  [3.0] * 7 + [2.59375], [True, True] + [False] * 6)
    b += day_ticks(4, [0.25, 0.125, 0.03125] + zeros[:5], [-0.75, 0.5] + zeros[:6],
                   [1.0] * 7 + [0.28125], [True] + [False] * 7)
    case("round_ties_b", b, "2.5", "5", ["2026-07-03", "2026-07-04"],
         "exact binary ties: projected 91.25, daily totals 0.09375 and 0.40625, intervention "
         "18.75, max_offset 0.25 and 0.75, remaining 2.59375 and 0.28125")
    for key, want in [("projected_annual_kwh", "91.2"), ("intervention_rate_pct", "18.8"),
                      ("daily 2026-07-03 total_cost_kwh", "0.0938"),
                      ("daily 2026-07-04 total_cost_kwh", "0.4062"),
                      ("daily 2026-07-03 max_offset_deg", "0.2"),
                      ("daily 2026-07-04 max_offset_deg", "0.8"),
                      ("daily 2026-07-03 budget_remaining_kwh", "2.5938"),
                      ("daily 2026-07-04 budget_remaining_kwh", "0.2812")]:
        check("round_ties_b", key, want, tie=True)

    # C: total 0.1875 over 4 days -> 0.188, utilization
    # 17.109375 / 273.75 * 100 = 6.25 -> 6.2, intervention 5/16 = 31.25 -> 31.2.
    c = []
    for d, cost in zip((5, 6, 7, 8), (0.0625, 0.0625, 0.03125, 0.03125)):
        c += day_ticks(d, [cost, 0.0, 0.0, 0.0], [10.0, -20.0, 30.0, 0.0], [5.0] * 4,
                       [True, d == 5, False, False])
    case("round_ties_c", c, "2.5", "5", ["2026-07-05", "2026-07-08"],
         "exact binary ties: total 0.1875, utilization 6.25, "
         "intervention 31.25")
    for key, want in [("total_cost_kwh", "0.188"),
                      ("utilization_pct", "6.2"), ("intervention_rate_pct", "31.2")]:
        check("round_ties_c", key, want, tie=True)

    # compliance exactly at the ceiling, and one ulp over it
    eq = day_ticks(9, [0.5, 0.25, 0.0, 0.0], [5.0, 5.0, 5.0, 5.0], [1.0] * 4,
                   [True, True, False, False])
    eq += day_ticks(10, [0.5, 0.25, 0.0, 0.0], [5.0, 5.0, 5.0, 5.0], [1.0] * 4,
                    [True, True, False, False])
    case("compliance_equal", eq, "2.5", "5", ["2026-07-09"],
         "projected 273.75 == ceiling 273.75: compliant true, utilization 100.0")
    check("compliance_equal", "projected_annual_kwh", "273.8", tie=True)
    check("compliance_equal", "utilization_pct", "100.0")
    check("compliance_equal", "compliant", True)
    over = [dict(t) for t in eq]
    # the smallest cost above 0.25 that moves the total off 1.5
    v = 0.25
    while True:
        v = math.nextafter(v, 1.0)
        over[-3]["energy_cost_kwh"] = v
        if pandas_sum([t["energy_cost_kwh"] for t in over]) > 1.5:
            break
    case("compliance_over", over, "2.5", "5", ["2026-07-10"],
         f"one cost of {v!r} instead of 0.25: the total is one ulp above 1.5, projected "
         "273.75000000000006 > ceiling 273.75, compliant false although both print 273.8 and "
         "utilization prints 100.0")
    check("compliance_over", "compliant", False)
    check("compliance_over", "projected_annual_kwh", "273.8")
    check("compliance_over", "utilization_pct", "100.0")


def tune(values, index, start, ok, step=None, steps=2000):
    """Sets values[index] to the first of start, start -/+ step, start -/+ 2 step, ... (step:
    one ulp of start unless given) for which ok(values) holds, and returns it."""
    step = step or math.ulp(start)
    for k in range(steps):
        for v in ((start,) if k == 0 else (start - k * step, start + k * step)):
            values[index] = v
            if ok(values):
                return v
    raise AssertionError("no value found")


def tune_exact(values, index, other, target):
    """Sets values[index] (and if needed nudges values[other] by a few ulps) so that the
    numpy sum of values is exactly the double `target`."""
    base = values[other]
    for j in range(64):
        values[other] = base + j * math.ulp(base)
        values[index] = 0.0
        start = target - pandas_sum(values)
        try:
            return tune(values, index, start, lambda a: pandas_sum(a) == target, steps=64)
        except AssertionError:
            pass
    raise AssertionError("no value found")


def tune_differing(values, index, start, nd, alternatives, step):
    """tune() for a value whose numpy sum rounds differently from as many alternatives as
    possible (all of them if it can)."""
    for want in range(len(alternatives), 0, -1):
        try:
            v = tune(values, index, start, lambda a: differing(a, nd, alternatives) == want,
                     step=step, steps=400)
            return v, want
        except AssertionError:
            pass
    raise AssertionError("no value found")


def build_near_ties():
    z = tz(2)
    # 80 ticks over two days, 23 gates: 23/80*100 = 28.749999999999996 -> 28.7
    rng = random.Random(7)
    gates = [False] * 80
    for i in rng.sample(range(80), 23):
        gates[i] = True
    gates[39] = gates[79] = True  # the last tick of each day carries a tuned cost
    while sum(gates) > 23:
        i = rng.randrange(80)
        if i not in (39, 79) and gates[i]:
            gates[i] = False
    costs = [round(rng.uniform(0.01, 0.09), 4) if g else 0.0 for g in gates]
    # day 1's sum (numpy order over its 40 values) exactly the double 1.00005 -> 1.0001
    # (a decimal half-even rounding of "1.00005" would give 1.0000)
    day1 = costs[:40]
    day1[39] = 0.0
    tune_exact(day1, 39, max(i for i in range(39) if day1[i]), 1.00005)
    costs[:40] = day1
    # the whole log's sum exactly the double 2.6755 -> 2.675 (decimal rounding: 2.676)
    costs[79] = 0.0
    tune_exact(costs, 79, max(i for i in range(40, 79) if costs[i]), 2.6755)
    targets = [round(rng.uniform(-0.14, 0.14), 2) for _ in range(40)]
    targets[17] = -0.15                     # day 1 max |offset| 0.15 -> 0.1
    targets += [round(rng.uniform(-2.4, 2.4), 2) for _ in range(40)]
    targets[60] = 2.45                      # day 2 max |offset| 2.45 -> 2.5
    remaining = [1.0] * 80
    remaining[39] = 0.00015                 # -> 0.0001
    remaining[79] = 0.12345                 # -> 0.1235
    ticks = []
    for i in range(80):
        day, k = divmod(i, 40)
        ts = datetime(2026, 8, 1 + day, 8, 0, tzinfo=z) + timedelta(minutes=15 * k)
        ticks.append(tick(ts, slot=32 + k, plan=1.0, target=targets[i], cost=costs[i],
                          spent=0.0, remaining=remaining[i], gate=gates[i], source="plan",
                          stage="fruiting"))
    case("near_ties", ticks, "1.1", "5", ["2026-08-01", "2026-08-02"],
         "decimal halves that are not binary ties (round() looks at the exact double): total "
         "2.6755 -> 2.675, daily_avg 1.33775 -> 1.3377, ceiling 120.45000000000000284 -> "
         "120.5 (capacity 1.1), intervention 28.749999999999996 -> 28.7, daily total 1.00005 "
         "-> 1.0001, max_offset 0.15 -> 0.1 and 2.45 -> 2.5, remaining 0.00015 -> 0.0001 and "
         "0.12345 -> 0.1235")
    for key, want in [("total_cost_kwh", "2.675"), ("daily_avg_kwh", "1.3377"),
                      ("ceiling_kwh", "120.5"), ("intervention_rate_pct", "28.7"),
                      ("daily 2026-08-01 total_cost_kwh", "1.0001"),
                      ("daily 2026-08-01 max_offset_deg", "0.1"),
                      ("daily 2026-08-02 max_offset_deg", "2.5"),
                      ("daily 2026-08-01 budget_remaining_kwh", "0.0001"),
                      ("daily 2026-08-02 budget_remaining_kwh", "0.1235")]:
        check("near_ties", key, want, tie=False)

    # near_ties_b: one day, 400 ticks 3 minutes apart, 29 gates: 7.249999999999999 -> 7.2;
    # total exactly 0.01 -> projected 3.6499999999999999 -> 3.6; capacity 12.1 -> ceiling
    # 1324.9499999999998 -> 1324.9; max_offset 12.35 -> 12.3; remaining 2.67505 -> 2.6751.
    rng = random.Random(11)
    gate_idx = sorted(rng.sample(range(399), 28)) + [399]
    costs = [0.0] * 400
    for i in gate_idx:
        costs[i] = round(rng.uniform(0.0001, 0.0004), 5)
    costs[399] = 0.0
    tune_exact(costs, 399, gate_idx[-2], 0.01)
    targets = [round(rng.uniform(-12.3, 12.3), 1) for _ in range(400)]
    targets[250] = -12.35
    ticks = []
    start = datetime(2026, 8, 10, 0, 0, tzinfo=tz(-7))
    for i in range(400):
        ts = start + timedelta(minutes=3 * i)
        ticks.append(tick(ts, slot=i // 5, plan=0.5, target=targets[i], cost=costs[i],
                          spent=0.0, remaining=2.67505 if i == 399 else 3.0,
                          gate=i in gate_idx, source="plan", stage="vegetative"))
    case("near_ties_b", ticks, "12.1", "5", ["2026-08-10"],
         "decimal halves that are not binary ties: projected 3.6499999999999999 -> 3.6, ceiling "
         "1324.9499999999998 -> 1324.9 (capacity 12.1), intervention 7.249999999999999 -> "
         "7.2, max_offset 12.35 -> 12.3, remaining 2.67505 -> 2.6751")
    for key, want in [("total_cost_kwh", "0.01"), ("projected_annual_kwh", "3.6"),
                      ("ceiling_kwh", "1324.9"), ("intervention_rate_pct", "7.2"),
                      ("daily 2026-08-10 max_offset_deg", "12.3"),
                      ("daily 2026-08-10 budget_remaining_kwh", "2.6751")]:
        check("near_ties_b", key, want, tie=False)


def differing(a, nd, alternatives):
    """How many of the alternative summations round differently from numpy's."""
    ref = round(numpy_sum(a), nd)
    return sum(round(f(a), nd) != ref for f in alternatives)


def build_sum_order():
    # Two days of 150 ticks (pairwise: 72 + 78 values, 8 running sums each). The last cost of
    # day 1 is chosen so that numpy's sum of the day lies on the other side of a 4-decimal
    # half from the left-to-right sum and from the exact sum (math.fsum); the last cost of
    # day 2 does the same for the 3-decimal total of both days.
    rng = random.Random(3)
    costs = [rng.uniform(0.001, 0.2) for _ in range(300)]  # full-precision doubles
    alts = (naive_sum, math.fsum)

    def boundary(s, nd):
        return float((Decimal(repr(s)).quantize(Decimal(1).scaleb(-nd), rounding="ROUND_FLOOR")
                      + Decimal(5).scaleb(-nd - 1)))

    def tune_at_some_boundary(values, index, nd, extras=range(50, 200)):
        # the first 4- (3-) decimal half above the other values' sum + 0.05, + 0.051, ...
        # where numpy's rounding differs from both alternatives
        for extra in extras:
            values[index] = 0.0
            b = boundary(pandas_sum(values) + extra / 1000, nd)
            v, want = tune_differing(values, index, b - pandas_sum(values), nd, alts,
                                     math.ulp(b) / 4)
            if want == len(alts):
                return v
        raise AssertionError("no boundary found")

    day1 = costs[:150]
    tune_at_some_boundary(day1, 149, 4)
    costs[:150] = day1
    for seed in range(100):  # day 2's values: the first set for which a total works
        r2 = random.Random(1000 + seed)
        costs[150:] = [r2.uniform(0.001, 0.2) for _ in range(150)]
        try:
            tune_at_some_boundary(costs, 299, 3, range(50, 70))
            break
        except AssertionError:
            pass
    else:
        raise AssertionError("no day 2 found")
    assert differing(costs[:150], 4, alts) == len(alts)
    ticks = []
    for i in range(300):
        day, k = divmod(i, 150)
        ts = datetime(2026, 9, 1 + day, 4, 0, tzinfo=tz(2)) + timedelta(minutes=6 * k)
        ticks.append(tick(ts, slot=k, plan=3.0, target=-3.0, cost=costs[i], spent=0.0,
                          remaining=1.0, gate=True, source="plan", stage="fruiting"))
    case("sum_order", ticks, "100", "5", ["2026-09-01", "2026-09-02"],
         "sums whose rounding depends on the summation order: numpy's pairwise sum rounds "
         "differently from the left-to-right and the exact (fsum) sum, for the daily "
         "total_cost_kwh of 2026-09-01 (4 decimals) and the total_cost_kwh (3 decimals)")


def build_big():
    # 1-minute ticks for 7 days and 2 hours: 10200 records, more than numpy's 8192-value
    # chunks. The last cost is chosen so that numpy's total (pairwise over the first 8192
    # values, plus pairwise over the other 2008) rounds to 3 decimals differently from one
    # pairwise sum over all 10200 values, from the left-to-right sum and from fsum.
    rng = random.Random(1440)
    z = tz(1)
    start = datetime(2026, 3, 1, tzinfo=z)
    ticks = []
    spent = 0.0
    for i in range(10200):
        ts = start + timedelta(minutes=i)
        m = i % 1440
        if m == 0:
            spent = 0.0
        daylight = 360 <= m < 1080
        gate = daylight and rng.random() < 0.4
        plan = round(rng.uniform(3.0, 20.0), 1) * rng.choice((1, -1)) if gate else 0.0
        cost = round(rng.uniform(0.0005, 0.03), 6) if gate else 0.0
        spent += cost
        ticks.append(tick(ts, slot=m, plan=plan, target=round(sun_angle(m) + plan, 2), cost=cost,
                          spent=round(spent, 6), remaining=round(6.0 - spent, 6), gate=gate,
                          source="plan" if gate else "fallback", stage="vegetative"))
    costs = [t["energy_cost_kwh"] for t in ticks]
    assert pandas_sum(costs) == numpy_sum(costs), "numpy's order is not the one modelled"
    alts = (pairwise, naive_sum, math.fsum)
    costs[-1] = 0.0
    s = pandas_sum(costs)
    b = float(Decimal(repr(s)).quantize(Decimal("0.001"), rounding="ROUND_FLOOR") + Decimal("0.0015"))
    v, want = tune_differing(costs, len(costs) - 1, b - s, 3, alts, math.ulp(b) / 4)
    assert pandas_sum(costs) == numpy_sum(costs)
    ticks[-1].update(energy_cost_kwh=v, live_gate_passed=True, source="plan")
    case("big_minute", ticks, "100", "5",
         ["2026-03-01", "2026-03-04", "2026-03-08"],
         "10200 1-minute ticks (+01:00) over 8 local days: more than numpy's 8192-value chunks; "
         f"total_cost_kwh rounds differently from {want} of: one pairwise sum over all values, "
         "the left-to-right sum, fsum")
    CASES["big_minute"]["differs_from"] = want


def build_values():
    # ints and floats
    ints = []
    for d in (1, 2):
        for k, (cost, target, gate) in enumerate([(1, -30, True), (0, 15, False), (2, 45, True)]):
            ts = datetime(2026, 10, d, 9 + k, 0, tzinfo=tz(2))
            ints.append(tick(ts, slot=36 + 4 * k, plan=5, target=target, cost=cost, spent=cost,
                             remaining=10 - cost, gate=gate, source="plan", stage="flowering"))
    case("all_int", ints, "100", "5", ["2026-10-01"],
         "every number an int in the JSON: the columns stay int64 in pandas; the reports "
         "print floats all the same (float(...) before round)")
    mixed = [dict(t) for t in ints]
    for t in mixed[1::2]:
        t["energy_cost_kwh"] = float(t["energy_cost_kwh"]) + 0.5
        t["target_angle"] = float(t["target_angle"]) - 0.25
        t["budget_remaining_kwh"] = t["budget_remaining_kwh"] + 0.125
    case("mixed_int_float", mixed, "100", "5", ["2026-10-01", "2026-10-02"],
         "ints and floats mixed in the same fields (the first tick all ints): pandas makes "
         "those columns float64")

    # negative zero
    nz = [
        tick("2026-10-05T10:00:00+02:00", slot=40, plan=0.0, target=-0.0, cost=0.00001,
             spent=0.00001, remaining=0.0, gate=False, source="plan", stage="fruiting"),
        tick("2026-10-05T10:15:00+02:00", slot=41, plan=-0.0, target=-0.0, cost=-0.00002,
             spent=-0.00001, remaining=-0.00001, gate=False, source="plan", stage="fruiting"),
    ]
    case("negative_zero", nz, "100", "5", ["2026-10-05"],
         "a total of -1e-05: total_cost_kwh, daily_avg_kwh, projected_annual_kwh, "
         "utilization_pct, daily total_cost_kwh and budget_remaining_kwh all print -0.0; "
         "target_angle -0.0 gives max_offset_deg 0.0")

    # huge and tiny numbers: repr switches to exponent notation at 1e16 and below 1e-4
    hv = [
        tick("2026-10-07T12:00:00+02:00", slot=48, plan=1e20, target=-1e20, cost=1e16,
             spent=1e16, remaining=1e300, gate=True, source="plan", stage="fruiting"),
        tick("2026-10-07T12:15:00+02:00", slot=49, plan=0.0, target=1e19, cost=1e16,
             spent=2e16, remaining=1.5e300, gate=True, source="plan", stage="fruiting"),
        tick("2026-10-08T12:00:00+02:00", slot=48, plan=0.0, target=123456789012345680.0,
             cost=1e16, spent=1e16, remaining=9007199254740993, gate=False, source="plan",
             stage="fruiting"),
    ]
    case("huge_values", hv, "1e23", "0.00001", ["2026-10-07", "2026-10-08"],
         "floats printed in exponent notation: capacity 1e23 and pct 0.00001 (ceiling_pct "
         "prints 1e-05), totals 3e+16 and 2e+16, projected 5.475e+18, max_offset 1e+20, "
         "remaining 1.5e+300; an int remaining 2^53+1 becomes the double 2^53")


def build_non_ascii():
    raw = [
        '{"timestamp": "2026-11-02T09:00:00+01:00", "slot_index": 36, "energy_cost_kwh": 0.2, '
        '"target_angle": -12.0, "live_gate_passed": true, "source": "régulateur", '
        '"stage_id": "開花期"}',
        '{"timestamp": "2026-11-02T09:15:00+01:00", "slot_index": 37, "energy_cost_kwh": 0.3, '
        '"target_angle": 14.0, "live_gate_passed": true, "source": "\\u00e9t\\u00e9 \\ud83c\\udf3e", '
        '"stage_id": "floraison\\t\\"2\\"\\\\"}',
        '{"timestamp": "2026-11-02T09:30:00+01:00", "slot_index": 38, "energy_cost_kwh": 0.0, '
        '"target_angle": 0.5, "live_gate_passed": false, "source": "🌾 Ünïcödé", '
        '"stage_id": "\\u0424\\u0430\\u0437\\u0430"}',
    ]
    ticks = [json.loads(line) for line in raw]
    case("non_ascii", ticks, "100", "5", ["2026-11-02"],
         "source and stage_id with non-ASCII text, raw UTF-8 and \\u escapes (a surrogate "
         "pair), quotes, backslash and tab; the reports do not print them", raw_lines=raw)


BUILDERS = [build_normal, build_single, build_pct_types, build_capacity_zero, build_empty,
            build_missing_fields, build_offsets, build_out_of_order, build_round_ties,
            build_near_ties, build_sum_order, build_big, build_values, build_non_ascii]

BOUNDARY_CASES = ("round_ties_a", "round_ties_b", "round_ties_c", "compliance_equal",
                  "compliance_over", "near_ties", "near_ties_b", "sum_order", "big_minute")


def write_case(name, c):
    d = OUT / name
    d.mkdir(parents=True, exist_ok=True)
    lines = c["raw_lines"] or [json.dumps(t, ensure_ascii=False) for t in c["ticks"]]
    (d / "ticks.jsonl").write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    args = [f"# {c['about']}", f"capacity_kw={c['capacity']}",
            f"max_reduction_pct={c['pct']}", "daily=" + " ".join(c["daily"])]
    if c["log_flags"]:
        args.append(f"log_flags={c['log_flags']}")
    (d / "args").write_text("\n".join(args) + "\n", encoding="utf-8")


def boundaries_md() -> str:
    out = ["# Rounded keys before rounding, in the boundary cases", "",
           "Written by tests/golden/python/gen_ticks.py (its own copy of the module's formulas; "
           "the expected files themselves come from the module). `value` is the double the "
           "module passes to round(), `exact` its exact decimal expansion (cut at 30 digits), "
           "`round()` what Python prints; `repr half-up` / `repr half-even` are what a decimal "
           "rounding of the shortest repr would give instead, and `tie` says whether the double "
           "is exactly halfway. A port that rounds the double exactly, halves to even, gets "
           "`round()`.", ""]
    for name in BOUNDARY_CASES:
        c = CASES[name]
        out += [f"## {name}", "", c["about"], "",
                "| key | value | exact | round() | repr half-up | repr half-even | tie |",
                "| --- | --- | --- | --- | --- | --- | --- |"]
        for key, v, nd in probe(c["ticks"], float(c["capacity"]), float(c["pct"])):
            if nd is None:
                out.append(f"| {key} | {v} | | | | | |")
                continue
            exact = str(Decimal(v))
            if len(exact) > 32:
                exact = exact[:32] + "…"
            out.append(f"| {key} | {v!r} | {exact} | {round(v, nd)!r} | {half_up(v, nd)} | "
                       f"{half_even_of_repr(v, nd)} | {'yes' if is_exact_tie(v, nd) else ''} |")
        if name in ("sum_order", "big_minute"):
            out += ["", "Other summation orders of the same costs (total, and each day's total):", ""]
            groups = [("total", [t.get("energy_cost_kwh", 0.0) for t in c["ticks"]], 3)]
            for d in c["daily"]:
                day = [t.get("energy_cost_kwh", 0.0) for t in c["ticks"] if local_date(t) == d]
                groups.append((f"daily {d}", day, 4))
            out += ["| sum | numpy (8192-value chunks, pairwise) | one pairwise sum | left to right | fsum |",
                    "| --- | --- | --- | --- | --- |"]
            for label, a, nd in groups:
                cells = [f"{f(a)!r} → {round(f(a), nd)!r}"
                         for f in (numpy_sum, pairwise, naive_sum, math.fsum)]
                out.append(f"| {label} | " + " | ".join(cells) + " |")
        out.append("")
    return "\n".join(out)


def main():
    for b in BUILDERS:
        b()
    # numpy's summation order, as modelled, against numpy itself
    for name, c in CASES.items():
        costs = [t.get("energy_cost_kwh", 0.0) for t in c["ticks"]]
        if costs and all(isinstance(x, float) for x in costs):
            assert numpy_sum(costs) == float(np.add.reduce(np.array(costs))), name
    OUT.mkdir(parents=True, exist_ok=True)
    for name, c in CASES.items():
        write_case(name, c)
    (OUT / "BOUNDARIES.md").write_text(boundaries_md(), encoding="utf-8")
    print(f"{len(CASES)} cases written under {OUT}")


if __name__ == "__main__":
    main()

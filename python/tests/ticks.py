"""Tick sets the side-by-side tests feed to the Python version and to budget_audit alike.

Each set is a list of tick objects with the Python version's attribute names (SimpleNamespace,
as a controller's tick result is any object with attributes). Every tick has a timestamp of its
own: a tick without one is logged at "now", which differs between two logs by construction (the
tests of that default compare the date and the other fields instead).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace as Tick

UTC = timezone.utc


def plain_days(days=3, per_day=48, start=datetime(2026, 6, 1, tzinfo=UTC), seed=1):
    """Ticks spread evenly over a few days (half-hourly by default), daylight costs,
    interventions, stages and sources."""
    rng = random.Random(seed)
    out = []
    spent = 0.0
    for d in range(days):
        for i in range(per_day):
            ts = start + timedelta(days=d, minutes=(1440 // per_day) * i)
            daylight = per_day // 4 <= i < per_day * 4 // 5
            cost = round(rng.uniform(0.0, 2.5), rng.choice([1, 3, 6])) if daylight else 0.0
            spent += cost
            out.append(Tick(
                timestamp=ts,
                slot_index=i,
                plan_offset_deg=round(rng.uniform(-30, 30), 2) if daylight else 0.0,
                target_angle=round(rng.uniform(-55, 55), 3),
                energy_cost_kwh=cost,
                budget_spent_kwh=spent,
                budget_remaining_kwh=1000.0 - spent,
                live_gate_passed=daylight and rng.random() < 0.6,
                source=rng.choice(["", "plan", "override", "frost"]),
                stage_id=rng.choice(["unknown", "flowering", "fruit_set", "ripening"]),
            ))
    return out


def rounding_boundaries():
    """Costs whose sums land on rounding ties of round(x, 3) and round(x, 4), offsets on
    round(x, 1) ties, negative offsets (abs), tiny and large values."""
    base = datetime(2026, 7, 1, 10, tzinfo=UTC)
    costs = [0.0005, 0.0015, 0.00025, 1.00005, 2.675, 0.1, 0.2, 0.3, 1e-9, 123456.78905, 0.04445]
    offsets = [0.05, -0.15, 0.25, -0.35, 44.45, -44.95, 0.0, -0.0, 12.25, -89.95, 1.05]
    out = []
    for i, (c, o) in enumerate(zip(costs, offsets)):
        out.append(Tick(timestamp=base + timedelta(minutes=5 * i), slot_index=i, plan_offset_deg=o,
                        target_angle=o, energy_cost_kwh=c, budget_spent_kwh=sum(costs[: i + 1]),
                        budget_remaining_kwh=0.5 - 0.1 * i + 0.00005, live_gate_passed=i % 3 == 0,
                        source="s", stage_id="x"))
    return out


def missing_attributes():
    """Ticks lacking attributes: the Python version's defaults. (An attribute that is None is
    another case: the Python version stored None, budget_audit takes the default; see
    test_parity.py.)"""
    base = datetime(2026, 8, 2, 6, tzinfo=UTC)
    out = [
        Tick(timestamp=base),
        Tick(timestamp=base + timedelta(minutes=1), slot_index=4),
        Tick(timestamp=base + timedelta(minutes=2), energy_cost_kwh=1.25, live_gate_passed=True),
        Tick(timestamp=base + timedelta(minutes=3), source="frost", target_angle=-12.5),
        Tick(timestamp=base + timedelta(minutes=4), budget_remaining_kwh=88.0),
        Tick(timestamp=base + timedelta(minutes=5), slot_index=9, plan_offset_deg=3.0, target_angle=4.0,
             energy_cost_kwh=0.5, budget_spent_kwh=1.75, budget_remaining_kwh=87.5, live_gate_passed=False,
             source="plan", stage_id="flowering", note="not kept", controller_version=7),
    ]
    return out


def offset_datetimes():
    """A site at +02:00 and one at -05:00: dates by each timestamp's own offset, some of them
    another day than the UTC date."""
    plus2 = timezone(timedelta(hours=2))
    minus5 = timezone(timedelta(hours=-5))
    out = []
    for i, (h, tz) in enumerate([(0, plus2), (1, plus2), (23, plus2), (22, minus5), (23, minus5), (0, minus5)]):
        out.append(Tick(timestamp=datetime(2026, 6, 10, h, 30, tzinfo=tz), slot_index=i, energy_cost_kwh=0.25 * i,
                        target_angle=10.0 - i, live_gate_passed=i % 2 == 0, source="tz", stage_id="s"))
    return out


def naive_datetimes():
    """Naive datetimes: the Python version stored them as they were; budget_audit reads them as
    UTC. Their dates are their own either way."""
    base = datetime(2026, 9, 1, 23, 50)
    return [Tick(timestamp=base + timedelta(minutes=5 * i), slot_index=i, energy_cost_kwh=0.125 * i,
                 target_angle=-3.0 * i, live_gate_passed=i % 2 == 1, source="naive", stage_id="n")
            for i in range(6)]


def out_of_order():
    """Timestamps going backwards and jumping between days: both keep append order."""
    base = datetime(2026, 6, 20, 12, tzinfo=UTC)
    minutes = [0, 30, 10, -600, 1440, 20, 1500, -1440, 5]
    return [Tick(timestamp=base + timedelta(minutes=m), slot_index=i, energy_cost_kwh=0.1 * (i + 1),
                 budget_remaining_kwh=100.0 - i, target_angle=float(m % 50) - 25.0, live_gate_passed=i % 2 == 0,
                 source="o", stage_id="o")
            for i, m in enumerate(minutes)]


def numpy_scalars():
    """The values a pandas-based controller hands over: numpy floats, ints and bools."""
    import numpy as np

    base = datetime(2026, 6, 15, 8, tzinfo=UTC)
    return [Tick(timestamp=base + timedelta(minutes=i), slot_index=np.int64(i), plan_offset_deg=np.float64(1.5 * i),
                 target_angle=np.float64(0.25 * i), energy_cost_kwh=np.float64(0.1) * i,
                 budget_spent_kwh=np.float64(i), budget_remaining_kwh=np.float64(50 - i),
                 live_gate_passed=np.bool_(i % 2 == 0), source="np", stage_id="np")
            for i in range(5)]


def month_of_quarter_hours():
    """A month of quarter-hour ticks (2,880): sums long enough for numpy's pairwise summation to
    differ from a naive running sum in the last digits."""
    return plain_days(days=30, per_day=96, start=datetime(2026, 5, 1, tzinfo=UTC), seed=7)


def zoneinfo_dst():
    """Ticks in Europe/Berlin (zoneinfo) across both DST changes of 2026: 23- and 25-hour days,
    dates by the local wall clock."""
    from zoneinfo import ZoneInfo

    berlin = ZoneInfo("Europe/Berlin")
    out = []
    for start in (datetime(2026, 3, 28, 20, tzinfo=UTC), datetime(2026, 10, 24, 20, tzinfo=UTC)):
        for i in range(40):
            ts = (start + timedelta(minutes=30 * i)).astimezone(berlin)
            out.append(Tick(timestamp=ts, slot_index=i, energy_cost_kwh=0.01 * (i % 7), target_angle=(i % 11) - 5.5,
                            budget_remaining_kwh=500.0 - i, live_gate_passed=i % 3 == 1, source="dst",
                            stage_id="winter"))
    return out


SETS = {
    "plain_days": plain_days,
    "rounding_boundaries": rounding_boundaries,
    "missing_attributes": missing_attributes,
    "offset_datetimes": offset_datetimes,
    "naive_datetimes": naive_datetimes,
    "out_of_order": out_of_order,
    "numpy_scalars": numpy_scalars,
    "month_of_quarter_hours": month_of_quarter_hours,
    "zoneinfo_dst": zoneinfo_dst,
}

# Sets whose timestamps are not UTC-aware: load() differs in the timestamp's zone only.
NOT_UTC = {"offset_datetimes", "naive_datetimes", "zoneinfo_dst"}

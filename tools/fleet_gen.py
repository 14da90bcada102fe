#!/usr/bin/env python3
"""A fleet of generated agrivoltaic sites: each a config file and a log.

    python tools/fleet_gen.py OUT [--sites 100] [--start 2026-01-01] [--days 365]
                              [--tick-seconds 60] [--seed 1] [--cli build/budget-audit]
                              [--jobs 2] [--publish DEST] [--keep-input]

For each site OUT/<site_id>/ holds budget_audit.toml (site_id, capacity_kw,
max_reduction_pct, timezone, budget_year_start, the potential: one of
annual_potential_kwh, specific_yield_kwh_per_kwp, a monthly_file or none (the
peak-sun-hours basis), monthly_share or latitude) and slot_log/, the log,
filled by `budget-audit --config FILE --log DIR import ticks.parquet` (so the
month files are sealed with site summaries in the site's own zone) with
BUDGET_AUDIT_TODAY after the span, so every day is sealed and the journal is
empty. OUT/fleet.json lists the sites (site_id, config, log, what anomalies
were put in).

Sites are spread over zones on both hemispheres (half-hour and 45-minute
offsets included); southern sites mostly keep budget years from 07-01. Ticks
run every --tick-seconds from the site's first local midnight for --days days.
Some sites carry ledger anomalies (docs/compliance.md, "Ledger checks"):
outages (hours to days without ticks), costs booked without the gate,
negative costs, offsets off plan, a controller whose budget_spent_kwh or
budget_remaining_kwh drifts, `date` written in UTC instead of the site's day
around a month's change (which also moves rows into the other month's file,
so the files' seqs interleave), a timestamp going backwards, a controller
that stops logging early. The same --seed gives the same fleet, byte for
byte of input.

--publish DEST publishes every site to the fleet store DEST/site=<site_id>/
with `budget-audit publish`. Needs numpy and pyarrow (the project's venv).
"""
from __future__ import annotations

import argparse
import concurrent.futures
import datetime as dt
import json
import os
import random
import shutil
import subprocess
import sys
import zoneinfo
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

# (zone, latitude, budget_year_start): both hemispheres, odd offsets too.
ZONES = [
    ("Europe/Paris", 48.1, "01-01"),
    ("Europe/Berlin", 52.4, "01-01"),
    ("America/Chicago", 41.8, "01-01"),
    ("Australia/Sydney", -33.8, "07-01"),
    ("America/Santiago", -33.4, "07-01"),
    ("Asia/Tokyo", 35.7, "01-01"),
    ("Africa/Johannesburg", -26.2, "07-01"),
    ("Asia/Kolkata", 28.6, "04-01"),
    ("Australia/Adelaide", -34.9, "07-01"),
    ("America/Los_Angeles", 36.7, "01-01"),
    ("Pacific/Auckland", -37.8, "07-01"),
    ("Asia/Kathmandu", 27.7, "01-01"),
    ("America/Sao_Paulo", -23.5, "01-01"),
    ("Europe/Madrid", 40.4, "01-01"),
]
CEILINGS = ["1.25", "2.5", "3", "5", "5.0", "7.5", "10"]
STAGES = ["germination", "vegetative", "flowering", "heading", "ripening", "fallow"]
SOURCES = ["crop-heat-stress", "frost-protection", "irrigation-window", "manual"]
ANOMALIES = ["outage", "cost_without_gate", "negative_cost", "offset_deviation",
             "controller_drift", "utc_date", "backwards", "stops"]


def site_plan(i: int, rng: random.Random) -> dict:
    """A site's settings (deterministic from the fleet's seed)."""
    zone, lat, year_start = ZONES[i % len(ZONES)]
    capacity = rng.choice([80, 150, 250, 420, 500, 750, 1200, 2500]) * rng.choice([1, 1.0, 0.5])
    basis = rng.choice(["annual", "annual", "specific", "monthly_file", "peak_sun"])
    plan = {
        "site_id": f"{zone.split('/')[-1].lower().replace('_', '-')}-{i:04d}",
        "timezone": zone,
        "latitude": lat + rng.uniform(-0.5, 0.5),
        "budget_year_start": year_start if rng.random() < 0.85 else "01-01",
        "capacity_kw": capacity,
        "max_reduction_pct": rng.choice(CEILINGS),
        "basis": basis,
        # kWh/kWp a year: ~900 in the north of Europe to ~1900 in Chile.
        "yield": rng.uniform(900, 1900),
        "monthly_share": rng.random() < 0.5,
        # Interventions per daylight tick, and how hard the controller leans.
        "p_gate": rng.uniform(0.02, 0.25),
        "cost_scale": rng.uniform(0.2, 1.6),
        "controller_counts": rng.random() < 0.6,
        "anomalies": sorted({a for a in ANOMALIES if rng.random() < 0.12}),
    }
    return plan


def shares(lat: float, rng: random.Random) -> list[float]:
    """12 monthly percentages summing to 100 (to 2 decimals), summer-heavy."""
    south = lat < 0
    raw = []
    for m in range(12):
        phase = (m + (6 if south else 0)) % 12
        raw.append(float(1.0 + 0.8 * np.cos(2 * np.pi * (phase - 5.5) / 12)) + rng.uniform(-0.05, 0.05))
    total = sum(raw)
    pct = [round(100 * r / total, 2) for r in raw]
    pct[5] = round(pct[5] + 100 - sum(pct), 2)
    return pct


def toml_value(v) -> str:
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    return repr(v)


def write_config(site_dir: Path, plan: dict, rng: random.Random) -> Path:
    lines = [
        "# generated by tools/fleet_gen.py",
        f"site_id = {toml_value(plan['site_id'])}",
        f"capacity_kw = {toml_value(plan['capacity_kw'])}",
        f"max_reduction_pct = {plan['max_reduction_pct']}",
        f"timezone = {toml_value(plan['timezone'])}",
        f"budget_year_start = {toml_value(plan['budget_year_start'])}",
        f"latitude = {plan['latitude']:.4f}",
    ]
    annual = round(plan["capacity_kw"] * plan["yield"], 1)
    if plan["basis"] == "annual":
        lines.append(f"annual_potential_kwh = {annual}")
    elif plan["basis"] == "specific":
        lines.append(f"specific_yield_kwh_per_kwp = {plan['yield']:.2f}")
    elif plan["basis"] == "monthly_file":
        pct = shares(plan["latitude"], rng)
        (site_dir / "monthly.csv").write_text(
            "month,kwh\n" + "".join(f"{m + 1},{annual * p / 100:.1f}\n" for m, p in enumerate(pct)))
        lines.append('monthly_file = "monthly.csv"')
    if plan["monthly_share"] and plan["basis"] != "monthly_file":
        lines.append(f"monthly_share = {toml_value(shares(plan['latitude'], rng))}")
    path = site_dir / "budget_audit.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def local_midnights(zone: str, first: dt.date, days: int) -> np.ndarray:
    """UTC µs of the local midnights of days first .. first+days (days+1 values)."""
    tz = zoneinfo.ZoneInfo(zone)
    out = np.empty(days + 1, dtype=np.int64)
    for k in range(days + 1):
        d = first + dt.timedelta(days=k)
        # Midnight may not exist (a DST jump at 00:00): the day starts at the
        # first instant whose local date is d.
        t = dt.datetime(d.year, d.month, d.day, tzinfo=tz)
        u = t.astimezone(dt.timezone.utc)
        if u.astimezone(tz).date() != d:
            u = (dt.datetime(d.year, d.month, d.day, 1, tzinfo=tz)).astimezone(dt.timezone.utc)
        out[k] = int(u.timestamp()) * 1_000_000
    return out


def ticks_table(plan: dict, start: dt.date, days: int, tick_s: int, seed: int) -> tuple[pa.Table, dict]:
    """The site's ticks as the Python version's Parquet columns, and notes on what was put in."""
    rng = np.random.default_rng(seed)
    zone = plan["timezone"]
    mid = local_midnights(zone, start, days)
    ts = np.arange(mid[0], mid[-1], tick_s * 1_000_000, dtype=np.int64)
    notes: dict = {}
    anomalies = plan["anomalies"]
    n0 = len(ts)
    if "outage" in anomalies and n0 > 10:
        # One to three periods without ticks, 3 h to 2 days each.
        keep = np.ones(n0, dtype=bool)
        outages = []
        for _ in range(int(rng.integers(1, 4))):
            length = int(rng.integers(3 * 3600, 2 * 86400) // tick_s)
            at = int(rng.integers(1, max(2, n0 - length - 1)))
            keep[at:at + length] = False
            outages.append([int(ts[at]), int(ts[min(n0 - 1, at + length)])])
        ts = ts[keep]
        notes["outages"] = outages
    if "stops" in anomalies and len(ts) > 10:
        # The controller stops logging after the first 40 % of the span (a site whose budget
        # year starts later has no record in it).
        ts = ts[: int(len(ts) * 0.4)]
        notes["stops_after"] = int(ts[-1])
    n = len(ts)
    day_idx = np.searchsorted(mid, ts, side="right") - 1
    local_hour = (ts - mid[day_idx]) / 3.6e9
    daylight = (local_hour > 6.5) & (local_hour < 19.5)
    gate = daylight & (rng.random(n) < plan["p_gate"])
    kwh_per_tick = plan["capacity_kw"] * tick_s / 3600.0
    # Sacrifice: a few % of the tick's energy, more around noon.
    noon = np.clip(1.0 - np.abs(local_hour - 13.0) / 6.5, 0, 1)
    cost = np.where(gate, kwh_per_tick * plan["cost_scale"] * 0.08 * noon * rng.random(n), 0.0)
    cost = np.round(cost, 6)
    planned = np.where(gate, np.round(rng.uniform(5, 40, n), 2), 0.0)
    actual = np.where(gate, np.round(planned + rng.uniform(-0.6, 0.6, n), 2), 0.0)
    if "cost_without_gate" in anomalies and n:
        k = rng.choice(n, size=min(n, int(rng.integers(1, 6))), replace=False)
        cost[k] = np.where(gate[k], cost[k], 0.125)
        gate[k] = False
        notes["cost_without_gate"] = int(np.count_nonzero((cost[k] != 0)))
    if "negative_cost" in anomalies and n:
        k = int(rng.integers(0, n))
        cost[k] = -0.5
        gate[k] = True
    if "offset_deviation" in anomalies and n:
        k = np.flatnonzero(gate)[:5]
        actual[k] = planned[k] + 3.5
    spent = np.zeros(n)
    remaining = np.zeros(n)
    if plan["controller_counts"]:
        spent = np.cumsum(cost)
        budget = float(plan["capacity_kw"]) * plan["yield"] * float(plan["max_reduction_pct"]) / 100
        remaining = budget - spent
        if "controller_drift" in anomalies and n > 4:
            # From the middle on, either budget_spent_kwh drifts from the logged costs (and
            # remaining with it), or remaining alone jumps (their sum changes).
            if rng.random() < 0.5:
                spent[n // 2:] += 0.75
                remaining[n // 2:] -= 0.75
                notes["drift"] = "spent"
            else:
                remaining[n // 2:] += 0.75
                notes["drift"] = "remaining"
    local_days = np.array([(start + dt.timedelta(days=k)).isoformat() for k in range(days)])
    date = local_days[day_idx]
    if "utc_date" in anomalies and n:
        # A controller whose clock ran in UTC for a while around a month's
        # change in the middle of the span: rows of local hours 01 and 22 of
        # the two days around it dated in UTC (the Python version's own date
        # column). Where that is another month, the row goes to that month's
        # file, so the files' seqs interleave.
        firsts = [k for k in range(1, days) if (start + dt.timedelta(days=k)).day == 1]
        k0 = min(firsts, key=lambda k: abs(k - days // 2)) if firsts else days // 2
        near = (day_idx >= k0 - 1) & (day_idx <= k0) & ((local_hour // 1 == 1) | (local_hour // 1 == 22))
        utc_days = (ts[near] // 86_400_000_000).astype("datetime64[D]").astype(str)
        date = date.copy()
        date[near] = utc_days
        notes["utc_date_rows"] = int(np.count_nonzero(date != local_days[day_idx]))
    if "backwards" in anomalies and n > 10:
        k = int(rng.integers(5, n - 1))
        ts = ts.copy()
        ts[k] = ts[k - 1] - 1_000_000  # 1 s before the tick before it
        date = date.copy()
        day_k = np.searchsorted(mid, ts[k], side="right") - 1
        date[k] = local_days[day_k] if day_k >= 0 else date[k]
        notes["backwards_at"] = k
    slot = ((ts - mid[np.clip(np.searchsorted(mid, ts, side="right") - 1, 0, days)]) // (tick_s * 1_000_000))
    month = np.array([int(d[5:7]) for d in local_days])[day_idx]
    stage = np.array(STAGES)[(month - 1) // 2]
    source = np.where(gate, np.array(SOURCES)[rng.integers(0, len(SOURCES), n)], "plan")
    table = pa.table({
        "timestamp": pa.array(ts, pa.timestamp("us", tz="UTC")),
        "date": pa.array(date, pa.string()),
        "slot_index": pa.array(slot.astype(np.int64)),
        "planned_offset_deg": pa.array(planned),
        "actual_offset_deg": pa.array(actual),
        "energy_cost_kwh": pa.array(cost),
        "budget_spent_kwh": pa.array(spent),
        "budget_remaining_kwh": pa.array(remaining),
        "gate_passed": pa.array(gate),
        "source": pa.array(source, pa.string()),
        "stage_id": pa.array(stage, pa.string()),
    })
    return table, notes


def run(cmd: list[str], env=None) -> subprocess.CompletedProcess:
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)}: exit {p.returncode}\n{p.stdout}\n{p.stderr}")
    return p


def make_site(out: Path, i: int, plan: dict, args) -> dict:
    site_dir = out / plan["site_id"]
    if site_dir.exists():
        shutil.rmtree(site_dir)
    site_dir.mkdir(parents=True)
    rng = random.Random(f"{args.seed}:{i}:config")
    config = write_config(site_dir, plan, rng)
    table, notes = ticks_table(plan, args.start, args.days, args.tick_seconds, args.seed * 100003 + i)
    ticks = site_dir / "ticks.parquet"
    pq.write_table(table, ticks, compression="zstd")
    log = site_dir / "slot_log"
    env = dict(os.environ)
    # Every day of the span has ended: import seals it all, the journal ends empty.
    env["BUDGET_AUDIT_TODAY"] = (args.start + dt.timedelta(days=args.days + 2)).isoformat()
    run([args.cli, "--config", str(config), "--log", str(log), "import", str(ticks)], env=env)
    if not args.keep_input:
        ticks.unlink()
    return {"site_id": plan["site_id"], "config": str(config), "log": str(log), "rows": table.num_rows,
            "timezone": plan["timezone"], "budget_year_start": plan["budget_year_start"],
            "anomalies": plan["anomalies"], "notes": notes}


# ---- publishing -------------------------------------------------------------

def publish_site(cli: str, config: str, log: str, dest: str) -> Path:
    """DEST/site=<site_id>/ for one site, by `budget-audit publish`."""
    run([cli, "--config", config, "--log", log, "publish", dest])
    return Path(dest) / f"site={_config_site_id(config)}"


def _config_site_id(config: str) -> str:
    for line in Path(config).read_text().splitlines():
        key, _, value = line.partition("=")
        if key.strip() == "site_id":
            return json.loads(value.split("#")[0].strip())
    raise ValueError(f"{config}: no site_id")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path, help="where the sites go: OUT/<site_id>/, OUT/fleet.json")
    ap.add_argument("--sites", type=int, default=100, help="how many sites (default 100)")
    ap.add_argument("--start", type=dt.date.fromisoformat, default=dt.date(2026, 1, 1),
                    help="each site's first local day (default 2026-01-01)")
    ap.add_argument("--days", type=int, default=365, help="local days of ticks per site (default 365)")
    ap.add_argument("--tick-seconds", type=int, default=60, help="the control tick (default 60)")
    ap.add_argument("--seed", type=int, default=1, help="the same seed, the same fleet (default 1)")
    ap.add_argument("--cli", default=str(Path(__file__).resolve().parent.parent / "build" / "budget-audit"),
                    help="the budget-audit command (default build/budget-audit)")
    ap.add_argument("--jobs", type=int, default=2, help="sites generated and imported at once (default 2)")
    ap.add_argument("--publish", metavar="DEST", help="publish every site to the fleet store DEST")
    ap.add_argument("--keep-input", action="store_true", help="keep each site's ticks.parquet")
    args = ap.parse_args(argv)
    if args.sites < 1 or args.days < 1 or args.tick_seconds < 1:
        ap.error("--sites, --days and --tick-seconds must be positive")
    args.out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(args.seed)
    plans = [site_plan(i, rng) for i in range(args.sites)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        sites = list(pool.map(lambda ip: make_site(args.out, ip[0], ip[1], args), enumerate(plans)))
    (args.out / "fleet.json").write_text(json.dumps({"seed": args.seed, "start": args.start.isoformat(),
                                                     "days": args.days, "tick_seconds": args.tick_seconds,
                                                     "sites": sites}, indent=1) + "\n")
    if args.publish:
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            list(pool.map(lambda s: publish_site(args.cli, s["config"], s["log"], args.publish), sites))
    print(f"fleet_gen: {len(sites)} sites, {sum(s['rows'] for s in sites)} records in {args.out}"
          + (f", published to {args.publish}" if args.publish else ""), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The fleet's compliance on Apache Spark, from the raw rows of a fleet store.

    python -m budget_audit.spark DEST [--year Y] [--as-of YYYY-MM-DD] [--master URL]
                                 [--format json|table] [-o FILE]
    python -m budget_audit.spark DEST --verify [--master URL]     (fleet verify on the executors)
    spark-submit [--master URL] python/budget_audit/spark.py DEST ...   (the same arguments)

DEST is a fleet store (docs/format.md, `budget-audit publish`): DEST/site=<site_id>/ holds the
site's sealed month files (YYYY-MM.parquet, the audit schema, no site column: the site is the
hive partition in the path), `_manifest.json` and `_site.json` (its zone, budget year start,
ceiling and potential with its monthly shares). The job computes, for every site with a
`_site.json`, the figures of `budget-audit compliance` (docs/compliance.md) for the budget year
Y through the as-of day, and prints `{"sites": [...]}` as `budget-audit fleet compliance
--format json` does, worst pace first. docs/spark.md: how to run it, what it counts, and the
same query for Trino and DuckDB.

The rows are read, filtered and aggregated by Spark SQL on the executors (no Python runs there:
any Spark with a JVM runs it, pyspark is needed by the driver only); the driver reads the
`_site.json` files (DEST must be a path the driver can open: a mounted bucket or NFS, as for
publish) and combines the per-site aggregates, a few rows per site, with the formulas of
docs/compliance.md. The sums are the report's, bit for bit: each stretch of records (a sealed
month file; all of a site's records when its files' seqs interleave) is summed in seq order with
Neumaier's compensated summation by a SQL `aggregate`, and the stretches' sums are added, in seq
order, the same way (docs/compliance.md, "How the figures are summed").

This module needs only the standard library and pyspark (the package's extra "spark"); it does
not import the rest of budget_audit, so spark-submit can ship it alone.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import sys
import zoneinfo
from pathlib import Path
from typing import Optional

OFFSET_TOLERANCE_DEG = 1.0  # docs/compliance.md: offset_tolerance_deg
CONTROLLER_TOLERANCE_KWH = 0.001
OUTAGE_FACTOR = 10.0
HOUR_US = 3600 * 1_000_000

# The findings, in the report's order (docs/compliance.md, "Ledger checks").
CHECKS = (
    "cost_without_gate",
    "negative_cost",
    "offset_deviation",
    "controller_spent_disagrees",
    "controller_remaining_disagrees",
    "no_records",
    "outage",
    "timestamps_backwards",
    "date_not_site_day",
)


# ---- the calendar (docs/compliance.md, "Days and the budget year") ----------------------------


def days_in_month(year: int, month: int) -> int:
    nxt = dt.date(year + 1, 1, 1) if month == 12 else dt.date(year, month + 1, 1)
    return (nxt - dt.date(year, month, 1)).days


def day_share(m: list, d: dt.date) -> float:
    """s(d) = m[month(d)] / days_in_month(d)."""
    return m[d.month - 1] / days_in_month(d.year, d.month)


def budget_year(year_start: str, year: Optional[int], day: dt.date) -> tuple:
    """The budget year [first, last] that starts in `year`, else the one holding `day`."""
    month, mday = int(year_start[:2]), int(year_start[3:5])
    if year is None:
        year = day.year
        if dt.date(day.year, month, mday) > day:
            year -= 1
    return dt.date(year, month, mday), dt.date(year + 1, month, mday) - dt.timedelta(days=1)


def start_of_day(tz: zoneinfo.ZoneInfo, d: dt.date) -> int:
    """µs UTC of the first instant whose local date (in tz) is d or later."""

    def local_date(us: int) -> dt.date:
        return dt.datetime.fromtimestamp(us / 1e6, dt.timezone.utc).astimezone(tz).date()

    guess = int(dt.datetime(d.year, d.month, d.day, tzinfo=dt.timezone.utc).timestamp()) * 1_000_000
    lo, hi = guess - 36 * HOUR_US, guess + 36 * HOUR_US  # local_date(lo) < d <= local_date(hi)
    while hi - lo > 1_000_000:
        mid = (lo + hi) // 2
        if local_date(mid) < d:
            lo = mid
        else:
            hi = mid
    # Offsets are whole seconds: the first instant is a whole second.
    return hi - hi % 1_000_000 if local_date(hi - hi % 1_000_000) >= d else hi


class CompensatedSum:
    """Neumaier's compensated sum, as the report's (log/site_summary.h): the value is s + c."""

    def __init__(self):
        self.s = 0.0
        self.c = 0.0

    def add(self, x: float) -> None:
        t = self.s + x
        self.c += (self.s - t) + x if abs(self.s) >= abs(x) else (x - t) + self.s
        self.s = t

    def value(self) -> float:
        return self.s + self.c


# ---- the store --------------------------------------------------------------------------------


def read_sites(dest: str, only: Optional[set] = None) -> dict:
    """site_id -> its _site.json, for every DEST/site=<id>/_site.json."""
    sites = {}
    for d in sorted(Path(dest).glob("site=*")):
        f = d / "_site.json"
        if not f.is_file():
            continue
        s = json.loads(f.read_text())
        site_id = d.name[len("site="):]
        if s.get("site_id", site_id) != site_id:
            raise ValueError(f"{f}: site_id {s.get('site_id')!r} is not the folder's {site_id!r}")
        if only is None or site_id in only:
            manifest = d / "_manifest.json"
            if manifest.is_file():
                m = json.loads(manifest.read_text())
                # The published history is sealed: its last record is the manifest's.
                s["_log"] = {"last_seq": m.get("sealed_seq", 0), "head": m.get("sealed_head", "")}
                s["_files"] = [(f["min_seq"], f["max_seq"]) for f in m.get("files", [])]
                s["_sealed_seq"] = m.get("sealed_seq", 0)
            sites[site_id] = s
    return sites


def site_period(s: dict, year: Optional[int], as_of: Optional[dt.date], today: Optional[dt.date] = None):
    """(first, last, as_of) days of the site's budget year, as `compliance` resolves them."""
    tz = zoneinfo.ZoneInfo(s["timezone"])
    today = today or dt.datetime.now(tz).date()
    day = as_of or today
    first, last = budget_year(s.get("budget_year_start", "01-01"), year, day)
    if as_of is None:
        day = min(today, last)
    if day > last:
        raise ValueError(f"--as-of {day} is after the budget year's last day {last} "
                         f"(site {s['site_id']})")
    return first, last, day


# ---- the SQL ------------------------------------------------------------------------------------

# Neumaier's compensated sum of `x` in `seq` order, as one SQL expression over a group's rows
# (the accumulator (s, c); the value s + c).
NEUMAIER_SQL = """aggregate(
      transform(array_sort(collect_list(named_struct('seq', seq, 'x', {x}))), e -> e.x),
      named_struct('s', CAST(0 AS DOUBLE), 'c', CAST(0 AS DOUBLE)),
      (a, x) -> named_struct('s', a.s + x,
                             'c', a.c + IF(abs(a.s) >= abs(x), (a.s - (a.s + x)) + x, (x - (a.s + x)) + a.s)),
      a -> a.s + a.c)"""

# Every record of the store with its site (the path's partition), the file it is in, its
# timestamp in µs and its site-local day; `sites` is the view of the sites' periods.
RECORDS_SQL = """
SELECT r.site, r.file, r.seq, unix_micros(r.timestamp) AS ts,
       r.date, r.energy_cost_kwh AS cost, r.gate_passed AS gate,
       r.planned_offset_deg AS planned, r.actual_offset_deg AS actual,
       r.budget_spent_kwh AS spent, r.budget_remaining_kwh AS remaining,
       to_date(from_utc_timestamp(r.timestamp, s.timezone)) AS day,
       s.first_day, s.as_of
FROM store r JOIN sites s ON r.site = s.site
WHERE s.sealed_seq IS NULL OR r.seq <= s.sealed_seq
"""

# The files' seq ranges (all their rows), where a site has no manifest: a site whose files' seqs
# interleave is one stretch.
FILES_SQL = "SELECT site, file, min(seq) AS min_seq, max(seq) AS max_seq FROM records GROUP BY site, file"

# The covered records (local day from the budget year's first day through as_of), with what the
# ledger checks need, evaluated per record: the latest timestamp before it in seq order (prev),
# and whether the controller's counters are off (budget_spent_kwh minus the running sum of
# costs against the first covered record's difference; spent + remaining against the first's).
# Only these columns are kept (and cached) for the aggregates below.
COVERED_SQL = f"""
SELECT c.site, IF(st.interleaved, '*', c.file) AS stretch, c.seq, c.ts, c.date, c.cost, c.gate,
       max(c.ts) OVER w_before AS prev,
       c.cost != 0 AND NOT c.gate AS no_gate,
       c.cost < 0 AS negative,
       (c.planned != 0 OR c.actual != 0) AND abs(c.planned - c.actual) > {OFFSET_TOLERANCE_DEG} AS deviation,
       c.date != date_format(c.day, 'yyyy-MM-dd') AS not_site_day,
       c.spent != 0 OR c.remaining != 0 AS controller_counts,
       abs((c.spent - sum(c.cost) OVER w_run) - first(c.spent - c.cost) OVER w_all)
         > {CONTROLLER_TOLERANCE_KWH} AS spent_disagrees,
       abs((c.spent + c.remaining) - first(c.spent + c.remaining) OVER w_all)
         > {CONTROLLER_TOLERANCE_KWH} AS total_disagrees
FROM records c JOIN stretches st ON c.site = st.site
WHERE c.day BETWEEN c.first_day AND c.as_of
WINDOW w_before AS (PARTITION BY c.site ORDER BY c.seq ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING),
       w_run AS (PARTITION BY c.site ORDER BY c.seq ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW),
       w_all AS (PARTITION BY c.site ORDER BY c.seq ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
"""

# Per stretch: its first seq, records, interventions and the compensated sum of its costs.
STRETCH_SQL = f"""
SELECT site, stretch, min(seq) AS first_seq, count(*) AS slots,
       count_if(gate) AS interventions,
       {NEUMAIER_SQL.format(x='cost')} AS spent
FROM covered GROUP BY site, stretch
"""

# Per site: the ledger checks' counts and what the outage check needs. (A `date` is in one month
# file only, but a site's distinct dates are counted over the site anyway.)
SITE_SQL = """
SELECT site,
       size(collect_set(date)) AS dates,
       count_if(no_gate) AS no_gate,
       count_if(negative) AS negative,
       count_if(deviation) AS deviation,
       count_if(not_site_day) AS not_site_day,
       count_if(ts < prev) AS backwards,
       bool_or(controller_counts) AS controller_counts,
       count_if(spent_disagrees) AS spent_disagrees,
       count_if(total_disagrees) AS total_disagrees,
       min_by(ts, seq) AS first_ts, max(ts) AS max_ts
FROM covered GROUP BY site
"""

# The positive intervals between a record and the latest before it, in whole seconds (half
# away from zero), counted; and the gaps longer than an hour.
INTERVALS_SQL = """
SELECT site, (ts - prev + 500000) DIV 1000000 AS seconds, count(*) AS n
FROM covered WHERE ts > prev GROUP BY site, (ts - prev + 500000) DIV 1000000
"""
GAPS_SQL = f"SELECT site, prev, ts FROM covered WHERE ts - prev > {HOUR_US}"


def _spark_session(master: Optional[str], app: str = "budget-audit fleet compliance"):
    import warnings

    # pyspark 4.0's import warns about pandas 3, which this job does not use.
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas")
    from pyspark.sql import SparkSession

    b = SparkSession.builder.appName(app)
    if master:
        b = b.master(master)
        if master.startswith("local") or "://127.0.0.1:" in master or "://localhost:" in master:
            # A cluster on this machine: the driver listens on loopback only.
            b = b.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
    # Timestamps are instants: the local day is computed per site from its zone, never from
    # the session's; partition values stay strings ("0042" is a site id, not 42).
    b = b.config("spark.sql.session.timeZone", "UTC")
    b = b.config("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
    b = b.config("spark.ui.showConsoleProgress", "false")
    spark = b.getOrCreate()
    spark.sparkContext.setLogLevel("WARN")
    return spark


def fleet_compliance(spark, dest: str, year: Optional[int] = None, as_of: Optional[dt.date] = None,
                     sites: Optional[set] = None, now_us: Optional[int] = None) -> dict:
    """{"sites": [...]}: every site's figures, worst pace first (see the module's doc)."""
    settings = read_sites(dest, sites)
    if not settings:
        return {"schema_version": 1, "sites": []}
    periods = {k: site_period(s, year, as_of) for k, s in settings.items()}
    # A site's records are its manifest's (seq <= sealed_seq), as every reader of a log takes
    # them: a publish under way may have placed a month file before the manifest naming its rows.
    spark.createDataFrame(
        [(k, settings[k]["timezone"], p[0], p[2], settings[k].get("_sealed_seq")) for k, p in periods.items()],
        "site string, timezone string, first_day date, as_of date, sealed_seq bigint",
    ).createOrReplaceTempView("sites")
    dest_uri = str(dest) if "://" in str(dest) else Path(dest).resolve().as_uri()
    if spark.conf.get("spark.sql.shuffle.partitions") == "200":  # Spark's default: not chosen
        # Every site's rows go to one task of the windows: a few sites per partition.
        spark.conf.set("spark.sql.shuffle.partitions", str(max(2, min(200, len(settings) // 4))))
    # The sites with a _site.json, each folder a partition (site=<id>) of the store.
    store = spark.read.option("basePath", dest_uri).parquet(
        *[f"{dest_uri.rstrip('/')}/site={k}" for k in sorted(settings)])
    store.select("*", store["_metadata.file_name"].alias("file")).createOrReplaceTempView("store")
    spark.sql(RECORDS_SQL).createOrReplaceTempView("records")

    # The files' seq ranges: the manifests' (as the report takes them), else from the rows.
    by_site: dict = {k: s["_files"] for k, s in settings.items() if "_files" in s}
    if len(by_site) < len(settings):
        by_site = {}
        for f in spark.sql(FILES_SQL).collect():
            by_site.setdefault(f.site, []).append((f.min_seq, f.max_seq))
    interleaved = {}
    for k in settings:
        ranges = sorted(by_site.get(k, []))
        interleaved[k] = any(ranges[i - 1][1] >= ranges[i][0] for i in range(1, len(ranges)))
    spark.createDataFrame(list(interleaved.items()), "site string, interleaved boolean") \
        .createOrReplaceTempView("stretches")

    covered = spark.sql(COVERED_SQL)
    covered.persist()
    try:
        covered.createOrReplaceTempView("covered")
        stretch_rows = spark.sql(STRETCH_SQL).collect()
        site_rows = {r.site: r for r in spark.sql(SITE_SQL).collect()}
        intervals: dict = {}
        for r in spark.sql(INTERVALS_SQL).collect():
            intervals.setdefault(r.site, []).append((r.seconds, r.n))
        gaps: dict = {}
        for r in spark.sql(GAPS_SQL).collect():
            gaps.setdefault(r.site, []).append((r.prev, r.ts))
    finally:
        covered.unpersist()
    stretches: dict = {}
    for r in stretch_rows:
        stretches.setdefault(r.site, []).append(r)

    now_us = now_us if now_us is not None else int(dt.datetime.now(dt.timezone.utc).timestamp() * 1e6)
    out = [
        site_figures(k, settings[k], periods[k], stretches.get(k, []), site_rows.get(k),
                     intervals.get(k, []), gaps.get(k, []), now_us)
        for k in settings
    ]
    out.sort(key=lambda f: (f["pace"] is None, -(f["pace"] or 0.0), f["site_id"]))
    return {"schema_version": 1, "sites": out}


def site_figures(site_id: str, s: dict, period: tuple, stretches: list, agg, intervals: list,
                 gaps: list, now_us: int) -> dict:
    """One site's figures from its aggregates, by docs/compliance.md's formulas."""
    first, last, as_of = period
    tz = zoneinfo.ZoneInfo(s["timezone"])
    pot = s["potential"]
    m = [float(x) for x in pot["monthly_share"]]
    pct = s["max_reduction_pct"]
    ceiling = s["ceiling_kwh"] if "ceiling_kwh" in s else float(pct) / 100.0 * float(pot["annual_kwh"])

    spent = CompensatedSum()
    slots = interventions = 0
    for st in sorted(stretches, key=lambda r: r.first_seq):
        spent.add(st.spent)
        slots += st.slots
        interventions += st.interventions
    spent_kwh = spent.value()

    share = 0.0
    d = first
    while d <= as_of:
        share += day_share(m, d)
        d += dt.timedelta(days=1)
    budget_to_date = ceiling * share
    pace = spent_kwh / budget_to_date if budget_to_date > 0 else None
    projected = spent_kwh / share if share > 0 else None
    dates = agg.dates if agg is not None else 0
    naive = spent_kwh / float(dates) * 365.0 if dates else None
    compliant = projected is None or projected <= ceiling
    days_left = None
    if spent_kwh >= ceiling and ceiling >= 0 and spent_kwh > 0:
        days_left = 0
    elif projected is not None:
        running = spent_kwh
        d = as_of + dt.timedelta(days=1)
        while d <= last:
            running += projected * day_share(m, d)
            if running > ceiling:
                days_left = (d - as_of).days - 1
                break
            d += dt.timedelta(days=1)

    fired = []
    if agg is not None:
        if agg.no_gate:
            fired.append("cost_without_gate")
        if agg.negative:
            fired.append("negative_cost")
        if agg.deviation:
            fired.append("offset_deviation")
        if agg.controller_counts and agg.spent_disagrees:
            fired.append("controller_spent_disagrees")
        if agg.controller_counts and agg.total_disagrees:
            fired.append("controller_remaining_disagrees")
    if as_of >= first and slots == 0:
        fired.append("no_records")
    if agg is not None and intervals:
        n = sum(c for _, c in intervals)
        below, usual = 0, 0
        for sec, c in sorted(intervals):
            if below + c > n // 2:
                usual = sec * 1_000_000
                break
            below += c
        limit = max(float(usual) * OUTAGE_FACTOR, float(HOUR_US))
        edges = []
        period_start = start_of_day(tz, first)
        period_end = min(start_of_day(tz, as_of + dt.timedelta(days=1)), now_us)
        if agg.first_ts > period_start:
            edges.append((period_start, agg.first_ts))
        if period_end > agg.max_ts:
            edges.append((agg.max_ts, period_end))
        if any(float(b - a) > limit for a, b in list(gaps) + edges):
            fired.append("outage")
    if agg is not None and agg.backwards:
        fired.append("timestamps_backwards")
    if agg is not None and agg.not_site_day:
        fired.append("date_not_site_day")

    def finite(x):
        return x if x is not None and math.isfinite(x) else None

    return {
        "site_id": site_id,
        "budget_year": {"start": first.isoformat(), "end": last.isoformat()},
        "as_of": as_of.isoformat(),
        "timezone": s["timezone"],
        "potential": {k: pot[k] for k in ("basis", "source", "annual_kwh", "shares_basis", "monthly_share",
                                          "pvgis_mount", "pvgis_peakpower_kwp") if k in pot},
        "ceiling_pct": pct,
        "ceiling_kwh": ceiling,
        "spent_kwh": spent_kwh,
        "slots": slots,
        "interventions": interventions,
        "expected_share_to_date": share,
        "budget_to_date_kwh": budget_to_date,
        "pace": finite(pace),
        "projected_kwh": finite(projected),
        "naive_projected_kwh": finite(naive),
        "compliant_projection": compliant,
        "days_of_budget_left": days_left,
        "findings": len(fired),
        "finding_checks": fired,
        **({"log": s["_log"]} if "_log" in s else {}),
    }


def _verify_site(site_dir: str) -> dict:
    """On an executor: one published site verified by the Python package (its chain, every
    file's SHA-256, the manifest), and its _site.json naming the same log."""
    import budget_audit  # the executors' Python must have the package (PYSPARK_PYTHON)

    site_id = Path(site_dir).name[len("site="):]
    out = {"site_id": site_id}
    try:
        r = budget_audit.BudgetAuditLog(site_dir).verify()
        out.update(intact=bool(r["intact"]), records=r["records"], log_id=r["log_id"], head=r["head"])
        site_json = Path(site_dir) / "_site.json"
        if site_json.is_file():
            named = json.loads(site_json.read_text()).get("log_id")
            if named != r["log_id"]:
                out.update(intact=False, error=f"_site.json names log {named}, the folder holds {r['log_id']}")
    except Exception as e:  # a damaged site is a result, not the job's failure
        out.update(intact=False, error=f"{type(e).__name__}: {e}")
    return out


def fleet_verify(spark, dest: str, sites: Optional[set] = None) -> dict:
    """Every published site (a folder with a _manifest.json) verified in parallel on the
    executors: {"intact": all intact, "sites": [...]}, by site id."""
    dirs = sorted(str(d.resolve()) for d in Path(dest).glob("site=*") if (d / "_manifest.json").is_file()
                  and (sites is None or d.name[len("site="):] in sites))
    if not dirs:
        return {"intact": True, "sites": []}
    results = spark.sparkContext.parallelize(dirs, len(dirs)).map(_verify_site).collect()
    results.sort(key=lambda r: r["site_id"])
    return {"intact": all(r["intact"] for r in results), "sites": results}


def render_table(report: dict) -> str:
    lines = [f"{'site':<28} {'pace':>8} {'spent kWh':>14} {'ceiling kWh':>14} {'projected kWh':>14}  "
             f"{'ok':<3} findings"]
    for f in report["sites"]:
        pace = f"{f['pace'] * 100:.1f} %" if f["pace"] is not None else "—"
        proj = f"{f['projected_kwh']:.3f}" if f["projected_kwh"] is not None else "—"
        lines.append(f"{f['site_id']:<28} {pace:>8} {f['spent_kwh']:>14.3f} {f['ceiling_kwh']:>14.3f} "
                     f"{proj:>14}  {'yes' if f['compliant_projection'] else 'NO':<3} "
                     f"{f['findings']} {','.join(f['finding_checks'])}")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m budget_audit.spark",
        description="Every site's compliance (docs/compliance.md) in a fleet store, on Spark.")
    ap.add_argument("dest", help="the fleet store: DEST/site=<site_id>/ (publish)")
    ap.add_argument("--year", type=int, help="the budget year that starts in calendar year Y")
    ap.add_argument("--as-of", type=dt.date.fromisoformat, help="the last day covered (YYYY-MM-DD)")
    ap.add_argument("--master", help="Spark master URL (spark://HOST:PORT, local[N]); "
                                     "default: spark-submit's, else local[*]")
    ap.add_argument("--sites", help="only these site ids (comma-separated)")
    ap.add_argument("--verify", action="store_true",
                    help="verify every site's published history on the executors instead (exit 1 when one "
                         "is not intact); the executors' Python needs the budget_audit package")
    ap.add_argument("--format", choices=("json", "table"), default="json")
    ap.add_argument("-o", "--output", help="write to FILE instead of standard output")
    args = ap.parse_args(argv)
    if not Path(args.dest).is_dir() and "://" not in args.dest:
        print(f"python -m budget_audit.spark: no fleet store at {args.dest}", file=sys.stderr)
        return 1
    master = args.master
    if master is None and "PYSPARK_GATEWAY_PORT" not in os.environ:
        master = "local[*]"  # (under spark-submit the JVM started us and has its master)
    only = set(args.sites.split(",")) if args.sites else None
    if args.verify:
        # The executors run Python here: this interpreter (its venv has budget_audit) unless set.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    spark = _spark_session(master)
    try:
        if args.verify:
            report = fleet_verify(spark, args.dest, only)
        else:
            report = fleet_compliance(spark, args.dest, args.year, args.as_of, only)
    except ValueError as e:
        print(f"python -m budget_audit.spark: {e}", file=sys.stderr)
        return 1
    finally:
        spark.stop()
    if args.verify:
        text = json.dumps(report, indent=2) + "\n" if args.format == "json" else "".join(
            f"{r['site_id']:<28} {'intact' if r['intact'] else 'NOT intact'} {r.get('records', '')} "
            f"{r.get('error', '')}\n" for r in report["sites"])
    else:
        text = json.dumps(report, indent=2, allow_nan=False) + "\n" if args.format == "json" \
            else render_table(report)
    if args.output:
        tmp = f"{args.output}.partial-{os.getpid()}"
        with open(tmp, "w") as f:
            f.write(text)
        os.replace(tmp, args.output)
    else:
        sys.stdout.write(text)
    return 1 if args.verify and not report["intact"] else 0


if __name__ == "__main__":
    sys.exit(main())

// The compliance peer: DuckDB computing the aggregates of `budget-audit
// compliance` (docs/compliance.md) over a log's sealed month files
// (<log>/*.parquet, docs/format.md 2.1; the journal is not read: after an
// import it is empty) for one budget year through an as-of day, the days
// being the site's civil days (ICU's time zones, statically linked in
// @duckdb/node-api).
//
//   node compliance_sql.mjs --log DIR --timezone ZONE --year Y --as-of YYYY-MM-DD
//                           [--year-start MM-DD] [--runs R] [--ours OURS.json] [--quiet] [--print-sql]
//
// The query runs once untimed (DuckDB warm, the files in the page cache),
// then R times (default 5); times are inside the process, from the query's
// start to its last row. Prints JSON: the times, their median and the
// values. With --ours (the JSON of `budget-audit compliance --format json`
// for the same year and as-of), also whether the values are ours
// (`agree`, and `mismatches` naming each difference); a difference is
// reported on stderr too. --print-sql prints the SQL and exits.
//
// What the SQL computes, over the covered records (their site-local day
// from the budget year's first day through as-of):
//   - totals: spent (Σ energy_cost_kwh), slots, interventions, distinct
//     `date` values (the naive projection's days);
//   - per local day, per month (of the local day), per stage_id, per source:
//     spent, interventions, slots;
//   - ledger checks: cost booked without the gate (count, Σ), negative cost
//     (count, Σ), planned vs actual offset (records with either nonzero: n,
//     mean and worst |deviation|, count beyond 1°), `date` not the local day
//     (count); in seq order: timestamps earlier than one logged before
//     (count), the median interval between consecutive timestamps (the
//     upper median, as ours: the sorted intervals' element n/2), and the
//     gaps beyond max(10 × median, 1 h) counting the year's first instant
//     before the first record and the end of as-of (or now) after the last
//     (count, longest in hours).
// Not computed: the controller's counters against the running sum
// (controller_*_disagrees) and the seqs each finding names.
import { lit, log, median, openDuckDB, parseArgs, toJson } from "./common.mjs";
import fs from "node:fs";

const args = parseArgs(process.argv.slice(2));
const runs = Number(args.runs ?? 5);
const yearStart = args["year-start"] ?? "01-01";
if (
  !args.log ||
  !args.timezone ||
  !/^\d{4}$/.test(String(args.year)) ||
  !/^\d{4}-\d{2}-\d{2}$/.test(String(args["as-of"])) ||
  !/^\d{2}-\d{2}$/.test(yearStart) ||
  !(runs > 0)
) {
  console.error(
    "usage: node compliance_sql.mjs --log DIR --timezone ZONE --year Y --as-of YYYY-MM-DD [--year-start MM-DD] [--runs R] [--ours OURS.json]",
  );
  process.exit(2);
}
const tz = lit(args.timezone);
const first = lit(`${args.year}-${yearStart}`);
const asOf = lit(args["as-of"]);

// One statement, one row. The instants [periodStart, periodEnd) -- the
// local midnights that begin the first day and end as-of -- select the
// records (and let DuckDB skip the files and row groups outside them by
// their statistics); each record's local day comes from an ASOF join with
// the calendar of the year's days, each from its local midnight (about half
// the time, on the bench machine, of converting every timestamp with
// timezone(), which gives the same days). The records are grouped once at
// the finest grain (local day, date, stage, source) with the ledger checks'
// sums, and everything else is rolled up from those groups; the checks in
// seq order read the timestamps and seqs again through a window.
const periodStart = `timezone(${tz}, CAST(${first} AS TIMESTAMP))`;
const periodEnd = `timezone(${tz}, CAST(${asOf} AS TIMESTAMP) + INTERVAL 1 DAY)`;
const sql = `
WITH days AS (
  SELECT d::DATE AS day, timezone(${tz}, d) AS day_start
  FROM range(CAST(${first} AS TIMESTAMP), CAST(${asOf} AS TIMESTAMP) + INTERVAL 1 DAY, INTERVAL 1 DAY) t(d)
),
covered AS (
  SELECT * FROM read_parquet(${lit(`${args.log}/*.parquet`)})
  WHERE timestamp >= ${periodStart} AND timestamp < ${periodEnd}
),
groups AS (
  SELECT d.day, c.date, c.stage_id, c.source,
         fsum(c.energy_cost_kwh) AS spent, count(*) AS slots, count(*) FILTER (WHERE c.gate_passed) AS interventions,
         count(*) FILTER (WHERE c.energy_cost_kwh <> 0 AND NOT c.gate_passed) AS no_gate,
         fsum(c.energy_cost_kwh) FILTER (WHERE c.energy_cost_kwh <> 0 AND NOT c.gate_passed) AS no_gate_kwh,
         count(*) FILTER (WHERE c.energy_cost_kwh < 0) AS negative,
         fsum(c.energy_cost_kwh) FILTER (WHERE c.energy_cost_kwh < 0) AS negative_kwh,
         count(dev) AS dev_n, fsum(dev) AS dev_sum, max(dev) AS dev_worst, count(*) FILTER (WHERE dev > 1.0) AS dev_beyond
  FROM (SELECT *, CASE WHEN planned_offset_deg <> 0 OR actual_offset_deg <> 0
                       THEN abs(planned_offset_deg - actual_offset_deg) END AS dev FROM covered) c
  ASOF JOIN days d ON c.timestamp >= d.day_start
  GROUP BY ALL
),
-- In seq order: the latest timestamp logged before each record (NULL for the first).
ordered AS (
  SELECT seq, epoch_us(timestamp) AS ts_us,
         max(epoch_us(timestamp)) OVER (ORDER BY seq ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_us
  FROM covered
),
steps AS (
  SELECT count(*) FILTER (WHERE ts_us < prev_us) AS backwards,
         -- the upper median (ours: the element n/2 of the sorted intervals)
         quantile_disc(ts_us - prev_us, 0.5000000001) FILTER (WHERE ts_us > prev_us) AS median_us,
         arg_min(ts_us, seq) AS first_us,
         max(ts_us) AS last_us
  FROM ordered
),
-- Between consecutive records, and the period's edges: from its start to
-- the first record (in seq order) and from the last to its end (or now).
gaps AS (
  SELECT ts_us - prev_us AS gap_us FROM ordered WHERE ts_us >= prev_us
  UNION ALL
  SELECT first_us - epoch_us(${periodStart}) FROM steps
  UNION ALL
  SELECT least(epoch_us(${periodEnd}), epoch_us(current_timestamp)) - last_us FROM steps
),
outages AS (
  SELECT count(*) FILTER (WHERE gap_us > lim) AS outages,
         max(gap_us) FILTER (WHERE gap_us > lim) / 3600e6 AS longest_h,
         any_value(lim) AS limit_us
  FROM gaps, (SELECT greatest(10.0::DOUBLE * median_us, 3600e6::DOUBLE) AS lim FROM steps WHERE median_us IS NOT NULL)
),
rollup AS (
  SELECT CASE WHEN GROUPING(day) = 0 THEN 'days' WHEN GROUPING(month) = 0 THEN 'months'
              WHEN GROUPING(stage_id) = 0 THEN 'by_stage' ELSE 'by_source' END AS kind,
         coalesce(strftime(day, '%Y-%m-%d'), month, stage_id, source) AS key,
         fsum(spent) AS spent, sum(interventions) AS interventions, sum(slots) AS slots
  FROM (SELECT *, strftime(day, '%Y-%m') AS month FROM groups)
  GROUP BY GROUPING SETS ((day), (month), (stage_id), (source))
)
SELECT
  (SELECT struct_pack(
            spent := fsum(spent), slots := sum(slots), interventions := sum(interventions),
            distinct_dates := count(DISTINCT date),
            cost_without_gate := sum(no_gate), cost_without_gate_kwh := fsum(no_gate_kwh),
            negative_cost := sum(negative), negative_cost_kwh := fsum(negative_kwh),
            date_not_site_day := sum(slots) FILTER (WHERE date <> strftime(day, '%Y-%m-%d')),
            offsets_n := sum(dev_n), offsets_mean := fsum(dev_sum) / sum(dev_n), offsets_worst := max(dev_worst),
            offsets_beyond := sum(dev_beyond))
   FROM groups) AS totals,
  (SELECT struct_pack(backwards, median_us) FROM steps) AS steps,
  (SELECT struct_pack(outages, longest_h, limit_us) FROM outages) AS outages,
  (SELECT map_from_entries(list((kind, rows))) FROM (
     SELECT kind, list(struct_pack(key, spent, interventions, slots) ORDER BY key) AS rows FROM rollup GROUP BY kind
   )) AS rollups`;

if (args["print-sql"]) {
  console.log(sql.trim());
  process.exit(0);
}

// DuckDB's values as plain numbers, lists and objects.
function plain(v) {
  if (typeof v === "bigint") return Number(v);
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === "object" && !(v instanceof Date)) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  }
  return v;
}

// The row as the figures it holds.
function figures(row) {
  const r = plain(row);
  const t = r.totals;
  const rollups = {};
  // MAP values come back as [{key, value}] entries.
  for (const e of r.rollups ?? []) {
    rollups[e.key] = e.value.map((g) => ({ key: g.key, spent_kwh: g.spent, interventions: g.interventions, slots: g.slots }));
  }
  return {
    spent_kwh: t.spent ?? 0,
    slots: t.slots ?? 0,
    interventions: t.interventions ?? 0,
    distinct_dates: t.distinct_dates,
    cost_without_gate: { count: t.cost_without_gate ?? 0, kwh: t.cost_without_gate_kwh ?? 0 },
    negative_cost: { count: t.negative_cost ?? 0, kwh: t.negative_cost_kwh ?? 0 },
    date_not_site_day: t.date_not_site_day ?? 0,
    offsets: { n: t.offsets_n ?? 0, mean: t.offsets_mean, worst: t.offsets_worst, beyond_1_deg: t.offsets_beyond ?? 0 },
    timestamps_backwards: r.steps.backwards,
    median_interval_s: r.steps.median_us == null ? null : r.steps.median_us / 1e6,
    outages: r.outages ? { count: r.outages.outages, longest_h: r.outages.longest_h, limit_h: r.outages.limit_us / 3600e6 } : null,
    days: rollups.days ?? [],
    months: rollups.months ?? [],
    by_stage: rollups.by_stage ?? [],
    by_source: rollups.by_source ?? [],
  };
}

// Our JSON against the peer's figures: every difference, as text. Floats
// within 1e-9 relative; counts exactly. A finding ours does not list is a
// count of 0. Ours has no per-day series in its JSON (the HTML charts it),
// so the days are checked as their sums per month against ours' months.
function compareWithOurs(ours, p) {
  const bad = [];
  const near = (a, b) => a === b || (Number.isFinite(a) && Number.isFinite(b) && Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b)));
  const num = (what, a, b) => {
    if (!near(a, b)) bad.push(`${what}: ours ${a}, DuckDB ${b}`);
  };
  const int = (what, a, b) => {
    if (a !== b) bad.push(`${what}: ours ${a}, DuckDB ${b}`);
  };
  num("spent_kwh", ours.spent_kwh, p.spent_kwh);
  int("slots", ours.slots, p.slots);
  int("interventions", ours.interventions, p.interventions);
  // naive_projected_kwh = spent ÷ distinct dates × 365.
  if (ours.naive_projected_kwh == null) int("distinct dates", 0, p.distinct_dates);
  else num("naive_projected_kwh", ours.naive_projected_kwh, (p.spent_kwh / p.distinct_dates) * 365);
  const groups = (what, mine, theirs) => {
    const t = new Map(theirs.map((g) => [g.key, g]));
    for (const g of mine) {
      const x = t.get(g.key) ?? { spent_kwh: 0, interventions: 0, slots: 0 };
      t.delete(g.key);
      num(`${what} ${g.key} spent_kwh`, g.spent_kwh, x.spent_kwh);
      int(`${what} ${g.key} interventions`, g.interventions, x.interventions);
      int(`${what} ${g.key} slots`, g.slots, x.slots);
    }
    for (const k of t.keys()) bad.push(`${what} ${k}: DuckDB only`);
  };
  groups("month", ours.months.map((m) => ({ ...m, key: m.month })), p.months);
  groups("stage", ours.by_stage, p.by_stage);
  groups("source", ours.by_source, p.by_source);
  {
    // The per-day series, summed per month, against ours' months.
    const perMonth = new Map();
    for (const d of p.days) {
      const m = d.key.slice(0, 7);
      perMonth.set(m, (perMonth.get(m) ?? 0) + d.spent_kwh);
    }
    for (const m of ours.months) {
      const v = perMonth.get(m.month) ?? 0;
      if (Math.abs(v - m.spent_kwh) > 1e-9 * Math.max(1, Math.abs(m.spent_kwh))) bad.push(`days of ${m.month}: Σ ${v}, ours' month ${m.spent_kwh}`);
    }
  }
  const finding = (check) => ours.findings.find((f) => f.check === check);
  const count = (check) => finding(check)?.count ?? 0;
  int("cost_without_gate count", count("cost_without_gate"), p.cost_without_gate.count);
  if (finding("cost_without_gate")) num("cost_without_gate kWh", finding("cost_without_gate").value, p.cost_without_gate.kwh);
  int("negative_cost count", count("negative_cost"), p.negative_cost.count);
  if (finding("negative_cost")) num("negative_cost kWh", finding("negative_cost").value, p.negative_cost.kwh);
  int("date_not_site_day count", count("date_not_site_day"), p.date_not_site_day);
  int("timestamps_backwards count", count("timestamps_backwards"), p.timestamps_backwards);
  int("offset_deviation count (beyond 1°)", count("offset_deviation"), p.offsets.beyond_1_deg);
  const od = finding("offset_deviation");
  if (od) {
    num("offset_deviation worst", od.value, p.offsets.worst);
    // The message gives the mean (2 decimals).
    const m = /mean deviation (-?[\d.]+)/.exec(od.message);
    if (!m || m[1] !== p.offsets.mean.toFixed(2)) bad.push(`offset_deviation mean: ours "${m?.[1]}", DuckDB ${p.offsets.mean.toFixed(2)}`);
  }
  const out = finding("outage");
  int("outage count", out?.count ?? 0, p.outages?.count ?? 0);
  if (out) {
    num("outage longest (h)", out.value, p.outages.longest_h);
    // The message gives the limit (1 decimal, hours) and the median interval
    // in whole seconds (truncated or rounded: within a second of ours).
    const m = /longer than ([\d.]+) h \(the usual interval is (\d+) s/.exec(out.message);
    if (!m || m[1] !== p.outages.limit_h.toFixed(1) || !(Math.abs(Number(m[2]) - p.median_interval_s) < 1)) {
      bad.push(`outage limit and median: ours "${m?.[0]}", DuckDB ${p.outages.limit_h.toFixed(1)} h, ${p.median_interval_s} s`);
    }
  }
  return bad;
}

const duck = await openDuckDB();
const threads = Number((await duck.rows("SELECT current_setting('threads') AS t"))[0].t);
const say = args.quiet ? () => {} : log;
say(`DuckDB: compliance SQL over ${args.log}, budget year ${args.year} through ${args["as-of"]} in ${args.timezone} (${runs} runs)…`);
const t0 = performance.now();
await duck.rows(sql);
const first_ms = performance.now() - t0;
const ms = [];
let row;
for (let i = 0; i < runs; ++i) {
  const t = performance.now();
  row = (await duck.rows(sql))[0];
  ms.push(performance.now() - t);
}
duck.close();
const out = { threads, first_ms, ms, median_ms: median(ms), values: figures(row) };
if (args.ours) {
  const ours = JSON.parse(fs.readFileSync(args.ours, "utf8"));
  out.mismatches = compareWithOurs(ours, out.values);
  out.agree = out.mismatches.length === 0;
  if (!out.agree) {
    log(`WARNING: DuckDB's compliance figures differ from ours (${args.ours}): ${out.mismatches.slice(0, 10).join("; ")}${out.mismatches.length > 10 ? ` and ${out.mismatches.length - 10} more` : ""}`);
  }
}
out.max_rss_kib = process.resourceUsage().maxRSS;
console.log(toJson(out));

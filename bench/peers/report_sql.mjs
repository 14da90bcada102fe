// The reports peer: DuckDB running the SQL of the Python version's
// weekly_report() and daily_summary(DATE) over a log's sealed month files
// (<log>/*.parquet, docs/format.md 2.1; the journal is not read: the caller
// says how many records it holds).
//
//   node report_sql.mjs --log DIR [--date YYYY-MM-DD] --runs R [--quiet]
//
// Each query runs once untimed (DuckDB warm, the files in the page cache),
// then R times; times are inside the process, from the query's start to its
// last row. Prints JSON: per query the times, the median, and the values (to
// check they are ours).
import { lit, log, median, openDuckDB, parseArgs, toJson } from "./common.mjs";

const args = parseArgs(process.argv.slice(2));
const runs = Number(args.runs ?? 5);
if (!args.log || !(runs > 0)) {
  console.error("usage: node report_sql.mjs --log DIR [--date YYYY-MM-DD] --runs R");
  process.exit(2);
}
const files = lit(`${args.log}/*.parquet`);

// weekly_report(): sum of energy_cost_kwh, distinct dates, gate_passed's
// sum and mean (the derived figures are arithmetic on these four).
const reportSql = `
  SELECT count(*) AS records,
         count(DISTINCT date) AS period_days,
         sum(energy_cost_kwh) AS total_cost_kwh,
         count(*) FILTER (WHERE gate_passed) AS total_interventions,
         avg(gate_passed::INTEGER) AS intervention_rate
  FROM read_parquet(${files})`;
// daily_summary(DATE): the day's rows; budget_remaining_kwh of the day's
// last appended record (highest seq).
const dailySql = (d) => `
  SELECT count(*) AS slots,
         sum(energy_cost_kwh) AS total_cost_kwh,
         count(*) FILTER (WHERE gate_passed) AS interventions,
         max(abs(actual_offset_deg)) AS max_offset_deg,
         arg_max(budget_remaining_kwh, seq) AS budget_remaining_kwh
  FROM read_parquet(${files}) WHERE date = ${lit(d)}`;

const duck = await openDuckDB();
const threads = Number((await duck.rows("SELECT current_setting('threads') AS t"))[0].t);

async function measure(name, sql) {
  const t0 = performance.now();
  await duck.rows(sql);
  const first_ms = performance.now() - t0;
  const ms = [];
  let values;
  for (let i = 0; i < runs; ++i) {
    const t = performance.now();
    values = (await duck.rows(sql))[0];
    ms.push(performance.now() - t);
  }
  for (const k of Object.keys(values)) if (typeof values[k] === "bigint") values[k] = Number(values[k]);
  return { name, first_ms, ms, median_ms: median(ms), values };
}

const out = { threads, queries: {} };
const say = args.quiet ? () => {} : log;
say(`DuckDB: report SQL over ${args.log} (${runs} runs)…`);
out.queries.report = await measure("report", reportSql);
if (args.date) {
  say(`DuckDB: daily ${args.date} SQL (${runs} runs)…`);
  out.queries.daily = await measure("daily", dailySql(args.date));
}
duck.close();
out.max_rss_kib = process.resourceUsage().maxRSS;
console.log(toJson(out));

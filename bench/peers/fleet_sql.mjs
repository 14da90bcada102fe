// The fleet peer: DuckDB running the statement of docs/spark.md ("The same
// table in DuckDB", the ```sql block after <!-- duckdb-fleet-sql -->, taken
// from the document as it stands, as python/tests/test_spark.py does) over a
// fleet store (DEST/site=<id>/, `budget-audit publish`): every site's
// compliance figures from the raw rows, for one budget year through an
// as-of day.
//
//   node fleet_sql.mjs --dest DIR --year Y --as-of YYYY-MM-DD --doc docs/spark.md
//                      [--runs R] [--ours OURS.json] [--quiet] [--print-sql]
//
// The statement runs once untimed (DuckDB warm, the files in the page
// cache), then R times (default 3); times are inside the process, from the
// query's start to its last row. Prints JSON: the times, their median, the
// number of sites and records. With --ours (the JSON of `budget-audit fleet
// compliance DEST --format json` for the same year and as-of), also whether
// DuckDB's figures are ours (`agree`, `mismatches` naming each difference):
// the figures the statement gives (docs/spark.md; days_of_budget_left is
// the Spark job's driver's walk, not in the SQL), compared exactly (the
// statement's compensated sums are the report's, bit for bit), and the
// sites' order (worst pace first).
//
// Engine: the benchmark's own DuckDB (@duckdb/node-api, in this process)
// when it runs the statement; the statement's list_reduce with a struct
// accumulator needs a DuckDB that accepts an initial value of another type
// than the list's (the Python package's DuckDB 2.x does; @duckdb/node-api
// 1.5 refuses it with a Binder Error), so otherwise, or with --engine
// python, the venv's DuckDB (--python, default REPO/.venv/bin/python) runs
// it in a Python process, timed there the same way. `engine` in the output
// says which.
import { lit, log, median, openDuckDB, parseArgs, toJson } from "./common.mjs";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const args = parseArgs(process.argv.slice(2));
const runs = Number(args.runs ?? 3);
if (!args.dest || !args.doc || !/^\d{4}$/.test(String(args.year)) || !/^\d{4}-\d{2}-\d{2}$/.test(String(args["as-of"])) || !(runs > 0)) {
  console.error("usage: node fleet_sql.mjs --dest DIR --year Y --as-of YYYY-MM-DD --doc docs/spark.md [--runs R] [--ours OURS.json]");
  process.exit(2);
}

// The statement of the document, with DEST, the year and as-of replaced
// (the substitutions python/tests/test_spark.py makes).
const doc = fs.readFileSync(args.doc, "utf8");
const block = doc.split("<!-- duckdb-fleet-sql -->")[1]?.split("```sql")[1]?.split("```")[0];
if (!block) {
  console.error(`${args.doc}: no \`\`\`sql block after <!-- duckdb-fleet-sql -->`);
  process.exit(1);
}
const dest = String(args.dest).replace(/\/+$/, "");
const sql = block
  .split("'DEST/")
  .join(lit(`${dest}/`).slice(0, -1))
  .split("make_date(2026,")
  .join(`make_date(${Number(args.year)},`)
  .split("DATE '2026-07-05'")
  .join(`DATE ${lit(args["as-of"])}`);

if (args["print-sql"]) {
  console.log(sql.trim());
  process.exit(0);
}

// The figures the statement gives, by the names of `budget-audit fleet compliance --format json`.
const kFigures = ["timezone", "ceiling_pct", "ceiling_kwh", "spent_kwh", "slots", "interventions", "expected_share_to_date",
  "budget_to_date_kwh", "pace", "projected_kwh", "naive_projected_kwh", "compliant_projection", "finding_checks"];

function plain(v) {
  if (typeof v === "bigint") return Number(v);
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === "object" && !(v instanceof Date)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

const same = (a, b) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

function compareWithOurs(ours, rows) {
  const bad = [];
  const mine = new Map(ours.sites.map((s) => [s.site_id, s]));
  for (const r of rows) {
    const o = mine.get(r.site_id);
    if (!o) {
      bad.push(`${r.site_id}: DuckDB only`);
      continue;
    }
    mine.delete(r.site_id);
    for (const k of kFigures) {
      // A budget-audit without finding_checks in its fleet JSON (built
      // before it had them): their number against its `findings`.
      if (k === "finding_checks" && o[k] === undefined) {
        if (o.findings !== r[k].length) bad.push(`${r.site_id} findings: ours ${o.findings}, DuckDB ${JSON.stringify(r[k])}`);
        continue;
      }
      if (!same(o[k], r[k])) bad.push(`${r.site_id} ${k}: ours ${JSON.stringify(o[k])}, DuckDB ${JSON.stringify(r[k])}`);
    }
  }
  for (const k of mine.keys()) bad.push(`${k}: ours only`);
  const order = (xs) => xs.map((s) => s.site_id).join(",");
  if (bad.length === 0 && order(ours.sites) !== order(rows)) bad.push("the sites' order (worst pace first) differs");
  return bad;
}

const say = args.quiet ? () => {} : log;
const countSql = `SELECT count(*) AS n FROM read_parquet(${lit(`${dest}/*/*.parquet`)}, hive_partitioning = true)`;

async function inNode() {
  const duck = await openDuckDB();
  try {
    const threads = Number((await duck.rows("SELECT current_setting('threads') AS t"))[0].t);
    const version = (await duck.rows("SELECT version() AS v"))[0].v;
    const t0 = performance.now();
    await duck.rows(sql);
    const first_ms = performance.now() - t0;
    const ms = [];
    let rows;
    for (let i = 0; i < runs; ++i) {
      const t = performance.now();
      rows = await duck.rows(sql);
      ms.push(performance.now() - t);
    }
    const records = Number((await duck.rows(countSql))[0].n);
    return { engine: `@duckdb/node-api (DuckDB ${version})`, threads, first_ms, ms, rows: rows.map(plain), records, max_rss_kib: process.resourceUsage().maxRSS };
  } finally {
    duck.close();
  }
}

const kPy = `
import json, resource, sys, time, duckdb
sql, count_sql, runs = sys.stdin.read().split("\\0")
runs = int(runs)
con = duckdb.connect()
con.execute("SET enable_progress_bar = false")  # no bar in the JSON on stdout
con.execute("SET TimeZone = 'UTC'")
threads = int(con.execute("SELECT current_setting('threads')").fetchone()[0])
t = time.perf_counter(); con.execute(sql).fetchall(); first_ms = (time.perf_counter() - t) * 1e3
ms = []
for _ in range(runs):
    t = time.perf_counter(); cur = con.execute(sql); rows = cur.fetchall(); ms.append((time.perf_counter() - t) * 1e3)
names = [d[0] for d in cur.description]
records = con.execute(count_sql).fetchone()[0]
json.dump({"engine": f"the venv's Python duckdb {duckdb.__version__}", "threads": threads, "first_ms": first_ms, "ms": ms,
           "rows": [dict(zip(names, r)) for r in rows], "records": records,
           "max_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}, sys.stdout, allow_nan=False)
`;

function inPython() {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const py = args.python ?? path.join(here, "..", "..", ".venv", "bin", "python");
  const r = spawnSync(py, ["-c", kPy], { input: `${sql}\0${countSql}\0${runs}`, encoding: "utf8", maxBuffer: 256 << 20, stdio: ["pipe", "pipe", "inherit"] });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${py} (duckdb) exited ${r.status}`);
  return JSON.parse(r.stdout);
}

say(`DuckDB: the fleet SQL of docs/spark.md over ${dest}, budget year ${args.year} through ${args["as-of"]} (${runs} runs)…`);
let res;
let nodeError;
if (args.engine !== "python") {
  try {
    res = await inNode();
  } catch (e) {
    if (args.engine === "node") throw e;
    nodeError = String(e.message ?? e).split("\n")[0];
    log(`fleet_sql: @duckdb/node-api cannot run the statement (${nodeError}); running it with the venv's DuckDB`);
  }
}
if (!res) res = inPython();
const rows = res.rows;
const out = { engine: res.engine, node_error: nodeError, threads: res.threads, first_ms: res.first_ms, ms: res.ms, median_ms: median(res.ms), sites: rows.length, records: res.records };
if (args.ours) {
  const ours = JSON.parse(fs.readFileSync(args.ours, "utf8"));
  out.mismatches = compareWithOurs(ours, rows);
  out.agree = out.mismatches.length === 0;
  if (!out.agree) {
    log(`WARNING: DuckDB's fleet figures differ from ours (${args.ours}): ${out.mismatches.slice(0, 10).join("; ")}${out.mismatches.length > 10 ? ` and ${out.mismatches.length - 10} more` : ""}`);
  }
}
out.max_rss_kib = res.max_rss_kib;
console.log(toJson(out));

// The import peer: DuckDB copying the same Parquet file,
//   COPY (SELECT * FROM read_parquet(IN)) TO OUT (FORMAT parquet, COMPRESSION snappy)
// then an fdatasync of OUT (budget-audit import syncs what it wrote before it
// reports). Timed inside the process (DuckDB's start-up excluded), each run
// to a fresh OUT; the first run is a warm-up of the page cache and DuckDB and
// is reported apart.
//
//   node copy.mjs --in IN.parquet --out OUT.parquet --runs R
//
// Prints JSON: rows, per-run copy and sync milliseconds, DuckDB's threads.
import fs from "node:fs";
import { lit, log, median, openDuckDB, parseArgs, toJson } from "./common.mjs";

const args = parseArgs(process.argv.slice(2));
const runs = Number(args.runs ?? 3);
if (!args.in || !args.out || !(runs > 0)) {
  console.error("usage: node copy.mjs --in IN.parquet --out OUT.parquet --runs R");
  process.exit(2);
}
const duck = await openDuckDB();
const threads = Number((await duck.rows("SELECT current_setting('threads') AS t"))[0].t);
const rows = Number((await duck.rows(`SELECT count(*) AS n FROM read_parquet(${lit(args.in)})`))[0].n);

async function once() {
  fs.rmSync(args.out, { force: true });
  const t0 = performance.now();
  await duck.run(
    `COPY (SELECT * FROM read_parquet(${lit(args.in)})) TO ${lit(args.out)} (FORMAT parquet, COMPRESSION snappy)`,
  );
  const t1 = performance.now();
  const fd = fs.openSync(args.out, "r");
  fs.fdatasyncSync(fd);
  fs.closeSync(fd);
  const t2 = performance.now();
  return { copy_ms: t1 - t0, sync_ms: t2 - t1, total_ms: t2 - t0 };
}

const warmup = await once();
const timed = [];
for (let i = 0; i < runs; ++i) {
  log(`DuckDB COPY of ${rows.toLocaleString("en")} rows (run ${i + 1}/${runs})…`);
  timed.push(await once());
}
const outBytes = fs.statSync(args.out).size;
fs.rmSync(args.out, { force: true });
duck.close();
console.log(
  toJson({
    rows,
    threads,
    warmup,
    runs: timed,
    median_total_ms: median(timed.map((r) => r.total_ms)),
    median_copy_ms: median(timed.map((r) => r.copy_ms)),
    out_bytes: outBytes,
    max_rss_kib: process.resourceUsage().maxRSS,
  }),
);

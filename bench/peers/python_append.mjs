// The Python version's append strategy (budget_audit.py, BudgetAuditLog.log_slot),
// with DuckDB in the place of pandas + pyarrow: per tick, read the whole
// Parquet file into memory, append one row, write the whole file again
// (in place, snappy). With no file yet, the first tick writes a one-row file.
//
//   node python_append.mjs --dir DIR --existing N --ticks K [--base FILE] [--fsync]
//
// The file starts as a copy of --base (N ticks, as the Python version wrote
// them: see gen.mjs) or absent for N = 0; the K timed ticks are the minutes
// from 2028-01-01T00:00Z on, bench/log_benchmark.cc's Tick(m) -- the records
// BM_DurableAppend appends into the same N records. One untimed tick first
// (the process is warm, as a control loop's would be). --fsync adds an
// fdatasync of the rewritten file and an fsync of its directory per tick,
// which the Python version never did (its appends were not durable). Prints
// JSON: per-tick milliseconds.
import fs from "node:fs";
import path from "node:path";
import { kBenchStartMinute, lit, log, mean, median, openDuckDB, parseArgs, tickColumns, toJson } from "./common.mjs";

const args = parseArgs(process.argv.slice(2));
const dir = args.dir;
const existing = Number(args.existing ?? 0);
const ticks = Number(args.ticks ?? 10);
if (!dir || !(ticks > 0) || (existing > 0 && !args.base)) {
  console.error("usage: node python_append.mjs --dir DIR --existing N --ticks K [--base FILE] [--fsync]");
  process.exit(2);
}

fs.mkdirSync(dir, { recursive: true });
const file = path.join(dir, `slot_log.${existing}.parquet`);
fs.rmSync(file, { force: true });
if (existing > 0) {
  fs.copyFileSync(args.base, file);
  const fd = fs.openSync(file, "r+");
  fs.fsyncSync(fd);
  fs.closeSync(fd);
}

const duck = await openDuckDB();
const tickRow = (m) => `SELECT ${tickColumns("bench")} FROM (SELECT ${m}::BIGINT AS m)`;

async function logSlot(m) {
  if (fs.existsSync(file)) {
    // pd.concat([pd.read_parquet(path), new_row]).to_parquet(path), streamed:
    // DuckDB reads the whole file and writes the whole file plus the row
    // (to a temporary file renamed over it when done), without holding the
    // table in memory first as pandas does -- the same I/O, the fastest
    // form we found (materialising it in a temporary table took ~1.5x as long).
    await duck.run(
      `COPY (SELECT * FROM read_parquet(${lit(file)}) UNION ALL ${tickRow(m)}) ` +
        `TO ${lit(file)} (FORMAT parquet, COMPRESSION snappy)`,
    );
  } else {
    await duck.run(`COPY (${tickRow(m)}) TO ${lit(file)} (FORMAT parquet, COMPRESSION snappy)`);
  }
  if (args.fsync) {
    // The file's data, then the directory holding the rename.
    for (const [p, sync] of [[file, fs.fdatasyncSync], [dir, fs.fsyncSync]]) {
      const fd = fs.openSync(p, "r");
      sync(fd);
      fs.closeSync(fd);
    }
  }
}

// Untimed warm-up tick one minute before the timed ones would collide with
// the base file's last record (the Python version would just append it
// again); use a minute far before instead: only the row count matters.
const ms = [];
await logSlot(kBenchStartMinute - existing - 1);
for (let i = 0; i < ticks; ++i) {
  const t0 = performance.now();
  await logSlot(kBenchStartMinute + i);
  ms.push(performance.now() - t0);
}
const rows = Number((await duck.rows(`SELECT count(*) AS n FROM read_parquet(${lit(file)})`))[0].n);
const bytes = fs.statSync(file).size;
duck.close();
fs.rmSync(file, { force: true });
if (rows !== existing + ticks + 1) {
  log(`python strategy: the file holds ${rows} rows, expected ${existing + ticks + 1}`);
  process.exit(1);
}
console.log(
  toJson({
    existing,
    ticks,
    fsync: Boolean(args.fsync),
    file_bytes_at_end: bytes,
    ms,
    mean_ms: mean(ms),
    median_ms: median(ms),
  }),
);

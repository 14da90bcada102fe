// Writes the benchmark's input files deterministically: one-minute ticks as
// the Python version logged them (see common.mjs: writePandasStyle for the
// file's shape, tickColumns for the values).
//
//   node gen.mjs OUT.parquet:FIRST_MINUTE:COUNT:STYLE[:ROW_GROUP_ROWS] ...
//
// FIRST_MINUTE is minutes since the epoch (UTC), STYLE "varied" or "bench";
// ROW_GROUP_ROWS defaults to DuckDB's (122,880); pyarrow's is 1048576.
// Skips a file that exists with the expected row count and timestamp range
// (the inputs are kept between runs under the bench directory). Prints JSON:
// per file, rows, bytes, seconds taken and notes.
import fs from "node:fs";
import { lit, log, openDuckDB, toJson, writePandasStyle } from "./common.mjs";

const specs = process.argv.slice(2).map((s) => {
  const m = /^(.+):(\d+):(\d+):(varied|bench)(?::(\d+))?$/.exec(s);
  if (!m) {
    console.error("usage: node gen.mjs OUT.parquet:FIRST_MINUTE:COUNT:varied|bench[:ROW_GROUP_ROWS] ...");
    process.exit(2);
  }
  return { out: m[1], first: Number(m[2]), count: Number(m[3]), style: m[4], rowGroupRows: m[5] ? Number(m[5]) : 0 };
});

const duck = await openDuckDB();
const results = [];
for (const s of specs) {
  const t0 = performance.now();
  let reused = false;
  let notes = [];
  if (fs.existsSync(s.out)) {
    try {
      const r = (
        await duck.rows(
          `SELECT count(*)::BIGINT AS n, epoch_us(min(timestamp)) // 60000000 AS lo,
                  epoch_us(max(timestamp)) // 60000000 AS hi,
                  any_value(source) FILTER (WHERE source <> 'optimizer') AS other
           FROM read_parquet(${lit(s.out)})`,
        )
      )[0];
      const style = r.other == null ? "bench" : "varied";
      const rg = await duck.rows(
        `SELECT max(row_group_num_rows)::BIGINT AS rows FROM parquet_metadata(${lit(s.out)})`,
      );
      const wantRg = Math.min(s.count, s.rowGroupRows || 122_880);
      reused =
        Number(r.n) === s.count && Number(r.lo) === s.first && Number(r.hi) === s.first + s.count - 1 &&
        (s.count < 1440 || style === s.style) && Number(rg[0].rows) === wantRg;
    } catch {
      reused = false;
    }
  }
  if (!reused) {
    log(`writing ${s.count.toLocaleString("en")} ticks to ${s.out}`);
    const tmp = `${s.out}.tmp`;
    notes = await writePandasStyle(duck, tmp, s.first, s.count, s.style, s.rowGroupRows);
    fs.renameSync(tmp, s.out);
  }
  results.push({
    file: s.out,
    rows: s.count,
    bytes: fs.statSync(s.out).size,
    seconds: (performance.now() - t0) / 1000,
    reused,
    notes,
  });
}
duck.close();
console.log(toJson(results));

// The size peer: DuckDB's COPY of a log's sealed rows (<log>/*.parquet, all
// columns, seq order) with zstd and with snappy, DuckDB's default writer
// settings otherwise.
//
//   node size.mjs --log DIR --out-dir DIR
//
// Prints JSON: rows and bytes per codec.
import fs from "node:fs";
import path from "node:path";
import { lit, log, openDuckDB, parseArgs, toJson } from "./common.mjs";

const args = parseArgs(process.argv.slice(2));
if (!args.log || !args["out-dir"]) {
  console.error("usage: node size.mjs --log DIR --out-dir DIR");
  process.exit(2);
}
const duck = await openDuckDB();
const src = `SELECT * FROM read_parquet(${lit(`${args.log}/*.parquet`)}) ORDER BY seq`;
const rows = Number((await duck.rows(`SELECT count(*) AS n FROM read_parquet(${lit(`${args.log}/*.parquet`)})`))[0].n);
const out = { rows, codecs: {} };
for (const codec of ["zstd", "snappy"]) {
  log(`DuckDB: COPY of ${rows.toLocaleString("en")} sealed rows with ${codec}…`);
  const f = path.join(args["out-dir"], `duckdb-${codec}.parquet`);
  await duck.run(`COPY (${src}) TO ${lit(f)} (FORMAT parquet, COMPRESSION ${codec})`);
  out.codecs[codec] = { bytes: fs.statSync(f).size };
  fs.rmSync(f, { force: true });
}
duck.close();
console.log(toJson(out));

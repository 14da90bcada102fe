#!/usr/bin/env node
// node count.mjs LOG_DIR: prints {"rows":N,"distinct":D,"max":M} as DuckDB's
// read_parquet('<log>/*.parquet') sees the log (exit 1 if DuckDB fails).
import { connect, globCounts } from './duckdb.mjs';

const db = await connect();
try {
  console.log(JSON.stringify(await globCounts(db, process.argv[2])));
} catch (e) {
  console.error(`duckdb: ${e.message}`);
  process.exit(1);
}

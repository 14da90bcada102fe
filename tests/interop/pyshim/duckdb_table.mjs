#!/usr/bin/env node
// For pyarrow/parquet.py: one DuckDB pass over a Parquet file through duckdb_rows.mjs. Prints a
// JSON line with the columns ({name, kind, duckdbType} each, kinds as in duckdb_rows.mjs --schema),
// then the rows in duckdb_rows.mjs's canonical JSON lines.
//   node duckdb_table.mjs FILE [COLUMN...]
// Exit codes: 0 ok, 1 DuckDB could not read the file, 2 usage.
import process from 'node:process';

import { openDuckDB, readCanonicalRows } from '../duckdb_rows.mjs';

const [file, ...columns] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: node duckdb_table.mjs FILE [COLUMN...]\n');
  process.exit(2);
}
const { instance, conn } = await openDuckDB();
try {
  const { fields, lines } = await readCanonicalRows(conn, file, columns.length ? columns : null);
  const head = fields.map((f) => ({ name: f.name, kind: f.kind, duckdbType: f.duckdbType }));
  process.stdout.write([JSON.stringify({ columns: head }), ...lines].join('\n') + '\n');
} catch (e) {
  process.stderr.write(`duckdb_table: ${file}: ${String(e.message ?? e).split('\n')[0]}\n`);
  process.exitCode = 1;
} finally {
  conn.closeSync();
  instance.closeSync();
}

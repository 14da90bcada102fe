// DuckDB for the adversarial suite, from the pinned @duckdb/node-api that
// tests/interop installs (tests/interop/package-lock.json).
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '..', 'interop', 'package.json'));
const { DuckDBInstance } = require('@duckdb/node-api');

// A connection; query(sql) returns the rows as arrays of JS values.
export async function connect() {
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const conn = await instance.connect();
  if (process.env.BA_DUCKDB_SETUP) await conn.run(process.env.BA_DUCKDB_SETUP);
  return {
    async query(sql) {
      const reader = await conn.runAndReadAll(sql);
      return reader.getRows();
    },
    close() {
      conn.closeSync?.();
    },
  };
}

// What the README's own query sees of a log: rows, distinct seqs, max seq.
// An empty log (no sealed file yet) is 0 rows.
export async function globCounts(db, logDir) {
  const glob = path.join(logDir, '*.parquet').replaceAll("'", "''");
  try {
    const rows = await db.query(
      `SELECT count(*), count(DISTINCT seq), coalesce(max(seq), 0) FROM read_parquet('${glob}')`);
    const [n, distinct, max] = rows[0].map(Number);
    return { rows: n, distinct, max };
  } catch (e) {
    if (/No files found/i.test(String(e.message))) return { rows: 0, distinct: 0, max: 0 };
    throw e;
  }
}

#!/usr/bin/env node
// A stand-in for `budget-audit cat` built on DuckDB, used to test the interop
// suite itself while (or when) the real CLI is not available:
//
//   bash tests/interop/run.sh tests/interop/duckdb_cat.mjs
//
//   duckdb_cat.mjs cat FILE [--columns a,b] [-o OUT.parquet|OUT.jsonl]
// Exit codes as the real CLI: 0 ok, 1 unreadable file (message on stderr), 2 usage.
// Expected differences from a correct CLI: DuckDB accepts some corrupt files,
// and its Parquet writer turns FLOAT16 into FLOAT and ConvertedType-only UTC
// timestamps into naive ones, which the round-trip checks report.
import fs from 'node:fs';
import process from 'node:process';

import { openDuckDB, readCanonicalRows, sqlString } from './duckdb_rows.mjs';

function usage(msg) {
  process.stderr.write(`duckdb_cat: ${msg}\nusage: duckdb_cat.mjs cat FILE [--columns a,b] [-o OUT.parquet|OUT.jsonl]\n`);
  process.exitCode = 2;
}

async function main(argv) {
  if (argv[0] !== 'cat') return usage('only the cat command is supported');
  let file = null;
  let columns = null;
  let out = null;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--columns' && i + 1 < argv.length) columns = argv[++i].split(',');
    else if (a === '-o' && i + 1 < argv.length) out = argv[++i];
    else if (a.startsWith('-')) return usage(`bad option ${a}`);
    else if (file === null) file = a;
    else return usage('only one FILE');
  }
  if (file === null) return usage('missing FILE');
  if (out !== null && !/\.(parquet|jsonl)$/.test(out)) return usage('-o needs .parquet or .jsonl');
  const { instance, conn } = await openDuckDB();
  try {
    const { fields, lines } = await readCanonicalRows(conn, file, columns);
    const text = lines.length ? lines.join('\n') + '\n' : '';
    if (out === null) {
      process.stdout.write(text);
    } else if (out.endsWith('.jsonl')) {
      fs.writeFileSync(out, text);
    } else {
      const list = fields.map((f) => `"${(f.duckdbName ?? f.name).replace(/"/g, '""')}"`).join(', ');
      await conn.run(`COPY (SELECT ${list} FROM read_parquet(${sqlString(file)})) TO ${sqlString(out)} (FORMAT parquet)`);
    }
  } catch (e) {
    process.stderr.write(`duckdb_cat: ${file}: ${String(e.message ?? e).split('\n')[0]}\n`);
    process.exitCode = 1;
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

await main(process.argv.slice(2));

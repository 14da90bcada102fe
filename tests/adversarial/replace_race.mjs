#!/usr/bin/env node
// DuckDB and a file replaced by rename(2) during a query, without
// budget-audit: two valid Parquet files are renamed over one name in turn
// while DuckDB reads its rows in a loop. DuckDB opens the file by path more
// than once per query, so some queries fail ("TProtocolException: Invalid
// data") though every file it could see is complete and valid. Prints the
// counts (a note for the adversarial suite; exits 0).
//
//   node replace_race.mjs WORK_DIR [SECONDS]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from './duckdb.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const work = process.argv[2];
const seconds = Number(process.argv[3] ?? '3');
const data = path.join(here, '..', 'data', 'slot-log');
const dir = path.join(work, 'replace-race');
fs.rmSync(dir, { recursive: true, force: true });
fs.mkdirSync(dir, { recursive: true });
const versions = ['duckdb-snappy.parquet', 'arrow-rs-v2.parquet'].map((n) => fs.readFileSync(path.join(data, n)));
fs.writeFileSync(path.join(dir, 'x.parquet'), versions[0]);
let stop = false, renames = 0;
(async () => {
  while (!stop) {
    fs.writeFileSync(path.join(dir, '_next'), versions[++renames % 2]);
    fs.renameSync(path.join(dir, '_next'), path.join(dir, 'x.parquet'));
    await new Promise((r) => setImmediate(r));
  }
})();
const db = await connect();
let ok = 0, failed = 0, first = '';
const end = Date.now() + seconds * 1000;
while (Date.now() < end) {
  try {
    await db.query(`SELECT count(*), sum(slot_index) FROM read_parquet('${dir}/*.parquet')`);
    ok++;
  } catch (e) {
    failed++;
    first ||= e.message.split('\n')[0];
  }
}
stop = true;
console.log(`note replace-race: ${failed} of ${ok + failed} DuckDB queries failed while two valid files were renamed over one name ${renames} times${first ? ' (' + first + ')' : ''}`);

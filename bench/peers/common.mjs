// Shared pieces of the benchmark peers (make bench): a DuckDB session, the
// tick generator as SQL, Parquet files shaped like the Python version's, and
// small statistics helpers.
import { DuckDBInstance } from "@duckdb/node-api";
import fs from "node:fs";

// Minutes since the epoch of 2028-01-01T00:00Z: the first tick that
// bench/log_benchmark.cc's BM_DurableAppend appends (kStartMinute).
export const kBenchStartMinute = 30_504_960;

// Opens an in-memory DuckDB session in UTC. `threads` caps its worker
// threads (undefined: DuckDB's default, one per core).
export async function openDuckDB(threads) {
  const opts = threads ? { threads: String(threads) } : {};
  const db = await DuckDBInstance.create(":memory:", opts);
  const conn = await db.connect();
  await conn.run("SET TimeZone = 'UTC'");
  return {
    db,
    conn,
    run: (sql) => conn.run(sql),
    rows: async (sql) => (await conn.runAndReadAll(sql)).getRowObjectsJS(),
    close() {
      conn.closeSync();
      db.closeSync();
    },
  };
}

// A SQL string literal.
export const lit = (s) => "'" + String(s).replace(/'/g, "''") + "'";

// SELECT list of the audit columns, in the order of the seed's log_slot
// record, for a relation with a BIGINT column `m` (minutes since the epoch).
//
// style "bench": bench/log_benchmark.cc's Tick(m) formulas (source
// 'optimizer', stage_id 'stage-2'), so the Python strategy's peer appends
// the records ours appends, into a file holding the records ours' log holds.
// style "varied": the same numbers with varied text: source by daylight and
// a few fallback/manual minutes, stage_id by season.
export function tickColumns(style) {
  const mod = "(m % 1440)";
  const daylight = `(${mod} >= 360 AND ${mod} < 1200)`;
  // Tick()'s jitter: (uint64(m) * 2654435761) % 1000 / 1000. For the
  // minutes used here (< 2^32) the product fits in a BIGINT, so no wrap.
  const jit = "(((m * 2654435761) % 1000) / 1000.0)";
  const sun = `(CASE WHEN ${daylight} THEN sin((${mod} - 360) / 840.0 * pi()) ELSE 0.0 END)`;
  const planned = `(CASE WHEN ${daylight} THEN round((5.0 + 20.0 * ${sun} * ${jit}) * 10.0) / 10.0 ELSE 0.0 END)`;
  const source =
    style === "bench"
      ? "'optimizer'"
      : `CASE WHEN NOT ${daylight} THEN 'night' WHEN m % 53 = 0 THEN 'fallback' WHEN m % 211 = 0 THEN 'manual' ELSE 'optimizer' END`;
  const stage =
    style === "bench"
      ? "'stage-2'"
      : `CASE month(make_timestamp(m * 60000000)) WHEN 3 THEN 'budbreak' WHEN 4 THEN 'budbreak' WHEN 5 THEN 'flowering' WHEN 6 THEN 'flowering' WHEN 7 THEN 'veraison' WHEN 8 THEN 'veraison' WHEN 9 THEN 'harvest' WHEN 10 THEN 'harvest' ELSE 'dormant' END`;
  return `
    CAST(make_timestamp(m * 60000000) AS TIMESTAMP_NS) AS timestamp,
    strftime(make_timestamp(m * 60000000), '%Y-%m-%d') AS date,
    (${mod} // 15)::BIGINT AS slot_index,
    ${planned}::DOUBLE AS planned_offset_deg,
    (${planned} + CASE WHEN ${daylight} THEN (${jit} - 0.5) * 0.2 ELSE 0.0 END)::DOUBLE AS actual_offset_deg,
    (CASE WHEN ${daylight} THEN round(${sun} * ${jit} * 4000.0) / 1000.0 ELSE 0.0 END)::DOUBLE AS energy_cost_kwh,
    ((m % (365 * 1440)) * 0.0137)::DOUBLE AS budget_spent_kwh,
    (25000.0 - (m % (365 * 1440)) * 0.0137)::DOUBLE AS budget_remaining_kwh,
    (${daylight} AND m % 3 <> 0) AS gate_passed,
    ${source} AS source,
    ${stage} AS stage_id`;
}

// SELECT of the ticks of minutes [first, first + count).
export function ticksQuery(first, count, style) {
  return `SELECT ${tickColumns(style)} FROM (SELECT (${first} + i)::BIGINT AS m FROM range(0, ${count}) t(i))`;
}

// What pandas + pyarrow write and DuckDB cannot: TIMESTAMP(NANOS) with
// isAdjustedToUTC=true (DuckDB has no nanosecond type with a time zone). In
// the footer's Thrift compact encoding the schema's LogicalType
// TIMESTAMP(isAdjustedToUTC=false, NANOS) is the bytes
//   8C  field 8 (TIMESTAMP), struct
//   12  field 1 (isAdjustedToUTC), boolean false
//   1C  field 2 (unit), struct;  3C 00  field 3 (NANOS), empty struct;  00 00  stops
// and the boolean's value lives in the field header's type nibble (1 = true,
// 2 = false), so flipping 0x12 to 0x11 changes nothing else. The pattern
// must occur exactly once in the footer. Returns true when patched.
export function markNanosUtc(path) {
  const fd = fs.openSync(path, "r+");
  try {
    const size = fs.fstatSync(fd).size;
    const tail = Buffer.alloc(8);
    fs.readSync(fd, tail, 0, 8, size - 8);
    if (tail.toString("latin1", 4) !== "PAR1") return false;
    const footerLen = tail.readUInt32LE(0);
    const footerStart = size - 8 - footerLen;
    const footer = Buffer.alloc(footerLen);
    fs.readSync(fd, footer, 0, footerLen, footerStart);
    const pattern = Buffer.from([0x8c, 0x12, 0x1c, 0x3c, 0x00, 0x00, 0x00]);
    const at = footer.indexOf(pattern);
    if (at < 0 || footer.indexOf(pattern, at + 1) >= 0) return false;
    fs.writeSync(fd, Buffer.from([0x11]), 0, 1, footerStart + at + 1);
    fs.fdatasyncSync(fd);
    return true;
  } finally {
    fs.closeSync(fd);
  }
}

// Writes the ticks of minutes [first, first + count) to `path` as the Python
// version wrote its log (pandas + pyarrow): the 11 columns of log_slot in its
// order, all OPTIONAL, timestamp INT64 TIMESTAMP(NANOS, UTC), snappy, row
// groups of `rowGroupRows` rows (pyarrow's default is 2^20; DuckDB writes
// those ~4x slower than its default 122,880, so inputs whose row groups do
// not matter use DuckDB's). Returns notes on what differs.
export async function writePandasStyle(duck, path, first, count, style, rowGroupRows) {
  const rg = rowGroupRows ? `, ROW_GROUP_SIZE ${rowGroupRows}` : "";
  await duck.run(`COPY (${ticksQuery(first, count, style)}) TO ${lit(path)} (FORMAT parquet, COMPRESSION snappy${rg})`);
  const notes = [];
  if (!markNanosUtc(path)) {
    notes.push("timestamp left as naive TIMESTAMP(NANOS) (footer pattern not found)");
  }
  return notes;
}

export function median(xs) {
  const v = [...xs].sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const h = v.length >> 1;
  return v.length % 2 ? v[h] : (v[h - 1] + v[h]) / 2;
}

export function mean(xs) {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

// Command-line flags --name value (and bare --flag as true).
export function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; ++i) {
    const a = argv[i];
    if (!a.startsWith("--")) throw new Error(`unexpected argument ${a}`);
    const next = argv[i + 1];
    if (next === undefined || next.startsWith("--")) out[a.slice(2)] = true;
    else {
      out[a.slice(2)] = next;
      ++i;
    }
  }
  return out;
}

export const log = (msg) => process.stderr.write(`bench: ${msg}\n`);

// BigInt-safe JSON.
export const toJson = (v) =>
  JSON.stringify(v, (_, x) => (typeof x === "bigint" ? Number(x) : x), 2);

#!/usr/bin/env node
// Reads a Parquet file with DuckDB and prints its rows as JSON lines in the
// canonical form of `budget-audit cat` (see canonical.mjs), so the two can be
// compared with compare.mjs.
//
//   node duckdb_rows.mjs FILE [--columns a,b]   rows as JSON lines
//   node duckdb_rows.mjs FILE --schema          one JSON object describing the
//                                               top-level fields (used by the suite)
// Exit codes: 0 ok, 1 DuckDB could not read the file (or a selected column is
// nested / has no canonical form), 2 usage.
//
// How DuckDB's types map to the canonical form. DuckDB's own type is not
// enough in a few places, so each column's Parquet schema element (from
// parquet_schema()) is consulted as well:
//
//   DuckDB type              Parquet source                    canonical value
//   BOOLEAN                  BOOLEAN                           true / false
//   (U)TINYINT..(U)BIGINT,   INT32/INT64 (+ INT/UINT annot.)   JSON number, exact (BigInt)
//     HUGEINT, UHUGEINT
//   FLOAT                    FLOAT                             shortest float32 decimal
//   FLOAT                    FLBA(2) FLOAT16                   shortest binary16 decimal
//   DOUBLE                   DOUBLE                            shortest float64 decimal
//   DOUBLE                   DECIMAL with precision > 38       (DuckDB rounds: column not comparable)
//   DECIMAL(w,s)             INT32/INT64/FLBA/BYTE_ARRAY DEC.  "unscaled/10^s" with s digits
//   VARCHAR, ENUM            STRING/UTF8, ENUM, JSON           JSON string
//   BLOB                     BYTE_ARRAY/FLBA, no annotation,   base64
//                            BSON, unknown logical types
//   GEOMETRY                 GEOMETRY/GEOGRAPHY logical type   base64 of the WKB DuckDB returns
//   UUID                     FLBA(16) UUID                     "8-4-4-4-12" lowercase
//   DATE                     INT32 DATE                        "YYYY-MM-DD"
//   TIME, TIME_NS, TIME_TZ   INT32/INT64 TIME                  "HH:MM:SS[.f]" (no zone suffix)
//   TIMESTAMP_S/_MS/(µs)/_NS INT64 TIMESTAMP, not UTC          "YYYY-MM-DDTHH:MM:SS[.f]"
//   TIMESTAMP WITH TIME ZONE INT64 TIMESTAMP isAdjustedToUTC   same + "Z"
//   TIMESTAMP                ConvertedType TIMESTAMP_MILLIS/   same + "Z": the spec says a
//                            MICROS without a LogicalType      ConvertedType-only timestamp is
//                                                              UTC-adjusted; DuckDB reads it naive
//   TIMESTAMP                INT96                             naive, no "Z" (like DuckDB)
//   INTERVAL                 FLBA(12) INTERVAL                 JSON string "<months>m<days>d<micros>us"
//                                                              (no agreed canonical form; rare)
//
// Precision that DuckDB loses (the suite then compares those columns at
// microsecond precision, "microsOnly" in --schema):
//   - INT96 timestamps are read as microseconds (duckdb#25857); values outside
//     the int64-nanosecond range (e.g. year 290000) come back wrapped.
//   - TIMESTAMP(NANOS, isAdjustedToUTC=true) becomes TIMESTAMP WITH TIME ZONE,
//     which has microsecond precision (TIMESTAMP(NANOS, false) is TIMESTAMP_NS
//     and exact).
//   - TIME(NANOS) may be read as TIME (microseconds) (duckdb#23956).
import { pathToFileURL } from 'node:url';
import process from 'node:process';

import { DuckDBInstance, DuckDBTypeId } from '@duckdb/node-api';

import {
  formatBinary,
  formatDate,
  formatDecimal,
  formatDouble,
  formatFloat16,
  formatFloat32,
  formatInteger,
  formatString,
  formatTime,
  formatTimestamp,
  formatUuid,
} from './canonical.mjs';

export async function openDuckDB() {
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const conn = await instance.connect();
  return { instance, conn };
}

export function sqlString(s) {
  return `'${String(s).replace(/'/g, "''")}'`;
}

function sqlIdent(s) {
  return `"${String(s).replace(/"/g, '""')}"`;
}

const INT_TYPES = new Set([
  DuckDBTypeId.TINYINT,
  DuckDBTypeId.SMALLINT,
  DuckDBTypeId.INTEGER,
  DuckDBTypeId.BIGINT,
  DuckDBTypeId.UTINYINT,
  DuckDBTypeId.USMALLINT,
  DuckDBTypeId.UINTEGER,
  DuckDBTypeId.UBIGINT,
  DuckDBTypeId.HUGEINT,
  DuckDBTypeId.UHUGEINT,
]);

const TIMESTAMP_TYPES = new Map([
  [DuckDBTypeId.TIMESTAMP_S, 1n],
  [DuckDBTypeId.TIMESTAMP_MS, 1000n],
  [DuckDBTypeId.TIMESTAMP, 1000000n],
  [DuckDBTypeId.TIMESTAMP_TZ, 1000000n],
  [DuckDBTypeId.TIMESTAMP_NS, 1000000000n],
]);

// Parses parquet_schema() rows (depth-first, root first) into the top-level
// fields with their subtree information.
function topLevelFields(rows) {
  if (rows.length === 0) throw new Error('empty schema');
  let i = 0;
  const numChildren = (r) => Number(r.num_children ?? 0);
  // Returns the index after the subtree rooted at idx, and whether any node in
  // it (the node included) is REPEATED or has children.
  function skip(idx) {
    let nested = rows[idx].repetition_type === 'REPEATED' || numChildren(rows[idx]) > 0;
    let next = idx + 1;
    for (let c = 0; c < numChildren(rows[idx]); c++) {
      if (next >= rows.length) throw new Error('schema tree truncated');
      const [after, childNested] = skip(next);
      nested = nested || childNested;
      next = after;
    }
    return [next, nested];
  }
  const root = rows[0];
  const fields = [];
  i = 1;
  for (let c = 0; c < numChildren(root); c++) {
    if (i >= rows.length) throw new Error('schema tree truncated');
    const [after, nested] = skip(i);
    fields.push({ row: rows[i], nested });
    i = after;
  }
  return fields;
}

function logicalInfo(row) {
  const lt = row.logical_type ?? '';
  const ct = row.converted_type ?? '';
  const info = { float16: false, utc: false, nanos: false, decimalPrecision: null };
  if (/^Float16Type/.test(lt)) info.float16 = true;
  if (/^TimestampType/.test(lt)) {
    info.utc = /isAdjustedToUTC=1/.test(lt);
    info.nanos = /NANOS=NanoSeconds/.test(lt);
  } else if (!lt && (ct === 'TIMESTAMP_MILLIS' || ct === 'TIMESTAMP_MICROS')) {
    info.utc = true; // ConvertedType-only timestamps are UTC-adjusted per the spec
  }
  if (/^TimeType/.test(lt)) info.nanos = /NANOS=NanoSeconds/.test(lt);
  if (/^DecimalType/.test(lt) || ct === 'DECIMAL') {
    info.decimalPrecision = row.precision != null ? Number(row.precision) : null;
  }
  return info;
}

function typeKind(typeId, li) {
  if (typeId === DuckDBTypeId.BOOLEAN) return 'bool';
  if (INT_TYPES.has(typeId)) return 'int';
  if (typeId === DuckDBTypeId.FLOAT) return li.float16 ? 'float16' : 'float32';
  if (typeId === DuckDBTypeId.DOUBLE) return 'double';
  if (typeId === DuckDBTypeId.DECIMAL) return 'decimal';
  if (typeId === DuckDBTypeId.VARCHAR || typeId === DuckDBTypeId.ENUM) return 'string';
  if (typeId === DuckDBTypeId.BLOB || typeId === DuckDBTypeId.GEOMETRY) return 'binary';
  if (typeId === DuckDBTypeId.UUID) return 'uuid';
  if (typeId === DuckDBTypeId.DATE) return 'date';
  if (typeId === DuckDBTypeId.TIME || typeId === DuckDBTypeId.TIME_NS || typeId === DuckDBTypeId.TIME_TZ) return 'time';
  if (TIMESTAMP_TYPES.has(typeId)) return li.utc || typeId === DuckDBTypeId.TIMESTAMP_TZ ? 'timestamp_utc' : 'timestamp';
  if (typeId === DuckDBTypeId.INTERVAL) return 'interval';
  return null;
}

// Describes the top-level fields of FILE: [{name, flat, comparable, reason,
// duckdbType, kind, scale, utc, microsOnly, float16, physical, logical,
// converted}]. Throws when DuckDB cannot read the schema.
export async function inspectParquet(conn, file) {
  const schemaRows = (
    await conn.runAndReadAll(
      `SELECT name, type, type_length, repetition_type, num_children, converted_type, scale, precision, logical_type
       FROM parquet_schema(${sqlString(file)})`,
    )
  ).getRowObjectsJS();
  const fields = topLevelFields(schemaRows);
  const described = await conn.runAndReadAll(`SELECT * FROM read_parquet(${sqlString(file)}) LIMIT 0`);
  const names = described.columnNames();
  if (names.length !== fields.length) {
    throw new Error(`DuckDB shows ${names.length} columns, parquet_schema ${fields.length} top-level fields`);
  }
  return fields.map((f, idx) => {
    const row = f.row;
    const typeId = described.columnTypeId(idx);
    const type = described.columnType(idx);
    const li = logicalInfo(row);
    const out = {
      name: row.name,
      flat: !f.nested,
      comparable: true,
      reason: null,
      duckdbType: type.toString(),
      kind: f.nested ? null : typeKind(typeId, li),
      scale: typeId === DuckDBTypeId.DECIMAL ? type.scale : null,
      utc: li.utc || typeId === DuckDBTypeId.TIMESTAMP_TZ,
      float16: li.float16,
      microsOnly: false,
      physical: row.type,
      logical: row.logical_type,
      converted: row.converted_type,
    };
    if (f.nested) {
      out.comparable = false;
      const t = out.duckdbType;
      out.reason = `nested (${t.length > 40 ? t.slice(0, 40) + '…' : t})`;
    } else if (out.kind === null) {
      out.comparable = false;
      out.reason = `DuckDB type ${out.duckdbType} has no canonical form`;
    } else if (li.decimalPrecision !== null && typeId !== DuckDBTypeId.DECIMAL) {
      out.comparable = false;
      out.reason = `DECIMAL(${li.decimalPrecision}) read by DuckDB as ${out.duckdbType}`;
    } else if (row.type === 'INT96') {
      out.microsOnly = true;
    } else if (li.nanos && typeId !== DuckDBTypeId.TIMESTAMP_NS && typeId !== DuckDBTypeId.TIME_NS) {
      out.microsOnly = true;
    }
    if (names[idx] !== row.name) out.duckdbName = names[idx];
    return out;
  });
}

function formatValue(v, typeId, field) {
  if (v === null || v === undefined) return 'null';
  if (typeId === DuckDBTypeId.BOOLEAN) return v ? 'true' : 'false';
  if (INT_TYPES.has(typeId)) return formatInteger(v);
  if (typeId === DuckDBTypeId.FLOAT) return field.float16 ? formatFloat16(v) : formatFloat32(v);
  if (typeId === DuckDBTypeId.DOUBLE) return formatDouble(v);
  if (typeId === DuckDBTypeId.DECIMAL) return formatDecimal(v.value, v.scale);
  if (typeId === DuckDBTypeId.VARCHAR || typeId === DuckDBTypeId.ENUM) return formatString(String(v));
  if (typeId === DuckDBTypeId.BLOB || typeId === DuckDBTypeId.GEOMETRY) return formatBinary(v.bytes);
  if (typeId === DuckDBTypeId.UUID) return formatUuid(v.toUint128());
  if (typeId === DuckDBTypeId.DATE) {
    if (!v.isFinite) return formatString(v.toString());
    return formatDate(v.days);
  }
  if (typeId === DuckDBTypeId.TIME || typeId === DuckDBTypeId.TIME_TZ) return formatTime(v.micros, 1000000n);
  if (typeId === DuckDBTypeId.TIME_NS) return formatTime(v.nanos, 1000000000n);
  if (TIMESTAMP_TYPES.has(typeId)) {
    if (!v.isFinite) return formatString(v.toString());
    const perSecond = TIMESTAMP_TYPES.get(typeId);
    const ticks =
      typeId === DuckDBTypeId.TIMESTAMP_S
        ? v.seconds
        : typeId === DuckDBTypeId.TIMESTAMP_MS
          ? v.millis
          : typeId === DuckDBTypeId.TIMESTAMP_NS
            ? v.nanos
            : v.micros;
    return formatTimestamp(BigInt(ticks), perSecond, field.utc);
  }
  if (typeId === DuckDBTypeId.INTERVAL) return formatString(`${v.months}m${v.days}d${v.micros}us`);
  throw new Error(`no canonical form for DuckDB type id ${typeId}`);
}

// Reads FILE (optionally only COLUMNS, top-level names) and returns
// { fields, lines } with one canonical JSON text per row.
export async function readCanonicalRows(conn, file, columns = null) {
  const fields = await inspectParquet(conn, file);
  let selected;
  if (columns && columns.length) {
    selected = columns.map((c) => {
      const f = fields.find((x) => x.name === c);
      if (!f) throw new Error(`no top-level column named ${JSON.stringify(c)}`);
      return f;
    });
  } else {
    selected = fields;
  }
  for (const f of selected) {
    if (!f.flat) throw new Error(`column ${JSON.stringify(f.name)} is nested (${f.duckdbType})`);
    if (f.kind === null) throw new Error(`column ${JSON.stringify(f.name)}: ${f.reason}`);
  }
  const list = selected.map((f) => sqlIdent(f.duckdbName ?? f.name)).join(', ');
  const reader = await conn.runAndReadAll(`SELECT ${list} FROM read_parquet(${sqlString(file)})`);
  const typeIds = selected.map((_, i) => reader.columnTypeId(i));
  const keys = selected.map((f) => JSON.stringify(f.name) + ':');
  const lines = [];
  for (const row of reader.getRows()) {
    const parts = new Array(selected.length);
    for (let c = 0; c < selected.length; c++) {
      parts[c] = keys[c] + formatValue(row[c], typeIds[c], selected[c]);
    }
    lines.push('{' + parts.join(',') + '}');
  }
  return { fields: selected, lines };
}

function usage(msg) {
  if (msg) process.stderr.write(`duckdb_rows: ${msg}\n`);
  process.stderr.write('usage: node duckdb_rows.mjs FILE [--columns a,b] | FILE --schema\n');
  process.exitCode = 2;
}

async function main(argv) {
  let file = null;
  let columns = null;
  let schema = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--columns') {
      if (i + 1 >= argv.length) return usage('--columns needs a value');
      columns = argv[++i].split(',');
    } else if (a.startsWith('--columns=')) {
      columns = a.slice('--columns='.length).split(',');
    } else if (a === '--schema') {
      schema = true;
    } else if (a.startsWith('-')) {
      return usage(`unknown option ${a}`);
    } else if (file === null) {
      file = a;
    } else {
      return usage('only one FILE');
    }
  }
  if (file === null) return usage('missing FILE');
  const { instance, conn } = await openDuckDB();
  try {
    if (schema) {
      const fields = await inspectParquet(conn, file);
      process.stdout.write(JSON.stringify({ file, fields }) + '\n');
    } else {
      const { lines } = await readCanonicalRows(conn, file, columns);
      process.stdout.write(lines.length ? lines.join('\n') + '\n' : '');
    }
  } catch (e) {
    process.stderr.write(`duckdb_rows: ${file}: ${String(e.message ?? e).split('\n')[0]}\n`);
    process.exitCode = 1;
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.on('error', (e) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  await main(process.argv.slice(2));
}

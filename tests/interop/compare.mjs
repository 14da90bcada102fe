#!/usr/bin/env node
// Compares two JSON-lines row dumps (canonical `budget-audit cat` form) row by
// row and value by value.
//
//   node compare.mjs A.jsonl B.jsonl [--schema SCHEMA.json] [--int a,b]
//        [--float32 a,b] [--float16 a,b] [--double a,b] [--micros a,b] [--max-diffs N]
//
// Exit codes: 0 equal, 1 different (the first differences are printed: row,
// column, both values), 2 usage or unreadable input.
//
// Rules. Everything is compared exactly (no tolerance), except:
//   - numbers compare by value, not by spelling, so 1.0 == 1 == 1e0. How a
//     number's value is taken depends on the column's kind, which comes from
//     --schema (the output of `duckdb_rows.mjs FILE --schema`) or the flags:
//       int      exact decimal value (also beyond 2^53)
//       double   the float64 the literal parses to; -0 != 0
//       float32  the float32 the literal rounds to; -0 != 0. Each literal must
//                also be short enough to be a shortest form: at most 9
//                significant digits, unless written as a plain integer (C++
//                std::to_chars prints e.g. 50331648 where JS prints 50331650)
//       float16  the binary16 value the literal rounds to; same digit rule
//       (none)   exact decimal value, or the same float64 if either literal
//                has a fraction or exponent
//   - --micros columns (timestamps/times that the oracle only has to the
//     microsecond) compare with the fraction of seconds cut to 6 digits.
// Column names and their order must match in every row.
import fs from 'node:fs';
import process from 'node:process';
import { pathToFileURL } from 'node:url';

import { roundToFloat16 } from './canonical.mjs';

// ---------------------------------------------------------------------------
// A JSON parser that keeps number literals as text and object keys in order.
// Values: null, true/false, string, {num: "literal"}, {arr: [...]},
// {obj: [[key, value], ...]}.

class JsonError extends Error {}

export function parseJson(text) {
  let i = 0;
  const n = text.length;
  const ws = () => {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const fail = (msg) => {
    throw new JsonError(`${msg} at character ${i}`);
  };
  function value() {
    ws();
    if (i >= n) fail('unexpected end');
    const c = text[i];
    if (c === '{') {
      i++;
      const entries = [];
      ws();
      if (text[i] === '}') {
        i++;
        return { obj: entries };
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a key');
        const k = string();
        ws();
        if (text[i] !== ':') fail("expected ':'");
        i++;
        entries.push([k, value()]);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return { obj: entries };
        }
        fail("expected ',' or '}'");
      }
    }
    if (c === '[') {
      i++;
      const items = [];
      ws();
      if (text[i] === ']') {
        i++;
        return { arr: items };
      }
      for (;;) {
        items.push(value());
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return { arr: items };
        }
        fail("expected ',' or ']'");
      }
    }
    if (c === '"') return string();
    if (text.startsWith('true', i)) {
      i += 4;
      return true;
    }
    if (text.startsWith('false', i)) {
      i += 5;
      return false;
    }
    if (text.startsWith('null', i)) {
      i += 4;
      return null;
    }
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) fail('unexpected character');
    i += m[0].length;
    return { num: m[0] };
  }
  function string() {
    // text[i] === '"'; let JSON.parse validate escapes.
    const start = i;
    i++;
    while (i < n && text[i] !== '"') {
      if (text[i] === '\\') i++;
      else if (text.charCodeAt(i) < 0x20) fail('control character in string');
      i++;
    }
    if (i >= n) fail('unterminated string');
    i++;
    try {
      return JSON.parse(text.slice(start, i));
    } catch (e) {
      fail(`bad string: ${e.message}`);
    }
    return null;
  }
  const v = value();
  ws();
  if (i !== n) fail('trailing characters');
  return v;
}

export function render(v) {
  if (v === null) return 'null';
  if (v === true || v === false) return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (v.num !== undefined) return v.num;
  if (v.arr) return '[' + v.arr.map(render).join(',') + ']';
  return '{' + v.obj.map(([k, x]) => JSON.stringify(k) + ':' + render(x)).join(',') + '}';
}

// ---------------------------------------------------------------------------
// Number comparison.

// Exact decimal value of a literal as a canonical string "sign digits e exp".
function exactDecimal(lit) {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(lit);
  let digits = m[2] + (m[3] ?? '');
  let exp = Number(m[4] ?? 0) - (m[3] ?? '').length;
  digits = digits.replace(/^0+/, '');
  if (digits === '') return '0';
  while (digits.endsWith('0')) {
    digits = digits.slice(0, -1);
    exp++;
  }
  return `${m[1]}${digits}e${exp}`;
}

function isIntegerLiteral(lit) {
  return /^-?\d+$/.test(lit);
}

function significantDigits(lit) {
  const m = /^-?(\d+)(?:\.(\d+))?/.exec(lit);
  return (m[1] + (m[2] ?? '')).replace(/^0+/, '').replace(/0+$/, '').length;
}

// Returns null when equal, else a short reason.
function compareNumbers(a, b, kind) {
  switch (kind) {
    case 'int':
      return exactDecimal(a) === exactDecimal(b) ? null : 'integers differ';
    case 'double':
      return Object.is(Number(a), Number(b)) ? null : 'doubles differ';
    case 'float32':
    case 'float16': {
      for (const lit of [a, b]) {
        if (!isIntegerLiteral(lit) && significantDigits(lit) > 9) {
          return `${lit} has more digits than a shortest ${kind} form`;
        }
      }
      const round = kind === 'float32' ? Math.fround : roundToFloat16;
      return Object.is(round(Number(a)), round(Number(b))) ? null : `${kind} values differ`;
    }
    default:
      if (exactDecimal(a) === exactDecimal(b)) return null;
      if (!(isIntegerLiteral(a) && isIntegerLiteral(b)) && Object.is(Number(a), Number(b))) return null;
      return 'numbers differ';
  }
}

// Cuts the fraction of seconds of a time or timestamp text to microseconds.
export function toMicros(s) {
  const m = /^(.*\d\d:\d\d:\d\d)(?:\.(\d+))?(Z?)$/.exec(s);
  if (!m) return s;
  const frac = (m[2] ?? '').slice(0, 6).replace(/0+$/, '');
  return m[1] + (frac ? '.' + frac : '') + m[3];
}

function compareValues(a, b, kind, micros) {
  if (a === null || b === null) return a === b ? null : 'null vs value';
  const ta = typeof a;
  if (ta !== typeof b) return 'different JSON types';
  if (ta === 'boolean') return a === b ? null : 'booleans differ';
  if (ta === 'string') {
    if (a === b) return null;
    if (micros && toMicros(a) === toMicros(b)) return null;
    return 'strings differ';
  }
  if ((a.num !== undefined) !== (b.num !== undefined)) return 'different JSON types';
  if (a.num !== undefined) return compareNumbers(a.num, b.num, kind);
  return render(a) === render(b) ? null : 'nested values differ';
}

// ---------------------------------------------------------------------------

export function splitLines(text) {
  const lines = text.split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

// opts: { kinds: Map(column → kind), micros: Set(column), maxDiffs, labels: [a, b] }
// Returns { ok, diffs: [text], total } where total counts all differences.
export function compareRowLines(aLines, bLines, opts = {}) {
  const kinds = opts.kinds ?? new Map();
  const micros = opts.micros ?? new Set();
  const maxDiffs = opts.maxDiffs ?? 10;
  const [la, lb] = opts.labels ?? ['A', 'B'];
  const diffs = [];
  let total = 0;
  const add = (msg) => {
    total++;
    if (diffs.length < maxDiffs) diffs.push(msg);
  };
  if (aLines.length !== bLines.length) add(`row count: ${la} has ${aLines.length}, ${lb} has ${bLines.length}`);
  let keysReported = false;
  const rows = Math.min(aLines.length, bLines.length);
  for (let r = 0; r < rows; r++) {
    let ra;
    let rb;
    try {
      ra = parseJson(aLines[r]);
    } catch (e) {
      add(`line ${r + 1}: ${la} is not valid JSON (${e.message}): ${aLines[r].slice(0, 200)}`);
      continue;
    }
    try {
      rb = parseJson(bLines[r]);
    } catch (e) {
      add(`line ${r + 1}: ${lb} is not valid JSON (${e.message}): ${bLines[r].slice(0, 200)}`);
      continue;
    }
    if (!ra || !ra.obj || !rb || !rb.obj) {
      add(`line ${r + 1}: not a JSON object`);
      continue;
    }
    const ka = ra.obj.map(([k]) => k);
    const kb = rb.obj.map(([k]) => k);
    if (ka.join('\u0000') !== kb.join('\u0000')) {
      if (!keysReported) add(`line ${r + 1}: columns differ: ${la} ${JSON.stringify(ka)} vs ${lb} ${JSON.stringify(kb)}`);
      keysReported = true;
    }
    const mb = new Map(rb.obj);
    for (const [k, va] of ra.obj) {
      if (!mb.has(k)) continue;
      const vb = mb.get(k);
      const why = compareValues(va, vb, kinds.get(k), micros.has(k));
      if (why) add(`line ${r + 1}, column ${JSON.stringify(k)}: ${la}=${render(va)} ${lb}=${render(vb)} (${why})`);
    }
  }
  return { ok: total === 0, diffs, total };
}

// Kinds and micros columns from `duckdb_rows.mjs --schema` output (its fields).
export function optsFromFields(fields) {
  const kinds = new Map();
  const micros = new Set();
  for (const f of fields ?? []) {
    if (f.kind) kinds.set(f.name, f.kind);
    if (f.microsOnly) micros.add(f.name);
  }
  return { kinds, micros };
}

function usage(msg) {
  if (msg) process.stderr.write(`compare: ${msg}\n`);
  process.stderr.write(
    'usage: node compare.mjs A.jsonl B.jsonl [--schema SCHEMA.json] [--int|--float32|--float16|--double|--micros a,b] [--max-diffs N]\n',
  );
  process.exitCode = 2;
}

function main(argv) {
  const files = [];
  let fields = [];
  let maxDiffs = 10;
  const extraKinds = new Map();
  const extraMicros = new Set();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    try {
      if (a === '--schema') {
        fields = JSON.parse(fs.readFileSync(next(), 'utf8')).fields;
      } else if (a === '--max-diffs') {
        maxDiffs = Number(next());
      } else if (['--int', '--float32', '--float16', '--double'].includes(a)) {
        for (const c of next().split(',')) extraKinds.set(c, a.slice(2));
      } else if (a === '--micros') {
        for (const c of next().split(',')) extraMicros.add(c);
      } else if (a.startsWith('-') && a !== '-') {
        return usage(`unknown option ${a}`);
      } else {
        files.push(a);
      }
    } catch (e) {
      return usage(e.message);
    }
  }
  if (files.length !== 2) return usage('need two files');
  let texts;
  try {
    texts = files.map((f) => fs.readFileSync(f === '-' ? 0 : f, 'utf8'));
  } catch (e) {
    return usage(e.message);
  }
  const { kinds, micros } = optsFromFields(fields);
  for (const [k, v] of extraKinds) kinds.set(k, v);
  for (const c of extraMicros) micros.add(c);
  const res = compareRowLines(splitLines(texts[0]), splitLines(texts[1]), {
    kinds,
    micros,
    maxDiffs,
    labels: files,
  });
  if (res.ok) {
    process.stdout.write(`compare: ${splitLines(texts[0]).length} rows equal\n`);
    return;
  }
  for (const d of res.diffs) process.stdout.write(d + '\n');
  if (res.total > res.diffs.length) process.stdout.write(`... ${res.total - res.diffs.length} more differences\n`);
  process.exitCode = 1;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2));
}

#!/usr/bin/env node
// Self-check of the oracle's formatters (canonical.mjs): known values, every
// binary16 value, and float32 values checked against round-tripping. Run by
// the suite before anything else; `node canonical_check.mjs` runs it alone.
import process from 'node:process';
import { pathToFileURL } from 'node:url';

import {
  dateText,
  formatDecimal,
  formatDouble,
  formatFloat16,
  formatFloat32,
  formatTime,
  formatTimestamp,
  formatUuid,
  roundToFloat16,
} from './canonical.mjs';

function sigDigits(s) {
  const m = /^-?(\d+)(?:\.(\d+))?(?:e[+-]\d+)?$/.exec(s);
  if (!m) return Infinity;
  return (m[1] + (m[2] ?? '')).replace(/^0+/, '').replace(/0+$/, '').length || 1;
}

// No decimal with fewer significant digits than s may round-trip: for each
// shorter length p, the nearest p-digit decimal and its two neighbours fail.
function noShorterForm(x, s, roundFn) {
  const len = sigDigits(s);
  for (let p = 1; p < len; p++) {
    const [mant, exp] = Math.abs(x).toExponential(p - 1).split('e');
    const d = BigInt(mant.replace('.', ''));
    const e = Number(exp) - (p - 1);
    for (const cand of [d - 1n, d, d + 1n].map((c) => Number(`${c}e${e}`))) {
      if (cand > 0 && roundFn(cand) === Math.abs(x)) return false;
    }
  }
  return true;
}

export function runCanonicalChecks() {
  const failures = [];
  const eq = (what, got, want) => {
    if (got !== want) failures.push(`${what}: got ${got}, want ${want}`);
  };
  // Known values.
  eq('float32 0.1', formatFloat32(Math.fround(0.1)), '0.1');
  eq('float32 1.1', formatFloat32(Math.fround(1.1)), '1.1');
  eq('float32 -0', formatFloat32(-0), '-0');
  eq('float32 NaN', formatFloat32(NaN), '"NaN"');
  eq('float32 -Inf', formatFloat32(-Infinity), '"-Infinity"');
  eq('float32 max', formatFloat32(3.4028234663852886e38), '3.4028235e+38');
  eq('float32 min subnormal', formatFloat32(2 ** -149), '1e-45');
  eq('float32 3.3e-5', formatFloat32(Math.fround(3.3e-5)), '0.000033');
  eq('float32 16777216', formatFloat32(16777216), '16777216');
  eq('double 0.1', formatDouble(0.1), '0.1');
  eq('double -0', formatDouble(-0), '-0');
  eq('double Inf', formatDouble(Infinity), '"Infinity"');
  eq('float16 0.1', formatFloat16(roundToFloat16(0.1)), '0.1');
  eq('float16 max', formatFloat16(65504), '65500');
  eq('float16 min subnormal', formatFloat16(2 ** -24), '6e-8');
  eq('decimal 1.00', formatDecimal(100n, 2), '"1.00"');
  eq('decimal -0.05', formatDecimal(-5n, 2), '"-0.05"');
  eq('decimal scale 0', formatDecimal(-12n, 0), '"-12"');
  eq('date epoch', dateText(0), '1970-01-01');
  eq('date -1', dateText(-1), '1969-12-31');
  eq('date 2000-02-29', dateText(11016), '2000-02-29');
  eq('date year 0', dateText(-719528), '0000-01-01');
  eq('ts µs', formatTimestamp(1500n, 1000000n, true), '"1970-01-01T00:00:00.0015Z"');
  eq('ts ns negative', formatTimestamp(-1n, 1000000000n, false), '"1969-12-31T23:59:59.999999999"');
  eq('ts s', formatTimestamp(86400n, 1n, false), '"1970-01-02T00:00:00"');
  eq('ts ms', formatTimestamp(1601918509000n, 1000n, false), '"2020-10-05T17:21:49"');
  eq('ts year 10000', formatTimestamp(253402300800n, 1n, true), '"+10000-01-01T00:00:00Z"');
  eq('date year -1', dateText(-719529), '-0001-12-31');
  eq('time', formatTime(45296123456n, 1000000n), '"12:34:56.123456"');
  eq('time ns', formatTime(45296123456789n, 1000000000n), '"12:34:56.123456789"');
  eq('uuid', formatUuid(0x00112233445566778899aabbccddeeffn), '"00112233-4455-6677-8899-aabbccddeeff"');

  // Every finite binary16 value: round-trips, and no shorter form does.
  let bad16 = 0;
  for (let bits = 0; bits < 0x7c00; bits++) {
    const exp = bits >> 10;
    const mant = bits & 0x3ff;
    const x = exp === 0 ? mant * 2 ** -24 : (1024 + mant) * 2 ** (exp - 25);
    for (const v of [x, -x]) {
      const s = formatFloat16(v);
      if (v === 0) continue;
      if (roundToFloat16(Number(s)) !== v || !noShorterForm(v, s.replace(/^-/, ''), roundToFloat16)) {
        if (bad16++ < 5) failures.push(`float16 ${v} → ${s}`);
      }
    }
  }
  // float32: a deterministic spread of values.
  let seed = 0x2545f491;
  const next = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return seed >>> 0;
  };
  const dv = new DataView(new ArrayBuffer(4));
  let bad32 = 0;
  for (let i = 0; i < 20000; i++) {
    dv.setUint32(0, next());
    const x = dv.getFloat32(0);
    if (!Number.isFinite(x) || x === 0) continue;
    const s = formatFloat32(x);
    if (Math.fround(Number(s)) !== x || !noShorterForm(x, s.replace(/^-/, ''), Math.fround)) {
      if (bad32++ < 5) failures.push(`float32 ${x} → ${s}`);
    }
  }
  return failures;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const t0 = Date.now();
  const failures = runCanonicalChecks();
  for (const f of failures) process.stdout.write(`FAIL ${f}\n`);
  process.stdout.write(`canonical_check: ${failures.length ? 'FAILED' : 'ok'} (${Date.now() - t0} ms)\n`);
  process.exitCode = failures.length ? 1 : 0;
}

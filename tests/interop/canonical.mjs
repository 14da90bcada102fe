// Formatters for the canonical JSON-lines form of `budget-audit cat`.
//
// Every function returns the JSON text of one value (not a JS value), so that
// numbers keep their exact digits (64-bit integers, shortest float forms,
// negative zero) and the caller can join them into a line without going
// through JSON.stringify.
//
// Canonical form (one JSON object per row, keys in schema order):
//   integers          JSON number, exact (also beyond 2^53)
//   FLOAT / DOUBLE    shortest round-trip decimal of the float32 / float64 value
//   FLOAT16           shortest round-trip decimal of the binary16 value
//                     (e.g. the half nearest 0.1 prints as 0.1, not 0.0999755859375)
//   NaN / +-Infinity  the JSON strings "NaN", "Infinity", "-Infinity"; -0.0 prints as -0
//   boolean           true / false
//   string            JSON string
//   binary            standard base64 (with padding) in a JSON string
//   decimal           JSON string, exactly `scale` fraction digits ("1.00", "-0.05", "12")
//   date              "YYYY-MM-DD"
//   time of day       "HH:MM:SS[.fraction]"
//   timestamp         "YYYY-MM-DDTHH:MM:SS[.fraction]" + "Z" when isAdjustedToUTC
//   fraction          the unit's digits (3/6/9) with trailing zeros trimmed; none when 0
//   years             0..9999 as 4 digits, else sign + 4 or more digits ("+10000", "-0001")
//   UUID              lowercase 8-4-4-4-12
//   null              null

// ---------------------------------------------------------------------------
// Shortest round-trip decimal for binary floating-point formats.

const FORMATS = {
  // precision = significand bits including the implicit one; emin = exponent
  // of the smallest normal number.
  float16: { precision: 11, emin: -14, maxDigits: 5 },
  float32: { precision: 24, emin: -126, maxDigits: 9 },
};

const pow10Cache = new Map();
function pow10(n) {
  let v = pow10Cache.get(n);
  if (v === undefined) {
    v = 10n ** BigInt(n);
    pow10Cache.set(n, v);
  }
  return v;
}

// Splits a double into an exact [mantissa (BigInt), exponent] with
// |x| = mantissa * 2^exponent. x must be finite and non-zero.
function decomposeDouble(x) {
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, Math.abs(x));
  const hi = buf.getUint32(0);
  const lo = buf.getUint32(4);
  const biased = hi >>> 20;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp;
  if (biased === 0) {
    exp = -1074;
  } else {
    mant |= 1n << 52n;
    exp = biased - 1075;
  }
  // Normalise: strip trailing zero bits so the mantissa is odd.
  while (mant !== 0n && (mant & 1n) === 0n) {
    mant >>= 1n;
    exp += 1;
  }
  return [mant, exp];
}

// sign(d * 10^k - b * 2^e), all exact.
function cmpDecBin(d, k, b, e) {
  let lhs = d;
  let rhs = b;
  if (k >= 0) lhs *= pow10(k);
  else rhs *= pow10(-k);
  if (e >= 0) rhs <<= BigInt(e);
  else lhs <<= BigInt(-e);
  return lhs < rhs ? -1 : lhs > rhs ? 1 : 0;
}

function bitLength(n) {
  return n === 0n ? 0 : n.toString(2).length;
}

// Shortest decimal d * 10^k (d with as few digits as possible) that rounds to
// x in the given format (round-to-nearest-even); among equally short ones the
// one nearest to x, as C++ std::to_chars does. x must be exactly
// representable in the format. Returns [digitsString, k].
function shortestDigits(x, fmt) {
  const [m0, e0] = decomposeDouble(x);
  // Re-express |x| = M * 2^E with M < 2^precision as the format stores it.
  const bits = bitLength(m0);
  const log2 = e0 + bits - 1; // floor(log2 |x|)
  let E = Math.max(log2, fmt.emin) - (fmt.precision - 1);
  let M;
  if (e0 >= E) {
    M = m0 << BigInt(e0 - E);
  } else {
    throw new Error(`value ${x} is not representable in the target format`);
  }
  if (bitLength(M) > fmt.precision) throw new Error(`value ${x} out of range for the target format`);
  // Rounding interval in units of 2^(E-2): (4M - below, 4M + 2), where the
  // gap below halves at a power of two above the subnormal range.
  const isPow2 = M === 1n << BigInt(fmt.precision - 1) && log2 > fmt.emin;
  const low = 4n * M - (isPow2 ? 1n : 2n);
  const high = 4n * M + 2n;
  const inclusive = (M & 1n) === 0n;
  const e2 = E - 2;
  const inside = (d, k) => {
    const cl = cmpDecBin(d, k, low, e2);
    const ch = cmpDecBin(d, k, high, e2);
    return (cl > 0 || (inclusive && cl === 0)) && (ch < 0 || (inclusive && ch === 0));
  };
  // n = floor(log10 |x|), exact.
  let n = Math.floor(Math.log10(Math.abs(x)));
  while (cmpDecBin(1n, n, M, E) > 0) n -= 1;
  while (cmpDecBin(1n, n + 1, M, E) <= 0) n += 1;
  for (let p = 1; p <= 17; p++) {
    const k = n - p + 1;
    // floor(M * 2^E / 10^k)
    let num = M;
    let den = 1n;
    if (E >= 0) num <<= BigInt(E);
    else den <<= BigInt(-E);
    if (k >= 0) den *= pow10(k);
    else num *= pow10(-k);
    const dLo = num / den;
    const exact = dLo * den === num;
    const dHi = exact ? dLo : dLo + 1n;
    const okLo = dLo !== 0n && inside(dLo, k);
    const okHi = !exact && inside(dHi, k);
    let d = null;
    if (okLo && okHi) {
      // Nearest; tie → even last digit.
      const distLo = num - dLo * den;
      const distHi = dHi * den - num;
      if (distLo < distHi) d = dLo;
      else if (distHi < distLo) d = dHi;
      else d = dLo % 2n === 0n ? dLo : dHi;
    } else if (okLo) {
      d = dLo;
    } else if (okHi) {
      d = dHi;
    }
    if (d !== null) {
      let s = d.toString();
      let kk = k;
      while (s.length > 1 && s.endsWith('0')) {
        s = s.slice(0, -1);
        kk += 1;
      }
      return [s, kk];
    }
  }
  throw new Error(`no shortest form found for ${x}`);
}

// Formats digits * 10^k as a JSON number.
function decimalToJson(neg, digits, k) {
  const pointPos = digits.length + k; // digits before the decimal point
  let s;
  if (k >= 0 && pointPos <= 21) {
    s = digits + '0'.repeat(k);
  } else if (pointPos > 0 && pointPos <= 21) {
    s = digits.slice(0, pointPos) + '.' + digits.slice(pointPos);
  } else if (pointPos <= 0 && pointPos > -6) {
    s = '0.' + '0'.repeat(-pointPos) + digits;
  } else {
    const exp = pointPos - 1;
    s = digits[0] + (digits.length > 1 ? '.' + digits.slice(1) : '') + 'e' + (exp < 0 ? '-' : '+') + Math.abs(exp);
  }
  return (neg ? '-' : '') + s;
}

function specialFloat(x) {
  if (Number.isNaN(x)) return '"NaN"';
  if (x === Infinity) return '"Infinity"';
  if (x === -Infinity) return '"-Infinity"';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  return null;
}

// A double, shortest round-trip (ECMAScript Number::toString is exactly the
// shortest-then-nearest form).
export function formatDouble(x) {
  const sp = specialFloat(x);
  if (sp !== null) return sp;
  return String(x);
}

// A float32 value (held in a JS number).
export function formatFloat32(x) {
  const sp = specialFloat(x);
  if (sp !== null) return sp;
  if (Math.fround(x) !== x) throw new Error(`${x} is not a float32 value`);
  const [digits, k] = shortestDigits(x, FORMATS.float32);
  return decimalToJson(x < 0, digits, k);
}

// A binary16 value (held in a JS number).
export function formatFloat16(x) {
  const sp = specialFloat(x);
  if (sp !== null) return sp;
  const [digits, k] = shortestDigits(x, FORMATS.float16);
  return decimalToJson(x < 0, digits, k);
}

// Rounds a double to the nearest binary16 value (ties to even); used only to
// check formatFloat16.
export function roundToFloat16(x) {
  if (!Number.isFinite(x) || x === 0) return x;
  const a = Math.abs(x);
  if (a >= 65520) return x < 0 ? -Infinity : Infinity;
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e -= 1;
  if (2 ** (e + 1) <= a) e += 1;
  const q = 2 ** (Math.max(e, -14) - 10); // spacing of halves near a
  const t = a / q; // exact: division by a power of two
  let r = Math.floor(t);
  const frac = t - r;
  if (frac > 0.5 || (frac === 0.5 && r % 2 === 1)) r += 1;
  const v = r * q;
  return x < 0 ? -v : v;
}

// ---------------------------------------------------------------------------
// Integers, decimals, strings, binary.

export function formatInteger(v) {
  // number or bigint
  return typeof v === 'bigint' ? v.toString() : String(v);
}

// unscaled: BigInt, scale: number of fraction digits to keep.
export function formatDecimal(unscaled, scale) {
  const neg = unscaled < 0n;
  let s = (neg ? -unscaled : unscaled).toString();
  if (scale > 0) {
    s = s.padStart(scale + 1, '0');
    s = s.slice(0, s.length - scale) + '.' + s.slice(s.length - scale);
  }
  return JSON.stringify((neg ? '-' : '') + s);
}

export function formatString(s) {
  return JSON.stringify(s);
}

export function formatBinary(bytes) {
  return JSON.stringify(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'));
}

// 128-bit unsigned BigInt → "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx".
export function formatUuid(u128) {
  const h = u128.toString(16).padStart(32, '0');
  return JSON.stringify(`${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`);
}

// ---------------------------------------------------------------------------
// Dates and times.

function floorDiv(a, b) {
  // BigInt floor division
  const q = a / b;
  return a % b !== 0n && (a < 0n) !== (b < 0n) ? q - 1n : q;
}

// Days since 1970-01-01 → [year, month, day] in the proleptic Gregorian
// calendar (H. Hinnant's civil_from_days), BigInt throughout.
function civilFromDays(days) {
  const z = days + 719468n;
  const era = floorDiv(z, 146097n);
  const doe = z - era * 146097n;
  const yoe = (doe - doe / 1460n + doe / 36524n - doe / 146096n) / 365n;
  let y = yoe + era * 400n;
  const doy = doe - (365n * yoe + yoe / 4n - yoe / 100n);
  const mp = (5n * doy + 2n) / 153n;
  const d = doy - (153n * mp + 2n) / 5n + 1n;
  const m = mp < 10n ? mp + 3n : mp - 9n;
  if (m <= 2n) y += 1n;
  return [y, m, d];
}

function pad(n, w) {
  return n.toString().padStart(w, '0');
}

// ISO 8601: 4 digits for years 0..9999, else a sign and at least 4 digits
// ("+10000", "-0001"), as src/util/civil_time.cc prints them.
function formatYear(y) {
  if (y >= 0n && y <= 9999n) return pad(y, 4);
  return (y < 0n ? '-' : '+') + pad(y < 0n ? -y : y, 4);
}

export function dateText(days) {
  const [y, m, d] = civilFromDays(BigInt(days));
  return `${formatYear(y)}-${pad(m, 2)}-${pad(d, 2)}`;
}

export function formatDate(days) {
  return JSON.stringify(dateText(days));
}

const UNIT_DIGITS = { 1n: 0, 1000n: 3, 1000000n: 6, 1000000000n: 9 };

// ticks within a day (0 <= ticks < 86400 * perSecond) → "HH:MM:SS[.fraction]"
function timeOfDayText(ticks, perSecond) {
  const secs = ticks / perSecond;
  const frac = ticks % perSecond;
  const h = secs / 3600n;
  const mi = (secs / 60n) % 60n;
  const s = secs % 60n;
  let out = `${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}`;
  if (frac !== 0n) {
    const digits = UNIT_DIGITS[perSecond];
    out += '.' + pad(frac, digits).replace(/0+$/, '');
  }
  return out;
}

// value: ticks since the epoch (BigInt); perSecond: 1n, 1000n, 1000000n, 1000000000n.
export function timestampText(value, perSecond, utc) {
  const perDay = 86400n * perSecond;
  const days = floorDiv(value, perDay);
  const rem = value - days * perDay;
  return `${dateText(days)}T${timeOfDayText(rem, perSecond)}${utc ? 'Z' : ''}`;
}

export function formatTimestamp(value, perSecond, utc) {
  return JSON.stringify(timestampText(value, perSecond, utc));
}

export function formatTime(value, perSecond) {
  const perDay = 86400n * perSecond;
  if (value < 0n || value > perDay) throw new Error(`time of day out of range: ${value}`);
  if (value === perDay) return JSON.stringify('24:00:00');
  return JSON.stringify(timeOfDayText(value, perSecond));
}

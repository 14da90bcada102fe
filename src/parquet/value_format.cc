#include "parquet/value_format.h"

#include <cmath>
#include <cstring>

#include <fmt/format.h>

#include "util/civil_time.h"

namespace budget_audit::parquet {
namespace {

int64_t TicksPerSecond(TimeUnit u) {
  switch (u) {
    case TimeUnit::MILLIS: return 1000;
    case TimeUnit::MICROS: return 1000000;
    case TimeUnit::NANOS: return 1000000000;
  }
  return 1000000;
}

void AppendCsvString(std::string_view s, std::string& out) {
  bool quote = s.find_first_of(",\"\n\r") != std::string_view::npos;
  if (!quote) {
    out += s;
    return;
  }
  out += '"';
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

// Appends valid UTF-8 from s, replacing each invalid sequence by U+FFFD.
void AppendValidUtf8(std::string_view s, std::string& out, bool json) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (json) {
        switch (c) {
          case '"': out += "\\\""; break;
          case '\\': out += "\\\\"; break;
          case '\n': out += "\\n"; break;
          case '\r': out += "\\r"; break;
          case '\t': out += "\\t"; break;
          case '\b': out += "\\b"; break;
          case '\f': out += "\\f"; break;
          default:
            if (c < 0x20)
              out += fmt::format("\\u{:04x}", c);
            else
              out += static_cast<char>(c);
        }
      } else {
        out += static_cast<char>(c);
      }
      ++i;
      continue;
    }
    size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
    bool ok = len > 0 && c <= 0xF4 && i + len <= s.size();
    for (size_t k = 1; ok && k < len; ++k) {
      ok = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
    }
    if (ok && len == 3) {
      unsigned char c1 = static_cast<unsigned char>(s[i + 1]);
      ok = !(c == 0xE0 && c1 < 0xA0) && !(c == 0xED && c1 >= 0xA0);
    }
    if (ok && len == 4) {
      unsigned char c1 = static_cast<unsigned char>(s[i + 1]);
      ok = !(c == 0xF0 && c1 < 0x90) && !(c == 0xF4 && c1 >= 0x90);
    }
    if (ok) {
      out.append(s.data() + i, len);
      i += len;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
}

void AppendText(std::string_view s, TextStyle style, std::string& out) {
  if (style == TextStyle::kJson) {
    AppendJsonString(s, out);
  } else {
    std::string tmp;
    AppendValidUtf8(s, tmp, false);
    AppendCsvString(tmp, out);
  }
}

// A JSON number in text form, or a quoted string in JSON for the special
// float values; CSV takes either unquoted.
void AppendNumberText(const std::string& text, TextStyle style, std::string& out) {
  bool special = text == "NaN" || text == "Infinity" || text == "-Infinity";
  if (special && style == TextStyle::kJson) {
    out += '"';
    out += text;
    out += '"';
  } else {
    out += text;
  }
}

}  // namespace

void AppendJsonString(std::string_view s, std::string& out) {
  out += '"';
  AppendValidUtf8(s, out, true);
  out += '"';
}

std::string Base64Encode(std::string_view in) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  auto b = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(in[k])); };
  for (; i + 3 <= in.size(); i += 3) {
    uint32_t v = (b(i) << 16) | (b(i + 1) << 8) | b(i + 2);
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i + 1 == in.size()) {
    uint32_t v = b(i) << 16;
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    uint32_t v = (b(i) << 16) | (b(i + 1) << 8);
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

std::string DecimalFromBigEndian(const uint8_t* data, size_t len, int32_t scale) {
  // Magnitude as little-endian base-2^32 limbs, then repeated division by
  // 10^9. Quadratic, so hostile lengths are refused (precision 38 needs 16
  // bytes; 128 bytes is far beyond any real decimal).
  if (len > 128) return "<decimal of " + std::to_string(len) + " bytes>";
  bool negative = len > 0 && (data[0] & 0x80) != 0;
  std::vector<uint8_t> mag(data, data + len);
  if (negative) {  // two's complement negate
    for (auto& b : mag) b = static_cast<uint8_t>(~b);
    for (size_t k = mag.size(); k-- > 0;) {
      if (++mag[k] != 0) break;
    }
  }
  std::vector<uint32_t> limbs((len + 3) / 4, 0);
  for (size_t k = 0; k < len; ++k) {
    size_t bit = (len - 1 - k) * 8;
    limbs[bit / 32] |= static_cast<uint32_t>(mag[k]) << (bit % 32);
  }
  // Base-10^9 chunks, least significant first. Strings are only appended
  // to (GCC 12's -Wrestrict misfires on std::string::insert at -O3).
  std::vector<uint32_t> chunks;
  auto is_zero = [&]() {
    for (uint32_t l : limbs)
      if (l) return false;
    return true;
  };
  while (!is_zero()) {
    uint64_t rem = 0;
    for (size_t k = limbs.size(); k-- > 0;) {
      uint64_t cur = (rem << 32) | limbs[k];
      limbs[k] = static_cast<uint32_t>(cur / 1000000000u);
      rem = cur % 1000000000u;
    }
    chunks.push_back(static_cast<uint32_t>(rem));
  }
  std::string digits = chunks.empty() ? "0" : fmt::format("{}", chunks.back());
  for (size_t k = chunks.size() - (chunks.empty() ? 0 : 1); k-- > 0;) {
    digits += fmt::format("{:09}", chunks[k]);
  }
  std::string out;
  if (negative && digits != "0") out += '-';
  if (scale > 0) {
    const size_t sc = static_cast<size_t>(scale);
    if (digits.size() <= sc) {
      out += "0.";
      out.append(sc - digits.size(), '0');
      out += digits;
    } else {
      out.append(digits, 0, digits.size() - sc);
      out += '.';
      out.append(digits, digits.size() - sc, sc);
    }
  } else {
    out += digits;
    if (scale < 0 && digits != "0") out.append(static_cast<size_t>(-scale), '0');
  }
  return out;
}

std::string DecimalFromInt(int64_t v, int32_t scale) {
  uint8_t be[8];
  uint64_t u = static_cast<uint64_t>(v);
  for (int k = 7; k >= 0; --k) {
    be[k] = static_cast<uint8_t>(u);
    u >>= 8;
  }
  return DecimalFromBigEndian(be, 8, scale);
}

float HalfToFloat(uint16_t h) {
  uint32_t sign = (h >> 15) & 1, exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
  float v;
  if (exp == 0) {
    v = std::ldexp(static_cast<float>(mant), -24);
  } else if (exp == 31) {
    v = mant ? std::nanf("") : INFINITY;
  } else {
    v = std::ldexp(static_cast<float>(mant | 0x400), static_cast<int>(exp) - 25);
  }
  return sign ? -v : v;
}

std::string FormatDouble(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  return fmt::format("{}", v);
}

std::string FormatFloat(float v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  return fmt::format("{}", v);
}

Int96Time Int96ToTime(const uint8_t* p) {
  int64_t nanos_of_day;
  int32_t julian_day;
  std::memcpy(&nanos_of_day, p, 8);
  std::memcpy(&julian_day, p + 8, 4);
  constexpr int64_t kJulianEpoch = 2440588;
  // Unsigned arithmetic: Spark's int64 wrap-around, without UB.
  uint64_t days = static_cast<uint64_t>(int64_t{julian_day} - kJulianEpoch);
  uint64_t us = days * 86400000000ull + static_cast<uint64_t>(FloorDiv(nanos_of_day, 1000));
  return {static_cast<int64_t>(us), static_cast<int32_t>(FloorMod(nanos_of_day, 1000))};
}

std::optional<int64_t> Int96ToNanos(const uint8_t* p) {
  Int96Time t = Int96ToTime(p);
  int64_t ns;
  if (__builtin_mul_overflow(t.micros, int64_t{1000}, &ns) ||
      __builtin_add_overflow(ns, int64_t{t.sub_micro_nanos}, &ns)) {
    return std::nullopt;
  }
  return ns;
}

void AppendValue(const ColumnDescriptor& col, const ColumnVector& v, size_t vi, TextStyle style,
                 std::string& out) {
  auto int_value = [&]() -> int64_t {
    return col.type == Type::INT32 ? static_cast<int64_t>(v.i32[vi]) : v.i64[vi];
  };
  switch (col.kind) {
    case ValueKind::kNull: out += style == TextStyle::kJson ? "null" : ""; return;
    case ValueKind::kBoolean: out += v.bools[vi] ? "true" : "false"; return;
    case ValueKind::kInt: {
      int64_t x = int_value();
      if (col.is_signed) {
        out += fmt::format("{}", x);
      } else if (col.type == Type::INT32) {
        out += fmt::format("{}", static_cast<uint32_t>(x));
      } else {
        out += fmt::format("{}", static_cast<uint64_t>(x));
      }
      return;
    }
    case ValueKind::kFloat:
      AppendNumberText(col.type == Type::FLOAT ? FormatFloat(v.f32[vi]) : FormatDouble(v.f64[vi]), style,
                       out);
      return;
    case ValueKind::kFloat16: {
      const uint8_t* p = v.FixedAt(vi);
      AppendNumberText(FormatFloat(HalfToFloat(static_cast<uint16_t>(p[0] | (p[1] << 8)))), style, out);
      return;
    }
    case ValueKind::kString:
      if (col.type == Type::BYTE_ARRAY) {
        AppendText(v.ByteArrayAt(vi), style, out);
      } else {
        AppendText({reinterpret_cast<const char*>(v.FixedAt(vi)), static_cast<size_t>(col.type_length)},
                   style, out);
      }
      return;
    case ValueKind::kBinary: {
      std::string_view raw = col.type == Type::BYTE_ARRAY
                                 ? v.ByteArrayAt(vi)
                                 : std::string_view(reinterpret_cast<const char*>(v.FixedAt(vi)),
                                                    static_cast<size_t>(v.type_length));
      AppendText(Base64Encode(raw), style, out);
      return;
    }
    case ValueKind::kDecimal: {
      std::string text;
      if (col.type == Type::INT32 || col.type == Type::INT64) {
        text = DecimalFromInt(int_value(), col.scale);
      } else if (col.type == Type::BYTE_ARRAY) {
        std::string_view b = v.ByteArrayAt(vi);
        text = DecimalFromBigEndian(reinterpret_cast<const uint8_t*>(b.data()), b.size(), col.scale);
      } else {
        text = DecimalFromBigEndian(v.FixedAt(vi), static_cast<size_t>(col.type_length), col.scale);
      }
      AppendText(text, style, out);
      return;
    }
    case ValueKind::kDate: AppendText(FormatDate(v.i32[vi]), style, out); return;
    case ValueKind::kTime:
      AppendText(FormatTimeOfDay(int_value(), TicksPerSecond(col.unit)), style, out);
      return;
    case ValueKind::kTimestamp: {
      if (col.type == Type::INT96) {
        Int96Time t = Int96ToTime(v.FixedAt(vi));
        AppendText(
            FormatTimestampParts(FloorDiv(t.micros, 1000000),
                                 FloorMod(t.micros, 1000000) * 1000 + t.sub_micro_nanos, 1000000000, col.utc),
            style, out);
        return;
      }
      AppendText(FormatTimestamp(v.i64[vi], TicksPerSecond(col.unit), col.utc), style, out);
      return;
    }
    case ValueKind::kUuid: {
      const uint8_t* p = v.FixedAt(vi);
      std::string s;
      for (int k = 0; k < 16; ++k) {
        if (k == 4 || k == 6 || k == 8 || k == 10) s += '-';
        s += fmt::format("{:02x}", p[k]);
      }
      AppendText(s, style, out);
      return;
    }
  }
}

}  // namespace budget_audit::parquet

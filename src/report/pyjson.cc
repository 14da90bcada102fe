#include "report/pyjson.h"

#include <cassert>
#include <charconv>
#include <cmath>
#include <system_error>

#include "util/bytes.h"

namespace budget_audit::report {
namespace {

// CPython's limits (Objects/floatobject.c): above kMaxDigits every double is
// already a multiple of 10^-ndigits; below kMinDigits every double rounds to
// zero.
constexpr int kMaxDigits = 323;   // (DBL_MANT_DIG - DBL_MIN_EXP) * log10(2)
constexpr int kMinDigits = -308;  // -(DBL_MAX_EXP + 1) * log10(2)

// Room for the fixed text of any double with up to kMaxDigits decimals:
// 309 integer digits, the point, 323 decimals.
constexpr size_t kFixedBufSize = 309 + 1 + kMaxDigits + 16;

// Reads the decimal text [first, last) (an optional exponent allowed) as the
// nearest double; out-of-range text becomes infinity.
double ParseDecimal(const char* first, const char* last) {
  double d = 0.0;
  auto [ptr, ec] = std::from_chars(first, last, d, std::chars_format::general);
  if (ec == std::errc::result_out_of_range) {
    // Only overflow is possible here: a nonzero rounded value is a multiple
    // of 10^-323, far above the smallest subnormal.
    return std::numeric_limits<double>::infinity();
  }
  assert(ec == std::errc() && ptr == last);
  (void)ptr;
  return d;
}

// round(ax, -k) for finite ax >= 0 and k >= 1: the exact integer part as
// decimal digits, rounded at the k-th digit from the right, with the
// fraction as a sticky bit.
double RoundToTens(double ax, int k) {
  const double ip = std::trunc(ax);
  const bool has_fraction = ax != ip;  // ax - ip is exact, so this is too
  char buf[kFixedBufSize];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, ip, std::chars_format::fixed, 0);
  assert(ec == std::errc());
  (void)ec;
  // Left-pad with zeros so that at least one digit is kept.
  std::string digits(buf, end);
  const size_t tail_len = static_cast<size_t>(k);
  if (digits.size() < tail_len + 1) {
    digits.insert(0, tail_len + 1 - digits.size(), '0');
  }
  const size_t keep_len = digits.size() - tail_len;
  const char first_dropped = digits[keep_len];
  bool up;
  if (first_dropped != '5') {
    up = first_dropped > '5';
  } else {
    bool rest_nonzero = has_fraction;
    for (size_t i = keep_len + 1; i < digits.size() && !rest_nonzero; ++i) {
      rest_nonzero = digits[i] != '0';
    }
    // An exact tie goes to the even neighbour.
    up = rest_nonzero || ((digits[keep_len - 1] - '0') % 2 == 1);
  }
  std::string text = digits.substr(0, keep_len);
  if (up) {
    size_t i = text.size();
    while (i > 0 && text[i - 1] == '9') {
      text[--i] = '0';
    }
    if (i == 0) {
      text.insert(text.begin(), '1');
    } else {
      ++text[i - 1];
    }
  }
  text += 'e';
  text += std::to_string(k);
  return ParseDecimal(text.data(), text.data() + text.size());
}

void AppendHex4(uint32_t u, std::string& out) {
  out += "\\u";
  out += kHexDigits[(u >> 12) & 0xf];
  out += kHexDigits[(u >> 8) & 0xf];
  out += kHexDigits[(u >> 4) & 0xf];
  out += kHexDigits[u & 0xf];
}

void AppendCodePoint(uint32_t cp, std::string& out) {
  if (cp >= 0x10000) {
    const uint32_t v = cp - 0x10000;
    AppendHex4(0xd800 | (v >> 10), out);
    AppendHex4(0xdc00 | (v & 0x3ff), out);
  } else {
    AppendHex4(cp, out);
  }
}

void AppendQuoted(std::string_view s, std::string& out) {
  constexpr uint32_t kReplacement = 0xfffd;
  out += '"';
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        default:
          if (c < 0x20 || c == 0x7f) {
            AppendHex4(c, out);
          } else {
            out += static_cast<char>(c);
          }
      }
      ++i;
      continue;
    }
    // A multi-byte UTF-8 sequence: the lead byte fixes the length and the
    // allowed range of the second byte (no overlongs, surrogates or code
    // points above U+10FFFF).
    int trail;
    uint32_t cp;
    unsigned char lo = 0x80;
    unsigned char hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) {
      trail = 1;
      cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
      trail = 2;
      cp = c & 0x0f;
      if (c == 0xe0) lo = 0xa0;
      if (c == 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      trail = 3;
      cp = c & 0x07;
      if (c == 0xf0) lo = 0x90;
      if (c == 0xf4) hi = 0x8f;
    } else {
      AppendCodePoint(kReplacement, out);
      ++i;
      continue;
    }
    size_t j = i + 1;
    bool valid = true;
    for (int t = 0; t < trail; ++t, ++j) {
      if (j >= n) {
        valid = false;
        break;
      }
      const auto d = static_cast<unsigned char>(s[j]);
      if (d < lo || d > hi) {
        valid = false;
        break;
      }
      cp = (cp << 6) | (d & 0x3f);
      lo = 0x80;
      hi = 0xbf;
    }
    // On failure s[i, j) is a maximal invalid subpart: one replacement, and
    // decoding resumes at the offending byte.
    AppendCodePoint(valid ? cp : kReplacement, out);
    i = j;
  }
  out += '"';
}

void AppendFloat(double d, std::string& out) {
  if (std::isnan(d)) {
    out += "NaN";
  } else if (std::isinf(d)) {
    out += d > 0 ? "Infinity" : "-Infinity";
  } else {
    out += PyFloatRepr(d);
  }
}

void AppendNewline(int indent, int level, std::string& out) {
  out += '\n';
  out.append(static_cast<size_t>(indent) * static_cast<size_t>(level), ' ');
}

}  // namespace

double PyRound(double x, int ndigits) {
  if (!std::isfinite(x)) return x;
  if (ndigits > kMaxDigits) return x;
  if (ndigits < kMinDigits) return std::copysign(0.0, x);
  const double ax = std::fabs(x);
  double r;
  if (ndigits >= 0) {
    // to_chars with a precision rounds the exact binary value correctly
    // (ties to even), like CPython's dtoa mode 3; reading the digits back
    // is CPython's strtod step.
    char buf[kFixedBufSize];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, ax, std::chars_format::fixed, ndigits);
    assert(ec == std::errc());
    (void)ec;
    r = ParseDecimal(buf, end);
  } else {
    r = RoundToTens(ax, -ndigits);
  }
  return std::copysign(r, x);
}

Result<int64_t> PyRoundToInt(double x) {
  if (std::isnan(x)) {
    return Status::InvalidArgument("cannot convert float NaN to integer");
  }
  if (std::isinf(x)) {
    return Status::InvalidArgument("cannot convert float infinity to integer");
  }
  // CPython's float.__round__: round half away from zero, then fix ties.
  double r = std::round(x);
  if (std::fabs(x - r) == 0.5) r = 2.0 * std::round(x / 2.0);
  // [-2^63, 2^63) is exactly the int64 range.
  constexpr double kTwo63 = 9223372036854775808.0;
  if (r < -kTwo63 || r >= kTwo63) {
    return Status::InvalidArgument("round(" + PyFloatRepr(x) + ") does not fit in int64");
  }
  return static_cast<int64_t>(r);
}

std::string PyFloatRepr(double x) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  // Shortest round-trip digits in the form "[-]d[.ddd]e[+-]XX".
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::scientific);
  assert(ec == std::errc());
  (void)ec;
  const char* p = buf;
  const bool negative = *p == '-';
  if (negative) ++p;
  std::string digits;
  while (p < end && *p != 'e') {
    if (*p != '.') digits += *p;
    ++p;
  }
  assert(p < end);
  ++p;  // 'e'
  const bool negative_exp = *p == '-';
  ++p;  // the exponent's sign, always present
  int exp_mag = 0;
  std::from_chars(p, end, exp_mag);
  const int exp10 = negative_exp ? -exp_mag : exp_mag;
  // As in CPython's format_float_short: the value is 0.DIGITS * 10^decpt.
  const int decpt = exp10 + 1;
  const int ndigits = static_cast<int>(digits.size());
  std::string out;
  if (negative) out += '-';
  if (decpt <= -4 || decpt > 16) {
    out += digits[0];
    if (ndigits > 1) {
      out += '.';
      out.append(digits, 1);
    }
    out += negative_exp ? "e-" : "e+";
    if (exp_mag < 10) out += '0';
    out += std::to_string(exp_mag);
  } else if (decpt <= 0) {
    out += "0.";
    out.append(static_cast<size_t>(-decpt), '0');
    out += digits;
  } else if (decpt < ndigits) {
    out.append(digits, 0, static_cast<size_t>(decpt));
    out += '.';
    out.append(digits, static_cast<size_t>(decpt));
  } else {
    out += digits;
    out.append(static_cast<size_t>(decpt - ndigits), '0');
    out += ".0";
  }
  return out;
}

Value Value::List(std::initializer_list<Value> items) { return Value(Items(items), ListTag{}); }

Value Value::Dict(std::initializer_list<Member> members) {
  Value v(Members{}, DictTag{});
  for (const Member& m : members) v.Set(m.first, m.second);
  return v;
}

Value::Kind Value::kind() const {
  switch (v_.index()) {
    case 0: return Kind::kNull;
    case 1: return Kind::kBool;
    case 2:
    case 3: return Kind::kInt;
    case 4: return Kind::kFloat;
    case 5: return Kind::kString;
    case 6: return Kind::kList;
    default: return Kind::kDict;
  }
}

Value& Value::Set(std::string_view key, Value value) {
  assert(IsDict());
  if (!IsDict()) v_ = Members{};
  Members& members = std::get<Members>(v_);
  for (Member& m : members) {
    if (m.first == key) {
      m.second = std::move(value);
      return *this;
    }
  }
  members.emplace_back(std::string(key), std::move(value));
  return *this;
}

Value& Value::Append(Value value) {
  assert(IsList());
  if (!IsList()) v_ = Items{};
  std::get<Items>(v_).push_back(std::move(value));
  return *this;
}

const Value* Value::Find(std::string_view key) const {
  const auto* members = std::get_if<Members>(&v_);
  if (members == nullptr) return nullptr;
  for (const Member& m : *members) {
    if (m.first == key) return &m.second;
  }
  return nullptr;
}

Value* Value::Find(std::string_view key) { return const_cast<Value*>(std::as_const(*this).Find(key)); }

bool Value::AsBool() const {
  assert(kind() == Kind::kBool);
  return *std::get_if<bool>(&v_);
}

int64_t Value::AsInt() const {
  assert(std::holds_alternative<int64_t>(v_));
  return *std::get_if<int64_t>(&v_);
}

double Value::AsFloat() const {
  assert(kind() == Kind::kFloat);
  return *std::get_if<double>(&v_);
}

const std::string& Value::AsString() const {
  assert(kind() == Kind::kString);
  return *std::get_if<std::string>(&v_);
}

const Value::Items& Value::items() const {
  assert(IsList());
  return *std::get_if<Items>(&v_);
}

const Value::Members& Value::members() const {
  assert(IsDict());
  return *std::get_if<Members>(&v_);
}

size_t Value::size() const {
  if (const auto* items = std::get_if<Items>(&v_)) return items->size();
  if (const auto* members = std::get_if<Members>(&v_)) return members->size();
  return 0;
}

void Value::Write(const Value& v, int indent, int level, std::string& out) {
  char buf[32];
  switch (v.v_.index()) {
    case 0: out += "null"; return;
    case 1: out += std::get<bool>(v.v_) ? "true" : "false"; return;
    case 2: {
      auto [end, ec] = std::to_chars(buf, buf + sizeof buf, std::get<int64_t>(v.v_));
      (void)ec;
      out.append(buf, end);
      return;
    }
    case 3: {
      auto [end, ec] = std::to_chars(buf, buf + sizeof buf, std::get<uint64_t>(v.v_));
      (void)ec;
      out.append(buf, end);
      return;
    }
    case 4: AppendFloat(std::get<double>(v.v_), out); return;
    case 5: AppendQuoted(std::get<std::string>(v.v_), out); return;
    default: break;
  }
  // Python's json encoder: with an indent, "[" / "{", then each element on a
  // new line one level deeper separated by ",", then the closer on a line at
  // the current level. Without one: separators ", " and no newlines.
  const bool pretty = indent >= 0;
  const bool is_list = v.IsList();
  if (v.size() == 0) {
    out += is_list ? "[]" : "{}";
    return;
  }
  out += is_list ? '[' : '{';
  bool first = true;
  auto separate = [&] {
    if (!first) out += pretty ? "," : ", ";
    first = false;
    if (pretty) AppendNewline(indent, level + 1, out);
  };
  if (is_list) {
    for (const Value& item : std::get<Items>(v.v_)) {
      separate();
      Write(item, indent, level + 1, out);
    }
  } else {
    for (const Member& m : std::get<Members>(v.v_)) {
      separate();
      AppendQuoted(m.first, out);
      out += ": ";
      Write(m.second, indent, level + 1, out);
    }
  }
  if (pretty) AppendNewline(indent, level, out);
  out += is_list ? ']' : '}';
}

std::string PyJsonDumps(const Value& value, int indent) {
  std::string out;
  Value::Write(value, indent, 0, out);
  return out;
}

std::string PyJsonQuote(std::string_view s) {
  std::string out;
  AppendQuoted(s, out);
  return out;
}

}  // namespace budget_audit::report

#include "log/tick.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "log/validate.h"
#include "util/civil_time.h"

namespace budget_audit::log {
namespace {

// A decimal number's significant digits and the power of ten of the first
// ("0.00120e3" and "1.2" both give {"12", 0}); {"", 0} for zero.
std::pair<std::string, int64_t> DecimalDigits(std::string_view lit) {
  std::string digits;
  int64_t point = -1, exp = 0, leading = 0;
  size_t i = lit.size() > 0 && (lit[0] == '-' || lit[0] == '+') ? 1 : 0;
  size_t n = 0;
  for (; i < lit.size() && lit[i] != 'e' && lit[i] != 'E'; ++i) {
    if (lit[i] == '.') {
      point = static_cast<int64_t>(n);
      continue;
    }
    if (digits.empty() && lit[i] == '0') {
      ++leading;
    } else {
      digits += lit[i];
    }
    ++n;
  }
  if (point < 0) point = static_cast<int64_t>(n);
  if (i < lit.size()) {
    ++i;
    bool neg = false;
    if (i < lit.size() && (lit[i] == '+' || lit[i] == '-')) neg = lit[i++] == '-';
    for (; i < lit.size(); ++i) exp = std::min<int64_t>(exp * 10 + (lit[i] - '0'), 1 << 30);
    if (neg) exp = -exp;
  }
  while (!digits.empty() && digits.back() == '0') digits.pop_back();
  if (digits.empty()) return {"", 0};
  return {digits, point - leading - 1 + exp};
}

Status Bad(std::string_view field, std::string_view problem) {
  return Status::InvalidArgument(fmt::format("{}: {}", field, problem));
}

// At most 40 bytes of `s` for a message, control bytes and non-ASCII shown as '?'.
std::string Shown(std::string_view s) {
  std::string out(s.substr(0, 40));
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) c = '?';
  }
  if (s.size() > 40) out += "...";
  return out;
}

}  // namespace
}  // namespace budget_audit::log

namespace budget_audit {

SlotRecord SlotRecordFromTick(const ControllerTick& t, int64_t now_us) {
  SlotRecord r;
  if (t.timestamp_us) {
    r.timestamp_us = *t.timestamp_us;
    int64_t local_us = *t.timestamp_us + int64_t{t.utc_offset_seconds} * 1000000;
    r.date = FormatDate(FloorDiv(local_us, 86400000000));
  } else {
    r.timestamp_us = now_us;
    r.date = FormatDate(FloorDiv(now_us, 86400000000));
  }
  r.slot_index = t.slot_index.value_or(-1);
  r.planned_offset_deg = t.plan_offset_deg.value_or(0.0);
  r.actual_offset_deg = t.target_angle.value_or(0.0);
  r.energy_cost_kwh = t.energy_cost_kwh.value_or(0.0);
  r.budget_spent_kwh = t.budget_spent_kwh.value_or(0.0);
  r.budget_remaining_kwh = t.budget_remaining_kwh.value_or(0.0);
  r.gate_passed = t.live_gate_passed.value_or(false);
  r.source = t.source.value_or("");
  r.stage_id = t.stage_id.value_or("unknown");
  return r;
}

}  // namespace budget_audit

namespace budget_audit::log {

Result<ParsedTimestamp> ParseIsoTimestamp(std::string_view s, const TimestampOptions& options) {
  auto bad = [&](std::string_view why) {
    return Bad("timestamp", fmt::format("'{}' is not an ISO-8601 timestamp: {}", Shown(s), why));
  };
  if (s.size() < 16) return bad("too short");
  auto date = ParseDate(s.substr(0, 10));
  if (!date) return bad("bad date");
  if (s.substr(0, 4) == "0000") return bad("year 0000 (the log holds the years 0001..9999)");
  if (s[10] != 'T' && s[10] != 't' && s[10] != ' ') return bad("expected 'T' after the date");
  size_t pos = 11;
  auto two = [&](int max) -> int {
    if (pos + 2 > s.size() || !std::isdigit(static_cast<unsigned char>(s[pos])) ||
        !std::isdigit(static_cast<unsigned char>(s[pos + 1]))) {
      return -1;
    }
    int v = (s[pos] - '0') * 10 + (s[pos + 1] - '0');
    pos += 2;
    return v <= max ? v : -1;
  };
  int hh = two(23);
  if (hh < 0 || pos >= s.size() || s[pos] != ':') return bad("bad hour");
  ++pos;
  int mm = two(59);
  if (mm < 0) return bad("bad minute");
  int ss = 0;
  int64_t frac_us = 0;
  bool sub_micro = false;  // a nonzero digit below the microsecond
  if (pos < s.size() && s[pos] == ':') {
    ++pos;
    ss = two(59);
    if (ss < 0) return bad("bad second");
    if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
      ++pos;
      int digits = 0;
      while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
        if (digits < 6) {
          frac_us = frac_us * 10 + (s[pos] - '0');
        } else if (s[pos] != '0') {
          sub_micro = true;
        }
        ++digits;
        ++pos;
      }
      if (digits == 0 || digits > 9) return bad("bad fraction of a second (1 to 9 digits)");
      for (int d = std::min(digits, 6); d < 6; ++d) frac_us *= 10;
    }
  }
  int offset_min = 0;
  bool naive = false;
  if (pos >= s.size()) {
    naive = true;  // read as UTC, as import reads pandas' naive datetimes
  } else if (s[pos] == 'Z' || s[pos] == 'z') {
    ++pos;
  } else if (s[pos] == '+' || s[pos] == '-') {
    int sign = s[pos] == '-' ? -1 : 1;
    ++pos;
    int oh = two(23);
    if (oh < 0) return bad("bad offset hours");
    if (pos < s.size() && s[pos] == ':') ++pos;
    int om = two(59);
    if (om < 0) return bad("bad offset minutes");
    offset_min = sign * (oh * 60 + om);
  } else {
    return bad("unexpected characters after the time");
  }
  if (pos != s.size()) return bad("unexpected characters after the offset");
  if (sub_micro && !options.truncate_sub_micros) {
    return Bad("timestamp", fmt::format("'{}' has sub-microsecond digits; the log keeps "
                                        "microseconds (--truncate-nanos floors them)",
                                        Shown(s)));
  }
  int64_t local_s = *date * 86400 + hh * 3600 + mm * 60 + ss;
  ParsedTimestamp out;
  out.utc_us = (local_s - int64_t{offset_min} * 60) * 1000000 + frac_us;
  out.local_date = FormatDate(*date);
  out.utc_offset_seconds = offset_min * 60;
  out.naive = naive;
  out.truncated = sub_micro;
  BA_RETURN_IF_ERROR(CheckTimestampRange("timestamp", out.utc_us));
  return out;
}

namespace {

// A strict reader of one JSON object (RFC 8259), holding the tick's fields.
class TickReader {
 public:
  TickReader(std::string_view text, const TickParseOptions& options) : s_(text), options_(options) {}

  Result<ControllerTick> Read() {
    SkipSpace();
    if (pos_ >= s_.size() || s_[pos_] != '{') {
      if (pos_ < s_.size() && (s_[pos_] == '[' || s_[pos_] == '"' || s_[pos_] == '-' ||
                               std::isdigit(static_cast<unsigned char>(s_[pos_])) ||
                               std::isalpha(static_cast<unsigned char>(s_[pos_])))) {
        return Status::InvalidArgument("a tick must be a JSON object");
      }
      return Syntax("", "expected '{'");
    }
    ++pos_;
    SkipSpace();
    if (Peek() == '}') {
      ++pos_;
    } else {
      for (;;) {
        SkipSpace();
        if (Peek() != '"') return Syntax("", "expected a key in double quotes");
        std::string key;
        BA_RETURN_IF_ERROR(ReadString("a key", key));
        size_t bad = 0;
        if (!IsValidUtf8(key, &bad)) {
          return Status::InvalidArgument(fmt::format("a key is not valid UTF-8 (byte 0x{:02x} at offset {})",
                                                     static_cast<unsigned char>(key[bad]), bad));
        }
        SkipSpace();
        if (Peek() != ':') return Syntax(key, "expected ':' after the key");
        ++pos_;
        SkipSpace();
        BA_RETURN_IF_ERROR(Member(key));
        SkipSpace();
        if (Peek() == ',') {
          ++pos_;
          continue;
        }
        if (Peek() == '}') {
          ++pos_;
          break;
        }
        return Syntax("", "expected ',' or '}' after a value");
      }
    }
    SkipSpace();
    if (pos_ != s_.size()) return Syntax("", "text after the object");
    if (!seen_[kFieldTimestamp] && options_.require_timestamp) {
      return Bad("timestamp",
                 "missing (the CLI needs each tick's own time; resending a tick without one "
                 "would log it twice)");
    }
    BA_RETURN_IF_ERROR(ValidateTick(tick_));
    return std::move(tick_);
  }

 private:
  enum class Kind { kString, kNumber, kTrue, kFalse, kNull, kNaN, kInfinity, kNegInfinity, kOther };
  struct Token {
    Kind kind = Kind::kOther;
    std::string text;  // decoded string, or the number's literal
    std::string_view raw;
  };

  char Peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  void SkipSpace() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) {
      ++pos_;
    }
  }
  // "not valid JSON at byte N: why", prefixed by the field when inside one.
  Status Syntax(std::string_view field, std::string_view why) const {
    std::string m = fmt::format("not valid JSON at byte {}: {}", pos_, why);
    if (!field.empty()) m = fmt::format("{}: {}", field, m);
    return Status::InvalidArgument(std::move(m));
  }

  // A string at pos_ (on its opening quote), escapes decoded; bytes other
  // than escapes are copied as they are (UTF-8 is checked by the caller).
  Status ReadString(std::string_view field, std::string& out) {
    ++pos_;
    for (;;) {
      if (pos_ >= s_.size()) return Syntax(field, "unterminated string");
      const char c = s_[pos_];
      if (c == '"') {
        ++pos_;
        return Status::OK();
      }
      if (static_cast<unsigned char>(c) < 0x20) {
        return Syntax(field, "a control character in a string (escape it)");
      }
      if (c != '\\') {
        out.push_back(c);
        ++pos_;
        continue;
      }
      if (pos_ + 1 >= s_.size()) return Syntax(field, "unterminated string");
      const char e = s_[pos_ + 1];
      pos_ += 2;
      switch (e) {
        case '"': out.push_back('"'); break;
        case '\\': out.push_back('\\'); break;
        case '/': out.push_back('/'); break;
        case 'b': out.push_back('\b'); break;
        case 'f': out.push_back('\f'); break;
        case 'n': out.push_back('\n'); break;
        case 'r': out.push_back('\r'); break;
        case 't': out.push_back('\t'); break;
        case 'u': {
          uint32_t cp = 0;
          BA_RETURN_IF_ERROR(Hex4(field, cp));
          if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return Bad(field, fmt::format("a lone UTF-16 surrogate \\u{:04x} is not a character", cp));
          }
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            uint32_t lo = 0;
            if (pos_ + 1 >= s_.size() || s_[pos_] != '\\' || s_[pos_ + 1] != 'u') {
              return Bad(field, fmt::format("a lone UTF-16 surrogate \\u{:04x} is not a character", cp));
            }
            pos_ += 2;
            BA_RETURN_IF_ERROR(Hex4(field, lo));
            if (lo < 0xDC00 || lo > 0xDFFF) {
              return Bad(field, fmt::format("a lone UTF-16 surrogate \\u{:04x} is not a character", cp));
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          }
          AppendUtf8(cp, out);
          break;
        }
        default: return Syntax(field, fmt::format("unknown escape '\\{}'", Shown(std::string_view(&e, 1))));
      }
    }
  }

  Status Hex4(std::string_view field, uint32_t& cp) {
    if (pos_ + 4 > s_.size()) return Syntax(field, "a \\u escape needs four hex digits");
    for (int i = 0; i < 4; ++i) {
      const char h = s_[pos_ + i];
      uint32_t v;
      if (h >= '0' && h <= '9') {
        v = static_cast<uint32_t>(h - '0');
      } else if (h >= 'a' && h <= 'f') {
        v = static_cast<uint32_t>(h - 'a' + 10);
      } else if (h >= 'A' && h <= 'F') {
        v = static_cast<uint32_t>(h - 'A' + 10);
      } else {
        return Syntax(field, "a \\u escape needs four hex digits");
      }
      cp = cp * 16 + v;
    }
    pos_ += 4;
    return Status::OK();
  }

  static void AppendUtf8(uint32_t cp, std::string& out) {
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  // A number literal at pos_, checked against JSON's grammar.
  Status ReadNumber(std::string_view field, Token& t) {
    const size_t start = pos_;
    auto digits = [&] {
      size_t n = 0;
      while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) {
        ++pos_;
        ++n;
      }
      return n;
    };
    if (Peek() == '-') ++pos_;
    if (Peek() == '0') {
      ++pos_;
      if (std::isdigit(static_cast<unsigned char>(Peek()))) {
        return Syntax(field, "a number with a leading zero");
      }
    } else if (digits() == 0) {
      return Syntax(field, "expected a value");
    }
    if (Peek() == '.') {
      ++pos_;
      if (digits() == 0) return Syntax(field, "expected digits after '.'");
    }
    if (Peek() == 'e' || Peek() == 'E') {
      ++pos_;
      if (Peek() == '+' || Peek() == '-') ++pos_;
      if (digits() == 0) return Syntax(field, "expected digits in the exponent");
    }
    t.kind = Kind::kNumber;
    t.text.assign(s_.substr(start, pos_ - start));
    return Status::OK();
  }

  // Skips a nested array or object (a value of an ignored or unknown key).
  Status SkipContainer(std::string_view field, int depth) {
    if (depth > 64) return Syntax(field, "nested more than 64 deep");
    const char close = s_[pos_] == '[' ? ']' : '}';
    ++pos_;
    SkipSpace();
    if (Peek() == close) {
      ++pos_;
      return Status::OK();
    }
    for (;;) {
      SkipSpace();
      if (close == '}') {
        if (Peek() != '"') return Syntax(field, "expected a key in double quotes");
        std::string ignored;
        BA_RETURN_IF_ERROR(ReadString(field, ignored));
        SkipSpace();
        if (Peek() != ':') return Syntax(field, "expected ':' after the key");
        ++pos_;
        SkipSpace();
      }
      Token t;
      BA_RETURN_IF_ERROR(ReadValue(field, t, depth + 1));
      SkipSpace();
      if (Peek() == ',') {
        ++pos_;
        continue;
      }
      if (Peek() == close) {
        ++pos_;
        return Status::OK();
      }
      return Syntax(field, fmt::format("expected ',' or '{}'", close));
    }
  }

  bool Word(std::string_view w) {
    if (s_.substr(pos_, w.size()) != w) return false;
    const size_t end = pos_ + w.size();
    if (end < s_.size() && std::isalnum(static_cast<unsigned char>(s_[end]))) return false;
    pos_ = end;
    return true;
  }

  // Any value at pos_; containers are skipped (kind kOther).
  Status ReadValue(std::string_view field, Token& t, int depth) {
    const size_t start = pos_;
    const char c = Peek();
    if (c == '"') {
      t.kind = Kind::kString;
      BA_RETURN_IF_ERROR(ReadString(field, t.text));
    } else if (c == '{' || c == '[') {
      t.kind = Kind::kOther;
      BA_RETURN_IF_ERROR(SkipContainer(field, depth));
    } else if (Word("true")) {
      t.kind = Kind::kTrue;
    } else if (Word("false")) {
      t.kind = Kind::kFalse;
    } else if (Word("null")) {
      t.kind = Kind::kNull;
    } else if (Word("NaN")) {
      t.kind = Kind::kNaN;
    } else if (Word("Infinity")) {
      t.kind = Kind::kInfinity;
    } else if (Word("-Infinity")) {
      t.kind = Kind::kNegInfinity;
    } else if (c == '-' || std::isdigit(static_cast<unsigned char>(c))) {
      BA_RETURN_IF_ERROR(ReadNumber(field, t));
    } else {
      return Syntax(field, "expected a value");
    }
    t.raw = s_.substr(start, pos_ - start);
    return Status::OK();
  }

  // "got ..." for a value of the wrong type.
  static std::string Got(const Token& t) {
    switch (t.kind) {
      case Kind::kString: return fmt::format("got the string \"{}\"", Shown(t.text));
      case Kind::kOther: return fmt::format("got {}", t.raw.front() == '[' ? "an array" : "an object");
      default: return fmt::format("got {}", Shown(t.raw));
    }
  }

  // NaN and infinities (the tokens Python's json.dumps writes for them).
  static Status NonFinite(std::string_view field, const Token& t) {
    return CheckFinite(field, t.kind == Kind::kNaN        ? std::numeric_limits<double>::quiet_NaN()
                              : t.kind == Kind::kInfinity ? std::numeric_limits<double>::infinity()
                                                          : -std::numeric_limits<double>::infinity());
  }

  // A number literal as the nearest double, refusing overflow and underflow.
  static Status ToDouble(std::string_view field, const std::string& lit, double& out) {
    // The literal's significant digits and decimal order of magnitude.
    const auto [digits, order] = DecimalDigits(lit);
    const bool zero = digits.empty();
    double d = 0;
    auto [ptr, ec] = std::from_chars(lit.data(), lit.data() + lit.size(), d);
    if (ec == std::errc::result_out_of_range) {
      d = order > 0 ? std::numeric_limits<double>::infinity() : 0.0;
    } else if (ec != std::errc() || ptr != lit.data() + lit.size()) {
      return Bad(field, fmt::format("{} is not a number", Shown(lit)));
    }
    if (std::isinf(d)) {
      return Bad(field, fmt::format("{} overflows a double (the log holds finite numbers only)", Shown(lit)));
    }
    if (!zero && d == 0) {
      return Bad(field, fmt::format("{} underflows a double (to 0); the log would not store it as given",
                                    Shown(lit)));
    }
    if (std::fpclassify(d) == FP_SUBNORMAL) {
      // A subnormal keeps fewer digits: the literal is taken only when it is
      // the double's own shortest form (as Python's repr and json.dumps
      // write a subnormal: 5e-324), so nothing is stored other than given.
      char buf[40];
      auto [end, err] = std::to_chars(buf, buf + sizeof(buf), d);
      const std::string shortest(buf, err == std::errc() ? end : buf);
      if (DecimalDigits(shortest) != std::make_pair(digits, order)) {
        return Bad(field, fmt::format("{} underflows a double (to the subnormal {}); the log would not "
                                      "store it as given",
                                      Shown(lit), shortest));
      }
    }
    out = d;
    return Status::OK();
  }

  Status Member(const std::string& key) {
    Token t;
    const size_t f = TickFieldOf(key);
    std::string_view name = key;
    BA_RETURN_IF_ERROR(ReadValue(name, t, 0));
    if (f == kFieldCount) {
      for (const auto& k : ignored_seen_) {
        if (k == key) return Bad(key, "given twice");
      }
      for (const auto& k : options_.ignored_keys) {
        if (k == key) {
          ignored_seen_.push_back(key);
          return Status::OK();
        }
      }
      const std::string hint = SuggestField(key, Naming::kTick);
      return Bad(Shown(key), hint.empty()
                                 ? std::string("not a tick attribute the log keeps (it takes timestamp, "
                                               "slot_index, plan_offset_deg, target_angle, energy_cost_kwh, "
                                               "budget_spent_kwh, budget_remaining_kwh, live_gate_passed, "
                                               "source, stage_id; `log --ignore-keys` drops others)")
                                 : fmt::format("not a tick attribute the log keeps; {}", hint));
    }
    if (seen_[f]) return Bad(key, "given twice");
    seen_[f] = true;
    if (t.kind == Kind::kNull) {
      if (f == kFieldTimestamp) {
        return Bad(key, "null is refused (the log needs each tick's own time)");
      }
      return Status::OK();  // null = missing: the default
    }
    switch (f) {
      case kFieldTimestamp: {
        if (t.kind != Kind::kString) return Bad(key, "must be an ISO-8601 string, " + Got(t));
        BA_ASSIGN_OR_RETURN(auto ts, ParseIsoTimestamp(t.text, options_.timestamp));
        tick_.timestamp_us = ts.utc_us;
        tick_.utc_offset_seconds = ts.utc_offset_seconds;
        return Status::OK();
      }
      case kFieldSlotIndex: return SlotIndex(key, t);
      case kFieldGatePassed:
        if (t.kind != Kind::kTrue && t.kind != Kind::kFalse) {
          return Bad(key, "must be true or false, " + Got(t));
        }
        tick_.live_gate_passed = t.kind == Kind::kTrue;
        return Status::OK();
      case kFieldSource:
      case kFieldStageId: {
        if (t.kind != Kind::kString) return Bad(key, "must be a string, " + Got(t));
        BA_RETURN_IF_ERROR(CheckString(key, t.text));
        (f == kFieldSource ? tick_.source : tick_.stage_id) = std::move(t.text);
        return Status::OK();
      }
      default: {
        if (t.kind == Kind::kNaN || t.kind == Kind::kInfinity || t.kind == Kind::kNegInfinity) {
          return NonFinite(key, t);
        }
        if (t.kind != Kind::kNumber) return Bad(key, "must be a number, " + Got(t));
        double d = 0;
        BA_RETURN_IF_ERROR(ToDouble(key, t.text, d));
        std::optional<double>* out = f == kFieldPlannedOffset  ? &tick_.plan_offset_deg
                                     : f == kFieldActualOffset ? &tick_.target_angle
                                     : f == kFieldEnergyCost   ? &tick_.energy_cost_kwh
                                     : f == kFieldBudgetSpent  ? &tick_.budget_spent_kwh
                                                               : &tick_.budget_remaining_kwh;
        *out = d;
        return Status::OK();
      }
    }
  }

  Status SlotIndex(std::string_view key, const Token& t) {
    if (t.kind == Kind::kNaN || t.kind == Kind::kInfinity || t.kind == Kind::kNegInfinity) {
      return Bad(key, fmt::format("must be an integer, got {}", t.raw));
    }
    if (t.kind != Kind::kNumber) return Bad(key, "must be an integer, " + Got(t));
    const std::string& lit = t.text;
    if (lit.find_first_of(".eE") == std::string::npos) {
      int64_t v = 0;
      auto [ptr, ec] = std::from_chars(lit.data(), lit.data() + lit.size(), v);
      if (ec != std::errc() || ptr != lit.data() + lit.size()) return OutsideInt64(key, Shown(lit));
      tick_.slot_index = v;
      return Status::OK();
    }
    // Written with a fraction or an exponent (as pandas' float columns
    // print): a whole value within +-2^53, as import takes a DOUBLE column.
    double d = 0;
    auto [ptr, ec] = std::from_chars(lit.data(), lit.data() + lit.size(), d);
    if (ec == std::errc::result_out_of_range) {
      d = lit.find_first_of("123456789") == std::string::npos ? 0.0
          : lit.find("e-") != std::string::npos || lit.find("E-") != std::string::npos
              ? 0.5  // an underflow: not whole
              : std::numeric_limits<double>::infinity();
    }
    BA_ASSIGN_OR_RETURN(tick_.slot_index, SlotIndexFromFloat(key, d, Shown(lit)));
    return Status::OK();
  }

  std::string_view s_;
  const TickParseOptions& options_;
  size_t pos_ = 0;
  ControllerTick tick_;
  bool seen_[kFieldCount] = {};
  std::vector<std::string> ignored_seen_;
};

}  // namespace

Result<ControllerTick> ParseTickJson(std::string_view json, const TickParseOptions& options) {
  return TickReader(json, options).Read();
}

Result<SlotRecord> ParseTick(std::string_view json, int64_t now_us, const TickParseOptions& options) {
  BA_ASSIGN_OR_RETURN(ControllerTick tick, ParseTickJson(json, options));
  SlotRecord r = SlotRecordFromTick(tick, now_us);
  BA_RETURN_IF_ERROR(ValidateRecord(r, Naming::kTick));
  return r;
}

}  // namespace budget_audit::log

namespace budget_audit {

Result<ControllerTick> ControllerTickFromJson(std::string_view json, const TickJsonOptions& options) {
  log::TickParseOptions parse;
  parse.require_timestamp = options.require_timestamp;
  parse.timestamp.truncate_sub_micros = options.truncate_sub_micros;
  parse.ignored_keys = options.ignored_keys;
  for (const std::string& k : parse.ignored_keys) {
    if (log::TickFieldOf(k) != log::kFieldCount) {
      return Status::InvalidArgument(fmt::format("{}: a tick attribute the log keeps cannot be ignored", k));
    }
  }
  return log::ParseTickJson(json, parse);
}

}  // namespace budget_audit

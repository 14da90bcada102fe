// Python-compatible rounding, float repr and json.dumps output.
//
// The reports of budget-audit must be byte-for-byte identical to those of the
// Python tool it replaces, which builds dicts of round()-ed floats and prints
// them with `print(json.dumps(report, indent=2))`. The functions here
// reproduce CPython 3's behaviour exactly (checked against CPython 3.11):
//
//   PyRound(x, n)        round(x, n) for a float x
//   PyRoundToInt(x)      round(x) (no ndigits: an int)
//   PyFloatRepr(x)       repr(x) / str(x) for a float x
//   Value                an ordered JSON value (a dict keeps insertion order)
//   PyJsonDumps(v, n)    json.dumps(v, indent=n), or json.dumps(v) for kCompact
//
// Everything is locale-independent and throws nothing but std::bad_alloc.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "budget_audit/status.h"

namespace budget_audit::report {

// Python's round(x, ndigits) for a float x and any ndigits.
//
// The result is the double nearest to the exact binary value of x rounded to
// a multiple of 10^-ndigits, where "rounded" is correct rounding of the exact
// binary value with ties to even, a tie happening only when the binary value
// is exactly halfway. So round(2.675, 2) == 2.67 (2.675 is stored as
// 2.67499999...), round(0.125, 2) == 0.12 (an exact tie), round(0.375, 2) ==
// 0.38, round(2.5, 0) == 2.0.
//
// Signs: the result has the sign of x, also when it is zero:
// round(-0.001, 2) == -0.0, round(-0.5, 0) == -0.0.
// NaN and infinities are returned unchanged. ndigits > 323 returns x (x is
// already a multiple of 10^-323); ndigits < -308 returns a zero with the sign
// of x. Negative ndigits round to tens, hundreds, ...: round(1250.0, -2) ==
// 1200.0.
//
// The only divergence from Python: where Python raises OverflowError
// ("rounded value too large to represent": negative ndigits rounding |x| up
// past DBL_MAX, e.g. round(1.7e308, -308) or round(1.7976931348623157e308,
// -293)), this returns an infinity with the sign of x.
double PyRound(double x, int ndigits);

// Python's round(x) without ndigits, which returns an int: x rounded to the
// nearest integer, ties to even (round(0.5) == 0, round(1.5) == 2,
// round(-2.5) == -2).
//
// Errors (kInvalidArgument): NaN (Python: ValueError "cannot convert float
// NaN to integer"), infinities (Python: OverflowError "cannot convert float
// infinity to integer") and results outside the int64 range (Python would
// return a big int).
Result<int64_t> PyRoundToInt(double x);

// Python's repr(x) (equal to str(x)) for a float x.
//
// The digits are the shortest ones that read back as x (the nearest such
// string when several have that length). Layout, with e the decimal exponent
// of the first significant digit:
//   -4 <= e < 16: fixed notation with at least one digit after the point:
//                 "10950.0", "0.0001", "123456789012345.0", "-0.0", "0.1";
//   otherwise:    scientific, the point only when there are several digits,
//                 exponent signed with at least two digits: "1e-05",
//                 "1e+16", "1.5e+16", "5e-324", "1.7976931348623157e+308".
// Non-finite values: "nan" (whatever the NaN's sign), "inf", "-inf".
std::string PyFloatRepr(double x);

// An ordered JSON value: None, bool, int, float, str, list or dict, as a
// Python report would hold them.
//
// Dicts keep insertion order (as Python dicts do); Set() on an existing key
// replaces the value in place, keeping the key's position, as assignment to a
// Python dict does. Strings are UTF-8 (invalid sequences are written as
// U+FFFD, see PyJsonQuote). Integers are exact over the int64 and uint64
// ranges.
class Value {
 public:
  enum class Kind { kNull, kBool, kInt, kFloat, kString, kList, kDict };
  using Items = std::vector<Value>;
  using Member = std::pair<std::string, Value>;
  using Members = std::vector<Member>;

  // None.
  Value() = default;
  Value(std::nullptr_t) {}  // NOLINT
  Value(bool b) : v_(b) {}  // NOLINT
  // Any integer type except bool and the character types.
  template <std::integral T>
  requires(!std::same_as<T, bool> && !std::same_as<T, char> && !std::same_as<T, wchar_t> &&
           !std::same_as<T, char8_t> && !std::same_as<T, char16_t> && !std::same_as<T, char32_t>)
      Value(T i) {  // NOLINT
    if constexpr (std::is_signed_v<T>) {
      v_ = static_cast<int64_t>(i);
    } else if (static_cast<uint64_t>(i) <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      v_ = static_cast<int64_t>(i);
    } else {
      v_ = static_cast<uint64_t>(i);
    }
  }
  Value(double d) : v_(d) {}                         // NOLINT
  Value(const char* s) : v_(std::string(s)) {}       // NOLINT
  Value(std::string_view s) : v_(std::string(s)) {}  // NOLINT
  Value(std::string s) : v_(std::move(s)) {}         // NOLINT

  // A list holding `items` (empty by default).
  static Value List(std::initializer_list<Value> items = {});
  // A dict holding `members` in order; a repeated key keeps its first
  // position and its last value.
  static Value Dict(std::initializer_list<Member> members = {});

  Kind kind() const;
  bool IsNull() const { return kind() == Kind::kNull; }
  bool IsList() const { return kind() == Kind::kList; }
  bool IsDict() const { return kind() == Kind::kDict; }

  // Dict only: sets `key` to `value` (in place if present, else appended).
  // Returns *this for chaining. Calling it on a non-dict is a bug (asserts;
  // without assertions the value first becomes an empty dict).
  Value& Set(std::string_view key, Value value);
  // List only: appends `value`. Returns *this. Same precondition handling as
  // Set.
  Value& Append(Value value);
  // Dict only: the value of `key`, or nullptr (also for non-dicts).
  const Value* Find(std::string_view key) const;
  Value* Find(std::string_view key);

  // Accessors; each requires the matching kind (asserted).
  bool AsBool() const;
  // kInt only; a uint64 above INT64_MAX is a precondition violation.
  int64_t AsInt() const;
  double AsFloat() const;
  const std::string& AsString() const;
  const Items& items() const;
  const Members& members() const;
  // Elements of a list or members of a dict; 0 for other kinds.
  size_t size() const;

 private:
  friend std::string PyJsonDumps(const Value& value, int indent);
  // Appends the json.dumps text of `v` at nesting `level` to `out`.
  static void Write(const Value& v, int indent, int level, std::string& out);

  struct ListTag {};
  struct DictTag {};
  Value(Items items, ListTag) : v_(std::move(items)) {}
  Value(Members members, DictTag) : v_(std::move(members)) {}

  std::variant<std::monostate, bool, int64_t, uint64_t, double, std::string, Items, Members> v_;
};

// PyJsonDumps' `indent` for Python's default json.dumps(obj) (indent=None):
// one line, separators ", " and ": ".
inline constexpr int kCompact = -1;

// Python's json.dumps(value, indent=indent) with its other defaults
// (ensure_ascii=True, allow_nan=True, no sort_keys), byte for byte.
//
// indent >= 0: every list element and dict member on its own line, indented
// by `indent` spaces per level (0: newlines without indentation); item
// separator "," at line ends, key separator ": "; empty containers stay "[]"
// and "{}". indent < 0 (kCompact): one line with separators ", " and ": ".
// Floats use PyFloatRepr, except NaN, Infinity and -Infinity, written bare
// like Python's json does (not valid JSON, but what Python prints). No
// trailing newline (print() adds one).
std::string PyJsonDumps(const Value& value, int indent = 2);

// A JSON string literal for `s` as Python's json writes a str with
// ensure_ascii=True: quotes; \" \\ \n \r \t \b \f; other characters below
// 0x20 and DEL (0x7f) as \u00XX; non-ASCII as \uXXXX with lowercase hex
// (a UTF-16 surrogate pair above U+FFFF). Invalid UTF-8 is decoded the way
// Python's bytes.decode("utf-8", "replace") does: each maximal invalid
// subsequence becomes one U+FFFD ("\ufffd").
std::string PyJsonQuote(std::string_view s);

}  // namespace budget_audit::report

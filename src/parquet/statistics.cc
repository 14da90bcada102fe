#include "parquet/statistics.h"

#include <cmath>
#include <cstring>
#include <string_view>

namespace budget_audit::parquet {
namespace {

template <typename T>
std::string PlainBytes(T v) {
  std::string s(sizeof(T), '\0');
  std::memcpy(s.data(), &v, sizeof(T));
  return s;
}

// Two's-complement big-endian comparison (decimals in bytes), with
// sign-extension for unequal lengths.
int CompareSignedBigEndian(std::string_view a, std::string_view b) {
  auto at = [](std::string_view s, size_t len, size_t i) -> int {
    // byte i of s sign-extended to len bytes
    size_t pad = len - s.size();
    if (i < pad) return (!s.empty() && (static_cast<unsigned char>(s[0]) & 0x80)) ? 0xff : 0;
    return static_cast<unsigned char>(s[i - pad]);
  };
  size_t len = std::max(a.size(), b.size());
  if (len == 0) return 0;
  int sa = at(a, len, 0) & 0x80, sb = at(b, len, 0) & 0x80;
  if (sa != sb) return sa ? -1 : 1;
  for (size_t i = 0; i < len; ++i) {
    int x = at(a, len, i), y = at(b, len, i);
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

bool Float16Less(uint16_t a, uint16_t b) {
  auto key = [](uint16_t h) -> int32_t {  // total order for non-NaN halves
    int32_t mag = h & 0x7fff;
    return (h & 0x8000) ? -mag : mag;
  };
  return key(a) < key(b);
}

}  // namespace

SortOrder ColumnSortOrder(const ColumnDescriptor& col) {
  switch (col.kind) {
    case ValueKind::kInt: return col.is_signed ? SortOrder::kSigned : SortOrder::kUnsigned;
    case ValueKind::kDecimal:
    case ValueKind::kFloat16:
    case ValueKind::kBoolean:
    case ValueKind::kFloat:
    case ValueKind::kDate:
    case ValueKind::kTime: return SortOrder::kSigned;
    case ValueKind::kTimestamp: return col.type == Type::INT96 ? SortOrder::kUnknown : SortOrder::kSigned;
    case ValueKind::kString:
    case ValueKind::kBinary:
    case ValueKind::kUuid: return SortOrder::kUnsigned;
    case ValueKind::kNull: return SortOrder::kUnknown;
  }
  return SortOrder::kUnknown;
}

Statistics ComputeStatistics(const ColumnDescriptor& col, const ColumnVector& v) {
  Statistics st;
  const size_t n = v.value_count();
  st.null_count = static_cast<int64_t>(v.row_count() - n);
  const SortOrder order = ColumnSortOrder(col);
  if (order == SortOrder::kUnknown || n == 0) return st;
  std::optional<std::string> mn, mx;

  auto ints = [&](auto& vec, bool is_signed) {
    using T = std::remove_cvref_t<decltype(vec[0])>;
    using U = std::make_unsigned_t<T>;
    T lo = vec[0], hi = vec[0];
    for (size_t i = 1; i < n; ++i) {
      T x = vec[i];
      if (is_signed ? x < lo : static_cast<U>(x) < static_cast<U>(lo)) lo = x;
      if (is_signed ? x > hi : static_cast<U>(x) > static_cast<U>(hi)) hi = x;
    }
    mn = PlainBytes(lo);
    mx = PlainBytes(hi);
  };
  auto floats = [&](auto& vec) {
    using T = std::remove_cvref_t<decltype(vec[0])>;
    bool any = false;
    T lo = 0, hi = 0;
    for (size_t i = 0; i < n; ++i) {
      T x = vec[i];
      if (std::isnan(x)) continue;
      if (!any) {
        lo = hi = x;
        any = true;
        continue;
      }
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
    if (!any) return;
    if (lo == 0) lo = -T(0);
    if (hi == 0) hi = T(0);
    mn = PlainBytes(lo);
    mx = PlainBytes(hi);
  };

  switch (col.type) {
    case Type::BOOLEAN: {
      uint8_t lo = 1, hi = 0;
      for (size_t i = 0; i < n; ++i) {
        lo = std::min<uint8_t>(lo, v.bools[i] ? 1 : 0);
        hi = std::max<uint8_t>(hi, v.bools[i] ? 1 : 0);
      }
      mn = std::string(1, static_cast<char>(lo));
      mx = std::string(1, static_cast<char>(hi));
      break;
    }
    case Type::INT32: ints(v.i32, order == SortOrder::kSigned); break;
    case Type::INT64: ints(v.i64, order == SortOrder::kSigned); break;
    case Type::FLOAT: floats(v.f32); break;
    case Type::DOUBLE: floats(v.f64); break;
    case Type::INT96: break;
    case Type::BYTE_ARRAY:
    case Type::FIXED_LEN_BYTE_ARRAY: {
      auto at = [&](size_t i) -> std::string_view {
        if (col.type == Type::BYTE_ARRAY) return v.ByteArrayAt(i);
        return {reinterpret_cast<const char*>(v.FixedAt(i)), static_cast<size_t>(v.type_length)};
      };
      auto less = [&](std::string_view a, std::string_view b) -> bool {
        if (col.kind == ValueKind::kDecimal) return CompareSignedBigEndian(a, b) < 0;
        if (col.kind == ValueKind::kFloat16) {
          auto h = [](std::string_view s) {
            return static_cast<uint16_t>(static_cast<unsigned char>(s[0]) |
                                         (static_cast<unsigned char>(s[1]) << 8));
          };
          return Float16Less(h(a), h(b));
        }
        // Unsigned lexicographic: compare as unsigned char.
        const size_t common = std::min(a.size(), b.size());
        int c = common == 0 ? 0 : std::memcmp(a.data(), b.data(), common);  // data() may be null
        return c < 0 || (c == 0 && a.size() < b.size());
      };
      bool any = false;
      std::string_view lo, hi;
      for (size_t i = 0; i < n; ++i) {
        std::string_view x = at(i);
        if (col.kind == ValueKind::kFloat16) {
          uint16_t h = static_cast<uint16_t>(static_cast<unsigned char>(x[0]) |
                                             (static_cast<unsigned char>(x[1]) << 8));
          if ((h & 0x7c00) == 0x7c00 && (h & 0x3ff)) continue;  // NaN
        }
        if (!any) {
          lo = hi = x;
          any = true;
          continue;
        }
        if (less(x, lo)) lo = x;
        if (less(hi, x)) hi = x;
      }
      if (!any) break;
      std::string slo(lo), shi(hi);
      if (col.kind == ValueKind::kFloat16) {
        if ((static_cast<unsigned char>(slo[1]) & 0x7f) == 0 && slo[0] == 0) slo[1] = '\x80';
        if ((static_cast<unsigned char>(shi[1]) & 0x7f) == 0 && shi[0] == 0) shi[1] = '\x00';
      }
      if (slo.size() <= kMaxStatisticsSize) mn = std::move(slo);
      if (shi.size() <= kMaxStatisticsSize) mx = std::move(shi);
      break;
    }
  }
  st.min_value = mn;
  st.max_value = mx;
  if (order == SortOrder::kSigned) {
    st.min = mn;
    st.max = mx;
  }
  return st;
}

namespace {

std::optional<StatValue> Decode(const ColumnDescriptor& col, const std::string& b) {
  switch (col.type) {
    case Type::INT32: {
      if (b.size() != 4) return std::nullopt;
      int32_t x;
      std::memcpy(&x, b.data(), 4);
      if (col.kind == ValueKind::kInt && !col.is_signed) return StatValue(uint64_t(uint32_t(x)));
      return StatValue(int64_t(x));
    }
    case Type::INT64: {
      if (b.size() != 8) return std::nullopt;
      int64_t x;
      std::memcpy(&x, b.data(), 8);
      if (col.kind == ValueKind::kInt && !col.is_signed) return StatValue(uint64_t(x));
      return StatValue(x);
    }
    case Type::FLOAT: {
      if (b.size() != 4) return std::nullopt;
      float x;
      std::memcpy(&x, b.data(), 4);
      if (std::isnan(x)) return std::nullopt;
      return StatValue(double(x));
    }
    case Type::DOUBLE: {
      if (b.size() != 8) return std::nullopt;
      double x;
      std::memcpy(&x, b.data(), 8);
      if (std::isnan(x)) return std::nullopt;
      return StatValue(x);
    }
    case Type::BOOLEAN:
      if (b.size() != 1) return std::nullopt;
      return StatValue(int64_t(b[0] != 0));
    case Type::BYTE_ARRAY:
    case Type::FIXED_LEN_BYTE_ARRAY:
      // Only plain byte order is used for pruning; decimals and float16 in
      // bytes are not pruned.
      if (col.kind == ValueKind::kDecimal || col.kind == ValueKind::kFloat16) return std::nullopt;
      return StatValue(b);
    case Type::INT96: return std::nullopt;
  }
  return std::nullopt;
}

bool Less(const StatValue& a, const StatValue& b) {
  if (a.index() != b.index()) return false;
  if (auto* x = std::get_if<std::string>(&a)) {
    const std::string& y = std::get<std::string>(b);
    int c = std::memcmp(x->data(), y.data(), std::min(x->size(), y.size()));
    return c < 0 || (c == 0 && x->size() < y.size());
  }
  return a < b;
}

}  // namespace

std::optional<StatRange> TrustedRange(const ColumnDescriptor& col, const Statistics& st,
                                      bool type_defined_order) {
  const std::optional<std::string>* lo = nullptr;
  const std::optional<std::string>* hi = nullptr;
  SortOrder order = ColumnSortOrder(col);
  if (order == SortOrder::kUnknown) return std::nullopt;
  if (type_defined_order && st.min_value && st.max_value) {
    lo = &st.min_value;
    hi = &st.max_value;
  } else if (order == SortOrder::kSigned && col.type != Type::BYTE_ARRAY &&
             col.type != Type::FIXED_LEN_BYTE_ARRAY && st.min && st.max) {
    lo = &st.min;
    hi = &st.max;
  } else {
    return std::nullopt;
  }
  auto a = Decode(col, **lo), b = Decode(col, **hi);
  if (!a || !b) return std::nullopt;
  return StatRange{*a, *b};
}

bool MayOverlap(const ColumnDescriptor&, const std::optional<StatRange>& range, const StatValue& lo,
                const StatValue& hi) {
  if (!range) return true;
  if (range->min.index() != lo.index() || range->max.index() != hi.index()) return true;
  // Disjoint when max < lo or hi < min.
  return !(Less(range->max, lo) || Less(hi, range->min));
}

}  // namespace budget_audit::parquet

#include "log/importer.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <limits>
#include <mutex>
#include <set>
#include <span>
#include <thread>

#include <fmt/format.h>

#include "parquet/value_format.h"
#include "util/civil_time.h"

namespace budget_audit::log {

using parquet::ColumnDescriptor;
using parquet::ColumnVector;
using parquet::TimeUnit;
using parquet::Type;
using parquet::ValueKind;

namespace {

constexpr int64_t kMicrosPerDay = 86400000000;

enum FieldIndex : size_t {
  kTimestamp = 0,
  kDate,
  kSlotIndex,
  kPlannedOffset,
  kActualOffset,
  kEnergyCost,
  kBudgetSpent,
  kBudgetRemaining,
  kGatePassed,
  kSource,
  kStageId,
};

// What a field holds, for type checks and messages.
const char* Expected(ValueType t) {
  switch (t) {
    case ValueType::kTimestamp: return "a timestamp (INT64 TIMESTAMP in MILLIS, MICROS or NANOS, or INT96)";
    case ValueType::kDate: return "a STRING \"YYYY-MM-DD\" or a DATE";
    case ValueType::kInt64:
      return "an integer (INT32/INT64), or a FLOAT/DOUBLE/DECIMAL holding whole numbers";
    case ValueType::kDouble: return "a number (DOUBLE, FLOAT, an integer or a DECIMAL)";
    case ValueType::kBool: return "a BOOLEAN";
    case ValueType::kString: return "a STRING (or UTF-8 in an unannotated BYTE_ARRAY)";
  }
  return "?";
}

// "INT64 TIMESTAMP(NANOS, UTC)", "BYTE_ARRAY STRING", "INT32 DATE", ...
std::string DescribeType(const ColumnDescriptor& c) {
  std::string out(parquet::TypeName(c.type));
  if (c.type == Type::FIXED_LEN_BYTE_ARRAY) out += fmt::format("({})", c.type_length);
  switch (c.kind) {
    case ValueKind::kString: out += " STRING"; break;
    case ValueKind::kDecimal: out += fmt::format(" DECIMAL({},{})", c.precision, c.scale); break;
    case ValueKind::kDate: out += " DATE"; break;
    case ValueKind::kTime: out += fmt::format(" TIME({})", TimeUnitName(c.unit)); break;
    case ValueKind::kTimestamp:
      if (c.type != Type::INT96) {
        out += fmt::format(" TIMESTAMP({}{})", TimeUnitName(c.unit), c.utc ? ", UTC" : "");
      }
      break;
    case ValueKind::kUuid: out += " UUID"; break;
    case ValueKind::kFloat16: out += " FLOAT16"; break;
    case ValueKind::kNull: out += " (null type)"; break;
    case ValueKind::kInt:
      if (!c.is_signed || (c.int_bits != 32 && c.int_bits != 64)) {
        out += fmt::format(" {}INT{}", c.is_signed ? "" : "U", c.int_bits);
      }
      break;
    default: break;
  }
  return out;
}

bool Accepts(ValueType t, const ColumnDescriptor& c) {
  if (c.kind == ValueKind::kNull) return t != ValueType::kTimestamp;
  switch (t) {
    case ValueType::kTimestamp: return c.kind == ValueKind::kTimestamp;
    case ValueType::kDate:
      return c.kind == ValueKind::kDate || (c.kind == ValueKind::kString && c.type == Type::BYTE_ARRAY) ||
             (c.kind == ValueKind::kBinary && c.type == Type::BYTE_ARRAY);
    case ValueType::kInt64:
      return c.kind == ValueKind::kInt || c.kind == ValueKind::kFloat || c.kind == ValueKind::kDecimal;
    case ValueType::kDouble:
      return c.kind == ValueKind::kInt || c.kind == ValueKind::kFloat || c.kind == ValueKind::kDecimal ||
             c.kind == ValueKind::kFloat16;
    case ValueType::kBool: return c.kind == ValueKind::kBoolean;
    case ValueType::kString:
      return (c.kind == ValueKind::kString || c.kind == ValueKind::kBinary) && c.type == Type::BYTE_ARRAY;
  }
  return false;
}

// The decimal text of value `vi` of a DECIMAL column.
std::string DecimalText(const ColumnDescriptor& c, const ColumnVector& v, size_t vi) {
  switch (c.type) {
    case Type::INT32: return parquet::DecimalFromInt(v.i32[vi], c.scale);
    case Type::INT64: return parquet::DecimalFromInt(v.i64[vi], c.scale);
    case Type::BYTE_ARRAY: {
      std::string_view b = v.ByteArrayAt(vi);
      return parquet::DecimalFromBigEndian(reinterpret_cast<const uint8_t*>(b.data()), b.size(), c.scale);
    }
    default: return parquet::DecimalFromBigEndian(v.FixedAt(vi), static_cast<size_t>(c.type_length), c.scale);
  }
}

// An integer from value `vi` of a numeric column (`name`: the field, for
// the message).
Result<int64_t> IntegerValue(const char* name, const ColumnDescriptor& c, const ColumnVector& v, size_t vi) {
  switch (c.kind) {
    case ValueKind::kInt:
      if (c.type == Type::INT32) {
        return c.is_signed ? int64_t{v.i32[vi]} : int64_t{static_cast<uint32_t>(v.i32[vi])};
      }
      if (!c.is_signed && v.i64[vi] < 0) {
        return OutsideInt64(name, fmt::format("{}", static_cast<uint64_t>(v.i64[vi])));
      }
      return v.i64[vi];
    case ValueKind::kFloat: {
      const double d = c.type == Type::FLOAT ? double{v.f32[vi]} : v.f64[vi];
      return SlotIndexFromFloat(name, d, parquet::FormatDouble(d));
    }
    case ValueKind::kDecimal: {
      std::string text = DecimalText(c, v, vi);
      size_t dot = text.find('.');
      if (dot != std::string::npos && text.find_first_not_of('0', dot + 1) != std::string::npos) {
        return Status::InvalidArgument(fmt::format("{}: {} is not a whole number", name, text));
      }
      int64_t out = 0;
      const char* end = text.data() + (dot == std::string::npos ? text.size() : dot);
      auto [ptr, ec] = std::from_chars(text.data(), end, out);
      if (ec != std::errc() || ptr != end) return OutsideInt64(name, text);
      return out;
    }
    default: return Status::InvalidArgument(fmt::format("{}: not a number", name));
  }
}

// A double from value `vi` of a numeric column.
double DoubleValue(const ColumnDescriptor& c, const ColumnVector& v, size_t vi) {
  switch (c.kind) {
    case ValueKind::kInt:
      if (c.type == Type::INT32) {
        return c.is_signed ? double(v.i32[vi]) : double(static_cast<uint32_t>(v.i32[vi]));
      }
      return c.is_signed ? double(v.i64[vi]) : double(static_cast<uint64_t>(v.i64[vi]));
    case ValueKind::kFloat: return c.type == Type::FLOAT ? double{v.f32[vi]} : v.f64[vi];
    case ValueKind::kFloat16: {
      const uint8_t* p = v.FixedAt(vi);
      return double{parquet::HalfToFloat(static_cast<uint16_t>(p[0] | (p[1] << 8)))};
    }
    case ValueKind::kDecimal: {
      std::string text = DecimalText(c, v, vi);
      double d = 0;
      // from_chars rounds to nearest; out-of-range only for > ~1e308 (not
      // reachable with 38 digits).
      std::from_chars(text.data(), text.data() + text.size(), d);
      return d;
    }
    default: return 0.0;
  }
}

std::string TimestampText(int64_t us) { return FormatTimestamp(us, 1000000, true); }

}  // namespace

struct ImportReader::Field {
  bool present = false;
  size_t column = 0;  // leaf index in the file
  size_t slot = 0;    // index into decoded_
  const ColumnDescriptor* desc = nullptr;
  size_t cursor = 0;  // next dense value of the current row group
};

ImportReader::ImportReader() = default;
ImportReader::~ImportReader() = default;

const std::string& ImportReader::path() const { return file_->path(); }
int64_t ImportReader::num_rows() const { return file_->num_rows(); }

Result<std::unique_ptr<ImportReader>> ImportReader::Open(Env* env, const std::string& path,
                                                         const ImportOptions& options) {
  BA_ASSIGN_OR_RETURN(auto file, parquet::FileReader::Open(env, path, options.read));
  return Open(std::move(file), options);
}

Result<std::unique_ptr<ImportReader>> ImportReader::Open(std::unique_ptr<parquet::FileReader> file,
                                                         const ImportOptions& options) {
  std::unique_ptr<ImportReader> r(new ImportReader());
  r->file_ = std::move(file);
  r->options_ = options;
  if (r->options_.batch_rows == 0) r->options_.batch_rows = 65536;
  BA_RETURN_IF_ERROR(r->Init());
  return r;
}

Status ImportReader::Init() {
  const std::string& path = file_->path();
  fields_.assign(kImportFieldCount, Field{});
  const parquet::Schema& schema = file_->schema();
  std::set<std::string> extra_seen;
  for (size_t i = 0; i < schema.num_columns(); ++i) {
    const ColumnDescriptor& c = schema.column(i);
    // The top-level field this leaf belongs to.
    std::string top = c.nested ? c.path.substr(0, c.path.find('.')) : c.name;
    size_t f = 0;
    while (f < kImportFieldCount && top != kFields[f].column) ++f;
    if (f == kImportFieldCount) {
      if (extra_seen.insert(top).second) extra_.push_back(top);
      continue;
    }
    if (c.nested) {
      return Status::NotSupported(fmt::format("{}: column '{}' is nested ({}); expected {}", path, top,
                                              c.path, Expected(kFields[f].type)));
    }
    if (fields_[f].present) {
      return Status::NotSupported(fmt::format("{}: column '{}' appears more than once", path, top));
    }
    if (!Accepts(kFields[f].type, c)) {
      return Status::NotSupported(fmt::format("{}: column '{}' is {}; expected {}", path, top,
                                              DescribeType(c), Expected(kFields[f].type)));
    }
    fields_[f].present = true;
    fields_[f].column = i;
    fields_[f].desc = &c;
  }
  // A field without its column but with a near miss of it among the extra
  // columns: refused, so the field does not silently take its default.
  for (const std::string& e : extra_) {
    const size_t f = SuggestedField(e, Naming::kColumn);
    if (f == kFieldCount || fields_[f].present) continue;
    return Status::InvalidArgument(
        fmt::format("{}: column '{}' is not one of the log's columns and the file has no '{}': {} (refused "
                    "rather than giving every row {}'s default)",
                    path, e, kFields[f].column, SuggestField(e, Naming::kColumn), kFields[f].column));
  }
  if (!fields_[kTimestamp].present) {
    return Status::NotSupported(
        fmt::format("{}: no 'timestamp' column; the log needs each row's timestamp (it is how a re-import "
                    "is told from new ticks), so this file cannot be imported",
                    path));
  }
  const ColumnDescriptor& ts = *fields_[kTimestamp].desc;
  if (ts.type != Type::INT96 && !ts.utc) {
    notes_.push_back(
        fmt::format("timestamp is {} without isAdjustedToUTC (naive, as pandas writes tz-naive "
                    "datetimes): read as UTC",
                    DescribeType(ts)));
  }
  if (ts.type == Type::INT96) {
    notes_.push_back("timestamp is INT96 (Impala/Spark): read as UTC");
  }
  for (size_t f = 0; f < kImportFieldCount; ++f) {
    if (!fields_[f].present) {
      missing_.push_back(kFields[f].column);
      continue;
    }
    fields_[f].slot = read_columns_.size();
    read_columns_.push_back(fields_[f].column);
  }
  if (!fields_[kDate].present) {
    notes_.push_back("no 'date' column: each row's date is its timestamp's calendar date in UTC");
  }
  return Status::OK();
}

namespace {

void ResetToDefaults(SlotRecord& r) {
  r.timestamp_us = 0;
  r.date.clear();
  r.slot_index = -1;
  r.planned_offset_deg = 0.0;
  r.actual_offset_deg = 0.0;
  r.energy_cost_kwh = 0.0;
  r.budget_spent_kwh = 0.0;
  r.budget_remaining_kwh = 0.0;
  r.gate_passed = false;
  r.source.clear();
  r.stage_id.assign("unknown");
}

double* DoubleField(SlotRecord& r, size_t f) {
  switch (f) {
    case kPlannedOffset: return &r.planned_offset_deg;
    case kActualOffset: return &r.actual_offset_deg;
    case kEnergyCost: return &r.energy_cost_kwh;
    case kBudgetSpent: return &r.budget_spent_kwh;
    default: return &r.budget_remaining_kwh;
  }
}

}  // namespace

Result<bool> ImportReader::Next(ImportBatch& batch) {
  // batch.records keeps its elements (ConvertRows overwrites them) unless
  // nothing is handed out.
  batch.rows.clear();
  batch.problems.clear();
  if (done_) {
    batch.records.clear();
    return false;
  }
  while (group_pos_ >= group_rows_) {
    ++group_;
    if (group_ >= file_->num_row_groups()) {
      done_ = true;
      decoded_.clear();
      batch.records.clear();
      return false;
    }
    group_first_row_ += static_cast<int64_t>(group_rows_);
    group_rows_ = static_cast<size_t>(file_->row_group_num_rows(group_));
    group_pos_ = 0;
    auto cols = file_->ReadRowGroup(group_, read_columns_);
    if (!cols.ok()) {
      done_ = true;
      batch.records.clear();
      return cols.status().WithContext(fmt::format("{}: row group {} (rows {}..{})", file_->path(), group_,
                                                   group_first_row_ + 1,
                                                   group_first_row_ + static_cast<int64_t>(group_rows_)));
    }
    decoded_ = std::move(*cols);
    for (auto& f : fields_) {
      f.cursor = 0;
      if (f.present && decoded_[f.slot].row_count() != group_rows_) {
        done_ = true;
        batch.records.clear();
        return Status::Corruption(fmt::format("{}: row group {}: column '{}' has {} rows, the row group {}",
                                              file_->path(), group_, f.desc->name,
                                              decoded_[f.slot].row_count(), group_rows_));
      }
    }
  }
  size_t begin = group_pos_;
  size_t end = std::min(group_rows_, begin + options_.batch_rows);
  group_pos_ = end;
  BA_RETURN_IF_ERROR(ConvertRows(begin, end, batch));
  return true;
}

Status ImportReader::ConvertRows(size_t begin, size_t end, ImportBatch& batch) {
  const size_t n = end - begin;
  // Rows are built in scratch_ (whose strings keep their capacity from batch
  // to batch) and the good ones swapped into batch.records.
  if (scratch_.size() < n) scratch_.resize(n);
  problem_of_.assign(n, -1);
  defaulted_.assign(n, 0);
  scratch_problems_.clear();
  auto refuse = [&](size_t i, std::string message) {
    if (problem_of_[i] >= 0) return;  // the first problem of a row is reported
    problem_of_[i] = static_cast<int32_t>(scratch_problems_.size());
    scratch_problems_.push_back({group_first_row_ + static_cast<int64_t>(begin + i) + 1, std::move(message)});
  };
  auto defined = [&](const ColumnVector& v, size_t row) { return v.defined.empty() || v.defined[row] != 0; };

  // Field by field over chunks of rows small enough to stay in the cache
  // (a SlotRecord is ~160 bytes; a whole batch of them is not).
  constexpr size_t kChunk = 512;
  for (size_t c0 = 0; c0 < n; c0 += kChunk) {
    const size_t c1 = std::min(n, c0 + kChunk);
    for (size_t i = c0; i < c1; ++i) ResetToDefaults(scratch_[i]);

    // timestamp
    {
      Field& f = fields_[kTimestamp];
      const ColumnDescriptor& c = *f.desc;
      const ColumnVector& v = decoded_[f.slot];
      for (size_t i = c0; i < c1; ++i) {
        if (!defined(v, begin + i)) {
          refuse(i, "timestamp: null (the log needs every row's timestamp)");
          continue;
        }
        size_t vi = f.cursor++;
        int64_t us = 0, sub = 0;  // sub: nanoseconds below the microsecond
        bool overflow = false;
        std::string raw;  // the stored value, for messages
        if (c.type == Type::INT96) {
          // As Spark reads it: day and nanoseconds combined in int64 with
          // wrap-around (Spark writes values beyond the int64-nanosecond range,
          // e.g. year 290000, that way, and they come back exact; ValidateRecord
          // then refuses years beyond 9999).
          parquet::Int96Time t = parquet::Int96ToTime(v.FixedAt(vi));
          us = t.micros;
          sub = t.sub_micro_nanos;
        } else {
          int64_t x = v.i64[vi];
          switch (c.unit) {
            case TimeUnit::MILLIS:
              overflow = __builtin_mul_overflow(x, int64_t{1000}, &us);
              if (overflow) raw = fmt::format("{} ms", x);
              break;
            case TimeUnit::MICROS: us = x; break;
            case TimeUnit::NANOS:
              us = FloorDiv(x, 1000);
              sub = FloorMod(x, 1000);
              break;
          }
        }
        if (overflow) {
          refuse(i, fmt::format("timestamp: {} is outside the range of the log (int64 microseconds)", raw));
          continue;
        }
        if (sub != 0) {
          if (!options_.truncate_sub_micros) {
            refuse(i, fmt::format("timestamp: {} has {} ns below the microsecond (sub-microsecond "
                                  "digits); the log keeps microseconds (--truncate-nanos floors them)",
                                  FormatTimestampParts(FloorDiv(us, 1000000),
                                                       FloorMod(us, 1000000) * 1000 + sub, 1000000000, true),
                                  sub));
            continue;
          }
          ++counts_.truncated_timestamps;
        }
        scratch_[i].timestamp_us = us;
      }
    }

    // date: the column's value, checked against the timestamp; else derived.
    {
      Field& f = fields_[kDate];
      const ColumnVector* v = f.present ? &decoded_[f.slot] : nullptr;
      for (size_t i = c0; i < c1; ++i) {
        SlotRecord& r = scratch_[i];
        const int64_t utc_day = FloorDiv(r.timestamp_us, kMicrosPerDay);
        bool have = false;
        if (v == nullptr) {
          // counted for the rows handed out, below
        } else if (!defined(*v, begin + i)) {
          defaulted_[i] |= 1u << kDate;
        } else {
          size_t vi = f.cursor++;
          have = true;
          if (problem_of_[i] >= 0) continue;  // no timestamp to check against
          std::optional<int64_t> day;
          std::string_view text;
          if (f.desc->kind == ValueKind::kDate) {
            day = v->i32[vi];
          } else {
            text = v->ByteArrayAt(vi);
            day = ParseDate(text);
            if (!day) {
              std::string shown;
              parquet::AppendJsonString(text.substr(0, 40), shown);
              refuse(i, fmt::format("date: {} is not a date YYYY-MM-DD", shown));
              continue;
            }
          }
          if (*day < utc_day - 1 || *day > utc_day + 1) {
            refuse(i, fmt::format("date: {} is not the calendar date of timestamp {} in any UTC "
                                  "offset",
                                  FormatDate(*day), TimestampText(r.timestamp_us)));
            continue;
          }
          if (f.desc->kind == ValueKind::kDate) {
            r.date = FormatDate(*day);
          } else {
            r.date.assign(text);
          }
        }
        if (!have && problem_of_[i] < 0) {
          if (utc_day != cached_day_) {
            cached_day_ = utc_day;
            cached_date_ = FormatDate(utc_day);
          }
          r.date = cached_date_;
        }
      }
    }

    // The other fields.
    for (size_t fi = kSlotIndex; fi < kImportFieldCount; ++fi) {
      Field& f = fields_[fi];
      if (!f.present) continue;  // counted below
      const ColumnDescriptor& c = *f.desc;
      const ColumnVector& v = decoded_[f.slot];
      const char* name = kFields[fi].column;
      for (size_t i = c0; i < c1; ++i) {
        if (!defined(v, begin + i)) {
          defaulted_[i] |= static_cast<uint16_t>(1u << fi);
          continue;
        }
        size_t vi = f.cursor++;
        SlotRecord& r = scratch_[i];
        switch (kFields[fi].type) {
          case ValueType::kInt64: {
            auto x = IntegerValue(name, c, v, vi);
            if (!x.ok()) {
              refuse(i, x.status().message());
            } else {
              r.slot_index = *x;
            }
            break;
          }
          case ValueType::kDouble: *DoubleField(r, fi) = DoubleValue(c, v, vi); break;
          case ValueType::kBool: r.gate_passed = v.bools[vi] != 0; break;
          case ValueType::kString: {
            std::string_view s = v.ByteArrayAt(vi);
            if (Status bad = CheckString(name, s); !bad.ok()) {
              refuse(i, bad.message());
              break;
            }
            (fi == kSource ? r.source : r.stage_id).assign(s);
            break;
          }
          default: break;
        }
      }
    }

    // The policy every way in shares (log/validate.h): ranges, finite
    // numbers, strings, the date against the timestamp.
    for (size_t i = c0; i < c1; ++i) {
      if (problem_of_[i] >= 0) continue;
      if (Status bad = ValidateRecord(scratch_[i], Naming::kColumn); !bad.ok()) {
        refuse(i, bad.message());
      }
    }
  }  // chunks
  // Refused field by field above: put them in row order.
  std::stable_sort(scratch_problems_.begin(), scratch_problems_.end(),
                   [](const RowProblem& a, const RowProblem& b) { return a.row < b.row; });

  // Hand out the good rows and the problems, in row order; count the
  // defaults the handed-out rows got.
  const int64_t first = group_first_row_ + static_cast<int64_t>(begin) + 1;
  const size_t good = n - scratch_problems_.size();
  for (size_t f = 0; f < kImportFieldCount; ++f) {
    if (!fields_[f].present) counts_.missing[f] += static_cast<int64_t>(good);
  }
  for (size_t i = 0; i < n; ++i) {
    if (problem_of_[i] >= 0 || defaulted_[i] == 0) continue;
    for (size_t f = 0; f < kImportFieldCount; ++f) {
      if (defaulted_[i] & (1u << f)) ++counts_.nulls[f];
    }
  }
  batch.rows.resize(good);
  if (good == n) {
    for (size_t i = 0; i < n; ++i) batch.rows[i] = first + static_cast<int64_t>(i);
    scratch_.resize(n);
    std::swap(batch.records, scratch_);  // scratch_ takes the old batch's records
  } else {
    batch.records.resize(good);
    size_t k = 0;
    for (size_t i = 0; i < n; ++i) {
      if (problem_of_[i] >= 0) continue;
      batch.rows[k] = first + static_cast<int64_t>(i);
      std::swap(batch.records[k], scratch_[i]);
      ++k;
    }
  }
  batch.problems = std::move(scratch_problems_);
  scratch_problems_ = {};
  counts_.rows_read += static_cast<int64_t>(n);
  counts_.refused += static_cast<int64_t>(batch.problems.size());
  return Status::OK();
}

// Reads batches ahead on a second thread, so that decoding the next row
// group overlaps appending this one. Batches go back and forth between the
// threads (their vectors are reused); the reader is used only by the
// prefetching thread until the prefetcher is destroyed.
class BatchPrefetcher {
 public:
  explicit BatchPrefetcher(ImportReader& reader) : reader_(reader), thread_([this] { Run(); }) {}
  ~BatchPrefetcher() {
    {
      std::lock_guard<std::mutex> l(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  BatchPrefetcher(const BatchPrefetcher&) = delete;
  BatchPrefetcher& operator=(const BatchPrefetcher&) = delete;

  // As ImportReader::Next; `batch`'s old contents are recycled.
  Result<bool> Next(ImportBatch& batch) {
    Item item;
    {
      std::unique_lock<std::mutex> l(mu_);
      cv_.wait(l, [&] { return !ready_.empty(); });
      item = std::move(ready_.front());
      ready_.pop_front();
      free_.push_back(std::move(batch));
    }
    cv_.notify_all();
    if (!item.status.ok()) return item.status;
    if (!item.more) return false;
    batch = std::move(item.batch);
    return true;
  }

 private:
  static constexpr size_t kAhead = 2;
  struct Item {
    Status status;
    bool more = false;
    ImportBatch batch;
  };

  void Run() {
    for (;;) {
      Item item;
      {
        std::lock_guard<std::mutex> l(mu_);
        if (!free_.empty()) {
          item.batch = std::move(free_.front());
          free_.pop_front();
        }
      }
      auto more = reader_.Next(item.batch);
      if (more.ok()) {
        item.more = *more;
      } else {
        item.status = more.status();
      }
      const bool last = !item.status.ok() || !item.more;
      {
        std::unique_lock<std::mutex> l(mu_);
        cv_.wait(l, [&] { return stop_ || ready_.size() < kAhead; });
        if (stop_) return;
        ready_.push_back(std::move(item));
      }
      cv_.notify_all();
      if (last) return;
    }
  }

  ImportReader& reader_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Item> ready_;
  std::deque<ImportBatch> free_;
  bool stop_ = false;
  std::thread thread_;  // last: started once the members above exist
};

Importer::Importer(AuditLog* log, Env* env, ImportOptions options,
                   std::function<void(const ImportEvent&)> on_event)
    : log_(log), env_(env), options_(std::move(options)), on_event_(std::move(on_event)) {}

FileReport Importer::ImportFile(const std::string& path) {
  FileReport report;
  report.path = path;
  if (!log_status_.ok()) {
    report.status = log_status_;
    return report;
  }
  ++stats_.files;
  auto opened = ImportReader::Open(env_, path, options_);
  if (!opened.ok()) {
    report.status = opened.status();
    ++stats_.files_failed;
    return report;
  }
  ImportReader& reader = **opened;
  report.rows = reader.num_rows();
  report.missing_columns = reader.missing_columns();
  report.extra_columns = reader.extra_columns();
  report.notes = reader.notes();
  for (const auto& e : report.extra_columns) ++stats_.extra_columns[e];
  auto emit = [&](ImportEvent e) {
    if (on_event_) {
      e.path = &path;
      on_event_(e);
    }
  };
  {
    ImportEvent e;
    e.kind = ImportEvent::kFileOpened;
    e.reader = &reader;
    emit(e);
  }

  ImportBatch batch;
  std::optional<BatchPrefetcher> prefetch;
  prefetch.emplace(reader);
  for (;;) {
    auto more = prefetch->Next(batch);
    if (!more.ok()) {
      report.status = more.status();
      break;
    }
    if (!*more) break;
    size_t pi = 0;
    auto refused_until = [&](int64_t row) {
      while (pi < batch.problems.size() && batch.problems[pi].row < row) {
        ImportEvent e;
        e.kind = ImportEvent::kRefused;
        e.row = batch.problems[pi].row;
        e.message = &batch.problems[pi].message;
        emit(e);
        ++pi;
      }
    };
    for (size_t i = 0; i < batch.records.size(); ++i) {
      refused_until(batch.rows[i]);
      // Seal first, and then where a later month than any so far begins
      // once kSealBatchRows rows have come since the last seal (see
      // importer.h).
      std::string_view month = std::string_view(batch.records[i].date).substr(0, 7);
      const bool new_month = month > max_month_;
      if (!sealed_once_ || (new_month && rows_since_seal_ >= kSealBatchRows)) {
        // The seal runs on the log's seal thread while the rows after it
        // are appended (the first one and a failure wait: see importer.h).
        Status s = sealed_once_ ? log_->last_seal_status() : log_->Seal();
        if (!s.ok()) {
          log_status_ = s.WithContext(fmt::format("{}: sealing before row {}", path, batch.rows[i]));
          report.status = log_status_;
          break;
        }
        if (sealed_once_) log_->RequestSeal();
        sealed_once_ = true;
        rows_since_seal_ = 0;
      }
      if (new_month) max_month_.assign(month);
      ++rows_since_seal_;
      if ((i & 4095) == 4095) {
        ImportEvent e;
        e.kind = ImportEvent::kProgress;
        e.rows_done = rows_done_ + static_cast<int64_t>(i);
        emit(e);
      }
      // Validated by the reader (ConvertRows); not read again.
      auto seq = log_->AppendValidated(std::move(batch.records[i]));
      if (seq.ok()) {
        if (seq->duplicate) {
          ++report.already_present;
        } else {
          ++report.appended;
        }
        continue;
      }
      if (seq.status().code() == StatusCode::kAlreadyExists) {
        ++report.conflicts;
        ImportEvent e;
        e.kind = ImportEvent::kConflict;
        e.row = batch.rows[i];
        e.existing_seq = seq.status().seq();
        e.message = &seq.status().message();
        emit(e);
        continue;
      }
      log_status_ = seq.status().WithContext(fmt::format("{}: row {}", path, batch.rows[i]));
      report.status = log_status_;
      break;
    }
    if (!log_status_.ok()) break;
    refused_until(std::numeric_limits<int64_t>::max());
    rows_done_ += static_cast<int64_t>(batch.records.size() + batch.problems.size());
    ImportEvent e;
    e.kind = ImportEvent::kProgress;
    e.rows_done = rows_done_;
    emit(e);
  }

  prefetch.reset();  // the reader is this thread's again
  report.read = reader.counts();
  if (!report.status.ok()) ++stats_.files_failed;
  stats_.rows_read += report.read.rows_read;
  stats_.refused += report.read.refused;
  stats_.truncated_timestamps += report.read.truncated_timestamps;
  for (size_t f = 0; f < kImportFieldCount; ++f) {
    stats_.missing[f] += report.read.missing[f];
    stats_.nulls[f] += report.read.nulls[f];
  }
  stats_.appended += report.appended;
  stats_.already_present += report.already_present;
  stats_.conflicts += report.conflicts;
  return report;
}

}  // namespace budget_audit::log

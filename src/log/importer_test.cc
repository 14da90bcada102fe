#include "log/importer.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <set>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "env/fault_env.h"
#include "env/gathering_env.h"
#include "log/snapshot.h"
#include "log/tick.h"
#include "parquet/file_writer.h"
#include "parquet/metadata.h"
#include "util/bytes.h"
#include "util/civil_time.h"

namespace budget_audit::log {
namespace {

using parquet::ColumnSpec;
using parquet::ColumnVector;
using parquet::ConvertedType;
using parquet::LogicalType;
using parquet::Repetition;
using parquet::TimeUnit;
using parquet::Type;

constexpr int64_t kT0 = 1780114500000000;  // 2026-05-30T04:15:00Z
constexpr int64_t kStep = 900000000;       // 15 minutes
constexpr int64_t kDayUs = 86400000000;

// ---------------------------------------------------------------------------
// Building small Parquet files.

template <typename T>
using Opt = std::vector<std::optional<T>>;

template <typename T>
ColumnVector Values(Type type, const Opt<T>& vals, int32_t type_length = 0) {
  ColumnVector v;
  v.type = type;
  v.type_length = type_length;
  if (type == Type::BYTE_ARRAY) v.offsets = {0};
  for (const auto& x : vals) {
    v.defined.push_back(x.has_value() ? 1 : 0);
    if (!x) continue;
    if constexpr (std::is_same_v<T, bool>) {
      v.bools.push_back(*x ? 1 : 0);
    } else if constexpr (std::is_same_v<T, int32_t>) {
      v.i32.push_back(*x);
    } else if constexpr (std::is_same_v<T, int64_t>) {
      v.i64.push_back(*x);
    } else if constexpr (std::is_same_v<T, float>) {
      v.f32.push_back(*x);
    } else if constexpr (std::is_same_v<T, double>) {
      v.f64.push_back(*x);
    } else if constexpr (std::is_same_v<T, std::string>) {
      if (type == Type::BYTE_ARRAY) {
        v.AppendByteArray(*x);
      } else {
        v.fixed.insert(v.fixed.end(), x->begin(), x->end());
      }
    }
  }
  return v;
}

ColumnSpec Spec(std::string name, Type type) {
  ColumnSpec s;
  s.name = std::move(name);
  s.type = type;
  return s;
}

ColumnSpec DateSpec(std::string name) {
  ColumnSpec s = Spec(std::move(name), Type::INT32);
  s.logical_type.kind = LogicalType::Kind::DATE;
  s.converted_type = ConvertedType::DATE;
  return s;
}

ColumnSpec DecimalSpec(std::string name, Type type, int32_t precision, int32_t scale) {
  ColumnSpec s = Spec(std::move(name), type);
  s.logical_type.kind = LogicalType::Kind::DECIMAL;
  s.logical_type.decimal_precision = precision;
  s.logical_type.decimal_scale = scale;
  s.converted_type = ConvertedType::DECIMAL;
  s.precision = precision;
  s.scale = scale;
  return s;
}

ColumnSpec UInt64Spec(std::string name) {
  ColumnSpec s = Spec(std::move(name), Type::INT64);
  s.logical_type.kind = LogicalType::Kind::INTEGER;
  s.logical_type.bit_width = 64;
  s.logical_type.is_signed = false;
  s.converted_type = ConvertedType::UINT_64;
  return s;
}

struct Table {
  std::vector<ColumnSpec> specs;
  std::vector<ColumnVector> cols;
  Table& Add(ColumnSpec spec, ColumnVector v) {
    specs.push_back(std::move(spec));
    cols.push_back(std::move(v));
    return *this;
  }
  Table& Ts(Opt<int64_t> v, TimeUnit unit = TimeUnit::MICROS, bool utc = true,
            std::string name = "timestamp") {
    return Add(parquet::TimestampColumn(std::move(name), unit, utc), Values(Type::INT64, v));
  }
  Table& I64(std::string name, Opt<int64_t> v) {
    return Add(parquet::Int64Column(std::move(name)), Values(Type::INT64, v));
  }
  Table& I32(std::string name, Opt<int32_t> v) {
    return Add(Spec(std::move(name), Type::INT32), Values(Type::INT32, v));
  }
  Table& F64(std::string name, Opt<double> v) {
    return Add(parquet::DoubleColumn(std::move(name)), Values(Type::DOUBLE, v));
  }
  Table& F32(std::string name, Opt<float> v) {
    return Add(Spec(std::move(name), Type::FLOAT), Values(Type::FLOAT, v));
  }
  Table& Bool(std::string name, Opt<bool> v) {
    return Add(parquet::BoolColumn(std::move(name)), Values(Type::BOOLEAN, v));
  }
  Table& Str(std::string name, Opt<std::string> v) {
    return Add(parquet::StringColumn(std::move(name)), Values(Type::BYTE_ARRAY, v));
  }
  Table& Date(std::string name, Opt<int32_t> days) {
    return Add(DateSpec(std::move(name)), Values(Type::INT32, days));
  }
};

parquet::WriterOptions FixedWriterOptions() {
  parquet::WriterOptions wo;
  wo.created_by = "budget-audit importer_test";  // reproducible bytes
  return wo;
}

// The bytes of a Parquet file holding `t` (one row group unless
// `rows_per_group`).
std::vector<uint8_t> FileBytes(const Table& t, parquet::WriterOptions wo = FixedWriterOptions(),
                               int64_t rows_per_group = 0) {
  auto env = NewMemEnv();
  if (rows_per_group > 0) wo.max_row_group_rows = rows_per_group;
  auto w = parquet::FileWriter::Open(env.get(), "/f.parquet", t.specs, wo);
  EXPECT_TRUE(w.ok()) << w.status().ToString();
  if (!w.ok()) return {};
  Status s = (*w)->WriteRowGroup(t.cols);
  EXPECT_TRUE(s.ok()) << s.ToString();
  auto size = (*w)->Close();
  EXPECT_TRUE(size.ok()) << size.status().ToString();
  auto bytes = env->ReadFileToBytes("/f.parquet");
  EXPECT_TRUE(bytes.ok());
  return bytes.ok() ? *bytes : std::vector<uint8_t>{};
}

// Decodes the footer of `file`, lets `fn` change it, and re-encodes it
// (for what our writer does not write: INT96, nested schemas).
std::vector<uint8_t> RewriteFooter(const std::vector<uint8_t>& file,
                                   const std::function<void(parquet::FileMetaData&)>& fn) {
  uint32_t len;
  std::memcpy(&len, file.data() + file.size() - 8, 4);
  size_t start = file.size() - 8 - len;
  ByteReader r(ByteSpan(file.data() + start, len));
  auto md = parquet::DecodeFileMetaData(r);
  EXPECT_TRUE(md.ok()) << md.status().ToString();
  if (!md.ok()) return {};
  fn(*md);
  ByteWriter w;
  parquet::EncodeFileMetaData(*md, w);
  std::vector<uint8_t> out(file.begin(), file.begin() + static_cast<ptrdiff_t>(start));
  out.insert(out.end(), w.bytes().begin(), w.bytes().end());
  uint32_t n = static_cast<uint32_t>(w.size());
  out.insert(out.end(), reinterpret_cast<uint8_t*>(&n), reinterpret_cast<uint8_t*>(&n) + 4);
  for (char c : std::string("PAR1")) out.push_back(static_cast<uint8_t>(c));
  return out;
}

// 12-byte INT96 (LE nanos of day, LE Julian day) of an instant in ns.
std::string Int96(int64_t nanos) {
  int64_t day = nanos / 86400000000000;
  int64_t nod = nanos % 86400000000000;
  if (nod < 0) {
    nod += 86400000000000;
    --day;
  }
  int32_t julian = static_cast<int32_t>(day + 2440588);
  std::string out(12, '\0');
  std::memcpy(out.data(), &nod, 8);
  std::memcpy(out.data() + 8, &julian, 4);
  return out;
}

// A file whose `timestamp` column is INT96 holding `nanos` (written as
// FLBA(12) PLAIN, then retyped in the footer).
std::vector<uint8_t> Int96File(const Opt<int64_t>& nanos, Table rest = {}) {
  Opt<std::string> raw;
  for (const auto& n : nanos) raw.push_back(n ? std::optional<std::string>(Int96(*n)) : std::nullopt);
  ColumnSpec s = Spec("timestamp", Type::FIXED_LEN_BYTE_ARRAY);
  s.type_length = 12;
  Table t;
  t.Add(s, Values(Type::FIXED_LEN_BYTE_ARRAY, raw, 12));
  for (size_t i = 0; i < rest.specs.size(); ++i) t.Add(rest.specs[i], rest.cols[i]);
  parquet::WriterOptions wo = FixedWriterOptions();
  wo.dictionary = false;
  wo.write_statistics = false;
  return RewriteFooter(FileBytes(t, wo), [](parquet::FileMetaData& md) {
    md.schema[1].type = Type::INT96;
    md.schema[1].type_length = 0;
    for (auto& rg : md.row_groups) rg.columns[0].meta_data->type = Type::INT96;
  });
}

// Wraps the top-level column `name` into a group of the same name holding
// it as its only child (a nested column; its data is never read).
std::vector<uint8_t> NestColumn(const std::vector<uint8_t>& file, const std::string& name) {
  return RewriteFooter(file, [&](parquet::FileMetaData& md) {
    for (size_t i = 1; i < md.schema.size(); ++i) {
      if (md.schema[i].name != name) continue;
      parquet::SchemaElement group;
      group.name = name;
      group.num_children = 1;
      group.repetition = Repetition::OPTIONAL;
      md.schema[i].name = "inner";
      md.schema.insert(md.schema.begin() + static_cast<ptrdiff_t>(i), group);
      for (auto& rg : md.row_groups) {
        for (auto& c : rg.columns) {
          if (c.meta_data->path_in_schema == std::vector<std::string>{name}) {
            c.meta_data->path_in_schema = {name, "inner"};
          }
        }
      }
      return;
    }
  });
}

// ---------------------------------------------------------------------------
// Reading.

struct ReadAll {
  Status status;
  std::vector<SlotRecord> records;
  std::vector<int64_t> rows;
  std::vector<RowProblem> problems;
  ReadCounts counts;
  std::vector<std::string> missing, extra, notes;
};

ReadAll ReadFile(std::unique_ptr<parquet::FileReader> file, ImportOptions o = {}) {
  ReadAll out;
  auto r = ImportReader::Open(std::move(file), o);
  if (!r.ok()) {
    out.status = r.status();
    return out;
  }
  out.missing = (*r)->missing_columns();
  out.extra = (*r)->extra_columns();
  out.notes = (*r)->notes();
  ImportBatch b;
  for (;;) {
    auto more = (*r)->Next(b);
    if (!more.ok()) {
      out.status = more.status();
      break;
    }
    if (!*more) break;
    EXPECT_EQ(b.rows.size(), b.records.size());
    out.records.insert(out.records.end(), b.records.begin(), b.records.end());
    out.rows.insert(out.rows.end(), b.rows.begin(), b.rows.end());
    out.problems.insert(out.problems.end(), b.problems.begin(), b.problems.end());
  }
  out.counts = (*r)->counts();
  return out;
}

ReadAll ReadBytes(std::vector<uint8_t> bytes, ImportOptions o = {}) {
  auto f = parquet::FileReader::OpenBuffer(std::move(bytes), "mem.parquet");
  if (!f.ok()) {
    ReadAll out;
    out.status = f.status();
    return out;
  }
  return ReadFile(std::move(*f), o);
}

ReadAll ReadTable(const Table& t, ImportOptions o = {}) { return ReadBytes(FileBytes(t), o); }

bool Contains(const std::string& s, std::string_view part) { return s.find(part) != std::string::npos; }

const std::string kData = BA_TEST_DATA_DIR;

// The rows of tests/data/slot-log/expected.jsonl as SlotRecords.
std::vector<SlotRecord> ExpectedSlotLog() {
  std::vector<SlotRecord> out;
  std::ifstream in(kData + "/slot-log/expected.jsonl");
  std::string line;
  while (std::getline(in, line)) {
    auto j = nlohmann::json::parse(line);
    SlotRecord r;
    auto ts = ParseIsoTimestamp(j["timestamp"].get<std::string>());
    EXPECT_TRUE(ts.ok());
    r.timestamp_us = ts->utc_us;
    r.date = j["date"];
    r.slot_index = j["slot_index"];
    r.planned_offset_deg = j["planned_offset_deg"];
    r.actual_offset_deg = j["actual_offset_deg"];
    r.energy_cost_kwh = j["energy_cost_kwh"];
    r.budget_spent_kwh = j["budget_spent_kwh"];
    r.budget_remaining_kwh = j["budget_remaining_kwh"];
    r.gate_passed = j["gate_passed"];
    r.source = j["source"];
    r.stage_id = j["stage_id"];
    out.push_back(std::move(r));
  }
  return out;
}

// ---------------------------------------------------------------------------
// Files written by real writers.

TEST(ImportReader, SlotLogFixturesGiveTheExpectedRows) {
  std::vector<SlotRecord> expected = ExpectedSlotLog();
  ASSERT_EQ(expected.size(), 1000u);
  for (const char* name :
       {"arrow-rs-v1", "arrow-rs-v2", "duckdb-snappy", "duckdb-gzip", "duckdb-zstd-v2", "hyparquet"}) {
    SCOPED_TRACE(name);
    auto f = parquet::FileReader::Open(Env::Default(), kData + "/slot-log/" + name + ".parquet");
    ASSERT_TRUE(f.ok()) << f.status().ToString();
    ImportOptions o;
    o.batch_rows = 300;  // batches inside row groups too
    ReadAll got = ReadFile(std::move(*f), o);
    ASSERT_TRUE(got.status.ok()) << got.status.ToString();
    EXPECT_TRUE(got.problems.empty());
    EXPECT_TRUE(got.missing.empty());
    EXPECT_TRUE(got.extra.empty());
    EXPECT_TRUE(got.notes.empty());  // every writer marked its timestamps UTC
    ASSERT_EQ(got.records.size(), expected.size());
    for (size_t i = 0; i < expected.size(); ++i) {
      ASSERT_EQ(got.records[i], expected[i]) << "row " << i + 1;
      ASSERT_EQ(got.rows[i], static_cast<int64_t>(i) + 1);
    }
    EXPECT_EQ(got.counts.rows_read, 1000);
    for (size_t f2 = 0; f2 < kImportFieldCount; ++f2) {
      EXPECT_EQ(got.counts.missing[f2], 0);
      EXPECT_EQ(got.counts.nulls[f2], 0);
    }
  }
}

TEST(ImportReader, Int96FromSpark) {
  // parquet-testing's Spark file, its column renamed to `timestamp`.
  auto bytes = Env::Default()->ReadFileToBytes(kData + "/parquet-testing/data/int96_from_spark.parquet");
  ASSERT_TRUE(bytes.ok());
  auto renamed = RewriteFooter(*bytes, [](parquet::FileMetaData& md) {
    md.schema[1].name = "timestamp";
    for (auto& rg : md.row_groups) rg.columns[0].meta_data->path_in_schema = {"timestamp"};
  });
  ReadAll got = ReadBytes(renamed);
  ASSERT_TRUE(got.status.ok()) << got.status.ToString();
  // int96_from_spark.md: the microseconds Spark reads (the 5th is null; the
  // 6th, 9089380393200000000, is in the year 290000: outside the years
  // 0001..9999 every way in takes, docs/validation.md).
  std::vector<int64_t> want = {1704141296123456, 1704070800000000, 253402225200000000, 1735599600000000};
  ASSERT_EQ(got.records.size(), 4u);
  for (size_t i = 0; i < 4; ++i) EXPECT_EQ(got.records[i].timestamp_us, want[i]) << i;
  EXPECT_EQ(got.records[0].date, "2024-01-01");
  EXPECT_EQ(got.rows, (std::vector<int64_t>{1, 2, 3, 4}));
  ASSERT_EQ(got.problems.size(), 2u);
  EXPECT_EQ(got.problems[0].row, 5);
  EXPECT_TRUE(Contains(got.problems[0].message, "timestamp: null")) << got.problems[0].message;
  EXPECT_EQ(got.problems[1].row, 6);
  EXPECT_TRUE(Contains(got.problems[1].message, "timestamp: 9089380393200000000 microseconds"))
      << got.problems[1].message;
  EXPECT_TRUE(Contains(got.problems[1].message, "0001..9999")) << got.problems[1].message;
  ASSERT_EQ(got.notes.size(), 2u);  // INT96 read as UTC; no date column
  EXPECT_TRUE(Contains(got.notes[0], "INT96"));
}

// ---------------------------------------------------------------------------
// Timestamps.

TEST(ImportReader, TimestampUnitsAndUtcFlag) {
  const int64_t us = kT0 + 123456;
  for (TimeUnit unit : {TimeUnit::MILLIS, TimeUnit::MICROS, TimeUnit::NANOS}) {
    for (bool utc : {true, false}) {
      SCOPED_TRACE(::testing::Message() << static_cast<int>(unit) << " utc=" << utc);
      int64_t stored = unit == TimeUnit::MILLIS   ? (us - 456) / 1000
                       : unit == TimeUnit::MICROS ? us
                                                  : us * 1000;
      int64_t want = unit == TimeUnit::MILLIS ? us - 456 : us;
      Table t;
      t.Ts({stored, unit == TimeUnit::NANOS ? -1000 : -1}, unit, utc);
      ReadAll got = ReadTable(t);
      ASSERT_TRUE(got.status.ok()) << got.status.ToString();
      ASSERT_EQ(got.records.size(), 2u);
      EXPECT_EQ(got.records[0].timestamp_us, want);
      EXPECT_EQ(got.records[0].date, "2026-05-30");
      // -1 unit before the epoch: floor, so 1969-12-31.
      EXPECT_EQ(got.records[1].timestamp_us, unit == TimeUnit::MILLIS ? -1000 : -1);
      EXPECT_EQ(got.records[1].date, "1969-12-31");
      bool naive_note = !got.notes.empty() && Contains(got.notes[0], "read as UTC");
      EXPECT_EQ(naive_note, !utc);
    }
  }
}

TEST(ImportReader, NanosecondsFinerThanAMicrosecond) {
  Table t;
  t.Ts({kT0 * 1000 + 999, kT0 * 1000 + 5000, -1}, TimeUnit::NANOS);
  ReadAll refused = ReadTable(t);
  ASSERT_TRUE(refused.status.ok());
  ASSERT_EQ(refused.records.size(), 1u);
  EXPECT_EQ(refused.records[0].timestamp_us, kT0 + 5);
  ASSERT_EQ(refused.problems.size(), 2u);
  EXPECT_EQ(refused.problems[0].row, 1);
  EXPECT_TRUE(Contains(refused.problems[0].message, "2026-05-30T04:15:00.000000999Z"))
      << refused.problems[0].message;
  EXPECT_TRUE(Contains(refused.problems[0].message, "999 ns"));
  EXPECT_EQ(refused.problems[1].row, 3);
  EXPECT_EQ(refused.counts.refused, 2);

  ImportOptions o;
  o.truncate_sub_micros = true;
  ReadAll floored = ReadTable(t, o);
  ASSERT_EQ(floored.records.size(), 3u);
  EXPECT_EQ(floored.records[0].timestamp_us, kT0);
  EXPECT_EQ(floored.records[1].timestamp_us, kT0 + 5);
  EXPECT_EQ(floored.records[2].timestamp_us, -1);  // toward -infinity
  EXPECT_EQ(floored.counts.truncated_timestamps, 2);
}

TEST(ImportReader, Int96Synthetic) {
  Table rest;
  rest.I64("slot_index", {1, 2, 3, 4});
  ReadAll got = ReadBytes(Int96File({kT0 * 1000, std::nullopt, -1000, kT0 * 1000 + 1}, rest));
  ASSERT_TRUE(got.status.ok()) << got.status.ToString();
  ASSERT_EQ(got.records.size(), 2u);
  EXPECT_EQ(got.records[0].timestamp_us, kT0);
  EXPECT_EQ(got.records[0].slot_index, 1);
  EXPECT_EQ(got.records[1].timestamp_us, -1);
  EXPECT_EQ(got.records[1].slot_index, 3);
  ASSERT_EQ(got.problems.size(), 2u);
  EXPECT_EQ(got.problems[0].row, 2);
  EXPECT_EQ(got.problems[1].row, 4);
  EXPECT_TRUE(Contains(got.problems[1].message, "1 ns below the microsecond"));
}

TEST(ImportReader, TimestampOutOfRange) {
  Table t;
  t.Ts({INT64_MAX / 10}, TimeUnit::MILLIS);
  ReadAll got = ReadTable(t);
  ASSERT_TRUE(got.status.ok());
  ASSERT_EQ(got.problems.size(), 1u);
  EXPECT_TRUE(Contains(got.problems[0].message, "outside the range")) << got.problems[0].message;
}

TEST(ImportReader, NoTimestampColumnIsRefused) {
  Table t;
  t.I64("slot_index", {1}).Str("date", {"2026-05-30"});
  ReadAll got = ReadTable(t);
  EXPECT_EQ(got.status.code(), StatusCode::kNotSupported);
  EXPECT_TRUE(Contains(got.status.message(), "mem.parquet: no 'timestamp' column")) << got.status.message();
}

TEST(ImportReader, TimestampOfTheWrongTypeIsRefused) {
  Table t;
  t.Str("timestamp", {"2026-05-30T04:15:00Z"});
  ReadAll got = ReadTable(t);
  EXPECT_EQ(got.status.code(), StatusCode::kNotSupported);
  EXPECT_TRUE(Contains(got.status.message(),
                       "column 'timestamp' is BYTE_ARRAY STRING; expected a "
                       "timestamp"))
      << got.status.message();
  Table u;
  u.I64("timestamp", {kT0});  // no unit: refused rather than guessed
  EXPECT_EQ(ReadTable(u).status.code(), StatusCode::kNotSupported);
}

TEST(ImportReader, NullTimestampRefusesTheRow) {
  Table t;
  t.Ts({kT0, std::nullopt, kT0 + kStep}).I64("slot_index", {1, 2, 3});
  ReadAll got = ReadTable(t);
  ASSERT_TRUE(got.status.ok());
  EXPECT_EQ(got.rows, (std::vector<int64_t>{1, 3}));
  EXPECT_EQ(got.records[1].slot_index, 3);  // values after a refused row stay aligned
  ASSERT_EQ(got.problems.size(), 1u);
  EXPECT_EQ(got.problems[0].row, 2);
  EXPECT_EQ(got.counts.rows_read, 3);
  EXPECT_EQ(got.counts.refused, 1);
}

// ---------------------------------------------------------------------------
// date.

TEST(ImportReader, DateAsStringAsDateOrDerived) {
  const int64_t late = kT0 + 20 * 3600000000ll;  // 2026-05-31T00:15:00Z
  Table str;
  str.Ts({kT0, late}).Str("date", {"2026-05-30", "2026-05-30"});  // second: -01:00 local date
  ReadAll a = ReadTable(str);
  ASSERT_TRUE(a.status.ok());
  ASSERT_EQ(a.records.size(), 2u);
  EXPECT_EQ(a.records[1].date, "2026-05-30");

  Table date;
  date.Ts({kT0, late}).Date("date", {20603, 20604});  // 2026-05-30, 2026-05-31
  ReadAll b = ReadTable(date);
  ASSERT_TRUE(b.status.ok()) << b.status.ToString();
  ASSERT_EQ(b.records.size(), 2u);
  EXPECT_EQ(b.records[0].date, "2026-05-30");
  EXPECT_EQ(b.records[1].date, "2026-05-31");

  Table none;
  none.Ts({kT0, late});
  ReadAll c = ReadTable(none);
  ASSERT_EQ(c.records.size(), 2u);
  EXPECT_EQ(c.records[0].date, "2026-05-30");
  EXPECT_EQ(c.records[1].date, "2026-05-31");  // UTC
  EXPECT_EQ(c.counts.missing[kFieldDate], 2);
  EXPECT_EQ(c.missing[0], "date");
  ASSERT_FALSE(c.notes.empty());
  EXPECT_TRUE(Contains(c.notes[0], "calendar date in UTC"));
}

TEST(ImportReader, BadDatesRefuseTheRow) {
  Table t;
  t.Ts({kT0, kT0, kT0, kT0, kT0})
      .Str("date", {"2026-05-29", "2026-06-01", "30/05/2026", std::nullopt, "2026-05-31"});
  ReadAll got = ReadTable(t);
  ASSERT_TRUE(got.status.ok());
  // Rows 1 and 5: one day off (offsets -12:00..+14:00 give that); row 4: null -> derived.
  EXPECT_EQ(got.rows, (std::vector<int64_t>{1, 4, 5}));
  EXPECT_EQ(got.records[1].date, "2026-05-30");
  EXPECT_EQ(got.counts.nulls[kFieldDate], 1);
  ASSERT_EQ(got.problems.size(), 2u);
  EXPECT_EQ(got.problems[0].row, 2);
  EXPECT_TRUE(Contains(got.problems[0].message,
                       "date: 2026-06-01 is not the calendar date of timestamp "
                       "2026-05-30T04:15:00Z in any UTC offset"))
      << got.problems[0].message;
  EXPECT_EQ(got.problems[1].row, 3);
  EXPECT_TRUE(Contains(got.problems[1].message, "\"30/05/2026\" is not a date")) << got.problems[1].message;
}

// ---------------------------------------------------------------------------
// Numbers, booleans, strings.

TEST(ImportReader, IntegerVariants) {
  ColumnSpec i16 = Spec("slot_index", Type::INT32);
  i16.logical_type.kind = LogicalType::Kind::INTEGER;
  i16.logical_type.bit_width = 16;
  i16.logical_type.is_signed = true;
  i16.converted_type = ConvertedType::INT_16;
  {
    Table t;
    t.Ts({kT0, kT0 + kStep}).Add(i16, Values<int32_t>(Type::INT32, {-5, 300}));
    ReadAll got = ReadTable(t);
    ASSERT_TRUE(got.status.ok()) << got.status.ToString();
    EXPECT_EQ(got.records[0].slot_index, -5);
    EXPECT_EQ(got.records[1].slot_index, 300);
  }
  {
    Table t;
    t.Ts({kT0, kT0 + kStep}).I32("slot_index", {INT32_MIN, INT32_MAX});
    ReadAll got = ReadTable(t);
    EXPECT_EQ(got.records[0].slot_index, INT32_MIN);
    EXPECT_EQ(got.records[1].slot_index, INT32_MAX);
  }
  {
    Table t;
    t.Ts({kT0, kT0 + kStep}).Add(UInt64Spec("slot_index"), Values<int64_t>(Type::INT64, {7, -1}));
    ReadAll got = ReadTable(t);
    ASSERT_EQ(got.records.size(), 1u);
    EXPECT_EQ(got.records[0].slot_index, 7);
    ASSERT_EQ(got.problems.size(), 1u);
    // The words the `log` command uses for the same value (docs/validation.md).
    EXPECT_TRUE(Contains(got.problems[0].message,
                         "slot_index: 18446744073709551615 is outside the range of a signed "
                         "64-bit integer"))
        << got.problems[0].message;
  }
  {
    // pandas makes an int column with gaps float64.
    Table t;
    t.Ts({kT0, kT0 + kStep, kT0 + 2 * kStep, kT0 + 3 * kStep})
        .F64("slot_index", {17.0, std::nullopt, 17.5, 1e300});
    ReadAll got = ReadTable(t);
    EXPECT_EQ(got.rows, (std::vector<int64_t>{1, 2}));
    EXPECT_EQ(got.records[0].slot_index, 17);
    EXPECT_EQ(got.records[1].slot_index, -1);
    EXPECT_EQ(got.counts.nulls[2], 1);
    ASSERT_EQ(got.problems.size(), 2u);
    EXPECT_TRUE(Contains(got.problems[0].message, "slot_index: 17.5 is not a whole number"));
  }
  {
    Table t;
    t.Ts({kT0, kT0 + kStep})
        .Add(DecimalSpec("slot_index", Type::INT64, 10, 2), Values<int64_t>(Type::INT64, {1700, 1750}));
    ReadAll got = ReadTable(t);
    ASSERT_EQ(got.records.size(), 1u);
    EXPECT_EQ(got.records[0].slot_index, 17);
    ASSERT_EQ(got.problems.size(), 1u);
    EXPECT_TRUE(Contains(got.problems[0].message, "17.50 is not a whole number"));
  }
}

TEST(ImportReader, DoubleVariants) {
  Table t;
  t.Ts({kT0, kT0 + kStep})
      .F32("planned_offset_deg", {0.1f, -2.5f})
      .I32("actual_offset_deg", {-4, 7})
      .I64("energy_cost_kwh", {int64_t{1} << 53, 3})
      .Add(DecimalSpec("budget_spent_kwh", Type::INT32, 9, 3), Values<int32_t>(Type::INT32, {3435, -1}))
      .F64("budget_remaining_kwh", {1.5, -2.5});
  ReadAll got = ReadTable(t);
  ASSERT_TRUE(got.status.ok()) << got.status.ToString();
  ASSERT_EQ(got.records.size(), 2u);
  EXPECT_EQ(got.records[0].planned_offset_deg, double{0.1f});  // widened exactly
  EXPECT_EQ(got.records[1].planned_offset_deg, -2.5);
  EXPECT_EQ(got.records[0].actual_offset_deg, -4.0);
  EXPECT_EQ(got.records[0].energy_cost_kwh, 9007199254740992.0);
  EXPECT_EQ(got.records[0].budget_spent_kwh, 3.435);  // nearest double to the decimal
  EXPECT_EQ(got.records[1].budget_spent_kwh, -0.001);
  EXPECT_EQ(got.records[1].budget_remaining_kwh, -2.5);
}

// NaN and infinities were kept as stored, and the reports then printed NaN
// or Infinity (issue 11.5, 11.6): every way in refuses them now.
TEST(ImportReader, NonFiniteNumbersRefuseTheRow) {
  Table t;
  t.Ts({kT0, kT0 + kStep, kT0 + 2 * kStep})
      .F64("budget_remaining_kwh", {NAN, 1.0, 2.0})
      .F32("planned_offset_deg", {0.0f, -INFINITY, 0.5f});
  ReadAll got = ReadTable(t);
  ASSERT_TRUE(got.status.ok()) << got.status.ToString();
  ASSERT_EQ(got.records.size(), 1u);
  EXPECT_EQ(got.records[0].planned_offset_deg, 0.5);
  ASSERT_EQ(got.problems.size(), 2u);
  EXPECT_EQ(got.problems[0].row, 1);
  EXPECT_EQ(got.problems[0].message,
            "budget_remaining_kwh: NaN is refused (the log holds finite numbers only)");
  EXPECT_EQ(got.problems[1].row, 2);
  EXPECT_EQ(got.problems[1].message,
            "planned_offset_deg: -Infinity is refused (the log holds finite numbers only)");
}

// A near miss of a missing column refuses the file, so the field does not
// silently take its default (issue 11.5: energy_cost_kw gave energy 0).
TEST(ImportReader, ANearMissColumnRefusesTheFile) {
  {
    Table t;
    t.Ts({kT0}).F64("energy_cost_kw", {1.5});
    ReadAll got = ReadTable(t);
    EXPECT_EQ(got.status.code(), StatusCode::kInvalidArgument);
    EXPECT_TRUE(Contains(got.status.message(),
                         "column 'energy_cost_kw' is not one of the log's "
                         "columns and the file has no 'energy_cost_kwh': "
                         "did you mean energy_cost_kwh?"))
        << got.status.message();
  }
  {
    Table t;
    t.Ts({kT0}).F64("plan_offset_deg", {1.5});
    ReadAll got = ReadTable(t);
    EXPECT_TRUE(Contains(got.status.message(),
                         "did you mean planned_offset_deg (the column the log stores tick "
                         "attribute plan_offset_deg as)?"))
        << got.status.message();
  }
  {
    // Both present: the extra one is only reported; far from any field: ignored.
    Table t;
    t.Ts({kT0}).F64("energy_cost_kwh", {2.0}).F64("energy_cost_kw", {1.5}).I64("note", {1});
    ReadAll got = ReadTable(t);
    ASSERT_TRUE(got.status.ok()) << got.status.ToString();
    EXPECT_EQ(got.extra, (std::vector<std::string>{"energy_cost_kw", "note"}));
    ASSERT_EQ(got.records.size(), 1u);
    EXPECT_EQ(got.records[0].energy_cost_kwh, 2.0);
  }
}

TEST(ImportReader, NullsTakeThePythonDefaultsAndAreCounted) {
  Table t;
  t.Ts({kT0, kT0 + kStep})
      .Str("date", {std::nullopt, "2026-05-30"})
      .I64("slot_index", {std::nullopt, 4})
      .F64("planned_offset_deg", {std::nullopt, 1.5})
      .F64("actual_offset_deg", {std::nullopt, 1.5})
      .F64("energy_cost_kwh", {std::nullopt, 1.5})
      .F64("budget_spent_kwh", {std::nullopt, 1.5})
      .F64("budget_remaining_kwh", {std::nullopt, 1.5})
      .Bool("gate_passed", {std::nullopt, true})
      .Str("source", {std::nullopt, "manual"})
      .Str("stage_id", {std::nullopt, "budbreak"});
  ReadAll got = ReadTable(t);
  ASSERT_TRUE(got.status.ok());
  ASSERT_EQ(got.records.size(), 2u);
  SlotRecord want;
  want.timestamp_us = kT0;
  want.date = "2026-05-30";  // derived from the timestamp
  EXPECT_EQ(got.records[0], want);
  EXPECT_EQ(want.slot_index, -1);
  EXPECT_EQ(want.stage_id, "unknown");
  EXPECT_EQ(got.records[1].slot_index, 4);
  EXPECT_TRUE(got.records[1].gate_passed);
  EXPECT_EQ(got.records[1].stage_id, "budbreak");
  for (size_t f = 1; f < kImportFieldCount; ++f) {
    EXPECT_EQ(got.counts.nulls[f], 1) << log::kFields[f].column;
    EXPECT_EQ(got.counts.missing[f], 0) << log::kFields[f].column;
  }
}

TEST(ImportReader, MissingColumnsTakeThePythonDefaults) {
  Table t;
  t.Ts({kT0, kT0 + kStep, std::nullopt}).Str("source", {"a", "b", "c"});
  ReadAll got = ReadTable(t);
  ASSERT_TRUE(got.status.ok());
  ASSERT_EQ(got.records.size(), 2u);
  EXPECT_EQ(got.records[1].source, "b");
  EXPECT_EQ(got.records[1].stage_id, "unknown");
  EXPECT_EQ(got.records[1].slot_index, -1);
  EXPECT_EQ(got.missing, (std::vector<std::string>{"date", "slot_index", "planned_offset_deg",
                                                   "actual_offset_deg", "energy_cost_kwh", "budget_spent_kwh",
                                                   "budget_remaining_kwh", "gate_passed", "stage_id"}));
  // Counted for the records handed out, not the refused row.
  EXPECT_EQ(got.counts.missing[kFieldDate], 2);
  EXPECT_EQ(got.counts.missing[10], 2);
  EXPECT_EQ(got.counts.missing[9], 0);
}

TEST(ImportReader, StringsMustBeUtf8) {
  Table t;
  t.Ts({kT0, kT0 + kStep, kT0 + 2 * kStep})
      .Str("source", {"réglage ☀", std::string("\xff\xfe", 2), std::string("\xed\xa0\x80", 3)});
  ReadAll got = ReadTable(t);
  ASSERT_EQ(got.records.size(), 1u);
  EXPECT_EQ(got.records[0].source, "réglage ☀");
  ASSERT_EQ(got.problems.size(), 2u);
  EXPECT_EQ(got.problems[0].message, "source: not valid UTF-8 (byte 0xff at offset 0)");
  EXPECT_EQ(got.problems[1].message, "source: not valid UTF-8 (byte 0xed at offset 0)");
}

TEST(ImportReader, TypesAFieldCannotTakeRefuseTheFile) {
  Table t;
  t.Ts({kT0}).Str("gate_passed", {"yes"});
  ReadAll got = ReadTable(t);
  EXPECT_EQ(got.status.code(), StatusCode::kNotSupported);
  EXPECT_TRUE(Contains(got.status.message(), "column 'gate_passed' is BYTE_ARRAY STRING; expected a BOOLEAN"))
      << got.status.message();
  Table u;
  u.Ts({kT0}).F64("source", {1.0});
  EXPECT_EQ(ReadTable(u).status.code(), StatusCode::kNotSupported);
}

TEST(ImportReader, NullTypeColumnIsAllDefaults) {
  ColumnSpec s = Spec("stage_id", Type::INT32);
  s.logical_type.kind = LogicalType::Kind::UNKNOWN;
  Table t;
  t.Ts({kT0, kT0 + kStep}).Add(s, Values<int32_t>(Type::INT32, {std::nullopt, std::nullopt}));
  ReadAll got = ReadTable(t);
  ASSERT_TRUE(got.status.ok()) << got.status.ToString();
  ASSERT_EQ(got.records.size(), 2u);
  EXPECT_EQ(got.records[0].stage_id, "unknown");
  EXPECT_EQ(got.counts.nulls[10], 2);
}

// ---------------------------------------------------------------------------
// Extra and nested columns.

TEST(ImportReader, ExtraColumnsAreListedAndIgnored) {
  Table t;
  t.I64("seq", {41, 42})
      .Ts({kT0, kT0 + kStep})
      .I64("__index_level_0__", {0, 1})
      .Str("note", {"x", "y"})
      .I64("slot_index", {1, 2});
  ReadAll got = ReadTable(t);
  ASSERT_TRUE(got.status.ok());
  EXPECT_EQ(got.extra, (std::vector<std::string>{"seq", "__index_level_0__", "note"}));
  ASSERT_EQ(got.records.size(), 2u);
  EXPECT_EQ(got.records[1].slot_index, 2);
}

TEST(ImportReader, NestedColumnsAreExtra) {
  Table t;
  t.Ts({kT0}).I64("details", {5}).I64("slot_index", {9});
  ReadAll got = ReadBytes(NestColumn(FileBytes(t), "details"));
  ASSERT_TRUE(got.status.ok()) << got.status.ToString();
  EXPECT_EQ(got.extra, (std::vector<std::string>{"details"}));
  ASSERT_EQ(got.records.size(), 1u);
  EXPECT_EQ(got.records[0].slot_index, 9);

  // A nested column under an audit column's name cannot be read as it.
  Table u;
  u.Ts({kT0}).I64("slot_index", {9});
  ReadAll bad = ReadBytes(NestColumn(FileBytes(u), "slot_index"));
  EXPECT_EQ(bad.status.code(), StatusCode::kNotSupported);
  EXPECT_TRUE(Contains(bad.status.message(), "column 'slot_index' is nested")) << bad.status.message();
}

TEST(ImportReader, RowNumbersAcrossRowGroupsAndBatches) {
  const int n = 1000;
  Opt<int64_t> ts, slot;
  for (int i = 0; i < n; ++i) {
    ts.push_back(i % 97 == 13 ? std::nullopt : std::optional<int64_t>(kT0 + i * kStep));
    slot.push_back(i);
  }
  Table t;
  t.Ts(ts).I64("slot_index", slot);
  ImportOptions o;
  o.batch_rows = 64;
  ReadAll got = ReadBytes(FileBytes(t, FixedWriterOptions(), 300), o);
  ASSERT_TRUE(got.status.ok());
  ASSERT_EQ(got.records.size() + got.problems.size(), static_cast<size_t>(n));
  for (size_t i = 0; i < got.records.size(); ++i) {
    EXPECT_EQ(got.records[i].slot_index + 1, got.rows[i]);
    EXPECT_EQ(got.records[i].timestamp_us, kT0 + got.records[i].slot_index * kStep);
  }
  for (const auto& p : got.problems) EXPECT_EQ((p.row - 1) % 97, 13);
}

TEST(ImportReader, DamagedRowGroupNamesFileGroupAndRows) {
  Opt<int64_t> ts;
  for (int i = 0; i < 20; ++i) ts.push_back(kT0 + i * kStep);
  Table t;
  t.Ts(ts);
  parquet::WriterOptions wo = FixedWriterOptions();
  wo.codec = parquet::Codec::UNCOMPRESSED;
  std::vector<uint8_t> bytes = FileBytes(t, wo, 10);
  // Garble the second row group's pages.
  auto damaged = RewriteFooter(bytes, [](parquet::FileMetaData&) {});
  {
    auto f = parquet::FileReader::OpenBuffer(bytes, "x");
    ASSERT_TRUE(f.ok());
    const auto& cm = *(*f)->metadata().row_groups[1].columns[0].meta_data;
    int64_t start = cm.dictionary_page_offset.value_or(cm.data_page_offset);
    for (int64_t i = 0; i < cm.total_compressed_size; ++i) damaged[start + i] = 0xEE;
  }
  auto f = parquet::FileReader::OpenBuffer(damaged, "damaged.parquet");
  ASSERT_TRUE(f.ok());
  ReadAll got = ReadFile(std::move(*f));
  EXPECT_FALSE(got.status.ok());
  EXPECT_TRUE(Contains(got.status.message(), "damaged.parquet: row group 1 (rows 11..20)"))
      << got.status.message();
  EXPECT_EQ(got.records.size(), 10u);  // the first group was handed out
}

// ---------------------------------------------------------------------------
// Importer: into a log.

class ImporterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    AuditLogOptions o;
    o.env = env_.get();
    o.sync = SyncMode::kNone;
    o.seal_policy = SealPolicy::kMonthly;
    auto log = AuditLog::Open("/log", o);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    log_ = std::move(*log);
  }
  void Put(const std::string& path, const std::vector<uint8_t>& bytes) {
    auto f = env_->NewWritableFile(path);
    ASSERT_TRUE(f.ok());
    ASSERT_TRUE((*f)->Append(bytes).ok());
    ASSERT_TRUE((*f)->Close().ok());
  }
  std::vector<SeqRecord> Records() {
    std::vector<SeqRecord> out;
    Status s = ForEachRecord(env_.get(), "/log", [&](const SeqRecord& r) {
      out.push_back(r);
      return Status::OK();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return out;
  }
  std::unique_ptr<Env> env_ = NewMemEnv();
  std::unique_ptr<AuditLog> log_;
};

Table ThreeTicks() {
  Table t;
  t.Ts({kT0, kT0 + kStep, kT0 + 2 * kStep})
      .I64("slot_index", {17, 18, 19})
      .F64("energy_cost_kwh", {0.0, 3.434625, 0.0})
      .Str("source", {"manual", "fallback", "fallback"})
      .I64("seq", {1, 2, 3});
  return t;
}

TEST_F(ImporterTest, ImportingTwiceAddsNothing) {
  Put("/a.parquet", FileBytes(ThreeTicks()));
  Importer imp(log_.get(), env_.get(), {});
  FileReport first = imp.ImportFile("/a.parquet");
  ASSERT_TRUE(first.status.ok()) << first.status.ToString();
  EXPECT_EQ(first.appended, 3);
  EXPECT_EQ(first.rows, 3);
  EXPECT_EQ(first.extra_columns, (std::vector<std::string>{"seq"}));
  FileReport second = imp.ImportFile("/a.parquet");
  EXPECT_EQ(second.appended, 0);
  EXPECT_EQ(second.already_present, 3);
  EXPECT_EQ(log_->last_seq(), 3u);
  ASSERT_TRUE(log_->Sync().ok());
  ASSERT_TRUE(log_->Seal().ok());
  // And after sealing (the duplicates are then found in the month file).
  FileReport third = imp.ImportFile("/a.parquet");
  EXPECT_EQ(third.already_present, 3);
  const ImportStats& st = imp.stats();
  EXPECT_EQ(st.files, 3);
  EXPECT_EQ(st.rows_read, 9);
  EXPECT_EQ(st.appended, 3);
  EXPECT_EQ(st.already_present, 6);
  EXPECT_EQ(st.extra_columns.at("seq"), 3);
  EXPECT_EQ(st.missing[kFieldDate], 9);
  auto recs = Records();
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(recs[1].seq, 2u);
  EXPECT_EQ(recs[1].record.source, "fallback");
  EXPECT_EQ(recs[1].record.energy_cost_kwh, 3.434625);
  EXPECT_EQ(recs[1].record.date, "2026-05-30");
}

TEST_F(ImporterTest, ConflictsAndRefusedRowsAreReportedInRowOrder) {
  Put("/a.parquet", FileBytes(ThreeTicks()));
  Table other;
  other.Ts({kT0 + 3 * kStep, std::nullopt, kT0 + kStep, kT0 + 2 * kStep})
      .I64("slot_index", {20, 0, 99, 19})
      .F64("energy_cost_kwh", {1.0, 0.0, 3.434625, 0.0})
      .Str("source", {"manual", "x", "fallback", "fallback"});
  Put("/b.parquet", FileBytes(other));
  std::vector<std::string> seen;
  Importer imp(log_.get(), env_.get(), {}, [&](const ImportEvent& e) {
    if (e.kind == ImportEvent::kRefused) seen.push_back(fmt::format("refused {}", e.row));
    if (e.kind == ImportEvent::kConflict) {
      seen.push_back(fmt::format("conflict {} seq {}", e.row, e.existing_seq.value_or(0)));
    }
    if (e.kind == ImportEvent::kFileOpened) seen.push_back("open " + *e.path);
  });
  ASSERT_TRUE(imp.ImportFile("/a.parquet").status.ok());
  FileReport r = imp.ImportFile("/b.parquet");
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(r.appended, 1);
  EXPECT_EQ(r.conflicts, 1);
  EXPECT_EQ(r.already_present, 1);
  EXPECT_EQ(r.read.refused, 1);
  EXPECT_EQ(seen, (std::vector<std::string>{"open /a.parquet", "open /b.parquet", "refused 2",
                                            "conflict 3 seq 2"}));
  EXPECT_EQ(imp.stats().conflicts, 1);
  EXPECT_EQ(imp.stats().refused, 1);
  EXPECT_EQ(log_->last_seq(), 4u);
}

TEST_F(ImporterTest, UnreadableFilesAreReportedAndTheNextOneImported) {
  Put("/junk.parquet", {'n', 'o', 'p', 'e'});
  Put("/a.parquet", FileBytes(ThreeTicks()));
  Importer imp(log_.get(), env_.get(), {});
  FileReport bad = imp.ImportFile("/junk.parquet");
  EXPECT_FALSE(bad.status.ok());
  EXPECT_TRUE(Contains(bad.status.message(), "/junk.parquet")) << bad.status.message();
  FileReport missing = imp.ImportFile("/nope.parquet");
  EXPECT_FALSE(missing.status.ok());
  EXPECT_TRUE(Contains(missing.status.message(), "/nope.parquet")) << missing.status.message();
  EXPECT_TRUE(imp.log_status().ok());
  EXPECT_EQ(imp.ImportFile("/a.parquet").appended, 3);
  EXPECT_EQ(imp.stats().files, 3);
  EXPECT_EQ(imp.stats().files_failed, 2);
}

TEST_F(ImporterTest, MonthsAreSealedIntoMonthFiles) {
  // Ticks over three months, out of order at the end.
  Opt<int64_t> ts;
  for (int d = 0; d < 70; ++d) ts.push_back(kT0 + d * kDayUs);
  ts.push_back(kT0 + 3 * kDayUs + 60000000);  // late tick of an earlier month
  Table t;
  t.Ts(ts);
  Put("/a.parquet", FileBytes(t));
  Importer imp(log_.get(), env_.get(), {});
  ASSERT_EQ(imp.ImportFile("/a.parquet").appended, 71);
  ASSERT_TRUE(log_->Sync().ok());
  ASSERT_TRUE(log_->Seal().ok());
  auto names = env_->GetChildren("/log");
  ASSERT_TRUE(names.ok());
  std::set<std::string> parquet_files;
  for (const auto& n : *names) {
    if (n.size() > 8 && n.substr(n.size() - 8) == ".parquet") parquet_files.insert(n);
  }
  EXPECT_EQ(parquet_files, (std::set<std::string>{"2026-05.parquet", "2026-06.parquet", "2026-07.parquet",
                                                  "2026-08.parquet"}));
  auto recs = Records();
  ASSERT_EQ(recs.size(), 71u);
  EXPECT_EQ(recs[70].record.timestamp_us, kT0 + 3 * kDayUs + 60000000);
  // Re-import after sealing: nothing new.
  EXPECT_EQ(imp.ImportFile("/a.parquet").already_present, 71);
}

TEST_F(ImporterTest, AnImportCutShortIsFinishedByRunningItAgain) {
  auto mem = NewMemEnv();
  FaultInjectionEnv faults(mem.get());
  Opt<int64_t> ts;
  for (int i = 0; i < 5000; ++i) ts.push_back(kT0 + i * kStep);
  Table t;
  t.Ts(ts);
  {
    auto f = mem->NewWritableFile("/a.parquet");
    ASSERT_TRUE(f.ok());
    ASSERT_TRUE((*f)->Append(FileBytes(t)).ok());
    ASSERT_TRUE((*f)->Close().ok());
  }
  AuditLogOptions o;
  o.sync = SyncMode::kNone;
  o.seal_policy = SealPolicy::kMonthly;
  {
    auto env = NewAppendGatheringEnv(&faults, 1 << 12);
    o.env = env.get();
    auto log = AuditLog::Open("/log", o);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    Importer imp(log->get(), mem.get(), {});
    ASSERT_EQ(imp.ImportFile("/a.parquet").appended, 5000);
    // A power cut before Sync(): the unsynced tail is lost, torn. (The
    // writer never gets to close cleanly: its closing sync fails.)
    faults.FailAt(1, /*persistent=*/true);
    log->reset();
    faults.ClearFaults();
    ASSERT_TRUE(faults.Crash(true).ok());
  }
  auto env = NewAppendGatheringEnv(&faults, 1 << 12);
  o.env = env.get();
  auto log = AuditLog::Open("/log", o);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  uint64_t kept = (*log)->last_seq();
  EXPECT_LT(kept, 5000u);
  Importer imp(log->get(), mem.get(), {});
  FileReport again = imp.ImportFile("/a.parquet");
  EXPECT_EQ(again.already_present, static_cast<int64_t>(kept));
  EXPECT_EQ(again.appended, 5000 - static_cast<int64_t>(kept));
  ASSERT_TRUE((*log)->Sync().ok());
  ASSERT_TRUE((*log)->Seal().ok());
  log->reset();
  ASSERT_TRUE(faults.Crash(true).ok());  // nothing unsynced any more
  int n = 0;
  ASSERT_TRUE(ForEachRecord(mem.get(), "/log", [&](const SeqRecord& r) {
                EXPECT_EQ(r.record.timestamp_us, kT0 + n * kStep);
                ++n;
                return Status::OK();
              }).ok());
  EXPECT_EQ(n, 5000);
}

// ---------------------------------------------------------------------------
// The checked-in fixtures of tests/data/import (see its README): written by
// DISABLED_WriteFixtures, checked here to still read as documented.

std::map<std::string, std::vector<uint8_t>> MakeFixtures() {
  std::map<std::string, std::vector<uint8_t>> out;
  {
    // Every field in another accepted type, naive MILLIS timestamps, extras.
    Table t;
    t.Ts({kT0 / 1000, (kT0 + kStep) / 1000, (kT0 + 2 * kStep) / 1000}, TimeUnit::MILLIS, false)
        .Date("date", {20603, 20603, 20603})
        .I32("slot_index", {17, 18, 19})
        .F32("planned_offset_deg", {0.0f, -3.875f, 0.0f})
        .F64("actual_offset_deg", {0.041, -4.24, -0.031})
        .Add(DecimalSpec("energy_cost_kwh", Type::INT64, 18, 6),
             Values<int64_t>(Type::INT64, {0, 3434625, 0}))
        .I32("budget_spent_kwh", {0, 3, 3})
        .I64("budget_remaining_kwh", {5000, 4997, 4997})
        .Bool("gate_passed", {false, true, false})
        .Str("source", {"manual", "fallback", "fallback"})
        .Str("stage_id", {"budbreak", "budbreak", "budbreak"})
        .I64("seq", {1, 2, 3})
        .Str("note", {"a", "b", "c"});
    out["type-variants.parquet"] = FileBytes(t);
  }
  {
    Table rest;
    rest.I64("slot_index", {1, 2});
    out["int96.parquet"] = Int96File({kT0 * 1000, kT0 * 1000 + kStep * 1000}, rest);
  }
  {
    Table t;
    t.Ts({kT0 * 1000, kT0 * 1000 + 250, (kT0 + kStep) * 1000}, TimeUnit::NANOS, false)
        .I64("slot_index", {1, 2, 3});
    out["sub-micro-nanos.parquet"] = FileBytes(t);
  }
  {
    Table t;
    t.Ts({kT0, std::nullopt, kT0 + 2 * kStep})
        .Str("date", {std::nullopt, "2026-05-30", "2026-05-30"})
        .I64("slot_index", {std::nullopt, 2, 3})
        .Str("stage_id", {"budbreak", "budbreak", std::nullopt});
    out["nulls.parquet"] = FileBytes(t);
  }
  {
    Table t;
    t.I64("slot_index", {1}).Str("date", {"2026-05-30"});
    out["no-timestamp.parquet"] = FileBytes(t);
  }
  {
    // Rows 2 and 3 share the timestamps of slot-log rows 2 and 3; row 2 has
    // other content (a conflict), row 3 the same (already present).
    Table t;
    t.Ts({kT0 - kStep, kT0 + kStep, kT0 + 2 * kStep})
        .Str("date", {"2026-05-30", "2026-05-30", "2026-05-30"})
        .I64("slot_index", {16, 18, 19})
        .F64("planned_offset_deg", {0.0, -3.88, 0.0})
        .F64("actual_offset_deg", {0.0, -4.0, -0.031})
        .F64("energy_cost_kwh", {0.0, 3.434625, 0.0})
        .F64("budget_spent_kwh", {0.0, 3.434625, 3.434625})
        .F64("budget_remaining_kwh", {5000.0, 4996.565375, 4996.565375})
        .Bool("gate_passed", {false, true, false})
        .Str("source", {"manual", "fallback", "fallback"})
        .Str("stage_id", {"budbreak", "budbreak", "budbreak"});
    out["conflict.parquet"] = FileBytes(t);
  }
  {
    Table t;
    t.Ts({kT0}).I64("details", {5}).I64("slot_index", {9});
    out["nested-extra.parquet"] = NestColumn(FileBytes(t), "details");
  }
  return out;
}

// BA_IMPORT_FIXTURES_OUT=tests/data/import ba_tests --gtest_also_run_disabled_tests
//   --gtest_filter=ImportFixtures.DISABLED_WriteFixtures
TEST(ImportFixtures, DISABLED_WriteFixtures) {
  const char* dir = std::getenv("BA_IMPORT_FIXTURES_OUT");
  ASSERT_NE(dir, nullptr) << "set BA_IMPORT_FIXTURES_OUT to the output directory";
  for (const auto& [name, bytes] : MakeFixtures()) {
    std::ofstream(std::string(dir) + "/" + name, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  }
}

TEST(ImportFixtures, CheckedInFilesReadAsDocumented) {
  auto read = [](const std::string& name, ImportOptions o = {}) {
    auto f = parquet::FileReader::Open(Env::Default(), kData + "/import/" + name);
    EXPECT_TRUE(f.ok()) << f.status().ToString();
    return f.ok() ? ReadFile(std::move(*f), o) : ReadAll{};
  };
  std::vector<SlotRecord> expected = ExpectedSlotLog();
  ReadAll tv = read("type-variants.parquet");
  ASSERT_TRUE(tv.status.ok()) << tv.status.ToString();
  ASSERT_EQ(tv.records.size(), 3u);
  EXPECT_EQ(tv.extra, (std::vector<std::string>{"seq", "note"}));
  EXPECT_EQ(tv.records[0].timestamp_us, expected[0].timestamp_us);
  EXPECT_EQ(tv.records[1].energy_cost_kwh, 3.434625);
  EXPECT_EQ(tv.records[1].planned_offset_deg, -3.875);
  EXPECT_EQ(tv.records[2].budget_remaining_kwh, 4997.0);

  ReadAll i96 = read("int96.parquet");
  ASSERT_TRUE(i96.status.ok()) << i96.status.ToString();
  ASSERT_EQ(i96.records.size(), 2u);
  EXPECT_EQ(i96.records[1].timestamp_us, kT0 + kStep);

  ReadAll nanos = read("sub-micro-nanos.parquet");
  EXPECT_EQ(nanos.records.size(), 2u);
  EXPECT_EQ(nanos.problems.size(), 1u);
  ImportOptions floor;
  floor.truncate_sub_micros = true;
  EXPECT_EQ(read("sub-micro-nanos.parquet", floor).records.size(), 3u);

  ReadAll nulls = read("nulls.parquet");
  EXPECT_EQ(nulls.records.size(), 2u);
  EXPECT_EQ(nulls.problems.size(), 1u);
  EXPECT_EQ(nulls.counts.nulls[kFieldDate], 1);
  EXPECT_EQ(nulls.counts.nulls[2], 1);
  EXPECT_EQ(nulls.counts.nulls[10], 1);

  EXPECT_EQ(read("no-timestamp.parquet").status.code(), StatusCode::kNotSupported);
  ReadAll conflict = read("conflict.parquet");
  ASSERT_EQ(conflict.records.size(), 3u);
  EXPECT_EQ(conflict.records[2], expected[2]);
  EXPECT_NE(conflict.records[1], expected[1]);
  EXPECT_EQ(conflict.records[1].timestamp_us, expected[1].timestamp_us);
  EXPECT_EQ(read("nested-extra.parquet").extra, (std::vector<std::string>{"details"}));
}

}  // namespace
}  // namespace budget_audit::log

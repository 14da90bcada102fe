#include "parquet/file_writer.h"

#include <cmath>
#include <random>

#include <gtest/gtest.h>

#include "parquet/file_reader.h"

namespace budget_audit::parquet {
namespace {

struct Table {
  std::vector<ColumnSpec> specs;
  std::vector<ColumnVector> cols;
};

// A table of every writable type, with nulls in the OPTIONAL columns.
Table MakeTable(size_t rows, uint32_t seed, size_t distinct_strings = 50) {
  std::mt19937 rng(seed);
  Table t;
  t.specs = {TimestampColumn("ts", TimeUnit::MICROS, true),
             StringColumn("s"),
             Int64Column("i64"),
             DoubleColumn("d"),
             BoolColumn("b"),
             Int64Column("seq", Repetition::REQUIRED)};
  ColumnSpec i32;
  i32.name = "i32";
  i32.type = Type::INT32;
  t.specs.push_back(i32);
  ColumnSpec f;
  f.name = "f";
  f.type = Type::FLOAT;
  t.specs.push_back(f);
  ColumnSpec fl;
  fl.name = "flba";
  fl.type = Type::FIXED_LEN_BYTE_ARRAY;
  fl.type_length = 3;
  t.specs.push_back(fl);
  ColumnSpec dec;
  dec.name = "dec";
  dec.type = Type::INT64;
  dec.logical_type.kind = LogicalType::Kind::DECIMAL;
  dec.logical_type.decimal_precision = 12;
  dec.logical_type.decimal_scale = 2;
  dec.converted_type = ConvertedType::DECIMAL;
  dec.precision = 12;
  dec.scale = 2;
  t.specs.push_back(dec);

  t.cols.resize(t.specs.size());
  for (size_t c = 0; c < t.specs.size(); ++c) {
    t.cols[c].type = t.specs[c].type;
    t.cols[c].type_length = t.specs[c].type_length;
    if (t.specs[c].type == Type::BYTE_ARRAY) t.cols[c].offsets = {0};
  }
  for (size_t r = 0; r < rows; ++r) {
    for (size_t c = 0; c < t.specs.size(); ++c) {
      ColumnVector& v = t.cols[c];
      bool null = t.specs[c].repetition == Repetition::OPTIONAL && rng() % 7 == 0;
      if (t.specs[c].repetition == Repetition::OPTIONAL) v.defined.push_back(null ? 0 : 1);
      if (null) continue;
      switch (v.type) {
        case Type::BOOLEAN: v.bools.push_back(rng() % 2); break;
        case Type::INT32: v.i32.push_back(static_cast<int32_t>(rng())); break;
        case Type::INT64:
          v.i64.push_back(c == 0 ? 1780114500000000 + static_cast<int64_t>(r) * 900000000
                                 : static_cast<int64_t>(rng()) - (1ll << 31));
          break;
        case Type::FLOAT: v.f32.push_back(static_cast<float>(rng() % 1000) / 8.0f); break;
        case Type::DOUBLE:
          v.f64.push_back(r % 97 == 5 ? NAN : static_cast<double>(rng() % 100000) / 1000.0);
          break;
        case Type::BYTE_ARRAY: v.AppendByteArray("value-" + std::to_string(rng() % distinct_strings)); break;
        case Type::FIXED_LEN_BYTE_ARRAY:
          for (int k = 0; k < 3; ++k) v.fixed.push_back(static_cast<uint8_t>(rng()));
          break;
        case Type::INT96: break;
      }
    }
  }
  // seq is REQUIRED and sorted
  t.cols[5].defined.clear();
  t.cols[5].i64.clear();
  for (size_t r = 0; r < rows; ++r) t.cols[5].i64.push_back(static_cast<int64_t>(r) + 1);
  return t;
}

void ExpectSameValues(const ColumnVector& a, const ColumnVector& b, const std::string& what) {
  EXPECT_EQ(a.defined.empty() ? util::PoolVector<uint8_t>(a.row_count(), 1) : a.defined,
            b.defined.empty() ? util::PoolVector<uint8_t>(b.row_count(), 1) : b.defined)
      << what;
  EXPECT_EQ(a.bools, b.bools) << what;
  EXPECT_EQ(a.i32, b.i32) << what;
  EXPECT_EQ(a.i64, b.i64) << what;
  EXPECT_EQ(a.f32, b.f32) << what;
  ASSERT_EQ(a.f64.size(), b.f64.size()) << what;
  for (size_t i = 0; i < a.f64.size(); ++i) {
    if (std::isnan(a.f64[i])) {
      EXPECT_TRUE(std::isnan(b.f64[i])) << what;
    } else {
      EXPECT_EQ(a.f64[i], b.f64[i]) << what;
    }
  }
  EXPECT_EQ(a.offsets, b.offsets) << what;
  EXPECT_EQ(a.data, b.data) << what;
  EXPECT_EQ(a.fixed, b.fixed) << what;
}

struct Case {
  const char* name;
  Codec codec;
  bool v2;
  bool dictionary;
  uint64_t dict_limit;
  uint64_t page_size;
  int64_t rg_rows;
  bool delta;
};

class WriterRoundTrip : public ::testing::TestWithParam<Case> {};

TEST_P(WriterRoundTrip, ReadsBackWhatWasWritten) {
  const Case& k = GetParam();
  auto env = NewMemEnv();
  ASSERT_TRUE(env->CreateDir("/t").ok());
  Table t = MakeTable(5000, 42, k.dict_limit < 1000 ? 3000 : 50);
  WriterOptions o;
  o.codec = k.codec;
  o.data_page_v2 = k.v2;
  o.dictionary = k.dictionary;
  o.dictionary_page_size_limit = k.dict_limit;
  o.data_page_size = k.page_size;
  o.max_row_group_rows = k.rg_rows;
  o.write_page_crc = true;
  if (k.delta) o.delta_columns = {"seq", "ts", "i32"};
  auto w = FileWriter::Open(env.get(), "/t/x.parquet", t.specs, o);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  ASSERT_TRUE((*w)->WriteRowGroup(t.cols).ok());
  (*w)->AddKeyValue("k", "v");
  auto size = (*w)->Close();
  ASSERT_TRUE(size.ok()) << size.status().ToString();

  ReadOptions ro;
  ro.verify_page_crc = true;
  auto r = FileReader::Open(env.get(), "/t/x.parquet", ro);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)->num_rows(), 5000);
  EXPECT_EQ((*r)->metadata().key_value_metadata.back().key, "k");
  std::vector<ColumnVector> got(t.specs.size());
  for (size_t c = 0; c < t.specs.size(); ++c) {
    got[c].type = t.specs[c].type;
    got[c].type_length = t.specs[c].type_length;
    if (got[c].type == Type::BYTE_ARRAY) got[c].offsets = {0};
  }
  for (int g = 0; g < (*r)->num_row_groups(); ++g) {
    for (size_t c = 0; c < t.specs.size(); ++c) {
      auto v = (*r)->ReadColumnChunk(g, c);
      ASSERT_TRUE(v.ok()) << v.status().ToString();
      // concatenate
      ColumnVector& dst = got[c];
      dst.defined.insert(dst.defined.end(), v->defined.begin(), v->defined.end());
      dst.bools.insert(dst.bools.end(), v->bools.begin(), v->bools.end());
      dst.i32.insert(dst.i32.end(), v->i32.begin(), v->i32.end());
      dst.i64.insert(dst.i64.end(), v->i64.begin(), v->i64.end());
      dst.f32.insert(dst.f32.end(), v->f32.begin(), v->f32.end());
      dst.f64.insert(dst.f64.end(), v->f64.begin(), v->f64.end());
      dst.fixed.insert(dst.fixed.end(), v->fixed.begin(), v->fixed.end());
      for (size_t i = 0; i + 1 < v->offsets.size(); ++i) dst.AppendByteArray(v->ByteArrayAt(i));
    }
  }
  for (size_t c = 0; c < t.specs.size(); ++c) ExpectSameValues(t.cols[c], got[c], t.specs[c].name);
}

INSTANTIATE_TEST_SUITE_P(
    Options, WriterRoundTrip,
    ::testing::Values(Case{"snappy_v1_dict", Codec::SNAPPY, false, true, 1 << 20, 1 << 20, 1 << 20, false},
                      Case{"zstd_v2_dict", Codec::ZSTD, true, true, 1 << 20, 1 << 20, 1 << 20, false},
                      Case{"gzip_plain", Codec::GZIP, false, false, 1 << 20, 1 << 20, 1 << 20, false},
                      Case{"none_v2_plain", Codec::UNCOMPRESSED, true, false, 1 << 20, 1 << 20, 1 << 20,
                           false},
                      Case{"fallback", Codec::SNAPPY, false, true, 200, 1 << 20, 1 << 20, false},
                      Case{"small_pages", Codec::SNAPPY, true, true, 1 << 20, 1000, 1 << 20, false},
                      Case{"row_groups", Codec::LZ4_RAW, false, true, 1 << 20, 4096, 777, false},
                      Case{"delta", Codec::BROTLI, false, true, 1 << 20, 1 << 20, 1 << 20, true},
                      Case{"delta_v2", Codec::ZSTD, true, true, 1 << 20, 2000, 1500, true}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(FileWriter, StatisticsAsArrowWritesThem) {
  auto env = NewMemEnv();
  ASSERT_TRUE(env->CreateDir("/t").ok());
  Table t = MakeTable(100, 7);
  auto w = FileWriter::Open(env.get(), "/t/s.parquet", t.specs, {});
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->WriteRowGroup(t.cols).ok());
  ASSERT_TRUE((*w)->Close().ok());
  auto r = FileReader::Open(env.get(), "/t/s.parquet");
  ASSERT_TRUE(r.ok());
  const auto& md = (*r)->metadata();
  EXPECT_EQ(md.version, 2);
  EXPECT_EQ(md.created_by->rfind("budget-audit version ", 0), 0u);
  EXPECT_TRUE(md.has_column_orders);
  const auto& s = *md.row_groups[0].columns[1].meta_data->statistics;  // string column
  EXPECT_TRUE(s.min_value && s.max_value && s.null_count);
  EXPECT_FALSE(s.min || s.max);  // deprecated fields only for SIGNED orders
  const auto& i = *md.row_groups[0].columns[2].meta_data->statistics;  // int64
  EXPECT_TRUE(i.min && i.max && i.min_value && i.max_value);
  const auto& ts = (*r)->schema().column(0);
  EXPECT_EQ(ts.kind, ValueKind::kTimestamp);
  EXPECT_TRUE(ts.utc);
  EXPECT_EQ(ts.converted_type, ConvertedType::TIMESTAMP_MICROS);
  EXPECT_EQ((*r)->schema().column(1).converted_type, ConvertedType::UTF8);
  // Pruning: seq is 1..100.
  auto range = (*r)->ChunkRange(0, 5);
  ASSERT_TRUE(range.has_value());
  const auto& seq = (*r)->schema().column(5);
  EXPECT_TRUE(MayOverlap(seq, range, StatValue(int64_t{50}), StatValue(int64_t{60})));
  EXPECT_FALSE(MayOverlap(seq, range, StatValue(int64_t{101}), StatValue(int64_t{200})));
}

// dictionary_max_distinct_ratio: a varied DOUBLE chunk is PLAIN without a
// dictionary page, a repetitive one keeps its dictionary; both read back.
TEST(FileWriter, DictionaryOnlyWhenValuesRepeat) {
  auto env = NewMemEnv();
  ASSERT_TRUE(env->CreateDir("/t").ok());
  WriterOptions o;
  o.dictionary_max_distinct_ratio = 0.5;
  auto w = FileWriter::Open(env.get(), "/t/d.parquet", {DoubleColumn("varied"), DoubleColumn("few")}, o);
  ASSERT_TRUE(w.ok());
  ColumnVector varied, few;
  varied.type = few.type = Type::DOUBLE;
  for (int i = 0; i < 1000; ++i) {
    varied.f64.push_back(i * 0.25);
    few.f64.push_back(i % 10 * 1.5);
  }
  varied.f64[7] = varied.f64[8];  // 999 distinct: still too many
  ASSERT_TRUE((*w)->WriteRowGroup({varied, few}).ok());
  ASSERT_TRUE((*w)->Close().ok());
  auto r = FileReader::Open(env.get(), "/t/d.parquet");
  ASSERT_TRUE(r.ok());
  const auto& cols = (*r)->metadata().row_groups[0].columns;
  EXPECT_FALSE(cols[0].meta_data->dictionary_page_offset.has_value());
  EXPECT_TRUE(cols[1].meta_data->dictionary_page_offset.has_value());
  auto back = (*r)->ReadRowGroup(0, {0, 1});
  ASSERT_TRUE(back.ok());
  EXPECT_EQ((*back)[0].f64, varied.f64);
  EXPECT_EQ((*back)[1].f64, few.f64);
}

TEST(FileWriter, RejectsNullInRequiredColumn) {
  auto env = NewMemEnv();
  ASSERT_TRUE(env->CreateDir("/t").ok());
  auto w = FileWriter::Open(env.get(), "/t/r.parquet", {Int64Column("x", Repetition::REQUIRED)}, {});
  ASSERT_TRUE(w.ok());
  ColumnVector v;
  v.type = Type::INT64;
  v.i64 = {1};
  v.defined = {1, 0};
  EXPECT_FALSE((*w)->WriteRowGroup({v}).ok());
}

TEST(FileWriter, EmptyFileHasSchemaAndNoRows) {
  auto env = NewMemEnv();
  ASSERT_TRUE(env->CreateDir("/t").ok());
  auto w = FileWriter::Open(env.get(), "/t/e.parquet", {StringColumn("s")}, {});
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Close().ok());
  auto r = FileReader::Open(env.get(), "/t/e.parquet");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)->num_rows(), 0);
  EXPECT_EQ((*r)->schema().num_columns(), 1u);
}

}  // namespace
}  // namespace budget_audit::parquet

namespace budget_audit::parquet {
namespace {

TEST(FileWriter, CopyRowGroupIsVerbatimAndReadsBack) {
  auto env = NewMemEnv();
  Table a = MakeTable(3000, 7), b = MakeTable(500, 8);
  WriterOptions o;
  o.max_row_group_rows = 1000;  // three groups
  o.write_page_crc = true;
  o.delta_columns = {"seq"};
  auto w = FileWriter::Open(env.get(), "/a.parquet", a.specs, o);
  ASSERT_TRUE((*w)->WriteRowGroup(a.cols).ok());
  ASSERT_TRUE((*w)->Close().ok());
  auto src = FileReader::Open(env.get(), "/a.parquet");
  ASSERT_TRUE(src.ok());
  ASSERT_EQ((*src)->num_row_groups(), 3);

  // Copy the groups, then add a fresh one: the file reads as a's rows then b's.
  auto out = FileWriter::Open(env.get(), "/b.parquet", a.specs, o);
  for (int g = 0; g < 3; ++g) ASSERT_TRUE((*out)->CopyRowGroup(**src, g).ok());
  ASSERT_TRUE((*out)->WriteRowGroup(b.cols).ok());
  ASSERT_TRUE((*out)->Close().ok());
  ReadOptions ro;
  ro.verify_page_crc = true;
  auto r = FileReader::Open(env.get(), "/b.parquet", ro);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ((*r)->num_row_groups(), 4);
  EXPECT_EQ((*r)->num_rows(), 3500);
  for (int g = 0; g < 4; ++g) {
    for (size_t c = 0; c < a.specs.size(); ++c) {
      auto got = (*r)->ReadColumnChunk(g, c);
      ASSERT_TRUE(got.ok()) << got.status().ToString();
      if (g < 3) {
        auto want = (*src)->ReadColumnChunk(g, c);
        ExpectSameValues(*want, *got, a.specs[c].name);
        // Statistics travel with the chunk.
        EXPECT_EQ((*r)->metadata().row_groups[g].columns[c].meta_data->statistics->min_value,
                  (*src)->metadata().row_groups[g].columns[c].meta_data->statistics->min_value);
      }
    }
  }
  // Another schema is refused.
  auto other = FileWriter::Open(env.get(), "/c.parquet", {Int64Column("x")}, o);
  EXPECT_FALSE((*other)->CopyRowGroup(**src, 0).ok());
}

}  // namespace
}  // namespace budget_audit::parquet

namespace budget_audit::parquet {
namespace {

// A group of large chunks is decoded on two threads: the same columns as on
// one, and a damaged chunk is named as on one (the first in the order asked).
TEST(FileReader, ParallelDecodeGivesTheSerialColumnsAndErrors) {
  auto env = NewMemEnv();
  ASSERT_TRUE(env->CreateDir("/t").ok());
  std::mt19937_64 rng(5);
  std::vector<ColumnSpec> specs;
  std::vector<ColumnVector> cols(6);
  for (size_t c = 0; c < cols.size(); ++c) {
    specs.push_back(DoubleColumn("d" + std::to_string(c)));
    cols[c].type = Type::DOUBLE;
    for (int i = 0; i < 60000; ++i) cols[c].f64.push_back(static_cast<double>(rng() % 1000000) * 1e-3);
  }
  {
    auto w = FileWriter::Open(env.get(), "/t/p.parquet", specs, {});
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->WriteRowGroup(cols).ok());
    ASSERT_TRUE((*w)->Close().ok());
  }
  ReadOptions serial;
  serial.decode_threads = 1;
  auto one = FileReader::Open(env.get(), "/t/p.parquet", serial);
  auto two = FileReader::Open(env.get(), "/t/p.parquet");
  ASSERT_TRUE(one.ok() && two.ok());
  uint64_t bytes = 0;
  for (const auto& c : (*two)->metadata().row_groups[0].columns) bytes += c.meta_data->total_compressed_size;
  ASSERT_GE(bytes, kParallelDecodeBytes);  // large enough to be decoded in parallel
  const std::vector<size_t> order = {4, 0, 5, 1, 3, 2};
  auto a = (*one)->ReadRowGroup(0, order);
  auto b = (*two)->ReadRowGroup(0, order);
  ASSERT_TRUE(a.ok() && b.ok());
  for (size_t i = 0; i < order.size(); ++i) {
    EXPECT_EQ((*a)[i].f64, cols[order[i]].f64);
    EXPECT_EQ((*b)[i].f64, (*a)[i].f64);
  }
  // Damage columns 1 and 3: both readers name the first asked of them.
  auto bytes_in = *env->ReadFileToBytes("/t/p.parquet");
  for (size_t c : {1, 3}) {
    const auto& cm = *(*two)->metadata().row_groups[0].columns[c].meta_data;
    const size_t at = static_cast<size_t>(cm.data_page_offset);
    for (size_t k = 0; k < 8; ++k) bytes_in[at + k] = 0xff;  // the page header
  }
  ASSERT_TRUE(env->WriteFileAtomic("/t/p.parquet", bytes_in).ok());
  one = FileReader::Open(env.get(), "/t/p.parquet", serial);
  two = FileReader::Open(env.get(), "/t/p.parquet");
  ASSERT_TRUE(one.ok() && two.ok());
  a = (*one)->ReadRowGroup(0, order);
  b = (*two)->ReadRowGroup(0, order);
  ASSERT_FALSE(a.ok());
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(a.status().ToString(), b.status().ToString());
  EXPECT_NE(a.status().message().find("'d1'"), std::string::npos) << a.status().ToString();
}

}  // namespace
}  // namespace budget_audit::parquet

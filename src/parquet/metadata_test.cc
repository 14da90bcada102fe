#include "parquet/metadata.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "parquet/thrift_compact.h"

#ifndef BA_TEST_DATA_DIR
#error "BA_TEST_DATA_DIR must be defined (the tests/data directory)"
#endif

namespace budget_audit::parquet {
namespace {

using ::testing::HasSubstr;
namespace fs = std::filesystem;

// ---------------------------------------------------------------------------
// Field-by-field comparison, collecting the paths of the fields that differ.

using Diffs = std::vector<std::string>;

void Cmp(Diffs& d, const std::string& p, const LogicalType& a, const LogicalType& b);
void Cmp(Diffs& d, const std::string& p, const SchemaElement& a, const SchemaElement& b);
void Cmp(Diffs& d, const std::string& p, const Statistics& a, const Statistics& b);
void Cmp(Diffs& d, const std::string& p, const PageEncodingStats& a, const PageEncodingStats& b);
void Cmp(Diffs& d, const std::string& p, const KeyValue& a, const KeyValue& b);
void Cmp(Diffs& d, const std::string& p, const ColumnMetaData& a, const ColumnMetaData& b);
void Cmp(Diffs& d, const std::string& p, const ColumnChunk& a, const ColumnChunk& b);
void Cmp(Diffs& d, const std::string& p, const SortingColumn& a, const SortingColumn& b);
void Cmp(Diffs& d, const std::string& p, const RowGroup& a, const RowGroup& b);
void Cmp(Diffs& d, const std::string& p, const FileMetaData& a, const FileMetaData& b);
void Cmp(Diffs& d, const std::string& p, const DataPageHeader& a, const DataPageHeader& b);
void Cmp(Diffs& d, const std::string& p, const DictionaryPageHeader& a, const DictionaryPageHeader& b);
void Cmp(Diffs& d, const std::string& p, const DataPageHeaderV2& a, const DataPageHeaderV2& b);
void Cmp(Diffs& d, const std::string& p, const PageHeader& a, const PageHeader& b);

template <typename T>
void Cmp(Diffs& d, const std::string& p, const T& a, const T& b) {
  if (!(a == b)) d.push_back(p);
}
template <typename T>
void Cmp(Diffs& d, const std::string& p, const std::optional<T>& a, const std::optional<T>& b) {
  if (a.has_value() != b.has_value()) {
    d.push_back(p + " (presence)");
  } else if (a) {
    Cmp(d, p, *a, *b);
  }
}
template <typename T>
void Cmp(Diffs& d, const std::string& p, const std::vector<T>& a, const std::vector<T>& b) {
  if (a.size() != b.size()) {
    d.push_back(p + " (size)");
    return;
  }
  for (size_t i = 0; i < a.size(); ++i) {
    Cmp(d, p + "[" + std::to_string(i) + "]", static_cast<T>(a[i]), static_cast<T>(b[i]));
  }
}

#define F(x) Cmp(d, p + "." #x, a.x, b.x)

void Cmp(Diffs& d, const std::string& p, const LogicalType& a, const LogicalType& b) {
  F(kind), F(decimal_scale), F(decimal_precision), F(is_adjusted_to_utc), F(unit), F(bit_width), F(is_signed);
}
void Cmp(Diffs& d, const std::string& p, const SchemaElement& a, const SchemaElement& b) {
  F(type), F(type_length), F(repetition), F(name), F(num_children), F(converted_type), F(scale), F(precision),
      F(field_id), F(logical_type);
}
void Cmp(Diffs& d, const std::string& p, const Statistics& a, const Statistics& b) {
  F(max), F(min), F(null_count), F(distinct_count), F(max_value), F(min_value), F(is_max_value_exact),
      F(is_min_value_exact);
}
void Cmp(Diffs& d, const std::string& p, const PageEncodingStats& a, const PageEncodingStats& b) {
  F(page_type), F(encoding), F(count);
}
void Cmp(Diffs& d, const std::string& p, const KeyValue& a, const KeyValue& b) { F(key), F(value); }
void Cmp(Diffs& d, const std::string& p, const ColumnMetaData& a, const ColumnMetaData& b) {
  F(type), F(encodings), F(path_in_schema), F(codec), F(num_values), F(total_uncompressed_size),
      F(total_compressed_size), F(key_value_metadata), F(data_page_offset), F(index_page_offset),
      F(dictionary_page_offset), F(statistics), F(encoding_stats), F(bloom_filter_offset),
      F(bloom_filter_length);
}
void Cmp(Diffs& d, const std::string& p, const ColumnChunk& a, const ColumnChunk& b) {
  F(file_path), F(file_offset), F(meta_data), F(offset_index_offset), F(offset_index_length),
      F(column_index_offset), F(column_index_length), F(has_crypto_metadata),
      F(has_encrypted_column_metadata);
}
void Cmp(Diffs& d, const std::string& p, const SortingColumn& a, const SortingColumn& b) {
  F(column_idx), F(descending), F(nulls_first);
}
void Cmp(Diffs& d, const std::string& p, const RowGroup& a, const RowGroup& b) {
  F(columns), F(total_byte_size), F(num_rows), F(sorting_columns), F(file_offset), F(total_compressed_size),
      F(ordinal);
}
void Cmp(Diffs& d, const std::string& p, const FileMetaData& a, const FileMetaData& b) {
  F(version), F(schema), F(num_rows), F(row_groups), F(key_value_metadata), F(created_by),
      F(column_orders_type_defined), F(has_column_orders), F(has_encryption_algorithm),
      F(has_footer_signing_key_metadata);
}
void Cmp(Diffs& d, const std::string& p, const DataPageHeader& a, const DataPageHeader& b) {
  F(num_values), F(encoding), F(definition_level_encoding), F(repetition_level_encoding), F(statistics);
}
void Cmp(Diffs& d, const std::string& p, const DictionaryPageHeader& a, const DictionaryPageHeader& b) {
  F(num_values), F(encoding), F(is_sorted);
}
void Cmp(Diffs& d, const std::string& p, const DataPageHeaderV2& a, const DataPageHeaderV2& b) {
  F(num_values), F(num_nulls), F(num_rows), F(encoding), F(definition_levels_byte_length),
      F(repetition_levels_byte_length), F(is_compressed), F(statistics);
}
void Cmp(Diffs& d, const std::string& p, const PageHeader& a, const PageHeader& b) {
  F(type), F(uncompressed_page_size), F(compressed_page_size), F(crc), F(data_page_header),
      F(has_index_page_header), F(dictionary_page_header), F(data_page_header_v2);
}

#undef F

template <typename T>
std::string Differences(const T& a, const T& b) {
  Diffs d;
  Cmp(d, "", a, b);
  std::string out;
  for (size_t i = 0; i < d.size() && i < 20; ++i) out += d[i] + " ";
  return out;
}

// ---------------------------------------------------------------------------
// Helpers.

Bytes ReadFileBytes(const fs::path& path) {
  std::ifstream f(path, std::ios::binary);
  return Bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

struct Footer {
  Bytes file;
  ByteSpan bytes;       // the Thrift FileMetaData
  uint64_t offset = 0;  // of `bytes` in the file
};

// The footer of a Parquet file: u32 LE length + "PAR1" at the end.
Footer ReadFooter(const fs::path& path) {
  Footer f;
  f.file = ReadFileBytes(path);
  EXPECT_GE(f.file.size(), 12u) << path;
  if (f.file.size() < 12) return f;
  const uint8_t* tail = f.file.data() + f.file.size() - 8;
  EXPECT_EQ(AsStringView(ByteSpan(tail + 4, 4)), "PAR1") << path;
  const uint32_t len = LoadU32LE(tail);
  EXPECT_LE(len, f.file.size() - 12) << path;
  if (len > f.file.size() - 12) return f;
  f.offset = f.file.size() - 8 - len;
  f.bytes = ByteSpan(f.file.data() + f.offset, len);
  return f;
}

Result<FileMetaData> DecodeBytes(ByteSpan b) {
  ByteReader r(b);
  return DecodeFileMetaData(r);
}

Result<PageHeader> DecodePageBytes(ByteSpan b) {
  ByteReader r(b);
  return DecodePageHeader(r);
}

Bytes Encode(const FileMetaData& md) {
  ByteWriter w;
  EncodeFileMetaData(md, w);
  return w.Release();
}

Bytes Encode(const PageHeader& ph) {
  ByteWriter w;
  EncodePageHeader(ph, w);
  return w.Release();
}

std::string DataDir() { return BA_TEST_DATA_DIR; }

// Every *.parquet fixture whose footer is plaintext (no .encrypted files).
std::vector<fs::path> FixtureFiles() {
  std::vector<fs::path> out;
  for (const char* sub :
       {"/parquet-testing/data", "/parquet-testing/bad_data", "/arrow-written", "/slot-log"}) {
    const fs::path dir = DataDir() + sub;
    if (!fs::is_directory(dir)) continue;
    for (const auto& e : fs::directory_iterator(dir)) {
      if (e.is_regular_file() && e.path().extension() == ".parquet") out.push_back(e.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

Bytes B(std::initializer_list<int> v) {
  Bytes out;
  for (int x : v) out.push_back(static_cast<uint8_t>(x));
  return out;
}

void ExpectCorruption(const Status& s, std::string_view what) {
  ASSERT_FALSE(s.ok()) << "expected an error containing: " << what;
  EXPECT_TRUE(s.IsCorruption()) << s.ToString();
  EXPECT_THAT(s.message(), HasSubstr(std::string(what)));
  EXPECT_THAT(s.message(), HasSubstr("at offset"));
}

// ---------------------------------------------------------------------------
// Hand-built structs with every field set.

LogicalType Lt(LogicalType::Kind k) {
  LogicalType lt;
  lt.kind = k;
  return lt;
}

FileMetaData FullFileMetaData() {
  using Kind = LogicalType::Kind;
  FileMetaData md;
  md.version = 2;
  SchemaElement root;
  root.name = "schema";
  root.repetition = Repetition::REQUIRED;
  md.schema.push_back(root);

  auto leaf = [&](std::string name, Type type, LogicalType lt) {
    SchemaElement e;
    e.name = std::move(name);
    e.type = type;
    e.repetition = Repetition::OPTIONAL;
    e.logical_type = lt;
    md.schema.push_back(e);
    return &md.schema.back();
  };
  leaf("s", Type::BYTE_ARRAY, Lt(Kind::STRING))->converted_type = ConvertedType::UTF8;
  leaf("e", Type::BYTE_ARRAY, Lt(Kind::ENUM))->converted_type = ConvertedType::ENUM;
  LogicalType dec = Lt(Kind::DECIMAL);
  dec.decimal_scale = 2;
  dec.decimal_precision = 10;
  SchemaElement* d = leaf("d", Type::FIXED_LEN_BYTE_ARRAY, dec);
  d->type_length = 5;
  d->converted_type = ConvertedType::DECIMAL;
  d->scale = 2;
  d->precision = 10;
  SchemaElement* d0 = leaf("d0", Type::INT32, Lt(Kind::DECIMAL));
  d0->precision = 9;  // scale 0 must survive
  d0->logical_type.decimal_precision = 9;
  leaf("date", Type::INT32, Lt(Kind::DATE))->converted_type = ConvertedType::DATE;
  LogicalType time = Lt(Kind::TIME);
  time.is_adjusted_to_utc = true;
  time.unit = TimeUnit::MICROS;
  leaf("t", Type::INT64, time)->converted_type = ConvertedType::TIME_MICROS;
  LogicalType ts = Lt(Kind::TIMESTAMP);
  ts.is_adjusted_to_utc = true;
  ts.unit = TimeUnit::NANOS;
  leaf("ts", Type::INT64, ts)->field_id = -7;
  LogicalType ts_ms = Lt(Kind::TIMESTAMP);
  ts_ms.unit = TimeUnit::MILLIS;
  leaf("ts_ms", Type::INT64, ts_ms)->converted_type = ConvertedType::TIMESTAMP_MILLIS;
  LogicalType i16 = Lt(Kind::INTEGER);
  i16.bit_width = 16;
  i16.is_signed = false;
  leaf("u16", Type::INT32, i16)->converted_type = ConvertedType::UINT_16;
  LogicalType i64 = Lt(Kind::INTEGER);
  i64.bit_width = 64;
  leaf("i64", Type::INT64, i64)->converted_type = ConvertedType::INT_64;
  leaf("null", Type::INT32, Lt(Kind::UNKNOWN));
  leaf("json", Type::BYTE_ARRAY, Lt(Kind::JSON))->converted_type = ConvertedType::JSON;
  leaf("bson", Type::BYTE_ARRAY, Lt(Kind::BSON))->converted_type = ConvertedType::BSON;
  leaf("uuid", Type::FIXED_LEN_BYTE_ARRAY, Lt(Kind::UUID))->type_length = 16;
  leaf("f16", Type::FIXED_LEN_BYTE_ARRAY, Lt(Kind::FLOAT16))->type_length = 2;
  leaf("var", Type::BYTE_ARRAY, Lt(Kind::VARIANT));
  leaf("geom", Type::BYTE_ARRAY, Lt(Kind::GEOMETRY));
  leaf("geog", Type::BYTE_ARRAY, Lt(Kind::GEOGRAPHY));
  leaf("odd", Type::BYTE_ARRAY, Lt(Kind::UNRECOGNIZED));
  leaf("i96", Type::INT96, LogicalType{})->repetition = Repetition::REQUIRED;
  leaf("b", Type::BOOLEAN, LogicalType{})->repetition = Repetition::REPEATED;
  leaf("f", Type::FLOAT, LogicalType{})->type_length = 3;  // odd but legal: a bit length
  leaf("x", Type::DOUBLE, LogicalType{})->converted_type = ConvertedType::INTERVAL;
  SchemaElement group;
  group.name = "m";
  group.repetition = Repetition::OPTIONAL;
  group.num_children = 1;
  group.converted_type = ConvertedType::MAP;
  group.logical_type = Lt(Kind::MAP);
  md.schema.push_back(group);
  SchemaElement list_group;
  list_group.name = "l";
  list_group.repetition = Repetition::REPEATED;
  list_group.num_children = 0;  // a group without children: still written
  list_group.logical_type = Lt(Kind::LIST);
  md.schema.push_back(list_group);
  md.schema[0].num_children = static_cast<int32_t>(md.schema.size() - 2);

  md.num_rows = (int64_t{1} << 40) + 3;

  RowGroup g;
  ColumnChunk c;
  c.file_path = "other.parquet";
  c.file_offset = 123456;
  ColumnMetaData m;
  m.type = Type::BYTE_ARRAY;
  m.encodings = {Encoding::PLAIN, Encoding::RLE, Encoding::RLE_DICTIONARY, Encoding::BYTE_STREAM_SPLIT,
                 Encoding::GROUP_VAR_INT};
  m.path_in_schema = {"a", "b", ""};
  m.codec = Codec::LZ4_RAW;
  m.num_values = 17;
  m.total_uncompressed_size = 1 << 20;
  m.total_compressed_size = 1 << 19;
  m.key_value_metadata = {{"k", "v"}, {"only-key", std::nullopt}, {"", std::string(300, 'x')}};
  m.data_page_offset = 4;
  m.index_page_offset = 5;
  m.dictionary_page_offset = 0;
  Statistics st;
  st.max = std::string("\xff\x00z", 3);
  st.min = "";
  st.null_count = 0;
  st.distinct_count = 9;
  st.max_value = "zz";
  st.min_value = "a";
  st.is_max_value_exact = false;
  st.is_min_value_exact = true;
  m.statistics = st;
  m.encoding_stats = {{PageType::DICTIONARY_PAGE, Encoding::PLAIN, 1},
                      {PageType::DATA_PAGE, Encoding::RLE_DICTIONARY, 40},
                      {PageType::DATA_PAGE_V2, Encoding::DELTA_BYTE_ARRAY, 0}};
  m.bloom_filter_offset = 999;
  m.bloom_filter_length = 64;
  c.meta_data = m;
  c.offset_index_offset = 77;
  c.offset_index_length = 8;
  c.column_index_offset = 88;
  c.column_index_length = 9;
  c.has_crypto_metadata = true;
  c.has_encrypted_column_metadata = true;
  g.columns.push_back(c);
  ColumnChunk minimal;  // only the required file_offset
  minimal.file_offset = -1;
  g.columns.push_back(minimal);
  g.total_byte_size = 1000;
  g.num_rows = 17;
  g.sorting_columns = {{0, true, false}, {3, false, true}};
  g.file_offset = 4;
  g.total_compressed_size = 900;
  g.ordinal = 32767;
  md.row_groups.push_back(g);
  RowGroup empty_group;
  empty_group.ordinal = -1;
  md.row_groups.push_back(empty_group);

  md.key_value_metadata = {{"ARROW:schema", "abc"}, {"pandas", std::nullopt}};
  md.created_by = "budget-audit version 0.1.0 (build test)";
  md.has_column_orders = true;
  md.column_orders_type_defined = {true, false, true};
  md.has_encryption_algorithm = true;
  md.has_footer_signing_key_metadata = true;
  return md;
}

std::vector<PageHeader> SamplePageHeaders() {
  std::vector<PageHeader> out;
  PageHeader v1;
  v1.type = PageType::DATA_PAGE;
  v1.uncompressed_page_size = 100;
  v1.compressed_page_size = 50;
  v1.crc = 0xdeadbeefu;  // negative as an i32
  DataPageHeader d;
  d.num_values = 10;
  d.encoding = Encoding::RLE_DICTIONARY;
  d.definition_level_encoding = Encoding::RLE;
  d.repetition_level_encoding = Encoding::BIT_PACKED;
  Statistics s;
  s.null_count = 3;
  s.min_value = "a";
  d.statistics = s;
  v1.data_page_header = d;
  out.push_back(v1);

  PageHeader dict;
  dict.type = PageType::DICTIONARY_PAGE;
  dict.uncompressed_page_size = 7;
  dict.compressed_page_size = 7;
  dict.crc = 0;
  DictionaryPageHeader dh;
  dh.num_values = 2;
  dh.encoding = Encoding::PLAIN_DICTIONARY;
  dh.is_sorted = true;
  dict.dictionary_page_header = dh;
  out.push_back(dict);

  PageHeader v2;
  v2.type = PageType::DATA_PAGE_V2;
  v2.uncompressed_page_size = 0;
  v2.compressed_page_size = 0;
  DataPageHeaderV2 d2;
  d2.num_values = 5;
  d2.num_nulls = 1;
  d2.num_rows = 5;
  d2.encoding = Encoding::DELTA_BINARY_PACKED;
  d2.definition_levels_byte_length = 2;
  d2.repetition_levels_byte_length = 0;
  d2.is_compressed = false;
  d2.statistics = Statistics{};
  v2.data_page_header_v2 = d2;
  out.push_back(v2);

  PageHeader index;
  index.type = PageType::INDEX_PAGE;
  index.uncompressed_page_size = 1;
  index.compressed_page_size = 1;
  index.has_index_page_header = true;
  out.push_back(index);

  PageHeader bare;  // required fields only
  bare.type = PageType::DATA_PAGE;
  out.push_back(bare);
  return out;
}

// ---------------------------------------------------------------------------
// Round trips.

TEST(MetadataRoundTripTest, FileMetaDataWithEveryField) {
  const FileMetaData md = FullFileMetaData();
  const Bytes enc = Encode(md);
  ByteReader r(enc);
  auto back = DecodeFileMetaData(r);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(r.empty());
  EXPECT_EQ(Differences(md, *back), "");
  EXPECT_EQ(Encode(*back), enc);
}

TEST(MetadataRoundTripTest, MinimalFileMetaData) {
  FileMetaData md;
  SchemaElement root;
  root.name = "";
  md.schema.push_back(root);
  const Bytes enc = Encode(md);
  // version 0, schema [ {name "", num_children 0} ], num_rows 0, row_groups [].
  EXPECT_EQ(enc, B({0x15, 0x00, 0x19, 0x1c, 0x48, 0x00, 0x15, 0x00, 0x00, 0x16, 0x00, 0x19, 0x0c, 0x00}));
  auto back = DecodeBytes(enc);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(Differences(md, *back), "");
}

TEST(MetadataRoundTripTest, PageHeaders) {
  for (const PageHeader& ph : SamplePageHeaders()) {
    const Bytes enc = Encode(ph);
    ByteReader r(enc);
    auto back = DecodePageHeader(r);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_TRUE(r.empty());
    EXPECT_EQ(Differences(ph, *back), "");
  }
}

TEST(MetadataRoundTripTest, PageHeaderBytesMatchThriftLayout) {
  PageHeader ph;
  ph.type = PageType::DATA_PAGE;
  ph.uncompressed_page_size = 100;
  ph.compressed_page_size = 50;
  DataPageHeader d;
  d.num_values = 10;
  d.encoding = Encoding::RLE_DICTIONARY;
  ph.data_page_header = d;
  EXPECT_EQ(Encode(ph), B({0x15, 0x00, 0x15, 0xc8, 0x01, 0x15, 0x64, 0x2c, 0x15, 0x14, 0x15, 0x10, 0x15, 0x06,
                           0x15, 0x06, 0x00, 0x00}));
  ph.crc = 0xffffffffu;  // -1 on the wire: zigzag 1
  ph.data_page_header.reset();
  EXPECT_EQ(Encode(ph), B({0x15, 0x00, 0x15, 0xc8, 0x01, 0x15, 0x64, 0x15, 0x01, 0x00}));
  auto back = DecodePageBytes(Encode(ph));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->crc, 0xffffffffu);
}

TEST(MetadataRoundTripTest, LogicalTypeBytes) {
  // TIMESTAMP(isAdjustedToUTC=true, NANOS), as Arrow writes it.
  FileMetaData md;
  SchemaElement e;
  e.name = "t";
  e.type = Type::INT64;
  e.logical_type.kind = LogicalType::Kind::TIMESTAMP;
  e.logical_type.is_adjusted_to_utc = true;
  e.logical_type.unit = TimeUnit::NANOS;
  md.schema.push_back(e);
  const Bytes enc = Encode(md);
  // ...schema element: type 2, name "t", field 10 {8: {1: true, 2: {3: {}}}}
  const Bytes element =
      B({0x15, 0x04, 0x38, 0x01, 't', 0x6c, 0x8c, 0x11, 0x1c, 0x3c, 0x00, 0x00, 0x00, 0x00, 0x00});
  EXPECT_NE(std::search(enc.begin(), enc.end(), element.begin(), element.end()), enc.end());
}

// ---------------------------------------------------------------------------
// Real footers.

// Footers we model completely: re-encoding gives the writer's bytes.
bool ExpectByteExactReencode(const FileMetaData& md) {
  if (!md.created_by) return false;
  const std::string& cb = *md.created_by;
  if (cb.rfind("DuckDB", 0) == 0) return true;
  // Arrow >= 19 writes SizeStatistics (ColumnMetaData 16), which we skip.
  static const std::string kArrow = "parquet-cpp-arrow version ";
  if (cb.rfind(kArrow, 0) == 0) return std::atoi(cb.c_str() + kArrow.size()) < 20;
  return false;
}

TEST(MetadataFixtureTest, EveryFixtureFooterDecodesAndRoundTrips) {
  const auto files = FixtureFiles();
  ASSERT_GT(files.size(), 50u) << "fixtures missing under " << DataDir();
  int exact = 0;
  for (const fs::path& path : files) {
    SCOPED_TRACE(path.string());
    Footer f = ReadFooter(path);
    ASSERT_FALSE(f.bytes.empty());
    ByteReader r(f.bytes, f.offset);
    auto md = DecodeFileMetaData(r);
    ASSERT_TRUE(md.ok()) << md.status().ToString();
    EXPECT_TRUE(r.empty()) << r.remaining() << " bytes left after the footer";
    EXPECT_FALSE(md->schema.empty());

    const Bytes enc = Encode(*md);
    auto again = DecodeBytes(enc);
    ASSERT_TRUE(again.ok()) << again.status().ToString();
    EXPECT_EQ(Differences(*md, *again), "");
    EXPECT_EQ(Encode(*again), enc);
    if (ExpectByteExactReencode(*md) && path.parent_path().filename() != "bad_data") {
      EXPECT_TRUE(std::equal(enc.begin(), enc.end(), f.bytes.begin(), f.bytes.end()))
          << "re-encoded footer differs from the writer's bytes";
      ++exact;
    }
  }
  EXPECT_GE(exact, 20);
}

// Walks the pages of every column chunk: each header decodes, re-encodes to
// an equal struct, and (for Arrow and DuckDB files) to the same bytes.
TEST(MetadataFixtureTest, PageHeadersOfWriterFixtures) {
  int pages = 0;
  for (const char* sub : {"/slot-log", "/arrow-written"}) {
    for (const auto& e : fs::directory_iterator(DataDir() + sub)) {
      if (e.path().extension() != ".parquet") continue;
      SCOPED_TRACE(e.path().string());
      Footer f = ReadFooter(e.path());
      auto md = DecodeBytes(f.bytes);
      ASSERT_TRUE(md.ok()) << md.status().ToString();
      const bool exact = ExpectByteExactReencode(*md) ||
                         (md->created_by && md->created_by->rfind("parquet-cpp-arrow", 0) == 0);
      for (const RowGroup& g : md->row_groups) {
        for (const ColumnChunk& c : g.columns) {
          ASSERT_TRUE(c.meta_data.has_value());
          const ColumnMetaData& m = *c.meta_data;
          int64_t start = m.data_page_offset;
          if (m.dictionary_page_offset && *m.dictionary_page_offset > 0) {
            start = std::min(start, *m.dictionary_page_offset);
          }
          ASSERT_GE(start, 0);
          ASSERT_LE(static_cast<uint64_t>(start + m.total_compressed_size), f.offset);
          const ByteSpan chunk(f.file.data() + start, static_cast<size_t>(m.total_compressed_size));
          ByteReader r(chunk, static_cast<uint64_t>(start));
          while (!r.empty()) {
            const size_t at = r.position();
            auto ph = DecodePageHeader(r);
            ASSERT_TRUE(ph.ok()) << ph.status().ToString();
            ++pages;
            const ByteSpan orig = ByteSpan(f.file.data() + start + at, r.position() - at);
            const Bytes enc = Encode(*ph);
            auto back = DecodePageBytes(enc);
            ASSERT_TRUE(back.ok()) << back.status().ToString();
            EXPECT_EQ(Differences(*ph, *back), "");
            if (exact) {
              EXPECT_TRUE(std::equal(enc.begin(), enc.end(), orig.begin(), orig.end()));
            }
            ASSERT_TRUE(r.Skip(static_cast<size_t>(ph->compressed_page_size)).ok());
          }
        }
      }
    }
  }
  EXPECT_GT(pages, 300);
}

FileMetaData MustDecodeFixture(const std::string& rel) {
  Footer f = ReadFooter(DataDir() + "/" + rel);
  auto md = DecodeBytes(f.bytes);
  EXPECT_TRUE(md.ok()) << rel << ": " << md.status().ToString();
  return md.ok() ? *md : FileMetaData{};
}

size_t LeafCount(const FileMetaData& md) {
  return static_cast<size_t>(std::count_if(md.schema.begin(), md.schema.end(),
                                           [](const SchemaElement& e) { return e.type.has_value(); }));
}

TEST(MetadataFixtureTest, DuckDbSlotLog) {
  FileMetaData md = MustDecodeFixture("slot-log/duckdb-snappy.parquet");
  EXPECT_EQ(md.num_rows, 1000);
  EXPECT_EQ(LeafCount(md), 11u);
  ASSERT_EQ(md.schema.size(), 12u);
  EXPECT_EQ(md.schema[0].num_children, 11);
  EXPECT_FALSE(md.schema[0].type.has_value());
  const SchemaElement& ts = md.schema[1];
  EXPECT_EQ(ts.name, "timestamp");
  EXPECT_EQ(ts.type, Type::INT64);
  EXPECT_EQ(ts.repetition, Repetition::OPTIONAL);
  EXPECT_EQ(ts.converted_type, ConvertedType::TIMESTAMP_MICROS);
  EXPECT_EQ(ts.logical_type.kind, LogicalType::Kind::TIMESTAMP);
  EXPECT_EQ(ts.logical_type.unit, TimeUnit::MICROS);
  EXPECT_TRUE(ts.logical_type.is_adjusted_to_utc);
  EXPECT_EQ(md.schema[9].name, "gate_passed");
  EXPECT_EQ(md.schema[9].type, Type::BOOLEAN);
  ASSERT_EQ(md.row_groups.size(), 1u);
  const RowGroup& g = md.row_groups[0];
  EXPECT_EQ(g.num_rows, 1000);
  ASSERT_EQ(g.columns.size(), 11u);
  for (const ColumnChunk& c : g.columns) {
    ASSERT_TRUE(c.meta_data.has_value());
    EXPECT_EQ(c.meta_data->codec, Codec::SNAPPY);
    EXPECT_EQ(c.meta_data->num_values, 1000);
    EXPECT_FALSE(c.file_path.has_value());
  }
  EXPECT_EQ(g.columns[1].meta_data->path_in_schema, std::vector<std::string>{"date"});
  EXPECT_TRUE(md.has_column_orders);
  EXPECT_EQ(md.column_orders_type_defined, std::vector<bool>(11, true));
  ASSERT_TRUE(md.created_by.has_value());
  EXPECT_THAT(*md.created_by, HasSubstr("DuckDB"));
}

TEST(MetadataFixtureTest, SlotLogWriters) {
  FileMetaData rs = MustDecodeFixture("slot-log/arrow-rs-v1.parquet");
  EXPECT_EQ(rs.num_rows, 1000);
  EXPECT_EQ(rs.row_groups.size(), 3u);
  int64_t rows = 0;
  for (const RowGroup& g : rs.row_groups) rows += g.num_rows;
  EXPECT_EQ(rows, 1000);
  ASSERT_GE(rs.schema.size(), 2u);
  EXPECT_EQ(rs.schema[1].logical_type.kind, LogicalType::Kind::TIMESTAMP);
  EXPECT_EQ(rs.schema[1].logical_type.unit, TimeUnit::NANOS);
  EXPECT_TRUE(rs.schema[1].logical_type.is_adjusted_to_utc);
  EXPECT_TRUE(std::any_of(rs.key_value_metadata.begin(), rs.key_value_metadata.end(),
                          [](const KeyValue& kv) { return kv.key == "pandas"; }));

  FileMetaData v2 = MustDecodeFixture("slot-log/arrow-rs-v2.parquet");
  EXPECT_EQ(v2.num_rows, 1000);

  FileMetaData hy = MustDecodeFixture("slot-log/hyparquet.parquet");
  EXPECT_EQ(hy.num_rows, 1000);
  ASSERT_GE(hy.schema.size(), 2u);
  // hyparquet-writer annotates the timestamp with the ConvertedType only.
  EXPECT_EQ(hy.schema[1].converted_type, ConvertedType::TIMESTAMP_MILLIS);
  EXPECT_EQ(hy.schema[1].logical_type.kind, LogicalType::Kind::NONE);
  EXPECT_FALSE(hy.schema[0].repetition.has_value());

  for (const char* f : {"slot-log/duckdb-gzip.parquet", "slot-log/duckdb-zstd-v2.parquet"}) {
    FileMetaData md = MustDecodeFixture(f);
    EXPECT_EQ(md.num_rows, 1000) << f;
    EXPECT_EQ(LeafCount(md), 11u) << f;
  }
}

TEST(MetadataFixtureTest, UnknownLogicalType) {
  FileMetaData md = MustDecodeFixture("parquet-testing/data/unknown-logical-type.parquet");
  ASSERT_EQ(md.schema.size(), 3u);
  EXPECT_EQ(md.schema[1].name, "column with known type");
  EXPECT_EQ(md.schema[1].logical_type.kind, LogicalType::Kind::STRING);
  EXPECT_EQ(md.schema[2].name, "column with unknown type");
  EXPECT_EQ(md.schema[2].type, Type::BYTE_ARRAY);
  EXPECT_EQ(md.schema[2].logical_type.kind, LogicalType::Kind::UNRECOGNIZED);
  EXPECT_EQ(md.num_rows, 3);
}

TEST(MetadataFixtureTest, SortColumnsAndStatistics) {
  FileMetaData md = MustDecodeFixture("parquet-testing/data/sort_columns.parquet");
  ASSERT_EQ(md.row_groups.size(), 2u);
  for (const RowGroup& g : md.row_groups) {
    ASSERT_EQ(g.sorting_columns.size(), 2u);
    EXPECT_EQ(g.sorting_columns[0].column_idx, 0);
    EXPECT_TRUE(g.sorting_columns[0].descending);
    EXPECT_TRUE(g.sorting_columns[0].nulls_first);
    EXPECT_EQ(g.sorting_columns[1].column_idx, 1);
    EXPECT_FALSE(g.sorting_columns[1].descending);
    EXPECT_FALSE(g.sorting_columns[1].nulls_first);
    ASSERT_EQ(g.columns.size(), 2u);
    // INT64 column "a": deprecated min/max (1, 2) plus 3, 5, 6.
    const Statistics& a = *g.columns[0].meta_data->statistics;
    EXPECT_TRUE(a.max && a.min && a.null_count && a.max_value && a.min_value);
    EXPECT_FALSE(a.distinct_count.has_value());
    EXPECT_EQ(a.max->size(), 8u);
    EXPECT_EQ(*a.max, *a.max_value);
    EXPECT_EQ(*a.min, *a.min_value);
    // STRING column "b": only 3, 5, 6.
    const Statistics& b = *g.columns[1].meta_data->statistics;
    EXPECT_FALSE(b.max.has_value());
    EXPECT_FALSE(b.min.has_value());
    EXPECT_TRUE(b.null_count && b.max_value && b.min_value);
    EXPECT_EQ(g.columns[1].meta_data->encodings,
              (std::vector<Encoding>{Encoding::PLAIN, Encoding::RLE, Encoding::RLE_DICTIONARY}));
  }
  EXPECT_EQ(*md.row_groups[0].ordinal, 0);
  EXPECT_EQ(*md.row_groups[1].ordinal, 1);
}

TEST(MetadataFixtureTest, EncodingStatsAndPageIndex) {
  FileMetaData md = MustDecodeFixture("parquet-testing/data/data_index_bloom_encoding_stats.parquet");
  ASSERT_FALSE(md.row_groups.empty());
  const ColumnChunk& c = md.row_groups[0].columns[0];
  EXPECT_TRUE(c.column_index_offset.has_value());
  EXPECT_TRUE(c.offset_index_offset.has_value());
  EXPECT_TRUE(c.meta_data->bloom_filter_offset.has_value());
  EXPECT_FALSE(c.meta_data->encoding_stats.empty());
}

TEST(MetadataFixtureTest, FastparquetEmptyListWithoutElementType) {
  // fastparquet writes an empty key_value_metadata list as a bare 0x00.
  FileMetaData md = MustDecodeFixture("arrow-written/nanoparquet-int64.parquet");
  EXPECT_EQ(md.num_rows, 6);
}

TEST(MetadataFixtureTest, ListWithI16ElementTypeForI32Enums) {
  // bad_data/ARROW-GH-41317.parquet declares ColumnMetaData.encodings with
  // i16 elements; the Apache Thrift runtime ignores the declared type.
  FileMetaData md = MustDecodeFixture("parquet-testing/bad_data/ARROW-GH-41317.parquet");
  EXPECT_EQ(md.num_rows, 5);
}

// ---------------------------------------------------------------------------
// Hostile input.

TEST(MetadataHostileTest, TruncatedFootersFailAtEveryByte) {
  for (const char* rel : {"slot-log/duckdb-snappy.parquet", "parquet-testing/data/sort_columns.parquet"}) {
    Footer f = ReadFooter(DataDir() + "/" + rel);
    ASSERT_FALSE(f.bytes.empty());
    for (size_t n = 0; n < f.bytes.size(); ++n) {
      ByteReader r(f.bytes.first(n), f.offset);
      auto md = DecodeFileMetaData(r);
      ASSERT_FALSE(md.ok()) << rel << " truncated to " << n;
      EXPECT_TRUE(md.status().IsCorruption()) << md.status().ToString();
      EXPECT_THAT(md.status().message(), HasSubstr("at offset"));
    }
  }
}

TEST(MetadataHostileTest, TruncatedPageHeadersFailAtEveryByte) {
  for (const PageHeader& ph : SamplePageHeaders()) {
    const Bytes enc = Encode(ph);
    for (size_t n = 0; n < enc.size(); ++n) {
      auto back = DecodePageBytes(ByteSpan(enc.data(), n));
      ASSERT_FALSE(back.ok()) << "truncated to " << n;
      EXPECT_TRUE(back.status().IsCorruption());
    }
  }
}

// Every byte replaced by a few values: decoding may succeed or fail, but
// never crashes (the sanitizers watch), and success re-encodes stably.
TEST(MetadataHostileTest, MutatedFootersNeverCrash) {
  Footer f = ReadFooter(DataDir() + "/parquet-testing/data/sort_columns.parquet");
  ASSERT_FALSE(f.bytes.empty());
  Bytes buf(f.bytes.begin(), f.bytes.end());
  int ok = 0;
  for (size_t i = 0; i < buf.size(); ++i) {
    const uint8_t orig = buf[i];
    for (uint8_t v : {uint8_t{0xff}, uint8_t(orig ^ 0x01)}) {
      buf[i] = v;
      auto md = DecodeBytes(buf);
      if (md.ok()) {
        ++ok;
        // Decoded structs are canonical, so equal structs <=> equal bytes.
        const Bytes enc = Encode(*md);
        auto again = DecodeBytes(enc);
        ASSERT_TRUE(again.ok()) << again.status().ToString();
        EXPECT_EQ(Encode(*again), enc) << "byte " << i << " = " << int(v);
      } else {
        EXPECT_TRUE(md.status().IsCorruption()) << md.status().ToString();
      }
    }
    buf[i] = orig;
  }
  EXPECT_GT(ok, 0);
}

// A FileMetaData with the required fields and `extra` spliced in before the
// STOP byte (extra must start with a long-form field header or use deltas
// from field 4).
Bytes FileMetaDataWith(std::initializer_list<int> extra) {
  Bytes out = B({0x15, 0x04,             // 1: version 2
                 0x19, 0x1c,             // 2: schema, 1 struct
                 0x48, 0x01, 'r', 0x00,  //    name "r"
                 0x16, 0x02,             // 3: num_rows 1
                 0x19, 0x0c});           // 4: row_groups []
  for (int x : extra) out.push_back(static_cast<uint8_t>(x));
  out.push_back(0x00);
  return out;
}

TEST(MetadataHostileTest, MinimalHandBuiltFooter) {
  auto md = DecodeBytes(FileMetaDataWith({}));
  ASSERT_TRUE(md.ok()) << md.status().ToString();
  EXPECT_EQ(md->version, 2);
  ASSERT_EQ(md->schema.size(), 1u);
  EXPECT_EQ(md->schema[0].name, "r");
  EXPECT_EQ(md->num_rows, 1);
  EXPECT_TRUE(md->row_groups.empty());
}

TEST(MetadataHostileTest, MissingRequiredFieldsAreNamed) {
  ExpectCorruption(DecodeBytes(B({0x15, 0x04, 0x00})).status(),
                   "FileMetaData: required field 'schema' (2) is missing");
  ExpectCorruption(DecodeBytes(B({0x15, 0x04, 0x19, 0x0c, 0x29, 0x0c, 0x00})).status(),
                   "FileMetaData: required field 'num_rows' (3) is missing");
  ExpectCorruption(DecodeBytes(B({0x15, 0x04, 0x19, 0x0c, 0x16, 0x02, 0x00})).status(),
                   "FileMetaData: required field 'row_groups' (4) is missing");
  ExpectCorruption(DecodeBytes(B({0x29, 0x0c, 0x16, 0x02, 0x19, 0x0c, 0x00})).status(),
                   "FileMetaData: required field 'version' (1) is missing");
  // Schema element without a name.
  ExpectCorruption(
      DecodeBytes(B({0x15, 0x04, 0x19, 0x1c, 0x15, 0x02, 0x00, 0x16, 0x02, 0x19, 0x0c, 0x00})).status(),
      "FileMetaData.schema[0]: SchemaElement: required field 'name' (4) is missing");
  // A row group whose only column chunk has no file_offset.
  ExpectCorruption(DecodeBytes(B({0x15, 0x04, 0x19, 0x1c, 0x48, 0x01, 'r', 0x00, 0x16, 0x02, 0x19,
                                  0x1c,              // row_groups: 1 struct
                                  0x19, 0x1c, 0x00,  //   columns: [ {} ]
                                  0x16, 0x00, 0x16, 0x00, 0x00, 0x00}))
                       .status(),
                   "FileMetaData.row_groups[0]: RowGroup.columns[0]: ColumnChunk: required field "
                   "'file_offset' (2) is missing");
  // Page headers.
  ExpectCorruption(DecodePageBytes(B({0x25, 0x02, 0x15, 0x02, 0x00})).status(),
                   "PageHeader: required field 'type' (1) is missing");
  ExpectCorruption(DecodePageBytes(B({0x15, 0x00, 0x15, 0x02, 0x00})).status(),
                   "PageHeader: required field 'compressed_page_size' (3) is missing");
  ExpectCorruption(
      DecodePageBytes(B({0x15, 0x00, 0x15, 0x02, 0x15, 0x02, 0x2c, 0x15, 0x02, 0x00, 0x00})).status(),
      "PageHeader.data_page_header: DataPageHeader: required field 'encoding' (2)");
}

TEST(MetadataHostileTest, FieldsWithTheWrongWireTypeAreSkipped) {
  // num_rows as a binary: skipped like generated Thrift code does, then
  // reported missing.
  ExpectCorruption(
      DecodeBytes(B({0x15, 0x04, 0x19, 0x1c, 0x48, 0x01, 'r', 0x00, 0x18, 0x01, 'x', 0x19, 0x0c, 0x00}))
          .status(),
      "required field 'num_rows' (3) is missing");
  // An optional field (created_by, 6) sent as an i32 is ignored.
  auto md = DecodeBytes(FileMetaDataWith({0x25, 0x0e}));
  ASSERT_TRUE(md.ok()) << md.status().ToString();
  EXPECT_FALSE(md->created_by.has_value());
}

TEST(MetadataHostileTest, EnumsOutOfRange) {
  // Schema element type 8.
  ExpectCorruption(DecodeBytes(B({0x15, 0x04, 0x19, 0x1c, 0x15, 0x10, 0x38, 0x01, 'r', 0x00, 0x16, 0x02, 0x19,
                                  0x0c, 0x00}))
                       .status(),
                   "FileMetaData.schema[0]: SchemaElement.type: unknown value 8");
  // Repetition 3 (VECTOR, not supported here) and converted type 22 / -1.
  ExpectCorruption(DecodeBytes(B({0x15, 0x04, 0x19, 0x1c, 0x35, 0x06, 0x18, 0x01, 'r', 0x00, 0x16, 0x02, 0x19,
                                  0x0c, 0x00}))
                       .status(),
                   "SchemaElement.repetition_type: unknown value 3");
  ExpectCorruption(DecodeBytes(B({0x15, 0x04, 0x19, 0x1c, 0x48, 0x01, 'r', 0x25, 0x2c, 0x00, 0x16, 0x02, 0x19,
                                  0x0c, 0x00}))
                       .status(),
                   "SchemaElement.converted_type: unknown value 22");
  ExpectCorruption(DecodeBytes(B({0x15, 0x04, 0x19, 0x1c, 0x48, 0x01, 'r', 0x25, 0x01, 0x00, 0x16, 0x02, 0x19,
                                  0x0c, 0x00}))
                       .status(),
                   "SchemaElement.converted_type: unknown value -1");
  // Page type 4, encodings 10.
  ExpectCorruption(DecodePageBytes(B({0x15, 0x08, 0x15, 0x00, 0x15, 0x00, 0x00})).status(),
                   "PageHeader.type: unknown value 4");
  ExpectCorruption(DecodePageBytes(B({0x15, 0x00, 0x15, 0x00, 0x15, 0x00, 0x2c, 0x15, 0x00, 0x15, 0x14, 0x15,
                                      0x06, 0x15, 0x06, 0x00, 0x00}))
                       .status(),
                   "PageHeader.data_page_header: DataPageHeader.encoding: unknown value 10");
}

// A ColumnMetaData list element with one field changed; checks the codec,
// type and encodings validation through the whole nesting.
TEST(MetadataHostileTest, ColumnMetaDataEnums) {
  FileMetaData md;
  SchemaElement root;
  root.name = "r";
  md.schema.push_back(root);
  RowGroup g;
  ColumnChunk c;
  c.meta_data = ColumnMetaData{};
  c.meta_data->encodings = {Encoding::PLAIN};
  c.meta_data->path_in_schema = {"x"};
  g.columns.push_back(c);
  md.row_groups.push_back(g);
  Bytes enc = Encode(md);
  ASSERT_TRUE(DecodeBytes(enc).ok());
  // The ColumnMetaData starts with "15 02" (type INT32); find and patch it.
  const Bytes cmd_start = B({0x1c, 0x15, 0x02, 0x19, 0x15, 0x00});
  auto it = std::search(enc.begin(), enc.end(), cmd_start.begin(), cmd_start.end());
  ASSERT_NE(it, enc.end());
  const size_t at = static_cast<size_t>(it - enc.begin());
  Bytes bad_type = enc;
  bad_type[at + 2] = 0x10;  // type 8
  ExpectCorruption(DecodeBytes(bad_type).status(),
                   "FileMetaData.row_groups[0]: RowGroup.columns[0]: ColumnChunk.meta_data: "
                   "ColumnMetaData.type: unknown value 8");
  Bytes bad_encoding = enc;
  bad_encoding[at + 5] = 0x14;  // encoding 10
  ExpectCorruption(DecodeBytes(bad_encoding).status(), "ColumnMetaData.encodings[0]: unknown value 10");
  Bytes bad_codec = enc;
  const Bytes codec = B({0x15, 0x00, 0x16});  // 4: codec 0, then 5: num_values
  auto ci = std::search(enc.begin() + static_cast<long>(at), enc.end(), codec.begin(), codec.end());
  ASSERT_NE(ci, enc.end());
  bad_codec[static_cast<size_t>(ci - enc.begin()) + 1] = 0x10;  // codec 8
  ExpectCorruption(DecodeBytes(bad_codec).status(), "ColumnMetaData.codec: unknown value 8");
}

TEST(MetadataHostileTest, NegativePageSizesAndCounts) {
  ExpectCorruption(DecodePageBytes(B({0x15, 0x00, 0x15, 0x01, 0x15, 0x00, 0x00})).status(),
                   "PageHeader.uncompressed_page_size is negative (-1)");
  ExpectCorruption(DecodePageBytes(B({0x15, 0x00, 0x15, 0x00, 0x15, 0x09, 0x00})).status(),
                   "PageHeader.compressed_page_size is negative (-5)");
  // Dictionary page with num_values -1 (ARROW-RS-GH-6229-DICTHEADER).
  ExpectCorruption(
      DecodePageBytes(B({0x15, 0x04, 0x15, 0x00, 0x15, 0x00, 0x4c, 0x15, 0x01, 0x15, 0x00, 0x00, 0x00}))
          .status(),
      "DictionaryPageHeader.num_values is negative (-1)");
  ExpectCorruption(DecodePageBytes(B({0x15, 0x00, 0x15, 0x00, 0x15, 0x00, 0x2c, 0x15, 0x03, 0x15, 0x00, 0x15,
                                      0x06, 0x15, 0x06, 0x00, 0x00}))
                       .status(),
                   "DataPageHeader.num_values is negative (-2)");
  PageHeader v2 = SamplePageHeaders()[2];
  v2.data_page_header_v2->num_nulls = -3;
  ExpectCorruption(DecodePageBytes(Encode(v2)).status(), "DataPageHeaderV2.num_nulls is negative (-3)");
  v2.data_page_header_v2->num_nulls = 0;
  v2.data_page_header_v2->definition_levels_byte_length = -1;
  ExpectCorruption(DecodePageBytes(Encode(v2)).status(),
                   "DataPageHeaderV2.definition_levels_byte_length is negative (-1)");
}

TEST(MetadataHostileTest, HugeListCounts) {
  // schema: list of 0x7fffffff structs in a 20-byte footer.
  ExpectCorruption(
      DecodeBytes(B({0x15, 0x04, 0x19, 0xfc, 0xff, 0xff, 0xff, 0xff, 0x07, 0x48, 0x01, 'r', 0x00, 0x00}))
          .status(),
      "FileMetaData.schema: list of 2147483647 struct elements");
  // Negative count.
  ExpectCorruption(DecodeBytes(B({0x15, 0x04, 0x19, 0xfc, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x00})).status(),
                   "negative list size");
  // Row groups: count larger than the bytes left.
  ExpectCorruption(DecodeBytes(B({0x15, 0x04, 0x19, 0x1c, 0x48, 0x01, 'r', 0x00, 0x16, 0x02, 0x19, 0xfc, 0x80,
                                  0x01, 0x00}))
                       .status(),
                   "list of 128 struct elements");
  // A huge count in an unknown field is rejected the same way.
  ExpectCorruption(DecodeBytes(FileMetaDataWith({0x09, 0x64, 0xf5, 0xff, 0xff, 0xff, 0x7f})).status(),
                   "list of 268435455 i32 elements");
  // Strings: length beyond the end.
  ExpectCorruption(DecodeBytes(FileMetaDataWith({0x28, 0xff, 0x7f, 'a'})).status(),
                   "FileMetaData.created_by: binary length 16383 exceeds the");
}

TEST(MetadataHostileTest, MemoryAmplificationIsCapped) {
  // One row group with 60000 minimal ColumnChunks (3 bytes each, ~520 in
  // memory): 31 MB of structs from a 180 KB footer.
  const uint32_t n = 60000;
  ByteWriter w;
  w.PutBytes(B({0x15, 0x04, 0x19, 0x1c, 0x48, 0x01, 'r', 0x00, 0x16, 0x02, 0x19, 0x1c, 0x19, 0xfc}));
  w.PutVarint(n);
  Bytes in = w.Release();
  for (uint32_t i = 0; i < n; ++i) in.insert(in.end(), {0x26, 0x00, 0x00});
  in.insert(in.end(), {0x16, 0x00, 0x16, 0x00, 0x00, 0x00});
  auto md = DecodeBytes(in);
  ASSERT_FALSE(md.ok());
  EXPECT_EQ(md.status().code(), StatusCode::kResourceExhausted) << md.status().ToString();
  EXPECT_THAT(md.status().message(), HasSubstr("bytes of memory"));

  // The same shape with 2000 chunks is fine.
  Bytes small =
      B({0x15, 0x04, 0x19, 0x1c, 0x48, 0x01, 'r', 0x00, 0x16, 0x02, 0x19, 0x1c, 0x19, 0xfc, 0xd0, 0x0f});
  for (int i = 0; i < 2000; ++i) small.insert(small.end(), {0x26, 0x00, 0x00});
  small.insert(small.end(), {0x16, 0x00, 0x16, 0x00, 0x00, 0x00});
  auto ok = DecodeBytes(small);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->row_groups[0].columns.size(), 2000u);
}

TEST(MetadataHostileTest, DeepNestingInAnUnknownField) {
  Bytes extra = {0x0c, 0xc8, 0x01};  // field 100: struct
  for (int i = 0; i < 5000; ++i) extra.push_back(0x1c);
  Bytes in = FileMetaDataWith({});
  in.pop_back();
  in.insert(in.end(), extra.begin(), extra.end());
  in.insert(in.end(), 5002, 0x00);
  ExpectCorruption(DecodeBytes(in).status(), "nesting deeper than 64");
}

TEST(MetadataHostileTest, BadVarints) {
  // num_rows with 11 continuation bytes.
  Bytes in = B({0x15, 0x04, 0x19, 0x1c, 0x48, 0x01, 'r', 0x00, 0x16});
  in.insert(in.end(), 11, 0xff);
  in.insert(in.end(), {0x00, 0x19, 0x0c, 0x00});
  ExpectCorruption(DecodeBytes(in).status(), "FileMetaData.num_rows: varint longer");
  // version doesn't fit an i32.
  ExpectCorruption(DecodeBytes(B({0x15, 0x80, 0x80, 0x80, 0x80, 0x20, 0x00})).status(),
                   "FileMetaData.version: i32 value");
  // A varint that ends with the input.
  ExpectCorruption(DecodeBytes(B({0x15, 0x80})).status(), "end of data");
}

TEST(MetadataHostileTest, UnknownFieldsOfEveryTypeAreSkipped) {
  auto base = DecodeBytes(FileMetaDataWith({}));
  ASSERT_TRUE(base.ok());
  // Fields 100.. of every type after field 4, long-form headers.
  auto md = DecodeBytes(FileMetaDataWith({
      0x01, 0xc8, 0x01,                                      // 100: bool true
      0x12,                                                  // 101: bool false
      0x13, 0x80,                                            // 102: i8
      0x14, 0x03,                                            // 103: i16
      0x15, 0x05,                                            // 104: i32
      0x16, 0x07,                                            // 105: i64
      0x17, 0,    0,    0,    0,    0,    0,    0xf0, 0x3f,  // 106: double
      0x18, 0x02, 'h',  'i',                                 // 107: binary
      0x19, 0x21, 0x01, 0x02,                                // 108: list<bool> [true, false]
      0x1a, 0x28, 0x00, 0x01, 'z',                           // 109: set<binary>
      0x1b, 0x01, 0x8c, 0x00, 0x1c, 0x00, 0x00,              // 110: map<binary, struct>
      0x1b, 0x00,                                            // 111: empty map
      0x1c, 0x15, 0x02, 0x1c, 0x00, 0x00,                    // 112: struct { struct {} }
      0x1d, 0,    1,    2,    3,    4,    5,    6,    7,    8, 9, 10, 11, 12, 13, 14, 15,  // 113: uuid
      0x19, 0x00,  // 114: empty list, element type 0
  }));
  ASSERT_TRUE(md.ok()) << md.status().ToString();
  EXPECT_EQ(Differences(*base, *md), "");
}

// One schema element with `lt` (bytes of a LogicalType struct) as field 10.
Result<FileMetaData> WithLogicalType(std::initializer_list<int> lt) {
  Bytes in = B({0x15, 0x04, 0x19, 0x1c, 0x15, 0x0c, 0x38, 0x01, 'c', 0x0c, 0x14});  // type, name
  for (int x : lt) in.push_back(static_cast<uint8_t>(x));
  in.insert(in.end(), {0x00, 0x16, 0x02, 0x19, 0x0c, 0x00});
  return DecodeBytes(in);
}

TEST(MetadataLogicalTypeTest, UnknownMembersAreUnrecognized) {
  using Kind = LogicalType::Kind;
  // Member 2555 (as in unknown-logical-type.parquet), an empty struct.
  auto md = WithLogicalType({0x0c, 0xf6, 0x27, 0x00, 0x00});
  ASSERT_TRUE(md.ok()) << md.status().ToString();
  EXPECT_EQ(md->schema[0].logical_type.kind, Kind::UNRECOGNIZED);
  // Member 9 (reserved for INTERVAL) holding an i32.
  md = WithLogicalType({0x95, 0x02, 0x00});
  ASSERT_TRUE(md.ok()) << md.status().ToString();
  EXPECT_EQ(md->schema[0].logical_type.kind, Kind::UNRECOGNIZED);
  // Empty union.
  md = WithLogicalType({0x00});
  ASSERT_TRUE(md.ok());
  EXPECT_EQ(md->schema[0].logical_type.kind, Kind::UNRECOGNIZED);
  // A known member with the wrong wire type counts as unknown.
  md = WithLogicalType({0x15, 0x02, 0x00});
  ASSERT_TRUE(md.ok());
  EXPECT_EQ(md->schema[0].logical_type.kind, Kind::UNRECOGNIZED);
  // STRING with unexpected contents is still STRING.
  md = WithLogicalType({0x1c, 0x15, 0x02, 0x00, 0x00});
  ASSERT_TRUE(md.ok());
  EXPECT_EQ(md->schema[0].logical_type.kind, Kind::STRING);
  // The last member wins, and nothing of an earlier one leaks.
  // DECIMAL, then member 9.
  md = WithLogicalType({0x5c, 0x15, 0x04, 0x15, 0x08, 0x00, 0x4c, 0x00, 0x00});
  ASSERT_TRUE(md.ok());
  EXPECT_EQ(md->schema[0].logical_type.kind, Kind::UNRECOGNIZED);
  EXPECT_EQ(md->schema[0].logical_type.decimal_scale, 0);
  // DECIMAL, then STRING (long-form field header).
  md = WithLogicalType({0x5c, 0x15, 0x04, 0x15, 0x08, 0x00, 0x0c, 0x02, 0x00, 0x00});
  ASSERT_TRUE(md.ok());
  EXPECT_EQ(md->schema[0].logical_type.kind, Kind::STRING);
  EXPECT_EQ(md->schema[0].logical_type.decimal_scale, 0);
}

TEST(MetadataLogicalTypeTest, TimestampUnits) {
  using Kind = LogicalType::Kind;
  // TIMESTAMP {1: false, 2: {2: {}}} = MICROS, not UTC.
  auto md = WithLogicalType({0x8c, 0x12, 0x1c, 0x2c, 0x00, 0x00, 0x00, 0x00});
  ASSERT_TRUE(md.ok()) << md.status().ToString();
  EXPECT_EQ(md->schema[0].logical_type.kind, Kind::TIMESTAMP);
  EXPECT_EQ(md->schema[0].logical_type.unit, TimeUnit::MICROS);
  EXPECT_FALSE(md->schema[0].logical_type.is_adjusted_to_utc);
  // An unknown unit (4): read as the physical type.
  md = WithLogicalType({0x8c, 0x11, 0x1c, 0x4c, 0x00, 0x00, 0x00, 0x00});
  ASSERT_TRUE(md.ok()) << md.status().ToString();
  EXPECT_EQ(md->schema[0].logical_type.kind, Kind::UNRECOGNIZED);
  EXPECT_FALSE(md->schema[0].logical_type.is_adjusted_to_utc);
  // Missing unit.
  ExpectCorruption(WithLogicalType({0x8c, 0x11, 0x00, 0x00}).status(),
                   "SchemaElement.logicalType: LogicalType.TIMESTAMP: TimestampType: required "
                   "field 'unit' (2) is missing");
  // TIME with a missing isAdjustedToUTC.
  ExpectCorruption(WithLogicalType({0x7c, 0x2c, 0x1c, 0x00, 0x00, 0x00, 0x00}).status(),
                   "TimeType: required field 'isAdjustedToUTC' (1) is missing");
}

TEST(MetadataLogicalTypeTest, IntegerAndDecimal) {
  using Kind = LogicalType::Kind;
  // INTEGER {1: i8 32, 2: false}: bitWidth is a raw byte.
  auto md = WithLogicalType({0xac, 0x13, 0x20, 0x12, 0x00, 0x00});
  ASSERT_TRUE(md.ok()) << md.status().ToString();
  EXPECT_EQ(md->schema[0].logical_type.kind, Kind::INTEGER);
  EXPECT_EQ(md->schema[0].logical_type.bit_width, 32);
  EXPECT_FALSE(md->schema[0].logical_type.is_signed);
  ExpectCorruption(WithLogicalType({0xac, 0x13, 0x07, 0x11, 0x00, 0x00}).status(),
                   "IntType.bitWidth 7 is not 8, 16, 32 or 64");
  ExpectCorruption(WithLogicalType({0xac, 0x13, 0x08, 0x00, 0x00}).status(),
                   "IntType: required field 'isSigned' (2) is missing");
  // DECIMAL {1: scale 2, 2: precision 9}.
  md = WithLogicalType({0x5c, 0x15, 0x04, 0x15, 0x12, 0x00, 0x00});
  ASSERT_TRUE(md.ok()) << md.status().ToString();
  EXPECT_EQ(md->schema[0].logical_type.kind, Kind::DECIMAL);
  EXPECT_EQ(md->schema[0].logical_type.decimal_scale, 2);
  EXPECT_EQ(md->schema[0].logical_type.decimal_precision, 9);
  ExpectCorruption(WithLogicalType({0x5c, 0x15, 0x04, 0x00, 0x00}).status(),
                   "DecimalType: required field 'precision' (2) is missing");
}

TEST(MetadataPageHeaderTest, V2IsCompressedDefaultsToTrue) {
  // DATA_PAGE_V2 with fields 1-6 only.
  auto ph = DecodePageBytes(B({0x15, 0x06, 0x15, 0x00, 0x15, 0x00, 0x5c, 0x15, 0x02, 0x15, 0x00,
                               0x15, 0x02, 0x15, 0x00, 0x15, 0x00, 0x15, 0x00, 0x00, 0x00}));
  ASSERT_TRUE(ph.ok()) << ph.status().ToString();
  ASSERT_TRUE(ph->data_page_header_v2.has_value());
  EXPECT_TRUE(ph->data_page_header_v2->is_compressed);
  EXPECT_EQ(ph->data_page_header_v2->num_values, 1);
}

TEST(MetadataPageHeaderTest, UnknownFieldsSkipped) {
  // A DATA_PAGE header with an unknown map field 20 and a bool list field 21.
  auto ph = DecodePageBytes(B({0x15, 0x00, 0x15, 0x02, 0x15, 0x02, 0x0b, 0x28, 0x01, 0x85, 0x00, 0x02, 0x19,
                               0x31, 0x01, 0x00, 0x02, 0x00}));
  ASSERT_TRUE(ph.ok()) << ph.status().ToString();
  EXPECT_EQ(ph->compressed_page_size, 1);
  EXPECT_FALSE(ph->data_page_header.has_value());
}

TEST(MetadataPageHeaderTest, ReaderAdvancesPastTheHeaderOnly) {
  Bytes in = Encode(SamplePageHeaders()[0]);
  const size_t header_size = in.size();
  in.insert(in.end(), {1, 2, 3});
  ByteReader r(in, 500);
  auto ph = DecodePageHeader(r);
  ASSERT_TRUE(ph.ok());
  EXPECT_EQ(r.position(), header_size);
  EXPECT_EQ(r.remaining(), 3u);
}

TEST(MetadataPageHeaderTest, ErrorsCarryFileOffsets) {
  Bytes in = B({0x15, 0x00, 0x15, 0x01, 0x15, 0x00, 0x00});
  ByteReader r(in, 10000);
  auto ph = DecodePageHeader(r);
  ExpectCorruption(ph.status(), "at offset 10003");
}

TEST(MetadataFlagsTest, EncryptionFieldsOnlySetFlags) {
  // FileMetaData 8: EncryptionAlgorithm {1: AES_GCM_V1 {}} and 9: binary.
  auto md = DecodeBytes(FileMetaDataWith({0x4c, 0x1c, 0x00, 0x00, 0x18, 0x03, 'k', 'e', 'y'}));
  ASSERT_TRUE(md.ok()) << md.status().ToString();
  EXPECT_TRUE(md->has_encryption_algorithm);
  EXPECT_TRUE(md->has_footer_signing_key_metadata);
  // Round trip keeps the flags.
  auto back = DecodeBytes(Encode(*md));
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(back->has_encryption_algorithm);
  EXPECT_TRUE(back->has_footer_signing_key_metadata);
}

TEST(MetadataFlagsTest, ColumnOrders) {
  // 7: [ {1: {}}, {2: {}} (IEEE754 total order: not TypeDefined), {} ]
  auto md = DecodeBytes(FileMetaDataWith({0x39, 0x3c, 0x1c, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00}));
  ASSERT_TRUE(md.ok()) << md.status().ToString();
  EXPECT_TRUE(md->has_column_orders);
  EXPECT_EQ(md->column_orders_type_defined, (std::vector<bool>{true, false, false}));
  auto back = DecodeBytes(Encode(*md));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(Differences(*md, *back), "");
}

// ---------------------------------------------------------------------------
// types.cc (names and ColumnVector); it has no test file of its own.

TEST(TypesTest, NamesMatchParquetThrift) {
  EXPECT_EQ(TypeName(Type::FIXED_LEN_BYTE_ARRAY), "FIXED_LEN_BYTE_ARRAY");
  EXPECT_EQ(TypeName(Type::INT96), "INT96");
  EXPECT_EQ(TypeName(static_cast<Type>(99)), "UNKNOWN");
  EXPECT_EQ(ConvertedTypeName(ConvertedType::NONE), "NONE");
  EXPECT_EQ(ConvertedTypeName(ConvertedType::TIMESTAMP_MICROS), "TIMESTAMP_MICROS");
  EXPECT_EQ(ConvertedTypeName(ConvertedType::INTERVAL), "INTERVAL");
  EXPECT_EQ(EncodingName(Encoding::RLE_DICTIONARY), "RLE_DICTIONARY");
  EXPECT_EQ(EncodingName(Encoding::BYTE_STREAM_SPLIT), "BYTE_STREAM_SPLIT");
  EXPECT_EQ(EncodingName(static_cast<Encoding>(10)), "UNKNOWN");
  EXPECT_EQ(CodecName(Codec::SNAPPY), "SNAPPY");
  EXPECT_EQ(CodecName(Codec::LZ4_RAW), "LZ4_RAW");
  EXPECT_EQ(PageTypeName(PageType::DATA_PAGE_V2), "DATA_PAGE_V2");
  EXPECT_EQ(RepetitionName(Repetition::OPTIONAL), "OPTIONAL");
  for (int i = 0; i <= 21; ++i) {
    EXPECT_NE(ConvertedTypeName(static_cast<ConvertedType>(i)), "UNKNOWN") << i;
  }
  for (int i = 0; i <= 9; ++i) EXPECT_NE(EncodingName(static_cast<Encoding>(i)), "UNKNOWN") << i;
  for (int i = 0; i <= 7; ++i) EXPECT_NE(CodecName(static_cast<Codec>(i)), "UNKNOWN") << i;
}

TEST(TypesTest, ColumnVectorValueCount) {
  ColumnVector v;
  v.type = Type::BYTE_ARRAY;
  EXPECT_EQ(v.value_count(), 0u);  // offsets not yet initialised
  v.offsets = {0};
  v.AppendByteArray("ab");
  v.AppendByteArray("");
  v.AppendByteArray("xyz");
  EXPECT_EQ(v.value_count(), 3u);
  EXPECT_EQ(v.ByteArrayAt(0), "ab");
  EXPECT_EQ(v.ByteArrayAt(1), "");
  EXPECT_EQ(v.ByteArrayAt(2), "xyz");
  v.defined = {1, 0, 1, 1};
  EXPECT_EQ(v.row_count(), 4u);
  v.Clear();
  EXPECT_EQ(v.value_count(), 0u);
  EXPECT_EQ(v.row_count(), 0u);
  EXPECT_EQ(v.offsets, std::vector<uint32_t>{0});
  v.AppendByteArray("q");
  EXPECT_EQ(v.ByteArrayAt(0), "q");

  ColumnVector fresh;  // AppendByteArray without {0} still keeps n + 1 offsets
  fresh.type = Type::BYTE_ARRAY;
  fresh.AppendByteArray("z");
  EXPECT_EQ(fresh.offsets, (std::vector<uint32_t>{0, 1}));

  ColumnVector flba;
  flba.type = Type::FIXED_LEN_BYTE_ARRAY;
  flba.type_length = 3;
  flba.fixed.resize(9);
  EXPECT_EQ(flba.value_count(), 3u);
  flba.type_length = 0;
  EXPECT_EQ(flba.value_count(), 0u);

  ColumnVector i96;
  i96.type = Type::INT96;
  i96.fixed.resize(24);
  EXPECT_EQ(i96.value_count(), 2u);

  ColumnVector b;
  b.type = Type::BOOLEAN;
  b.bools = {1, 0};
  b.i64 = {5};  // other vectors do not count
  EXPECT_EQ(b.value_count(), 2u);
  b.type = Type::INT64;
  EXPECT_EQ(b.value_count(), 1u);
  b.type = Type::DOUBLE;
  EXPECT_EQ(b.value_count(), 0u);
}

}  // namespace
}  // namespace budget_audit::parquet

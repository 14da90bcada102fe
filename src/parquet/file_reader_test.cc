// FileReader's validation of column chunk offsets and sizes (issue 11, item
// 17): an empty chunk of a 0-row group, written with data_page_offset 0 and
// total_compressed_size 0, is 0 rows, as DuckDB reads it; every chunk that
// holds bytes or values must still lie inside the data region.
#include "parquet/file_reader.h"

#include <gtest/gtest.h>

#include "util/bytes.h"

namespace budget_audit::parquet {
namespace {

const std::string kFixture = std::string(BA_TEST_DATA_DIR) + "/edge-cases/empty-chunk-offset-0.parquet";

struct ChunkShape {
  int64_t num_rows = 0;  // of the row group
  int64_t num_values = 0;
  int64_t data_page_offset = 0;
  int64_t total_compressed_size = 0;
};

// A file of two columns (INT64 "id", STRING "name") and one row group whose
// chunks both have `shape`; no page bytes at all. The footer is written by
// our encoder, so the bytes are the fixture's when `shape` is the default.
std::vector<uint8_t> BuildFile(const ChunkShape& shape) {
  FileMetaData md;
  md.version = 1;
  SchemaElement root;
  root.name = "schema";
  root.num_children = 2;
  SchemaElement id;
  id.type = Type::INT64;
  id.repetition = Repetition::OPTIONAL;
  id.name = "id";
  SchemaElement name;
  name.type = Type::BYTE_ARRAY;
  name.repetition = Repetition::OPTIONAL;
  name.name = "name";
  name.converted_type = ConvertedType::UTF8;
  name.logical_type.kind = LogicalType::Kind::STRING;
  md.schema = {root, id, name};
  md.num_rows = shape.num_rows;
  RowGroup rg;
  rg.num_rows = shape.num_rows;
  for (const SchemaElement* e : {&id, &name}) {
    ColumnChunk cc;
    ColumnMetaData cm;
    cm.type = *e->type;
    cm.encodings = {Encoding::PLAIN, Encoding::RLE};
    cm.path_in_schema = {e->name};
    cm.codec = Codec::UNCOMPRESSED;
    cm.num_values = shape.num_values;
    cm.total_uncompressed_size = shape.total_compressed_size;
    cm.total_compressed_size = shape.total_compressed_size;
    cm.data_page_offset = shape.data_page_offset;
    cc.meta_data = cm;
    rg.columns.push_back(cc);
  }
  md.row_groups = {rg};
  md.created_by = "budget-audit tests (hand-built: empty column chunks at offset 0)";
  ByteWriter footer;
  EncodeFileMetaData(md, footer);
  ByteWriter file;
  file.PutRaw(reinterpret_cast<const uint8_t*>("PAR1"), 4);
  file.PutRaw(footer.bytes().data(), footer.size());
  file.PutU32LE(static_cast<uint32_t>(footer.size()));
  file.PutRaw(reinterpret_cast<const uint8_t*>("PAR1"), 4);
  return std::vector<uint8_t>(file.bytes().begin(), file.bytes().end());
}

TEST(FileReaderEmptyChunks, FixtureIsTheHandBuiltFile) {
  auto env = Env::Default();
  auto bytes = env->ReadFileToBytes(kFixture);
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  EXPECT_EQ(*bytes, BuildFile({})) << "regenerate with FileReaderEmptyChunks.DISABLED_WriteFixture";
}

TEST(FileReaderEmptyChunks, ZeroRowChunkAtOffsetZeroReadsAsZeroRows) {
  auto r = FileReader::Open(Env::Default(), kFixture);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)->num_rows(), 0);
  ASSERT_EQ((*r)->num_row_groups(), 1);
  EXPECT_EQ((*r)->row_group_num_rows(0), 0);
  auto cols = (*r)->ReadRowGroup(0, {0, 1});
  ASSERT_TRUE(cols.ok()) << cols.status().ToString();
  ASSERT_EQ(cols->size(), 2u);
  EXPECT_EQ((*cols)[0].type, Type::INT64);
  EXPECT_EQ((*cols)[0].value_count(), 0u);
  EXPECT_EQ((*cols)[1].type, Type::BYTE_ARRAY);
  EXPECT_EQ((*cols)[1].value_count(), 0u);
}

TEST(FileReaderEmptyChunks, ChunksWithBytesOrValuesAreStillChecked) {
  struct Case {
    const char* what;
    ChunkShape shape;
  };
  for (const Case& c : {
           Case{"bytes at offset 0", {0, 0, 0, 10}},
           Case{"a value at offset 0", {1, 1, 0, 0}},
           Case{"a 0-value chunk in a group with rows", {1, 0, 0, 0}},
           Case{"bytes past the end", {0, 0, 4, 1000}},
       }) {
    SCOPED_TRACE(c.what);
    auto r = FileReader::OpenBuffer(BuildFile(c.shape), "t.parquet");
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.status().message().find("row group 0, column 'id'"), std::string::npos)
        << r.status().ToString();
  }
}

// Writes the fixture (run once by hand, then commit the file):
//   build-asan/ba_tests --gtest_also_run_disabled_tests
//     --gtest_filter=FileReaderEmptyChunks.DISABLED_WriteFixture
TEST(FileReaderEmptyChunks, DISABLED_WriteFixture) {
  auto bytes = BuildFile({});
  ASSERT_TRUE(Env::Default()->WriteFileAtomic(kFixture, bytes).ok());
}

}  // namespace
}  // namespace budget_audit::parquet

// The export API (budget_audit/export.h) and its output file
// (io/output_file.h): the same bytes into a WritableFile and into a path,
// columns and ranges, Parquet read back, and a failing export leaving the
// old file as it was with no temporary beside it.
#include "budget_audit/export.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "budget_audit/audit_log.h"
#include "io/output_file.h"
#include "parquet/file_reader.h"
#include "util/civil_time.h"

namespace budget_audit {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

constexpr int64_t kMinute = 60'000'000;
constexpr int64_t kDay = 86'400'000'000;
constexpr int64_t kJune1 = 1780272000'000'000;  // 2026-06-01T00:00:00Z
const std::string kData = BA_TEST_DATA_DIR;

std::string Slurp(const std::string& p) {
  std::ifstream f(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}
void Spit(const std::string& p, const std::string& s) { std::ofstream(p, std::ios::binary) << s; }

std::vector<std::string> Names(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

// A WritableFile gathering what is appended; fails once `fail_after` bytes
// were taken, as a full disk would.
class StringFile : public WritableFile {
 public:
  explicit StringFile(size_t fail_after = SIZE_MAX) : fail_after_(fail_after) {}
  Status Append(std::span<const uint8_t> data) override {
    if (data_.size() + data.size() > fail_after_) return Status::IOError("writing mem: disk full");
    data_.append(reinterpret_cast<const char*>(data.data()), data.size());
    return Status::OK();
  }
  Status Sync() override { return Status::OK(); }
  Status Truncate(uint64_t) override { return Status::NotSupported("no"); }
  Status Close() override {
    ++closes_;
    return Status::OK();
  }
  const std::string& path() const override { return path_; }
  const std::string& data() const { return data_; }
  int closes() const { return closes_; }

 private:
  size_t fail_after_;
  std::string data_, path_ = "mem";
  int closes_ = 0;
};

class ExportApi : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/ba_export_" + std::to_string(::getpid()) + "_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    AuditLogOptions o;
    o.env = env_.get();
    o.sync = SyncMode::kNone;
    auto log = AuditLog::Open("/log", o);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    // Two days of ten-minute ticks: 288 records.
    for (int i = 0; i < 288; ++i) {
      SlotRecord r;
      r.timestamp_us = kJune1 + i * 10 * kMinute;
      r.date = FormatDate(FloorDiv(r.timestamp_us, kDay));
      r.slot_index = i % 144;
      r.energy_cost_kwh = 0.25 * (i % 5);
      r.gate_passed = i % 3 == 0;
      r.source = i % 2 ? "optimizer" : "fallback, \"quoted\"";
      ASSERT_TRUE((*log)->Append(r).ok());
    }
    ASSERT_TRUE((*log)->Close().ok());
    auto snap = LogSnapshot::Open("/log", env_.get());
    ASSERT_TRUE(snap.ok()) << snap.status().ToString();
    snap_ = std::move(*snap);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string ToString(const ExportOptions& o) {
    StringFile f;
    Status s = ExportSnapshot(*snap_, o, &f);
    EXPECT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(f.closes(), 0);  // the caller's to close
    return f.data();
  }

  std::unique_ptr<Env> env_ = NewMemEnv();
  std::unique_ptr<LogSnapshot> snap_;
  std::string dir_;
};

TEST_F(ExportApi, FormatsFromNamesAndExtensions) {
  EXPECT_EQ(ExportFormatFromName("parquet"), ExportFormat::kParquet);
  EXPECT_EQ(ExportFormatFromName("csv"), ExportFormat::kCsv);
  EXPECT_EQ(ExportFormatFromName("jsonl"), ExportFormat::kJsonLines);
  EXPECT_EQ(ExportFormatFromName("json"), std::nullopt);
  EXPECT_EQ(ExportFormatFromPath("a/b.parquet"), ExportFormat::kParquet);
  EXPECT_EQ(ExportFormatFromPath("b.csv"), ExportFormat::kCsv);
  for (const char* p : {"b.jsonl", "b.json", "b.ndjson"}) {
    EXPECT_EQ(ExportFormatFromPath(p), ExportFormat::kJsonLines) << p;
  }
  EXPECT_EQ(ExportFormatFromPath("b.txt"), std::nullopt);
}

TEST_F(ExportApi, JsonLinesAndCsvOfTheLog) {
  ExportOptions o;
  const std::string jsonl = ToString(o);
  EXPECT_EQ(std::count(jsonl.begin(), jsonl.end(), '\n'), 288);
  EXPECT_EQ(jsonl.substr(0, jsonl.find('\n')),
            R"({"timestamp":"2026-06-01T00:00:00Z","date":"2026-06-01","slot_index":0,)"
            R"("planned_offset_deg":0,"actual_offset_deg":0,"energy_cost_kwh":0,)"
            R"("budget_spent_kwh":0,"budget_remaining_kwh":0,"gate_passed":true,)"
            R"("source":"fallback, \"quoted\"","stage_id":"unknown","seq":1})");

  o.format = ExportFormat::kCsv;
  o.columns = {"seq", "source", "energy_cost_kwh"};
  const std::string csv = ToString(o);
  EXPECT_EQ(csv.substr(0, csv.find('\n', csv.find('\n') + 1) + 1),
            "seq,source,energy_cost_kwh\n1,\"fallback, \"\"quoted\"\"\",0\n");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 289);
}

TEST_F(ExportApi, TimeRangeAndUnknownColumn) {
  ExportOptions o;
  o.columns = {"seq"};
  o.since_us = kJune1 + kDay;  // the second day
  o.until_us = kJune1 + kDay + 30 * kMinute;
  EXPECT_EQ(ToString(o), "{\"seq\":145}\n{\"seq\":146}\n{\"seq\":147}\n");

  o.columns = {"seq", "energy_cost_kw"};
  StringFile f;
  Status s = ExportSnapshot(*snap_, o, &f);
  EXPECT_TRUE(s.IsNotFound()) << s.ToString();
  EXPECT_EQ(s.message(), "no column 'energy_cost_kw' in the audit log");
  EXPECT_EQ(CheckSnapshotExport(o).message(), s.message());
  EXPECT_EQ(f.data(), "");
}

TEST_F(ExportApi, APathGetsTheSameBytesAsAWritableFile) {
  for (ExportFormat format : {ExportFormat::kJsonLines, ExportFormat::kCsv, ExportFormat::kParquet}) {
    ExportOptions o;
    o.format = format;
    const std::string path = dir_ + "/out.data";
    Spit(path, "old");
    ASSERT_TRUE(ExportSnapshotToPath(*snap_, o, path).ok());
    EXPECT_EQ(Slurp(path), ToString(o));
    EXPECT_EQ(Names(dir_), std::vector<std::string>{"out.data"});
  }
}

TEST_F(ExportApi, ParquetIsTheAuditSchemaWithSeq) {
  ExportOptions o;
  o.format = ExportFormat::kParquet;
  const std::string path = dir_ + "/log.parquet";
  ASSERT_TRUE(ExportSnapshotToPath(*snap_, o, path).ok());
  auto reader = parquet::FileReader::Open(Env::Default(), path);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->num_rows(), 288);
  std::vector<std::string> names;
  for (size_t i = 0; i < (*reader)->schema().num_columns(); ++i) {
    names.push_back((*reader)->schema().column(i).name);
  }
  EXPECT_EQ(names,
            (std::vector<std::string>{"timestamp", "date", "slot_index", "planned_offset_deg",
                                      "actual_offset_deg", "energy_cost_kwh", "budget_spent_kwh",
                                      "budget_remaining_kwh", "gate_passed", "source", "stage_id", "seq"}));
  // Read back through our reader and printed: the log's own lines.
  const std::string again = dir_ + "/again.jsonl";
  ASSERT_TRUE(ExportParquetFilesToPath({path}, ExportOptions{}, again).ok());
  EXPECT_EQ(Slurp(again), ToString(ExportOptions{}));
}

TEST_F(ExportApi, ParquetIsNotWrittenToStandardOutput) {
  ExportOptions o;
  o.format = ExportFormat::kParquet;
  for (const char* p : {"", "-"}) {
    Status s = ExportSnapshotToPath(*snap_, o, p);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
  }
  EXPECT_TRUE(CheckSnapshotExport(o).ok());
}

TEST_F(ExportApi, TheFilesFirstErrorIsReturnedAsItGaveIt) {
  for (ExportFormat format : {ExportFormat::kJsonLines, ExportFormat::kParquet}) {
    ExportOptions o;
    o.format = format;
    StringFile f(1000);
    Status s = ExportSnapshot(*snap_, o, &f);
    EXPECT_EQ(s.ToString(), "IO error: writing mem: disk full");
  }
}

TEST_F(ExportApi, AFailedExportLeavesTheOldFileAndNoTemporary) {
  // The second source is not Parquet: the export fails after the first
  // file's rows were written to the temporary.
  const std::string good = kData + "/slot-log/duckdb-snappy.parquet";
  const std::string bad = dir_ + "/bad.parquet";
  Spit(bad, "not parquet at all");
  fs::create_directories(dir_ + "/out");
  for (ExportFormat format : {ExportFormat::kJsonLines, ExportFormat::kCsv, ExportFormat::kParquet}) {
    const std::string target = dir_ + "/out/target";
    Spit(target, "the old file\n");
    ::chmod(target.c_str(), 0640);
    ExportOptions o;
    o.format = format;
    Status s = ExportParquetFilesToPath({good, bad}, o, target);
    EXPECT_FALSE(s.ok());
    EXPECT_THAT(s.message(), HasSubstr(bad));
    EXPECT_EQ(Slurp(target), "the old file\n");
    EXPECT_EQ(Names(dir_ + "/out"), std::vector<std::string>{"target"});
    // The same export of the good file alone replaces it, keeping its mode.
    ASSERT_TRUE(ExportParquetFilesToPath({good}, o, target).ok());
    EXPECT_NE(Slurp(target), "the old file\n");
    struct stat st;
    ASSERT_EQ(::stat(target.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0640u);
    EXPECT_EQ(Names(dir_ + "/out"), std::vector<std::string>{"target"});
  }
}

TEST_F(ExportApi, AWriteErrorOnADeviceNamesThePath) {
  if (!fs::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  Status s = ExportSnapshotToPath(*snap_, ExportOptions{}, "/dev/full");
  EXPECT_EQ(s.code(), StatusCode::kIOError);
  EXPECT_THAT(s.message(), HasSubstr("writing /dev/full: "));
  EXPECT_TRUE(fs::is_character_file("/dev/full"));
}

TEST_F(ExportApi, TimeRangesAreForTheLogOnly) {
  ExportOptions o;
  o.since_us = 0;
  StringFile f;
  EXPECT_EQ(ExportParquetFiles({kData + "/slot-log/duckdb-snappy.parquet"}, o, &f).code(),
            StatusCode::kInvalidArgument);
}

TEST_F(ExportApi, FindParquetFilesSkipsHiddenNamesAndSorts) {
  const std::string d = dir_ + "/tree";
  fs::create_directories(d + "/b");
  fs::create_directories(d + "/_meta");
  for (const char* f : {"/z.parquet", "/b/a.parquet", "/_meta/x.parquet", "/.y.parquet", "/n.csv"}) {
    Spit(d + f, "");
  }
  auto files = FindParquetFiles(d);
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  EXPECT_EQ(*files, (std::vector<std::string>{d + "/b/a.parquet", d + "/z.parquet"}));
  auto one = FindParquetFiles(d + "/n.csv");
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(*one, std::vector<std::string>{d + "/n.csv"});
  fs::create_directories(dir_ + "/empty");
  auto none = FindParquetFiles(dir_ + "/empty");
  EXPECT_TRUE(none.status().IsNotFound());
  EXPECT_EQ(none.status().message(), dir_ + "/empty: no Parquet files in this directory");
}

TEST_F(ExportApi, Int96AsMicros) {
  const std::string src = kData + "/parquet-testing/data/int96_from_spark.parquet";
  for (Int96Conversion c : {Int96Conversion::kNanosUnlessOutOfRange, Int96Conversion::kMicros}) {
    ExportOptions o;
    o.format = ExportFormat::kParquet;
    o.int96 = c;
    const std::string path = dir_ + "/t.parquet";
    ASSERT_TRUE(ExportParquetFilesToPath({src}, o, path).ok());
    auto reader = parquet::FileReader::Open(Env::Default(), path);
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    const auto& col = (*reader)->schema().column(0);
    EXPECT_EQ(col.type, parquet::Type::INT64);
    if (c == Int96Conversion::kMicros) {
      EXPECT_EQ(col.unit, parquet::TimeUnit::MICROS);
    }
  }
}

TEST_F(ExportApi, OutputFilePublishesOnCloseOnly) {
  const std::string target = dir_ + "/cp.json";
  Spit(target, "old");
  {
    auto f = NewOutputFile(target);
    ASSERT_TRUE(f.ok()) << f.status().ToString();
    std::string s = "new";
    ASSERT_TRUE((*f)->Append(std::span(reinterpret_cast<const uint8_t*>(s.data()), s.size())).ok());
    ASSERT_TRUE((*f)->Sync().ok());
    EXPECT_EQ(Slurp(target), "old");
    EXPECT_EQ(Names(dir_).size(), 2u);  // the target and the temporary
  }                                     // abandoned
  EXPECT_EQ(Slurp(target), "old");
  EXPECT_EQ(Names(dir_), std::vector<std::string>{"cp.json"});
  auto f = NewOutputFile(target);
  ASSERT_TRUE(f.ok());
  std::string s = "new";
  ASSERT_TRUE((*f)->Append(std::span(reinterpret_cast<const uint8_t*>(s.data()), s.size())).ok());
  ASSERT_TRUE((*f)->Close().ok());
  EXPECT_EQ(Slurp(target), "new");
  EXPECT_EQ((*f)->path(), target);
  EXPECT_EQ(Names(dir_), std::vector<std::string>{"cp.json"});
  // A directory is refused, naming the path.
  auto d = NewOutputFile(dir_);
  EXPECT_EQ(d.status().message(), "writing " + dir_ + ": Is a directory");
}

TEST_F(ExportApi, OutputFileFollowsALinkAndKeepsIt) {
  const std::string target = dir_ + "/real.csv", link = dir_ + "/link.csv";
  Spit(target, "old");
  fs::create_symlink("real.csv", link);
  ExportOptions o;
  o.format = ExportFormat::kCsv;
  o.columns = {"seq"};
  o.until_us = kJune1 + 10 * kMinute;
  ASSERT_TRUE(ExportSnapshotToPath(*snap_, o, link).ok());
  EXPECT_TRUE(fs::is_symlink(link));
  EXPECT_EQ(Slurp(target), "seq\n1\n");
}

}  // namespace
}  // namespace budget_audit

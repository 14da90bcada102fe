// The public bulk load (budget_audit/import.h): which files, the exact
// counts as data, the events in order, the summary's text and JSON.
#include "budget_audit/import.h"

#include <cmath>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "budget_audit/audit_log.h"
#include "budget_audit/log_reader.h"
#include "budget_audit/verify.h"
#include "parquet/file_writer.h"

namespace budget_audit {
namespace {

constexpr int64_t kT0 = 1780114500000000;  // 2026-05-30T04:15:00Z
constexpr int64_t kStep = 900000000;       // 15 minutes

struct Row {
  int64_t ts;
  double energy;
};

// A file with the Python version's timestamp and energy_cost_kwh columns
// and our own `seq` (an extra column, ignored).
void WriteFile(Env* env, const std::string& path, const std::vector<Row>& rows) {
  using parquet::ColumnVector;
  using parquet::Repetition;
  std::vector<parquet::ColumnSpec> specs = {
      parquet::TimestampColumn("timestamp", parquet::TimeUnit::MICROS, true, Repetition::REQUIRED),
      parquet::DoubleColumn("energy_cost_kwh", Repetition::REQUIRED),
      parquet::Int64Column("seq", Repetition::REQUIRED)};
  std::vector<ColumnVector> cols(3);
  cols[0].type = parquet::Type::INT64;
  cols[1].type = parquet::Type::DOUBLE;
  cols[2].type = parquet::Type::INT64;
  for (size_t i = 0; i < rows.size(); ++i) {
    cols[0].i64.push_back(rows[i].ts);
    cols[1].f64.push_back(rows[i].energy);
    cols[2].i64.push_back(static_cast<int64_t>(i) + 1);
  }
  ASSERT_TRUE(env->CreateDirs(DirName(path)).ok());
  auto w = parquet::FileWriter::Open(env, path, specs, {});
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  ASSERT_TRUE((*w)->WriteRowGroup(cols).ok());
  ASSERT_TRUE((*w)->Close().ok());
}

bool Contains(const std::string& s, std::string_view part) { return s.find(part) != std::string::npos; }

class ImportApiTest : public ::testing::Test {
 protected:
  ImportOptions Options() {
    ImportOptions o;
    o.env = env_.get();
    o.on_event = [this](const ImportEvent& e) {
      if (e.kind == ImportEvent::kProgress) {
        EXPECT_LE(e.rows_done, e.rows_total);
        last_progress_ = e.rows_done;
        return;
      }
      kinds_.push_back(e.kind);
      text_ += ImportEventText(e);
    };
    return o;
  }
  std::unique_ptr<Env> env_ = NewMemEnv();
  std::vector<ImportEvent::Kind> kinds_;
  std::string text_;
  int64_t last_progress_ = 0;
};

TEST_F(ImportApiTest, CountsAsDataThenAReimportAddsNothing) {
  // Three good rows and one NaN (refused).
  WriteFile(env_.get(), "/in/a.parquet",
            {{kT0, 1.0}, {kT0 + kStep, 2.0}, {kT0 + 2 * kStep, NAN}, {kT0 + 3 * kStep, 4.0}});
  auto s = ImportFiles("/log", {"/in/a.parquet"}, Options());
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_FALSE(s->nothing_to_import);
  EXPECT_TRUE(s->durable.ok()) << s->durable.ToString();
  const ImportTotals& t = s->totals;
  EXPECT_EQ(t.files, 1);
  EXPECT_EQ(t.files_failed, 0);
  EXPECT_EQ(t.rows_read, 4);
  EXPECT_EQ(t.appended, 3);
  EXPECT_EQ(t.not_logged, 0);
  EXPECT_EQ(t.already_present, 0);
  EXPECT_EQ(t.conflicts, 0);
  EXPECT_EQ(t.refused, 1);
  // Nine fields took their default for each of the 3 records (no column),
  // timestamp and energy_cost_kwh did not.
  for (size_t f = 0; f < kImportFields; ++f) {
    const std::string name = kImportFieldNames[f];
    EXPECT_EQ(t.missing[f], name == "timestamp" || name == "energy_cost_kwh" ? 0 : 3) << name;
    EXPECT_EQ(t.nulls[f], 0) << name;
  }
  EXPECT_EQ(t.extra_columns, (std::map<std::string, int64_t>{{"seq", 1}}));
  ASSERT_EQ(s->files.size(), 1u);
  EXPECT_EQ(s->files[0].path, "/in/a.parquet");
  EXPECT_EQ(s->files[0].rows, 4);
  EXPECT_EQ(s->files[0].appended, 3);
  EXPECT_EQ(s->files[0].refused, 1);
  ASSERT_EQ(s->problems.size(), 1u);
  EXPECT_EQ(s->problems[0].kind, ImportProblem::kRefused);
  EXPECT_EQ(s->problems[0].row, 3);
  EXPECT_TRUE(Contains(s->problems[0].message, "energy_cost_kwh")) << s->problems[0].message;
  EXPECT_EQ(s->last_seq, 3u);
  EXPECT_FALSE(s->clean());  // a row was refused: `import` exits 1
  EXPECT_EQ(last_progress_, 4);

  // The log is closed, synced and sealed, and its head is the one verified.
  VerifyOptions vo;
  vo.env = env_.get();
  auto v = Verify("/log", vo);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->records, 3u);
  EXPECT_EQ(v->sealed_records, 3u);
  EXPECT_TRUE(v->closed_cleanly);
  EXPECT_EQ(s->head_hex, v->head_hex);

  // Events in order, and their lines as `import` prints them.
  EXPECT_EQ(kinds_, (std::vector<ImportEvent::Kind>{ImportEvent::kFileOpened, ImportEvent::kRefused,
                                                    ImportEvent::kFinishing}));
  EXPECT_TRUE(Contains(text_, "/in/a.parquet: extra columns ignored: seq\n")) << text_;
  EXPECT_TRUE(Contains(text_, "/in/a.parquet: row 3: energy_cost_kwh")) << text_;

  const std::string summary = ImportSummaryText(*s);
  EXPECT_EQ(summary.rfind("import: 1 file (0 failed), 4 rows read in ", 0), 0u) << summary;
  EXPECT_TRUE(Contains(summary,
                       "  appended                    3\n"
                       "  already present             0\n"
                       "  conflicts                   0\n"
                       "  refused                     1\n"))
      << summary;
  EXPECT_TRUE(Contains(summary, "  extra columns ignored: seq (1 file)\n")) << summary;
  EXPECT_TRUE(Contains(summary, "  log /log: 3 records, synced and sealed\n")) << summary;

  auto j = nlohmann::json::parse(ImportSummaryToJson(*s));
  EXPECT_EQ(j["appended"], 3);
  EXPECT_EQ(j["refused"], 1);
  EXPECT_EQ(j["not_logged"], 0);
  EXPECT_EQ(j["last_seq"], 3);
  EXPECT_EQ(j["head"], v->head_hex);
  EXPECT_EQ(j["durable"], true);
  EXPECT_TRUE(j["error"].is_null());
  EXPECT_EQ(j["defaults"]["slot_index"]["missing_column"], 3);
  ASSERT_EQ(j["problems"].size(), 1u);
  EXPECT_EQ(j["problems"][0]["kind"], "refused");
  EXPECT_TRUE(j["problems"][0]["existing_seq"].is_null());
  EXPECT_EQ(j["file_reports"][0]["path"], "/in/a.parquet");

  // Again, with a second file: one row already logged with other content
  // (a conflict naming its seq), one new.
  WriteFile(env_.get(), "/in/b.parquet", {{kT0 + kStep, 20.0}, {kT0 + 4 * kStep, 5.0}});
  kinds_.clear();
  text_.clear();
  s = ImportFiles("/log", {"/in/a.parquet", "/in/b.parquet"}, Options());
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->totals.files, 2);
  EXPECT_EQ(s->totals.appended, 1);
  EXPECT_EQ(s->totals.already_present, 3);
  EXPECT_EQ(s->totals.conflicts, 1);
  EXPECT_EQ(s->totals.refused, 1);
  EXPECT_EQ(s->totals.extra_columns, (std::map<std::string, int64_t>{{"seq", 2}}));
  EXPECT_EQ(s->last_seq, 4u);
  ASSERT_EQ(s->problems.size(), 2u);
  EXPECT_EQ(s->problems[1].kind, ImportProblem::kConflict);
  EXPECT_EQ(s->problems[1].file, "/in/b.parquet");
  EXPECT_EQ(s->problems[1].row, 1);
  EXPECT_EQ(s->problems[1].existing_seq, 2u);
  EXPECT_TRUE(Contains(text_,
                       "/in/b.parquet: row 1: conflict: a different record with this "
                       "timestamp is already logged as seq 2\n"))
      << text_;
}

TEST_F(ImportApiTest, DirectoriesListedAndEmptyOnesSaid) {
  WriteFile(env_.get(), "/in/b.parquet", {{kT0 + kStep, 1.0}});
  WriteFile(env_.get(), "/in/a/x.parquet", {{kT0, 1.0}});
  WriteFile(env_.get(), "/in/_skipped.parquet", {{kT0 + 2 * kStep, 1.0}});
  WriteFile(env_.get(), "/in/.hidden.parquet", {{kT0 + 3 * kStep, 1.0}});
  ASSERT_TRUE(env_->CreateDirs("/empty").ok());
  auto s = ImportFiles("/log", {"/empty", "/in"}, Options());
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->empty_directories, std::vector<std::string>{"/empty"});
  ASSERT_EQ(s->files.size(), 2u);
  EXPECT_EQ(s->files[0].path, "/in/a/x.parquet");  // name order, depth first
  EXPECT_EQ(s->files[1].path, "/in/b.parquet");
  EXPECT_EQ(s->totals.appended, 2);
  EXPECT_FALSE(s->clean());  // an empty directory is a problem for `import`
  ASSERT_FALSE(kinds_.empty());
  EXPECT_EQ(kinds_[0], ImportEvent::kEmptyDirectory);
  EXPECT_EQ(text_.rfind("/empty: no Parquet files in this directory\n", 0), 0u) << text_;

  // Each record once, in file order.
  auto snap = LogSnapshot::Open("/log", env_.get());
  ASSERT_TRUE(snap.ok());
  std::vector<int64_t> ts;
  ASSERT_TRUE((*snap)
                  ->Scan({},
                         [&](uint64_t, const SlotRecord& r) {
                           ts.push_back(r.timestamp_us);
                           return Status::OK();
                         })
                  .ok());
  EXPECT_EQ(ts, (std::vector<int64_t>{kT0, kT0 + kStep}));
}

TEST_F(ImportApiTest, NothingToImportLeavesNoLog) {
  auto s = ImportFiles("/log", {"/in/missing.parquet"}, Options());
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_TRUE(s->nothing_to_import);
  EXPECT_FALSE(s->log_existed);
  EXPECT_FALSE(s->clean());
  ASSERT_EQ(s->files.size(), 1u);
  EXPECT_FALSE(s->files[0].status.ok());
  EXPECT_FALSE(*env_->FileExists("/log"));
  EXPECT_EQ(ImportSummaryText(*s),
            s->files[0].status.message() + "\nimport: nothing to import; the log /log was not created\n");
}

TEST_F(ImportApiTest, ABusyLogIsAnError) {
  WriteFile(env_.get(), "/in/a.parquet", {{kT0, 1.0}});
  AuditLogOptions ao;
  ao.env = env_.get();
  ao.holder_info = "the controller";
  auto writer = AuditLog::Open("/log", ao);
  ASSERT_TRUE(writer.ok());
  auto s = ImportFiles("/log", {"/in/a.parquet"}, Options());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kBusy) << s.status().ToString();
  EXPECT_EQ(s.status().message().rfind("/log: ", 0), 0u) << s.status().message();
  writer->reset();
  s = ImportFiles("/log", {"/in/a.parquet"}, Options());
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_TRUE(s->clean());
  EXPECT_EQ(s->totals.appended, 1);
}

}  // namespace
}  // namespace budget_audit

// The Arrow C stream's columnar fast path (runs of sealed rows exported
// from their decoded columns) against the row path's records.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <sys/wait.h>
#include <unistd.h>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "budget_audit/audit_log.h"
#include "budget_audit/c.h"
#include "budget_audit/log_reader.h"
#include "log/sealed_reader.h"
#include "log/slot_parquet.h"
#include "log/snapshot.h"
#include "parquet/file_writer.h"
#include "util/civil_time.h"

namespace budget_audit {
namespace {

constexpr int64_t kMinute = 60'000'000;
constexpr int64_t kDay = 24 * 60 * kMinute;
// 2026-04-25T00:00:00Z
constexpr int64_t kStart = 1777075200'000'000;

SlotRecord Tick(int64_t ts, int i) {
  SlotRecord r;
  r.timestamp_us = ts;
  r.date = FormatDate(FloorDiv(r.timestamp_us, kDay));
  r.slot_index = i % 144;
  r.planned_offset_deg = i % 7;
  r.actual_offset_deg = -(i % 5) * 1.5;
  r.energy_cost_kwh = 0.01 * (i % 13);
  r.budget_spent_kwh = 0.5 * i;
  r.budget_remaining_kwh = 1e6 - 0.5 * i;
  r.gate_passed = i % 3 == 0;
  r.source = i % 2 ? "optimizer" : "";
  r.stage_id = fmt::format("stage-{}", std::string(static_cast<size_t>(i % 5), 'x'));
  return r;
}

std::string TempDir(const char* what) {
  auto d =
      std::filesystem::temp_directory_path() /
      fmt::format("ba_arrow_{}_{}_{}", what, ::getpid(), ::testing::UnitTest::GetInstance()->random_seed());
  std::filesystem::remove_all(d);
  return d.string();
}

// Reads a stream's batches back as records (the requested columns).
struct Read {
  int error = 0;
  std::string message;
  std::vector<std::pair<uint64_t, SlotRecord>> rows;
  size_t batches = 0, max_batch = 0;
};

Read ReadStream(const std::string& dir, const ba_scan_options* options, size_t batch_rows) {
  Read out;
  ba_snapshot* snap = nullptr;
  char* err = nullptr;
  EXPECT_EQ(ba_snapshot_open(dir.c_str(), &snap, &err), 0) << (err ? err : "");
  ArrowArrayStream stream;
  EXPECT_EQ(ba_snapshot_arrow_stream(snap, options, batch_rows, &stream, &err), 0) << (err ? err : "");
  ba_snapshot_close(snap);  // the stream keeps it alive
  ArrowSchema schema;
  EXPECT_EQ(stream.get_schema(&stream, &schema), 0);
  EXPECT_STREQ(schema.format, "+s");
  for (;;) {
    ArrowArray a;
    int rc = stream.get_next(&stream, &a);
    if (rc != 0) {
      out.error = rc;
      const char* m = stream.get_last_error(&stream);
      out.message = m ? m : "";
      break;
    }
    if (a.release == nullptr) break;
    ++out.batches;
    out.max_batch = std::max<size_t>(out.max_batch, static_cast<size_t>(a.length));
    EXPECT_EQ(a.offset, 0);
    EXPECT_EQ(a.n_children, schema.n_children);
    const size_t base = out.rows.size();
    out.rows.resize(base + static_cast<size_t>(a.length));
    for (int64_t k = 0; k < a.n_children; ++k) {
      const ArrowArray& c = *a.children[k];
      const std::string name = schema.children[k]->name;
      const std::string format = schema.children[k]->format;
      EXPECT_EQ(c.length, a.length);
      EXPECT_EQ(c.null_count, 0);
      EXPECT_EQ(c.buffers[0], nullptr);
      for (int64_t r = 0; r < c.length; ++r) {
        const int64_t i = c.offset + r;
        auto& [seq, rec] = out.rows[base + static_cast<size_t>(r)];
        auto i64 = [&] { return static_cast<const int64_t*>(c.buffers[1])[i]; };
        auto f64 = [&] { return static_cast<const double*>(c.buffers[1])[i]; };
        auto str = [&] {
          const int32_t* o = static_cast<const int32_t*>(c.buffers[1]);
          EXPECT_LE(o[i], o[i + 1]);
          return std::string(static_cast<const char*>(c.buffers[2]) + o[i],
                             static_cast<size_t>(o[i + 1] - o[i]));
        };
        if (name == "timestamp") {
          EXPECT_EQ(format, "tsu:UTC");
          rec.timestamp_us = i64();
        } else if (name == "date") {
          EXPECT_EQ(format, "u");
          rec.date = str();
        } else if (name == "slot_index") {
          EXPECT_EQ(format, "l");
          rec.slot_index = i64();
        } else if (name == "planned_offset_deg") {
          rec.planned_offset_deg = f64();
        } else if (name == "actual_offset_deg") {
          rec.actual_offset_deg = f64();
        } else if (name == "energy_cost_kwh") {
          EXPECT_EQ(format, "g");
          rec.energy_cost_kwh = f64();
        } else if (name == "budget_spent_kwh") {
          rec.budget_spent_kwh = f64();
        } else if (name == "budget_remaining_kwh") {
          rec.budget_remaining_kwh = f64();
        } else if (name == "gate_passed") {
          EXPECT_EQ(format, "b");
          rec.gate_passed = (static_cast<const uint8_t*>(c.buffers[1])[i / 8] >> (i % 8)) & 1;
        } else if (name == "source") {
          rec.source = str();
        } else if (name == "stage_id") {
          rec.stage_id = str();
        } else if (name == "seq") {
          EXPECT_EQ(format, "l");
          seq = static_cast<uint64_t>(i64());
        } else {
          ADD_FAILURE() << "column " << name;
        }
      }
    }
    // A child moved out and the parent released first: the child stays valid.
    if (a.n_children > 0) {
      ArrowArray child = *a.children[0];
      a.children[0]->release = nullptr;
      a.release(&a);
      EXPECT_EQ(child.length, static_cast<int64_t>(out.rows.size() - base));
      child.release(&child);
    } else {
      a.release(&a);
    }
  }
  schema.release(&schema);
  stream.release(&stream);
  return out;
}

std::vector<std::pair<uint64_t, SlotRecord>> ScanRows(const std::string& dir, const ScanOptions& o) {
  auto snap = LogSnapshot::Open(dir);
  EXPECT_TRUE(snap.ok()) << snap.status().ToString();
  std::vector<std::pair<uint64_t, SlotRecord>> out;
  Status s = (*snap)->Scan(o, [&](uint64_t seq, const SlotRecord& r) {
    out.emplace_back(seq, r);
    return Status::OK();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

class ArrowExportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = TempDir("export");
    AuditLogOptions o;
    o.sync = SyncMode::kNone;
    o.background_sealing = false;
    // The last day stays in the journal.
    o.local_date = [](int64_t) { return FormatDate(FloorDiv(kStart + kDays * kDay - 1, kDay)); };
    auto log = AuditLog::Open(dir_, o);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    // April 25 .. June 13, a tick every 10 minutes: three month files and
    // a day of journal; a late tick of April appended in June, sealed into
    // April's file, so April's seq range spans May's and part of June's.
    for (int i = 0; i < kDays * 144; ++i) {
      ASSERT_TRUE((*log)->Append(Tick(kStart + i * 10 * kMinute, i)).ok());
      if (i == 45 * 144 + 7) {
        auto late = (*log)->Append(Tick(kStart + kDay + 5 * kMinute, 99));
        ASSERT_TRUE(late.ok()) << late.status().ToString();
        late_seq_ = late->seq;
      }
    }
    ASSERT_TRUE((*log)->Close().ok());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // A snapshot of dir_, its stream in batches of 100 and the first batch.
  void StartStream(ba_snapshot** snap, ArrowArrayStream* stream, ArrowArray* batch) {
    char* err = nullptr;
    ASSERT_EQ(ba_snapshot_open(dir_.c_str(), snap, &err), 0) << (err ? err : "");
    ASSERT_EQ(ba_snapshot_arrow_stream(*snap, nullptr, 100, stream, &err), 0) << (err ? err : "");
    ASSERT_EQ(stream->get_next(stream, batch), 0);
    ASSERT_NE(batch->release, nullptr);
    ASSERT_EQ(batch->length, 100);
  }

  static constexpr int kDays = 50;
  std::string dir_;
  uint64_t late_seq_ = 0;
};

TEST_F(ArrowExportTest, StreamGivesTheRowPathsRecords) {
  auto snap = LogSnapshot::Open(dir_);
  ASSERT_TRUE(snap.ok());
  ASSERT_EQ((*snap)->sealed_files(), 3u);
  ASSERT_LT((*snap)->sealed_seq(), (*snap)->last_seq());
  ASSERT_GT(late_seq_, 0u);

  struct Case {
    uint32_t columns;
    const char* date;
    size_t batch_rows;
  };
  const uint32_t all = (1u << 12) - 1;  // every column and seq
  for (const Case& c :
       {Case{all, nullptr, 0}, Case{all, nullptr, 1000}, Case{all, nullptr, BA_MAX_BATCH_ROWS},
        Case{BA_COL_DATE | BA_COL_GATE_PASSED | BA_COL_SEQ, nullptr, 777},
        Case{BA_COL_ENERGY_COST_KWH, nullptr, 0}, Case{all, "2026-04-26", 50}}) {
    SCOPED_TRACE(
        fmt::format("columns {:#x} date {} batch {}", c.columns, c.date ? c.date : "-", c.batch_rows));
    ba_scan_options o{};
    o.columns = c.columns;
    o.date = c.date;
    ScanOptions so;
    so.columns = c.columns & kAllColumns;
    if (c.date) so.date = c.date;
    const auto expect = ScanRows(dir_, so);
    const Read got = ReadStream(dir_, &o, c.batch_rows);
    ASSERT_EQ(got.error, 0) << got.message;
    ASSERT_EQ(got.rows.size(), expect.size());
    EXPECT_LE(got.max_batch, c.batch_rows == 0 ? 65536u : c.batch_rows);
    for (size_t i = 0; i < expect.size(); ++i) {
      if (c.columns & BA_COL_SEQ) {
        ASSERT_EQ(got.rows[i].first, expect[i].first) << i;
      }
      ASSERT_EQ(got.rows[i].second, expect[i].second) << "seq " << expect[i].first;
    }
  }
}

// A stream let go after its first batch, while the next files are being
// decoded ahead on other threads: released at once, nothing used after it
// is gone (ASan), and the snapshot is still read whole afterwards.
TEST_F(ArrowExportTest, AStreamReleasedEarlyWaitsForItsReadAhead) {
  for (int round = 0; round < 5; ++round) {
    ba_snapshot* snap = nullptr;
    ArrowArrayStream stream{};
    ArrowArray batch{};
    ASSERT_NO_FATAL_FAILURE(StartStream(&snap, &stream, &batch));
    stream.release(&stream);  // the read-ahead still running
    batch.release(&batch);    // outlives its stream, as the spec allows
    ba_snapshot_close(snap);
  }
  const Read got = ReadStream(dir_, nullptr, 0);
  ASSERT_EQ(got.error, 0) << got.message;
  EXPECT_EQ(got.rows.size(), ScanRows(dir_, ScanOptions{}).size());
}

// A child of fork() does not have the threads its parent's stream decodes
// ahead with: the stream refuses there, naming why, instead of waiting for
// them forever; the parent reads on.
TEST_F(ArrowExportTest, AStreamIsNotReadInAForkedChild) {
  ba_snapshot* snap = nullptr;
  ArrowArrayStream stream{};
  ArrowArray batch{};
  ASSERT_NO_FATAL_FAILURE(StartStream(&snap, &stream, &batch));
  batch.release(&batch);
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(fds[0]);
    ArrowArray b{};
    const int rc = stream.get_next(&stream, &b);
    const char* m = stream.get_last_error(&stream);
    const std::string out = fmt::format("{} {}", rc, m ? m : "");
    // Released in the child too (as a garbage collector would): it does not
    // wait for the parent's read-ahead threads.
    stream.release(&stream);
    (void)!::write(fds[1], out.data(), out.size());
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string got;
  char buf[512];
  ssize_t n;
  while ((n = ::read(fds[0], buf, sizeof buf)) > 0) got.append(buf, static_cast<size_t>(n));
  ::close(fds[0]);
  int status = 0;
  pid_t waited = 0;
  for (int i = 0; i < 300 && waited == 0; ++i) {  // 30 s
    waited = ::waitpid(child, &status, WNOHANG);
    if (waited == 0) ::usleep(100000);
  }
  if (waited == 0) ::kill(child, SIGKILL), ::waitpid(child, &status, 0);
  ASSERT_EQ(waited, child) << "the child hung releasing its stream";
  EXPECT_EQ(got.rfind(fmt::format("{} ", EINVAL), 0), 0u) << got;
  EXPECT_NE(got.find("fork"), std::string::npos) << got;
  EXPECT_NE(got.find(std::to_string(::getpid())), std::string::npos) << got;
  size_t rows = 100;
  for (;;) {
    ArrowArray b{};
    ASSERT_EQ(stream.get_next(&stream, &b), 0);
    if (b.release == nullptr) break;
    rows += static_cast<size_t>(b.length);
    b.release(&b);
  }
  EXPECT_EQ(rows, ScanRows(dir_, ScanOptions{}).size());
  stream.release(&stream);
  ba_snapshot_close(snap);
}

// The runs the fast path hands out stop where another file's row comes
// between (the late tick); the journal's records come as row batches.
TEST_F(ArrowExportTest, SlicesStopWhereFilesInterleave) {
  auto snap = LogSnapshot::Open(dir_);
  ASSERT_TRUE(snap.ok());
  auto cursor = log::SnapshotAccess::NewChunkCursor(**snap, ScanOptions{});
  ASSERT_TRUE(cursor.ok());
  log::ColumnSlice slice;
  RecordBatch batch;
  uint64_t next = 1, sliced = 0;
  bool late_alone = false, ends_before_late = false;
  for (;;) {
    ASSERT_TRUE((*cursor)->Next(BA_MAX_BATCH_ROWS, &slice, &batch).ok());
    if (slice.rows == 0 && batch.num_rows() == 0) break;
    if (slice.rows > 0) {
      EXPECT_EQ(batch.num_rows(), 0u);
      EXPECT_EQ(slice.first_seq, next);
      EXPECT_EQ(slice.last_seq, next + slice.rows - 1);
      EXPECT_LE(slice.last_seq, (*snap)->sealed_seq());
      if (slice.first_seq == late_seq_) late_alone = slice.rows == 1;
      if (slice.last_seq == late_seq_ - 1) ends_before_late = true;
      sliced += slice.rows;
      next += slice.rows;
    } else {
      EXPECT_GT(batch.seq.front(), (*snap)->sealed_seq());  // the journal's
      next += batch.num_rows();
    }
  }
  EXPECT_EQ(next, (*snap)->last_seq() + 1);
  EXPECT_EQ(sliced, (*snap)->sealed_seq());
  EXPECT_TRUE(late_alone);
  EXPECT_TRUE(ends_before_late);
}

TEST_F(ArrowExportTest, ACorruptedSealedFileIsStillRefused) {
  const std::string path = dir_ + "/2026-05.parquet";
  std::string bytes;
  {
    FILE* f = std::fopen(path.c_str(), "rb");
    ASSERT_NE(f, nullptr);
    char buf[65536];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) bytes.append(buf, n);
    std::fclose(f);
  }
  bytes[bytes.size() / 2] ^= 1;
  {
    FILE* f = std::fopen(path.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    std::fwrite(bytes.data(), 1, bytes.size(), f);
    std::fclose(f);
  }
  const Read got = ReadStream(dir_, nullptr, 0);
  EXPECT_EQ(got.error, EIO);
  EXPECT_NE(got.message.find("2026-05.parquet"), std::string::npos) << got.message;
  EXPECT_NE(got.message.find("SHA-256"), std::string::npos) << got.message;
  // April's rows came before the refusal; none of May's.
  for (const auto& [seq, r] : got.rows) EXPECT_LT(r.timestamp_us, kStart + 6 * kDay);
}

// SealedMerge::NextSlice keeps Next()'s corruption checks.
class MergeSliceTest : public ::testing::Test {
 protected:
  void Write(const std::string& name, const std::vector<uint64_t>& seqs) {
    std::vector<log::SeqRecord> rows;
    for (uint64_t s : seqs)
      rows.push_back({s, Tick(kStart + static_cast<int64_t>(s) * kMinute, static_cast<int>(s))});
    ASSERT_TRUE(env_->CreateDirs("/m").ok());
    auto w = parquet::FileWriter::Open(env_.get(), "/m/" + name, log::AuditColumnSpecs(), {});
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    ASSERT_TRUE((*w)->WriteRowGroup(log::AuditColumns(rows)).ok());
    ASSERT_TRUE((*w)->Close().ok());
    log::SealedFile f;
    f.name = name;
    f.rows = seqs.size();
    f.min_seq = *std::min_element(seqs.begin(), seqs.end());
    f.max_seq = *std::max_element(seqs.begin(), seqs.end());
    files_.push_back(f);
  }
  // Pulls the merge with NextSlice (or Next) to the end: rows, or the error.
  Status Pull(bool slices, std::vector<uint64_t>* seqs, uint64_t max_seq = UINT64_MAX) {
    log::RowFilter filter;
    filter.max_seq = max_seq;
    log::SealedMerge merge(files_, [&](const log::SealedFile& f) {
      return log::SealedFileCursor::Open(env_.get(), "/m/" + f.name, kAllColumns, filter);
    });
    for (;;) {
      log::ColumnSlice s;
      Result<bool> more = slices ? merge.NextSlice(3, &s) : merge.Next();
      if (!more.ok()) return more.status();
      if (!*more) return Status::OK();
      if (s.rows > 0) {
        for (uint64_t q = s.first_seq; q <= s.last_seq; ++q) seqs->push_back(q);
      } else {
        seqs->push_back(merge.row().seq);
      }
    }
  }
  void ExpectSame(uint64_t max_seq = UINT64_MAX) {
    std::vector<uint64_t> a, b;
    Status sa = Pull(false, &a, max_seq), sb = Pull(true, &b, max_seq);
    EXPECT_EQ(sa.ToString(), sb.ToString());
    EXPECT_EQ(a, b);
  }
  std::unique_ptr<Env> env_ = NewMemEnv();
  std::vector<log::SealedFile> files_;
};

TEST_F(MergeSliceTest, InterleavedFilesGiveTheSameSeqs) {
  Write("a.parquet", {1, 2, 3, 4, 5, 6, 7, 20, 21});
  Write("b.parquet", {8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 22});
  std::vector<uint64_t> got;
  ASSERT_TRUE(Pull(true, &got).ok());
  std::vector<uint64_t> want;
  for (uint64_t s = 1; s <= 22; ++s) want.push_back(s);
  EXPECT_EQ(got, want);
  ExpectSame();
  ExpectSame(12);  // the manifest's sealed_seq cuts the runs
}

TEST_F(MergeSliceTest, ASeqInTwoFilesIsCorruption) {
  Write("a.parquet", {1, 2, 3, 4, 5, 6});
  Write("b.parquet", {5, 7, 8});
  std::vector<uint64_t> got;
  Status s = Pull(true, &got);
  EXPECT_TRUE(s.IsCorruption()) << s.ToString();
  EXPECT_NE(s.message().find("seq 5 also appears in"), std::string::npos) << s.ToString();
  ExpectSame();
}

TEST_F(MergeSliceTest, RowsOutOfSeqOrderAreCorruption) {
  Write("a.parquet", {1, 2, 3, 4, 2, 5});
  std::vector<uint64_t> got;
  Status s = Pull(true, &got);
  EXPECT_TRUE(s.IsCorruption()) << s.ToString();
  EXPECT_NE(s.message().find("not in seq order"), std::string::npos) << s.ToString();
  ExpectSame();
}

}  // namespace
}  // namespace budget_audit

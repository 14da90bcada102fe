// Issue 11, item 3: where `cat -o` and `export -o` write. Every kind of
// target (a new or existing regular file, a link to one, /dev/full,
// /dev/null, a fifo with a reader, standard output) in every format, for
// both commands: a regular file is replaced only when the output is
// complete, a device or pipe is written in place and never removed, and
// every write error is exit 1 naming the path.
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "run_cli.h"

namespace {

namespace fs = std::filesystem;
using budget_audit::cli_test::CliRun;
using budget_audit::cli_test::RunCli;

const std::string kData = BA_TEST_DATA_DIR;
const std::string kSource = kData + "/slot-log/duckdb-snappy.parquet";  // 1000 rows
const std::vector<std::string> kFormats = {"parquet", "csv", "jsonl"};

std::string Slurp(const std::string& p) {
  std::ifstream f(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

int Shell(const std::string& cmd) {
  int st = std::system(cmd.c_str());
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

bool IsCharDevice(const std::string& p) {
  struct stat st;
  return ::lstat(p.c_str(), &st) == 0 && S_ISCHR(st.st_mode);
}

// Names in `dir` (not recursive), sorted.
std::vector<std::string> Names(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

class OutputTargets : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = budget_audit::cli_test::FreshTestDir("out");
    fs::create_directories(dir_ + "/out");
    log_ = dir_ + "/log";
    std::string ticks;
    for (int i = 0; i < 200; ++i) {
      char buf[200];
      std::snprintf(
          buf, sizeof(buf),
          R"({"timestamp":"2026-06-01T%02d:%02d:00+02:00","slot_index":%d,"energy_cost_kwh":%d.25})",
          8 + i / 60, i % 60, i, i % 7);
      ticks += std::string(buf) + "\n";
    }
    CliRun r = RunCli("--log " + log_ + " log", ticks);
    ASSERT_EQ(r.code, 0) << r.err;
  }
  void TearDown() override { fs::remove_all(dir_); }

  // The command writing to `target`: "cat SOURCE" or "export".
  std::string Command(const std::string& cmd, const std::string& target, const std::string& format,
                      bool name_format = true) const {
    std::string c = cmd == "cat" ? "cat " + kSource : "--log " + log_ + " export";
    c += " -o " + target;
    if (name_format) c += " --format " + format;
    return c;
  }

  // What the command writes into a new regular file (the reference).
  std::string Reference(const std::string& cmd, const std::string& format) {
    const std::string p = dir_ + "/ref." + format;
    CliRun r = RunCli(Command(cmd, p, format, false));
    EXPECT_EQ(r.code, 0) << r.err;
    std::string s = Slurp(p);
    fs::remove(p);
    return s;
  }

  std::string dir_, log_;
};

// The reference outputs are what each format should be.
TEST_F(OutputTargets, NewRegularFileInEveryFormatFromTheExtension) {
  for (const std::string cmd : {"cat", "export"}) {
    for (const auto& format : kFormats) {
      SCOPED_TRACE(cmd + " " + format);
      const std::string p = dir_ + "/out/new." + format;
      CliRun r = RunCli(Command(cmd, p, format, /*name_format=*/false));
      ASSERT_EQ(r.code, 0) << r.err;
      const std::string s = Slurp(p);
      const size_t rows = cmd == "cat" ? 1000 : 200;
      if (format == "parquet") {
        EXPECT_EQ(s.substr(0, 4), "PAR1");
        CliRun back = RunCli("cat " + p + " --columns slot_index");
        ASSERT_EQ(back.code, 0) << back.err;
        EXPECT_EQ(static_cast<size_t>(std::count(back.out.begin(), back.out.end(), '\n')), rows);
      } else {
        EXPECT_EQ(static_cast<size_t>(std::count(s.begin(), s.end(), '\n')),
                  rows + (format == "csv" ? 1 : 0));
        EXPECT_EQ(s[0] == '{', format == "jsonl") << s.substr(0, 80);
      }
      EXPECT_EQ(Names(dir_ + "/out"), std::vector<std::string>{"new." + format});  // no temporary
      fs::remove(p);
    }
  }
}

TEST_F(OutputTargets, ExistingRegularFileIsReplacedKeepingItsMode) {
  for (const std::string cmd : {"cat", "export"}) {
    for (const auto& format : kFormats) {
      SCOPED_TRACE(cmd + " " + format);
      const std::string p = dir_ + "/out/old." + format;
      std::ofstream(p) << "old contents\n";
      ASSERT_EQ(::chmod(p.c_str(), 0640), 0);
      CliRun r = RunCli(Command(cmd, p, format, false));
      ASSERT_EQ(r.code, 0) << r.err;
      EXPECT_EQ(Slurp(p), Reference(cmd, format));
      struct stat st;
      ASSERT_EQ(::stat(p.c_str(), &st), 0);
      EXPECT_EQ(st.st_mode & 07777, 0640u);
      EXPECT_EQ(Names(dir_ + "/out"), std::vector<std::string>{"old." + format});
      fs::remove(p);
    }
  }
}

// A failure part-way (the second file of the directory is not Parquet):
// exit 1, and the existing file, a new name, and a link's file are as
// they were, with no temporary left beside them.
TEST_F(OutputTargets, AFailedCatLeavesEveryRegularTargetAsItWas) {
  const std::string src = dir_ + "/src";
  fs::create_directories(src);
  fs::copy_file(kSource, src + "/a.parquet");
  std::ofstream(src + "/b.parquet") << "this is not Parquet\n";
  for (const auto& format : kFormats) {
    SCOPED_TRACE(format);
    const std::string old = dir_ + "/out/old." + format, fresh = dir_ + "/out/new." + format,
                      linked = dir_ + "/out/linked." + format, link = dir_ + "/out/link." + format;
    std::ofstream(old) << "old contents\n";
    std::ofstream(linked) << "linked contents\n";
    fs::create_symlink("linked." + format, link);
    for (const std::string& target : {old, fresh, link}) {
      CliRun r = RunCli("cat " + src + " -o " + target);
      EXPECT_EQ(r.code, 1) << target << ": " << r.err;
      EXPECT_NE(r.err.find("b.parquet"), std::string::npos) << r.err;
    }
    EXPECT_EQ(Slurp(old), "old contents\n");
    EXPECT_FALSE(fs::exists(fresh));
    EXPECT_TRUE(fs::is_symlink(link));
    EXPECT_EQ(fs::read_symlink(link), "linked." + format);
    EXPECT_EQ(Slurp(linked), "linked contents\n");
    EXPECT_EQ(Names(dir_ + "/out"),
              (std::vector<std::string>{"link." + format, "linked." + format, "old." + format}));
    for (const auto& n : Names(dir_ + "/out")) fs::remove(dir_ + "/out/" + n);
  }
}

// Through a link the file it names is replaced; the link stays a link,
// also when it leads to a name that does not exist yet.
TEST_F(OutputTargets, SymlinkIsFollowedNeverReplaced) {
  for (const std::string cmd : {"cat", "export"}) {
    for (const auto& format : kFormats) {
      SCOPED_TRACE(cmd + " " + format);
      const std::string out = dir_ + "/out";
      std::ofstream(out + "/file." + format) << "old\n";
      fs::create_symlink("file." + format, out + "/link." + format);
      fs::create_symlink("later." + format, out + "/dangling." + format);
      CliRun r = RunCli(Command(cmd, out + "/link." + format, format, false));
      ASSERT_EQ(r.code, 0) << r.err;
      r = RunCli(Command(cmd, out + "/dangling." + format, format, false));
      ASSERT_EQ(r.code, 0) << r.err;
      const std::string ref = Reference(cmd, format);
      EXPECT_TRUE(fs::is_symlink(out + "/link." + format));
      EXPECT_TRUE(fs::is_symlink(out + "/dangling." + format));
      EXPECT_EQ(Slurp(out + "/file." + format), ref);
      EXPECT_EQ(Slurp(out + "/later." + format), ref);
      EXPECT_EQ(Names(out), (std::vector<std::string>{"dangling." + format, "file." + format,
                                                      "later." + format, "link." + format}));
      for (const auto& n : Names(out)) fs::remove(out + "/" + n);
    }
  }
}

// /dev/full: every format fails with exit 1 naming it (no crash: CSV and
// JSONL used to close the stream twice), and it is still a device (a
// failed Parquet export used to unlink it, which as root removed the node).
TEST_F(OutputTargets, DevFullIsAWriteErrorAndStaysADevice) {
  ASSERT_TRUE(IsCharDevice("/dev/full"));
  for (const std::string cmd : {"cat", "export"}) {
    for (const auto& format : kFormats) {
      SCOPED_TRACE(cmd + " " + format);
      CliRun r = RunCli(Command(cmd, "/dev/full", format));
      EXPECT_EQ(r.code, 1) << r.err;
      EXPECT_NE(r.err.find("writing /dev/full: No space left on device"), std::string::npos) << r.err;
      ASSERT_TRUE(IsCharDevice("/dev/full"));
    }
  }
}

TEST_F(OutputTargets, DevNullTakesEveryFormat) {
  for (const std::string cmd : {"cat", "export"}) {
    for (const auto& format : kFormats) {
      SCOPED_TRACE(cmd + " " + format);
      CliRun r = RunCli(Command(cmd, "/dev/null", format));
      EXPECT_EQ(r.code, 0) << r.err;
      EXPECT_TRUE(IsCharDevice("/dev/null"));
    }
  }
  // Without --format a device has no extension to go by.
  CliRun r = RunCli("cat " + kSource + " -o /dev/null");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find(".parquet, .csv or .jsonl"), std::string::npos) << r.err;
}

// A fifo is written in place to its reader, byte for byte what a file gets.
TEST_F(OutputTargets, FifoIsWrittenInPlaceToItsReader) {
  const std::string fifo = dir_ + "/out/fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  for (const std::string cmd : {"cat", "export"}) {
    for (const auto& format : kFormats) {
      SCOPED_TRACE(cmd + " " + format);
      const std::string got = dir_ + "/got";
      const std::string line = "cat " + fifo + " > " + got + " & reader=$!; " + BA_CLI_PATH + " " +
                               Command(cmd, fifo, format) + " 2>" + dir_ +
                               "/err; rc=$?; wait $reader; exit $rc";
      EXPECT_EQ(Shell("bash -c '" + line + "'"), 0) << Slurp(dir_ + "/err");
      EXPECT_EQ(Slurp(got), Reference(cmd, format));
      struct stat st;
      ASSERT_EQ(::lstat(fifo.c_str(), &st), 0);
      EXPECT_TRUE(S_ISFIFO(st.st_mode));
    }
  }
  EXPECT_EQ(Names(dir_ + "/out"), std::vector<std::string>{"fifo"});
}

TEST_F(OutputTargets, StandardOutputTakesCsvAndJsonLinesNotParquet) {
  for (const std::string cmd : {"cat", "export"}) {
    for (const auto& format : kFormats) {
      SCOPED_TRACE(cmd + " " + format);
      CliRun r = RunCli(Command(cmd, "-", format));
      if (format == "parquet") {
        EXPECT_EQ(r.code, 2) << r.err;
        EXPECT_NE(r.err.find("standard output"), std::string::npos) << r.err;
        EXPECT_EQ(r.out, "");
      } else {
        EXPECT_EQ(r.code, 0) << r.err;
        EXPECT_EQ(r.out, Reference(cmd, format));
      }
    }
  }
}

// checkpoint -o goes through the same output.
TEST_F(OutputTargets, CheckpointOutputToAFileADeviceAndALink) {
  const std::string out = dir_ + "/out";
  std::ofstream(out + "/cp.json") << "old\n";
  fs::create_symlink("cp.json", out + "/link.json");
  CliRun r = RunCli("--log " + log_ + " checkpoint -o " + out + "/link.json");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(fs::is_symlink(out + "/link.json"));
  EXPECT_NE(Slurp(out + "/cp.json").find("\"seq\": 200,"), std::string::npos) << Slurp(out + "/cp.json");
  EXPECT_EQ(Names(out), (std::vector<std::string>{"cp.json", "link.json"}));
  r = RunCli("--log " + log_ + " checkpoint -o /dev/full");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("writing /dev/full: No space left on device"), std::string::npos) << r.err;
  EXPECT_TRUE(IsCharDevice("/dev/full"));
}

TEST_F(OutputTargets, ADirectoryIsRefused) {
  CliRun r = RunCli("cat " + kSource + " -o " + dir_ + "/out --format csv");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("writing " + dir_ + "/out: Is a directory"), std::string::npos) << r.err;
  EXPECT_TRUE(Names(dir_ + "/out").empty());
}

// A full file system (a 64 KiB tmpfs; root only): exit 1 naming the path,
// the existing file unchanged, no temporary left.
TEST_F(OutputTargets, FullDiskLeavesTheTargetAndNoTemporary) {
  if (::geteuid() != 0) GTEST_SKIP() << "mounting a tmpfs needs root";
  // A log whose every format is larger than 64 KiB: varied doubles.
  const std::string big = dir_ + "/big";
  std::mt19937_64 rng(11);
  std::string ticks;
  for (int i = 0; i < 4000; ++i) {
    char buf[300];
    std::snprintf(
        buf, sizeof(buf),
        R"({"timestamp":"2026-06-%02dT%02d:%02d:00+00:00","energy_cost_kwh":%.17g,"budget_spent_kwh":%.17g,"budget_remaining_kwh":%.17g})",
        1 + i / 1440, (i / 60) % 24, i % 60, static_cast<double>(rng() % 1000000) / 7.0,
        static_cast<double>(rng() % 1000000) / 3.0, static_cast<double>(rng() % 1000000) / 9.0);
    ticks += std::string(buf) + "\n";
  }
  CliRun l = RunCli("--log " + big + " log --sync none", ticks);
  ASSERT_EQ(l.code, 0) << l.err;
  const std::string mnt = dir_ + "/small";
  fs::create_directories(mnt);
  if (::mount("tmpfs", mnt.c_str(), "tmpfs", 0, "size=64k") != 0) {
    GTEST_SKIP() << "cannot mount a tmpfs on " << mnt << ": " << std::strerror(errno);
  }
  struct Unmount {
    std::string at;
    ~Unmount() { EXPECT_EQ(::umount(at.c_str()), 0) << at << ": " << std::strerror(errno); }
  } unmount{mnt};
  for (const auto& format : kFormats) {
    SCOPED_TRACE(format);
    const std::string p = mnt + "/all." + format;
    std::ofstream(p) << "kept\n";
    CliRun r = RunCli("--log " + big + " export -o " + p);
    EXPECT_EQ(r.code, 1) << r.err;
    EXPECT_NE(r.err.find("writing " + p + ": No space left on device"), std::string::npos) << r.err;
    EXPECT_EQ(Slurp(p), "kept\n");
    EXPECT_EQ(Names(mnt), std::vector<std::string>{"all." + format});
    fs::remove(p);
  }
}

}  // namespace

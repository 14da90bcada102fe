// kill -9 crash loop: a child `budget-audit log` process appends ticks as
// fast as it can and acknowledges each seq on stdout; the parent SIGKILLs it
// at a random moment, then starts another writer that first retries every
// unacknowledged tick. At the end every acknowledged tick is in the log
// exactly once, with the seq it was acknowledged with, and verify passes.
//
// SIGKILL tests process-crash safety (what the kernel already has survives);
// power loss is covered by the fault-injection tests (src/log/fault_test.cc).
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <random>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "log/snapshot.h"
#include "log/verify.h"

namespace {

using namespace budget_audit;

std::string TickJson(int i) {
  // Four ticks per hour; a new day every 96 ticks, so sealing happens too.
  int64_t secs = 1780099200 + int64_t{i} * 900;
  int64_t day = secs / 86400, sod = secs % 86400;
  int y = 2026, m = 5, d = 30 + static_cast<int>(day - 1780099200 / 86400);
  while (d > (m == 5 ? 31 : 30)) {
    d -= (m == 5 ? 31 : 30);
    ++m;
  }
  return fmt::format(
      R"({{"timestamp":"{:04}-{:02}-{:02}T{:02}:{:02}:00Z","slot_index":{},"energy_cost_kwh":{},"source":"plan"}})",
      y, m, d, sod / 3600, (sod / 60) % 60, i % 96, 0.25 * i);
}

struct Child {
  pid_t pid;
  int in_fd;   // we write ticks
  int out_fd;  // we read acknowledgements
};

Child Spawn(const std::string& dir) {
  int in[2], out[2];
  EXPECT_EQ(::pipe(in), 0);
  EXPECT_EQ(::pipe(out), 0);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(in[0], 0);
    ::dup2(out[1], 1);
    int devnull = ::open("/dev/null", O_WRONLY);
    ::dup2(devnull, 2);
    ::close(in[1]);
    ::close(out[0]);
    ::execl(BA_CLI_PATH, BA_CLI_PATH, "--log", dir.c_str(), "log", "--wait", "10",
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(in[0]);
  ::close(out[1]);
  ::signal(SIGPIPE, SIG_IGN);
  return {pid, in[1], out[0]};
}

TEST(CrashLoop, KillNineNeverLosesAnAcknowledgedTick) {
  const std::string dir = ::testing::TempDir() + "/crash_loop_" + std::to_string(::getpid());
  std::filesystem::remove_all(dir);
  std::mt19937 rng(4242);
  std::map<int, uint64_t> acked;  // tick -> seq
  int sent_upto = 0;              // ticks [0, sent_upto) were sent at least once
  const int kRounds = 15;
  int killed_in_seal = 0;  // kills that left a seal's intent file behind
  for (int round = 0; round < kRounds; ++round) {
    Child c = Spawn(dir);
    // Retry the unacknowledged ticks first, then new ones.
    std::vector<int> order;
    for (int t = 0; t < sent_upto; ++t) {
      if (!acked.count(t)) order.push_back(t);
    }
    int fresh = 20 + static_cast<int>(rng() % 200);
    for (int k = 0; k < fresh; ++k) order.push_back(sent_upto + k);
    sent_upto += fresh;
    std::string input;
    for (int t : order) input += TickJson(t) + "\n";
    std::thread writer([&]() {
      size_t off = 0;
      while (off < input.size()) {
        ssize_t w = ::write(c.in_fd, input.data() + off, std::min<size_t>(4096, input.size() - off));
        if (w <= 0) break;
        off += static_cast<size_t>(w);
      }
      ::close(c.in_fd);
    });
    // Kill after a random delay (sometimes before anything is logged).
    std::this_thread::sleep_for(std::chrono::milliseconds(100 + rng() % 700));
    ::kill(c.pid, SIGKILL);
    int status;
    ::waitpid(c.pid, &status, 0);
    writer.join();
    // Seals run on the writer's background thread while it goes on
    // appending: some kills land inside one (the next writer repairs it).
    killed_in_seal += std::filesystem::exists(dir + "/_seal_intent");
    // Acknowledgements that reached us: line k acknowledges order[k].
    std::string acks;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(c.out_fd, buf, sizeof(buf))) > 0) acks.append(buf, static_cast<size_t>(n));
    ::close(c.out_fd);
    size_t pos = 0, k = 0;
    while (true) {
      size_t nl = acks.find('\n', pos);
      if (nl == std::string::npos) break;  // a partial line is not an acknowledgement
      uint64_t seq = std::stoull(acks.substr(pos, nl - pos));
      int tick = order[k++];
      auto [it, inserted] = acked.emplace(tick, seq);
      EXPECT_EQ(it->second, seq) << "tick " << tick << " acknowledged with two seqs";
      pos = nl + 1;
    }
  }
  // A last writer that finishes everything, then the checks.
  {
    Child c = Spawn(dir);
    std::string input;
    std::vector<int> order;
    for (int t = 0; t < sent_upto; ++t) {
      if (!acked.count(t)) order.push_back(t);
      input += acked.count(t) ? "" : TickJson(t) + "\n";
    }
    ASSERT_EQ(::write(c.in_fd, input.data(), input.size()), static_cast<ssize_t>(input.size()));
    ::close(c.in_fd);
    int status;
    ::waitpid(c.pid, &status, 0);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    ::close(c.out_fd);
  }
  auto report = log::VerifyLog(Env::Default(), dir);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->records, static_cast<uint64_t>(sent_upto));
  std::map<uint64_t, int> tick_by_seq;
  Status s = log::ForEachRecord(Env::Default(), dir, [&](const log::SeqRecord& r) {
    int tick = static_cast<int>((r.record.timestamp_us / 1000000 - 1780099200) / 900);
    EXPECT_TRUE(tick_by_seq.emplace(r.seq, tick).second);
    return Status::OK();
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(tick_by_seq.size(), static_cast<size_t>(sent_upto));
  for (auto [tick, seq] : acked) {
    ASSERT_TRUE(tick_by_seq.count(seq)) << "acknowledged seq " << seq << " missing";
    EXPECT_EQ(tick_by_seq[seq], tick);
  }
  EXPECT_GT(acked.size(), 20u);
  std::printf("kills inside a background seal: %d of %d\n", killed_in_seal, kRounds);
  RecordProperty("kills_inside_a_seal", killed_in_seal);
  std::filesystem::remove_all(dir);
}

}  // namespace

// `budget-audit log`: JSON-lines ticks on stdin; after each record is
// durable its seq is printed on its own line (flushed), so a controller can
// keep one process open as a pipe. Bad lines are reported on stderr as
// "line N: field: problem" and skipped; the exit code is then 1.
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <thread>

#include <fmt/format.h>

#include "budget_audit/audit_log.h"
#include "cli.h"
#include "log/tick.h"

namespace budget_audit::cli {
namespace {

struct LogOptions {
  std::string sync = "always";
  double wait_seconds = 0;
};

// Reads lines from a file descriptor, and tells whether more input is
// already waiting (so batch mode can acknowledge a group when the pipe
// drains).
class LineReader {
 public:
  explicit LineReader(int fd) : fd_(fd) {}
  // false at end of input.
  bool Next(std::string& line) {
    for (;;) {
      size_t nl = buf_.find('\n', pos_);
      if (nl != std::string::npos) {
        line.assign(buf_, pos_, nl - pos_);
        pos_ = nl + 1;
        return true;
      }
      if (eof_) {
        if (pos_ < buf_.size()) {
          line.assign(buf_, pos_, std::string::npos);
          pos_ = buf_.size();
          return true;
        }
        return false;
      }
      Fill();
    }
  }
  bool InputPending() {
    if (buf_.find('\n', pos_) != std::string::npos) return true;
    if (eof_) return pos_ < buf_.size();
    struct pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, 0) > 0;
  }

 private:
  void Fill() {
    buf_.erase(0, pos_);
    pos_ = 0;
    char tmp[65536];
    ssize_t n;
    do {
      n = ::read(fd_, tmp, sizeof(tmp));
    } while (n < 0 && errno == EINTR);
    if (n <= 0) {
      eof_ = true;
      return;
    }
    buf_.append(tmp, static_cast<size_t>(n));
  }
  int fd_;
  std::string buf_;
  size_t pos_ = 0;
  bool eof_ = false;
};

int RunLog(Context& ctx, const LogOptions& o) {
  AuditLogOptions ao;
  ao.env = ctx.env;
  if (o.sync == "always") {
    ao.sync = SyncMode::kAlways;
  } else if (o.sync == "batch") {
    ao.sync = SyncMode::kBatch;
  } else if (o.sync == "none") {
    ao.sync = SyncMode::kNone;
  } else {
    return ReportError(Status::InvalidArgument(
        fmt::format("--sync {}: expected always, batch or none", o.sync)));
  }
  const std::string dir = ctx.LogDir();
  auto deadline = std::chrono::steady_clock::now() +
                  std::chrono::milliseconds(static_cast<int64_t>(o.wait_seconds * 1000));
  Result<std::unique_ptr<AuditLog>> log = Status::Internal("not opened");
  for (;;) {
    log = AuditLog::Open(dir, ao);
    if (log.ok() || log.status().code() != StatusCode::kBusy ||
        std::chrono::steady_clock::now() >= deadline) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (!log.ok()) return ReportError(log.status().WithContext(dir));

  LineReader in(STDIN_FILENO);
  std::string line;
  std::string pending;  // acknowledgements waiting for a batch sync
  size_t line_no = 0, bad = 0, group = 0;
  auto flush_acks = [&]() -> bool {
    if (pending.empty()) return true;
    if (ao.sync == SyncMode::kBatch) {
      Status s = (*log)->Sync();
      if (!s.ok()) {
        std::fprintf(stderr, "budget-audit: %s (the last %zu records were not acknowledged)\n",
                     s.message().c_str(), group);
        return false;
      }
    }
    std::fwrite(pending.data(), 1, pending.size(), stdout);
    std::fflush(stdout);
    pending.clear();
    group = 0;
    return true;
  };
  while (in.Next(line)) {
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto rec = log::ParseTick(line, ctx.env->NowMicros());
    if (!rec.ok()) {
      std::fprintf(stderr, "line %zu: %s\n", line_no, rec.status().message().c_str());
      ++bad;
      continue;
    }
    auto seq = (*log)->Append(*rec);
    if (!seq.ok()) {
      if (seq.status().code() == StatusCode::kAlreadyExists) {
        std::fprintf(stderr, "line %zu: %s\n", line_no, seq.status().message().c_str());
        ++bad;
        continue;
      }
      // Not durable: stop, acknowledge nothing more; the controller retries.
      if (!flush_acks()) return kExitProblem;
      std::fprintf(stderr, "line %zu: not logged: %s\n", line_no, seq.status().message().c_str());
      return kExitProblem;
    }
    pending += fmt::format("{}\n", *seq);
    ++group;
    if (ao.sync != SyncMode::kBatch || group >= 4096 || !in.InputPending()) {
      if (!flush_acks()) return kExitProblem;
    }
  }
  if (!flush_acks()) return kExitProblem;
  if (Status s = (*log)->last_seal_status(); !s.ok()) {
    std::fprintf(stderr, "budget-audit: warning: sealing into Parquet failed (the records are safe "
                         "in the journal and sealing is retried): %s\n", s.message().c_str());
  }
  return bad > 0 ? kExitProblem : kExitOk;
}

}  // namespace

void SetupLog(CLI::App& app, Context& ctx, Action& action) {
  auto opts = std::make_shared<LogOptions>();
  CLI::App* cmd = app.add_subcommand(
      "log", "Append ticks (JSON lines on stdin, the Python version's tick attribute names) to the "
             "log; prints each record's seq once it is durable. Bad lines are reported as "
             "'line N: field: problem' and skipped (exit 1).");
  cmd->add_option("--sync", opts->sync,
                  "always: fdatasync before each acknowledgement (default); batch: acknowledge a "
                  "group after one fdatasync; none: never sync")
      ->check(CLI::IsMember({"always", "batch", "none"}));
  cmd->add_option("--wait", opts->wait_seconds,
                  "If another writer holds the log, wait up to SECONDS for it (default 0)");
  cmd->callback([&ctx, &action, opts]() {
    action = [&ctx, opts]() { return RunLog(ctx, *opts); };
  });
}

}  // namespace budget_audit::cli

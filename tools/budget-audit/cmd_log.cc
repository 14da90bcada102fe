// `budget-audit log`: JSON-lines ticks on stdin; after each record is
// durable its seq is printed on its own line (flushed), so a controller can
// keep one process open as a pipe. Bad lines are reported on stderr as
// "line N: field: problem" and skipped; the exit code is then 1. What a tick
// may hold is docs/validation.md (log/tick.h, log/validate.h); unlike the
// in-process LogSlot, a tick without a timestamp is refused.
//
// With --ack json every input line gets exactly one JSON object on stdout,
// in input order: {"line":N,"seq":S,"duplicate":false} once the record is
// durable, {"line":N,"error":"field: problem"} for a refused line, so a
// controller that writes a line and reads a line never waits forever and
// can match each answer to its tick.
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "budget_audit/audit_log.h"
#include "cli.h"
#include "log/tick.h"
#include "log/validate.h"

namespace budget_audit::cli {
namespace {

struct LogOptions {
  std::string sync = "always";
  std::string ack = "seq";
  double wait_seconds = 0;
  bool truncate_nanos = false;
  std::vector<std::string> ignore_keys;
};

// A message as a JSON string (bytes that are not UTF-8 become U+FFFD).
std::string JsonString(const std::string& s) {
  return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

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
  // The read error that ended the input (0: end of input).
  int error() const { return error_; }
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
      if (n < 0) error_ = errno;
      eof_ = true;
      return;
    }
    buf_.append(tmp, static_cast<size_t>(n));
  }
  int fd_;
  std::string buf_;
  size_t pos_ = 0;
  bool eof_ = false;
  int error_ = 0;
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
  log::TickParseOptions parse;
  parse.require_timestamp = true;  // docs/validation.md: a resent tick would be logged twice
  parse.timestamp.truncate_sub_micros = o.truncate_nanos;
  for (const std::string& k : o.ignore_keys) {
    if (log::TickFieldOf(k) != log::kFieldCount) {
      return ReportError(Status::InvalidArgument(
          fmt::format("--ignore-keys {}: a tick attribute the log keeps cannot be ignored", k)));
    }
    parse.ignored_keys.push_back(k);
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
  const bool json_acks = o.ack == "json";
  std::string line;
  std::string pending;  // acknowledgements waiting for a batch sync (and the answers after them)
  size_t line_no = 0, bad = 0, group = 0;
  // Writes the pending answers; false (after saying why on stderr) when the
  // batch's sync or the write fails: nothing more may be acknowledged.
  auto flush_acks = [&]() -> bool {
    if (pending.empty()) return true;
    if (ao.sync == SyncMode::kBatch && group > 0) {
      Status s = (*log)->Sync();
      if (!s.ok()) {
        std::fprintf(stderr, "budget-audit: %s (the last %zu records were not acknowledged)\n",
                     s.message().c_str(), group);
        return false;
      }
    }
    errno = 0;
    const bool written = std::fwrite(pending.data(), 1, pending.size(), stdout) == pending.size();
    if (std::fflush(stdout) != 0 || !written || std::ferror(stdout)) {
      const int err = errno ? errno : EIO;
      std::clearerr(stdout);  // reported here, not again by main()
      std::fprintf(stderr,
                   "budget-audit: writing acknowledgements to standard output: %s (the last %zu "
                   "records are logged but their acknowledgements were lost; resending them is "
                   "safe: a resent tick is acknowledged with its first seq)\n",
                   std::strerror(err), group);
      return false;
    }
    pending.clear();
    group = 0;
    return true;
  };
  // A refused line: "line N: problem" on stderr, and with --ack json its answer.
  auto refuse = [&](const std::string& problem) {
    std::fprintf(stderr, "line %zu: %s\n", line_no, problem.c_str());
    if (json_acks) pending += fmt::format("{{\"line\":{},\"error\":{}}}\n", line_no, JsonString(problem));
  };
  while (in.Next(line)) {
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) {
      if (!json_acks) continue;
      pending += fmt::format("{{\"line\":{},\"skipped\":\"empty line\"}}\n", line_no);
      if (!in.InputPending() && !flush_acks()) return kExitProblem;
      continue;
    }
    auto rec = log::ParseTick(line, ctx.env->NowMicros(), parse);
    Result<uint64_t> seq = rec.ok() ? (*log)->Append(*rec) : Result<uint64_t>(rec.status());
    if (!seq.ok() && (!rec.ok() || seq.status().code() == StatusCode::kAlreadyExists)) {
      refuse(seq.status().message());
      ++bad;
    } else if (!seq.ok()) {
      // Not durable: stop, acknowledge nothing more; the controller retries.
      const std::string why = "not logged: " + seq.status().message();
      if (json_acks) refuse(why);
      if (!flush_acks()) return kExitProblem;
      if (!json_acks) std::fprintf(stderr, "line %zu: %s\n", line_no, why.c_str());
      return kExitProblem;
    } else {
      if (json_acks) {
        pending += fmt::format("{{\"line\":{},\"seq\":{},\"duplicate\":{}}}\n", line_no, *seq,
                               (*log)->last_append_was_duplicate());
      } else {
        pending += fmt::format("{}\n", *seq);
      }
      ++group;
    }
    if (ao.sync != SyncMode::kBatch || group >= 4096 || !in.InputPending()) {
      if (!flush_acks()) return kExitProblem;
    }
  }
  if (!flush_acks()) return kExitProblem;
  if (in.error() != 0) {
    std::fprintf(stderr, "budget-audit: reading standard input after line %zu: %s\n", line_no,
                 std::strerror(in.error()));
    return kExitProblem;
  }
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
  cmd->add_option("--ack", opts->ack,
                  "seq: print each durable record's seq on its own line (default); json: answer "
                  "every input line, in order, with one JSON object: {\"line\":N,\"seq\":S,"
                  "\"duplicate\":false} or {\"line\":N,\"error\":\"field: problem\"}")
      ->check(CLI::IsMember({"seq", "json"}));
  cmd->add_flag("--truncate-nanos", opts->truncate_nanos,
               "Floor timestamps with digits below the microsecond (7-9 fraction digits) to the "
               "microsecond instead of refusing the tick");
  cmd->add_option("--ignore-keys", opts->ignore_keys,
                  "KEY,...: keys the controller sends that the log does not keep, dropped "
                  "(any other key that is not a tick attribute refuses the tick)")
      ->delimiter(',');
  cmd->add_option("--wait", opts->wait_seconds,
                  "If another writer holds the log, wait up to SECONDS for it (default 0)");
  cmd->callback([&ctx, &action, opts]() {
    action = [&ctx, opts]() { return RunLog(ctx, *opts); };
  });
}

}  // namespace budget_audit::cli

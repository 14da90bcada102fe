// `budget-audit log`: JSON-lines ticks on stdin; after each record is
// durable its seq is printed on its own line (flushed), so a controller can
// keep one process open as a pipe. Bad lines are reported on stderr as
// "line N: field: problem" and skipped; the exit code is then 1. What a tick
// may hold is docs/validation.md (ControllerTickFromJson, slot_record.h); unlike the
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
#include <cstdlib>
#include <cstring>
#include <functional>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "budget_audit/audit_log.h"
#include "cli.h"

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
// drains). While no input comes, `on_idle` runs every `idle_ms` (sealing
// the days that ended while the plant was quiet). A line longer than
// kMaxLineBytes is not kept: it is read to its end and reported as too long
// (no tick comes near it: each string field is at most 4 KiB).
class LineReader {
 public:
  static constexpr size_t kMaxLineBytes = 16 << 20;
  LineReader(int fd, int idle_ms, std::function<void()> on_idle)
      : fd_(fd), idle_ms_(idle_ms), on_idle_(std::move(on_idle)) {}
  // false at end of input. `too_long`: the line was longer than kMaxLineBytes
  // (`line` then holds its start).
  bool Next(std::string& line, bool& too_long) {
    too_long = false;
    for (;;) {
      const size_t nl = buf_.find('\n', pos_);
      if (nl != std::string::npos || (eof_ && (pos_ < buf_.size() || skipping_))) {
        const size_t end = nl != std::string::npos ? nl : buf_.size();
        if (skipping_ || end - pos_ > kMaxLineBytes) {
          if (!skipping_) line.assign(buf_, pos_, 256);  // what the message shows
          too_long = true;
        } else {
          line.assign(buf_, pos_, end - pos_);
        }
        skipping_ = false;
        pos_ = nl != std::string::npos ? nl + 1 : buf_.size();
        return true;
      }
      if (eof_) return false;
      if (!skipping_ && buf_.size() - pos_ > kMaxLineBytes) {
        line.assign(buf_, pos_, 256);
        skipping_ = true;
      }
      if (skipping_) {  // the rest of an overlong line is dropped as it comes
        buf_.clear();
        pos_ = 0;
      }
      Fill();
    }
  }
  // The read error that ended the input (0: end of input).
  int error() const { return error_; }
  bool InputPending() {
    if (buf_.find('\n', pos_) != std::string::npos) return true;
    if (eof_) return pos_ < buf_.size();
    struct pollfd p {
      fd_, POLLIN, 0
    };
    return ::poll(&p, 1, 0) > 0;
  }

 private:
  void Fill() {
    buf_.erase(0, pos_);
    pos_ = 0;
    for (;;) {  // wait for input, doing the idle work meanwhile
      struct pollfd p {
        fd_, POLLIN, 0
      };
      int r = ::poll(&p, 1, idle_ms_);
      if (r == 0) {
        if (on_idle_) on_idle_();
        continue;
      }
      if (r < 0 && errno == EINTR) continue;
      break;  // readable, hung up, or not pollable: read() tells
    }
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
  int idle_ms_;
  std::function<void()> on_idle_;
  std::string buf_;
  size_t pos_ = 0;
  bool eof_ = false;
  bool skipping_ = false;
  int error_ = 0;
};

// The site's zone (for the sealed files' site summaries) and its date at an
// instant, from the configuration. A broken configuration must not stop the
// log from being written: then UTC, with a warning (none when a replay of a
// past season fixes the day, where the configuration is not needed).
struct SiteClock {
  std::string zone;
  std::function<std::string(int64_t)> date;
};

Result<SiteClock> SiteDate(Context& ctx) {
  const char* today = std::getenv(kEnvToday);
  const bool replay = today && *today;
  std::string zone = kDefaultTimezone;
  auto config = ctx.LoadConfig();
  if (config.ok()) {
    zone = (*config)->timezone;
  } else if (!replay) {
    std::fprintf(stderr, "budget-audit: warning: %s; the days to seal are counted in UTC\n",
                 config.status().message().c_str());
  }
  auto site_date = SiteDateFunction(zone);
  if (site_date.ok()) return SiteClock{zone, std::move(*site_date)};
  if (zone == kDefaultTimezone) return site_date.status();
  if (!replay) {
    std::fprintf(stderr, "budget-audit: warning: %s; the days to seal are counted in UTC\n",
                 site_date.status().message().c_str());
  }
  BA_ASSIGN_OR_RETURN(auto utc, SiteDateFunction(kDefaultTimezone));
  return SiteClock{kDefaultTimezone, std::move(utc)};
}

// Says on stderr, once per distinct failure, that sealing failed.
class SealReporter {
 public:
  explicit SealReporter(const AuditLog& log) : log_(log) {}
  void Check() {
    Status s = log_.last_seal_status();
    if (s.ok()) {
      reported_.clear();
      return;
    }
    if (s.message() == reported_) return;
    reported_ = s.message();
    std::fprintf(stderr,
                 "budget-audit: sealing into Parquet failed: %s (the records are safe in the journal; "
                 "sealing is tried again at the next day change and when the log closes)\n",
                 s.message().c_str());
  }
  bool failed() const { return !log_.last_seal_status().ok(); }

 private:
  const AuditLog& log_;
  std::string reported_;
};

// Opens the log for writing, waiting up to `wait_seconds` for another writer.
Result<std::unique_ptr<AuditLog>> OpenWriter(const std::string& dir, AuditLogOptions ao,
                                             double wait_seconds) {
  ao.lock_wait = std::chrono::milliseconds(static_cast<int64_t>(wait_seconds * 1000));
  return AuditLog::Open(dir, ao);
}

int RunSeal(Context& ctx, bool all, double wait_seconds) {
  AuditLogOptions ao;
  ao.env = ctx.env;
  auto site = SiteDate(ctx);
  if (!site.ok()) return ReportError(site.status());
  ao.local_date = std::move(site->date);
  ao.timezone = site->zone;
  const std::string dir = ctx.LogDir();
  auto exists = ctx.env->FileExists(dir);
  if (exists.ok() && !*exists) return ReportError(Status::NotFound(fmt::format("no log at {}", dir)));
  // Opening seals the days that have ended already.
  auto log = OpenWriter(dir, ao, wait_seconds);
  if (!log.ok()) return ReportError(log.status().WithContext(dir));
  Status s = all ? (*log)->Seal() : (*log)->last_seal_status();
  if (s.ok()) s = (*log)->Close();
  if (!s.ok()) return ReportError(s.WithContext("seal " + dir));
  const uint64_t sealed = (*log)->sealed_seq(), last = (*log)->last_seq();
  std::printf("sealed: %llu of %llu records are in the Parquet history%s\n",
              static_cast<unsigned long long>(sealed), static_cast<unsigned long long>(last),
              sealed == last ? ""
                             : fmt::format(" ({} of days that have not ended stay in the journal; "
                                           "--all seals them too)",
                                           last - sealed)
                                   .c_str());
  return kExitOk;
}

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
    return ReportError(
        Status::InvalidArgument(fmt::format("--sync {}: expected always, batch or none", o.sync)));
  }
  auto site = SiteDate(ctx);
  if (!site.ok()) return ReportError(site.status());
  ao.local_date = std::move(site->date);
  ao.timezone = site->zone;
  TickJsonOptions parse;
  parse.require_timestamp = true;  // docs/validation.md: a resent tick would be logged twice
  parse.truncate_sub_micros = o.truncate_nanos;
  parse.ignored_keys = o.ignore_keys;
  {
    TickJsonOptions keys_only = parse;  // a bad --ignore-keys is refused before any line
    keys_only.require_timestamp = false;
    auto checked = ControllerTickFromJson("{}", keys_only);
    if (!checked.ok())
      return ReportError(Status::InvalidArgument("--ignore-keys " + checked.status().message()));
  }
  const std::string dir = ctx.LogDir();
  auto log = OpenWriter(dir, ao, o.wait_seconds);
  if (!log.ok()) return ReportError(log.status().WithContext(dir));
  SealReporter seals(**log);
  seals.Check();  // the days that ended before this writer opened the log

  // While no tick comes, the days that end (past the site's midnight) are
  // sealed, so readers of the Parquet files see them without waiting for
  // the next tick.
  std::string idle_date = ao.local_date(ctx.env->NowMicros());
  LineReader in(STDIN_FILENO, 30000, [&]() {
    std::string today = ao.local_date(ctx.env->NowMicros());
    if (today == idle_date) return;
    idle_date = today;
    (void)(*log)->SealEndedDays();
    seals.Check();
  });
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
  bool too_long = false;
  while (in.Next(line, too_long)) {
    ++line_no;
    if (too_long) {
      refuse(
          fmt::format("the line is longer than {} bytes (a tick is a few hundred; each string field "
                      "may hold at most 4096 bytes); nothing of it was logged",
                      LineReader::kMaxLineBytes));
      ++bad;
      if (!in.InputPending() && !flush_acks()) return kExitProblem;
      continue;
    }
    if (line.find_first_not_of(" \t\r") == std::string::npos) {
      if (!json_acks) continue;
      pending += fmt::format("{{\"line\":{},\"skipped\":\"empty line\"}}\n", line_no);
      if (!in.InputPending() && !flush_acks()) return kExitProblem;
      continue;
    }
    auto tick = ControllerTickFromJson(line, parse);
    Result<AppendResult> seq = tick.ok() ? (*log)->AppendTick(*tick) : Result<AppendResult>(tick.status());
    if (!seq.ok() && (!tick.ok() || seq.status().code() == StatusCode::kAlreadyExists ||
                      seq.status().code() == StatusCode::kInvalidArgument)) {
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
        pending +=
            fmt::format("{{\"line\":{},\"seq\":{},\"duplicate\":{}}}\n", line_no, seq->seq, seq->duplicate);
      } else {
        pending += fmt::format("{}\n", seq->seq);
      }
      ++group;
      seals.Check();  // a day change seals the day before
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
  // Closing seals the days that have ended and records the clean close;
  // a seal's failure there is reported as the others are (SealReporter).
  Status closed = (*log)->Close();
  seals.Check();
  if (!closed.ok() && closed.ToString() != (*log)->last_seal_status().ToString()) {
    std::fprintf(stderr, "budget-audit: closing the log: %s (every acknowledged record is durable)\n",
                 closed.message().c_str());
    return kExitProblem;
  }
  // A failed seal fails the run: the records are safe, but readers of the
  // Parquet history do not see them yet.
  return bad > 0 || seals.failed() ? kExitProblem : kExitOk;
}

}  // namespace

void SetupLog(CLI::App& app, Context& ctx, Action& action) {
  auto opts = std::make_shared<LogOptions>();
  CLI::App* cmd = app.add_subcommand(
      "log",
      "Append ticks (JSON lines on stdin, the Python version's tick attribute names) to the "
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
  cmd->callback([&ctx, &action, opts]() { action = [&ctx, opts]() { return RunLog(ctx, *opts); }; });

  struct SealOptions {
    bool all = false;
    double wait_seconds = 0;
  };
  auto so = std::make_shared<SealOptions>();
  CLI::App* seal = app.add_subcommand(
      "seal",
      "Seal every day that has ended (by the clock, in the site's time zone) from the journal "
      "into the Parquet history, as a writer does when it opens, closes, and at midnight.");
  seal->add_flag("--all", so->all,
                 "Seal today's records too (they are merged with the rest of the day later)");
  seal->add_option("--wait", so->wait_seconds,
                   "If another writer holds the log, wait up to SECONDS for it (default 0)");
  seal->callback(
      [&ctx, &action, so]() { action = [&ctx, so]() { return RunSeal(ctx, so->all, so->wait_seconds); }; });
}

}  // namespace budget_audit::cli

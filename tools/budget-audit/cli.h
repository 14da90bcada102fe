// Shared pieces of the budget-audit command-line tool: exit codes, error
// printing, output sinks. Each subcommand lives in its own cmd_*.cc and
// registers itself through a Setup* function called from main.cc.
#pragma once

#include <cstdio>
#include <functional>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

#include "budget_audit/env.h"
#include "budget_audit/status.h"
#include "budget-audit/config.h"

namespace budget_audit::cli {

// Exit codes (DESIGN.md, command-line contract).
constexpr int kExitOk = 0;
constexpr int kExitProblem = 1;  // ran and found a problem (bad file, bad lines, integrity)
constexpr int kExitUsage = 2;    // usage or configuration error
constexpr int kExitLocked = 3;   // the log is locked by another writer

// Prints "budget-audit: <message>" to stderr and returns the exit code for
// the status: 2 for InvalidArgument (usage), 3 for Busy, 1 otherwise.
int ReportError(const Status& status);

// Buffered writer to stdout or a file; flushes in large blocks. A write
// error (e.g. disk full, closed pipe) is remembered and reported by Finish().
class Output {
 public:
  // path "" or "-" means stdout.
  static Result<std::unique_ptr<Output>> Open(const std::string& path);
  ~Output();
  void Write(std::string_view s);
  std::string& buffer() { return buf_; }  // append directly, then MaybeFlush()
  void MaybeFlush() {
    if (buf_.size() >= (1u << 16)) Flush();
  }
  void Flush();
  Status Finish();

 private:
  std::FILE* f_ = nullptr;
  bool owned_ = false;
  std::string path_;
  std::string buf_;
  int error_ = 0;
};

// What every subcommand gets: the Env and the global options.
struct Context {
  Env* env = Env::Default();
  ConfigFlags flags;         // --data-dir, --config, --capacity-kw, ...
  std::string log_dir_flag;  // --log
  // Set by LoadConfig(); main() loads it up front when a config file is
  // named (--config, $BUDGET_AUDIT_CONFIG), since it may move the data dir.
  std::optional<Config> config;

  // The data directory: --data-dir, else $BUDGET_AUDIT_DATA_DIR, else a
  // named config file's data_dir, else ./data.
  std::string DataDir() const;
  // The log directory: --log, else <data dir>/budget_audit/slot_log.
  std::string LogDir() const;
  // Loads and validates the whole configuration (once); errors are
  // InvalidArgument naming the key and where it was set.
  Result<const Config*> LoadConfig();
  // True when --config or $BUDGET_AUDIT_CONFIG names a file.
  bool ConfigFileNamed() const;
};

// A subcommand's action, run after parsing; returns the exit code.
using Action = std::function<int()>;

void SetupCat(CLI::App& app, Context& ctx, Action& action);
void SetupExport(CLI::App& app, Context& ctx, Action& action);
void SetupImport(CLI::App& app, Context& ctx, Action& action);
void SetupInspect(CLI::App& app, Context& ctx, Action& action);
void SetupLog(CLI::App& app, Context& ctx, Action& action);
void SetupVerify(CLI::App& app, Context& ctx, Action& action);
// report, daily and the aliases --report / --daily DATE.
void SetupReports(CLI::App& app, Context& ctx, Action& action);
// What runs without a subcommand: an alias's report, else the Python
// version's default output.
Action DefaultAction(Context& ctx);

}  // namespace budget_audit::cli

// Shared pieces of the budget-audit command-line tool: exit codes, error
// printing, the output file. Each subcommand lives in its own cmd_*.cc and
// registers itself through a Setup* function called from main.cc.
#pragma once

#include <cstdio>
#include <functional>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

#include "budget-audit/config.h"
#include "budget_audit/env.h"
#include "budget_audit/status.h"
#include "io/output_file.h"
#include "util/civil_time.h"

namespace budget_audit::cli {

// Exit codes (DESIGN.md, command-line contract).
constexpr int kExitOk = 0;
constexpr int kExitProblem = 1;  // ran and found a problem (bad file, bad lines, integrity)
constexpr int kExitUsage = 2;    // usage or configuration error
constexpr int kExitLocked = 3;   // the log is locked by another writer

// Prints "budget-audit: <message>" to stderr and returns the exit code for
// the status: 2 for InvalidArgument (usage), 3 for Busy, 1 otherwise.
int ReportError(const Status& status);

// Writes `text` to standard output and flushes it. IOError "writing
// standard output: <reason>" when that fails (the stream's error is then
// cleared: reported by the caller, not again by main()).
Status WriteStdout(std::string_view text);
// The text to standard output (`output` "" or "-") or to FILE, written
// beside it and renamed into place (NewOutputFile).
Status WriteTextOutput(std::string_view text, const std::string& output);

// Where a command's output goes (cat -o, export -o, checkpoint -o, or
// standard output): the library's output file (io/output_file.h), whose
// target semantics the commands document.
using Output = io::OutputFile;

// What every subcommand gets: the Env and the global options.
struct Context {
  Env* env = Env::Default();
  ConfigFlags flags;         // --data-dir, --config, --capacity-kw, ...
  std::string log_dir_flag;  // --log
  // --format given before the command (`budget-audit --format table
  // report`): used by the commands with a --format of their own when theirs
  // is not given; main() refuses it for the others.
  std::string format_flag;
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

// Dates given on the command line: ParseDateArgument and LooksLikeDate
// (util/civil_time.h).

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
void SetupCompliance(CLI::App& app, Context& ctx, Action& action);
// What runs without a subcommand: an alias's report, else the Python
// version's default output.
Action DefaultAction(Context& ctx);

}  // namespace budget_audit::cli

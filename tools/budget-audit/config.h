// The configuration of the budget-audit command-line tool: its global
// settings, where each value came from, and their validation.
//
// Sources, highest precedence first (DESIGN.md, "Command-line contract"):
//   1. flags        --data-dir, --config, --capacity-kw, --max-reduction-pct,
//                   --timezone
//   2. environment  BUDGET_AUDIT_DATA_DIR, BUDGET_AUDIT_CONFIG,
//                   BUDGET_AUDIT_CAPACITY_KW, BUDGET_AUDIT_MAX_REDUCTION_PCT,
//                   BUDGET_AUDIT_TIMEZONE. An empty variable counts as unset.
//   3. one TOML file: the one named by --config, else by
//                   $BUDGET_AUDIT_CONFIG, else <data-dir>/budget_audit.toml,
//                   where <data-dir> comes from the flag, the environment or
//                   the default. The default file may be missing; a file
//                   named explicitly must exist. When a file is named
//                   explicitly, <data-dir>/budget_audit.toml is not read.
//   4. defaults     data dir ./data, 5 %, UTC; no capacity (a report that
//                   needs one says how to set it: MissingCapacityMessage).
//
// The TOML file holds top-level keys only (there are no [sections]):
//   capacity_kw = 1000                 # DC capacity in kW, > 0
//   max_reduction_pct = 5              # energy-sacrifice ceiling, % in (0, 100]
//   timezone = "Europe/Berlin"         # the site's IANA zone
//   annual_potential_kwh = 1266000     # the plant's own counterfactual yield, > 0
//   specific_yield_kwh_per_kwp = 1100  # or this (× capacity_kw), in (0, 8760]
//   monthly_share = [2.5, 4.5, 8, 10.5, 12.5, 13.5, 13.5, 12, 9.5, 7, 4, 2.5]
//                                      # % of the annual potential per month,
//                                      # January first; 12 values >= 0 that
//                                      # sum to 100 ± 0.5
//   data_dir = "/var/lib/budget-audit" # only in a file named by --config or
//                                      # BUDGET_AUDIT_CONFIG (see below)
// Integers are accepted where a number is expected. annual_potential_kwh,
// specific_yield_kwh_per_kwp and monthly_share (domain-notes §2.1–2.2) exist
// only in the file; the reports decide what to do when they are absent.
//
// Decisions:
//   - data_dir in the file. The default file is found through the data
//     directory, so a data_dir key in it would be circular: it is an error
//     there. In a file named by --config or BUDGET_AUDIT_CONFIG it is allowed
//     (e.g. /etc/budget-audit.toml for a service), below the flag and the
//     environment variable; a relative value is relative to the file's
//     directory, not to the working directory.
//   - Every value that is read is validated, even one a higher source
//     overrides: a broken setting is reported now, not on the day the flag
//     that hid it is dropped.
//   - Unknown keys are errors (with the closest known key when one is near,
//     and the Python version's setting names recognised), so a typo cannot
//     silently leave a default in force. So is setting both
//     annual_potential_kwh and specific_yield_kwh_per_kwp.
//   - All problems are reported at once, each as "<where>: <key>: <problem>"
//     where <where> is "flag --capacity-kw", "environment variable
//     BUDGET_AUDIT_CAPACITY_KW" or "<file>:<line>:<column>". A config file
//     that cannot be read or parsed stops the loading at that error.
#pragma once

#include <array>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "budget_audit/env.h"
#include "budget_audit/status.h"

namespace CLI {
class App;
}  // namespace CLI

namespace budget_audit::cli {

inline constexpr char kFlagDataDir[] = "--data-dir";
inline constexpr char kFlagConfig[] = "--config";
inline constexpr char kFlagCapacityKw[] = "--capacity-kw";
inline constexpr char kFlagMaxReductionPct[] = "--max-reduction-pct";
inline constexpr char kFlagTimezone[] = "--timezone";

inline constexpr char kEnvDataDir[] = "BUDGET_AUDIT_DATA_DIR";
inline constexpr char kEnvConfig[] = "BUDGET_AUDIT_CONFIG";
inline constexpr char kEnvCapacityKw[] = "BUDGET_AUDIT_CAPACITY_KW";
inline constexpr char kEnvMaxReductionPct[] = "BUDGET_AUDIT_MAX_REDUCTION_PCT";
inline constexpr char kEnvTimezone[] = "BUDGET_AUDIT_TIMEZONE";

inline constexpr char kDefaultDataDir[] = "./data";
inline constexpr char kConfigFileName[] = "budget_audit.toml";
inline constexpr double kDefaultMaxReductionPct = 5.0;
inline constexpr char kDefaultTimezone[] = "UTC";

// Where a setting's value came from.
struct Origin {
  enum class Kind { kDefault, kFlag, kEnv, kFile };
  Kind kind = Kind::kDefault;
  std::string name;  // kFlag: "--capacity-kw"; kEnv: the variable; kFile: the path
  int line = 0;      // kFile: 1-based position of the value (0: unknown)
  int column = 0;

  static Origin Default() { return {}; }
  static Origin Flag(std::string flag) { return {Kind::kFlag, std::move(flag), 0, 0}; }
  static Origin Env(std::string var) { return {Kind::kEnv, std::move(var), 0, 0}; }
  static Origin File(std::string path, int line, int column) {
    return {Kind::kFile, std::move(path), line, column};
  }

  // "default", "flag --capacity-kw", "environment variable
  // BUDGET_AUDIT_CAPACITY_KW", "./data/budget_audit.toml:3:15".
  std::string ToString() const;
};

struct Config {
  std::string data_dir = kDefaultDataDir;
  // The config file that was looked at; it was read iff config_file_found.
  std::string config_file = std::string(kDefaultDataDir) + "/" + kConfigFileName;
  bool config_file_found = false;
  std::optional<double> capacity_kw;  // no default
  double max_reduction_pct = kDefaultMaxReductionPct;
  // True when the winning source wrote the percentage as an integer ("5",
  // not "5.0"): the rollup echoes it as configured, as the Python version
  // echoed its setting (5 or 5.0).
  bool max_reduction_pct_is_integer = false;
  std::string timezone = kDefaultTimezone;  // a valid IANA name (util/time_zone.h)
  // For the compliance reports; from the config file only.
  std::optional<double> annual_potential_kwh;
  std::optional<double> specific_yield_kwh_per_kwp;     // at most one of these two
  std::optional<std::array<double, 12>> monthly_share;  // percent, January first

  // Where each value above came from.
  struct Provenance {
    Origin data_dir, config_file, capacity_kw, max_reduction_pct, timezone, annual_potential_kwh,
        specific_yield_kwh_per_kwp, monthly_share;
  } origin;
};

// The global flags as CLI11 parsed them; nullopt when not given.
struct ConfigFlags {
  std::optional<std::string> data_dir;
  std::optional<std::string> config_file;
  std::optional<double> capacity_kw;
  std::optional<double> max_reduction_pct;
  bool max_reduction_pct_is_integer = false;  // the flag's text was an integer
  std::optional<std::string> timezone;
};

// Registers the five flags above on `app`, storing into `flags` (which must
// outlive the parse), with help texts naming their variables and defaults.
void AddConfigFlags(CLI::App& app, ConfigFlags& flags);

// Reads `getenv` for the variables above (nullptr or "" = unset) and the
// config file through `env`, and merges everything by precedence. All
// errors are InvalidArgument (exit code 2, a configuration error), with a
// message naming every problem: see the header comment.
using GetEnvFunction = std::function<const char*(const char*)>;
Result<Config> LoadConfig(const ConfigFlags& flags, const GetEnvFunction& getenv, Env* env);
// The same from the process environment and Env::Default().
Result<Config> LoadConfig(const ConfigFlags& flags);

// The settings in TOML syntax, each with a comment saying where it came
// from, for a --show-config option.
std::string DescribeConfig(const Config& config);

// What to say when a report needs the capacity and none is set: the three
// ways to set it, with the config file that was looked at.
std::string MissingCapacityMessage(const Config& config);
// config.capacity_kw, or InvalidArgument(MissingCapacityMessage(config)).
Result<double> RequireCapacityKw(const Config& config);

// Sources, precedence and file keys in a few lines, for --help's footer.
std::string ConfigHelpText();

}  // namespace budget_audit::cli

// The configuration of a plant: its settings, where each value came from,
// and their validation. Every front end (the command-line tool, the Python
// package, the C ABI) loads it here, so they share the settings, their
// precedence and every message.
//
// Sources, highest precedence first (DESIGN.md, "Command-line contract"):
//   1. explicit     what the front end was given: the command line's flags
//                   --data-dir, --config, --capacity-kw, --max-reduction-pct,
//                   --timezone; a binding's keyword arguments (ExplicitConfig)
//   2. environment  BUDGET_AUDIT_DATA_DIR, BUDGET_AUDIT_CONFIG,
//                   BUDGET_AUDIT_CAPACITY_KW, BUDGET_AUDIT_MAX_REDUCTION_PCT,
//                   BUDGET_AUDIT_TIMEZONE. An empty variable counts as unset.
//   3. one TOML file: the one named explicitly (--config), else by
//                   $BUDGET_AUDIT_CONFIG, else <data-dir>/budget_audit.toml,
//                   where <data-dir> comes from the explicit value, the
//                   environment or the default. The default file may be
//                   missing; a file named explicitly must exist. When a file
//                   is named explicitly, <data-dir>/budget_audit.toml is not
//                   read.
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
//   budget_year_start = "07-01"        # MM-DD, the budget year's first day (default 01-01)
//   potential_file = "pvgis.json"      # a PVGIS PVcalc JSON result (compliance's potential)
//   monthly_file = "monthly.csv"       # or 12 monthly kWh from the plant's own model
//   latitude = 48.1                    # the default monthly shares' hemisphere
//   signing_key = "site.key"           # signs an evidence pack's checkpoint
//   site_id = "fr-beauce-01"           # the site's name in a fleet store (publish):
//                                      # 1..64 of A-Z a-z 0-9 . _ -
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
//     (e.g. /etc/budget-audit.toml for a service), below the explicit value
//     and the environment variable; a relative value is relative to the
//     file's directory, not to the working directory.
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
//   - How an explicit value is named ("flag --capacity-kw" on the command
//     line, "argument capacity_kw" from a binding) is the front end's to say
//     (ExplicitConfigNames); everything else in the messages is the same for
//     every front end.
//
// Thread safety: LoadConfig() and the functions below keep no state; they may
// run on several threads at once as far as the Env and the environment lookup
// they are given allow (std::getenv, the default, races with a concurrent
// setenv or putenv: a binding whose host may change the environment from
// another thread passes its own lookup). Config is a plain value.
#pragma once

#include <array>
#include <cstdlib>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "budget_audit/env.h"
#include "budget_audit/status.h"

namespace budget_audit {

inline constexpr char kEnvDataDir[] = "BUDGET_AUDIT_DATA_DIR";
inline constexpr char kEnvConfig[] = "BUDGET_AUDIT_CONFIG";
inline constexpr char kEnvCapacityKw[] = "BUDGET_AUDIT_CAPACITY_KW";
inline constexpr char kEnvMaxReductionPct[] = "BUDGET_AUDIT_MAX_REDUCTION_PCT";
inline constexpr char kEnvTimezone[] = "BUDGET_AUDIT_TIMEZONE";

inline constexpr char kDefaultDataDir[] = "./data";
inline constexpr char kConfigFileName[] = "budget_audit.toml";
inline constexpr double kDefaultMaxReductionPct = 5.0;
inline constexpr char kDefaultTimezone[] = "UTC";

// The keys of the config file, in the order messages list them
// ("capacity_kw, max_reduction_pct, timezone, data_dir, ..."). Static
// storage: the views never dangle.
std::span<const std::string_view> ConfigFileKeys();

// Where a setting's value came from.
struct ConfigOrigin {
  enum class Kind { kDefault, kExplicit, kEnvironment, kFile };
  Kind kind = Kind::kDefault;
  // kExplicit: the option's name ("--capacity-kw"); kEnvironment: the
  // variable; kFile: the path.
  std::string name;
  // kExplicit: what the front end calls its options ("flag", "argument").
  std::string option_kind;
  int line = 0;  // kFile: 1-based position of the value (0: unknown)
  int column = 0;

  static ConfigOrigin Default() { return {}; }
  static ConfigOrigin Explicit(std::string option_kind, std::string name) {
    ConfigOrigin o;
    o.kind = Kind::kExplicit;
    o.name = std::move(name);
    o.option_kind = std::move(option_kind);
    return o;
  }
  static ConfigOrigin Environment(std::string var) {
    ConfigOrigin o;
    o.kind = Kind::kEnvironment;
    o.name = std::move(var);
    return o;
  }
  static ConfigOrigin File(std::string path, int line, int column) {
    ConfigOrigin o;
    o.kind = Kind::kFile;
    o.name = std::move(path);
    o.line = line;
    o.column = column;
    return o;
  }

  // "default", "flag --capacity-kw", "environment variable
  // BUDGET_AUDIT_CAPACITY_KW", "./data/budget_audit.toml:3:15".
  std::string ToString() const;
};

// The values a front end was given explicitly: the highest precedence.
// nullopt: not given (the environment, the file or the default decides).
// An empty string given for a path or the zone is an error ("the value is
// empty"), unlike an empty environment variable.
struct ExplicitConfig {
  std::optional<std::string> data_dir;
  std::optional<std::string> config_file;
  std::optional<double> capacity_kw;
  std::optional<double> max_reduction_pct;
  // The value was written as an integer (the flag's text "5", a Python
  // int): the rollup echoes the percentage as configured.
  bool max_reduction_pct_is_integer = false;
  std::optional<std::string> timezone;
};

// How messages name the explicit values: "<option_kind> <name>" where a
// value came from ("flag --capacity-kw: capacity_kw: ..."), and
// "<name><separator>KW" where they say how to set one. The defaults suit a
// binding's keyword arguments ("argument capacity_kw", "capacity_kw=KW");
// the command-line tool gives its flags ("flag --capacity-kw",
// "--capacity-kw KW").
struct ExplicitConfigNames {
  std::string option_kind = "argument";
  std::string separator = "=";
  std::string data_dir = "data_dir";
  std::string config_file = "config";
  std::string capacity_kw = "capacity_kw";
  std::string max_reduction_pct = "max_reduction_pct";
  std::string timezone = "timezone";
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
  std::string timezone = kDefaultTimezone;  // a valid IANA name
  // For the compliance reports; from the config file only.
  std::optional<double> annual_potential_kwh;
  std::optional<double> specific_yield_kwh_per_kwp;     // at most one of these two
  std::optional<std::array<double, 12>> monthly_share;  // percent, January first
  // The budget year's first day, MM-DD in the site's zone ("07-01" suits a
  // southern site); a PVGIS PVcalc JSON result or a CSV of 12 monthly kWh
  // (paths relative to the config file); the site's latitude (the default
  // monthly shares' hemisphere). File keys only, as the three above.
  std::string budget_year_start = "01-01";
  std::string potential_file;
  std::string monthly_file;
  std::optional<double> latitude;
  // The secret key (budget-audit keygen) an evidence pack's checkpoint is
  // signed with; relative to the config file. File key only.
  std::string signing_key;
  // The site's identity in a fleet store (`publish`, docs/fleet.md): 1 to
  // 64 characters of [A-Za-z0-9._-], not "." or "..". File key only; empty
  // when not set.
  std::string site_id;

  // Where each value above came from.
  struct Provenance {
    ConfigOrigin data_dir, config_file, capacity_kw, max_reduction_pct, timezone, annual_potential_kwh,
        specific_yield_kwh_per_kwp, monthly_share, budget_year_start, potential_file, monthly_file, latitude,
        signing_key, site_id;
  } origin;

  // The names the explicit values had, for messages that say how to set a
  // missing value (MissingCapacityMessage).
  ExplicitConfigNames explicit_names;

  // The log's default location in the data directory: DefaultLogDir(data_dir).
  std::string log_dir() const;
};

// Looks an environment variable up: its value, or nullptr when it is not
// set. The returned string need only stay valid until the next lookup
// (LoadConfig copies it at once).
using GetEnvFunction = std::function<const char*(const char* name)>;

struct ConfigOptions {
  ExplicitConfig values;
  ExplicitConfigNames names;
  // The environment: the process's by default; an empty function reads no
  // environment at all (every variable unset).
  GetEnvFunction getenv = [](const char* name) -> const char* { return std::getenv(name); };
  // Reads the config file. nullptr: Env::Default(). Borrowed for the call.
  Env* env = nullptr;
};

// Reads the environment and the config file and merges them with the
// explicit values by precedence. All errors are InvalidArgument (a
// configuration error: the command-line tool's exit code 2), with a message
// naming every problem: see the header comment. Reads nothing but the one
// config file; writes nothing.
Result<Config> LoadConfig(const ConfigOptions& options = {});

// True when a config file is named, explicitly (even as "") or by a
// non-empty $BUDGET_AUDIT_CONFIG: only such a file may move the data
// directory.
bool ConfigFileNamed(const ConfigOptions& options);

// The data directory from the explicit value, else $BUDGET_AUDIT_DATA_DIR,
// else ./data (an empty value counts as unset), reading no file: what
// LoadConfig() settles on unless a named config file sets data_dir. Lets a
// front end find the log without reading the default config file, so a
// broken one never stops the log from being written.
std::string DataDirWithoutFile(const ConfigOptions& options);

// The data directory: LoadConfig(options)->data_dir when a config file is
// named (its errors returned), else DataDirWithoutFile(options).
Result<std::string> FindDataDir(const ConfigOptions& options = {});

// <data_dir>/budget_audit/slot_log: where the log lives in a data directory.
std::string DefaultLogDir(const std::string& data_dir);

// DefaultLogDir(FindDataDir(options)): the log every front end finds by
// default.
Result<std::string> FindLogDir(const ConfigOptions& options = {});

// The settings in TOML syntax, each with a comment saying where it came
// from (for a --show-config option).
std::string DescribeConfig(const Config& config);

// The environment variable that fixes the day a writer takes as today
// (YYYY-MM-DD), for replaying a past season and for tests.
inline constexpr char kEnvToday[] = "BUDGET_AUDIT_TODAY";

// The site's calendar date ("YYYY-MM-DD") at a UTC instant, as a writer
// needs it to seal the days that have ended (AuditLogOptions::local_date):
// the date in the IANA zone `timezone`, or the date $BUDGET_AUDIT_TODAY
// fixes (read once, through `getenv`). InvalidArgument for an unknown zone
// or a malformed BUDGET_AUDIT_TODAY. Every front end that writes takes it
// from here; the function returned is a plain value, safe on any thread.
Result<std::function<std::string(int64_t utc_us)>> SiteDateFunction(
    const std::string& timezone,
    const GetEnvFunction& getenv = [](const char* name) -> const char* { return std::getenv(name); });

// "" when `site_id` is a valid site id (see Config::site_id), else what is
// wrong with it, for a message ("\"a/b\": the character '/' is not allowed ...").
std::string CheckSiteId(std::string_view site_id);

// What to say when a report needs the capacity and none is set: the three
// ways to set it (named as config.explicit_names says), with the config file
// that was looked at.
std::string MissingCapacityMessage(const Config& config);
// config.capacity_kw, or InvalidArgument(MissingCapacityMessage(config)).
Result<double> RequireCapacityKw(const Config& config);

}  // namespace budget_audit

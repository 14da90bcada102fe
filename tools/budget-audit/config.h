// The command-line tool's configuration flags. The settings themselves (the
// sources and their precedence, the file's keys, validation and messages)
// are the library's, in budget_audit/config.h; the flags are its explicit
// values, and messages name them as flags ("flag --capacity-kw").
#pragma once

#include <string>

#include "budget_audit/config.h"
#include "budget_audit/env.h"

namespace CLI {
class App;
}  // namespace CLI

namespace budget_audit::cli {

inline constexpr char kFlagDataDir[] = "--data-dir";
inline constexpr char kFlagConfig[] = "--config";
inline constexpr char kFlagCapacityKw[] = "--capacity-kw";
inline constexpr char kFlagMaxReductionPct[] = "--max-reduction-pct";
inline constexpr char kFlagTimezone[] = "--timezone";

// The global flags as CLI11 parsed them; nullopt when not given.
using ConfigFlags = ExplicitConfig;

// The flags' names for the library's messages: "flag --capacity-kw",
// "--capacity-kw KW".
ExplicitConfigNames FlagNames();

// What the command line loads: `flags` named as flags, the process
// environment, files through `env` (borrowed; it must outlive the loading).
ConfigOptions FlagConfigOptions(const ConfigFlags& flags, Env* env);

// Registers the five flags above on `app`, storing into `flags` (which must
// outlive the parse), with help texts naming their variables and defaults.
void AddConfigFlags(CLI::App& app, ConfigFlags& flags);

// Sources, precedence and file keys in a few lines, for --help's footer.
std::string ConfigHelpText();

}  // namespace budget_audit::cli

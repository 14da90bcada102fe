#include "budget-audit/config.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <CLI/CLI.hpp>

#include "config/number_text.h"

namespace budget_audit::cli {

ExplicitConfigNames FlagNames() {
  ExplicitConfigNames names;
  names.option_kind = "flag";
  names.separator = " ";
  names.data_dir = kFlagDataDir;
  names.config_file = kFlagConfig;
  names.capacity_kw = kFlagCapacityKw;
  names.max_reduction_pct = kFlagMaxReductionPct;
  names.timezone = kFlagTimezone;
  return names;
}

ConfigOptions FlagConfigOptions(const ConfigFlags& flags, Env* env) {
  ConfigOptions options;
  options.values = flags;
  options.names = FlagNames();
  options.env = env;
  return options;
}

void AddConfigFlags(CLI::App& app, ConfigFlags& flags) {
  app.add_option(kFlagDataDir, flags.data_dir,
                 fmt::format("Data directory (default: ${}, else {}); the log lives in "
                             "<data-dir>/budget_audit/slot_log",
                             kEnvDataDir, kDefaultDataDir))
      ->type_name("DIR");
  app.add_option(kFlagConfig, flags.config_file,
                 fmt::format("TOML config file (default: ${}, else <data-dir>/{} if it exists)", kEnvConfig,
                             kConfigFileName))
      ->type_name("FILE");
  app.add_option(kFlagCapacityKw, flags.capacity_kw,
                 fmt::format("Plant DC capacity in kW (default: ${}, else capacity_kw in the "
                             "config file; no default)",
                             kEnvCapacityKw))
      ->type_name("KW");
  app.add_option(kFlagMaxReductionPct, flags.max_reduction_pct,
                 fmt::format("Ceiling on the energy sacrificed, in % of the annual potential "
                             "(default: ${}, else the config file, else {})",
                             kEnvMaxReductionPct, kDefaultMaxReductionPct))
      ->type_name("PCT")
      ->each([&flags](const std::string& text) {
        flags.max_reduction_pct_is_integer = config::IsIntegerText(text);
      });
  app.add_option(kFlagTimezone, flags.timezone,
                 fmt::format("The site's IANA time zone, e.g. Europe/Berlin (default: ${}, else "
                             "the config file, else {})",
                             kEnvTimezone, kDefaultTimezone))
      ->type_name("ZONE");
}

std::string ConfigHelpText() {
  return fmt::format(
      "Configuration: flag > environment ({}, {}, {}, {}, {}) > config file (--config, ${}, "
      "else <data-dir>/{}) > defaults (data dir {}, {} %, {}; no capacity).\n"
      "Config file keys: {}.",
      kEnvDataDir, kEnvConfig, kEnvCapacityKw, kEnvMaxReductionPct, kEnvTimezone, kEnvConfig, kConfigFileName,
      kDefaultDataDir, kDefaultMaxReductionPct, kDefaultTimezone, fmt::join(ConfigFileKeys(), ", "));
}

}  // namespace budget_audit::cli

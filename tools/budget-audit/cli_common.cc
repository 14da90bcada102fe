#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include <fmt/format.h>

#include "cli.h"
#include "util/civil_time.h"

namespace budget_audit::cli {

std::string Context::DataDir() const {
  if (config) return config->data_dir;
  return DataDirWithoutFile(FlagConfigOptions(flags, env));
}

std::string Context::LogDir() const {
  if (!log_dir_flag.empty()) return log_dir_flag;
  return DefaultLogDir(DataDir());
}

bool Context::ConfigFileNamed() const { return budget_audit::ConfigFileNamed(FlagConfigOptions(flags, env)); }

Result<const Config*> Context::LoadConfig() {
  if (!config) {
    BA_ASSIGN_OR_RETURN(Config c, budget_audit::LoadConfig(FlagConfigOptions(flags, env)));
    config = std::move(c);
  }
  return &*config;
}

int ReportError(const Status& status) {
  std::fprintf(stderr, "budget-audit: %s\n", status.message().c_str());
  switch (status.code()) {
    case StatusCode::kInvalidArgument: return kExitUsage;
    case StatusCode::kBusy: return kExitLocked;
    default: return kExitProblem;
  }
}

}  // namespace budget_audit::cli

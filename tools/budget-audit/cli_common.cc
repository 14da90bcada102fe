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

bool Context::ConfigFileNamed() const {
  return budget_audit::ConfigFileNamed(FlagConfigOptions(flags, env));
}

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

bool LooksLikeDate(std::string_view t) {
  if (t.size() == 8) return t.find_first_not_of("0123456789") == std::string_view::npos;
  return t.size() == 10 && t[4] == '-' && t[7] == '-';
}

Result<int64_t> ParseDateArgument(std::string_view text) {
  std::string t(text);
  if (t.size() == 8 && t.find_first_not_of("0123456789") == std::string::npos) {
    t = t.substr(0, 4) + "-" + t.substr(4, 2) + "-" + t.substr(6, 2);
  }
  const bool shaped = t.size() == 10 && t[4] == '-' && t[7] == '-' &&
                      std::all_of(t.begin(), t.end(), [](char c) {
                        return c == '-' || (c >= '0' && c <= '9');
                      }) &&
                      t.find('-', 5) == 7 && t.find('-', 8) == std::string::npos;
  if (!shaped) return Status::InvalidArgument(fmt::format("{}: expected a date YYYY-MM-DD", text));
  const int64_t year = std::stoll(t.substr(0, 4));
  const unsigned month = static_cast<unsigned>(std::stoul(t.substr(5, 2)));
  const unsigned day = static_cast<unsigned>(std::stoul(t.substr(8, 2)));
  if (month < 1 || month > 12) {
    return Status::InvalidArgument(fmt::format("{}: month {} is not 1-12", text, month));
  }
  const unsigned last = static_cast<unsigned>(DaysFromCivil(month == 12 ? year + 1 : year,
                                                            month == 12 ? 1 : month + 1, 1) -
                                              DaysFromCivil(year, month, 1));
  if (day < 1 || day > last) {
    return Status::InvalidArgument(fmt::format("{}: day {} is not in {:04}-{:02} (1-{})", text, day,
                                               year, month, last));
  }
  return DaysFromCivil(year, month, day);
}

}  // namespace budget_audit::cli

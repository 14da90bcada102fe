#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "budget_audit/export.h"
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

Status WriteStdout(std::string_view text) {
  errno = 0;
  std::fwrite(text.data(), 1, text.size(), stdout);
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
    const int err = errno ? errno : EIO;
    std::clearerr(stdout);
    return Status::IOError(fmt::format("writing standard output: {}", std::strerror(err)));
  }
  return Status::OK();
}

Status WriteTextOutput(std::string_view text, const std::string& output) {
  if (output.empty() || output == "-") return WriteStdout(text);
  BA_ASSIGN_OR_RETURN(auto file, NewOutputFile(output));
  BA_RETURN_IF_ERROR(
      file->Append(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(text.data()), text.size())));
  return file->Close();
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

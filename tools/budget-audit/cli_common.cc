#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "cli.h"

namespace budget_audit::cli {

std::string Context::DataDir() const {
  if (config) return config->data_dir;
  if (flags.data_dir && !flags.data_dir->empty()) return *flags.data_dir;
  if (const char* e = std::getenv(kEnvDataDir); e && *e) return e;
  return kDefaultDataDir;
}

std::string Context::LogDir() const {
  if (!log_dir_flag.empty()) return log_dir_flag;
  return JoinPath(JoinPath(DataDir(), "budget_audit"), "slot_log");
}

bool Context::ConfigFileNamed() const {
  if (flags.config_file) return true;
  const char* e = std::getenv(kEnvConfig);
  return e && *e;
}

Result<const Config*> Context::LoadConfig() {
  if (!config) {
    BA_ASSIGN_OR_RETURN(Config c, cli::LoadConfig(flags, [](const char* n) { return std::getenv(n); }, env));
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

Result<std::unique_ptr<Output>> Output::Open(const std::string& path) {
  auto out = std::unique_ptr<Output>(new Output());
  if (path.empty() || path == "-") {
    out->f_ = stdout;
    out->path_ = "standard output";
  } else {
    out->f_ = std::fopen(path.c_str(), "wb");
    if (out->f_ == nullptr) {
      return Status::IOError(fmt::format("cannot open {} for writing: {}", path, std::strerror(errno)));
    }
    out->owned_ = true;
    out->path_ = path;
  }
  return out;
}

Output::~Output() {
  if (owned_ && f_) std::fclose(f_);
}

void Output::Write(std::string_view s) {
  buf_ += s;
  MaybeFlush();
}

void Output::Flush() {
  if (!buf_.empty() && error_ == 0) {
    if (std::fwrite(buf_.data(), 1, buf_.size(), f_) != buf_.size()) error_ = errno ? errno : EIO;
  }
  buf_.clear();
}

Status Output::Finish() {
  Flush();
  if (error_ == 0 && std::fflush(f_) != 0) error_ = errno ? errno : EIO;
  if (owned_) {
    if (std::fclose(f_) != 0 && error_ == 0) error_ = errno ? errno : EIO;
    f_ = nullptr;
  } else if (error_ != 0) {
    std::clearerr(f_);  // reported below, not again by main()
  }
  if (error_ != 0) {
    return Status::IOError(fmt::format("writing {}: {}", path_, std::strerror(error_)));
  }
  return Status::OK();
}

}  // namespace budget_audit::cli

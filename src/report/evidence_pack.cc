// The evidence pack of a budget year (compliance.h, docs/compliance.md):
// written from one snapshot of the log, checked again against the log.
#include <algorithm>
#include <filesystem>
#include <iterator>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "budget_audit/checkpoint.h"
#include "budget_audit/compliance.h"
#include "budget_audit/export.h"
#include "budget_audit/verify.h"
#include "util/civil_time.h"
#include "util/sha256.h"
#include "util/time_zone.h"

namespace budget_audit {
namespace {

constexpr char kSumsName[] = "SHA256SUMS";
constexpr char kCheckpointName[] = "checkpoint.json";

std::span<const uint8_t> Span(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::string HexSha256(std::span<const uint8_t> bytes) { return ToHex(Sha256(bytes)); }

// The pack's time range: the site-local days from the budget year's first
// through as_of.
struct Range {
  int64_t since_us = 0, until_us = 0;
};

Result<Range> RangeOf(const std::string& timezone, const std::string& first_day, const std::string& as_of) {
  BA_ASSIGN_OR_RETURN(TimeZone tz, TimeZone::Load(timezone));
  auto start = ParseDate(first_day);
  auto end = ParseDate(as_of);
  if (!start || !end) return Status::InvalidArgument(fmt::format("bad dates {} .. {}", first_day, as_of));
  return Range{tz.StartOfDay(*start), tz.StartOfDay(*end + 1)};
}

ExportOptions RangeExport(ExportFormat format, const Range& range) {
  ExportOptions o;
  o.format = format;
  o.since_us = range.since_us;
  o.until_us = range.until_us;
  return o;
}

// What an export writes, in memory.
template <typename Fn>
Result<std::string> InMemory(Fn&& write) {
  auto mem = NewMemEnv();
  BA_ASSIGN_OR_RETURN(auto file, mem->NewWritableFile("/out"));
  BA_RETURN_IF_ERROR(write(file.get()));
  BA_RETURN_IF_ERROR(file->Close());
  BA_ASSIGN_OR_RETURN(auto bytes, mem->ReadFileToBytes("/out"));
  return std::string(bytes.begin(), bytes.end());
}

uint64_t CsvRows(const std::string& csv) {
  uint64_t lines = 0;
  for (char c : csv) lines += c == '\n';
  return lines == 0 ? 0 : lines - 1;  // the header
}

}  // namespace

Result<EvidencePack> WriteEvidencePack(const std::string& log_dir, const CompliancePlant& plant,
                                       const std::string& pack_dir, const EvidencePackOptions& options) {
  Env* env = options.env ? options.env : Env::Default();
  // Never inside the log: pandas and Spark read every *.parquet below a
  // log directory as sealed history.
  {
    namespace fs = std::filesystem;
    const fs::path log = fs::absolute(log_dir).lexically_normal(),
                   pack = fs::absolute(pack_dir).lexically_normal();
    const auto l = std::mismatch(log.begin(), log.end(), pack.begin(), pack.end()).first;
    if (l == log.end() || (std::next(l) == log.end() && l->empty())) {  // "/log/" ends in ""
      return Status::InvalidArgument(
          fmt::format("{} is inside the log {}: readers take every .parquet file there for sealed history",
                      pack_dir, log_dir));
    }
  }
  BA_ASSIGN_OR_RETURN(bool exists, env->FileExists(pack_dir));
  if (exists) {
    BA_ASSIGN_OR_RETURN(bool is_dir, env->IsDirectory(pack_dir));
    BA_ASSIGN_OR_RETURN(auto children, is_dir
                                           ? env->GetChildren(pack_dir)
                                           : Result<std::vector<std::string>>(std::vector<std::string>{"x"}));
    if (!children.empty()) {
      return Status::InvalidArgument(fmt::format(
          "{} exists and is not an empty directory; an evidence pack goes into a new one", pack_dir));
    }
  }
  // The checkpoint first: it verifies the whole log, and the snapshot the
  // pack is written from is taken after it, so the checkpoint's prefix is
  // what the records files hold up to the year's end (or more).
  CheckpointOptions co;
  co.env = env;
  co.secret_key_file = options.secret_key_file;
  BA_ASSIGN_OR_RETURN(Checkpoint checkpoint, MakeCheckpoint(log_dir, co));
  BA_ASSIGN_OR_RETURN(auto snap, LogSnapshot::Open(log_dir, env));
  if (snap->last_seq() < checkpoint.seq) {
    return Status::Internal(fmt::format("{}: the snapshot holds fewer records than the checkpoint", log_dir));
  }
  ComplianceOptions copts;
  copts.year = options.year;
  copts.as_of = options.as_of;
  copts.env = env;
  BA_ASSIGN_OR_RETURN(ComplianceReport report, ComputeCompliance(*snap, plant, copts));
  BA_ASSIGN_OR_RETURN(Range range, RangeOf(plant.timezone, report.budget_year_start, report.as_of));
  const std::string year = report.budget_year_start.substr(0, 4);

  BA_RETURN_IF_ERROR(env->CreateDirs(pack_dir));
  EvidencePack pack;
  pack.dir = pack_dir;
  pack.checkpoint_seq = checkpoint.seq;
  pack.signed_checkpoint = checkpoint.signature_hex.has_value();
  auto put = [&](const std::string& name, const std::string& content) -> Status {
    BA_RETURN_IF_ERROR(
        env->WriteFileAtomic(JoinPath(pack_dir, name), Span(content)).WithContext("writing " + name));
    pack.files.emplace_back(name, HexSha256(Span(content)));
    return Status::OK();
  };
  BA_RETURN_IF_ERROR(
      put(fmt::format("compliance-{}.json", year), RenderCompliance(report, ComplianceFormat::kJson)));
  BA_RETURN_IF_ERROR(
      put(fmt::format("compliance-{}.html", year), RenderCompliance(report, ComplianceFormat::kHtml)));
  BA_ASSIGN_OR_RETURN(std::string csv, InMemory([&](WritableFile* f) {
                        return ExportSnapshot(*snap, RangeExport(ExportFormat::kCsv, range), f);
                      }));
  pack.records = CsvRows(csv);
  BA_RETURN_IF_ERROR(put(fmt::format("records-{}.csv", year), csv));
  BA_ASSIGN_OR_RETURN(std::string parquet, InMemory([&](WritableFile* f) {
                        return ExportSnapshot(*snap, RangeExport(ExportFormat::kParquet, range), f);
                      }));
  BA_RETURN_IF_ERROR(put(fmt::format("records-{}.parquet", year), parquet));
  BA_RETURN_IF_ERROR(put(kCheckpointName, CheckpointToJson(checkpoint)));
  std::string sums;
  for (const auto& [name, sha] : pack.files) sums += fmt::format("{}  {}\n", sha, name);
  BA_RETURN_IF_ERROR(
      env->WriteFileAtomic(JoinPath(pack_dir, kSumsName), Span(sums)).WithContext("writing SHA256SUMS"));
  return pack;
}

Result<EvidencePackCheck> VerifyEvidencePack(const std::string& log_dir, const std::string& pack_dir,
                                             const std::optional<std::string>& public_key_hex, Env* env) {
  if (env == nullptr) env = Env::Default();
  auto corrupt = [&](const std::string& what) {
    return Status::Corruption(fmt::format("evidence pack {}: {}", pack_dir, what));
  };
  // 1. Every file against SHA256SUMS.
  auto sums = env->ReadFileToBytes(JoinPath(pack_dir, kSumsName), 1 << 20);
  if (!sums.ok()) return corrupt(fmt::format("no readable {}: {}", kSumsName, sums.status().message()));
  EvidencePackCheck check;
  std::string json_name, csv_name, parquet_name;
  const std::string text(sums->begin(), sums->end());
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    if (line.empty()) continue;
    if (line.size() < 67 || line[64] != ' ' || line[65] != ' ')
      return corrupt("malformed line in SHA256SUMS: " + line);
    const std::string sha = line.substr(0, 64), name = line.substr(66);
    if (name.find('/') != std::string::npos || name == "." || name == "..") {
      return corrupt("SHA256SUMS names a file outside the pack: " + name);
    }
    auto bytes = env->ReadFileToBytes(JoinPath(pack_dir, name), uint64_t{1} << 32);
    if (!bytes.ok()) return corrupt(fmt::format("{}: {}", name, bytes.status().message()));
    const std::string actual = HexSha256(*bytes);
    if (actual != sha)
      return corrupt(fmt::format("{} has SHA-256 {}, SHA256SUMS says {}", name, actual, sha));
    check.files.push_back(name);
    if (name.starts_with("compliance-") && name.ends_with(".json")) json_name = name;
    if (name.starts_with("records-") && name.ends_with(".csv")) csv_name = name;
    if (name.starts_with("records-") && name.ends_with(".parquet")) parquet_name = name;
  }
  if (json_name.empty() || csv_name.empty() || parquet_name.empty() ||
      std::find(check.files.begin(), check.files.end(), kCheckpointName) == check.files.end()) {
    return corrupt("SHA256SUMS lacks the report, the records or the checkpoint");
  }
  // 2. The checkpoint against the log.
  BA_ASSIGN_OR_RETURN(Checkpoint cp, ReadCheckpointFile(env, JoinPath(pack_dir, kCheckpointName)));
  VerifyOptions vo;
  vo.env = env;
  vo.checkpoint_name = JoinPath(pack_dir, kCheckpointName);
  if (cp.signature_hex) {
    vo.public_key_hex = public_key_hex ? *public_key_hex : cp.public_key_hex.value_or("");
    check.signature_checked_with =
        public_key_hex ? "the public key given" : "the key in the checkpoint itself";
  }
  check.checkpoint_seq = cp.seq;
  vo.checkpoint = std::move(cp);
  BA_RETURN_IF_ERROR(Verify(log_dir, vo).status());
  // 3. The records against the log's records of the same days.
  BA_ASSIGN_OR_RETURN(auto report_bytes, env->ReadFileToBytes(JoinPath(pack_dir, json_name), 64 << 20));
  nlohmann::json report = nlohmann::json::parse(report_bytes.begin(), report_bytes.end(), nullptr, false);
  if (report.is_discarded() || !report.contains("budget_year") || !report.contains("as_of") ||
      !report.contains("timezone")) {
    return corrupt(json_name + " is not a compliance report");
  }
  BA_ASSIGN_OR_RETURN(Range range, RangeOf(report["timezone"].get<std::string>(),
                                           report["budget_year"]["start"].get<std::string>(),
                                           report["as_of"].get<std::string>()));
  BA_ASSIGN_OR_RETURN(auto snap, LogSnapshot::Open(log_dir, env));
  BA_ASSIGN_OR_RETURN(std::string csv, InMemory([&](WritableFile* f) {
                        return ExportSnapshot(*snap, RangeExport(ExportFormat::kCsv, range), f);
                      }));
  BA_ASSIGN_OR_RETURN(auto pack_csv, env->ReadFileToBytes(JoinPath(pack_dir, csv_name), uint64_t{1} << 32));
  if (std::string(pack_csv.begin(), pack_csv.end()) != csv) {
    return corrupt(csv_name + " differs from the log's records of those days");
  }
  // The Parquet file holds the same rows: its CSV is the log's.
  BA_ASSIGN_OR_RETURN(std::string parquet_csv, InMemory([&](WritableFile* f) {
                        ExportOptions o;
                        o.format = ExportFormat::kCsv;
                        return ExportParquetFiles({JoinPath(pack_dir, parquet_name)}, o, f, env);
                      }));
  if (parquet_csv != csv) return corrupt(parquet_name + " differs from the log's records of those days");
  check.records = CsvRows(csv);
  return check;
}

}  // namespace budget_audit

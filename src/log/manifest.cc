#include "log/manifest.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace budget_audit::log {

Result<Manifest> ReadManifest(Env* env, const std::string& dir) {
  std::string path = JoinPath(dir, kManifestName);
  BA_ASSIGN_OR_RETURN(auto bytes, env->ReadFileToBytes(path, 64u << 20));
  auto j = nlohmann::json::parse(bytes.begin(), bytes.end(), nullptr, false);
  auto bad = [&](const std::string& what) {
    return Status::Corruption(fmt::format("{}: {}", path, what));
  };
  if (j.is_discarded() || !j.is_object()) return bad("not a JSON object");
  try {
    if (j.at("format").get<std::string>() != "budget-audit log") return bad("not a budget-audit manifest");
    int version = j.at("version").get<int>();
    if (version != kLogFormatVersion) return bad(fmt::format("unsupported format version {}", version));
    Manifest m;
    std::string id_hex = j.at("log_id").get<std::string>();
    // FromHex reads 64 digits; the id has 32, so pad it.
    auto id = FromHex(id_hex + std::string(32, '0'));
    if (!id.ok() || id_hex.size() != 32) return bad("log_id is not 32 hex digits");
    std::copy_n(id->begin(), 16, m.log_id.begin());
    m.sealed_seq = j.at("sealed_seq").get<uint64_t>();
    auto head = FromHex(j.at("sealed_head").get<std::string>());
    if (!head.ok()) return bad("sealed_head is not a SHA-256 hex digest");
    m.sealed_head = *head;
    for (const auto& f : j.at("files")) {
      SealedFile s;
      s.name = f.at("name").get<std::string>();
      s.rows = f.at("rows").get<uint64_t>();
      s.min_seq = f.at("min_seq").get<uint64_t>();
      s.max_seq = f.at("max_seq").get<uint64_t>();
      s.min_timestamp_us = f.at("min_timestamp_us").get<int64_t>();
      s.max_timestamp_us = f.at("max_timestamp_us").get<int64_t>();
      s.sha256 = f.at("sha256").get<std::string>();
      m.files.push_back(std::move(s));
    }
    return m;
  } catch (const nlohmann::json::exception& e) {
    return bad(std::string("malformed: ") + e.what());
  }
}

Status WriteManifest(Env* env, const std::string& dir, const Manifest& m) {
  nlohmann::ordered_json j;
  j["format"] = "budget-audit log";
  j["version"] = kLogFormatVersion;
  j["log_id"] = ToHex(ByteSpan(m.log_id.data(), m.log_id.size()));
  j["sealed_seq"] = m.sealed_seq;
  j["sealed_head"] = ToHex(ByteSpan(m.sealed_head.data(), m.sealed_head.size()));
  nlohmann::ordered_json files = nlohmann::ordered_json::array();
  for (const auto& f : m.files) {
    files.push_back({{"name", f.name}, {"rows", f.rows}, {"min_seq", f.min_seq},
                     {"max_seq", f.max_seq},
                     {"min_timestamp_us", f.min_timestamp_us}, {"max_timestamp_us", f.max_timestamp_us},
                     {"sha256", f.sha256}});
  }
  j["files"] = files;
  std::string text = j.dump(2) + "\n";
  return env->WriteFileAtomic(JoinPath(dir, kManifestName), AsSpan(text));
}

}  // namespace budget_audit::log

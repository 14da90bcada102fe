#include "log/manifest.h"

#include <cstdint>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace budget_audit::log {
namespace {

// A field that is not the integer it must be (a float such as 1e131 would
// otherwise be cast to an integer, which is undefined behaviour).
struct BadField {
  std::string what;
};

uint64_t U64(const nlohmann::json& j, const char* key) {
  const auto& v = j.at(key);
  if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<int64_t>() >= 0)) {
    throw BadField{fmt::format("{} is not a non-negative integer", key)};
  }
  return v.get<uint64_t>();
}

int64_t I64(const nlohmann::json& j, const char* key) {
  const auto& v = j.at(key);
  if (!v.is_number_integer() || (v.is_number_unsigned() && v.get<uint64_t>() > INT64_MAX)) {
    throw BadField{fmt::format("{} is not a 64-bit integer", key)};
  }
  return v.get<int64_t>();
}

}  // namespace

Result<Manifest> ReadManifest(Env* env, const std::string& dir) {
  std::string path = JoinPath(dir, kManifestName);
  BA_ASSIGN_OR_RETURN(auto bytes, env->ReadFileToBytes(path, 64u << 20));
  return ParseManifest(bytes, path);
}

Result<Manifest> ParseManifest(const Bytes& bytes, const std::string& path) {
  auto j = nlohmann::json::parse(bytes.begin(), bytes.end(), nullptr, false);
  auto bad = [&](const std::string& what) {
    return Status::Corruption(fmt::format("{}: {}", path, what));
  };
  if (j.is_discarded() || !j.is_object()) return bad("not a JSON object");
  try {
    if (j.at("format").get<std::string>() != "budget-audit log") return bad("not a budget-audit manifest");
    const int64_t version = I64(j, "version");
    if (version != kLogFormatVersion) return bad(fmt::format("unsupported format version {}", version));
    Manifest m;
    std::string id_hex = j.at("log_id").get<std::string>();
    // FromHex reads 64 digits; the id has 32, so pad it.
    auto id = FromHex(id_hex + std::string(32, '0'));
    if (!id.ok() || id_hex.size() != 32) return bad("log_id is not 32 hex digits");
    std::copy_n(id->begin(), 16, m.log_id.begin());
    m.sealed_seq = U64(j, "sealed_seq");
    auto head = FromHex(j.at("sealed_head").get<std::string>());
    if (!head.ok()) return bad("sealed_head is not a SHA-256 hex digest");
    m.sealed_head = *head;
    for (const auto& f : j.at("files")) {
      SealedFile s;
      s.name = f.at("name").get<std::string>();
      s.rows = U64(f, "rows");
      s.min_seq = U64(f, "min_seq");
      s.max_seq = U64(f, "max_seq");
      s.min_timestamp_us = I64(f, "min_timestamp_us");
      s.max_timestamp_us = I64(f, "max_timestamp_us");
      s.sha256 = f.at("sha256").get<std::string>();
      if (f.contains("summary")) {
        const auto& j = f.at("summary");
        FileSummary sum;
        sum.gate_passed = U64(j, "gate_passed");
        sum.dates = j.at("dates").get<std::vector<std::string>>();
        for (const auto& r : j.at("energy_cost_runs")) {
          CostRun run;
          run.first_seq = U64(r, "first_seq");
          run.rows = U64(r, "rows");
          auto values = DecodeRunValues(r.at("values").get<std::string>());
          if (run.first_seq == 0 || run.rows == 0 || !values.ok() ||
              values->size() != run.expected_values()) {
            return bad(fmt::format("{}: summary run at seq {} is malformed", s.name, run.first_seq));
          }
          run.values = std::move(*values);
          sum.cost_runs.push_back(std::move(run));
        }
        s.summary = std::move(sum);
      }
      m.files.push_back(std::move(s));
    }
    return m;
  } catch (const BadField& e) {
    return bad(e.what);
  } catch (const nlohmann::json::exception& e) {
    return bad(std::string("malformed: ") + e.what());
  }
}

namespace {

// One file entry as compact JSON (one line of the manifest).
std::string EntryJson(const SealedFile& f) {
  nlohmann::ordered_json e = {{"name", f.name}, {"rows", f.rows}, {"min_seq", f.min_seq},
                              {"max_seq", f.max_seq},
                              {"min_timestamp_us", f.min_timestamp_us},
                              {"max_timestamp_us", f.max_timestamp_us}, {"sha256", f.sha256}};
  if (f.summary) {
    nlohmann::ordered_json runs = nlohmann::ordered_json::array();
    for (const auto& r : f.summary->cost_runs) {
      runs.push_back({{"first_seq", r.first_seq}, {"rows", r.rows}, {"values", EncodeRunValues(r.values)}});
    }
    e["summary"] = {{"gate_passed", f.summary->gate_passed}, {"dates", f.summary->dates},
                    {"energy_cost_runs", runs}};
  }
  return e.dump();
}

}  // namespace

Status WriteManifest(Env* env, const std::string& dir, const Manifest& m) {
  nlohmann::ordered_json head;
  head["format"] = "budget-audit log";
  head["version"] = kLogFormatVersion;
  head["log_id"] = ToHex(ByteSpan(m.log_id.data(), m.log_id.size()));
  head["sealed_seq"] = m.sealed_seq;
  head["sealed_head"] = ToHex(ByteSpan(m.sealed_head.data(), m.sealed_head.size()));
  // {"format": ..., "sealed_head": ..., "files": [
  //   one entry per line
  // ]}
  std::string text = head.dump(2);
  text.resize(text.size() - 2);  // the closing "\n}"
  text += ",\n  \"files\": [";
  for (size_t i = 0; i < m.files.size(); ++i) {
    const SealedFile& f = m.files[i];
    // An entry is re-encoded only when its file changed (a seal writes the
    // manifest again with every month's summary in it).
    const std::string key = f.sha256 + (f.summary ? "+summary" : "");
    if (f.json_cache_key != key) {
      f.json_cache = EntryJson(f);
      f.json_cache_key = key;
    }
    text += i == 0 ? "\n    " : ",\n    ";
    text += f.json_cache;
  }
  text += m.files.empty() ? "]\n}\n" : "\n  ]\n}\n";
  return env->WriteFileAtomic(JoinPath(dir, kManifestName), AsSpan(text));
}

}  // namespace budget_audit::log

// Site folders of a fleet store: names, placing files, _site.json
// (docs/format.md §3).
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "budget_audit/fleet.h"
#include "fleet/site_json.h"
#include "fleet/store.h"
#include "util/sha256.h"

namespace budget_audit {

std::string SiteDir(const std::string& dest, const std::string& site_id) {
  return JoinPath(dest, std::string(kSiteDirPrefix) + site_id);
}

std::string PublishTempName(const std::string& name, long pid) {
  return fmt::format(".{}.tmp-{}", name, pid);
}

bool IsPublishTempName(std::string_view name) {
  if (name.size() < 2 || name.front() != '.') return false;
  const size_t at = name.rfind(".tmp-");
  if (at == std::string_view::npos || at < 2) return false;
  const std::string_view digits = name.substr(at + 5);
  return !digits.empty() &&
         std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Result<std::vector<std::string>> ListSites(const std::string& dest, Env* env) {
  if (env == nullptr) env = Env::Default();
  auto is_dir = env->IsDirectory(dest);
  if (!is_dir.ok() || !*is_dir) {
    return Status::NotFound(fmt::format("{}: no fleet store here (not a directory)", dest));
  }
  BA_ASSIGN_OR_RETURN(auto names, env->GetChildren(dest));
  std::vector<std::string> sites;
  for (const auto& n : names) {
    if (!n.starts_with(kSiteDirPrefix)) continue;
    const std::string id = n.substr(std::strlen(kSiteDirPrefix));
    if (std::string problem = CheckSiteId(id); !problem.empty()) {
      return Status::InvalidArgument(fmt::format("{}: {}: {}", JoinPath(dest, n), "site id", problem));
    }
    BA_ASSIGN_OR_RETURN(bool dir, env->IsDirectory(JoinPath(dest, n)));
    if (dir) sites.push_back(id);
  }
  std::sort(sites.begin(), sites.end());
  return sites;
}

namespace fleet {

Result<std::optional<Bytes>> ReadIfExists(Env* env, const std::string& path) {
  BA_ASSIGN_OR_RETURN(bool exists, env->FileExists(path));
  if (!exists) return std::optional<Bytes>();
  auto bytes = env->ReadFileToBytes(path);
  if (!bytes.ok()) {
    if (bytes.status().IsNotFound()) return std::optional<Bytes>();
    return bytes.status();
  }
  return std::optional<Bytes>(std::move(*bytes));
}

std::string Sha256Hex(ByteSpan data) { return ToHex(Sha256(data)); }

Status PlaceFile(Env* env, const std::string& dir, const std::string& name, ByteSpan data,
                 const std::string& sha256_hex, long pid) {
  const std::string tmp = JoinPath(dir, PublishTempName(name, pid));
  const std::string path = JoinPath(dir, name);
  Status s;
  {
    BA_ASSIGN_OR_RETURN(auto file, env->NewWritableFile(tmp));
    s = file->Append(data);
    if (s.ok()) s = file->Sync();
    Status closed = file->Close();
    if (s.ok()) s = closed;
  }
  if (s.ok()) {
    // What reached the file, not what we meant to write.
    auto back = env->ReadFileToBytes(tmp);
    if (!back.ok()) {
      s = back.status();
    } else if (Sha256Hex(*back) != sha256_hex) {
      s = Status::IOError(fmt::format("{}: the copy's SHA-256 {} differs from the source's {} after writing",
                                      tmp, Sha256Hex(*back), sha256_hex));
    }
  }
  if (s.ok()) s = env->RenameFile(tmp, path);
  if (!s.ok()) {
    // Created above, so ours to remove; the error that matters is `s`.
    env->DeleteFile(tmp).IgnoreError();
    return s;
  }
  return Status::OK();
}

namespace {

nlohmann::ordered_json OptNumber(const std::optional<double>& v) {
  return v ? nlohmann::ordered_json(*v) : nlohmann::ordered_json(nullptr);
}

}  // namespace

std::string SiteJson(const SiteJsonInput& in) {
  const CompliancePlant& p = in.plant;
  nlohmann::ordered_json j;
  j["format"] = "budget-audit site";
  j["version"] = 1;
  j["site_id"] = in.site_id;
  j["log_id"] = in.log_id_hex;
  j["capacity_kw"] = OptNumber(p.capacity_kw);
  j["timezone"] = p.timezone;
  j["budget_year_start"] = p.budget_year_start;
  if (p.ceiling_pct_is_integer && std::floor(p.ceiling_pct) == p.ceiling_pct &&
      std::fabs(p.ceiling_pct) < 1e15) {
    j["max_reduction_pct"] = static_cast<int64_t>(p.ceiling_pct);
  } else {
    j["max_reduction_pct"] = p.ceiling_pct;
  }
  j["ceiling_kwh"] = p.ceiling_pct / 100.0 * in.potential.annual_kwh;
  nlohmann::ordered_json pot;
  pot["basis"] = in.potential.basis;
  pot["source"] = in.potential.source;
  pot["annual_kwh"] = in.potential.annual_kwh;
  pot["monthly_share"] = in.potential.monthly_share;
  pot["shares_basis"] = in.potential.shares_basis;
  if (in.potential.basis == "pvgis") {
    pot["pvgis_mount"] = in.potential.pvgis_mount;
    pot["pvgis_peakpower_kwp"] = in.potential.pvgis_peakpower_kwp;
  }
  j["potential"] = pot;
  nlohmann::ordered_json inputs;
  inputs["annual_potential_kwh"] = OptNumber(p.annual_potential_kwh);
  inputs["specific_yield_kwh_per_kwp"] = OptNumber(p.specific_yield_kwh_per_kwp);
  inputs["monthly_share_pct"] =
      p.monthly_share_pct ? nlohmann::ordered_json(*p.monthly_share_pct) : nlohmann::ordered_json(nullptr);
  inputs["latitude"] = OptNumber(p.latitude);
  auto file = [](const std::optional<SiteJsonInput::File>& f) {
    return f ? nlohmann::ordered_json{{"name", f->name}, {"sha256", f->sha256_hex}}
             : nlohmann::ordered_json(nullptr);
  };
  inputs["potential_file"] = file(in.potential_file);
  inputs["monthly_file"] = file(in.monthly_file);
  j["inputs"] = inputs;
  return j.dump(2) + "\n";
}

Result<std::string> SiteJsonLogId(const Bytes& bytes, const std::string& path) {
  nlohmann::json j = nlohmann::json::parse(bytes.begin(), bytes.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return Status::Corruption(fmt::format("{}: not a JSON object", path));
  auto it = j.find("log_id");
  if (it == j.end() || !it->is_string()) {
    return Status::Corruption(fmt::format("{}: log_id: missing or not a string", path));
  }
  return it->get<std::string>();
}

}  // namespace fleet

Result<SiteSettings> ReadSiteSettings(const std::string& site_dir, Env* env) {
  if (env == nullptr) env = Env::Default();
  const std::string path = JoinPath(site_dir, kSiteSettingsFileName);
  BA_ASSIGN_OR_RETURN(auto bytes, env->ReadFileToBytes(path, 1 << 20));
  auto bad = [&](std::string_view field, std::string_view what) {
    return Status::Corruption(fmt::format("{}: {}: {}", path, field, what));
  };
  nlohmann::json j = nlohmann::json::parse(bytes.begin(), bytes.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return Status::Corruption(fmt::format("{}: not a JSON object", path));
  if (j.value("format", "") != "budget-audit site") return bad("format", "not \"budget-audit site\"");
  if (!j.contains("version") || !j["version"].is_number_integer() || j["version"].get<int64_t>() != 1) {
    return bad("version", "not 1 (written by a newer budget-audit?)");
  }
  SiteSettings s;
  auto str = [&](const nlohmann::json& o, const char* key, std::string* out) -> Status {
    auto it = o.find(key);
    if (it == o.end() || !it->is_string()) return bad(key, "missing or not a string");
    *out = it->get<std::string>();
    return Status::OK();
  };
  auto num = [&](const nlohmann::json& o, const char* key, std::optional<double>* out,
                 bool nullable) -> Status {
    auto it = o.find(key);
    if (it == o.end() || (it->is_null() && !nullable) || (!it->is_null() && !it->is_number())) {
      return bad(key, nullable ? "missing, or neither a number nor null" : "missing or not a number");
    }
    if (it->is_number()) {
      const double v = it->get<double>();
      if (!std::isfinite(v)) return bad(key, "not finite");
      *out = v;
    }
    return Status::OK();
  };
  BA_RETURN_IF_ERROR(str(j, "site_id", &s.site_id));
  BA_RETURN_IF_ERROR(str(j, "log_id", &s.log_id_hex));
  CompliancePlant& p = s.plant;
  BA_RETURN_IF_ERROR(num(j, "capacity_kw", &p.capacity_kw, true));
  BA_RETURN_IF_ERROR(str(j, "timezone", &p.timezone));
  BA_RETURN_IF_ERROR(str(j, "budget_year_start", &p.budget_year_start));
  std::optional<double> pct;
  BA_RETURN_IF_ERROR(num(j, "max_reduction_pct", &pct, false));
  p.ceiling_pct = *pct;
  p.ceiling_pct_is_integer = j["max_reduction_pct"].is_number_integer();
  std::optional<double> ceiling;
  BA_RETURN_IF_ERROR(num(j, "ceiling_kwh", &ceiling, false));
  s.ceiling_kwh = *ceiling;
  if (!j.contains("potential") || !j["potential"].is_object())
    return bad("potential", "missing or not an object");
  const auto& pj = j["potential"];
  Potential& pot = s.potential;
  BA_RETURN_IF_ERROR(str(pj, "basis", &pot.basis));
  BA_RETURN_IF_ERROR(str(pj, "source", &pot.source));
  BA_RETURN_IF_ERROR(str(pj, "shares_basis", &pot.shares_basis));
  std::optional<double> annual;
  BA_RETURN_IF_ERROR(num(pj, "annual_kwh", &annual, false));
  pot.annual_kwh = *annual;
  if (!pj.contains("monthly_share") || !pj["monthly_share"].is_array() || pj["monthly_share"].size() != 12) {
    return bad("potential.monthly_share", "missing or not 12 numbers");
  }
  for (size_t i = 0; i < 12; ++i) {
    if (!pj["monthly_share"][i].is_number()) return bad("potential.monthly_share", "not 12 numbers");
    pot.monthly_share[i] = pj["monthly_share"][i].get<double>();
  }
  if (pot.basis == "pvgis") {
    BA_RETURN_IF_ERROR(str(pj, "pvgis_mount", &pot.pvgis_mount));
    std::optional<double> peak;
    BA_RETURN_IF_ERROR(num(pj, "pvgis_peakpower_kwp", &peak, false));
    pot.pvgis_peakpower_kwp = *peak;
  }
  if (!j.contains("inputs") || !j["inputs"].is_object()) return bad("inputs", "missing or not an object");
  const auto& in = j["inputs"];
  BA_RETURN_IF_ERROR(num(in, "annual_potential_kwh", &p.annual_potential_kwh, true));
  BA_RETURN_IF_ERROR(num(in, "specific_yield_kwh_per_kwp", &p.specific_yield_kwh_per_kwp, true));
  BA_RETURN_IF_ERROR(num(in, "latitude", &p.latitude, true));
  if (auto it = in.find("monthly_share_pct"); it != in.end() && !it->is_null()) {
    if (!it->is_array() || it->size() != 12) return bad("inputs.monthly_share_pct", "not 12 numbers or null");
    std::array<double, 12> a{};
    for (size_t i = 0; i < 12; ++i) {
      if (!(*it)[i].is_number()) return bad("inputs.monthly_share_pct", "not 12 numbers or null");
      a[i] = (*it)[i].get<double>();
    }
    p.monthly_share_pct = a;
  }
  for (const char* key : {"potential_file", "monthly_file"}) {
    auto it = in.find(key);
    if (it == in.end() || it->is_null()) continue;
    std::string name;
    if (!it->is_object() || !it->contains("name") || !(*it)["name"].is_string()) {
      return bad(fmt::format("inputs.{}", key), "not {\"name\", \"sha256\"} or null");
    }
    name = (*it)["name"].get<std::string>();
    if (name.empty() || name.front() != '_' || name.find('/') != std::string::npos) {
      return bad(fmt::format("inputs.{}.name", key), "not a \"_\" name in the site folder");
    }
    (std::string_view(key) == "potential_file" ? p.potential_file : p.monthly_file) =
        JoinPath(site_dir, name);
  }
  return s;
}

}  // namespace budget_audit

#include "log/manifest.h"

#include <cstdint>

#include <fmt/format.h>
#include <simdjson.h>
#include <nlohmann/json.hpp>

#include "util/sha256.h"

namespace budget_audit::log {
namespace {

// Reading goes through simdjson (a manifest with ten years of month
// summaries is ~650 KB, and every report parses it first: nlohmann's DOM
// took ~7 ms of a 29 ms `daily`, simdjson well under one); writing stays
// with nlohmann's ordered_json.
using simdjson::dom::element;
using simdjson::dom::object;

// A missing field or one of the wrong type, for the message.
struct Fields {
  const char* error = nullptr;  // the first failure
  std::string field;

  bool Fail(const char* what, const char* key) {
    if (!error) {
      error = what;
      field = key;
    }
    return false;
  }
  bool U64(object o, const char* key, uint64_t& out) {
    element v;
    if (o[key].get(v)) return Fail("is missing", key);
    if (v.get_uint64().get(out)) return Fail("is not a non-negative integer", key);
    return true;
  }
  bool I64(object o, const char* key, int64_t& out) {
    element v;
    if (o[key].get(v)) return Fail("is missing", key);
    if (v.get_int64().get(out)) return Fail("is not a 64-bit integer", key);
    return true;
  }
  bool Str(object o, const char* key, std::string_view& out) {
    element v;
    if (o[key].get(v)) return Fail("is missing", key);
    if (v.get_string().get(out)) return Fail("is not a string", key);
    return true;
  }
  bool Obj(element e, const char* key, object& out) {
    if (e.get_object().get(out)) return Fail("is not an object", key);
    return true;
  }
  bool Arr(object o, const char* key, simdjson::dom::array& out) {
    element v;
    if (o[key].get(v)) return Fail("is missing", key);
    if (v.get_array().get(out)) return Fail("is not an array", key);
    return true;
  }
  std::string Message() const { return fmt::format("{} {}", field, error); }
};

// The manifest's last member, as WriteManifest writes it (docs/format.md
// §2.4): the checksum is the SHA-256 of every byte before its key.
constexpr std::string_view kChecksumPrefix = "sha256:";
std::string ChecksumTail(std::string_view hex) {
  return fmt::format("\"checksum\": \"{}{}\"\n}}\n", kChecksumPrefix, hex);
}

std::string HexDigest(ByteSpan data) {
  const Sha256Digest d = Sha256(data);
  return ToHex(ByteSpan(d.data(), d.size()));
}

}  // namespace

Result<Manifest> ReadManifest(Env* env, const std::string& dir) {
  std::string path = JoinPath(dir, kManifestName);
  BA_ASSIGN_OR_RETURN(auto bytes, env->ReadFileToBytes(path, 64u << 20));
  return ParseManifest(bytes, path);
}

Result<Manifest> ParseManifest(const Bytes& bytes, const std::string& path) {
  auto bad = [&](const std::string& what) { return Status::Corruption(fmt::format("{}: {}", path, what)); };
  // (simdjson copies its input with memcpy, which must not see the null
  // pointer of an empty buffer.)
  if (bytes.empty()) return bad("empty file, not a JSON object");
  simdjson::dom::parser parser;
  element doc;
  if (auto err = parser.parse(reinterpret_cast<const char*>(bytes.data()), bytes.size()).get(doc)) {
    return bad(fmt::format("malformed: {}", simdjson::error_message(err)));
  }
  object top;
  if (doc.get_object().get(top)) return bad("not a JSON object");
  // The checksum first, so that any edit is named as one (not as whatever
  // field it broke). A manifest without one was written before 2026-12-04.
  Manifest m;
  element checksum;
  if (!top["checksum"].get(checksum)) {
    std::string_view value;
    if (checksum.get_string().get(value) || !value.starts_with(kChecksumPrefix) ||
        value.size() != kChecksumPrefix.size() + 64) {
      return bad("checksum is not \"sha256:<64 hex digits>\" (the manifest was edited)");
    }
    const std::string_view hex = value.substr(kChecksumPrefix.size());
    const std::string tail = ChecksumTail(hex);
    const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    if (!text.ends_with(tail)) {
      return bad("the checksum is not the manifest's last member as written (the manifest was edited)");
    }
    m.digest = HexDigest(ByteSpan(bytes.data(), bytes.size() - tail.size()));
    if (m.digest != hex) {
      return bad(
          "checksum differs from the manifest's content (the manifest was changed after it "
          "was written)");
    }
    m.had_checksum = true;
  } else {
    m.digest = HexDigest(ByteSpan(bytes.data(), bytes.size()));
  }
  Fields f;
  std::string_view format, id_hex, head_hex;
  int64_t version = 0;
  if (!f.Str(top, "format", format)) return bad(f.Message());
  if (format != "budget-audit log") return bad("not a budget-audit manifest");
  if (!f.I64(top, "version", version)) return bad(f.Message());
  if (version != kLogFormatVersion) return bad(fmt::format("unsupported format version {}", version));
  if (!f.Str(top, "log_id", id_hex) || !f.U64(top, "sealed_seq", m.sealed_seq) ||
      !f.Str(top, "sealed_head", head_hex)) {
    return bad(f.Message());
  }
  // FromHex reads 64 digits; the id has 32, so pad it.
  auto id = FromHex(std::string(id_hex) + std::string(32, '0'));
  if (!id.ok() || id_hex.size() != 32) return bad("log_id is not 32 hex digits");
  std::copy_n(id->begin(), 16, m.log_id.begin());
  auto head = FromHex(head_hex);
  if (!head.ok()) return bad("sealed_head is not a SHA-256 hex digest");
  m.sealed_head = *head;
  simdjson::dom::array files;
  if (!f.Arr(top, "files", files)) return bad(f.Message());
  m.files.reserve(files.size());
  for (element fe : files) {
    object o;
    SealedFile s;
    std::string_view name, sha;
    if (!f.Obj(fe, "files[]", o) || !f.Str(o, "name", name) || !f.U64(o, "rows", s.rows) ||
        !f.U64(o, "min_seq", s.min_seq) || !f.U64(o, "max_seq", s.max_seq) ||
        !f.I64(o, "min_timestamp_us", s.min_timestamp_us) ||
        !f.I64(o, "max_timestamp_us", s.max_timestamp_us) || !f.Str(o, "sha256", sha)) {
      return bad(f.Message());
    }
    s.name = name;
    s.sha256 = sha;
    element se;
    if (!o["summary"].get(se)) {
      object so;
      simdjson::dom::array dates, runs;
      FileSummary sum;
      if (!f.Obj(se, "summary", so) || !f.U64(so, "gate_passed", sum.gate_passed) ||
          !f.Arr(so, "dates", dates) || !f.Arr(so, "energy_cost_runs", runs)) {
        return bad(fmt::format("{}: {}", s.name, f.Message()));
      }
      sum.dates.reserve(dates.size());
      for (element d : dates) {
        std::string_view date;
        if (d.get_string().get(date)) return bad(fmt::format("{}: summary dates hold a non-string", s.name));
        sum.dates.emplace_back(date);
      }
      for (element re : runs) {
        object ro;
        CostRun run;
        std::string_view text;
        if (!f.Obj(re, "energy_cost_runs[]", ro) || !f.U64(ro, "first_seq", run.first_seq) ||
            !f.U64(ro, "rows", run.rows) || !f.Str(ro, "values", text)) {
          return bad(fmt::format("{}: {}", s.name, f.Message()));
        }
        auto values = DecodeRunValues(text);
        if (run.first_seq == 0 || run.rows == 0 || !values.ok() || values->size() != run.expected_values()) {
          return bad(fmt::format("{}: summary run at seq {} is malformed", s.name, run.first_seq));
        }
        run.values = std::move(*values);
        sum.cost_runs.push_back(std::move(run));
      }
      s.summary = std::move(sum);
    }
    element site;
    if (!o["site"].get(site)) {
      auto parsed = SiteSummaryFromJson(site, fmt::format("{}: {}", path, s.name));
      if (!parsed.ok()) return parsed.status();
      s.site = std::move(*parsed);
    }
    m.files.push_back(std::move(s));
  }
  return m;
}

namespace {

// One file entry as compact JSON (one line of the manifest).
std::string EntryJson(const SealedFile& f) {
  nlohmann::ordered_json e = {{"name", f.name},
                              {"rows", f.rows},
                              {"min_seq", f.min_seq},
                              {"max_seq", f.max_seq},
                              {"min_timestamp_us", f.min_timestamp_us},
                              {"max_timestamp_us", f.max_timestamp_us},
                              {"sha256", f.sha256}};
  if (f.summary) {
    nlohmann::ordered_json runs = nlohmann::ordered_json::array();
    for (const auto& r : f.summary->cost_runs) {
      runs.push_back({{"first_seq", r.first_seq}, {"rows", r.rows}, {"values", EncodeRunValues(r.values)}});
    }
    e["summary"] = {
        {"gate_passed", f.summary->gate_passed}, {"dates", f.summary->dates}, {"energy_cost_runs", runs}};
  }
  if (f.site) e["site"] = SiteSummaryToJson(*f.site);
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
    const std::string key = f.sha256 + (f.summary ? "+summary" : "") + (f.site ? "+site" : "");
    if (f.json_cache_key != key) {
      f.json_cache = EntryJson(f);
      f.json_cache_key = key;
    }
    text += i == 0 ? "\n    " : ",\n    ";
    text += f.json_cache;
  }
  text += m.files.empty() ? "],\n  " : "\n  ],\n  ";
  // Last, over every byte before it: readers check it on every read.
  text += ChecksumTail(HexDigest(AsSpan(text)));
  return env->WriteFileAtomic(JoinPath(dir, kManifestName), AsSpan(text));
}

}  // namespace budget_audit::log

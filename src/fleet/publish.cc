// publish: one site's sealed history to DEST/site=<site_id>/ (docs/fleet.md,
// docs/format.md §3). The order of the steps is what keeps the store
// consistent after a kill at any moment:
//
//   1. the log's manifest is read once (its bytes); the month files it lists
//      are copied when the destination's SHA-256 differs, each checked
//      against the manifest's sha256 before and after writing (a source file
//      that differs means the writer sealed meanwhile: the manifest is read
//      again and the copy restarts);
//   2. before the first month file the destination's manifest lists is
//      replaced, _seal_intent is written in the site folder, as a sealing
//      writer does (docs/format.md §2.5): a reader that then finds a month
//      file newer than the manifest takes its rows up to sealed_seq;
//   3. the directory is synced, then the manifest placed (the commit
//      point), the directory synced again, _seal_intent removed;
//   4. the checkpoint, if one is given, last (its seq is within the
//      manifest just placed).
// Every file is placed by write-temporary + fsync + rename; temporaries are
// ".<name>.tmp-<pid>", never "*.parquet".
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "budget_audit/fleet.h"
#include "fleet/site_json.h"
#include "fleet/store.h"
#include "log/manifest.h"
#include "log/names.h"
#include "util/sha256.h"

namespace budget_audit {
namespace {

using fleet::PlaceFile;
using fleet::ReadIfExists;
using fleet::Sha256Hex;

std::string TrimLine(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

// The log's recorded site id (<log>/_site_id), or nullopt before the first
// publish.
Result<std::optional<std::string>> RecordedSiteId(Env* env, const std::string& log_dir) {
  const std::string path = JoinPath(log_dir, kSiteIdFileName);
  BA_ASSIGN_OR_RETURN(auto bytes, ReadIfExists(env, path));
  if (!bytes) return std::optional<std::string>();
  std::string id = TrimLine(std::string(bytes->begin(), bytes->end()));
  if (std::string problem = CheckSiteId(id); !problem.empty()) {
    return Status::Corruption(fmt::format("{}: {}", path, problem));
  }
  return std::optional<std::string>(std::move(id));
}

// The destination folder's log id: from its _site.json, else from its
// manifest; nullopt for a folder that holds neither.
Result<std::optional<std::string>> FolderLogId(Env* env, const std::string& site_dir) {
  const std::string site_json = JoinPath(site_dir, kSiteSettingsFileName);
  BA_ASSIGN_OR_RETURN(auto sj, ReadIfExists(env, site_json));
  if (sj) {
    BA_ASSIGN_OR_RETURN(std::string id, fleet::SiteJsonLogId(*sj, site_json));
    return std::optional<std::string>(std::move(id));
  }
  const std::string manifest = JoinPath(site_dir, log::kManifestName);
  BA_ASSIGN_OR_RETURN(auto mb, ReadIfExists(env, manifest));
  if (mb) {
    BA_ASSIGN_OR_RETURN(log::Manifest m, log::ParseManifest(*mb, manifest));
    return std::optional<std::string>(ToHex(m.log_id));
  }
  return std::optional<std::string>();
}

struct Source {
  Bytes manifest_bytes;
  log::Manifest manifest;
};

Result<Source> ReadSource(Env* env, const std::string& log_dir) {
  const std::string path = JoinPath(log_dir, log::kManifestName);
  auto bytes = env->ReadFileToBytes(path, 64u << 20);
  if (!bytes.ok()) {
    if (bytes.status().IsNotFound()) {
      return Status::NotFound(fmt::format("{}: no audit log here (no {}; give the log with --log DIR)",
                                          log_dir, log::kManifestName));
    }
    return bytes.status();
  }
  Source s;
  s.manifest_bytes = std::move(*bytes);
  BA_ASSIGN_OR_RETURN(s.manifest, log::ParseManifest(s.manifest_bytes, path));
  return s;
}

// A copy of `name` is needed unless dir/name holds bytes with `sha`.
// Returns whether the destination existed with other bytes, via *differs.
Result<bool> NeedsCopy(Env* env, const std::string& dir, const std::string& name, const std::string& sha,
                       bool* differs) {
  *differs = false;
  BA_ASSIGN_OR_RETURN(auto have, ReadIfExists(env, JoinPath(dir, name)));
  if (!have) return true;
  if (Sha256Hex(*have) == sha) return false;
  *differs = true;
  return true;
}

// Places `bytes` as dir/name unless it holds them already; records it.
Status PlaceIfChanged(Env* env, const std::string& dir, const std::string& name, const Bytes& bytes, long pid,
                      PublishReport* report) {
  const std::string sha = Sha256Hex(bytes);
  bool differs = false;
  BA_ASSIGN_OR_RETURN(bool copy, NeedsCopy(env, dir, name, sha, &differs));
  PublishedFile f{name, bytes.size(), copy, differs};
  if (copy) BA_RETURN_IF_ERROR(PlaceFile(env, dir, name, bytes, sha, pid));
  report->files.push_back(f);
  return Status::OK();
}

Status RemoveStaleTemporaries(Env* env, const std::string& site_dir, PublishReport* report) {
  BA_ASSIGN_OR_RETURN(auto names, env->GetChildren(site_dir));
  bool removed = false;
  for (const auto& n : names) {
    if (!IsPublishTempName(n)) continue;
    // Only a publish of this site writes these names here, and we hold the
    // site's publish lock: this one was left by a killed publish.
    Status s = env->DeleteFile(JoinPath(site_dir, n));
    if (!s.ok() && !s.IsNotFound()) return s;
    ++report->removed_temporaries;
    removed = true;
  }
  if (removed) BA_RETURN_IF_ERROR(env->SyncDir(site_dir));
  return Status::OK();
}

// True when `inner` is `outer` or below it (lexically, after making both
// absolute).
bool PathWithin(const std::string& inner, const std::string& outer) {
  namespace fs = std::filesystem;
  const fs::path in = fs::absolute(inner).lexically_normal(), out = fs::absolute(outer).lexically_normal();
  auto i = in.begin();
  for (auto o = out.begin(); o != out.end(); ++o, ++i) {
    if (o->empty() && std::next(o) == out.end()) return true;  // "/a/b/" ends in ""
    if (i == in.end() || *i != *o) return false;
  }
  return true;
}

}  // namespace

Result<PublishReport> Publish(const std::string& log_dir, const std::string& dest,
                              const PublishOptions& options) {
  Env* env = options.env ? options.env : Env::Default();
  const long pid = options.pid ? options.pid : static_cast<long>(::getpid());
  if (std::string problem = CheckSiteId(options.site_id); !problem.empty()) {
    return Status::InvalidArgument(fmt::format("site_id: {}", problem));
  }
  if (dest.empty()) return Status::InvalidArgument("publish: the destination is empty");
  // Readers take every *.parquet below a log for its sealed history, and
  // every DEST/*/*.parquet for the store's: neither may hold the other.
  if (PathWithin(dest, log_dir)) {
    return Status::InvalidArgument(fmt::format(
        "{} is inside the log {}: readers would take the published files for the log's sealed history", dest,
        log_dir));
  }
  if (PathWithin(log_dir, dest)) {
    return Status::InvalidArgument(fmt::format(
        "the log {} is inside the store {}: readers of the store would take the log's files for a site's",
        log_dir, dest));
  }
  PublishReport report;
  report.site_id = options.site_id;
  report.site_dir = SiteDir(dest, options.site_id);
  const std::string& site_dir = report.site_dir;

  // Everything that can be refused is checked before DEST is touched.
  BA_ASSIGN_OR_RETURN(Source source, ReadSource(env, log_dir));
  report.log_id_hex = ToHex(source.manifest.log_id);
  BA_ASSIGN_OR_RETURN(auto recorded, RecordedSiteId(env, log_dir));
  if (recorded && *recorded != options.site_id) {
    return Status::InvalidArgument(
        fmt::format("{}: this log is published as site \"{}\" ({}); it cannot be published as \"{}\" (set "
                    "site_id = \"{}\", "
                    "or publish another log)",
                    log_dir, *recorded, JoinPath(log_dir, kSiteIdFileName), options.site_id, *recorded));
  }
  if (options.checkpoint && options.checkpoint->log_id_hex != report.log_id_hex) {
    return Status::InvalidArgument(fmt::format("the checkpoint is of log {}, not of this log ({})",
                                               options.checkpoint->log_id_hex, report.log_id_hex));
  }
  BA_ASSIGN_OR_RETURN(Potential potential, ResolvePotential(options.plant, env));
  fleet::SiteJsonInput site{options.site_id, report.log_id_hex, options.plant, potential, {}, {}};
  std::optional<Bytes> potential_copy;
  std::string potential_copy_name;
  if (!options.plant.potential_file.empty() || !options.plant.monthly_file.empty()) {
    const bool pvgis = !options.plant.potential_file.empty();
    const std::string& from = pvgis ? options.plant.potential_file : options.plant.monthly_file;
    BA_ASSIGN_OR_RETURN(Bytes b, env->ReadFileToBytes(from, 16u << 20));
    potential_copy_name = pvgis ? "_potential.json" : "_monthly.csv";
    (pvgis ? site.potential_file : site.monthly_file) =
        fleet::SiteJsonInput::File{potential_copy_name, Sha256Hex(b)};
    potential_copy = std::move(b);
  }
  const std::string site_text = SiteJson(site);

  // The site folder: created, locked, checked to be this log's.
  BA_RETURN_IF_ERROR(env->CreateDirs(dest));
  auto is_dir = env->IsDirectory(site_dir);
  const bool existed = is_dir.ok() && *is_dir;
  BA_RETURN_IF_ERROR(env->CreateDir(site_dir));
  if (!existed) BA_RETURN_IF_ERROR(env->SyncDir(dest));
  BA_ASSIGN_OR_RETURN(
      auto lock, env->TryLockFile(JoinPath(site_dir, kPublishLockName), fmt::format("publish pid {}", pid)));
  BA_ASSIGN_OR_RETURN(auto folder_log, FolderLogId(env, site_dir));
  if (folder_log && *folder_log != report.log_id_hex) {
    return Status::FailedPrecondition(
        fmt::format("{}: this folder holds the history of log {}, and this log is {}: two logs cannot "
                    "publish as site \"{}\" "
                    "(give this plant its own site_id)",
                    site_dir, *folder_log, report.log_id_hex, options.site_id));
  }
  if (!recorded) {
    const std::string line = options.site_id + "\n";
    BA_RETURN_IF_ERROR(env->WriteFileAtomic(JoinPath(log_dir, kSiteIdFileName), AsSpan(line)));
    report.site_id_recorded = true;
  }
  BA_RETURN_IF_ERROR(RemoveStaleTemporaries(env, site_dir, &report));

  // The site's settings first (the folder's identity), then its history.
  if (potential_copy) {
    BA_RETURN_IF_ERROR(PlaceIfChanged(env, site_dir, potential_copy_name, *potential_copy, pid, &report));
  }
  const Bytes site_bytes(site_text.begin(), site_text.end());
  BA_RETURN_IF_ERROR(PlaceIfChanged(env, site_dir, kSiteSettingsFileName, site_bytes, pid, &report));
  const size_t settings_entries = report.files.size();
  const std::string journal_dir = JoinPath(site_dir, log::kJournalDirName);
  BA_ASSIGN_OR_RETURN(bool journal_exists, env->FileExists(journal_dir));
  if (!journal_exists) BA_RETURN_IF_ERROR(env->CreateDir(journal_dir));

  // The destination's current manifest: which files it vouches for.
  std::map<std::string, std::string> dest_listed;
  {
    const std::string path = JoinPath(site_dir, log::kManifestName);
    BA_ASSIGN_OR_RETURN(auto mb, ReadIfExists(env, path));
    if (mb) {
      auto m = log::ParseManifest(*mb, path);
      // A damaged published manifest is replaced below; nothing it lists is trusted.
      if (m.ok()) {
        for (const auto& f : m->files) dest_listed[f.name] = f.sha256;
      }
    }
  }
  const std::string intent_path = JoinPath(site_dir, log::kSealIntentName);
  bool intent_written = false;

  for (int attempt = 1;; ++attempt) {
    report.attempts = attempt;
    report.files.resize(settings_entries);
    bool restart = false;
    for (const auto& f : source.manifest.files) {
      bool differs = false;
      BA_ASSIGN_OR_RETURN(bool copy, NeedsCopy(env, site_dir, f.name, f.sha256, &differs));
      if (!copy) {
        report.files.push_back({f.name, 0, false, false});
        BA_ASSIGN_OR_RETURN(report.files.back().bytes, env->GetFileSize(JoinPath(site_dir, f.name)));
        continue;
      }
      auto bytes = env->ReadFileToBytes(JoinPath(log_dir, f.name));
      if (!bytes.ok() && !bytes.status().IsNotFound()) return bytes.status();
      if (!bytes.ok() || Sha256Hex(*bytes) != f.sha256) {
        // The writer sealed since the manifest was read (or is sealing):
        // take the manifest again.
        BA_ASSIGN_OR_RETURN(Source again, ReadSource(env, log_dir));
        BA_ASSIGN_OR_RETURN(bool sealing, env->FileExists(JoinPath(log_dir, log::kSealIntentName)));
        if (again.manifest.digest == source.manifest.digest && !sealing) {
          return Status::Corruption(fmt::format(
              "{}: its SHA-256 differs from the manifest's {} (the file was changed after it was sealed; "
              "budget-audit verify tells more); nothing of it was published",
              JoinPath(log_dir, f.name), f.sha256));
        }
        if (attempt >= options.max_attempts) {
          return Status::Busy(fmt::format(
              "{}: the log's writer kept sealing while {} attempts to publish a consistent snapshot ran; "
              "try again",
              log_dir, attempt));
        }
        if (again.manifest.digest == source.manifest.digest) {
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        source = std::move(again);
        restart = true;
        break;
      }
      auto listed = dest_listed.find(f.name);
      if (!intent_written && listed != dest_listed.end()) {
        // A file the published manifest vouches for is about to change.
        BA_RETURN_IF_ERROR(PlaceFile(env, site_dir, log::kSealIntentName, AsSpan("publish\n"),
                                     Sha256Hex(AsSpan("publish\n")), pid));
        BA_RETURN_IF_ERROR(env->SyncDir(site_dir));
        intent_written = true;
      }
      BA_RETURN_IF_ERROR(PlaceFile(env, site_dir, f.name, *bytes, f.sha256, pid));
      report.files.push_back({f.name, bytes->size(), true, differs});
    }
    if (!restart) break;
  }
  if (report.log_id_hex != ToHex(source.manifest.log_id)) {
    return Status::Corruption(fmt::format("{}: the log's id changed while publishing", log_dir));
  }
  report.sealed_seq = source.manifest.sealed_seq;
  if (options.checkpoint && options.checkpoint->seq > source.manifest.sealed_seq) {
    return Status::InvalidArgument(
        fmt::format("the checkpoint covers seq {}, beyond the sealed history published (seq {}): publish a "
                    "checkpoint made "
                    "when those records were sealed (budget-audit seal, then checkpoint)",
                    options.checkpoint->seq, source.manifest.sealed_seq));
  }

  // The commit point: the manifest, after every file it names is durable.
  BA_RETURN_IF_ERROR(env->SyncDir(site_dir));
  BA_RETURN_IF_ERROR(PlaceIfChanged(env, site_dir, log::kManifestName, source.manifest_bytes, pid, &report));
  BA_RETURN_IF_ERROR(env->SyncDir(site_dir));
  BA_ASSIGN_OR_RETURN(bool intent_exists, env->FileExists(intent_path));
  if (intent_exists) {
    // Ours, or left by a killed publish of this site (we hold its lock).
    BA_RETURN_IF_ERROR(env->DeleteFile(intent_path));
    BA_RETURN_IF_ERROR(env->SyncDir(site_dir));
  }
  if (options.checkpoint) {
    const std::string text = CheckpointToJson(*options.checkpoint);
    BA_RETURN_IF_ERROR(PlaceIfChanged(env, site_dir, kPublishedCheckpointName,
                                      Bytes(text.begin(), text.end()), pid, &report));
    BA_RETURN_IF_ERROR(env->SyncDir(site_dir));
  }
  for (const auto& f : report.files) {
    if (f.copied) {
      ++report.copied_files;
      report.copied_bytes += f.bytes;
    } else {
      ++report.skipped_files;
      report.skipped_bytes += f.bytes;
    }
    if (f.repaired) ++report.repaired_files;
  }
  return report;
}

std::string PublishReportText(const PublishReport& r) {
  std::string out;
  for (const auto& f : r.files) {
    if (f.copied)
      out += fmt::format("  copied {} ({} bytes){}\n", f.name, f.bytes,
                         f.repaired ? ", replacing other bytes" : "");
  }
  out += fmt::format(
      "published site {} (log {}, sealed seq {}) to {}: {} files copied ({} bytes), {} unchanged ({} bytes)",
      r.site_id, r.log_id_hex, r.sealed_seq, r.site_dir, r.copied_files, r.copied_bytes, r.skipped_files,
      r.skipped_bytes);
  if (r.repaired_files) out += fmt::format(", {} differing destination files replaced", r.repaired_files);
  if (r.removed_temporaries) {
    out += fmt::format(", {} temporaries of an interrupted publish removed", r.removed_temporaries);
  }
  if (r.attempts > 1) out += fmt::format(" ({} attempts: the writer sealed meanwhile)", r.attempts);
  out += "\n";
  if (r.site_id_recorded)
    out += fmt::format("  this log is now site {} (recorded in {})\n", r.site_id, kSiteIdFileName);
  return out;
}

std::string PublishReportJson(const PublishReport& r) {
  nlohmann::ordered_json j;
  j["site_id"] = r.site_id;
  j["site_dir"] = r.site_dir;
  j["log_id"] = r.log_id_hex;
  j["sealed_seq"] = r.sealed_seq;
  j["copied"] = {{"files", r.copied_files}, {"bytes", r.copied_bytes}};
  j["skipped"] = {{"files", r.skipped_files}, {"bytes", r.skipped_bytes}};
  j["repaired_files"] = r.repaired_files;
  j["removed_temporaries"] = r.removed_temporaries;
  j["site_id_recorded"] = r.site_id_recorded;
  j["attempts"] = r.attempts;
  nlohmann::ordered_json files = nlohmann::ordered_json::array();
  for (const auto& f : r.files) {
    files.push_back({{"name", f.name}, {"bytes", f.bytes}, {"copied", f.copied}, {"repaired", f.repaired}});
  }
  j["files"] = files;
  return j.dump() + "\n";
}

}  // namespace budget_audit

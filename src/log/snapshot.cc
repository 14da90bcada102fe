#include "log/snapshot.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "log/journal.h"

namespace budget_audit::log {

Status ForEachRecord(Env* env, const std::string& dir,
                     const std::function<Status(const SeqRecord&)>& fn) {
  BA_ASSIGN_OR_RETURN(bool exists, env->FileExists(JoinPath(dir, kManifestName)));
  if (!exists) return Status::NotFound(fmt::format("{}: no audit log here (no {})", dir, kManifestName));
  // The manifest and the journal must be of one moment: a seal that
  // completes between reading them deletes journal files the old manifest
  // still counts on. Journal files are only deleted after a new manifest,
  // so reading the manifest again and finding it unchanged proves the
  // journal read is consistent with it.
  const std::string jdir = JoinPath(dir, kJournalDirName);
  Manifest m;
  std::vector<JournalScan> journal;
  for (int attempt = 0;; ++attempt) {
    BA_ASSIGN_OR_RETURN(m, ReadManifest(env, dir));
    journal.clear();
    bool vanished = false;
    BA_ASSIGN_OR_RETURN(bool has_journal, env->IsDirectory(jdir));
    if (has_journal) {
      std::vector<std::pair<uint64_t, std::string>> names;
      BA_ASSIGN_OR_RETURN(auto children, env->GetChildren(jdir));
      for (const auto& n : children) {
        if (auto s = ParseJournalFileName(n)) names.emplace_back(*s, JoinPath(jdir, n));
      }
      std::sort(names.begin(), names.end());
      for (size_t i = 0; i < names.size(); ++i) {
        auto scan = ScanJournalFile(env, names[i].second, i + 1 == names.size());
        if (!scan.ok() && scan.status().IsNotFound()) {
          vanished = true;
          break;
        }
        if (!scan.ok()) return scan.status();
        journal.push_back(std::move(*scan));
      }
    }
    BA_ASSIGN_OR_RETURN(Manifest again, ReadManifest(env, dir));
    if (!vanished && again.sealed_seq == m.sealed_seq) break;
    if (attempt >= 20) return Status::Busy(fmt::format("{}: the log kept changing while being read", dir));
  }

  // Sealed rows: load month files in order of their first seq, emit the
  // smallest pending seq each time (files rarely interleave).
  std::vector<const SealedFile*> files;
  for (const auto& f : m.files) files.push_back(&f);
  std::sort(files.begin(), files.end(),
            [](const SealedFile* a, const SealedFile* b) { return a->min_seq < b->min_seq; });
  struct Loaded {
    std::vector<SeqRecord> rows;
    size_t pos = 0;
  };
  std::multimap<uint64_t, Loaded> active;
  size_t next = 0;
  uint64_t last = 0;
  for (;;) {
    while (next < files.size() && (active.empty() || files[next]->min_seq <= active.begin()->first)) {
      BA_ASSIGN_OR_RETURN(auto rows, ReadAuditFile(env, JoinPath(dir, files[next]->name)));
      std::erase_if(rows, [&](const SeqRecord& r) { return r.seq > m.sealed_seq; });
      if (!rows.empty()) {
        uint64_t first = rows.front().seq;
        active.emplace(first, Loaded{std::move(rows), 0});
      }
      ++next;
    }
    if (active.empty()) break;
    auto node = active.extract(active.begin());
    Loaded& l = node.mapped();
    const SeqRecord& r = l.rows[l.pos];
    if (r.seq <= last) {
      return Status::Corruption(fmt::format("{}: seq {} appears twice in the sealed files", dir, r.seq));
    }
    last = r.seq;
    BA_RETURN_IF_ERROR(fn(r));
    if (++l.pos < l.rows.size()) {
      node.key() = l.rows[l.pos].seq;
      active.insert(std::move(node));
    }
  }
  for (const auto& scan : journal) {
    for (const auto& e : scan.entries) {
      if (e.seq <= last) continue;
      if (e.seq != last + 1) {
        return Status::Corruption(fmt::format("{}: journal seq {} where {} was expected", dir, e.seq,
                                              last + 1));
      }
      last = e.seq;
      BA_RETURN_IF_ERROR(fn(SeqRecord{e.seq, e.record}));
    }
  }
  return Status::OK();
}

}  // namespace budget_audit::log

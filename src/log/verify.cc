#include "log/verify.h"

#include <algorithm>
#include <map>
#include <queue>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "log/journal.h"
#include "log/manifest.h"
#include "log/sealed_reader.h"
#include "parquet/file_reader.h"
#include "util/civil_time.h"
#include "util/sha256.h"

namespace budget_audit::log {
namespace {

class Verifier {
 public:
  Verifier(Env* env, std::string dir, const VerifyOptions& o) : env_(env), dir_(std::move(dir)), o_(o) {
    wanted_.insert(o.hashes_at.begin(), o.hashes_at.end());
    if (o.hash_at) wanted_.insert(*o.hash_at);
  }

  Result<VerifyReport> Run() {
    BA_ASSIGN_OR_RETURN(manifest_, ReadManifest(env_, dir_));
    report_.log_id_hex = ToHex(ByteSpan(manifest_.log_id.data(), manifest_.log_id.size()));
    report_.manifest_digest = manifest_.digest;
    report_.manifest_checksum = manifest_.had_checksum;
    if (!manifest_.had_checksum) {
      Warn(VerifyWarningKind::kManifestWithoutChecksum,
           fmt::format(
               "{} has no checksum (written before 2026-12-04): an edit of it is found only through the "
               "hash chain; the next writer to open the log adds one",
               kManifestName));
    }
    head_ = Genesis(manifest_.log_id);
    BA_ASSIGN_OR_RETURN(bool intent, env_->FileExists(JoinPath(dir_, kSealIntentName)));
    if (intent) {
      Warn(VerifyWarningKind::kSealInterrupted,
           "a seal was interrupted (_seal_intent present); the next writer finishes it, and month "
           "files touched by it may not match the manifest's hashes until then");
    }
    BA_ASSIGN_OR_RETURN(std::optional<CleanClose> clean_close, ReadCleanClose(env_, dir_));
    BA_ASSIGN_OR_RETURN(report_.cuts, ListCutTails(env_, dir_));
    BA_ASSIGN_OR_RETURN(journal_files_, ListJournal());
    if (!journal_files_.empty()) journal_min_seq_ = journal_files_.front().first;
    BA_RETURN_IF_ERROR(CheckSealedFiles(intent));
    if (seq_ != manifest_.sealed_seq) {
      return Status::Corruption(
          fmt::format("{}: the sealed files end at seq {} but the manifest says "
                      "{}",
                      kManifestName, seq_, manifest_.sealed_seq));
    }
    if (head_ != manifest_.sealed_head) {
      return Status::Corruption(fmt::format(
          "{}: the chain over the sealed files does not end in the manifest's sealed_head (seq {})",
          kManifestName, seq_));
    }
    report_.sealed_records = seq_;
    BA_RETURN_IF_ERROR(CheckJournal());
    report_.records = seq_;
    report_.head_hex = ToHex(ByteSpan(head_.data(), head_.size()));
    if (clean_close) {
      end_.last_seq = seq_;
      end_.head = head_;
      Status s = CheckCleanClose(dir_, *clean_close, end_);
      BA_ASSIGN_OR_RETURN(bool still, env_->FileExists(JoinPath(dir_, kCleanCloseName)));
      if (!s.ok() && still) return s;
      report_.closed_cleanly = s.ok() && still;
      if (!still) {
        Warn(VerifyWarningKind::kWriterOpenedMeanwhile,
             "a writer opened the log while it was being verified");
      }
    }
    if (backwards_ > 0) {
      report_.timestamps_backwards =
          TimestampsBackwards{backwards_, first_backwards_seq_, first_backwards_ts_, first_backwards_prev_};
      Warn(VerifyWarningKind::kTimestampsBackwards,
           fmt::format("timestamps go backwards {} time(s); first at seq {} ({} after {})", backwards_,
                       first_backwards_seq_, FormatTimestamp(first_backwards_ts_, 1000000, true),
                       FormatTimestamp(first_backwards_prev_, 1000000, true)));
    }
    if (o_.hash_at && *o_.hash_at > seq_) {
      return Status::Corruption(
          fmt::format("the log holds {} records, fewer than seq {}", seq_, *o_.hash_at));
    }
    return report_;
  }

 private:
  void Warn(VerifyWarningKind kind, std::string message) {
    report_.warnings.push_back(std::move(message));
    report_.warning_kinds.push_back(kind);
  }

  // Keeps the chain hash after `seq` (now head_) when it was asked for.
  void NoteHashAt(uint64_t seq) {
    if (!wanted_.count(seq)) return;
    if (o_.hash_at && *o_.hash_at == seq) report_.hash_at_requested = head_;
    if (std::find(o_.hashes_at.begin(), o_.hashes_at.end(), seq) != o_.hashes_at.end()) {
      report_.hashes_at[seq] = head_;
    }
  }

  // Feeds the next record (in seq order) through the chain.
  Status Next(uint64_t seq, const SlotRecord& r, const std::string& where) {
    if (seq != seq_ + 1) {
      return Status::Corruption(
          fmt::format("{}: seq {} where {} was expected{}", where, seq, seq_ + 1,
                      seq <= seq_ ? " (duplicate or out of order)" : " (records missing)"));
    }
    head_ = ChainNext(head_, r, seq);
    seq_ = seq;
    if (seq + 1 >= journal_min_seq_ && seq <= manifest_.sealed_seq) sealed_hashes_[seq] = head_;
    NoteHashAt(seq);
    if (seq > 1 && r.timestamp_us < last_ts_) {
      if (backwards_++ == 0) {
        first_backwards_seq_ = seq;
        first_backwards_ts_ = r.timestamp_us;
        first_backwards_prev_ = last_ts_;
      }
    }
    last_ts_ = r.timestamp_us;
    return Status::OK();
  }

  // Sealed files are merged by seq (months are mostly consecutive; a late
  // record puts a month's rows after a later month's). A file is opened
  // when its first seq is next, read a row group at a time, and checked
  // against its manifest entry when used up.
  Status CheckSealedFiles(bool intent) {
    NoteHashAt(0);
    report_.files = manifest_.files.size();
    struct Seen {
      uint64_t rows = 0, first = 0, last = 0;
      SummaryBuilder summary;
      std::optional<SiteSummaryBuilder> site;
    };
    std::map<std::string, Seen> seen;
    // Site summaries are rebuilt in the zone each names.
    for (const auto& f : manifest_.files) {
      if (!f.site) continue;
      auto zone = TimeZone::Load(f.site->timezone);
      if (!zone.ok()) {
        return Status::Corruption(fmt::format("{}: the manifest's site summary names zone \"{}\": {}", f.name,
                                              f.site->timezone, zone.status().message()));
      }
      seen[f.name].site.emplace(*zone, f.site->offset_tolerance_deg.v);
    }
    BA_RETURN_IF_ERROR(MergeSealedFiles(
        manifest_.files, [&](const SealedFile& f) { return Open(f, intent); },
        [&](const SeqRecord& row, const SealedFile& f, uint64_t index) -> Status {
          Seen& s = seen[f.name];
          if (s.rows++ == 0) s.first = row.seq;
          s.last = row.seq;
          if (f.summary) s.summary.Add(row.seq, row.record);
          if (s.site) s.site->Add(row.seq, row.record);
          return Next(row.seq, row.record, fmt::format("{} (row {})", f.name, index));
        }));
    for (const auto& f : manifest_.files) {
      Seen& s = seen[f.name];
      if (s.rows != f.rows || s.rows == 0 || s.first != f.min_seq || s.last != f.max_seq) {
        return Status::Corruption(
            fmt::format("{}: holds {} rows (seq {}..{}) but the manifest says {} rows (seq {}..{})", f.name,
                        s.rows, s.first, s.last, f.rows, f.min_seq, f.max_seq));
      }
      // The reports trust the summary instead of the rows: it must be theirs.
      if (f.summary && s.summary.Finish() != f.summary) {
        return Status::Corruption(
            fmt::format("{}: the manifest's report summary does not match the file's rows", f.name));
      }
      if (f.site && !(s.site->summary() == *f.site)) {
        return Status::Corruption(fmt::format(
            "{}: the manifest's site summary (for compliance) does not match the file's rows", f.name));
      }
    }
    return Status::OK();
  }

  // Opens a sealed file after checking its hash and log id against the
  // manifest.
  Result<std::unique_ptr<SealedFileCursor>> Open(const SealedFile& f, bool intent) {
    const std::string path = JoinPath(dir_, f.name);
    BA_ASSIGN_OR_RETURN(bool exists, env_->FileExists(path));
    if (!exists) return Status::Corruption(fmt::format("{}: listed in the manifest but missing", f.name));
    BA_ASSIGN_OR_RETURN(auto bytes, env_->ReadFileToBytes(path));
    const std::string hex = FileSha256(bytes);
    bool hash_ok = hex == f.sha256;
    if (!hash_ok && !intent) return SealedFileChanged(f.name, f.sha256, hex);
    BA_ASSIGN_OR_RETURN(auto reader, parquet::FileReader::OpenBuffer(std::move(bytes), f.name));
    for (const auto& kv : reader->metadata().key_value_metadata) {
      if (kv.key == "budget_audit.log_id" && kv.value && *kv.value != report_.log_id_hex) {
        return Status::Corruption(fmt::format("{}: belongs to another log (log id {})", f.name, *kv.value));
      }
    }
    if (hash_ok && static_cast<uint64_t>(reader->num_rows()) != f.rows) {
      return Status::Corruption(
          fmt::format("{}: holds {} rows but the manifest says {} rows", f.name, reader->num_rows(), f.rows));
    }
    // Interrupted seal: the rows the manifest vouches for are those up to
    // sealed_seq; later ones are still in the journal.
    RowFilter filter;
    if (!hash_ok) filter.max_seq = manifest_.sealed_seq;
    return SealedFileCursor::Open(std::move(reader), kAllColumns, filter);
  }

  Result<std::vector<std::pair<uint64_t, std::string>>> ListJournal() {
    // (CheckLayout has made sure it exists and is a directory.)
    return ListJournalFiles(env_, JoinPath(dir_, kJournalDirName));
  }

  // The journal: records already sealed must equal their sealed copies
  // (checked through the chain hash stored with them); the rest continue the
  // chain from the sealed head.
  Status CheckJournal() {
    const std::string jdir = JoinPath(dir_, kJournalDirName);
    const auto& files = journal_files_;
    report_.journal_files = files.size();
    for (size_t i = 0; i < files.size(); ++i) {
      const std::string name = std::string(kJournalDirName) + "/" + files[i].second;
      BA_ASSIGN_OR_RETURN(auto scan,
                          ScanJournalFile(env_, JoinPath(jdir, files[i].second), i + 1 == files.size()));
      report_.torn_tail |= scan.torn_tail;
      if (i + 1 == files.size()) {
        end_.SetLastFile(files[i].second, scan);
        if (scan.torn_tail) {
          report_.torn_tail_bytes = scan.file_size - scan.valid_bytes;
          report_.torn_tail_at = fmt::format("{} offset {}", name, scan.valid_bytes);
          report_.torn_tail_journal = files[i].second;
          report_.torn_tail_offset = scan.valid_bytes;
        }
      }
      if (!scan.header) continue;
      if (scan.header->log_id != manifest_.log_id) {
        return Status::Corruption(fmt::format("{}: belongs to another log (log id differs)", name));
      }
      if (scan.header->first_seq != files[i].first) {
        return Status::Corruption(fmt::format("{}: header says first seq {}", name, scan.header->first_seq));
      }
      if (auto prev = HashBefore(scan.header->first_seq); prev && *prev != scan.header->prev_hash) {
        return Status::Corruption(fmt::format("{}: header's prev_hash is not the chain hash of seq {}", name,
                                              scan.header->first_seq - 1));
      }
      if (scan.header->first_seq > seq_ + 1) {
        return Status::Corruption(
            fmt::format("{}: starts at seq {} but the log so far ends at {} "
                        "(records missing)",
                        name, scan.header->first_seq, seq_));
      }
      for (const auto& e : scan.entries) {
        if (e.seq <= seq_) {
          auto it = sealed_hashes_.find(e.seq);
          if (e.seq <= manifest_.sealed_seq && it != sealed_hashes_.end()) {
            // Both the stored hash and the record must be the sealed copy's.
            auto prev = HashBefore(e.seq);
            if (it->second != e.hash || !prev || ChainNext(*prev, e.record, e.seq) != e.hash) {
              return Status::Corruption(
                  fmt::format("{}: seq {} at offset {} differs from its sealed copy", name, e.seq, e.offset));
            }
            continue;
          }
          return Status::Corruption(
              fmt::format("{}: seq {} at offset {} appears twice", name, e.seq, e.offset));
        }
        BA_RETURN_IF_ERROR(Next(e.seq, e.record, fmt::format("{} (offset {})", name, e.offset)));
        if (head_ != e.hash) {
          return Status::Corruption(
              fmt::format("{}: seq {} at offset {}: the stored chain hash does not match the record", name,
                          e.seq, e.offset));
        }
      }
    }
    return Status::OK();
  }

  // The chain hash after seq - 1, when known at this point of the check.
  std::optional<ChainHash> HashBefore(uint64_t seq) const {
    if (seq == 0) return std::nullopt;
    if (seq == 1) return Genesis(manifest_.log_id);
    if (seq - 1 == seq_) return head_;
    auto it = sealed_hashes_.find(seq - 1);
    if (it != sealed_hashes_.end()) return it->second;
    return std::nullopt;
  }

  Env* env_;
  std::string dir_;
  VerifyOptions o_;
  Manifest manifest_;
  VerifyReport report_;
  JournalEnd end_;             // how the last journal file ends
  std::set<uint64_t> wanted_;  // seqs whose chain hash was asked for
  ChainHash head_{};
  uint64_t seq_ = 0;
  int64_t last_ts_ = 0;
  std::vector<std::pair<uint64_t, std::string>> journal_files_;
  uint64_t journal_min_seq_ = UINT64_MAX;
  std::map<uint64_t, ChainHash> sealed_hashes_;  // sealed seqs also in the journal
  uint64_t backwards_ = 0, first_backwards_seq_ = 0;
  int64_t first_backwards_ts_ = 0, first_backwards_prev_ = 0;
};

}  // namespace

Result<VerifyReport> VerifyLog(Env* env, const std::string& dir, const VerifyOptions& options) {
  BA_ASSIGN_OR_RETURN(LayoutState layout, CheckLayout(env, dir));
  if (layout == LayoutState::kNone) {
    return Status::NotFound(fmt::format("{}: no audit log here (no {})", dir, kManifestName));
  }
  return Verifier(env, dir, options).Run();
}

Status CheckCheckpointPrefix(const Checkpoint& cp, const VerifyReport& report) {
  if (cp.log_id_hex != report.log_id_hex) {
    return Status::Corruption(
        fmt::format("the checkpoint is of log {}, this log is {}", cp.log_id_hex, report.log_id_hex));
  }
  auto it = report.hashes_at.find(cp.seq);
  if (it == report.hashes_at.end()) {
    return Status::Corruption(
        fmt::format("the log holds {} records, fewer than the checkpoint's seq {}", report.records, cp.seq));
  }
  const std::string at = ToHex(ByteSpan(it->second.data(), it->second.size()));
  if (at != cp.head_hex) {
    return Status::Corruption(
        fmt::format("the log no longer holds the checkpointed prefix: the chain hash at seq {} is {}, the "
                    "checkpoint says {}",
                    cp.seq, at, cp.head_hex));
  }
  return Status::OK();
}

Result<VerifiedSnapshot> OpenVerifiedSnapshot(Env* env, const std::string& dir,
                                              const std::optional<Checkpoint>& checkpoint,
                                              const std::optional<std::string>& public_key_hex) {
  VerifiedSnapshot out;
  SnapshotVerification& v = out.verification;
  if (checkpoint) {
    if (checkpoint->signature_hex && !public_key_hex) {
      return Status::InvalidArgument(
          "the checkpoint is signed: give the signer's public key with --pubkey FILE");
    }
    if (public_key_hex) {
      BA_RETURN_IF_ERROR(VerifyCheckpointSignature(*checkpoint, *public_key_hex));
      v.checkpoint_signature_checked = true;
    }
  }
  // The snapshot first: the log only grows, so the verifier, reading after
  // it, sees at least its records. A seal in between changes the manifest;
  // then both are read again.
  for (int attempt = 0;; ++attempt) {
    BA_ASSIGN_OR_RETURN(out.snapshot, LogSnapshot::Open(dir, env));
    const LogSnapshot& snap = *out.snapshot;
    VerifyOptions o;
    o.hashes_at.push_back(snap.last_seq());
    if (checkpoint) o.hashes_at.push_back(checkpoint->seq);
    BA_ASSIGN_OR_RETURN(v.report, VerifyLog(env, dir, o));
    if (v.report.manifest_digest != snap.manifest_digest_hex()) {
      if (attempt >= 5) {
        return Status::Busy(fmt::format("{}: the log kept being sealed while being verified", dir));
      }
      continue;
    }
    auto it = v.report.hashes_at.find(snap.last_seq());
    const std::string verified_head =
        it == v.report.hashes_at.end() ? "" : ToHex(ByteSpan(it->second.data(), it->second.size()));
    if (verified_head != snap.head_hex()) {
      return Status::Corruption(fmt::format(
          "{}: the records read (seq 1..{}, head {}) are not those verified (chain hash {} there)", dir,
          snap.last_seq(), snap.head_hex(), verified_head.empty() ? "missing" : verified_head));
    }
    v.records = snap.last_seq();
    v.head_hex = snap.head_hex();
    break;
  }
  if (checkpoint) {
    BA_RETURN_IF_ERROR(CheckCheckpointPrefix(*checkpoint, v.report));
    v.checkpoint = checkpoint;
  }
  return out;
}

}  // namespace budget_audit::log

// The public API (budget_audit/verify.h) over the verifier above.

namespace budget_audit {

Result<VerifyReport> Verify(const std::string& dir, const VerifyOptions& options) {
  Env* env = options.env != nullptr ? options.env : Env::Default();
  const std::optional<Checkpoint>& cp = options.checkpoint;
  log::VerifyOptions vo;
  bool signature_checked = false;
  if (!cp && options.public_key_hex) {
    return Status::InvalidArgument(
        "a public key goes with a checkpoint: it checks the checkpoint's signature");
  }
  if (cp) {
    if (cp->signature_hex && !options.public_key_hex) {
      return Status::InvalidArgument(
          "the checkpoint is signed: give the signer's public key to check its signature");
    }
    // The signature first: a forged checkpoint is refused without reading
    // the log.
    if (options.public_key_hex) {
      Status s = VerifyCheckpointSignature(*cp, *options.public_key_hex);
      if (!s.ok()) return options.checkpoint_name.empty() ? s : s.WithContext(options.checkpoint_name);
      signature_checked = true;
    }
    vo.hashes_at.push_back(cp->seq);
  }
  auto r = log::VerifyLog(env, dir, vo);
  if (!r.ok()) return r.status().WithContext("verify " + dir);
  if (cp) BA_RETURN_IF_ERROR(log::CheckCheckpointPrefix(*cp, *r).WithContext("verify " + dir));

  VerifyReport out;
  out.dir = dir;
  out.log_id_hex = std::move(r->log_id_hex);
  out.records = r->records;
  out.sealed_records = r->sealed_records;
  out.sealed_files = r->files;
  out.journal_files = r->journal_files;
  out.head_hex = std::move(r->head_hex);
  out.closed_cleanly = r->closed_cleanly;
  if (r->torn_tail) out.torn_tail = TornTail{r->torn_tail_journal, r->torn_tail_offset, r->torn_tail_bytes};
  for (const auto& c : r->cuts) {
    out.cuts.push_back(
        CutTailFinding{c.name, c.journal, c.offset, c.bytes, c.first_seq, c.complete_frames, c.cut_at_us});
  }
  out.timestamps_backwards = r->timestamps_backwards;
  for (size_t i = 0; i < r->warnings.size(); ++i) {
    out.warnings.push_back(VerifyWarning{r->warning_kinds[i], std::move(r->warnings[i])});
  }
  if (cp) out.checkpoint = CheckpointMatch{*cp, signature_checked};
  out.manifest_digest = std::move(r->manifest_digest);
  out.manifest_checksum = r->manifest_checksum;
  return out;
}

namespace {

// When a cut was made, to the second (as the cut's name has it).
std::string CutTime(const CutTailFinding& c) {
  return FormatTimestamp(c.cut_at_us - c.cut_at_us % 1000000, 1000000, true);
}

const char* WarningKindName(VerifyWarningKind k) {
  switch (k) {
    case VerifyWarningKind::kManifestWithoutChecksum: return "manifest_without_checksum";
    case VerifyWarningKind::kSealInterrupted: return "seal_interrupted";
    case VerifyWarningKind::kWriterOpenedMeanwhile: return "writer_opened_meanwhile";
    case VerifyWarningKind::kTimestampsBackwards: return "timestamps_backwards";
  }
  return "unknown";
}

}  // namespace

std::string VerifyReportText(const VerifyReport& r) {
  std::string out =
      fmt::format("verified: {} records ({} sealed in {} files, {} in {} journal files)\n", r.records,
                  r.sealed_records, r.sealed_files, r.journal_records(), r.journal_files);
  out += fmt::format("log id:   {}\n", r.log_id_hex);
  out += fmt::format("head:     seq {} {}\n", r.records, r.head_hex);
  if (r.checkpoint) {
    out += fmt::format("checkpoint: seq {} ({}){} matches\n", r.checkpoint->checkpoint.seq,
                       r.checkpoint->checkpoint.time,
                       r.checkpoint->signature_checked ? ", signature valid," : "");
  }
  if (r.closed_cleanly) out += "closed:   cleanly by the last writer\n";
  if (r.torn_tail) {
    out += fmt::format(
        "note: the journal ends in a torn tail of {} bytes at {}/{} offset {} (left by a crash; "
        "records never acknowledged); the next writer moves it aside into _cut/ and cuts it\n",
        r.torn_tail->bytes, log::kJournalDirName, r.torn_tail->journal, r.torn_tail->offset);
  }
  for (const auto& c : r.cuts) {
    const std::string what =
        c.complete_frames == 0 ? fmt::format("seq {} (an incomplete frame, never acknowledged)", c.first_seq)
                               : fmt::format(
                                     "seq {}..{} ({} whole frames that were written but never made durable "
                                     "before the crash, so never acknowledged)",
                                     c.first_seq, c.first_seq + c.complete_frames - 1, c.complete_frames);
    out += fmt::format(
        "cut:      {} bytes cut after a crash from {}/{} at offset {} on {}: {}; kept as "
        "{}/{}\n",
        c.bytes, log::kJournalDirName, c.journal, c.offset, CutTime(c), what, log::kCutDirName, c.name);
  }
  for (const auto& w : r.warnings) out += fmt::format("warning: {}\n", w.message);
  return out;
}

std::string VerifyReportToJson(const VerifyReport& r) {
  using Json = nlohmann::ordered_json;
  Json j;
  j["intact"] = true;
  j["log"] = r.dir;
  j["log_id"] = r.log_id_hex;
  j["records"] = r.records;
  j["sealed_records"] = r.sealed_records;
  j["sealed_files"] = r.sealed_files;
  j["journal_records"] = r.journal_records();
  j["journal_files"] = r.journal_files;
  j["head"] = {{"seq", r.records}, {"hash", r.head_hex}};
  j["closed_cleanly"] = r.closed_cleanly;
  j["torn_tail"] = r.torn_tail ? Json{{"journal", r.torn_tail->journal},
                                      {"offset", r.torn_tail->offset},
                                      {"bytes", r.torn_tail->bytes}}
                               : Json(nullptr);
  Json cuts = Json::array();
  for (const auto& c : r.cuts) {
    cuts.push_back({{"name", c.name},
                    {"journal", c.journal},
                    {"offset", c.offset},
                    {"bytes", c.bytes},
                    {"first_seq", c.first_seq},
                    {"complete_frames", c.complete_frames},
                    {"cut_at", CutTime(c)}});
  }
  j["cuts"] = std::move(cuts);
  if (const auto& b = r.timestamps_backwards) {
    j["timestamps_backwards"] = {{"count", b->count},
                                 {"first_seq", b->first_seq},
                                 {"timestamp", FormatTimestamp(b->timestamp_us, 1000000, true)},
                                 {"previous", FormatTimestamp(b->previous_us, 1000000, true)}};
  } else {
    j["timestamps_backwards"] = nullptr;
  }
  Json warnings = Json::array();
  for (const auto& w : r.warnings) {
    warnings.push_back({{"kind", WarningKindName(w.kind)}, {"message", w.message}});
  }
  j["warnings"] = std::move(warnings);
  if (r.checkpoint) {
    const Checkpoint& c = r.checkpoint->checkpoint;
    j["checkpoint"] = {{"seq", c.seq},
                       {"time", c.time},
                       {"head", c.head_hex},
                       {"signed", c.signature_hex.has_value()},
                       {"signature_checked", r.checkpoint->signature_checked}};
  } else {
    j["checkpoint"] = nullptr;
  }
  j["manifest"] = {{"digest", r.manifest_digest}, {"checksum", r.manifest_checksum}};
  // Invalid UTF-8 (a directory's name is bytes) is replaced, never thrown.
  return j.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
}

std::string VerifyErrorToJson(const Status& status) {
  using Json = nlohmann::ordered_json;
  Json j;
  j["intact"] = false;
  j["error"] = {{"code", std::string(StatusCodeName(status.code()))}, {"message", status.message()}};
  return j.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace budget_audit

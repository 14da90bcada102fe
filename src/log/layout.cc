#include "log/layout.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstring>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "log/journal.h"
#include "log/manifest.h"
#include "util/crc32.h"
#include "util/sha256.h"

namespace budget_audit::log {
namespace {

std::string Hex(const ChainHash& h) { return ToHex(ByteSpan(h.data(), h.size())); }

}  // namespace

Result<std::optional<CleanClose>> ReadCleanClose(Env* env, const std::string& dir) {
  const std::string path = JoinPath(dir, kCleanCloseName);
  BA_ASSIGN_OR_RETURN(bool exists, env->FileExists(path));
  if (!exists) return std::optional<CleanClose>();
  BA_ASSIGN_OR_RETURN(auto bytes, env->ReadFileToBytes(path, 1 << 16));
  BA_ASSIGN_OR_RETURN(CleanClose c, ParseCleanClose(bytes, path));
  return std::optional<CleanClose>(std::move(c));
}

Result<CleanClose> ParseCleanClose(ByteSpan bytes, const std::string& path) {
  auto j = nlohmann::json::parse(bytes.begin(), bytes.end(), nullptr, false);
  auto bad = [&](const std::string& what) { return Status::Corruption(fmt::format("{}: {}", path, what)); };
  if (j.is_discarded() || !j.is_object()) return bad("not a JSON object");
  CleanClose c;
  auto u64 = [&](const char* key, uint64_t& out) -> Status {
    auto it = j.find(key);
    if (it == j.end() || !it->is_number_unsigned())
      return bad(fmt::format("{} is missing or not a count", key));
    out = it->get<uint64_t>();
    return Status::OK();
  };
  BA_RETURN_IF_ERROR(u64("last_seq", c.last_seq));
  BA_RETURN_IF_ERROR(u64("journal_bytes", c.journal_bytes));
  auto head = j.find("head");
  auto journal = j.find("journal");
  if (head == j.end() || !head->is_string()) return bad("head is missing or not a string");
  if (journal == j.end() || !journal->is_string()) return bad("journal is missing or not a string");
  auto h = FromHex(head->get<std::string>());
  if (!h.ok()) return bad("head is not a SHA-256 in hex");
  std::memcpy(c.head.data(), h->data(), c.head.size());
  c.journal = journal->get<std::string>();
  return c;
}

Status WriteCleanClose(Env* env, const std::string& dir, const CleanClose& c) {
  nlohmann::ordered_json j;
  j["last_seq"] = c.last_seq;
  j["head"] = Hex(c.head);
  j["journal"] = c.journal;
  j["journal_bytes"] = c.journal_bytes;
  const std::string text = j.dump(2) + "\n";
  return env->WriteFileAtomic(JoinPath(dir, kCleanCloseName), AsSpan(text));
}

Status RemoveCleanClose(Env* env, const std::string& dir) {
  BA_RETURN_IF_ERROR(env->DeleteFile(JoinPath(dir, kCleanCloseName)));
  return env->SyncDir(dir);
}

Status CheckCleanClose(const std::string& dir, const CleanClose& c, const JournalEnd& end) {
  auto damaged = [&](const std::string& what) {
    return Status::Corruption(fmt::format(
        "{}: the log was closed cleanly after seq {} (journal {}, {} bytes), but {}: damage after a "
        "clean close, not a crash's torn tail, so nothing is cut (docs/format.md §2.2 says how to "
        "repair)",
        dir, c.last_seq, c.journal.empty() ? "none" : c.journal, c.journal_bytes, what));
  };
  if (end.journal != c.journal) {
    return damaged(
        fmt::format("the last journal file is now {}", end.journal.empty() ? "none" : end.journal));
  }
  if (end.torn_tail || end.valid_bytes != end.journal_bytes) {
    return damaged(fmt::format("{} ends in {} bytes that are not whole records (at offset {})", end.journal,
                               end.journal_bytes - end.valid_bytes, end.valid_bytes));
  }
  if (end.journal_bytes != c.journal_bytes) {
    return damaged(fmt::format("{} now has {} bytes", end.journal, end.journal_bytes));
  }
  if (end.last_seq != c.last_seq) return damaged(fmt::format("the journal now ends at seq {}", end.last_seq));
  if (end.head != c.head) return damaged("the chain head differs");
  return Status::OK();
}

Result<LayoutState> CheckLayout(Env* env, const std::string& dir) {
  const std::string jdir = JoinPath(dir, kJournalDirName);
  BA_ASSIGN_OR_RETURN(bool has_manifest, env->FileExists(JoinPath(dir, kManifestName)));
  BA_ASSIGN_OR_RETURN(bool journal_exists, env->FileExists(jdir));
  BA_ASSIGN_OR_RETURN(bool journal_is_dir, env->IsDirectory(jdir));
  if (journal_exists && !journal_is_dir) {
    return Status::Corruption(
        fmt::format("{}: {} is not a directory (the journal of the log must be)", dir, kJournalDirName));
  }
  if (has_manifest) {
    if (!journal_exists) {
      return Status::Corruption(fmt::format(
          "{}: {} is missing (the journal holds the records not yet sealed; a log whose journal was "
          "deleted may have lost them; docs/format.md §2.1 says how to repair)",
          dir, kJournalDirName));
    }
    return LayoutState::kComplete;
  }
  BA_ASSIGN_OR_RETURN(bool dir_exists, env->IsDirectory(dir));
  if (!dir_exists) return LayoutState::kNone;
  // No manifest: a log only if something of one is here. A writer creates
  // the manifest before it acknowledges anything, so a crash while
  // creating a log leaves at most an empty _journal/ and _lock.
  std::vector<std::string> parts;
  BA_ASSIGN_OR_RETURN(auto names, env->GetChildren(dir));
  std::sort(names.begin(), names.end());
  for (const auto& n : names) {
    if (n.ends_with(".parquet") || n == kCleanCloseName || n == kCutDirName || n == kSealIntentName) {
      parts.push_back(n);
    }
  }
  if (journal_exists) {
    BA_ASSIGN_OR_RETURN(auto journal_files, ListJournalFiles(env, jdir));
    if (!journal_files.empty()) parts.push_back(std::string(kJournalDirName) + "/");
  }
  if (parts.empty()) return LayoutState::kNone;
  std::string list;
  for (size_t i = 0; i < parts.size() && i < 4; ++i) list += (i ? ", " : "") + parts[i];
  if (parts.size() > 4) list += fmt::format(" and {} more", parts.size() - 4);
  return Status::Corruption(fmt::format(
      "{}: {} is missing but the directory holds a log's files ({}); not starting a new log over them "
      "(docs/format.md §2.1 says how to repair)",
      dir, kManifestName, list));
}

std::string CutTailName(const std::string& journal, uint64_t offset, uint64_t first_seq, int64_t now_us) {
  // seq first, so names sort in log order; the time keeps two cuts at one
  // place (a crash, a resend, another crash) apart.
  return fmt::format("{:020}.{}.{}.{}.tail", first_seq, journal, offset, now_us);
}

// Parses "<seq>.<journal>.<offset>.<time>.tail".
std::optional<CutTail> ParseCutTailName(const std::string& name) {
  if (!name.ends_with(".tail")) return std::nullopt;
  std::string_view s(name);
  s.remove_suffix(5);
  auto take_number_front = [&](uint64_t& out) {
    size_t dot = s.find('.');
    if (dot == std::string_view::npos) return false;
    auto [p, ec] = std::from_chars(s.data(), s.data() + dot, out);
    if (ec != std::errc() || p != s.data() + dot) return false;
    s.remove_prefix(dot + 1);
    return true;
  };
  auto take_number_back = [&](uint64_t& out) {
    size_t dot = s.rfind('.');
    if (dot == std::string_view::npos) return false;
    auto [p, ec] = std::from_chars(s.data() + dot + 1, s.data() + s.size(), out);
    if (ec != std::errc() || p != s.data() + s.size()) return false;
    s = s.substr(0, dot);
    return true;
  };
  CutTail c;
  c.name = name;
  uint64_t time = 0;
  if (!take_number_front(c.first_seq) || !take_number_back(time) || !take_number_back(c.offset))
    return std::nullopt;
  if (time > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
  c.journal = std::string(s);
  c.cut_at_us = static_cast<int64_t>(time);
  return c;
}

namespace {

// Whole frames with a good checksum at the start of a cut tail.
uint64_t CompleteFrames(ByteSpan b) {
  uint64_t n = 0;
  size_t pos = 0;
  while (b.size() - pos >= kFrameHeaderSize) {
    const uint32_t len = LoadU32LE(b.data() + pos + 4);
    if (len > kMaxPayloadSize || b.size() - pos - kFrameHeaderSize < len) break;
    if (Crc32c(b.subspan(pos + 4, kFrameHeaderSize - 4 + len)) != UnmaskCrc(LoadU32LE(b.data() + pos))) break;
    ++n;
    pos += kFrameHeaderSize + len;
  }
  return n;
}

}  // namespace

Result<std::vector<CutTail>> ListCutTails(Env* env, const std::string& dir) {
  std::vector<CutTail> out;
  const std::string cdir = JoinPath(dir, kCutDirName);
  BA_ASSIGN_OR_RETURN(bool exists, env->IsDirectory(cdir));
  if (!exists) return out;
  BA_ASSIGN_OR_RETURN(auto names, env->GetChildren(cdir));
  std::sort(names.begin(), names.end());
  for (const auto& n : names) {
    auto c = ParseCutTailName(n);
    if (!c) continue;
    BA_ASSIGN_OR_RETURN(auto bytes, env->ReadFileToBytes(JoinPath(cdir, n), uint64_t{1} << 30));
    c->bytes = bytes.size();
    c->complete_frames = CompleteFrames(bytes);
    out.push_back(std::move(*c));
  }
  return out;
}

Status KeepCutTail(Env* env, const std::string& dir, const std::string& journal, uint64_t offset,
                   uint64_t first_seq, ByteSpan bytes) {
  const std::string cdir = JoinPath(dir, kCutDirName);
  BA_ASSIGN_OR_RETURN(bool existed, env->IsDirectory(cdir));
  if (!existed) {
    BA_RETURN_IF_ERROR(env->CreateDir(cdir));
    BA_RETURN_IF_ERROR(env->SyncDir(dir));
  }
  return env->WriteFileAtomic(JoinPath(cdir, CutTailName(journal, offset, first_seq, env->NowMicros())),
                              bytes);
}

}  // namespace budget_audit::log

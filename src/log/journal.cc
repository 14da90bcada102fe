#include "log/journal.h"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "util/crc32.h"

namespace budget_audit::log {
namespace {

constexpr uint8_t kMagic[4] = {'B', 'A', 'J', '1'};
constexpr uint32_t kVersion = 1;

bool AllZero(ByteSpan s) {
  for (uint8_t b : s)
    if (b) return false;
  return true;
}

}  // namespace

std::string JournalFileName(uint64_t first_seq) { return fmt::format("{:020}.journal", first_seq); }

std::optional<uint64_t> ParseJournalFileName(const std::string& name) {
  if (name.size() != 28 || name.compare(20, 8, ".journal") != 0) return std::nullopt;
  uint64_t v = 0;
  for (size_t i = 0; i < 20; ++i) {
    if (name[i] < '0' || name[i] > '9') return std::nullopt;
    uint64_t d = static_cast<uint64_t>(name[i] - '0');
    if (v > (UINT64_MAX - d) / 10) return std::nullopt;
    v = v * 10 + d;
  }
  return v;
}

Result<std::vector<std::pair<uint64_t, std::string>>> ListJournalFiles(Env* env,
                                                                       const std::string& journal_dir) {
  BA_ASSIGN_OR_RETURN(auto names, env->GetChildren(journal_dir));
  std::vector<std::pair<uint64_t, std::string>> files;
  for (auto& n : names) {
    if (auto seq = ParseJournalFileName(n)) files.emplace_back(*seq, std::move(n));
  }
  std::sort(files.begin(), files.end());
  return files;
}

void EncodeJournalHeader(const JournalFileHeader& h, ByteWriter& out) {
  size_t start = out.size();
  out.PutRaw(kMagic, 4);
  out.PutU32LE(kVersion);
  out.PutRaw(h.log_id.data(), h.log_id.size());
  out.PutU64LE(h.first_seq);
  out.PutRaw(h.prev_hash.data(), h.prev_hash.size());
  uint32_t crc = Crc32c(ByteSpan(out.bytes().data() + start, 64));
  out.PutU32LE(MaskCrc(crc));
}

namespace {

// A tick frame is written in place: BeginTickFrame reserves the CRC and
// length fields, the caller appends the payload, FinishTickFrame fills them.
size_t BeginTickFrame(ByteWriter& out) {
  const size_t start = out.size();
  out.PutU32LE(0);  // masked CRC-32C of the rest of the frame
  out.PutU32LE(0);  // payload length
  out.PutU8(kFrameTick);
  return start;
}

void FinishTickFrame(ByteWriter& out, size_t start) {
  uint8_t* frame = out.mutable_bytes().data() + start;
  const auto length = static_cast<uint32_t>(out.size() - start - kFrameHeaderSize);
  std::memcpy(frame + 4, &length, 4);  // little-endian, as PutU32LE
  const uint32_t crc = MaskCrc(Crc32c(ByteSpan(frame + 4, out.size() - start - 4)));
  std::memcpy(frame, &crc, 4);
}

}  // namespace

ChainHash AppendChainedTickFrame(const SlotRecord& r, uint64_t seq, const ChainHash& prev, ByteWriter& out) {
  const size_t start = BeginTickFrame(out);
  const size_t payload = out.size();
  EncodeCanonical(r, seq, out);
  const ChainHash next =
      ChainNextOfCanonical(prev, ByteSpan(out.bytes().data() + payload, out.size() - payload));
  out.PutRaw(next.data(), next.size());
  FinishTickFrame(out, start);
  return next;
}

void EncodeTickFrame(const SlotRecord& r, uint64_t seq, const ChainHash& hash, ByteWriter& out) {
  const size_t start = BeginTickFrame(out);
  EncodeCanonical(r, seq, out);
  out.PutRaw(hash.data(), hash.size());
  FinishTickFrame(out, start);
}

Result<JournalScan> ScanJournalBytes(ByteSpan bytes, const std::string& name, bool is_last) {
  JournalScan scan;
  scan.file_size = bytes.size();
  auto corrupt = [&](uint64_t offset, const std::string& what) {
    return Status::Corruption(fmt::format("{}: {} at offset {}", name, what, offset));
  };
  if (bytes.size() < kJournalHeaderSize) {
    // Cut while being created: harmless if it is the last file and what is
    // there is a prefix of a header (or nothing).
    bool prefix_ok = bytes.empty() || AllZero(bytes) ||
                     std::memcmp(bytes.data(), kMagic, std::min<size_t>(4, bytes.size())) == 0;
    if (is_last && prefix_ok) {
      scan.torn_tail = !bytes.empty();
      return scan;
    }
    return corrupt(
        0, fmt::format("journal header cut short ({} of {} bytes)", bytes.size(), kJournalHeaderSize));
  }
  if (std::memcmp(bytes.data(), kMagic, 4) != 0) return corrupt(0, "not a journal file (bad magic)");
  uint32_t stored = UnmaskCrc(LoadU32LE(bytes.data() + 64));
  if (Crc32c(bytes.subspan(0, 64)) != stored) {
    if (is_last && AllZero(bytes.subspan(kJournalHeaderSize))) {
      scan.torn_tail = true;  // header written but not synced before a crash
      return scan;
    }
    return corrupt(0, "journal header checksum mismatch");
  }
  uint32_t version = LoadU32LE(bytes.data() + 4);
  if (version != kVersion) return corrupt(4, fmt::format("unsupported journal version {}", version));
  JournalFileHeader h;
  std::memcpy(h.log_id.data(), bytes.data() + 8, 16);
  h.first_seq = LoadU64LE(bytes.data() + 24);
  std::memcpy(h.prev_hash.data(), bytes.data() + 32, 32);
  scan.header = h;

  size_t pos = kJournalHeaderSize;
  scan.valid_bytes = pos;
  uint64_t expect_seq = h.first_seq;
  while (pos < bytes.size()) {
    ByteSpan rest = bytes.subspan(pos);
    // A frame that does not fit, or does not check out, is a torn tail only
    // at the very end of the last file.
    auto tail_or_corrupt = [&](const std::string& what) -> Status {
      if (is_last) {
        scan.torn_tail = true;
        return Status::OK();
      }
      return corrupt(pos, what);
    };
    if (rest.size() < kFrameHeaderSize) {
      BA_RETURN_IF_ERROR(tail_or_corrupt("frame header cut short"));
      break;
    }
    uint32_t crc = UnmaskCrc(LoadU32LE(rest.data()));
    uint32_t len = LoadU32LE(rest.data() + 4);
    if (len > kMaxPayloadSize) {
      if (is_last && AllZero(rest.subspan(4))) {
        scan.torn_tail = true;
        break;
      }
      if (is_last && AllZero(rest)) {
        scan.torn_tail = true;
        break;
      }
      return corrupt(pos, fmt::format("frame length {} exceeds the maximum {}", len, kMaxPayloadSize));
    }
    size_t frame = kFrameHeaderSize + len;
    if (frame > rest.size()) {
      BA_RETURN_IF_ERROR(tail_or_corrupt("frame cut short"));
      break;
    }
    if (Crc32c(rest.subspan(4, frame - 4)) != crc) {
      // A write torn by a crash leaves a prefix of the frame (cut short,
      // above) or, where a file system extended the file without its data,
      // nothing but zeros. A whole frame whose checksum fails is neither:
      // it is damage, even at the very end.
      if (is_last && AllZero(rest)) {
        scan.torn_tail = true;
        break;
      }
      return corrupt(pos, "frame checksum mismatch (a whole frame, so damage, not a torn write)");
    }
    uint8_t type = rest[8];
    if (type != kFrameTick) return corrupt(pos, fmt::format("unknown frame type {}", type));
    if (len < 32) return corrupt(pos, "tick frame too short");
    JournalEntry e;
    e.offset = pos;
    auto rec = DecodeCanonical(rest.subspan(kFrameHeaderSize, len - 32), &e.seq);
    if (!rec.ok()) return rec.status().WithContext(fmt::format("{}: frame at offset {}", name, pos));
    e.record = std::move(*rec);
    std::memcpy(e.hash.data(), rest.data() + kFrameHeaderSize + len - 32, 32);
    if (e.seq != expect_seq) {
      return corrupt(pos, fmt::format("seq {} where {} was expected", e.seq, expect_seq));
    }
    ++expect_seq;
    scan.entries.push_back(std::move(e));
    pos += frame;
    scan.valid_bytes = pos;
  }
  return scan;
}

Result<JournalScan> ScanJournalFile(Env* env, const std::string& path, bool is_last) {
  BA_ASSIGN_OR_RETURN(auto bytes, env->ReadFileToBytes(path, uint64_t{1} << 34));
  return ScanJournalBytes(bytes, path, is_last);
}

}  // namespace budget_audit::log

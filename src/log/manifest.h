// _manifest.json: the log's identity and the list of sealed Parquet files
// (docs/format.md §2.4). Replaced atomically (temp, fsync, rename, fsync dir).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "budget_audit/env.h"
#include "log/names.h"
#include "log/record.h"
#include "log/site_summary.h"
#include "log/summary.h"

namespace budget_audit::log {

constexpr int kLogFormatVersion = 1;

struct SealedFile {
  std::string name;  // relative to the log directory
  uint64_t rows = 0;
  uint64_t min_seq = 0, max_seq = 0;
  int64_t min_timestamp_us = 0, max_timestamp_us = 0;
  std::string sha256;                  // hex, of the whole file
  std::optional<FileSummary> summary;  // absent: too many runs, or an older log
  // The compliance report's (log/site_summary.h); absent: a file sealed
  // before site summaries, one with too many gaps or intervals, or one
  // whose earlier rows were summarised in another zone.
  std::optional<SiteSummary> site;
  // The entry's manifest text, reused while sha256 (and so everything
  // above) is unchanged: a seal rewrites the manifest, and re-encoding
  // every month's summary each time would grow with the square of the
  // log's age.
  mutable std::string json_cache, json_cache_key;
};

struct Manifest {
  LogId log_id{};
  uint64_t sealed_seq = 0;  // every record with seq <= sealed_seq is in files
  ChainHash sealed_head{};  // chain hash after sealed_seq
  std::vector<SealedFile> files;
  // Set by ParseManifest (WriteManifest always writes a checksum):
  // whether the file carried its "checksum" member (docs/format.md §2.4;
  // manifests written before 2026-12-04 do not), and what identifies its
  // bytes: the checksum's hex, or for a manifest without one the SHA-256
  // of the whole file. Two reads with the same digest read the same text.
  bool had_checksum = false;
  std::string digest;
};

// Reads and parses `dir`/_manifest.json; Corruption naming it when it is
// malformed or its checksum does not match its bytes.
Result<Manifest> ReadManifest(Env* env, const std::string& dir);
// The manifest in `bytes` (read from `path`, named in errors). A manifest
// that carries a checksum must match it; one without is accepted as
// written before checksums (had_checksum false).
Result<Manifest> ParseManifest(const Bytes& bytes, const std::string& path);
// Writes the manifest (with its checksum) atomically.
Status WriteManifest(Env* env, const std::string& dir, const Manifest& m);

}  // namespace budget_audit::log

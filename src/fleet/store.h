// Helpers shared by publish and the fleet's readers (src/fleet/): reading
// whole files, hashing, and placing a file in a site folder the way every
// file there is placed (docs/format.md §3.1).
#pragma once

#include <optional>
#include <string>

#include "budget_audit/env.h"
#include "budget_audit/status.h"
#include "util/bytes.h"

namespace budget_audit::fleet {

// The file's bytes, or nullopt when it does not exist.
Result<std::optional<Bytes>> ReadIfExists(Env* env, const std::string& path);

// Lowercase hex SHA-256.
std::string Sha256Hex(ByteSpan data);

// Writes `data` as dir/name: the temporary PublishTempName(name, pid) in
// `dir`, synced and closed, read back and its SHA-256 compared with
// `sha256_hex`, then renamed over dir/name. The directory is NOT synced
// (the caller syncs it once for a batch). On failure the temporary is
// removed (it is ours).
Status PlaceFile(Env* env, const std::string& dir, const std::string& name, ByteSpan data,
                 const std::string& sha256_hex, long pid);

}  // namespace budget_audit::fleet

// Checkpoints: (log id, seq, head hash, time), optionally signed with
// Ed25519 (libsodium), for an auditor to keep off the device. A later
// `verify --checkpoint` proves the log still holds exactly that prefix.
//
// JSON form:
//   {"log_id": "<32 hex>", "seq": N, "head": "<64 hex>", "time": "<ISO-8601 UTC>",
//    "public_key": "<64 hex>", "signature": "<128 hex>"}      (last two when signed)
// The signature is over the UTF-8 message
//   "budget-audit checkpoint v1\n<log_id>\n<seq>\n<head>\n<time>\n"
#pragma once

#include <optional>
#include <string>

#include "budget_audit/status.h"

namespace budget_audit::log {

struct Checkpoint {
  std::string log_id_hex;
  uint64_t seq = 0;
  std::string head_hex;
  std::string time;  // ISO-8601 UTC
  std::optional<std::string> public_key_hex;
  std::optional<std::string> signature_hex;
};

struct KeyPair {
  std::string public_hex;  // 32 bytes
  std::string secret_hex;  // 64 bytes (libsodium's seed || public key)
};

KeyPair GenerateKeyPair();
std::string CheckpointMessage(const Checkpoint& c);
// Signs `c` in place with a secret key in hex.
Status SignCheckpoint(Checkpoint& c, const std::string& secret_hex);
// InvalidArgument/Corruption unless `c` carries a valid signature by
// `public_hex`.
Status VerifyCheckpointSignature(const Checkpoint& c, const std::string& public_hex);

std::string CheckpointToJson(const Checkpoint& c);
Result<Checkpoint> CheckpointFromJson(const std::string& text);

}  // namespace budget_audit::log

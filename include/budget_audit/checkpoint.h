// Checkpoints: what an auditor keeps off the device to prove, later, that
// the log still holds exactly the records it held then.
//
// A checkpoint is (log id, seq, chain head after seq, time), optionally
// signed with Ed25519 (libsodium). `Verify` (verify.h) with a checkpoint
// proves the log still holds that prefix: the same log id and the same
// chain hash at that seq, however many records came after it.
//
// JSON form (CheckpointToJson, CheckpointFromJson):
//   {"log_id": "<32 hex>", "seq": N, "head": "<64 hex>", "time": "<ISO-8601 UTC>",
//    "public_key": "<64 hex>", "signature": "<128 hex>"}      (last two when signed)
// The signature is over the UTF-8 message (CheckpointMessage)
//   "budget-audit checkpoint v1\n<log_id>\n<seq>\n<head>\n<time>\n"
//
// Keys are hex text: a public key is 32 bytes (64 hex digits), a secret key
// libsodium's 64 bytes (the seed, then the public key; 128 hex digits). Key
// files (KeyFiles, WriteNewKeyPair) hold one key and a newline.
//
// Thread safety: every function here may be called from any thread, except
// WriteNewKeyPair (see there). Functions taking an `Env*` use it only
// during the call (nullptr: Env::Default()).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "budget_audit/env.h"
#include "budget_audit/status.h"

namespace budget_audit {

struct Checkpoint {
  std::string log_id_hex;  // 32 hex digits
  uint64_t seq = 0;        // records 1..seq are covered
  std::string head_hex;    // chain hash after seq (64 hex digits)
  std::string time;        // when it was made, ISO-8601 UTC to the second
  // Both set by SignCheckpoint, both absent on an unsigned checkpoint.
  std::optional<std::string> public_key_hex;
  std::optional<std::string> signature_hex;
};

struct KeyPair {
  std::string public_hex;  // 32 bytes
  std::string secret_hex;  // 64 bytes (libsodium's seed || public key)
};

// A fresh Ed25519 key pair from the operating system's random source.
KeyPair GenerateKeyPair();

// The exact bytes a checkpoint's signature covers.
std::string CheckpointMessage(const Checkpoint& c);

// Signs `c` in place with a secret key in hex (sets signature_hex and the
// matching public_key_hex). InvalidArgument for a key that is not 128 hex
// digits; `c` is then unchanged.
Status SignCheckpoint(Checkpoint& c, const std::string& secret_hex);

// OK when `c` carries a valid signature by `public_hex`. InvalidArgument
// when `c` is not signed or `public_hex` is not 64 hex digits; Corruption
// when the signature is malformed or does not verify.
Status VerifyCheckpointSignature(const Checkpoint& c, const std::string& public_hex);

// The JSON form above (indented by 2, ending in a newline).
std::string CheckpointToJson(const Checkpoint& c);
// InvalidArgument "not a JSON object" / "malformed checkpoint: ..." for text
// that is not the JSON form. The hex fields are not checked here (a
// damaged one fails the prefix or signature check).
Result<Checkpoint> CheckpointFromJson(const std::string& text);

// A checkpoint or key file's text (at most 1 MiB) without its trailing
// newlines, carriage returns and spaces. The Env's error (naming the path)
// when it cannot be read.
Result<std::string> ReadKeyFile(Env* env, const std::string& path);
// A checkpoint file: ReadKeyFile's errors, or CheckpointFromJson's with the
// path as context ("PATH: malformed checkpoint: ...").
Result<Checkpoint> ReadCheckpointFile(Env* env, const std::string& path);

struct CheckpointOptions {
  Env* env = nullptr;  // nullptr: Env::Default(); used only during the call
  // Sign with this secret key (hex), or with the one in this file (read
  // only once the log is verified; its errors name the file). At most one.
  std::optional<std::string> secret_key_hex;
  std::string secret_key_file;
};

// The checkpoint of the log in `dir` as it is now: the whole log is
// verified first (as Verify does; a log that does not verify gets no
// checkpoint), then its last seq and chain head are taken, with the Env's
// clock (to the second) as the time, and signed if a key is given.
// Errors: Verify's, with "checkpoint DIR" as context (NotFound when `dir`
// holds no log); the key file's read error; a bad key with the key file
// (or "secret key") as context; InvalidArgument when both key options are
// set. Takes no lock: a writer may append meanwhile (the checkpoint then
// holds the records the verification read).
Result<Checkpoint> MakeCheckpoint(const std::string& dir, const CheckpointOptions& options = {});

// The two files of a key pair written by WriteNewKeyPair.
struct KeyFiles {
  std::string secret_path;  // PREFIX.key, mode 0600
  std::string public_path;  // PREFIX.pub
};

// Makes a key pair and writes it as PREFIX.key (the secret key, created
// with mode 0600: never readable by others, not even for an instant) and
// PREFIX.pub, each atomically. InvalidArgument "PATH exists; not
// overwriting a key" when either exists (nothing is written); the Env's
// error otherwise (the secret key may then be written without the public
// one). The secret key is never returned: it lives in its file only.
//
// Not thread-safe with respect to the process: the secret key is created
// under a umask of 077, which is per process, so a file another thread
// creates at that moment is created 0600 too (restrictive, never looser).
// The mode is that of files on the real file system; an in-memory Env
// ignores it.
Result<KeyFiles> WriteNewKeyPair(const std::string& prefix, Env* env = nullptr);

}  // namespace budget_audit

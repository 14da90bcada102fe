// Checkpoints (budget_audit/checkpoint.h): signing with libsodium, the JSON
// form, key files, and building a checkpoint from a verified log.
#include "log/checkpoint.h"

#include <sodium.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "log/verify.h"
#include "util/bytes.h"
#include "util/civil_time.h"
#include "util/sha256.h"

namespace budget_audit {
namespace {

void InitSodium() {
  static const int ok = sodium_init();
  (void)ok;  // 0 or 1 (already initialised); -1 never happens on Linux
}

Result<std::vector<uint8_t>> Hex(std::string_view hex, size_t bytes, std::string_view what) {
  if (hex.size() != bytes * 2) {
    return Status::InvalidArgument(
        fmt::format("{}: expected {} hex digits, got {}", what, bytes * 2, hex.size()));
  }
  std::vector<uint8_t> out(bytes);
  size_t len = 0;
  if (sodium_hex2bin(out.data(), bytes, hex.data(), hex.size(), nullptr, &len, nullptr) != 0 ||
      len != bytes) {
    return Status::InvalidArgument(fmt::format("{}: not hexadecimal", what));
  }
  return out;
}

}  // namespace

KeyPair GenerateKeyPair() {
  InitSodium();
  uint8_t pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
  crypto_sign_keypair(pk, sk);
  KeyPair kp{ToHex(ByteSpan(pk, sizeof(pk))), ToHex(ByteSpan(sk, sizeof(sk)))};
  sodium_memzero(sk, sizeof(sk));
  return kp;
}

std::string CheckpointMessage(const Checkpoint& c) {
  return fmt::format("budget-audit checkpoint v1\n{}\n{}\n{}\n{}\n", c.log_id_hex, c.seq, c.head_hex, c.time);
}

Status SignCheckpoint(Checkpoint& c, const std::string& secret_hex) {
  InitSodium();
  BA_ASSIGN_OR_RETURN(auto sk, Hex(secret_hex, crypto_sign_SECRETKEYBYTES, "secret key"));
  std::string msg = CheckpointMessage(c);
  uint8_t sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, reinterpret_cast<const uint8_t*>(msg.data()), msg.size(), sk.data());
  uint8_t pk[crypto_sign_PUBLICKEYBYTES];
  crypto_sign_ed25519_sk_to_pk(pk, sk.data());
  sodium_memzero(sk.data(), sk.size());
  c.signature_hex = ToHex(ByteSpan(sig, sizeof(sig)));
  c.public_key_hex = ToHex(ByteSpan(pk, sizeof(pk)));
  return Status::OK();
}

Status VerifyCheckpointSignature(const Checkpoint& c, const std::string& public_hex) {
  InitSodium();
  if (!c.signature_hex) return Status::InvalidArgument("the checkpoint is not signed");
  BA_ASSIGN_OR_RETURN(auto pk, Hex(public_hex, crypto_sign_PUBLICKEYBYTES, "public key"));
  auto sig = Hex(*c.signature_hex, crypto_sign_BYTES, "checkpoint signature");
  if (!sig.ok()) return Status::Corruption(sig.status().message());
  std::string msg = CheckpointMessage(c);
  if (crypto_sign_verify_detached(sig->data(), reinterpret_cast<const uint8_t*>(msg.data()), msg.size(),
                                  pk.data()) != 0) {
    return Status::Corruption("the checkpoint's signature does not verify with this public key");
  }
  return Status::OK();
}

std::string CheckpointToJson(const Checkpoint& c) {
  nlohmann::ordered_json j;
  j["log_id"] = c.log_id_hex;
  j["seq"] = c.seq;
  j["head"] = c.head_hex;
  j["time"] = c.time;
  if (c.public_key_hex) j["public_key"] = *c.public_key_hex;
  if (c.signature_hex) j["signature"] = *c.signature_hex;
  return j.dump(2) + "\n";
}

Result<Checkpoint> CheckpointFromJson(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Status::InvalidArgument("not a JSON object");
  try {
    Checkpoint c;
    c.log_id_hex = j.at("log_id").get<std::string>();
    c.seq = j.at("seq").get<uint64_t>();
    c.head_hex = j.at("head").get<std::string>();
    c.time = j.at("time").get<std::string>();
    if (j.contains("public_key")) c.public_key_hex = j["public_key"].get<std::string>();
    if (j.contains("signature")) c.signature_hex = j["signature"].get<std::string>();
    return c;
  } catch (const nlohmann::json::exception& e) {
    return Status::InvalidArgument(std::string("malformed checkpoint: ") + e.what());
  }
}

Result<std::string> ReadKeyFile(Env* env, const std::string& path) {
  if (env == nullptr) env = Env::Default();
  BA_ASSIGN_OR_RETURN(auto bytes, env->ReadFileToBytes(path, 1 << 20));
  std::string s(bytes.begin(), bytes.end());
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

Result<Checkpoint> ReadCheckpointFile(Env* env, const std::string& path) {
  BA_ASSIGN_OR_RETURN(std::string text, ReadKeyFile(env, path));
  auto parsed = CheckpointFromJson(text);
  if (!parsed.ok()) return parsed.status().WithContext(path);
  return parsed;
}

Result<Checkpoint> MakeCheckpoint(const std::string& dir, const CheckpointOptions& options) {
  Env* env = options.env != nullptr ? options.env : Env::Default();
  if (options.secret_key_hex && !options.secret_key_file.empty()) {
    return Status::InvalidArgument("a checkpoint is signed with a secret key or a key file, not both");
  }
  auto report = log::VerifyLog(env, dir);
  if (!report.ok()) return report.status().WithContext("checkpoint " + dir);
  Checkpoint c;
  c.log_id_hex = report->log_id_hex;
  c.seq = report->records;
  c.head_hex = report->head_hex;
  const int64_t now = env->NowMicros();
  c.time = FormatTimestamp(now - now % 1000000, 1000000, true);
  if (!options.secret_key_file.empty()) {
    BA_ASSIGN_OR_RETURN(std::string key, ReadKeyFile(env, options.secret_key_file));
    Status signed_ = SignCheckpoint(c, key);
    sodium_memzero(key.data(), key.size());
    BA_RETURN_IF_ERROR(signed_.WithContext(options.secret_key_file));
  } else if (options.secret_key_hex) {
    BA_RETURN_IF_ERROR(SignCheckpoint(c, *options.secret_key_hex));
  }
  return c;
}

Result<KeyFiles> WriteNewKeyPair(const std::string& prefix, Env* env) {
  if (env == nullptr) env = Env::Default();
  KeyPair kp = GenerateKeyPair();
  KeyFiles files{prefix + ".key", prefix + ".pub"};
  for (const auto& p : {files.secret_path, files.public_path}) {
    auto exists = env->FileExists(p);
    if (exists.ok() && *exists) {
      return Status::InvalidArgument(p + " exists; not overwriting a key");
    }
  }
  std::string s = kp.secret_hex + "\n", p = kp.public_hex + "\n";
  // The secret key is created 0600 (not made so afterwards: it would be
  // readable by others in between, and a descriptor opened then keeps
  // reading it). Env has no file modes, so the umask decides them; the chmod
  // then makes it exactly 0600 whatever mode the Env creates files with (on
  // the real file system: an in-memory Env has no modes).
  const mode_t old_mask = ::umask(077);
  Status st = env->WriteFileAtomic(files.secret_path, AsSpan(s));
  ::umask(old_mask);
  sodium_memzero(s.data(), s.size());
  sodium_memzero(kp.secret_hex.data(), kp.secret_hex.size());
  if (st.ok() && env == Env::Default() && ::chmod(files.secret_path.c_str(), 0600) != 0) {
    st = Status::IOError(fmt::format("chmod 0600 {}: {}", files.secret_path, std::strerror(errno)));
  }
  if (st.ok()) st = env->WriteFileAtomic(files.public_path, AsSpan(p));
  if (!st.ok()) return st;
  return files;
}

}  // namespace budget_audit

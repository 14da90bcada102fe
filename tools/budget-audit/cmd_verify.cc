// `budget-audit verify`, `checkpoint` and `keygen`: the auditor's commands.
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "cli.h"
#include "log/checkpoint.h"
#include "log/verify.h"
#include "util/civil_time.h"

namespace budget_audit::cli {
namespace {

struct VerifyOpts {
  std::string checkpoint_file;
  std::string pubkey_file;
};

Result<std::string> ReadText(Env* env, const std::string& path) {
  BA_ASSIGN_OR_RETURN(auto bytes, env->ReadFileToBytes(path, 1 << 20));
  std::string s(bytes.begin(), bytes.end());
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

int RunVerify(Context& ctx, const VerifyOpts& o) {
  const std::string dir = ctx.LogDir();
  log::VerifyOptions vo;
  std::optional<log::Checkpoint> cp;
  if (!o.checkpoint_file.empty()) {
    auto text = ReadText(ctx.env, o.checkpoint_file);
    if (!text.ok()) return ReportError(text.status());
    auto parsed = log::CheckpointFromJson(*text);
    if (!parsed.ok()) return ReportError(parsed.status().WithContext(o.checkpoint_file));
    cp = *parsed;
    if (cp->signature_hex && o.pubkey_file.empty()) {
      return ReportError(Status::InvalidArgument(
          "the checkpoint is signed: give the signer's public key with --pubkey FILE"));
    }
    if (!o.pubkey_file.empty()) {
      auto pub = ReadText(ctx.env, o.pubkey_file);
      if (!pub.ok()) return ReportError(pub.status());
      Status s = log::VerifyCheckpointSignature(*cp, *pub);
      if (!s.ok()) return ReportError(s.WithContext(o.checkpoint_file));
    }
    vo.hashes_at.push_back(cp->seq);
  } else if (!o.pubkey_file.empty()) {
    return ReportError(Status::InvalidArgument("--pubkey goes with --checkpoint"));
  }
  auto report = log::VerifyLog(ctx.env, dir, vo);
  if (!report.ok()) return ReportError(report.status().WithContext("verify " + dir));
  if (cp) {
    Status held = log::CheckCheckpointPrefix(*cp, *report);
    if (!held.ok()) return ReportError(held.WithContext("verify " + dir));
  }
  std::printf("verified: %llu records (%llu sealed in %zu files, %llu in %zu journal files)\n",
              static_cast<unsigned long long>(report->records),
              static_cast<unsigned long long>(report->sealed_records), report->files,
              static_cast<unsigned long long>(report->records - report->sealed_records),
              report->journal_files);
  std::printf("log id:   %s\n", report->log_id_hex.c_str());
  std::printf("head:     seq %llu %s\n", static_cast<unsigned long long>(report->records),
              report->head_hex.c_str());
  if (cp) {
    std::printf("checkpoint: seq %llu (%s)%s matches\n", static_cast<unsigned long long>(cp->seq),
                cp->time.c_str(), cp->signature_hex ? ", signature valid," : "");
  }
  if (report->closed_cleanly) std::printf("closed:   cleanly by the last writer\n");
  if (report->torn_tail) {
    std::printf("note: the journal ends in a torn tail of %llu bytes at %s (left by a crash; records "
                "never acknowledged); the next writer moves it aside into _cut/ and cuts it\n",
                static_cast<unsigned long long>(report->torn_tail_bytes), report->torn_tail_at.c_str());
  }
  for (const auto& c : report->cuts) {
    std::printf("cut:      %llu bytes cut after a crash from _journal/%s at offset %llu on %s: %s; "
                "kept as _cut/%s\n",
                static_cast<unsigned long long>(c.bytes), c.journal.c_str(),
                static_cast<unsigned long long>(c.offset),
                FormatTimestamp(c.cut_at_us - c.cut_at_us % 1000000, 1000000, true).c_str(),
                c.complete_frames == 0
                    ? fmt::format("seq {} (an incomplete frame, never acknowledged)", c.first_seq).c_str()
                    : fmt::format("seq {}..{} ({} whole frames that were written but never made durable "
                                  "before the crash, so never acknowledged)",
                                  c.first_seq, c.first_seq + c.complete_frames - 1, c.complete_frames).c_str(),
                c.name.c_str());
  }
  for (const auto& w : report->warnings) std::printf("warning: %s\n", w.c_str());
  return kExitOk;
}

int RunCheckpoint(Context& ctx, const std::string& key_file, const std::string& out_file) {
  const std::string dir = ctx.LogDir();
  auto report = log::VerifyLog(ctx.env, dir);
  if (!report.ok()) return ReportError(report.status().WithContext("checkpoint " + dir));
  log::Checkpoint c;
  c.log_id_hex = report->log_id_hex;
  c.seq = report->records;
  c.head_hex = report->head_hex;
  int64_t now = ctx.env->NowMicros();
  c.time = FormatTimestamp(now - now % 1000000, 1000000, true);
  if (!key_file.empty()) {
    auto key = ReadText(ctx.env, key_file);
    if (!key.ok()) return ReportError(key.status());
    Status s = log::SignCheckpoint(c, *key);
    if (!s.ok()) return ReportError(s.WithContext(key_file));
  }
  auto out = Output::Open(out_file);
  if (!out.ok()) return ReportError(out.status());
  (*out)->Write(log::CheckpointToJson(c));
  Status s = (*out)->Finish();
  return s.ok() ? kExitOk : ReportError(s);
}

int RunKeygen(Context& ctx, const std::string& prefix) {
  log::KeyPair kp = log::GenerateKeyPair();
  const std::string sec = prefix + ".key", pub = prefix + ".pub";
  for (const auto& p : {sec, pub}) {
    auto exists = ctx.env->FileExists(p);
    if (exists.ok() && *exists) {
      return ReportError(Status::InvalidArgument(p + " exists; not overwriting a key"));
    }
  }
  std::string s = kp.secret_hex + "\n", p = kp.public_hex + "\n";
  // The secret key is created 0600 (not made so afterwards: it would be
  // readable by others in between).
  const mode_t old_mask = ::umask(077);
  Status st = ctx.env->WriteFileAtomic(sec, AsSpan(s));
  ::umask(old_mask);
  if (st.ok() && ::chmod(sec.c_str(), 0600) != 0) {
    st = Status::IOError(fmt::format("chmod 0600 {}: {}", sec, std::strerror(errno)));
  }
  if (st.ok()) st = ctx.env->WriteFileAtomic(pub, AsSpan(p));
  if (!st.ok()) return ReportError(st);
  std::printf("secret key: %s (keep it on the device, mode 0600)\npublic key: %s (give it to the "
              "auditor)\n", sec.c_str(), pub.c_str());
  return kExitOk;
}

}  // namespace

void SetupVerify(CLI::App& app, Context& ctx, Action& action) {
  auto vo = std::make_shared<VerifyOpts>();
  CLI::App* v = app.add_subcommand(
      "verify", "Check the integrity of the whole log: every sealed file's hash, every seq, the hash "
                "chain, the manifest. Exit 0 if intact, 1 naming the first problem.");
  v->add_option("--checkpoint", vo->checkpoint_file,
                "Also prove that the log still holds exactly the prefix of this checkpoint");
  v->add_option("--pubkey", vo->pubkey_file, "Public key that must have signed the checkpoint");
  v->callback([&ctx, &action, vo]() { action = [&ctx, vo]() { return RunVerify(ctx, *vo); }; });

  auto key = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  CLI::App* c = app.add_subcommand(
      "checkpoint", "Print the log's current (seq, head hash) as JSON, optionally signed, for an "
                    "auditor to keep off the device.");
  c->add_option("--sign", *key, "Secret key file (from keygen) to sign the checkpoint with");
  c->add_option("-o,--output", *out, "Write the checkpoint to this file instead of standard output");
  c->callback([&ctx, &action, key, out]() {
    action = [&ctx, key, out]() { return RunCheckpoint(ctx, *key, *out); };
  });

  auto prefix = std::make_shared<std::string>();
  CLI::App* k = app.add_subcommand("keygen", "Make an Ed25519 key pair for signing checkpoints.");
  k->add_option("-o,--output", *prefix, "Path prefix: writes PREFIX.key and PREFIX.pub")->required();
  k->callback([&ctx, &action, prefix]() {
    action = [&ctx, prefix]() { return RunKeygen(ctx, *prefix); };
  });
}

}  // namespace budget_audit::cli

// `budget-audit verify`, `checkpoint` and `keygen`: the auditor's commands,
// over the library's verify.h and checkpoint.h.
#include <cstdio>

#include "budget_audit/checkpoint.h"
#include "budget_audit/compliance.h"
#include "budget_audit/verify.h"
#include "cli.h"

namespace budget_audit::cli {
namespace {

struct VerifyOpts {
  std::string checkpoint_file;
  std::string pubkey_file;
  std::string pack;
};

// verify --pack DIR: the evidence pack against the log (compliance.h).
int RunVerifyPack(Context& ctx, const VerifyOpts& o) {
  if (!o.checkpoint_file.empty()) {
    return ReportError(Status::InvalidArgument("--pack checks the pack's own checkpoint: no --checkpoint"));
  }
  std::optional<std::string> pub;
  if (!o.pubkey_file.empty()) {
    auto key = ReadKeyFile(ctx.env, o.pubkey_file);
    if (!key.ok()) return ReportError(key.status());
    pub = std::move(*key);
  }
  auto check = VerifyEvidencePack(ctx.LogDir(), o.pack, pub, ctx.env);
  if (!check.ok()) return ReportError(check.status());
  std::printf(
      "evidence pack %s: intact; %zu files match SHA256SUMS; the log still holds the checkpoint's %llu "
      "records%s; the %llu records of the pack's days equal the log's\n",
      o.pack.c_str(), check->files.size(), static_cast<unsigned long long>(check->checkpoint_seq),
      check->signature_checked_with.empty()
          ? " (unsigned)"
          : (", signature checked with " + check->signature_checked_with).c_str(),
      static_cast<unsigned long long>(check->records));
  return kExitOk;
}

int RunVerify(Context& ctx, const VerifyOpts& o) {
  if (!o.pack.empty()) return RunVerifyPack(ctx, o);
  VerifyOptions vo;
  vo.env = ctx.env;
  if (!o.checkpoint_file.empty()) {
    auto cp = ReadCheckpointFile(ctx.env, o.checkpoint_file);
    if (!cp.ok()) return ReportError(cp.status());
    if (cp->signature_hex && o.pubkey_file.empty()) {
      return ReportError(Status::InvalidArgument(
          "the checkpoint is signed: give the signer's public key with --pubkey FILE"));
    }
    if (!o.pubkey_file.empty()) {
      auto pub = ReadKeyFile(ctx.env, o.pubkey_file);
      if (!pub.ok()) return ReportError(pub.status());
      vo.public_key_hex = std::move(*pub);
    }
    vo.checkpoint = std::move(*cp);
    vo.checkpoint_name = o.checkpoint_file;
  } else if (!o.pubkey_file.empty()) {
    return ReportError(Status::InvalidArgument("--pubkey goes with --checkpoint"));
  }
  auto report = Verify(ctx.LogDir(), vo);
  if (!report.ok()) return ReportError(report.status());
  const std::string text = VerifyReportText(*report);
  std::fwrite(text.data(), 1, text.size(), stdout);
  return kExitOk;
}

int RunCheckpoint(Context& ctx, const std::string& key_file, const std::string& out_file) {
  CheckpointOptions co;
  co.env = ctx.env;
  co.secret_key_file = key_file;
  auto made = MakeCheckpoint(ctx.LogDir(), co);
  if (!made.ok()) return ReportError(made.status());
  const Checkpoint& c = *made;
  auto out = Output::Open(out_file);
  if (!out.ok()) return ReportError(out.status());
  (*out)->Write(CheckpointToJson(c));
  Status s = (*out)->Finish();
  return s.ok() ? kExitOk : ReportError(s);
}

int RunKeygen(Context& ctx, const std::string& prefix) {
  auto files = WriteNewKeyPair(prefix, ctx.env);
  if (!files.ok()) return ReportError(files.status());
  std::printf(
      "secret key: %s (keep it on the device, mode 0600)\npublic key: %s (give it to the "
      "auditor)\n",
      files->secret_path.c_str(), files->public_path.c_str());
  return kExitOk;
}

}  // namespace

void SetupVerify(CLI::App& app, Context& ctx, Action& action) {
  auto vo = std::make_shared<VerifyOpts>();
  CLI::App* v = app.add_subcommand(
      "verify",
      "Check the integrity of the whole log: every sealed file's hash, every seq, the hash "
      "chain, the manifest. Exit 0 if intact, 1 naming the first problem.");
  v->add_option("--checkpoint", vo->checkpoint_file,
                "Also prove that the log still holds exactly the prefix of this checkpoint");
  v->add_option("--pubkey", vo->pubkey_file, "Public key that must have signed the checkpoint");
  v->add_option(
      "--pack", vo->pack,
      "Re-check an evidence pack (compliance --pack) against the log: its files against SHA256SUMS, "
      "its checkpoint against the log, its records against the log's");
  v->callback([&ctx, &action, vo]() { action = [&ctx, vo]() { return RunVerify(ctx, *vo); }; });

  auto key = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  CLI::App* c =
      app.add_subcommand("checkpoint",
                         "Print the log's current (seq, head hash) as JSON, optionally signed, for an "
                         "auditor to keep off the device.");
  c->add_option("--sign", *key, "Secret key file (from keygen) to sign the checkpoint with");
  c->add_option("-o,--output", *out, "Write the checkpoint to this file instead of standard output");
  c->callback([&ctx, &action, key, out]() {
    action = [&ctx, key, out]() { return RunCheckpoint(ctx, *key, *out); };
  });

  auto prefix = std::make_shared<std::string>();
  CLI::App* k = app.add_subcommand("keygen", "Make an Ed25519 key pair for signing checkpoints.");
  k->add_option("-o,--output", *prefix, "Path prefix: writes PREFIX.key and PREFIX.pub")->required();
  k->callback([&ctx, &action, prefix]() { action = [&ctx, prefix]() { return RunKeygen(ctx, *prefix); }; });
}

}  // namespace budget_audit::cli

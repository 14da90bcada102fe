// budget-audit: the command-line front end. Parses arguments with CLI11,
// dispatches to one subcommand, and maps failures to the exit codes of the
// command-line contract. Exceptions stop here; the library returns Status.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <exception>

#include <fmt/format.h>

#include "cli.h"
#include "parquet/file_writer.h"

namespace budget_audit::cli {
// publish (cmd_publish.cc) and fleet verify / fleet compliance (cmd_fleet.cc).
void SetupPublish(CLI::App& app, Context& ctx, Action& action);
void SetupFleet(CLI::App& app, Context& ctx, Action& action);
}  // namespace budget_audit::cli

namespace {

// Started with descriptor 0, 1 or 2 closed (`budget-audit log >&- 2>&-`),
// the next files opened would get them, and acknowledgements or messages
// meant for stdout and stderr would land in the log's own files. Each closed
// one is opened on /dev/null first (reads see end of input, writes vanish).
void MakeStandardDescriptorsSafe() {
  for (int fd = 0; fd <= 2; ++fd) {
    if (::fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
    int got = ::open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
    if (got < 0) _exit(125);  // nothing safe to write to, and nothing safe to open
    if (got != fd) {          // cannot happen (lowest free descriptor), but be sure
      ::dup2(got, fd);
      ::close(got);
    }
  }
}

// Whatever a command printed must have reached standard output (a full
// disk, a closed pipe): a command that reported its own write error has
// cleared the stream's error, so it is not reported twice.
int CheckStandardOutput(int rc) {
  errno = 0;
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
    int err = errno ? errno : EIO;
    std::fprintf(stderr, "budget-audit: writing standard output: %s\n", std::strerror(err));
    if (rc == budget_audit::cli::kExitOk) rc = budget_audit::cli::kExitProblem;
  }
  return rc;
}

int Run(int argc, char** argv) {
  using namespace budget_audit::cli;

  CLI::App app{
      "budget-audit: the energy-sacrifice audit log of agrivoltaic solar plants.\n"
      "One record per control tick, kept durable and tamper-evident, readable as Parquet."};
  app.set_version_flag("--version", budget_audit::parquet::DefaultCreatedBy());
  app.require_subcommand(0, 1);
  app.fallthrough();

  Context ctx;
  Action action;
  AddConfigFlags(app, ctx.flags);
  app.add_option("--log", ctx.log_dir_flag, "The log directory itself (overrides --data-dir)")
      ->type_name("DIR");
  app.footer(ConfigHelpText());
  SetupCat(app, ctx, action);
  SetupExport(app, ctx, action);
  SetupImport(app, ctx, action);
  SetupInspect(app, ctx, action);
  SetupLog(app, ctx, action);
  SetupVerify(app, ctx, action);
  SetupReports(app, ctx, action);
  SetupCompliance(app, ctx, action);
  SetupPublish(app, ctx, action);
  SetupFleet(app, ctx, action);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }
  // --format before a command is that command's --format: refused for the
  // commands without one (never silently ignored).
  if (!ctx.format_flag.empty() && !app.get_subcommands().empty()) {
    const std::string name = app.get_subcommands().front()->get_name();
    if (name != "report" && name != "daily" && name != "cat" && name != "export") {
      std::fprintf(stderr,
                   "budget-audit: --format %s: the %s command has no --format (report, daily, cat "
                   "and export have)\n",
                   ctx.format_flag.c_str(), name.c_str());
      return kExitUsage;
    }
  }
  // A named config file may move the data directory: load it before any
  // command looks for the log. (The default file, inside the data
  // directory, is read only by the commands that need its settings, so a
  // broken one never stops the log from being written.)
  if (ctx.ConfigFileNamed()) {
    auto config = ctx.LoadConfig();
    if (!config.ok()) return ReportError(config.status());
  }
  if (!action) action = DefaultAction(ctx);
  try {
    return action();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "budget-audit: internal error: %s\n", e.what());
    return kExitProblem;
  }
}

}  // namespace

int main(int argc, char** argv) {
  MakeStandardDescriptorsSafe();
  std::signal(SIGPIPE, SIG_IGN);  // a closed pipe becomes a write error we report
  return CheckStandardOutput(Run(argc, argv));
}

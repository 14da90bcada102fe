// budget-audit: the command-line front end. Parses arguments with CLI11,
// dispatches to one subcommand, and maps failures to the exit codes of the
// command-line contract. Exceptions stop here; the library returns Status.
#include <csignal>
#include <cstdio>
#include <exception>

#include <fmt/format.h>

#include "cli.h"
#include "parquet/file_writer.h"

int main(int argc, char** argv) {
  using namespace budget_audit::cli;
  std::signal(SIGPIPE, SIG_IGN);  // a closed pipe becomes a write error we report

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

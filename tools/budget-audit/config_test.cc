// The flags' side of the configuration: parsing through CLI11 and the help
// text. The loading itself is tested with the library (src/config/).
#include "budget-audit/config.h"

#include <memory>
#include <string>
#include <utility>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <CLI/CLI.hpp>

namespace budget_audit::cli {
namespace {

using ::testing::HasSubstr;

TEST(ConfigFlags, HelpTextNamesEverySource) {
  const std::string help = ConfigHelpText();
  for (const char* s : {"BUDGET_AUDIT_DATA_DIR", "BUDGET_AUDIT_CONFIG", "BUDGET_AUDIT_CAPACITY_KW",
                        "BUDGET_AUDIT_MAX_REDUCTION_PCT", "BUDGET_AUDIT_TIMEZONE", "budget_audit.toml",
                        "monthly_share", "./data", "UTC"}) {
    EXPECT_THAT(help, HasSubstr(s));
  }
}

TEST(ConfigFlags, FlagsThroughCli11) {
  CLI::App app;
  ConfigFlags flags;
  AddConfigFlags(app, flags);
  app.parse(
      "--capacity-kw 250 --max-reduction-pct 4.5 --timezone Europe/Berlin --data-dir /d "
      "--config /etc/x.toml",
      false);
  EXPECT_EQ(flags.capacity_kw, 250.0);
  EXPECT_EQ(flags.max_reduction_pct, 4.5);
  EXPECT_EQ(flags.timezone, "Europe/Berlin");
  EXPECT_EQ(flags.data_dir, "/d");
  EXPECT_EQ(flags.config_file, "/etc/x.toml");

  CLI::App app2;
  ConfigFlags none;
  AddConfigFlags(app2, none);
  app2.parse("", false);
  EXPECT_FALSE(none.capacity_kw || none.max_reduction_pct || none.timezone || none.data_dir ||
               none.config_file);

  CLI::App app3;
  ConfigFlags bad;
  AddConfigFlags(app3, bad);
  EXPECT_THROW(app3.parse("--capacity-kw 25O", false), CLI::ParseError);

  // A value CLI11 accepts but we do not.
  CLI::App app4;
  ConfigFlags nan_flags;
  AddConfigFlags(app4, nan_flags);
  app4.parse("--capacity-kw nan", false);
  std::unique_ptr<Env> env = NewMemEnv();
  ConfigOptions options = FlagConfigOptions(nan_flags, env.get());
  options.getenv = nullptr;
  Result<Config> c = LoadConfig(options);
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(),
              HasSubstr("flag --capacity-kw: capacity_kw: must be a number of kW >= 0"));
}

// The library names the flags as the command line always has.
TEST(ConfigFlags, MessagesNameTheFlags) {
  ConfigFlags flags;
  flags.data_dir = "";
  flags.timezone = "Nowhere/Atlantis";
  flags.max_reduction_pct = 4;
  flags.max_reduction_pct_is_integer = true;
  std::unique_ptr<Env> env = NewMemEnv();
  ConfigOptions options = FlagConfigOptions(flags, env.get());
  EXPECT_EQ(options.names.option_kind, "flag");
  Result<Config> c = LoadConfig(options);
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(),
              AllOf(::testing::StartsWith("2 configuration errors:\n  flag --data-dir: the value "
                                          "is empty\n  flag --timezone: timezone: unknown time "
                                          "zone \"Nowhere/Atlantis\""),
                    ::testing::Not(HasSubstr("argument"))));

  flags = ConfigFlags();
  flags.max_reduction_pct = 4;
  flags.max_reduction_pct_is_integer = true;
  options = FlagConfigOptions(flags, env.get());
  options.getenv = nullptr;
  c = LoadConfig(options);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->origin.max_reduction_pct.ToString(), "flag --max-reduction-pct");
  EXPECT_TRUE(c->max_reduction_pct_is_integer);
  EXPECT_THAT(MissingCapacityMessage(*c), HasSubstr("  --capacity-kw KW               (flag)\n"));
}

// --max-reduction-pct 5 is an integer, 5.0 is not, as the Python version
// echoed them.
TEST(ConfigFlags, PercentageTextThroughCli11) {
  const std::pair<const char*, bool> cases[] = {{"5", true}, {"5.0", false}, {"+4", true}};
  for (const auto& [text, integer] : cases) {
    CLI::App app;
    ConfigFlags flags;
    AddConfigFlags(app, flags);
    app.parse(std::string("--max-reduction-pct ") + text, false);
    EXPECT_EQ(flags.max_reduction_pct_is_integer, integer) << text;
  }
}

}  // namespace
}  // namespace budget_audit::cli

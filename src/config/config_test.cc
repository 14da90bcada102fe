#include "budget_audit/config.h"

#include <stdlib.h>
#include <unistd.h>

#include <cmath>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <toml++/toml.h>

namespace budget_audit {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr char kDefaultFile[] = "./data/budget_audit.toml";

// The command line's names for its flags (tools/budget-audit/config.cc).
ExplicitConfigNames FlagNames() {
  ExplicitConfigNames names;
  names.option_kind = "flag";
  names.separator = " ";
  names.data_dir = "--data-dir";
  names.config_file = "--config";
  names.capacity_kw = "--capacity-kw";
  names.max_reduction_pct = "--max-reduction-pct";
  names.timezone = "--timezone";
  return names;
}

// Where the time zone database is, as error messages name it.
std::string TzDir() {
  const char* dir = std::getenv("TZDIR");
  return dir != nullptr && *dir != '\0' ? dir : "/usr/share/zoneinfo";
}

class ConfigTest : public ::testing::Test {
 protected:
  void WriteFile(const std::string& path, std::string_view text) {
    ASSERT_TRUE(env_->CreateDirs(DirName(path)).ok());
    ASSERT_TRUE(
        env_->WriteFileAtomic(path, {reinterpret_cast<const uint8_t*>(text.data()), text.size()}).ok());
  }

  Result<Config> Load() {
    ConfigOptions options;
    options.values = flags_;
    options.names = names_;
    options.getenv = [this](const char* name) -> const char* {
      auto it = vars_.find(name);
      return it == vars_.end() ? nullptr : it->second.c_str();
    };
    options.env = env_.get();
    return LoadConfig(options);
  }

  Config MustLoad() {
    Result<Config> c = Load();
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return c.ok() ? *c : Config();
  }

  std::string LoadError() {
    Result<Config> c = Load();
    EXPECT_FALSE(c.ok());
    if (c.ok()) return "";
    EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
    return c.status().message();
  }

  // The error of a default config file with this text.
  std::string FileError(std::string_view text) {
    WriteFile(kDefaultFile, text);
    return LoadError();
  }

  std::unique_ptr<Env> env_ = NewMemEnv();
  std::map<std::string, std::string> vars_;
  // The explicit values, named as the command line names its flags, so the
  // expected messages are the ones its users see.
  ExplicitConfig flags_;
  ExplicitConfigNames names_ = FlagNames();
};

// ---------------------------------------------------------------- sources

TEST_F(ConfigTest, DefaultsWithoutAnyConfiguration) {
  Config c = MustLoad();
  EXPECT_EQ(c.data_dir, "./data");
  EXPECT_EQ(c.config_file, kDefaultFile);
  EXPECT_FALSE(c.config_file_found);
  EXPECT_FALSE(c.capacity_kw);
  EXPECT_EQ(c.max_reduction_pct, 5.0);
  EXPECT_EQ(c.timezone, "UTC");
  EXPECT_FALSE(c.annual_potential_kwh);
  EXPECT_FALSE(c.specific_yield_kwh_per_kwp);
  EXPECT_FALSE(c.monthly_share);
  for (const ConfigOrigin* o : {&c.origin.data_dir, &c.origin.config_file, &c.origin.capacity_kw,
                                &c.origin.max_reduction_pct, &c.origin.timezone}) {
    EXPECT_EQ(o->kind, ConfigOrigin::Kind::kDefault);
    EXPECT_EQ(o->ToString(), "default");
  }
}

TEST_F(ConfigTest, FileOverridesDefaults) {
  WriteFile(kDefaultFile,
            "# plant settings\n"
            "capacity_kw = 250.5\n"
            "max_reduction_pct = 4\n"
            "timezone = \"Europe/Berlin\"\n");
  Config c = MustLoad();
  EXPECT_TRUE(c.config_file_found);
  EXPECT_EQ(c.capacity_kw, 250.5);
  EXPECT_EQ(c.max_reduction_pct, 4.0);  // an integer where a float is expected
  EXPECT_EQ(c.timezone, "Europe/Berlin");
  EXPECT_EQ(c.origin.capacity_kw.ToString(), "./data/budget_audit.toml:2:15");
  EXPECT_EQ(c.origin.max_reduction_pct.ToString(), "./data/budget_audit.toml:3:21");
  EXPECT_EQ(c.origin.timezone.kind, ConfigOrigin::Kind::kFile);
  EXPECT_EQ(c.origin.timezone.line, 4);
  EXPECT_EQ(c.origin.data_dir.kind, ConfigOrigin::Kind::kDefault);
}

TEST_F(ConfigTest, EnvironmentOverridesFileAndFlagOverridesEnvironment) {
  WriteFile(kDefaultFile, "capacity_kw = 250\nmax_reduction_pct = 4\ntimezone = \"Europe/Berlin\"\n");
  vars_["BUDGET_AUDIT_CAPACITY_KW"] = "300";
  vars_["BUDGET_AUDIT_MAX_REDUCTION_PCT"] = "3";
  vars_["BUDGET_AUDIT_TIMEZONE"] = "Europe/Paris";
  Config c = MustLoad();
  EXPECT_EQ(c.capacity_kw, 300.0);
  EXPECT_EQ(c.max_reduction_pct, 3.0);
  EXPECT_EQ(c.timezone, "Europe/Paris");
  EXPECT_EQ(c.origin.capacity_kw.ToString(), "environment variable BUDGET_AUDIT_CAPACITY_KW");
  EXPECT_EQ(c.origin.timezone.ToString(), "environment variable BUDGET_AUDIT_TIMEZONE");

  flags_.capacity_kw = 400;
  flags_.max_reduction_pct = 2;
  flags_.timezone = "Asia/Tokyo";
  c = MustLoad();
  EXPECT_EQ(c.capacity_kw, 400.0);
  EXPECT_EQ(c.max_reduction_pct, 2.0);
  EXPECT_EQ(c.timezone, "Asia/Tokyo");
  EXPECT_EQ(c.origin.capacity_kw.ToString(), "flag --capacity-kw");
  EXPECT_EQ(c.origin.max_reduction_pct.ToString(), "flag --max-reduction-pct");
  EXPECT_EQ(c.origin.timezone.ToString(), "flag --timezone");
}

TEST_F(ConfigTest, EachSettingFallsBackIndependently) {
  WriteFile(kDefaultFile, "timezone = \"Europe/Berlin\"\n");
  vars_["BUDGET_AUDIT_MAX_REDUCTION_PCT"] = "3";
  flags_.capacity_kw = 100;
  Config c = MustLoad();
  EXPECT_EQ(c.origin.capacity_kw.kind, ConfigOrigin::Kind::kExplicit);
  EXPECT_EQ(c.origin.max_reduction_pct.kind, ConfigOrigin::Kind::kEnvironment);
  EXPECT_EQ(c.origin.timezone.kind, ConfigOrigin::Kind::kFile);
  EXPECT_EQ(c.origin.data_dir.kind, ConfigOrigin::Kind::kDefault);
}

TEST_F(ConfigTest, DataDirLocatesTheDefaultFile) {
  WriteFile("/srv/env/budget_audit.toml", "capacity_kw = 1\n");
  WriteFile("/srv/flag/budget_audit.toml", "capacity_kw = 2\n");
  vars_["BUDGET_AUDIT_DATA_DIR"] = "/srv/env";
  Config c = MustLoad();
  EXPECT_EQ(c.data_dir, "/srv/env");
  EXPECT_EQ(c.origin.data_dir.ToString(), "environment variable BUDGET_AUDIT_DATA_DIR");
  EXPECT_EQ(c.config_file, "/srv/env/budget_audit.toml");
  EXPECT_EQ(c.capacity_kw, 1.0);

  flags_.data_dir = "/srv/flag/";
  c = MustLoad();
  EXPECT_EQ(c.data_dir, "/srv/flag/");
  EXPECT_EQ(c.origin.data_dir.ToString(), "flag --data-dir");
  EXPECT_EQ(c.config_file, "/srv/flag/budget_audit.toml");
  EXPECT_EQ(c.capacity_kw, 2.0);
}

TEST_F(ConfigTest, ExplicitFileReplacesTheDefaultFile) {
  WriteFile(kDefaultFile, "capacity_kw = 1\nmax_reduction_pct = 1\n");
  WriteFile("/etc/env.toml", "capacity_kw = 2\n");
  WriteFile("/etc/flag.toml", "capacity_kw = 3\n");
  vars_["BUDGET_AUDIT_CONFIG"] = "/etc/env.toml";
  Config c = MustLoad();
  EXPECT_EQ(c.config_file, "/etc/env.toml");
  EXPECT_EQ(c.origin.config_file.ToString(), "environment variable BUDGET_AUDIT_CONFIG");
  EXPECT_EQ(c.capacity_kw, 2.0);
  EXPECT_EQ(c.max_reduction_pct, 5.0);  // the default file was not read

  flags_.config_file = "/etc/flag.toml";
  c = MustLoad();
  EXPECT_EQ(c.config_file, "/etc/flag.toml");
  EXPECT_EQ(c.origin.config_file.ToString(), "flag --config");
  EXPECT_EQ(c.capacity_kw, 3.0);
  EXPECT_EQ(c.origin.capacity_kw.ToString(), "/etc/flag.toml:1:15");
}

TEST_F(ConfigTest, MissingExplicitFileIsAnError) {
  vars_["BUDGET_AUDIT_CONFIG"] = "/etc/nope.toml";
  EXPECT_EQ(LoadError(),
            "environment variable BUDGET_AUDIT_CONFIG: config file /etc/nope.toml does not exist");
  flags_.config_file = "/etc/also-nope.toml";
  EXPECT_EQ(LoadError(), "flag --config: config file /etc/also-nope.toml does not exist");
}

TEST_F(ConfigTest, EmptyVariablesAreUnsetButEmptyFlagsAreErrors) {
  for (const char* var : {"BUDGET_AUDIT_DATA_DIR", "BUDGET_AUDIT_CONFIG", "BUDGET_AUDIT_CAPACITY_KW",
                          "BUDGET_AUDIT_MAX_REDUCTION_PCT", "BUDGET_AUDIT_TIMEZONE"}) {
    vars_[var] = "";
  }
  Config c = MustLoad();
  EXPECT_EQ(c.data_dir, "./data");
  EXPECT_EQ(c.config_file, kDefaultFile);
  EXPECT_EQ(c.timezone, "UTC");

  flags_.data_dir = "";
  flags_.config_file = "";
  flags_.timezone = "";
  EXPECT_EQ(LoadError(),
            "3 configuration errors:\n"
            "  flag --data-dir: the value is empty\n"
            "  flag --config: the value is empty\n"
            "  flag --timezone: the value is empty");
}

// ---------------------------------------------------------------- data_dir

TEST_F(ConfigTest, DataDirInTheDefaultFileIsCircular) {
  EXPECT_THAT(FileError("capacity_kw = 5\ndata_dir = \"/elsewhere\"\n"),
              AllOf(StartsWith("./data/budget_audit.toml:2:1: data_dir: not allowed in the "
                               "default config file"),
                    HasSubstr("--data-dir"), HasSubstr("BUDGET_AUDIT_DATA_DIR"), HasSubstr("--config")));
}

TEST_F(ConfigTest, DataDirInAnExplicitFile) {
  WriteFile("/etc/budget-audit/ba.toml", "data_dir = \"data\"\n");
  flags_.config_file = "/etc/budget-audit/ba.toml";
  Config c = MustLoad();
  EXPECT_EQ(c.data_dir, "/etc/budget-audit/data");  // relative to the file
  EXPECT_EQ(c.origin.data_dir.ToString(), "/etc/budget-audit/ba.toml:1:12");

  WriteFile("/etc/budget-audit/ba.toml", "data_dir = \"/var/lib/budget-audit\"\n");
  EXPECT_EQ(MustLoad().data_dir, "/var/lib/budget-audit");

  vars_["BUDGET_AUDIT_DATA_DIR"] = "/from/env";
  c = MustLoad();
  EXPECT_EQ(c.data_dir, "/from/env");
  EXPECT_EQ(c.origin.data_dir.kind, ConfigOrigin::Kind::kEnvironment);

  flags_.data_dir = "/from/flag";
  EXPECT_EQ(MustLoad().data_dir, "/from/flag");

  WriteFile("/etc/budget-audit/ba.toml", "data_dir = \"\"\n");
  EXPECT_EQ(LoadError(), "/etc/budget-audit/ba.toml:1:12: data_dir: must not be empty");
}

TEST_F(ConfigTest, ExplicitFileRelativePath) {
  WriteFile("conf/ba.toml", "data_dir = \"d\"\ncapacity_kw = 7\n");
  flags_.config_file = "conf/ba.toml";
  Config c = MustLoad();
  EXPECT_EQ(c.data_dir, "conf/d");
  EXPECT_EQ(c.capacity_kw, 7.0);
}

// ---------------------------------------------------------------- validation

TEST_F(ConfigTest, CapacityMustBeFiniteAndNotNegative) {
  flags_.capacity_kw = 0.0;  // allowed, as the Python version allowed it
  EXPECT_EQ(*MustLoad().capacity_kw, 0.0);
  for (double bad : {-5.0, std::nan(""), std::numeric_limits<double>::infinity()}) {
    flags_.capacity_kw = bad;
    EXPECT_THAT(LoadError(), AllOf(StartsWith("flag --capacity-kw: capacity_kw: must be a number of "
                                              "kW >= 0, got "),
                                   HasSubstr(fmt::format("{}", bad))));
  }
  flags_.capacity_kw.reset();
  vars_["BUDGET_AUDIT_CAPACITY_KW"] = "-1";
  EXPECT_EQ(LoadError(),
            "environment variable BUDGET_AUDIT_CAPACITY_KW: capacity_kw: must be a number of kW "
            ">= 0, got -1");
  vars_.clear();
  EXPECT_EQ(FileError("capacity_kw = -5\n"),
            "./data/budget_audit.toml:1:15: capacity_kw: must be a number of kW >= 0, got -5");
  EXPECT_THAT(FileError("capacity_kw = inf\n"), HasSubstr("got inf"));
  EXPECT_THAT(FileError("capacity_kw = nan\n"), HasSubstr("got nan"));
}

TEST_F(ConfigTest, PercentageMustBeInZeroToHundred) {
  for (double bad : {0.0, -1.0, 100.5, std::nan("")}) {
    flags_.max_reduction_pct = bad;
    EXPECT_THAT(LoadError(), StartsWith("flag --max-reduction-pct: max_reduction_pct: must be a "
                                        "percentage in (0, 100], got "));
  }
  for (double good : {100.0, 0.001, 5.0}) {
    flags_.max_reduction_pct = good;
    EXPECT_EQ(MustLoad().max_reduction_pct, good);
  }
  flags_.max_reduction_pct.reset();
  vars_["BUDGET_AUDIT_MAX_REDUCTION_PCT"] = "150";
  EXPECT_THAT(LoadError(), StartsWith("environment variable BUDGET_AUDIT_MAX_REDUCTION_PCT: "
                                      "max_reduction_pct: must be a percentage"));
  vars_.clear();
  EXPECT_EQ(FileError("max_reduction_pct = 0.0\n"),
            "./data/budget_audit.toml:1:21: max_reduction_pct: must be a percentage in (0, 100], "
            "got 0");
}

TEST_F(ConfigTest, EnvironmentNumbers) {
  for (const char* good : {"250", " 250 ", "+250", "2.5e2", "250.0"}) {
    vars_["BUDGET_AUDIT_CAPACITY_KW"] = good;
    Config c = MustLoad();
    EXPECT_EQ(c.capacity_kw, 250.0) << good;
  }
  for (const char* bad : {"abc", "250kW", "25O", "0x10", "1,5", "1e400", "-", "+"}) {
    vars_["BUDGET_AUDIT_CAPACITY_KW"] = bad;
    EXPECT_EQ(LoadError(), fmt::format("environment variable BUDGET_AUDIT_CAPACITY_KW: capacity_kw: "
                                       "not a number: \"{}\"",
                                       bad));
  }
  vars_.clear();
  vars_["BUDGET_AUDIT_MAX_REDUCTION_PCT"] = "5%";
  EXPECT_EQ(LoadError(),
            "environment variable BUDGET_AUDIT_MAX_REDUCTION_PCT: max_reduction_pct: "
            "not a number: \"5%\"");
  vars_["BUDGET_AUDIT_MAX_REDUCTION_PCT"] = "5\n";
  EXPECT_THAT(LoadError(), HasSubstr("not a number: \"5\\u000A\""));
}

TEST_F(ConfigTest, WrongTypes) {
  EXPECT_EQ(FileError("capacity_kw = \"250\"\n"),
            "./data/budget_audit.toml:1:15: capacity_kw: expected a number, got a string "
            "(\"250\"); write the number without quotes");
  EXPECT_EQ(FileError("capacity_kw = \"lots\"\n"),
            "./data/budget_audit.toml:1:15: capacity_kw: expected a number, got a string "
            "(\"lots\")");
  EXPECT_THAT(FileError("capacity_kw = true\n"), HasSubstr("expected a number, got a boolean (true)"));
  EXPECT_THAT(FileError("capacity_kw = [250]\n"), HasSubstr("expected a number, got an array"));
  EXPECT_THAT(FileError("capacity_kw = 2026-01-01\n"), HasSubstr("expected a number, got a date"));
  EXPECT_THAT(FileError("[capacity_kw]\nvalue = 5\n"), HasSubstr("expected a number, got a table"));
  EXPECT_THAT(FileError("capacity_kw.value = 5\n"), HasSubstr("expected a number, got a table"));
  EXPECT_EQ(FileError("timezone = 1\n"),
            "./data/budget_audit.toml:1:12: timezone: expected a string, got an integer (1)");
  EXPECT_THAT(FileError("max_reduction_pct = \"5 %\"\n"),
              HasSubstr("max_reduction_pct: expected a number, got a string (\"5 %\")"));
}

TEST_F(ConfigTest, UnknownKeysSuggestTheKnownOne) {
  EXPECT_EQ(FileError("capcity_kw = 5\n"),
            "./data/budget_audit.toml:1:1: \"capcity_kw\": unknown key (did you mean capacity_kw?)");
  EXPECT_THAT(FileError("\n\nSYSTEM_CAPACITY_KW = 5\n"),
              AllOf(StartsWith("./data/budget_audit.toml:3:1: \"SYSTEM_CAPACITY_KW\": unknown key"),
                    HasSubstr("did you mean capacity_kw?")));
  EXPECT_THAT(FileError("MAX_ENERGY_REDUCTION_PCT = 5\n"), HasSubstr("did you mean max_reduction_pct?"));
  EXPECT_THAT(FileError("time_zone = \"UTC\"\n"), HasSubstr("did you mean timezone?"));
  EXPECT_THAT(FileError("capacity = 5\n"), HasSubstr("did you mean capacity_kw?"));
  EXPECT_THAT(FileError("Capacity_KW = 5\n"), HasSubstr("did you mean capacity_kw?"));
  EXPECT_THAT(FileError("monthly_shares = []\n"), HasSubstr("did you mean monthly_share?"));
  EXPECT_THAT(FileError("specific_yield = 1000\n"), HasSubstr("did you mean specific_yield_kwh_per_kwp?"));
  EXPECT_THAT(FileError("colour = \"blue\"\n"),
              AllOf(HasSubstr("\"colour\": unknown key; the keys are capacity_kw, "),
                    Not(HasSubstr("did you mean"))));
  EXPECT_THAT(FileError("\"capacity_kw \" = 5\n"), HasSubstr("did you mean capacity_kw?"));
}

// TOML puts every key after a [header] into that table.
TEST_F(ConfigTest, KeysBelowASectionHeaderAreExplained) {
  EXPECT_THAT(FileError("[site]\nname = \"Heggelbach\"\ncapacity_kw = 194\n"),
              AllOf(StartsWith("./data/budget_audit.toml:1:2: \"site\": unknown key"),
                    HasSubstr("capacity_kw at line 3 is inside [site]"),
                    HasSubstr("move it above the first [header]")));
  EXPECT_THAT(
      FileError("[site]\nname = \"x\"\n"),
      AllOf(HasSubstr("\"site\": unknown key; the keys are capacity_kw, "), Not(HasSubstr("is inside"))));
}

TEST_F(ConfigTest, MalformedToml) {
  EXPECT_THAT(FileError("capacity_kw = 5\ntimezone = \"UTC\n"), StartsWith("./data/budget_audit.toml:2:"));
  EXPECT_THAT(FileError("capacity_kw = 5\ntimezone = \"UTC\n"), HasSubstr(": malformed TOML: "));
  EXPECT_THAT(FileError("capacity_kw = = 5\n"),
              StartsWith("./data/budget_audit.toml:1:15: malformed TOML: "));
  EXPECT_THAT(FileError("capacity_kw = 5\ncapacity_kw = 6\n"),
              AllOf(StartsWith("./data/budget_audit.toml:2:"), HasSubstr("capacity_kw")));
  // (toml++ places an invalid byte at the end of the character before it.)
  EXPECT_THAT(FileError(std::string_view("capacity_kw = 5\n\xff\xfe\n", 19)),
              AllOf(StartsWith("./data/budget_audit.toml:"),
                    HasSubstr(": malformed TOML: Encountered invalid utf-8 sequence")));
  EXPECT_THAT(FileError("capacity_kw 5\n"), StartsWith("./data/budget_audit.toml:1:"));
}

TEST_F(ConfigTest, ByteOrderMarkAndCrLfAreFine) {
  WriteFile(kDefaultFile,
            "\xef\xbb\xbf"
            "capacity_kw = 5\r\ntimezone = \"Etc/GMT+7\"\r\n");
  Config c = MustLoad();
  EXPECT_EQ(c.capacity_kw, 5.0);
  EXPECT_EQ(c.timezone, "Etc/GMT+7");
  EXPECT_EQ(c.origin.timezone.line, 2);
}

TEST_F(ConfigTest, EmptyFileIsFine) {
  WriteFile(kDefaultFile, "");
  Config c = MustLoad();
  EXPECT_TRUE(c.config_file_found);
  EXPECT_FALSE(c.capacity_kw);
}

TEST_F(ConfigTest, HugeFileIsRejected) {
  WriteFile(kDefaultFile, std::string((1 << 20) + 1, '#'));
  EXPECT_THAT(LoadError(),
              AllOf(StartsWith("cannot read config file ./data/budget_audit.toml"), HasSubstr("limit")));
}

TEST_F(ConfigTest, UnknownTimeZones) {
  EXPECT_EQ(FileError("timezone = \"Europe/Berln\"\n"),
            "./data/budget_audit.toml:1:12: timezone: unknown time zone \"Europe/Berln\" (not in "
            "the time zone database at " +
                TzDir() + "); did you mean \"Europe/Berlin\"?");
  vars_["BUDGET_AUDIT_TIMEZONE"] = "UTC+7";
  WriteFile(kDefaultFile, "");
  EXPECT_THAT(LoadError(),
              AllOf(StartsWith("environment variable BUDGET_AUDIT_TIMEZONE: timezone: \"UTC+7\" is "
                               "a fixed UTC offset"),
                    HasSubstr("Etc/GMT-7")));
  vars_.clear();
  flags_.timezone = "localtime";
  EXPECT_THAT(LoadError(), StartsWith("flag --timezone: timezone: \"localtime\" is this machine's"));
  flags_.timezone = "Etc/GMT+7";
  EXPECT_EQ(MustLoad().timezone, "Etc/GMT+7");
}

// A bad value is reported even when a higher source overrides it.
TEST_F(ConfigTest, OverriddenValuesAreStillValidated) {
  flags_.capacity_kw = 100;
  flags_.timezone = "Europe/Berlin";
  vars_["BUDGET_AUDIT_CAPACITY_KW"] = "abc";
  EXPECT_THAT(LoadError(), HasSubstr("BUDGET_AUDIT_CAPACITY_KW: capacity_kw: not a number"));
  vars_.clear();
  EXPECT_THAT(FileError("capacity_kw = -1\ntimezone = \"Mars/Olympus\"\n"),
              AllOf(HasSubstr(":1:15: capacity_kw"), HasSubstr(":2:12: timezone")));
}

TEST_F(ConfigTest, AllProblemsAtOnceInOrder) {
  flags_.max_reduction_pct = 0;
  vars_["BUDGET_AUDIT_CAPACITY_KW"] = "x";
  EXPECT_EQ(FileError("timezone = \"Nowhere/Atlantis\"\n"
                      "capacity_kw = -1\n"
                      "colour = \"blue\"\n"
                      "max_reduction_pct = 101\n"),
            "6 configuration errors:\n"
            "  flag --max-reduction-pct: max_reduction_pct: must be a percentage in (0, 100], got 0\n"
            "  environment variable BUDGET_AUDIT_CAPACITY_KW: capacity_kw: not a number: \"x\"\n"
            "  ./data/budget_audit.toml:1:12: timezone: unknown time zone \"Nowhere/Atlantis\" (not "
            "in the time zone database at " +
                TzDir() +
                ")\n"
                "  ./data/budget_audit.toml:2:15: capacity_kw: must be a number of kW >= 0, got -1\n"
                "  ./data/budget_audit.toml:3:1: \"colour\": unknown key; the keys are capacity_kw, "
                "max_reduction_pct, timezone, data_dir, annual_potential_kwh, "
                "specific_yield_kwh_per_kwp, monthly_share, budget_year_start, potential_file, "
                "monthly_file, latitude, signing_key, site_id\n"
                "  ./data/budget_audit.toml:4:21: max_reduction_pct: must be a percentage in (0, 100], "
                "got 101");
}

// ---------------------------------------------------------------- report inputs

TEST_F(ConfigTest, AnnualPotential) {
  WriteFile(kDefaultFile, "annual_potential_kwh = 1266000\n");
  Config c = MustLoad();
  EXPECT_EQ(c.annual_potential_kwh, 1266000.0);
  EXPECT_EQ(c.origin.annual_potential_kwh.line, 1);
  EXPECT_FALSE(c.specific_yield_kwh_per_kwp);

  WriteFile(kDefaultFile, "specific_yield_kwh_per_kwp = 990.5\n");
  c = MustLoad();
  EXPECT_EQ(c.specific_yield_kwh_per_kwp, 990.5);
  EXPECT_FALSE(c.annual_potential_kwh);

  EXPECT_EQ(FileError("annual_potential_kwh = 0\n"),
            "./data/budget_audit.toml:1:24: annual_potential_kwh: must be a positive number of kWh "
            "per year, got 0");
  EXPECT_THAT(FileError("specific_yield_kwh_per_kwp = 9000\n"),
              HasSubstr("specific_yield_kwh_per_kwp: must be in (0, 8760] kWh per kWp per year, "
                        "got 9000"));
  EXPECT_THAT(FileError("annual_potential_kwh = 1e6\nspecific_yield_kwh_per_kwp = 1000\n"),
              AllOf(StartsWith("./data/budget_audit.toml:2:30: specific_yield_kwh_per_kwp: set "
                               "only one of annual_potential_kwh (line 1)")));
}

TEST_F(ConfigTest, MonthlyShare) {
  WriteFile(kDefaultFile, "monthly_share = [2.5, 4.5, 8, 10.5, 12.5, 13.5, 13.5, 12, 9.5, 7, 4, 2.5]\n");
  Config c = MustLoad();
  ASSERT_TRUE(c.monthly_share);
  EXPECT_EQ((*c.monthly_share)[0], 2.5);
  EXPECT_EQ((*c.monthly_share)[5], 13.5);
  EXPECT_EQ((*c.monthly_share)[11], 2.5);
  EXPECT_EQ(c.origin.monthly_share.ToString(), "./data/budget_audit.toml:1:17");

  // Within the ±0.5 tolerance; zero months (polar sites) are allowed.
  WriteFile(kDefaultFile,
            "monthly_share = [\n  0, 4.5, 8, 10.5, 12.5, 13.5,\n  13.5, 12, 9.5, 7, 4, 5.4\n]\n");
  EXPECT_TRUE(MustLoad().monthly_share);
  // The default of planning tools: 8.33 each (sum 99.96).
  WriteFile(kDefaultFile,
            "monthly_share = [8.33, 8.33, 8.33, 8.33, 8.33, 8.33, "
            "8.33, 8.33, 8.33, 8.33, 8.33, 8.33]\n");
  EXPECT_TRUE(MustLoad().monthly_share);
}

TEST_F(ConfigTest, MonthlyShareErrors) {
  EXPECT_EQ(FileError("monthly_share = [8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8]\n"),
            "./data/budget_audit.toml:1:17: monthly_share: has 11 values; expected 12 (January to "
            "December)");
  EXPECT_EQ(FileError("monthly_share = [8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8]\n"),
            "./data/budget_audit.toml:1:17: monthly_share: the 12 shares sum to 96 %; they must sum "
            "to 100 ± 0.5");
  EXPECT_THAT(FileError("monthly_share = [0.0833, 0.0833, 0.0833, 0.0833, 0.0833, 0.0833, "
                        "0.0833, 0.0833, 0.0833, 0.0833, 0.0833, 0.0837]\n"),
              HasSubstr("these look like fractions: give percentages"));
  EXPECT_EQ(FileError("monthly_share = [8, 8, 8, \"9\", 8, 8, 8, 8, 8, 8, 8, 8]\n"),
            "./data/budget_audit.toml:1:27: monthly_share value 4 (April): expected a number, got "
            "a string (\"9\"); write the number without quotes");
  EXPECT_THAT(FileError("monthly_share = [8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, -8]\n"),
              HasSubstr("monthly_share value 12 (December): must be a percentage in [0, 100], got "
                        "-8"));
  EXPECT_THAT(FileError("monthly_share = 100\n"),
              HasSubstr("monthly_share: expected an array of 12 percentages, got an integer (100)"));
  EXPECT_THAT(FileError("monthly_share = [8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, nan]\n"), HasSubstr("got nan"));
}

// ---------------------------------------------------------------- outputs

TEST_F(ConfigTest, DescribeConfigIsTomlWithOrigins) {
  WriteFile(kDefaultFile,
            "capacity_kw = 250\ntimezone = \"Europe/Berlin\"\n"
            "monthly_share = [8.5, 8.5, 8.5, 8.5, 8.5, 8.5, 8.5, 8.5, 8, 8, 8, 8]\n");
  vars_["BUDGET_AUDIT_MAX_REDUCTION_PCT"] = "4.5";
  const std::string text = DescribeConfig(MustLoad());
  EXPECT_THAT(text, HasSubstr("# config file: ./data/budget_audit.toml (default)\n"));
  EXPECT_THAT(text, HasSubstr("data_dir = \"./data\""));
  EXPECT_THAT(text, HasSubstr("capacity_kw = 250"));
  EXPECT_THAT(text, HasSubstr("# ./data/budget_audit.toml:1:15\n"));
  EXPECT_THAT(text, HasSubstr("# environment variable BUDGET_AUDIT_MAX_REDUCTION_PCT\n"));
  EXPECT_THAT(text, HasSubstr("# annual_potential_kwh is not set\n"));
  // What it prints is valid TOML with the same values.
  toml::table t = toml::parse(text);
  EXPECT_EQ(t["capacity_kw"].value<double>(), 250.0);
  EXPECT_EQ(t["max_reduction_pct"].value<double>(), 4.5);
  EXPECT_EQ(t["timezone"].value<std::string>(), "Europe/Berlin");
  EXPECT_EQ(t["monthly_share"].as_array()->size(), 12u);

  flags_.data_dir = "/odd \"dir\"\\";
  const std::string odd = DescribeConfig(MustLoad());
  EXPECT_THAT(odd, HasSubstr("# capacity_kw is not set\n"));
  EXPECT_THAT(odd, HasSubstr("(default; not found)"));
  EXPECT_EQ(toml::parse(odd)["data_dir"].value<std::string>(), "/odd \"dir\"\\");
}

TEST_F(ConfigTest, MissingCapacityNamesAllThreeWays) {
  Config c = MustLoad();
  Result<double> r = RequireCapacityKw(c);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), MissingCapacityMessage(c));
  EXPECT_THAT(r.status().message(),
              AllOf(HasSubstr("capacity is not set"), HasSubstr("--capacity-kw KW"),
                    HasSubstr("BUDGET_AUDIT_CAPACITY_KW=KW"), HasSubstr("capacity_kw = KW"),
                    HasSubstr("./data/budget_audit.toml, which does not exist")));

  WriteFile(kDefaultFile, "timezone = \"UTC\"\n");
  EXPECT_THAT(MissingCapacityMessage(MustLoad()),
              HasSubstr("./data/budget_audit.toml, which exists but does not set it"));

  flags_.capacity_kw = 12.5;
  EXPECT_EQ(*RequireCapacityKw(MustLoad()), 12.5);
}

// ---------------------------------------------------------------- the library API

// A binding passes its keyword arguments as the explicit values and leaves
// the names at their defaults.
TEST_F(ConfigTest, ExplicitValuesFromABinding) {
  names_ = ExplicitConfigNames();
  WriteFile(kDefaultFile, "capacity_kw = 250\nmax_reduction_pct = 4.5\n");
  vars_["BUDGET_AUDIT_CAPACITY_KW"] = "300";
  flags_.capacity_kw = 194;
  flags_.max_reduction_pct = 5;
  flags_.max_reduction_pct_is_integer = true;  // a Python int
  flags_.timezone = "Europe/Berlin";
  Config c = MustLoad();
  EXPECT_EQ(c.capacity_kw, 194.0);
  EXPECT_EQ(c.max_reduction_pct, 5.0);
  EXPECT_TRUE(c.max_reduction_pct_is_integer);
  EXPECT_EQ(c.timezone, "Europe/Berlin");
  EXPECT_EQ(c.origin.capacity_kw.kind, ConfigOrigin::Kind::kExplicit);
  EXPECT_EQ(c.origin.capacity_kw.name, "capacity_kw");
  EXPECT_EQ(c.origin.capacity_kw.ToString(), "argument capacity_kw");
  EXPECT_EQ(c.origin.max_reduction_pct.ToString(), "argument max_reduction_pct");
  EXPECT_EQ(c.origin.timezone.ToString(), "argument timezone");

  // Each message names the argument as the binding does.
  flags_.capacity_kw = -1;
  flags_.timezone = "";
  EXPECT_EQ(LoadError(),
            "2 configuration errors:\n"
            "  argument capacity_kw: capacity_kw: must be a number of kW >= 0, got -1\n"
            "  argument timezone: the value is empty");
}

TEST_F(ConfigTest, MessagesUseTheFrontEndsNames) {
  names_ = ExplicitConfigNames();
  EXPECT_THAT(FileError("data_dir = \"/elsewhere\"\n"),
              HasSubstr("use data_dir or BUDGET_AUDIT_DATA_DIR, or put data_dir in a file named "
                        "by config or BUDGET_AUDIT_CONFIG"));
  WriteFile(kDefaultFile, "");
  Config c = MustLoad();
  EXPECT_THAT(MissingCapacityMessage(c),
              AllOf(HasSubstr("  capacity_kw=KW                 (argument)\n"),
                    HasSubstr("  BUDGET_AUDIT_CAPACITY_KW=KW    (environment variable)\n")));
  EXPECT_THAT(DescribeConfig(c), StartsWith("# budget-audit configuration. Precedence: argument > "
                                            "environment > config file > default.\n"));

  // The command line's, byte for byte as it has always printed them.
  names_ = FlagNames();
  c = MustLoad();
  EXPECT_EQ(MissingCapacityMessage(c),
            "the plant's capacity is not set; this report needs it to compute the energy "
            "ceiling. Set it in one of three ways:\n"
            "  --capacity-kw KW               (flag)\n"
            "  BUDGET_AUDIT_CAPACITY_KW=KW    (environment variable)\n"
            "  capacity_kw = KW               (in the config file ./data/budget_audit.toml, which "
            "exists but does not set it)");
  EXPECT_THAT(DescribeConfig(c), StartsWith("# budget-audit configuration. Precedence: flag > "
                                            "environment > config file > default.\n"));
}

// How the winning source wrote the percentage decides how the rollup echoes
// it.
TEST_F(ConfigTest, PercentageWrittenAsAnInteger) {
  EXPECT_FALSE(MustLoad().max_reduction_pct_is_integer);  // the default, 5.0
  WriteFile(kDefaultFile, "max_reduction_pct = 4\n");
  EXPECT_TRUE(MustLoad().max_reduction_pct_is_integer);
  WriteFile(kDefaultFile, "max_reduction_pct = 4.0\n");
  EXPECT_FALSE(MustLoad().max_reduction_pct_is_integer);
  vars_["BUDGET_AUDIT_MAX_REDUCTION_PCT"] = " 3 ";
  EXPECT_TRUE(MustLoad().max_reduction_pct_is_integer);
  vars_["BUDGET_AUDIT_MAX_REDUCTION_PCT"] = "3.0";
  EXPECT_FALSE(MustLoad().max_reduction_pct_is_integer);
  flags_.max_reduction_pct = 2;
  EXPECT_FALSE(MustLoad().max_reduction_pct_is_integer);
  flags_.max_reduction_pct_is_integer = true;
  EXPECT_TRUE(MustLoad().max_reduction_pct_is_integer);
}

TEST_F(ConfigTest, InjectedEnvironmentIsTheOnlyOneRead) {
  // The fixture's lookup: every variable the loader asks for, and nothing
  // from the process.
  std::vector<std::string> asked;
  ConfigOptions options;
  options.env = env_.get();
  options.getenv = [&asked](const char* name) -> const char* {
    asked.push_back(name);
    return std::string_view(name) == "BUDGET_AUDIT_TIMEZONE" ? "Asia/Tokyo" : nullptr;
  };
  Result<Config> c = LoadConfig(options);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->timezone, "Asia/Tokyo");
  EXPECT_EQ(c->origin.timezone.ToString(), "environment variable BUDGET_AUDIT_TIMEZONE");
  for (const char* var : {"BUDGET_AUDIT_DATA_DIR", "BUDGET_AUDIT_CONFIG", "BUDGET_AUDIT_CAPACITY_KW",
                          "BUDGET_AUDIT_MAX_REDUCTION_PCT", "BUDGET_AUDIT_TIMEZONE"}) {
    EXPECT_THAT(asked, ::testing::Contains(var));
  }
  for (const std::string& var : asked) EXPECT_THAT(var, StartsWith("BUDGET_AUDIT_"));

  // An empty lookup: no environment at all.
  options.getenv = nullptr;
  c = LoadConfig(options);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->timezone, "UTC");
}

// The default lookup is the process environment.
TEST(ConfigEnvironment, DefaultsToTheProcessEnvironment) {
  ASSERT_EQ(getenv("BUDGET_AUDIT_TIMEZONE"), nullptr) << "the test needs it unset";
  ASSERT_EQ(setenv("BUDGET_AUDIT_TIMEZONE", "Pacific/Auckland", 1), 0);
  std::unique_ptr<Env> env = NewMemEnv();
  ConfigOptions options;
  options.env = env.get();
  Result<Config> c = LoadConfig(options);
  ASSERT_EQ(unsetenv("BUDGET_AUDIT_TIMEZONE"), 0);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->timezone, "Pacific/Auckland");
  EXPECT_EQ(c->origin.timezone.kind, ConfigOrigin::Kind::kEnvironment);
}

// Where every front end finds the log by default.
TEST_F(ConfigTest, LogLocation) {
  EXPECT_EQ(DefaultLogDir("./data"), "./data/budget_audit/slot_log");
  EXPECT_EQ(DefaultLogDir("/srv/plant/"), "/srv/plant/budget_audit/slot_log");
  EXPECT_EQ(MustLoad().log_dir(), "./data/budget_audit/slot_log");

  auto options = [this]() {
    ConfigOptions o;
    o.values = flags_;
    o.names = names_;
    o.getenv = [this](const char* name) -> const char* {
      auto it = vars_.find(name);
      return it == vars_.end() ? nullptr : it->second.c_str();
    };
    o.env = env_.get();
    return o;
  };
  EXPECT_FALSE(ConfigFileNamed(options()));
  EXPECT_EQ(DataDirWithoutFile(options()), "./data");
  EXPECT_EQ(*FindLogDir(options()), "./data/budget_audit/slot_log");

  // The default file is not read to find the log: a broken one does not
  // stop it from being found (LoadConfig still reports it).
  WriteFile(kDefaultFile, "capacity_kw = = 1\n");
  EXPECT_EQ(*FindDataDir(options()), "./data");
  EXPECT_FALSE(LoadConfig(options()).ok());

  vars_["BUDGET_AUDIT_DATA_DIR"] = "/from/env";
  EXPECT_EQ(*FindLogDir(options()), "/from/env/budget_audit/slot_log");
  flags_.data_dir = "";  // an empty value counts as unset here
  EXPECT_EQ(DataDirWithoutFile(options()), "/from/env");
  flags_.data_dir = "/from/flag";
  EXPECT_EQ(*FindLogDir(options()), "/from/flag/budget_audit/slot_log");
  flags_.data_dir.reset();
  vars_.clear();

  // A named file may move the data directory, and is read (and checked)
  // to find it.
  WriteFile("/etc/ba.toml", "data_dir = \"/var/lib/ba\"\n");
  vars_["BUDGET_AUDIT_CONFIG"] = "/etc/ba.toml";
  EXPECT_TRUE(ConfigFileNamed(options()));
  EXPECT_EQ(DataDirWithoutFile(options()), "./data");
  EXPECT_EQ(*FindDataDir(options()), "/var/lib/ba");
  EXPECT_EQ(*FindLogDir(options()), "/var/lib/ba/budget_audit/slot_log");
  EXPECT_EQ(MustLoad().log_dir(), "/var/lib/ba/budget_audit/slot_log");
  WriteFile("/etc/ba.toml", "data_dir = 5\n");
  Result<std::string> bad = FindLogDir(options());
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "/etc/ba.toml:1:12: data_dir: expected a string, got an integer (5)");

  vars_.clear();
  flags_.config_file = "";  // named, though empty: LoadConfig says so
  EXPECT_TRUE(ConfigFileNamed(options()));
  EXPECT_EQ(FindDataDir(options()).status().message(), "flag --config: the value is empty");
}

TEST(ConfigFileKeys, InTheOrderMessagesListThem) {
  std::vector<std::string> keys(ConfigFileKeys().begin(), ConfigFileKeys().end());
  EXPECT_THAT(keys, ::testing::ElementsAre("capacity_kw", "max_reduction_pct", "timezone", "data_dir",
                                           "annual_potential_kwh", "specific_yield_kwh_per_kwp",
                                           "monthly_share", "budget_year_start", "potential_file",
                                           "monthly_file", "latitude", "signing_key", "site_id"));
}

TEST(ConfigComplianceKeys, ReadValidatedAndRelativeToTheFile) {
  auto env = NewMemEnv();
  ASSERT_TRUE(env->CreateDirs("/site").ok());
  const std::string good =
      "budget_year_start = \"07-01\"\npotential_file = \"pvgis.json\"\nmonthly_file = "
      "\"/abs/m.csv\"\nlatitude = -33.9\n";
  ASSERT_TRUE(env->WriteFileAtomic(
                     "/site/a.toml",
                     std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(good.data()), good.size()))
                  .ok());
  ConfigOptions o;
  o.env = env.get();
  o.getenv = {};
  o.values.config_file = "/site/a.toml";
  auto c = LoadConfig(o);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->budget_year_start, "07-01");
  EXPECT_EQ(c->potential_file, "/site/pvgis.json");
  EXPECT_EQ(c->monthly_file, "/abs/m.csv");
  EXPECT_EQ(c->latitude, -33.9);
  EXPECT_THAT(DescribeConfig(*c), ::testing::HasSubstr("budget_year_start = \"07-01\""));
  const std::string bad = "budget_year_start = \"02-29\"\nlatitude = 123\n";
  ASSERT_TRUE(
      env->WriteFileAtomic("/site/b.toml",
                           std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bad.data()), bad.size()))
          .ok());
  o.values.config_file = "/site/b.toml";
  auto b = LoadConfig(o);
  ASSERT_FALSE(b.ok());
  EXPECT_THAT(b.status().message(), ::testing::HasSubstr("a budget year cannot start on 02-29"));
  EXPECT_THAT(b.status().message(), ::testing::HasSubstr("latitude: 123 is not a latitude"));
  // Without the keys: the defaults.
  ConfigOptions none;
  none.env = env.get();
  none.getenv = {};
  auto d = LoadConfig(none);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->budget_year_start, "01-01");
  EXPECT_TRUE(d->potential_file.empty());
}

TEST(ConfigOrigin, ToString) {
  EXPECT_EQ(ConfigOrigin::Default().ToString(), "default");
  EXPECT_EQ(ConfigOrigin::Explicit("flag", "--timezone").ToString(), "flag --timezone");
  EXPECT_EQ(ConfigOrigin::Environment("BUDGET_AUDIT_TIMEZONE").ToString(),
            "environment variable BUDGET_AUDIT_TIMEZONE");
  EXPECT_EQ(ConfigOrigin::File("/etc/x.toml", 3, 15).ToString(), "/etc/x.toml:3:15");
  EXPECT_EQ(ConfigOrigin::File("/etc/x.toml", 0, 0).ToString(), "/etc/x.toml");
}

// The real file system, through the POSIX Env.
TEST(ConfigPosix, ReadsRealFiles) {
  char dir_template[] = "/tmp/config_test.XXXXXX";
  const char* dir = mkdtemp(dir_template);
  ASSERT_NE(dir, nullptr);
  Env* env = Env::Default();
  const std::string file = JoinPath(dir, "budget_audit.toml");
  const std::string text = "capacity_kw = 99\n";
  ASSERT_TRUE(env->WriteFileAtomic(file, {reinterpret_cast<const uint8_t*>(text.data()), text.size()}).ok());
  ConfigOptions options;
  options.names = FlagNames();
  options.getenv = nullptr;  // no environment
  options.env = env;
  ExplicitConfig& flags = options.values;
  flags.data_dir = dir;
  Result<Config> c = LoadConfig(options);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->capacity_kw, 99.0);
  EXPECT_TRUE(c->config_file_found);

  // A directory where the file should be.
  flags.config_file = dir;
  c = LoadConfig(options);
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(),
              StartsWith(fmt::format("flag --config: cannot read config file {}", dir)));

  // A data directory that does not exist: the default file is just absent.
  flags.config_file.reset();
  flags.data_dir = JoinPath(dir, "missing");
  c = LoadConfig(options);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_FALSE(c->config_file_found);

  ASSERT_TRUE(env->DeleteFile(file).ok());
  ASSERT_EQ(rmdir(dir), 0);
}

}  // namespace
}  // namespace budget_audit

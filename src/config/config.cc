// The configuration loader (include/budget_audit/config.h): every source
// read into one value with its origin, every problem collected before any
// is returned, so a front end reports them all at once.
#include "budget_audit/config.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <exception>
#include <tuple>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <toml++/toml.h>

#include "config/number_text.h"
#include "util/civil_time.h"
#include "util/text.h"
#include "util/time_zone.h"

namespace budget_audit {
namespace config {

bool IsIntegerText(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  if (!s.empty() && (s.front() == '+' || s.front() == '-')) s.remove_prefix(1);
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::optional<double> ParseNumber(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  if (s.size() > 1 && s.front() == '+' && s[1] != '-') s.remove_prefix(1);
  if (s.empty()) return std::nullopt;
  double v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace config

namespace {

using config::IsIntegerText;
using config::ParseNumber;

// Config files are a few hundred bytes; anything this big is a wrong path.
constexpr uint64_t kMaxConfigFileBytes = 1 << 20;

constexpr std::string_view kKeyDataDir = "data_dir";
constexpr std::string_view kKeyCapacityKw = "capacity_kw";
constexpr std::string_view kKeyMaxReductionPct = "max_reduction_pct";
constexpr std::string_view kKeyTimezone = "timezone";
constexpr std::string_view kKeyAnnualPotentialKwh = "annual_potential_kwh";
constexpr std::string_view kKeySpecificYield = "specific_yield_kwh_per_kwp";
constexpr std::string_view kKeyMonthlyShare = "monthly_share";
constexpr std::string_view kKeyBudgetYearStart = "budget_year_start";
constexpr std::string_view kKeyPotentialFile = "potential_file";
constexpr std::string_view kKeyMonthlyFile = "monthly_file";
constexpr std::string_view kKeyLatitude = "latitude";
constexpr std::string_view kKeySigningKey = "signing_key";
constexpr std::string_view kKeySiteId = "site_id";

constexpr std::string_view kKnownKeys[] = {
    kKeyCapacityKw,    kKeyMaxReductionPct, kKeyTimezone,        kKeyDataDir,       kKeyAnnualPotentialKwh,
    kKeySpecificYield, kKeyMonthlyShare,    kKeyBudgetYearStart, kKeyPotentialFile, kKeyMonthlyFile,
    kKeyLatitude,      kKeySigningKey,      kKeySiteId,
};

// Other spellings people will try, compared in lower case: the Python
// version's settings, and the flags' spelling.
constexpr std::pair<std::string_view, std::string_view> kAliases[] = {
    {"system_capacity_kw", kKeyCapacityKw},
    {"max_energy_reduction_pct", kKeyMaxReductionPct},
    {"capacity-kw", kKeyCapacityKw},
    {"max-reduction-pct", kKeyMaxReductionPct},
    {"data-dir", kKeyDataDir},
    {"tz", kKeyTimezone},
    {"annual_potential", kKeyAnnualPotentialKwh},
    {"specific_yield", kKeySpecificYield},
    {"monthly_shares", kKeyMonthlyShare},
    {"year_start", kKeyBudgetYearStart},
    {"pvgis_file", kKeyPotentialFile},
    {"lat", kKeyLatitude},
    {"site-id", kKeySiteId},
};

constexpr const char* kMonthNames[12] = {"January",   "February", "March",    "April",
                                         "May",       "June",     "July",     "August",
                                         "September", "October",  "November", "December"};

// A value and where it came from.
template <typename T>
struct Sourced {
  T value;
  ConfigOrigin origin;
};

// Sets `value` and `origin` from the first source (an optional Sourced)
// that has a value; leaves them alone if none has.
template <typename T, typename... Sources>
void TakeFirst(T& value, ConfigOrigin& origin, const Sources&... sources) {
  bool done = false;
  auto consider = [&](const auto& source) {
    if (done || !source) return;
    value = source->value;
    origin = source->origin;
    done = true;
  };
  (consider(sources), ...);
}

// The known key an unknown one was probably meant to be.
std::optional<std::string_view> SuggestKey(std::string_view key) {
  const std::string lower = AsciiLower(key);
  for (const auto& [alias, known] : kAliases) {
    if (lower == alias) return known;
  }
  std::optional<std::string_view> best;
  size_t best_distance = SIZE_MAX;
  for (std::string_view known : kKnownKeys) {
    size_t d = EditDistance(lower, known);
    const bool prefix = lower.size() >= 4 && (known.starts_with(lower) || lower.starts_with(known));
    if (prefix) d = std::min<size_t>(d, 1);
    if (d <= std::max<size_t>(2, known.size() / 4) && d < best_distance) {
      best_distance = d;
      best = known;
    }
  }
  return best;
}

bool IsKnownKey(std::string_view key) {
  return std::find(std::begin(kKnownKeys), std::end(kKnownKeys), key) != std::end(kKnownKeys);
}

// Validation shared by every source. Each returns the problem, or "".
std::string CheckCapacityKw(double v) {
  // 0 is allowed, as the Python version allowed it (a ceiling of 0: every
  // sacrifice is over it, utilization_pct reads 0).
  if (std::isfinite(v) && v >= 0) return "";
  return fmt::format("must be a number of kW >= 0, got {}", v);
}

std::string CheckPercent(double v) {
  if (std::isfinite(v) && v > 0 && v <= 100) return "";
  return fmt::format("must be a percentage in (0, 100], got {}", v);
}

std::string CheckAnnualPotentialKwh(double v) {
  if (std::isfinite(v) && v > 0) return "";
  return fmt::format("must be a positive number of kWh per year, got {}", v);
}

std::string CheckLatitude(double v) {
  if (!(v >= -90 && v <= 90)) return fmt::format("{} is not a latitude (-90..90 degrees)", v);
  return "";
}

// "MM-DD", a day that exists in every year (not 02-29).
std::string CheckBudgetYearStart(const std::string& v) {
  const bool shaped = v.size() == 5 && v[2] == '-' && std::isdigit(static_cast<unsigned char>(v[0])) &&
                      std::isdigit(static_cast<unsigned char>(v[1])) &&
                      std::isdigit(static_cast<unsigned char>(v[3])) &&
                      std::isdigit(static_cast<unsigned char>(v[4]));
  if (!shaped) return fmt::format("\"{}\" is not a day of the year MM-DD (e.g. \"01-01\" or \"07-01\")", v);
  const int month = (v[0] - '0') * 10 + (v[1] - '0');
  const int day = (v[3] - '0') * 10 + (v[4] - '0');
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return fmt::format("\"{}\": month {} is not 1-12", v, month);
  if (day < 1 || day > kDays[month - 1]) {
    return fmt::format("\"{}\": day {} is not in month {} (1-{}; a budget year cannot start on 02-29)", v,
                       day, month, kDays[month - 1]);
  }
  return "";
}

std::string CheckSpecificYield(double v) {
  // A kWp cannot make more than 1 kW for all 8760 hours of a year.
  if (std::isfinite(v) && v > 0 && v <= 8760) return "";
  return fmt::format("must be in (0, 8760] kWh per kWp per year, got {}", v);
}

std::string CheckTimezone(const std::string& name) {
  Result<TimeZone> tz = TimeZone::Load(name);
  return tz.ok() ? "" : tz.status().message();
}

// A TOML string literal.
std::string TomlQuote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7f) {
      out += fmt::format("\\u{:04X}", u);
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// "a string (\"250\")", "an array", … for type errors.
std::string DescribeNode(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string: {
      const std::string& s = node.as_string()->get();
      std::string out = fmt::format("a string ({})", TomlQuote(s.size() > 40 ? s.substr(0, 40) + "..." : s));
      if (ParseNumber(s)) out += "; write the number without quotes";
      return out;
    }
    case toml::node_type::integer: return fmt::format("an integer ({})", node.as_integer()->get());
    case toml::node_type::floating_point:
      return fmt::format("a number ({})", node.as_floating_point()->get());
    case toml::node_type::boolean: return fmt::format("a boolean ({})", node.as_boolean()->get());
    case toml::node_type::array: return "an array";
    case toml::node_type::table: return "a table";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    case toml::node_type::none: break;
  }
  return "nothing";
}

class Loader {
 public:
  explicit Loader(const ConfigOptions& options)
      : values_(options.values),
        names_(options.names),
        getenv_(options.getenv),
        env_(options.env != nullptr ? options.env : Env::Default()) {}

  Result<Config> Run();

 private:
  struct Problem {
    ConfigOrigin origin;
    std::string text;
  };
  // Values read from the config file, each with its position.
  struct FileValues {
    bool found = false;
    std::optional<Sourced<std::string>> data_dir;
    std::optional<Sourced<double>> capacity_kw;
    std::optional<Sourced<double>> max_reduction_pct;
    bool max_reduction_pct_is_integer = false;
    std::optional<Sourced<std::string>> timezone;
    std::optional<Sourced<double>> annual_potential_kwh;
    std::optional<Sourced<double>> specific_yield_kwh_per_kwp;
    std::optional<Sourced<std::array<double, 12>>> monthly_share;
    std::optional<Sourced<std::string>> budget_year_start;
    std::optional<Sourced<std::string>> potential_file;
    std::optional<Sourced<std::string>> monthly_file;
    std::optional<Sourced<double>> latitude;
    std::optional<Sourced<std::string>> signing_key;
    std::optional<Sourced<std::string>> site_id;
  };

  void Report(const ConfigOrigin& origin, std::string_view key, std::string_view problem) {
    problems_.push_back({origin, fmt::format("{}: {}: {}", origin.ToString(), key, problem)});
  }
  // Records `problem` unless it is "" (valid).
  bool Check(const ConfigOrigin& origin, std::string_view key, const std::string& problem) {
    if (problem.empty()) return true;
    Report(origin, key, problem);
    return false;
  }

  std::optional<Sourced<std::string>> EnvString(const char* var) const;
  std::optional<Sourced<double>> EnvNumber(const char* var, std::string_view key);
  std::optional<Sourced<std::string>> ExplicitString(const std::optional<std::string>& value,
                                                     const std::string& name);
  ConfigOrigin Explicit(const std::string& name) const {
    return ConfigOrigin::Explicit(names_.option_kind, name);
  }
  // Reads and parses the config file; false on an error that stops loading.
  bool ReadFile(const Sourced<std::string>& path, bool named_explicitly, FileValues* out);
  void ReadTable(const toml::table& table, const std::string& path, bool named_explicitly, FileValues* out);
  std::optional<double> Number(const toml::node& node, const std::string& path, std::string_view key);
  void ReadMonthlyShare(const toml::node& node, const std::string& path, FileValues* out);
  ConfigOrigin At(const std::string& path, const toml::source_region& where) const {
    return ConfigOrigin::File(path, static_cast<int>(where.begin.line), static_cast<int>(where.begin.column));
  }
  Status Failure();

  const ExplicitConfig& values_;
  const ExplicitConfigNames& names_;
  const GetEnvFunction& getenv_;
  Env* env_;
  std::vector<Problem> problems_;
};

std::optional<Sourced<std::string>> Loader::EnvString(const char* var) const {
  const char* v = getenv_ ? getenv_(var) : nullptr;
  if (v == nullptr || *v == '\0') return std::nullopt;
  return Sourced<std::string>{v, ConfigOrigin::Environment(var)};
}

std::optional<Sourced<double>> Loader::EnvNumber(const char* var, std::string_view key) {
  auto s = EnvString(var);
  if (!s) return std::nullopt;
  std::optional<double> v = ParseNumber(s->value);
  if (!v) {
    Report(s->origin, key, fmt::format("not a number: {}", TomlQuote(s->value)));
    return std::nullopt;
  }
  return Sourced<double>{*v, s->origin};
}

std::optional<Sourced<std::string>> Loader::ExplicitString(const std::optional<std::string>& value,
                                                           const std::string& name) {
  if (!value) return std::nullopt;
  if (value->empty()) {
    const ConfigOrigin origin = Explicit(name);
    problems_.push_back({origin, fmt::format("{}: the value is empty", origin.ToString())});
    return std::nullopt;
  }
  return Sourced<std::string>{*value, Explicit(name)};
}

bool Loader::ReadFile(const Sourced<std::string>& path, bool named_explicitly, FileValues* out) {
  const std::string& file = path.value;
  // Errors about the file itself point at whoever named it.
  auto fail = [&](std::string problem) {
    problems_.push_back(
        {path.origin, named_explicitly ? fmt::format("{}: {}", path.origin.ToString(), problem) : problem});
    return false;
  };
  Result<bool> exists = env_->FileExists(file);
  if (!exists.ok()) return fail(fmt::format("config file {}: {}", file, exists.status().message()));
  if (!*exists) {
    if (named_explicitly) return fail(fmt::format("config file {} does not exist", file));
    return true;  // the default file is optional
  }
  out->found = true;
  Result<std::vector<uint8_t>> bytes = env_->ReadFileToBytes(file, kMaxConfigFileBytes);
  if (!bytes.ok()) {
    return fail(fmt::format("cannot read config file {}: {}", file, bytes.status().message()));
  }
  const std::string_view text(reinterpret_cast<const char*>(bytes->data()), bytes->size());
  toml::table table;
  try {
    table = toml::parse(text, file);
  } catch (const toml::parse_error& e) {
    const toml::source_position& p = e.source().begin;
    problems_.push_back({At(file, e.source()), fmt::format("{}:{}:{}: malformed TOML: {}", file, p.line,
                                                           p.column, e.description())});
    return false;
  } catch (const std::exception& e) {
    return fail(fmt::format("config file {}: {}", file, e.what()));
  }
  ReadTable(table, file, named_explicitly, out);
  return true;
}

std::optional<double> Loader::Number(const toml::node& node, const std::string& path, std::string_view key) {
  if (const auto* i = node.as_integer()) return static_cast<double>(i->get());
  if (const auto* f = node.as_floating_point()) return f->get();
  Report(At(path, node.source()), key, fmt::format("expected a number, got {}", DescribeNode(node)));
  return std::nullopt;
}

void Loader::ReadMonthlyShare(const toml::node& node, const std::string& path, FileValues* out) {
  const ConfigOrigin origin = At(path, node.source());
  const toml::array* array = node.as_array();
  if (array == nullptr) {
    Report(origin, kKeyMonthlyShare,
           fmt::format("expected an array of 12 percentages, got {}", DescribeNode(node)));
    return;
  }
  if (array->size() != 12) {
    Report(origin, kKeyMonthlyShare,
           fmt::format("has {} values; expected 12 (January to December)", array->size()));
    return;
  }
  std::array<double, 12> shares{};
  bool ok = true;
  double sum = 0;
  for (size_t i = 0; i < 12; ++i) {
    const toml::node& element = *array->get(i);
    const std::string key = fmt::format("{} value {} ({})", kKeyMonthlyShare, i + 1, kMonthNames[i]);
    std::optional<double> v = Number(element, path, key);
    if (!v) {
      ok = false;
      continue;
    }
    if (!std::isfinite(*v) || *v < 0 || *v > 100) {
      Report(At(path, element.source()), key, fmt::format("must be a percentage in [0, 100], got {}", *v));
      ok = false;
      continue;
    }
    shares[i] = *v;
    sum += *v;
  }
  if (!ok) return;
  if (std::abs(sum - 100) > 0.5) {
    std::string problem = fmt::format("the 12 shares sum to {:.4g} %; they must sum to 100 ± 0.5", sum);
    if (std::abs(sum - 1) <= 0.005) {
      problem += " (these look like fractions: give percentages, e.g. 8.33 rather than 0.0833)";
    }
    Report(origin, kKeyMonthlyShare, problem);
    return;
  }
  out->monthly_share = Sourced<std::array<double, 12>>{shares, origin};
}

void Loader::ReadTable(const toml::table& table, const std::string& path, bool named_explicitly,
                       FileValues* out) {
  for (const auto& entry : table) {
    // Not a structured binding: clang 14 (the fuzz build) cannot capture one in the lambdas below.
    const auto& k = entry.first;
    const auto& node = entry.second;
    const std::string_view key = k.str();
    const ConfigOrigin origin = At(path, node.source());
    auto number = [&](std::optional<Sourced<double>>& slot, std::string (*check)(double)) {
      if (std::optional<double> v = Number(node, path, key); v && Check(origin, key, check(*v))) {
        slot = Sourced<double>{*v, origin};
      }
    };
    auto string = [&]() -> std::optional<std::string> {
      if (const auto* s = node.as_string()) return s->get();
      Report(origin, key, fmt::format("expected a string, got {}", DescribeNode(node)));
      return std::nullopt;
    };

    if (key == kKeyCapacityKw) {
      number(out->capacity_kw, CheckCapacityKw);
    } else if (key == kKeyMaxReductionPct) {
      number(out->max_reduction_pct, CheckPercent);
      out->max_reduction_pct_is_integer = node.is_integer();
    } else if (key == kKeyAnnualPotentialKwh) {
      number(out->annual_potential_kwh, CheckAnnualPotentialKwh);
    } else if (key == kKeySpecificYield) {
      number(out->specific_yield_kwh_per_kwp, CheckSpecificYield);
    } else if (key == kKeyMonthlyShare) {
      ReadMonthlyShare(node, path, out);
    } else if (key == kKeyLatitude) {
      number(out->latitude, CheckLatitude);
    } else if (key == kKeyBudgetYearStart) {
      if (auto s = string(); s && Check(origin, key, CheckBudgetYearStart(*s))) {
        out->budget_year_start = Sourced<std::string>{*s, origin};
      }
    } else if (key == kKeyPotentialFile || key == kKeyMonthlyFile || key == kKeySigningKey) {
      if (auto s = string()) {
        if (s->empty()) {
          Report(origin, key, "must not be empty");
        } else {
          // Relative to the config file, as data_dir.
          std::string file = s->front() == '/' ? *s : JoinPath(DirName(path), *s);
          (key == kKeyPotentialFile ? out->potential_file
           : key == kKeyMonthlyFile ? out->monthly_file
                                    : out->signing_key) = Sourced<std::string>{std::move(file), origin};
        }
      }
    } else if (key == kKeySiteId) {
      if (auto s = string(); s && Check(origin, key, CheckSiteId(*s))) {
        out->site_id = Sourced<std::string>{*s, origin};
      }
    } else if (key == kKeyTimezone) {
      if (auto s = string(); s && Check(origin, key, CheckTimezone(*s))) {
        out->timezone = Sourced<std::string>{*s, origin};
      }
    } else if (key == kKeyDataDir) {
      if (!named_explicitly) {
        Report(At(path, k.source()), key,
               fmt::format("not allowed in the default config file: it was found in the data "
                           "directory, so it cannot move it; use {} or {}, or put data_dir in a "
                           "file named by {} or {}",
                           names_.data_dir, kEnvDataDir, names_.config_file, kEnvConfig));
      } else if (auto s = string()) {
        if (s->empty()) {
          Report(origin, key, "must not be empty");
        } else {
          // Relative to the file, so the file means the same from any directory.
          std::string dir = s->front() == '/' ? *s : JoinPath(DirName(path), *s);
          out->data_dir = Sourced<std::string>{std::move(dir), origin};
        }
      }
    } else {
      std::string problem = "unknown key";
      // A [header] is not a misspelt key ([site] is not site_id).
      const std::optional<std::string_view> suggestion = node.is_table() ? std::nullopt : SuggestKey(key);
      if (suggestion) problem += fmt::format(" (did you mean {}?)", *suggestion);
      bool explained = suggestion.has_value();
      if (const toml::table* sub = node.as_table()) {
        // TOML's trap: keys below a [header] belong to that table.
        for (const auto& [sub_key, sub_node] : *sub) {
          if (IsKnownKey(sub_key.str())) {
            problem += fmt::format(
                "; there are no [sections]: {} at line {} is inside [{}] because it comes after "
                "that header; move it above the first [header]",
                sub_key.str(), sub_key.source().begin.line, key);
            explained = true;
            break;
          }
        }
      }
      if (!explained) problem += fmt::format("; the keys are {}", fmt::join(kKnownKeys, ", "));
      Report(At(path, k.source()), fmt::format("{:?}", key), problem);
    }
  }
  if (out->annual_potential_kwh && out->specific_yield_kwh_per_kwp) {
    Report(out->specific_yield_kwh_per_kwp->origin, kKeySpecificYield,
           fmt::format("set only one of {} (line {}) and {}: the annual potential is either the "
                       "plant's own figure or the specific yield times the capacity",
                       kKeyAnnualPotentialKwh, out->annual_potential_kwh->origin.line, kKeySpecificYield));
  }
}

Status Loader::Failure() {
  // Flags, then environment, then the file in line order.
  std::stable_sort(problems_.begin(), problems_.end(), [](const Problem& a, const Problem& b) {
    auto rank = [](const ConfigOrigin& o) {
      switch (o.kind) {
        case ConfigOrigin::Kind::kExplicit: return 0;
        case ConfigOrigin::Kind::kEnvironment: return 1;
        case ConfigOrigin::Kind::kFile: return 2;
        case ConfigOrigin::Kind::kDefault: return 3;
      }
      return 3;
    };
    return std::tuple(rank(a.origin), a.origin.line, a.origin.column) <
           std::tuple(rank(b.origin), b.origin.line, b.origin.column);
  });
  if (problems_.size() == 1) return Status::InvalidArgument(problems_[0].text);
  std::string msg = fmt::format("{} configuration errors:", problems_.size());
  for (const auto& p : problems_) msg += "\n  " + p.text;
  return Status::InvalidArgument(std::move(msg));
}

Result<Config> Loader::Run() {
  Config config;
  config.explicit_names = names_;

  // 1. The data directory, before the file: the default file lives in it.
  auto data_dir = ExplicitString(values_.data_dir, names_.data_dir);
  if (!data_dir) data_dir = EnvString(kEnvDataDir);

  // 2. Which file.
  auto file = ExplicitString(values_.config_file, names_.config_file);
  if (!file) file = EnvString(kEnvConfig);
  const bool named_explicitly = file.has_value();
  if (!file) {
    file = Sourced<std::string>{
        JoinPath(data_dir ? data_dir->value : std::string(kDefaultDataDir), kConfigFileName),
        ConfigOrigin::Default()};
  }
  config.config_file = file->value;
  config.origin.config_file = file->origin;

  // 3. The file, unless an empty explicit data_dir or config file left us
  // unsure which. A file that cannot be read or parsed ends loading here.
  FileValues from_file;
  if (problems_.empty()) {
    if (!ReadFile(*file, named_explicitly, &from_file)) return Failure();
    config.config_file_found = from_file.found;
  }

  // 4. The environment.
  auto env_capacity = EnvNumber(kEnvCapacityKw, kKeyCapacityKw);
  auto env_pct = EnvNumber(kEnvMaxReductionPct, kKeyMaxReductionPct);
  // Its text too: how it was written decides how the rollup echoes it.
  auto env_pct_text = EnvString(kEnvMaxReductionPct);
  auto env_tz = EnvString(kEnvTimezone);
  if (env_capacity) Check(env_capacity->origin, kKeyCapacityKw, CheckCapacityKw(env_capacity->value));
  if (env_pct) Check(env_pct->origin, kKeyMaxReductionPct, CheckPercent(env_pct->value));
  if (env_tz) Check(env_tz->origin, kKeyTimezone, CheckTimezone(env_tz->value));

  // 5. The explicit values.
  std::optional<Sourced<double>> explicit_capacity, explicit_pct;
  if (values_.capacity_kw) {
    explicit_capacity = Sourced<double>{*values_.capacity_kw, Explicit(names_.capacity_kw)};
    Check(explicit_capacity->origin, kKeyCapacityKw, CheckCapacityKw(explicit_capacity->value));
  }
  if (values_.max_reduction_pct) {
    explicit_pct = Sourced<double>{*values_.max_reduction_pct, Explicit(names_.max_reduction_pct)};
    Check(explicit_pct->origin, kKeyMaxReductionPct, CheckPercent(explicit_pct->value));
  }
  auto explicit_tz = ExplicitString(values_.timezone, names_.timezone);
  if (explicit_tz) Check(explicit_tz->origin, kKeyTimezone, CheckTimezone(explicit_tz->value));
  if (!problems_.empty()) return Failure();

  // 6. Merge: explicit > environment > file > default.
  if (!data_dir) data_dir = from_file.data_dir;
  TakeFirst(config.data_dir, config.origin.data_dir, data_dir);
  TakeFirst(config.capacity_kw, config.origin.capacity_kw, explicit_capacity, env_capacity,
            from_file.capacity_kw);
  TakeFirst(config.max_reduction_pct, config.origin.max_reduction_pct, explicit_pct, env_pct,
            from_file.max_reduction_pct);
  switch (config.origin.max_reduction_pct.kind) {
    case ConfigOrigin::Kind::kExplicit:
      config.max_reduction_pct_is_integer = values_.max_reduction_pct_is_integer;
      break;
    case ConfigOrigin::Kind::kEnvironment:
      config.max_reduction_pct_is_integer = IsIntegerText(env_pct_text->value);
      break;
    case ConfigOrigin::Kind::kFile:
      config.max_reduction_pct_is_integer = from_file.max_reduction_pct_is_integer;
      break;
    case ConfigOrigin::Kind::kDefault: config.max_reduction_pct_is_integer = false; break;
  }
  TakeFirst(config.timezone, config.origin.timezone, explicit_tz, env_tz, from_file.timezone);
  TakeFirst(config.annual_potential_kwh, config.origin.annual_potential_kwh, from_file.annual_potential_kwh);
  TakeFirst(config.specific_yield_kwh_per_kwp, config.origin.specific_yield_kwh_per_kwp,
            from_file.specific_yield_kwh_per_kwp);
  TakeFirst(config.monthly_share, config.origin.monthly_share, from_file.monthly_share);
  TakeFirst(config.budget_year_start, config.origin.budget_year_start, from_file.budget_year_start);
  TakeFirst(config.potential_file, config.origin.potential_file, from_file.potential_file);
  TakeFirst(config.monthly_file, config.origin.monthly_file, from_file.monthly_file);
  TakeFirst(config.latitude, config.origin.latitude, from_file.latitude);
  TakeFirst(config.signing_key, config.origin.signing_key, from_file.signing_key);
  TakeFirst(config.site_id, config.origin.site_id, from_file.site_id);
  return config;
}

std::string FormatNumber(double v) { return fmt::format("{}", v); }

}  // namespace

std::span<const std::string_view> ConfigFileKeys() { return kKnownKeys; }

std::string CheckSiteId(std::string_view v) {
  if (v.empty()) return "the site id is empty (1 to 64 characters of A-Z a-z 0-9 . _ -)";
  if (v.size() > 64) {
    return fmt::format("\"{}\" has {} characters, at most 64 are allowed", v, v.size());
  }
  for (char c : v) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-';
    if (!ok) {
      return fmt::format("\"{}\": the character {:?} is not allowed (only A-Z a-z 0-9 . _ -)", v, c);
    }
  }
  if (v == "." || v == "..") return fmt::format("\"{}\" is not a site id (it names a directory)", v);
  return "";
}

std::string ConfigOrigin::ToString() const {
  switch (kind) {
    case Kind::kDefault: return "default";
    case Kind::kExplicit: return option_kind + " " + name;
    case Kind::kEnvironment: return "environment variable " + name;
    case Kind::kFile:
      if (line <= 0) return name;
      return fmt::format("{}:{}:{}", name, line, column);
  }
  return "?";
}

std::string Config::log_dir() const { return DefaultLogDir(data_dir); }

Result<Config> LoadConfig(const ConfigOptions& options) { return Loader(options).Run(); }

namespace {

// A variable's value, or nullopt when unset or empty (as LoadConfig reads it).
std::optional<std::string> LookUp(const ConfigOptions& options, const char* var) {
  const char* v = options.getenv ? options.getenv(var) : nullptr;
  if (v == nullptr || *v == '\0') return std::nullopt;
  return std::string(v);
}

}  // namespace

bool ConfigFileNamed(const ConfigOptions& options) {
  return options.values.config_file.has_value() || LookUp(options, kEnvConfig).has_value();
}

std::string DataDirWithoutFile(const ConfigOptions& options) {
  if (options.values.data_dir && !options.values.data_dir->empty()) return *options.values.data_dir;
  if (std::optional<std::string> dir = LookUp(options, kEnvDataDir)) return *dir;
  return kDefaultDataDir;
}

Result<std::string> FindDataDir(const ConfigOptions& options) {
  if (!ConfigFileNamed(options)) return DataDirWithoutFile(options);
  BA_ASSIGN_OR_RETURN(Config config, LoadConfig(options));
  return std::move(config.data_dir);
}

std::string DefaultLogDir(const std::string& data_dir) {
  return JoinPath(JoinPath(data_dir, "budget_audit"), "slot_log");
}

Result<std::string> FindLogDir(const ConfigOptions& options) {
  BA_ASSIGN_OR_RETURN(std::string data_dir, FindDataDir(options));
  return DefaultLogDir(data_dir);
}

std::string DescribeConfig(const Config& c) {
  std::string out = fmt::format(
      "# budget-audit configuration. Precedence: {} > environment > config file > "
      "default.\n",
      c.explicit_names.option_kind);
  out += fmt::format("# config file: {} ({}{})\n", c.config_file, c.origin.config_file.ToString(),
                     c.config_file_found ? "" : "; not found");
  auto line = [&out](std::string_view key, const std::string& value, const ConfigOrigin& origin) {
    out += fmt::format("{:<40} # {}\n", fmt::format("{} = {}", key, value), origin.ToString());
  };
  auto unset = [&out](std::string_view key) { out += fmt::format("# {} is not set\n", key); };
  line(kKeyDataDir, TomlQuote(c.data_dir), c.origin.data_dir);
  if (c.capacity_kw) {
    line(kKeyCapacityKw, FormatNumber(*c.capacity_kw), c.origin.capacity_kw);
  } else {
    unset(kKeyCapacityKw);
  }
  line(kKeyMaxReductionPct, FormatNumber(c.max_reduction_pct), c.origin.max_reduction_pct);
  line(kKeyTimezone, TomlQuote(c.timezone), c.origin.timezone);
  if (c.annual_potential_kwh) {
    line(kKeyAnnualPotentialKwh, FormatNumber(*c.annual_potential_kwh), c.origin.annual_potential_kwh);
  } else {
    unset(kKeyAnnualPotentialKwh);
  }
  if (c.specific_yield_kwh_per_kwp) {
    line(kKeySpecificYield, FormatNumber(*c.specific_yield_kwh_per_kwp), c.origin.specific_yield_kwh_per_kwp);
  } else {
    unset(kKeySpecificYield);
  }
  if (c.monthly_share) {
    line(kKeyMonthlyShare, fmt::format("[{}]", fmt::join(*c.monthly_share, ", ")), c.origin.monthly_share);
  } else {
    unset(kKeyMonthlyShare);
  }
  line(kKeyBudgetYearStart, TomlQuote(c.budget_year_start), c.origin.budget_year_start);
  if (!c.potential_file.empty()) {
    line(kKeyPotentialFile, TomlQuote(c.potential_file), c.origin.potential_file);
  } else {
    unset(kKeyPotentialFile);
  }
  if (!c.monthly_file.empty()) {
    line(kKeyMonthlyFile, TomlQuote(c.monthly_file), c.origin.monthly_file);
  } else {
    unset(kKeyMonthlyFile);
  }
  if (c.latitude) {
    line(kKeyLatitude, FormatNumber(*c.latitude), c.origin.latitude);
  } else {
    unset(kKeyLatitude);
  }
  if (!c.signing_key.empty()) {
    line(kKeySigningKey, TomlQuote(c.signing_key), c.origin.signing_key);
  } else {
    unset(kKeySigningKey);
  }
  if (!c.site_id.empty()) {
    line(kKeySiteId, TomlQuote(c.site_id), c.origin.site_id);
  } else {
    unset(kKeySiteId);
  }
  return out;
}

std::string MissingCapacityMessage(const Config& config) {
  const ExplicitConfigNames& names = config.explicit_names;
  return fmt::format(
      "the plant's capacity is not set; this report needs it to compute the energy ceiling. "
      "Set it in one of three ways:\n"
      "  {:<29}  ({})\n"
      "  {:<29}  (environment variable)\n"
      "  {:<29}  (in the config file {}, which {})",
      fmt::format("{}{}KW", names.capacity_kw, names.separator), names.option_kind,
      fmt::format("{}=KW", kEnvCapacityKw), fmt::format("{} = KW", kKeyCapacityKw), config.config_file,
      config.config_file_found ? "exists but does not set it" : "does not exist");
}

Result<double> RequireCapacityKw(const Config& config) {
  if (config.capacity_kw) return *config.capacity_kw;
  return Status::InvalidArgument(MissingCapacityMessage(config));
}

Result<std::function<std::string(int64_t)>> SiteDateFunction(const std::string& timezone,
                                                             const GetEnvFunction& getenv) {
  const char* today = getenv ? getenv(kEnvToday) : nullptr;
  if (today != nullptr && *today != '\0') {
    auto days = ParseDate(today);
    if (!days || FormatDate(*days) != today) {
      return Status::InvalidArgument(fmt::format("{}={}: expected a date YYYY-MM-DD", kEnvToday, today));
    }
    return std::function<std::string(int64_t)>([d = std::string(today)](int64_t) { return d; });
  }
  BA_ASSIGN_OR_RETURN(TimeZone tz, TimeZone::Load(timezone));
  return std::function<std::string(int64_t)>(
      [tz = std::move(tz)](int64_t utc_us) { return FormatDate(tz.LocalDays(utc_us)); });
}

}  // namespace budget_audit

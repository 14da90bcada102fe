// The Python version's reports, byte for byte: every case under
// tests/golden/report/ (ticks, settings and the outputs the unmodified
// Python module printed for them; README.md there says how they were made)
// is replayed through the CLI as cases.txt lists, and each output compared.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace {

namespace fs = std::filesystem;

const std::string kGolden = std::string(BA_TEST_DATA_DIR) + "/../golden/report";

struct Step {
  bool compare = false;  // "stdout FILE:" (else "run:")
  std::string file;      // expected output, relative to kGolden
  std::string command;   // with "budget-audit" and DIR still in it
};

struct Case {
  std::string name;
  std::vector<Step> steps;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

std::vector<Case> LoadCases() {
  std::vector<Case> cases;
  std::ifstream in(kGolden + "/cases.txt");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("case ", 0) == 0) {
      cases.push_back({line.substr(5), {}});
      continue;
    }
    if (cases.empty()) continue;
    const auto start = line.find_first_not_of(' ');
    if (start == std::string::npos || start == 0) continue;
    std::string body = line.substr(start);
    if (body.rfind("run: ", 0) == 0) {
      cases.back().steps.push_back({false, "", body.substr(5)});
    } else if (body.rfind("stdout ", 0) == 0) {
      const auto colon = body.find(": ");
      cases.back().steps.push_back({true, body.substr(7, colon - 7), body.substr(colon + 2)});
    }
  }
  return cases;
}

std::string ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  for (size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) {
    s.replace(p, from.size(), to);
  }
  return s;
}

class ReportGolden : public ::testing::TestWithParam<Case> {};

TEST_P(ReportGolden, MatchesThePythonModule) {
  const Case& c = GetParam();
  const fs::path dir =
      fs::path(::testing::TempDir()) / ("golden_" + c.name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string log = (dir / "log").string();
  const std::string out = (dir / "stdout").string(), err = (dir / "stderr").string();
  ASSERT_FALSE(c.steps.empty());
  for (const Step& s : c.steps) {
    std::string cmd = s.command;
    ASSERT_EQ(cmd.rfind("budget-audit ", 0), 0u) << cmd;
    cmd = std::string(BA_CLI_PATH) + cmd.substr(12);
    cmd = Replace(cmd, " DIR ", " " + log + " ");
    cmd = Replace(cmd, "< ", "< " + kGolden + "/");
    // No config file or environment may leak in from the machine.
    std::string full = "cd " + dir.string() +
                       " && env -u BUDGET_AUDIT_DATA_DIR -u BUDGET_AUDIT_CONFIG -u BUDGET_AUDIT_CAPACITY_KW"
                       " -u BUDGET_AUDIT_MAX_REDUCTION_PCT -u BUDGET_AUDIT_TIMEZONE " +
                       cmd + " >" + out + " 2>" + err;
    const int status = std::system(full.c_str());
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
    ASSERT_EQ(code, 0) << s.command << "\nstderr: " << ReadFile(err);
    if (s.compare) {
      EXPECT_EQ(ReadFile(out), ReadFile(kGolden + "/" + s.file)) << s.command;
    }
  }
  fs::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Cases, ReportGolden, ::testing::ValuesIn(LoadCases()),
                         [](const ::testing::TestParamInfo<Case>& i) { return i.param.name; });

TEST(ReportGoldenFiles, Present) { EXPECT_GE(LoadCases().size(), 20u); }

}  // namespace

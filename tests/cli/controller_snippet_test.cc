// Issue 11, item 15: the README's Python controller (the code block after
// <!-- controller-snippet -->) run as it stands against the real binary:
// acknowledgements, a refused tick, the writer killed and restarted, and a
// resend answered with the first seq.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <gtest/gtest.h>

namespace {

namespace fs = std::filesystem;

std::string Slurp(const std::string& p) {
  std::ifstream f(p);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

std::string ReadmeSnippet() {
  const std::string readme = Slurp(std::string(BA_TEST_DATA_DIR) + "/../../README.md");
  const size_t mark = readme.find("<!-- controller-snippet -->");
  if (mark == std::string::npos) return "";
  const size_t start = readme.find("```python\n", mark);
  if (start == std::string::npos) return "";
  const size_t end = readme.find("\n```", start + 10);
  return readme.substr(start + 10, end - start - 10);
}

TEST(ControllerSnippet, TheReadmesControllerSurvivesAKilledWriter) {
  if (std::system("python3 -c 'import json, subprocess' 2>/dev/null") != 0) GTEST_SKIP() << "no python3";
  const std::string snippet = ReadmeSnippet();
  ASSERT_FALSE(snippet.empty()) << "README.md has no controller snippet";
  const std::string dir = ::testing::TempDir() + "/ba_snippet_" + std::to_string(::getpid());
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string driver = snippet + R"PY(


import os, signal, sys

cli, log = sys.argv[1], sys.argv[2]
pipe = AuditLogPipe((cli, "--log", log, "log", "--ack", "json", "--wait", "10"))
tick = lambda m, cost=0.5: {"timestamp": "2026-03-01T10:%02d:00+01:00" % m, "slot_index": m,
                            "energy_cost_kwh": cost}
seqs = [pipe.log(tick(m)) for m in range(5)]
assert seqs == [1, 2, 3, 4, 5], seqs
try:
    pipe.log({"timestamp": "2026-03-01T10:30:00+01:00", "energy_cost_kw": 1.0})
    raise AssertionError("a misspelt key was accepted")
except ValueError as e:
    assert "energy_cost_kwh" in str(e), e  # the did-you-mean
os.kill(pipe.proc.pid, signal.SIGKILL)  # the writer dies between ticks
pipe.proc.wait()
assert pipe.log(tick(4)) == 5  # resent after the restart: its first seq
assert pipe.log(tick(6)) == 6
try:
    pipe.log(tick(6, cost=9.0))  # the same timestamp with other content
    raise AssertionError("a conflicting tick was accepted")
except ValueError as e:
    assert "seq 6" in str(e), e
pipe.close()
print("ok")
)PY";
  std::ofstream(dir + "/driver.py") << driver;
  const std::string cmd =
      "python3 " + dir + "/driver.py " + BA_CLI_PATH + " " + dir + "/log > " + dir + "/out 2>&1";
  const int status = std::system(cmd.c_str());
  EXPECT_EQ(status, 0) << Slurp(dir + "/out");
  EXPECT_NE(Slurp(dir + "/out").find("ok"), std::string::npos) << Slurp(dir + "/out");
  fs::remove_all(dir);
}

}  // namespace

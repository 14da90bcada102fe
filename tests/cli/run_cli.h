// Runs the budget-audit binary (BA_CLI_PATH, set by CMake) from the CLI
// tests: its exit code, stdout and stderr.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <gtest/gtest.h>

namespace budget_audit::cli_test {

struct CliRun {
  int code = -1;  // exit status; 128 + signal number when killed
  std::string out, err;
};

// Runs `<prefix> budget-audit <args>` through the shell with `input` on
// stdin. `prefix` is shell words before the binary ("cd DIR &&", "env ...").
inline CliRun RunCli(const std::string& args, const std::string& input = "", const std::string& prefix = "") {
  static std::atomic<int> counter{0};
  const std::string base =
      ::testing::TempDir() + "/ba_cli_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
  const std::string in = base + ".in", out = base + ".out", err = base + ".err";
  std::ofstream(in) << input;
  const std::string cmd = prefix + " " + BA_CLI_PATH + " " + args + " <" + in + " >" + out + " 2>" + err;
  const int status = std::system(cmd.c_str());
  CliRun r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  std::ifstream o(out), e(err);
  r.out.assign(std::istreambuf_iterator<char>(o), {});
  r.err.assign(std::istreambuf_iterator<char>(e), {});
  std::remove(in.c_str());
  std::remove(out.c_str());
  std::remove(err.c_str());
  return r;
}

// A fresh, empty directory for the running test (what an earlier run left
// there is removed): <TempDir>/ba_<tag>_<pid>_<test name>.
inline std::string FreshTestDir(const std::string& tag) {
  const std::string dir = ::testing::TempDir() + "/ba_" + tag + "_" + std::to_string(::getpid()) + "_" +
                          ::testing::UnitTest::GetInstance()->current_test_info()->name();
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// A whole file's bytes ("" when it cannot be read).
inline std::string SlurpFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

}  // namespace budget_audit::cli_test

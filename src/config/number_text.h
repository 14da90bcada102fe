// Numbers written as text, as the environment and the command line give
// them: shared by the config loader and the command-line tool's flags, so
// "is this an integer" means the same for a flag and a variable.
#pragma once

#include <optional>
#include <string_view>

namespace budget_audit::config {

// "5", "+5", "-5" (with surrounding blanks): a number written as an
// integer, which Python would have held as an int.
bool IsIntegerText(std::string_view s);

// A double from a whole string (surrounding blanks and one leading '+'
// allowed), or nullopt: "250", " 2.5e2 ", "+250"; not "250kW", "0x10",
// "1,5", "1e400" (out of range).
std::optional<double> ParseNumber(std::string_view s);

}  // namespace budget_audit::config

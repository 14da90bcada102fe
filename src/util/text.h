// Small text helpers for messages: "did you mean …" suggestions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace budget_audit {

// ASCII letters lowered; other bytes unchanged.
std::string AsciiLower(std::string_view s);

// Levenshtein distance (insertions, deletions, substitutions of bytes).
size_t EditDistance(std::string_view a, std::string_view b);

}  // namespace budget_audit

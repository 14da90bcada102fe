// Tick parser fuzz target: any bytes as one JSON-lines tick (the `log`
// command's stdin) and as an ISO-8601 timestamp.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "log/tick.h"

using namespace budget_audit;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto tick = log::ParseTick(text, 1780000000000000);
  if (tick.ok() && tick->date.size() != 10) __builtin_trap();  // always YYYY-MM-DD
  (void)log::ParseIsoTimestamp(text);
  return 0;
}

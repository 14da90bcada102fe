// Manifest parser fuzz target: any bytes as _manifest.json (JSON, the file
// entries and their report summaries with base64 run values).
#include <cstddef>
#include <cstdint>

#include "log/manifest.h"

using namespace budget_audit;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Bytes bytes(data, data + size);
  auto m = log::ParseManifest(bytes, "fuzz/_manifest.json");
  if (!m.ok()) return 0;
  for (const auto& f : m->files) {
    if (!f.summary) continue;
    for (const auto& run : f.summary->cost_runs) {
      if (run.values.size() != run.expected_values()) __builtin_trap();
    }
  }
  return 0;
}

// Log layout records fuzz target: any bytes as `_closed` (the clean-close
// record) and as a name in `_cut/` (log/layout.h).
#include <cstddef>
#include <cstdint>
#include <string>

#include "log/layout.h"

using namespace budget_audit;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto c = log::ParseCleanClose(ByteSpan(data, size), "fuzz/_closed");
  if (c.ok() && c->journal.size() > size) __builtin_trap();
  const std::string name(reinterpret_cast<const char*>(data), size);
  if (auto cut = log::ParseCutTailName(name)) {
    // A parsed name, written again, parses to the same cut.
    auto again =
        log::ParseCutTailName(log::CutTailName(cut->journal, cut->offset, cut->first_seq, cut->cut_at_us));
    if (!again || again->journal != cut->journal || again->offset != cut->offset ||
        again->first_seq != cut->first_seq || again->cut_at_us != cut->cut_at_us) {
      __builtin_trap();
    }
  }
  return 0;
}

// Journal reader fuzz target: any bytes as a journal file, as the last file
// (torn tails allowed) and as an earlier one; and as a canonical record.
#include <cstddef>
#include <cstdint>

#include "log/journal.h"

using namespace budget_audit;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ByteSpan bytes(data, size);
  for (bool is_last : {true, false}) {
    auto scan = log::ScanJournalBytes(bytes, "fuzz", is_last);
    if (scan.ok() && scan->valid_bytes > size) __builtin_trap();
  }
  uint64_t seq = 0;
  (void)log::DecodeCanonical(bytes, &seq);
  return 0;
}

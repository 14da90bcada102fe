// Whole-file fuzz target: open the bytes as a Parquet file (footer
// validation, schema), then decode every flat column chunk with CRC checks,
// and render every value as `cat` would.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "parquet/file_reader.h"
#include "parquet/value_format.h"

using namespace budget_audit::parquet;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ReadOptions o;
  o.verify_page_crc = size % 2 == 0;
  o.max_chunk_bytes = 64u << 20;
  auto r = FileReader::OpenBuffer(std::vector<uint8_t>(data, data + size), "fuzz", o);
  if (!r.ok()) return 0;
  const Schema& schema = (*r)->schema();
  for (int g = 0; g < (*r)->num_row_groups() && g < 16; ++g) {
    if ((*r)->row_group_num_rows(g) > (1 << 20)) continue;  // keep memory bounded
    for (size_t c = 0; c < schema.num_columns(); ++c) {
      if (schema.column(c).nested) continue;
      (void)(*r)->ChunkRange(g, c);
      auto v = (*r)->ReadColumnChunk(g, c);
      if (!v.ok()) continue;
      std::string out;
      size_t n = v->value_count();
      for (size_t i = 0; i < n && i < 4096; ++i) {
        AppendValue(schema.column(c), *v, i, TextStyle::kJson, out);
        out.clear();
      }
    }
  }
  return 0;
}

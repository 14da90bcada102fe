// libFuzzer target for the footer and page headers of a whole Parquet file,
// below the FileReader: the input is a file (the default seed corpus is
// every fixture). The footer framed by the last 8 bytes is decoded, and for
// each column chunk it describes (up to 64) the page headers are walked from
// the chunk start (up to 16 pages each), as the column reader does.
//
// Invariants, checked with __builtin_trap():
//   - failures are Corruption (or ResourceExhausted from the memory
//     budget) naming an offset;
//   - every decoded footer and page header re-encodes to bytes that decode
//     and re-encode to the same bytes (decoded structs are canonical, so
//     this is struct equality). Byte equality with the original is not
//     expected (unknown fields are dropped); metadata_test.cc checks it for
//     unmodified fixtures.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "parquet/metadata.h"

namespace {

using budget_audit::ByteReader;
using budget_audit::ByteSpan;
using budget_audit::ByteWriter;
using budget_audit::Status;
namespace pq = budget_audit::parquet;

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

void CheckFailure(const Status& s) {
  Check(s.IsCorruption() || s.code() == budget_audit::StatusCode::kResourceExhausted);
  Check(s.message().find("at offset") != std::string::npos);
}

template <typename T, typename Decode, typename Encode>
void RoundTrip(const T& value, Decode decode, Encode encode) {
  ByteWriter first;
  encode(value, first);
  ByteReader r(first.bytes());
  auto again = decode(r);
  Check(again.ok());
  Check(r.empty());
  ByteWriter second;
  encode(*again, second);
  Check(first.bytes() == second.bytes());
}

void WalkChunk(ByteSpan file, uint64_t data_end, const pq::ColumnMetaData& m) {
  int64_t start = m.data_page_offset;
  if (m.dictionary_page_offset && *m.dictionary_page_offset > 0) {
    start = std::min(start, *m.dictionary_page_offset);
  }
  if (start < 0 || static_cast<uint64_t>(start) >= data_end) return;
  uint64_t len = data_end - static_cast<uint64_t>(start);
  if (m.total_compressed_size >= 0) {
    len = std::min(len, static_cast<uint64_t>(m.total_compressed_size));
  }
  ByteReader r(file.subspan(static_cast<size_t>(start), static_cast<size_t>(len)),
               static_cast<uint64_t>(start));
  for (int page = 0; page < 16 && !r.empty(); ++page) {
    auto ph = pq::DecodePageHeader(r);
    if (!ph.ok()) {
      CheckFailure(ph.status());
      return;
    }
    RoundTrip(*ph, pq::DecodePageHeader, pq::EncodePageHeader);
    if (!r.Skip(static_cast<size_t>(ph->compressed_page_size)).ok()) return;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 12 || std::memcmp(data + size - 4, "PAR1", 4) != 0) return 0;
  const uint32_t len = budget_audit::LoadU32LE(data + size - 8);
  if (len > size - 8) return 0;
  const ByteSpan file(data, size);
  const uint64_t footer_offset = size - 8 - len;
  ByteReader r(file.subspan(footer_offset, len), footer_offset);
  auto md = pq::DecodeFileMetaData(r);
  if (!md.ok()) {
    CheckFailure(md.status());
    return 0;
  }
  RoundTrip(*md, pq::DecodeFileMetaData, pq::EncodeFileMetaData);
  int chunks = 0;
  for (const pq::RowGroup& g : md->row_groups) {
    for (const pq::ColumnChunk& c : g.columns) {
      if (!c.meta_data) continue;
      if (++chunks > 64) return 0;
      WalkChunk(file, footer_offset, *c.meta_data);
    }
  }
  return 0;
}

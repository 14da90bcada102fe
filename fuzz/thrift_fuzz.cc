// libFuzzer target for the Thrift compact protocol reader and the Parquet
// metadata codec (parquet/thrift_compact.h, parquet/metadata.h).
//
// The input is decoded from its first byte as:
//   1. a generic struct, skipped with ThriftReader::Skip (every wire type,
//      nested containers, the depth cap);
//   2. a FileMetaData;
//   3. a sequence of PageHeaders, as a column chunk is walked: header, then
//      compressed_page_size bytes of payload, up to 64 pages.
// When the input ends like a Parquet file (u32 LE footer length + "PAR1"),
// the footer it frames is decoded as a FileMetaData too, so the default
// seed corpus of whole fixture files exercises real footers.
//
// Invariants checked beyond "no crash, no sanitizer report"; a violation
// calls __builtin_trap():
//   - every failure is a Corruption (or ResourceExhausted from the memory
//     budget) whose message names an offset;
//   - a decoded struct re-encodes, the encoding decodes again, and encoding
//     that gives the same bytes. Decoded structs are canonical (no field is
//     set that the encoder does not write), so equal encodings mean equal
//     structs.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "parquet/metadata.h"
#include "parquet/thrift_compact.h"

namespace {

using budget_audit::ByteReader;
using budget_audit::Bytes;
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

void FileMetaDataRoundTrip(ByteSpan in) {
  ByteReader r(in, 1000);
  auto md = pq::DecodeFileMetaData(r);
  if (!md.ok()) {
    CheckFailure(md.status());
    return;
  }
  ByteWriter first;
  pq::EncodeFileMetaData(*md, first);
  ByteReader r2(first.bytes());
  auto again = pq::DecodeFileMetaData(r2);
  Check(again.ok());
  Check(r2.empty());
  ByteWriter second;
  pq::EncodeFileMetaData(*again, second);
  Check(first.bytes() == second.bytes());
}

void PageHeaderWalk(ByteSpan in) {
  ByteReader r(in);
  for (int page = 0; page < 64 && !r.empty(); ++page) {
    auto ph = pq::DecodePageHeader(r);
    if (!ph.ok()) {
      CheckFailure(ph.status());
      return;
    }
    Check(ph->compressed_page_size >= 0 && ph->uncompressed_page_size >= 0);
    ByteWriter first;
    pq::EncodePageHeader(*ph, first);
    ByteReader r2(first.bytes());
    auto again = pq::DecodePageHeader(r2);
    Check(again.ok());
    Check(r2.empty());
    ByteWriter second;
    pq::EncodePageHeader(*again, second);
    Check(first.bytes() == second.bytes());
    if (!r.Skip(static_cast<size_t>(ph->compressed_page_size)).ok()) return;
  }
}

void GenericSkip(ByteSpan in) {
  ByteReader r(in);
  pq::ThriftReader t(r);
  Status s = t.Skip(pq::CType::kStruct);
  if (!s.ok()) CheckFailure(s);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const ByteSpan in(data, size);
  GenericSkip(in);
  FileMetaDataRoundTrip(in);
  PageHeaderWalk(in);
  if (size >= 12 && std::memcmp(data + size - 4, "PAR1", 4) == 0) {
    const uint32_t len = budget_audit::LoadU32LE(data + size - 8);
    if (len <= size - 8) FileMetaDataRoundTrip(in.subspan(size - 8 - len, len));
  }
  return 0;
}

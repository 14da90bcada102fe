#include "parquet/encoding_dispatch.h"

#include <fmt/format.h>

#include "parquet/encoding/byte_stream_split.h"
#include "parquet/encoding/delta.h"
#include "parquet/encoding/dictionary.h"
#include "parquet/encoding/plain.h"
#include "parquet/encoding/rle.h"

namespace budget_audit::parquet {
namespace {

Status Illegal(const ColumnDescriptor& col, Encoding e) {
  return Status::Corruption(
      fmt::format("encoding {} is not valid for a {} column", EncodingName(e), TypeName(col.type)));
}

}  // namespace

Status DecodeDefinitionLevels(ByteSpan data, Encoding encoding, int16_t max_level, size_t n, bool v1,
                              util::PoolVector<uint8_t>& defined, size_t* consumed) {
  if (encoding != Encoding::RLE && encoding != Encoding::BIT_PACKED) {
    return Status::Corruption(
        fmt::format("definition level encoding {} (expected RLE)", EncodingName(encoding)));
  }
  return DecodeDefinedFlags(data, encoding, max_level, n, v1 && encoding == Encoding::RLE, &defined,
                            consumed);
}

Status DecodePlainValues(const ColumnDescriptor& col, ByteSpan data, size_t n, ColumnVector& out) {
  return DecodePlain(data, col.type, col.type_length, n, &out);
}

Status DecodeDictionaryIndices(const ColumnDescriptor&, ByteSpan data, size_t n, const ColumnVector& dict,
                               ColumnVector& out) {
  return DecodeDictionaryIndices(data, n, dict, &out);
}

Status DecodeEncodedValues(const ColumnDescriptor& col, Encoding encoding, ByteSpan data, size_t n,
                           ColumnVector& out) {
  switch (encoding) {
    case Encoding::PLAIN: return DecodePlain(data, col.type, col.type_length, n, &out);
    case Encoding::RLE:
      if (col.type != Type::BOOLEAN) return Illegal(col, encoding);
      return DecodeRleBooleans(data, n, &out.bools);
    case Encoding::DELTA_BINARY_PACKED:
      if (col.type != Type::INT32 && col.type != Type::INT64) return Illegal(col, encoding);
      return DecodeDeltaBinaryPacked(data, col.type, n, &out);
    case Encoding::DELTA_LENGTH_BYTE_ARRAY:
      if (col.type != Type::BYTE_ARRAY) return Illegal(col, encoding);
      return DecodeDeltaLengthByteArray(data, n, &out);
    case Encoding::DELTA_BYTE_ARRAY:
      if (col.type != Type::BYTE_ARRAY && col.type != Type::FIXED_LEN_BYTE_ARRAY) {
        return Illegal(col, encoding);
      }
      return DecodeDeltaByteArray(data, col.type, col.type_length, n, &out);
    case Encoding::BYTE_STREAM_SPLIT:
      if (col.type == Type::BOOLEAN || col.type == Type::BYTE_ARRAY || col.type == Type::INT96) {
        return Illegal(col, encoding);
      }
      return DecodeByteStreamSplit(data, col.type, col.type_length, n, &out);
    case Encoding::PLAIN_DICTIONARY:
    case Encoding::RLE_DICTIONARY:
      return Status::Internal("dictionary pages are decoded by DecodeDictionaryIndices");
    case Encoding::BIT_PACKED:
    case Encoding::GROUP_VAR_INT: break;
  }
  return Status::Corruption(fmt::format("unsupported value encoding {}", EncodingName(encoding)));
}

void EncodeDefinitionLevels(const util::PoolVector<uint8_t>& defined, size_t begin, size_t end, bool v1,
                            ByteWriter& out) {
  EncodeRleBitPacked(defined.data() + begin, end - begin, 1, v1, out);
}

Status EncodeValues(const ColumnDescriptor& col, Encoding encoding, const ColumnVector& values, size_t begin,
                    size_t end, ByteWriter& out) {
  switch (encoding) {
    case Encoding::PLAIN: return EncodePlain(values, begin, end, out);
    case Encoding::RLE:
      if (col.type != Type::BOOLEAN) break;
      EncodeRleBooleans(values.bools.data() + begin, end - begin, out);
      return Status::OK();
    case Encoding::DELTA_BINARY_PACKED: return EncodeDeltaBinaryPacked(values, begin, end, out);
    case Encoding::DELTA_LENGTH_BYTE_ARRAY: return EncodeDeltaLengthByteArray(values, begin, end, out);
    case Encoding::DELTA_BYTE_ARRAY: return EncodeDeltaByteArray(values, begin, end, out);
    case Encoding::BYTE_STREAM_SPLIT: return EncodeByteStreamSplit(values, begin, end, out);
    default: break;
  }
  return Status::InvalidArgument(
      fmt::format("cannot write {} values as {}", TypeName(col.type), EncodingName(encoding)));
}

}  // namespace budget_audit::parquet

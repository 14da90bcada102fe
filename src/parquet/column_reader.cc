#include "parquet/column_reader.h"

#include <fmt/format.h>

#include "parquet/compression.h"
#include "parquet/encoding_dispatch.h"
#include "util/crc32.h"

namespace budget_audit::parquet {
namespace {

// Per-page cap on the value count relative to the page's bytes: a run-length
// encoded page can legitimately describe many values in few bytes (all
// nulls), but not billions.
constexpr int64_t kPageCountSlack = int64_t{1} << 20;

class ChunkDecoder {
 public:
  ChunkDecoder(const ColumnDescriptor& col, const ColumnMetaData& meta, int64_t expected_rows,
               const ChunkDecodeOptions& options)
      : col_(col), meta_(meta), expected_rows_(expected_rows), options_(options) {
    out_.type = col.type;
    out_.type_length = col.type_length;
    if (col.type == Type::BYTE_ARRAY) out_.offsets = {0};
    dict_.type = col.type;
    dict_.type_length = col.type_length;
    if (col.type == Type::BYTE_ARRAY) dict_.offsets = {0};
  }

  Result<ColumnVector> Run(ByteSpan chunk, uint64_t base_offset) {
    if (expected_rows_ > options_.max_chunk_rows) {
      return Status::ResourceExhausted(fmt::format("{} rows exceed the limit of {} per row group",
                                                   expected_rows_, options_.max_chunk_rows));
    }
    ByteReader r(chunk, base_offset);
    while (rows_ < expected_rows_) {
      if (r.empty()) {
        return Status::Corruption(fmt::format("column chunk ends at offset {} after {} of {} rows",
                                              r.offset(), rows_, expected_rows_));
      }
      uint64_t page_offset = r.offset();
      auto header = DecodePageHeader(r);
      if (!header.ok()) {
        return header.status().WithContext(fmt::format("page header at offset {}", page_offset));
      }
      const PageHeader& h = *header;
      if (h.compressed_page_size < 0 || h.uncompressed_page_size < 0) {
        return Status::Corruption(fmt::format("page at offset {} has a negative size", page_offset));
      }
      if (static_cast<size_t>(h.compressed_page_size) > r.remaining()) {
        return Status::Corruption(
            fmt::format("page at offset {} claims {} bytes but only {} remain in the column chunk",
                        page_offset, h.compressed_page_size, r.remaining()));
      }
      if (static_cast<uint64_t>(h.uncompressed_page_size) > options_.max_page_bytes) {
        return Status::ResourceExhausted(
            fmt::format("page at offset {} decompresses to {} bytes, over the {}-byte limit", page_offset,
                        h.uncompressed_page_size, options_.max_page_bytes));
      }
      BA_ASSIGN_OR_RETURN(ByteSpan body, r.Take(static_cast<size_t>(h.compressed_page_size)));
      if (options_.verify_crc && h.crc) {
        uint32_t actual = Crc32(body);
        if (actual != *h.crc) {
          return Status::Corruption(
              fmt::format("page at offset {}: CRC mismatch (stored {:08x}, computed {:08x})", page_offset,
                          *h.crc, actual));
        }
      }
      Status s;
      switch (h.type) {
        case PageType::DICTIONARY_PAGE: s = DictionaryPage(h, body); break;
        case PageType::DATA_PAGE: s = DataPageV1(h, body); break;
        case PageType::DATA_PAGE_V2: s = DataPageV2(h, body); break;
        case PageType::INDEX_PAGE: break;  // not used by any reader; skip
      }
      if (!s.ok()) return s.WithContext(fmt::format("page at offset {}", page_offset));
    }
    return std::move(out_);
  }

 private:
  Status DictionaryPage(const PageHeader& h, ByteSpan body) {
    if (!h.dictionary_page_header) return Status::Corruption("dictionary page without its header");
    if (have_dict_) return Status::Corruption("a second dictionary page in one column chunk");
    if (rows_ > 0) return Status::Corruption("dictionary page after data pages");
    const auto& dh = *h.dictionary_page_header;
    if (dh.encoding != Encoding::PLAIN && dh.encoding != Encoding::PLAIN_DICTIONARY) {
      return Status::Corruption(
          fmt::format("dictionary page encoding {} (expected PLAIN)", EncodingName(dh.encoding)));
    }
    if (dh.num_values < 0) return Status::Corruption("dictionary page with a negative value count");
    if (col_.type == Type::BOOLEAN) return Status::Corruption("dictionary page in a BOOLEAN column");
    BA_ASSIGN_OR_RETURN(Bytes data,
                        Decompress(meta_.codec, body, static_cast<size_t>(h.uncompressed_page_size)));
    BA_RETURN_IF_ERROR(DecodePlainValues(col_, data, static_cast<size_t>(dh.num_values), dict_));
    have_dict_ = true;
    return Status::OK();
  }

  Status CheckCount(int64_t n, size_t page_bytes) {
    if (n < 0) return Status::Corruption(fmt::format("negative value count {}", n));
    if (n > expected_rows_ - rows_) {
      return Status::Corruption(
          fmt::format("page holds {} values but only {} of the row group's {} "
                      "rows remain",
                      n, expected_rows_ - rows_, expected_rows_));
    }
    if (n > static_cast<int64_t>(page_bytes) * 8 + kPageCountSlack) {
      return Status::Corruption(fmt::format("page claims {} values in {} bytes", n, page_bytes));
    }
    return Status::OK();
  }

  // Definition levels for n rows into out_.defined; returns non-null count.
  Result<size_t> Levels(ByteSpan data, Encoding enc, size_t n, bool v1, size_t* consumed) {
    size_t before = out_.defined.size();
    BA_RETURN_IF_ERROR(DecodeDefinitionLevels(data, enc, col_.max_def_level, n, v1, out_.defined, consumed));
    size_t present = 0;
    for (size_t i = before; i < out_.defined.size(); ++i) present += out_.defined[i];
    return present;
  }

  Status Values(Encoding enc, ByteSpan data, size_t n) {
    if (enc == Encoding::PLAIN_DICTIONARY || enc == Encoding::RLE_DICTIONARY) {
      if (!have_dict_) return Status::Corruption("dictionary-encoded page without a dictionary page");
      return DecodeDictionaryIndices(col_, data, n, dict_, out_);
    }
    return DecodeEncodedValues(col_, enc, data, n, out_);
  }

  Status DataPageV1(const PageHeader& h, ByteSpan body) {
    if (!h.data_page_header) return Status::Corruption("data page without its header");
    const DataPageHeader& dh = *h.data_page_header;
    BA_ASSIGN_OR_RETURN(Bytes data,
                        Decompress(meta_.codec, body, static_cast<size_t>(h.uncompressed_page_size)));
    BA_RETURN_IF_ERROR(CheckCount(dh.num_values, data.size()));
    const size_t n = static_cast<size_t>(dh.num_values);
    ByteSpan rest(data);
    size_t present = n;
    if (col_.max_def_level > 0) {
      size_t consumed = 0;
      BA_ASSIGN_OR_RETURN(present, Levels(rest, dh.definition_level_encoding, n, true, &consumed));
      rest = rest.subspan(consumed);
    }
    BA_RETURN_IF_ERROR(Values(dh.encoding, rest, present));
    rows_ += dh.num_values;
    return Status::OK();
  }

  Status DataPageV2(const PageHeader& h, ByteSpan body) {
    if (!h.data_page_header_v2) return Status::Corruption("data page v2 without its header");
    const DataPageHeaderV2& dh = *h.data_page_header_v2;
    if (dh.definition_levels_byte_length < 0 || dh.repetition_levels_byte_length < 0) {
      return Status::Corruption("data page v2 with negative level lengths");
    }
    uint64_t levels = static_cast<uint64_t>(dh.definition_levels_byte_length) +
                      static_cast<uint64_t>(dh.repetition_levels_byte_length);
    if (levels > body.size() || levels > static_cast<uint64_t>(h.uncompressed_page_size)) {
      return Status::Corruption(
          fmt::format("data page v2 level lengths ({} bytes) exceed the page "
                      "({} bytes)",
                      levels, body.size()));
    }
    BA_RETURN_IF_ERROR(CheckCount(dh.num_values, static_cast<size_t>(h.uncompressed_page_size)));
    if (dh.num_rows != dh.num_values && col_.max_rep_level == 0) {
      return Status::Corruption(
          fmt::format("data page v2 has {} values but {} rows in a flat column", dh.num_values, dh.num_rows));
    }
    const size_t n = static_cast<size_t>(dh.num_values);
    ByteSpan def = body.subspan(static_cast<size_t>(dh.repetition_levels_byte_length),
                                static_cast<size_t>(dh.definition_levels_byte_length));
    ByteSpan compressed = body.subspan(static_cast<size_t>(levels));
    size_t values_size = static_cast<size_t>(h.uncompressed_page_size - levels);
    size_t present = n;
    if (col_.max_def_level > 0) {
      size_t consumed = 0;
      BA_ASSIGN_OR_RETURN(present, Levels(def, Encoding::RLE, n, false, &consumed));
    }
    if (dh.num_nulls < 0 || static_cast<size_t>(dh.num_nulls) != n - present) {
      // Some writers leave num_nulls unset (0); only reject impossible values.
      if (dh.num_nulls < 0 || static_cast<size_t>(dh.num_nulls) > n) {
        return Status::Corruption(fmt::format("data page v2 num_nulls {} of {} values", dh.num_nulls, n));
      }
    }
    Bytes values;
    ByteSpan vspan;
    if (dh.is_compressed && meta_.codec != Codec::UNCOMPRESSED && values_size > 0) {
      BA_ASSIGN_OR_RETURN(values, Decompress(meta_.codec, compressed, values_size));
      vspan = values;
    } else {
      if (compressed.size() != values_size) {
        return Status::Corruption(
            fmt::format("uncompressed data page v2 holds {} value bytes, "
                        "header says {}",
                        compressed.size(), values_size));
      }
      vspan = compressed;
    }
    BA_RETURN_IF_ERROR(Values(dh.encoding, vspan, present));
    rows_ += dh.num_values;
    return Status::OK();
  }

  const ColumnDescriptor& col_;
  const ColumnMetaData& meta_;
  const int64_t expected_rows_;
  const ChunkDecodeOptions& options_;
  ColumnVector out_;
  ColumnVector dict_;
  bool have_dict_ = false;
  int64_t rows_ = 0;
};

}  // namespace

Result<ColumnVector> DecodeColumnChunk(const ColumnDescriptor& col, const ColumnMetaData& meta,
                                       int64_t expected_rows, ByteSpan chunk, uint64_t base_offset,
                                       const ChunkDecodeOptions& options) {
  return ChunkDecoder(col, meta, expected_rows, options).Run(chunk, base_offset);
}

}  // namespace budget_audit::parquet

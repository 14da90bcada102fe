// Dictionary encoding: the dictionary page (PLAIN values) and data pages of
// RLE_DICTIONARY / PLAIN_DICTIONARY indices (one byte of bit width, then an
// RLE/bit-packed hybrid stream of n indices, no length prefix).
//
// Reading: decode the dictionary page once per column chunk, then expand
// each data page's indices against it. Writing: a DictionaryEncoder maps
// values to indices in first-seen order; the writer watches
// dictionary_byte_size() and falls back to PLAIN pages once it passes a
// limit (kDefaultDictionaryPageSizeLimit, as Arrow).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "budget_audit/status.h"
#include "parquet/types.h"
#include "util/bytes.h"

namespace budget_audit::parquet {

inline constexpr size_t kDefaultDictionaryPageSizeLimit = size_t{1} << 20;

// Replaces the contents of *dict with the num_values PLAIN values of a
// dictionary page, and sets dict->type / dict->type_length. Errors as
// DecodePlain (plain.h).
Status DecodeDictionaryPage(ByteSpan data, Type type, int32_t type_length, size_t num_values,
                            ColumnVector* dict);

// Decodes n indices of a dictionary data page (bit-width byte, then the
// hybrid stream) into indices[0..n). A bit width above 32, a short stream
// or a malformed run is Corruption. With n == 0 an empty `data` is accepted.
// Indices are not range-checked here (GatherDictionary does that).
Status DecodeDictionaryIndexStream(ByteSpan data, size_t n, uint32_t* indices);

// Appends dict[indices[i]] for i in [0, n) to `out` (the vector matching
// dict.type). An index >= the dictionary size is Corruption; nothing is
// appended then. ResourceExhausted if BYTE_ARRAY payload passes 4 GiB.
Status GatherDictionary(const ColumnVector& dict, const uint32_t* indices, size_t n, ColumnVector* out);

// DecodeDictionaryIndexStream + GatherDictionary in batches (no n-sized
// index buffer). On error `out` may hold some of the page's values:
// callers discard the column on error.
Status DecodeDictionaryIndices(ByteSpan data, size_t n, const ColumnVector& dict, ColumnVector* out);

// The index bit width written for a dictionary of `dict_size` entries:
// the width of the largest index, at least 1 (as Arrow: some readers
// mishandle width 0).
int DictionaryIndexBitWidth(size_t dict_size);

// Appends a dictionary data page body: the bit-width byte, then indices
// [0, n) as a hybrid stream. Indices must be < 2^bit_width.
void EncodeDictionaryIndices(const uint32_t* indices, size_t n, int bit_width, ByteWriter& out);

// Builds a dictionary over values of one physical type. Values are keyed by
// their bytes, so -0.0 and 0.0 are distinct entries and NaNs with the same
// bit pattern share one. Not thread-safe.
class DictionaryEncoder {
 public:
  // type_length: FIXED_LEN_BYTE_ARRAY width (ignored otherwise; INT96 is 12).
  DictionaryEncoder(Type type, int32_t type_length);

  // Maps values [begin, end) of `values` (which must have this encoder's
  // type) to indices appended to *indices, adding unseen values. Returns
  // InvalidArgument for a bad range or type, ResourceExhausted when the
  // dictionary would reach 2^32 entries or 4 GiB of BYTE_ARRAY payload.
  Status Put(const ColumnVector& values, size_t begin, size_t end, std::vector<uint32_t>* indices);

  size_t size() const { return count_; }
  // Size of the PLAIN dictionary page body.
  size_t dictionary_byte_size() const { return byte_size_; }
  // The dictionary values in index order (type/type_length set).
  const ColumnVector& dictionary() const { return dict_; }
  int index_bit_width() const { return DictionaryIndexBitWidth(count_); }

  // Appends the dictionary page body (PLAIN values).
  void EncodeDictionaryPage(ByteWriter& out) const;
  // Appends a data page body for indices [0, n) at index_bit_width().
  void EncodeIndices(const uint32_t* indices, size_t n, ByteWriter& out) const;

  // Forgets all entries (for the next column chunk).
  void Clear();

 private:
  template <typename Key, typename GetKey>
  Status PutNumeric(size_t begin, size_t end, GetKey get, std::vector<uint32_t>* indices,
                    std::vector<Key>& keys);
  Status PutBytes(const ColumnVector& values, size_t begin, size_t end, std::vector<uint32_t>* indices);
  void Grow();

  Type type_;
  int32_t type_length_;
  size_t width_;  // bytes per value for fixed-width types
  ColumnVector dict_;
  size_t count_ = 0;
  size_t byte_size_ = 0;
  // Open addressing, linear probing: entry index + 1, 0 = empty.
  std::vector<uint32_t> slots_;
  size_t mask_ = 0;
  std::vector<uint64_t> hashes_;  // per entry (bytes types)
  std::vector<uint32_t> keys32_;  // per entry: bit patterns of 32-bit types
  std::vector<uint64_t> keys64_;  // per entry: bit patterns of 64-bit types
};

}  // namespace budget_audit::parquet

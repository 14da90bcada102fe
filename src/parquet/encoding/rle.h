// The RLE / bit-packed hybrid encoding (definition and repetition levels,
// dictionary indices, RLE booleans), its two framings, and the deprecated
// BIT_PACKED level encoding.
//
// Hybrid stream layout: a sequence of runs, each starting with a ULEB128
// varint header h.
//   h & 1 == 1  bit-packed run: (h >> 1) groups of 8 values, each group
//               `bit_width` bytes, values packed LSB-first (bit_util.h).
//   h & 1 == 0  RLE run: (h >> 1) repeats of one value stored in
//               ceil(bit_width / 8) bytes, little-endian.
// The stream carries no value count: the reader is told how many values to
// take (a page's value count), and the last bit-packed group may be padded
// past it. Bit width 0 is valid: every value is 0 and runs hold no bytes.
//
// Framing: data page v1 levels and RLE-encoded BOOLEAN values are preceded
// by a u32 little-endian byte length; data page v2 levels have no prefix
// (their length is in the page header).
//
// Decoder leniency, and its limits: a bit-packed run may claim more groups
// than there are bytes left (some writers end the stream right after the
// last value they needed); that is accepted as long as every value actually
// requested is wholly present. Everything else is Corruption: an RLE value
// cut short, an RLE value wider than `bit_width`, a stream that ends before
// `n` values. Zero-length runs are skipped (each still consumes its header
// byte, so a stream of them cannot loop forever). No read leaves the span.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "budget_audit/status.h"
#include "parquet/types.h"
#include "util/bytes.h"

namespace budget_audit::parquet {

// Largest bit width of a hybrid stream (dictionary indices are u32).
inline constexpr int kMaxHybridBitWidth = 32;

// Incremental hybrid decoder: values are taken in any number of Decode
// calls. Borrows `data` (it must outlive the decoder).
class RleBitPackedDecoder {
 public:
  // `bit_width` must be in 0..32; otherwise every Decode returns
  // Corruption (so a bit width read from a file can be passed unchecked).
  RleBitPackedDecoder(ByteSpan data, int bit_width);

  // Decodes the next n values into out[0..n). T is uint8_t, uint16_t or
  // uint32_t; a bit width wider than T returns Corruption. Values are
  // always < 2^bit_width. On error the decoder must not be used again.
  Status Decode(uint8_t* out, size_t n);
  Status Decode(uint16_t* out, size_t n);
  Status Decode(uint32_t* out, size_t n);

  // Bytes of the stream consumed so far: through the end of the current
  // run (or as much of it as is present).
  size_t bytes_consumed() const { return pos_; }
  int bit_width() const { return bit_width_; }

 private:
  template <typename T>
  Status DecodeImpl(T* out, size_t n);
  template <typename T>
  Status TakePacked(T* out, size_t k);
  Status NextRun(size_t decoded, size_t wanted);

  ByteSpan data_;
  int bit_width_;
  size_t pos_ = 0;
  // Current run.
  bool rle_ = false;
  uint64_t run_left_ = 0;  // values of the run not yet returned
  uint32_t rle_value_ = 0;
  const uint8_t* packed_ = nullptr;  // bit-packed: first byte of the run
  size_t packed_bytes_ = 0;          // bytes of the run actually present
  uint64_t packed_index_ = 0;        // next value of the run
  uint64_t packed_present_ = 0;      // values wholly inside packed_bytes_
  size_t run_start_ = 0;             // offset of the run's header
  uint32_t group_[8] = {};           // the partly consumed group
};

// Decodes exactly n values of a hybrid stream into out[0..n).
// `consumed` (optional) receives bytes_consumed().
Status DecodeRleBitPacked(ByteSpan data, int bit_width, size_t n, uint8_t* out, size_t* consumed = nullptr);
Status DecodeRleBitPacked(ByteSpan data, int bit_width, size_t n, uint16_t* out, size_t* consumed = nullptr);
Status DecodeRleBitPacked(ByteSpan data, int bit_width, size_t n, uint32_t* out, size_t* consumed = nullptr);
// Appends n values to `out` (nothing is appended on error).
Status DecodeRleBitPacked(ByteSpan data, int bit_width, size_t n, std::vector<uint32_t>* out,
                          size_t* consumed = nullptr);

// Splits off a u32 LE length-prefixed block: returns the block's bytes and
// sets *consumed to 4 + length. Corruption if the prefix or the block is cut
// short.
Result<ByteSpan> TakeLengthPrefixed(ByteSpan data, size_t* consumed);

// The deprecated BIT_PACKED encoding: n values of `bit_width` (0..32) bits,
// packed MSB-first (the first value's top bit is bit 7 of byte 0), no
// header, ceil(n * bit_width / 8) bytes. *consumed (optional) receives that
// byte count.
Status DecodeBitPackedMsb(ByteSpan data, int bit_width, size_t n, uint16_t* out, size_t* consumed = nullptr);
Status DecodeBitPackedMsb(ByteSpan data, int bit_width, size_t n, uint32_t* out, size_t* consumed = nullptr);

// ---- Levels ----

// Bit width of levels up to max_level (0 for max_level 0).
int LevelBitWidth(int16_t max_level);

// Decodes n levels (0..max_level) into out[0..n). `encoding` is RLE (the
// hybrid, u32 length-prefixed when `length_prefixed`, i.e. data page v1) or
// BIT_PACKED (never prefixed). `data` may extend past the levels (v1: the
// values follow); *consumed receives the bytes that belong to the levels.
// max_level 0 decodes n zeros and consumes nothing. A level above max_level
// is Corruption; any other encoding is Corruption too.
Status DecodeLevels(ByteSpan data, Encoding encoding, int16_t max_level, size_t n, bool length_prefixed,
                    int16_t* out, size_t* consumed);

// As DecodeLevels, but appends one flag per level to `defined`: 1 when the
// level equals max_level (a value is present in a flat column), else 0.
// Fast path for max_level 1. Nothing is appended on error.
Status DecodeDefinedFlags(ByteSpan data, Encoding encoding, int16_t max_level, size_t n, bool length_prefixed,
                          util::PoolVector<uint8_t>* defined, size_t* consumed);

// ---- RLE-encoded BOOLEAN values ----

// n booleans of an RLE value stream (u32 length prefix, then a hybrid stream
// of bit width 1) appended to `out` as 0/1. *consumed (optional) receives
// 4 + the prefix length.
Status DecodeRleBooleans(ByteSpan data, size_t n, util::PoolVector<uint8_t>* out, size_t* consumed = nullptr);

// ---- Encoder ----

// Streaming hybrid encoder. Eight equal values starting at a group boundary
// begin an RLE run, which lasts while the value repeats; everything else is
// bit-packed in groups of 8. Runs of fewer than 8 values left at the end are
// bit-packed (zero-padded to a group) unless the whole stream tail is one
// value with no open bit-packed run, which becomes a short RLE run.
class RleBitPackedEncoder {
 public:
  // bit_width in 0..32 (a programmer error otherwise: it is clamped).
  explicit RleBitPackedEncoder(int bit_width);

  // Values must fit in bit_width bits; higher bits are dropped.
  void Put(uint32_t value);
  void PutBatch(const uint8_t* values, size_t n);
  void PutBatch(const uint16_t* values, size_t n);
  void PutBatch(const uint32_t* values, size_t n);

  // Ends the stream and appends it to `out` (no length prefix). The encoder
  // is then empty and can encode a new stream of the same width.
  void Finish(ByteWriter& out);

  int bit_width() const { return bit_width_; }

 private:
  template <typename T>
  void PutBatchImpl(const T* values, size_t n);
  void CommitGroup();
  void EmitRle();
  void EmitLiteral();

  int bit_width_;
  ByteWriter buf_;
  std::vector<uint32_t> literal_;  // pending bit-packed run (whole groups)
  uint32_t pending_[8] = {};       // the group being filled
  int num_pending_ = 0;
  bool pending_same_ = true;  // all pending_ values equal
  uint32_t rle_value_ = 0;
  uint64_t rle_count_ = 0;  // > 0 while in an RLE run
};

// Encodes values[0..n) as one hybrid stream appended to `out`, preceded by
// its u32 LE byte length when `length_prefixed`.
void EncodeRleBitPacked(const uint8_t* values, size_t n, int bit_width, bool length_prefixed,
                        ByteWriter& out);
void EncodeRleBitPacked(const uint16_t* values, size_t n, int bit_width, bool length_prefixed,
                        ByteWriter& out);
void EncodeRleBitPacked(const uint32_t* values, size_t n, int bit_width, bool length_prefixed,
                        ByteWriter& out);

// Levels 0..max_level as RLE (the only level encoding we write).
void EncodeLevels(const int16_t* levels, size_t n, int16_t max_level, bool length_prefixed, ByteWriter& out);

// BOOLEAN values (0/1) in the RLE value encoding: u32 length + hybrid, bw 1.
void EncodeRleBooleans(const uint8_t* values, size_t n, ByteWriter& out);

}  // namespace budget_audit::parquet

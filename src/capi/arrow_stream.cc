// ba_snapshot_arrow_stream: a snapshot's cursor as an Arrow C stream
// (https://arrow.apache.org/docs/format/CStreamInterface.html), written
// without an Arrow library.
//
// Each array the stream gives is a struct array whose children are the
// requested columns. What the cursor (log::ChunkCursor) gives is moved into
// a block shared (shared_ptr) by the struct array and each child: the spec
// lets a consumer move a child out and release the parent first, so every
// array, parent or child, holds its own reference and frees its own private
// data. Two kinds of batch:
// - a run of sealed rows (log::ColumnSlice, most of a history): the row
//   group's decoded columns, shared, not copied. Fixed-width children point
//   into the decoded vectors and string children at their uint32 offsets
//   (valid int32 ones under 2 GiB of bytes) and bytes, from the run's
//   first row on (Arrow offset 0); gate_passed (one byte a value) is
//   packed into a bitmap;
// - any other records (the journal's, a time range's or a date's): a
//   RecordBatch, whose fixed-width columns are
//   its vectors as they are; a string column gets an int32 offsets buffer
//   and one byte buffer, and gate_passed a bitmap, built once per batch.
//
// Types and names are the sealed Parquet files' (log/slot_parquet.h), as
// pyarrow reads them: timestamp as timestamp[us, tz=UTC], the strings as
// utf8, every field nullable (the files' columns are OPTIONAL, as pandas
// wrote them) though never null, so no validity buffer is given.
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "budget_audit/c.h"
#include "budget_audit/log_reader.h"
#include "capi/handles.h"
#include "log/slot_parquet.h"
#include "log/snapshot.h"

namespace budget_audit::capi {
namespace {

enum class Kind { kTimestamp, kString, kInt64, kDouble, kBool };

struct ColumnDef {
  uint32_t bit;  // BA_COL_*
  Kind kind;
  const char* format;  // Arrow format string
};

// In file order; names are log::kAuditColumnNames at the same index.
constexpr ColumnDef kColumns[log::kAuditColumnCount] = {
    {BA_COL_TIMESTAMP, Kind::kTimestamp, "tsu:UTC"}, {BA_COL_DATE, Kind::kString, "u"},
    {BA_COL_SLOT_INDEX, Kind::kInt64, "l"},          {BA_COL_PLANNED_OFFSET_DEG, Kind::kDouble, "g"},
    {BA_COL_ACTUAL_OFFSET_DEG, Kind::kDouble, "g"},  {BA_COL_ENERGY_COST_KWH, Kind::kDouble, "g"},
    {BA_COL_BUDGET_SPENT_KWH, Kind::kDouble, "g"},   {BA_COL_BUDGET_REMAINING_KWH, Kind::kDouble, "g"},
    {BA_COL_GATE_PASSED, Kind::kBool, "b"},          {BA_COL_SOURCE, Kind::kString, "u"},
    {BA_COL_STAGE_ID, Kind::kString, "u"},           {BA_COL_SEQ, Kind::kInt64, "l"},
};
static_assert(log::kSeqColumn == 11);

// ---- schemas

// Children's format and name are static strings: nothing to free but the
// mark that they are released.
void ReleaseChildSchema(ArrowSchema* schema) { schema->release = nullptr; }

struct SchemaPrivate {
  std::vector<ArrowSchema> children;
  std::vector<ArrowSchema*> child_ptrs;
};

void ReleaseSchema(ArrowSchema* schema) {
  auto* p = static_cast<SchemaPrivate*>(schema->private_data);
  for (ArrowSchema* c : p->child_ptrs) {
    if (c->release != nullptr) c->release(c);
  }
  delete p;
  schema->release = nullptr;
}

void ExportSchema(uint32_t columns, ArrowSchema* out) {
  auto p = std::make_unique<SchemaPrivate>();
  for (size_t i = 0; i < log::kAuditColumnCount; ++i) {
    if (!(columns & kColumns[i].bit)) continue;
    ArrowSchema c{};
    c.format = kColumns[i].format;
    c.name = log::kAuditColumnNames[i];
    c.flags = ARROW_FLAG_NULLABLE;
    c.release = ReleaseChildSchema;
    p->children.push_back(c);
  }
  for (ArrowSchema& c : p->children) p->child_ptrs.push_back(&c);
  *out = ArrowSchema{};
  out->format = "+s";
  out->name = "";
  out->n_children = static_cast<int64_t>(p->children.size());
  out->children = p->child_ptrs.data();
  out->release = ReleaseSchema;
  out->private_data = p.release();
}

// ---- arrays

// One batch's memory, shared by the struct array and its children: a
// RecordBatch, or a run of sealed rows as their decoded columns (`slice`,
// rows > 0), which fixed-width and string children point into.
struct BatchData {
  RecordBatch rows;
  log::ColumnSlice slice;
  std::vector<int32_t> offsets[log::kAuditColumnCount];  // string columns
  std::string chars[log::kAuditColumnCount];
  std::vector<uint8_t> bitmap;  // gate_passed
};

struct ArrayPrivate {
  std::shared_ptr<BatchData> data;
  const void* buffers[3] = {nullptr, nullptr, nullptr};
  std::vector<ArrowArray> children;  // the struct array's only
  std::vector<ArrowArray*> child_ptrs;
};

void ReleaseArray(ArrowArray* array) {
  auto* p = static_cast<ArrayPrivate*>(array->private_data);
  for (ArrowArray* c : p->child_ptrs) {
    if (c->release != nullptr) c->release(c);
  }
  delete p;
  array->release = nullptr;
}

const std::vector<std::string>& StringColumn(const RecordBatch& rows, uint32_t bit) {
  if (bit == BA_COL_DATE) return rows.date;
  if (bit == BA_COL_SOURCE) return rows.source;
  return rows.stage_id;
}

const void* FixedColumn(const RecordBatch& rows, uint32_t bit) {
  switch (bit) {
    case BA_COL_TIMESTAMP: return rows.timestamp_us.data();
    case BA_COL_SLOT_INDEX: return rows.slot_index.data();
    case BA_COL_PLANNED_OFFSET_DEG: return rows.planned_offset_deg.data();
    case BA_COL_ACTUAL_OFFSET_DEG: return rows.actual_offset_deg.data();
    case BA_COL_ENERGY_COST_KWH: return rows.energy_cost_kwh.data();
    case BA_COL_BUDGET_SPENT_KWH: return rows.budget_spent_kwh.data();
    case BA_COL_BUDGET_REMAINING_KWH: return rows.budget_remaining_kwh.data();
    case BA_COL_SEQ: return rows.seq.data();  // seqs < 2^63: int64's bits
  }
  return nullptr;
}

// An empty buffer's pointer (the spec lets it be null; not every consumer does).
const uint8_t kNoBytes[1] = {0};

// Fills child `c` (its private part `p`) with column `i` of a slice: the
// decoded vectors themselves from the slice's first row on (the Arrow
// offset stays 0, for consumers that ignore it); gate_passed packed.
Status ExportSliceColumn(BatchData& d, size_t i, ArrowArray& c, ArrayPrivate& p) {
  const log::ColumnSlice& s = d.slice;
  const int k = s.column[i];
  if (k < 0) return Status::Internal(std::string(log::kAuditColumnNames[i]) + ": not decoded");
  const parquet::ColumnVector& v = (*s.cols)[static_cast<size_t>(k)];
  const size_t n = s.rows;
  switch (kColumns[i].kind) {
    case Kind::kString: {
      // The offsets from the slice's first row on, as they are (Arrow's
      // first offset need not be 0); uint32 offsets are valid int32 ones
      // while the bytes stay < 2 GiB.
      if (v.offsets.size() < s.offset + n + 1 ||
          v.offsets[s.offset + n] > static_cast<uint32_t>(std::numeric_limits<int32_t>::max())) {
        return Status::ResourceExhausted(std::string(log::kAuditColumnNames[i]) +
                                         ": a batch's strings exceed 2 GiB");
      }
      c.n_buffers = 3;
      p.buffers[1] = v.offsets.data() + s.offset;
      p.buffers[2] = v.data.empty() ? kNoBytes : v.data.data();
      break;
    }
    case Kind::kBool: {
      d.bitmap.assign((n + 7) / 8, 0);
      const uint8_t* b = v.bools.data() + s.offset;
      for (size_t r = 0; r < n; ++r) {
        if (b[r]) d.bitmap[r / 8] |= static_cast<uint8_t>(1u << (r % 8));
      }
      p.buffers[1] = d.bitmap.data();
      break;
    }
    case Kind::kTimestamp:
    case Kind::kInt64: p.buffers[1] = v.i64.data() + s.offset; break;
    case Kind::kDouble: p.buffers[1] = v.f64.data() + s.offset; break;
  }
  return Status::OK();
}

// Builds the struct array of `data` (its rows or its slice filled) into *out.
Status ExportBatch(std::shared_ptr<BatchData> data, uint32_t columns, ArrowArray* out) {
  BatchData& d = *data;
  const bool sliced = d.slice.rows > 0;
  const size_t n = sliced ? d.slice.rows : d.rows.num_rows();
  auto parent = std::make_unique<ArrayPrivate>();
  parent->data = data;
  for (size_t i = 0; i < log::kAuditColumnCount; ++i) {
    const ColumnDef& def = kColumns[i];
    if (!(columns & def.bit)) continue;
    auto p = std::make_unique<ArrayPrivate>();
    p->data = data;
    ArrowArray c{};
    c.length = static_cast<int64_t>(n);
    c.n_buffers = 2;
    if (sliced) {
      Status s = ExportSliceColumn(d, i, c, *p);
      if (!s.ok()) {
        for (ArrowArray& done : parent->children) done.release(&done);
        return s;
      }
    } else {
      switch (def.kind) {
        case Kind::kString: {
          const auto& strings = StringColumn(d.rows, def.bit);
          auto& offsets = d.offsets[i];
          auto& chars = d.chars[i];
          offsets.clear();
          chars.clear();
          offsets.reserve(n + 1);
          offsets.push_back(0);
          for (const std::string& s : strings) {
            // Cannot happen within BA_MAX_BATCH_ROWS rows of strings of at
            // most 4096 bytes; checked, not assumed.
            if (s.size() > static_cast<size_t>(std::numeric_limits<int32_t>::max()) - chars.size()) {
              return Status::ResourceExhausted(std::string(log::kAuditColumnNames[i]) +
                                               ": a batch's strings exceed 2 GiB");
            }
            chars += s;
            offsets.push_back(static_cast<int32_t>(chars.size()));
          }
          c.n_buffers = 3;
          p->buffers[1] = offsets.data();
          p->buffers[2] = chars.data();
          break;
        }
        case Kind::kBool: {
          d.bitmap.assign((n + 7) / 8, 0);
          for (size_t r = 0; r < n; ++r) {
            if (d.rows.gate_passed[r]) d.bitmap[r / 8] |= static_cast<uint8_t>(1u << (r % 8));
          }
          p->buffers[1] = d.bitmap.data();
          break;
        }
        case Kind::kTimestamp:
        case Kind::kInt64:
        case Kind::kDouble: p->buffers[1] = FixedColumn(d.rows, def.bit); break;
      }
    }
    c.buffers = p->buffers;
    c.release = ReleaseArray;
    c.private_data = p.release();
    parent->children.push_back(c);
  }
  for (ArrowArray& c : parent->children) parent->child_ptrs.push_back(&c);
  *out = ArrowArray{};
  out->length = static_cast<int64_t>(n);
  out->n_buffers = 1;  // the struct's validity bitmap: none (no nulls)
  out->buffers = parent->buffers;
  out->n_children = static_cast<int64_t>(parent->children.size());
  out->children = parent->child_ptrs.data();
  out->release = ReleaseArray;
  out->private_data = parent.release();
  return Status::OK();
}

// ---- the stream

struct StreamPrivate {
  // Declared before `cursor`, which borrows the snapshot.
  std::shared_ptr<SnapshotState> state;
  std::unique_ptr<log::ChunkCursor> cursor;
  uint32_t columns = 0;
  size_t batch_rows = 0;
  // The process that made the stream: its cursor decodes files ahead on
  // threads (SealedMerge::ReadAhead), which a fork()ed child does not have.
  pid_t pid = 0;
  std::string last_error;
  int error = 0;  // sticky: once a batch failed, every later call fails
};

int Fail(StreamPrivate* p, int err, const Status& s) {
  p->error = err;
  p->last_error = std::string(StatusCodeName(s.code())) + ": " + s.message();
  return err;
}

int GetSchema(ArrowArrayStream* stream, ArrowSchema* out) {
  auto* p = static_cast<StreamPrivate*>(stream->private_data);
  if (out == nullptr) return EINVAL;
  try {
    ExportSchema(p->columns, out);
    return 0;
  } catch (const std::bad_alloc&) {
    return ENOMEM;
  }
}

int GetNext(ArrowArrayStream* stream, ArrowArray* out) {
  auto* p = static_cast<StreamPrivate*>(stream->private_data);
  if (out == nullptr) return EINVAL;
  if (p->error != 0) return p->error;
  if (::getpid() != p->pid) {
    return Fail(p, EINVAL,
                Status::FailedPrecondition(fmt::format(
                    "this stream was started in process {} (this process is a fork of it); start a new "
                    "stream here",
                    p->pid)));
  }
  try {
    auto data = std::make_shared<BatchData>();
    Status s;
    {
      std::lock_guard<std::mutex> lock(p->state->mu);
      s = p->cursor->Next(p->batch_rows, &data->slice, &data->rows);
    }
    if (!s.ok()) return Fail(p, s.code() == StatusCode::kResourceExhausted ? ENOMEM : EIO, s);
    if (data->rows.num_rows() == 0 && data->slice.rows == 0) {  // the end
      *out = ArrowArray{};
      out->release = nullptr;
      return 0;
    }
    s = ExportBatch(std::move(data), p->columns, out);
    if (!s.ok()) return Fail(p, ENOMEM, s);
    return 0;
  } catch (const std::bad_alloc&) {
    return Fail(p, ENOMEM, Status::ResourceExhausted("out of memory"));
  }
}

const char* GetLastError(ArrowArrayStream* stream) {
  auto* p = static_cast<StreamPrivate*>(stream->private_data);
  return p->last_error.empty() ? nullptr : p->last_error.c_str();
}

void ReleaseStream(ArrowArrayStream* stream) {
  delete static_cast<StreamPrivate*>(stream->private_data);
  stream->release = nullptr;
}

}  // namespace
}  // namespace budget_audit::capi

extern "C" int ba_snapshot_arrow_stream(ba_snapshot* snapshot, const ba_scan_options* options,
                                        size_t batch_rows, ArrowArrayStream* stream, char** errmsg) {
  using namespace budget_audit::capi;
  namespace ba = budget_audit;
  if (stream == nullptr) return Misuse("stream: NULL", errmsg);
  stream->release = nullptr;
  if (snapshot == nullptr) return Misuse("snapshot: NULL", errmsg);
  return Guard(errmsg, [&] {
    uint32_t columns = 0;
    auto scan = ScanOptionsFromC(options, &columns);
    if (!scan.ok()) return Report(scan.status(), errmsg);
    auto p = std::make_unique<StreamPrivate>();
    p->state = snapshot->state;
    p->columns = columns;
    p->batch_rows = batch_rows == 0 ? 65536 : std::min<size_t>(batch_rows, BA_MAX_BATCH_ROWS);
    p->pid = ::getpid();
    {
      std::lock_guard<std::mutex> lock(p->state->mu);
      auto c = ba::log::SnapshotAccess::NewChunkCursor(*p->state->snapshot, *scan);
      if (!c.ok()) return Report(c.status(), errmsg);
      p->cursor = std::move(*c);
    }
    *stream = ArrowArrayStream{};
    stream->get_schema = GetSchema;
    stream->get_next = GetNext;
    stream->get_last_error = GetLastError;
    stream->release = ReleaseStream;
    stream->private_data = p.release();
    return Report(ba::Status::OK(), errmsg);
  });
}

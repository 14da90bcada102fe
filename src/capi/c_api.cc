// The C ABI (include/budget_audit/c.h) over the C++ API.
//
// The handles are in handles.h; the Arrow stream in arrow_stream.cc, the
// reports in reports.cc. Nothing throws across the boundary: an allocation
// failure is caught at each entry point (Guard) and returned as
// BA_RESOURCE_EXHAUSTED.
#include "budget_audit/c.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <string_view>
#include <vector>

#include "budget_audit/audit_log.h"
#include "budget_audit/config.h"
#include "budget_audit/env.h"
#include "budget_audit/log_reader.h"
#include "budget_audit/status.h"
#include "capi/handles.h"
#include "log/tick.h"
#include "log/validate.h"

namespace ba = budget_audit;
using namespace budget_audit::capi;

// The C codes are StatusCode's values, the C column bits AuditColumn's.
static_assert(BA_INTERNAL == static_cast<int>(ba::StatusCode::kInternal));
static_assert(BA_ALREADY_EXISTS == static_cast<int>(ba::StatusCode::kAlreadyExists));
static_assert(BA_BUSY == static_cast<int>(ba::StatusCode::kBusy));
constexpr bool SameBit(uint32_t c, ba::AuditColumn cc) { return c == static_cast<uint32_t>(cc); }
static_assert(SameBit(BA_COL_TIMESTAMP, ba::kColTimestamp) && SameBit(BA_COL_DATE, ba::kColDate) &&
              SameBit(BA_COL_GATE_PASSED, ba::kColGatePassed) && SameBit(BA_COL_STAGE_ID, ba::kColStageId));
static_assert((BA_ALL_COLUMNS & ~static_cast<uint32_t>(BA_COL_SEQ)) == ba::kAllColumns);

namespace {

void CopyHex(const std::string& hex, char out[BA_HEX_SIZE]) {
  if (out == nullptr) return;
  const size_t n = std::min(hex.size(), size_t{BA_HEX_SIZE - 1});
  std::memcpy(out, hex.data(), n);
  out[n] = '\0';
}

ba::ControllerTick TickFromC(const ba_tick& t) {
  ba::ControllerTick tick;
  tick.utc_offset_seconds = t.utc_offset_seconds;
  if (t.fields & BA_TICK_TIMESTAMP) tick.timestamp_us = t.timestamp_us;
  if (t.fields & BA_TICK_SLOT_INDEX) tick.slot_index = t.slot_index;
  if (t.fields & BA_TICK_PLAN_OFFSET_DEG) tick.plan_offset_deg = t.plan_offset_deg;
  if (t.fields & BA_TICK_TARGET_ANGLE) tick.target_angle = t.target_angle;
  if (t.fields & BA_TICK_ENERGY_COST_KWH) tick.energy_cost_kwh = t.energy_cost_kwh;
  if (t.fields & BA_TICK_BUDGET_SPENT_KWH) tick.budget_spent_kwh = t.budget_spent_kwh;
  if (t.fields & BA_TICK_BUDGET_REMAINING_KWH) tick.budget_remaining_kwh = t.budget_remaining_kwh;
  if (t.fields & BA_TICK_LIVE_GATE_PASSED) tick.live_gate_passed = t.live_gate_passed != 0;
  if (t.fields & BA_TICK_SOURCE) {
    tick.source = t.source ? std::string(t.source, t.source_len) : std::string();
  }
  if (t.fields & BA_TICK_STAGE_ID) {
    tick.stage_id = t.stage_id ? std::string(t.stage_id, t.stage_id_len) : std::string();
  }
  return tick;
}

constexpr uint32_t kAllTickFields = (1u << 10) - 1;

ba::Status CheckTickArg(const ba_tick* tick) {
  if (tick == nullptr) return ba::Status::InvalidArgument("tick: NULL");
  if (tick->fields & ~kAllTickFields) {
    return ba::Status::InvalidArgument("tick: unknown bits in fields");
  }
  if ((tick->source == nullptr && tick->source_len != 0) ||
      (tick->stage_id == nullptr && tick->stage_id_len != 0)) {
    return ba::Status::InvalidArgument("tick: a NULL string with a nonzero length");
  }
  return ba::Status::OK();
}

// The result of an Append, into the C struct (a conflict's existing seq too).
int AppendResultToC(const ba::Result<ba::AppendResult>& r, ba_append_result* result, char** errmsg) {
  if (result != nullptr) {
    *result = ba_append_result{};
    if (r.ok()) {
      result->seq = r->seq;
      result->duplicate = r->duplicate ? 1 : 0;
    } else if (r.status().seq()) {
      result->seq = *r.status().seq();
    }
  }
  return Report(r.status(), errmsg);
}

}  // namespace

namespace budget_audit::capi {

Result<ScanOptions> ScanOptionsFromC(const ba_scan_options* o, uint32_t* columns) {
  ba::ScanOptions scan;
  *columns = BA_ALL_COLUMNS;
  if (o == nullptr) return scan;
  if (o->columns & ~static_cast<uint32_t>(BA_ALL_COLUMNS)) {
    return ba::Status::InvalidArgument("columns: unknown bits");
  }
  *columns = o->columns;
  // The C++ column bits are the C ones without seq (always read).
  scan.columns = o->columns & ba::kAllColumns;
  if (o->has_since) scan.since_us = o->since_us;
  if (o->has_until) scan.until_us = o->until_us;
  if (o->date != nullptr) scan.date = std::string(o->date);
  return scan;
}

}  // namespace budget_audit::capi

extern "C" {

const char* ba_code_name(int code) {
  if (code < 0 || code > static_cast<int>(ba::StatusCode::kInternal)) return "Unknown";
  // StatusCodeName returns views of string literals: NUL-terminated.
  return ba::StatusCodeName(static_cast<ba::StatusCode>(code)).data();
}

const char* ba_version(void) { return BA_VERSION; }

void ba_free(void* p) { std::free(p); }

// ---- options

ba_log_options* ba_log_options_create(void) { return new (std::nothrow) ba_log_options(); }

void ba_log_options_destroy(ba_log_options* options) { delete options; }

int ba_log_options_set_sync(ba_log_options* options, int sync_mode) {
  if (options == nullptr) return BA_INVALID_ARGUMENT;
  switch (sync_mode) {
    case BA_SYNC_ALWAYS: options->options.sync = ba::SyncMode::kAlways; return BA_OK;
    case BA_SYNC_BATCH: options->options.sync = ba::SyncMode::kBatch; return BA_OK;
    case BA_SYNC_NONE: options->options.sync = ba::SyncMode::kNone; return BA_OK;
  }
  return BA_INVALID_ARGUMENT;
}

int ba_log_options_set_seal_policy(ba_log_options* options, int seal_policy) {
  if (options == nullptr) return BA_INVALID_ARGUMENT;
  switch (seal_policy) {
    case BA_SEAL_DAILY: options->options.seal_policy = ba::SealPolicy::kDaily; return BA_OK;
    case BA_SEAL_MONTHLY: options->options.seal_policy = ba::SealPolicy::kMonthly; return BA_OK;
    case BA_SEAL_MANUAL: options->options.seal_policy = ba::SealPolicy::kManual; return BA_OK;
  }
  return BA_INVALID_ARGUMENT;
}

int ba_log_options_set_holder_info(ba_log_options* options, const char* holder_info) {
  if (options == nullptr || holder_info == nullptr) return BA_INVALID_ARGUMENT;
  return Guard(nullptr, [&] {
    options->options.holder_info = holder_info;
    return BA_OK;
  });
}

int ba_log_options_set_timezone(ba_log_options* options, const char* timezone) {
  if (options == nullptr || timezone == nullptr) return BA_INVALID_ARGUMENT;
  return Guard(nullptr, [&] {
    auto date = ba::SiteDateFunction(timezone);
    if (!date.ok()) return BA_INVALID_ARGUMENT;
    options->options.local_date = std::move(*date);
    options->options.timezone = timezone;
    return BA_OK;
  });
}

int ba_log_options_set_retry_queue_capacity(ba_log_options* options, size_t capacity) {
  if (options == nullptr) return BA_INVALID_ARGUMENT;
  options->options.retry_queue_capacity = capacity;
  return BA_OK;
}

// ---- the writer

int ba_log_open(const char* dir, const ba_log_options* options, ba_log** log, char** errmsg) {
  if (log == nullptr) return Misuse("log: NULL", errmsg);
  *log = nullptr;
  if (dir == nullptr) return Misuse("dir: NULL", errmsg);
  return Guard(errmsg, [&] {
    ba::AuditLogOptions o = options ? options->options : ba::AuditLogOptions();
    auto opened = ba::AuditLog::Open(dir, o);
    if (!opened.ok()) return Report(opened.status(), errmsg);
    auto handle = std::make_unique<ba_log>();
    handle->log = std::move(*opened);
    *log = handle.release();
    return Report(ba::Status::OK(), errmsg);
  });
}

int ba_log_close(ba_log* log, char** errmsg) {
  if (log == nullptr) return Report(ba::Status::OK(), errmsg);
  std::unique_ptr<ba_log> owned(log);
  return Guard(errmsg, [&] {
    ba::Status s;
    {
      std::lock_guard<std::mutex> lock(owned->mu);
      s = owned->log->Close();
      owned->log.reset();
    }
    return Report(s, errmsg);
  });
}

int ba_log_append(ba_log* log, const ba_tick* tick, ba_append_result* result, char** errmsg) {
  if (result != nullptr) *result = ba_append_result{};
  if (log == nullptr) return Misuse("log: NULL", errmsg);
  ba::Status arg = CheckTickArg(tick);
  if (!arg.ok()) return Report(arg, errmsg);
  return Guard(errmsg, [&] {
    const ba::ControllerTick t = TickFromC(*tick);
    // As LogSlot(ControllerTick): checked and named as tick attributes, a
    // missing timestamp taken as now.
    ba::Status valid = ba::log::ValidateTick(t);
    if (!valid.ok()) return Report(valid, errmsg);
    const ba::SlotRecord record = ba::SlotRecordFromTick(t, ba::Env::Default()->NowMicros());
    std::lock_guard<std::mutex> lock(log->mu);
    return AppendResultToC(log->log->Append(record), result, errmsg);
  });
}

int ba_log_append_json(ba_log* log, const char* json, size_t json_len, ba_append_result* result,
                       char** errmsg) {
  if (result != nullptr) *result = ba_append_result{};
  if (log == nullptr) return Misuse("log: NULL", errmsg);
  if (json == nullptr) return Misuse("json: NULL", errmsg);
  return Guard(errmsg, [&] {
    ba::log::TickParseOptions parse;
    parse.require_timestamp = false;  // in process: a missing timestamp is now
    auto record =
        ba::log::ParseTick(std::string_view(json, json_len), ba::Env::Default()->NowMicros(), parse);
    if (!record.ok()) return Report(record.status(), errmsg);
    std::lock_guard<std::mutex> lock(log->mu);
    return AppendResultToC(log->log->Append(std::move(*record)), result, errmsg);
  });
}

int ba_log_log_slot(ba_log* log, const ba_tick* tick, char** errmsg) {
  if (log == nullptr) return Misuse("log: NULL", errmsg);
  ba::Status arg = CheckTickArg(tick);
  if (!arg.ok()) return Report(arg, errmsg);
  return Guard(errmsg, [&] {
    const ba::ControllerTick t = TickFromC(*tick);
    std::lock_guard<std::mutex> lock(log->mu);
    return Report(log->log->LogSlot(t), errmsg);
  });
}

int ba_log_flush_retry_queue(ba_log* log, char** errmsg) {
  if (log == nullptr) return Misuse("log: NULL", errmsg);
  return Guard(errmsg, [&] {
    std::lock_guard<std::mutex> lock(log->mu);
    return Report(log->log->FlushRetryQueue(), errmsg);
  });
}

size_t ba_log_retry_queue_size(ba_log* log) {
  if (log == nullptr) return 0;
  std::lock_guard<std::mutex> lock(log->mu);
  return log->log->retry_queue_size();
}

int ba_log_sync(ba_log* log, char** errmsg) {
  if (log == nullptr) return Misuse("log: NULL", errmsg);
  return Guard(errmsg, [&] {
    std::lock_guard<std::mutex> lock(log->mu);
    return Report(log->log->Sync(), errmsg);
  });
}

int ba_log_seal(ba_log* log, char** errmsg) {
  if (log == nullptr) return Misuse("log: NULL", errmsg);
  return Guard(errmsg, [&] {
    std::lock_guard<std::mutex> lock(log->mu);
    return Report(log->log->Seal(), errmsg);
  });
}

uint64_t ba_log_last_seq(ba_log* log) {
  if (log == nullptr) return 0;
  std::lock_guard<std::mutex> lock(log->mu);
  return log->log->last_seq();
}

uint64_t ba_log_sealed_seq(ba_log* log) {
  if (log == nullptr) return 0;
  std::lock_guard<std::mutex> lock(log->mu);
  return log->log->sealed_seq();
}

void ba_log_head(ba_log* log, char out[BA_HEX_SIZE]) {
  if (out != nullptr) out[0] = '\0';
  if (log == nullptr) return;
  std::lock_guard<std::mutex> lock(log->mu);
  CopyHex(log->log->head_hex(), out);
}

void ba_log_id(ba_log* log, char out[BA_HEX_SIZE]) {
  if (out != nullptr) out[0] = '\0';
  if (log == nullptr) return;
  std::lock_guard<std::mutex> lock(log->mu);
  CopyHex(log->log->log_id_hex(), out);
}

// ---- snapshots

int ba_snapshot_open(const char* dir, ba_snapshot** snapshot, char** errmsg) {
  if (snapshot == nullptr) return Misuse("snapshot: NULL", errmsg);
  *snapshot = nullptr;
  if (dir == nullptr) return Misuse("dir: NULL", errmsg);
  return Guard(errmsg, [&] {
    auto opened = ba::LogSnapshot::Open(dir);
    if (!opened.ok()) return Report(opened.status(), errmsg);
    auto handle = std::make_unique<ba_snapshot>();
    handle->state = std::make_shared<SnapshotState>();
    handle->state->snapshot = std::move(*opened);
    *snapshot = handle.release();
    return Report(ba::Status::OK(), errmsg);
  });
}

void ba_snapshot_close(ba_snapshot* snapshot) { delete snapshot; }

uint64_t ba_snapshot_last_seq(ba_snapshot* snapshot) {
  if (snapshot == nullptr) return 0;
  std::lock_guard<std::mutex> lock(snapshot->state->mu);
  return snapshot->state->snapshot->last_seq();
}

uint64_t ba_snapshot_sealed_seq(ba_snapshot* snapshot) {
  if (snapshot == nullptr) return 0;
  std::lock_guard<std::mutex> lock(snapshot->state->mu);
  return snapshot->state->snapshot->sealed_seq();
}

void ba_snapshot_head(ba_snapshot* snapshot, char out[BA_HEX_SIZE]) {
  if (out != nullptr) out[0] = '\0';
  if (snapshot == nullptr) return;
  std::lock_guard<std::mutex> lock(snapshot->state->mu);
  CopyHex(snapshot->state->snapshot->head_hex(), out);
}

void ba_snapshot_log_id(ba_snapshot* snapshot, char out[BA_HEX_SIZE]) {
  if (out != nullptr) out[0] = '\0';
  if (snapshot == nullptr) return;
  std::lock_guard<std::mutex> lock(snapshot->state->mu);
  CopyHex(snapshot->state->snapshot->log_id_hex(), out);
}

int ba_snapshot_cursor(ba_snapshot* snapshot, const ba_scan_options* options, ba_cursor** cursor,
                       char** errmsg) {
  if (cursor == nullptr) return Misuse("cursor: NULL", errmsg);
  *cursor = nullptr;
  if (snapshot == nullptr) return Misuse("snapshot: NULL", errmsg);
  return Guard(errmsg, [&] {
    uint32_t columns = 0;
    auto scan = ScanOptionsFromC(options, &columns);
    if (!scan.ok()) return Report(scan.status(), errmsg);
    auto handle = std::make_unique<ba_cursor>();
    handle->state = snapshot->state;
    std::lock_guard<std::mutex> lock(handle->state->mu);
    auto c = handle->state->snapshot->NewCursor(*scan);
    if (!c.ok()) return Report(c.status(), errmsg);
    handle->cursor = std::move(*c);
    *cursor = handle.release();
    return Report(ba::Status::OK(), errmsg);
  });
}

void ba_cursor_close(ba_cursor* cursor) {
  if (cursor == nullptr) return;
  std::shared_ptr<SnapshotState> state = cursor->state;
  std::lock_guard<std::mutex> lock(state->mu);
  delete cursor;
}

int ba_cursor_next(ba_cursor* cursor, size_t max_rows, const ba_batch** batch, char** errmsg) {
  if (batch != nullptr) *batch = nullptr;
  if (cursor == nullptr) return Misuse("cursor: NULL", errmsg);
  if (batch == nullptr) return Misuse("batch: NULL", errmsg);
  return Guard(errmsg, [&] {
    std::lock_guard<std::mutex> lock(cursor->state->mu);
    ba::Status s = cursor->cursor->Next(max_rows == 0 ? 1 : max_rows, &cursor->batch.records);
    if (s.ok()) *batch = &cursor->batch;
    return Report(s, errmsg);
  });
}

size_t ba_batch_num_rows(const ba_batch* batch) { return batch == nullptr ? 0 : batch->records.num_rows(); }

const int64_t* ba_batch_int64(const ba_batch* batch, uint32_t column) {
  if (batch == nullptr) return nullptr;
  const ba::RecordBatch& r = batch->records;
  switch (column) {
    case BA_COL_SEQ:
      // Seqs are below 2^63: the same bits as int64 (the Parquet files'
      // type for them).
      return reinterpret_cast<const int64_t*>(r.seq.data());
    case BA_COL_TIMESTAMP: return (r.columns & ba::kColTimestamp) ? r.timestamp_us.data() : nullptr;
    case BA_COL_SLOT_INDEX: return (r.columns & ba::kColSlotIndex) ? r.slot_index.data() : nullptr;
  }
  return nullptr;
}

const double* ba_batch_double(const ba_batch* batch, uint32_t column) {
  if (batch == nullptr || !(batch->records.columns & column)) return nullptr;
  const ba::RecordBatch& r = batch->records;
  switch (column) {
    case BA_COL_PLANNED_OFFSET_DEG: return r.planned_offset_deg.data();
    case BA_COL_ACTUAL_OFFSET_DEG: return r.actual_offset_deg.data();
    case BA_COL_ENERGY_COST_KWH: return r.energy_cost_kwh.data();
    case BA_COL_BUDGET_SPENT_KWH: return r.budget_spent_kwh.data();
    case BA_COL_BUDGET_REMAINING_KWH: return r.budget_remaining_kwh.data();
  }
  return nullptr;
}

const uint8_t* ba_batch_bool(const ba_batch* batch, uint32_t column) {
  if (batch == nullptr || column != BA_COL_GATE_PASSED || !(batch->records.columns & ba::kColGatePassed)) {
    return nullptr;
  }
  return batch->records.gate_passed.data();
}

const char* ba_batch_string(const ba_batch* batch, uint32_t column, size_t row, size_t* len) {
  if (len != nullptr) *len = 0;
  if (batch == nullptr || !(batch->records.columns & column) || row >= batch->records.num_rows()) {
    return nullptr;
  }
  const std::vector<std::string>* v = nullptr;
  switch (column) {
    case BA_COL_DATE: v = &batch->records.date; break;
    case BA_COL_SOURCE: v = &batch->records.source; break;
    case BA_COL_STAGE_ID: v = &batch->records.stage_id; break;
    default: return nullptr;
  }
  const std::string& s = (*v)[row];
  if (len != nullptr) *len = s.size();
  return s.c_str();
}

}  // extern "C"

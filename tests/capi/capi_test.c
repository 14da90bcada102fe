/* The C ABI from C (C11), as a controller written in C uses it: open, append
 * (a struct and a JSON line), a retry, a conflict, log_slot, sync, close and
 * reopen; a snapshot read through the cursor and through the Arrow C stream
 * (schema format strings and values checked here, without Arrow); the
 * reports; and the errors. Linked against libbudget_audit.so.
 *
 * Usage: capi_test [SCRATCH_DIR]  (default: a new directory under $TMPDIR
 * or /tmp). It creates a fresh directory inside and removes only that. */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <ftw.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "budget_audit/c.h"

static int failures = 0;

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      ++failures;                                                              \
    }                                                                          \
  } while (0)

/* A call expected to succeed; prints the library's message if not. */
#define CHECK_OK(call)                                                                       \
  do {                                                                                       \
    char* msg_ = NULL;                                                                       \
    int code_ = (call);                                                                      \
    if (code_ != BA_OK) {                                                                    \
      fprintf(stderr, "%s:%d: %s: %s: %s\n", __FILE__, __LINE__, #call, ba_code_name(code_), \
              msg_ ? msg_ : "(no message)");                                                 \
      ++failures;                                                                            \
    }                                                                                        \
    ba_free(msg_);                                                                           \
  } while (0)

/* Checks that `code` is `want` and `msg` starts with `prefix`; frees msg. */
static void expect_error(int code, char* msg, int want, const char* prefix, int line) {
  if (code != want) {
    fprintf(stderr, "capi_test.c:%d: code %s, want %s (%s)\n", line, ba_code_name(code), ba_code_name(want),
            msg ? msg : "(no message)");
    ++failures;
  } else if (msg == NULL || strncmp(msg, prefix, strlen(prefix)) != 0) {
    fprintf(stderr, "capi_test.c:%d: message \"%s\", want it to start with \"%s\"\n", line,
            msg ? msg : "(null)", prefix);
    ++failures;
  }
  ba_free(msg);
}
#define EXPECT_ERROR(call_with_msg, want, prefix)        \
  do {                                                   \
    int got_ = (call_with_msg);                          \
    expect_error(got_, msg, (want), (prefix), __LINE__); \
    msg = NULL;                                          \
  } while (0)

static const int64_t kT1 = 1780114500000000; /* 2026-05-30T06:15:00+02:00 */
static const int64_t kT2 = 1780115400000000; /* 2026-05-30T06:30:00+02:00 */
static const int64_t kT3 = 1780281000000000; /* 2026-05-31T23:30:00-03:00 */

static ba_tick first_tick(void) {
  ba_tick t;
  memset(&t, 0, sizeof t);
  t.fields = BA_TICK_TIMESTAMP | BA_TICK_SLOT_INDEX | BA_TICK_PLAN_OFFSET_DEG | BA_TICK_TARGET_ANGLE |
             BA_TICK_ENERGY_COST_KWH | BA_TICK_BUDGET_SPENT_KWH | BA_TICK_BUDGET_REMAINING_KWH |
             BA_TICK_LIVE_GATE_PASSED | BA_TICK_SOURCE | BA_TICK_STAGE_ID;
  t.timestamp_us = kT1;
  t.utc_offset_seconds = 7200;
  t.slot_index = 25;
  t.plan_offset_deg = 12.5;
  t.target_angle = 30.25;
  t.energy_cost_kwh = 0.125;
  t.budget_spent_kwh = 1.5;
  t.budget_remaining_kwh = 98.5;
  t.live_gate_passed = 1;
  t.source = "planner";
  t.source_len = 7;
  t.stage_id = "stage-\xc3\xa9t\xc3\xa9"; /* UTF-8 "stage-été" */
  t.stage_id_len = strlen(t.stage_id);
  return t;
}

static int remove_entry(const char* path, const struct stat* sb, int flag, struct FTW* ftw) {
  (void)sb;
  (void)flag;
  (void)ftw;
  return remove(path);
}

static int is_hex64(const char* s) {
  if (strlen(s) != 64) return 0;
  for (const char* p = s; *p; ++p) {
    if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'))) return 0;
  }
  return 1;
}

/* The audit columns of the Arrow schema: names and formats in file order. */
static const char* const kNames[12] = {"timestamp",         "date",
                                       "slot_index",        "planned_offset_deg",
                                       "actual_offset_deg", "energy_cost_kwh",
                                       "budget_spent_kwh",  "budget_remaining_kwh",
                                       "gate_passed",       "source",
                                       "stage_id",          "seq"};
static const char* const kFormats[12] = {"tsu:UTC", "u", "l", "g", "g", "g", "g", "g", "b", "u", "u", "l"};

static int utf8_equals(const struct ArrowArray* a, int64_t row, const char* want) {
  const int32_t* offsets = (const int32_t*)a->buffers[1];
  const char* chars = (const char*)a->buffers[2];
  size_t len = (size_t)(offsets[row + 1] - offsets[row]);
  return len == strlen(want) && memcmp(chars + offsets[row], want, len) == 0;
}

static int bit_at(const struct ArrowArray* a, int64_t row) {
  const uint8_t* bits = (const uint8_t*)a->buffers[1];
  return (bits[row / 8] >> (row % 8)) & 1;
}

static void test_writer(const char* dir) {
  char* msg = NULL;
  ba_log_options* options = ba_log_options_create();
  CHECK(options != NULL);
  CHECK(ba_log_options_set_sync(options, BA_SYNC_ALWAYS) == BA_OK);
  CHECK(ba_log_options_set_seal_policy(options, BA_SEAL_MANUAL) == BA_OK);
  CHECK(ba_log_options_set_seal_policy(options, 42) == BA_INVALID_ARGUMENT);
  CHECK(ba_log_options_set_holder_info(options, "capi_test") == BA_OK);
  CHECK(ba_log_options_set_timezone(options, "No/Such_Zone") == BA_INVALID_ARGUMENT);
  CHECK(ba_log_options_set_timezone(options, "Europe/Paris") == BA_OK);
  CHECK(ba_log_options_set_retry_queue_capacity(options, 16) == BA_OK);

  ba_log* log = NULL;
  CHECK_OK(ba_log_open(dir, options, &log, &msg));
  CHECK(log != NULL);
  CHECK(ba_log_last_seq(log) == 0);

  /* A struct. */
  ba_tick t = first_tick();
  ba_append_result r = {99, 99};
  CHECK_OK(ba_log_append(log, &t, &r, &msg));
  CHECK(r.seq == 1 && r.duplicate == 0);

  /* The same tick again: a retry, not a second record. */
  CHECK_OK(ba_log_append(log, &t, &r, &msg));
  CHECK(r.seq == 1 && r.duplicate == 1);

  /* The same timestamp with other content: a conflict carrying seq 1. */
  ba_tick other = t;
  other.energy_cost_kwh = 0.5;
  EXPECT_ERROR(ba_log_append(log, &other, &r, &msg), BA_ALREADY_EXISTS, "");
  CHECK(r.seq == 1 && r.duplicate == 0);

  /* A JSON line, with a trailing newline as a pipe delivers it. */
  const char* line =
      "{\"timestamp\": \"2026-05-30T06:30:00+02:00\", \"slot_index\": 26, "
      "\"energy_cost_kwh\": 0.25, \"live_gate_passed\": false, \"source\": null}\n";
  CHECK_OK(ba_log_append_json(log, line, strlen(line), &r, &msg));
  CHECK(r.seq == 2 && r.duplicate == 0);
  CHECK_OK(ba_log_append_json(log, line, strlen(line), &r, &msg));
  CHECK(r.seq == 2 && r.duplicate == 1);

  /* Refused, naming the tick attribute; nothing written. */
  ba_tick bad = t;
  bad.timestamp_us = kT3;
  bad.energy_cost_kwh = NAN;
  EXPECT_ERROR(ba_log_append(log, &bad, &r, &msg), BA_INVALID_ARGUMENT, "energy_cost_kwh:");
  CHECK(r.seq == 0);
  const char* unknown = "{\"timestamp\": \"2026-05-31T23:30:00-03:00\", \"plan_offset\": 1}";
  EXPECT_ERROR(ba_log_append_json(log, unknown, strlen(unknown), &r, &msg), BA_INVALID_ARGUMENT,
               "plan_offset");
  EXPECT_ERROR(ba_log_append_json(log, "[1]", 3, &r, &msg), BA_INVALID_ARGUMENT, "");
  ba_tick bad_bits = t;
  bad_bits.fields |= 1u << 20;
  EXPECT_ERROR(ba_log_append(log, &bad_bits, &r, &msg), BA_INVALID_ARGUMENT, "tick:");
  EXPECT_ERROR(ba_log_append(NULL, &t, &r, &msg), BA_INVALID_ARGUMENT, "log:");
  EXPECT_ERROR(ba_log_append(log, NULL, &r, &msg), BA_INVALID_ARGUMENT, "tick:");
  CHECK(ba_log_last_seq(log) == 2);

  /* log_slot: only a timestamp and the UTC offset -3 h; defaults for the rest. */
  ba_tick slot;
  memset(&slot, 0, sizeof slot);
  slot.fields = BA_TICK_TIMESTAMP | BA_TICK_ENERGY_COST_KWH;
  slot.timestamp_us = kT3;
  slot.utc_offset_seconds = -3 * 3600;
  slot.energy_cost_kwh = 0.75;
  CHECK_OK(ba_log_log_slot(log, &slot, &msg));
  CHECK_OK(ba_log_log_slot(log, &slot, &msg)); /* a retry: still one record */
  CHECK(ba_log_retry_queue_size(log) == 0);
  CHECK_OK(ba_log_flush_retry_queue(log, &msg));
  CHECK(ba_log_last_seq(log) == 3);

  CHECK_OK(ba_log_sync(log, &msg));
  char head[BA_HEX_SIZE], id[BA_HEX_SIZE];
  ba_log_head(log, head);
  ba_log_id(log, id);
  CHECK(is_hex64(head));
  CHECK(strlen(id) > 0);

  /* A second writer, even in this process, is refused. */
  ba_log* second = (ba_log*)1;
  EXPECT_ERROR(ba_log_open(dir, NULL, &second, &msg), BA_BUSY, "");
  CHECK(second == NULL);

  CHECK_OK(ba_log_close(log, &msg));

  /* Reopened: the same records and chain head. */
  CHECK_OK(ba_log_open(dir, options, &log, &msg));
  CHECK(ba_log_last_seq(log) == 3);
  char head2[BA_HEX_SIZE];
  ba_log_head(log, head2);
  CHECK(strcmp(head, head2) == 0);
  /* The retry of a record from before the reopen is still known. */
  CHECK_OK(ba_log_append(log, &t, &r, &msg));
  CHECK(r.seq == 1 && r.duplicate == 1);
  /* A tick without a timestamp is logged at now. */
  const char* now_line = "{\"slot_index\": 7}";
  CHECK_OK(ba_log_append_json(log, now_line, strlen(now_line), &r, &msg));
  CHECK(r.seq == 4);
  /* Seal the first three records' months into Parquet (the fourth is now). */
  CHECK_OK(ba_log_seal(log, &msg));
  CHECK(ba_log_sealed_seq(log) == 4);
  CHECK_OK(ba_log_close(log, &msg));
  CHECK_OK(ba_log_close(NULL, &msg));
  ba_log_options_destroy(options);
}

static void test_cursor(const char* dir) {
  char* msg = NULL;
  ba_snapshot* snap = NULL;
  CHECK_OK(ba_snapshot_open(dir, &snap, &msg));
  CHECK(ba_snapshot_last_seq(snap) == 4);
  CHECK(ba_snapshot_sealed_seq(snap) == 4);
  char head[BA_HEX_SIZE];
  ba_snapshot_head(snap, head);
  CHECK(is_hex64(head));

  ba_cursor* cursor = NULL;
  CHECK_OK(ba_snapshot_cursor(snap, NULL, &cursor, &msg));
  const ba_batch* batch = NULL;
  CHECK_OK(ba_cursor_next(cursor, 2, &batch, &msg));
  CHECK(ba_batch_num_rows(batch) == 2);
  const int64_t* seq = ba_batch_int64(batch, BA_COL_SEQ);
  const int64_t* ts = ba_batch_int64(batch, BA_COL_TIMESTAMP);
  const int64_t* slot = ba_batch_int64(batch, BA_COL_SLOT_INDEX);
  const double* planned = ba_batch_double(batch, BA_COL_PLANNED_OFFSET_DEG);
  const double* actual = ba_batch_double(batch, BA_COL_ACTUAL_OFFSET_DEG);
  const double* cost = ba_batch_double(batch, BA_COL_ENERGY_COST_KWH);
  const double* remaining = ba_batch_double(batch, BA_COL_BUDGET_REMAINING_KWH);
  const uint8_t* gate = ba_batch_bool(batch, BA_COL_GATE_PASSED);
  CHECK(seq && ts && slot && planned && actual && cost && remaining && gate);
  if (seq && ts && slot && planned && actual && cost && remaining && gate) {
    CHECK(seq[0] == 1 && seq[1] == 2);
    CHECK(ts[0] == kT1 && ts[1] == kT2);
    CHECK(slot[0] == 25 && slot[1] == 26);
    CHECK(planned[0] == 12.5 && planned[1] == 0.0);
    CHECK(actual[0] == 30.25);
    CHECK(cost[0] == 0.125 && cost[1] == 0.25);
    CHECK(remaining[0] == 98.5);
    CHECK(gate[0] == 1 && gate[1] == 0);
  }
  size_t len = 0;
  const char* s = ba_batch_string(batch, BA_COL_DATE, 0, &len);
  CHECK(s && len == 10 && strcmp(s, "2026-05-30") == 0);
  s = ba_batch_string(batch, BA_COL_STAGE_ID, 0, &len);
  CHECK(s && strcmp(s, "stage-\xc3\xa9t\xc3\xa9") == 0 && len == strlen(s));
  s = ba_batch_string(batch, BA_COL_SOURCE, 1, &len);
  CHECK(s && len == 0); /* null in the JSON: the default "" */
  s = ba_batch_string(batch, BA_COL_STAGE_ID, 1, &len);
  CHECK(s && strcmp(s, "unknown") == 0);
  /* Wrong type, out of range. */
  CHECK(ba_batch_double(batch, BA_COL_TIMESTAMP) == NULL);
  CHECK(ba_batch_int64(batch, BA_COL_SOURCE) == NULL);
  CHECK(ba_batch_string(batch, BA_COL_DATE, 2, &len) == NULL && len == 0);

  CHECK_OK(ba_cursor_next(cursor, 100, &batch, &msg));
  CHECK(ba_batch_num_rows(batch) == 2);
  s = ba_batch_string(batch, BA_COL_DATE, 0, &len);
  /* 23:30 at -03:00 is the 31st there (the 1st of June in UTC). */
  CHECK(s && strcmp(s, "2026-05-31") == 0);
  CHECK(ba_batch_int64(batch, BA_COL_SLOT_INDEX)[0] == -1);
  CHECK(ba_batch_int64(batch, BA_COL_SLOT_INDEX)[1] == 7);
  CHECK_OK(ba_cursor_next(cursor, 100, &batch, &msg));
  CHECK(ba_batch_num_rows(batch) == 0);
  ba_cursor_close(cursor);

  /* Some columns and a time range. */
  ba_scan_options o;
  memset(&o, 0, sizeof o);
  o.columns = BA_COL_TIMESTAMP | BA_COL_ENERGY_COST_KWH;
  o.has_since = 1;
  o.since_us = kT2;
  CHECK_OK(ba_snapshot_cursor(snap, &o, &cursor, &msg));
  CHECK_OK(ba_cursor_next(cursor, 10, &batch, &msg));
  CHECK(ba_batch_num_rows(batch) == 3);
  CHECK(ba_batch_int64(batch, BA_COL_SEQ)[0] == 2);
  CHECK(ba_batch_double(batch, BA_COL_ENERGY_COST_KWH)[1] == 0.75);
  CHECK(ba_batch_int64(batch, BA_COL_SLOT_INDEX) == NULL); /* not asked for */
  CHECK(ba_batch_string(batch, BA_COL_DATE, 0, NULL) == NULL);
  ba_cursor_close(cursor);

  o.columns = 1u << 20;
  cursor = (ba_cursor*)1;
  EXPECT_ERROR(ba_snapshot_cursor(snap, &o, &cursor, &msg), BA_INVALID_ARGUMENT, "columns:");
  CHECK(cursor == NULL);

  /* A cursor outlives its snapshot handle. */
  CHECK_OK(ba_snapshot_cursor(snap, NULL, &cursor, &msg));
  ba_snapshot_close(snap);
  CHECK_OK(ba_cursor_next(cursor, 10, &batch, &msg));
  CHECK(ba_batch_num_rows(batch) == 4);
  ba_cursor_close(cursor);
}

static void test_arrow(const char* dir) {
  char* msg = NULL;
  ba_snapshot* snap = NULL;
  CHECK_OK(ba_snapshot_open(dir, &snap, &msg));
  struct ArrowArrayStream stream;
  CHECK_OK(ba_snapshot_arrow_stream(snap, NULL, 3, &stream, &msg));
  /* The stream keeps what it reads: the handle may go first. */
  ba_snapshot_close(snap);

  struct ArrowSchema schema;
  CHECK(stream.get_schema(&stream, &schema) == 0);
  CHECK(strcmp(schema.format, "+s") == 0);
  CHECK(schema.n_children == 12);
  for (int64_t i = 0; i < schema.n_children && i < 12; ++i) {
    const struct ArrowSchema* c = schema.children[i];
    CHECK(strcmp(c->name, kNames[i]) == 0);
    CHECK(strcmp(c->format, kFormats[i]) == 0);
    CHECK(c->flags == ARROW_FLAG_NULLABLE);
    CHECK(c->n_children == 0 && c->release != NULL);
  }
  schema.release(&schema);
  CHECK(schema.release == NULL);

  int64_t rows = 0;
  int batches = 0;
  for (;;) {
    struct ArrowArray a;
    CHECK(stream.get_next(&stream, &a) == 0);
    if (a.release == NULL) break;
    ++batches;
    CHECK(a.n_children == 12 && a.n_buffers == 1 && a.null_count == 0 && a.offset == 0);
    const struct ArrowArray* ts = a.children[0];
    const struct ArrowArray* date = a.children[1];
    const struct ArrowArray* slot = a.children[2];
    const struct ArrowArray* cost = a.children[5];
    const struct ArrowArray* gate = a.children[8];
    const struct ArrowArray* stage = a.children[10];
    const struct ArrowArray* seq = a.children[11];
    CHECK(ts->length == a.length && ts->n_buffers == 2 && date->n_buffers == 3);
    for (int64_t i = 0; i < a.length; ++i) {
      const int64_t row = rows + i; /* seq - 1 */
      CHECK(((const int64_t*)seq->buffers[1])[i] == row + 1);
      if (row == 0) {
        CHECK(((const int64_t*)ts->buffers[1])[i] == kT1);
        CHECK(utf8_equals(date, i, "2026-05-30"));
        CHECK(((const int64_t*)slot->buffers[1])[i] == 25);
        CHECK(((const double*)cost->buffers[1])[i] == 0.125);
        CHECK(bit_at(gate, i) == 1);
        CHECK(utf8_equals(stage, i, "stage-\xc3\xa9t\xc3\xa9"));
      } else if (row == 1) {
        CHECK(((const int64_t*)ts->buffers[1])[i] == kT2);
        CHECK(bit_at(gate, i) == 0);
        CHECK(utf8_equals(stage, i, "unknown"));
      } else if (row == 2) {
        CHECK(((const int64_t*)ts->buffers[1])[i] == kT3);
        CHECK(utf8_equals(date, i, "2026-05-31"));
        CHECK(((const double*)cost->buffers[1])[i] == 0.75);
      }
    }
    rows += a.length;
    /* Move a child out, release the parent, then the child: its data
     * must still be there (the spec allows this). */
    struct ArrowArray moved = *a.children[10];
    a.children[10]->release = NULL;
    a.release(&a);
    CHECK(a.release == NULL);
    CHECK(moved.length >= 1 && ((const int32_t*)moved.buffers[1])[0] == 0);
    moved.release(&moved);
  }
  CHECK(rows == 4 && batches == 2);
  /* Past the end: still the end. */
  struct ArrowArray end;
  CHECK(stream.get_next(&stream, &end) == 0 && end.release == NULL);
  CHECK(stream.get_last_error(&stream) == NULL);
  stream.release(&stream);
  CHECK(stream.release == NULL);

  /* Two columns, one date. */
  CHECK_OK(ba_snapshot_open(dir, &snap, &msg));
  ba_scan_options o;
  memset(&o, 0, sizeof o);
  o.columns = BA_COL_GATE_PASSED | BA_COL_TIMESTAMP;
  o.date = "2026-05-30";
  CHECK_OK(ba_snapshot_arrow_stream(snap, &o, 0, &stream, &msg));
  CHECK(stream.get_schema(&stream, &schema) == 0);
  CHECK(schema.n_children == 2);
  CHECK(strcmp(schema.children[0]->name, "timestamp") == 0);
  CHECK(strcmp(schema.children[1]->format, "b") == 0);
  schema.release(&schema);
  struct ArrowArray a;
  CHECK(stream.get_next(&stream, &a) == 0);
  CHECK(a.release != NULL && a.length == 2 && a.n_children == 2);
  if (a.release) a.release(&a);
  CHECK(stream.get_next(&stream, &a) == 0 && a.release == NULL);
  stream.release(&stream);

  stream.release = (void (*)(struct ArrowArrayStream*))1;
  o.columns = 1u << 13;
  EXPECT_ERROR(ba_snapshot_arrow_stream(snap, &o, 0, &stream, &msg), BA_INVALID_ARGUMENT, "columns:");
  CHECK(stream.release == NULL);
  ba_snapshot_close(snap);
}

static void test_reports(const char* dir) {
  char* msg = NULL;
  char* json = NULL;
  ba_snapshot* snap = NULL;
  CHECK_OK(ba_snapshot_open(dir, &snap, &msg));
  ba_plant plant = {100.0, 5.0, 1};
  CHECK_OK(ba_snapshot_report_json(snap, &plant, &json, &msg));
  CHECK(json != NULL && json[0] == '{' && strstr(json, "\"ceiling_pct\": 5") != NULL);
  ba_free(json);
  CHECK_OK(ba_snapshot_daily_json(snap, "2026-05-30", &json, &msg));
  CHECK(json != NULL && strstr(json, "\"2026-05-30\"") != NULL);
  ba_free(json);
  EXPECT_ERROR(ba_snapshot_daily_json(snap, "2026-02-30", &json, &msg), BA_INVALID_ARGUMENT,
               "date 2026-02-30");
  CHECK(json == NULL);
  ba_snapshot_close(snap);

  CHECK_OK(ba_verify_json(dir, &json, &msg));
  /* The library's one verify JSON (include/budget_audit/verify.h), compact. */
  CHECK(json != NULL && strstr(json, "\"intact\":true") != NULL);
  CHECK(json != NULL && strstr(json, "\"records\":4,") != NULL);
  CHECK(json != NULL && strstr(json, "\"closed_cleanly\":true") != NULL);
  ba_free(json);
}

/* log_slot from several threads at once on one handle (the library
 * serializes the calls), and a snapshot read by another thread meanwhile. */
enum { kThreads = 4, kTicksPerThread = 50 };
struct writer_arg {
  ba_log* log;
  int index;
  int failed;
};

static void* writer_thread(void* p) {
  struct writer_arg* a = (struct writer_arg*)p;
  for (int i = 0; i < kTicksPerThread; ++i) {
    ba_tick t;
    memset(&t, 0, sizeof t);
    t.fields = BA_TICK_TIMESTAMP | BA_TICK_SLOT_INDEX;
    /* Distinct instants in 2026-07 (one second apart per tick). */
    t.timestamp_us = 1782864000000000 + ((int64_t)a->index * kTicksPerThread + i) * 1000000;
    t.slot_index = a->index;
    if (ba_log_log_slot(a->log, &t, NULL) != BA_OK) ++a->failed;
  }
  return NULL;
}

static void* reader_thread(void* p) {
  const char* dir = (const char*)p;
  ba_snapshot* snap = NULL;
  if (ba_snapshot_open(dir, &snap, NULL) != BA_OK) return (void*)1;
  ba_cursor* cursor = NULL;
  const ba_batch* batch = NULL;
  size_t rows = 0;
  if (ba_snapshot_cursor(snap, NULL, &cursor, NULL) == BA_OK) {
    while (ba_cursor_next(cursor, 7, &batch, NULL) == BA_OK && ba_batch_num_rows(batch) > 0) {
      rows += ba_batch_num_rows(batch);
    }
  }
  ba_cursor_close(cursor);
  const int ok = rows == ba_snapshot_last_seq(snap);
  ba_snapshot_close(snap);
  return ok ? NULL : (void*)1;
}

static void test_threads(const char* dir) {
  char* msg = NULL;
  ba_log_options* options = ba_log_options_create();
  CHECK(ba_log_options_set_sync(options, BA_SYNC_NONE) == BA_OK);
  CHECK(ba_log_options_set_seal_policy(options, BA_SEAL_MANUAL) == BA_OK);
  ba_log* log = NULL;
  CHECK_OK(ba_log_open(dir, options, &log, &msg));
  ba_log_options_destroy(options);
  if (log == NULL) return;
  const uint64_t before = ba_log_last_seq(log);
  pthread_t threads[kThreads + 1];
  struct writer_arg args[kThreads];
  for (int i = 0; i < kThreads; ++i) {
    args[i].log = log;
    args[i].index = i;
    args[i].failed = 0;
    CHECK(pthread_create(&threads[i], NULL, writer_thread, &args[i]) == 0);
  }
  CHECK(pthread_create(&threads[kThreads], NULL, reader_thread, (void*)dir) == 0);
  for (int i = 0; i <= kThreads; ++i) {
    void* ret = NULL;
    CHECK(pthread_join(threads[i], &ret) == 0);
    CHECK(ret == NULL);
    if (i < kThreads) CHECK(args[i].failed == 0);
  }
  CHECK(ba_log_last_seq(log) == before + kThreads * kTicksPerThread);
  CHECK_OK(ba_log_close(log, &msg));
}

static void test_errors(const char* scratch) {
  char* msg = NULL;
  char missing[4096];
  if (strlen(scratch) > 2048) return;
  snprintf(missing, sizeof missing, "%s/no-such-log", scratch);
  ba_snapshot* snap = (ba_snapshot*)1;
  EXPECT_ERROR(ba_snapshot_open(missing, &snap, &msg), BA_NOT_FOUND, "");
  CHECK(snap == NULL);
  char* json = NULL;
  EXPECT_ERROR(ba_verify_json(missing, &json, &msg), BA_NOT_FOUND, "verify ");
  EXPECT_ERROR(ba_log_open(NULL, NULL, NULL, &msg), BA_INVALID_ARGUMENT, "log:");
  EXPECT_ERROR(ba_log_sync(NULL, &msg), BA_INVALID_ARGUMENT, "log:");
  EXPECT_ERROR(ba_cursor_next(NULL, 1, NULL, &msg), BA_INVALID_ARGUMENT, "cursor:");
  /* errmsg may be NULL. */
  CHECK(ba_log_sync(NULL, NULL) == BA_INVALID_ARGUMENT);
  CHECK(strcmp(ba_code_name(BA_BUSY), "Busy") == 0);
  CHECK(strcmp(ba_code_name(BA_ALREADY_EXISTS), "Already exists") == 0);
  CHECK(strcmp(ba_code_name(-1), "Unknown") == 0);
  CHECK(strcmp(ba_code_name(11), "Unknown") == 0);
  CHECK(strlen(ba_version()) >= 5);
  CHECK(ba_log_last_seq(NULL) == 0);
  char hex[BA_HEX_SIZE] = "x";
  ba_snapshot_head(NULL, hex);
  CHECK(hex[0] == '\0');
  ba_snapshot_close(NULL);
  ba_cursor_close(NULL);
  ba_free(NULL);
}

int main(int argc, char** argv) {
  const char* base = argc > 1 ? argv[1] : getenv("TMPDIR");
  if (base == NULL || base[0] == '\0') base = "/tmp";
  char scratch[2048];
  if (strlen(base) > 1024) return 2;
  snprintf(scratch, sizeof scratch, "%s/capi_test.XXXXXX", base);
  if (mkdtemp(scratch) == NULL) {
    fprintf(stderr, "mkdtemp %s: %s\n", scratch, strerror(errno));
    return 2;
  }
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/log", scratch);

  test_writer(dir);
  test_cursor(dir);
  test_arrow(dir);
  test_reports(dir);
  test_errors(scratch);
  test_threads(dir);

  /* Only the directory this test made. */
  nftw(scratch, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
  if (failures != 0) {
    fprintf(stderr, "capi_test: %d check(s) failed\n", failures);
    return 1;
  }
  printf("capi_test: all checks passed\n");
  return 0;
}

/* budget_audit/c.h: the C ABI of budget-audit, for controllers and bindings
 * written in C, Go, Rust, Node or Python (ctypes, cffi).
 *
 * The same library as the C++ API (audit_log.h, log_reader.h), behind opaque
 * handles and plain C types, in libbudget_audit.so:
 *
 *   ba_log         the writer (AuditLog): open, append a tick (a struct or a
 *                  JSON line), log_slot, sync, seal, close
 *   ba_snapshot    a consistent read-only view (LogSnapshot): a cursor over
 *                  batches of columns, the Arrow C stream interface, reports
 *   ba_cursor      a pull cursor of a snapshot; ba_batch: one batch of it
 *
 * Errors. A fallible function returns a code (BA_OK or one of the codes
 * below, which mirror budget_audit::StatusCode and keep their meaning; see
 * status.h) and takes a `char** errmsg` last. When errmsg is not NULL,
 * *errmsg is set to NULL on success and to a newly allocated, NUL-terminated
 * UTF-8 message on failure, "field: problem" as the C++ API and the
 * command-line tool word it (without the code's name: ba_code_name() gives
 * that). The caller frees it with ba_free(). A NULL handle or a NULL
 * required pointer is BA_INVALID_ARGUMENT, never a crash.
 *
 * Memory. Every string the library returns (messages, JSON) is the
 * caller's, freed with ba_free(). Pointers into a handle (ba_batch columns,
 * BA_HEX_SIZE buffers are the caller's) are valid as stated at each function.
 * Strings passed in are borrowed for the duration of the call only. The
 * large buffers of decoded sealed files (an Arrow stream's arrays, what
 * reports and scans decode), once released, are kept by the library for
 * reuse by the next read for up to 10 s (within 1/16 of physical memory,
 * at most 1 GiB), then unmapped by a thread of the library that runs only
 * while it keeps some.
 *
 * Thread safety. Every handle may be used from any thread: the calls on one
 * ba_log are serialized by the library (a control loop's log_slot from one
 * thread, sync from another); so are the calls on one ba_snapshot and on
 * every cursor and stream made from it (they share the snapshot's reader).
 * Different handles do not contend. One process holds a log directory's
 * writer lock at a time (ba_log_open is BA_BUSY for a second writer, even
 * in the same process); snapshots take no lock and may be opened while a
 * writer appends. After fork() the child must not use the parent's handles
 * (the writer lock and any journal file stay the parent's); it may open its
 * own snapshots.
 *
 * Lifetimes. A cursor or an Arrow stream keeps what it reads alive: the
 * ba_snapshot it came from may be closed before it. An ArrowArray from the
 * stream owns its buffers and may outlive the stream and the snapshot.
 *
 * ABI. Handles are opaque; the structs below (ba_tick, ba_append_result,
 * ba_scan_options, ba_plant) are fixed for this major version: fields are
 * only ever added under a new name of struct or function. A zero-initialised
 * ba_tick ({0}, memset) has every optional field absent; a zero-initialised
 * ba_scan_options asks for no column (a cursor then has only seqs).
 *
 * The Arrow C data and stream interfaces are declared here from the Apache
 * Arrow specification (their definitions are meant to be reproduced), under
 * the spec's guards, so this header composes with arrow/c/abi.h, nanoarrow
 * and others; no Arrow library is linked.
 */
#ifndef BUDGET_AUDIT_C_H_
#define BUDGET_AUDIT_C_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define BA_C_API __attribute__((visibility("default")))
#else
#define BA_C_API
#endif

/* ---------------------------------------------------------------------- */
/* The Arrow C data interface (https://arrow.apache.org/docs/format/CDataInterface.html) */

#ifndef ARROW_C_DATA_INTERFACE
#define ARROW_C_DATA_INTERFACE

#define ARROW_FLAG_DICTIONARY_ORDERED 1
#define ARROW_FLAG_NULLABLE 2
#define ARROW_FLAG_MAP_KEYS_SORTED 4

struct ArrowSchema {
  /* Array type description */
  const char* format;
  const char* name;
  const char* metadata;
  int64_t flags;
  int64_t n_children;
  struct ArrowSchema** children;
  struct ArrowSchema* dictionary;

  /* Release callback */
  void (*release)(struct ArrowSchema*);
  /* Opaque producer-specific data */
  void* private_data;
};

struct ArrowArray {
  /* Array data description */
  int64_t length;
  int64_t null_count;
  int64_t offset;
  int64_t n_buffers;
  int64_t n_children;
  const void** buffers;
  struct ArrowArray** children;
  struct ArrowArray* dictionary;

  /* Release callback */
  void (*release)(struct ArrowArray*);
  /* Opaque producer-specific data */
  void* private_data;
};

#endif /* ARROW_C_DATA_INTERFACE */

/* The Arrow C stream interface (https://arrow.apache.org/docs/format/CStreamInterface.html) */

#ifndef ARROW_C_STREAM_INTERFACE
#define ARROW_C_STREAM_INTERFACE

struct ArrowArrayStream {
  /* Callbacks providing stream functionality */
  int (*get_schema)(struct ArrowArrayStream*, struct ArrowSchema* out);
  int (*get_next)(struct ArrowArrayStream*, struct ArrowArray* out);
  const char* (*get_last_error)(struct ArrowArrayStream*);

  /* Release callback */
  void (*release)(struct ArrowArrayStream*);

  /* Opaque producer-specific data */
  void* private_data;
};

#endif /* ARROW_C_STREAM_INTERFACE */

/* ---------------------------------------------------------------------- */
/* Codes, versions, memory */

/* Result codes: budget_audit::StatusCode, value for value. */
enum {
  BA_OK = 0,
  BA_INVALID_ARGUMENT = 1,    /* the caller passed something malformed */
  BA_NOT_FOUND = 2,           /* a file, column or key does not exist */
  BA_CORRUPTION = 3,          /* bytes on disk are malformed: data loss or tampering */
  BA_NOT_SUPPORTED = 4,       /* valid input using a feature not implemented */
  BA_IO_ERROR = 5,            /* the operating system refused an operation */
  BA_RESOURCE_EXHAUSTED = 6,  /* a size cap was hit (a full retry queue, disk full) */
  BA_ALREADY_EXISTS = 7,      /* a conflicting record at that timestamp (see ba_log_append) */
  BA_BUSY = 8,                /* another writer holds the log's lock */
  BA_FAILED_PRECONDITION = 9, /* not valid in the current state of the log */
  BA_INTERNAL = 10            /* a bug in the library */
};

/* "Invalid argument", "Already exists", ... (the names the C++ API's
 * Status::ToString() uses); "Unknown" for another value. Static storage. */
BA_C_API const char* ba_code_name(int code);

/* The library's version, "MAJOR.MINOR.PATCH" (static storage). */
BA_C_API const char* ba_version(void);

/* Frees a string returned by the library (NULL is fine). */
BA_C_API void ba_free(void* p);

/* Hex digests (a log id, a chain head) are written into a caller's buffer
 * of BA_HEX_SIZE bytes, NUL-terminated. */
#define BA_HEX_SIZE 65

/* ---------------------------------------------------------------------- */
/* Ticks */

/* Which optional fields of a ba_tick are given (ba_tick.fields). A field
 * whose bit is clear takes the Python version's log_slot() default, as a
 * missing attribute or a None did. */
enum {
  BA_TICK_TIMESTAMP = 1u << 0,            /* default: now, by the system clock */
  BA_TICK_SLOT_INDEX = 1u << 1,           /* default -1 */
  BA_TICK_PLAN_OFFSET_DEG = 1u << 2,      /* default 0.0 */
  BA_TICK_TARGET_ANGLE = 1u << 3,         /* default 0.0 */
  BA_TICK_ENERGY_COST_KWH = 1u << 4,      /* default 0.0 */
  BA_TICK_BUDGET_SPENT_KWH = 1u << 5,     /* default 0.0 */
  BA_TICK_BUDGET_REMAINING_KWH = 1u << 6, /* default 0.0 */
  BA_TICK_LIVE_GATE_PASSED = 1u << 7,     /* default false */
  BA_TICK_SOURCE = 1u << 8,               /* default "" */
  BA_TICK_STAGE_ID = 1u << 9              /* default "unknown" */
};

/* A controller's tick, by the Python version's attribute names
 * (budget_audit::ControllerTick). The record logged is the one log_slot()
 * wrote: planned_offset_deg from plan_offset_deg, actual_offset_deg from
 * target_angle, gate_passed from live_gate_passed; `date` is the
 * timestamp's calendar date at utc_offset_seconds (the tick clock's own
 * offset; 0 for a UTC clock), or the UTC date when the timestamp is "now". */
typedef struct ba_tick {
  uint32_t fields;            /* BA_TICK_* bits: the fields given */
  int32_t utc_offset_seconds; /* |offset| < 1 day */
  int64_t timestamp_us;       /* microseconds since 1970-01-01T00:00:00Z */
  int64_t slot_index;
  double plan_offset_deg;
  double target_angle;
  double energy_cost_kwh;
  double budget_spent_kwh;
  double budget_remaining_kwh;
  int32_t live_gate_passed; /* 0: false, anything else: true */
  /* UTF-8, at most 4096 bytes, borrowed for the call; not NUL-terminated
   * (a NULL pointer with length 0 is the empty string). */
  const char* source;
  size_t source_len;
  const char* stage_id;
  size_t stage_id_len;
} ba_tick;

/* What an append did. */
typedef struct ba_append_result {
  /* The record's seq (dense, from 1). For a duplicate, the seq it was
   * logged under first. For BA_ALREADY_EXISTS, the seq of the record that
   * holds that timestamp with other content; 0 otherwise. */
  uint64_t seq;
  /* 1 if this was a retry of a record already logged (nothing written). */
  int32_t duplicate;
} ba_append_result;

/* ---------------------------------------------------------------------- */
/* The writer */

typedef struct ba_log ba_log;
typedef struct ba_log_options ba_log_options;

enum {
  BA_SYNC_ALWAYS = 0, /* fdatasync before every acknowledgement (default) */
  BA_SYNC_BATCH = 1,  /* the caller calls ba_log_sync() and acknowledges a group after it */
  BA_SYNC_NONE = 2    /* never sync (tests; bulk loads re-run on failure) */
};

enum {
  BA_SEAL_DAILY = 0,   /* seal the days that have ended (by the UTC date) as new days
                          begin, at open and at close (default) */
  BA_SEAL_MONTHLY = 1, /* seal only when a new month begins; ba_log_seal() at the end */
  BA_SEAL_MANUAL = 2   /* seal only in ba_log_seal() */
};

/* Options for ba_log_open (the defaults of budget_audit::AuditLogOptions,
 * with the system's file system and clock). Destroy with
 * ba_log_options_destroy; ba_log_open copies what it needs. The setters
 * return BA_INVALID_ARGUMENT for a value outside their enum. */
BA_C_API ba_log_options* ba_log_options_create(void);
BA_C_API void ba_log_options_destroy(ba_log_options* options);
BA_C_API int ba_log_options_set_sync(ba_log_options* options, int sync_mode);
BA_C_API int ba_log_options_set_seal_policy(ba_log_options* options, int seal_policy);
/* Written into the log's _lock file for the message a second writer gets
 * (e.g. "controller pid 1234"); NUL-terminated, copied. */
BA_C_API int ba_log_options_set_holder_info(ba_log_options* options, const char* holder_info);
/* The site's IANA zone (the configuration's `timezone`, e.g.
 * "Europe/Paris"; default UTC): the days BA_SEAL_DAILY seals end at its
 * midnights, and the sealed files' summaries count its local days (the
 * compliance report reads them instead of the rows). BA_INVALID_ARGUMENT
 * for a zone the system's tz database does not know. */
BA_C_API int ba_log_options_set_timezone(ba_log_options* options, const char* timezone);
/* Records ba_log_log_slot keeps while the disk refuses them (default 100000). */
BA_C_API int ba_log_options_set_retry_queue_capacity(ba_log_options* options, size_t capacity);

/* Opens (creating if needed) the log in directory `dir` (NUL-terminated)
 * and takes its writer lock; recovers after a crash as AuditLog::Open does.
 * `options` may be NULL (the defaults). On success *log is the handle, to
 * be closed with ba_log_close; on failure *log is NULL. BA_BUSY when another
 * writer holds the log, naming it. */
BA_C_API int ba_log_open(const char* dir, const ba_log_options* options, ba_log** log, char** errmsg);

/* Closes the log (AuditLog::Close: seals what has ended under
 * BA_SEAL_DAILY, makes every record durable, records a clean close,
 * releases the lock) and frees the handle, whatever the result: `log` is
 * invalid afterwards. NULL is fine (BA_OK). An error means the clean close
 * was not recorded; every acknowledged record is still durable. */
BA_C_API int ba_log_close(ba_log* log, char** errmsg);

/* Appends one tick (AuditLog::Append of the record log_slot() would have
 * written): durable before it returns under BA_SYNC_ALWAYS. `result` may be
 * NULL. A tick outside the validation policy (docs/validation.md: a
 * non-finite number, a string that is not UTF-8 or is too long, a timestamp
 * outside the years 0001..9999) is BA_INVALID_ARGUMENT "attribute: problem"
 * and nothing is written. A retried tick (the same timestamp and content as
 * a logged one) is not written again: BA_OK, result->duplicate = 1 and its
 * first seq. The same timestamp with other content is BA_ALREADY_EXISTS with
 * result->seq the existing record's. Not retried: on an I/O error nothing is
 * acknowledged (see ba_log_log_slot for the retrying way in). */
BA_C_API int ba_log_append(ba_log* log, const ba_tick* tick, ba_append_result* result, char** errmsg);

/* The same for a tick as one JSON object (the `log` command's line: the
 * tick attribute names, null = absent, the same strict parser and
 * messages), `json_len` bytes at `json` (no NUL needed; a trailing newline
 * is fine). Unlike the `log` command, a tick without a timestamp is logged
 * at now, as log_slot() did. */
BA_C_API int ba_log_append_json(ba_log* log, const char* json, size_t json_len, ba_append_result* result,
                                char** errmsg);

/* For a control loop that must never stop (AuditLog::LogSlot): retries the
 * ticks queued by earlier failures, then logs `tick`. A tick that cannot be
 * made durable (disk full, I/O error) is kept in a bounded in-memory queue
 * and retried by the next call or ba_log_flush_retry_queue; the error is
 * still returned. BA_RESOURCE_EXHAUSTED (not queued) when the queue is full;
 * a conflicting tick (BA_ALREADY_EXISTS) or an invalid one
 * (BA_INVALID_ARGUMENT) is reported and dropped. A retried tick is BA_OK. */
BA_C_API int ba_log_log_slot(ba_log* log, const ba_tick* tick, char** errmsg);
BA_C_API int ba_log_flush_retry_queue(ba_log* log, char** errmsg);
BA_C_API size_t ba_log_retry_queue_size(ba_log* log);

/* Makes every appended record durable (for BA_SYNC_BATCH). */
BA_C_API int ba_log_sync(ba_log* log, char** errmsg);
/* Seals every record appended so far into the month files. */
BA_C_API int ba_log_seal(ba_log* log, char** errmsg);

/* The last record's seq (0 for an empty log), the records in sealed files,
 * the hex SHA-256 chain head after the last record and the hex log id.
 * 0 / an empty string for a NULL handle. */
BA_C_API uint64_t ba_log_last_seq(ba_log* log);
BA_C_API uint64_t ba_log_sealed_seq(ba_log* log);
BA_C_API void ba_log_head(ba_log* log, char out[BA_HEX_SIZE]);
BA_C_API void ba_log_id(ba_log* log, char out[BA_HEX_SIZE]);

/* ---------------------------------------------------------------------- */
/* Reading: snapshots */

typedef struct ba_snapshot ba_snapshot;

/* Opens a consistent read-only view of the log in `dir` (LogSnapshot::Open):
 * records appended afterwards are not seen. No lock is taken. BA_NOT_FOUND
 * when `dir` holds no log. Close with ba_snapshot_close (NULL is fine). */
BA_C_API int ba_snapshot_open(const char* dir, ba_snapshot** snapshot, char** errmsg);
BA_C_API void ba_snapshot_close(ba_snapshot* snapshot);

/* Records in the view (seqs 1..last_seq), those of them in sealed files,
 * the chain head after last_seq and the log id (as ba_log_head). */
BA_C_API uint64_t ba_snapshot_last_seq(ba_snapshot* snapshot);
BA_C_API uint64_t ba_snapshot_sealed_seq(ba_snapshot* snapshot);
BA_C_API void ba_snapshot_head(ba_snapshot* snapshot, char out[BA_HEX_SIZE]);
BA_C_API void ba_snapshot_log_id(ba_snapshot* snapshot, char out[BA_HEX_SIZE]);

/* The audit columns, in the order and with the names of the sealed Parquet
 * files (docs/format.md), as bits of ba_scan_options.columns. */
enum {
  BA_COL_TIMESTAMP = 1u << 0,            /* int64 microseconds, UTC */
  BA_COL_DATE = 1u << 1,                 /* string "YYYY-MM-DD" */
  BA_COL_SLOT_INDEX = 1u << 2,           /* int64 */
  BA_COL_PLANNED_OFFSET_DEG = 1u << 3,   /* double */
  BA_COL_ACTUAL_OFFSET_DEG = 1u << 4,    /* double */
  BA_COL_ENERGY_COST_KWH = 1u << 5,      /* double */
  BA_COL_BUDGET_SPENT_KWH = 1u << 6,     /* double */
  BA_COL_BUDGET_REMAINING_KWH = 1u << 7, /* double */
  BA_COL_GATE_PASSED = 1u << 8,          /* bool (uint8 0/1 in a ba_batch) */
  BA_COL_SOURCE = 1u << 9,               /* string */
  BA_COL_STAGE_ID = 1u << 10,            /* string */
  BA_COL_SEQ = 1u << 11,                 /* int64 (a ba_batch always has it) */
  BA_ALL_COLUMNS = (1u << 12) - 1
};

/* What to read. NULL options: every column, every record. */
typedef struct ba_scan_options {
  uint32_t columns; /* BA_COL_* bits; others are an error */
  /* Only records with since_us <= timestamp < until_us, when has_since /
   * has_until is nonzero. */
  int32_t has_since;
  int32_t has_until;
  int64_t since_us;
  int64_t until_us;
  /* Only records whose date column is this "YYYY-MM-DD" (NUL-terminated,
   * copied); NULL: any. */
  const char* date;
} ba_scan_options;

/* A pull cursor over the snapshot's records, in seq order
 * (LogSnapshot::NewCursor). Close with ba_cursor_close (NULL is fine). */
typedef struct ba_cursor ba_cursor;
typedef struct ba_batch ba_batch;
BA_C_API int ba_snapshot_cursor(ba_snapshot* snapshot, const ba_scan_options* options, ba_cursor** cursor,
                                char** errmsg);
BA_C_API void ba_cursor_close(ba_cursor* cursor);

/* The next up to `max_rows` records (1..max_rows rows, or 0 at the end;
 * max_rows 0 is taken as 1). *batch is owned by the cursor and valid until
 * the next ba_cursor_next or ba_cursor_close on it. Every sealed file is
 * checked against its manifest's SHA-256 before its rows are used
 * (BA_CORRUPTION naming it). After an error every later call gives it. */
BA_C_API int ba_cursor_next(ba_cursor* cursor, size_t max_rows, const ba_batch** batch, char** errmsg);

/* A batch's columns: arrays of ba_batch_num_rows elements, valid as the
 * batch. NULL for a column not asked for or of another type than the
 * accessor's (ba_batch_int64: timestamp, slot_index, seq; ba_batch_double:
 * the five doubles; ba_batch_bool: gate_passed, 0 or 1). */
BA_C_API size_t ba_batch_num_rows(const ba_batch* batch);
BA_C_API const int64_t* ba_batch_int64(const ba_batch* batch, uint32_t column);
BA_C_API const double* ba_batch_double(const ba_batch* batch, uint32_t column);
BA_C_API const uint8_t* ba_batch_bool(const ba_batch* batch, uint32_t column);
/* Row `row` of a string column (date, source, stage_id): UTF-8 of *len
 * bytes, NUL-terminated, valid as the batch; NULL (and *len 0) for another
 * column, one not asked for, or a row out of range. `len` may be NULL. */
BA_C_API const char* ba_batch_string(const ba_batch* batch, uint32_t column, size_t row, size_t* len);

/* The Arrow C stream of the snapshot's records (the same records, order
 * and checks as the cursor), written into *stream, which the caller
 * releases (stream->release) as the Arrow specification says. Its schema
 * is a struct ("+s") of the asked-for columns in file order, with the sealed
 * Parquet files' names and types:
 *   timestamp             "tsu:UTC"  timestamp[us, tz=UTC]
 *   date, source, stage_id "u"       utf8
 *   slot_index, seq       "l"        int64
 *   the five doubles      "g"        float64
 *   gate_passed           "b"        bool
 * every field nullable, as in the files, and never null. Each array holds
 * up to `batch_rows` rows (0: 65536; at most BA_MAX_BATCH_ROWS, more is
 * taken as that). get_next's errors are errno values (EIO, EINVAL, ENOMEM)
 * with get_last_error() giving the library's code name and message. The
 * stream, and each array it gives, owns what it needs: they may outlive the
 * snapshot handle. The stream decodes the next sealed files ahead on other
 * threads; in a child of fork() its get_next is EINVAL (those threads are
 * the parent's): start a new stream there. */
#define BA_MAX_BATCH_ROWS 131072
BA_C_API int ba_snapshot_arrow_stream(ba_snapshot* snapshot, const ba_scan_options* options,
                                      size_t batch_rows, struct ArrowArrayStream* stream, char** errmsg);

/* ---------------------------------------------------------------------- */
/* Reports and verification, as the command-line tool prints them in JSON
 * (the Python version's keys, order and numbers; docs/reports.md). *json is
 * the caller's (ba_free), without a trailing newline. */

/* The plant settings the rollup needs (the Python version's
 * SYSTEM_CAPACITY_KW and MAX_ENERGY_REDUCTION_PCT). */
typedef struct ba_plant {
  double capacity_kw;       /* > 0 */
  double max_reduction_pct; /* the budget ceiling, percent of potential */
  /* Nonzero: the ceiling is echoed as an integer (5) rather than a float
   * (5.0), as the settings file wrote it. */
  int32_t max_reduction_pct_is_integer;
} ba_plant;

/* weekly_report(): the rollup over the snapshot (`report`). An empty log
 * gives {"error": "No audit data"}. */
BA_C_API int ba_snapshot_report_json(ba_snapshot* snapshot, const ba_plant* plant, char** json,
                                     char** errmsg);
/* daily_summary(date): `date` is "YYYY-MM-DD" (`daily DATE`). */
BA_C_API int ba_snapshot_daily_json(ba_snapshot* snapshot, const char* date, char** json, char** errmsg);
/* The auditor's check of the whole log in `dir` (`verify`): every sealed
 * file's SHA-256, the dense seqs, the hash chain from the genesis. BA_OK
 * with the library's verify report as one compact JSON object
 * (VerifyReportToJson in include/budget_audit/verify.h: {"intact": true,
 * "log", "log_id", "records", "sealed_records", "sealed_files",
 * "journal_records", "journal_files", "head": {"seq", "hash"},
 * "closed_cleanly", "torn_tail", "cuts", "timestamps_backwards",
 * "warnings", "checkpoint", "manifest"}); BA_CORRUPTION (or the error's
 * code) naming the first problem otherwise, worded "verify DIR: ...". */
BA_C_API int ba_verify_json(const char* dir, char** json, char** errmsg);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* BUDGET_AUDIT_C_H_ */

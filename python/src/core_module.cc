// budget_audit._core: the library's public C++ API (include/budget_audit/)
// as the Python package (python/budget_audit/) uses it. Thin on purpose:
// every decision (validation, dedup, sealing, configuration precedence,
// reports) is the library's; this file converts values and errors.
//
// Errors: a Status that is not OK becomes an exception of the class the
// package registered for its code (set_error_classes), with the message,
// `code` (the StatusCode's name) and `seq` (a conflict's existing record).
//
// Threads: every call that touches the disk releases the GIL. A Writer
// serializes its calls with a mutex of its own (AuditLog's methods must not
// run concurrently); a Snapshot likewise. The Arrow stream a snapshot
// hands out is the C ABI's (src/capi/arrow_stream.cc), which keeps the
// snapshot alive on its own.
#include <nanobind/nanobind.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/tuple.h>
#include <nanobind/stl/unique_ptr.h>
#include <nanobind/stl/vector.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <iterator>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "budget_audit/audit_log.h"
#include "budget_audit/c.h"
#include "budget_audit/checkpoint.h"
#include "budget_audit/compliance.h"
#include "budget_audit/config.h"
#include "budget_audit/import.h"
#include "budget_audit/log_reader.h"
#include "budget_audit/report.h"
#include "budget_audit/slot_record.h"
#include "budget_audit/status.h"
#include "budget_audit/verify.h"

namespace nb = nanobind;
using namespace budget_audit;

namespace {

// The codes' names as the package shows them (exception.code): the
// enumerators of StatusCode without their k.
const char* CodeName(StatusCode code) {
  static constexpr const char* kNames[] = {
      "OK",      "InvalidArgument",   "NotFound",      "Corruption", "NotSupported",
      "IOError", "ResourceExhausted", "AlreadyExists", "Busy",       "FailedPrecondition",
      "Internal"};
  const auto i = static_cast<size_t>(code);
  return i < std::size(kNames) ? kNames[i] : "Unknown";
}

// code (int) -> exception class; set once by the package, never released
// (module state that outlives every object of the module).
PyObject* g_error_classes = nullptr;

// `s` as an exception of class `cls` (nullptr: the one registered for its code).
[[noreturn]] void RaiseAs(PyObject* cls, const Status& s) {
  if (cls == nullptr && g_error_classes != nullptr) {
    nb::object key = nb::int_(static_cast<int>(s.code()));
    cls = PyDict_GetItem(g_error_classes, key.ptr());  // borrowed
  }
  if (cls == nullptr) cls = PyExc_RuntimeError;
  nb::object exc = nb::borrow(cls)(nb::str(s.message().c_str()));
  if (cls != PyExc_RuntimeError) {
    exc.attr("code") = nb::str(CodeName(s.code()));
    exc.attr("seq") = s.seq() ? nb::object(nb::int_(*s.seq())) : nb::none();
  }
  PyErr_SetObject(cls, exc.ptr());
  throw nb::python_error();
}

[[noreturn]] void Raise(const Status& s) { RaiseAs(nullptr, s); }

// A problem with the plant's settings (a value, the potential file they
// name: missing, malformed) as the package's ConfigError, which
// BudgetAuditLog.settings() raises too; a read the disk refused stays a
// StorageError.
[[noreturn]] void RaiseSettingsError(const Status& s) {
  switch (s.code()) {
    case StatusCode::kInvalidArgument:
    case StatusCode::kNotFound:
    case StatusCode::kCorruption:
    case StatusCode::kNotSupported: break;
    default: Raise(s);
  }
  nb::object cls = nb::module_::import_("budget_audit.errors").attr("ConfigError");
  RaiseAs(cls.ptr(), s);
}

template <typename T>
T Check(Result<T>&& r) {
  if (!r.ok()) Raise(r.status());
  return std::move(*r);
}
void Check(const Status& s) {
  if (!s.ok()) Raise(s);
}

SyncMode SyncModeFromName(const std::string& name) {
  if (name == "always") return SyncMode::kAlways;
  if (name == "batch") return SyncMode::kBatch;
  if (name == "none") return SyncMode::kNone;
  Raise(Status::InvalidArgument("sync: must be \"always\", \"batch\" or \"none\", got \"" + name + "\""));
}

// ---- configuration

nb::dict ConfigDict(const Config& c) {
  nb::dict d;
  d["data_dir"] = c.data_dir;
  d["config_file"] = c.config_file;
  d["config_file_found"] = c.config_file_found;
  d["capacity_kw"] = c.capacity_kw ? nb::object(nb::float_(*c.capacity_kw)) : nb::none();
  d["max_reduction_pct"] = c.max_reduction_pct;
  d["max_reduction_pct_is_integer"] = c.max_reduction_pct_is_integer;
  d["timezone"] = c.timezone;
  d["annual_potential_kwh"] =
      c.annual_potential_kwh ? nb::object(nb::float_(*c.annual_potential_kwh)) : nb::none();
  d["specific_yield_kwh_per_kwp"] =
      c.specific_yield_kwh_per_kwp ? nb::object(nb::float_(*c.specific_yield_kwh_per_kwp)) : nb::none();
  if (c.monthly_share) {
    nb::list l;
    for (double v : *c.monthly_share) l.append(v);
    d["monthly_share"] = l;
  } else {
    d["monthly_share"] = nb::none();
  }
  d["log_dir"] = c.log_dir();
  d["missing_capacity_message"] = MissingCapacityMessage(c);
  d["description"] = DescribeConfig(c);
  return d;
}

ConfigOptions MakeConfigOptions(std::optional<std::string> data_dir, std::optional<std::string> config,
                                std::optional<double> capacity_kw, std::optional<double> max_reduction_pct,
                                bool max_reduction_pct_is_integer, std::optional<std::string> timezone) {
  ConfigOptions o;
  o.values.data_dir = std::move(data_dir);
  o.values.config_file = std::move(config);
  o.values.capacity_kw = capacity_kw;
  o.values.max_reduction_pct = max_reduction_pct;
  o.values.max_reduction_pct_is_integer = max_reduction_pct_is_integer;
  o.values.timezone = std::move(timezone);
  return o;  // names: the binding's defaults ("argument capacity_kw")
}

// ---- ticks
//
// The package hands a tick over as the JSON object the `log` command would
// read (python/budget_audit/_ticks.py maps Python's types onto JSON's), so
// that the one parser and the one policy of docs/validation.md decide what
// is logged and what is refused, word for word.

Result<ControllerTick> TickFromJson(const std::string& json) {
  return ControllerTickFromJson(json, TickJsonOptions{});
}

// ---- the writer

nb::object SealError(const Status& s) {
  return s.ok() ? nb::none() : nb::object(nb::str(s.message().c_str()));
}

class Writer {
 public:
  static std::unique_ptr<Writer> Open(const std::string& dir, const std::string& sync,
                                      const std::string& timezone, const std::string& holder_info,
                                      double lock_wait_seconds, size_t retry_queue_capacity) {
    AuditLogOptions o;
    o.sync = SyncModeFromName(sync);
    o.holder_info = holder_info;
    o.retry_queue_capacity = retry_queue_capacity;
    o.lock_wait = std::chrono::milliseconds(static_cast<int64_t>(lock_wait_seconds * 1000));
    o.local_date = Check(SiteDateFunction(timezone));
    o.timezone = timezone;
    Result<std::unique_ptr<AuditLog>> log = [&] {
      nb::gil_scoped_release release;
      return AuditLog::Open(dir, o);
    }();
    auto w = std::make_unique<Writer>();
    w->log_ = Check(std::move(log));
    return w;
  }

  // AuditLog::AppendTick of the tick `json` holds: (seq, duplicate, a
  // background seal's failure not reported before, or None), or the error
  // raised.
  nb::tuple Append(const std::string& json) {
    Result<AppendResult> r = Status::OK();
    {
      nb::gil_scoped_release release;
      Result<ControllerTick> tick = TickFromJson(json);
      std::lock_guard<std::mutex> l(mu_);
      if (!tick.ok()) {
        r = tick.status();
      } else if (Status s = Usable(); !s.ok()) {
        r = s;
      } else {
        r = log_->AppendTick(*tick);
      }
    }
    AppendResult a = Check(std::move(r));
    return nb::make_tuple(a.seq, a.duplicate, SealError(a.seal_status));
  }

  // AuditLog::LogSlot of the tick `json` holds: (code name or None,
  // message, seq, duplicate, a background seal's failure not reported
  // before or None). Never raises for what the log refuses or queues: the
  // package warns.
  nb::tuple LogSlot(const std::string& json) {
    Status s;
    AppendResult a;
    {
      nb::gil_scoped_release release;
      Result<ControllerTick> tick = TickFromJson(json);
      std::lock_guard<std::mutex> l(mu_);
      if (!tick.ok()) {
        s = tick.status();
      } else {
        s = Usable();
        if (s.ok()) s = log_->LogSlot(*tick, &a);
      }
    }
    nb::object code = s.ok() ? nb::none() : nb::object(nb::str(CodeName(s.code())));
    return nb::make_tuple(code, s.message(), a.seq, a.duplicate, SealError(a.seal_status));
  }

  void FlushRetryQueue() {
    Locked([&] { return log_->FlushRetryQueue(); });
  }
  size_t RetryQueueSize() {
    std::lock_guard<std::mutex> l(mu_);
    return log_ ? log_->retry_queue_size() : 0;
  }
  void Sync() {
    Locked([&] { return log_->Sync(); });
  }
  void Seal() {
    Locked([&] { return log_->Seal(); });
  }
  void SealEndedDays() {
    Locked([&] { return log_->SealEndedDays(); });
  }
  // Closes (AuditLog::Close) and releases the lock; a second call does
  // nothing.
  void Close() {
    Status s;
    {
      nb::gil_scoped_release release;
      std::lock_guard<std::mutex> l(mu_);
      if (!log_) return;
      s = log_->Close();
      log_.reset();
    }
    Check(s);
  }
  // Forgets the writer without closing it: for a child process after
  // fork(), which must neither use nor close its parent's log (the seal
  // thread did not survive the fork; the lock is the parent's).
  void Abandon() {
    std::lock_guard<std::mutex> l(mu_);
    (void)log_.release();  // leaked on purpose: its destructor would close the parent's log
  }
  bool closed() {
    std::lock_guard<std::mutex> l(mu_);
    return !log_;
  }
  uint64_t last_seq() {
    return Get([&] { return log_->last_seq(); });
  }
  uint64_t sealed_seq() {
    return Get([&] { return log_->sealed_seq(); });
  }
  std::string head() {
    return Get([&] { return log_->head_hex(); });
  }
  std::string log_id() {
    return Get([&] { return log_->log_id_hex(); });
  }
  // The last seal's failure, or None.
  std::optional<std::string> last_seal_error() {
    std::lock_guard<std::mutex> l(mu_);
    if (!log_) return std::nullopt;
    Status s = log_->last_seal_status();
    if (s.ok()) return std::nullopt;
    return s.message();
  }

 private:
  Status Usable() const {
    if (!log_) return Status::FailedPrecondition("the log was closed");
    return Status::OK();
  }
  template <typename Fn>
  void Locked(Fn&& fn) {
    Status s;
    {
      nb::gil_scoped_release release;
      std::lock_guard<std::mutex> l(mu_);
      s = Usable();
      if (s.ok()) s = fn();
    }
    Check(s);
  }
  template <typename Fn>
  auto Get(Fn&& fn) -> decltype(fn()) {
    std::lock_guard<std::mutex> l(mu_);
    if (!log_) Raise(Status::FailedPrecondition("the log was closed"));
    return fn();
  }

  std::mutex mu_;
  std::unique_ptr<AuditLog> log_;
};

// ---- snapshots (the C ABI's handle: its Arrow stream and reports)

void DeleteStreamCapsule(PyObject* capsule) noexcept {
  auto* stream = static_cast<ArrowArrayStream*>(PyCapsule_GetPointer(capsule, "arrow_array_stream"));
  if (stream == nullptr) {
    PyErr_Clear();
    return;
  }
  if (stream->release != nullptr) stream->release(stream);
  delete stream;
}

// A C ABI call's failure as the exception of its code.
void CheckC(int code, char* err) {
  if (code == 0) return;
  std::string msg = err ? err : "";
  ba_free(err);
  Raise(Status(static_cast<StatusCode>(code), msg));
}

class Snapshot {
 public:
  static std::unique_ptr<Snapshot> Open(const std::string& dir) {
    auto s = std::make_unique<Snapshot>();
    char* err = nullptr;
    int code;
    {
      nb::gil_scoped_release release;
      code = ba_snapshot_open(dir.c_str(), &s->snap_, &err);
    }
    CheckC(code, err);
    return s;
  }
  Snapshot() = default;
  Snapshot(const Snapshot&) = delete;
  Snapshot& operator=(const Snapshot&) = delete;
  // Streams handed out keep what they read alive on their own.
  ~Snapshot() { ba_snapshot_close(snap_); }

  uint64_t last_seq() { return ba_snapshot_last_seq(snap_); }
  uint64_t sealed_seq() { return ba_snapshot_sealed_seq(snap_); }
  std::string head() {
    char out[BA_HEX_SIZE];
    ba_snapshot_head(snap_, out);
    return out;
  }
  std::string log_id() {
    char out[BA_HEX_SIZE];
    ba_snapshot_log_id(snap_, out);
    return out;
  }

  // The records as an Arrow C stream in a PyCapsule named
  // "arrow_array_stream" (the Arrow PyCapsule interface). `columns`:
  // BA_COL_* bits (BA_COL_SEQ included when asked for).
  nb::object ArrowStream(uint32_t columns, std::optional<int64_t> since_us, std::optional<int64_t> until_us,
                         std::optional<std::string> date, size_t batch_rows) {
    ba_scan_options o{};
    o.columns = columns;
    o.has_since = since_us.has_value();
    o.since_us = since_us.value_or(0);
    o.has_until = until_us.has_value();
    o.until_us = until_us.value_or(0);
    o.date = date ? date->c_str() : nullptr;
    auto stream = std::make_unique<ArrowArrayStream>();
    char* err = nullptr;
    int code;
    {
      nb::gil_scoped_release release;
      code = ba_snapshot_arrow_stream(snap_, &o, batch_rows, stream.get(), &err);
    }
    CheckC(code, err);
    PyObject* capsule = PyCapsule_New(stream.get(), "arrow_array_stream", DeleteStreamCapsule);
    if (capsule == nullptr) {
      stream->release(stream.get());
      throw nb::python_error();
    }
    (void)stream.release();  // the capsule's now
    return nb::steal(capsule);
  }

 private:
  ba_snapshot* snap_ = nullptr;
};

// ---- reports (the C++ API: the numpy summation order is a setting)

// (records, weekly_report() as the Python version's json.dumps printed it)
// of the log in `dir` as it is now.
std::pair<uint64_t, std::string> WeeklyReportJson(const std::string& dir, std::optional<double> capacity_kw,
                                                  double pct, bool pct_is_integer, bool numpy_whole_array) {
  ReportSettings settings;
  settings.capacity_kw = capacity_kw;
  settings.max_reduction_pct = pct;
  settings.max_reduction_pct_is_integer = pct_is_integer;
  settings.numpy_sum = numpy_whole_array ? NumpySumOrder::kWholeArray : NumpySumOrder::kBufferedChunks;
  Result<std::pair<uint64_t, std::string>> r = Status::OK();
  {
    nb::gil_scoped_release release;
    r = [&]() -> Result<std::pair<uint64_t, std::string>> {
      BA_ASSIGN_OR_RETURN(auto snap, LogSnapshot::Open(dir));
      BA_ASSIGN_OR_RETURN(WeeklyReport w, ComputeWeeklyReport(*snap, settings));
      return std::make_pair(w.records, RenderReport(w, ReportFormat::kJson));
    }();
  }
  return Check(std::move(r));
}

// daily_summary(date) likewise.
std::string DailySummaryJson(const std::string& dir, const std::string& date, bool numpy_whole_array) {
  Result<std::string> r = Status::OK();
  {
    nb::gil_scoped_release release;
    r = [&]() -> Result<std::string> {
      BA_ASSIGN_OR_RETURN(auto snap, LogSnapshot::Open(dir));
      BA_ASSIGN_OR_RETURN(
          DailySummary d,
          ComputeDailySummary(
              *snap, date, numpy_whole_array ? NumpySumOrder::kWholeArray : NumpySumOrder::kBufferedChunks));
      return RenderReport(d, ReportFormat::kJson);
    }();
  }
  return Check(std::move(r));
}

// compliance / allowance (compliance.h) with the plant's settings from the
// configuration the package loaded (the same explicit values). What the
// settings get wrong (no capacity for the basis, a potential file missing
// or malformed) is a ConfigError; what the call gets wrong (a bad date, an
// as-of after the budget year) an InvalidError, in the command's words.

// The plant, its potential resolved (so that the settings' errors come
// first and are told from the call's).
Result<CompliancePlant> PlantFromSettings(const ConfigOptions& co) {
  BA_ASSIGN_OR_RETURN(Config c, LoadConfig(co));
  CompliancePlant plant = CompliancePlantFromConfig(c);
  BA_RETURN_IF_ERROR(ResolvePotential(plant).status());
  return plant;
}

ComplianceFormat ComplianceFormatFromName(const std::string& format) {
  return format == "table"  ? ComplianceFormat::kTable
         : format == "html" ? ComplianceFormat::kHtml
                            : ComplianceFormat::kJson;
}

std::string ComplianceText(const std::string& dir, std::optional<std::string> config,
                           std::optional<double> capacity_kw, std::optional<double> pct, bool pct_is_integer,
                           std::optional<std::string> timezone, std::optional<int> year,
                           std::optional<std::string> as_of, const std::string& format) {
  const ComplianceFormat f = ComplianceFormatFromName(format);
  const ConfigOptions co = MakeConfigOptions(std::nullopt, std::move(config), capacity_kw, pct,
                                             pct_is_integer, std::move(timezone));
  Result<std::string> r = Status::OK();
  bool settings_failed = false;
  {
    nb::gil_scoped_release release;
    r = [&]() -> Result<std::string> {
      Result<CompliancePlant> plant = PlantFromSettings(co);
      if (!plant.ok()) {
        settings_failed = true;
        return plant.status();
      }
      BA_ASSIGN_OR_RETURN(auto snap, LogSnapshot::Open(dir));
      ComplianceOptions o;
      o.year = year;
      o.as_of = as_of;
      BA_ASSIGN_OR_RETURN(ComplianceReport rep, ComputeCompliance(*snap, *plant, o));
      return RenderCompliance(rep, f);
    }();
  }
  if (settings_failed) RaiseSettingsError(r.status());
  return Check(std::move(r));
}

std::string AllowanceText(const std::string& dir, std::optional<std::string> config,
                          std::optional<double> capacity_kw, std::optional<double> pct, bool pct_is_integer,
                          std::optional<std::string> timezone, std::optional<std::string> date,
                          const std::string& format) {
  const ComplianceFormat f = format == "table" ? ComplianceFormat::kTable : ComplianceFormat::kJson;
  const ConfigOptions co = MakeConfigOptions(std::nullopt, std::move(config), capacity_kw, pct,
                                             pct_is_integer, std::move(timezone));
  Result<std::string> r = Status::OK();
  bool settings_failed = false;
  {
    nb::gil_scoped_release release;
    r = [&]() -> Result<std::string> {
      Result<CompliancePlant> plant = PlantFromSettings(co);
      if (!plant.ok()) {
        settings_failed = true;
        return plant.status();
      }
      BA_ASSIGN_OR_RETURN(auto snap, LogSnapshot::Open(dir));
      BA_ASSIGN_OR_RETURN(Allowance a, ComputeAllowance(*snap, *plant, date));
      return RenderAllowance(a, f);
    }();
  }
  if (settings_failed) RaiseSettingsError(r.status());
  return Check(std::move(r));
}

// ---- whole-log operations

std::string VerifyJson(const std::string& dir) {
  Result<VerifyReport> r = Status::OK();
  {
    nb::gil_scoped_release release;
    r = Verify(dir);
  }
  return VerifyReportToJson(Check(std::move(r)));
}

std::string CheckpointJson(const std::string& dir, std::optional<std::string> key_file) {
  CheckpointOptions o;
  if (key_file) o.secret_key_file = *key_file;
  Result<Checkpoint> r = Status::OK();
  {
    nb::gil_scoped_release release;
    r = MakeCheckpoint(dir, o);
  }
  return CheckpointToJson(Check(std::move(r)));
}

std::string ImportJson(const std::string& dir, const std::vector<std::string>& files,
                       const std::string& holder_info) {
  ImportOptions o;
  o.holder_info = holder_info;
  Result<ImportSummary> r = Status::OK();
  {
    nb::gil_scoped_release release;
    r = ImportFiles(dir, files, o);
  }
  return ImportSummaryToJson(Check(std::move(r)));
}

// ---- a tick's JSON, the common case in C++

// What budget_audit._ticks.from_attributes writes, byte for byte, for a
// tick (not a Mapping) whose ten attributes are each missing, None, or of
// exactly float, int, bool, str or datetime.datetime, with a timestamp;
// None otherwise (numpy scalars, Decimal, pandas.Timestamp, no timestamp,
// an attribute that raises: the caller then takes the Python path, which
// handles those). Only the text is made here: the library's one parser
// still judges it. Saves the interpreter's loop over the attributes on
// every log_slot (about 5 us of the ~10 us the package adds to a tick).
// The attribute names are _ticks.ATTRIBUTES (the timestamp first), given
// once by _ticks (set_tick_attributes).
class TickJsonWriter {
 public:
  explicit TickJsonWriter(const std::vector<std::string>& names) {
    for (const std::string& n : names) {
      names_.push_back(nb::steal(PyUnicode_InternFromString(n.c_str())));
      keys_.push_back("\"" + n + "\":");
    }
    datetime_ = nb::module_::import_("datetime").attr("datetime");
    mapping_ = nb::module_::import_("collections.abc").attr("Mapping");
    encode_string_ = nb::module_::import_("json.encoder").attr("encode_basestring_ascii");
    isoformat_ = nb::steal(PyUnicode_InternFromString("isoformat"));
  }

  nb::object Write(nb::handle tick) {
    int is_mapping = PyObject_IsInstance(tick.ptr(), mapping_.ptr());
    if (is_mapping != 0) {
      if (is_mapping < 0) PyErr_Clear();
      return nb::none();
    }
    std::string out = "{";
    for (size_t i = 0; i < names_.size(); ++i) {
      PyObject* v = PyObject_GetAttr(tick.ptr(), names_[i].ptr());
      if (v == nullptr) {
        if (!PyErr_ExceptionMatches(PyExc_AttributeError)) {
          PyErr_Clear();
          return nb::none();  // the Python path meets the same error
        }
        PyErr_Clear();
        if (i == 0) return nb::none();  // no timestamp: "now", in Python
        continue;
      }
      nb::object value = nb::steal(v);
      if (v == Py_None) {
        if (i == 0) return nb::none();
        continue;
      }
      if (out.size() > 1) out += ',';
      out += keys_[i];
      if (!Append(value, out)) {
        PyErr_Clear();
        return nb::none();
      }
    }
    out += '}';
    return nb::steal(PyUnicode_FromStringAndSize(out.data(), static_cast<Py_ssize_t>(out.size())));
  }

 private:
  static bool AppendText(PyObject* text, std::string& out) {
    if (text == nullptr) return false;
    Py_ssize_t n = 0;
    const char* p = PyUnicode_AsUTF8AndSize(text, &n);
    if (p != nullptr) out.append(p, static_cast<size_t>(n));
    Py_DECREF(text);
    return p != nullptr;
  }

  // _ticks._fast_text, for the same exact types.
  bool Append(nb::handle value, std::string& out) {
    PyObject* v = value.ptr();
    PyTypeObject* t = Py_TYPE(v);
    if (t == &PyFloat_Type) {
      const double d = PyFloat_AS_DOUBLE(v);
      if (std::isnan(d)) {
        out += "NaN";
      } else if (std::isinf(d)) {
        out += d > 0 ? "Infinity" : "-Infinity";
      } else {
        // float.__repr__'s own formatting.
        char* r = PyOS_double_to_string(d, 'r', 0, Py_DTSF_ADD_DOT_0, nullptr);
        if (r == nullptr) return false;
        out += r;
        PyMem_Free(r);
      }
      return true;
    }
    if (t == &PyBool_Type) {
      out += v == Py_True ? "true" : "false";
      return true;
    }
    if (t == &PyLong_Type) return AppendText(PyObject_Repr(v), out);
    if (t == &PyUnicode_Type) return AppendText(PyObject_CallOneArg(encode_string_.ptr(), v), out);
    if (reinterpret_cast<PyObject*>(t) == datetime_.ptr()) {
      out += '"';
      if (!AppendText(PyObject_CallMethodNoArgs(v, isoformat_.ptr()), out)) return false;
      out += '"';
      return true;
    }
    return false;
  }

  std::vector<nb::object> names_;
  std::vector<std::string> keys_;
  nb::object datetime_, mapping_, encode_string_, isoformat_;
};

// Module state, as g_error_classes (set by _ticks at import).
TickJsonWriter* g_tick_json = nullptr;

}  // namespace

NB_MODULE(_core, m) {
  m.doc() = "budget-audit's library, as the budget_audit package uses it (not a public API of its own).";

  m.def("set_error_classes", [](nb::dict classes) {
    Py_XDECREF(g_error_classes);
    g_error_classes = classes.ptr();
    Py_INCREF(g_error_classes);
  });
  m.def("version", [] { return std::string(ba_version()); });

  m.def(
      "load_config",
      [](std::optional<std::string> data_dir, std::optional<std::string> config,
         std::optional<double> capacity_kw, std::optional<double> max_reduction_pct, bool pct_is_integer,
         std::optional<std::string> timezone) {
        ConfigOptions o = MakeConfigOptions(std::move(data_dir), std::move(config), capacity_kw,
                                            max_reduction_pct, pct_is_integer, std::move(timezone));
        Result<Config> c = Status::OK();
        {
          nb::gil_scoped_release release;
          c = LoadConfig(o);
        }
        return ConfigDict(Check(std::move(c)));
      },
      nb::arg("data_dir").none(), nb::arg("config").none(), nb::arg("capacity_kw").none(),
      nb::arg("max_reduction_pct").none(), nb::arg("max_reduction_pct_is_integer"),
      nb::arg("timezone").none());
  // The log's directory without reading the default config file (so a
  // broken one never stops the log from being written): DefaultLogDir of
  // FindDataDir.
  m.def(
      "find_log_dir",
      [](std::optional<std::string> data_dir, std::optional<std::string> config) {
        ConfigOptions o = MakeConfigOptions(std::move(data_dir), std::move(config), std::nullopt,
                                            std::nullopt, false, std::nullopt);
        return Check(FindLogDir(o));
      },
      nb::arg("data_dir").none(), nb::arg("config").none());
  m.def("default_log_dir", &DefaultLogDir);
  // ParseTimeBound: an ISO-8601 instant, or a date's local midnight in `timezone`.
  m.def("time_bound_us", [](const std::string& text, const std::string& timezone) {
    return Check(ParseTimeBound(text, timezone));
  });
  // Today's date in the IANA zone (the daily summary's default day).
  m.def("today_in_zone", [](const std::string& timezone) {
    ReportSettings r;
    r.timezone = timezone;
    return Check(TodayInSiteZone(r));
  });

  // A tick's JSON in C++ when its attributes allow (TickJsonWriter), else
  // None (also before _ticks gave the attribute names).
  m.def("set_tick_attributes", [](const std::vector<std::string>& names) {
    if (names.empty() || names.front() != "timestamp") Raise(Status::InvalidArgument("timestamp first"));
    delete g_tick_json;
    g_tick_json = new TickJsonWriter(names);
  });
  m.def("tick_json", [](nb::handle tick) { return g_tick_json ? g_tick_json->Write(tick) : nb::none(); });

  // Checks a tick as JSON without logging it: None, or the refusal.
  m.def("check_tick_json", [](const std::string& json) -> std::optional<std::string> {
    Result<ControllerTick> t = TickFromJson(json);
    if (t.ok()) return std::nullopt;
    return t.status().message();
  });

  nb::class_<Writer>(m, "Writer")
      .def_static("open", &Writer::Open, nb::arg("dir"), nb::arg("sync"), nb::arg("timezone"),
                  nb::arg("holder_info"), nb::arg("lock_wait_seconds"), nb::arg("retry_queue_capacity"))
      .def("append", &Writer::Append)
      .def("log_slot", &Writer::LogSlot)
      .def("flush_retry_queue", &Writer::FlushRetryQueue)
      .def("retry_queue_size", &Writer::RetryQueueSize)
      .def("sync", &Writer::Sync)
      .def("seal", &Writer::Seal)
      .def("seal_ended_days", &Writer::SealEndedDays)
      .def("close", &Writer::Close)
      .def("abandon", &Writer::Abandon)
      .def_prop_ro("closed", &Writer::closed)
      .def_prop_ro("last_seq", &Writer::last_seq)
      .def_prop_ro("sealed_seq", &Writer::sealed_seq)
      .def_prop_ro("head", &Writer::head)
      .def_prop_ro("log_id", &Writer::log_id)
      .def("last_seal_error", &Writer::last_seal_error);

  nb::class_<Snapshot>(m, "Snapshot")
      .def_static("open", &Snapshot::Open, nb::arg("dir"))
      .def_prop_ro("last_seq", &Snapshot::last_seq)
      .def_prop_ro("sealed_seq", &Snapshot::sealed_seq)
      .def_prop_ro("head", &Snapshot::head)
      .def_prop_ro("log_id", &Snapshot::log_id)
      .def("arrow_stream", &Snapshot::ArrowStream, nb::arg("columns"), nb::arg("since_us").none(),
           nb::arg("until_us").none(), nb::arg("date").none(), nb::arg("batch_rows"));

  m.def("weekly_report_json", &WeeklyReportJson, nb::arg("dir"), nb::arg("capacity_kw").none(),
        nb::arg("pct"), nb::arg("pct_is_integer"), nb::arg("numpy_whole_array"));
  m.def("daily_summary_json", &DailySummaryJson, nb::arg("dir"), nb::arg("date"),
        nb::arg("numpy_whole_array"));
  m.def("compliance_text", &ComplianceText, nb::arg("dir"), nb::arg("config").none(),
        nb::arg("capacity_kw").none(), nb::arg("pct").none(), nb::arg("pct_is_integer"),
        nb::arg("timezone").none(), nb::arg("year").none(), nb::arg("as_of").none(), nb::arg("format"));
  m.def("allowance_text", &AllowanceText, nb::arg("dir"), nb::arg("config").none(),
        nb::arg("capacity_kw").none(), nb::arg("pct").none(), nb::arg("pct_is_integer"),
        nb::arg("timezone").none(), nb::arg("date").none(), nb::arg("format"));
  m.def("verify_json", &VerifyJson);
  m.def("checkpoint_json", &CheckpointJson, nb::arg("dir"), nb::arg("key_file").none());
  m.def("import_json", &ImportJson);

  m.attr("COL_SEQ") = static_cast<uint32_t>(BA_COL_SEQ);
  m.attr("ALL_COLUMNS") = static_cast<uint32_t>(BA_ALL_COLUMNS);
}

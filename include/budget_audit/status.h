// Status and Result<T>: the error model of the whole library.
//
// No exception crosses the library API. Every fallible function returns a
// Status (no value) or a Result<T> (a value or a Status). Both are
// [[nodiscard]]: ignoring an error is a compile error under -Werror.
//
// Codes (what a caller may rely on):
//   kOk                  success.
//   kInvalidArgument     the caller passed something malformed (bad flag,
//                        bad tick field, bad option).
//   kNotFound            a file, column or key does not exist.
//   kCorruption          bytes read from disk or stdin are malformed: data
//                        loss or tampering. Never retried automatically.
//   kNotSupported        valid input using a feature we do not implement
//                        (nested columns, encryption, unknown codec).
//   kIOError             the operating system refused an operation (the
//                        message carries errno's text and the path).
//   kResourceExhausted   a size cap was hit (allocation limits, disk full).
//   kAlreadyExists       an object that must be new already exists.
//   kBusy                another process holds a lock.
//   kFailedPrecondition  the operation is not valid in the current state.
//   kInternal            a bug: an invariant of our own code was broken.
#pragma once

#include <cassert>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

namespace budget_audit {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,
  kNotFound,
  kCorruption,
  kNotSupported,
  kIOError,
  kResourceExhausted,
  kAlreadyExists,
  kBusy,
  kFailedPrecondition,
  kInternal,
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status OK() { return Status(); }
  static Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status Corruption(std::string m) { return {StatusCode::kCorruption, std::move(m)}; }
  static Status NotSupported(std::string m) { return {StatusCode::kNotSupported, std::move(m)}; }
  static Status IOError(std::string m) { return {StatusCode::kIOError, std::move(m)}; }
  static Status ResourceExhausted(std::string m) { return {StatusCode::kResourceExhausted, std::move(m)}; }
  static Status AlreadyExists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
  static Status Busy(std::string m) { return {StatusCode::kBusy, std::move(m)}; }
  static Status FailedPrecondition(std::string m) { return {StatusCode::kFailedPrecondition, std::move(m)}; }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  bool IsCorruption() const { return code_ == StatusCode::kCorruption; }
  bool IsNotFound() const { return code_ == StatusCode::kNotFound; }
  bool IsNotSupported() const { return code_ == StatusCode::kNotSupported; }

  // Returns a copy whose message is "<context>: <message>". OK stays OK.
  Status WithContext(std::string_view context) const;

  // "Corruption: <message>", or "OK".
  std::string ToString() const;

  // Explicitly discard (for best-effort cleanup paths, with a comment why).
  void IgnoreError() const {}

  // The seq a status is about, as data for bindings: an AlreadyExists from
  // AuditLog::Append carries the seq of the record already logged at that
  // timestamp (the message names it too). WithContext keeps it.
  std::optional<uint64_t> seq() const { return seq_; }
  Status WithSeq(uint64_t seq) const& {
    Status s = *this;
    s.seq_ = seq;
    return s;
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::optional<uint64_t> seq_;
};

// A value of type T, or a non-OK Status explaining why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT
  Result(Status status) : v_(std::move(status)) {  // NOLINT
    assert(!std::get<Status>(v_).ok() && "Result built from an OK status");
  }
  template <typename U, typename = std::enable_if_t<std::is_convertible_v<U&&, T> &&
                                                    !std::is_same_v<std::decay_t<U>, Status> &&
                                                    !std::is_same_v<std::decay_t<U>, T>>>
  Result(U&& value) : v_(T(std::forward<U>(value))) {}  // NOLINT

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace budget_audit

#define BA_CONCAT_INNER_(a, b) a##b
#define BA_CONCAT_(a, b) BA_CONCAT_INNER_(a, b)

// Returns from the current function if `expr` (a Status) is not OK.
#define BA_RETURN_IF_ERROR(expr)                \
  do {                                          \
    ::budget_audit::Status ba_status_ = (expr); \
    if (!ba_status_.ok()) return ba_status_;    \
  } while (0)

// `lhs = value of expr` (a Result<T>), or returns its Status.
#define BA_ASSIGN_OR_RETURN(lhs, expr) BA_ASSIGN_OR_RETURN_IMPL_(BA_CONCAT_(ba_result_, __LINE__), lhs, expr)
#define BA_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return tmp.status();             \
  lhs = std::move(tmp).value()

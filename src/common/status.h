// Status and Result<T>: how errors cross module boundaries in Kumo.
//
// An Error carries everything a protocol serializer needs to answer a client
// the way AWS would: the HTTP status, the AWS error code ("ValidationException",
// "ResourceNotFoundException", ...) and a human message. Modules create Errors;
// the edge serializes them in the shape of the calling protocol.
//
// Both types are [[nodiscard]]: dropping one on purpose is IgnoreError(...),
// a call you can grep for. Thread-safety: plain values, no shared state.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace kumo {

struct Error {
  Error() = default;
  Error(int status, std::string error_code, std::string error_message, std::string details = {})
      : http_status(status),
        code(std::move(error_code)),
        message(std::move(error_message)),
        details_json(std::move(details)) {}

  int http_status = 500;
  std::string code = "InternalFailure";
  std::string message;
  // Extra members for JSON error bodies, as the text of a JSON object
  // (`{"Reason":"..."}`, `{"Item":{...}}`); merged into the body by the
  // JSON and REST-JSON serializers. Empty: none.
  std::string details_json;

  // True when the client caused the error (4xx): query-protocol errors say
  // <Type>Sender</Type> for these and <Type>Receiver</Type> otherwise.
  bool SenderFault() const { return http_status < 500; }
};

// Common constructors. A service with its own codes builds Error{...} directly.
Error InvalidArgument(std::string message);  // 400 ValidationException
Error NotFound(std::string code, std::string message);  // 404 with the code given
Error Internal(std::string message);  // 500 InternalFailure

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(Error error) : error_(std::move(error)) {}  // NOLINT: implicit on purpose

  static Status Ok() { return Status(); }
  bool ok() const { return !error_.has_value(); }
  // Precondition: !ok().
  const Error& error() const { return *error_; }
  Error TakeError() && { return std::move(*error_); }

 private:
  std::optional<Error> error_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}          // NOLINT: implicit on purpose
  Result(Error error) : v_(std::move(error)) {}      // NOLINT
  Result(Status status) : v_(std::move(status).TakeError()) {}  // NOLINT: precondition !ok()

  bool ok() const { return v_.index() == 0; }
  // Preconditions: ok() for value(), !ok() for error().
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const Error& error() const { return std::get<1>(v_); }
  Status status() const { return ok() ? Status() : Status(error()); }

 private:
  std::variant<T, Error> v_;
};

// Drops a Status on purpose. Every call site says why in a comment.
inline void IgnoreError(const Status&) {}

}  // namespace kumo

// Early return on error, for functions returning Status or Result<U>.
#define KUMO_RETURN_IF_ERROR(expr)                  \
  do {                                              \
    ::kumo::Status kumo_status_ = (expr);           \
    if (!kumo_status_.ok()) return kumo_status_.error(); \
  } while (0)

#define KUMO_CONCAT_INNER_(a, b) a##b
#define KUMO_CONCAT_(a, b) KUMO_CONCAT_INNER_(a, b)
// Declares `lhs` from a Result's value, or returns its error.
#define KUMO_ASSIGN_OR_RETURN(lhs, expr)                              \
  auto KUMO_CONCAT_(kumo_result_, __LINE__) = (expr);                 \
  if (!KUMO_CONCAT_(kumo_result_, __LINE__).ok())                     \
    return KUMO_CONCAT_(kumo_result_, __LINE__).error();              \
  lhs = std::move(KUMO_CONCAT_(kumo_result_, __LINE__)).value()

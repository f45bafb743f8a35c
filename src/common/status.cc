#include "common/status.h"

namespace kumo {

Error InvalidArgument(std::string message) {
  return Error{400, "ValidationException", std::move(message)};
}

Error NotFound(std::string code, std::string message) {
  return Error{404, std::move(code), std::move(message)};
}

Error Internal(std::string message) {
  return Error{500, "InternalFailure", std::move(message)};
}

}  // namespace kumo

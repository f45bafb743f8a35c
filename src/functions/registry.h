// FunctionRegistry: the read side of the Lambda control plane.
//
// The runtime and the event sources resolve what to run through this
// interface and hear about changes so they can retire warm environments.
// LambdaService implements it; tests may implement it with a fake.
//
// Thread-safety: every method is safe to call from any thread. Resolve never
// blocks on storage I/O (it reads an in-memory view).
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "common/status.h"
#include "functions/function_config.h"

namespace kumo::functions {

// Runs on the thread that made the change, after the change is durable and
// with no control-plane lock held. It must return quickly, must not call
// control-plane mutations nor Add/RemoveChangeListener; it may call Resolve.
using ChangeListener = std::function<void(const FunctionChange&)>;

class FunctionRegistry {
 public:
  virtual ~FunctionRegistry() = default;

  // Resolves `function` (a name, "name:qualifier", a partial ARN
  // "000000000000:function:name" or a full ARN, optionally qualified) in
  // `region`, with `qualifier` (empty: the ARN's qualifier, else $LATEST).
  // An alias applies its routing weights: successive calls may return
  // different versions, in the configured proportions.
  //
  // Errors (as the Lambda API reports them):
  //   400 ValidationException             malformed name or qualifier
  //   400 InvalidParameterValueException  qualifier differs from the ARN's
  //   404 ResourceNotFoundException       "Function not found: <arn>"
  virtual Result<FunctionConfig> Resolve(std::string_view region, std::string_view function,
                                         std::string_view qualifier) const = 0;

  // Registers `listener`; returns an id for RemoveChangeListener.
  virtual uint64_t AddChangeListener(ChangeListener listener) = 0;
  // After this returns, `id`'s listener is not running and will not run
  // again. Must not be called from inside a listener.
  virtual void RemoveChangeListener(uint64_t id) = 0;
};

}  // namespace kumo::functions

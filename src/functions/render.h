// The Lambda API's output shapes, rendered from records as AWS writes them.
// Thread-safety: free functions.
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <string_view>

#include "functions/records.h"

namespace kumo::functions {

// How a FunctionConfiguration is presented.
struct ConfigView {
  enum class Moment {
    kSteady,    // what reads return
    kCreating,  // the answer to a create or publish: State Pending
    kUpdating,  // the answer to an update: LastUpdateStatus InProgress
  };
  Moment moment = Moment::kSteady;
  bool qualified_arn = false;  // FunctionArn carries the version (or the alias)
  std::string alias;           // FunctionArn ends with this alias instead
  bool for_list = false;       // list items carry no State / LastUpdateStatus
};

boost::json::object RenderConfiguration(const FunctionRecord& fn, const VersionRecord& v,
                                        const ConfigView& view);
boost::json::object RenderAlias(const FunctionRecord& fn, const AliasRecord& alias);
// GetLayerVersion / PublishLayerVersion (with Content) or a list item.
boost::json::object RenderLayerVersion(const LayerVersionRecord& v, std::string_view location);
boost::json::object RenderLayerVersionListItem(const LayerVersionRecord& v);
boost::json::object RenderEventInvokeConfig(const FunctionRecord& fn, std::string_view qualifier,
                                            const EventInvokeRecord& c);

}  // namespace kumo::functions

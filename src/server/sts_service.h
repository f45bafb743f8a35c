// The STS subset Kumo answers (query protocol, API version 2011-06-15):
// GetCallerIdentity. Other actions get AWS's InvalidAction error.
#pragma once

#include "edge/service.h"

namespace kumo::server {

edge::ServiceDescriptor StsService();

}  // namespace kumo::server

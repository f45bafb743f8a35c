// LogsService: the CloudWatch Logs API subset Kumo serves (JSON 1.1,
// X-Amz-Target Logs_20140328.<Operation>, SigV4 signing name "logs"), so
// function logs can be read with the AWS CLI and SDKs.
//
// Operations: CreateLogGroup, DeleteLogGroup, DescribeLogGroups,
// CreateLogStream, DeleteLogStream, DescribeLogStreams, PutLogEvents,
// GetLogEvents, FilterLogEvents, PutRetentionPolicy, DeleteRetentionPolicy,
// TagResource, UntagResource, ListTagsForResource, TagLogGroup,
// UntagLogGroup, ListTagsLogGroup. Any other operation is answered with
// 400 UnknownOperationException.
//
// Threading: the handler runs on the edge's I/O threads and never waits on
// storage: writes are answered from the LogStore's completion callbacks,
// reads are range scans. The LogStore must outlive every call.
#pragma once

#include "edge/service.h"
#include "logs/log_store.h"

namespace kumo::logs {

edge::ServiceDescriptor LogsService(LogStore& store);

}  // namespace kumo::logs

// StreamsService: the DynamoDB Streams API (JSON 1.0, X-Amz-Target
// DynamoDBStreams_20120810.<Operation>, SigV4 signing name "dynamodb";
// botocore model dynamodbstreams/2012-08-10) over a StreamStore.
//
// Operations: ListStreams, DescribeStream, GetShardIterator, GetRecords.
// Anything else is answered with 400 UnknownOperationException.
//
// Threading: the handler runs on the edge's I/O threads and answers before
// returning; every operation is an in-memory lookup or one range scan. The
// StreamStore must outlive every call.
#pragma once

#include "edge/service.h"
#include "tables/streams/stream_store.h"

namespace kumo::tables::streams {

edge::ServiceDescriptor StreamsService(StreamStore& store);

}  // namespace kumo::tables::streams

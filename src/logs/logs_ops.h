// The operations behind LogsService, one function each, sharing one
// context. Private to src/logs. Each answers exactly once through
// ctx.reply, now or from a LogStore callback.
#pragma once

#include <boost/json/object.hpp>
#include <functional>
#include <string>

#include "common/status.h"
#include "logs/log_store.h"
#include "logs/logs_input.h"

namespace kumo::logs {

// The operation's output members, or its error.
using Reply = std::function<void(Result<boost::json::object>)>;

struct OpContext {
  LogStore& store;
  std::string region;  // of the request; an ARN in the request may name another
  const boost::json::object& input;
  Reply reply;
};

// A Done that answers {} on success.
Done ReplyEmpty(Reply reply);
// Answers with `input`'s validation error; true when there was one.
bool Rejected(OpContext& ctx, const Input& input);

// logs_ops_resources.cc
void CreateLogGroup(OpContext& ctx);
void DeleteLogGroup(OpContext& ctx);
void DescribeLogGroups(OpContext& ctx);
void CreateLogStream(OpContext& ctx);
void DeleteLogStream(OpContext& ctx);
void DescribeLogStreams(OpContext& ctx);
void PutRetentionPolicy(OpContext& ctx);
void DeleteRetentionPolicy(OpContext& ctx);
void TagResource(OpContext& ctx);
void UntagResource(OpContext& ctx);
void ListTagsForResource(OpContext& ctx);
void TagLogGroup(OpContext& ctx);
void UntagLogGroup(OpContext& ctx);
void ListTagsLogGroup(OpContext& ctx);

// logs_ops_events.cc
void PutLogEvents(OpContext& ctx);
void GetLogEvents(OpContext& ctx);
void FilterLogEvents(OpContext& ctx);

}  // namespace kumo::logs

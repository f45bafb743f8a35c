// ExpressionAttributeNames and ExpressionAttributeValues of one request,
// and which of them the request's expressions used: DynamoDB rejects a
// request that defines a placeholder no expression uses.
//
// Thread-safety: one instance per request, used by one thread.
#pragma once

#include <boost/json/object.hpp>
#include <map>
#include <string>
#include <string_view>

#include "common/status.h"
#include "tables/attribute_value.h"

namespace kumo::tables {

class ExpressionAttributes {
 public:
  ExpressionAttributes() = default;

  // Reads the "ExpressionAttributeNames" and "ExpressionAttributeValues"
  // members of a request (both optional), with AWS's messages for empty
  // maps, malformed placeholders and invalid values.
  static Result<ExpressionAttributes> FromRequest(const boost::json::object& request);

  void AddName(std::string placeholder, std::string name);
  void AddValue(std::string placeholder, AttributeValue value);

  // Looks a placeholder up and marks it used; nullptr when undefined.
  const std::string* UseName(std::string_view placeholder);
  const AttributeValue* UseValue(std::string_view placeholder);

  bool has_names() const { return !names_.empty(); }
  bool has_values() const { return !values_.empty(); }

  // Fails when a defined name or value was never used ("Value provided in
  // ExpressionAttributeNames unused in expressions: keys: {#a, #b}").
  // Call after every expression of the request has been resolved.
  Status CheckAllUsed() const;

 private:
  template <typename T>
  struct Entry {
    T value;
    bool used = false;
  };
  std::map<std::string, Entry<std::string>, std::less<>> names_;
  std::map<std::string, Entry<AttributeValue>, std::less<>> values_;
};

}  // namespace kumo::tables

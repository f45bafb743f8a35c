// Tags, time to live, DescribeEndpoints and DescribeLimits.
#include <boost/json/serialize.hpp>

#include "tables/request.h"
#include "tables/service_impl.h"
#include "tables/storage_layout.h"

namespace kumo::tables {
namespace {

namespace json = boost::json;

// Persists `meta`, publishes it, and answers `body` once durable. Caller
// holds control_mu. For settings item writes do not depend on.
void PublishSettings(const OpCallPtr& call, std::shared_ptr<const TableMeta> meta, std::string body) {
  TableService::Impl& impl = call->impl;
  storage::WriteBatch batch;
  batch.Put(impl.meta_family, MetaKey(meta->region, meta->name), json::serialize(ToStored(*meta)));
  impl.catalog.Publish(std::move(meta));
  Status queued = impl.writes.Enqueue(std::move(batch), [call, body = std::move(body)](Status status) mutable {
    if (!status.ok()) return call->Fail(status.error());
    call->Reply(std::move(body));
  });
  if (!queued.ok()) call->Fail(queued.error());
}

// The table a ResourceArn names.
Result<TableHandle> FindByArn(const OpCallPtr& call, std::string_view member) {
  Result<std::optional<std::string>> arn = StringMember(call->input, member);
  if (!arn.ok()) return arn.error();
  Constraints c;
  c.Required(arn->has_value(), "resourceArn");
  if (arn->has_value()) {
    if ((*arn)->empty()) c.Fail(**arn, "resourceArn", "Member must have length greater than or equal to 1");
    if ((*arn)->size() > 1283) c.Fail(**arn, "resourceArn", "Member must have length less than or equal to 1283");
  }
  KUMO_RETURN_IF_ERROR(c.Finish());
  if (!ParseTableArn(**arn)) return ValidationError("Invalid TableArn: Invalid ResourceArn provided as input " + **arn);
  std::optional<TableHandle> table = call->impl.catalog.Find(call->region, **arn);
  if (!table) {
    return Error{400, "ResourceNotFoundException",
                 "Requested resource not found: ResourceArn: " + **arn + " not found"};
  }
  return std::move(*table);
}

}  // namespace

void TagResource(const OpCallPtr& call) {
  std::lock_guard lock(call->impl.control_mu);
  Result<TableHandle> table = FindByArn(call, "ResourceArn");
  if (!table.ok()) return call->Fail(table.error());
  Result<const json::array*> tags = ArrayMember(call->input, "Tags");
  if (!tags.ok()) return call->Fail(tags.error());
  if (*tags == nullptr) {
    return call->Fail(MissingMember("tags"));
  }
  TableMeta meta = *table->meta;
  for (const json::value& tag : **tags) {
    if (!tag.is_object()) return call->Fail(SerializationError("Unexpected value type in payload"));
    Result<std::optional<std::string>> key = StringMember(tag.as_object(), "Key");
    Result<std::optional<std::string>> value = StringMember(tag.as_object(), "Value");
    if (!key.ok()) return call->Fail(key.error());
    if (!value.ok()) return call->Fail(value.error());
    Constraints c;
    c.Required(key->has_value(), "tags.member.key");
    c.Required(value->has_value(), "tags.member.value");
    if (Status s = c.Finish(); !s.ok()) return call->Fail(s.error());
    meta.tags[**key] = **value;
  }
  if (meta.tags.size() > 50) {
    return call->Fail(ValidationError("One or more parameter values were invalid: Too many tags"));
  }
  PublishSettings(call, std::make_shared<const TableMeta>(std::move(meta)), "{}");
}

void UntagResource(const OpCallPtr& call) {
  std::lock_guard lock(call->impl.control_mu);
  Result<TableHandle> table = FindByArn(call, "ResourceArn");
  if (!table.ok()) return call->Fail(table.error());
  Result<const json::array*> keys = ArrayMember(call->input, "TagKeys");
  if (!keys.ok()) return call->Fail(keys.error());
  if (*keys == nullptr) {
    return call->Fail(MissingMember("tagKeys"));
  }
  TableMeta meta = *table->meta;
  for (const json::value& key : **keys) {
    if (!key.is_string()) return call->Fail(SerializationError("Unexpected value type in payload"));
    meta.tags.erase(std::string(key.as_string()));
  }
  PublishSettings(call, std::make_shared<const TableMeta>(std::move(meta)), "{}");
}

void ListTagsOfResource(const OpCallPtr& call) {
  Result<TableHandle> table = FindByArn(call, "ResourceArn");
  if (!table.ok()) return call->Fail(table.error());
  json::array tags;
  for (const auto& [key, value] : table->meta->tags) {
    tags.push_back(json::object{{"Key", key}, {"Value", value}});
  }
  call->Reply(json::serialize(json::object{{"Tags", std::move(tags)}}));
}

void UpdateTimeToLive(const OpCallPtr& call) {
  Result<std::optional<std::string>> name = StringMember(call->input, "TableName");
  if (!name.ok()) return call->Fail(name.error());
  Result<const json::object*> spec = ObjectMember(call->input, "TimeToLiveSpecification");
  if (!spec.ok()) return call->Fail(spec.error());
  Constraints c;
  c.Name(*name, "tableName", true);
  c.Required(*spec != nullptr, "timeToLiveSpecification");
  std::optional<bool> enabled;
  std::optional<std::string> attribute;
  if (*spec != nullptr) {
    Result<std::optional<bool>> e = BoolMember(**spec, "Enabled");
    Result<std::optional<std::string>> a = StringMember(**spec, "AttributeName");
    if (!e.ok()) return call->Fail(e.error());
    if (!a.ok()) return call->Fail(a.error());
    enabled = *e;
    attribute = *a;
    c.Required(enabled.has_value(), "timeToLiveSpecification.enabled");
    c.Required(attribute.has_value(), "timeToLiveSpecification.attributeName");
    if (attribute && attribute->empty()) {
      c.Fail(*attribute, "timeToLiveSpecification.attributeName",
             "Member must have length greater than or equal to 1");
    }
  }
  if (Status s = c.Finish(); !s.ok()) return call->Fail(s.error());
  std::lock_guard lock(call->impl.control_mu);
  std::optional<TableHandle> table = call->impl.catalog.Find(call->region, **name);
  if (!table) return call->Fail(NamedTableNotFound(**name));
  TableMeta meta = *table->meta;
  if (*enabled && meta.ttl_enabled) return call->Fail(ValidationError("TimeToLive is already enabled"));
  if (!*enabled && !meta.ttl_enabled) return call->Fail(ValidationError("TimeToLive is already disabled"));
  if (!*enabled && meta.ttl_attribute != *attribute) {
    return call->Fail(ValidationError("TimeToLive is active on a different AttributeName: current AttributeName is " +
                                      meta.ttl_attribute));
  }
  meta.ttl_enabled = *enabled;
  meta.ttl_attribute = *enabled ? *attribute : std::string();
  std::string body = json::serialize(json::object{
      {"TimeToLiveSpecification", json::object{{"Enabled", *enabled}, {"AttributeName", *attribute}}}});
  PublishSettings(call, std::make_shared<const TableMeta>(std::move(meta)), std::move(body));
}

void DescribeTimeToLive(const OpCallPtr& call) {
  Result<std::optional<std::string>> name = StringMember(call->input, "TableName");
  if (!name.ok()) return call->Fail(name.error());
  Constraints c;
  c.Name(*name, "tableName", true);
  if (Status s = c.Finish(); !s.ok()) return call->Fail(s.error());
  std::optional<TableHandle> table = call->impl.catalog.Find(call->region, **name);
  if (!table) return call->Fail(NamedTableNotFound(**name));
  json::object description{{"TimeToLiveStatus", table->meta->ttl_enabled ? "ENABLED" : "DISABLED"}};
  if (table->meta->ttl_enabled) description["AttributeName"] = table->meta->ttl_attribute;
  call->Reply(json::serialize(json::object{{"TimeToLiveDescription", std::move(description)}}));
}

void DescribeEndpoints(const OpCallPtr& call) {
  std::string address = call->host.empty() ? "dynamodb." + call->region + ".amazonaws.com" : call->host;
  json::array endpoints;
  endpoints.push_back(json::object{{"Address", address}, {"CachePeriodInMinutes", 1440}});
  call->Reply(json::serialize(json::object{{"Endpoints", std::move(endpoints)}}));
}

void DescribeLimits(const OpCallPtr& call) {
  call->Reply(
      R"({"AccountMaxReadCapacityUnits":80000,"AccountMaxWriteCapacityUnits":80000,)"
      R"("TableMaxReadCapacityUnits":40000,"TableMaxWriteCapacityUnits":40000})");
}

}  // namespace kumo::tables

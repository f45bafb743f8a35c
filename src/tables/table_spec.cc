#include "tables/table_spec.h"

#include <fmt/format.h>

#include <boost/json/array.hpp>
#include <set>

#include "common/clock.h"
#include "common/encoding.h"
#include "tables/request.h"

namespace kumo::tables {
namespace {

namespace json = boost::json;

constexpr int64_t kMaxCapacity = 1000000000000;
constexpr std::string_view kInvalid = "One or more parameter values were invalid: ";

struct KeyElement {
  std::string name;
  std::string key_type;
};

// Reading the request's members. Wrong JSON shapes are SerializationExceptions;
// model constraints go to `constraints`.
class SpecReader {
 public:
  explicit SpecReader(Constraints& constraints) : c_(constraints) {}

  Result<std::vector<KeyElement>> KeySchema(const json::object& obj, std::string_view member,
                                            const std::string& path) {
    KUMO_ASSIGN_OR_RETURN(const json::array* array, ArrayMember(obj, member));
    std::vector<KeyElement> out;
    if (array == nullptr) {
      c_.Required(false, path);
      return out;
    }
    if (array->empty()) c_.Fail("[]", path, "Member must have length greater than or equal to 1");
    if (array->size() > 2) c_.Fail("[...]", path, "Member must have length less than or equal to 2");
    for (size_t i = 0; i < array->size(); ++i) {
      const json::value& v = (*array)[i];
      if (!v.is_object()) return SerializationError("Unexpected value type in payload");
      const std::string item = fmt::format("{}.{}.member", path, i + 1);
      KUMO_ASSIGN_OR_RETURN(std::optional<std::string> name, StringMember(v.as_object(), "AttributeName"));
      KUMO_ASSIGN_OR_RETURN(std::optional<std::string> type, StringMember(v.as_object(), "KeyType"));
      c_.Required(name.has_value(), item + ".attributeName");
      c_.Required(type.has_value(), item + ".keyType");
      c_.Enum(type, item + ".keyType", {"HASH", "RANGE"});
      out.push_back({name.value_or(""), type.value_or("")});
    }
    return out;
  }

  Result<std::optional<Throughput>> ThroughputMember(const json::object& obj, const std::string& path) {
    KUMO_ASSIGN_OR_RETURN(const json::object* tp, ObjectMember(obj, "ProvisionedThroughput"));
    if (tp == nullptr) return std::optional<Throughput>();
    KUMO_ASSIGN_OR_RETURN(std::optional<int64_t> read, IntMember(*tp, "ReadCapacityUnits"));
    KUMO_ASSIGN_OR_RETURN(std::optional<int64_t> write, IntMember(*tp, "WriteCapacityUnits"));
    c_.Required(write.has_value(), path + ".writeCapacityUnits");
    c_.Min(write, path + ".writeCapacityUnits", 1);
    c_.Required(read.has_value(), path + ".readCapacityUnits");
    c_.Min(read, path + ".readCapacityUnits", 1);
    return std::optional<Throughput>(Throughput{read.value_or(0), write.value_or(0), 0, 0});
  }

  struct IndexSpec {
    std::string name;
    std::vector<KeyElement> keys;
    std::string projection_type;
    std::optional<std::vector<std::string>> non_key;
    std::optional<Throughput> throughput;
  };

  Result<IndexSpec> Index(const json::object& obj, const std::string& path, bool global) {
    IndexSpec spec;
    KUMO_ASSIGN_OR_RETURN(std::optional<std::string> name, StringMember(obj, "IndexName"));
    c_.Name(name, path + ".indexName", true);
    spec.name = name.value_or("");
    KUMO_ASSIGN_OR_RETURN(spec.keys, KeySchema(obj, "KeySchema", path + ".keySchema"));
    KUMO_ASSIGN_OR_RETURN(const json::object* projection, ObjectMember(obj, "Projection"));
    c_.Required(projection != nullptr, path + ".projection");
    if (projection != nullptr) {
      KUMO_ASSIGN_OR_RETURN(std::optional<std::string> type, StringMember(*projection, "ProjectionType"));
      c_.Enum(type, path + ".projection.projectionType", {"ALL", "KEYS_ONLY", "INCLUDE"});
      spec.projection_type = type.value_or("");
      KUMO_ASSIGN_OR_RETURN(const json::array* attrs, ArrayMember(*projection, "NonKeyAttributes"));
      if (attrs != nullptr) {
        spec.non_key.emplace();
        if (attrs->empty()) {
          c_.Fail("[]", path + ".projection.nonKeyAttributes",
                  "Member must have length greater than or equal to 1");
        }
        for (const json::value& a : *attrs) {
          if (!a.is_string()) return SerializationError("Unexpected value type in payload");
          spec.non_key->emplace_back(a.as_string());
        }
      }
    }
    if (global) {
      KUMO_ASSIGN_OR_RETURN(spec.throughput, ThroughputMember(obj, path + ".provisionedThroughput"));
    }
    return spec;
  }

 private:
  Constraints& c_;
};

std::string Join(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

std::vector<std::string> Names(const std::vector<KeyElement>& keys) {
  std::vector<std::string> out;
  for (const KeyElement& k : keys) out.push_back(k.name);
  return out;
}

Status CheckThroughputBounds(const Throughput& t, std::string_view suffix = "") {
  if (t.read > kMaxCapacity) {
    return ValidationError(fmt::format("Given value {} for ReadCapacityUnits is out of bounds{}", t.read, suffix));
  }
  if (t.write > kMaxCapacity) {
    return ValidationError(fmt::format("Given value {} for WriteCapacityUnits is out of bounds{}", t.write, suffix));
  }
  return Status::Ok();
}

// Checks one key schema against the definitions and builds it.
Result<KeySchema> BuildKeySchema(const std::vector<KeyElement>& keys,
                                 const std::vector<std::pair<std::string, AttrType>>& defs) {
  std::vector<std::string> def_names;
  for (const auto& d : defs) def_names.push_back(d.first);
  auto type_of = [&](const std::string& name) -> std::optional<AttrType> {
    for (const auto& d : defs) {
      if (d.first == name) return d.second;
    }
    return std::nullopt;
  };
  for (const KeyElement& k : keys) {
    if (!type_of(k.name)) {
      return ValidationError(fmt::format(
          "{}Some index key attributes are not defined in AttributeDefinitions. Keys: [{}], "
          "AttributeDefinitions: [{}]",
          kInvalid, Join(Names(keys)), Join(def_names)));
    }
  }
  if (keys.size() == 2 && keys[0].name == keys[1].name) {
    return ValidationError("Both the Hash Key and the Range Key element in the KeySchema have the same name");
  }
  if (keys[0].key_type != "HASH") {
    return ValidationError("Invalid KeySchema: The first KeySchemaElement is not a HASH key type");
  }
  if (keys.size() == 2 && keys[1].key_type != "RANGE") {
    return ValidationError("Invalid KeySchema: The second KeySchemaElement is not a RANGE key type");
  }
  KeySchema schema;
  schema.partition = {keys[0].name, *type_of(keys[0].name)};
  if (keys.size() == 2) schema.sort = KeyAttribute{keys[1].name, *type_of(keys[1].name)};
  return schema;
}

Result<IndexMeta> BuildIndex(const SpecReader::IndexSpec& spec, bool global,
                             const std::vector<std::pair<std::string, AttrType>>& defs,
                             bool pay_per_request) {
  IndexMeta index;
  index.name = spec.name;
  index.global = global;
  KUMO_ASSIGN_OR_RETURN(index.key_schema, BuildKeySchema(spec.keys, defs));
  if (spec.projection_type.empty()) {
    return ValidationError(std::string(kInvalid) + "Unknown ProjectionType: null");
  }
  if (spec.non_key && spec.projection_type != "INCLUDE") {
    return ValidationError(fmt::format("{}ProjectionType is {}, but NonKeyAttributes is specified",
                                       kInvalid, spec.projection_type));
  }
  index.projection = spec.projection_type == "KEYS_ONLY" ? ProjectionType::kKeysOnly
                     : spec.projection_type == "INCLUDE" ? ProjectionType::kInclude
                                                         : ProjectionType::kAll;
  if (spec.non_key) index.non_key_attributes = *spec.non_key;
  if (global) {
    if (pay_per_request && spec.throughput) {
      return ValidationError(fmt::format(
          "{}ProvisionedThroughput should not be specified for index: {} when BillingMode is "
          "PAY_PER_REQUEST",
          kInvalid, spec.name));
    }
    if (!pay_per_request) {
      if (!spec.throughput) {
        return ValidationError(fmt::format(
            "{}ProvisionedThroughput must be specified for index: {}", kInvalid, spec.name));
      }
      KUMO_RETURN_IF_ERROR(CheckThroughputBounds(*spec.throughput, " for index " + spec.name));
      index.throughput = spec.throughput;
    }
  }
  return index;
}

Result<std::vector<std::pair<std::string, AttrType>>> ReadDefinitions(const json::object& input,
                                                                      Constraints& c) {
  std::vector<std::pair<std::string, AttrType>> defs;
  KUMO_ASSIGN_OR_RETURN(const json::array* array, ArrayMember(input, "AttributeDefinitions"));
  if (array == nullptr) {
    c.Required(false, "attributeDefinitions");
    return defs;
  }
  for (size_t i = 0; i < array->size(); ++i) {
    const json::value& v = (*array)[i];
    if (!v.is_object()) return SerializationError("Unexpected value type in payload");
    const std::string path = fmt::format("attributeDefinitions.{}.member", i + 1);
    KUMO_ASSIGN_OR_RETURN(std::optional<std::string> name, StringMember(v.as_object(), "AttributeName"));
    KUMO_ASSIGN_OR_RETURN(std::optional<std::string> type, StringMember(v.as_object(), "AttributeType"));
    c.Required(name.has_value(), path + ".attributeName");
    c.Required(type.has_value(), path + ".attributeType");
    c.Enum(type, path + ".attributeType", {"B", "N", "S"});
    std::optional<AttrType> t = TypeFromName(type.value_or("S"));
    defs.emplace_back(name.value_or(""), t.value_or(AttrType::kS));
  }
  return defs;
}

Status ReadStream(const json::object& input, Constraints& c, TableMeta& meta, bool& present) {
  KUMO_ASSIGN_OR_RETURN(const json::object* spec, ObjectMember(input, "StreamSpecification"));
  present = spec != nullptr;
  if (spec == nullptr) return Status::Ok();
  KUMO_ASSIGN_OR_RETURN(std::optional<bool> enabled, BoolMember(*spec, "StreamEnabled"));
  KUMO_ASSIGN_OR_RETURN(std::optional<std::string> view, StringMember(*spec, "StreamViewType"));
  c.Required(enabled.has_value(), "streamSpecification.streamEnabled");
  c.Enum(view, "streamSpecification.streamViewType",
         {"NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES", "KEYS_ONLY"});
  KUMO_RETURN_IF_ERROR(c.Finish());
  if (*enabled && !view) {
    return ValidationError(std::string(kInvalid) +
                           "StreamViewType must be specified when StreamEnabled is true");
  }
  if (!*enabled && view) {
    return ValidationError(std::string(kInvalid) +
                           "StreamViewType cannot be specified when StreamEnabled is false");
  }
  meta.stream_enabled = *enabled;
  if (*enabled) meta.stream_view_type = *view;
  return Status::Ok();
}

Status ReadSse(const json::object& input, Constraints& c, TableMeta& meta) {
  KUMO_ASSIGN_OR_RETURN(const json::object* sse, ObjectMember(input, "SSESpecification"));
  if (sse == nullptr) return Status::Ok();
  KUMO_ASSIGN_OR_RETURN(std::optional<bool> enabled, BoolMember(*sse, "Enabled"));
  KUMO_ASSIGN_OR_RETURN(std::optional<std::string> type, StringMember(*sse, "SSEType"));
  KUMO_ASSIGN_OR_RETURN(std::optional<std::string> key, StringMember(*sse, "KMSMasterKeyId"));
  c.Enum(type, "sSESpecification.sSEType", {"AES256", "KMS"});
  meta.sse_enabled = enabled.value_or(false) || type.has_value();
  if (meta.sse_enabled) {
    meta.sse_type = "KMS";
    meta.sse_kms_key = key && key->starts_with("arn:")
                           ? *key
                           : fmt::format("arn:aws:kms:{}:{}:key/{}", meta.region, kAccountId,
                                         key.value_or(NewUuid()));
  } else {
    meta.sse_type.clear();
    meta.sse_kms_key.clear();
  }
  return Status::Ok();
}

}  // namespace

std::string StreamLabel(int64_t millis) {
  std::string text = FormatIso8601(millis, true);
  if (!text.empty() && text.back() == 'Z') text.pop_back();
  return text;
}

Result<TableMeta> ParseCreateTable(const json::object& input, const std::string& region,
                                   int64_t now_millis) {
  Constraints c;
  TableMeta meta;
  meta.region = region;
  meta.creation_millis = now_millis;
  meta.table_id = NewUuid();
  SpecReader reader(c);

  KUMO_ASSIGN_OR_RETURN(std::optional<std::string> name, StringMember(input, "TableName"));
  c.Name(name, "tableName", true);
  meta.name = name.value_or("");
  KUMO_ASSIGN_OR_RETURN(std::vector<KeyElement> keys, reader.KeySchema(input, "KeySchema", "keySchema"));
  KUMO_ASSIGN_OR_RETURN(meta.attribute_definitions, ReadDefinitions(input, c));
  KUMO_ASSIGN_OR_RETURN(std::optional<std::string> billing, StringMember(input, "BillingMode"));
  c.Enum(billing, "billingMode", {"PROVISIONED", "PAY_PER_REQUEST"});
  KUMO_ASSIGN_OR_RETURN(std::optional<Throughput> throughput,
                        reader.ThroughputMember(input, "provisionedThroughput"));
  KUMO_ASSIGN_OR_RETURN(std::optional<std::string> table_class, StringMember(input, "TableClass"));
  c.Enum(table_class, "tableClass", {"STANDARD", "STANDARD_INFREQUENT_ACCESS"});
  KUMO_ASSIGN_OR_RETURN(std::optional<bool> protection, BoolMember(input, "DeletionProtectionEnabled"));

  std::vector<SpecReader::IndexSpec> lsis, gsis;
  KUMO_ASSIGN_OR_RETURN(const json::array* lsi_array, ArrayMember(input, "LocalSecondaryIndexes"));
  KUMO_ASSIGN_OR_RETURN(const json::array* gsi_array, ArrayMember(input, "GlobalSecondaryIndexes"));
  for (auto [array, list, global] : {std::tuple{lsi_array, &lsis, false}, std::tuple{gsi_array, &gsis, true}}) {
    if (array == nullptr) continue;
    for (size_t i = 0; i < array->size(); ++i) {
      if (!(*array)[i].is_object()) return SerializationError("Unexpected value type in payload");
      std::string path = fmt::format("{}.{}.member", global ? "globalSecondaryIndexes" : "localSecondaryIndexes", i + 1);
      KUMO_ASSIGN_OR_RETURN(SpecReader::IndexSpec spec, reader.Index((*array)[i].as_object(), path, global));
      list->push_back(std::move(spec));
    }
  }
  bool stream_present = false;
  KUMO_RETURN_IF_ERROR(c.Finish());
  KUMO_RETURN_IF_ERROR(ReadStream(input, c, meta, stream_present));
  KUMO_RETURN_IF_ERROR(ReadSse(input, c, meta));
  KUMO_ASSIGN_OR_RETURN(const json::array* tags, ArrayMember(input, "Tags"));
  if (tags != nullptr) {
    for (const json::value& t : *tags) {
      if (!t.is_object()) return SerializationError("Unexpected value type in payload");
      KUMO_ASSIGN_OR_RETURN(std::optional<std::string> key, StringMember(t.as_object(), "Key"));
      KUMO_ASSIGN_OR_RETURN(std::optional<std::string> value, StringMember(t.as_object(), "Value"));
      if (!key || !value) return ValidationError(std::string(kInvalid) + "Tag keys and values must not be null");
      meta.tags[*key] = *value;
    }
  }
  KUMO_RETURN_IF_ERROR(c.Finish());

  meta.pay_per_request = billing == "PAY_PER_REQUEST";
  if (meta.pay_per_request) {
    if (throughput) {
      return ValidationError(std::string(kInvalid) +
                             "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when "
                             "BillingMode is PAY_PER_REQUEST");
    }
    meta.billing_mode_updated_millis = now_millis;
  } else {
    if (!throughput) {
      return ValidationError(std::string(kInvalid) +
                             "ReadCapacityUnits and WriteCapacityUnits must both be specified when "
                             "BillingMode is PROVISIONED");
    }
    KUMO_RETURN_IF_ERROR(CheckThroughputBounds(*throughput));
    meta.throughput = *throughput;
  }
  if (table_class) meta.table_class = *table_class;
  meta.deletion_protection = protection.value_or(false);

  if (keys.size() > meta.attribute_definitions.size()) {
    return ValidationError("Invalid KeySchema: Some index key attribute have no definition");
  }
  KUMO_ASSIGN_OR_RETURN(meta.key_schema, BuildKeySchema(keys, meta.attribute_definitions));

  std::set<std::string> index_names;
  std::set<std::string> used = {meta.key_schema.partition.name};
  if (meta.key_schema.sort) used.insert(meta.key_schema.sort->name);
  if (lsi_array != nullptr) {
    if (lsis.empty()) return ValidationError(std::string(kInvalid) + "List of LocalSecondaryIndexes is empty");
    if (!meta.key_schema.sort) {
      return ValidationError(std::string(kInvalid) +
                             "Table KeySchema does not have a range key, which is required when "
                             "specifying a LocalSecondaryIndex");
    }
  }
  for (const SpecReader::IndexSpec& spec : lsis) {
    KUMO_ASSIGN_OR_RETURN(IndexMeta index, BuildIndex(spec, false, meta.attribute_definitions, true));
    if (!index.key_schema.sort) {
      return ValidationError(fmt::format("{}Index KeySchema does not have a range key for index: {}",
                                         kInvalid, index.name));
    }
    if (index.key_schema.partition.name != meta.key_schema.partition.name) {
      return ValidationError(fmt::format(
          "{}Index KeySchema does not have the same leading hash key as table KeySchema for index: "
          "{}. index hash key: {}, table hash key: {}",
          kInvalid, index.name, index.key_schema.partition.name, meta.key_schema.partition.name));
    }
    if (!index_names.insert(index.name).second) {
      return ValidationError(fmt::format("{}Duplicate index name: {}", kInvalid, index.name));
    }
    used.insert(index.key_schema.sort->name);
    index.id = meta.next_index_id++;
    meta.indexes.push_back(std::move(index));
  }
  if (lsis.size() > 5) {
    return ValidationError(std::string(kInvalid) +
                           "Number of LocalSecondaryIndexes exceeds per-table limit of 5");
  }
  if (gsi_array != nullptr && gsis.empty()) {
    return ValidationError(std::string(kInvalid) + "List of GlobalSecondaryIndexes is empty");
  }
  for (const SpecReader::IndexSpec& spec : gsis) {
    KUMO_ASSIGN_OR_RETURN(IndexMeta index,
                          BuildIndex(spec, true, meta.attribute_definitions, meta.pay_per_request));
    if (!index_names.insert(index.name).second) {
      return ValidationError(fmt::format("{}Duplicate index name: {}", kInvalid, index.name));
    }
    used.insert(index.key_schema.partition.name);
    if (index.key_schema.sort) used.insert(index.key_schema.sort->name);
    index.id = meta.next_index_id++;
    meta.indexes.push_back(std::move(index));
  }
  if (gsis.size() > 20) {
    return ValidationError(std::string(kInvalid) +
                           "GlobalSecondaryIndex count exceeds the per-table limit of 20");
  }
  if (used.size() != meta.attribute_definitions.size()) {
    if (meta.indexes.empty()) {
      return ValidationError(std::string(kInvalid) +
                             "Number of attributes in KeySchema does not exactly match number of "
                             "attributes defined in AttributeDefinitions");
    }
    std::vector<std::string> defs, keys_used(used.begin(), used.end());
    for (const auto& d : meta.attribute_definitions) defs.push_back(d.first);
    return ValidationError(fmt::format(
        "{}Some AttributeDefinitions are not used. AttributeDefinitions: [{}], keys used: [{}]",
        kInvalid, Join(defs), Join(keys_used)));
  }
  if (meta.stream_enabled) meta.stream_label = StreamLabel(now_millis);
  return meta;
}

Result<TableChange> ParseUpdateTable(const json::object& input, const TableMeta& current,
                                     int64_t now_millis) {
  Constraints c;
  SpecReader reader(c);
  TableChange change;
  change.meta = current;
  TableMeta& meta = change.meta;

  KUMO_ASSIGN_OR_RETURN(std::optional<std::string> billing, StringMember(input, "BillingMode"));
  c.Enum(billing, "billingMode", {"PROVISIONED", "PAY_PER_REQUEST"});
  KUMO_ASSIGN_OR_RETURN(std::optional<Throughput> throughput,
                        reader.ThroughputMember(input, "provisionedThroughput"));
  KUMO_ASSIGN_OR_RETURN(const json::array* updates, ArrayMember(input, "GlobalSecondaryIndexUpdates"));
  KUMO_ASSIGN_OR_RETURN(std::optional<bool> protection, BoolMember(input, "DeletionProtectionEnabled"));
  KUMO_ASSIGN_OR_RETURN(std::optional<std::string> table_class, StringMember(input, "TableClass"));
  c.Enum(table_class, "tableClass", {"STANDARD", "STANDARD_INFREQUENT_ACCESS"});
  KUMO_RETURN_IF_ERROR(c.Finish());
  const bool has_stream = Member(input, "StreamSpecification") != nullptr;
  const bool has_sse = Member(input, "SSESpecification") != nullptr;
  if (!billing && !throughput && !has_stream && !has_sse && !protection && !table_class &&
      (updates == nullptr || updates->empty()) && Member(input, "ReplicaUpdates") == nullptr) {
    return ValidationError(
        "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, "
        "GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required");
  }

  // Attribute definitions: the current ones plus any new ones for created indexes.
  std::vector<std::pair<std::string, AttrType>> defs = current.attribute_definitions;
  if (Member(input, "AttributeDefinitions") != nullptr) {
    KUMO_ASSIGN_OR_RETURN(auto given, ReadDefinitions(input, c));
    KUMO_RETURN_IF_ERROR(c.Finish());
    for (const auto& d : given) {
      std::optional<AttrType> existing = current.DefinedType(d.first);
      if (existing && *existing != d.second) {
        return ValidationError(fmt::format(
            "{}Attribute {} has been defined with a different type: {}", kInvalid, d.first, TypeName(*existing)));
      }
      if (!existing) defs.push_back(d);
    }
  }

  if (billing) {
    const bool ppr = *billing == "PAY_PER_REQUEST";
    if (ppr != meta.pay_per_request || ppr) meta.billing_mode_updated_millis = now_millis;
    meta.pay_per_request = ppr;
    if (ppr) {
      meta.throughput = Throughput{};
      for (IndexMeta& index : meta.indexes) index.throughput.reset();
    }
  }
  if (throughput) {
    if (meta.pay_per_request) {
      return ValidationError(std::string(kInvalid) +
                             "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when "
                             "BillingMode is PAY_PER_REQUEST");
    }
    KUMO_RETURN_IF_ERROR(CheckThroughputBounds(*throughput));
    if (throughput->read > meta.throughput.read || throughput->write > meta.throughput.write) {
      meta.throughput.last_increase_millis = now_millis;
    }
    if (throughput->read < meta.throughput.read || throughput->write < meta.throughput.write) {
      meta.throughput.last_decrease_millis = now_millis;
    }
    meta.throughput.read = throughput->read;
    meta.throughput.write = throughput->write;
  } else if (billing && !meta.pay_per_request && meta.throughput.read == 0) {
    return ValidationError(std::string(kInvalid) +
                           "ReadCapacityUnits and WriteCapacityUnits must both be specified when "
                           "BillingMode is PROVISIONED");
  }
  if (protection) meta.deletion_protection = *protection;
  if (table_class) meta.table_class = *table_class;

  if (updates != nullptr) {
    std::set<std::string> touched;
    for (size_t i = 0; i < updates->size(); ++i) {
      if (!(*updates)[i].is_object()) return SerializationError("Unexpected value type in payload");
      const json::object& update = (*updates)[i].as_object();
      const std::string path = fmt::format("globalSecondaryIndexUpdates.{}.member", i + 1);
      KUMO_ASSIGN_OR_RETURN(const json::object* create, ObjectMember(update, "Create"));
      KUMO_ASSIGN_OR_RETURN(const json::object* remove, ObjectMember(update, "Delete"));
      KUMO_ASSIGN_OR_RETURN(const json::object* modify, ObjectMember(update, "Update"));
      if (create == nullptr && remove == nullptr && modify == nullptr) {
        return ValidationError(std::string(kInvalid) +
                               "One of GlobalSecondaryIndexUpdate.Update, GlobalSecondaryIndexUpdate.Create, "
                               "GlobalSecondaryIndexUpdate.Delete must not be null");
      }
      const json::object& body = create ? *create : remove ? *remove : *modify;
      KUMO_ASSIGN_OR_RETURN(std::optional<std::string> name, StringMember(body, "IndexName"));
      c.Name(name, path + (create ? ".create" : remove ? ".delete" : ".update") + ".indexName", true);
      KUMO_RETURN_IF_ERROR(c.Finish());
      if (!touched.insert(*name).second) {
        return ValidationError(fmt::format(
            "{}Only one global secondary index update per index is allowed simultaneously. Index: {}",
            kInvalid, *name));
      }
      if (create != nullptr) {
        KUMO_ASSIGN_OR_RETURN(SpecReader::IndexSpec spec, reader.Index(*create, path + ".create", true));
        KUMO_RETURN_IF_ERROR(c.Finish());
        if (meta.FindIndex(spec.name) != nullptr) {
          return ValidationError("One or more parameter values were invalid: Index with name: " +
                                 spec.name + " already exists");
        }
        KUMO_ASSIGN_OR_RETURN(IndexMeta index, BuildIndex(spec, true, defs, meta.pay_per_request));
        for (const KeyAttribute* a : {&index.key_schema.partition,
                                      index.key_schema.sort ? &*index.key_schema.sort : nullptr}) {
          if (a != nullptr && !meta.DefinedType(a->name)) meta.attribute_definitions.emplace_back(a->name, a->type);
        }
        size_t global_count = 0;
        for (const IndexMeta& existing : meta.indexes) global_count += existing.global ? 1 : 0;
        if (global_count >= 20) {
          return ValidationError(std::string(kInvalid) +
                                 "GlobalSecondaryIndex count exceeds the per-table limit of 20");
        }
        index.id = meta.next_index_id++;
        index.backfilling = true;
        change.created_indexes.push_back(index.name);
        meta.indexes.push_back(std::move(index));
      } else if (remove != nullptr) {
        auto it = std::find_if(meta.indexes.begin(), meta.indexes.end(),
                               [&](const IndexMeta& x) { return x.name == *name && x.global; });
        if (it == meta.indexes.end()) {
          return Error{400, "ResourceNotFoundException",
                       "Requested resource not found: Index: " + *name + " not found"};
        }
        change.deleted_indexes.push_back(it->id);
        meta.indexes.erase(it);
      } else {
        KUMO_ASSIGN_OR_RETURN(std::optional<Throughput> tp,
                              reader.ThroughputMember(*modify, path + ".update.provisionedThroughput"));
        KUMO_RETURN_IF_ERROR(c.Finish());
        auto it = std::find_if(meta.indexes.begin(), meta.indexes.end(),
                               [&](const IndexMeta& x) { return x.name == *name && x.global; });
        if (it == meta.indexes.end()) {
          return Error{400, "ResourceNotFoundException",
                       "Requested resource not found: Index: " + *name + " not found"};
        }
        if (tp) {
          KUMO_RETURN_IF_ERROR(CheckThroughputBounds(*tp, " for index " + *name));
          it->throughput = tp;
        }
      }
    }
  }

  bool stream_present = false;
  TableMeta stream_meta = meta;
  KUMO_RETURN_IF_ERROR(ReadStream(input, c, stream_meta, stream_present));
  if (stream_present) {
    if (stream_meta.stream_enabled && meta.stream_enabled) {
      return ValidationError("Table already has an enabled stream: TableName: " + meta.name);
    }
    if (!stream_meta.stream_enabled && !meta.stream_enabled) {
      return ValidationError("Table already has no stream enabled: TableName: " + meta.name);
    }
    meta.stream_enabled = stream_meta.stream_enabled;
    if (meta.stream_enabled) {
      meta.stream_view_type = stream_meta.stream_view_type;
      meta.stream_label = StreamLabel(now_millis);
    }
    change.stream_changed = true;
  }
  KUMO_RETURN_IF_ERROR(ReadSse(input, c, meta));
  KUMO_RETURN_IF_ERROR(c.Finish());
  return change;
}

}  // namespace kumo::tables

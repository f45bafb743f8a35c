#include "tables/table_meta.h"

#include <boost/json/array.hpp>

#include "common/clock.h"
#include "common/json.h"

namespace kumo::tables {
namespace {

namespace json = boost::json;

// ---- Stored form ----

json::object KeySchemaToStored(const KeySchema& schema) {
  json::object out;
  out["pk"] = schema.partition.name;
  out["pt"] = TypeName(schema.partition.type);
  if (schema.sort) {
    out["sk"] = schema.sort->name;
    out["st"] = TypeName(schema.sort->type);
  }
  return out;
}

json::object ThroughputToStored(const Throughput& t) {
  return json::object{{"r", t.read},
                      {"w", t.write},
                      {"li", t.last_increase_millis},
                      {"ld", t.last_decrease_millis}};
}

// Reads stored records; any missing or mistyped field makes it fail.
class Reader {
 public:
  explicit Reader(const json::object& obj) : obj_(obj) {}
  std::string Str(std::string_view key) {
    const json::value* v = obj_.if_contains(key);
    if (v == nullptr || !v->is_string()) {
      ok_ = false;
      return "";
    }
    return std::string(v->as_string());
  }
  std::string OptStr(std::string_view key) {
    const json::value* v = obj_.if_contains(key);
    return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
  }
  int64_t Int(std::string_view key) {
    const json::value* v = obj_.if_contains(key);
    if (v == nullptr || !v->is_int64()) {
      if (v != nullptr && v->is_uint64()) return static_cast<int64_t>(v->as_uint64());
      ok_ = false;
      return 0;
    }
    return v->as_int64();
  }
  bool Bool(std::string_view key) {
    const json::value* v = obj_.if_contains(key);
    return v != nullptr && v->is_bool() && v->as_bool();
  }
  const json::object* Obj(std::string_view key) {
    const json::value* v = obj_.if_contains(key);
    return v != nullptr && v->is_object() ? &v->as_object() : nullptr;
  }
  const json::array* Arr(std::string_view key) {
    const json::value* v = obj_.if_contains(key);
    return v != nullptr && v->is_array() ? &v->as_array() : nullptr;
  }
  AttrType Type(std::string_view key) {
    std::optional<AttrType> t = TypeFromName(Str(key));
    if (!t) ok_ = false;
    return t.value_or(AttrType::kS);
  }
  bool ok() const { return ok_; }
  void Fail() { ok_ = false; }

 private:
  const json::object& obj_;
  bool ok_ = true;
};

KeySchema KeySchemaFromStored(const json::object* obj, bool& ok) {
  KeySchema schema;
  if (obj == nullptr) {
    ok = false;
    return schema;
  }
  Reader r(*obj);
  schema.partition = {r.Str("pk"), r.Type("pt")};
  if (obj->contains("sk")) schema.sort = KeyAttribute{r.Str("sk"), r.Type("st")};
  ok = ok && r.ok();
  return schema;
}

Throughput ThroughputFromStored(const json::object& obj, bool& ok) {
  Reader r(obj);
  Throughput t{r.Int("r"), r.Int("w"), r.Int("li"), r.Int("ld")};
  ok = ok && r.ok();
  return t;
}

// ---- Description ----

double EpochSeconds(int64_t millis) { return static_cast<double>(millis) / 1000.0; }

json::array DescribeKeySchema(const KeySchema& schema) {
  json::array out;
  out.push_back(json::object{{"AttributeName", schema.partition.name}, {"KeyType", "HASH"}});
  if (schema.sort) {
    out.push_back(json::object{{"AttributeName", schema.sort->name}, {"KeyType", "RANGE"}});
  }
  return out;
}

json::object DescribeThroughput(const Throughput& t) {
  json::object out;
  if (t.last_increase_millis != 0) out["LastIncreaseDateTime"] = EpochSeconds(t.last_increase_millis);
  if (t.last_decrease_millis != 0) out["LastDecreaseDateTime"] = EpochSeconds(t.last_decrease_millis);
  out["NumberOfDecreasesToday"] = 0;
  out["ReadCapacityUnits"] = t.read;
  out["WriteCapacityUnits"] = t.write;
  return out;
}

json::object DescribeIndex(const TableMeta& meta, const IndexMeta& index, const IndexStats& stats,
                           std::string_view table_status) {
  json::object out;
  out["IndexName"] = index.name;
  out["KeySchema"] = DescribeKeySchema(index.key_schema);
  json::object projection{{"ProjectionType", ProjectionTypeName(index.projection)}};
  if (index.projection == ProjectionType::kInclude) {
    json::array attrs;
    for (const std::string& a : index.non_key_attributes) attrs.push_back(json::string(a));
    projection["NonKeyAttributes"] = std::move(attrs);
  }
  out["Projection"] = std::move(projection);
  if (index.global) {
    if (table_status == "DELETING" || table_status == "CREATING") {
      out["IndexStatus"] = table_status;
    } else {
      out["IndexStatus"] = index.backfilling ? "CREATING" : "ACTIVE";
    }
    if (index.backfilling) out["Backfilling"] = true;
    out["ProvisionedThroughput"] = DescribeThroughput(index.throughput.value_or(Throughput{}));
  }
  out["IndexSizeBytes"] = stats.size_bytes;
  out["ItemCount"] = stats.item_count;
  out["IndexArn"] = meta.Arn() + "/index/" + index.name;
  return out;
}

}  // namespace

std::string_view ProjectionTypeName(ProjectionType type) {
  switch (type) {
    case ProjectionType::kAll: return "ALL";
    case ProjectionType::kKeysOnly: return "KEYS_ONLY";
    case ProjectionType::kInclude: return "INCLUDE";
  }
  return "ALL";
}

bool IndexMeta::Projects(std::string_view attribute, const KeySchema& table_keys) const {
  if (projection == ProjectionType::kAll) return true;
  if (attribute == table_keys.partition.name || (table_keys.sort && attribute == table_keys.sort->name)) {
    return true;
  }
  if (attribute == key_schema.partition.name || (key_schema.sort && attribute == key_schema.sort->name)) {
    return true;
  }
  if (projection == ProjectionType::kInclude) {
    for (const std::string& a : non_key_attributes) {
      if (a == attribute) return true;
    }
  }
  return false;
}

std::string TableArn(std::string_view region, std::string_view name) {
  return "arn:aws:dynamodb:" + std::string(region) + ":" + std::string(kAccountId) + ":table/" +
         std::string(name);
}

std::string TableMeta::Arn() const { return TableArn(region, name); }

std::string TableMeta::StreamArn() const {
  if (stream_label.empty()) return "";
  return Arn() + "/stream/" + stream_label;
}

const IndexMeta* TableMeta::FindIndex(std::string_view index_name) const {
  for (const IndexMeta& index : indexes) {
    if (index.name == index_name) return &index;
  }
  return nullptr;
}

std::optional<AttrType> TableMeta::DefinedType(std::string_view attribute) const {
  for (const auto& [name, type] : attribute_definitions) {
    if (name == attribute) return type;
  }
  return std::nullopt;
}

bool TableMeta::has_local_indexes() const {
  for (const IndexMeta& index : indexes) {
    if (!index.global) return true;
  }
  return false;
}

json::object ToStored(const TableMeta& meta) {
  json::object out;
  out["region"] = meta.region;
  out["name"] = meta.name;
  out["id"] = meta.id;
  out["table_id"] = meta.table_id;
  out["keys"] = KeySchemaToStored(meta.key_schema);
  json::array defs;
  for (const auto& [name, type] : meta.attribute_definitions) {
    defs.push_back(json::object{{"n", name}, {"t", TypeName(type)}});
  }
  out["defs"] = std::move(defs);
  out["ppr"] = meta.pay_per_request;
  out["tp"] = ThroughputToStored(meta.throughput);
  out["created"] = meta.creation_millis;
  out["billing_updated"] = meta.billing_mode_updated_millis;
  json::array indexes;
  for (const IndexMeta& index : meta.indexes) {
    json::object i;
    i["name"] = index.name;
    i["global"] = index.global;
    i["id"] = index.id;
    i["keys"] = KeySchemaToStored(index.key_schema);
    i["projection"] = ProjectionTypeName(index.projection);
    json::array attrs;
    for (const std::string& a : index.non_key_attributes) attrs.push_back(json::string(a));
    i["attrs"] = std::move(attrs);
    if (index.throughput) i["tp"] = ThroughputToStored(*index.throughput);
    i["backfilling"] = index.backfilling;
    indexes.push_back(std::move(i));
  }
  out["indexes"] = std::move(indexes);
  out["next_index_id"] = meta.next_index_id;
  out["stream_enabled"] = meta.stream_enabled;
  out["stream_view_type"] = meta.stream_view_type;
  out["stream_label"] = meta.stream_label;
  out["ttl_enabled"] = meta.ttl_enabled;
  out["ttl_attribute"] = meta.ttl_attribute;
  out["sse_enabled"] = meta.sse_enabled;
  out["sse_type"] = meta.sse_type;
  out["sse_kms_key"] = meta.sse_kms_key;
  out["deletion_protection"] = meta.deletion_protection;
  out["table_class"] = meta.table_class;
  json::object tags;
  for (const auto& [k, v] : meta.tags) tags[k] = v;
  out["tags"] = std::move(tags);
  return out;
}

Result<TableMeta> FromStored(const json::object& stored) {
  Reader r(stored);
  bool ok = true;
  TableMeta meta;
  meta.region = r.Str("region");
  meta.name = r.Str("name");
  meta.id = static_cast<uint32_t>(r.Int("id"));
  meta.table_id = r.Str("table_id");
  meta.key_schema = KeySchemaFromStored(r.Obj("keys"), ok);
  if (const json::array* defs = r.Arr("defs")) {
    for (const json::value& d : *defs) {
      if (!d.is_object()) {
        ok = false;
        continue;
      }
      Reader dr(d.as_object());
      meta.attribute_definitions.emplace_back(dr.Str("n"), dr.Type("t"));
      ok = ok && dr.ok();
    }
  }
  meta.pay_per_request = r.Bool("ppr");
  if (const json::object* tp = r.Obj("tp")) meta.throughput = ThroughputFromStored(*tp, ok);
  meta.creation_millis = r.Int("created");
  meta.billing_mode_updated_millis = r.Int("billing_updated");
  if (const json::array* indexes = r.Arr("indexes")) {
    for (const json::value& v : *indexes) {
      if (!v.is_object()) {
        ok = false;
        continue;
      }
      Reader ir(v.as_object());
      IndexMeta index;
      index.name = ir.Str("name");
      index.global = ir.Bool("global");
      index.id = static_cast<uint16_t>(ir.Int("id"));
      index.key_schema = KeySchemaFromStored(ir.Obj("keys"), ok);
      std::string projection = ir.Str("projection");
      index.projection = projection == "KEYS_ONLY" ? ProjectionType::kKeysOnly
                         : projection == "INCLUDE" ? ProjectionType::kInclude
                                                   : ProjectionType::kAll;
      if (const json::array* attrs = ir.Arr("attrs")) {
        for (const json::value& a : *attrs) {
          if (a.is_string()) index.non_key_attributes.emplace_back(a.as_string());
        }
      }
      if (const json::object* tp = ir.Obj("tp")) index.throughput = ThroughputFromStored(*tp, ok);
      index.backfilling = ir.Bool("backfilling");
      ok = ok && ir.ok();
      meta.indexes.push_back(std::move(index));
    }
  }
  meta.next_index_id = static_cast<uint16_t>(r.Int("next_index_id"));
  meta.stream_enabled = r.Bool("stream_enabled");
  meta.stream_view_type = r.OptStr("stream_view_type");
  meta.stream_label = r.OptStr("stream_label");
  meta.ttl_enabled = r.Bool("ttl_enabled");
  meta.ttl_attribute = r.OptStr("ttl_attribute");
  meta.sse_enabled = r.Bool("sse_enabled");
  meta.sse_type = r.OptStr("sse_type");
  meta.sse_kms_key = r.OptStr("sse_kms_key");
  meta.deletion_protection = r.Bool("deletion_protection");
  meta.table_class = r.OptStr("table_class");
  if (meta.table_class.empty()) meta.table_class = "STANDARD";
  if (const json::object* tags = r.Obj("tags")) {
    for (const auto& kv : *tags) {
      if (kv.value().is_string()) meta.tags[std::string(kv.key())] = std::string(kv.value().as_string());
    }
  }
  if (!ok || !r.ok()) return Internal("tables: unreadable table record " + kumo::ToJson(stored));
  return meta;
}

json::object DescribeTable(const TableMeta& meta, const TableStats& stats,
                           std::string_view status) {
  json::object out;
  json::array defs;
  for (const auto& [name, type] : meta.attribute_definitions) {
    defs.push_back(json::object{{"AttributeName", name}, {"AttributeType", TypeName(type)}});
  }
  out["AttributeDefinitions"] = std::move(defs);
  out["TableName"] = meta.name;
  out["KeySchema"] = DescribeKeySchema(meta.key_schema);
  out["TableStatus"] = status;
  out["CreationDateTime"] = EpochSeconds(meta.creation_millis);
  out["ProvisionedThroughput"] = DescribeThroughput(meta.throughput);
  out["TableSizeBytes"] = stats.table.size_bytes;
  out["ItemCount"] = stats.table.item_count;
  out["TableArn"] = meta.Arn();
  out["TableId"] = meta.table_id;
  if (meta.pay_per_request || meta.billing_mode_updated_millis != 0) {
    json::object billing{{"BillingMode", meta.pay_per_request ? "PAY_PER_REQUEST" : "PROVISIONED"}};
    if (meta.pay_per_request) {
      billing["LastUpdateToPayPerRequestDateTime"] =
          EpochSeconds(meta.billing_mode_updated_millis != 0 ? meta.billing_mode_updated_millis
                                                             : meta.creation_millis);
    }
    out["BillingModeSummary"] = std::move(billing);
  }
  json::array locals, globals;
  for (const IndexMeta& index : meta.indexes) {
    auto it = stats.indexes.find(index.id);
    IndexStats index_stats = it == stats.indexes.end() ? IndexStats{} : it->second;
    (index.global ? globals : locals).push_back(DescribeIndex(meta, index, index_stats, status));
  }
  if (!locals.empty()) out["LocalSecondaryIndexes"] = std::move(locals);
  if (!globals.empty()) out["GlobalSecondaryIndexes"] = std::move(globals);
  if (meta.stream_enabled) {
    out["StreamSpecification"] =
        json::object{{"StreamEnabled", true}, {"StreamViewType", meta.stream_view_type}};
  }
  if (!meta.stream_label.empty()) {
    out["LatestStreamLabel"] = meta.stream_label;
    out["LatestStreamArn"] = meta.StreamArn();
  }
  if (meta.sse_enabled) {
    json::object sse{{"Status", "ENABLED"}, {"SSEType", meta.sse_type}};
    if (!meta.sse_kms_key.empty()) sse["KMSMasterKeyArn"] = meta.sse_kms_key;
    out["SSEDescription"] = std::move(sse);
  }
  if (meta.table_class != "STANDARD") {
    out["TableClassSummary"] = json::object{{"TableClass", meta.table_class}};
  }
  out["DeletionProtectionEnabled"] = meta.deletion_protection;
  return out;
}

}  // namespace kumo::tables

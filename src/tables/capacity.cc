#include "tables/capacity.h"

#include <fmt/format.h>

#include <cmath>

#include "tables/attribute_value.h"
#include "tables/request.h"

namespace kumo::tables {
namespace {

void AppendUnitsObject(double units, bool read, std::string& out) {
  out += "{\"CapacityUnits\":";
  out += FormatUnits(units);
  out += read ? ",\"ReadCapacityUnits\":" : ",\"WriteCapacityUnits\":";
  out += FormatUnits(units);
  out += '}';
}

}  // namespace

CapacityMode CapacityModeOf(const boost::json::object& input) {
  const boost::json::value* v = Member(input, "ReturnConsumedCapacity");
  if (v == nullptr || !v->is_string()) return CapacityMode::kNone;
  if (v->as_string() == "TOTAL") return CapacityMode::kTotal;
  if (v->as_string() == "INDEXES") return CapacityMode::kIndexes;
  return CapacityMode::kNone;
}

double ReadUnits(size_t bytes, bool consistent) {
  double units = std::max<double>(1.0, std::ceil(static_cast<double>(bytes) / 4096.0));
  return consistent ? units : units / 2;
}

void Consumed::Add(const Consumed& other) {
  table += other.table;
  for (const auto& [name, units] : other.indexes) indexes[name] += units;
}

double Consumed::Total() const {
  double total = table;
  for (const auto& [name, units] : indexes) total += units;
  return total;
}

std::string FormatUnits(double units) {
  if (units == std::floor(units)) return fmt::format("{:.1f}", units);
  return fmt::format("{}", units);
}

void AppendConsumedCapacity(const TableMeta& meta, const Consumed& consumed, CapacityMode mode,
                            std::string& out) {
  out += "{\"TableName\":";
  AppendQuotedJson(meta.name, out);
  out += ",\"CapacityUnits\":";
  out += FormatUnits(consumed.Total());
  out += consumed.read ? ",\"ReadCapacityUnits\":" : ",\"WriteCapacityUnits\":";
  out += FormatUnits(consumed.Total());
  if (mode == CapacityMode::kIndexes) {
    out += ",\"Table\":";
    AppendUnitsObject(consumed.table, consumed.read, out);
    for (bool global : {true, false}) {
      bool first = true;
      for (const auto& [name, units] : consumed.indexes) {
        const IndexMeta* index = meta.FindIndex(name);
        if (index == nullptr || index->global != global) continue;
        out += first ? (global ? ",\"GlobalSecondaryIndexes\":{" : ",\"LocalSecondaryIndexes\":{") : ",";
        first = false;
        AppendQuotedJson(name, out);
        out += ':';
        AppendUnitsObject(units, consumed.read, out);
      }
      if (!first) out += '}';
    }
  }
  out += '}';
}

void AppendConsumedCapacityMember(const TableMeta& meta, const Consumed& consumed,
                                  CapacityMode mode, std::string& out) {
  if (mode == CapacityMode::kNone) return;
  out += "\"ConsumedCapacity\":";
  AppendConsumedCapacity(meta, consumed, mode, out);
  out += ',';
}

Consumed& CapacityByTable::For(const TableMeta& meta, bool read) {
  for (auto& [table, consumed] : tables_) {
    if (table->id == meta.id) return consumed;
  }
  tables_.emplace_back(&meta, Consumed{});
  tables_.back().second.read = read;
  return tables_.back().second;
}

void CapacityByTable::AppendMember(CapacityMode mode, std::string& out) const {
  if (mode == CapacityMode::kNone) return;
  out += "\"ConsumedCapacity\":[";
  for (size_t i = 0; i < tables_.size(); ++i) {
    if (i > 0) out += ',';
    AppendConsumedCapacity(*tables_[i].first, tables_[i].second, mode, out);
  }
  out += "],";
}

}  // namespace kumo::tables

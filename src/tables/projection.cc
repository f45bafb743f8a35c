#include "tables/projection.h"

#include <map>

#include "tables/condition_evaluator.h"

namespace kumo::tables {
namespace {

// The skeleton of the projected document: each node is either a copied
// value (leaf) or a map or list of projected children.
struct Node {
  const AttributeValue* leaf = nullptr;
  std::map<std::string, Node, std::less<>> fields;
  std::map<uint32_t, Node> elements;
};

AttributeValue Materialize(const Node& node) {
  if (node.leaf != nullptr) return *node.leaf;
  if (!node.elements.empty()) {
    AttributeValue::List list;
    list.reserve(node.elements.size());
    for (const auto& [index, child] : node.elements) list.push_back(Materialize(child));
    return AttributeValue::L(std::move(list));
  }
  AttributeValue::Map map;
  for (const auto& [name, child] : node.fields) map.emplace(name, Materialize(child));
  return AttributeValue::M(std::move(map));
}

}  // namespace

Item Project(const Item& item, const std::vector<Path>& paths) {
  Node root;
  for (const Path& path : paths) {
    const AttributeValue* value = FindPath(item, path);
    if (value == nullptr) continue;
    Node* node = &root.fields[path.top()];
    for (size_t i = 1; i < path.elements.size() && node->leaf == nullptr; ++i) {
      const PathElement& e = path.elements[i];
      node = e.kind == PathElement::Kind::kName ? &node->fields[e.name] : &node->elements[e.index];
    }
    // A path inside one already projected whole adds nothing (the resolver
    // rejects overlapping paths; legacy attribute lists may repeat names).
    if (node->leaf == nullptr) {
      node->leaf = value;
      node->fields.clear();
      node->elements.clear();
    }
  }
  Item out;
  for (const auto& [name, child] : root.fields) out.emplace(name, Materialize(child));
  return out;
}

}  // namespace kumo::tables

#include "apis/route_matcher.h"

#include <algorithm>
#include <array>
#include <cstdint>

namespace kumo::apis {
namespace {

constexpr std::string_view kDefaultRouteKey = "$default";
constexpr std::array<std::string_view, 8> kMethods = {"GET",    "POST", "PUT",     "PATCH",
                                                      "DELETE", "HEAD", "OPTIONS", "ANY"};

Error BadRoute(std::string_view key, std::string_view why) {
  return Error{400, "BadRequestException",
               "Invalid route key \"" + std::string(key) + "\": " + std::string(why)};
}

enum class SegmentKind { kLiteral, kVariable, kGreedy };

struct PatternSegment {
  SegmentKind kind;
  std::string text;  // the literal, or the variable's name (without braces and '+')
};

struct ParsedKey {
  std::string method;  // empty for $default
  std::vector<PatternSegment> segments;
};

Result<ParsedKey> ParseRouteKey(std::string_view key) {
  ParsedKey parsed;
  if (key == kDefaultRouteKey) return parsed;
  size_t space = key.find(' ');
  if (space == std::string_view::npos) {
    return BadRoute(key, "expected \"METHOD /path\" or $default");
  }
  std::string_view method = key.substr(0, space);
  std::string_view path = key.substr(space + 1);
  if (std::find(kMethods.begin(), kMethods.end(), method) == kMethods.end()) {
    return BadRoute(key, "unsupported method");
  }
  if (path.empty() || path[0] != '/') return BadRoute(key, "the path must start with '/'");
  if (path.find_first_of(" \t\r\n") != std::string_view::npos) {
    return BadRoute(key, "the path must not contain white space");
  }
  parsed.method = std::string(method);
  if (path == "/") return parsed;
  std::string_view rest = path.substr(1);
  while (true) {
    size_t slash = rest.find('/');
    std::string_view seg = rest.substr(0, slash);
    bool last = slash == std::string_view::npos;
    if (seg.find_first_of("{}") == std::string_view::npos) {
      parsed.segments.push_back({SegmentKind::kLiteral, std::string(seg)});
    } else {
      if (seg.size() < 3 || seg.front() != '{' || seg.back() != '}') {
        return BadRoute(key, "a path variable must be a whole segment: {name} or {name+}");
      }
      std::string_view name = seg.substr(1, seg.size() - 2);
      SegmentKind kind = SegmentKind::kVariable;
      if (name.back() == '+') {
        if (!last) return BadRoute(key, "a greedy path variable must be the last segment");
        kind = SegmentKind::kGreedy;
        name.remove_suffix(1);
      }
      if (name.empty() || name.find_first_of("{}+") != std::string_view::npos) {
        return BadRoute(key, "malformed path variable name");
      }
      for (const PatternSegment& s : parsed.segments) {
        if (s.kind != SegmentKind::kLiteral && s.text == name) {
          return BadRoute(key, "path variable \"" + std::string(name) + "\" appears twice");
        }
      }
      parsed.segments.push_back({kind, std::string(name)});
    }
    if (last) break;
    rest = rest.substr(slash + 1);
  }
  return parsed;
}

// Routes ending at one trie node, by method.
struct MethodTable {
  std::vector<std::pair<std::string, uint32_t>> by_method;  // never "ANY"
  int32_t any = -1;

  bool empty() const { return by_method.empty() && any < 0; }

  // The request's own method first, then ANY; -1 when neither.
  int32_t Find(std::string_view method) const {
    for (const auto& [m, route] : by_method) {
      if (m == method) return static_cast<int32_t>(route);
    }
    return any;
  }

  // False when `method` already has a route here.
  bool Add(const std::string& method, uint32_t route) {
    if (method == "ANY") {
      if (any >= 0) return false;
      any = static_cast<int32_t>(route);
      return true;
    }
    for (const auto& entry : by_method) {
      if (entry.first == method) return false;
    }
    by_method.emplace_back(method, route);
    return true;
  }
};

// The order of a node's literal children: by length, then bytes, so that
// most probes compare lengths only.
bool LiteralLess(std::string_view a, std::string_view b) {
  return a.size() != b.size() ? a.size() < b.size() : a < b;
}

struct Node {
  std::vector<std::pair<std::string, uint32_t>> literals;  // sorted by segment
  int32_t variable = -1;                                   // child for a {name} segment
  MethodTable full;                                        // routes whose path ends here
  MethodTable greedy;                                      // routes "<this node>/{name+}"

  int32_t FindLiteral(std::string_view segment) const {
    auto it = std::lower_bound(
        literals.begin(), literals.end(), segment,
        [](const auto& entry, std::string_view s) { return LiteralLess(entry.first, s); });
    if (it == literals.end() || it->first != segment) return -1;
    return static_cast<int32_t>(it->second);
  }
};

struct ParamSpec {
  std::string name;
  uint32_t segment;  // index of the request segment it captures (from, for greedy)
  bool greedy;
};

struct CompiledRoute {
  std::string key;
  std::string id;
  std::vector<ParamSpec> params;
};

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Appends `raw` percent-decoded to `out`; a malformed escape is kept as it is
// (matched literally rather than refused).
void AppendDecoded(std::string_view raw, std::string& out) {
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '%' && i + 2 < raw.size()) {
      int hi = HexValue(raw[i + 1]);
      int lo = HexValue(raw[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(raw[i]);
  }
}

// One request segment: its decoded text and where its raw text starts in
// the (leading-slash-trimmed) path. Plain data, left uninitialized in bulk.
struct Segment {
  const char* data;
  uint32_t size;
  uint32_t raw_begin;

  std::string_view decoded() const { return {data, size}; }
};

// The request path split into segments, without heap allocation for
// ordinary paths (no escapes, at most kInline segments).
class SplitPath {
 public:
  explicit SplitPath(std::string_view raw_path) {
    size_t first = raw_path.find_first_not_of('/');
    if (first == std::string_view::npos) return;  // "/" and "" have no segments
    rest_ = raw_path.substr(first);               // "//x" selects as "/x"
    bool escaped = rest_.find('%') != std::string_view::npos;
    if (escaped) scratch_.reserve(rest_.size());
    size_t begin = 0;
    while (true) {
      size_t slash = rest_.find('/', begin);
      size_t end = slash == std::string_view::npos ? rest_.size() : slash;
      std::string_view raw = rest_.substr(begin, end - begin);
      std::string_view text = escaped ? Decode(raw) : raw;
      Segment& seg = Push();
      seg.data = text.data();
      seg.size = static_cast<uint32_t>(text.size());
      seg.raw_begin = static_cast<uint32_t>(begin);
      if (slash == std::string_view::npos) break;
      begin = slash + 1;
    }
  }

  size_t size() const { return size_; }
  const Segment& operator[](size_t i) const {
    return i < kInline ? inline_[i] : overflow_[i - kInline];
  }
  // The raw path from segment `i` to the end ("a/b" for segment 1 of "/x/a/b").
  std::string_view RawFrom(size_t i) const { return rest_.substr((*this)[i].raw_begin); }

 private:
  static constexpr size_t kInline = 24;

  Segment& Push() {
    ++size_;
    if (size_ <= kInline) return inline_[size_ - 1];
    return overflow_.emplace_back();
  }

  // Decoded segments live in scratch_, reserved to the whole path's size so
  // that appending never moves earlier ones.
  std::string_view Decode(std::string_view raw) {
    if (raw.find('%') == std::string_view::npos) return raw;
    size_t start = scratch_.size();
    AppendDecoded(raw, scratch_);
    return std::string_view(scratch_).substr(start);
  }

  std::string_view rest_;
  std::string scratch_;
  Segment inline_[kInline];  // the first size_ are set
  std::vector<Segment> overflow_;
  size_t size_ = 0;
};

std::string DecodeLenient(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  AppendDecoded(raw, out);
  return out;
}

}  // namespace

class RouteMatcher::Impl {
 public:
  Impl() : nodes_(1) {}

  Status Add(const RouteEntry& entry) {
    KUMO_ASSIGN_OR_RETURN(ParsedKey parsed, ParseRouteKey(entry.route_key));
    uint32_t index = static_cast<uint32_t>(routes_.size());
    if (parsed.method.empty()) {
      if (default_route_ >= 0) return BadRoute(entry.route_key, "duplicate route key");
      default_route_ = static_cast<int32_t>(index);
      routes_.push_back({entry.route_key, entry.route_id, {}});
      return Status::Ok();
    }
    CompiledRoute route{entry.route_key, entry.route_id, {}};
    uint32_t node = 0;
    bool greedy = false;
    for (uint32_t i = 0; i < parsed.segments.size(); ++i) {
      PatternSegment& seg = parsed.segments[i];
      if (seg.kind == SegmentKind::kGreedy) {
        route.params.push_back({std::move(seg.text), i, true});
        greedy = true;
        break;
      }
      if (seg.kind == SegmentKind::kVariable) {
        route.params.push_back({std::move(seg.text), i, false});
        if (nodes_[node].variable < 0) {
          nodes_[node].variable = static_cast<int32_t>(nodes_.size());
          nodes_.emplace_back();
        }
        node = static_cast<uint32_t>(nodes_[node].variable);
        continue;
      }
      node = LiteralChild(node, seg.text);
    }
    MethodTable& table = greedy ? nodes_[node].greedy : nodes_[node].full;
    if (!table.Add(parsed.method, index)) {
      const std::string& other = routes_[static_cast<size_t>(table.Find(parsed.method))].key;
      if (other == entry.route_key) return BadRoute(entry.route_key, "duplicate route key");
      // The same path but for its variables' names: no request could tell
      // the two apart.
      return Error{409, "ConflictException",
                   "The provided route key " + entry.route_key +
                       " has a conflicting variable on the same hierarchical level as " + other};
    }
    routes_.push_back(std::move(route));
    return Status::Ok();
  }

  std::optional<RouteMatch> Match(std::string_view method, std::string_view raw_path) const {
    SplitPath path(raw_path);
    int32_t route = SearchFull(0, 0, method, path);
    if (route < 0) route = SearchGreedy(0, 0, method, path);
    if (route < 0) route = default_route_;
    if (route < 0) return std::nullopt;
    const CompiledRoute& r = routes_[static_cast<size_t>(route)];
    RouteMatch match{r.key, r.id, {}};
    match.path_parameters.reserve(r.params.size());
    for (const ParamSpec& p : r.params) {
      match.path_parameters.emplace_back(p.name, p.greedy ? DecodeLenient(path.RawFrom(p.segment))
                                                          : std::string(path[p.segment].decoded()));
    }
    return match;
  }

  size_t size() const { return routes_.size(); }

 private:
  uint32_t LiteralChild(uint32_t node, const std::string& text) {
    auto& literals = nodes_[node].literals;
    auto it = std::lower_bound(
        literals.begin(), literals.end(), text,
        [](const auto& entry, const std::string& s) { return LiteralLess(entry.first, s); });
    if (it != literals.end() && it->first == text) return it->second;
    uint32_t child = static_cast<uint32_t>(nodes_.size());
    literals.insert(it, {text, child});  // `literals` is not used after nodes_ grows
    nodes_.emplace_back();
    return child;
  }

  // Depth-first, literal before variable: the first full match found is the
  // most specific one.
  int32_t SearchFull(uint32_t index, size_t depth, std::string_view method,
                     const SplitPath& path) const {
    const Node& node = nodes_[index];
    if (depth == path.size()) return node.full.Find(method);
    std::string_view seg = path[depth].decoded();
    if (int32_t child = node.FindLiteral(seg); child >= 0) {
      if (int32_t r = SearchFull(static_cast<uint32_t>(child), depth + 1, method, path); r >= 0) {
        return r;
      }
    }
    if (node.variable >= 0 && !seg.empty()) {
      return SearchFull(static_cast<uint32_t>(node.variable), depth + 1, method, path);
    }
    return -1;
  }

  // As SearchFull, and a deeper greedy variable beats a shallower one.
  int32_t SearchGreedy(uint32_t index, size_t depth, std::string_view method,
                       const SplitPath& path) const {
    if (depth >= path.size()) return -1;  // a greedy variable needs one segment at least
    const Node& node = nodes_[index];
    std::string_view seg = path[depth].decoded();
    if (int32_t child = node.FindLiteral(seg); child >= 0) {
      if (int32_t r = SearchGreedy(static_cast<uint32_t>(child), depth + 1, method, path); r >= 0) {
        return r;
      }
    }
    if (node.variable >= 0 && !seg.empty()) {
      if (int32_t r = SearchGreedy(static_cast<uint32_t>(node.variable), depth + 1, method, path);
          r >= 0) {
        return r;
      }
    }
    bool rest_empty = depth + 1 == path.size() && seg.empty();  // "/pets/" against "/pets/{p+}"
    if (node.greedy.empty() || rest_empty) return -1;
    return node.greedy.Find(method);
  }

  std::vector<Node> nodes_;  // nodes_[0] is the root
  std::vector<CompiledRoute> routes_;
  int32_t default_route_ = -1;
};

RouteMatcher::RouteMatcher() : impl_(std::make_shared<const Impl>()) {}

RouteMatcher::RouteMatcher(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}

Result<RouteMatcher> RouteMatcher::Build(const std::vector<RouteEntry>& routes) {
  auto impl = std::make_shared<Impl>();
  for (const RouteEntry& entry : routes) {
    KUMO_RETURN_IF_ERROR(impl->Add(entry));
  }
  return RouteMatcher(std::move(impl));
}

std::optional<RouteMatch> RouteMatcher::Match(std::string_view method,
                                              std::string_view raw_path) const {
  return impl_->Match(method, raw_path);
}

Status RouteMatcher::ValidateRouteKey(std::string_view route_key) {
  return ParseRouteKey(route_key).status();
}

size_t RouteMatcher::size() const { return impl_->size(); }

}  // namespace kumo::apis

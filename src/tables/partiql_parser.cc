#include "tables/partiql_parser.h"

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <optional>

#include "common/encoding.h"
#include "tables/expression_attributes.h"
#include "tables/expression_resolver.h"
#include "tables/partiql_lexer.h"

namespace kumo::tables {
namespace {

// Words that cannot be bare names. Operators are reported as such.
constexpr std::array<std::string_view, 44> kKeywords = {
    "ALL",  "AND",      "AS",    "ASC",    "AT",     "BETWEEN", "BY",        "CASE",    "DELETE",
    "DESC", "DISTINCT", "ELSE",  "END",    "EXISTS", "FALSE",   "FROM",      "GROUP",   "HAVING",
    "IN",   "INSERT",   "INTO",  "IS",     "JOIN",   "LIKE",    "LIMIT",     "MISSING", "NOT",
    "NULL", "OFFSET",   "ON",    "OR",     "ORDER",  "REMOVE",  "RETURNING", "SELECT",  "SET",
    "THEN", "TRUE",     "UNION", "UPDATE", "VALUE",  "VALUES",  "WHEN",      "WHERE"};
constexpr std::array<std::string_view, 7> kOperators = {"AND", "OR",      "IS", "LIKE",
                                                        "IN",  "BETWEEN", "NOT"};

template <size_t N>
bool InWords(const std::array<std::string_view, N>& words, std::string_view word) {
  for (std::string_view w : words) {
    if (EqualsIgnoreCase(w, word)) return true;
  }
  return false;
}


constexpr std::string_view kMissingRightHandSide =
    "Missing right-hand side expression of infix operator";
constexpr std::string_view kIncompleteKey =
    "Where clause does not contain a mandatory equality on all key attributes";

// ---- Parser ----

class Parser {
 public:
  Parser(std::vector<PartiqlToken> tokens, const std::vector<AttributeValue>& parameters)
      : tokens_(std::move(tokens)), parameters_(parameters) {}

  Result<PartiqlStatement> Parse() {
    PartiqlStatement s;
    if (AcceptKeyword("SELECT")) {
      KUMO_RETURN_IF_ERROR(Select(s));
    } else if (AcceptKeyword("INSERT")) {
      KUMO_RETURN_IF_ERROR(Insert(s));
    } else if (AcceptKeyword("UPDATE")) {
      KUMO_RETURN_IF_ERROR(Update(s));
    } else if (AcceptKeyword("DELETE")) {
      KUMO_RETURN_IF_ERROR(Delete(s));
    } else if (AcceptKeyword("EXISTS")) {
      KUMO_RETURN_IF_ERROR(Exists(s));
    } else {
      return MalformedStatement("Expected data manipulation");
    }
    AcceptPunct(";");
    if (Peek().kind != Tok::kEnd) return MalformedStatement("Unexpected token after expression");
    if (!s.order_by.empty() && !s.where) {
      return InvalidArgument("Must have WHERE clause in the statement when using ORDER BY clause.");
    }
    if (missing_parameters_) {
      return InvalidArgument("Number of parameters in request and statement don't match.");
    }
    return Resolve(std::move(s));
  }

 private:
  // -- tokens --
  const PartiqlToken& Peek(size_t ahead = 0) const {
    return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
  }
  const PartiqlToken& Next() {
    const PartiqlToken& t = Peek();
    if (pos_ < tokens_.size() - 1) ++pos_;
    return t;
  }
  bool IsKeyword(const PartiqlToken& t, std::string_view word) const {
    return t.kind == Tok::kIdent && EqualsIgnoreCase(t.text, word);
  }
  bool IsPunct(const PartiqlToken& t, std::string_view p) const {
    return t.kind == Tok::kPunct && t.text == p;
  }
  bool AcceptKeyword(std::string_view word) {
    if (!IsKeyword(Peek(), word)) return false;
    Next();
    return true;
  }
  bool AcceptPunct(std::string_view p) {
    if (!IsPunct(Peek(), p)) return false;
    Next();
    return true;
  }
  bool AtTermEnd() const {
    const PartiqlToken& t = Peek();
    return t.kind == Tok::kEnd || IsPunct(t, ";") || IsPunct(t, ")");
  }
  // The error for a token that cannot start a term.
  Error UnexpectedTerm() const {
    const PartiqlToken& t = Peek();
    if (t.kind == Tok::kIdent && InWords(kOperators, t.text))
      return MalformedStatement("Unexpected operator");
    if (t.kind == Tok::kIdent && InWords(kKeywords, t.text))
      return MalformedStatement("Unexpected keyword");
    return MalformedStatement("Unexpected term");
  }
  Status ExpectPunct(std::string_view p) {
    if (AcceptPunct(p)) return Status::Ok();
    return MalformedStatement(fmt::format("Expected {}", p));
  }

  // -- placeholders: every name and value goes through ExpressionAttributes,
  // so the resolver substitutes and checks them as it does for expressions.
  PathElement NameElement(std::string name) {
    std::string placeholder = "#n" + std::to_string(names_++);
    attributes_.AddName(placeholder, std::move(name));
    PathElement e = PathElement::Name(std::move(placeholder));
    e.placeholder = true;
    return e;
  }
  Operand ValueOperand(AttributeValue value) {
    std::string placeholder = ":v" + std::to_string(values_++);
    attributes_.AddValue(placeholder, std::move(value));
    Operand o;
    o.kind = Operand::Kind::kValue;
    o.value_name = std::move(placeholder);
    return o;
  }
  static Operand Call(std::string name, std::vector<Operand> args) {
    Operand o;
    o.kind = Operand::Kind::kFunction;
    o.function_name = std::move(name);
    o.args = std::move(args);
    return o;
  }
  // -- names, sources, paths --
  bool AtName() const {
    const PartiqlToken& t = Peek();
    return t.kind == Tok::kQuoted || (t.kind == Tok::kIdent && !InWords(kKeywords, t.text));
  }
  Result<std::string> TableName(std::string_view missing_detail) {
    if (!AtName()) {
      if (Peek().kind == Tok::kEnd || IsPunct(Peek(), ";") || IsKeyword(Peek(), "WHERE")) {
        return MalformedStatement(missing_detail);
      }
      return UnexpectedTerm();
    }
    return Next().text;
  }
  Status RejectAlias() {
    if (IsKeyword(Peek(), "AS") || AtName()) return InvalidArgument("Aliasing is not supported");
    return Status::Ok();
  }
  Result<Path> ParsePath() {
    if (!AtName()) return UnexpectedTerm();
    Path path;
    path.elements.push_back(NameElement(Next().text));
    while (true) {
      if (AcceptPunct(".")) {
        if (Peek().kind != Tok::kIdent && Peek().kind != Tok::kQuoted) {
          return MalformedStatement("Expected identifier for simple path");
        }
        path.elements.push_back(NameElement(Next().text));
      } else if (AcceptPunct("[")) {
        const PartiqlToken& t = Next();
        if (t.kind == Tok::kString) {
          path.elements.push_back(NameElement(t.text));
        } else if (t.kind == Tok::kNumber &&
                   t.text.find_first_not_of("0123456789") == std::string::npos &&
                   t.text.size() <= 9) {
          path.elements.push_back(PathElement::Index(static_cast<uint32_t>(std::stoul(t.text))));
        } else {
          return InvalidArgument("Unexpected path component");
        }
        KUMO_RETURN_IF_ERROR(ExpectPunct("]"));
      } else {
        return path;
      }
    }
  }

  // -- values --
  bool AtValue() const {
    const PartiqlToken& t = Peek();
    if (t.kind == Tok::kString || t.kind == Tok::kNumber || t.kind == Tok::kParam) return true;
    if (IsPunct(t, "[") || IsPunct(t, "{") || IsPunct(t, "<<")) return true;
    if (IsPunct(t, "-") && Peek(1).kind == Tok::kNumber) return true;
    return IsKeyword(t, "TRUE") || IsKeyword(t, "FALSE") || IsKeyword(t, "NULL");
  }
  Result<AttributeValue> Value() {
    const PartiqlToken& t = Next();
    switch (t.kind) {
      case Tok::kString:
        return AttributeValue::S(t.text);
      case Tok::kNumber:
        return NumberValue(t.text);
      case Tok::kParam:
        if (next_parameter_ < parameters_.size()) return parameters_[next_parameter_++];
        missing_parameters_ = true;
        return AttributeValue::Null();
      default:
        break;
    }
    if (IsPunct(t, "-")) return NumberValue("-" + Next().text);
    if (IsKeyword(t, "TRUE")) return AttributeValue::Bool(true);
    if (IsKeyword(t, "FALSE")) return AttributeValue::Bool(false);
    if (IsKeyword(t, "NULL")) return AttributeValue::Null();
    if (IsPunct(t, "[")) {
      AttributeValue::List list;
      if (!AcceptPunct("]")) {
        do {
          KUMO_ASSIGN_OR_RETURN(AttributeValue v, Element());
          list.push_back(std::move(v));
        } while (AcceptPunct(","));
        KUMO_RETURN_IF_ERROR(ExpectPunct("]"));
      }
      return AttributeValue::L(std::move(list));
    }
    if (IsPunct(t, "{")) return Tuple();
    if (IsPunct(t, "<<")) return Bag();
    return MalformedStatement("Unexpected term");
  }
  Result<AttributeValue> Element() {
    if (!AtValue()) return UnexpectedTerm();
    return Value();
  }
  static Result<AttributeValue> NumberValue(const std::string& text) {
    KUMO_ASSIGN_OR_RETURN(Number n, Number::Parse(text));
    return AttributeValue::N(std::move(n));
  }
  Result<AttributeValue> Tuple() {
    AttributeValue::Map map;
    if (AcceptPunct("}")) return AttributeValue::M(std::move(map));
    do {
      const PartiqlToken& key = Next();
      if (key.kind != Tok::kString) {
        return InvalidArgument("Tuple keys must be of type String. Actual type: " +
                               std::string(key.kind == Tok::kNumber ? "DECIMAL" : "SYMBOL") +
                               " under root");
      }
      std::string name = key.text;
      KUMO_RETURN_IF_ERROR(ExpectPunct(":"));
      KUMO_ASSIGN_OR_RETURN(AttributeValue v, Element());
      if (!map.emplace(name, std::move(v)).second) {
        return InvalidArgument("Duplicate keys in tuple. Key: " + name + " under root");
      }
    } while (AcceptPunct(","));
    KUMO_RETURN_IF_ERROR(ExpectPunct("}"));
    return AttributeValue::M(std::move(map));
  }
  Result<AttributeValue> Bag() {
    std::vector<AttributeValue> elements;
    if (!AcceptPunct(">>")) {
      do {
        KUMO_ASSIGN_OR_RETURN(AttributeValue v, Element());
        elements.push_back(std::move(v));
      } while (AcceptPunct(","));
      KUMO_RETURN_IF_ERROR(ExpectPunct(">>"));
    }
    if (elements.empty()) return InvalidArgument("Empty bags are not supported");
    const AttrType type = elements[0].type();
    for (const AttributeValue& v : elements) {
      if (v.type() != type ||
          (type != AttrType::kS && type != AttrType::kN && type != AttrType::kB)) {
        return InvalidArgument(
            "Unsupported data type in Bag. DynamoDB only supports either numbers or strings in "
            "bags");
      }
    }
    if (type == AttrType::kN) {
      std::vector<Number> numbers;
      for (const AttributeValue& v : elements) numbers.push_back(v.num());
      return AttributeValue::NS(std::move(numbers));
    }
    std::vector<std::string> strings;
    for (const AttributeValue& v : elements) strings.push_back(v.str());
    return type == AttrType::kS ? AttributeValue::SS(std::move(strings))
                                : AttributeValue::BS(std::move(strings));
  }

  // -- operands and conditions --
  bool AtCall() const { return Peek().kind == Tok::kIdent && IsPunct(Peek(1), "("); }
  Result<std::vector<Operand>> Arguments() {
    Next();  // the name
    Next();  // (
    std::vector<Operand> args;
    if (!AcceptPunct(")")) {
      do {
        KUMO_ASSIGN_OR_RETURN(Operand a, ParseOperand());
        args.push_back(std::move(a));
      } while (AcceptPunct(","));
      KUMO_RETURN_IF_ERROR(ExpectPunct(")"));
    }
    return args;
  }
  Result<Operand> ParseOperand() {
    if (AtCall()) {
      std::string name = AsciiLower(Peek().text);
      if (name != "size") return InvalidArgument("Unrecognized function: " + Peek().text);
      KUMO_ASSIGN_OR_RETURN(std::vector<Operand> args, Arguments());
      return Call("size", std::move(args));
    }
    if (AtValue()) {
      KUMO_ASSIGN_OR_RETURN(AttributeValue v, Value());
      return ValueOperand(std::move(v));
    }
    KUMO_ASSIGN_OR_RETURN(Path path, ParsePath());
    return Operand::OfPath(std::move(path));
  }
  // An operand after an infix operator: a missing one has its own message.
  Result<Operand> RightOperand() {
    if (AtTermEnd()) return MalformedStatement(kMissingRightHandSide);
    return ParseOperand();
  }

  Result<Condition> Or() { return Infix("OR", Condition::Kind::kOr, &Parser::And); }
  Result<Condition> And() { return Infix("AND", Condition::Kind::kAnd, &Parser::Not); }
  // operand (keyword operand)*, left-associative; `operand` parses the tighter level.
  Result<Condition> Infix(std::string_view keyword, Condition::Kind kind,
                          Result<Condition> (Parser::*operand)()) {
    KUMO_ASSIGN_OR_RETURN(Condition left, (this->*operand)());
    while (AcceptKeyword(keyword)) {
      if (AtTermEnd()) return MalformedStatement(kMissingRightHandSide);
      KUMO_ASSIGN_OR_RETURN(Condition right, (this->*operand)());
      left = Combine(kind, std::move(left), std::move(right));
    }
    return left;
  }
  Result<Condition> Not() {
    if (AcceptKeyword("NOT")) {
      if (AtTermEnd()) return UnexpectedTerm();
      KUMO_ASSIGN_OR_RETURN(Condition inner, Not());
      return Negate(std::move(inner));
    }
    return Predicate();
  }
  Result<Condition> Predicate() {
    if (AtTermEnd()) return UnexpectedTerm();
    if (AcceptPunct("(")) {
      if (AtTermEnd()) return UnexpectedTerm();
      KUMO_ASSIGN_OR_RETURN(Condition inner, Or());
      KUMO_RETURN_IF_ERROR(ExpectPunct(")"));
      return inner;
    }
    if (AtCall()) {
      static constexpr std::array<std::string_view, 5> kConditionFunctions = {
          "begins_with", "contains", "attribute_type", "attribute_exists", "attribute_not_exists"};
      std::string name = AsciiLower(Peek().text);
      for (std::string_view f : kConditionFunctions) {
        if (name != f) continue;
        KUMO_ASSIGN_OR_RETURN(std::vector<Operand> args, Arguments());
        return FunctionCondition(Function::kUnknown, name, std::move(args));
      }
    }
    if (!AtValue() && !AtName() && !AtCall()) return UnexpectedTerm();
    KUMO_ASSIGN_OR_RETURN(Operand left, ParseOperand());
    static constexpr std::array<std::pair<std::string_view, Comparator>, 7> kComparators = {
        {{"=", Comparator::kEq},
         {"<>", Comparator::kNe},
         {"!=", Comparator::kNe},
         {"<", Comparator::kLt},
         {"<=", Comparator::kLe},
         {">", Comparator::kGt},
         {">=", Comparator::kGe}}};
    for (const auto& [text, comparator] : kComparators) {
      if (!AcceptPunct(text)) continue;
      KUMO_ASSIGN_OR_RETURN(Operand right, RightOperand());
      Condition c;
      c.kind = Condition::Kind::kCompare;
      c.comparator = comparator;
      c.operands.push_back(std::move(left));
      c.operands.push_back(std::move(right));
      return c;
    }
    if (AcceptKeyword("BETWEEN")) {
      KUMO_ASSIGN_OR_RETURN(Operand low, RightOperand());
      if (!AcceptKeyword("AND")) return MalformedStatement("Expected AND");
      KUMO_ASSIGN_OR_RETURN(Operand high, RightOperand());
      Condition c;
      c.kind = Condition::Kind::kBetween;
      c.operands = {std::move(left), std::move(low), std::move(high)};
      return c;
    }
    const bool negated = IsKeyword(Peek(), "NOT") && IsKeyword(Peek(1), "IN");
    if (negated) Next();
    if (AcceptKeyword("IN")) {
      Condition c;
      c.kind = Condition::Kind::kIn;
      c.operands.push_back(std::move(left));
      const bool bracket = AcceptPunct("[");
      if (!bracket && !AcceptPunct("(")) {
        return InvalidArgument(
            "IN operator must have a left hand argument of type Variable Reference and right hand "
            "argument of "
            "type Seq with at least one member");
      }
      do {
        KUMO_ASSIGN_OR_RETURN(Operand candidate, RightOperand());
        c.operands.push_back(std::move(candidate));
      } while (AcceptPunct(","));
      KUMO_RETURN_IF_ERROR(ExpectPunct(bracket ? "]" : ")"));
      return negated ? Negate(std::move(c)) : c;
    }
    if (AcceptKeyword("IS")) return IsTest(std::move(left));
    return InvalidArgument("WHERE clause must contain an expression that resolves to a boolean");
  }
  // x IS [NOT] MISSING | NULL | <type>. NULL holds for a NULL value and for
  // a missing attribute, as PartiQL defines it; a type name tests the
  // attribute's DynamoDB type.
  Result<Condition> IsTest(Operand subject) {
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 7> kTypes = {
        {{"BOOLEAN", "BOOL"},
         {"BLOB", "B"},
         {"STRING", "S"},
         {"NUMERIC", "N"},
         {"STRUCT", "M"},
         {"TUPLE", "M"},
         {"LIST", "L"}}};
    static constexpr std::array<std::string_view, 20> kOtherTypes = {
        "INT",       "INTEGER", "INT2",  "INT4", "INT8", "SMALLINT", "BIGINT",
        "DECIMAL",   "DOUBLE",  "FLOAT", "REAL", "CHAR", "VARCHAR",  "CHARACTER",
        "TIMESTAMP", "DATE",    "TIME",  "SEXP", "BAG",  "CLOB"};
    const bool negated = AcceptKeyword("NOT");
    if (subject.kind != Operand::Kind::kPath) {
      return InvalidArgument(
          "The left hand side argument to IS must be a Variable Reference, Literal, or Path");
    }
    Condition test;
    if (AcceptKeyword("MISSING")) {
      return FunctionCondition(Function::kUnknown,
                               negated ? "attribute_exists" : "attribute_not_exists", {subject});
    }
    if (AcceptKeyword("NULL")) {
      test = Combine(Condition::Kind::kOr,
                     FunctionCondition(Function::kUnknown, "attribute_type",
                                       {subject, ValueOperand(AttributeValue::S("NULL"))}),
                     FunctionCondition(Function::kUnknown, "attribute_not_exists", {subject}));
    } else {
      const PartiqlToken& t = Peek();
      std::optional<std::string_view> type;
      for (const auto& [name, dynamodb_type] : kTypes) {
        if (IsKeyword(t, name)) type = dynamodb_type;
      }
      if (!type) {
        if (t.kind == Tok::kIdent && InWords(kOtherTypes, t.text)) {
          return InvalidArgument(
              fmt::format("Unsupported data type for IS operator: {}. Supported data types are "
                          "[MISSING, NULL, BOOLEAN, BLOB, "
                          "STRING, NUMERIC, STRUCT, TUPLE, LIST]",
                          t.text));
        }
        return MalformedStatement("Expected type name");
      }
      Next();
      test = FunctionCondition(Function::kUnknown, "attribute_type",
                               {subject, ValueOperand(AttributeValue::S(std::string(*type)))});
    }
    return negated ? Negate(std::move(test)) : test;
  }

  // -- statements --
  Status Source(PartiqlStatement& s, std::string_view missing_detail) {
    KUMO_ASSIGN_OR_RETURN(s.table, TableName(missing_detail));
    if (AcceptPunct(".")) {
      KUMO_ASSIGN_OR_RETURN(s.index, TableName("Expected identifier for simple path"));
      if (IsPunct(Peek(), "."))
        return InvalidArgument("A path may contain at most 2 components in the FROM clause");
    }
    return RejectAlias();
  }
  Status Where(PartiqlStatement& s, bool required) {
    if (!AcceptKeyword("WHERE")) {
      if (required) return InvalidArgument(std::string(kIncompleteKey));
      return Status::Ok();
    }
    KUMO_ASSIGN_OR_RETURN(s.where, Or());
    return Status::Ok();
  }
  Status Select(PartiqlStatement& s) {
    s.kind = PartiqlStatement::Kind::kSelect;
    if (!AcceptPunct("*")) {
      std::vector<Path> paths;
      do {
        if (IsPunct(Peek(), "*")) {
          return InvalidArgument(
              "Other attributes should not be present in the projection when '*' is used.");
        }
        KUMO_ASSIGN_OR_RETURN(Path p, ParsePath());
        paths.push_back(std::move(p));
      } while (AcceptPunct(","));
      s.projection = std::move(paths);
    } else if (IsPunct(Peek(), ",")) {
      return InvalidArgument(
          "Other attributes should not be present in the projection when '*' is used.");
    }
    if (!AcceptKeyword("FROM")) return MalformedStatement("Expected FROM");
    KUMO_RETURN_IF_ERROR(Source(s, "Unexpected term"));
    KUMO_RETURN_IF_ERROR(Where(s, false));
    if (AcceptKeyword("ORDER")) {
      if (!AcceptKeyword("BY")) return MalformedStatement("Expected BY");
      do {
        if (!AtName()) return UnexpectedTerm();
        PartiqlStatement::OrderKey key{Next().text, false};
        if (AcceptKeyword("DESC")) {
          key.descending = true;
        } else {
          AcceptKeyword("ASC");
        }
        s.order_by.push_back(std::move(key));
      } while (AcceptPunct(","));
    }
    return Status::Ok();
  }
  Status Insert(PartiqlStatement& s) {
    s.kind = PartiqlStatement::Kind::kInsert;
    if (!AcceptKeyword("INTO")) return MalformedStatement("Expected INTO");
    KUMO_ASSIGN_OR_RETURN(s.table, TableName("Expected identifier for simple path"));
    if (IsKeyword(Peek(), "VALUES")) {
      return InvalidArgument(
          "Unsupported operation: Inserting multiple items in a single statement is not supported, "
          "use \"INSERT "
          "INTO tableName VALUE item\" instead");
    }
    if (!AcceptKeyword("VALUE")) return MalformedStatement("Unexpected token after expression");
    if (!IsPunct(Peek(), "{") && !IsPunct(Peek(), "?")) {
      if (!AtValue()) return UnexpectedTerm();
      return InvalidArgument(
          "Unsupported format in item expression. Please use struct format {...} to express item "
          "values for insert "
          "statement.");
    }
    KUMO_ASSIGN_OR_RETURN(AttributeValue item, Value());
    if (item.type() != AttrType::kM) {
      return InvalidArgument(
          "Unsupported format in item expression. Please use struct format {...} to express item "
          "values for insert "
          "statement.");
    }
    s.item = item.map();
    if (IsKeyword(Peek(), "RETURNING"))
      return InvalidArgument("RETURNING is not supported in INSERT");
    return Status::Ok();
  }
  Status Assignment(PartiqlStatement& s) {
    KUMO_ASSIGN_OR_RETURN(Path target, ParsePath());
    if (!AcceptPunct("=")) return MalformedStatement("Expected =");
    if (AtCall()) {
      std::string name = AsciiLower(Peek().text);
      if (name == "set_add" || name == "set_delete") {
        const std::string upper = name == "set_add" ? "ADD" : "DELETE";
        KUMO_ASSIGN_OR_RETURN(std::vector<Operand> args, Arguments());
        if (args.size() != 2)
          return InvalidArgument("SET_" + upper + " must have exactly two arguments");
        if (args[0].kind != Operand::Kind::kPath || !SamePath(args[0].path, target)) {
          return InvalidArgument("The first argument to SET_" + upper +
                                 " must equal the assignment value");
        }
        if (args[1].kind != Operand::Kind::kValue ||
            !attributes_.UseValue(args[1].value_name)->is_set()) {
          return InvalidArgument("The second argument to SET_" + upper +
                                 " must be a value with type SET");
        }
        UpdateAction action;
        action.kind = name == "set_add" ? UpdateAction::Kind::kAdd : UpdateAction::Kind::kDelete;
        action.path = std::move(target);
        action.value = std::move(args[1]);
        s.update.actions.push_back(std::move(action));
        return Status::Ok();
      }
    }
    KUMO_ASSIGN_OR_RETURN(Operand value, SetOperand());
    for (std::string_view op : {"+", "-"}) {
      if (!AcceptPunct(op)) continue;
      KUMO_ASSIGN_OR_RETURN(Operand right, SetOperand());
      value = Call(std::string(op), {std::move(value), std::move(right)});
      break;
    }
    UpdateAction action;
    action.kind = UpdateAction::Kind::kSet;
    action.path = std::move(target);
    action.value = std::move(value);
    s.update.actions.push_back(std::move(action));
    return Status::Ok();
  }
  // Compares paths by the names their placeholders stand for.
  bool SamePath(const Path& a, const Path& b) {
    if (a.elements.size() != b.elements.size()) return false;
    for (size_t i = 0; i < a.elements.size(); ++i) {
      const PathElement& x = a.elements[i];
      const PathElement& y = b.elements[i];
      if (x.kind != y.kind) return false;
      if (x.kind == PathElement::Kind::kIndex
              ? x.index != y.index
              : *attributes_.UseName(x.name) != *attributes_.UseName(y.name)) {
        return false;
      }
    }
    return true;
  }
  Result<Operand> SetOperand() {
    if (AtCall()) {
      std::string name = AsciiLower(Peek().text);
      if (name != "list_append" && name != "if_not_exists") {
        return InvalidArgument("Unrecognized function: " + Peek().text);
      }
      KUMO_ASSIGN_OR_RETURN(std::vector<Operand> args, Arguments());
      return Call(name, std::move(args));
    }
    if (AtTermEnd()) return MalformedStatement(kMissingRightHandSide);
    if (AtValue()) {
      KUMO_ASSIGN_OR_RETURN(AttributeValue v, Value());
      return ValueOperand(std::move(v));
    }
    KUMO_ASSIGN_OR_RETURN(Path path, ParsePath());
    return Operand::OfPath(std::move(path));
  }
  Status Returning(PartiqlStatement& s) {
    if (!AcceptKeyword("RETURNING")) return Status::Ok();
    const bool all = AcceptKeyword("ALL");
    if (!all && !AcceptKeyword("MODIFIED")) return MalformedStatement("Expected ALL or MODIFIED");
    const bool old_values = AcceptKeyword("OLD");
    if (!old_values && !AcceptKeyword("NEW")) return MalformedStatement("Expected OLD or NEW");
    if (!AcceptPunct("*")) {
      return InvalidArgument(
          "Expected '*' after ( MODIFIED | ALL ) ( NEW | OLD ) in RETURNING clause");
    }
    s.returning = all ? (old_values ? PartiqlStatement::Returning::kAllOld
                                    : PartiqlStatement::Returning::kAllNew)
                      : (old_values ? PartiqlStatement::Returning::kModifiedOld
                                    : PartiqlStatement::Returning::kModifiedNew);
    if (s.kind == PartiqlStatement::Kind::kDelete &&
        s.returning != PartiqlStatement::Returning::kAllOld) {
      return InvalidArgument(
          fmt::format("Invalid returning clause: RETURNING {} {} *. Only RETURNING ALL OLD * is "
                      "allowed in DELETE statements.",
                      all ? "ALL" : "MODIFIED", old_values ? "OLD" : "NEW"));
    }
    return Status::Ok();
  }
  Status Update(PartiqlStatement& s) {
    s.kind = PartiqlStatement::Kind::kUpdate;
    KUMO_ASSIGN_OR_RETURN(s.table, TableName("Expected identifier for simple path"));
    if (IsKeyword(Peek(), "ADD") || IsKeyword(Peek(), "DELETE")) {
      return InvalidArgument(
          "Only SET and REMOVE are supported in update expressions at this time");
    }
    KUMO_RETURN_IF_ERROR(RejectAlias());
    while (true) {
      if (AcceptKeyword("SET")) {
        do {
          KUMO_RETURN_IF_ERROR(Assignment(s));
        } while (AcceptPunct(","));
      } else if (AcceptKeyword("REMOVE")) {
        do {
          UpdateAction action;
          action.kind = UpdateAction::Kind::kRemove;
          KUMO_ASSIGN_OR_RETURN(action.path, ParsePath());
          s.update.actions.push_back(std::move(action));
        } while (AcceptPunct(","));
      } else if (IsKeyword(Peek(), "ADD") || IsKeyword(Peek(), "DELETE")) {
        return InvalidArgument(
            "Only SET and REMOVE are supported in update expressions at this time");
      } else {
        break;
      }
    }
    if (s.update.actions.empty()) return UnexpectedTerm();
    KUMO_RETURN_IF_ERROR(Where(s, true));
    return Returning(s);
  }
  Status Delete(PartiqlStatement& s) {
    s.kind = PartiqlStatement::Kind::kDelete;
    if (!AcceptKeyword("FROM")) return MalformedStatement("Expected FROM");
    KUMO_RETURN_IF_ERROR(Source(s, "Expected identifier for simple path"));
    if (s.index) return InvalidArgument("This operation is not supported on an index");
    KUMO_RETURN_IF_ERROR(Where(s, true));
    return Returning(s);
  }
  Status Exists(PartiqlStatement& s) {
    KUMO_RETURN_IF_ERROR(ExpectPunct("("));
    if (!AcceptKeyword("SELECT")) return MalformedStatement("Expected data manipulation");
    KUMO_RETURN_IF_ERROR(Select(s));
    KUMO_RETURN_IF_ERROR(ExpectPunct(")"));
    s.kind = PartiqlStatement::Kind::kExists;
    if (s.index) return InvalidArgument("Operations on indices are not supported in transactions");
    if (!s.where)
      return InvalidArgument("EXISTS() must contain a single item read with additional condition");
    return Status::Ok();
  }

  // Substitutes the placeholders and checks the trees, as for expressions.
  Result<PartiqlStatement> Resolve(PartiqlStatement s) {
    if (s.where) {
      KUMO_ASSIGN_OR_RETURN(s.where, ResolveCondition(std::move(*s.where), attributes_));
    }
    if (s.projection) {
      KUMO_ASSIGN_OR_RETURN(
          ProjectionExpression projection,
          ResolveProjection(ProjectionExpression{std::move(*s.projection)}, attributes_));
      s.projection = std::move(projection.paths);
    }
    if (!s.update.actions.empty()) {
      KUMO_ASSIGN_OR_RETURN(s.update, ResolveUpdate(std::move(s.update), attributes_));
    }
    return s;
  }

  std::vector<PartiqlToken> tokens_;
  size_t pos_ = 0;
  const std::vector<AttributeValue>& parameters_;
  size_t next_parameter_ = 0;
  bool missing_parameters_ = false;
  ExpressionAttributes attributes_;
  int names_ = 0;
  int values_ = 0;
};

}  // namespace

Error MalformedStatement(std::string_view detail) {
  return InvalidArgument("Statement wasn't well formed, can't be processed: " +
                         std::string(detail));
}

Result<PartiqlStatement> ParsePartiql(std::string_view text,
                                      const std::vector<AttributeValue>& parameters) {
  KUMO_ASSIGN_OR_RETURN(std::vector<PartiqlToken> tokens, LexPartiql(text));
  return Parser(std::move(tokens), parameters).Parse();
}

}  // namespace kumo::tables

// Resource policies (AddPermission, RemovePermission, GetPolicy) and tags
// (TagResource, UntagResource, ListTags).
#include <boost/json.hpp>

#include "common/encoding.h"
#include "functions/json_args.h"
#include "functions/service_impl.h"
#include "functions/validation.h"

namespace kumo::functions {
namespace {

namespace json = boost::json;

constexpr size_t kMaxPolicyBytes = 20480;
constexpr size_t kMaxTags = 50;
constexpr char kTaggablePattern[] =
    R"(arn:(aws[a-zA-Z-]*):lambda:[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:\d{12}:)"
    R"((function:[a-zA-Z0-9-_]+(:(\$LATEST|[a-zA-Z0-9-_]+))?|code-signing-config:csc-[a-z0-9]{17}|)"
    R"(event-source-mapping:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-)"
    R"([0-9a-fA-F]{12}|capacity-provider:[a-zA-Z0-9-_]+))";

bool AllDigits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

bool IsActionName(std::string_view a) {
  if (a == "*" || a == "lambda:*") return true;
  if (!a.starts_with("lambda:") || a.size() == 7) return false;
  for (char c : a.substr(7)) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) return false;
  }
  return true;
}

std::string PolicyDocument(const std::vector<std::string>& statements) {
  std::string doc = R"({"Version":"2012-10-17","Id":"default","Statement":[)";
  for (size_t i = 0; i < statements.size(); ++i) doc += (i ? "," : "") + statements[i];
  return doc + "]}";
}

std::string StatementSid(const std::string& statement) {
  Result<json::object> o = ParseJsonObject(statement);
  if (!o.ok()) return "";
  Result<std::optional<std::string>> sid = GetString(*o, "Sid");
  return sid.ok() ? sid.value().value_or("") : "";
}

// The RevisionId the qualifier's policy is guarded by: the alias's or the version's.
std::string RevisionOf(const FunctionState& fn, const std::string& qualifier) {
  auto alias = fn.fn.aliases.find(qualifier);
  if (alias != fn.fn.aliases.end()) return alias->second.revision_id;
  auto version = fn.FindVersion(qualifier.empty() ? "$LATEST" : qualifier);
  return version ? version->revision_id : "";
}

// A policy change is a change of the alias or version it belongs to.
void BumpRevision(FunctionState& fn, const std::string& qualifier) {
  auto alias = fn.fn.aliases.find(qualifier);
  if (alias != fn.fn.aliases.end()) {
    alias->second.revision_id = NewUuid();
    return;
  }
  auto updated = std::make_shared<VersionRecord>(*fn.FindVersion(qualifier));
  updated->revision_id = NewUuid();
  if (qualifier == "$LATEST") {
    fn.latest = updated;
  } else {
    fn.versions[std::stoll(qualifier)] = updated;
  }
}

Result<json::value> PrincipalOf(const std::string& principal) {
  if (principal == "*") return json::value("*");
  if (principal.ends_with(".amazonaws.com"))
    return json::value(json::object{{"Service", principal}});
  if (principal.size() == 12 && AllDigits(principal)) {
    return json::value(json::object{{"AWS", "arn:aws:iam::" + principal + ":root"}});
  }
  if (principal.starts_with("arn:aws") && principal.find(":iam:") != std::string::npos) {
    return json::value(json::object{{"AWS", principal}});
  }
  return InvalidParameterValue(
      "The provided principal was invalid. Please check the principal and try again.");
}

// The tagged function of a TagResource/UntagResource/ListTags resource ARN.
Result<FunctionRef> TaggedFunction(const std::string& resource, std::string_view region) {
  Result<FunctionRef> ref = ParseFunctionRef(resource, "", region, NameShape::kFunctionName);
  if (!resource.starts_with("arn:") || !ref.ok()) {
    if (!ref.ok() && ref.error().code != "ValidationException") return ref.error();
    ConstraintErrors errors;
    errors.Pattern("resource", resource, kTaggablePattern);
    return errors.ToStatus().error();
  }
  if (!ref->qualifier.empty()) {
    return InvalidParameterValue(
        "Tags on function aliases and versions are not supported. Please specify a function ARN.");
  }
  return ref;
}

}  // namespace

Result<edge::Response> LambdaService::Impl::AddPermission(const OpContext& ctx) {
  KUMO_ASSIGN_OR_RETURN(json::object body, ctx.Body());
  std::map<std::string, std::optional<std::string>> in;
  for (const char* key :
       {"StatementId", "Action", "Principal", "SourceArn", "SourceAccount", "EventSourceToken",
        "RevisionId", "PrincipalOrgID", "FunctionUrlAuthType"}) {
    KUMO_ASSIGN_OR_RETURN(in[key], GetString(body, key));
  }
  const auto& sid = in["StatementId"];
  const auto& action = in["Action"];
  const auto& principal = in["Principal"];
  ConstraintErrors errors;
  if (!sid) errors.AddWithoutValue("statementId", "Member must not be null");
  if (sid && (sid->size() > 100 || !IsNameToken(*sid, false))) {
    errors.Pattern("statementId", *sid, "([a-zA-Z0-9-_]+)");
  }
  if (!action) errors.AddWithoutValue("action", "Member must not be null");
  if (action && !IsActionName(*action)) {
    errors.Pattern("action", *action, "(lambda:[*]|lambda:[a-zA-Z]+|[*])");
  }
  if (!principal) errors.AddWithoutValue("principal", "Member must not be null");
  if (principal &&
      (principal->empty() || principal->find_first_of(" \t\r\n") != std::string::npos)) {
    errors.Pattern("principal", *principal, R"([^\s]+)");
  }
  if (const auto& account = in["SourceAccount"];
      account && !(account->size() == 12 && AllDigits(*account))) {
    errors.Pattern("sourceAccount", *account, R"(\d{12})");
  }
  if (const auto& auth = in["FunctionUrlAuthType"]; auth && *auth != "NONE" && *auth != "AWS_IAM") {
    errors.Enum("functionUrlAuthType", *auth, "[NONE, AWS_IAM]");
  }
  KUMO_RETURN_IF_ERROR(errors.ToStatus());
  KUMO_ASSIGN_OR_RETURN(Target t,
                        FindTarget(ctx, NameShape::kNamespacedName, ctx.Query("Qualifier")));
  const std::string& qualifier = t.ref.qualifier;
  if (qualifier == "$LATEST") {
    return InvalidParameterValue("We currently do not support adding policies for $LATEST.");
  }
  KUMO_ASSIGN_OR_RETURN(json::value principal_json, PrincipalOf(*principal));
  json::object statement{{"Sid", *sid},
                         {"Effect", "Allow"},
                         {"Principal", std::move(principal_json)},
                         {"Action", *action},
                         {"Resource", QualifiedArn(ctx.region(), t.ref.name, qualifier)}};
  json::object condition;
  auto add_condition = [&](const char* op, const char* key, const std::optional<std::string>& v) {
    if (!v) return;
    if (!condition.contains(op)) condition[op] = json::object();
    condition[op].as_object()[key] = *v;
  };
  add_condition("StringEquals", "lambda:FunctionUrlAuthType", in["FunctionUrlAuthType"]);
  add_condition("StringEquals", "aws:PrincipalOrgID", in["PrincipalOrgID"]);
  add_condition("StringEquals", "AWS:SourceAccount", in["SourceAccount"]);
  add_condition("StringEquals", "lambda:EventSourceToken", in["EventSourceToken"]);
  add_condition("ArnLike", "AWS:SourceArn", in["SourceArn"]);
  if (!condition.empty()) statement["Condition"] = std::move(condition);
  std::string statement_text = ToJson(statement);
  std::string key = qualifier.empty() ? "$LATEST" : qualifier;
  {
    std::lock_guard write(write_mu_);
    KUMO_ASSIGN_OR_RETURN(FunctionPtr current, RequireFunction(ctx.region(), t.ref.name));
    KUMO_ASSIGN_OR_RETURN(auto version, VersionFor(*current, qualifier));
    (void)version;  // only its existence matters
    if (in["RevisionId"] && *in["RevisionId"] != RevisionOf(*current, key)) {
      return PreconditionFailed();
    }
    auto next = std::make_shared<FunctionState>(*current);
    std::vector<std::string>& statements = next->fn.policies[key];
    for (const std::string& existing : statements) {
      if (StatementSid(existing) == *sid) {
        return ResourceConflict("The statement id (" + *sid +
                                ") provided already exists. Please provide a new statement id, "
                                "or remove the existing statement.");
      }
    }
    statements.push_back(statement_text);
    std::string document = PolicyDocument(statements);
    if (document.size() > kMaxPolicyBytes) {
      return Error{400, "PolicyLengthExceededException",
                   "The final policy size (" + std::to_string(document.size()) +
                       ") is bigger than the limit (" + std::to_string(kMaxPolicyBytes) + ")."};
    }
    BumpRevision(*next, key);
    KUMO_RETURN_IF_ERROR(CommitFunction(current, next));
  }
  return JsonResponse(201, json::object{{"Statement", statement_text}});
}

Result<edge::Response> LambdaService::Impl::RemovePermission(const OpContext& ctx) {
  KUMO_ASSIGN_OR_RETURN(FunctionRef ref,
                        ParseFunctionRef(ctx.params.at(0), ctx.Query("Qualifier"), ctx.region(),
                                         NameShape::kNamespacedName));
  const std::string& sid = ctx.params.at(1);
  std::optional<std::string_view> revision = ctx.request.QueryParam("RevisionId");
  std::string key = ref.qualifier.empty() ? "$LATEST" : ref.qualifier;
  std::lock_guard write(write_mu_);
  FunctionPtr current = FindFunction(ctx.region(), ref.name);
  if (current == nullptr) {
    return ResourceNotFound("No policy found for: " + FunctionArn(ctx.region(), ref.name));
  }
  KUMO_ASSIGN_OR_RETURN(auto version, VersionFor(*current, ref.qualifier));
  (void)version;  // only its existence matters
  auto policy = current->fn.policies.find(key);
  if (policy == current->fn.policies.end()) {
    return ResourceNotFound("No policy is associated with the given resource.");
  }
  auto next = std::make_shared<FunctionState>(*current);
  std::vector<std::string>& statements = next->fn.policies[key];
  auto it = std::find_if(statements.begin(), statements.end(),
                         [&](const std::string& s) { return StatementSid(s) == sid; });
  if (it == statements.end()) {
    return ResourceNotFound("Statement " + sid + " is not found in resource policy.");
  }
  if (revision && *revision != RevisionOf(*current, key)) return PreconditionFailed();
  statements.erase(it);
  if (statements.empty()) next->fn.policies.erase(key);
  BumpRevision(*next, key);
  KUMO_RETURN_IF_ERROR(CommitFunction(current, next));
  return EmptyResponse(204);
}

Result<edge::Response> LambdaService::Impl::GetPolicy(const OpContext& ctx) {
  KUMO_ASSIGN_OR_RETURN(FunctionRef ref,
                        ParseFunctionRef(ctx.params.at(0), ctx.Query("Qualifier"), ctx.region(),
                                         NameShape::kNamespacedName));
  KUMO_ASSIGN_OR_RETURN(FunctionPtr fn, RequireFunction(ctx.region(), ref.name));
  std::string key = ref.qualifier.empty() ? "$LATEST" : ref.qualifier;
  auto policy = fn->fn.policies.find(key);
  if (policy == fn->fn.policies.end()) {
    return ResourceNotFound("The resource you requested does not exist.");
  }
  return JsonResponse(200, json::object{{"Policy", PolicyDocument(policy->second)},
                                        {"RevisionId", RevisionOf(*fn, key)}});
}

Result<edge::Response> LambdaService::Impl::TagResource(const OpContext& ctx) {
  KUMO_ASSIGN_OR_RETURN(json::object body, ctx.Body());
  KUMO_ASSIGN_OR_RETURN(auto tags, GetStringMap(body, "Tags"));
  KUMO_ASSIGN_OR_RETURN(FunctionRef ref, TaggedFunction(ctx.params.at(0), ctx.region()));
  if (!tags || tags->empty()) {
    return InvalidParameterValue("An error occurred and the request cannot be processed.");
  }
  std::lock_guard write(write_mu_);
  KUMO_ASSIGN_OR_RETURN(FunctionPtr current, RequireFunction(ctx.region(), ref.name));
  auto next = std::make_shared<FunctionState>(*current);
  for (const auto& [k, v] : *tags) next->fn.tags[k] = v;
  if (next->fn.tags.size() > kMaxTags) {
    return InvalidParameterValue("Number of tags exceeds resource tag limit.");
  }
  KUMO_RETURN_IF_ERROR(CommitFunction(current, next));
  return EmptyResponse(204);
}

Result<edge::Response> LambdaService::Impl::UntagResource(const OpContext& ctx) {
  std::vector<std::string> keys;
  for (const auto& [k, v] : ctx.request.query) {
    if (k == "tagKeys") keys.push_back(v);
  }
  KUMO_ASSIGN_OR_RETURN(FunctionRef ref, TaggedFunction(ctx.params.at(0), ctx.region()));
  if (keys.empty()) {
    ConstraintErrors errors;
    errors.AddWithoutValue("tagKeys", "Member must not be null");
    return errors.ToStatus().error();
  }
  std::lock_guard write(write_mu_);
  KUMO_ASSIGN_OR_RETURN(FunctionPtr current, RequireFunction(ctx.region(), ref.name));
  auto next = std::make_shared<FunctionState>(*current);
  for (const std::string& k : keys) next->fn.tags.erase(k);
  KUMO_RETURN_IF_ERROR(CommitFunction(current, next));
  return EmptyResponse(204);
}

Result<edge::Response> LambdaService::Impl::ListTags(const OpContext& ctx) {
  KUMO_ASSIGN_OR_RETURN(FunctionRef ref, TaggedFunction(ctx.params.at(0), ctx.region()));
  KUMO_ASSIGN_OR_RETURN(FunctionPtr fn, RequireFunction(ctx.region(), ref.name));
  json::object tags;
  for (const auto& [k, v] : fn->fn.tags) tags[k] = v;
  return JsonResponse(200, json::object{{"Tags", std::move(tags)}});
}

}  // namespace kumo::functions

// The gateway's authorizers: JWT (jwks_cache.h) and Lambda REQUEST
// authorizers (lambda_authorizer.h), run before the integration.
#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include "apis/gateway_impl.h"
#include "apis/jwt.h"
#include "apis/proxy_response.h"
#include "common/encoding.h"

namespace kumo::apis {
namespace {

// How long a Lambda authorizer may take; API Gateway gives it 10 seconds.
constexpr int64_t kAuthorizerTimeoutMs = 10000;

// API Gateway's own error answer ({"message": ...}, application/json).
edge::Response RefusalResponse(const AuthFailure& failure, std::string_view request_id) {
  edge::Response response = GatewayResponse({failure.status, failure.Message()}, request_id);
  if (!failure.www_authenticate.empty())
    response.headers.Set("www-authenticate", failure.www_authenticate);
  return response;
}

boost::json::object JwtContext(const JwtAuthorization& jwt, PayloadFormat format) {
  boost::json::object claims;
  for (const auto& [k, v] : jwt.claims) claims[k] = v;
  boost::json::value scopes = nullptr;
  if (!jwt.scopes.empty()) scopes = boost::json::array(jwt.scopes.begin(), jwt.scopes.end());
  boost::json::object inner{{"claims", std::move(claims)}, {"scopes", std::move(scopes)}};
  if (format == PayloadFormat::kV1) return inner;
  return boost::json::object{{"jwt", std::move(inner)}};
}

boost::json::object LambdaContext(const LambdaAuthorization& auth, PayloadFormat format) {
  if (format == PayloadFormat::kV2) return boost::json::object{{"lambda", auth.context}};
  boost::json::object out = auth.context;
  if (!auth.principal_id.empty()) out["principalId"] = auth.principal_id;
  return out;
}

}  // namespace

void Gateway::Impl::Authorize(const ExchangePtr& ex, std::function<void()> next) {
  const Route& route = *ex->route;
  if (route.authorization_type == AuthorizationType::kNone) return next();
  const Authorizer* authorizer = ex->stage->deployment->FindAuthorizer(route.authorizer_id);
  if (authorizer == nullptr) {
    ex->authorizer_error = "the route's authorizer does not exist";
    return Refuse(ex, kInternalServerError, true);
  }
  auto self = shared_from_this();
  auto refuse = [self, ex](const AuthFailure& failure) {
    ex->authorizer_error = failure.reason;
    ex->error_message = failure.Message();
    self->Finish(ex, RefusalResponse(failure, ex->api_request_id), true);
  };

  // Identity sources: a missing one is a 401 without running the authorizer.
  std::vector<IdentitySource> sources;
  std::vector<std::string> expressions = authorizer->identity_source;
  if (expressions.empty() && authorizer->type == AuthorizerType::kJwt) {
    expressions.push_back("$request.header.Authorization");
  }
  for (const std::string& expression : expressions) {
    Result<IdentitySource> source = ParseIdentitySource(expression);
    if (!source.ok()) return refuse(AuthFailure::InternalError(source.error().message));
    sources.push_back(std::move(source).value());
  }
  IdentityInputs inputs{
      ex->request.headers, ex->request.query, ex->stage->stage.variables,
      [self, ex](std::string_view name) { return self->ContextVariable(*ex, name, 0, 0); }};
  AuthOutcome<std::vector<std::string>> identity = ResolveIdentitySources(sources, inputs);
  if (!identity.ok()) return refuse(identity.failure());
  PayloadFormat format = ex->Format();

  if (authorizer->type == AuthorizerType::kJwt) {
    JwtValidation validation{authorizer->jwt_issuer, authorizer->jwt_audience,
                             route.authorization_scopes};
    std::string token = identity.value().empty() ? std::string() : identity.value().front();
    AuthorizeJwt(
        jwks_, validation, token,
        [ex, format, refuse, next = std::move(next)](AuthOutcome<JwtAuthorization> result) {
          if (!result.ok()) return refuse(result.failure());
          ex->authorizer = JwtContext(result.value(), format);
          next();
        });
    return;
  }

  // A Lambda REQUEST authorizer.
  LambdaAuthorizerConfig config;
  config.authorizer_id = authorizer->id;
  const DeployedStage& stage = *ex->stage;
  config.cache_scope = stage.api.id + "/" + stage.stage.name + "/" + stage.deployment->id + "/" +
                       std::to_string(stage.stage.authorizer_cache_generation);
  config.payload_format_version = authorizer->payload_format_version.empty()
                                      ? std::string("2.0")
                                      : authorizer->payload_format_version;
  config.enable_simple_responses = authorizer->enable_simple_responses;
  config.result_ttl_seconds = authorizer->result_ttl_seconds;
  config.identity_sources = std::move(sources);
  std::string route_arn =
      BuildRouteArn(ex->stage->api.region, options_.account_id, ex->stage->api.id,
                    ex->stage->stage.name, ex->request.method, ex->route_path);
  PayloadFormat event_format =
      config.payload_format_version == "1.0" ? PayloadFormat::kV1 : PayloadFormat::kV2;
  auto proxy_event = [self, ex, event_format] {
    ProxyEventInput input = ex->EventInput(self->options_);
    return event_format == PayloadFormat::kV1 ? BuildProxyEventV1(ex->request, input)
                                              : BuildProxyEventV2(ex->request, input);
  };
  std::string function_arn =
      SubstituteStageVariables(authorizer->function_arn, ex->stage->stage.variables);
  AuthorizerInvoker invoke = [self, function_arn](std::string event,
                                                  AuthorizerInvokeCallback done) {
    self->InvokeFunction({function_arn, std::move(event), NewUuid(), kAuthorizerTimeoutMs},
                         [done = std::move(done)](Result<LambdaOutcome> outcome) {
                           if (!outcome.ok()) return done(outcome.error());
                           if (outcome->timed_out) {
                             return done(Error{504, "Timeout", "The authorizer timed out"});
                           }
                           AuthorizerInvokeResult result;
                           result.status_code = outcome->status;
                           result.function_error = std::move(outcome->function_error);
                           result.payload = std::move(outcome->payload);
                           done(std::move(result));
                         });
  };
  lambda_authorizer_.Authorize(
      config, route_arn, identity.value(), proxy_event, invoke,
      [ex, format, refuse, next = std::move(next)](AuthOutcome<LambdaAuthorization> result) {
        if (!result.ok()) return refuse(result.failure());
        ex->authorizer_principal = result.value().principal_id;
        ex->authorizer = LambdaContext(result.value(), format);
        next();
      });
}

}  // namespace kumo::apis

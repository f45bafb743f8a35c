#!/usr/bin/env bash
# Deploys the notes example to Kumo (or any endpoint speaking the AWS APIs)
# with the AWS CLI: a DynamoDB table, the function (its code zipped from
# index.js, the table's name in NOTES_TABLE), and an HTTP API with one route
# per operation on a $default stage that deploys itself. Prints the API's
# id on the first line of stdout and its URL on the second; progress goes
# to stderr.
#   examples/http-api-tables/deploy.sh http://127.0.0.1:4566 [name]
# `name` (default "notes") names the table, the function and the API.
# Without credentials in the environment it uses test/test (Kumo with
# --auth off accepts any).
set -euo pipefail
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: $0 ENDPOINT [NAME]" >&2
  exit 2
fi
endpoint=$1
name=${2:-notes}
here="$(cd "$(dirname "$0")" && pwd)"
export AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID:-test}
export AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY:-test}
export AWS_DEFAULT_REGION=${AWS_DEFAULT_REGION:-${AWS_REGION:-us-east-1}}
export AWS_PAGER=""
aws_() { aws --endpoint-url "$endpoint" --output text "$@"; }
say() { echo "deploy.sh: $*" >&2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

say "table $name"
aws_ dynamodb create-table --table-name "$name" \
  --attribute-definitions AttributeName=id,AttributeType=S \
  --key-schema AttributeName=id,KeyType=HASH \
  --billing-mode PAY_PER_REQUEST >/dev/null
aws_ dynamodb wait table-exists --table-name "$name"

say "function $name"
(cd "$here" && zip -qX "$work/function.zip" index.js)
function_arn=$(aws_ lambda create-function --function-name "$name" \
  --runtime nodejs20.x --handler index.handler \
  --role "arn:aws:iam::000000000000:role/$name" \
  --zip-file "fileb://$work/function.zip" \
  --environment "Variables={NOTES_TABLE=$name}" \
  --query FunctionArn)
aws_ lambda wait function-active --function-name "$name"

say "HTTP API $name"
api_id=$(aws_ apigatewayv2 create-api --name "$name" --protocol-type HTTP --query ApiId)
integration_id=$(aws_ apigatewayv2 create-integration --api-id "$api_id" \
  --integration-type AWS_PROXY --integration-uri "$function_arn" \
  --payload-format-version 2.0 --query IntegrationId)
for route in "POST /notes" "GET /notes" "GET /notes/{id}" "DELETE /notes/{id}"; do
  aws_ apigatewayv2 create-route --api-id "$api_id" --route-key "$route" \
    --target "integrations/$integration_id" >/dev/null
done
aws_ apigatewayv2 create-stage --api-id "$api_id" --stage-name '$default' --auto-deploy >/dev/null
# On AWS, API Gateway may invoke the function only with this permission.
account=$(cut -d: -f5 <<<"$function_arn")
aws_ lambda add-permission --function-name "$name" --statement-id "$name-http-api" \
  --action lambda:InvokeFunction --principal apigateway.amazonaws.com \
  --source-arn "arn:aws:execute-api:$AWS_DEFAULT_REGION:$account:$api_id/*" >/dev/null

echo "$api_id"
aws_ apigatewayv2 get-api --api-id "$api_id" --query ApiEndpoint

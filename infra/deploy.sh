#!/usr/bin/env bash
# Stands the hub up in Azure, or updates it: the infrastructure (main.bicep with env/<env>/main.bicepparam), the two
# secrets in Key Vault (created the first time only, never printed), then the app package (self-contained linux-x64,
# host.json + one folder per function + the Integration.Functions executable), and waits until the hub is ready.
#   infra/deploy.sh <dev|prod> <resource-group> [location]
# Needs: az (logged in: az login), the .NET SDK, zip, openssl, curl. See infra/README.md.
set -euo pipefail
env=${1:?usage: infra/deploy.sh <dev|prod> <resource-group> [location]}
group=${2:?usage: infra/deploy.sh <dev|prod> <resource-group> [location]}
location=${3:-}
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

if [ -n "$location" ]; then az group create --name "$group" --location "$location" --output none; fi

# The person deploying may set the secrets (Key Vault Secrets Officer), unless HUB_OPERATOR_PRINCIPAL_ID names a group.
if [ -z "${HUB_OPERATOR_PRINCIPAL_ID:-}" ]; then
  HUB_OPERATOR_PRINCIPAL_ID=$(az ad signed-in-user show --query id --output tsv)
  export HUB_OPERATOR_PRINCIPAL_TYPE=User
fi
export HUB_OPERATOR_PRINCIPAL_ID

echo "infrastructure: $group ($env)"
outputs=$(az deployment group create --resource-group "$group" --name "hub-$env" \
  --template-file infra/main.bicep --parameters "infra/env/$env/main.bicepparam" \
  --query properties.outputs --output json)
out() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1']['value'])" <<< "$outputs"; }
app=$(out functionAppName); vault=$(out vaultName); url=$(out hubUrl)

# Secrets: made here the first time, kept afterwards (rotation: infra/README.md). Role assignments can take a minute.
ensure_secret() {
  local name=$1 value=$2
  for _ in $(seq 1 12); do
    if az keyvault secret show --vault-name "$vault" --name "$name" --query id --output none 2>/dev/null; then return 0; fi
    if az keyvault secret set --vault-name "$vault" --name "$name" --value "$value" --output none 2>/dev/null; then
      echo "secret $name created in $vault"; return 0
    fi
    sleep 10
  done
  echo "could not read or write secret $name in $vault (Key Vault Secrets Officer?)" >&2; return 1
}
ensure_secret hub-secrets-key "$(openssl rand -base64 32)"
ensure_secret hub-admin-secret "whsec_$(openssl rand -base64 32)"

echo "app: $app"
rm -rf artifacts/publish artifacts/hub.zip
dotnet publish functions/Integration.Functions/Integration.Functions.csproj -c Release -r linux-x64 --self-contained \
  -o artifacts/publish --nologo -v quiet
(cd artifacts/publish && zip -qr ../hub.zip .)
az functionapp deployment source config-zip --resource-group "$group" --name "$app" --src artifacts/hub.zip --output none
az functionapp restart --resource-group "$group" --name "$app" --output none

for _ in $(seq 1 60); do
  if curl -sf "$url/health/ready" > /dev/null; then echo "ready: $url"; exit 0; fi
  sleep 5
done
echo "the hub did not become ready at $url/health/ready; see Application Insights (traces) for why" >&2
exit 1

#!/usr/bin/env bash
# Runs the hub on this machine against Azurite, standalone (its own queue and timer loops), at http://127.0.0.1:7071.
#   scripts/run.sh           start Azurite (scripts/azurite.sh) and the hub; Ctrl-C stops both
#   scripts/run.sh --demo    the same, then load a small synthetic province and replay a few days of its feeds
# The provincial centre's partner is Hub__Admin__PartnerId / Hub__Admin__Secret (development defaults below).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
export ASPNETCORE_ENVIRONMENT=${ASPNETCORE_ENVIRONMENT:-Development}
export Hub__Admin__PartnerId=${Hub__Admin__PartnerId:-province-admin}
export Hub__Admin__Secret=${Hub__Admin__Secret:-whsec_ZGV2ZWxvcG1lbnQtb25seS1wcm92aW5jZS1hZG1pbi1zZWNyZXQ=}
export Hub__Storage__ConnectionString=${Hub__Storage__ConnectionString:-UseDevelopmentStorage=true}
export Hub__Telemetry__Console=${Hub__Telemetry__Console:-false}
url=${HUB_URL:-http://127.0.0.1:7071}
configuration=${CONFIGURATION:-Release}

scripts/setup.sh
dotnet build Integration.sln -c "$configuration" --nologo -v quiet
scripts/azurite.sh --background
azurite_pid=$(cat "${AZURITE_LOCATION:-$repo/.azurite}/azurite.pid")
hub_pid=""
cleanup() { [ -n "$hub_pid" ] && kill "$hub_pid" 2>/dev/null; kill "$azurite_pid" 2>/dev/null; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

dotnet "functions/Integration.Functions/bin/$configuration/net10.0/Integration.Functions.dll" --urls "$url" &
hub_pid=$!
for _ in $(seq 1 150); do
  curl -sf "$url/api/health/ready" > /dev/null && break
  sleep 0.2
done
curl -sf "$url/api/health/ready" > /dev/null || { echo "The hub did not become ready." >&2; exit 1; }
echo "The hub is ready at $url (partner API description: $url/api/openapi/v1.json)."

if [ "${1:-}" = "--demo" ]; then
  dotnet "tests/Integration.Load/bin/$configuration/net10.0/Integration.Load.dll" demo --url "$url"
fi
wait "$hub_pid"

#!/usr/bin/env bash
# Runs the hub on this machine against Azurite, standalone (its own queue and timer loops), at http://127.0.0.1:7071.
#   scripts/run.sh           start Azurite (scripts/azurite.sh) and the hub; Ctrl-C or TERM stops the hub, then Azurite
#   scripts/run.sh --demo    the same, then load a small synthetic province and replay a few days of its feeds; the
#                            console's address and the demo accounts are the last lines it prints
# The hub's information logs go to hub.log beside Azurite's data (.azurite/ unless AZURITE_LOCATION); its warnings and
# errors stay on the terminal. The provincial centre's partner in Development is in
# functions/Integration.Functions/appsettings.Development.json (Hub__Admin__PartnerId / Hub__Admin__Secret override it).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
export ASPNETCORE_ENVIRONMENT=${ASPNETCORE_ENVIRONMENT:-Development}
export Hub__Storage__ConnectionString=${Hub__Storage__ConnectionString:-UseDevelopmentStorage=true}
export Hub__Telemetry__Console=${Hub__Telemetry__Console:-false}
# Information to standard output (the log file), warnings and errors to standard error (the terminal).
export Logging__Console__LogToStandardErrorThreshold=${Logging__Console__LogToStandardErrorThreshold:-Warning}
url=${HUB_URL:-http://127.0.0.1:7071}
configuration=${CONFIGURATION:-Release}
location=${AZURITE_LOCATION:-$repo/.azurite}

scripts/setup.sh
echo "Building the hub ($configuration) ..."
dotnet build Integration.sln -c "$configuration" --nologo -v quiet -tl:off -clp:NoSummary
scripts/azurite.sh --background
azurite_pid=$(cat "$location/azurite.pid")
hub_pid=""

# The hub stops first (it finishes or hands back what it holds, within its shutdown time), Azurite after it. Both run in
# sessions of their own, so that Ctrl-C on the terminal reaches this script only and the order holds.
stopped=""
stop() {
  [ -n "$stopped" ] && return
  stopped=1
  if [ -n "$hub_pid" ] && kill -0 "$hub_pid" 2>/dev/null; then
    echo "Stopping the hub ..."
    kill -TERM "$hub_pid" 2>/dev/null || true
    for _ in $(seq 1 150); do kill -0 "$hub_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$hub_pid" 2>/dev/null || true
  fi
  if kill -0 "$azurite_pid" 2>/dev/null; then
    echo "Stopping Azurite ..."
    kill -TERM "$azurite_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$azurite_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$azurite_pid" 2>/dev/null || true
  fi
}
trap stop EXIT
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM

# The demo province replays last year's feeds too (the hub's own record of last year, which R1 and R12 compare with):
# its hub takes events up to 900 days old (the default is 400).
if [ "${1:-}" = "--demo" ]; then export Hub__Feeds__MaxAge=${Hub__Feeds__MaxAge:-900.00:00:00}; fi
setsid dotnet "functions/Integration.Functions/bin/$configuration/net10.0/Integration.Functions.dll" --urls "$url" > "$location/hub.log" &
hub_pid=$!
for _ in $(seq 1 300); do
  curl -sf "$url/api/health/ready" > /dev/null && break
  kill -0 "$hub_pid" 2>/dev/null || { echo "The hub stopped while starting; see $location/hub.log" >&2; exit 1; }
  sleep 0.2
done
curl -sf "$url/api/health/ready" > /dev/null || { echo "The hub did not become ready; see $location/hub.log" >&2; exit 1; }
echo "The hub is ready at $url (logs: $location/hub.log; Ctrl-C stops the hub, then Azurite)."
echo "  console: $url/console/   partner API guide: $url/api/docs/partner-api.md   API explorer: $url/api/openapi/docs"

if [ "${1:-}" = "--demo" ]; then
  dotnet "tests/Integration.Load/bin/$configuration/net10.0/Integration.Load.dll" demo --url "$url"
fi
# Waits in the background so that a signal is taken at once.
wait "$hub_pid" || true

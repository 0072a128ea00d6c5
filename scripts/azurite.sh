#!/usr/bin/env bash
# Starts Azurite, the local Azure Storage emulator, from the project's pinned npm lock (package-lock.json).
# Usage: scripts/azurite.sh [--background]   Ports: AZURITE_BLOB_PORT/QUEUE_PORT/TABLE_PORT (default 10000-10002),
# data in AZURITE_LOCATION (default .azurite/ in the repo).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
scripts/setup.sh
location=${AZURITE_LOCATION:-$repo/.azurite}
mkdir -p "$location"
args=(--silent --skipApiVersionCheck --disableTelemetry --location "$location"
  --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1
  --blobPort "${AZURITE_BLOB_PORT:-10000}" --queuePort "${AZURITE_QUEUE_PORT:-10001}" --tablePort "${AZURITE_TABLE_PORT:-10002}")
if [ "${1:-}" = "--background" ]; then
  # A session of its own: Ctrl-C on the terminal of scripts/run.sh reaches that script, which stops the hub first.
  setsid node node_modules/azurite/dist/src/azurite.js "${args[@]}" > "$location/azurite.log" 2>&1 &
  echo $! > "$location/azurite.pid"
  for _ in $(seq 1 100); do
    if (exec 3<>/dev/tcp/127.0.0.1/"${AZURITE_TABLE_PORT:-10002}") 2>/dev/null; then exit 0; fi
    sleep 0.1
  done
  echo "Azurite did not start; see $location/azurite.log" >&2
  exit 1
fi
exec node node_modules/azurite/dist/src/azurite.js "${args[@]}"

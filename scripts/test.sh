#!/usr/bin/env bash
# Runs every test: installs what the project needs from its own files (Azurite from the npm lock, NuGet packages
# from the projects), builds, and runs the unit tests and the end-to-end tests (which start their own Azurite and hubs
# on free loopback ports, with table, queue and container names unique to the run).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
scripts/setup.sh
dotnet test --solution Integration.sln -c Release "$@"

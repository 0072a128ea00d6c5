#!/usr/bin/env bash
# Runs every test: installs what the project needs from its own files (Azurite and the front-end assets from the npm
# lock, Debian's chromium and fonts-noto-cjk, NuGet packages exactly as the projects' packages.lock.json say), builds,
# and runs the unit tests and the end-to-end tests (which start their own Azurite and hubs on free loopback ports, with
# table, queue and container names unique to the run).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
scripts/setup.sh
# Locked mode: a package version that is not the lock file's, or a package the registry no longer serves, fails here
# with NuGet's own message rather than later or not at all.
dotnet restore Integration.sln --locked-mode --nologo -v quiet
# A test that hangs fails the run naming itself (tests/HangTimeout.cs: 5 minutes per test); a hang outside any test
# (a class's set-up or clean-up) ends the test application after --timeout, failing the run, rather than keeping CI
# waiting for ever. The project's choice: the whole end-to-end suite takes about 15 minutes on 2 cores.
dotnet test --solution Integration.sln -c Release --no-restore --timeout 45m "$@"

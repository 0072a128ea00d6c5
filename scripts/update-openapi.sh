#!/usr/bin/env bash
# Writes the OpenAPI document the running hub serves into functions/Integration.Functions/openapi.v1.json, after an
# intended change of the partner API (the test OpenApiTests holds the two equal).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
UPDATE_OPENAPI=1 dotnet test --project tests/Integration.Tests -c Release --filter-class "*OpenApiTests"

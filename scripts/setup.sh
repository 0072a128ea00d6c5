#!/usr/bin/env bash
# Installs what the project needs from its own files: Azurite from the pinned npm lock, and Debian's Chromium with CJK
# fonts for the browser tests of the HTML reports. Idempotent and quick when done.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
if [ ! -x node_modules/.bin/azurite ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
if ! command -v chromium > /dev/null || [ ! -d /usr/share/fonts/opentype/noto ]; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq > /dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk > /dev/null
fi

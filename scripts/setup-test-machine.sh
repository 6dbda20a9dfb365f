#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian machine: the real Kafka clients the broker is
# tested against (kcat and the Python clients, from Debian), Chromium for the browser tests, and the
# npm packages. Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

export DEBIAN_FRONTEND=noninteractive
need_apt=()
command -v kcat >/dev/null || need_apt+=(kcat)
/usr/bin/python3 -c 'import kafka' 2>/dev/null || need_apt+=(python3-kafka)
/usr/bin/python3 -c 'import confluent_kafka' 2>/dev/null || need_apt+=(python3-confluent-kafka)
# code-server (the real VS Code the extension's end-to-end tests drive) builds native modules against
# these, searches with Debian's ripgrep, and is driven in Debian's Chromium.
command -v rg >/dev/null || need_apt+=(ripgrep)
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
for pkg in libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq "${need_apt[@]}"
fi

npm ci --no-audit --no-fund
bash scripts/setup-code-server.sh

#!/usr/bin/env bash
# Installs code-server 4.100.3 (VS Code 1.100.3 served to a browser) into a cache folder outside the
# repo, for the end-to-end tests in test/vscode-e2e/. The machines reach only the npm registry and
# Debian, so the package's own postinstall (which downloads ripgrep from GitHub) is skipped and its
# steps are done by hand, as /work/shared/docs/vscode-e2e.md describes. Safe to run again: it does
# nothing when the installed copy already answers --version.
#
# Needs the Debian packages libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev ripgrep (installed
# by scripts/setup-test-machine.sh) and a C++ toolchain for node-gyp.
set -euo pipefail

version=4.100.3
cache="${MEDALLION_CACHE:-$HOME/.cache/medallion}"
root="$cache/code-server-$version"
entry="$root/node_modules/code-server/out/node/entry.js"

if [ -f "$entry" ] && node "$entry" --version 2>/dev/null | grep -q "^$version"; then
  echo "code-server $version is installed in $root"
  exit 0
fi

export npm_config_yes=true npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
mkdir -p "$root"
cd "$root"
[ -f package.json ] || echo '{ "name": "medallion-code-server", "private": true }' > package.json
npm install --ignore-scripts --no-save "code-server@$version"

cd "$root/node_modules/code-server/lib/vscode"
npm install --ignore-scripts --omit=dev
npm rebuild @parcel/watcher @vscode/spdlog kerberos native-watchdog node-pty @vscode/deviceid
mkdir -p node_modules/@vscode/ripgrep/bin
cp "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
ln -sfn node_modules node_modules.asar

cd "$root/node_modules/code-server/lib/vscode/extensions"
npm install --ignore-scripts --omit=dev

cd "$root"
npm rebuild argon2

node "$entry" --version
echo "code-server $version is installed in $root"

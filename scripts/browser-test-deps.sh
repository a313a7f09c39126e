#!/usr/bin/env bash
# Installs what the portal's real-browser tests need, when missing: Debian's `chromium`, the
# pinned `playwright-core` and the pinned `axe-core` (the accessibility audit), both from
# crates/web/e2e/package-lock.json (no browser download: the tests launch /usr/bin/chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/chromium ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
if ! command -v npm >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
if [ ! -d crates/web/e2e/node_modules/playwright-core ] || [ ! -d crates/web/e2e/node_modules/axe-core ]; then
  (cd crates/web/e2e && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
fi
echo "browser tests ready: $(/usr/bin/chromium --version 2>/dev/null), playwright-core $(node -p "require('./crates/web/e2e/node_modules/playwright-core/package.json').version"), axe-core $(node -p "require('./crates/web/e2e/node_modules/axe-core/package.json').version")"

#!/usr/bin/env bash
# Copies the web UI's third-party libraries from the pinned npm install (.ci/ui/package-lock.json) into
# api/wwwroot/vendor, where the UI loads them as ES modules from its own origin (no CDN, no build step).
# Run it after changing a version in .ci/ui/package.json, then commit package-lock.json and api/wwwroot/vendor.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --loglevel=error
out=../../api/wwwroot/vendor
rm -rf "$out"
mkdir -p "$out"
# The source-map comment is dropped: the maps are not shipped, and a comment pointing at a missing file is a 404.
strip_map() { sed '/^\/\/# sourceMappingURL=/d' "$1" > "$2"; }
strip_map node_modules/markdown-it/dist/browser/markdown-it.esm.min.mjs "$out/markdown-it.js"
strip_map node_modules/dompurify/dist/purify.es.mjs "$out/purify.js"
cp node_modules/markdown-it/LICENSE "$out/markdown-it.LICENSE"
cp node_modules/dompurify/LICENSE "$out/dompurify.LICENSE"
{
  echo "Vendored by .ci/ui/vendor.sh from npm (versions pinned in .ci/ui/package-lock.json):"
  for p in markdown-it dompurify; do echo "  $p $(node -p "require('./node_modules/$p/package.json').version")"; done
} > "$out/VERSIONS.txt"
echo "vendored into api/wwwroot/vendor:"; cat "$out/VERSIONS.txt"

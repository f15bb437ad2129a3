#!/usr/bin/env bash
# Sets up what the tests need on a fresh Debian 12 machine with the .NET 10 SDK, then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

if [ ! -d ../shared/data ] && [ -z "${KB_SHARED_DATA:-}" ]; then
  echo "The tests need the shared Korean data set at ../shared/data (or KB_SHARED_DATA)." >&2
  exit 1
fi

# Servers the production-path tests start on loopback (each test starts its own, in a temp folder), and Debian's
# Chromium with Korean fonts for the browser tests (without fonts-nanum Korean renders as boxes).
packages=()
[ -x /usr/lib/postgresql/15/bin/initdb ] || packages+=(postgresql)
[ -x /usr/bin/redis-server ] || packages+=(redis-server)
[ -x /usr/bin/chromium ] || packages+=(chromium)
compgen -G "/usr/share/fonts/truetype/nanum/*.ttf" >/dev/null || packages+=(fonts-nanum)
if [ ${#packages[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${packages[@]}"
fi

# ChromaDB, s3rver, oidc-provider and smtp-server come from npm, pinned in .ci/servers/package-lock.json.
if [ ! -d .ci/servers/node_modules/s3rver ] || [ ! -d .ci/servers/node_modules/chromadb ] || [ ! -d .ci/servers/node_modules/oidc-provider ] \
  || [ ! -d .ci/servers/node_modules/smtp-server ]; then
  (cd .ci/servers && npm ci --no-audit --no-fund --loglevel=error)
fi

# axe-core for the browser tests' accessibility checks (and the UI's vendored libraries), pinned in .ci/ui/package-lock.json.
if [ ! -f .ci/ui/node_modules/axe-core/axe.min.js ]; then
  (cd .ci/ui && npm ci --no-audit --no-fund --loglevel=error)
fi

dotnet build Cluster.sln -c Release -nologo -clp:ErrorsOnly

log=$(mktemp)
set +e
dotnet test Cluster.sln -c Release --no-build -nologo --logger "console;verbosity=normal" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# One closing line for the whole run, summed over the test projects' summaries ("Total tests: N / Passed: N / Failed: N").
awk '/^ *Passed: *[0-9]+ *$/ { p += $2 } /^ *Failed: *[0-9]+ *$/ { f += $2 }
     END { printf "tests: %d passed, %d failed\n", p, f }' "$log"
rm -f "$log"
exit "$status"

#!/usr/bin/env bash
# The production topology on this machine, on loopback: Redis, PostgreSQL, ChromaDB, s3rver, 3 silos, 2 api processes
# (needs redis-server, postgresql and `npm ci` in .ci/servers, as .ci/test.sh installs). Ctrl+C stops all of it.
#   deploy/local-cluster.sh [--silos N] [--apis N] [--no-chroma]
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build tests/LocalCluster -c Release -nologo -clp:ErrorsOnly
exec dotnet tests/LocalCluster/bin/Release/net10.0/KnowledgeBase.LocalCluster.dll "$@"

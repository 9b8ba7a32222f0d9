#!/usr/bin/env bash
# API throughput benchmark: Berth vs moto_server, SigV4-signed, driven by wrk (see bench/api-throughput.ts).
# Needs a build (`make bench` does it first), wrk (installed here from Debian if missing) and moto_server on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true

if ! command -v wrk >/dev/null 2>&1; then
  echo "bench: installing wrk (Debian package)" >&2
  apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
fi
if [ ! -x /usr/sbin/nginx ] && ! command -v nginx >/dev/null 2>&1; then
  echo "bench: installing nginx-light (Debian package; the load balancer's peer)" >&2
  apt-get install -y nginx-light >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y nginx-light >/dev/null; }
fi
if [ ! -f /usr/lib/nginx/modules/ngx_stream_module.so ]; then
  echo "bench: installing libnginx-mod-stream (Debian package; the network load balancer's peer, a plain TCP proxy)" >&2
  apt-get install -y libnginx-mod-stream >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y libnginx-mod-stream >/dev/null; }
fi
if [ ! -x /usr/bin/docker-registry ]; then
  echo "bench: installing docker-registry (Debian package, CNCF distribution; the registry's peer)" >&2
  apt-get install -y docker-registry >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y docker-registry >/dev/null; }
fi
if ! command -v moto_server >/dev/null 2>&1; then
  echo "bench: moto_server is not on PATH (pip install 'moto[server]')" >&2
  exit 1
fi
if [ ! -f dist/cli/main.js ]; then
  echo "bench: no build found, building" >&2
  npx tsc -p tsconfig.build.json
fi

node --import tsx bench/api-throughput.ts "$@"
node --import tsx bench/placement-throughput.ts
node --import tsx bench/service-controller.ts
LB_NODE_BASELINES=1 node --import tsx bench/lb-throughput.ts
if docker info >/dev/null 2>&1; then
  node --import tsx bench/task-startup.ts
  node --import tsx bench/service-rollout.ts
  node --import tsx bench/registry-push-pull.ts
else
  echo "bench: no Docker engine (scripts/docker-setup.sh); task-startup, service-rollout and registry-push-pull skipped" >&2
fi

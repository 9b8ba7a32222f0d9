#!/usr/bin/env bash
# Brings in the real clients the tests drive, from Debian's packages, when this is Debian and we are
# root (as on CI). Elsewhere it says what is missing; the tests that need it are then skipped.
set -euo pipefail
missing=()
[ -x /usr/bin/aws ] || missing+=(awscli)
[ -x /usr/bin/skopeo ] || missing+=(skopeo)
[ "${#missing[@]}" -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "installing Debian packages for the tests: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "note: ${missing[*]} not installed (Debian packages); the tests that drive them are skipped" >&2
fi

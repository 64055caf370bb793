#!/usr/bin/env bash
# Installs what rezago needs from Debian's packages, then builds and installs
# the extension into the PostgreSQL of $PG_CONFIG (default: the system's 15).
# Run as root on Debian 12.  Extra Debian packages may be named as arguments.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(make gcc python3 postgresql-15 postgresql-server-dev-15 postgresql-15-postgis-3 libgeos-dev postgresql-common)
# base R: the independent oracle of the audit functions (test/checks/audit_r.sh)
packages+=(r-base-core)
packages+=("$@")
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
fi
PG_CONFIG=${PG_CONFIG:-pg_config}
make -s clean PG_CONFIG="$PG_CONFIG" >/dev/null 2>&1 || true
make -s PG_CONFIG="$PG_CONFIG" ${REZAGO_MAKEFLAGS:-}
make -s install PG_CONFIG="$PG_CONFIG" >/dev/null
echo "setup: rezago built and installed into $("$PG_CONFIG" --pkglibdir)"

#!/usr/bin/env bash
# with_cluster.sh COMMAND...: runs COMMAND against a throwaway PostgreSQL
# cluster made with the binaries of $PG_CONFIG (default: pg_config on PATH),
# like pg_virtualenv -t but for any installation, including a private copy of
# PostgreSQL used to test a build without touching the system one.
# Exports PGHOST, PGPORT, PGUSER, PGDATABASE for COMMAND; extra server
# settings can be passed in REZAGO_SERVER_OPTS ("-c name=value ...").
# The server log is printed when COMMAND fails.
set -euo pipefail
PG_CONFIG=${PG_CONFIG:-pg_config}
bindir=$("$PG_CONFIG" --bindir)
dir=$(mktemp -d /tmp/rezago-cluster.XXXXXX)
chmod 755 "$dir"
as_owner=()
if [ "$(id -u)" = 0 ]; then
    chown postgres: "$dir"
    as_owner=(runuser -u postgres --)
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"${as_owner[@]}" "$bindir/initdb" -D "$dir/data" -U postgres -A trust --no-sync -E UTF8 --locale=C.UTF-8 >/dev/null
"${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-p $port -k $dir -c listen_addresses='' -c fsync=off ${REZAGO_SERVER_OPTS:-}" start >/dev/null
cleanup() {
    "${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$dir"
}
trap cleanup EXIT
export PGHOST=$dir PGPORT=$port PGUSER=postgres PGDATABASE=postgres REZAGO_SERVER_LOG=$dir/server.log
export PATH="$bindir:$PATH"
rc=0
"$@" || rc=$?
if [ $rc != 0 ]; then
    echo "*** with_cluster: command failed ($rc); server log tail:"
    tail -n 40 "$dir/server.log" || true
fi
exit $rc

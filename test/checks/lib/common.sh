# Helpers for test/checks/*.sh (sourced; not a check itself).  The runner
# calls each check inside a throwaway cluster (test/with_cluster.sh), with
# PGHOST, PGPORT, PGUSER, PG_CONFIG, REZAGO_DATA and REZAGO_SERVER_LOG set.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
lib=$top/test/checks/lib
fixtures=$top/test/fixtures
PG_CONFIG=${PG_CONFIG:-pg_config}
export PATH="$("$PG_CONFIG" --bindir):$PATH"
: "${PGHOST:?run this check through test/with_cluster.sh (or test/run_tests.sh)}"
# absolute, because checks change directory before reading it
export REZAGO_DATA=$(realpath -m "${REZAGO_DATA:-$top/../shared/data}")

say() { echo "[$(basename "$0" .sh)] $*"; }
fail() { echo "[$(basename "$0" .sh)] FAILED: $*" >&2; exit 1; }
sql() { local db=$1; shift; psql -X -q -v ON_ERROR_STOP=1 -d "$db" "$@"; }

# need_command CMD PACKAGE: installs the Debian package when CMD is missing
# (as root), or fails saying what to install.
need_command() {
    command -v "$1" > /dev/null && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
        say "installing $2"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" > /dev/null 2>&1 \
            || { apt-get update -qq > /dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" > /dev/null; }
    fi
    command -v "$1" > /dev/null || fail "$1 is not installed (apt-get install $2)"
}

# have_real_data: true when $REZAGO_DATA has the files; says so loudly when not.
have_real_data() {
    if [ -f "$REZAGO_DATA/sinim_2019_2023.csv" ] && [ -f "$REZAGO_DATA/comunas_bcn.geojson" ]; then
        return 0
    fi
    echo "################################################################"
    echo "# $(basename "$0"): REAL DATA MISSING ($REZAGO_DATA): using synthetic data"
    echo "################################################################"
    if [ "${CI:-}" = true ]; then fail "real data missing under CI"; fi
    return 1
}

# load_data DB: real comunas, SINIM 2019-2023, methodology sinim4 and
# province territories when $REZAGO_DATA has them, else a synthetic set;
# either way also user-created rows of every kind (a dimension, a variable,
# a goalpost methodology, territories, geometries).
load_data() {
    local db=$1
    local log=${TMPDIR:-/tmp}/rezago-load-$db.log
    if have_real_data; then
        (cd "$fixtures" && sql "$db" -f load_real.sql) > "$log" 2>&1 \
            || { cat "$log"; fail "loading real data into $db"; }
    else
        (cd "$top" && sql "$db" -f "$fixtures/load_synthetic.sql") > "$log" 2>&1 \
            || { cat "$log"; fail "loading synthetic data into $db"; }
    fi
    sql "$db" -f "$fixtures/load_user_rows.sql" >> "$log" 2>&1 || { cat "$log"; fail "loading user rows into $db"; }
    rm -f "$log"
}

# schema_dump DB FILE: pg_dump -s without its random \restrict token
schema_dump() { pg_dump -s "$1" | grep -v '^\\\(un\)\?restrict ' > "$2"; }

# record_results DB FILE: one line per call of every reading function of the
# extension (see record_results.sql and record_calls.sql: also the aggregates
# and every view) and per extension table (row count and md5), sorted, so
# that two databases can be compared with diff.
# record_results DB FILE detail: one line per result row (see above).
# Further arguments go to psql: -v plan=parallel, -v only=REGEX, ... (see
# record_results.sql); pass "" as the third to keep digests.
record_results() {
    local db=$1 file=$2 detail=${3:-}
    shift $(($# < 3 ? $# : 3))
    sql "$db" -At ${detail:+-v detail=on} "$@" -f "$lib/record_results.sql" | LC_ALL=C sort > "$file"
    [ -s "$file" ] || fail "no results recorded from $db"
}

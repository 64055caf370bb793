# Shared by test/bench/parallel_callgrind.sh and audit_callgrind.sh (sourced,
# from the repository's top): instruction counts (valgrind --tool=callgrind)
# of a single-user backend, jit = off and no parallel workers, on a copy of
# a data directory prepared in a throwaway cluster.
#
#   callgrind_counts PG_CONFIG SETUP STATEMENT
#       SETUP: a shell command run from the top in a cluster of PG_CONFIG's
#       PostgreSQL (test/with_cluster.sh), which loads the data into the
#       database postgres.  Prints two numbers: the instructions of the first
#       STATEMENT of a session, and of one STATEMENT within a session (a
#       session of three minus one of one, halved), each after a session of
#       SELECT 1 alone is taken away.
run_as=(); [ "$(id -u)" = 0 ] && run_as=(runuser -u postgres --)

callgrind_session() {  # bindir datadir n statement -> instructions
    local out; out=$(mktemp /tmp/rezago-cg.XXXXXX); chmod 666 "$out"
    { echo "SELECT 1;"; for _ in $(seq "$3"); do echo "$4"; done; } |
        "${run_as[@]}" valgrind --tool=callgrind --callgrind-out-file="$out" "$1/postgres" --single \
            -D "$2" -c jit=off -c max_parallel_workers_per_gather=0 postgres >/dev/null 2>&1
    grep -m1 '^summary:' "$out" | awk '{print $2}'; rm -f "$out"
}

callgrind_counts() {
    local bindir dir i0 i1 i3
    bindir=$("$1" --bindir)
    dir=$(PG_CONFIG=$1 test/with_cluster.sh bash -c "$2"' &&
        psql -X -q -c CHECKPOINT && d=$(mktemp -d /tmp/rezago-cgdata.XXXXXX) && chmod 755 "$d" &&
        cp -a "$(psql -X -At -c "SHOW data_directory")" "$d/data" && echo "$d"' | tail -1)
    rm -f "$dir/data/postmaster.pid"; [ "$(id -u)" = 0 ] && chown -R postgres: "$dir"
    i0=$(callgrind_session "$bindir" "$dir/data" 0 "$3")
    i1=$(callgrind_session "$bindir" "$dir/data" 1 "$3")
    i3=$(callgrind_session "$bindir" "$dir/data" 3 "$3")
    rm -rf "$dir"
    echo $(( i1 - i0 )) $(( (i3 - i1) / 2 ))
}

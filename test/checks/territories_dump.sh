#!/usr/bin/env bash
# Territories across a dump/restore (run by test/run_tests.sh inside a fresh
# cluster; PGHOST/PGPORT/PGUSER are set):
#  1. territories written into a database get their geometry from the
#     triggers, and an explicit adjacency link joins an island;
#  2. pg_dump / restore into a new database: the explicit adjacency links
#     (user data) are kept, and the territory geometry (derived data, not
#     dumped) is rebuilt by the triggers while the members are restored.
# Synthetic squares, so it needs no real data.  Exits non-zero on any failure.
set -euo pipefail
q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
fail() { echo "territories_dump: FAILED: $*"; exit 1; }

createdb terr_src
q -d terr_src <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION postgis;
CREATE EXTENSION rezago;
INSERT INTO rezago.comuna (cut, name, provincia_code, geom)
SELECT 99101 + c, 'Cuadro ' || c, 991,
       ST_Multi(ST_MakeEnvelope(-70.00 + c * 0.01, -33.00, -69.99 + c * 0.01, -32.99, 4326))
FROM generate_series(0, 3) c;
INSERT INTO rezago.comuna (cut, name, provincia_code, geom) VALUES
    (99201, 'Isla', 992, ST_Multi(ST_MakeEnvelope(-70.50, -33.50, -70.49, -33.49, 4326)));
INSERT INTO rezago.territory (code, name) VALUES ('row', 'Fila'), ('ferry', 'Transbordador');
INSERT INTO rezago.territory_member VALUES ('row', 99101), ('row', 99102), ('row', 99103), ('ferry', 99101), ('ferry', 99201);
SQL
got=$(q -d terr_src -c "SELECT string_agg(territory || ':' || members || ':' || round((ST_Area(geom) * 1e4)::numeric, 2), ' ' ORDER BY territory) FROM rezago.territory_geometry")
[ "$got" = "ferry:2:2.00 row:3:3.00" ] || fail "geometry from the triggers: '$got'"
q -d terr_src -c "INSERT INTO rezago.adjacency_link VALUES (99101, 99201, 'ferry')"
got=$(q -d terr_src -c "SELECT string_agg(territory || '=' || contiguous, ' ' ORDER BY territory) FROM rezago.territory_contiguity()")
[ "$got" = "ferry=true row=true" ] || fail "contiguity with the link: '$got'"

createdb terr_dst
pg_dump -Fc terr_src > "${TMPDIR:-/tmp}/terr_src.$$.dump"
pg_restore -d terr_dst "${TMPDIR:-/tmp}/terr_src.$$.dump" || fail "pg_restore reported errors"
rm -f "${TMPDIR:-/tmp}/terr_src.$$.dump"
got=$(q -d terr_dst -c "SELECT count(*) || ' ' || string_agg(note, ',') FROM rezago.adjacency_link")
[ "$got" = "1 ferry" ] || fail "links after restore: '$got'"
got=$(q -d terr_dst -c "SELECT string_agg(territory || ':' || members || ':' || round((ST_Area(geom) * 1e4)::numeric, 2), ' ' ORDER BY territory) FROM rezago.territory_geometry")
[ "$got" = "ferry:2:2.00 row:3:3.00" ] || fail "geometry after restore: '$got'"
got=$(q -d terr_dst -c "SELECT string_agg(territory || '=' || contiguous, ' ' ORDER BY territory) FROM rezago.territory_contiguity()")
[ "$got" = "ferry=true row=true" ] || fail "contiguity after restore: '$got'"
echo "territories_dump: ok (triggers fill territory geometry; dump/restore keeps links, rebuilds geometry)"

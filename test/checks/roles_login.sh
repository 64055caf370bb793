#!/usr/bin/env bash
# The three kinds of user, through real logins (sql/security_roles.sql does
# the same with SET ROLE): roles made with the grant helpers connect with
# psql on data loaded from $REZAGO_DATA (synthetic when missing).
#   reader: reads tables and the index; cannot write or load
#   editor: loads observations, writes territories; cannot change a
#           methodology's weights
#   methodology owner: copies and edits a methodology; cannot load data
source "$(dirname "$0")/lib/common.sh"
createdb rezago_roles
sql rezago_roles -c "CREATE EXTENSION rezago CASCADE" 2>/dev/null
load_data rezago_roles
sql rezago_roles > /dev/null <<'SQL'
CREATE ROLE portal LOGIN;
CREATE ROLE loader LOGIN;
CREATE ROLE analyst LOGIN;
SELECT count(*) FROM rezago.grant_reader('portal');
SELECT count(*) FROM rezago.grant_editor('loader');
SELECT count(*) FROM rezago.grant_methodology_owner('analyst');
CREATE TABLE public.new_obs AS
SELECT cut, 'empresas' AS variable, 2023 AS period, cut % 13 + 0.5 AS value FROM rezago.comuna;
GRANT SELECT ON public.new_obs TO loader, portal, analyst;
SQL
as_role() { local role=$1; shift; psql -X -q -v ON_ERROR_STOP=1 -U "$role" -d rezago_roles -At "$@"; }
must_fail() {   # role, expected message fragment, SQL
    local out
    if out=$(as_role "$1" -c "$3" 2>&1); then fail "$1 could run: $3"; fi
    echo "$out" | grep -q "$2" || fail "$1: expected '$2', got: $out"
}

# reader
n=$(as_role portal -c "SELECT count(*) FROM rezago.territory_index(2023, 'sinim4') WHERE index IS NOT NULL")
[ "$n" -gt 0 ] || fail "portal sees no territory index"
must_fail portal "permission denied for table observation" "DELETE FROM rezago.observation"
must_fail portal "permission denied for function import_observations" "SELECT rezago.import_observations('public.new_obs')"
must_fail portal "permission denied for table methodology_variable" "UPDATE rezago.methodology_variable SET weight = 3"
say "reader: reads $n territory indices, cannot write or load"

# editor
[ "$(as_role loader -c "SELECT rezago.import_observations('public.new_obs')")" -gt 0 ] || fail "loader could not load"
as_role loader -c "INSERT INTO rezago.territory VALUES ('new_t', 'New')" \
          -c "INSERT INTO rezago.territory_member SELECT 'new_t', cut FROM rezago.comuna ORDER BY cut LIMIT 2"
must_fail loader "permission denied for table methodology_dimension" \
    "UPDATE rezago.methodology_dimension SET weight = 5 WHERE methodology = 'sinim4'"
must_fail loader "permission denied for function copy_methodology" "SELECT rezago.copy_methodology('sinim4', 'x')"
say "editor: loads observations and territories, cannot change a methodology"

# methodology owner
as_role analyst -c "SELECT rezago.copy_methodology('sinim4', 'analyst_m')" \
           -c "UPDATE rezago.methodology_dimension SET weight = 2 WHERE methodology = 'analyst_m' AND dimension = 'capital_social'" > /dev/null
w=$(as_role analyst -c "SELECT round(sum(effective_weight)::numeric, 12) FROM rezago.methodology_weights('analyst_m')")
[ "$w" = 1.000000000000 ] || fail "weights of the edited methodology sum to $w"
must_fail analyst "read-only" "UPDATE rezago.methodology_dimension SET weight = 2 WHERE methodology = 'ufro2017'"
must_fail analyst "permission denied for table observation" "DELETE FROM rezago.observation"
must_fail analyst "permission denied for function import_observations" "SELECT rezago.import_observations('public.new_obs')"
say "methodology owner: edits its methodology, not built-in rows nor data"

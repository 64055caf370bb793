#!/usr/bin/env bash
# Safe under concurrent use (issue 13): a portal reads while an editor loads.
# On data loaded with load_data (real SINIM data from $REZAGO_DATA, else
# synthetic), 8 reader clients call the portal views, their materialised
# copies, the GeoJSON, the vector tiles and territory_index for period 2023
# (methodology sinim4) for 20 s, while one writer alternately replaces the
# period with one of two known versions (import_observations(..., replace =>
# true)) and refreshes the materialised views concurrently.  Fails on any
# error, on any reader call whose result is not that of one of the two
# committed versions (a half-loaded period), when some query never saw both
# versions, or when a sample of pg_stat_activity shows a reader waiting on a
# lock of the writer.  Prints calls per second per query and in total, and
# the writer's cycles; speed is never asserted.  The driver, shared with the
# benchmark, is lib/concurrency_driver.sh (its header says how it works).
# To see this check fail: REZAGO_CONC_WRITER=nonatomic (delete, then insert
# in a second transaction) or blocking (refresh without CONCURRENTLY);
# REZAGO_CONC_SECONDS sets the run's length (default 20).
source "$(dirname "$0")/lib/concurrency_driver.sh"
run_concurrency --setup --seconds "${REZAGO_CONC_SECONDS:-20}" --writer "${REZAGO_CONC_WRITER:-atomic}" rezago_conc

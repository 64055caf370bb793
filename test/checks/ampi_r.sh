#!/usr/bin/env bash
# The adjusted Mazziotta-Pareto index (methodology.aggregation = 'ampi',
# doc/method.md 3.4) against base R (Debian's r-base-core), an oracle no one
# here wrote: the real SINIM data 2019-2023 (../shared/data, through the
# extension's loaders: load_data, methodology sinim4, three dimensions, some
# comunas without a score in one), copied with aggregation ampi, under
# min-max and under ranks.  The lag scores, weights and min_coverage are
# exported, and R recomputes from them, with its own code: each dimension
# score (weighted.mean over the scored variables, NA below min_coverage), the
# AMPI scale r = 70 + 60 s, M = weighted.mean(r, W), S2 = the weighted
# population variance, AMPI+ = M + S2/M, the index (AMPI+ - 70)/60, which
# comunas have none, and the ranks (rank(-index, ties.method = "min")).
# Agreement to 1e-12; ranks and unindexed comunas exactly.  Without the real
# data it says so loudly, and fails under CI=true.
source "$(dirname "$0")/lib/common.sh"
need_command Rscript r-base-core
have_real_data || { say "skipped: no real data"; exit 0; }

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
createdb rezago_ampi_r
load_data rezago_ampi_r
say "exporting lag scores, weights and the AMPI index (sinim4, 2019-2023; min-max and ranks)"
(cd "$out" && sql rezago_ampi_r <<'SQL') || fail "exporting"
SELECT rezago.copy_methodology('sinim4', 'minmax_ampi'), rezago.copy_methodology('sinim4', 'rank_ampi') \gset
UPDATE rezago.methodology SET aggregation = 'ampi' WHERE code IN ('minmax_ampi', 'rank_ampi');
UPDATE rezago.methodology SET normalisation = 'rank' WHERE code = 'rank_ampi';
CREATE TEMP TABLE runs AS SELECT m.code, p FROM unnest(ARRAY['minmax_ampi', 'rank_ampi']) m(code) CROSS JOIN generate_series(2019, 2023) p;
\copy (SELECT r.code || ' ' || r.p AS run, s.cut, w.dimension, s.score, w.variable_weight FROM runs r CROSS JOIN LATERAL rezago.comuna_lag_scores(r.p, r.code) s JOIN rezago.methodology_weights('sinim4') w USING (variable) WHERE s.score IS NOT NULL) TO 'scores.csv' CSV HEADER
\copy (SELECT DISTINCT dimension, dimension_weight FROM rezago.methodology_weights('sinim4')) TO 'dimensions.csv' CSV HEADER
\copy (SELECT min_coverage FROM rezago.methodology WHERE code = 'sinim4') TO 'coverage.csv' CSV HEADER
\copy (SELECT r.code || ' ' || r.p AS run, c.cut, c.index, c.rank FROM runs r CROSS JOIN LATERAL rezago.comuna_index(r.p, r.code) c) TO 'index.csv' CSV HEADER
SQL

say "recomputing in R ($(Rscript --version 2>&1 | head -1))"
(cd "$out" && Rscript --vanilla - <<'R') || fail "rezago and base R differ (see above)"
tol <- 1e-12
bad <- 0
sc <- read.csv("scores.csv", stringsAsFactors = FALSE)
dw <- read.csv("dimensions.csv", stringsAsFactors = FALSE)
mincov <- read.csv("coverage.csv")$min_coverage
ix <- read.csv("index.csv", stringsAsFactors = FALSE)
W <- setNames(dw$dimension_weight / sum(dw$dimension_weight), dw$dimension)
for (run in unique(ix$run)) {
  got <- ix[ix$run == run, ]
  s <- sc[sc$run == run, ]
  want <- sapply(got$cut, function(cut) {
    x <- s[s$cut == cut, ]
    d <- sapply(names(W), function(dim) {
      y <- x[x$dimension == dim, ]
      if (nrow(y) == 0 || sum(y$variable_weight) < mincov - 1e-12) NA
      else weighted.mean(y$score, y$variable_weight)
    })
    if (any(is.na(d))) return(NA)
    r <- 70 + 60 * d
    M <- weighted.mean(r, W)
    S2 <- sum(W * (r - M)^2) / sum(W)
    (M + S2 / M - 70) / 60
  })
  rk <- rep(NA, length(want))
  rk[!is.na(want)] <- rank(-want[!is.na(want)], ties.method = "min")
  none <- sum(is.na(want) != is.na(got$index))
  far <- sum(!is.na(want) & !is.na(got$index) & abs(want - got$index) > tol)
  ranks <- sum(!(is.na(rk) & is.na(got$rank)) & (is.na(rk) | is.na(got$rank) | rk != got$rank))
  cat(sprintf("%s: %d comunas, %d with an index, largest difference %.3g; %d unindexed differ, %d beyond %g, %d ranks differ\n",
              run, nrow(got), sum(!is.na(got$index)), max(abs(want - got$index), na.rm = TRUE), none, far, tol, ranks))
  bad <- bad + none + far + ranks
}
quit(status = if (bad == 0) 0 else 1)
R
dropdb rezago_ampi_r
say "the AMPI index of every comuna agrees with base R to 1e-12, ranks exactly"

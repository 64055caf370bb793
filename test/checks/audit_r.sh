#!/usr/bin/env bash
# The audit functions (issue 18) against base R, an oracle no one here wrote
# (Debian's r-base-core): the real data (../shared/data: the comunas, SINIM
# and the public index variables, methodology publico with vintages and
# provincial-median imputation, provinces as territories) are loaded through
# the extension's loaders; the values, lag scores, dimension scores and
# indices it reads are exported together with every audit result, and R
# recomputes each statistic from the exported inputs: quantile() (type 7),
# mean, sd, skewness G1 and excess kurtosis G2 written out in R, the IQR
# outliers, cor() (pearson, spearman, kendall), prcomp(scale. = TRUE) and
# eigen(cor()), Cronbach's alpha by the textbook formula, cov()/var() for the
# variance shares, and the Spearman and Kendall correlations of two
# methodologies' territory indices.  Agreement to 1e-9 (relative above 1).
# Without the real data it says so loudly, and fails under CI=true.
source "$(dirname "$0")/lib/common.sh"
need_command Rscript r-base-core
have_real_data || { say "skipped: no real data"; exit 0; }

db=rezago_audit_r
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dropdb --if-exists "$db" > /dev/null 2>&1 || true
createdb "$db"
log=$work/load.log
(cd "$fixtures" && sql "$db" -f load_real.sql && sql "$db" -f audit_real.sql) > "$log" 2>&1 || { cat "$log"; fail "loading the real data"; }

say "exporting inputs and audit results (publico, 2024)"
(cd "$work" && sql "$db" <<'SQL') || fail "exporting"
\copy (SELECT cut, variable, value, imputed FROM rezago.scoring_values(2024, 'publico')) TO 'values.csv' CSV HEADER
\copy (SELECT s.cut, s.variable, w.dimension, s.score, w.variable_weight, w.dimension_weight FROM rezago.comuna_lag_scores(2024, 'publico') s JOIN rezago.methodology_weights('publico') w USING (variable) WHERE s.score IS NOT NULL) TO 'scores.csv' CSV HEADER
\copy (SELECT cut, dimension, score FROM rezago.comuna_dimension_scores(2024, 'publico') WHERE score IS NOT NULL) TO 'dimensions.csv' CSV HEADER
\copy (SELECT cut, index FROM rezago.comuna_index(2024, 'publico') WHERE index IS NOT NULL) TO 'index.csv' CSV HEADER
\copy (SELECT a.territory, a.index AS a, b.index AS b FROM rezago.territory_index(2024, 'publico') a JOIN rezago.territory_index(2024, 'candidato') b USING (territory) WHERE a.index IS NOT NULL AND b.index IS NOT NULL) TO 'territories.csv' CSV HEADER
\copy (SELECT variable, n, min, max, mean, median, sd, skewness, excess_kurtosis, q1, q3, outliers_low, outliers_high, array_to_string(outlier_comunas, ' ') AS outlier_comunas FROM rezago.variable_statistics(2024, 'publico')) TO 'statistics.csv' CSV HEADER
\copy (SELECT m.method, c.variable, c.other_kind, c.other, c.n, c.correlation FROM unnest(ARRAY['pearson', 'spearman', 'kendall']) m(method) CROSS JOIN LATERAL rezago.variable_correlations(2024, 'publico', m.method) c) TO 'correlations.csv' CSV HEADER
\copy (SELECT * FROM rezago.dimension_reliability(2024, 'publico')) TO 'reliability.csv' CSV HEADER
\copy (SELECT variable, nominal_weight, variance_share FROM rezago.effective_weights('publico', 2024)) TO 'weights.csv' CSV HEADER
\copy (SELECT compared, spearman, kendall FROM rezago.compare_methodologies(2024, 'publico', 'candidato') WHERE territory IS NULL) TO 'compare.csv' CSV HEADER
SQL

say "recomputing in R ($(Rscript --version 2>&1 | head -1))"
(cd "$work" && Rscript --vanilla - <<'R') || fail "rezago and base R differ (see above)"
tol <- 1e-9
bad <- 0
checked <- 0
same <- function(what, got, want) {
  got <- as.numeric(got); want <- as.numeric(want)
  ok <- (is.na(got) & is.na(want)) |
        (!is.na(got) & !is.na(want) & abs(got - want) <= tol * pmax(1, abs(want)))
  checked <<- checked + length(ok)
  if (!all(ok)) {
    bad <<- bad + sum(!ok)
    cat(sprintf("DIFFER %s: rezago %s, R %s\n", what, format(got[!ok], digits = 17), format(want[!ok], digits = 17)))
  }
}
vals <- read.csv("values.csv"); scores <- read.csv("scores.csv")
dims <- read.csv("dimensions.csv"); idx <- read.csv("index.csv")

# 1. variable_statistics: observed values only (imputed values are not in
#    the reference population)
st <- read.csv("statistics.csv", stringsAsFactors = FALSE)
for (i in seq_len(nrow(st))) {
  v <- st$variable[i]
  obs <- vals[vals$variable == v & vals$imputed == "f", ]
  x <- obs$value; n <- length(x); m <- mean(x); s <- sd(x); z <- (x - m) / s
  q <- quantile(x, c(0.25, 0.5, 0.75), type = 7, names = FALSE)
  g1 <- n / ((n - 1) * (n - 2)) * sum(z^3)
  g2 <- n * (n + 1) / ((n - 1) * (n - 2) * (n - 3)) * sum(z^4) - 3 * (n - 1)^2 / ((n - 2) * (n - 3))
  lo <- q[1] - 1.5 * (q[3] - q[1]); hi <- q[3] + 1.5 * (q[3] - q[1])
  out <- sort(obs$cut[x < lo | x > hi])
  same(paste(v, "n"), st$n[i], n)
  same(paste(v, "min/max"), c(st$min[i], st$max[i]), range(x))
  same(paste(v, "mean/sd"), c(st$mean[i], st$sd[i]), c(m, s))
  same(paste(v, "quartiles"), c(st$q1[i], st$median[i], st$q3[i]), q)
  same(paste(v, "skewness/kurtosis"), c(st$skewness[i], st$excess_kurtosis[i]), c(g1, g2))
  same(paste(v, "outliers"), c(st$outliers_low[i], st$outliers_high[i]), c(sum(x < lo), sum(x > hi)))
  got <- if (is.na(st$outlier_comunas[i]) || st$outlier_comunas[i] == "") integer(0) else
    as.integer(strsplit(st$outlier_comunas[i], " ")[[1]])
  if (!identical(got, as.integer(out))) { bad <- bad + 1; cat("DIFFER", v, "outlier comunas\n") }
}

# 2. variable_correlations: every pair, each variable with its dimension
#    score and the index, pearson / spearman / kendall, complete pairs
cr <- read.csv("correlations.csv", stringsAsFactors = FALSE)
wide <- reshape(scores[, c("cut", "variable", "score")], idvar = "cut", timevar = "variable", direction = "wide")
other_values <- function(kind, other) {
  if (kind == "variable") { d <- scores[scores$variable == other, c("cut", "score")] }
  else if (kind == "dimension") { d <- dims[dims$dimension == other, c("cut", "score")] }
  else { d <- idx; names(d) <- c("cut", "score") }
  d
}
for (i in seq_len(nrow(cr))) {
  a <- scores[scores$variable == cr$variable[i], c("cut", "score")]
  b <- other_values(cr$other_kind[i], cr$other[i])
  j <- merge(a, b, by = "cut")
  r <- if (nrow(j) >= 2) suppressWarnings(cor(j$score.x, j$score.y, method = cr$method[i])) else NA
  same(paste(cr$method[i], cr$variable[i], cr$other[i]), c(cr$n[i], cr$correlation[i]), c(nrow(j), r))
}

# 3. dimension_reliability: alpha, eigen(cor()) and prcomp(scale. = TRUE)
rl <- read.csv("reliability.csv", stringsAsFactors = FALSE)
for (i in seq_len(nrow(rl))) {
  lv <- rl$level[i]
  long <- if (lv == "index") setNames(dims, c("cut", "item", "score")) else
    setNames(scores[scores$dimension == lv, c("cut", "variable", "score")], c("cut", "item", "score"))
  X <- reshape(long, idvar = "cut", timevar = "item", direction = "wide")
  X <- as.matrix(X[complete.cases(X), -1, drop = FALSE])
  k <- ncol(X)
  alpha <- if (k >= 2) k / (k - 1) * (1 - sum(apply(X, 2, var)) / var(rowSums(X))) else NA
  ev <- eigen(cor(X), symmetric = TRUE, only.values = TRUE)$values[1]
  pc <- prcomp(X, scale. = TRUE)$sdev^2
  same(paste(lv, "items/comunas"), c(rl$items[i], rl$comunas[i]), c(k, nrow(X)))
  same(paste(lv, "alpha"), rl$cronbach_alpha[i], alpha)
  same(paste(lv, "first eigenvalue (eigen)"), rl$first_eigenvalue[i], ev)
  same(paste(lv, "first component share (prcomp)"), rl$first_component_share[i], pc[1] / sum(pc))
}

# 4. effective_weights: cov(term, index) / var(index), terms from the scores
ew <- read.csv("weights.csv", stringsAsFactors = FALSE)
sc <- scores[scores$cut %in% idx$cut, ]
avail <- aggregate(variable_weight ~ cut + dimension, data = sc, FUN = sum)
sc <- merge(sc, setNames(avail, c("cut", "dimension", "available")))
sc$term <- sc$dimension_weight * sc$variable_weight / sc$available * sc$score
for (i in seq_len(nrow(ew))) {
  t <- merge(idx, sc[sc$variable == ew$variable[i], c("cut", "term")], all.x = TRUE)
  t$term[is.na(t$term)] <- 0
  same(paste(ew$variable[i], "variance share"), ew$variance_share[i], cov(t$term, t$index) / var(t$index))
}
same("variance shares sum", sum(ew$variance_share), 1)

# 5. compare_methodologies: Spearman and Kendall of the territory indices
tr <- read.csv("territories.csv"); cm <- read.csv("compare.csv")
same("compared", cm$compared, nrow(tr))
same("spearman", cm$spearman, cor(tr$a, tr$b, method = "spearman"))
same("kendall", cm$kendall, cor(tr$a, tr$b, method = "kendall"))

cat(sprintf("%d figures compared with base R to %g: %d differ\n", checked, tol, bad))
quit(status = if (bad == 0) 0 else 1)
R
dropdb "$db"
say "every audit figure agrees with base R to 1e-9"

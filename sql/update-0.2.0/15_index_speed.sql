/*
 * 15_index_speed: comuna_index and comuna_dimension_scores in one pass per
 * comuna (issue 5).  Same signatures, result columns and results as 0.1.0
 * (test/checks/upgrade.sh compares them on real data); what changes is the
 * plan:
 *   - the unit_* aggregates (src/index_unit.c) compute the whole index of a
 *     comuna in one group, instead of one group per comuna and dimension
 *     and then one per comuna; rezago.comuna_unit_states is that one
 *     aggregation, and comuna_index and comuna_dimension_scores apply the
 *     final functions they need to its states;
 *   - the *_values forms score raw observations themselves from a scoring
 *     table (rezago.variable_scoring), so comuna_index groups
 *     rezago.observation by comuna directly, read in comuna order from a new
 *     index (no hash table of every comuna, no sort);
 *   - the min and max of each variable (the min-max reference population)
 *     are two probes of the index on (period, variable, value).
 * Later fragments and 0.1.0 functions that call comuna_index or
 * comuna_dimension_scores (territory_index, the portal, status) bind to the
 * functions, not to their bodies, so they use the new bodies unchanged.
 * comuna_lag_scores is left as 60_security makes it.
 */

-- (period, variable, value): the rows of one variable and period in value
-- order, so that its min and max are two index probes
DROP INDEX rezago.observation_period_idx;
CREATE INDEX observation_period_idx ON rezago.observation (period, variable, value);
-- (period, cut, variable) with the value: a period's rows comuna by comuna,
-- so that comuna_index aggregates them as they are read, in parallel
-- workers too
CREATE INDEX observation_period_cut_idx ON rezago.observation (period, cut, variable) INCLUDE (value);

-- The whole index of one unit in one group: one row per variable of the
-- unit, one group per unit (comuna_index aggregates per comuna in a single
-- pass instead of per comuna and dimension, then per comuna).
CREATE FUNCTION rezago.unit_accum(double precision[], integer, integer, double precision,
                                  double precision, double precision, double precision)
RETURNS double precision[] AS 'MODULE_PATHNAME', 'rezago_unit_accum'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION rezago.unit_combine(double precision[], double precision[])
RETURNS double precision[] AS 'MODULE_PATHNAME', 'rezago_unit_combine'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION rezago.unit_index_final(double precision[])
RETURNS double precision AS 'MODULE_PATHNAME', 'rezago_unit_index'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION rezago.unit_dimension_scores_final(double precision[])
RETURNS double precision[] AS 'MODULE_PATHNAME', 'rezago_unit_dimension_scores'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION rezago.unit_dimension_coverage_final(double precision[])
RETURNS double precision[] AS 'MODULE_PATHNAME', 'rezago_unit_dimension_coverage'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION rezago.unit_missing_dimensions_final(double precision[])
RETURNS integer[] AS 'MODULE_PATHNAME', 'rezago_unit_missing_dimensions'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION rezago.unit_state_trim(double precision[])
RETURNS double precision[] AS 'MODULE_PATHNAME', 'rezago_unit_state_trim'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rezago.unit_state_trim(double precision[]) IS 'Final function of rezago.unit_state and unit_state_values: the state without its spare room, its rows sorted (so that the same rows give the same array in any order); not for direct use. A malformed or non-finite state: 22023.';
COMMENT ON FUNCTION rezago.unit_accum(double precision[], integer, integer, double precision, double precision, double precision, double precision) IS 'Transition function of the unit_* aggregates; not for direct use.';
COMMENT ON FUNCTION rezago.unit_combine(double precision[], double precision[]) IS 'Combine function of the unit_* aggregates (parallel aggregation); not for direct use.';
COMMENT ON FUNCTION rezago.unit_index_final(double precision[]) IS 'Final function of rezago.unit_index: what it gives, from a state of rezago.unit_state or unit_state_values. NULL state: NULL (strict); a malformed or non-finite state: 22023.';
COMMENT ON FUNCTION rezago.unit_dimension_scores_final(double precision[]) IS 'Final function of rezago.unit_dimension_scores: what it gives, from a state of rezago.unit_state or unit_state_values. NULL state: NULL (strict); a malformed or non-finite state: 22023.';
COMMENT ON FUNCTION rezago.unit_dimension_coverage_final(double precision[]) IS 'Final function of rezago.unit_dimension_coverage: what it gives, from a state of rezago.unit_state or unit_state_values. NULL state: NULL (strict); a malformed or non-finite state: 22023.';
COMMENT ON FUNCTION rezago.unit_missing_dimensions_final(double precision[]) IS 'Final function of rezago.unit_missing_dimensions: what it gives, from a state of rezago.unit_state or unit_state_values. NULL state: NULL (strict); a malformed or non-finite state: 22023.';

CREATE AGGREGATE rezago.unit_index(dimension integer, n_dimensions integer, score double precision,
                                   weight double precision, dimension_weight double precision,
                                   min_coverage double precision) (
    SFUNC = rezago.unit_accum, STYPE = double precision[], SSPACE = 640,
    FINALFUNC = rezago.unit_index_final, COMBINEFUNC = rezago.unit_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE rezago.unit_index(integer, integer, double precision, double precision, double precision, double precision) IS
'Lag index of one unit from one row per variable (METHOD.md 3.3-3.4): dimension numbered 1..n_dimensions, the lag score (NULL = missing), weight = the variable''s share of its dimension (a dimension''s weights sum to 1, so missing variables need no row), the dimension''s weight in the index, and min_coverage. Each dimension score is the weighted mean of its scored rows, NULL when their weight (the coverage) is below min_coverage; the index is the weighted mean of the n dimension scores, NULL when any is NULL or has no row. n_dimensions and min_coverage are constants of the group, dimension_weight of each dimension. Errors: NULL dimension, n_dimensions, weight, dimension_weight or min_coverage (22004); dimension outside 1..n_dimensions, n_dimensions outside 1..1000, NaN/infinite score, negative or non-finite weight, dimension_weight not positive, min_coverage outside [0,1], a constant that changes, rows of a dimension weighing more than 1 (22023). Weight 0 leaves a row out. Empty input: NULL.';

CREATE AGGREGATE rezago.unit_dimension_scores(dimension integer, n_dimensions integer, score double precision,
                                              weight double precision, dimension_weight double precision,
                                              min_coverage double precision) (
    SFUNC = rezago.unit_accum, STYPE = double precision[], SSPACE = 640,
    FINALFUNC = rezago.unit_dimension_scores_final, COMBINEFUNC = rezago.unit_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE rezago.unit_dimension_scores(integer, integer, double precision, double precision, double precision, double precision) IS
'The n dimension scores of one unit, as an array indexed by dimension number: element d is the weighted mean of the scored rows of dimension d, NULL when it has none or their coverage is below min_coverage. Inputs, NULL policy and errors as rezago.unit_index (shares its state).';

CREATE AGGREGATE rezago.unit_dimension_coverage(dimension integer, n_dimensions integer, score double precision,
                                                weight double precision, dimension_weight double precision,
                                                min_coverage double precision) (
    SFUNC = rezago.unit_accum, STYPE = double precision[], SSPACE = 640,
    FINALFUNC = rezago.unit_dimension_coverage_final, COMBINEFUNC = rezago.unit_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE rezago.unit_dimension_coverage(integer, integer, double precision, double precision, double precision, double precision) IS
'The coverage of each of the n dimensions of one unit (the weight of its scored rows, in [0,1]), as an array indexed by dimension number; NULL where the dimension has no row of positive weight. Inputs, NULL policy and errors as rezago.unit_index (shares its state).';

CREATE AGGREGATE rezago.unit_missing_dimensions(dimension integer, n_dimensions integer, score double precision,
                                                weight double precision, dimension_weight double precision,
                                                min_coverage double precision) (
    SFUNC = rezago.unit_accum, STYPE = double precision[], SSPACE = 640,
    FINALFUNC = rezago.unit_missing_dimensions_final, COMBINEFUNC = rezago.unit_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE rezago.unit_missing_dimensions(integer, integer, double precision, double precision, double precision, double precision) IS
'The numbers of the dimensions of one unit without a score (no row, nothing scored, or coverage below min_coverage), ascending; empty when the index can be computed. Inputs, NULL policy and errors as rezago.unit_index (shares its state).';

-- The same four aggregates from raw observations (src/index_unit.c: the
-- aggregate looks each row's variable up in the scoring table and scores
-- it), so that comuna_index groups rezago.observation itself by comuna.
CREATE FUNCTION rezago.unit_values_accum(double precision[], text, double precision, text[],
                                         double precision[], double precision)
RETURNS double precision[] AS 'MODULE_PATHNAME', 'rezago_unit_values_accum'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION rezago.unit_values_accum(double precision[], text, double precision, text[], double precision[], double precision) IS 'Transition function of the unit_*_values aggregates; not for direct use.';

CREATE AGGREGATE rezago.unit_index_values(variable text, value double precision, variables text[],
        scoring double precision[], min_coverage double precision) (
    SFUNC = rezago.unit_values_accum, STYPE = double precision[], SSPACE = 640,
    FINALFUNC = rezago.unit_index_final, COMBINEFUNC = rezago.unit_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE rezago.unit_index_values(text, double precision, text[], double precision[], double precision) IS
'What rezago.unit_index gives, from one row per raw observation of the unit: the variable''s code and its value, scored with the methodology''s scoring table (variables and scoring from rezago.variable_scoring(period, methodology): min-max, goalpost or z-score, winsorised when the methodology says so; not rank). A row whose variable is NULL or not in the table is ignored; a NULL, NaN or infinite value is a missing value. variables, scoring and min_coverage are the same for every row of a group (pass scalar subqueries; each group may have its own, e.g. one per period). Errors: NULL variables, scoring or min_coverage (22004); a malformed scoring table (22023, with the problem in the detail). Shares its state with unit_dimension_scores_values, unit_dimension_coverage_values, unit_missing_dimensions_values and unit_state_values; empty input: NULL.';

CREATE AGGREGATE rezago.unit_dimension_scores_values(variable text, value double precision, variables text[],
        scoring double precision[], min_coverage double precision) (
    SFUNC = rezago.unit_values_accum, STYPE = double precision[], SSPACE = 640,
    FINALFUNC = rezago.unit_dimension_scores_final, COMBINEFUNC = rezago.unit_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE rezago.unit_dimension_scores_values(text, double precision, text[], double precision[], double precision) IS
'What rezago.unit_dimension_scores gives, from raw observations and a scoring table: inputs, NULL policy and errors as rezago.unit_index_values (shares its state).';

CREATE AGGREGATE rezago.unit_dimension_coverage_values(variable text, value double precision, variables text[],
        scoring double precision[], min_coverage double precision) (
    SFUNC = rezago.unit_values_accum, STYPE = double precision[], SSPACE = 640,
    FINALFUNC = rezago.unit_dimension_coverage_final, COMBINEFUNC = rezago.unit_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE rezago.unit_dimension_coverage_values(text, double precision, text[], double precision[], double precision) IS
'What rezago.unit_dimension_coverage gives, from raw observations and a scoring table: inputs, NULL policy and errors as rezago.unit_index_values (shares its state).';

CREATE AGGREGATE rezago.unit_missing_dimensions_values(variable text, value double precision, variables text[],
        scoring double precision[], min_coverage double precision) (
    SFUNC = rezago.unit_values_accum, STYPE = double precision[], SSPACE = 640,
    FINALFUNC = rezago.unit_missing_dimensions_final, COMBINEFUNC = rezago.unit_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE rezago.unit_missing_dimensions_values(text, double precision, text[], double precision[], double precision) IS
'What rezago.unit_missing_dimensions gives, from raw observations and a scoring table: inputs, NULL policy and errors as rezago.unit_index_values (shares its state).';

-- The state itself (no final function), so that one query aggregates once
-- per comuna (rezago.comuna_unit_states) and its callers apply the final
-- functions they need.
CREATE AGGREGATE rezago.unit_state(dimension integer, n_dimensions integer, score double precision,
                                   weight double precision, dimension_weight double precision,
                                   min_coverage double precision) (
    SFUNC = rezago.unit_accum, STYPE = double precision[], SSPACE = 640,
    FINALFUNC = rezago.unit_state_trim, COMBINEFUNC = rezago.unit_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE rezago.unit_state(integer, integer, double precision, double precision, double precision, double precision) IS
'The state the unit_* aggregates share, as a float8[]: 3 + n_dimensions (the number of fields), 3 (the width of a row), the number of rows R, then n_dimensions, min_coverage, 0 (1 for the slotted state of unit_state_values: one row per variable of the scoring table, in its order, 0,0,0 for a variable without a row), the weight of each dimension (0 when it has no row), then R rows (dimension, weight, score) in ascending order, one per input row of positive weight, the weight negated when the score is missing. The sums are taken by the final functions in canonical order (ascending magnitude), so that results do not depend on row order. Pass it to rezago.unit_index_final, unit_dimension_scores_final, unit_dimension_coverage_final or unit_missing_dimensions_final to get what the aggregate of that name gives. Inputs, NULL policy and errors as rezago.unit_index; empty input: NULL.';

CREATE AGGREGATE rezago.unit_state_values(variable text, value double precision, variables text[],
        scoring double precision[], min_coverage double precision) (
    SFUNC = rezago.unit_values_accum, STYPE = double precision[], SSPACE = 640,
    FINALFUNC = rezago.unit_state_trim, COMBINEFUNC = rezago.unit_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE rezago.unit_state_values(text, double precision, text[], double precision[], double precision) IS
'As rezago.unit_state, from one row per raw observation and a scoring table, in the slotted form: one row per variable of the scoring table, in its order (inputs, NULL policy and errors as rezago.unit_index_values; a variable twice in one group: 22023).';

CREATE FUNCTION rezago.scoring_rows(period integer, methodology text DEFAULT 'ufro2017')
RETURNS TABLE (variable text, dimension text, dimension_no integer, n_dimensions integer,
               polarity smallint, weight double precision, dimension_weight double precision,
               min_coverage double precision, normalisation text, zscore boolean,
               lo double precision, hi double precision, win_lo double precision, win_hi double precision)
LANGUAGE sql STABLE PARALLEL SAFE ROWS 20
-- jit = off: the plan holds the subqueries of every normalisation and
-- winsorisation, of which one runs, and the planner adds up their costs
-- (about 1e6 at 100,000 units); JIT then compiled and optimised some 170
-- functions for each call, 0.7-1 s, for a query that runs in 4 ms without
-- it.  The SET clause also keeps the function from being inlined: its 18
-- rows are computed once, on their own (ROWS 20 tells the callers).
SET jit = off
BEGIN ATOMIC
    WITH m AS MATERIALIZED (
        SELECT x.code, x.normalisation, x.winsor_lower, x.winsor_upper, x.min_coverage
        FROM rezago.methodology x
        WHERE x.code = (SELECT rezago.require_methodology(scoring_rows.methodology))
    ), w AS (
        SELECT w.variable, w.dimension, w.polarity, w.variable_weight, w.dimension_weight,
               dense_rank() OVER (ORDER BY w.dimension)::integer AS dimension_no
        FROM rezago.methodology_weights(scoring_rows.methodology) w
    ), mv AS MATERIALIZED (
        -- one row per variable with all that its score needs.  The reference
        -- population's min and max are two probes of the index on
        -- (period, variable, value), not a pass over the observations;
        -- winsorisation limits (a sort) and moments (a pass) are computed
        -- only when the methodology asks for them.  min and max of the
        -- winsorised values are the winsorised min and max.
        SELECT w.variable, w.dimension, w.polarity, w.variable_weight, w.dimension_weight, w.dimension_no,
               (max(w.dimension_no) OVER ())::integer AS n_dimensions, m.normalisation, m.min_coverage,
               lim.lo AS win_lo, lim.hi AS win_hi,
               CASE WHEN m.normalisation = 'goalpost' THEN v.goalpost_min
                    ELSE LEAST(GREATEST(ext.lo, lim.lo), lim.hi) END AS lo,
               CASE WHEN m.normalisation = 'goalpost' THEN v.goalpost_max
                    ELSE LEAST(GREATEST(ext.hi, lim.lo), lim.hi) END AS hi,
               m.normalisation = 'zscore' AS zscore, mom.mean, mom.sd
        FROM w
        CROSS JOIN m
        JOIN rezago.methodology_variable v ON v.methodology = m.code AND v.variable = w.variable
        CROSS JOIN LATERAL (
            SELECT CASE WHEN m.winsor_lower IS NOT NULL THEN
                       (SELECT percentile_cont(m.winsor_lower) WITHIN GROUP (ORDER BY o.value)
                        FROM rezago.observation o
                        WHERE o.period = scoring_rows.period AND o.variable = w.variable
                          AND o.value IS NOT NULL) END AS lo,
                   CASE WHEN m.winsor_upper IS NOT NULL THEN
                       (SELECT percentile_cont(m.winsor_upper) WITHIN GROUP (ORDER BY o.value)
                        FROM rezago.observation o
                        WHERE o.period = scoring_rows.period AND o.variable = w.variable
                          AND o.value IS NOT NULL) END AS hi
        ) lim
        CROSS JOIN LATERAL (
            SELECT (SELECT min(o.value) FROM rezago.observation o
                    WHERE o.period = scoring_rows.period AND o.variable = w.variable) AS lo,
                   (SELECT max(o.value) FROM rezago.observation o
                    WHERE o.period = scoring_rows.period AND o.variable = w.variable) AS hi
        ) ext
        LEFT JOIN LATERAL (
            -- as comuna_lag_scores (60_security): canonical sums over values
            -- scaled by a power of two, so that huge values cannot overflow
            SELECT rezago.canonical_avg(x.xv) AS mean,
                   coalesce(rezago.canonical_stddev_samp(x.xv), 0) AS sd
            FROM (SELECT LEAST(GREATEST(o.value, lim.lo), lim.hi) AS xv
                  FROM rezago.observation o
                  WHERE m.normalisation = 'zscore' AND o.period = scoring_rows.period
                    AND o.variable = w.variable AND o.value IS NOT NULL) x
        ) mom ON true
    )
    SELECT mv.variable, mv.dimension, mv.dimension_no, mv.n_dimensions, mv.polarity, mv.variable_weight,
           mv.dimension_weight, mv.min_coverage, mv.normalisation, mv.zscore,
           CASE WHEN mv.zscore THEN mv.mean ELSE mv.lo END, CASE WHEN mv.zscore THEN mv.sd ELSE mv.hi END,
           mv.win_lo, mv.win_hi
    FROM mv
    ORDER BY mv.variable;
END;
COMMENT ON FUNCTION rezago.scoring_rows(integer, text) IS
'How each variable of a methodology is scored in a period: its dimension and the dimension''s number (1..n_dimensions, in code order), polarity, weight (share of its dimension), the dimension''s normalised weight, min_coverage, normalisation, and the bounds of its lag score: lo and hi are the min and max of the reference population (winsorised when the methodology says so; the goalposts for goalpost), or for zscore the mean and sd; win_lo and win_hi the winsorisation limits (NULL: none). The min and max are read from the index on (period, variable, value). Errors: unknown or incomplete methodology.';

CREATE FUNCTION rezago.variable_scoring(period integer, methodology text DEFAULT 'ufro2017')
RETURNS TABLE (variables text[], scoring double precision[], n_dimensions integer, dimensions text[],
               min_coverage double precision, normalisation text)
LANGUAGE sql STABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
    -- STRICT also keeps it out of the callers' plans (PostgreSQL does not
    -- inline a strict set-returning function): its 18-row query is planned
    -- and run once, on its own, and a large caller's plan stays small, which
    -- is what JIT compiles.
    SELECT array_agg(r.variable ORDER BY r.variable),
           array_agg(ARRAY[r.dimension_no, r.n_dimensions, r.weight, r.dimension_weight, r.polarity,
                           CASE WHEN r.zscore THEN 1 ELSE 0 END, r.lo, r.hi, r.win_lo, r.win_hi]
                     ORDER BY r.variable),
           min(r.n_dimensions),
           (SELECT array_agg(d.dimension ORDER BY d.dimension)
            FROM (SELECT DISTINCT x.dimension FROM rezago.methodology_weights(variable_scoring.methodology) x) d),
           min(r.min_coverage), min(r.normalisation)
    FROM rezago.scoring_rows(variable_scoring.period, variable_scoring.methodology) r;
END;
COMMENT ON FUNCTION rezago.variable_scoring(integer, text) IS
'rezago.scoring_rows as the arguments of the unit_*_values aggregates: variables (codes, in order) and scoring (one row per variable: dimension number, n_dimensions, weight, dimension weight, polarity, 1 for zscore else 0, lo, hi, winsorisation low and high), plus n_dimensions, the dimension codes by number, min_coverage and normalisation. One row. Errors: unknown or incomplete methodology.';

CREATE FUNCTION rezago.ranked_lag_score_rows(period integer, methodology text)
RETURNS TABLE (cut integer, variable text, dimension text, value double precision,
               score double precision, weight double precision, dimension_no integer,
               n_dimensions integer, dimension_weight double precision, min_coverage double precision)
LANGUAGE sql STABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
    -- STRICT keeps it out of the callers' plans: comuna_index and
    -- comuna_dimension_scores reach it only for the rank normalisation, and
    -- then plan it on its own; otherwise its window never enters their plan.
    -- The rank score is the one of comuna_lag_scores.
    WITH mv AS MATERIALIZED (
        SELECT * FROM rezago.scoring_rows(ranked_lag_score_rows.period, ranked_lag_score_rows.methodology) r
        WHERE r.normalisation = 'rank'
    )
    SELECT o.cut, mv.variable, mv.dimension, o.value,
           percent_rank() OVER (PARTITION BY mv.variable
                                ORDER BY mv.polarity * LEAST(GREATEST(o.value, mv.win_lo), mv.win_hi) DESC),
           mv.weight, mv.dimension_no, mv.n_dimensions, mv.dimension_weight, mv.min_coverage
    FROM rezago.observation o JOIN mv ON mv.variable = o.variable
    WHERE o.period = ranked_lag_score_rows.period AND o.value IS NOT NULL;
END;
COMMENT ON FUNCTION rezago.ranked_lag_score_rows(integer, text) IS
'The lag scores of a methodology with the rank normalisation (as rezago.comuna_lag_scores) with what the unit_* aggregates need: the dimension''s number (1..n_dimensions, in code order), n_dimensions, the dimension''s normalised weight and min_coverage. No rows for a methodology with another normalisation, or NULL arguments (strict). Errors: unknown or incomplete methodology.';

CREATE FUNCTION rezago.comuna_unit_states(period integer, methodology text DEFAULT 'ufro2017')
RETURNS TABLE (cut integer, state double precision[])
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    -- one group per comuna (not per comuna and dimension); each branch is
    -- planned on its own, the one the methodology rules out returns nothing
    WITH sc AS MATERIALIZED (
        SELECT * FROM rezago.variable_scoring(comuna_unit_states.period, comuna_unit_states.methodology)
    )
    SELECT o.cut,
           rezago.unit_state_values(o.variable, o.value, (SELECT sc.variables FROM sc),
                                    (SELECT sc.scoring FROM sc), (SELECT sc.min_coverage FROM sc))
    FROM rezago.observation o
    WHERE o.period = comuna_unit_states.period AND o.value IS NOT NULL
      AND (SELECT sc.normalisation <> 'rank' FROM sc)
    GROUP BY o.cut
    UNION ALL
    SELECT r.cut, rezago.unit_state(r.dimension_no, r.n_dimensions, r.score, r.weight,
                                    r.dimension_weight, r.min_coverage)
    FROM rezago.ranked_lag_score_rows(comuna_unit_states.period, comuna_unit_states.methodology) r
    WHERE (SELECT sc.normalisation = 'rank' FROM sc)
    GROUP BY r.cut;
END;
COMMENT ON FUNCTION rezago.comuna_unit_states(integer, text) IS
'The unit_* aggregate state (rezago.unit_state) of every comuna with an observation in the period: pass it to rezago.unit_index_final, unit_dimension_scores_final, unit_dimension_coverage_final or unit_missing_dimensions_final (dimensions numbered 1..n in code order). comuna_index and comuna_dimension_scores are built on it. NULL period: no rows. Errors: unknown (42704) or incomplete (22023) methodology.';

CREATE OR REPLACE FUNCTION rezago.comuna_dimension_scores(period integer, methodology text DEFAULT 'ufro2017')
RETURNS TABLE (cut integer, dimension text, score double precision, coverage double precision)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    WITH dims AS MATERIALIZED (
        -- the dimension codes by number, as rezago.scoring_rows numbers them
        SELECT array_agg(d.dimension ORDER BY d.dimension) AS codes
        FROM (SELECT DISTINCT w.dimension
              FROM rezago.methodology_weights(comuna_dimension_scores.methodology) w) d
    )
    SELECT u.cut, (SELECT dims.codes FROM dims)[s.dimension_no], s.score, s.coverage
    FROM rezago.comuna_unit_states(comuna_dimension_scores.period, comuna_dimension_scores.methodology) u
    CROSS JOIN LATERAL unnest(rezago.unit_dimension_scores_final(u.state),
                              rezago.unit_dimension_coverage_final(u.state))
        WITH ORDINALITY AS s(score, coverage, dimension_no)
    WHERE s.coverage IS NOT NULL
      AND (SELECT rezago.require_methodology(comuna_dimension_scores.methodology)) IS NOT NULL;
END;
COMMENT ON FUNCTION rezago.comuna_dimension_scores(integer, text) IS
'Dimension score of each comuna (weighted mean of its lag scores in the dimension) and its coverage (share of the dimension''s weight with data). Score NULL when coverage < methodology.min_coverage. One row per comuna and dimension with at least one observation in the period.';

CREATE OR REPLACE FUNCTION rezago.comuna_index(period integer, methodology text DEFAULT 'ufro2017')
RETURNS TABLE (cut integer, index double precision, rank bigint, missing_dimensions text[])
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    WITH dims AS MATERIALIZED (
        -- the dimension codes by number, as rezago.scoring_rows numbers them
        SELECT array_agg(d.dimension ORDER BY d.dimension) AS codes
        FROM (SELECT DISTINCT w.dimension
              FROM rezago.methodology_weights(comuna_index.methodology) w) d
    ), per_comuna AS (
        SELECT u.cut, rezago.unit_index_final(u.state) AS index,
               rezago.unit_missing_dimensions_final(u.state) AS missing
        FROM rezago.comuna_unit_states(comuna_index.period, comuna_index.methodology) u
    )
    SELECT c.cut, p.index,
           CASE WHEN p.index IS NOT NULL THEN rank() OVER (ORDER BY p.index DESC NULLS LAST) END,
           CASE WHEN p.cut IS NULL THEN (SELECT dims.codes FROM dims)
                WHEN p.index IS NULL THEN
                    ARRAY(SELECT (SELECT dims.codes FROM dims)[i.dimension_no]
                          FROM unnest(p.missing) WITH ORDINALITY AS i(dimension_no, o)
                          ORDER BY i.o)
           END
    FROM rezago.comuna c
    LEFT JOIN per_comuna p ON p.cut = c.cut
    WHERE (SELECT rezago.require_methodology(comuna_index.methodology)) IS NOT NULL;
END;
COMMENT ON FUNCTION rezago.comuna_index(integer, text) IS
'Lag index of every comuna in rezago.comuna for a period: weighted mean of its dimension scores. NULL when any dimension score is NULL, and missing_dimensions then lists them. rank: 1 = most lagged, among comunas with an index; ties share a rank (1,1,3).';


/*
 * Entry and exit status (doc/method.md sections 4 and 5): thresholds, gaps, exit
 * stages, the pilot entry criteria, the programme and Spanish labels.
 * C building blocks in src/status.c; the exit rule itself in
 * src/exit_stage.c (rezago_exit_stage).
 */

--------------------------------------------------------------------------
-- Official thresholds and the programme: user data
--------------------------------------------------------------------------

CREATE TABLE rezago.official_threshold (
    variable text NOT NULL REFERENCES rezago.variable (code) ON UPDATE CASCADE ON DELETE CASCADE,
    period   integer NOT NULL,
    value    double precision NOT NULL
             CONSTRAINT official_threshold_value_finite
             CHECK (value > '-Infinity' AND value < 'Infinity'),
    source   text NOT NULL CHECK (pg_catalog.btrim(source) <> ''),
    note     text,
    PRIMARY KEY (variable, period)
);
COMMENT ON TABLE rezago.official_threshold IS 'Thresholds (umbrales) set by an authority for a variable and period; they win over the methodology''s threshold rule in every methodology (rezago.variable_thresholds reports them as source official).';
COMMENT ON COLUMN rezago.official_threshold.variable IS 'Variable (rezago.variable.code).';
COMMENT ON COLUMN rezago.official_threshold.period IS 'Year the threshold applies to.';
COMMENT ON COLUMN rezago.official_threshold.value IS 'Threshold in the variable''s unit (finite).';
COMMENT ON COLUMN rezago.official_threshold.source IS 'Where it comes from: decree, resolution or document (required).';
COMMENT ON COLUMN rezago.official_threshold.note IS 'Free text.';

CREATE TABLE rezago.programme_territory (
    territory text PRIMARY KEY REFERENCES rezago.territory (code) ON UPDATE CASCADE,
    decree    text NOT NULL CHECK (pg_catalog.btrim(decree) <> ''),
    date_in   date NOT NULL,
    plan_end  date,
    date_out  date,
    note      text,
    CHECK (plan_end IS NULL OR plan_end >= date_in),
    CHECK (date_out IS NULL OR date_out >= date_in)
);
COMMENT ON TABLE rezago.programme_territory IS 'Territories declared lagging by decree (Programa de Zonas Rezagadas): one row per territory with its current declaration and plan. A territory in the programme keeps its place until its current plan ends (doc/method.md section 5); see rezago.programme_status.';
COMMENT ON COLUMN rezago.programme_territory.territory IS 'Territory (rezago.territory.code); a territory in the programme cannot be deleted.';
COMMENT ON COLUMN rezago.programme_territory.decree IS 'Decree that declared the territory, e.g. Decreto N° 1.929 de 2014.';
COMMENT ON COLUMN rezago.programme_territory.date_in IS 'Date the territory entered the programme.';
COMMENT ON COLUMN rezago.programme_territory.plan_end IS 'End of its current territorial plan; NULL while no plan end is known (the place is then kept).';
COMMENT ON COLUMN rezago.programme_territory.date_out IS 'Date the territory left the programme; NULL while it is in it.';
COMMENT ON COLUMN rezago.programme_territory.note IS 'Free text.';

SELECT pg_catalog.pg_extension_config_dump('rezago.official_threshold', '');
SELECT pg_catalog.pg_extension_config_dump('rezago.programme_territory', '');

--------------------------------------------------------------------------
-- Spanish labels of every status code, for portals
--------------------------------------------------------------------------

CREATE TABLE rezago.status_label (
    code        text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]*$'),
    kind        text NOT NULL CHECK (kind IN ('exit_stage', 'programme_status', 'entry_criterion',
                                              'criterion_value', 'threshold_rule',
                                              -- seeded by the portal views (portal.sql)
                                              'index_status', 'gap_status', 'contiguity')),
    label       text NOT NULL,
    description text,
    builtin     boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE rezago.status_label IS 'Spanish label of every code the status functions and the portal views return (exit stages, programme statuses, entry criteria and their values, threshold rules, index statuses, gap statuses, contiguity), for portals and BI tools: join on code.';
COMMENT ON COLUMN rezago.status_label.code IS 'Code as returned by the functions, e.g. lagging.';
COMMENT ON COLUMN rezago.status_label.kind IS 'exit_stage (territory_exit.stage), programme_status (programme_status.status), entry_criterion (a column of territory_entry), criterion_value (met, not_met, unknown for a boolean criterion), threshold_rule (variable_thresholds.source, without the percentile); for the portal views: index_status (index_status and score_status of v_comuna_index, v_territory_index, v_comuna_dimension_scores: scored, incomplete, no_data, low_coverage), gap_status (overcome_label of v_territory_gaps: overcome, behind, not_evaluated), contiguity (contiguous_label of v_territory_contiguity: contiguous, not_contiguous).';
COMMENT ON COLUMN rezago.status_label.label IS 'Spanish label, e.g. rezagado.';
COMMENT ON COLUMN rezago.status_label.description IS 'One-sentence Spanish explanation for tooltips.';
COMMENT ON COLUMN rezago.status_label.builtin IS 'True for rows seeded by the extension (read-only).';

CREATE TRIGGER protect_builtin BEFORE INSERT OR UPDATE OR DELETE ON rezago.status_label
    FOR EACH ROW EXECUTE FUNCTION rezago.protect_builtin_rows();

SET LOCAL rezago.allow_builtin_changes = 'on';
INSERT INTO rezago.status_label (code, kind, label, description, builtin) VALUES
    ('insufficient_data', 'exit_stage', 'datos insuficientes',
     'El territorio tiene datos en muy pocas variables para evaluar su egreso.', true),
    ('lagging', 'exit_stage', 'rezagado',
     'El territorio ha superado la brecha en menos de un tercio de las variables evaluadas.', true),
    ('exit_started', 'exit_stage', 'egreso iniciado',
     'El territorio ha superado la brecha en al menos un tercio de las variables evaluadas.', true),
    ('exit_advanced', 'exit_stage', 'egreso avanzado',
     'El territorio ha superado la brecha en al menos dos tercios de las variables evaluadas.', true),
    ('exited', 'exit_stage', 'egresado',
     'El territorio ha superado la brecha en todas las variables evaluadas.', true),
    ('in_programme', 'programme_status', 'en el programa',
     'Territorio declarado por decreto, con su plan vigente.', true),
    ('kept_until_plan_end', 'programme_status', 'se mantiene hasta el fin de su plan',
     'Territorio del programa que ya no cumple los criterios, pero conserva su lugar hasta que termine su plan vigente.', true),
    ('plan_ended', 'programme_status', 'plan terminado',
     'Territorio del programa cuyo plan vigente ya terminó: corresponde un nuevo plan o su egreso.', true),
    ('candidate', 'programme_status', 'elegible',
     'Territorio fuera del programa que cumple los criterios de entrada.', true),
    ('not_eligible', 'programme_status', 'no elegible',
     'Territorio fuera del programa que no cumple los criterios de entrada.', true),
    ('eligibility_unknown', 'programme_status', 'elegibilidad indeterminada',
     'Faltan datos para decidir si el territorio cumple los criterios de entrada.', true),
    ('e1_national', 'entry_criterion', 'brecha de pobreza nacional',
     'La mitad o más de sus comunas están entre las 100 con mayor pobreza por ingresos del país.', true),
    ('e2_regional', 'entry_criterion', 'brecha de pobreza regional',
     'La mitad o más de sus comunas están en el 30% con mayor pobreza por ingresos de su región.', true),
    ('e3_isolation', 'entry_criterion', 'aislamiento',
     'Más del 10% de las localidades de sus comunas están aisladas.', true),
    ('met', 'criterion_value', 'cumple', 'El criterio se cumple.', true),
    ('not_met', 'criterion_value', 'no cumple', 'El criterio no se cumple.', true),
    ('unknown', 'criterion_value', 'indeterminado',
     'Faltan datos de algunas comunas y esos datos podrían cambiar el resultado.', true),
    ('official', 'threshold_rule', 'umbral oficial', 'Umbral fijado por la autoridad para la variable y el año.', true),
    ('mean', 'threshold_rule', 'promedio nacional', 'Promedio de los valores comunales del país.', true),
    ('median', 'threshold_rule', 'mediana nacional', 'Mediana de los valores comunales del país.', true),
    ('percentile', 'threshold_rule', 'percentil nacional', 'Percentil de los valores comunales del país.', true),
    ('fixed', 'threshold_rule', 'valor fijo', 'Valor fijo definido por la metodología.', true);
RESET rezago.allow_builtin_changes;

SELECT pg_catalog.pg_extension_config_dump('rezago.status_label', 'WHERE NOT builtin');

--------------------------------------------------------------------------
-- C aggregates (src/status.c), usable over any table
--------------------------------------------------------------------------

CREATE TYPE rezago.exit_status_result AS (
    evaluated integer,
    overcome  integer,
    share     double precision,
    stage     text
);
COMMENT ON TYPE rezago.exit_status_result IS 'Result of rezago.exit_status: variables evaluated and overcome, their share and the exit stage.';
COMMENT ON COLUMN rezago.exit_status_result.evaluated IS 'Variables with a value and a threshold.';
COMMENT ON COLUMN rezago.exit_status_result.overcome IS 'Evaluated variables whose gap is <= 0.';
COMMENT ON COLUMN rezago.exit_status_result.share IS 'overcome / evaluated; NULL when nothing was evaluated.';
COMMENT ON COLUMN rezago.exit_status_result.stage IS 'insufficient_data, lagging, exit_started, exit_advanced or exited (labels in rezago.status_label).';

CREATE TYPE rezago.entry_status_result AS (
    e1_national  boolean,
    e2_regional  boolean,
    e3_isolation boolean,
    criteria_met integer,
    eligible     boolean
);
COMMENT ON TYPE rezago.entry_status_result IS 'Result of rezago.entry_status: the three pilot entry criteria in three-valued logic (NULL = the missing data could change it), the number of criteria known to be met, and eligibility (NULL when the known criteria do not decide it).';
COMMENT ON COLUMN rezago.entry_status_result.e1_national IS 'E1: half or more of the comunas among the poorest nationally; NULL when unknown.';
COMMENT ON COLUMN rezago.entry_status_result.e2_regional IS 'E2: half or more of the comunas among the poorest share of their own región; NULL when unknown.';
COMMENT ON COLUMN rezago.entry_status_result.e3_isolation IS 'E3: more than the isolation share of the localities isolated; NULL when unknown.';
COMMENT ON COLUMN rezago.entry_status_result.criteria_met IS 'Criteria known to be met (unknown ones are not counted).';
COMMENT ON COLUMN rezago.entry_status_result.eligible IS 'True when at least min_criteria are met, false when even the unknown ones could not reach it, NULL otherwise.';

CREATE FUNCTION rezago.exit_status_accum(double precision[], double precision, double precision, integer)
RETURNS double precision[] AS 'MODULE_PATHNAME', 'rezago_exit_status_accum'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION rezago.exit_status_accum(double precision[], double precision, double precision, integer,
                                         integer, double precision, double precision, double precision)
RETURNS double precision[] AS 'MODULE_PATHNAME', 'rezago_exit_status_accum_params'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION rezago.exit_status_combine(double precision[], double precision[])
RETURNS double precision[] AS 'MODULE_PATHNAME', 'rezago_exit_status_combine'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION rezago.exit_status_final(double precision[])
RETURNS rezago.exit_status_result AS 'MODULE_PATHNAME', 'rezago_exit_status_final'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rezago.exit_status_accum(double precision[], double precision, double precision, integer) IS 'Support function of rezago.exit_status; not for direct use.';
COMMENT ON FUNCTION rezago.exit_status_accum(double precision[], double precision, double precision, integer, integer, double precision, double precision, double precision) IS 'Support function of rezago.exit_status; not for direct use.';
COMMENT ON FUNCTION rezago.exit_status_combine(double precision[], double precision[]) IS 'Combine function of rezago.exit_status (parallel aggregation); not for direct use.';
COMMENT ON FUNCTION rezago.exit_status_final(double precision[]) IS 'Final function of rezago.exit_status; not for direct use.';

CREATE AGGREGATE rezago.exit_status(value double precision, threshold double precision, polarity integer) (
    SFUNC = rezago.exit_status_accum, STYPE = double precision[],
    FINALFUNC = rezago.exit_status_final, COMBINEFUNC = rezago.exit_status_combine,
    INITCOND = '{0,0,0,0,0,0,0}', PARALLEL = SAFE);
COMMENT ON AGGREGATE rezago.exit_status(double precision, double precision, integer) IS
'Exit stage of a territory from one row per variable (doc/method.md section 4): a row is evaluated when value and threshold are known, overcome when polarity*(threshold-value) <= 0. Stages by share overcome: < 1/3 lagging, >= 1/3 exit_started, >= 2/3 exit_advanced, all exited; insufficient_data when fewer than half the rows are evaluated. NULL, NaN or infinite value: not evaluated. NULL threshold: not evaluated; NaN/infinite threshold: error 22023. NULL polarity: error 22004; polarity not +-1: 22023. Empty input: NULL.';

CREATE AGGREGATE rezago.exit_status(value double precision, threshold double precision, polarity integer,
                                    total_variables integer, started_share double precision,
                                    advanced_share double precision, min_evaluated_share double precision) (
    SFUNC = rezago.exit_status_accum, STYPE = double precision[],
    FINALFUNC = rezago.exit_status_final, COMBINEFUNC = rezago.exit_status_combine,
    INITCOND = '{0,0,0,0,0,0,0}', PARALLEL = SAFE);
COMMENT ON AGGREGATE rezago.exit_status(double precision, double precision, integer, integer, double precision, double precision, double precision) IS
'As exit_status(value, threshold, polarity) with the methodology''s parameters: total_variables (variables of the methodology; missing ones need no row), started, advanced and minimum evaluated shares (rezago.methodology.exit_*). insufficient_data when evaluated < min_evaluated_share * total_variables. Parameters are per-group constants: NULL is error 22004, invalid values 22023, more rows than total_variables 22023.';

CREATE FUNCTION rezago.entry_status_accum(double precision[], bigint, bigint, bigint,
                                          double precision, double precision)
RETURNS double precision[] AS 'MODULE_PATHNAME', 'rezago_entry_status_accum'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION rezago.entry_status_accum(double precision[], bigint, bigint, bigint,
                                          double precision, double precision,
                                          integer, double precision, double precision, integer)
RETURNS double precision[] AS 'MODULE_PATHNAME', 'rezago_entry_status_accum_params'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION rezago.entry_status_combine(double precision[], double precision[])
RETURNS double precision[] AS 'MODULE_PATHNAME', 'rezago_entry_status_combine'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION rezago.entry_status_final(double precision[])
RETURNS rezago.entry_status_result AS 'MODULE_PATHNAME', 'rezago_entry_status_final'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rezago.entry_status_accum(double precision[], bigint, bigint, bigint, double precision, double precision) IS 'Support function of rezago.entry_status; not for direct use.';
COMMENT ON FUNCTION rezago.entry_status_accum(double precision[], bigint, bigint, bigint, double precision, double precision, integer, double precision, double precision, integer) IS 'Support function of rezago.entry_status; not for direct use.';
COMMENT ON FUNCTION rezago.entry_status_combine(double precision[], double precision[]) IS 'Combine function of rezago.entry_status (parallel aggregation); not for direct use.';
COMMENT ON FUNCTION rezago.entry_status_final(double precision[]) IS 'Final function of rezago.entry_status; not for direct use.';

CREATE AGGREGATE rezago.entry_status(national_rank bigint, regional_rank bigint, regional_count bigint,
                                     localities double precision, isolated_localities double precision) (
    SFUNC = rezago.entry_status_accum, STYPE = double precision[],
    FINALFUNC = rezago.entry_status_final, COMBINEFUNC = rezago.entry_status_combine,
    INITCOND = '{0,0,0,0,0,0,0,0,0,0,0,0,0,0,0}', PARALLEL = SAFE);
COMMENT ON AGGREGATE rezago.entry_status(bigint, bigint, bigint, double precision, double precision) IS
'Pilot entry criteria of a territory from one row per member comuna (doc/method.md section 5), with the ufro2017 parameters (100, 0.30, 0.10, 2). national_rank: rank by poverty among the comunas of the country with data (1 = poorest; NULL = no data); regional_rank and regional_count: rank within its región and the number of comunas of the región with data. E1: half or more members with national_rank <= 100; E2: half or more with regional_rank/regional_count <= 0.30; E3: isolated/localities summed over members > 0.10. Three-valued: a criterion is NULL only when members without data could change it; eligible is decided when the known criteria decide it. NULL, NaN or infinite counts are missing; negative counts, counts that are not whole numbers below 10^15 (so that their sums are exact in any order), ranks < 1, regional_rank > regional_count, isolated > localities: error 22023; regional_rank without regional_count: 22004. Empty input: NULL.';

CREATE AGGREGATE rezago.entry_status(national_rank bigint, regional_rank bigint, regional_count bigint,
                                     localities double precision, isolated_localities double precision,
                                     national_top integer, regional_share double precision,
                                     isolation_share double precision, min_criteria integer) (
    SFUNC = rezago.entry_status_accum, STYPE = double precision[],
    FINALFUNC = rezago.entry_status_final, COMBINEFUNC = rezago.entry_status_combine,
    INITCOND = '{0,0,0,0,0,0,0,0,0,0,0,0,0,0,0}', PARALLEL = SAFE);
COMMENT ON AGGREGATE rezago.entry_status(bigint, bigint, bigint, double precision, double precision, integer, double precision, double precision, integer) IS
'As the five-argument entry_status with the methodology''s parameters (rezago.methodology.entry_*): national_top >= 1, regional_share in (0,1], isolation_share in [0,1), min_criteria 1..3; per-group constants; NULL is error 22004, out of range 22023.';

CREATE FUNCTION rezago.territory_means_accum(internal, text, integer, double precision, text[], integer[])
RETURNS internal AS 'MODULE_PATHNAME', 'rezago_territory_means_accum'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION rezago.territory_means_final(internal)
RETURNS double precision[] AS 'MODULE_PATHNAME', 'rezago_territory_means_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION rezago.territory_means_accum(internal, text, integer, double precision, text[], integer[]) IS 'Support function of rezago.territory_means; not for direct use.';
COMMENT ON FUNCTION rezago.territory_means_final(internal) IS 'Final function of rezago.territory_means; not for direct use.';

CREATE AGGREGATE rezago.territory_means(variable text, period integer, value double precision,
                                        variables text[], vintages integer[]) (
    SFUNC = rezago.territory_means_accum, STYPE = internal,
    FINALFUNC = rezago.territory_means_final, PARALLEL = SAFE);
COMMENT ON AGGREGATE rezago.territory_means(text, integer, double precision, text[], integer[]) IS
'Value of a territory in every variable of a list, from one row per member observation (doc/method.md section 4): element i is the mean of the values of variables[i] observed in period vintages[i] (NULL where no row has one), with the bits of rezago.territory_average. Rows of other variables or periods, and rows with a NULL variable, period or value, are skipped, so that one index probe per member can feed it and each group (a territory) streams. variables and vintages are per-group constants read from the group''s first row: NULL array or NULL variable 22004; repeated variable, lengths that differ or arrays of more than one dimension 22023; a NULL vintage means the variable has no value. NaN or infinite value: 22023; a sum that overflows: 22003. Empty input: NULL; no variables: an empty array.';

--------------------------------------------------------------------------
-- Thresholds and gaps (doc/method.md section 4)
--------------------------------------------------------------------------

CREATE FUNCTION rezago.variable_thresholds(period integer, methodology text DEFAULT 'ufro2017',
                                           threshold_rule text DEFAULT NULL,
                                           observations regclass DEFAULT 'rezago.observation')
RETURNS TABLE (variable text, threshold double precision, source text, comunas bigint)
LANGUAGE sql STABLE PARALLEL RESTRICTED
BEGIN ATOMIC
    WITH m AS MATERIALIZED (
        SELECT (SELECT rezago.require_rule(variable_thresholds.methodology, 'threshold_rule',
                                                     variable_thresholds.threshold_rule)) AS rule,
               x.threshold_percentile AS pct
        FROM rezago.methodology x
        WHERE x.code = (SELECT rezago.require_methodology(variable_thresholds.methodology))
    ), mv AS MATERIALIZED (
        -- each variable at its vintage (rezago.variable_vintages)
        SELECT w.variable, v.threshold_fixed, vt.vintage
        FROM rezago.methodology_weights(variable_thresholds.methodology) w
        JOIN rezago.methodology_variable v
          ON v.methodology = variable_thresholds.methodology AND v.variable = w.variable
        JOIN rezago.variable_vintages(variable_thresholds.period, variable_thresholds.methodology, observations => variable_thresholds.observations) vt
          ON vt.variable = w.variable
    ), sv AS MATERIALIZED (
        -- a source other than rezago.observation: the values of every
        -- variable at its vintage, sorted, by one statement over the source
        -- grouped by variable and period (rezago.source_values_statement),
        -- whose lists the statistics below are taken over (a one-time
        -- filter: never run over rezago.observation, read by its index)
        SELECT e.variable, e.period, e.value_list
        FROM rezago.run_source_values_statement((SELECT array_agg(mv.variable) FROM mv WHERE mv.vintage IS NOT NULL),
                                                (SELECT array_agg(DISTINCT mv.vintage) FROM mv WHERE mv.vintage IS NOT NULL),
                                                variable_thresholds.observations) e
        WHERE variable_thresholds.observations <> 'rezago.observation'::regclass
    )
    SELECT mv.variable,
           CASE WHEN ot.variable IS NOT NULL THEN ot.value
                WHEN m.rule = 'mean' THEN st.mean
                WHEN m.rule = 'fixed' THEN mv.threshold_fixed
                ELSE st.pct
           END,
           CASE WHEN ot.variable IS NOT NULL THEN 'official'
                WHEN m.rule = 'percentile' THEN 'percentile ' || m.pct::text
                ELSE m.rule
           END,
           coalesce(st.n, 0)
    FROM mv CROSS JOIN m
    -- one aggregate per variable over its index range (period, variable,
    -- value): no sort or hash of all the rows, memory of one variable at a
    -- time; over another source the same aggregates over its sorted list
    -- (the canonical mean and percentile_cont do not depend on the order of
    -- their input: the same bits)
    LEFT JOIN LATERAL (
        SELECT count(*) AS n,
               rezago.canonical_avg(o.value) FILTER (WHERE m.rule = 'mean') AS mean,
               -- sorted only under the rules that use it (FILTER keeps the sort empty otherwise)
               percentile_cont(CASE m.rule WHEN 'percentile' THEN m.pct ELSE 0.5 END)
                   WITHIN GROUP (ORDER BY o.value)
                   FILTER (WHERE m.rule IN ('median', 'percentile')) AS pct
        FROM (SELECT o.value
              FROM rezago.source_observations(variable_thresholds.observations) o
              WHERE variable_thresholds.observations = 'rezago.observation'::regclass
                AND o.variable = mv.variable AND o.period = mv.vintage AND o.value IS NOT NULL
              UNION ALL
              SELECT u.x
              FROM sv CROSS JOIN LATERAL unnest(sv.value_list) u(x)
              WHERE variable_thresholds.observations <> 'rezago.observation'::regclass
                AND sv.variable = mv.variable AND sv.period = mv.vintage) o
    ) st ON true
    LEFT JOIN rezago.official_threshold ot
      ON ot.variable = mv.variable AND ot.period = variable_thresholds.period
    WHERE (SELECT rezago.require_methodology(variable_thresholds.methodology)) IS NOT NULL
    ORDER BY mv.variable;
END;
COMMENT ON FUNCTION rezago.variable_thresholds(integer, text, text, regclass) IS
'Threshold (umbral) of every variable of the methodology for a period, where it came from, and the number of comunas with a value. An official threshold (rezago.official_threshold) wins (source official); otherwise the methodology''s threshold_rule (or the one passed in threshold_rule, for a what-if) over the comunas with an observed (never imputed) value at the variable''s vintage (rezago.variable_vintages), nationally: mean (default), median, percentile p (source ''percentile p'', linear interpolation as percentile_cont), or fixed (methodology_variable.threshold_fixed). NULL threshold when no comuna has data (or no fixed value is set): the variable is then not evaluated. Over rezago.observation each variable''s values are read by its index; over another source by one statement grouped by variable and period (rezago.source_values_statement: the sorted values at the vintages), the same statistics taken over those lists: the same bits. Errors: unknown or incomplete methodology, unknown rule, percentile without threshold_percentile (rezago.require_rule).';

CREATE FUNCTION rezago.comuna_gap_values_statement(variables text[], vintages integer[],
                                                   observations regclass DEFAULT 'rezago.observation')
RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    cols text;
BEGIN
    IF variables IS NULL OR vintages IS NULL OR observations IS NULL THEN
        RETURN NULL;
    END IF;
    IF pg_catalog.array_ndims(variables) > 1 OR pg_catalog.array_ndims(vintages) > 1
       OR coalesce(pg_catalog.cardinality(variables), 0) <> coalesce(pg_catalog.cardinality(vintages), 0) THEN
        RAISE EXCEPTION 'variables and vintages must be one-dimensional arrays of the same length'
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = pg_catalog.format('Received %s variables and %s vintages.',
                                             coalesce(pg_catalog.cardinality(variables), 0),
                                             coalesce(pg_catalog.cardinality(vintages), 0)),
                  HINT = 'Pass the variables of the methodology once each, with one vintage per variable (rezago.variable_vintages).';
    END IF;
    -- element i: the comuna's value of variables[i] in period vintages[i]
    -- (max of the one row a checked source holds for it); NULL without a
    -- vintage
    SELECT pg_catalog.string_agg(
               -- operators, functions and types schema-qualified, as in
               -- rezago.comuna_states_statement: the text binds the same
               -- objects whatever the search_path of whoever runs it
               CASE WHEN x.vintage IS NULL OR x.variable IS NULL THEN 'NULL::pg_catalog.float8'
                    ELSE pg_catalog.format('pg_catalog.max(s.value::pg_catalog.float8) FILTER (WHERE s.variable::pg_catalog.text OPERATOR(pg_catalog.=) %L AND s.period OPERATOR(pg_catalog.=) %s)',
                                           x.variable, x.vintage) END,
               ', ' ORDER BY x.n)
      INTO cols
      FROM ROWS FROM (pg_catalog.unnest(variables), pg_catalog.unnest(vintages)) WITH ORDINALITY x(variable, vintage, n);
    RETURN pg_catalog.format(
        'SELECT s.cut::pg_catalog.int4 AS cut, ARRAY[%s]::pg_catalog.float8[] AS vals FROM %s s'
        ' WHERE s.variable::pg_catalog.text OPERATOR(pg_catalog.=) ANY (%L::pg_catalog.text[])'
        ' AND s.period OPERATOR(pg_catalog.=) ANY (%L::pg_catalog.int4[]) GROUP BY s.cut',
        coalesce(cols, ''), observations, variables, vintages);
END;
$$;
COMMENT ON FUNCTION rezago.comuna_gap_values_statement(text[], integer[], regclass) IS
'The statement rezago.comuna_gap_values runs: one top-level query over the observation source, grouped by cut, giving each comuna''s values at the vintages as an array in the order of variables (element i: the value of variables[i] in period vintages[i], NULL when the comuna has none or the vintage is NULL), with the variables and vintages written in as constants, so that a distributed engine (Citus, a table distributed by cut) runs it on its workers. The source is not checked here. NULL argument: NULL. Errors: arrays of more than one dimension or of different lengths 22023.';

CREATE FUNCTION rezago.comuna_gap_values(variables text[], vintages integer[],
                                         observations regclass DEFAULT 'rezago.observation')
RETURNS TABLE (cut integer, vals double precision[])
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
-- PARALLEL RESTRICTED: a temporary table cannot be read in a parallel worker
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    statement text;
BEGIN
    IF rezago.require_observation_source(observations) IS NULL THEN
        RETURN;
    END IF;
    statement := rezago.comuna_gap_values_statement(variables, vintages, observations);
    -- NULL arrays: no rows
    IF statement IS NOT NULL THEN
        RETURN QUERY EXECUTE statement;
    END IF;
END;
$$;
COMMENT ON FUNCTION rezago.comuna_gap_values(text[], integer[], regclass) IS
'Each comuna''s values of the variables at their vintages, one row per comuna with an observation of one of them (vals in the order of variables; NULL where it has none), by the one statement of rezago.comuna_gap_values_statement over the source (checked by rezago.require_observation_source): the per-comuna step of rezago.territory_gaps over a source other than rezago.observation, whose territory means are then taken over rezago.territory_member. NULL source or arrays: no rows. Errors: those of rezago.require_observation_source and rezago.comuna_gap_values_statement.';

CREATE FUNCTION rezago.territory_gaps(period integer, methodology text DEFAULT 'ufro2017',
                                      threshold_rule text DEFAULT NULL,
                                      observations regclass DEFAULT 'rezago.observation')
RETURNS TABLE (territory text, variable text, value double precision, threshold double precision,
               gap double precision, overcome boolean)
LANGUAGE sql STABLE PARALLEL RESTRICTED
-- No SET clause, so that rezago.territory_exit inlines it and streams over
-- its plan (doc/performance.md).
BEGIN ATOMIC
    WITH th AS MATERIALIZED (
        SELECT t.variable, t.threshold, v.polarity, vt.vintage,
               row_number() OVER (ORDER BY t.variable)::integer AS slot
        FROM rezago.variable_thresholds(territory_gaps.period, territory_gaps.methodology,
                                        territory_gaps.threshold_rule, observations => territory_gaps.observations) t
        JOIN rezago.variable v ON v.code = t.variable
        JOIN rezago.variable_vintages(territory_gaps.period, territory_gaps.methodology, observations => territory_gaps.observations) vt
          ON vt.variable = t.variable
    ), ta AS MATERIALIZED (
        SELECT array_agg(th.variable ORDER BY th.slot) AS variables,
               array_agg(th.vintage ORDER BY th.slot) AS vintages,
               array_agg(DISTINCT th.vintage) FILTER (WHERE th.vintage IS NOT NULL) AS periods,
               -- whether the first branch of tv runs: a column, so that it
               -- stops at the one row of ta (a condition on the argument
               -- alone would be a one-time filter above the whole branch,
               -- which every one of its 2 million rows at 100,000 units
               -- would pass through)
               territory_gaps.observations IS NOT DISTINCT FROM 'rezago.observation'::regclass AS direct
        FROM th
    ), cv AS MATERIALIZED (
        -- run once, and only over another source
        SELECT c.cut, c.vals
        FROM ta, rezago.comuna_gap_values(ta.variables, ta.vintages, territory_gaps.observations) c
        WHERE territory_gaps.observations IS DISTINCT FROM 'rezago.observation'::regclass
    ), tv AS (
        -- rezago.observation, read directly (the branch below reads any
        -- other source): one territory after the other (its members in the
        -- order of the primary key), each member's rows of the vintages by
        -- one index probe on (period, cut), every variable of the territory
        -- in one aggregate: memory of one territory at a time.  The probe
        -- of every member is a plain index scan (reading through
        -- rezago.source_observations put an append of both sources under
        -- each of the 100,000 probes, doc/performance.md)
        SELECT tm.territory,
               rezago.territory_means(o.variable, o.period, o.value, ta.variables, ta.vintages) AS means
        FROM rezago.territory_member tm
        CROSS JOIN ta
        LEFT JOIN LATERAL (
            SELECT o.variable, o.period, o.value
            FROM rezago.observation o
            WHERE o.cut = tm.cut AND o.period = ANY (ta.periods)
            OFFSET 0
        ) o ON true
        WHERE ta.direct
        GROUP BY tm.territory
        UNION ALL
        -- another source (or NULL: no rows): each comuna's values at the
        -- vintages by one statement over the source, grouped by cut
        -- (rezago.comuna_gap_values), then the means of the members here
        SELECT tm.territory,
               rezago.territory_means(u.variable, u.period, u.value, ta.variables, ta.vintages)
        FROM rezago.territory_member tm
        CROSS JOIN ta
        LEFT JOIN cv ON cv.cut = tm.cut
        LEFT JOIN LATERAL ROWS FROM (pg_catalog.unnest(ta.variables), pg_catalog.unnest(ta.vintages),
                                    pg_catalog.unnest(cv.vals)) u(variable, period, value) ON true
        -- (a one-time filter: this branch is never run with rezago.observation)
        WHERE territory_gaps.observations IS DISTINCT FROM 'rezago.observation'::regclass
        GROUP BY tm.territory
    ), g AS (
        SELECT tv.territory, th.variable, tv.means[th.slot] AS value, th.threshold,
               -- written so that a zero gap is 0, not -0
               CASE WHEN th.polarity = 1 THEN th.threshold - tv.means[th.slot]
                    ELSE tv.means[th.slot] - th.threshold END AS gap
        FROM tv CROSS JOIN th
    )
    SELECT g.territory, g.variable, g.value, g.threshold, g.gap, g.gap <= 0
    FROM g
    WHERE (SELECT rezago.require_methodology(territory_gaps.methodology)) IS NOT NULL
    ORDER BY g.territory, g.variable;
END;
COMMENT ON FUNCTION rezago.territory_gaps(integer, text, text, regclass) IS
'Gap of every territory in every variable of the methodology (doc/method.md section 4): value = mean of the member comunas'' observed (never imputed) raw values at the variable''s vintage (rezago.variable_vintages); threshold from rezago.variable_thresholds (with threshold_rule: NULL = the methodology''s); gap = polarity * (threshold - value), positive = still behind; overcome = gap <= 0. value, gap and overcome are NULL when no member has a value (or the threshold is NULL). Over rezago.observation each member''s values are read by an index probe; over another source, by the one statement of rezago.comuna_gap_values (grouped by cut, so that Citus can run it on its workers), the means then taken over rezago.territory_member: the same bits either way.';

CREATE FUNCTION rezago.territory_exit(period integer, methodology text DEFAULT 'ufro2017',
                                      threshold_rule text DEFAULT NULL,
                                      observations regclass DEFAULT 'rezago.observation')
RETURNS TABLE (territory text, evaluated integer, overcome integer, share double precision, stage text)
LANGUAGE sql STABLE PARALLEL RESTRICTED
-- jit = off: JIT compiled the plan's expressions on every call for more than
-- it saved (100,000 units: 4.2 s with JIT, 3.3 s without).
-- enable_hashagg = off: territory_gaps, inlined here, gives its rows one
-- territory after the other; grouping them by sorting within each territory
-- (incremental sort) streams in the memory of one territory, where a hash of
-- every (territory, variable) grows with the data and spills to disk at 1M
-- units (doc/performance.md).
SET jit = off
SET enable_hashagg = off
BEGIN ATOMIC
    WITH m AS MATERIALIZED (
        SELECT x.exit_started_share, x.exit_advanced_share, x.exit_min_evaluated_share,
               (SELECT count(*)::integer FROM rezago.methodology_weights(territory_exit.methodology)) AS nvar
        FROM rezago.methodology x
        WHERE x.code = (SELECT rezago.require_methodology(territory_exit.methodology))
    ), s AS (
        SELECT g.territory,
               -- the polarity, from the gap's definition (threshold - value
               -- for polarity 1, value - threshold for -1; either when they
               -- are equal): no join with rezago.variable to break the order
               rezago.exit_status(g.value, g.threshold,
                                  CASE WHEN g.gap = g.threshold - g.value THEN 1 ELSE -1 END,
                                  m.nvar, m.exit_started_share,
                                  m.exit_advanced_share, m.exit_min_evaluated_share) AS st
        FROM rezago.territory_gaps(territory_exit.period, territory_exit.methodology,
                                   territory_exit.threshold_rule, observations => territory_exit.observations) g
        CROSS JOIN m
        GROUP BY g.territory
    )
    SELECT t.code, coalesce((s.st).evaluated, 0), coalesce((s.st).overcome, 0), (s.st).share,
           coalesce((s.st).stage, 'insufficient_data')
    FROM rezago.territory t LEFT JOIN s ON s.territory = t.code
    WHERE (SELECT rezago.require_methodology(territory_exit.methodology)) IS NOT NULL
    ORDER BY t.code;
END;
COMMENT ON FUNCTION rezago.territory_exit(integer, text, text, regclass) IS
'Exit stage of every territory (doc/method.md section 4), by rezago.exit_status over rezago.territory_gaps with the methodology''s parameters (threshold_rule: NULL = the methodology''s): evaluated = variables with a territory value and a threshold, overcome = those with gap <= 0, share = overcome/evaluated; stage lagging (< exit_started_share), exit_started, exit_advanced (>= exit_advanced_share), exited (all), or insufficient_data when evaluated < exit_min_evaluated_share x variables of the methodology (also for a territory without members).';

--------------------------------------------------------------------------
-- Entry (doc/method.md section 5)
--------------------------------------------------------------------------

CREATE FUNCTION rezago.comuna_poverty_ranks(period integer,
                                            observations regclass DEFAULT 'rezago.observation')
RETURNS TABLE (cut integer, region_code integer, poverty double precision, national_rank bigint,
               regional_rank bigint, regional_count bigint)
-- C (src/poverty_ranks.c): one statement reads the period's non-NULL
-- pobreza_ingresos from rezago.source_observations, each comuna in its región
-- on 31 December of the period (rezago.comuna_regions); ONE sort of the values
-- (descending, float8 order: NaN first, ties share a rank) gives the national
-- rank and, by a counter per región, the regional rank; rows returned by cut.
-- The SQL version needed three sorts (external from 100,000 comunas on) and
-- two window passes (doc/performance.md).  Not STRICT: a NULL period gives no
-- rows, a NULL observations what rezago.source_observations does with it.
-- ROWS: the order of the comunas of Chile (346), for the planner.
AS 'MODULE_PATHNAME', 'rezago_comuna_poverty_ranks'
LANGUAGE C STABLE PARALLEL RESTRICTED ROWS 350;
COMMENT ON FUNCTION rezago.comuna_poverty_ranks(integer, regclass) IS
'Income-poverty ranks of every comuna with a non-NULL pobreza_ingresos in the period: national_rank among the comunas of the country with data, regional_rank within its región on 31 December of the period (rezago.comuna_regions: the Ñuble comunas are ranked in Biobío before 2018), region_code that región, and regional_count, the comunas of the región with data (1 = poorest; ties share a rank, 1,1,3). Comunas without a región code get NULL regional rank and count.';

CREATE FUNCTION rezago.territory_entry(period integer, methodology text DEFAULT 'ufro2017',
                                       observations regclass DEFAULT 'rezago.observation')
RETURNS TABLE (territory text, e1_national boolean, e2_regional boolean, e3_isolation boolean,
               criteria_met integer, eligible boolean)
LANGUAGE sql STABLE PARALLEL RESTRICTED
-- jit = off: the plan's cost (one región lookup per comuna) is above the JIT
-- thresholds from 100,000 units on, and compiling it took 1.8 s of a 2.7 s
-- call there (busy machine), more than it ever saved (doc/performance.md)
SET jit = off
BEGIN ATOMIC
    WITH m AS MATERIALIZED (
        SELECT x.entry_national_top, x.entry_regional_share, x.entry_isolation_share, x.entry_min_criteria
        FROM rezago.methodology x
        WHERE x.code = (SELECT rezago.require_methodology(territory_entry.methodology))
    ), e AS (
        -- localidades and localidades_aisladas joined one variable each (a
        -- source has one row per comuna, variable and period): two hash
        -- joins instead of a grouping of both variables' rows by comuna
        SELECT tm.territory,
               rezago.entry_status(r.national_rank, r.regional_rank, r.regional_count,
                                   l.value, i.value,
                                   m.entry_national_top, m.entry_regional_share,
                                   m.entry_isolation_share, m.entry_min_criteria) AS st
        FROM rezago.territory_member tm
        CROSS JOIN m
        LEFT JOIN rezago.comuna_poverty_ranks(territory_entry.period, observations => territory_entry.observations) r ON r.cut = tm.cut
        LEFT JOIN rezago.source_observations(territory_entry.observations) l
          ON l.cut = tm.cut AND l.variable = 'localidades' AND l.period = territory_entry.period
        LEFT JOIN rezago.source_observations(territory_entry.observations) i
          ON i.cut = tm.cut AND i.variable = 'localidades_aisladas' AND i.period = territory_entry.period
        GROUP BY tm.territory
    )
    SELECT t.code, (e.st).e1_national, (e.st).e2_regional, (e.st).e3_isolation,
           (e.st).criteria_met, (e.st).eligible
    FROM rezago.territory t LEFT JOIN e ON e.territory = t.code
    WHERE (SELECT rezago.require_methodology(territory_entry.methodology)) IS NOT NULL
    ORDER BY t.code;
END;
COMMENT ON FUNCTION rezago.territory_entry(integer, text, regclass) IS
'Pilot entry criteria of every territory for a period (doc/method.md section 5), by rezago.entry_status over its members with the methodology''s entry_* parameters and the observations pobreza_ingresos (ranks from rezago.comuna_poverty_ranks), localidades and localidades_aisladas of that period. E1: half or more members among the entry_national_top poorest of the country; E2: half or more among the poorest entry_regional_share of their región on 31 December of the period (rezago.comuna_regions); E3: more than entry_isolation_share of the members'' localities isolated. NULL criterion = the members without data could change it; criteria_met counts the criteria known to be met; eligible = at least entry_min_criteria met, NULL when undecided. All NULL for a territory without members.';

--------------------------------------------------------------------------
-- The programme
--------------------------------------------------------------------------

CREATE FUNCTION rezago.programme_status(period integer, methodology text DEFAULT 'ufro2017',
                                        as_of date DEFAULT NULL,
                                        observations regclass DEFAULT 'rezago.observation')
RETURNS TABLE (territory text, in_programme boolean, decree text, date_in date, plan_end date,
               eligible boolean, criteria_met integer, exit_stage text, exit_begun boolean,
               kept_until_plan_end boolean, status text)
LANGUAGE sql STABLE PARALLEL RESTRICTED
BEGIN ATOMIC
    WITH d AS MATERIALIZED (
        SELECT coalesce(programme_status.as_of, CASE WHEN programme_status.period BETWEEN 1 AND 9999 THEN pg_catalog.make_date(programme_status.period, 12, 31) END) AS day
    ), x AS (
        SELECT t.code AS territory,
               coalesce(p.date_in <= d.day AND (p.date_out IS NULL OR p.date_out > d.day), false) AS in_programme,
               p.decree, p.date_in, p.plan_end,
               p.plan_end IS NULL OR p.plan_end >= d.day AS plan_running,
               en.eligible, en.criteria_met, ex.stage
        FROM rezago.territory t
        CROSS JOIN d
        LEFT JOIN rezago.programme_territory p ON p.territory = t.code
        JOIN rezago.territory_entry(programme_status.period, programme_status.methodology, observations => programme_status.observations) en ON en.territory = t.code
        JOIN rezago.territory_exit(programme_status.period, programme_status.methodology, observations => programme_status.observations) ex ON ex.territory = t.code
    ), y AS (
        SELECT x.*,
               CASE WHEN x.stage = 'insufficient_data' THEN NULL
                    ELSE x.stage IN ('exit_started', 'exit_advanced', 'exited') END AS exit_begun,
               (x.eligible = false OR x.stage = 'exited') AS no_longer_qualifies
        FROM x
    )
    SELECT y.territory, y.in_programme, y.decree, y.date_in, y.plan_end, y.eligible, y.criteria_met,
           y.stage, y.exit_begun,
           y.in_programme AND y.plan_running AND y.no_longer_qualifies,
           CASE WHEN y.in_programme THEN
                    CASE WHEN NOT y.plan_running THEN 'plan_ended'
                         WHEN y.no_longer_qualifies THEN 'kept_until_plan_end'
                         ELSE 'in_programme' END
                WHEN y.eligible THEN 'candidate'
                WHEN NOT y.eligible THEN 'not_eligible'
                ELSE 'eligibility_unknown'
           END
    FROM y
    WHERE (SELECT rezago.require_methodology(programme_status.methodology)) IS NOT NULL
    ORDER BY y.territory;
END;
COMMENT ON FUNCTION rezago.programme_status(integer, text, date, regclass) IS
'Programme situation of every territory for a period, as of a date (default 31 December of the period): in_programme (declared in rezago.programme_territory with date_in <= as_of and no date_out before it), its decree and plan end, eligibility and criteria met (rezago.territory_entry), exit stage (rezago.territory_exit), exit_begun (stage exit_started or later; NULL on insufficient_data), kept_until_plan_end (in the programme, plan not ended, and no longer qualifying: not eligible or exited; NULL when unknown), and status: in_programme, kept_until_plan_end, plan_ended, candidate, not_eligible or eligibility_unknown (labels in rezago.status_label).';

CREATE FUNCTION rezago.most_lagged(n integer, period integer, methodology text DEFAULT 'ufro2017',
                                   observations regclass DEFAULT 'rezago.observation')
RETURNS TABLE (rank bigint, territory text, name text, index double precision,
               eligible boolean, criteria_met integer)
LANGUAGE sql STABLE STRICT PARALLEL RESTRICTED
BEGIN ATOMIC
    WITH c AS MATERIALIZED (
        SELECT ti.territory, ti.index, en.eligible, en.criteria_met
        FROM rezago.territory_index(most_lagged.period, most_lagged.methodology, observations => most_lagged.observations) ti
        JOIN rezago.territory_entry(most_lagged.period, most_lagged.methodology, observations => most_lagged.observations) en
          ON en.territory = ti.territory
        WHERE ti.index IS NOT NULL AND en.eligible IS NOT FALSE
    ), r AS (
        SELECT c.territory, rank() OVER (ORDER BY c.index DESC) AS rank
        FROM c WHERE c.eligible
    ), listed AS (
        SELECT r.territory, r.rank FROM r WHERE r.rank <= most_lagged.n
    ), cutoff AS (
        -- an undecided territory is shown when it would enter the list if eligible
        SELECT CASE WHEN (SELECT count(*) FROM listed) >= most_lagged.n
                    THEN (SELECT min(c.index) FROM c JOIN listed l ON l.territory = c.territory)
                    ELSE '-Infinity'::double precision END AS index
    )
    SELECT l.rank, c.territory, t.name, c.index, c.eligible, c.criteria_met
    FROM c
    JOIN rezago.territory t ON t.code = c.territory
    LEFT JOIN listed l ON l.territory = c.territory
    WHERE most_lagged.n > 0
      AND (SELECT rezago.require_methodology(most_lagged.methodology)) IS NOT NULL
      AND (l.territory IS NOT NULL
           OR (c.eligible IS NULL AND c.index >= (SELECT cutoff.index FROM cutoff)))
    ORDER BY c.index DESC, c.territory;
END;
COMMENT ON FUNCTION rezago.most_lagged(integer, integer, text, regclass) IS
'The n territories with the highest index (rezago.territory_index) among the eligible ones (rezago.territory_entry), as a decree would list them: rank among the eligible (1 = most lagged; ties share a rank, so a tie at rank n lists more than n). Territories whose eligibility is unknown (NULL) are never dropped silently: those that would enter the list if eligible are shown in place with rank NULL and eligible NULL; filter WHERE eligible for the decree list. Territories without an index are left out. n <= 0 gives no rows; NULL arguments give no rows.';

--------------------------------------------------------------------------
-- Access classes of this file's objects (see access.sql)
--------------------------------------------------------------------------

INSERT INTO rezago.access_rule (object_kind, object_name, access) VALUES
    ('relation', 'official_threshold',   'methodology'),
    ('relation', 'status_label',         'methodology'),
    ('relation', 'programme_territory',  'edit'),
    ('routine',  'exit_status_accum',    'read'),
    ('routine',  'exit_status_combine',  'read'),
    ('routine',  'exit_status_final',    'read'),
    ('routine',  'exit_status',          'read'),
    ('routine',  'territory_means_accum', 'read'),
    ('routine',  'territory_means_final', 'read'),
    ('routine',  'territory_means',      'read'),
    ('routine',  'entry_status_accum',   'read'),
    ('routine',  'entry_status_combine', 'read'),
    ('routine',  'entry_status_final',   'read'),
    ('routine',  'entry_status',         'read'),
    ('routine',  'variable_thresholds',  'read'),
    ('routine',  'comuna_gap_values_statement', 'read'),
    ('routine',  'comuna_gap_values',    'read'),
    ('routine',  'territory_gaps',       'read'),
    ('routine',  'territory_exit',       'read'),
    ('routine',  'comuna_poverty_ranks', 'read'),
    ('routine',  'territory_entry',      'read'),
    ('routine',  'programme_status',     'read'),
    ('routine',  'most_lagged',          'read');

-- this file's writers, grant helpers and triggers lose PUBLIC's EXECUTE
SELECT pg_catalog.count(*) FROM rezago.restrict_public_execute();

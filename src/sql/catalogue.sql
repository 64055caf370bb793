/*
 * The catalogue (doc/method.md section 2): dimensions (capitals), variables,
 * methodologies and their weights; the rows the extension seeds (the six
 * capitals, the 18 variables of the UFRO 2017 annex, the programme inputs
 * and the methodology ufro2017); the helpers that check and copy a
 * methodology.  Methodology owners write the catalogue; seeded rows are
 * read-only.
 */

--------------------------------------------------------------------------
-- Catalogue: dimensions, variables, methodologies (doc/method.md section 2)
--------------------------------------------------------------------------

CREATE TABLE rezago.dimension (
    code     text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]*$'),
    name     text NOT NULL,
    in_index boolean NOT NULL DEFAULT true,
    builtin  boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE rezago.dimension IS 'Dimensions (capitals) of the lag index; the dimension context holds inputs that are not in the index (poverty, localities, population).';
COMMENT ON COLUMN rezago.dimension.code IS 'Stable identifier, e.g. capital_social.';
COMMENT ON COLUMN rezago.dimension.name IS 'Official Spanish name, e.g. Capital social.';
COMMENT ON COLUMN rezago.dimension.in_index IS 'True for the six capitals that enter the index; false for context inputs.';
COMMENT ON COLUMN rezago.dimension.builtin IS 'True for rows seeded by the extension (restored by CREATE EXTENSION, not by pg_dump; read-only).';

CREATE TABLE rezago.variable (
    code        text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]*$'),
    dimension   text NOT NULL REFERENCES rezago.dimension (code),
    name        text NOT NULL,
    description text,
    unit        text,
    polarity    smallint NOT NULL CHECK (polarity IN (-1, 1)),
    builtin     boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE rezago.variable IS 'Comuna-level variables: the 18 of the lag index (UFRO 2017 annex) and the programme inputs; users may add their own.';
COMMENT ON COLUMN rezago.variable.code IS 'Stable identifier used in rezago.observation, e.g. dependencia_fcm.';
COMMENT ON COLUMN rezago.variable.dimension IS 'Dimension (rezago.dimension.code) the variable belongs to.';
COMMENT ON COLUMN rezago.variable.name IS 'Official Spanish name.';
COMMENT ON COLUMN rezago.variable.description IS 'Operational definition.';
COMMENT ON COLUMN rezago.variable.unit IS 'Unit of the raw values; proportion means a share between 0 and 1 and is checked on import.';
COMMENT ON COLUMN rezago.variable.polarity IS '+1 when more is better (less lag), -1 when more is worse.';
COMMENT ON COLUMN rezago.variable.builtin IS 'True for rows seeded by the extension (read-only).';

CREATE TABLE rezago.methodology (
    code                    text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]*$'),
    name                    text NOT NULL,
    description             text,
    in_force_from           integer,
    in_force_to             integer,
    normalisation           text NOT NULL DEFAULT 'minmax'
                            CHECK (normalisation IN ('minmax', 'zscore', 'rank', 'goalpost')),
    winsor_lower            double precision CHECK (winsor_lower >= 0 AND winsor_lower < 0.5),
    winsor_upper            double precision CHECK (winsor_upper > 0.5 AND winsor_upper <= 1),
    min_coverage            double precision NOT NULL DEFAULT 0.5
                            CHECK (min_coverage > 0 AND min_coverage <= 1),
    territory_weighting     text NOT NULL DEFAULT 'mean'
                            CHECK (territory_weighting IN ('mean', 'population')),
    threshold_rule          text NOT NULL DEFAULT 'mean'
                            CHECK (threshold_rule IN ('mean', 'median', 'percentile', 'fixed')),
    threshold_percentile    double precision CHECK (threshold_percentile >= 0 AND threshold_percentile <= 1),
    exit_started_share      double precision NOT NULL DEFAULT 1.0 / 3
                            CHECK (exit_started_share > 0 AND exit_started_share <= 1),
    exit_advanced_share     double precision NOT NULL DEFAULT 2.0 / 3
                            CHECK (exit_advanced_share > 0 AND exit_advanced_share <= 1),
    exit_min_evaluated_share double precision NOT NULL DEFAULT 0.5
                            CHECK (exit_min_evaluated_share > 0 AND exit_min_evaluated_share <= 1),
    entry_national_top      integer NOT NULL DEFAULT 100 CHECK (entry_national_top > 0),
    entry_regional_share    double precision NOT NULL DEFAULT 0.30
                            CHECK (entry_regional_share > 0 AND entry_regional_share <= 1),
    entry_isolation_share   double precision NOT NULL DEFAULT 0.10
                            CHECK (entry_isolation_share >= 0 AND entry_isolation_share < 1),
    entry_min_criteria      integer NOT NULL DEFAULT 2 CHECK (entry_min_criteria BETWEEN 1 AND 3),
    max_data_age            integer NOT NULL DEFAULT 0 CHECK (max_data_age BETWEEN 0 AND 100),
    imputation              text NOT NULL DEFAULT 'none'
                            CHECK (imputation IN ('none', 'median_region', 'median_provincia', 'carry_forward')),
    outlier_treatment       text NOT NULL DEFAULT 'percentile'
                            CHECK (outlier_treatment IN ('percentile', 'coinr')),
    coinr_winmax            integer NOT NULL DEFAULT 5 CHECK (coinr_winmax BETWEEN 0 AND 1000000),
    coinr_skew_threshold    double precision NOT NULL DEFAULT 2
                            CHECK (coinr_skew_threshold > 0 AND coinr_skew_threshold < 'Infinity'),
    coinr_kurtosis_threshold double precision NOT NULL DEFAULT 3.5
                            CHECK (coinr_kurtosis_threshold > 0 AND coinr_kurtosis_threshold < 'Infinity'),
    aggregation             text NOT NULL DEFAULT 'arithmetic'
                            CHECK (aggregation IN ('arithmetic', 'geometric', 'ampi')),
    builtin                 boolean NOT NULL DEFAULT false,
    CHECK (exit_started_share <= exit_advanced_share),
    CHECK (threshold_rule <> 'percentile' OR threshold_percentile IS NOT NULL),
    CHECK (in_force_to IS NULL OR in_force_from IS NULL OR in_force_to >= in_force_from),
    -- one treatment: the percentiles, or COINr's rule
    CHECK (outlier_treatment = 'percentile' OR (winsor_lower IS NULL AND winsor_upper IS NULL)),
    -- the AMPI scale 70 + 60 s needs lag scores in [0, 1]
    CHECK (aggregation <> 'ampi' OR normalisation <> 'zscore')
);
COMMENT ON TABLE rezago.methodology IS 'Methodologies: every parameter of the lag index, thresholds, exit stages and entry criteria (doc/method.md sections 3-5). ufro2017 is the default.';
COMMENT ON COLUMN rezago.methodology.code IS 'Stable identifier passed to every function, e.g. ufro2017.';
COMMENT ON COLUMN rezago.methodology.name IS 'Human-readable name.';
COMMENT ON COLUMN rezago.methodology.description IS 'Where the methodology comes from and what it changes.';
COMMENT ON COLUMN rezago.methodology.in_force_from IS 'First period the methodology applies to (NULL: no lower bound); see rezago.methodology_in_force.';
COMMENT ON COLUMN rezago.methodology.in_force_to IS 'Last period the methodology applies to (NULL: still in force).';
COMMENT ON COLUMN rezago.methodology.normalisation IS 'minmax (default), zscore (standardised distance, sign by polarity), rank (percentile rank) or goalpost (fixed min/max per variable, clamped to [0,1]).';
COMMENT ON COLUMN rezago.methodology.winsor_lower IS 'Optional: raw values below this percentile (0..0.5) of the period are raised to it before normalising.';
COMMENT ON COLUMN rezago.methodology.winsor_upper IS 'Optional: raw values above this percentile (0.5..1) of the period are lowered to it before normalising.';
COMMENT ON COLUMN rezago.methodology.min_coverage IS 'Minimum share of a dimension''s weight that must have data for the dimension score to be computed (default 0.5).';
COMMENT ON COLUMN rezago.methodology.territory_weighting IS 'mean (default, the plan''s rule: arithmetic mean of member comunas) or population (weighted by the poblacion observation of the period).';
COMMENT ON COLUMN rezago.methodology.threshold_rule IS 'Threshold (umbral) of each variable: mean of comuna values (default), median, percentile or fixed (methodology_variable.threshold_fixed).';
COMMENT ON COLUMN rezago.methodology.threshold_percentile IS 'Percentile (0..1) used when threshold_rule = percentile.';
COMMENT ON COLUMN rezago.methodology.exit_started_share IS 'Share of evaluated variables overcome from which exit has started (default 1/3).';
COMMENT ON COLUMN rezago.methodology.exit_advanced_share IS 'Share of evaluated variables overcome from which exit is advanced (default 2/3).';
COMMENT ON COLUMN rezago.methodology.exit_min_evaluated_share IS 'Minimum share of the methodology''s variables a territory must be evaluated on; below it the exit stage is insufficient_data (default 0.5).';
COMMENT ON COLUMN rezago.methodology.entry_national_top IS 'E1: the comunas ranked at most this by poverty rate nationally are the poorest (default 100).';
COMMENT ON COLUMN rezago.methodology.entry_regional_share IS 'E2: a comuna is among the poorest of its region when its rank is at most this share of the region''s comunas with data (default 0.30).';
COMMENT ON COLUMN rezago.methodology.entry_isolation_share IS 'E3: met when more than this share of the territory''s localities are isolated (default 0.10).';
COMMENT ON COLUMN rezago.methodology.entry_min_criteria IS 'Entry criteria a territory must meet to be eligible (default 2 of 3).';
COMMENT ON COLUMN rezago.methodology.max_data_age IS 'Vintages: for period P each variable uses its latest period P'' in [P - max_data_age, P] with data, the same for every comuna (rezago.variable_vintages). 0 (default): only P itself.';
COMMENT ON COLUMN rezago.methodology.imputation IS 'What a comuna without a value at the variable''s vintage gets: none (default: the value is missing, and min_coverage decides), median_region or median_provincia (median of the observed values of its región or provincia at the vintage, else the national median), or carry_forward (its own latest value within max_data_age). Imputed values are scored against the observed values only and flagged (rezago.scoring_values).';
COMMENT ON COLUMN rezago.methodology.outlier_treatment IS 'Treatment of outliers before normalising (doc/method.md 3.2): percentile (default: winsor_lower and winsor_upper, none when both are NULL) or coinr (COINr''s default Treat rule, which needs both NULL: winsorise the most extreme observed values one at a time, at most coinr_winmax points, until |skewness| < coinr_skew_threshold or kurtosis < coinr_kurtosis_threshold; when that fails, log(x - min + 0.01 (max - min)) of the untreated values instead; rezago.outlier_treatment reports what was done).';
COMMENT ON COLUMN rezago.methodology.coinr_winmax IS 'outlier_treatment coinr: the most points winsorised per variable (COINr''s winmax, default 5).';
COMMENT ON COLUMN rezago.methodology.coinr_skew_threshold IS 'outlier_treatment coinr: a variable passes when |skewness| is below this (COINr''s skew_thresh, default 2).';
COMMENT ON COLUMN rezago.methodology.coinr_kurtosis_threshold IS 'outlier_treatment coinr: a variable passes when its (excess) kurtosis is below this (COINr''s kurt_thresh, default 3.5).';
COMMENT ON COLUMN rezago.methodology.aggregation IS 'How the comuna index combines lag scores (doc/method.md 3.4): arithmetic (default, weighted means), geometric (weighted geometric mean of achievements on [1, 100], as the uncertainty runs define it) or ampi (the adjusted Mazziotta-Pareto index of the dimension scores, ISTAT''s method, reported on [0,1]; not with normalisation zscore, and not in the uncertainty runs). Applies to the index only: dimension scores stay arithmetic.';
COMMENT ON COLUMN rezago.methodology.builtin IS 'True for methodologies seeded by the extension (read-only: copy them with rezago.copy_methodology).';

CREATE TABLE rezago.methodology_dimension (
    methodology text NOT NULL REFERENCES rezago.methodology (code) ON UPDATE CASCADE ON DELETE CASCADE,
    dimension   text NOT NULL REFERENCES rezago.dimension (code),
    weight      double precision NOT NULL CHECK (weight >= 0 AND weight < 'Infinity'),
    builtin     boolean NOT NULL DEFAULT false,
    PRIMARY KEY (methodology, dimension)
);
COMMENT ON TABLE rezago.methodology_dimension IS 'Weight of each dimension in the index of a methodology; weights are relative (they need not sum to 1).';
COMMENT ON COLUMN rezago.methodology_dimension.methodology IS 'Methodology code.';
COMMENT ON COLUMN rezago.methodology_dimension.dimension IS 'Dimension code.';
COMMENT ON COLUMN rezago.methodology_dimension.weight IS 'Relative weight (>= 0; 0 leaves the dimension out).';
COMMENT ON COLUMN rezago.methodology_dimension.builtin IS 'True for rows seeded by the extension (read-only).';

CREATE TABLE rezago.methodology_variable (
    methodology     text NOT NULL REFERENCES rezago.methodology (code) ON UPDATE CASCADE ON DELETE CASCADE,
    variable        text NOT NULL REFERENCES rezago.variable (code) ON UPDATE CASCADE,
    weight          double precision NOT NULL DEFAULT 1 CHECK (weight >= 0 AND weight < 'Infinity'),
    goalpost_min    double precision CHECK (goalpost_min > '-Infinity' AND goalpost_min < 'Infinity'),
    goalpost_max    double precision CHECK (goalpost_max > '-Infinity' AND goalpost_max < 'Infinity'),
    threshold_fixed double precision CHECK (threshold_fixed > '-Infinity' AND threshold_fixed < 'Infinity'),
    builtin         boolean NOT NULL DEFAULT false,
    PRIMARY KEY (methodology, variable),
    CHECK (goalpost_max > goalpost_min)
);
COMMENT ON TABLE rezago.methodology_variable IS 'Variables in the index of a methodology, with their weight within their dimension and per-variable parameters.';
COMMENT ON COLUMN rezago.methodology_variable.methodology IS 'Methodology code.';
COMMENT ON COLUMN rezago.methodology_variable.variable IS 'Variable code.';
COMMENT ON COLUMN rezago.methodology_variable.weight IS 'Relative weight within the variable''s dimension (>= 0; 0 leaves it out).';
COMMENT ON COLUMN rezago.methodology_variable.goalpost_min IS 'Lower goalpost (normalisation = goalpost).';
COMMENT ON COLUMN rezago.methodology_variable.goalpost_max IS 'Upper goalpost (normalisation = goalpost).';
COMMENT ON COLUMN rezago.methodology_variable.threshold_fixed IS 'Fixed threshold (threshold_rule = fixed).';
COMMENT ON COLUMN rezago.methodology_variable.builtin IS 'True for rows seeded by the extension (read-only).';

--------------------------------------------------------------------------
-- Built-in rows are read-only: pg_dump does not keep them (CREATE EXTENSION
-- restores them), so an edit would silently vanish on restore.
--------------------------------------------------------------------------

-- The switch rezago.allow_builtin_changes is a custom setting anyone can
-- SET: it is honoured only for a role that owns the table (the extension
-- owner), so that a methodology owner cannot edit ufro2017 by setting it.
CREATE FUNCTION rezago.protect_builtin_rows() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF (TG_OP <> 'INSERT' AND OLD.builtin) OR (TG_OP <> 'DELETE' AND NEW.builtin) THEN
        IF pg_catalog.current_setting('rezago.allow_builtin_changes', true) = 'on' AND pg_catalog.pg_has_role((SELECT c.relowner FROM pg_catalog.pg_class c WHERE c.oid = TG_RELID), 'USAGE') THEN
            RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
        END IF;
        RAISE EXCEPTION 'built-in rows of %.% are read-only', TG_TABLE_SCHEMA, TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = 'The extension seeds these rows; they are restored by CREATE EXTENSION, not by pg_dump, so changes would be lost.',
                  HINT = 'Add rows of your own instead; to change a built-in methodology, copy it with rezago.copy_methodology(''ufro2017'', ''my_code'') and edit the copy.';
    END IF;
    RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END
$$;
COMMENT ON FUNCTION rezago.protect_builtin_rows() IS 'Trigger: refuses changes to rows seeded by the extension (builtin = true).';

CREATE TRIGGER protect_builtin BEFORE INSERT OR UPDATE OR DELETE ON rezago.dimension
    FOR EACH ROW EXECUTE FUNCTION rezago.protect_builtin_rows();
CREATE TRIGGER protect_builtin BEFORE INSERT OR UPDATE OR DELETE ON rezago.variable
    FOR EACH ROW EXECUTE FUNCTION rezago.protect_builtin_rows();
CREATE TRIGGER protect_builtin BEFORE INSERT OR UPDATE OR DELETE ON rezago.methodology
    FOR EACH ROW EXECUTE FUNCTION rezago.protect_builtin_rows();
CREATE TRIGGER protect_builtin BEFORE INSERT OR UPDATE OR DELETE ON rezago.methodology_dimension
    FOR EACH ROW EXECUTE FUNCTION rezago.protect_builtin_rows();
CREATE TRIGGER protect_builtin BEFORE INSERT OR UPDATE OR DELETE ON rezago.methodology_variable
    FOR EACH ROW EXECUTE FUNCTION rezago.protect_builtin_rows();

--------------------------------------------------------------------------
-- Seeds: the six capitals, the 18 variables, the programme inputs, ufro2017
--------------------------------------------------------------------------

SET LOCAL rezago.allow_builtin_changes = 'on';

INSERT INTO rezago.dimension (code, name, in_index, builtin) VALUES
    ('capital_cultural',      'Capital cultural',      true,  true),
    ('capital_social',        'Capital social',        true,  true),
    ('capital_humano',        'Capital humano',        true,  true),
    ('capital_institucional', 'Capital institucional', true,  true),
    ('capital_fisico',        'Capital físico',        true,  true),
    ('capital_economico',     'Capital económico',     true,  true),
    ('context',               'Contexto (insumos del programa, fuera del índice)', false, true);

INSERT INTO rezago.variable (code, dimension, name, description, unit, polarity, builtin) VALUES
    ('patrimonio_material',          'capital_cultural',      'Patrimonio material',          'National monuments declared by decree', 'count', 1, true),
    ('patrimonio_inmaterial',        'capital_cultural',      'Patrimonio inmaterial',        'Cultural expressions registered (UNESCO convention)', 'count', 1, true),
    ('marcas_territoriales',         'capital_cultural',      'Marcas territoriales',         'Territorial brands and denominations of origin', 'count', 1, true),
    ('agrupaciones_sociales',        'capital_social',        'Agrupaciones sociales',        'Number of social organisations', 'count', 1, true),
    ('participacion_electoral',      'capital_social',        'Participación electoral',      'Electoral participation', 'percent', 1, true),
    ('escolaridad',                  'capital_humano',        'Años de escolaridad',          'Mean years of schooling', 'years', 1, true),
    ('puntaje_psu',                  'capital_humano',        'Puntaje PSU',                  'Mean university-entrance test score', 'points', 1, true),
    ('profesionalizacion_municipal', 'capital_humano',        'Profesionalización municipal', 'Municipal staff who are professionals', 'percent', 1, true),
    ('dependencia_fcm',              'capital_institucional', 'Dependencia del FCM',          'Municipal income from the Fondo Común Municipal', 'percent', -1, true),
    ('gasto_municipal',              'capital_institucional', 'Gastos municipales',           'Municipal spending per capita', 'M$ per inhabitant', 1, true),
    ('ordenanzas_municipales',       'capital_institucional', 'Ordenanzas municipales',       'Number of municipal ordinances', 'count', 1, true),
    ('caminos_pavimentados',         'capital_fisico',        'Caminos',                      'Paved road network', 'percent', 1, true),
    ('antenas',                      'capital_fisico',        'Antenas',                      'Antennas per 100 km', 'per 100 km', 1, true),
    ('infraestructura_recepcion',    'capital_fisico',        'Infraestructura',              'Buildings with final reception', 'percent', 1, true),
    ('remuneracion',                 'capital_economico',     'Remuneración',                 'Mean monthly wage of dependent workers', '$', 1, true),
    ('empresas',                     'capital_economico',     'Empresas',                     'Firms per 100 inhabitants', 'per 100 inhabitants', 1, true),
    ('inversion_fndr',               'capital_economico',     'Inversión FNDR',               'Annual FNDR public investment per capita', 'M$ per inhabitant', 1, true),
    ('colocaciones',                 'capital_economico',     'Colocaciones',                 'Bank loans per capita', '$ per inhabitant', 1, true),
    ('pobreza_ingresos',             'context',               'Pobreza por ingresos',         'Income-poverty rate (CASEN small-area estimate)', 'proportion', -1, true),
    ('localidades',                  'context',               'Localidades',                  'Number of localities', 'count', 1, true),
    ('localidades_aisladas',         'context',               'Localidades aisladas',         'Number of isolated localities (SUBDERE isolation study)', 'count', -1, true),
    ('poblacion',                    'context',               'Población',                    'Population (INE projection)', 'inhabitants', 1, true);

INSERT INTO rezago.methodology (code, name, description, in_force_from, builtin) VALUES
    ('ufro2017', 'Índice de rezago UFRO 2017',
     'Universidad de La Frontera 2017 annex: 18 variables, six capitals, equal weights per dimension and per variable within a dimension, min-max normalisation over all comunas, thresholds at the national mean.',
     2017, true);

INSERT INTO rezago.methodology_dimension (methodology, dimension, weight, builtin)
SELECT 'ufro2017', d.code, 1, true FROM rezago.dimension d WHERE d.in_index;

INSERT INTO rezago.methodology_variable (methodology, variable, weight, builtin)
SELECT 'ufro2017', v.code, 1, true
FROM rezago.variable v JOIN rezago.dimension d ON d.code = v.dimension
WHERE d.in_index;

RESET rezago.allow_builtin_changes;

-- pg_dump keeps user data; built-in rows come back with CREATE EXTENSION.
SELECT pg_catalog.pg_extension_config_dump('rezago.dimension', 'WHERE NOT builtin');
SELECT pg_catalog.pg_extension_config_dump('rezago.variable', 'WHERE NOT builtin');
SELECT pg_catalog.pg_extension_config_dump('rezago.methodology', 'WHERE NOT builtin');
SELECT pg_catalog.pg_extension_config_dump('rezago.methodology_dimension', 'WHERE NOT builtin');
SELECT pg_catalog.pg_extension_config_dump('rezago.methodology_variable', 'WHERE NOT builtin');

--------------------------------------------------------------------------
-- Methodology helpers
--------------------------------------------------------------------------

-- The check itself, run by rezago.require_methodology (C, src/source_check.c)
-- when it has not seen the methodology complete under the caller's snapshot.
-- Internal: callers use require_methodology, which calls this through fmgr
-- (no EXECUTE privilege is checked there).
CREATE FUNCTION rezago.check_methodology(code text) RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    m rezago.methodology;
    problem text;
BEGIN
    SELECT * INTO m FROM rezago.methodology WHERE methodology.code = check_methodology.code;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'methodology "%" does not exist', code
            USING ERRCODE = 'undefined_object',
                  DETAIL = pg_catalog.format('Known methodologies: %s.',
                      (SELECT pg_catalog.string_agg(x.code, ', ' ORDER BY x.code) FROM rezago.methodology x)),
                  HINT = 'Pass one of the codes in rezago.methodology, or create one with rezago.copy_methodology.';
    END IF;
    SELECT pg_catalog.string_agg(p, '; ') INTO problem FROM (
        SELECT 'no dimension has a positive weight' AS p
        WHERE NOT EXISTS (SELECT 1 FROM rezago.methodology_dimension d
                          WHERE d.methodology = m.code AND d.weight > 0)
        UNION ALL
        SELECT pg_catalog.format('dimension %s has a positive weight but no variable with a positive weight', d.dimension)
        FROM rezago.methodology_dimension d
        WHERE d.methodology = m.code AND d.weight > 0
          AND NOT EXISTS (SELECT 1 FROM rezago.methodology_variable mv
                          JOIN rezago.variable v ON v.code = mv.variable
                          WHERE mv.methodology = m.code AND mv.weight > 0 AND v.dimension = d.dimension)
        UNION ALL
        SELECT pg_catalog.format('variable %s belongs to dimension %s, which has no weight in the methodology', v.code, v.dimension)
        FROM rezago.methodology_variable mv JOIN rezago.variable v ON v.code = mv.variable
        WHERE mv.methodology = m.code AND mv.weight > 0
          AND NOT EXISTS (SELECT 1 FROM rezago.methodology_dimension d
                          WHERE d.methodology = m.code AND d.dimension = v.dimension AND d.weight > 0)
        UNION ALL
        SELECT pg_catalog.format('variable %s has no goalposts', mv.variable)
        FROM rezago.methodology_variable mv
        WHERE mv.methodology = m.code AND m.normalisation = 'goalpost' AND mv.weight > 0
          AND (mv.goalpost_min IS NULL OR mv.goalpost_max IS NULL)
        UNION ALL
        SELECT 'outlier_treatment coinr cannot be combined with the goalpost normalisation (fixed bounds in the units of the raw values)'
        WHERE m.outlier_treatment = 'coinr' AND m.normalisation = 'goalpost'
    ) problems;
    IF problem IS NOT NULL THEN
        RAISE EXCEPTION 'methodology "%" is not complete', code
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = problem || '.',
                  HINT = 'Fix rezago.methodology_dimension and rezago.methodology_variable for this methodology.';
    END IF;
    RETURN m.code;
END
$$;
COMMENT ON FUNCTION rezago.check_methodology(text) IS
'Internal to rezago.require_methodology: checks that the methodology exists and is complete (weights, goalposts) every time it is called; returns the code, or raises 42704 (unknown) or 22023 (incomplete) with the problems in the detail.';

-- One audit asks for the same methodology some sixty times: a methodology
-- found complete is remembered, in backend memory, for the snapshot and
-- role it was checked under (src/source_check.c).  PARALLEL SAFE: in a
-- worker it remembers in the worker's own memory, which is right (the
-- worker has the leader's snapshot and role) and forgotten at its exit.
CREATE FUNCTION rezago.require_methodology(code text) RETURNS text
AS 'MODULE_PATHNAME', 'rezago_require_methodology'
LANGUAGE C STABLE PARALLEL SAFE CALLED ON NULL INPUT;
COMMENT ON FUNCTION rezago.require_methodology(text) IS
'Returns the code when the methodology exists and is complete (weights, goalposts); otherwise raises 42704 (unknown) or 22023 (incomplete) with the problems in the detail. A methodology found complete is not checked again under the same snapshot by the same role (backend memory, src/source_check.c: a change made by the transaction, a commit seen by a new snapshot, another role or another transaction checks it again; a rolled-back subtransaction forgets every check).';

-- A rule that a caller puts in place of the methodology's own (what-if
-- analyses, the uncertainty engine): NULL means the methodology's rule.
CREATE FUNCTION rezago.require_rule(methodology text, kind text, rule text DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    m rezago.methodology;
    missing text;
    -- the rules of each kind; NULL: an unknown kind
    known text[] := CASE kind WHEN 'normalisation' THEN '{minmax,zscore,rank,goalpost}'
                              WHEN 'threshold_rule' THEN '{mean,median,percentile,fixed}'
                              WHEN 'imputation' THEN '{none,median_region,median_provincia,carry_forward}'
                              WHEN 'outlier_treatment' THEN '{none,percentile,coinr}' END;
    label text := pg_catalog.replace(kind, '_', ' ');
BEGIN
    SELECT * INTO m FROM rezago.methodology x WHERE x.code = rezago.require_methodology(methodology);
    IF known IS NULL THEN
        RAISE EXCEPTION 'unknown kind of rule "%"', kind
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'The kinds are normalisation, threshold_rule, imputation and outlier_treatment.',
                  HINT = 'Pass normalisation, threshold_rule, imputation or outlier_treatment.';
    ELSIF rule IS NULL THEN
        -- the methodology's own (a complete methodology has its goalposts);
        -- its outlier treatment: coinr, else percentile when it has limits, else none
        RETURN CASE kind WHEN 'normalisation' THEN m.normalisation
                         WHEN 'threshold_rule' THEN m.threshold_rule
                         WHEN 'imputation' THEN m.imputation
                         WHEN 'outlier_treatment' THEN
                             CASE WHEN m.outlier_treatment = 'coinr' THEN 'coinr'
                                  WHEN m.winsor_lower IS NOT NULL OR m.winsor_upper IS NOT NULL THEN 'percentile'
                                  ELSE 'none' END END;
    ELSIF NOT rule = ANY (known) THEN
        RAISE EXCEPTION 'unknown % "%"', label, rule
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = pg_catalog.format('The %ss are %s and %s.', label,
                                             pg_catalog.array_to_string(known[1:pg_catalog.cardinality(known) - 1], ', '),
                                             known[pg_catalog.cardinality(known)]),
                  HINT = 'Pass one of them, or NULL for the methodology''s own.';
    END IF;
    -- rules the methodology cannot apply
    IF kind = 'normalisation' THEN
        SELECT pg_catalog.min(mv.variable) INTO missing
        FROM rezago.methodology_variable mv
        WHERE rule = 'goalpost' AND mv.methodology = m.code AND mv.weight > 0
          AND (mv.goalpost_min IS NULL OR mv.goalpost_max IS NULL);
        IF missing IS NOT NULL THEN
            RAISE EXCEPTION 'normalisation goalpost needs goalposts for every variable'
                USING ERRCODE = 'invalid_parameter_value',
                      DETAIL = pg_catalog.format('Variable %s of methodology %s has no goalpost_min or goalpost_max.',
                                                 missing, m.code),
                      HINT = 'Set the goalposts in rezago.methodology_variable, or choose another normalisation.';
        END IF;
    ELSIF kind = 'threshold_rule' AND rule = 'percentile' AND m.threshold_percentile IS NULL THEN
        RAISE EXCEPTION 'threshold rule percentile needs a threshold percentile'
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = pg_catalog.format('Methodology %s has no threshold_percentile.', m.code),
                  HINT = 'Set rezago.methodology.threshold_percentile, or choose another threshold rule.';
    ELSIF kind = 'outlier_treatment' AND rule = 'percentile'
          AND m.winsor_lower IS NULL AND m.winsor_upper IS NULL THEN
        RAISE EXCEPTION 'outlier treatment percentile needs winsorisation percentiles'
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = pg_catalog.format('Methodology %s has neither winsor_lower nor winsor_upper.', m.code),
                  HINT = 'Analyse a copy of the methodology with winsor_lower or winsor_upper set, or choose none or coinr.';
    END IF;
    RETURN rule;
END
$$;
COMMENT ON FUNCTION rezago.require_rule(text, text, text) IS
'The rule of a kind (normalisation, threshold_rule, imputation or outlier_treatment) to compute with: the methodology''s own when rule is NULL, else rule, checked: normalisation minmax, zscore, rank or goalpost (goalpost needs both goalposts of every variable); threshold_rule mean, median, percentile or fixed (percentile needs the methodology''s threshold_percentile); imputation none, median_region, median_provincia or carry_forward; outlier_treatment none, percentile (the methodology''s winsor_lower and winsor_upper: needs one of them) or coinr (with the methodology''s coinr_ parameters); the methodology''s own outlier treatment is reported as coinr, percentile (a limit is set) or none. Errors: unknown or incomplete methodology (42704, 22023), unknown kind or rule, a rule the methodology cannot apply (22023).';

-- The target of copy_methodology: a NULL, malformed or existing code is
-- refused with a detail and a hint, not a raw constraint violation.
CREATE FUNCTION rezago.require_new_methodology_code(code text) RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF code IS NULL THEN
        RAISE EXCEPTION 'methodology code must not be NULL'
            USING ERRCODE = 'null_value_not_allowed',
                  DETAIL = 'A new methodology needs a code.',
                  HINT = 'Pass a code of lower-case letters, digits and underscores, e.g. ''mine_2024''.';
    END IF;
    IF code !~ '^[a-z][a-z0-9_]*$' THEN
        RAISE EXCEPTION 'invalid methodology code %', pg_catalog.quote_literal(code)
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'Codes are lower-case letters, digits and underscores, starting with a letter.',
                  HINT = 'Pass a code such as ''mine_2024''; the name can be any text.';
    END IF;
    IF EXISTS (SELECT 1 FROM rezago.methodology m WHERE m.code = require_new_methodology_code.code) THEN
        RAISE EXCEPTION 'methodology "%" already exists', code
            USING ERRCODE = 'duplicate_object',
                  DETAIL = 'rezago.methodology already has a row with this code.',
                  HINT = 'Choose another code, or delete the existing methodology first.';
    END IF;
    RETURN code;
END
$$;
COMMENT ON FUNCTION rezago.require_new_methodology_code(text) IS
'Returns the code when it can name a new methodology; otherwise raises 22004 (NULL), 22023 (not lower-case letters, digits and underscores) or 42710 (exists), with a detail and a hint.';

CREATE FUNCTION rezago.copy_methodology(source text, target text, target_name text DEFAULT NULL)
RETURNS text
LANGUAGE sql
BEGIN ATOMIC
    INSERT INTO rezago.methodology (code, name, description, in_force_from, in_force_to, normalisation,
        winsor_lower, winsor_upper, min_coverage, territory_weighting, threshold_rule, threshold_percentile,
        exit_started_share, exit_advanced_share, exit_min_evaluated_share, entry_national_top,
        entry_regional_share, entry_isolation_share, entry_min_criteria, max_data_age, imputation,
        outlier_treatment, coinr_winmax, coinr_skew_threshold, coinr_kurtosis_threshold, aggregation, builtin)
    SELECT rezago.require_new_methodology_code(copy_methodology.target),
        coalesce(copy_methodology.target_name, m.name || ' (copy)'),
        m.description, m.in_force_from, m.in_force_to, m.normalisation,
        m.winsor_lower, m.winsor_upper, m.min_coverage, m.territory_weighting, m.threshold_rule, m.threshold_percentile,
        m.exit_started_share, m.exit_advanced_share, m.exit_min_evaluated_share, m.entry_national_top,
        m.entry_regional_share, m.entry_isolation_share, m.entry_min_criteria, m.max_data_age, m.imputation,
        m.outlier_treatment, m.coinr_winmax, m.coinr_skew_threshold, m.coinr_kurtosis_threshold, m.aggregation, false
    FROM rezago.methodology m WHERE m.code = rezago.require_methodology(copy_methodology.source);
    INSERT INTO rezago.methodology_dimension (methodology, dimension, weight)
    SELECT copy_methodology.target, d.dimension, d.weight
    FROM rezago.methodology_dimension d WHERE d.methodology = copy_methodology.source;
    INSERT INTO rezago.methodology_variable (methodology, variable, weight, goalpost_min, goalpost_max, threshold_fixed)
    SELECT copy_methodology.target, v.variable, v.weight, v.goalpost_min, v.goalpost_max, v.threshold_fixed
    FROM rezago.methodology_variable v WHERE v.methodology = copy_methodology.source;
    SELECT copy_methodology.target;
END;
COMMENT ON FUNCTION rezago.copy_methodology(text, text, text) IS
'Copies a methodology with its dimension and variable weights under a new code (editable: builtin = false); returns the new code. Errors: unknown source (42704), NULL target (22004), malformed target code (22023), existing target (42710).';

CREATE FUNCTION rezago.methodology_in_force(period integer)
RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT m.code FROM rezago.methodology m
    WHERE (m.in_force_from IS NULL OR m.in_force_from <= methodology_in_force.period)
      AND (m.in_force_to IS NULL OR m.in_force_to >= methodology_in_force.period)
    ORDER BY m.builtin DESC, m.in_force_from DESC NULLS LAST, m.code
    LIMIT 1;
END;
COMMENT ON FUNCTION rezago.methodology_in_force(integer) IS
'Code of the methodology in force for a period (built-in first, then the latest in_force_from); NULL when none covers it.';

CREATE FUNCTION rezago.methodology_weights(methodology text DEFAULT 'ufro2017')
RETURNS TABLE (variable text, dimension text, polarity smallint, variable_weight double precision,
               dimension_weight double precision, effective_weight double precision)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    WITH w AS (
        SELECT v.code AS variable, v.dimension, v.polarity, mv.weight AS vw, md.weight AS dw,
               -- weights are >= 0: ascending order is the canonical order of
               -- rezago's sums (src/canonical_sum.c), whatever the row order
               sum(mv.weight) OVER (PARTITION BY v.dimension ORDER BY mv.weight
                                    ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS dim_vw
        FROM rezago.methodology_variable mv
        JOIN rezago.variable v ON v.code = mv.variable
        JOIN rezago.methodology_dimension md ON md.methodology = mv.methodology AND md.dimension = v.dimension
        WHERE mv.methodology = (SELECT rezago.require_methodology(methodology_weights.methodology))
          AND mv.weight > 0 AND md.weight > 0
    ), d AS (SELECT sum(x.dw ORDER BY x.dw) AS total FROM (SELECT DISTINCT w.dimension, w.dw FROM w) x)
    SELECT w.variable, w.dimension, w.polarity, w.vw / w.dim_vw, w.dw / d.total,
           (w.dw / d.total) * (w.vw / w.dim_vw)
    FROM w CROSS JOIN d
    ORDER BY w.dimension, w.variable;
END;
COMMENT ON FUNCTION rezago.methodology_weights(text) IS
'Variables of a methodology with their normalised weight within the dimension, the dimension''s normalised weight, and the effective weight in the index (these sum to 1).';

-- The numbering of the dimensions that rezago.scoring_rows gives every
-- scoring path (dimension_no) and the unit_* aggregates number their
-- results by: element i is dimension i.
CREATE FUNCTION rezago.methodology_dimension_codes(methodology text DEFAULT 'ufro2017')
RETURNS text[]
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    -- the dimensions of methodology_weights: of a complete methodology
    -- (rezago.require_methodology), those with a positive weight, each of
    -- which has a variable with a positive weight
    SELECT array_agg(d.dimension ORDER BY d.dimension)
    FROM rezago.methodology_dimension d
    WHERE d.methodology = (SELECT rezago.require_methodology(methodology_dimension_codes.methodology))
      AND d.weight > 0;
END;
COMMENT ON FUNCTION rezago.methodology_dimension_codes(text) IS
'The codes of the dimensions with a positive weight in the methodology, by number (1..n_dimensions, in code order): element i is dimension i of rezago.scoring_rows (dimension_no) and of the arrays of rezago.unit_dimension_scores_final and unit_dimension_coverage_final. Errors: unknown (42704, also for NULL) or incomplete (22023) methodology, as rezago.methodology_weights.';

--------------------------------------------------------------------------
-- Access classes of this file's objects (see access.sql)
--------------------------------------------------------------------------

INSERT INTO rezago.access_rule (object_kind, object_name, access) VALUES
    ('relation', 'dimension',                    'methodology'),
    ('relation', 'variable',                     'methodology'),
    ('relation', 'methodology',                  'methodology'),
    ('relation', 'methodology_dimension',        'methodology'),
    ('relation', 'methodology_variable',         'methodology'),
    ('routine',  'protect_builtin_rows',         'internal'),
    ('routine',  'check_methodology',            'internal'),
    ('routine',  'require_methodology',          'read'),
    ('routine',  'require_rule',                 'read'),
    ('routine',  'require_new_methodology_code', 'read'),
    ('routine',  'copy_methodology',             'methodology'),
    ('routine',  'methodology_in_force',         'read'),
    ('routine',  'methodology_weights',          'read'),
    ('routine',  'methodology_dimension_codes',  'read');

-- this file's writers, grant helpers and triggers lose PUBLIC's EXECUTE
SELECT pg_catalog.count(*) FROM rezago.restrict_public_execute();

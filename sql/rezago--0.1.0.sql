/*
 * rezago 0.1.0: data model, catalogue and the lag index.
 * The contract for every number is METHOD.md; section numbers below refer to it.
 * Scripts run with search_path = rezago, <postgis schema>, pg_temp: every
 * object is schema-qualified anyway, and function bodies are BEGIN ATOMIC so
 * that they are bound when created, not when called.
 */
\echo Use "CREATE EXTENSION rezago CASCADE" to load this file. \quit

--------------------------------------------------------------------------
-- Catalogue: dimensions, variables, methodologies (METHOD.md section 2)
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
    builtin                 boolean NOT NULL DEFAULT false,
    CHECK (exit_started_share <= exit_advanced_share),
    CHECK (threshold_rule <> 'percentile' OR threshold_percentile IS NOT NULL),
    CHECK (in_force_to IS NULL OR in_force_from IS NULL OR in_force_to >= in_force_from)
);
COMMENT ON TABLE rezago.methodology IS 'Methodologies: every parameter of the lag index, thresholds, exit stages and entry criteria (METHOD.md sections 3-5). ufro2017 is the default.';
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
-- User data: comunas, observations, territories (METHOD.md section 1)
--------------------------------------------------------------------------

CREATE TABLE rezago.comuna (
    cut            integer PRIMARY KEY CHECK (cut > 0),
    name           text NOT NULL,
    provincia_code integer,
    provincia      text,
    region_code    integer,
    region         text,
    geom           geometry(MultiPolygon, 4326)
);
CREATE INDEX comuna_geom_idx ON rezago.comuna USING gist (geom);
COMMENT ON TABLE rezago.comuna IS 'Comunas identified by their CUT code (2018 codes), with provincia, region and boundary.';
COMMENT ON COLUMN rezago.comuna.cut IS 'Código único territorial, e.g. 4201 (Ñuble comunas use the 2018 codes 16xxx).';
COMMENT ON COLUMN rezago.comuna.name IS 'Official name.';
COMMENT ON COLUMN rezago.comuna.provincia_code IS 'Provincia code (the CUT without its last two digits, e.g. 42).';
COMMENT ON COLUMN rezago.comuna.provincia IS 'Provincia name.';
COMMENT ON COLUMN rezago.comuna.region_code IS 'Región code (the CUT without its last three digits, e.g. 4).';
COMMENT ON COLUMN rezago.comuna.region IS 'Región name.';
COMMENT ON COLUMN rezago.comuna.geom IS 'Boundary, valid MultiPolygon in WGS84 (SRID 4326); NULL when unknown (e.g. Antártica in the BCN file).';

CREATE TABLE rezago.observation (
    cut      integer NOT NULL REFERENCES rezago.comuna (cut) ON UPDATE CASCADE,
    variable text NOT NULL REFERENCES rezago.variable (code) ON UPDATE CASCADE,
    period   integer NOT NULL,
    value    double precision
             CONSTRAINT observation_value_finite
             CHECK (value > '-Infinity' AND value < 'Infinity'),
    PRIMARY KEY (cut, variable, period)
);
CREATE INDEX observation_period_idx ON rezago.observation (period, variable);
COMMENT ON TABLE rezago.observation IS 'Raw comuna values: one row per comuna, variable and period. NULL value = known to be missing. Load with rezago.import_observations.';
COMMENT ON COLUMN rezago.observation.cut IS 'Comuna (rezago.comuna.cut).';
COMMENT ON COLUMN rezago.observation.variable IS 'Variable (rezago.variable.code).';
COMMENT ON COLUMN rezago.observation.period IS 'Year the value refers to.';
COMMENT ON COLUMN rezago.observation.value IS 'Raw value in the variable''s unit; finite or NULL (NaN and infinities are refused).';

CREATE TABLE rezago.territory (
    code       text PRIMARY KEY,
    name       text NOT NULL,
    centre_cut integer REFERENCES rezago.comuna (cut) ON UPDATE CASCADE
);
COMMENT ON TABLE rezago.territory IS 'Functional territories: named groups of two or more contiguous comunas.';
COMMENT ON COLUMN rezago.territory.code IS 'Stable identifier, e.g. limari_choapa.';
COMMENT ON COLUMN rezago.territory.name IS 'Name, e.g. Limarí-Choapa.';
COMMENT ON COLUMN rezago.territory.centre_cut IS 'Optional urban centre (a comuna CUT).';

CREATE TABLE rezago.territory_member (
    territory text NOT NULL REFERENCES rezago.territory (code) ON UPDATE CASCADE ON DELETE CASCADE,
    cut       integer NOT NULL REFERENCES rezago.comuna (cut) ON UPDATE CASCADE,
    PRIMARY KEY (territory, cut)
);
CREATE INDEX territory_member_cut_idx ON rezago.territory_member (cut);
COMMENT ON TABLE rezago.territory_member IS 'Member comunas of each territory (by CUT).';
COMMENT ON COLUMN rezago.territory_member.territory IS 'Territory code.';
COMMENT ON COLUMN rezago.territory_member.cut IS 'Member comuna CUT.';

--------------------------------------------------------------------------
-- Built-in rows are read-only: pg_dump does not keep them (CREATE EXTENSION
-- restores them), so an edit would silently vanish on restore.
--------------------------------------------------------------------------

CREATE FUNCTION rezago.protect_builtin_rows() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF (TG_OP <> 'INSERT' AND OLD.builtin) OR (TG_OP <> 'DELETE' AND NEW.builtin) THEN
        IF pg_catalog.current_setting('rezago.allow_builtin_changes', true) = 'on' THEN
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
SELECT pg_catalog.pg_extension_config_dump('rezago.comuna', '');
SELECT pg_catalog.pg_extension_config_dump('rezago.observation', '');
SELECT pg_catalog.pg_extension_config_dump('rezago.territory', '');
SELECT pg_catalog.pg_extension_config_dump('rezago.territory_member', '');

--------------------------------------------------------------------------
-- C building blocks (src/index.c), usable over any table
--------------------------------------------------------------------------

CREATE FUNCTION rezago.lag_score(value double precision, min double precision,
                                 max double precision, polarity integer)
RETURNS double precision
AS 'MODULE_PATHNAME', 'rezago_lag_score'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION rezago.lag_score(double precision, double precision, double precision, integer) IS
'Min-max lag score in [0,1], 1 = most lagged: (max-value)/(max-min) for polarity +1, (value-min)/(max-min) for -1, clamped to [0,1]; 0 when max = min. NULL or non-finite value: NULL. NULL min/max/polarity: NULL. Non-finite min or max, max < min, polarity not +-1: error.';

CREATE FUNCTION rezago.lag_score_zscore(value double precision, mean double precision,
                                        sd double precision, polarity integer)
RETURNS double precision
AS 'MODULE_PATHNAME', 'rezago_lag_score_zscore'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION rezago.lag_score_zscore(double precision, double precision, double precision, integer) IS
'Z-score lag score, larger = more lagged: -polarity*(value-mean)/sd; 0 when sd = 0; unbounded. NULL or non-finite value: NULL. Non-finite mean or sd, negative sd, polarity not +-1: error.';

CREATE FUNCTION rezago.weighted_mean_accum(double precision[], double precision, double precision)
RETURNS double precision[] AS 'MODULE_PATHNAME', 'rezago_wmean_accum'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION rezago.weighted_mean_accum(double precision[], double precision, double precision, double precision)
RETURNS double precision[] AS 'MODULE_PATHNAME', 'rezago_wmean_accum_mincov'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION rezago.weighted_mean_accum_total(double precision[], double precision, double precision, double precision)
RETURNS double precision[] AS 'MODULE_PATHNAME', 'rezago_wmean_accum_total'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION rezago.weighted_mean_accum(double precision[], double precision, double precision, double precision, double precision)
RETURNS double precision[] AS 'MODULE_PATHNAME', 'rezago_wmean_accum_cov_total'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION rezago.average_accum(double precision[], double precision)
RETURNS double precision[] AS 'MODULE_PATHNAME', 'rezago_average_accum'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION rezago.weighted_mean_combine(double precision[], double precision[])
RETURNS double precision[] AS 'MODULE_PATHNAME', 'rezago_wmean_combine'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION rezago.weighted_mean_final(double precision[])
RETURNS double precision AS 'MODULE_PATHNAME', 'rezago_wmean_final'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION rezago.weighted_mean_coverage(double precision[])
RETURNS double precision AS 'MODULE_PATHNAME', 'rezago_wmean_coverage'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rezago.weighted_mean_accum(double precision[], double precision, double precision) IS 'Support function of rezago.dimension_score; not for direct use.';
COMMENT ON FUNCTION rezago.weighted_mean_accum(double precision[], double precision, double precision, double precision) IS 'Support function of rezago.dimension_score; not for direct use.';
COMMENT ON FUNCTION rezago.weighted_mean_accum_total(double precision[], double precision, double precision, double precision) IS 'Support function of rezago.dimension_coverage; not for direct use.';
COMMENT ON FUNCTION rezago.weighted_mean_accum(double precision[], double precision, double precision, double precision, double precision) IS 'Support function of rezago.dimension_score; not for direct use.';
COMMENT ON FUNCTION rezago.average_accum(double precision[], double precision) IS 'Support function of rezago.territory_average; not for direct use.';
COMMENT ON FUNCTION rezago.weighted_mean_combine(double precision[], double precision[]) IS 'Combine function of the weighted-mean aggregates (parallel aggregation); not for direct use.';
COMMENT ON FUNCTION rezago.weighted_mean_final(double precision[]) IS 'Final function of the weighted-mean aggregates; not for direct use.';
COMMENT ON FUNCTION rezago.weighted_mean_coverage(double precision[]) IS 'Final function of rezago.dimension_coverage; not for direct use.';

CREATE AGGREGATE rezago.dimension_score(score double precision, weight double precision) (
    SFUNC = rezago.weighted_mean_accum, STYPE = double precision[],
    FINALFUNC = rezago.weighted_mean_final, COMBINEFUNC = rezago.weighted_mean_combine,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE rezago.dimension_score(double precision, double precision) IS
'Weighted mean of the non-NULL scores. A NULL score is missing (its weight lowers coverage); weight 0 leaves a row out. NULL when nothing is scored or the input is empty. Error on NaN/infinite score, NULL/negative/non-finite weight.';

CREATE AGGREGATE rezago.dimension_score(score double precision, weight double precision,
                                        min_coverage double precision) (
    SFUNC = rezago.weighted_mean_accum, STYPE = double precision[],
    FINALFUNC = rezago.weighted_mean_final, COMBINEFUNC = rezago.weighted_mean_combine,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE rezago.dimension_score(double precision, double precision, double precision) IS
'Weighted mean of the non-NULL scores, NULL when the scored share of the weight (coverage) is below min_coverage (a constant in [0,1]; 1 = any missing score gives NULL). Same NULL/NaN policy as the two-argument form.';

CREATE AGGREGATE rezago.dimension_score(score double precision, weight double precision,
                                        min_coverage double precision, total_weight double precision) (
    SFUNC = rezago.weighted_mean_accum, STYPE = double precision[],
    FINALFUNC = rezago.weighted_mean_final, COMBINEFUNC = rezago.weighted_mean_combine,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE rezago.dimension_score(double precision, double precision, double precision, double precision) IS
'As dimension_score(score, weight, min_coverage), but coverage is measured against total_weight (the weight of every item of the group, a positive constant), so missing items need no input row. Error when the rows weigh more than total_weight.';

CREATE AGGREGATE rezago.dimension_coverage(score double precision, weight double precision) (
    SFUNC = rezago.weighted_mean_accum, STYPE = double precision[],
    FINALFUNC = rezago.weighted_mean_coverage, COMBINEFUNC = rezago.weighted_mean_combine,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE rezago.dimension_coverage(double precision, double precision) IS
'Share of the weight whose score is not NULL, in [0,1]. NULL on empty input or when every weight is 0. Shares its state with dimension_score(score, weight).';

CREATE AGGREGATE rezago.dimension_coverage(score double precision, weight double precision,
                                           total_weight double precision) (
    SFUNC = rezago.weighted_mean_accum_total, STYPE = double precision[],
    FINALFUNC = rezago.weighted_mean_coverage, COMBINEFUNC = rezago.weighted_mean_combine,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE rezago.dimension_coverage(double precision, double precision, double precision) IS
'Scored weight divided by total_weight (a positive constant: the weight of every item, present or not). NULL on empty input.';

CREATE AGGREGATE rezago.territory_average(score double precision) (
    SFUNC = rezago.average_accum, STYPE = double precision[],
    FINALFUNC = rezago.weighted_mean_final, COMBINEFUNC = rezago.weighted_mean_combine,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE rezago.territory_average(double precision) IS
'Arithmetic mean of the non-NULL member scores (the plan''s territory score). NULL when no member is scored or the input is empty. Error on NaN/infinite score. Count the scored members with count(score).';

--------------------------------------------------------------------------
-- Methodology helpers
--------------------------------------------------------------------------

CREATE FUNCTION rezago.require_methodology(code text) RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    m rezago.methodology;
    problem text;
BEGIN
    SELECT * INTO m FROM rezago.methodology WHERE methodology.code = require_methodology.code;
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
COMMENT ON FUNCTION rezago.require_methodology(text) IS
'Returns the code when the methodology exists and is complete (weights, goalposts); otherwise raises 42704 (unknown) or 22023 (incomplete) with the problems in the detail.';

CREATE FUNCTION rezago.copy_methodology(source text, target text, target_name text DEFAULT NULL)
RETURNS text
LANGUAGE sql
BEGIN ATOMIC
    INSERT INTO rezago.methodology (code, name, description, in_force_from, in_force_to, normalisation,
        winsor_lower, winsor_upper, min_coverage, territory_weighting, threshold_rule, threshold_percentile,
        exit_started_share, exit_advanced_share, exit_min_evaluated_share, entry_national_top,
        entry_regional_share, entry_isolation_share, entry_min_criteria, builtin)
    SELECT copy_methodology.target, coalesce(copy_methodology.target_name, m.name || ' (copy)'),
        m.description, m.in_force_from, m.in_force_to, m.normalisation,
        m.winsor_lower, m.winsor_upper, m.min_coverage, m.territory_weighting, m.threshold_rule, m.threshold_percentile,
        m.exit_started_share, m.exit_advanced_share, m.exit_min_evaluated_share, m.entry_national_top,
        m.entry_regional_share, m.entry_isolation_share, m.entry_min_criteria, false
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
'Copies a methodology with its dimension and variable weights under a new code (editable: builtin = false); returns the new code.';

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

--------------------------------------------------------------------------
-- The index over the extension's tables (METHOD.md section 3)
--------------------------------------------------------------------------

CREATE FUNCTION rezago.comuna_lag_scores(period integer, methodology text DEFAULT 'ufro2017')
RETURNS TABLE (cut integer, variable text, dimension text, value double precision,
               score double precision, weight double precision)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    WITH m AS MATERIALIZED (
        SELECT x.code, x.normalisation, x.winsor_lower, x.winsor_upper
        FROM rezago.methodology x
        WHERE x.code = (SELECT rezago.require_methodology(comuna_lag_scores.methodology))
    ), mv AS MATERIALIZED (
        SELECT w.variable, w.dimension, w.polarity, w.variable_weight AS weight,
               v.goalpost_min, v.goalpost_max
        FROM rezago.methodology_weights(comuna_lag_scores.methodology) w
        JOIN rezago.methodology_variable v
          ON v.methodology = comuna_lag_scores.methodology AND v.variable = w.variable
    ), obs AS NOT MATERIALIZED (
        SELECT o.cut, o.variable, o.value, mv.dimension, mv.polarity, mv.weight,
               mv.goalpost_min, mv.goalpost_max
        FROM rezago.observation o JOIN mv ON mv.variable = o.variable
        WHERE o.period = comuna_lag_scores.period AND o.value IS NOT NULL
    ), lim AS MATERIALIZED (
        -- winsorisation limits; the sort only runs when the methodology asks for it
        SELECT obs.variable,
               percentile_cont((SELECT m.winsor_lower FROM m)) WITHIN GROUP (ORDER BY obs.value) AS lo,
               percentile_cont((SELECT m.winsor_upper FROM m)) WITHIN GROUP (ORDER BY obs.value) AS hi
        FROM obs
        WHERE (SELECT m.winsor_lower IS NOT NULL OR m.winsor_upper IS NOT NULL FROM m)
        GROUP BY obs.variable
    ), x AS NOT MATERIALIZED (
        SELECT obs.*, LEAST(GREATEST(obs.value, lim.lo), lim.hi) AS xv
        FROM obs LEFT JOIN lim ON lim.variable = obs.variable
    ), st AS MATERIALIZED (
        SELECT x.variable, min(x.xv) AS lo, max(x.xv) AS hi, avg(x.xv) AS mean,
               coalesce(stddev_samp(x.xv), 0) AS sd
        FROM x
        WHERE (SELECT m.normalisation <> 'rank' FROM m)
        GROUP BY x.variable
    ), rk AS MATERIALIZED (
        SELECT x.cut, x.variable,
               percent_rank() OVER (PARTITION BY x.variable ORDER BY x.polarity * x.xv DESC) AS pr
        FROM x
        WHERE (SELECT m.normalisation = 'rank' FROM m)
    )
    SELECT x.cut, x.variable, x.dimension, x.value,
           CASE (SELECT m.normalisation FROM m)
               WHEN 'minmax'   THEN rezago.lag_score(x.xv, st.lo, st.hi, x.polarity)
               WHEN 'goalpost' THEN rezago.lag_score(x.xv, x.goalpost_min, x.goalpost_max, x.polarity)
               WHEN 'zscore'   THEN rezago.lag_score_zscore(x.xv, st.mean, st.sd, x.polarity)
               WHEN 'rank'     THEN rk.pr
           END,
           x.weight
    FROM x
    LEFT JOIN st ON st.variable = x.variable
    LEFT JOIN rk ON rk.cut = x.cut AND rk.variable = x.variable
    WHERE (SELECT rezago.require_methodology(comuna_lag_scores.methodology)) IS NOT NULL;
END;
COMMENT ON FUNCTION rezago.comuna_lag_scores(integer, text) IS
'Lag score (0..1 for minmax/rank/goalpost, 1 = most lagged) of every comuna and variable of the methodology with a non-NULL observation in the period, with the variable''s normalised weight within its dimension. The reference population is every comuna with a value (METHOD.md 3.1-3.2). Errors: unknown or incomplete methodology.';

CREATE FUNCTION rezago.comuna_dimension_scores(period integer, methodology text DEFAULT 'ufro2017')
RETURNS TABLE (cut integer, dimension text, score double precision, coverage double precision)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT s.cut, s.dimension,
           rezago.dimension_score(s.score, s.weight,
               (SELECT m.min_coverage FROM rezago.methodology m
                WHERE m.code = comuna_dimension_scores.methodology), 1.0),
           rezago.dimension_coverage(s.score, s.weight, 1.0)
    FROM rezago.comuna_lag_scores(comuna_dimension_scores.period, comuna_dimension_scores.methodology) s
    WHERE (SELECT rezago.require_methodology(comuna_dimension_scores.methodology)) IS NOT NULL
    GROUP BY s.cut, s.dimension;
END;
COMMENT ON FUNCTION rezago.comuna_dimension_scores(integer, text) IS
'Dimension score of each comuna (weighted mean of its lag scores in the dimension) and its coverage (share of the dimension''s weight with data). Score NULL when coverage < methodology.min_coverage. One row per comuna and dimension with at least one observation in the period.';

CREATE FUNCTION rezago.comuna_index(period integer, methodology text DEFAULT 'ufro2017')
RETURNS TABLE (cut integer, index double precision, rank bigint, missing_dimensions text[])
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    WITH dims AS MATERIALIZED (
        SELECT w.dimension, min(w.dimension_weight) AS weight
        FROM rezago.methodology_weights(comuna_index.methodology) w
        GROUP BY w.dimension
    ), per_comuna AS (
        SELECT d.cut,
               rezago.dimension_score(d.score, dims.weight, 1.0, 1.0) AS index,
               array_agg(d.dimension ORDER BY d.dimension) FILTER (WHERE d.score IS NOT NULL) AS scored
        FROM rezago.comuna_dimension_scores(comuna_index.period, comuna_index.methodology) d
        JOIN dims ON dims.dimension = d.dimension
        GROUP BY d.cut
    )
    SELECT c.cut, p.index,
           CASE WHEN p.index IS NOT NULL THEN rank() OVER (ORDER BY p.index DESC NULLS LAST) END,
           CASE WHEN p.index IS NULL THEN
               ARRAY(SELECT dims.dimension FROM dims
                     WHERE dims.dimension <> ALL (coalesce(p.scored, '{}'::text[]))
                     ORDER BY dims.dimension)
           END
    FROM rezago.comuna c
    LEFT JOIN per_comuna p ON p.cut = c.cut
    WHERE (SELECT rezago.require_methodology(comuna_index.methodology)) IS NOT NULL;
END;
COMMENT ON FUNCTION rezago.comuna_index(integer, text) IS
'Lag index of every comuna in rezago.comuna for a period: weighted mean of its dimension scores. NULL when any dimension score is NULL, and missing_dimensions then lists them. rank: 1 = most lagged, among comunas with an index; ties share a rank (1,1,3).';

CREATE FUNCTION rezago.territory_dimension_scores(period integer, methodology text DEFAULT 'ufro2017')
RETURNS TABLE (territory text, dimension text, score double precision, members bigint, scored bigint)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    WITH m AS MATERIALIZED (
        SELECT x.territory_weighting FROM rezago.methodology x
        WHERE x.code = (SELECT rezago.require_methodology(territory_dimension_scores.methodology))
    ), dims AS MATERIALIZED (
        SELECT DISTINCT w.dimension FROM rezago.methodology_weights(territory_dimension_scores.methodology) w
    ), pop AS (
        SELECT o.cut, o.value FROM rezago.observation o
        WHERE o.variable = 'poblacion' AND o.period = territory_dimension_scores.period
          AND (SELECT m.territory_weighting = 'population' FROM m)
    )
    SELECT tm.territory, dims.dimension,
           CASE (SELECT m.territory_weighting FROM m)
               WHEN 'mean' THEN rezago.territory_average(s.score)
               ELSE rezago.dimension_score(s.score, coalesce(pop.value, 0))
           END,
           count(*), count(s.score)
    FROM rezago.territory_member tm
    CROSS JOIN dims
    LEFT JOIN rezago.comuna_dimension_scores(territory_dimension_scores.period, territory_dimension_scores.methodology) s
      ON s.cut = tm.cut AND s.dimension = dims.dimension
    LEFT JOIN pop ON pop.cut = tm.cut
    WHERE (SELECT rezago.require_methodology(territory_dimension_scores.methodology)) IS NOT NULL
    GROUP BY tm.territory, dims.dimension;
END;
COMMENT ON FUNCTION rezago.territory_dimension_scores(integer, text) IS
'Dimension score of each territory: mean of its members'' dimension scores (population-weighted when the methodology says so), with the number of members and of scored members.';

CREATE FUNCTION rezago.territory_index(period integer, methodology text DEFAULT 'ufro2017')
RETURNS TABLE (territory text, index double precision, rank bigint, members bigint, scored bigint)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    WITH m AS MATERIALIZED (
        SELECT x.territory_weighting FROM rezago.methodology x
        WHERE x.code = (SELECT rezago.require_methodology(territory_index.methodology))
    ), pop AS (
        SELECT o.cut, o.value FROM rezago.observation o
        WHERE o.variable = 'poblacion' AND o.period = territory_index.period
          AND (SELECT m.territory_weighting = 'population' FROM m)
    ), t AS (
        SELECT tm.territory,
               CASE (SELECT m.territory_weighting FROM m)
                   WHEN 'mean' THEN rezago.territory_average(ci.index)
                   ELSE rezago.dimension_score(ci.index, coalesce(pop.value, 0))
               END AS index,
               count(*) AS members, count(ci.index) AS scored
        FROM rezago.territory_member tm
        JOIN rezago.comuna_index(territory_index.period, territory_index.methodology) ci ON ci.cut = tm.cut
        LEFT JOIN pop ON pop.cut = tm.cut
        GROUP BY tm.territory
    )
    SELECT tr.code, t.index,
           CASE WHEN t.index IS NOT NULL THEN rank() OVER (ORDER BY t.index DESC NULLS LAST) END,
           coalesce(t.members, 0), coalesce(t.scored, 0)
    FROM rezago.territory tr LEFT JOIN t ON t.territory = tr.code
    WHERE (SELECT rezago.require_methodology(territory_index.methodology)) IS NOT NULL;
END;
COMMENT ON FUNCTION rezago.territory_index(integer, text) IS
'Lag index of every territory: mean of its member comunas'' indices (METHOD.md 3.5; population-weighted only when the methodology says so), rank (1 = most lagged, ties share a rank, NULL index unranked), number of members and of members with an index.';

--------------------------------------------------------------------------
-- Loading: all rows or none, every bad row reported
--------------------------------------------------------------------------

CREATE FUNCTION rezago.import_observations(source regclass, replace boolean DEFAULT false)
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    problems text;
    n_bad bigint;
    n bigint;
BEGIN
    IF pg_catalog.to_regclass('pg_temp.rezago_import_rows') IS NOT NULL THEN
        DROP TABLE pg_temp.rezago_import_rows;
    END IF;
    BEGIN
        EXECUTE pg_catalog.format(
            'CREATE TEMP TABLE rezago_import_rows ON COMMIT DROP AS
             SELECT pg_catalog.row_number() OVER () AS row_no,
                    s.cut::text AS cut_t, s.variable::text AS variable,
                    s.period::text AS period_t, s.value::text AS value_t
             FROM %s s', source);
    EXCEPTION WHEN undefined_column THEN
        RAISE EXCEPTION 'source % lacks a required column', source
            USING ERRCODE = 'undefined_column',
                  DETAIL = SQLERRM,
                  HINT = 'The source needs the columns cut, variable, period and value (any types that convert to text).';
    END;
    ALTER TABLE pg_temp.rezago_import_rows
        ADD COLUMN cut integer, ADD COLUMN period integer, ADD COLUMN value double precision;
    UPDATE pg_temp.rezago_import_rows r SET
        cut    = CASE WHEN r.cut_t ~ '^\s*[0-9]{1,9}\s*$' THEN r.cut_t::integer END,
        period = CASE WHEN r.period_t ~ '^\s*-?[0-9]{1,9}\s*$' THEN r.period_t::integer END,
        value  = CASE WHEN r.value_t ~* '^\s*[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)(e[+-]?[0-9]+)?\s*$'
                      THEN r.value_t::double precision END;

    WITH bad AS (
        SELECT r.row_no, 'cut' AS col,
               CASE WHEN r.cut_t IS NULL THEN 'is NULL'
                    WHEN r.cut IS NULL THEN pg_catalog.format('%L is not a CUT code', r.cut_t)
                    WHEN r.cut = 0 THEN '0 is not a comuna (it is used for "Zona sin demarcar")'
                    WHEN r.cut BETWEEN 8400 AND 8499 THEN pg_catalog.format('unknown comuna %s (a pre-2018 code? Ñuble comunas are 16xxx since 2018)', r.cut)
                    ELSE pg_catalog.format('unknown comuna %s', r.cut) END AS reason
        FROM pg_temp.rezago_import_rows r
        WHERE r.cut IS NULL OR NOT EXISTS (SELECT 1 FROM rezago.comuna c WHERE c.cut = r.cut)
        UNION ALL
        SELECT r.row_no, 'variable',
               CASE WHEN r.variable IS NULL THEN 'is NULL'
                    ELSE pg_catalog.format('unknown variable %L', r.variable) END
        FROM pg_temp.rezago_import_rows r
        WHERE r.variable IS NULL OR NOT EXISTS (SELECT 1 FROM rezago.variable v WHERE v.code = r.variable)
        UNION ALL
        SELECT r.row_no, 'period',
               CASE WHEN r.period_t IS NULL THEN 'is NULL'
                    ELSE pg_catalog.format('%L is not a year', r.period_t) END
        FROM pg_temp.rezago_import_rows r WHERE r.period IS NULL
        UNION ALL
        SELECT r.row_no, 'value',
               CASE WHEN r.value_t ~* '^\s*[+-]?(nan|inf|infinity)\s*$'
                        THEN pg_catalog.format('%s is not a finite number (use NULL for a missing value)', pg_catalog.btrim(r.value_t))
                    WHEN r.value_t ~ '^\s*[+-]?[0-9]+,[0-9]+\s*$'
                        THEN pg_catalog.format('%L is not a number (decimal comma? use a point)', r.value_t)
                    ELSE pg_catalog.format('%L is not a number', r.value_t) END
        FROM pg_temp.rezago_import_rows r
        WHERE r.value_t IS NOT NULL AND r.value IS NULL
        UNION ALL
        SELECT r.row_no, 'value',
               pg_catalog.format('%s is outside 0..1 for %s, a proportion%s', r.value, r.variable,
                   CASE WHEN r.value > 1 AND r.value <= 100
                        THEN ' (it looks like a percentage: divide by 100)' ELSE '' END)
        FROM pg_temp.rezago_import_rows r JOIN rezago.variable v ON v.code = r.variable
        WHERE v.unit = 'proportion' AND (r.value < 0 OR r.value > 1)
        UNION ALL
        SELECT d.row_no, 'cut, variable, period',
               pg_catalog.format('duplicate of row %s (%s, %s, %s)', d.first_row, d.cut, d.variable, d.period)
        FROM (SELECT r.row_no, r.cut, r.variable, r.period,
                     pg_catalog.min(r.row_no) OVER (PARTITION BY r.cut, r.variable, r.period) AS first_row
              FROM pg_temp.rezago_import_rows r
              WHERE r.cut IS NOT NULL AND r.variable IS NOT NULL AND r.period IS NOT NULL) d
        WHERE d.row_no > d.first_row
        UNION ALL
        SELECT pg_catalog.min(r.row_no), 'variable, period',
               pg_catalog.format('%s for period %s is already loaded (rows %s to %s of the source)',
                   r.variable, r.period, pg_catalog.min(r.row_no), pg_catalog.max(r.row_no))
        FROM pg_temp.rezago_import_rows r
        WHERE NOT import_observations.replace
          AND EXISTS (SELECT 1 FROM rezago.observation o
                      WHERE o.variable = r.variable AND o.period = r.period)
        GROUP BY r.variable, r.period
    )
    SELECT pg_catalog.string_agg(pg_catalog.format('row %s, column %s: %s', b.row_no, b.col, b.reason),
                                 E'\n' ORDER BY b.row_no, b.col),
           pg_catalog.count(*)
      INTO problems, n_bad
    FROM bad b;

    IF problems IS NOT NULL THEN
        RAISE EXCEPTION 'import_observations: % problem(s) in %, nothing was loaded', n_bad, source
            USING ERRCODE = 'data_exception',
                  DETAIL = problems,
                  HINT = 'Fix the listed rows of the source and run the import again; load comunas first with rezago.import_comunas, and pass replace => true to replace periods already loaded.';
    END IF;

    IF import_observations.replace THEN
        DELETE FROM rezago.observation o
        USING (SELECT DISTINCT r.variable, r.period FROM pg_temp.rezago_import_rows r) p
        WHERE o.variable = p.variable AND o.period = p.period;
    END IF;
    INSERT INTO rezago.observation (cut, variable, period, value)
    SELECT r.cut, r.variable, r.period, r.value FROM pg_temp.rezago_import_rows r;
    GET DIAGNOSTICS n = ROW_COUNT;
    DROP TABLE pg_temp.rezago_import_rows;
    RETURN n;
END
$$;
COMMENT ON FUNCTION rezago.import_observations(regclass, boolean) IS
'Loads a staging table or view with columns (cut, variable, period, value): checks every row and loads all or none. One error (22000) lists every bad row: unknown comuna or variable, bad period, NaN/Infinity, a proportion outside 0..1 (hinting at percentages), duplicate keys, periods already loaded. replace => true replaces the (variable, period) pairs present in the source. Returns the number of rows loaded. NULL value = a known missing value.';

CREATE FUNCTION rezago.import_comunas(source regclass,
    cut_column text DEFAULT 'cut', name_column text DEFAULT 'name',
    provincia_column text DEFAULT 'provincia', region_column text DEFAULT 'region',
    geom_column text DEFAULT 'geom')
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    postgis_schema text;
    problems text;
    n_bad bigint;
    skipped text;
    n bigint;
BEGIN
    SELECT e.extnamespace::regnamespace::text INTO postgis_schema
    FROM pg_catalog.pg_extension e WHERE e.extname = 'postgis';
    IF pg_catalog.to_regclass('pg_temp.rezago_import_comunas') IS NOT NULL THEN
        DROP TABLE pg_temp.rezago_import_comunas;
    END IF;
    BEGIN
        EXECUTE pg_catalog.format(
            'CREATE TEMP TABLE rezago_import_comunas ON COMMIT DROP AS
             SELECT pg_catalog.row_number() OVER () AS row_no, s.%I::text AS cut_t, s.%I::text AS name,
                    %s AS provincia, %s AS region, %s AS geom_in
             FROM %s s',
            cut_column, name_column,
            CASE WHEN provincia_column IS NULL THEN 'NULL::text' ELSE pg_catalog.format('s.%I::text', provincia_column) END,
            CASE WHEN region_column IS NULL THEN 'NULL::text' ELSE pg_catalog.format('s.%I::text', region_column) END,
            CASE WHEN geom_column IS NULL THEN pg_catalog.format('NULL::%I.geometry', postgis_schema)
                 ELSE pg_catalog.format('s.%I::%I.geometry', geom_column, postgis_schema) END,
            source);
    EXCEPTION WHEN undefined_column THEN
        RAISE EXCEPTION 'source % lacks a column named in the call', source
            USING ERRCODE = 'undefined_column', DETAIL = SQLERRM,
                  HINT = 'Name the source''s columns: rezago.import_comunas(source, cut_column => ..., name_column => ..., geom_column => ...); pass NULL for a column the source does not have.';
    END;
    ALTER TABLE pg_temp.rezago_import_comunas ADD COLUMN cut integer;
    UPDATE pg_temp.rezago_import_comunas r
       SET cut = CASE WHEN r.cut_t ~ '^\s*[0-9]{1,9}\s*$' THEN r.cut_t::integer END;

    -- code 0 and similar polygons ("Zona sin demarcar") are not comunas
    SELECT pg_catalog.string_agg(pg_catalog.format('row %s (%s)', r.row_no, coalesce(r.name, 'no name')), ', ' ORDER BY r.row_no)
      INTO skipped FROM pg_temp.rezago_import_comunas r WHERE r.cut = 0;
    IF skipped IS NOT NULL THEN
        RAISE NOTICE 'import_comunas: skipped features with code 0, which are not comunas: %', skipped;
        DELETE FROM pg_temp.rezago_import_comunas r WHERE r.cut = 0;
    END IF;

    EXECUTE pg_catalog.format($q$
        WITH bad AS (
            SELECT r.row_no, 'cut' AS col,
                   CASE WHEN r.cut_t IS NULL THEN 'is NULL'
                        ELSE pg_catalog.format('%%L is not a CUT code', r.cut_t) END AS reason
            FROM pg_temp.rezago_import_comunas r WHERE r.cut IS NULL
            UNION ALL
            SELECT r.row_no, 'name', 'is empty'
            FROM pg_temp.rezago_import_comunas r WHERE coalesce(pg_catalog.btrim(r.name), '') = ''
            UNION ALL
            SELECT d.row_no, 'cut', pg_catalog.format('duplicate of row %%s (CUT %%s)', d.first_row, d.cut)
            FROM (SELECT r.row_no, r.cut, pg_catalog.min(r.row_no) OVER (PARTITION BY r.cut) AS first_row
                  FROM pg_temp.rezago_import_comunas r WHERE r.cut IS NOT NULL) d
            WHERE d.row_no > d.first_row
            UNION ALL
            SELECT r.row_no, 'geom',
                   CASE WHEN %1$I.st_srid(r.geom_in) = 0 THEN 'has no SRID (0)'
                        WHEN %1$I.st_isempty(r.geom_in) THEN 'is empty'
                        ELSE pg_catalog.format('is a %%s, not a polygon', %1$I.geometrytype(r.geom_in)) END
            FROM pg_temp.rezago_import_comunas r
            WHERE r.geom_in IS NOT NULL
              AND (%1$I.st_srid(r.geom_in) = 0 OR %1$I.st_isempty(r.geom_in)
                   OR %1$I.geometrytype(r.geom_in) NOT IN ('POLYGON', 'MULTIPOLYGON'))
        )
        SELECT pg_catalog.string_agg(pg_catalog.format('row %%s, column %%s: %%s', b.row_no, b.col, b.reason),
                                     E'\n' ORDER BY b.row_no, b.col), pg_catalog.count(*)
        FROM bad b$q$, postgis_schema)
    INTO problems, n_bad;
    IF problems IS NOT NULL THEN
        RAISE EXCEPTION 'import_comunas: % problem(s) in %, nothing was loaded', n_bad, source
            USING ERRCODE = 'data_exception', DETAIL = problems,
                  HINT = 'Fix the listed rows; give geometries an SRID with ST_SetSRID (GeoJSON and the BCN file are 4326).';
    END IF;

    EXECUTE pg_catalog.format($q$
        INSERT INTO rezago.comuna AS c (cut, name, provincia_code, provincia, region_code, region, geom)
        SELECT r.cut, pg_catalog.btrim(r.name), r.cut / 100, r.provincia, r.cut / 1000, r.region,
               CASE WHEN r.geom_in IS NOT NULL THEN
                   %1$I.st_multi(%1$I.st_collectionextract(%1$I.st_makevalid(
                       %1$I.st_transform(r.geom_in, 4326)), 3))::%1$I.geometry(MultiPolygon, 4326)
               END
        FROM pg_temp.rezago_import_comunas r
        ON CONFLICT (cut) DO UPDATE SET name = EXCLUDED.name,
            provincia_code = EXCLUDED.provincia_code, provincia = coalesce(EXCLUDED.provincia, c.provincia),
            region_code = EXCLUDED.region_code, region = coalesce(EXCLUDED.region, c.region),
            geom = coalesce(EXCLUDED.geom, c.geom)$q$, postgis_schema);
    GET DIAGNOSTICS n = ROW_COUNT;
    DROP TABLE pg_temp.rezago_import_comunas;
    RETURN n;
END
$$;
COMMENT ON FUNCTION rezago.import_comunas(regclass, text, text, text, text, text) IS
'Loads or updates comunas from a table (e.g. loaded with shp2pgsql or ogr2ogr), naming its columns; pass NULL for a column the source lacks. Skips code 0 ("Zona sin demarcar") with a notice; geometries are transformed to 4326 and made valid multipolygons. All rows or none: one error (22000) lists every bad row (bad or duplicate code, empty name, geometry without SRID, empty or not a polygon). Returns the rows written.';

CREATE FUNCTION rezago.import_comunas_geojson(collection jsonb,
    cut_property text DEFAULT 'cod_comuna', name_property text DEFAULT 'Comuna',
    provincia_property text DEFAULT 'Provincia', region_property text DEFAULT 'Region')
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    postgis_schema text;
    n bigint;
BEGIN
    IF collection IS NULL OR collection->>'type' IS DISTINCT FROM 'FeatureCollection'
       OR pg_catalog.jsonb_typeof(collection->'features') IS DISTINCT FROM 'array' THEN
        RAISE EXCEPTION 'import_comunas_geojson expects a GeoJSON FeatureCollection'
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = pg_catalog.format('The document''s type is %s.', coalesce(collection->>'type', 'missing')),
                  HINT = 'Pass the whole file, e.g. in psql: \set doc `cat comunas_bcn.geojson` then SELECT rezago.import_comunas_geojson(:''doc''::jsonb).';
    END IF;
    SELECT e.extnamespace::regnamespace::text INTO postgis_schema
    FROM pg_catalog.pg_extension e WHERE e.extname = 'postgis';
    IF pg_catalog.to_regclass('pg_temp.rezago_geojson_features') IS NOT NULL THEN
        DROP TABLE pg_temp.rezago_geojson_features;
    END IF;
    EXECUTE pg_catalog.format($q$
        CREATE TEMP TABLE rezago_geojson_features ON COMMIT DROP AS
        SELECT f.ord, f.feature->'properties'->>%L AS cut, f.feature->'properties'->>%L AS name,
               f.feature->'properties'->>%L AS provincia, f.feature->'properties'->>%L AS region,
               CASE WHEN f.feature ? 'geometry' AND pg_catalog.jsonb_typeof(f.feature->'geometry') = 'object'
                    THEN %I.st_setsrid(%I.st_geomfromgeojson(f.feature->>'geometry'), 4326) END AS geom
        FROM pg_catalog.jsonb_array_elements($1->'features') WITH ORDINALITY AS f(feature, ord)
        ORDER BY f.ord$q$,
        cut_property, name_property, provincia_property, region_property, postgis_schema, postgis_schema)
    USING collection;
    n := rezago.import_comunas('pg_temp.rezago_geojson_features'::regclass);
    DROP TABLE pg_temp.rezago_geojson_features;
    RETURN n;
END
$$;
COMMENT ON FUNCTION rezago.import_comunas_geojson(jsonb, text, text, text, text) IS
'Loads comunas from a GeoJSON FeatureCollection (defaults fit the BCN file comunas_bcn.geojson: properties cod_comuna, Comuna, Provincia, Region), through rezago.import_comunas: same checks, all or nothing.';

-- pg_temp.outcome(sql): runs one statement in a subtransaction that is always
-- rolled back, and returns its first value (result, 'NULL' for NULL) or its
-- error (state, message, detail, hint; detail and hint '' when absent).
-- Included by the badinput_* tests.
CREATE FUNCTION pg_temp.outcome(q text, OUT result text, OUT state text, OUT message text,
                                OUT detail text, OUT hint text)
LANGUAGE plpgsql AS $$
BEGIN
    BEGIN
        EXECUTE q INTO result;
        result := coalesce(result, 'NULL');
        RAISE EXCEPTION USING ERRCODE = 'ZZ999';      -- undo whatever the call did
    EXCEPTION
        WHEN SQLSTATE 'ZZ999' THEN NULL;
        WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, message = MESSAGE_TEXT,
                                    detail = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT;
    END;
END
$$;

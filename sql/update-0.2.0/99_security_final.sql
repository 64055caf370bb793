/*
 * 99_security_final: runs after every other fragment of the update, so that
 * writers, grant helpers and trigger functions created by any area lose
 * PUBLIC's EXECUTE (classes in rezago.access_rule, 60_security.sql).  Keep
 * this the last fragment.
 */
SELECT pg_catalog.count(*) FROM rezago.restrict_public_execute();

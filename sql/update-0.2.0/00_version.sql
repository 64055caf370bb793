/*
 * rezago 0.1.0 -> 0.2.0: territories and contiguity, entry and exit status,
 * security roles, portal views, uncertainty analysis.  Each area is a
 * numbered fragment of this folder; the Makefile joins them in order.
 */

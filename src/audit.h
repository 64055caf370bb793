/*
 * audit.h
 *	  The statistical audit of the index (issue 18, doc/method.md section 13):
 *	  what the audit_*.c files share.
 *
 *	audit_moments.c		  distribution_moments: n, mean, sd, skewness and
 *						  excess kurtosis of a sample; the array reader
 *	audit_correlation.c	  correlation: Pearson, Spearman, Kendall tau-b
 *	audit_reliability.c	  reliability: Cronbach's alpha and the first
 *						  principal component (Jacobi eigenvalues)
 *	audit_influence.c	  variable_influence: leave one variable out, through
 *						  the uncertainty engine's model (uncertainty.h)
 */
#ifndef REZAGO_AUDIT_H
#define REZAGO_AUDIT_H

#include "rezago.h"

/*
 * The elements of a float8[] of any shape, in storage order: x[0..*n) with
 * present[i] false where the element is NULL, NaN or +/-Infinity (missing,
 * as the policy of rezago.h says).  x and present are palloc'd.
 */
extern void rezago_audit_values(ArrayType *a, float8 **x, bool **present, int *n);

/* Pearson's correlation of x[0..n), y[0..n) (canonical sums); NaN when undefined. */
extern float8 rezago_pearson(const float8 *x, const float8 *y, int n);

#endif							/* REZAGO_AUDIT_H */

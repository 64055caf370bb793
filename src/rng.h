/*
 * rng.h
 *	  The random number generator of the uncertainty analysis: xoshiro256**
 *	  (Blackman and Vigna, "Scrambled linear pseudorandom number generators",
 *	  ACM TOMS 47(4), 2021), seeded with SplitMix64 (Steele, Lea and Flood,
 *	  OOPSLA 2014).  Not random(): the sequence is fixed by this file, on
 *	  every platform.
 *
 * Streams are counter-based: the generator of stream s under seed k is a
 * function of (k, s) only, so that run s of an analysis draws the same
 * numbers whatever the number of runs, the order in which runs are computed
 * or the process computing them.
 */
#ifndef REZAGO_RNG_H
#define REZAGO_RNG_H

#include "postgres.h"

typedef struct RezagoRng
{
	uint64		s[4];
} RezagoRng;

/*
 * Seeds rng for stream `stream` under `seed`: the four state words are the
 * first four outputs of SplitMix64 started at mix(seed) XOR mix(stream),
 * where mix is SplitMix64's output function.
 */
extern void rezago_rng_seed(RezagoRng *rng, int64 seed, uint64 stream);

/* Next 64-bit output of xoshiro256**. */
extern uint64 rezago_rng_next(RezagoRng *rng);

/* Uniform double in [0, 1): the top 53 bits of the next output times 2^-53. */
extern float8 rezago_rng_uniform(RezagoRng *rng);

#endif							/* REZAGO_RNG_H */

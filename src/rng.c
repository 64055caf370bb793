/*
 * rng.c
 *	  xoshiro256** seeded with SplitMix64 (see rng.h).  The reference
 *	  implementations are public domain (prng.di.unimi.it); this is a
 *	  transcription, checked in sql/uncertainty_policy.sql against an
 *	  independent implementation that reproduces their published outputs.
 */
#include "rng.h"

#define GOLDEN_GAMMA UINT64CONST(0x9E3779B97F4A7C15)

/* SplitMix64's output function (a bijection of 64-bit words) */
static inline uint64
splitmix_mix(uint64 z)
{
	z = (z ^ (z >> 30)) * UINT64CONST(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64CONST(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

/* one step of SplitMix64: advance the state by the golden gamma, mix it */
static inline uint64
splitmix_next(uint64 *x)
{
	*x += GOLDEN_GAMMA;
	return splitmix_mix(*x);
}

static inline uint64
rotl(uint64 x, int k)
{
	return (x << k) | (x >> (64 - k));
}

void
rezago_rng_seed(RezagoRng *rng, int64 seed, uint64 stream)
{
	uint64		x = splitmix_mix((uint64) seed) ^ splitmix_mix(stream);
	int			i;

	for (i = 0; i < 4; i++)
		rng->s[i] = splitmix_next(&x);
	/* the all-zero state is the one xoshiro must avoid */
	if ((rng->s[0] | rng->s[1] | rng->s[2] | rng->s[3]) == 0)
		rng->s[0] = GOLDEN_GAMMA;
}

uint64
rezago_rng_next(RezagoRng *rng)
{
	uint64	   *s = rng->s;
	uint64		result = rotl(s[1] * 5, 7) * 9;
	uint64		t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

float8
rezago_rng_uniform(RezagoRng *rng)
{
	return (float8) (rezago_rng_next(rng) >> 11) * (1.0 / 9007199254740992.0);
}

/*
 * sim_rng: keyed random streams usable by every gsl_ran_* sampler.
 *
 * Each stochastic process of each entity draws from its own stream, keyed by
 * (master seed, design point, replication, stream id) and never by thread, variant or event
 * order, so results do not depend on scheduling and variants share common random numbers.
 * The 64-bit key is built by chained SplitMix64 mixing (sim_rng_key), which makes distinct
 * tuples give unrelated keys; the generator is xoshiro256++ (Blackman & Vigna) seeded by
 * running SplitMix64 from the full 64-bit key, registered as a gsl_rng_type so that
 * gsl_rng_uniform, gsl_ran_exponential and the rest work unchanged. Unlike gsl_rng_mt19937,
 * whose seed is reduced mod 2^32, no two keys share a stream unless they are equal.
 *
 * gsl_rng_get returns the upper 32 bits (max 2^32-1); gsl_rng_uniform has 53-bit resolution.
 */
#ifndef SIM_RNG_H
#define SIM_RNG_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

/* The generator type: name "xoshiro256++". */
extern const gsl_rng_type *const sim_rng_xoshiro256pp;

/* One step of SplitMix64 as a pure mixing function of x. */
uint64_t sim_rng_mix(uint64_t x);

/* Stream id from a process kind (< 2^16) and an entity index (< 2^48). */
static inline uint64_t sim_rng_stream_id(uint32_t process, uint64_t entity)
{
    return ((uint64_t)process << 48) | (entity & ((UINT64_C(1) << 48) - 1));
}

/* Key of one stream. Distinct tuples map to distinct-looking 64-bit keys. */
uint64_t sim_rng_key(uint64_t master_seed, uint64_t design, uint64_t replication,
                     uint64_t stream_id);

/* Allocate a generator seeded with key. Returns NULL when out of memory. Free with
 * gsl_rng_free. */
gsl_rng *sim_rng_alloc(uint64_t key);

/* Re-seed an existing sim_rng generator (no allocation). */
void sim_rng_reseed(gsl_rng *r, uint64_t key);

/* A uniform draw in the open interval (0, 1), for inverse-transform sampling. */
double sim_rng_uniform_pos(gsl_rng *r);

#endif

/*
 * sim_rng: xoshiro256++ (Blackman & Vigna, reference code at prng.di.unimi.it) as a
 * gsl_rng_type, seeded through SplitMix64, and the stream keys.
 *
 * The gsl_rng_set seed is an unsigned long, 64 bits on the platforms we build for (checked
 * below), so the whole key reaches the generator. SplitMix64 outputs of four consecutive
 * counter values are distinct (its finaliser is a bijection), so the state is never all zero.
 */
#include "sim_rng.h"

#include <limits.h>

_Static_assert(sizeof(unsigned long) == sizeof(uint64_t) && ULONG_MAX == UINT64_MAX,
               "gsl_rng_set takes an unsigned long seed; ecotwin needs it to hold a 64-bit key");

#define SPLITMIX64_GAMMA UINT64_C(0x9e3779b97f4a7c15)
#define TWO_POW_MINUS_53 0x1.0p-53

typedef struct xoshiro_state {
    uint64_t s[4];
} xoshiro_state;

/* SplitMix64's finaliser applied to x + gamma: the output of a SplitMix64 generator whose
 * counter held x. */
uint64_t sim_rng_mix(uint64_t x)
{
    uint64_t z = x + SPLITMIX64_GAMMA;
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* Each element goes through a full mix before the next is folded in, so tuples that differ
 * in any one element (or in order) give unrelated keys; for a fixed prefix the last step is
 * a bijection, so keys differing only in the stream id never collide. */
uint64_t sim_rng_key(uint64_t master_seed, uint64_t design, uint64_t replication,
                     uint64_t stream_id)
{
    uint64_t k = sim_rng_mix(master_seed);
    k = sim_rng_mix(k ^ design);
    k = sim_rng_mix(k ^ replication);
    return sim_rng_mix(k ^ stream_id);
}

static inline uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t xoshiro_next(xoshiro_state *st)
{
    uint64_t *s = st->s;
    const uint64_t result = rotl(s[0] + s[3], 23) + s[0];
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

static void xoshiro_set(void *vstate, unsigned long seed)
{
    xoshiro_state *st = vstate;
    uint64_t x = (uint64_t)seed;
    for (int i = 0; i < 4; i++) {
        st->s[i] = sim_rng_mix(x);
        x += SPLITMIX64_GAMMA;
    }
}

/* The upper bits of xoshiro256++ are its best ones. */
static unsigned long xoshiro_get(void *vstate)
{
    return (unsigned long)(xoshiro_next(vstate) >> 32);
}

static double xoshiro_get_double(void *vstate)
{
    return (double)(xoshiro_next(vstate) >> 11) * TWO_POW_MINUS_53;
}

static const gsl_rng_type xoshiro256pp_type = {
    .name = "xoshiro256++",
    .max = UINT32_MAX,
    .min = 0,
    .size = sizeof(xoshiro_state),
    .set = xoshiro_set,
    .get = xoshiro_get,
    .get_double = xoshiro_get_double,
};

const gsl_rng_type *const sim_rng_xoshiro256pp = &xoshiro256pp_type;

gsl_rng *sim_rng_alloc(uint64_t key)
{
    gsl_rng *r = gsl_rng_alloc(sim_rng_xoshiro256pp);
    if (r != NULL)
        gsl_rng_set(r, (unsigned long)key);
    return r;
}

void sim_rng_reseed(gsl_rng *r, uint64_t key)
{
    gsl_rng_set(r, (unsigned long)key);
}

/* gsl_rng_uniform is in [0, 1) for every GSL type (for xoshiro256++ at most 1 - 2^-53), and
 * gsl_rng_uniform_pos redraws on an exact 0, which happens with probability 2^-53: so one
 * uniform per call in practice, and a stream stays in step across variants regardless.
 * ecotwin's own streams are drawn here directly rather than through gsl_rng's function
 * pointer, with the same values: 3.3 instead of 4.9 ns per draw (bench/README.md); every
 * sim_dist draw comes this way. Other generator types go through GSL. */
double sim_rng_uniform_pos(gsl_rng *r)
{
    if (r->type != &xoshiro256pp_type)
        return gsl_rng_uniform_pos(r);
    double x;
    do
        x = xoshiro_get_double(r->state);
    while (x == 0.0);
    return x;
}

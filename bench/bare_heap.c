/*
 * bare_heap: PHOLD with a plain binary heap and nothing else, the baseline the engine is
 * measured against (bench/run_phold.sh, bench/README.md).
 *
 * It does the same work as `ecotwin` on a PHOLD scenario (models/phold/): the same streams
 * and the same draws in the same order, so both handle exactly the same events and send the
 * same number of them to other processes (the script checks this). To stay one file with no
 * engine around it, the generator is a copy of the reference xoshiro256++ and SplitMix64
 * code (prng.di.unimi.it) that sim/core/sim_rng.c wraps for GSL, with its stream keys
 * computed the same way; here the generator is inlined, in the engine it is called
 * through gsl_rng and sim_rng (gsl_rng_uniform, sim_dist_draw).
 *
 * The heap is the textbook one: 24-byte entries (time, sequence, process) in one array,
 * ordered by time then sequence, sift up and down moving a hole.
 */
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define SPLITMIX64_GAMMA UINT64_C(0x9e3779b97f4a7c15)
#define PHOLD_STREAM     1u /* models/phold/phold_model.h */

typedef struct entry {
    double t;
    uint64_t seq;
    uint32_t lp;
} entry;

typedef struct heap {
    entry *e;
    size_t n, cap;
} heap;

typedef struct lp_state {
    uint64_t s[4];
    uint64_t handled, remote;
} lp_state;

typedef struct phold {
    uint32_t n_lp, events_per_lp;
    double mean, lookahead, remote_fraction, horizon;
    uint64_t seed;
    long repeat;
} phold;

/* ---- generator: SplitMix64 and xoshiro256++, as in sim/core/sim_rng.c ---- */

static uint64_t mix(uint64_t x)
{
    uint64_t z = x + SPLITMIX64_GAMMA;
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* Key of (seed, design 0, replication 0, stream (PHOLD_STREAM, lp)): run 0 of a scenario. */
static void lp_seed(lp_state *lp, uint64_t seed, uint32_t i)
{
    uint64_t k = mix(mix(mix(mix(seed) ^ 0) ^ 0) ^ (((uint64_t)PHOLD_STREAM << 48) | i));
    for (int j = 0; j < 4; j++) {
        lp->s[j] = mix(k);
        k += SPLITMIX64_GAMMA;
    }
}

static inline uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static inline uint64_t next(uint64_t *s)
{
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

static inline double uniform(uint64_t *s)
{
    return (double)(next(s) >> 11) * 0x1.0p-53;
}

/* Exponential by inverse transform from a uniform in (0, 1), as sim_dist_draw does. */
static inline double exponential(uint64_t *s, double mean)
{
    double u;
    do
        u = uniform(s);
    while (u == 0.0);
    return -mean * log1p(-u);
}

/* ---- the heap ---- */

static inline int before(const entry *x, const entry *y)
{
    return x->t < y->t || (x->t == y->t && x->seq < y->seq);
}

static int heap_push(heap *h, entry ev)
{
    if (h->n == h->cap) {
        size_t cap = h->cap ? 2 * h->cap : 64;
        entry *e = realloc(h->e, cap * sizeof *e);
        if (e == NULL)
            return -1;
        h->e = e;
        h->cap = cap;
    }
    size_t hole = h->n++;
    while (hole > 0 && before(&ev, &h->e[(hole - 1) / 2])) {
        h->e[hole] = h->e[(hole - 1) / 2];
        hole = (hole - 1) / 2;
    }
    h->e[hole] = ev;
    return 0;
}

static entry heap_pop(heap *h)
{
    entry top = h->e[0], last = h->e[--h->n];
    size_t hole = 0, n = h->n;
    for (;;) {
        size_t c = 2 * hole + 1;
        if (c >= n)
            break;
        if (c + 1 < n && before(&h->e[c + 1], &h->e[c]))
            c++;
        if (!before(&h->e[c], &last))
            break;
        h->e[hole] = h->e[c];
        hole = c;
    }
    if (n > 0)
        h->e[hole] = last;
    return top;
}

/* ---- PHOLD ---- */

typedef struct result {
    uint64_t events, remote;
    double setup_s, loop_s, loop_cpu_s;
} result;

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int seed_events(const phold *p, lp_state *lp, heap *h, uint64_t *seq)
{
    for (uint32_t i = 0; i < p->n_lp; i++) {
        lp_seed(&lp[i], p->seed, i);
        for (uint32_t k = 0; k < p->events_per_lp; k++) {
            double t = 0.0 + p->lookahead + exponential(lp[i].s, p->mean);
            if (heap_push(h, (entry){t, (*seq)++, i}) != 0)
                return -1;
        }
    }
    return 0;
}

/* The event loop of models/phold/phold_model.c's handler, draw for draw. */
static int run_loop(const phold *p, lp_state *lp, heap *h, uint64_t seq)
{
    while (h->n > 0 && h->e[0].t <= p->horizon) {
        entry ev = heap_pop(h);
        lp_state *self = &lp[ev.lp];
        self->handled++;
        uint32_t dest = ev.lp;
        if (uniform(self->s) < p->remote_fraction) {
            uint32_t k = (uint32_t)(uniform(self->s) * (double)(p->n_lp - 1));
            dest = k < ev.lp ? k : k + 1;
            self->remote++;
        }
        double t = ev.t + p->lookahead + exponential(self->s, p->mean);
        if (heap_push(h, (entry){t, seq++, dest}) != 0)
            return -1;
    }
    return 0;
}

static int run_once(const phold *p, result *r)
{
    heap h = {0};
    lp_state *lp = calloc(p->n_lp, sizeof *lp);
    uint64_t seq = 0;
    double t0 = clock_s(CLOCK_MONOTONIC);
    int rc = lp == NULL ? -1 : seed_events(p, lp, &h, &seq);
    double t1 = clock_s(CLOCK_MONOTONIC), c1 = clock_s(CLOCK_THREAD_CPUTIME_ID);
    if (rc == 0)
        rc = run_loop(p, lp, &h, seq);
    double t2 = clock_s(CLOCK_MONOTONIC), c2 = clock_s(CLOCK_THREAD_CPUTIME_ID);
    *r = (result){.setup_s = t1 - t0, .loop_s = t2 - t1, .loop_cpu_s = c2 - c1};
    for (uint32_t i = 0; rc == 0 && i < p->n_lp; i++) {
        r->events += lp[i].handled;
        r->remote += lp[i].remote;
    }
    free(lp);
    free(h.e);
    return rc;
}

/* ---- command line ---- */

static void usage(FILE *out)
{
    fprintf(out, "Usage: bare_heap --n-lp N --events-per-lp K --horizon H [--mean M]\n"
                 "       [--lookahead L] [--remote P] [--seed S] [--repeat R]\n"
                 "PHOLD with a plain binary heap; prints one JSON line like ecotwin_bench.\n");
}

static int parse_opts(int argc, char **argv, phold *p)
{
    static const struct option opts[] = {{"n-lp", required_argument, NULL, 'n'},
                                         {"events-per-lp", required_argument, NULL, 'k'},
                                         {"mean", required_argument, NULL, 'm'},
                                         {"lookahead", required_argument, NULL, 'l'},
                                         {"remote", required_argument, NULL, 'p'},
                                         {"horizon", required_argument, NULL, 'H'},
                                         {"seed", required_argument, NULL, 's'},
                                         {"repeat", required_argument, NULL, 'r'},
                                         {NULL, 0, NULL, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'n':
            p->n_lp = (uint32_t)strtoul(optarg, NULL, 10);
            break;
        case 'k':
            p->events_per_lp = (uint32_t)strtoul(optarg, NULL, 10);
            break;
        case 'm':
            p->mean = strtod(optarg, NULL);
            break;
        case 'l':
            p->lookahead = strtod(optarg, NULL);
            break;
        case 'p':
            p->remote_fraction = strtod(optarg, NULL);
            break;
        case 'H':
            p->horizon = strtod(optarg, NULL);
            break;
        case 's':
            p->seed = strtoull(optarg, NULL, 10);
            break;
        case 'r':
            p->repeat = strtol(optarg, NULL, 10);
            break;
        default:
            return -1;
        }
    }
    int ok = p->n_lp > 1 && p->events_per_lp > 0 && p->mean > 0 && p->lookahead >= 0 &&
             p->remote_fraction >= 0 && p->remote_fraction <= 1 && p->horizon > 0 &&
             p->repeat > 0 && optind == argc;
    return ok ? 0 : -1;
}

static int cmp_cpu(const void *a, const void *b)
{
    const result *x = a, *y = b;
    return (x->loop_cpu_s > y->loop_cpu_s) - (x->loop_cpu_s < y->loop_cpu_s);
}

static void report(const phold *p, result *r)
{
    qsort(r, (size_t)p->repeat, sizeof *r, cmp_cpu);
    const result *m = &r[p->repeat / 2];
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double ev = (double)m->events;
    printf("{\"program\": \"bare_heap\", \"pending\": %llu, \"repeat\": %ld, \"events\": %llu, "
           "\"remote\": %llu, ",
           (unsigned long long)p->n_lp * p->events_per_lp, p->repeat, (unsigned long long)m->events,
           (unsigned long long)m->remote);
    printf("\"setup_s\": %.4f, \"loop_s\": %.4f, \"loop_cpu_s\": %.4f, \"events_per_s\": %.0f, "
           "\"ns_per_event\": %.1f, \"events_per_s_wall\": %.0f, \"peak_rss_kb\": %ld}\n",
           m->setup_s, m->loop_s, m->loop_cpu_s, ev / m->loop_cpu_s, 1e9 * m->loop_cpu_s / ev,
           ev / m->loop_s, ru.ru_maxrss);
}

int main(int argc, char **argv)
{
    phold p = {
        .mean = 1.0, .lookahead = 1.0, .remote_fraction = 0.25, .seed = 20240601, .repeat = 3};
    if (parse_opts(argc, argv, &p) != 0) {
        usage(stderr);
        return 2;
    }
    result *r = calloc((size_t)p.repeat, sizeof *r);
    if (r == NULL)
        return 70;
    for (long k = 0; k < p.repeat; k++) {
        if (run_once(&p, &r[k]) != 0) {
            fprintf(stderr, "bare_heap: out of memory\n");
            free(r);
            return 70;
        }
    }
    report(&p, r);
    free(r);
    return 0;
}

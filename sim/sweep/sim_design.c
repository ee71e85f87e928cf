#include "sim_design.h"

#include <stdlib.h>

#include <gsl/gsl_qrng.h>
#include <gsl/gsl_randist.h>

#include "sim_rng.h"

sim_status sim_design_grid_count(const size_t *counts, size_t k, size_t max, size_t *n)
{
    size_t prod = 1;
    *n = 0;
    for (size_t j = 0; j < k; j++) {
        if (counts[j] == 0)
            return SIM_INVALID;
        if (prod > max / counts[j])
            return SIM_INVALID;
        prod *= counts[j];
    }
    if (prod > max)
        return SIM_INVALID;
    *n = prod;
    return SIM_OK;
}

void sim_design_grid_point(const size_t *counts, size_t k, size_t d, size_t *idx)
{
    for (size_t j = k; j-- > 0;) {
        idx[j] = d % counts[j];
        d /= counts[j];
    }
}

/* One column: a permutation of the strata, then one offset inside each stratum. */
static void lhs_column(gsl_rng *r, size_t n, size_t k, size_t j, size_t *perm, double *u)
{
    for (size_t i = 0; i < n; i++)
        perm[i] = i;
    gsl_ran_shuffle(r, perm, n, sizeof *perm);
    for (size_t i = 0; i < n; i++)
        u[i * k + j] = ((double)perm[i] + gsl_rng_uniform(r)) / (double)n;
}

sim_status sim_design_lhs(size_t n, size_t k, uint64_t seed, double *u)
{
    if (n == 0 || k == 0)
        return SIM_OK;
    size_t *perm = malloc(n * sizeof *perm);
    gsl_rng *r = sim_rng_alloc(0);
    if (perm == NULL || r == NULL) {
        free(perm);
        if (r != NULL)
            gsl_rng_free(r);
        return SIM_NOMEM;
    }
    for (size_t j = 0; j < k; j++) {
        uint64_t stream = sim_rng_stream_id(SIM_DESIGN_RNG_LHS, j);
        sim_rng_reseed(r, sim_rng_key(seed, SIM_DESIGN_RNG_DESIGN, 0, stream));
        lhs_column(r, n, k, j, perm, u);
    }
    gsl_rng_free(r);
    free(perm);
    return SIM_OK;
}

sim_status sim_design_sobol(size_t n, size_t dims, double *u)
{
    if (dims == 0 || dims > SIM_DESIGN_SOBOL_MAX_DIMS)
        return SIM_INVALID;
    gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)dims);
    if (q == NULL)
        return SIM_NOMEM;
    for (size_t i = 0; i < n; i++)
        gsl_qrng_get(q, u + i * dims);
    gsl_qrng_free(q);
    return SIM_OK;
}

/* Row j of block b (0 = A, 1 = B, 2 + i = AB_i) from row j of the 2k-dimensional sample. */
static void saltelli_row(const double *ab, size_t k, size_t b, double *row)
{
    for (size_t c = 0; c < k; c++) {
        int from_b = b == 1 || (b >= 2 && c == b - 2);
        row[c] = ab[from_b ? k + c : c];
    }
}

sim_status sim_design_saltelli(size_t n, size_t k, double *u)
{
    if (k == 0 || k > SIM_DESIGN_SOBOL_MAX_DIMS / 2)
        return SIM_INVALID;
    double *ab = malloc((n ? n : 1) * 2 * k * sizeof *ab);
    if (ab == NULL)
        return SIM_NOMEM;
    sim_status st = sim_design_sobol(n, 2 * k, ab);
    for (size_t b = 0; st == SIM_OK && b < k + 2; b++)
        for (size_t j = 0; j < n; j++)
            saltelli_row(ab + j * 2 * k, k, b, u + (b * n + j) * k);
    free(ab);
    return st;
}

/*
 * sim_design: experimental designs as pure functions of their sizes (and a seed).
 *
 * Each generator fills caller-owned storage with design points in the unit hypercube,
 * row-major (point i, column j at u[i * k + j]); the sweep scales them to the factors'
 * ranges. Nothing here knows of scenarios or files, and nothing keeps state between calls,
 * so every design is reproducible from its arguments alone.
 *
 *  - grid: full factorial; point d's level indices are the mixed-radix digits of d with the
 *    last factor varying fastest. sim_design_grid_count checks the product for overflow and
 *    a bound before anyone allocates for it.
 *  - lhs: Latin hypercube. Column j is a random permutation perm_j of 0..n-1 and point i
 *    lies in stratum perm_j[i]: u = (perm_j[i] + U) / n with U uniform in [0, 1), so every
 *    stratum of every column holds exactly one point. Column j draws its permutation and
 *    then its n offsets from its own keyed stream, sim_rng_key(seed, SIM_DESIGN_RNG_DESIGN,
 *    0, sim_rng_stream_id(SIM_DESIGN_RNG_LHS, j)), so a column does not change when columns
 *    are added after it.
 *  - sobol: the first n points of GSL's Sobol sequence (gsl_qrng_sobol, at most
 *    SIM_DESIGN_SOBOL_MAX_DIMS dimensions). GSL's sequence starts at (0.5, ..., 0.5): the
 *    all-zero point of the textbook sequence is not produced, which is the usual advice for
 *    Sobol designs (Saltelli et al. 2010 skip it because it sits on the boundary), so
 *    nothing is skipped here.
 *  - saltelli: Saltelli's scheme for first- and total-order Sobol indices with base sample
 *    n: the first n points of a 2k-dimensional Sobol sequence (as above) give A (columns
 *    0..k-1) and B (columns k..2k-1); AB_i is A with column i taken from B. Points are
 *    written block by block: A, B, AB_0, ..., AB_{k-1}, n (k + 2) points in all. Point
 *    (2 + i) n + j is row j of AB_i.
 */
#ifndef SIM_DESIGN_H
#define SIM_DESIGN_H

#include <stddef.h>
#include <stdint.h>

#include "sim_status.h"

#define SIM_DESIGN_SOBOL_MAX_DIMS 40u
/* Stream key parts of LHS permutations: a design coordinate no run uses (runs count design
 * points from 0) and a process id no model uses. */
#define SIM_DESIGN_RNG_DESIGN UINT64_MAX
#define SIM_DESIGN_RNG_LHS    0xFFFFu

/* Product of counts[0..k-1] into *n; SIM_INVALID when it exceeds max (or overflows), with
 * *n left at 0. An empty product is 1. */
sim_status sim_design_grid_count(const size_t *counts, size_t k, size_t max, size_t *n);

/* Level indices of grid point d (d < the product of counts): idx[j] in [0, counts[j]). */
void sim_design_grid_point(const size_t *counts, size_t k, size_t d, size_t *idx);

/* Latin hypercube of n points in k columns into u[n * k]. SIM_NOMEM when the permutation
 * or the generator cannot be allocated. */
sim_status sim_design_lhs(size_t n, size_t k, uint64_t seed, double *u);

/* First n points of a Sobol sequence of dims dimensions into u[n * dims]. SIM_INVALID when
 * dims is 0 or above SIM_DESIGN_SOBOL_MAX_DIMS; SIM_NOMEM. */
sim_status sim_design_sobol(size_t n, size_t dims, double *u);

/* Saltelli's matrix for k factors and base sample n into u[n * (k + 2) * k]. SIM_INVALID
 * when 2k exceeds SIM_DESIGN_SOBOL_MAX_DIMS or k is 0; SIM_NOMEM. */
sim_status sim_design_saltelli(size_t n, size_t k, double *u);

#endif

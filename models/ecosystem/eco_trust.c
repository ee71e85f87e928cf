/*
 * eco_trust: pairwise trust, last interactions and shared-project counts (SPEC 2.6, 7.9).
 *
 * T_ij is i's trust in j, updated by asymmetric exponential smoothing of experiences: a
 * good experience moves trust up at eta_up, a bad one down at eta_down (> eta_up: trust is
 * easier to destroy than to build). With mechanisms.trust_dynamics off every T_ij keeps its
 * initial value pi_i. Last interactions and project counts are symmetric.
 */
#include <math.h>

#include "eco_behaviour.h"

static size_t pair(const eco_run *run, uint32_t i, uint32_t j)
{
    return (size_t)i * run->n_companies + j;
}

static double clip01(double x)
{
    return x < 0.0 ? 0.0 : x > 1.0 ? 1.0 : x;
}

double eco_trust(const eco_run *run, uint32_t i, uint32_t j)
{
    return run->trust[pair(run, i, j)];
}

double eco_trust_step(const eco_trust_params *p, double t, double x)
{
    double eta = x >= t ? p->eta_up : p->eta_down;
    return clip01(t + eta * (x - t));
}

void eco_trust_experience(eco_run *run, uint32_t i, uint32_t j, double x)
{
    if (!run->mech.trust_dynamics || i == j)
        return;
    double *t = &run->trust[pair(run, i, j)];
    *t = eco_trust_step(&run->par->trust, *t, clip01(x));
}

void eco_touch(eco_run *run, uint32_t i, uint32_t j)
{
    double t = sim_engine_now(run->eng);
    run->last_touch[pair(run, i, j)] = t;
    run->last_touch[pair(run, j, i)] = t;
}

double eco_last_touch(const eco_run *run, uint32_t i, uint32_t j)
{
    return run->last_touch[pair(run, i, j)];
}

static void projects_add(eco_run *run, size_t k, int delta)
{
    int32_t n = run->pair_projects[k] + delta;
    run->pair_projects[k] = n > 0 ? n : 0;
}

void eco_pair_projects_add(eco_run *run, uint32_t i, uint32_t j, int delta)
{
    if (i == j)
        return;
    projects_add(run, pair(run, i, j), delta);
    projects_add(run, pair(run, j, i), delta);
}

int eco_pair_projects(const eco_run *run, uint32_t i, uint32_t j)
{
    return run->pair_projects[pair(run, i, j)];
}

/*
 * eco_value: capability coverage, the project success model read as a coalition game, and
 * the value-split rules (SPEC 7.11 step d, 7.12 steps 2 and 4). Pure functions of small
 * fixed arrays: no allocation, no run state, so the unit tests check them by hand.
 */
#include <math.h>

#include "eco_business.h"

static double clip01(double x)
{
    return x < 0.0 ? 0.0 : x > 1.0 ? 1.0 : x;
}

static double logistic(double x)
{
    return 1.0 / (1.0 + exp(-x));
}

static int has(unsigned mask, size_t k)
{
    return (mask >> k) & 1u;
}

static size_t popcount(unsigned mask)
{
    size_t n = 0;
    for (; mask != 0; mask &= mask - 1)
        n++;
    return n;
}

/* C_S,d = 1 - prod_k (1 - min(1, K_k,d / K_sat)); cov_S = (prod_d min(1, C_S,d / q_d))^(1/4):
 * a probabilistic OR per domain, a geometric mean over domains (weakest link leaning). */
double eco_coverage(const double (*knowledge)[ECO_KNOWLEDGE_DOMAINS], size_t n, unsigned mask,
                    const double *q, double k_sat)
{
    double prod = 1.0;
    for (int d = 0; d < ECO_KNOWLEDGE_DOMAINS; d++) {
        double miss = 1.0;
        for (size_t k = 0; k < n; k++) {
            if (has(mask, k))
                miss *= 1.0 - fmin(1.0, knowledge[k][d] / k_sat);
        }
        double c = 1.0 - miss;
        prod *= q[d] > 0.0 ? fmin(1.0, c / q[d]) : 1.0;
    }
    return pow(prod, 1.0 / ECO_KNOWLEDGE_DOMAINS);
}

/* Mean over the unordered (kappa) and ordered (trust) pairs of the sub-coalition; 1 solo. */
static void pair_means(const eco_coalition_view *v, unsigned mask, double *kappa, double *trust)
{
    double ks = 0.0, ts = 0.0;
    size_t pairs = 0;
    for (size_t a = 0; a < v->n; a++) {
        for (size_t b = a + 1; b < v->n; b++) {
            if (!has(mask, a) || !has(mask, b))
                continue;
            ks += v->kappa[a][b];
            ts += v->trust[a][b] + v->trust[b][a];
            pairs++;
        }
    }
    *kappa = pairs > 0 ? ks / (double)pairs : 1.0;
    *trust = pairs > 0 ? ts / (2.0 * (double)pairs) : 1.0;
}

/* Means of rho and chi, data adequacy a_S = min(1, D_S / D_b) with
 * D_S = sum r_k + max_k (D_eff(k) - r_k), and the role requirement. */
static void member_terms(const eco_coalition_view *v, const eco_opportunity_view *b, unsigned mask,
                         int require_roles, eco_coalition_eval *e)
{
    double rho = 0.0, chi = 0.0, records = 0.0, extra = 0.0;
    int provider = 0, owner = 0;
    size_t n = 0;
    for (size_t k = 0; k < v->n; k++) {
        if (!has(mask, k))
            continue;
        rho += v->rho[k];
        chi += v->chi[k];
        records += v->records[k];
        extra = fmax(extra, v->extra[k]);
        provider |= v->provider[k];
        owner |= v->asset_owner[k];
        n++;
    }
    e->rho = n > 0 ? rho / (double)n : 0.0;
    e->chi = n > 0 ? chi / (double)n : 0.0;
    e->adequacy = b->data_req > 0.0 ? fmin(1.0, (records + extra) / b->data_req) : 1.0;
    e->roles_ok = n > 0 && (!require_roles || (provider && owner));
}

eco_coalition_eval eco_coalition_evaluate(const eco_opportunity_params *op, double k_sat,
                                          const eco_coalition_view *v,
                                          const eco_opportunity_view *b, unsigned mask)
{
    eco_coalition_eval e;
    e.cov = eco_coverage(v->knowledge, v->n, mask, b->q, k_sat);
    pair_means(v, mask, &e.kappa, &e.trust);
    member_terms(v, b, mask, op->require_provider_and_asset_owner, &e);
    e.p_succ = logistic(op->success.b0 + op->success.coverage * e.cov + op->success.goal * e.kappa +
                        op->success.receptivity * e.rho + op->success.trust * e.trust +
                        op->success.data * e.adequacy);
    e.p_adopt = clip01(op->adoption.base + op->adoption.customer * e.chi);
    return e;
}

double eco_coalition_value(const eco_opportunity_params *op, double k_sat,
                           const eco_coalition_view *v, const eco_opportunity_view *b,
                           unsigned mask)
{
    if (mask == 0)
        return 0.0;
    eco_coalition_eval e = eco_coalition_evaluate(op, k_sat, v, b, mask);
    return e.roles_ok ? b->value * e.p_succ * e.p_adopt : 0.0;
}

/* phi_k = sum over S' not holding k of |S'|! (n - |S'| - 1)! / n! (v(S' + k) - v(S')). */
void eco_shapley(const double *v, size_t n, double *phi)
{
    double fact[ECO_MAX_COALITION + 1];
    fact[0] = 1.0;
    for (size_t k = 1; k <= n; k++)
        fact[k] = fact[k - 1] * (double)k;
    unsigned full = (1u << n) - 1u;
    for (size_t k = 0; k < n; k++) {
        double sum = 0.0;
        for (unsigned s = 0; s <= full; s++) {
            if (has(s, k))
                continue;
            size_t m = popcount(s);
            sum += fact[m] * fact[n - m - 1] / fact[n] * (v[s | (1u << k)] - v[s]);
        }
        phi[k] = sum;
    }
}

/* w_k / sum w, or equal shares when the weights do not sum to a positive number. */
static void normalise(const double *w, size_t n, double *share)
{
    double sum = 0.0;
    for (size_t k = 0; k < n; k++)
        sum += w[k];
    for (size_t k = 0; k < n; k++)
        share[k] = sum > 0.0 ? w[k] / sum : 1.0 / (double)n;
}

void eco_value_shares(eco_value_split rule, const double *v, size_t n, double cov_all,
                      const double *cov_minus, double *share)
{
    double w[ECO_MAX_COALITION];
    for (size_t k = 0; k < n; k++)
        w[k] = 1.0;
    if (rule == ECO_SPLIT_SHAPLEY) {
        eco_shapley(v, n, w);
    } else if (rule == ECO_SPLIT_COVERAGE) {
        for (size_t k = 0; k < n; k++)
            w[k] = fmax(0.0, cov_all - cov_minus[k]);
    }
    normalise(w, n, share);
}

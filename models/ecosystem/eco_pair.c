/*
 * eco_pair: the outputs that compare the variants of one replication (SPEC 3.3, 8.9, 8.10,
 * 8.11 productivity), computed by sim_model_type.pair once every variant is collected.
 *
 * Every pairing variable of a run compares THAT run with a reference variant of the same
 * replication (same streams, so the difference is a paired, common-random-numbers one):
 *   iov (per company)    = value_total(this run) - value_total(autarky run);
 *   iov_ecosystem        = sum of iov = value_ecosystem(this run) - value_ecosystem(autarky);
 *   channel_<mechanism>  = value_ecosystem(this run) - value_ecosystem(ko_<mechanism> run);
 *   gini_iov, gini_shifted, jain_iov, loser_share: fairness (SPEC 8.10) of this run's iov
 *                          over all companies;
 *   health_productivity  = iov_ecosystem per company-year of the measurement window.
 * So the ecosystem run holds SPEC's IOV_i, IOV_eco and M_c; the reference run itself holds 0;
 * a knock-out run holds what its configuration creates beyond autarky. A variable whose
 * reference variant was not run stays NaN (the records start as NaN).
 *
 * Fairness on x = iov: Gini uses the sorted form sum_k (2k - n - 1) x_(k) / (n sum x), equal
 * to SPEC's double sum, in O(n log n); when some x < 0 it is computed on x - min(x) and
 * gini_shifted is 1. It is NaN when the (shifted) values sum to 0. Jain's index
 * (sum y)^2 / (n sum y^2) on y = max(x, 0) is NaN when every y is 0.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "eco_run.h"

#define ECO_HOURS_PER_YEAR 8760.0

/* X(id, variant knocked out, name, long name). */
#define ECO_CHANNELS(X)                                                                            \
    X(SHARING, ECO_VARIANT_KO_SHARING, "channel_sharing",                                          \
      "ecosystem value minus that of the ko_sharing variant (data pooling channel)")               \
    X(OVERFLOW, ECO_VARIANT_KO_OVERFLOW, "channel_overflow",                                       \
      "ecosystem value minus that of the ko_overflow variant (capacity sharing channel)")          \
    X(COLEARNING, ECO_VARIANT_KO_COLEARNING, "channel_colearning",                                 \
      "ecosystem value minus that of the ko_colearning variant (co-learning channel)")             \
    X(COALITIONS, ECO_VARIANT_KO_COALITIONS, "channel_coalitions",                                 \
      "ecosystem value minus that of the ko_coalitions variant (coalition channel)")               \
    X(CONTRACTS, ECO_VARIANT_KO_CONTRACTS, "channel_contracts",                                    \
      "ecosystem value minus that of the ko_contracts variant (service contract channel)")

#define ECO_CH_ENUM(id, variant, name, long_name) CH_##id,
enum { ECO_CHANNELS(ECO_CH_ENUM) CH_COUNT };
#undef ECO_CH_ENUM
#define ECO_CH_VARIANT(id, variant, name, long_name) variant,
static const int channel_variant[CH_COUNT] = {ECO_CHANNELS(ECO_CH_VARIANT)};
#undef ECO_CH_VARIANT
#define ECO_CH_VAR(id, variant, name, long_name) {name, "EUR", long_name, SIM_SHAPE_RUN},
static const sim_var channel_vars[CH_COUNT] = {ECO_CHANNELS(ECO_CH_VAR)};
#undef ECO_CH_VAR

enum { PR_IOV_ECO, PR_GINI, PR_GINI_SHIFTED, PR_JAIN, PR_LOSER_SHARE, PR_PRODUCTIVITY, PR_COUNT };

static const sim_var run_vars[PR_COUNT] = {
    {"iov_ecosystem", "EUR",
     "inter-organizational value: value_ecosystem of this run minus that of the autarky run",
     SIM_SHAPE_RUN},
    {"gini_iov", "1", "Gini index of iov over companies (on iov - min(iov) when any is < 0)",
     SIM_SHAPE_RUN},
    {"gini_shifted", "1", "1 when gini_iov was computed on shifted values (some iov < 0)",
     SIM_SHAPE_RUN},
    {"jain_iov", "1", "Jain's fairness index of max(iov, 0) over companies", SIM_SHAPE_RUN},
    {"loser_share", "1", "fraction of companies with iov < 0", SIM_SHAPE_RUN},
    {"health_productivity", "EUR year-1",
     "ecosystem health, productivity: iov_ecosystem per company-year of the window", SIM_SHAPE_RUN},
};

static const sim_var iov_var = {
    "iov", "EUR",
    "inter-organizational value: value_total of this run minus that of the autarky run",
    SIM_SHAPE_ENTITY};

int eco_pair_describe(sim_catalog *cat)
{
    if (sim_catalog_add(cat, &iov_var) < 0)
        return -1;
    for (size_t k = 0; k < PR_COUNT; k++) {
        if (sim_catalog_add(cat, &run_vars[k]) < 0)
            return -1;
    }
    for (size_t k = 0; k < CH_COUNT; k++) {
        if (sim_catalog_add(cat, &channel_vars[k]) < 0)
            return -1;
    }
    return 0;
}

/* ---- fairness (SPEC 8.10) ---- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Gini of x[0..n) (sorted in place); *shifted = 1 when computed on x - min(x). */
static double gini(double *x, size_t n, int *shifted)
{
    qsort(x, n, sizeof *x, cmp_double);
    double shift = x[0] < 0.0 ? -x[0] : 0.0;
    *shifted = x[0] < 0.0;
    double sum = 0.0, weighted = 0.0;
    for (size_t k = 0; k < n; k++) {
        double v = x[k] + shift;
        sum += v;
        weighted += (2.0 * (double)(k + 1) - (double)n - 1.0) * v;
    }
    return sum > 0.0 ? weighted / ((double)n * sum) : NAN;
}

static double jain(const double *x, size_t n)
{
    double sum = 0.0, sum2 = 0.0;
    for (size_t k = 0; k < n; k++) {
        double y = x[k] > 0.0 ? x[k] : 0.0;
        sum += y;
        sum2 += y * y;
    }
    return sum2 > 0.0 ? sum * sum / ((double)n * sum2) : NAN;
}

static double loser_share(const double *x, size_t n)
{
    size_t losers = 0;
    for (size_t k = 0; k < n; k++)
        losers += x[k] < 0.0;
    return (double)losers / (double)n;
}

/* ---- reading and writing records ---- */

static double *var_values(sim_record *rec, const char *name, size_t size)
{
    const sim_catalog *cat = sim_record_catalog(rec);
    int idx = sim_catalog_find(cat, name);
    if (idx < 0 || sim_catalog_var_size(cat, (size_t)idx) != size)
        return NULL;
    return sim_record_values(rec, (size_t)idx);
}

static void set_run_var(sim_record *rec, const char *name, double v)
{
    double *out = var_values(rec, name, 1);
    if (out != NULL)
        out[0] = v;
}

/* Slot of the first record of variant v, or -1. */
static long find_variant(const int *variants, size_t n, int v)
{
    for (size_t k = 0; k < n; k++) {
        if (variants[k] == v)
            return (long)k;
    }
    return -1;
}

static double run_value(sim_record *rec)
{
    double *v = var_values(rec, "value_ecosystem", 1);
    return v != NULL ? v[0] : NAN;
}

/* Fairness and productivity of one run's iov vector (scratch holds n doubles). */
static void write_fairness(const eco_params *par, sim_record *rec, const double *iov,
                           double *scratch, size_t n)
{
    double sum = 0.0;
    for (size_t i = 0; i < n; i++)
        sum += iov[i];
    set_run_var(rec, "iov_ecosystem", sum);
    if (n == 0)
        return;
    memcpy(scratch, iov, n * sizeof *scratch);
    int shifted = 0;
    set_run_var(rec, "gini_iov", gini(scratch, n, &shifted));
    set_run_var(rec, "gini_shifted", shifted);
    set_run_var(rec, "jain_iov", jain(iov, n));
    set_run_var(rec, "loser_share", loser_share(iov, n));
    double company_years = (double)par->n_companies * par->window_h / ECO_HOURS_PER_YEAR;
    set_run_var(rec, "health_productivity", company_years > 0.0 ? sum / company_years : NAN);
}

/* iov and fairness of every record against the autarky record ref. */
static sim_status pair_iov(const eco_params *par, sim_record *const *recs, size_t nrec,
                           sim_record *ref, sim_error *err)
{
    size_t n = sim_catalog_n_entity(sim_record_catalog(ref));
    const double *base = var_values(ref, "value_total", n);
    if (base == NULL)
        return SIM_OK;
    double *scratch = malloc((n ? n : 1) * sizeof *scratch);
    if (scratch == NULL)
        return sim_error_set(err, SIM_NOMEM, "ecosystem: out of memory pairing variants");
    for (size_t k = 0; k < nrec; k++) {
        const double *v = var_values(recs[k], "value_total", n);
        double *iov = var_values(recs[k], "iov", n);
        if (v == NULL || iov == NULL)
            continue;
        /* The reference's own record is written last: base points into it. */
        if (recs[k] == ref)
            continue;
        for (size_t i = 0; i < n; i++)
            iov[i] = v[i] - base[i];
        write_fairness(par, recs[k], iov, scratch, n);
    }
    double *own = var_values(ref, "iov", n);
    if (own != NULL) {
        for (size_t i = 0; i < n; i++)
            own[i] = 0.0;
        write_fairness(par, ref, own, scratch, n);
    }
    free(scratch);
    return SIM_OK;
}

static void pair_channels(const int *variants, sim_record *const *recs, size_t nrec)
{
    for (size_t c = 0; c < CH_COUNT; c++) {
        long ko = find_variant(variants, nrec, channel_variant[c]);
        if (ko < 0)
            continue;
        double base = run_value(recs[ko]);
        for (size_t k = 0; k < nrec; k++)
            set_run_var(recs[k], channel_vars[c].name, run_value(recs[k]) - base);
    }
}

sim_status eco_pair(const void *params, const int *variants, sim_record *const *recs, size_t n,
                    sim_error *err)
{
    const eco_params *par = params;
    pair_channels(variants, recs, n);
    long aut = find_variant(variants, n, ECO_VARIANT_AUTARKY);
    if (aut < 0)
        return SIM_OK;
    return pair_iov(par, recs, n, recs[aut], err);
}

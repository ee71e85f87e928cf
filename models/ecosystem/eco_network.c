/*
 * eco_network: membership, the active-collaboration graph, formation and ecosystem health
 * (SPEC 4.10, 8.11).
 *
 * At every SAMPLE k it takes a snapshot: company i is a member when s_i >= member_threshold
 * (and the pool is open) or it takes part in an inter-company contract or project; the pair
 * (i, j) is an edge when it interacted within edge_window_h (l_ij, kept by the trust side).
 * The largest connected component (LCC) is found by breadth-first search over the N x N
 * relation state: O(N^2) per sample, never per event. The formation condition at t_k is
 *   |LCC| >= ceil(lcc_fraction N), mean s over the LCC >= min_share and mean trust over the
 *   LCC's edges (both directions) >= min_trust (NaN without edges, so it fails).
 * collect then finds the formation time on the sample grid: the first t_k whose condition
 * holds at every sample in [t_k, t_k + hold_h], where that interval must end by the last
 * sample (otherwise it is not observed and the run is right-censored).
 *
 * Everything is buffered in this file's own arrays, sized at run_alloc; SAMPLE allocates
 * nothing.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "eco_behaviour.h"
#include "eco_business.h"
#include "eco_run.h"

#define ECO_GRID_EPS 1e-9 /* relative slack when comparing sample instants */

/* X(id, name, units, long name): per run and sample. */
#define ECO_NET_TS(X)                                                                              \
    X(MEMBERS, "ts_members", "1", "members of the ecosystem at the sample instant")                \
    X(DENSITY, "ts_density", "1",                                                                  \
      "density 2|E| / (N (N - 1)) of the active-collaboration graph at the sample instant")        \
    X(LCC, "ts_lcc", "1", "size of the largest connected component of the active graph")           \
    X(LCC_FRACTION, "ts_lcc_fraction", "1", "largest connected component as a share of companies") \
    X(DEGREE, "ts_mean_degree", "1", "mean degree 2|E| / N of the active graph")                   \
    X(TRUST, "ts_mean_trust", "1",                                                                 \
      "mean trust over the edges of the active graph, both directions (NaN without edges)")        \
    X(SHARE, "ts_mean_share", "1", "mean sharing level among members (NaN without members)")       \
    X(CONGRUENCE, "ts_goal_congruence", "1",                                                       \
      "mean pairwise goal congruence among members (NaN with fewer than two)")                     \
    X(CONDITION, "ts_formation_condition", "1",                                                    \
      "1 when the formation condition holds at the sample instant")                                \
    X(FORMED, "ts_formed", "1", "1 when the ecosystem has formed by the sample instant")

/* Per run. */
#define ECO_NET_RUN(X)                                                                             \
    X(FORMED, "formed", "1", "1 when the ecosystem formed (formation_time is finite)")             \
    X(T_FORM, "formation_time", "h",                                                               \
      "first sample instant from which the formation condition held for hold_h (NaN: censored)")   \
    X(STABILITY, "formation_stability", "1",                                                       \
      "share of samples from formation_time on at which the condition holds")                      \
    X(ROBUSTNESS, "health_robustness", "1",                                                        \
      "share of the members at formation_time that are members at the last sample")                \
    X(NICHES, "health_niche_creation", "1",                                                        \
      "distinct opportunity theme orthants with at least one new business in the window")          \
    X(MEMBERS_END, "members_end", "1", "members at the last sample")                               \
    X(MEMBERS_MEAN, "members_mean", "1", "mean number of members over the samples")                \
    X(DENSITY_MEAN, "density_mean", "1", "mean density of the active graph over the samples")      \
    X(LCC_MEAN, "lcc_fraction_mean", "1", "mean largest-component share over the samples")         \
    X(DEGREE_MEAN, "mean_degree_mean", "1", "mean degree of the active graph over the samples")    \
    X(CONGRUENCE_MEAN, "goal_congruence_mean", "1",                                                \
      "mean over the samples of the goal congruence among members (NaN samples skipped)")

#define ECO_NT_ENUM(id, name, units, long_name) NT_##id,
#define ECO_NR_ENUM(id, name, units, long_name) NR_##id,
enum { ECO_NET_TS(ECO_NT_ENUM) NT_COUNT };
enum { ECO_NET_RUN(ECO_NR_ENUM) NR_COUNT };
#undef ECO_NT_ENUM
#undef ECO_NR_ENUM
#define ECO_NT_VAR(id, name, units, long_name) {name, units, long_name, SIM_SHAPE_TIME},
#define ECO_NR_VAR(id, name, units, long_name) {name, units, long_name, SIM_SHAPE_RUN},
static const sim_var ts_vars[NT_COUNT] = {ECO_NET_TS(ECO_NT_VAR)};
static const sim_var run_vars[NR_COUNT] = {ECO_NET_RUN(ECO_NR_VAR)};
#undef ECO_NT_VAR
#undef ECO_NR_VAR

static const sim_var member_var = {"ts_member", "1",
                                   "1 when the company is a member at the sample instant",
                                   SIM_SHAPE_TIME_ENTITY};

struct eco_network {
    size_t n, n_time;
    uint32_t *queue;        /* BFS queue (n) */
    unsigned char *engaged; /* scratch: in an inter-company project or contract (n) */
    int32_t *comp;          /* component label of each company in the current sample (n) */
    unsigned char *member;  /* [time][company] membership */
    double *ts;             /* [var][time] */
};

/* ---- storage ---- */

sim_status eco_network_alloc(eco_run *run)
{
    struct eco_network *net = calloc(1, sizeof *net);
    if (net == NULL)
        return SIM_NOMEM;
    run->net = net;
    size_t n = run->n_companies ? run->n_companies : 1, nt = run->n_time ? run->n_time : 1;
    if (nt > SIZE_MAX / n || nt > SIZE_MAX / NT_COUNT / sizeof(double))
        return SIM_NOMEM;
    net->n = run->n_companies;
    net->n_time = run->n_time;
    net->queue = malloc(n * sizeof *net->queue);
    net->comp = malloc(n * sizeof *net->comp);
    net->engaged = malloc(n);
    net->member = calloc(nt * n, 1);
    net->ts = malloc(NT_COUNT * nt * sizeof *net->ts);
    if (net->queue == NULL || net->comp == NULL || net->engaged == NULL || net->member == NULL ||
        net->ts == NULL)
        return SIM_NOMEM;
    for (size_t k = 0; k < NT_COUNT * nt; k++)
        net->ts[k] = NAN;
    return SIM_OK;
}

void eco_network_free(eco_run *run)
{
    struct eco_network *net = run->net;
    if (net == NULL)
        return;
    free(net->queue);
    free(net->comp);
    free(net->engaged);
    free(net->member);
    free(net->ts);
    free(net);
    run->net = NULL;
}

static double *ts_slot(struct eco_network *net, int var, size_t k)
{
    return &net->ts[(size_t)var * net->n_time + k];
}

/* ---- one snapshot ---- */

/* Mark (in *engaged) the companies in an active inter-company project or contract: running
 * projects of two or more members, maintenance and PdM contracts between two companies, and
 * new-business contracts of a project of two or more. Solo projects and a solo member's
 * new business are not relations between companies. */
static void mark_engaged(const eco_run *run, unsigned char *engaged)
{
    memset(engaged, 0, run->n_companies);
    const eco_business *b = run->biz;
    if (b == NULL)
        return;
    for (uint32_t p = 0; p < b->n_projects; p++) {
        const eco_project *pr = &b->projects[p];
        for (size_t k = 0; isnan(pr->t_end) && pr->n >= 2 && k < pr->n; k++)
            engaged[pr->member[k]] = 1;
    }
    for (uint32_t c = 0; c < b->n_contracts; c++) {
        const eco_contract *ct = &b->contracts[c];
        if (!ct->active)
            continue;
        if (ct->type != ECO_CONTRACT_NEWBIZ && ct->provider != ct->client) {
            engaged[ct->provider] = engaged[ct->client] = 1;
        } else if (ct->type == ECO_CONTRACT_NEWBIZ && ct->project < b->n_projects) {
            const eco_project *pr = &b->projects[ct->project];
            for (size_t k = 0; pr->n >= 2 && k < pr->n; k++)
                engaged[pr->member[k]] = 1;
        }
    }
}

static int is_edge(const eco_run *run, uint32_t i, uint32_t j, double t)
{
    double window = run->par->edge_window_h;
    return t - eco_last_touch(run, i, j) <= window || t - eco_last_touch(run, j, i) <= window;
}

/* Label the component of start by BFS; returns its size. */
static size_t bfs(const eco_run *run, struct eco_network *net, uint32_t start, int32_t label,
                  double t)
{
    size_t head = 0, tail = 0;
    net->queue[tail++] = start;
    net->comp[start] = label;
    while (head < tail) {
        uint32_t i = net->queue[head++];
        for (uint32_t j = 0; j < net->n; j++) {
            if (net->comp[j] < 0 && j != i && is_edge(run, i, j, t)) {
                net->comp[j] = label;
                net->queue[tail++] = j;
            }
        }
    }
    return tail;
}

/* Components of the active graph; returns the label of the largest (lowest label on ties)
 * and its size. */
static int32_t largest_component(const eco_run *run, struct eco_network *net, double t,
                                 size_t *size)
{
    int32_t best = -1, label = 0;
    *size = 0;
    for (size_t i = 0; i < net->n; i++)
        net->comp[i] = -1;
    for (uint32_t i = 0; i < net->n; i++) {
        if (net->comp[i] >= 0)
            continue;
        size_t s = bfs(run, net, i, label, t);
        if (s > *size) {
            *size = s;
            best = label;
        }
        label++;
    }
    return best;
}

/* Sums over edges: count, trust (both directions), and the same within component lcc. */
typedef struct edge_sums {
    size_t edges, lcc_edges;
    double trust, lcc_trust;
} edge_sums;

static edge_sums sum_edges(const eco_run *run, const struct eco_network *net, int32_t lcc, double t)
{
    edge_sums e = {0, 0, 0.0, 0.0};
    for (uint32_t i = 0; i < net->n; i++) {
        for (uint32_t j = i + 1; j < net->n; j++) {
            if (!is_edge(run, i, j, t))
                continue;
            double tr = eco_trust(run, i, j) + eco_trust(run, j, i);
            e.edges++;
            e.trust += tr;
            if (net->comp[i] == lcc) {
                e.lcc_edges++;
                e.lcc_trust += tr;
            }
        }
    }
    return e;
}

/* Mean share over the LCC, and membership with mean share and congruence among members. */
static double lcc_share(const eco_run *run, const struct eco_network *net, int32_t lcc)
{
    double sum = 0.0;
    size_t n = 0;
    for (size_t i = 0; i < net->n; i++) {
        if (net->comp[i] == lcc) {
            sum += run->co[i].share;
            n++;
        }
    }
    return n > 0 ? sum / (double)n : NAN;
}

static size_t mark_members(const eco_run *run, struct eco_network *net, size_t k,
                           double *mean_share)
{
    unsigned char *m = &net->member[k * net->n];
    size_t count = 0;
    double sum = 0.0;
    mark_engaged(run, net->engaged);
    for (uint32_t i = 0; i < net->n; i++) {
        m[i] = (unsigned char)(eco_is_member(run, i) || net->engaged[i]);
        if (m[i]) {
            count++;
            sum += run->co[i].share;
        }
    }
    *mean_share = count > 0 ? sum / (double)count : NAN;
    return count;
}

static double member_congruence(const eco_run *run, const struct eco_network *net, size_t k)
{
    const unsigned char *m = &net->member[k * net->n];
    double sum = 0.0;
    size_t pairs = 0;
    for (uint32_t i = 0; i < net->n; i++) {
        for (uint32_t j = i + 1; m[i] && j < net->n; j++) {
            if (m[j]) {
                sum += eco_congruence(run, i, j);
                pairs++;
            }
        }
    }
    return pairs > 0 ? sum / (double)pairs : NAN;
}

static int formation_condition(const eco_params *par, size_t n, size_t lcc_size, double share,
                               double trust)
{
    double need = ceil(par->formation.lcc_fraction * (double)n - ECO_GRID_EPS);
    return (double)lcc_size >= need && share >= par->formation.min_share &&
           trust >= par->formation.min_trust;
}

void eco_network_sample(eco_run *run, size_t k)
{
    struct eco_network *net = run->net;
    double t = sim_engine_now(run->eng), n = (double)net->n;
    if (k >= net->n_time)
        return;
    size_t lcc_size;
    int32_t lcc = largest_component(run, net, t, &lcc_size);
    edge_sums e = sum_edges(run, net, lcc, t);
    double mean_share;
    size_t members = mark_members(run, net, k, &mean_share);
    double lcc_trust = e.lcc_edges > 0 ? e.lcc_trust / (2.0 * (double)e.lcc_edges) : NAN;
    *ts_slot(net, NT_MEMBERS, k) = (double)members;
    *ts_slot(net, NT_DENSITY, k) = net->n > 1 ? 2.0 * (double)e.edges / (n * (n - 1.0)) : NAN;
    *ts_slot(net, NT_LCC, k) = (double)lcc_size;
    *ts_slot(net, NT_LCC_FRACTION, k) = net->n > 0 ? (double)lcc_size / n : NAN;
    *ts_slot(net, NT_DEGREE, k) = net->n > 0 ? 2.0 * (double)e.edges / n : NAN;
    *ts_slot(net, NT_TRUST, k) = e.edges > 0 ? e.trust / (2.0 * (double)e.edges) : NAN;
    *ts_slot(net, NT_SHARE, k) = mean_share;
    *ts_slot(net, NT_CONGRUENCE, k) = member_congruence(run, net, k);
    *ts_slot(net, NT_CONDITION, k) =
        formation_condition(run->par, net->n, lcc_size, lcc_share(run, net, lcc), lcc_trust);
}

/* ---- formation over the sample grid ---- */

/* Index of the formation sample, or n_time when censored. */
static size_t formation_index(const eco_run *run, const struct eco_network *net, const double *t)
{
    size_t nt = net->n_time;
    const double *cond = &net->ts[(size_t)NT_CONDITION * nt];
    double hold = run->par->formation.hold_h, last = nt > 0 ? t[nt - 1] : 0.0;
    for (size_t k = 0; k < nt; k++) {
        double end = t[k] + hold, slack = ECO_GRID_EPS * (fabs(end) + 1.0);
        if (end > last + slack)
            break; /* the hold interval is not observed: censored from here on */
        size_t j = k;
        while (j < nt && t[j] <= end + slack && cond[j] == 1.0)
            j++;
        if (j == nt || t[j] > end + slack)
            return k;
    }
    return nt;
}

static double stability(const struct eco_network *net, size_t kf)
{
    const double *cond = &net->ts[(size_t)NT_CONDITION * net->n_time];
    size_t held = 0;
    for (size_t k = kf; k < net->n_time; k++)
        held += cond[k] == 1.0;
    return (double)held / (double)(net->n_time - kf);
}

static double robustness(const struct eco_network *net, size_t kf)
{
    const unsigned char *at = &net->member[kf * net->n];
    const unsigned char *end = &net->member[(net->n_time - 1) * net->n];
    size_t before = 0, kept = 0;
    for (size_t i = 0; i < net->n; i++) {
        before += at[i];
        kept += at[i] && end[i];
    }
    return before > 0 ? (double)kept / (double)before : NAN;
}

/* Mean of the non-NaN entries of one time series (NaN when there are none). */
static double ts_mean(const struct eco_network *net, int var)
{
    double sum = 0.0;
    size_t n = 0;
    for (size_t k = 0; k < net->n_time; k++) {
        double x = net->ts[(size_t)var * net->n_time + k];
        if (!isnan(x)) {
            sum += x;
            n++;
        }
    }
    return n > 0 ? sum / (double)n : NAN;
}

/* Theme orthants (sign pattern of T_b) of the new businesses adopted in the window. */
static double niche_creation(const eco_run *run)
{
    long niches = run->biz != NULL ? eco_business_niches(run) : -1;
    return niches >= 0 ? (double)niches : NAN;
}

/* ---- outputs ---- */

int eco_network_describe(sim_catalog *cat)
{
    for (size_t k = 0; k < NT_COUNT; k++) {
        if (sim_catalog_add(cat, &ts_vars[k]) < 0)
            return -1;
    }
    for (size_t k = 0; k < NR_COUNT; k++) {
        if (sim_catalog_add(cat, &run_vars[k]) < 0)
            return -1;
    }
    return sim_catalog_add(cat, &member_var) < 0 ? -1 : 0;
}

static double *find_var(sim_record *rec, const char *name, size_t size)
{
    const sim_catalog *cat = sim_record_catalog(rec);
    int idx = sim_catalog_find(cat, name);
    if (idx < 0 || sim_catalog_var_size(cat, (size_t)idx) != size)
        return NULL;
    return sim_record_values(rec, (size_t)idx);
}

static void run_values(const eco_run *run, struct eco_network *net, const double *t, double *m)
{
    size_t nt = net->n_time, kf = formation_index(run, net, t);
    int formed = kf < nt;
    m[NR_FORMED] = formed;
    m[NR_T_FORM] = formed ? t[kf] : NAN;
    m[NR_STABILITY] = formed ? stability(net, kf) : NAN;
    m[NR_ROBUSTNESS] = formed ? robustness(net, kf) : NAN;
    m[NR_NICHES] = niche_creation(run);
    m[NR_MEMBERS_END] = nt > 0 ? *ts_slot(net, NT_MEMBERS, nt - 1) : NAN;
    m[NR_MEMBERS_MEAN] = ts_mean(net, NT_MEMBERS);
    m[NR_DENSITY_MEAN] = ts_mean(net, NT_DENSITY);
    m[NR_LCC_MEAN] = ts_mean(net, NT_LCC_FRACTION);
    m[NR_DEGREE_MEAN] = ts_mean(net, NT_DEGREE);
    m[NR_CONGRUENCE_MEAN] = ts_mean(net, NT_CONGRUENCE);
    for (size_t k = 0; k < nt; k++)
        *ts_slot(net, NT_FORMED, k) = formed && k >= kf;
}

void eco_network_collect(eco_run *run, sim_record *rec)
{
    struct eco_network *net = run->net;
    const double *t = sim_catalog_time(sim_record_catalog(rec));
    double m[NR_COUNT];
    run_values(run, net, t, m);
    for (size_t v = 0; v < NR_COUNT; v++) {
        double *out = find_var(rec, run_vars[v].name, 1);
        if (out != NULL)
            out[0] = m[v];
    }
    for (size_t v = 0; v < NT_COUNT; v++) {
        double *out = find_var(rec, ts_vars[v].name, net->n_time);
        if (out != NULL)
            memcpy(out, ts_slot(net, (int)v, 0), net->n_time * sizeof *out);
    }
    double *member = find_var(rec, member_var.name, net->n_time * net->n);
    for (size_t k = 0; member != NULL && k < net->n_time * net->n; k++)
        member[k] = net->member[k];
}

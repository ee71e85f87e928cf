/*
 * sim_verify: each case reads its theory's inputs from the scenario tree, checks that the
 * scenario is the configuration the theory describes, and lists its metrics as (model
 * variable, transform, analytic value). The run collects those variables of company 0 from
 * every replication through a runner sink; the statistics and verdicts follow SPEC 9.
 *
 * The tree is read with sim_cfg_peek after the model has read it, so every key the model
 * filled in from a default or a role template is there with the value the model used.
 */
#include "sim_verify.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <gsl/gsl_statistics_double.h>

#include "sim_analytic.h"
#include "sim_dist.h"
#include "sim_runner.h"

/* Model rates are per asset-year (METRICS.md); the theory's are per hour. */
#define HOURS_PER_YEAR 8760.0

/* ---- reading the scenario ---- */

typedef struct case_reader {
    const sim_scenario *sc;
    sim_cfg_node *root;
    sim_cfg_node *company; /* companies[0] */
    sim_verify_case *out;
    sim_error *err;
} case_reader;

/* "file:line:col: " of a node, or the scenario path when the node has no place. */
static void node_place(const case_reader *r, const sim_cfg_node *n, char *buf, size_t size)
{
    sim_cfg_mark m = n != NULL ? sim_cfg_node_mark(n) : (sim_cfg_mark){NULL, 0, 0};
    if (m.file != NULL && m.line > 0)
        snprintf(buf, size, "%s:%u:%u", m.file, m.line, m.col);
    else
        snprintf(buf, size, "%s", r->sc->path);
}

/* SIM_INVALID "place: case KEY: message" at node n. */
static sim_status case_error(const case_reader *r, const sim_cfg_node *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static sim_status case_error(const case_reader *r, const sim_cfg_node *n, const char *fmt, ...)
{
    char place[300], msg[600];
    node_place(r, n, place, sizeof place);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return sim_error_set(r->err, SIM_INVALID, "%s: verification case %s: %s", place, r->out->key,
                         msg);
}

static sim_status scalar_number(const case_reader *r, const sim_cfg_node *map, const char *path,
                                const char *key, double *out)
{
    const sim_cfg_node *n = sim_cfg_peek(map, key);
    const char *text = sim_cfg_scalar_text(n);
    if (text == NULL)
        return case_error(r, n != NULL ? n : map, "%s.%s: needs a number", path, key);
    char *end = NULL;
    *out = strtod(text, &end);
    if (end == text || *end != '\0')
        return case_error(r, n, "%s.%s: '%s' is not a number", path, key, text);
    return SIM_OK;
}

static sim_status company_num(const case_reader *r, const char *key, double *out)
{
    return scalar_number(r, r->company, "companies[0]", key, out);
}

static sim_status company_int(const case_reader *r, const char *key, int *out)
{
    double x = 0.0;
    sim_status st = company_num(r, key, &x);
    if (st == SIM_OK && (x != floor(x) || fabs(x) > 1e9))
        return case_error(r, sim_cfg_peek(r->company, key), "companies[0].%s: needs an integer",
                          key);
    *out = (int)x;
    return st;
}

/* A number under a top-level section (maintenance:, prediction:). */
static sim_status section_num(const case_reader *r, const char *section, const char *key,
                              double *out)
{
    return scalar_number(r, sim_cfg_peek(r->root, section), section, key, out);
}

/* Does section.key read as text `want`? Case-insensitive, so YAML's True and FALSE count. */
static int section_is(const case_reader *r, const char *section, const char *key, const char *want)
{
    const char *text = sim_cfg_scalar_text(sim_cfg_peek(sim_cfg_peek(r->root, section), key));
    return text != NULL && strcasecmp(text, want) == 0;
}

static sim_status require_setting(const case_reader *r, const char *section, const char *key,
                                  const char *want)
{
    if (section_is(r, section, key, want))
        return SIM_OK;
    const sim_cfg_node *sec = sim_cfg_peek(r->root, section);
    const sim_cfg_node *n = sim_cfg_peek(sec, key);
    return case_error(r, n != NULL ? n : (sec != NULL ? sec : r->root), "needs %s.%s: %s", section,
                      key, want);
}

/* A duration spec {dist, mean_h, cv}; exp and det have no cv in the tree (1 and 0). */
static sim_status company_dist(const case_reader *r, const char *key, sim_dist *d)
{
    const sim_cfg_node *spec = sim_cfg_peek(r->company, key);
    const char *name = sim_cfg_scalar_text(sim_cfg_peek(spec, "dist"));
    if (name == NULL || sim_dist_parse(name, &d->kind) != 0)
        return case_error(r, spec != NULL ? spec : r->company,
                          "companies[0].%s: needs a duration spec {dist, mean_h, cv}", key);
    char path[64];
    snprintf(path, sizeof path, "companies[0].%s", key);
    sim_status st = scalar_number(r, spec, path, "mean_h", &d->mean);
    d->cv = d->kind == SIM_DIST_EXP ? 1.0 : 0.0;
    if (st == SIM_OK && (d->kind == SIM_DIST_LOGNORMAL || d->kind == SIM_DIST_GAMMA))
        st = scalar_number(r, spec, path, "cv", &d->cv);
    return st;
}

static sim_status require(const case_reader *r, int ok, const char *key, const char *what)
{
    if (ok)
        return SIM_OK;
    const sim_cfg_node *n = sim_cfg_peek(r->company, key);
    return case_error(r, n != NULL ? n : r->company, "needs companies[0].%s %s", key, what);
}

/* ---- metrics ---- */

static sim_status add_metric(const case_reader *r, const char *name, const char *var, double scale,
                             int one_minus, double analytic)
{
    sim_verify_case *c = r->out;
    if (c->n_metrics == SIM_VERIFY_MAX_METRICS)
        return sim_error_set(r->err, SIM_INTERNAL, "too many metrics in case %s", c->key);
    if (!isfinite(analytic))
        return case_error(r, r->company,
                          "%s has no finite analytic value for these parameters "
                          "(an unstable queue?)",
                          name);
    sim_verify_metric *m = &c->metric[c->n_metrics++];
    memset(m, 0, sizeof *m);
    snprintf(m->name, sizeof m->name, "%s", name);
    snprintf(m->var, sizeof m->var, "%s", var);
    m->scale = scale;
    m->one_minus = one_minus;
    m->analytic = analytic;
    return SIM_OK;
}

typedef enum queue_metric {
    QM_W,
    QM_WQ,
    QM_L,
    QM_LQ,
    QM_U,
    QM_X,
    QM_PWAIT,
    QM_PBLOCK
} queue_metric;

static const struct {
    const char *name, *var;
} queue_metric_def[] = {
    [QM_W] = {"W (lead time, h)", "lead_time_mean"},
    [QM_WQ] = {"Wq (waiting time, h)", "waiting_time_mean"},
    [QM_L] = {"L (number in system)", "number_in_system_mean"},
    [QM_LQ] = {"Lq (number waiting)", "queue_length_mean"},
    [QM_U] = {"U (utilization)", "utilization"},
    [QM_X] = {"X (throughput, 1/h)", "throughput"},
    [QM_PWAIT] = {"P(wait)", "delay_probability"},
    [QM_PBLOCK] = {"P(block)", "lost_fraction"},
};

static double queue_value(const sim_queue_result *q, queue_metric which)
{
    const double v[] = {
        [QM_W] = q->W, [QM_WQ] = q->Wq, [QM_L] = q->L,          [QM_LQ] = q->Lq,
        [QM_U] = q->U, [QM_X] = q->X,   [QM_PWAIT] = q->P_wait, [QM_PBLOCK] = q->P_block};
    return v[which];
}

static sim_status add_queue_metrics(const case_reader *r, const sim_queue_result *q,
                                    const queue_metric *which, size_t n)
{
    sim_status st = SIM_OK;
    for (size_t i = 0; i < n && st == SIM_OK; i++)
        st = add_metric(r, queue_metric_def[which[i]].name, queue_metric_def[which[i]].var, 1.0, 0,
                        queue_value(q, which[i]));
    return st;
}

/* ---- the cases ---- */

/* Inputs every queueing case shares: lambda, service spec, servers, buffer. */
typedef struct queue_inputs {
    double lambda;
    sim_dist service;
    int c, capacity;
} queue_inputs;

static sim_status read_queue(const case_reader *r, queue_inputs *in)
{
    sim_status st = company_num(r, "arrival_rate_per_h", &in->lambda);
    if (st == SIM_OK)
        st = company_dist(r, "service_time", &in->service);
    if (st == SIM_OK)
        st = company_int(r, "n_assets", &in->c);
    if (st == SIM_OK)
        st = company_int(r, "queue_capacity", &in->capacity);
    return st;
}

/* A queue without failures: the M/M/c family and M/G/1 assume servers that never go down. */
static sim_status read_plain_queue(const case_reader *r, queue_inputs *in, int exp_service)
{
    sim_status st = require_setting(r, "mechanisms", "failures", "false");
    if (st == SIM_OK)
        st = read_queue(r, in);
    if (st == SIM_OK && exp_service)
        st = require(r, in->service.kind == SIM_DIST_EXP, "service_time",
                     "to be exponential (dist: exp)");
    return st;
}

static sim_status setup_mm1(case_reader *r)
{
    queue_inputs in;
    double due = 0.0;
    sim_status st = read_plain_queue(r, &in, 1);
    if (st == SIM_OK)
        st = require(r, in.c == 1, "n_assets", "= 1");
    if (st == SIM_OK)
        st = require(r, in.capacity == -1, "queue_capacity", "= -1 (unlimited)");
    if (st == SIM_OK)
        st = company_num(r, "due_allowance_h", &due);
    if (st != SIM_OK)
        return st;
    double mu = 1.0 / in.service.mean;
    sim_queue_result q = sim_analytic_mm1(in.lambda, mu);
    static const queue_metric which[] = {QM_W, QM_WQ, QM_L, QM_LQ, QM_U, QM_X, QM_PWAIT};
    st = add_queue_metrics(r, &q, which, sizeof which / sizeof which[0]);
    /* The sojourn time is Exp(mu - lambda): its distribution checked at one point. */
    if (st == SIM_OK)
        st = add_metric(r, "P(LT <= due)", "on_time_rate", 1.0, 0,
                        1.0 - sim_analytic_mm1_sojourn_tail(in.lambda, mu, due));
    return st;
}

static sim_status setup_mmc(case_reader *r)
{
    queue_inputs in;
    sim_status st = read_plain_queue(r, &in, 1);
    if (st == SIM_OK)
        st = require(r, in.capacity == -1, "queue_capacity", "= -1 (unlimited)");
    if (st != SIM_OK)
        return st;
    sim_queue_result q = sim_analytic_mmc(in.lambda, 1.0 / in.service.mean, in.c);
    static const queue_metric which[] = {QM_W, QM_WQ, QM_L, QM_LQ, QM_U, QM_PWAIT};
    return add_queue_metrics(r, &q, which, sizeof which / sizeof which[0]);
}

static sim_status setup_mmck(case_reader *r)
{
    queue_inputs in;
    sim_status st = read_plain_queue(r, &in, 1);
    if (st == SIM_OK)
        st = require(r, in.capacity >= 0, "queue_capacity", ">= 0 (a finite buffer)");
    if (st != SIM_OK)
        return st;
    sim_queue_result q =
        sim_analytic_mmck(in.lambda, 1.0 / in.service.mean, in.c, in.c + in.capacity, NULL);
    static const queue_metric which[] = {QM_PBLOCK, QM_X, QM_U, QM_L, QM_W, QM_LQ, QM_WQ};
    return add_queue_metrics(r, &q, which, sizeof which / sizeof which[0]);
}

static sim_status setup_mg1(case_reader *r)
{
    queue_inputs in;
    sim_status st = read_plain_queue(r, &in, 0);
    if (st == SIM_OK)
        st = require(r, in.c == 1, "n_assets", "= 1");
    if (st == SIM_OK)
        st = require(r, in.capacity == -1, "queue_capacity", "= -1 (unlimited)");
    if (st != SIM_OK)
        return st;
    sim_queue_result q =
        sim_analytic_mg1(in.lambda, in.service.mean, sim_dist_second_moment(&in.service));
    static const queue_metric which[] = {QM_WQ, QM_W, QM_L, QM_U};
    return add_queue_metrics(r, &q, which, sizeof which / sizeof which[0]);
}

/* Failure mechanics every reliability case shares: failures on, the stated aging clock, no
 * twin-driven PM unless the case is about twins. */
static sim_status require_failures(const case_reader *r, const char *clock, int twins)
{
    sim_status st = require_setting(r, "mechanisms", "failures", "true");
    if (st == SIM_OK)
        st = require_setting(r, "maintenance", "aging_clock", clock);
    if (st == SIM_OK)
        st = require_setting(r, "mechanisms", "twins", twins ? "true" : "false");
    return st;
}

/* Exponential life: Weibull shape 1, failure rate 1/eta. */
static sim_status read_exp_life(const case_reader *r, double *alpha)
{
    double k = 0.0, eta = 0.0;
    sim_status st = company_num(r, "weibull_shape", &k);
    if (st == SIM_OK)
        st = require(r, k == 1.0, "weibull_shape", "= 1 (exponential lives)");
    if (st == SIM_OK)
        st = company_num(r, "weibull_scale_h", &eta);
    if (st == SIM_OK)
        st = require(r, eta > 0.0, "weibull_scale_h", "> 0");
    *alpha = st == SIM_OK ? 1.0 / eta : NAN;
    return st;
}

static sim_status require_no_age_pm(const case_reader *r)
{
    double age = 0.0;
    sim_status st = company_num(r, "non_twin_pm_age_h", &age);
    if (st == SIM_OK)
        st = require(r, age == 0.0, "non_twin_pm_age_h", "= 0 (no preventive maintenance)");
    return st;
}

/* Corrective downtime D = response + repair (independent): mean and second moment. */
static sim_status read_corrective(const case_reader *r, double *ed, double *ed2)
{
    sim_dist resp = {0}, rep = {0};
    sim_status st = company_dist(r, "crew_response", &resp);
    if (st == SIM_OK)
        st = company_dist(r, "repair_time", &rep);
    *ed = resp.mean + rep.mean;
    *ed2 =
        sim_dist_second_moment(&resp) + 2.0 * resp.mean * rep.mean + sim_dist_second_moment(&rep);
    return st;
}

/* No orders: the reliability cases watch assets alone. */
static sim_status require_no_orders(const case_reader *r)
{
    double lambda = 0.0;
    sim_status st = company_num(r, "arrival_rate_per_h", &lambda);
    if (st == SIM_OK)
        st = require(r, lambda == 0.0, "arrival_rate_per_h", "= 0 (no orders)");
    return st;
}

static sim_status setup_breakdown(case_reader *r)
{
    queue_inputs in;
    double alpha = 0.0, er = 0.0, er2 = 0.0;
    int crews = 0;
    sim_status st = require_failures(r, "busy", 0);
    if (st == SIM_OK)
        st = read_queue(r, &in);
    if (st == SIM_OK)
        st = require(r, in.c == 1 && in.capacity == -1, "n_assets",
                     "= 1 with queue_capacity -1 (an M/G/1 station)");
    if (st == SIM_OK)
        st = read_exp_life(r, &alpha);
    if (st == SIM_OK)
        st = require_no_age_pm(r);
    if (st == SIM_OK)
        st = company_int(r, "n_crews", &crews);
    /* Only the one serving asset fails, so any crew count >= 1 (or unlimited) never queues. */
    if (st == SIM_OK)
        st = require(r, crews != 0, "n_crews", "!= 0");
    if (st == SIM_OK)
        st = read_corrective(r, &er, &er2);
    if (st != SIM_OK)
        return st;
    double busy = NAN, down = NAN;
    double es = in.service.mean, es2 = sim_dist_second_moment(&in.service);
    sim_queue_result q =
        sim_analytic_mg1_breakdown(in.lambda, es, es2, alpha, er, er2, &busy, &down);
    static const queue_metric which[] = {QM_WQ, QM_W, QM_L};
    st = add_queue_metrics(r, &q, which, sizeof which / sizeof which[0]);
    if (st == SIM_OK)
        st = add_metric(r, "busy fraction", "utilization", 1.0, 0, busy);
    if (st == SIM_OK)
        st = add_metric(r, "down fraction (1 - A)", "availability", 1.0, 1, down);
    return st;
}

static sim_status setup_repairman(case_reader *r)
{
    double alpha = 0.0;
    int n = 0, crews = 0;
    sim_dist resp = {0}, rep = {0};
    sim_status st = require_failures(r, "calendar", 0);
    if (st == SIM_OK)
        st = require_no_orders(r);
    if (st == SIM_OK)
        st = read_exp_life(r, &alpha);
    if (st == SIM_OK)
        st = require_no_age_pm(r);
    if (st == SIM_OK)
        st = company_int(r, "n_assets", &n);
    if (st == SIM_OK)
        st = company_int(r, "n_crews", &crews);
    /* The finite-source queue is solved for exponential repairs with no response delay. */
    if (st == SIM_OK)
        st = company_dist(r, "repair_time", &rep);
    if (st == SIM_OK)
        st = require(r, rep.kind == SIM_DIST_EXP, "repair_time", "to be exponential");
    if (st == SIM_OK)
        st = company_dist(r, "crew_response", &resp);
    if (st == SIM_OK)
        st = require(r, resp.mean == 0.0, "crew_response", "to have mean_h 0");
    if (st != SIM_OK)
        return st;
    int repairers = crews < 0 ? n : crews;
    sim_repairman_result res = sim_analytic_repairman(n, alpha, 1.0 / rep.mean, repairers, NULL);
    st = add_metric(r, "availability", "availability", 1.0, 0, res.availability);
    if (st == SIM_OK && crews > 0)
        st = add_metric(r, "crew utilization", "crew_utilization", 1.0, 0, res.crew_utilization);
    if (st == SIM_OK)
        st = add_metric(r, "E[#down]", "mean_assets_down", 1.0, 0, res.mean_down);
    if (st == SIM_OK)
        st = add_metric(r, "failures (1/h)", "failure_rate", n / HOURS_PER_YEAR, 0,
                        res.failure_rate);
    return st;
}

/* Inputs of the renewal cases: Weibull life, PM downtime; assets never wait for a crew. */
typedef struct renewal_inputs {
    double eta, k, tp;
} renewal_inputs;

static sim_status read_renewal(const case_reader *r, renewal_inputs *in)
{
    int n = 0, crews = 0;
    sim_dist pm = {0};
    sim_status st = require_no_orders(r);
    if (st == SIM_OK)
        st = require_setting(r, "maintenance", "repair_mode", "perfect");
    if (st == SIM_OK)
        st = company_num(r, "weibull_scale_h", &in->eta);
    if (st == SIM_OK)
        st = company_num(r, "weibull_shape", &in->k);
    if (st == SIM_OK)
        st = company_int(r, "n_assets", &n);
    if (st == SIM_OK)
        st = company_int(r, "n_crews", &crews);
    if (st == SIM_OK)
        st = require(r, crews < 0 || crews >= n, "n_crews",
                     ">= n_assets or -1 (so no asset waits for a crew)");
    if (st == SIM_OK)
        st = company_dist(r, "pm_time", &pm);
    in->tp = pm.mean;
    return st;
}

static sim_status setup_agerepl(case_reader *r)
{
    renewal_inputs in;
    double T = 0.0, tf = 0.0, tf2 = 0.0;
    sim_status st = require_failures(r, "calendar", 0);
    if (st == SIM_OK)
        st = read_renewal(r, &in);
    if (st == SIM_OK)
        st = company_num(r, "non_twin_pm_age_h", &T);
    if (st == SIM_OK)
        st = read_corrective(r, &tf, &tf2);
    if (st != SIM_OK)
        return st;
    sim_agerepl_result a = sim_analytic_age_replacement(in.eta, in.k, T, tf, in.tp);
    st = add_metric(r, "availability", "availability", 1.0, 0, a.availability);
    if (st == SIM_OK)
        st = add_metric(r, "failures (1/h per asset)", "failure_rate", 1.0 / HOURS_PER_YEAR, 0,
                        a.failures_per_h);
    if (st == SIM_OK)
        st = add_metric(r, "PMs (1/h per asset)", "pm_rate", 1.0 / HOURS_PER_YEAR, 0, a.pm_per_h);
    return st;
}

static sim_status setup_perfect_twin(case_reader *r)
{
    renewal_inputs in;
    double f = 0.0, sref = 1.0, sirr = 1.0, share = 0.0;
    sim_status st = require_failures(r, "calendar", 1);
    if (st == SIM_OK)
        st = read_renewal(r, &in);
    if (st == SIM_OK)
        st = require_setting(r, "maintenance", "pm_policy", "fixed_fraction");
    if (st == SIM_OK)
        st = section_num(r, "maintenance", "pm_fixed_fraction", &f);
    if (st == SIM_OK)
        st = section_num(r, "prediction", "sigma_ref", &sref);
    if (st == SIM_OK)
        st = section_num(r, "prediction", "sigma_irreducible", &sirr);
    if (st == SIM_OK && (sref != 0.0 || sirr != 0.0))
        st = case_error(r, sim_cfg_peek(r->root, "prediction"),
                        "needs prediction.sigma_ref and sigma_irreducible 0 (a perfect twin)");
    if (st == SIM_OK)
        st = company_num(r, "twin_share", &share);
    if (st == SIM_OK)
        st = require(r, share == 1.0, "twin_share", "= 1 (every asset has a twin)");
    if (st != SIM_OK)
        return st;
    st = add_metric(r, "availability", "availability", 1.0, 0,
                    sim_analytic_perfect_twin_availability(in.eta, in.k, f, in.tp));
    if (st == SIM_OK)
        st =
            add_metric(r, "failures (1/h per asset)", "failure_rate", 1.0 / HOURS_PER_YEAR, 0, 0.0);
    return st;
}

typedef sim_status (*case_setup_fn)(case_reader *r);

static const struct case_def {
    const char *key, *id, *title;
    case_setup_fn setup;
} case_defs[] = {
    {"mm1", "V1", "M/M/1", setup_mm1},
    {"mmc", "V2", "M/M/c (Erlang C)", setup_mmc},
    {"mmck", "V3", "M/M/c/K", setup_mmck},
    {"mg1", "V4", "M/G/1 (Pollaczek-Khinchine)", setup_mg1},
    {"breakdown", "V5", "M/M/1 with breakdowns", setup_breakdown},
    {"repairman", "V6", "machine repairman", setup_repairman},
    {"agerepl", "V7", "age replacement", setup_agerepl},
    {"perfect_twin", "V7b", "perfect twin", setup_perfect_twin},
};

#define N_CASES (sizeof case_defs / sizeof case_defs[0])

size_t sim_verify_case_count(void)
{
    return N_CASES;
}

const char *sim_verify_case_key(size_t i)
{
    return i < N_CASES ? case_defs[i].key : NULL;
}

const char *sim_verify_case_id(size_t i)
{
    return i < N_CASES ? case_defs[i].id : NULL;
}

static const struct case_def *find_def(const char *name)
{
    for (size_t i = 0; name != NULL && i < N_CASES; i++) {
        if (strcmp(name, case_defs[i].key) == 0 || strcasecmp(name, case_defs[i].id) == 0)
            return &case_defs[i];
    }
    return NULL;
}

const char *sim_verify_find_case(const char *name)
{
    const struct case_def *d = find_def(name);
    return d != NULL ? d->key : NULL;
}

/* ---- opening a case ---- */

static void known_cases(char *buf, size_t size)
{
    buf[0] = '\0';
    for (size_t i = 0; i < N_CASES; i++) {
        strncat(buf, i ? ", " : "", size - strlen(buf) - 1);
        strncat(buf, case_defs[i].key, size - strlen(buf) - 1);
    }
}

static const struct case_def *scenario_case(const sim_scenario *sc, sim_error *err)
{
    const struct case_def *d = find_def(sc->validation_case);
    if (d != NULL)
        return d;
    char known[160];
    known_cases(known, sizeof known);
    if (sc->validation_case == NULL)
        sim_error_set(err, SIM_INVALID,
                      "%s: not a verification case (no validation.case; "
                      "known cases: %s)",
                      sc->path, known);
    else
        sim_error_set(err, SIM_INVALID,
                      "%s: validation.case \"%s\" is not a verification case "
                      "(known: %s)",
                      sc->path, sc->validation_case, known);
    return NULL;
}

/* Reopen with the quick horizon and replications (validation.quick_*; the scenario opener
 * has put them in the tree, with the full values as defaults). */
static sim_status reopen_quick(const char *path, sim_scenario **sc, sim_error *err)
{
    sim_overrides ov = SIM_OVERRIDES_NONE;
    const char *h = sim_cfg_scalar_text(sim_cfg_peek((*sc)->validation, "quick_horizon_h"));
    const char *n = sim_cfg_scalar_text(sim_cfg_peek((*sc)->validation, "quick_replications"));
    if (h != NULL)
        ov.horizon_h = strtod(h, NULL);
    if (n != NULL)
        ov.replications = (long long)strtod(n, NULL);
    sim_scenario_free(*sc);
    *sc = NULL;
    return sim_scenario_open(path, &ov, sc, err);
}

static void case_header(sim_verify_case *out, const struct case_def *d, const sim_scenario *sc,
                        int quick)
{
    memset(out, 0, sizeof *out);
    snprintf(out->id, sizeof out->id, "%s", d->id);
    snprintf(out->key, sizeof out->key, "%s", d->key);
    snprintf(out->name, sizeof out->name, "%s %s", d->id, d->title);
    snprintf(out->file, sizeof out->file, "%s", sc->path);
    out->quick = quick;
    out->replications = sc->replications;
    out->horizon_h = sc->settings.horizon_h;
    out->warmup_h = sc->settings.warmup_h;
    out->tolerance = quick ? SIM_VERIFY_TOL_QUICK : SIM_VERIFY_TOL_FULL;
    out->little_limit = quick ? SIM_VERIFY_LITTLE_QUICK : SIM_VERIFY_LITTLE_FULL;
    out->little_max_gap = NAN;
    out->little_pass = 1;
}

static sim_status setup_case(const struct case_def *d, const sim_scenario *sc, sim_verify_case *out,
                             sim_error *err)
{
    sim_cfg_node *root = sim_cfg_root(sc->cfg);
    case_reader r = {.sc = sc, .root = root, .out = out, .err = err};
    r.company = sim_cfg_at(sim_cfg_peek(root, "companies"), 0);
    if (r.company == NULL || sim_cfg_node_kind(r.company) != SIM_CFG_MAP)
        return case_error(&r, root, "needs a companies: list (company 0 is the case's)");
    if (sc->replications < 2)
        return case_error(&r, sim_cfg_peek(root, "simulation"),
                          "needs at least 2 replications for a confidence interval");
    sim_status st = d->setup(&r);
    if (st != SIM_OK)
        return st;
    double lambda = 0.0;
    st = company_num(&r, "arrival_rate_per_h", &lambda);
    out->has_little = lambda > 0.0;
    out->simul_level = 1.0 - SIM_VERIFY_FAMILY_ALPHA / (double)out->n_metrics;
    return st;
}

sim_status sim_verify_open(const char *path, int quick, sim_scenario **sc, sim_verify_case *out,
                           sim_error *err)
{
    sim_status st = sim_scenario_open(path, NULL, sc, err);
    if (st == SIM_OK && quick)
        st = reopen_quick(path, sc, err);
    if (st != SIM_OK)
        return st;
    const struct case_def *d = scenario_case(*sc, err);
    if (d == NULL)
        return SIM_INVALID;
    case_header(out, d, *sc, quick);
    return setup_case(d, *sc, out, err);
}

/* ---- running: a sink that keeps the case's values of company 0 ---- */

typedef struct collector {
    const sim_verify_case *c;
    size_t n_variants;
    size_t reps;
    int var[SIM_VERIFY_MAX_METRICS];
    int little_var;
    double *values; /* [metric][replication] */
    double *little; /* [replication] */
} collector;

static sim_status collector_put(void *ctx, size_t run, const sim_run_id *id, const sim_record *rec,
                                sim_error *err)
{
    (void)err;
    collector *k = ctx;
    if (run % k->n_variants != 0 || id->replication >= k->reps)
        return SIM_OK; /* the case is the scenario's first variant */
    size_t rep = (size_t)id->replication;
    for (size_t i = 0; i < k->c->n_metrics; i++) {
        const sim_verify_metric *m = &k->c->metric[i];
        double x = sim_record_cvalues(rec, (size_t)k->var[i])[0];
        k->values[i * k->reps + rep] = m->one_minus ? 1.0 - x : m->scale * x;
    }
    k->little[rep] = sim_record_cvalues(rec, (size_t)k->little_var)[0];
    return SIM_OK;
}

/* Index of a per-run or per-company variable; verification reads company 0. */
static sim_status find_var(const sim_catalog *cat, const char *name, int *out, sim_error *err)
{
    int v = sim_catalog_find(cat, name);
    if (v < 0)
        return sim_error_set(err, SIM_INTERNAL, "the model has no output variable \"%s\"", name);
    sim_shape shape = sim_catalog_var(cat, (size_t)v)->shape;
    if (shape != SIM_SHAPE_RUN && shape != SIM_SHAPE_ENTITY)
        return sim_error_set(err, SIM_INTERNAL,
                             "output variable \"%s\" is not per run or "
                             "per company",
                             name);
    if (shape == SIM_SHAPE_ENTITY && sim_catalog_n_entity(cat) == 0)
        return sim_error_set(err, SIM_INTERNAL, "the model has no companies");
    *out = v;
    return SIM_OK;
}

static sim_status collector_init(collector *k, const sim_scenario *sc, const sim_catalog *cat,
                                 const sim_verify_case *c, sim_error *err)
{
    memset(k, 0, sizeof *k);
    k->c = c;
    k->n_variants = sc->n_variants;
    k->reps = sc->replications;
    sim_status st = find_var(cat, "little_gap", &k->little_var, err);
    for (size_t i = 0; i < c->n_metrics && st == SIM_OK; i++)
        st = find_var(cat, c->metric[i].var, &k->var[i], err);
    if (st != SIM_OK)
        return st;
    k->values = malloc(c->n_metrics * k->reps * sizeof *k->values);
    k->little = malloc(k->reps * sizeof *k->little);
    if (k->values == NULL || k->little == NULL)
        return sim_error_set(err, SIM_NOMEM, "out of memory collecting %zu replications", k->reps);
    for (size_t i = 0; i < c->n_metrics * k->reps; i++)
        k->values[i] = NAN;
    for (size_t i = 0; i < k->reps; i++)
        k->little[i] = NAN;
    return SIM_OK;
}

static void collector_close(collector *k)
{
    free(k->values);
    free(k->little);
}

/* ---- statistics and verdicts ---- */

void sim_verify_judge_metric(sim_verify_metric *m, const double *x, size_t n, double simul_level,
                             double tol)
{
    m->mean = gsl_stats_mean(x, 1, n);
    m->sd = gsl_stats_sd_m(x, 1, n, m->mean);
    double hw = sim_analytic_t_halfwidth(m->sd, n, 0.95);
    double hs = sim_analytic_t_halfwidth(m->sd, n, simul_level);
    m->ci_lo = m->mean - hw;
    m->ci_hi = m->mean + hw;
    m->simul_lo = m->mean - hs;
    m->simul_hi = m->mean + hs;
    int close;
    if (m->analytic == 0.0) {
        m->rel_err = fabs(m->mean);
        close = m->rel_err < SIM_VERIFY_ZERO_ABS;
    } else {
        m->rel_err = fabs(m->mean - m->analytic) / fabs(m->analytic);
        close = m->rel_err < tol;
    }
    /* Written so that a NaN anywhere fails. */
    int covered = m->analytic >= m->simul_lo && m->analytic <= m->simul_hi;
    m->pass = covered && close;
}

static void judge_little(sim_verify_case *c, const double *gap, size_t n)
{
    if (!c->has_little)
        return;
    double worst = 0.0;
    for (size_t i = 0; i < n; i++)
        worst = isnan(gap[i]) || isnan(worst) ? NAN : fmax(worst, gap[i]);
    c->little_max_gap = worst;
    c->little_pass = worst <= c->little_limit;
}

static void judge_case(sim_verify_case *c, const collector *k)
{
    c->pass = 1;
    for (size_t i = 0; i < c->n_metrics; i++) {
        sim_verify_judge_metric(&c->metric[i], k->values + i * k->reps, k->reps, c->simul_level,
                                c->tolerance);
        c->pass = c->pass && c->metric[i].pass;
    }
    judge_little(c, k->little, k->reps);
    c->pass = c->pass && c->little_pass;
}

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

sim_status sim_verify_run(const sim_scenario *sc, sim_verify_case *c, sim_error *err)
{
    double t0 = wall_now();
    sim_catalog *cat = sim_runner_catalog(sc);
    if (cat == NULL)
        return sim_error_set(err, SIM_NOMEM, "out of memory describing the model's outputs");
    collector k;
    sim_status st = collector_init(&k, sc, cat, c, err);
    if (st == SIM_OK) {
        sim_sink sink = {.put = collector_put, .fail = NULL, .ctx = &k};
        sim_runner_stats stats = {0};
        st = sim_runner_run_all(sc, cat, &sink, &stats, err);
        c->events = stats.events;
    }
    if (st == SIM_OK)
        judge_case(c, &k);
    collector_close(&k);
    sim_catalog_free(cat);
    c->wall_s = wall_now() - t0;
    return st;
}

sim_status sim_verify_run_case(const char *path, int quick, sim_verify_case *out, sim_error *err)
{
    sim_scenario *sc = NULL;
    sim_status st = sim_verify_open(path, quick, &sc, out, err);
    if (st == SIM_OK)
        st = sim_verify_run(sc, out, err);
    sim_scenario_free(sc);
    return st;
}

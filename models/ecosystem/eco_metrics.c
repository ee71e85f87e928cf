/*
 * eco_metrics: statistics, sampling, warm-up and output of the ecosystem model (SPEC 7.14,
 * 8.1-8.4, 8.8; variable names and meanings are the contract of notes/METRICS.md).
 *
 * Every statistic is accumulated in O(1) per state change (sim_tw, sim_tally, sim_hist) and
 * restarted at WARMUP_END, so metrics cover [warmup_h, horizon_h]. SAMPLE buffers the
 * time-series rows in the run state (the record exists only in collect); collect closes the
 * time integrals at horizon_h and writes every variable the record's catalog has.
 *
 * The three variable lists below are the single source of the catalog's names, units, long
 * names and order, and of the indices collect writes through.
 */
#include <math.h>
#include <stdlib.h>

#include "eco_behaviour.h"
#include "eco_business.h"
#include "eco_run.h"

#define ECO_HOURS_PER_YEAR  8760.0
#define ECO_LT_HIST_LO      0.01
#define ECO_LT_HIST_HI      1e4
#define ECO_LT_HIST_BINS    200
#define ECO_SAMPLE_ROUNDING 1e-9 /* absorbs rounding in (horizon - warmup) / interval */

/* X(id, name, units, long name): per company, in the order of METRICS.md. */
#define ECO_ENTITY_VARS(X)                                                                         \
    X(UTILIZATION, "utilization", "1", "time-average busy assets per asset")                       \
    X(EFF_UTILIZATION, "effective_utilization", "1",                                               \
      "busy asset-hours per available (not down) asset-hour")                                      \
    X(AVAILABILITY, "availability", "1", "mean over assets of the fraction of time not down")      \
    X(MEAN_DOWN, "mean_assets_down", "1", "time-average number of assets down")                    \
    X(CREW_UTILIZATION, "crew_utilization", "1", "time-average busy crews per crew")               \
    X(DOWNTIME_CORR, "downtime_corrective", "h year-1",                                            \
      "unplanned downtime (waiting for and in corrective maintenance) per asset-year")             \
    X(DOWNTIME_PM, "downtime_pm", "h year-1",                                                      \
      "planned downtime (waiting for and in preventive maintenance) per asset-year")               \
    X(FAILURE_RATE, "failure_rate", "year-1", "failures per asset-year")                           \
    X(PM_RATE, "pm_rate", "year-1", "completed preventive maintenances per asset-year")            \
    X(USED_LIFE, "used_life_at_pm", "1", "mean fraction of the latent life used at PM")            \
    X(TWIN_FAILED, "twin_lives_failed_fraction", "1",                                              \
      "fraction of ended lives of twin_level-2 assets that ended in failure")                      \
    X(ARRIVAL_RATE, "arrival_rate", "h-1", "orders originating at the company per hour")           \
    X(THROUGHPUT, "throughput", "h-1", "orders originating at the company completed per hour")     \
    X(THROUGHPUT_PROC, "throughput_processed", "h-1",                                              \
      "orders completed on the company's assets per hour")                                         \
    X(LOST_FRACTION, "lost_fraction", "1", "fraction of arrivals lost to a full buffer")           \
    X(DELAY_PROB, "delay_probability", "1", "fraction of arrivals that could not start at once")   \
    X(LT_MEAN, "lead_time_mean", "h", "mean lead time of completed orders")                        \
    X(LT_SD, "lead_time_sd", "h", "standard deviation of the lead time")                           \
    X(LT_P50, "lead_time_p50", "h", "median lead time (log-binned histogram)")                     \
    X(LT_P90, "lead_time_p90", "h", "90th percentile of the lead time (log-binned histogram)")     \
    X(LT_P95, "lead_time_p95", "h", "95th percentile of the lead time (log-binned histogram)")     \
    X(WAIT_MEAN, "waiting_time_mean", "h", "mean time from arrival to first start of service")     \
    X(ON_TIME, "on_time_rate", "1", "fraction of completed orders finished by their due date")     \
    X(TARDINESS, "tardiness_mean", "h", "mean tardiness of completed orders")                      \
    X(IN_SYSTEM, "number_in_system_mean", "1",                                                     \
      "time-average number of the company's orders in system")                                     \
    X(QUEUE_MEAN, "queue_length_mean", "1", "time-average number of orders waiting in the queue")  \
    X(LITTLE_GAP, "little_gap", "1", "relative gap of Little's law L = X W")                       \
    X(COMPLETED, "orders_completed", "1", "orders originating at the company completed")           \
    X(FAILURES, "failures", "1", "asset failures")                                                 \
    X(PMS, "pms", "1", "completed preventive maintenances")                                        \
    X(RECORDS, "records", "1", "own life records at the end of the run")                           \
    X(SIGMA_MEAN, "sigma_mean", "1", "time-average prediction error of the company's twins")       \
    X(TWIN_TRUSTED, "twin_trusted_share", "1",                                                     \
      "time share in which the prediction error allows using the twins")                           \
    X(V_MARGIN, "value_order_margin", "EUR", "order margins net of tardiness penalties")           \
    X(V_CORRECTIVE, "value_corrective_cost", "EUR", "corrective maintenance costs")                \
    X(V_PM, "value_pm_cost", "EUR", "preventive maintenance costs")                                \
    X(V_DOWNTIME, "value_downtime_cost", "EUR", "planned and unplanned downtime costs")            \
    X(V_TOTAL, "value_total", "EUR", "value created by the company in the window")

#define ECO_RUN_VARS(X)                                                                            \
    X(V_ECOSYSTEM, "value_ecosystem", "EUR", "sum of the companies' values")                       \
    X(UTILIZATION_CV, "utilization_cv", "1",                                                       \
      "coefficient of variation of utilization over producing companies")                          \
    X(EVENTS, "events", "1", "events handled by the engine in the whole run")

/* Same order as the ECO_TS_* indices. */
#define ECO_TIME_ENTITY_VARS(X)                                                                    \
    X(TS_QUEUE, "ts_queue_length", "1", "orders waiting in the queue at the sample instant")       \
    X(TS_BUSY, "ts_busy_assets", "1", "busy assets at the sample instant")                         \
    X(TS_DOWN, "ts_down_assets", "1", "assets down at the sample instant")                         \
    X(TS_VALUE, "ts_value", "EUR", "cumulative value since warm-up at the sample instant")         \
    X(TS_RECORDS, "ts_records", "1", "own life records at the sample instant")                     \
    X(TS_SIGMA, "ts_sigma", "1", "prediction error of the company's twins at the sample instant")

#define ECO_EV_ENUM(id, name, units, long_name) EV_##id,
#define ECO_RV_ENUM(id, name, units, long_name) RV_##id,
#define ECO_TV_ENUM(id, name, units, long_name) TV_##id,
enum { ECO_ENTITY_VARS(ECO_EV_ENUM) EV_COUNT };
enum { ECO_RUN_VARS(ECO_RV_ENUM) RV_COUNT };
enum { ECO_TIME_ENTITY_VARS(ECO_TV_ENUM) TV_COUNT };
#undef ECO_EV_ENUM
#undef ECO_RV_ENUM
#undef ECO_TV_ENUM

#define ECO_VAR_ENTITY(id, name, units, long_name) {name, units, long_name, SIM_SHAPE_ENTITY},
#define ECO_VAR_RUN(id, name, units, long_name)    {name, units, long_name, SIM_SHAPE_RUN},
#define ECO_VAR_TE(id, name, units, long_name)     {name, units, long_name, SIM_SHAPE_TIME_ENTITY},
static const sim_var entity_vars[EV_COUNT] = {ECO_ENTITY_VARS(ECO_VAR_ENTITY)};
static const sim_var run_vars[RV_COUNT] = {ECO_RUN_VARS(ECO_VAR_RUN)};
static const sim_var time_entity_vars[TV_COUNT] = {ECO_TIME_ENTITY_VARS(ECO_VAR_TE)};
#undef ECO_VAR_ENTITY
#undef ECO_VAR_RUN
#undef ECO_VAR_TE

_Static_assert((int)TV_COUNT == (int)ECO_TS_COUNT, "time-series buffers and variables must match");

/* ---- sample instants ---- */

size_t eco_n_samples(const sim_settings *s)
{
    if (!(s->sample_interval_h > 0.0) || !(s->horizon_h >= s->warmup_h))
        return 1;
    return (size_t)floor((s->horizon_h - s->warmup_h) / s->sample_interval_h +
                         ECO_SAMPLE_ROUNDING) +
           1;
}

double eco_sample_time(const sim_settings *s, size_t k)
{
    double t = s->warmup_h + (double)k * s->sample_interval_h;
    return t < s->horizon_h ? t : s->horizon_h;
}

/* ---- statistics ---- */

static void stats_restart(eco_company_stats *st, double t)
{
    sim_tw *tws[] = {&st->busy,      &st->down,  &st->down_corr, &st->down_pm, &st->crews_busy,
                     &st->in_system, &st->queue, &st->sigma,     &st->trusted};
    for (size_t k = 0; k < sizeof tws / sizeof tws[0]; k++)
        sim_tw_reset(tws[k], t);
    sim_tally_reset(&st->lead_time);
    sim_tally_reset(&st->waiting);
    sim_tally_reset(&st->tardiness);
    sim_tally_reset(&st->used_life);
    sim_hist_reset(&st->lead_hist);
    st->arrivals = st->lost = st->delayed = st->completed = st->on_time = st->processed = 0;
    st->failures = st->pms = st->twin_failures = st->twin_pms = 0;
}

sim_status eco_metrics_init(eco_run *run, sim_error *err)
{
    double t = sim_engine_now(run->eng);
    for (uint32_t i = 0; i < run->n_companies; i++) {
        eco_company_stats *st = &run->co[i].st;
        sim_tw *zero[] = {&st->busy,       &st->down,      &st->down_corr, &st->down_pm,
                          &st->crews_busy, &st->in_system, &st->queue};
        for (size_t k = 0; k < sizeof zero / sizeof zero[0]; k++)
            sim_tw_init(zero[k], t, 0.0);
        sim_tw_init(&st->sigma, t, eco_company_sigma(run, i));
        sim_tw_init(&st->trusted, t, eco_company_twin_trusted(run, i) ? 1.0 : 0.0);
        if (sim_hist_init(&st->lead_hist, ECO_LT_HIST_LO, ECO_LT_HIST_HI, ECO_LT_HIST_BINS) !=
            SIM_OK)
            return sim_error_set(err, SIM_NOMEM, "ecosystem: cannot allocate histograms");
        stats_restart(st, t);
    }
    return SIM_OK;
}

void eco_metrics_close(eco_run *run)
{
    for (size_t i = 0; i < run->n_companies; i++)
        sim_hist_close(&run->co[i].st.lead_hist);
}

void eco_book(eco_run *run, uint32_t i, eco_ledger_cat cat, eco_ledger_tag tag, double eur)
{
    run->co[i].ledger[cat][tag] += eur;
}

static double ledger_sum(const eco_company *c, int first, int last)
{
    double v = 0.0;
    for (int k = first; k <= last; k++)
        v += c->ledger[k][ECO_INTRA] + c->ledger[k][ECO_INTER];
    return v;
}

static double company_value(const eco_company *c)
{
    return ledger_sum(c, 0, ECO_LEDGER_COUNT - 1);
}

/* sigma is reported only where it acts: twins on and at least one level-2 asset. */
static int sigma_reported(const eco_run *run, uint32_t i)
{
    return run->mech.twins && run->co[i].n_twin > 0;
}

sim_status eco_metrics_start(eco_run *run, sim_error *err)
{
    sim_status s = sim_engine_schedule(run->eng, eco_sample_time(&run->settings, 0),
                                       ECO_PRIO_SAMPLE, ECO_EV_SAMPLE, 0, 0, err);
    if (s != SIM_OK)
        return s;
    return sim_engine_schedule(run->eng, run->settings.warmup_h, ECO_PRIO_WARMUP_END,
                               ECO_EV_WARMUP_END, 0, 0, err);
}

/* ---- handlers ---- */

static double *sample_slot(eco_run *run, int var, size_t k, uint32_t i)
{
    return &run->samples[((size_t)var * run->n_time + k) * run->n_companies + i];
}

/* SAMPLE(k) fires before WARMUP_END at t_0 = warmup_h (priority 12 < 13): the value since
 * warm-up is 0 there by definition. */
sim_status eco_on_sample(eco_run *run, const sim_event *ev, sim_error *err)
{
    size_t k = ev->a;
    for (uint32_t i = 0; i < run->n_companies; i++) {
        eco_company *c = &run->co[i];
        *sample_slot(run, ECO_TS_QUEUE, k, i) = (double)c->queue.len;
        *sample_slot(run, ECO_TS_BUSY, k, i) = c->st.busy.value;
        *sample_slot(run, ECO_TS_DOWN, k, i) = c->st.down.value;
        *sample_slot(run, ECO_TS_VALUE, k, i) = run->warmup_done ? company_value(c) : 0.0;
        *sample_slot(run, ECO_TS_RECORDS, k, i) = c->records;
        *sample_slot(run, ECO_TS_SIGMA, k, i) =
            sigma_reported(run, i) ? eco_company_sigma(run, i) : NAN;
    }
    eco_behaviour_sample(run, k);
    eco_network_sample(run, k);
    if (k + 1 >= run->n_time)
        return SIM_OK;
    return sim_engine_schedule(run->eng, eco_sample_time(&run->settings, k + 1), ECO_PRIO_SAMPLE,
                               ECO_EV_SAMPLE, (uint32_t)(k + 1), 0, err);
}

sim_status eco_on_warmup_end(eco_run *run, const sim_event *ev, sim_error *err)
{
    double t = sim_engine_now(run->eng);
    (void)ev;
    (void)err;
    eco_business_warmup(run); /* first: it reads the down areas before they restart */
    for (uint32_t i = 0; i < run->n_companies; i++) {
        eco_company *c = &run->co[i];
        stats_restart(&c->st, t);
        for (int k = 0; k < ECO_LEDGER_COUNT; k++)
            c->ledger[k][ECO_INTRA] = c->ledger[k][ECO_INTER] = 0.0;
    }
    eco_behaviour_warmup(run);
    run->warmup_done = 1;
    return SIM_OK;
}

/* ---- catalog ---- */

static int add_vars(sim_catalog *cat, const sim_var *vars, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        if (sim_catalog_add(cat, &vars[k]) < 0)
            return -1;
    }
    return 0;
}

sim_catalog *eco_describe(const void *params, const sim_settings *settings)
{
    const eco_params *par = params;
    size_t n_time = eco_n_samples(settings);
    sim_catalog *cat = sim_catalog_alloc("company", par->n_companies, n_time);
    double *t = malloc(n_time * sizeof *t);
    int ok = cat != NULL && t != NULL;
    for (size_t i = 0; ok && i < par->n_companies; i++)
        ok = sim_catalog_set_entity_name(cat, i, par->companies[i].name) == SIM_OK;
    if (ok) {
        for (size_t k = 0; k < n_time; k++)
            t[k] = eco_sample_time(settings, k);
        sim_catalog_set_time(cat, t);
        ok = add_vars(cat, entity_vars, EV_COUNT) == 0 && add_vars(cat, run_vars, RV_COUNT) == 0 &&
             add_vars(cat, time_entity_vars, TV_COUNT) == 0 && eco_behaviour_describe(cat) == 0;
    }
    ok = ok && eco_population_describe(cat) == 0 && eco_pair_describe(cat) == 0 &&
         eco_network_describe(cat) == 0;
    ok = ok && eco_business_describe(cat) == 0;
    free(t);
    if (!ok) {
        sim_catalog_free(cat);
        return NULL;
    }
    return cat;
}

/* ---- collect ---- */

static double ratio(double num, double den)
{
    return den > 0.0 ? num / den : NAN;
}

static void asset_metrics(const eco_company *c, double t_end, double tau, double *m)
{
    const eco_company_stats *st = &c->st;
    double n = c->n_assets, busy = sim_tw_mean(&st->busy, t_end);
    double down = sim_tw_mean(&st->down, t_end), asset_years = n * tau / ECO_HOURS_PER_YEAR;
    m[EV_UTILIZATION] = ratio(busy, n);
    m[EV_EFF_UTILIZATION] = ratio(busy, n - down);
    m[EV_AVAILABILITY] = n > 0 ? 1.0 - down / n : NAN;
    m[EV_MEAN_DOWN] = down;
    m[EV_CREW_UTILIZATION] = ratio(sim_tw_mean(&st->crews_busy, t_end), c->n_crews);
    m[EV_DOWNTIME_CORR] = ratio(sim_tw_area(&st->down_corr, t_end), asset_years);
    m[EV_DOWNTIME_PM] = ratio(sim_tw_area(&st->down_pm, t_end), asset_years);
    m[EV_FAILURE_RATE] = ratio((double)st->failures, asset_years);
    m[EV_PM_RATE] = ratio((double)st->pms, asset_years);
    m[EV_USED_LIFE] = sim_tally_mean(&st->used_life);
    m[EV_TWIN_FAILED] =
        ratio((double)st->twin_failures, (double)(st->twin_failures + st->twin_pms));
    m[EV_FAILURES] = (double)st->failures;
    m[EV_PMS] = (double)st->pms;
}

static void order_metrics(const eco_company *c, double t_end, double tau, double *m)
{
    const eco_company_stats *st = &c->st;
    double arrivals = (double)st->arrivals;
    m[EV_ARRIVAL_RATE] = arrivals / tau;
    m[EV_THROUGHPUT] = (double)st->completed / tau;
    m[EV_THROUGHPUT_PROC] = (double)st->processed / tau;
    m[EV_LOST_FRACTION] = ratio((double)st->lost, arrivals);
    m[EV_DELAY_PROB] = ratio((double)st->delayed, arrivals);
    m[EV_LT_MEAN] = sim_tally_mean(&st->lead_time);
    m[EV_LT_SD] = sim_tally_sd(&st->lead_time);
    m[EV_LT_P50] = sim_hist_quantile(&st->lead_hist, 0.50);
    m[EV_LT_P90] = sim_hist_quantile(&st->lead_hist, 0.90);
    m[EV_LT_P95] = sim_hist_quantile(&st->lead_hist, 0.95);
    m[EV_WAIT_MEAN] = sim_tally_mean(&st->waiting);
    m[EV_ON_TIME] = ratio((double)st->on_time, (double)st->completed);
    m[EV_TARDINESS] = sim_tally_mean(&st->tardiness);
    m[EV_IN_SYSTEM] = sim_tw_mean(&st->in_system, t_end);
    m[EV_QUEUE_MEAN] = sim_tw_mean(&st->queue, t_end);
    double little = m[EV_IN_SYSTEM];
    m[EV_LITTLE_GAP] = ratio(fabs(little - m[EV_THROUGHPUT] * m[EV_LT_MEAN]), little);
    m[EV_COMPLETED] = (double)st->completed;
}

static void value_metrics(const eco_company *c, double *m)
{
    m[EV_V_MARGIN] = ledger_sum(c, ECO_LEDGER_ORDER_MARGIN, ECO_LEDGER_ORDER_MARGIN);
    m[EV_V_CORRECTIVE] = ledger_sum(c, ECO_LEDGER_CORRECTIVE_COST, ECO_LEDGER_CORRECTIVE_COST);
    m[EV_V_PM] = ledger_sum(c, ECO_LEDGER_PM_COST, ECO_LEDGER_PM_COST);
    m[EV_V_DOWNTIME] = ledger_sum(c, ECO_LEDGER_DOWNTIME_COST, ECO_LEDGER_DOWNTIME_COST);
    m[EV_V_TOTAL] = company_value(c);
}

static void company_metrics(eco_run *run, uint32_t i, double *m)
{
    const eco_company *c = &run->co[i];
    double t_end = run->settings.horizon_h, tau = t_end - run->settings.warmup_h;
    asset_metrics(c, t_end, tau, m);
    order_metrics(c, t_end, tau, m);
    value_metrics(c, m);
    m[EV_RECORDS] = c->records;
    int twins = sigma_reported(run, i);
    m[EV_SIGMA_MEAN] = twins ? sim_tw_mean(&c->st.sigma, t_end) : NAN;
    m[EV_TWIN_TRUSTED] = twins ? sim_tw_mean(&c->st.trusted, t_end) : NAN;
}

/* Where the record holds each variable of a list, or NULL where its catalog lacks the
 * variable or gives it another size (then it is not written). */
static void find_vars(sim_record *rec, const sim_var *vars, size_t n, size_t size, double **out)
{
    const sim_catalog *cat = sim_record_catalog(rec);
    for (size_t k = 0; k < n; k++) {
        int idx = sim_catalog_find(cat, vars[k].name);
        out[k] = NULL;
        if (idx >= 0 && sim_catalog_var_size(cat, (size_t)idx) == size)
            out[k] = sim_record_values(rec, (size_t)idx);
    }
}

/* CV over producing companies (assets and orders), population sd: they are all the
 * companies, not a sample of them. */
static double utilization_cv(const eco_run *run, const double *util)
{
    double sum = 0.0, sum2 = 0.0;
    size_t n = 0;
    for (size_t i = 0; i < run->n_companies; i++) {
        const eco_company_params *cp = run->co[i].par;
        if (cp->n_assets <= 0 || !(cp->arrival_rate_per_h > 0.0))
            continue;
        sum += util[i];
        sum2 += util[i] * util[i];
        n++;
    }
    if (n < 2)
        return NAN;
    double mean = sum / (double)n, var = sum2 / (double)n - mean * mean;
    return ratio(sqrt(var > 0.0 ? var : 0.0), mean);
}

static void write_entity(eco_run *run, sim_record *rec, double *util, double *v_eco)
{
    double *out[EV_COUNT];
    double m[EV_COUNT];
    find_vars(rec, entity_vars, EV_COUNT, run->n_companies, out);
    *v_eco = 0.0;
    for (uint32_t i = 0; i < run->n_companies; i++) {
        company_metrics(run, i, m);
        for (int v = 0; v < EV_COUNT; v++) {
            if (out[v] != NULL)
                out[v][i] = m[v];
        }
        util[i] = m[EV_UTILIZATION];
        *v_eco += m[EV_V_TOTAL];
    }
}

static void write_run(sim_record *rec, const double *m)
{
    double *out[RV_COUNT];
    find_vars(rec, run_vars, RV_COUNT, 1, out);
    for (int v = 0; v < RV_COUNT; v++) {
        if (out[v] != NULL)
            out[v][0] = m[v];
    }
}

static void write_time_entity(const eco_run *run, sim_record *rec)
{
    double *out[TV_COUNT];
    size_t n = run->n_time * run->n_companies;
    find_vars(rec, time_entity_vars, TV_COUNT, n, out);
    for (int v = 0; v < TV_COUNT; v++) {
        for (size_t k = 0; out[v] != NULL && k < n; k++)
            out[v][k] = run->samples[(size_t)v * n + k];
    }
}

sim_status eco_collect(void *state, sim_engine *eng, sim_record *rec, sim_error *err)
{
    eco_run *run = state;
    const sim_catalog *cat = sim_record_catalog(rec);
    if (sim_catalog_n_entity(cat) != run->n_companies || sim_catalog_n_time(cat) != run->n_time)
        return sim_error_set(err, SIM_INTERNAL,
                             "ecosystem: the record does not match the run (%zu companies, "
                             "%zu samples expected)",
                             run->n_companies, run->n_time);
    double *util = malloc((run->n_companies ? run->n_companies : 1) * sizeof *util);
    if (util == NULL)
        return sim_error_set(err, SIM_NOMEM, "ecosystem: out of memory in collect");
    double m[RV_COUNT];
    write_entity(run, rec, util, &m[RV_V_ECOSYSTEM]);
    m[RV_UTILIZATION_CV] = utilization_cv(run, util);
    m[RV_EVENTS] = (double)sim_engine_events_handled(eng);
    write_run(rec, m);
    write_time_entity(run, rec);
    eco_behaviour_collect(run, rec);
    eco_population_collect(run, rec);
    eco_network_collect(run, rec);
    free(util);
    return eco_business_collect(run, rec, err);
}

/*
 * eco_ops: the operations layer of the ecosystem model (SPEC 7.2-7.6).
 *
 * Each producing company is a multi-server FCFS station: idle assets are taken in index
 * order from a min-heap, orders wait in a FIFO ring with an optional finite buffer. Assets
 * age on the busy or the calendar clock (the clock stops while an asset is down), fail at
 * the end of a Weibull life and keep a suspended job attached (preemptive-resume). Crews of
 * the asset owner serve corrective and preventive jobs; durations are drawn from the asset's
 * own stream when a crew starts. PM comes from age or from the twin's predicted life, whose
 * error sigma follows the company's learning curve in its own records.
 *
 * Cancellation uses the three engine timers of each asset (job end, failure, PM due); a
 * handler never scans the event list, and no handler allocates except when the order pool
 * or a queue is exhausted and doubles.
 */
#include <math.h>

#include <gsl/gsl_cdf.h>

#include "eco_behaviour.h"
#include "eco_business.h"
#include "eco_run.h"
#include "sim_dist.h"
#include "sim_rng.h"

#define ECO_K_ANALYTICS 1 /* index of the analytics domain in the knowledge vector */

static double now(const eco_run *run)
{
    return sim_engine_now(run->eng);
}

static uint32_t timer_of(uint32_t a, unsigned which)
{
    return ECO_TIMERS_PER_ASSET * a + which;
}

static int calendar(const eco_run *run)
{
    return run->par->maintenance.aging_clock == ECO_AGING_CALENDAR;
}

static sim_status bug(sim_error *err, const char *what, uint32_t a)
{
    return sim_error_set(err, SIM_INTERNAL, "ecosystem: %s (asset %u)", what, (unsigned)a);
}

/* Arm one of asset a's timers. An instant after the end of the run is never handled, so no
 * event is pushed for it: the engine voids a re-armed or cancelled event lazily, and a void
 * event far in the future would stay in the event list until the end of the run. */
static sim_status arm(eco_run *run, uint32_t a, unsigned which, double t, unsigned prio,
                      eco_event_kind kind, sim_error *err)
{
    uint32_t timer = timer_of(a, which);
    if (t > sim_engine_end_time(run->eng)) {
        sim_engine_timer_cancel(run->eng, timer);
        return SIM_OK;
    }
    return sim_engine_timer_set(run->eng, timer, t, prio, (uint16_t)kind, a, 0, err);
}

/* ---- aging clock and asset state ---- */

/* The aging clock runs while the asset is busy (busy clock) or up (calendar clock). A down
 * asset does not age, so minimal repair leaves the age unchanged and a renewal starts the
 * next life when the asset comes back. */
static int clock_runs(const eco_run *run, int state)
{
    return state == ECO_ASSET_BUSY || (state == ECO_ASSET_IDLE && calendar(run));
}

double eco_asset_age(const eco_run *run, uint32_t a)
{
    const eco_asset *as = &run->as[a];
    if (!clock_runs(run, as->state))
        return as->age;
    return as->age + (now(run) - as->age_since);
}

static int is_corrective(int s)
{
    return s == ECO_ASSET_DOWN_WAIT_CORR || s == ECO_ASSET_DOWN_CORR;
}

static int is_planned(int s)
{
    return s == ECO_ASSET_DOWN_WAIT_PM || s == ECO_ASSET_DOWN_PM;
}

/* Add sign to every company count that state s belongs to. */
static void count_state(eco_company_stats *st, int s, double t, double sign)
{
    if (s == ECO_ASSET_BUSY)
        sim_tw_add(&st->busy, t, sign);
    if (is_corrective(s) || is_planned(s))
        sim_tw_add(&st->down, t, sign);
    if (is_corrective(s))
        sim_tw_add(&st->down_corr, t, sign);
    if (is_planned(s))
        sim_tw_add(&st->down_pm, t, sign);
}

static void asset_set_state(eco_run *run, uint32_t a, int state)
{
    eco_asset *as = &run->as[a];
    double t = now(run);
    int was = clock_runs(run, as->state), will = clock_runs(run, state);
    if (was && !will)
        as->age += t - as->age_since;
    else if (!was && will)
        as->age_since = t;
    eco_company_stats *st = &run->co[as->owner].st;
    count_state(st, as->state, t, -1.0);
    count_state(st, state, t, 1.0);
    as->state = state;
}

/* ---- idle assets: a min-heap of indices per company, with lazy deletion ---- */

static void idle_push(eco_company *c, uint32_t a)
{
    size_t k = c->n_idle++;
    while (k > 0 && c->idle[(k - 1) / 2] > a) {
        c->idle[k] = c->idle[(k - 1) / 2];
        k = (k - 1) / 2;
    }
    c->idle[k] = a;
}

static uint32_t idle_pop(eco_company *c)
{
    uint32_t top = c->idle[0], last = c->idle[--c->n_idle];
    size_t k = 0, n = c->n_idle;
    for (;;) {
        size_t m = 2 * k + 1;
        if (m >= n)
            break;
        if (m + 1 < n && c->idle[m + 1] < c->idle[m])
            m++;
        if (c->idle[m] >= last)
            break;
        c->idle[k] = c->idle[m];
        k = m;
    }
    if (n > 0)
        c->idle[k] = last;
    return top;
}

static void asset_make_idle(eco_run *run, uint32_t a)
{
    eco_asset *as = &run->as[a];
    asset_set_state(run, a, ECO_ASSET_IDLE);
    if (!as->in_idle) {
        as->in_idle = 1;
        idle_push(&run->co[as->owner], a);
    }
}

/* The lowest-index idle asset of c, removed from the heap, or ECO_NONE. Entries of assets
 * that left IDLE since they were pushed are dropped here. */
static uint32_t idle_take(eco_run *run, eco_company *c)
{
    while (c->n_idle > 0) {
        uint32_t a = idle_pop(c);
        run->as[a].in_idle = 0;
        if (run->as[a].state == ECO_ASSET_IDLE)
            return a;
    }
    return ECO_NONE;
}

/* ---- twin prediction and the PM decision (SPEC 7.6) ---- */

double eco_sigma_curve(const eco_prediction *p, double d_eff, double k_an)
{
    double scale = p->sigma_ref * exp(-p->analytics_knowledge_gain * k_an);
    double learn = 0.0;
    if (scale > 0.0)
        learn = scale * pow((d_eff + p->prior_records) / p->data_ref_records, -p->data_exponent);
    double s = p->sigma_irreducible + learn;
    return s < p->sigma_max ? s : p->sigma_max;
}

/* Accessible data D_eff (own, fleet and pool records) and analytics knowledge come from the
 * sharing side (eco_behaviour.h); the cache is refreshed when marked dirty. */
double eco_company_sigma(eco_run *run, uint32_t p)
{
    eco_company *c = &run->co[p];
    if (c->sigma_dirty) {
        c->sigma = eco_sigma_curve(&run->par->prediction, eco_deff(run, p),
                                   eco_knowledge(run, p, ECO_K_ANALYTICS));
        c->sigma_dirty = 0;
    }
    return c->sigma;
}

int eco_company_twin_trusted(eco_run *run, uint32_t i)
{
    return run->mech.twins && eco_company_sigma(run, i) <= run->par->maintenance.twin_sigma_use_max;
}

/* PM threshold on the aging clock; INFINITY when the asset is run to failure. */
static double pm_threshold(eco_run *run, uint32_t a)
{
    const eco_asset *as = &run->as[a];
    if (!run->mech.failures)
        return INFINITY;
    uint32_t src = eco_sigma_source(run, as->owner); /* the PdM provider, if any */
    if (as->twin_level == 2 && eco_company_twin_trusted(run, src)) {
        const eco_maintenance *m = &run->par->maintenance;
        double s = eco_company_sigma(run, src);
        if (m->pm_policy == ECO_PM_RISK_QUANTILE)
            return as->life * exp(s * (as->z - run->par->z_q));
        return m->pm_fixed_fraction * as->life * exp(s * as->z);
    }
    double age = run->co[as->owner].par->non_twin_pm_age_h;
    return age > 0.0 ? age : INFINITY;
}

/* Whether the instant `residual` aging hours ahead can no longer be told from now: the
 * clock has reached it. Comparing instants rather than ages means a timer re-armed because
 * it fired early always moves forward, so rounding cannot make it fire at the same instant
 * forever. */
static int reached(const eco_run *run, double residual)
{
    double t = now(run);
    return t + residual <= t;
}

static int pm_due(eco_run *run, uint32_t a)
{
    return reached(run, pm_threshold(run, a) - eco_asset_age(run, a));
}

/* Instant at which the asset, if its clock keeps running, reaches the PM threshold. */
static double pm_instant(eco_run *run, uint32_t a)
{
    double wait = pm_threshold(run, a) - eco_asset_age(run, a);
    return now(run) + (wait > 0.0 ? wait : 0.0);
}

/* Calendar clock: arm the PM_DUE timer at the instant the age reaches the threshold (now if
 * it already has); no timer when the asset runs to failure. */
static sim_status arm_pm_timer(eco_run *run, uint32_t a, sim_error *err)
{
    return arm(run, a, ECO_TIMER_PM, pm_instant(run, a), ECO_PRIO_PM_DUE, ECO_EV_PM_DUE, err);
}

static sim_status arm_failure_timer(eco_run *run, uint32_t a, sim_error *err)
{
    double left = run->as[a].life - eco_asset_age(run, a);
    return arm(run, a, ECO_TIMER_FAILURE, now(run) + (left > 0.0 ? left : 0.0), ECO_PRIO_FAILURE,
               ECO_EV_FAILURE, err);
}

/* The sigma driving company p's twins changed: under the calendar clock the PM instants of
 * its up twin assets move. A PM timer may fire early (PM_DUE then re-checks and re-arms),
 * never late, so only assets whose PM instant moved earlier are re-armed; the others keep
 * their timer. The cost is the company's asset count, paid at sigma changes only, and few new
 * events enter the event list; down assets are re-armed at renewal. Twin adoption upgrades
 * any asset, so level-2 assets are found by their level. */
sim_status eco_rearm_twins(eco_run *run, uint32_t p, sim_error *err)
{
    const eco_company *c = &run->co[p];
    if (!calendar(run) || !run->mech.failures || !run->mech.twins || c->n_twin == 0)
        return SIM_OK;
    for (uint32_t a = c->first_asset; a < c->first_asset + c->n_assets; a++) {
        int s = run->as[a].state;
        if (run->as[a].twin_level != 2 || (s != ECO_ASSET_IDLE && s != ECO_ASSET_BUSY))
            continue;
        double t = pm_instant(run, a);
        if (!(t < sim_engine_timer_time(run->eng, timer_of(a, ECO_TIMER_PM))))
            continue;
        sim_status st = arm(run, a, ECO_TIMER_PM, t, ECO_PRIO_PM_DUE, ECO_EV_PM_DUE, err);
        if (st != SIM_OK)
            return st;
    }
    return SIM_OK;
}

/* Recompute sigma_p; when it changed, update its statistics and re-arm the PM timers of the
 * twins it drives: p's own (unless a PdM provider drives them) and its PdM clients'. */
sim_status eco_sigma_update(eco_run *run, uint32_t p, sim_error *err)
{
    eco_company *c = &run->co[p];
    double before = c->st.sigma.value; /* the value last reported, even if read since */
    c->sigma_dirty = 1;
    double after = eco_company_sigma(run, p);
    if (after == before)
        return SIM_OK;
    double t = now(run);
    sim_tw_set(&c->st.sigma, t, after);
    sim_tw_set(&c->st.trusted, t, eco_company_twin_trusted(run, p) ? 1.0 : 0.0);
    sim_status s = c->pdm_provider == ECO_NONE ? eco_rearm_twins(run, p, err) : SIM_OK;
    for (uint32_t k = c->pdm_first_client; k != ECO_NONE && s == SIM_OK;
         k = run->co[k].pdm_next_client)
        s = eco_rearm_twins(run, k, err);
    return s;
}

/* Records go through the sharing side (pool, fleet and internal learning); then the sigma of
 * the owner and of its PdM provider are refreshed. */
static sim_status records_add(eco_run *run, uint32_t p, double weight, sim_error *err)
{
    if (weight == 0.0)
        return SIM_OK;
    eco_add_records(run, p, weight);
    sim_status s = eco_sigma_update(run, p, err);
    uint32_t provider = run->co[p].pdm_provider;
    if (s == SIM_OK && provider != ECO_NONE)
        s = eco_sigma_update(run, provider, err);
    return s;
}

/* ---- lives ---- */

static void new_life(eco_run *run, uint32_t a)
{
    eco_asset *as = &run->as[a];
    const eco_company_params *cp = run->co[as->owner].par;
    as->age = 0.0;
    as->life = sim_dist_weibull(eco_rng_life(run, a), cp->weibull_scale_h, cp->weibull_shape);
    as->z = gsl_cdf_ugaussian_Pinv(sim_rng_uniform_pos(eco_rng_pred(run, a)));
}

/* Minimal repair: the residual life comes from the Weibull conditioned on the current age,
 * L = eta ((age/eta)^k - ln U)^(1/k); the prediction noise is redrawn. */
static void minimal_repair(eco_run *run, uint32_t a)
{
    eco_asset *as = &run->as[a];
    const eco_company_params *cp = run->co[as->owner].par;
    double eta = cp->weibull_scale_h, k = cp->weibull_shape;
    double u = sim_rng_uniform_pos(eco_rng_life(run, a));
    as->life = eta * pow(pow(as->age / eta, k) - log(u), 1.0 / k);
    as->z = gsl_cdf_ugaussian_Pinv(sim_rng_uniform_pos(eco_rng_pred(run, a)));
}

/* ---- jobs ---- */

static sim_status start_job(eco_run *run, uint32_t a, uint32_t o, sim_error *err)
{
    eco_asset *as = &run->as[a];
    eco_order *ord = &run->orders.v[o];
    double t = now(run);
    as->job = o;
    ord->processor = as->owner;
    if (!ord->started) {
        ord->started = 1;
        sim_tally_add(&run->co[ord->origin].st.waiting, t - ord->t_arr);
    }
    asset_set_state(run, a, ECO_ASSET_BUSY);
    as->busy_since = t;
    sim_status s = arm(run, a, ECO_TIMER_JOB, t + ord->remaining, ECO_PRIO_JOB_COMPLETE,
                       ECO_EV_JOB_COMPLETE, err);
    /* Busy clock: a failure timer still armed from an earlier job fires no later than the
     * failure (the asset aged at most as fast as the clock since) and is re-checked then. */
    uint32_t fail = timer_of(a, ECO_TIMER_FAILURE);
    if (s == SIM_OK && run->mech.failures && !calendar(run) &&
        !sim_engine_timer_pending(run->eng, fail))
        s = arm_failure_timer(run, a, err);
    return s;
}

static sim_status enqueue(eco_run *run, eco_company *c, uint32_t o, sim_error *err)
{
    sim_status s = eco_ring_push(&c->queue, o, err);
    if (s == SIM_OK)
        sim_tw_add(&c->st.queue, now(run), 1.0);
    return s;
}

static uint32_t dequeue(eco_run *run, eco_company *c)
{
    uint32_t o = eco_ring_pop(&c->queue);
    if (o != ECO_NONE)
        sim_tw_add(&c->st.queue, now(run), -1.0);
    return o;
}

/* Statistics and value of a finished order, at its origin (SPEC 7.3 step 2, 8.3-8.4). */
static void finish_order(eco_run *run, uint32_t o)
{
    const eco_order *ord = &run->orders.v[o];
    eco_company *org = &run->co[ord->origin];
    const eco_company_params *cp = org->par;
    double t = now(run), lead = t - ord->t_arr;
    double tardiness = t > ord->due ? t - ord->due : 0.0;
    sim_tally_add(&org->st.lead_time, lead);
    sim_hist_add(&org->st.lead_hist, lead);
    sim_tally_add(&org->st.tardiness, tardiness);
    org->st.completed++;
    if (lead <= cp->due_allowance_h)
        org->st.on_time++;
    run->co[ord->processor].st.processed++;
    eco_book(run, ord->origin, ECO_LEDGER_ORDER_MARGIN, ECO_INTRA,
             cp->order_margin_eur - cp->tardiness_penalty_eur_per_h * tardiness);
    sim_tw_add(&org->st.in_system, t, -1.0);
    if (ord->processor != ord->origin)
        eco_overflow_complete(run, o); /* fees and delivery trust (SPEC 7.3) */
    eco_order_release(run, o);
}

/* ---- maintenance (SPEC 7.5) ---- */

/* A crew of the asset's crew owner starts: draw the duration from the asset's stream. */
static sim_status crew_start(eco_run *run, uint32_t a, sim_error *err)
{
    eco_asset *as = &run->as[a];
    eco_company *p = &run->co[as->crew_owner];
    gsl_rng *r = eco_rng_mnt(run, a);
    double t = now(run), d;
    int corrective = as->state == ECO_ASSET_DOWN_WAIT_CORR;
    p->crews_busy++;
    sim_tw_add(&p->st.crews_busy, t, 1.0);
    if (corrective) {
        d = sim_dist_draw(&p->par->crew_response, r);
        /* response time for a maintenance contract's SLA: waiting for a crew plus travel */
        eco_contract_note_response(run, as->owner, as->crew_owner, t - as->down_since + d);
        d += sim_dist_draw(&p->par->repair_time, r); /* drawn second: keep the order */
    } else {
        d = sim_dist_draw(&p->par->pm_time, r);
    }
    asset_set_state(run, a, corrective ? ECO_ASSET_DOWN_CORR : ECO_ASSET_DOWN_PM);
    return sim_engine_schedule(run->eng, t + d, ECO_PRIO_MAINT_COMPLETE, ECO_EV_MAINT_COMPLETE, a,
                               0, err);
}

static sim_status request_maintenance(eco_run *run, uint32_t a, eco_maint_kind kind, sim_error *err)
{
    eco_asset *as = &run->as[a];
    sim_engine_timer_cancel(run->eng, timer_of(a, ECO_TIMER_FAILURE));
    sim_engine_timer_cancel(run->eng, timer_of(a, ECO_TIMER_PM));
    as->pm_pending = 0;
    asset_set_state(run, a,
                    kind == ECO_MAINT_CORR ? ECO_ASSET_DOWN_WAIT_CORR : ECO_ASSET_DOWN_WAIT_PM);
    as->down_since = now(run);
    as->crew_owner = eco_maint_provider(run, as->owner); /* a maintenance contract's provider */
    eco_company *p = &run->co[as->crew_owner];
    if (p->n_crews < 0 || p->crews_busy < p->n_crews)
        return crew_start(run, a, err);
    int lane =
        kind == ECO_MAINT_PM && run->par->maintenance.crew_priority == ECO_CREW_CORRECTIVE_FIRST;
    return eco_ring_push(&p->crew_queue[lane], a, err);
}

static sim_status crew_next(eco_run *run, eco_company *p, sim_error *err)
{
    uint32_t a = eco_ring_pop(&p->crew_queue[0]);
    if (a == ECO_NONE)
        a = eco_ring_pop(&p->crew_queue[1]);
    return a == ECO_NONE ? SIM_OK : crew_start(run, a, err);
}

/* The asset has no job and is up or coming up: PM if due, else the head of the owner's
 * queue, else an order pulled from a partner's queue, else idle (SPEC 7.3 step 3). */
static sim_status asset_free(eco_run *run, uint32_t a, sim_error *err)
{
    eco_asset *as = &run->as[a];
    if (as->pm_pending || pm_due(run, a))
        return request_maintenance(run, a, ECO_MAINT_PM, err);
    uint32_t o = dequeue(run, &run->co[as->owner]);
    if (o == ECO_NONE)
        o = eco_overflow_pull(run, as->owner);
    if (o != ECO_NONE)
        return start_job(run, a, o, err);
    asset_make_idle(run, a);
    return SIM_OK;
}

/* Idle assets of c in index order: PM-due ones go to maintenance; the first other one is
 * returned in *out (ECO_NONE when there is none). */
static sim_status take_asset(eco_run *run, eco_company *c, uint32_t *out, sim_error *err)
{
    for (;;) {
        uint32_t a = idle_take(run, c);
        if (a == ECO_NONE || !pm_due(run, a)) {
            *out = a;
            return SIM_OK;
        }
        sim_status s = request_maintenance(run, a, ECO_MAINT_PM, err);
        if (s != SIM_OK)
            return s;
    }
}

sim_status eco_ops_take_asset(eco_run *run, uint32_t i, uint32_t *asset, sim_error *err)
{
    return take_asset(run, &run->co[i], asset, err);
}

uint32_t eco_ops_dequeue(eco_run *run, uint32_t i)
{
    return dequeue(run, &run->co[i]);
}

static void book_downtime(eco_run *run, uint32_t a, int corrective)
{
    const eco_maintenance *m = &run->par->maintenance;
    uint32_t i = run->as[a].owner;
    double dt = now(run) - run->as[a].down_since;
    if (corrective) {
        eco_book(run, i, ECO_LEDGER_DOWNTIME_COST, ECO_INTRA, -m->downtime_cost_eur_per_h * dt);
        return;
    }
    eco_book(run, i, ECO_LEDGER_PM_COST, ECO_INTRA, -m->cost_pm_eur);
    eco_book(run, i, ECO_LEDGER_DOWNTIME_COST, ECO_INTRA, -m->planned_downtime_cost_eur_per_h * dt);
}

/* SPEC 7.5 step 3: PM always renews and adds a censored record; corrective maintenance
 * renews or repairs minimally. */
static sim_status renew(eco_run *run, uint32_t a, int corrective, sim_error *err)
{
    eco_asset *as = &run->as[a];
    eco_company_stats *st = &run->co[as->owner].st;
    if (corrective) {
        if (run->par->maintenance.repair_mode == ECO_REPAIR_MINIMAL)
            minimal_repair(run, a);
        else
            new_life(run, a);
        return SIM_OK;
    }
    st->pms++;
    st->twin_pms += as->twin_level == 2;
    sim_tally_add(&st->used_life, as->age / as->life);
    new_life(run, a);
    if (as->twin_level < 1)
        return SIM_OK;
    return records_add(run, as->owner, run->par->maintenance.record_weight_pm, err);
}

/* ---- handlers ---- */

sim_status eco_on_order_arrival(eco_run *run, const sim_event *ev, sim_error *err)
{
    eco_company *c = &run->co[ev->a];
    double t = now(run);
    double gap = sim_dist_draw(&c->interarrival, c->arr);
    double work = sim_dist_draw(&c->par->service_time, c->svc);
    sim_status s = sim_engine_schedule(run->eng, t + gap, ECO_PRIO_ORDER_ARRIVAL,
                                       ECO_EV_ORDER_ARRIVAL, ev->a, 0, err);
    uint32_t a = ECO_NONE;
    if (s == SIM_OK)
        s = take_asset(run, c, &a, err);
    if (s == SIM_OK && a == ECO_NONE)
        s = eco_overflow_push(run, ev->a, &a, err); /* a partner's asset (SPEC 7.2 step 4) */
    if (s != SIM_OK)
        return s;
    c->st.arrivals++;
    if (a == ECO_NONE) {
        c->st.delayed++;
        if (c->par->queue_capacity >= 0 && c->queue.len >= (size_t)c->par->queue_capacity) {
            c->st.lost++;
            return SIM_OK;
        }
    }
    uint32_t o = eco_order_new(run, err);
    if (o == ECO_NONE)
        return SIM_NOMEM;
    run->orders.v[o] = (eco_order){.t_arr = t,
                                   .due = t + c->par->due_allowance_h,
                                   .remaining = work,
                                   .origin = ev->a,
                                   .processor = ev->a,
                                   .next_free = ECO_NONE,
                                   .started = 0};
    sim_tw_add(&c->st.in_system, t, 1.0);
    return a != ECO_NONE ? start_job(run, a, o, err) : enqueue(run, c, o, err);
}

sim_status eco_on_job_complete(eco_run *run, const sim_event *ev, sim_error *err)
{
    uint32_t a = ev->a;
    eco_asset *as = &run->as[a];
    if (as->state != ECO_ASSET_BUSY || as->job == ECO_NONE)
        return bug(err, "job completion on an asset without a running job", a);
    uint32_t o = as->job;
    as->job = ECO_NONE;
    finish_order(run, o);
    return asset_free(run, a, err);
}

sim_status eco_on_failure(eco_run *run, const sim_event *ev, sim_error *err)
{
    uint32_t a = ev->a;
    eco_asset *as = &run->as[a];
    eco_company_stats *st = &run->co[as->owner].st;
    double t = now(run);
    if (as->state != ECO_ASSET_IDLE && as->state != ECO_ASSET_BUSY)
        return bug(err, "failure of an asset that is down", a);
    if (!reached(run, as->life - eco_asset_age(run, a))) {
        /* Early: under the busy clock the asset was idle for part of the time. Re-arm while
         * it works; an idle asset is armed again when its next job starts. */
        int clock = as->state == ECO_ASSET_BUSY || calendar(run);
        return clock ? arm_failure_timer(run, a, err) : SIM_OK;
    }
    if (as->state == ECO_ASSET_BUSY) {
        eco_order *ord = &run->orders.v[as->job];
        sim_engine_timer_cancel(run->eng, timer_of(a, ECO_TIMER_JOB));
        ord->remaining -= t - as->busy_since;
        if (ord->remaining < 0.0)
            ord->remaining = 0.0;
    }
    eco_book(run, as->owner, ECO_LEDGER_CORRECTIVE_COST, ECO_INTRA,
             -run->par->maintenance.cost_corrective_eur);
    st->failures++;
    st->twin_failures += as->twin_level == 2;
    sim_status s = request_maintenance(run, a, ECO_MAINT_CORR, err);
    if (s != SIM_OK || as->twin_level < 1)
        return s;
    return records_add(run, as->owner, run->par->maintenance.record_weight_failure, err);
}

sim_status eco_on_pm_due(eco_run *run, const sim_event *ev, sim_error *err)
{
    eco_asset *as = &run->as[ev->a];
    if (as->state != ECO_ASSET_IDLE && as->state != ECO_ASSET_BUSY)
        return SIM_OK; /* down: the renewal re-arms the timer */
    if (!pm_due(run, ev->a))
        return arm_pm_timer(run, ev->a, err); /* early: sigma moved the threshold later */
    if (as->state == ECO_ASSET_IDLE)
        return request_maintenance(run, ev->a, ECO_MAINT_PM, err);
    as->pm_pending = 1; /* PM is not preemptive: done at job end */
    return SIM_OK;
}

sim_status eco_on_maint_complete(eco_run *run, const sim_event *ev, sim_error *err)
{
    uint32_t a = ev->a;
    eco_asset *as = &run->as[a];
    int corrective = as->state == ECO_ASSET_DOWN_CORR;
    if (!corrective && as->state != ECO_ASSET_DOWN_PM)
        return bug(err, "maintenance completion on an asset not in maintenance", a);
    eco_company *p = &run->co[as->crew_owner];
    p->crews_busy--;
    sim_tw_add(&p->st.crews_busy, now(run), -1.0);
    sim_status s = crew_next(run, p, err);
    if (s != SIM_OK)
        return s;
    book_downtime(run, a, corrective);
    s = renew(run, a, corrective, err);
    if (s == SIM_OK && calendar(run) && run->mech.failures) {
        s = arm_failure_timer(run, a, err);
        if (s == SIM_OK)
            s = arm_pm_timer(run, a, err);
    }
    if (s != SIM_OK)
        return s;
    return as->job != ECO_NONE ? start_job(run, a, as->job, err) : asset_free(run, a, err);
}

/* ---- initial state (SPEC 5 step 4) ---- */

static uint32_t share_count(double share, uint32_t n)
{
    double k = round(share * n);
    return k > n ? n : (uint32_t)k;
}

static void company_init(eco_run *run, uint32_t i)
{
    eco_company *c = &run->co[i];
    const eco_company_params *cp = c->par;
    uint32_t n_shadow;
    c->n_twin = share_count(cp->twin_share, c->n_assets);
    n_shadow = share_count(cp->shadow_share, c->n_assets);
    if (n_shadow > c->n_assets - c->n_twin)
        n_shadow = c->n_assets - c->n_twin;
    c->n_crews = cp->n_crews;
    c->records = cp->initial_records;
    c->sigma_dirty = 1;
    eco_company_sigma(run, i);
    c->interarrival = (sim_dist){
        SIM_DIST_EXP, cp->arrival_rate_per_h > 0.0 ? 1.0 / cp->arrival_rate_per_h : INFINITY, 1.0};
    for (uint32_t k = 0; k < c->n_assets; k++) {
        uint32_t a = c->first_asset + k;
        eco_asset *as = &run->as[a];
        *as = (eco_asset){.owner = i,
                          .crew_owner = i,
                          .job = ECO_NONE,
                          .state = ECO_ASSET_IDLE,
                          .in_idle = 1,
                          .age_since = now(run)};
        as->twin_level = k < c->n_twin ? 2 : k < c->n_twin + n_shadow ? 1 : 0;
        new_life(run, a);
        c->idle[c->n_idle++] = a; /* increasing order is a valid min-heap */
    }
}

/* Lives are drawn for every asset, with failures on or off, so that the state is always
 * defined; with failures off they are never used and the life streams are not drawn again. */
void eco_ops_init(eco_run *run)
{
    for (uint32_t i = 0; i < run->n_companies; i++)
        company_init(run, i);
}

sim_status eco_ops_start(eco_run *run, sim_error *err)
{
    sim_status s = SIM_OK;
    for (uint32_t i = 0; i < run->n_companies && s == SIM_OK; i++) {
        eco_company *c = &run->co[i];
        if (c->par->arrival_rate_per_h > 0.0)
            s = sim_engine_schedule(run->eng, now(run) + sim_dist_draw(&c->interarrival, c->arr),
                                    ECO_PRIO_ORDER_ARRIVAL, ECO_EV_ORDER_ARRIVAL, i, 0, err);
    }
    if (!calendar(run) || !run->mech.failures)
        return s;
    for (uint32_t a = 0; a < run->n_assets && s == SIM_OK; a++) {
        s = arm_failure_timer(run, a, err);
        if (s == SIM_OK)
            s = arm_pm_timer(run, a, err);
    }
    return s;
}

/*
 * eco_contract: service and new-business contracts (SPEC 7.13, 5 step 6).
 *
 * A contract opens with a CONTRACT_BILLING event of sub-kind OPEN at its start (initial
 * contracts at start_h, NEWBIZ contracts at once when a project is adopted), then bills every
 * billing_interval_h up to its end and ends with CONTRACT_END, where it is renewed for its
 * duration or terminated. A period cut short by the end is billed pro rata at the end, so the
 * total billed is fee per month x months active. At most one maintenance and one PdM contract
 * serve a client at a time (checked at load), so a client's providers are two indices.
 *
 * Effects while active: MAINTENANCE sends the client's new maintenance requests to the
 * provider's crews (eco_maint_provider; durations stay on the asset's MNT stream), PDM makes
 * the provider the prognostics source of the client's twins (eco_set_pdm_provider). At
 * termination the providers are cleared; jobs already in the provider's crew queue are still
 * served by it.
 *
 * SLA per billing period: MAINTENANCE is met when at least sla_response_share of the
 * corrective responses (request to the crew's arrival: waiting for a crew plus the drawn
 * response time) took at most sla_response_h (met when there was none); PDM is met when the
 * client's availability in the period (1 - down asset-hours / asset-hours) is at least
 * sla_availability. The client then has a trust experience about the provider: 1 when met,
 * else trust.sla_fail_outcome.
 */
#include <math.h>

#include "eco_behaviour.h"
#include "eco_business.h"
#include "sim_rng.h"

#define ECO_BILL_REGULAR 0u
#define ECO_BILL_OPEN    1u
#define ECO_TIME_EPS     1e-9 /* relative tolerance when a billing instant meets the end */

static double now(const eco_run *run)
{
    return sim_engine_now(run->eng);
}

static double clip01(double x)
{
    return x < 0.0 ? 0.0 : x > 1.0 ? 1.0 : x;
}

/* Whether instant a is not meaningfully after b (rounding of summed intervals). */
static int not_after(double a, double b)
{
    return a <= b + ECO_TIME_EPS * fabs(b);
}

uint32_t eco_maint_provider(const eco_run *run, uint32_t owner)
{
    uint32_t k = run->biz->co[owner].maint_contract;
    return k == ECO_NONE ? owner : run->biz->contracts[k].provider;
}

void eco_contract_note_response(eco_run *run, uint32_t owner, uint32_t crew_owner,
                                double response_h)
{
    uint32_t k = run->biz->co[owner].maint_contract;
    if (k == ECO_NONE || run->biz->contracts[k].provider != crew_owner)
        return; /* own crews, or a job queued at a provider whose contract has ended */
    eco_contract *c = &run->biz->contracts[k];
    c->responses++;
    c->responses_ok += response_h <= run->par->contracts_defaults.sla_response_h;
}

/* ---- parties ---- */

/* Each party of contract c counts one more (+1) or one fewer (-1) active contract. */
static void parties_count(eco_run *run, const eco_contract *c, double delta)
{
    eco_business *b = run->biz;
    double t = now(run);
    if (c->type != ECO_CONTRACT_NEWBIZ) {
        sim_tw_add(&b->co[c->provider].contracts, t, delta);
        sim_tw_add(&b->co[c->client].contracts, t, delta);
        return;
    }
    const eco_project *p = &b->projects[c->project];
    for (size_t k = 0; k < p->n; k++)
        sim_tw_add(&b->co[p->member[k]].contracts, t, delta);
}

/* The client's twins take their sigma from provider (or from themselves: ECO_NONE). */
static sim_status set_pdm(eco_run *run, const eco_contract *c, uint32_t provider, sim_error *err)
{
    eco_set_pdm_provider(run, c->client, provider);
    sim_status s = eco_sigma_update(run, c->provider, err);
    if (s == SIM_OK)
        s = eco_sigma_update(run, c->client, err);
    return s == SIM_OK ? eco_rearm_twins(run, c->client, err) : s;
}

static sim_status attach(eco_run *run, uint32_t k, sim_error *err)
{
    eco_contract *c = &run->biz->contracts[k];
    eco_biz_company *client = c->client != ECO_NONE ? &run->biz->co[c->client] : NULL;
    if (c->type == ECO_CONTRACT_MAINTENANCE)
        client->maint_contract = k;
    if (c->type != ECO_CONTRACT_PDM)
        return SIM_OK;
    client->pdm_contract = k;
    return set_pdm(run, c, c->provider, err);
}

static sim_status detach(eco_run *run, uint32_t k, sim_error *err)
{
    eco_contract *c = &run->biz->contracts[k];
    if (c->type == ECO_CONTRACT_MAINTENANCE)
        run->biz->co[c->client].maint_contract = ECO_NONE;
    if (c->type != ECO_CONTRACT_PDM)
        return SIM_OK;
    run->biz->co[c->client].pdm_contract = ECO_NONE;
    return set_pdm(run, c, ECO_NONE, err);
}

/* ---- periods ---- */

static void period_start(eco_run *run, eco_contract *c)
{
    c->last_bill = now(run);
    c->responses = c->responses_ok = 0;
    if (c->type == ECO_CONTRACT_PDM)
        c->down_mark = eco_business_down_area(run, c->client);
}

static int sla_met(eco_run *run, const eco_contract *c)
{
    const eco_contract_defaults *d = &run->par->contracts_defaults;
    if (c->type == ECO_CONTRACT_MAINTENANCE)
        return c->responses == 0 ||
               (double)c->responses_ok >= d->sla_response_share * (double)c->responses;
    double span = now(run) - c->last_bill;
    double assets = run->co[c->client].n_assets;
    double down = eco_business_down_area(run, c->client) - c->down_mark;
    return span <= 0.0 || 1.0 - down / (assets * span) >= d->sla_availability;
}

/* Book fraction of a period's fee (NEWBIZ: revenue to the members by their shares) and, for
 * service contracts, judge the SLA of the period. */
static void bill(eco_run *run, eco_contract *c, double fraction)
{
    double fee = c->fee * fraction;
    c->periods++;
    if (c->type == ECO_CONTRACT_NEWBIZ) {
        const eco_project *p = &run->biz->projects[c->project];
        eco_ledger_tag tag = p->n > 1 ? ECO_INTER : ECO_INTRA;
        for (size_t k = 0; k < p->n; k++)
            eco_book(run, p->member[k], ECO_LEDGER_NEWBIZ_REVENUE, tag, p->share[k] * fee);
        run->biz->newbiz_revenue += fee; /* restarted at warm-up */
        return;
    }
    eco_book(run, c->client, ECO_LEDGER_CONTRACT_FEE, ECO_INTER, -fee);
    eco_book(run, c->provider, ECO_LEDGER_CONTRACT_FEE, ECO_INTER, fee);
    int met = sla_met(run, c);
    c->sla_met += (uint32_t)met;
    eco_trust_experience(run, c->client, c->provider, met ? 1.0 : run->par->trust.sla_fail_outcome);
    eco_touch(run, c->client, c->provider);
}

static sim_status schedule_billing(eco_run *run, uint32_t k, sim_error *err)
{
    eco_contract *c = &run->biz->contracts[k];
    double t = c->last_bill + c->interval_h;
    if (t > c->t_end)
        return SIM_OK; /* the end bills the partial period */
    return sim_engine_schedule(run->eng, t, ECO_PRIO_CONTRACT_BILLING, ECO_EV_CONTRACT_BILLING, k,
                               ECO_BILL_REGULAR, err);
}

static sim_status open_contract(eco_run *run, uint32_t k, sim_error *err)
{
    eco_contract *c = &run->biz->contracts[k];
    c->active = 1;
    c->t_start = now(run);
    c->t_end = c->t_start + c->duration_h;
    period_start(run, c);
    parties_count(run, c, 1.0);
    sim_status s = attach(run, k, err);
    if (s == SIM_OK)
        s = schedule_billing(run, k, err);
    if (s != SIM_OK)
        return s;
    return sim_engine_schedule(run->eng, c->t_end, ECO_PRIO_CONTRACT_END, ECO_EV_CONTRACT_END, k, 0,
                               err);
}

/* ---- creation ---- */

/* Whether the run's companies can hold an initial contract: under `population:` the drawn
 * companies may differ from the nominal ones checked at load (B2-9). */
static int feasible(const eco_run *run, const eco_contract_params *kp)
{
    if (kp->provider >= run->n_companies || kp->client >= run->n_companies ||
        kp->provider == kp->client || run->co[kp->client].n_assets == 0)
        return 0;
    return kp->type != ECO_CONTRACT_MAINTENANCE || run->co[kp->provider].n_crews != 0;
}

static void init_record(eco_contract *c, eco_contract_type type, double duration_h,
                        double interval_h, double fee_per_month)
{
    *c = (eco_contract){.type = type,
                        .provider = ECO_NONE,
                        .client = ECO_NONE,
                        .project = ECO_NONE,
                        .t_start = NAN,
                        .t_end = NAN,
                        .duration_h = duration_h,
                        .interval_h = interval_h,
                        .fee = fee_per_month * interval_h / ECO_HOURS_PER_MONTH};
}

sim_status eco_contract_open_initial(eco_run *run, sim_error *err)
{
    const eco_params *par = run->par;
    if (!run->mech.contracts)
        return SIM_OK; /* not activated at all (B2-4) */
    for (size_t i = 0; i < par->n_contracts; i++) {
        const eco_contract_params *kp = &par->contracts[i];
        if (!feasible(run, kp))
            continue;
        uint32_t k = eco_business_new_contract(run);
        if (k == ECO_NONE)
            return sim_error_set(err, SIM_NOMEM, "ecosystem: out of memory for contracts");
        eco_contract *c = &run->biz->contracts[k];
        init_record(c, kp->type, kp->duration_months * ECO_HOURS_PER_MONTH,
                    par->contracts_defaults.billing_interval_h, kp->fee_eur_per_month);
        c->provider = kp->provider;
        c->client = kp->client;
        c->t_start = kp->start_h;
        sim_status s = sim_engine_schedule(run->eng, kp->start_h, ECO_PRIO_CONTRACT_BILLING,
                                           ECO_EV_CONTRACT_BILLING, k, ECO_BILL_OPEN, err);
        if (s != SIM_OK)
            return s;
    }
    return SIM_OK;
}

sim_status eco_contract_newbiz(eco_run *run, uint32_t p, sim_error *err)
{
    const eco_opportunity_params *op = &run->par->opportunities;
    uint32_t k = eco_business_new_contract(run);
    if (k == ECO_NONE)
        return sim_error_set(err, SIM_NOMEM, "ecosystem: out of memory for contracts");
    const eco_project *pr = &run->biz->projects[p];
    eco_contract *c = &run->biz->contracts[k];
    init_record(c, ECO_CONTRACT_NEWBIZ, op->contract_months * ECO_HOURS_PER_MONTH,
                run->par->contracts_defaults.billing_interval_h,
                pr->view.value / op->contract_months);
    c->project = p;
    c->chi = pr->eval.chi;
    return open_contract(run, k, err);
}

/* ---- handlers ---- */

static eco_contract *live(eco_run *run, const sim_event *ev, sim_error *err)
{
    if (ev->a >= run->biz->n_contracts) {
        sim_error_set(err, SIM_INTERNAL, "ecosystem: event for unknown contract %u",
                      (unsigned)ev->a);
        return NULL;
    }
    return &run->biz->contracts[ev->a];
}

sim_status eco_on_contract_billing(eco_run *run, const sim_event *ev, sim_error *err)
{
    eco_contract *c = live(run, ev, err);
    if (c == NULL)
        return SIM_INTERNAL;
    if (ev->b == ECO_BILL_OPEN)
        return open_contract(run, ev->a, err);
    if (!c->active)
        return sim_error_set(err, SIM_INTERNAL, "ecosystem: billing of an ended contract");
    bill(run, c, 1.0);
    period_start(run, c);
    return schedule_billing(run, ev->a, err);
}

static double renewal_probability(const eco_run *run, const eco_contract *c)
{
    if (c->type == ECO_CONTRACT_NEWBIZ) {
        const eco_opportunity_params *op = &run->par->opportunities;
        return clip01(op->renewal.base + op->renewal.customer * c->chi);
    }
    const eco_contract_defaults *d = &run->par->contracts_defaults;
    return clip01(d->renewal.base + d->renewal.trust * eco_trust(run, c->client, c->provider) +
                  d->renewal.customer * run->co[c->provider].par->customer_centricity);
}

sim_status eco_on_contract_end(eco_run *run, const sim_event *ev, sim_error *err)
{
    eco_contract *c = live(run, ev, err);
    if (c == NULL)
        return SIM_INTERNAL;
    if (!c->active)
        return sim_error_set(err, SIM_INTERNAL, "ecosystem: end of an ended contract");
    double t = now(run);
    if (!not_after(t, c->last_bill)) {
        bill(run, c, (t - c->last_bill) / c->interval_h); /* the partial last period */
        period_start(run, c);
    }
    double u = sim_rng_uniform_pos(run->biz->con);
    if (u < renewal_probability(run, c)) {
        c->renewals++;
        c->t_end = t + c->duration_h;
        /* No billing is pending here: one due at or before the end fired first (priority). */
        sim_status s = schedule_billing(run, ev->a, err);
        if (s != SIM_OK)
            return s;
        return sim_engine_schedule(run->eng, c->t_end, ECO_PRIO_CONTRACT_END, ECO_EV_CONTRACT_END,
                                   ev->a, 0, err);
    }
    c->active = 0;
    c->t_end = t;
    parties_count(run, c, -1.0);
    return detach(run, ev->a, err);
}

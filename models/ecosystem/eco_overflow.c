/*
 * eco_overflow: capacity sharing between companies of one process class (SPEC 7.2 step 4,
 * 7.3).
 *
 * An order may be processed by partner j of its origin i when they share a process class and
 * s_i, s_j >= min_share_level (availability data is shared), T_ij >= min_trust and
 * min(rho_i, rho_j) >= min_receptivity. Push: at an arrival that finds no idle asset at the
 * origin and at least queue_threshold orders waiting there, the eligible partner with an idle
 * asset that the origin trusts most (ties: lower index) takes the order. Pull: an asset that
 * becomes free with its own queue empty takes the head order of the longest eligible partner
 * queue holding at least queue_threshold orders (ties: lower index).
 *
 * A search visits only the companies of the class (eco_business.class_order). Taking a
 * partner's asset goes through the operations layer, which sends idle assets whose PM is due
 * to maintenance on the way (as the partner's own dispatch would); a partner whose idle heap
 * held only such or stale entries drops out and the next best is tried.
 *
 * At completion the origin books the margin (eco_ops.c), pays fee_fraction x margin to the
 * processor (OVERFLOW_FEE_OUT / OVERFLOW_FEE_IN, INTER) and has a trust experience about it:
 * 1 when the order was done by its due date, else late_delivery_outcome.
 */
#include "eco_behaviour.h"
#include "eco_business.h"

/* The conditions of SPEC 7.2 step 4 on one side of a hand-over. */
static int side_ok(const eco_run *run, uint32_t i)
{
    const eco_overflow_params *o = &run->par->overflow;
    const eco_company *c = &run->co[i];
    return c->share >= o->min_share_level && c->rho >= o->min_receptivity;
}

static int trusted(const eco_run *run, uint32_t origin, uint32_t processor)
{
    return eco_trust(run, origin, processor) >= run->par->overflow.min_trust;
}

/* Index in cand[0..n) of the highest score, ties to the lower company index. */
static size_t best_of(const uint32_t *cand, const double *score, size_t n)
{
    size_t best = 0;
    for (size_t k = 1; k < n; k++) {
        if (score[k] > score[best] || (score[k] == score[best] && cand[k] < cand[best]))
            best = k;
    }
    return best;
}

sim_status eco_overflow_push(eco_run *run, uint32_t origin, uint32_t *asset, sim_error *err)
{
    eco_business *b = run->biz;
    const eco_biz_company *bc = &b->co[origin];
    *asset = ECO_NONE;
    if (!run->mech.overflow ||
        run->co[origin].queue.len < (size_t)run->par->overflow.queue_threshold ||
        !side_ok(run, origin))
        return SIM_OK;
    size_t n = 0;
    for (uint32_t k = bc->class_lo; k < bc->class_hi; k++) {
        uint32_t j = b->class_order[k];
        if (j == origin || run->co[j].n_idle == 0 || !side_ok(run, j) || !trusted(run, origin, j))
            continue;
        b->cand[n] = j;
        b->score[n++] = eco_trust(run, origin, j);
    }
    while (n > 0) {
        size_t best = best_of(b->cand, b->score, n);
        sim_status s = eco_ops_take_asset(run, b->cand[best], asset, err);
        if (s != SIM_OK)
            return s;
        if (*asset != ECO_NONE) {
            eco_business_count_overflow(run, origin, b->cand[best]);
            return SIM_OK;
        }
        n--;
        b->cand[best] = b->cand[n];
        b->score[best] = b->score[n];
    }
    return SIM_OK;
}

uint32_t eco_overflow_pull(eco_run *run, uint32_t p)
{
    eco_business *b = run->biz;
    const eco_biz_company *bc = &b->co[p];
    if (!run->mech.overflow || !run->par->overflow.pull || !side_ok(run, p))
        return ECO_NONE;
    size_t threshold = (size_t)run->par->overflow.queue_threshold, longest = 0;
    uint32_t from = ECO_NONE;
    for (uint32_t k = bc->class_lo; k < bc->class_hi; k++) {
        uint32_t q = b->class_order[k];
        size_t len = run->co[q].queue.len;
        if (q == p || len < threshold || len <= longest || !side_ok(run, q) || !trusted(run, q, p))
            continue;
        from = q; /* class_order is ascending within a class: ties keep the lower index */
        longest = len;
    }
    if (from == ECO_NONE)
        return ECO_NONE;
    eco_business_count_overflow(run, from, p);
    return eco_ops_dequeue(run, from);
}

void eco_overflow_complete(eco_run *run, uint32_t o)
{
    const eco_order *ord = &run->orders.v[o];
    const eco_overflow_params *par = &run->par->overflow;
    double fee = par->fee_fraction * run->co[ord->origin].par->order_margin_eur;
    int on_time = sim_engine_now(run->eng) <= ord->due;
    eco_book(run, ord->origin, ECO_LEDGER_OVERFLOW_FEE_OUT, ECO_INTER, -fee);
    eco_book(run, ord->processor, ECO_LEDGER_OVERFLOW_FEE_IN, ECO_INTER, fee);
    eco_trust_experience(run, ord->origin, ord->processor,
                         on_time ? 1.0 : par->late_delivery_outcome);
    eco_touch(run, ord->origin, ord->processor);
}

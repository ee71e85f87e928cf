/*
 * eco_coalition: business opportunities, coalition formation, projects and new businesses
 * (SPEC 7.11-7.12).
 *
 * OPP_ARRIVAL draws the next arrival and the whole opportunity from OPP (value, theme,
 * requirements, data requirement, window), so arrivals and attributes are the same in every
 * variant; everything decided about it (initiator, invitations, retry delays, project
 * duration, success, adoption) is drawn from PROJ. An attempt draws the initiator among
 * companies with a free project slot, then, with coalitions on, invites partners greedily
 * by attractiveness until the requirements (coverage, roles) are met, the coalition is full
 * or nobody is left; invitees accept by a logit. The attractiveness of a candidate changes
 * only when a partner joins, so candidates sit in a max-heap rebuilt only then: an attempt
 * costs O(N log N) even when every invitation is declined. A failed attempt is retried after
 * an exponential delay while retries and the window last; otherwise the opportunity is lost.
 *
 * PROJECT_COMPLETE books development costs, evaluates the coalition with the members'
 * current attributes, draws success and adoption, splits the value (Shapley over the
 * 2^n sub-coalitions of the success model, equal, or by marginal coverage), updates trust
 * and (optionally) goals, and turns an adopted project into a NEWBIZ contract.
 */
#include <math.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

#include "eco_behaviour.h"
#include "eco_business.h"
#include "sim_dist.h"
#include "sim_rng.h"

/* A coalition being formed. */
typedef struct coalition {
    size_t n;
    uint32_t member[ECO_MAX_COALITION];
    double knowledge[ECO_MAX_COALITION + 1][ECO_KNOWLEDGE_DOMAINS]; /* + a candidate */
    int provider, owner; /* some member is provider-side / owns a twin-level >= 1 asset */
} coalition;

static double now(const eco_run *run)
{
    return sim_engine_now(run->eng);
}

static double logistic(double x)
{
    return 1.0 / (1.0 + exp(-x));
}

static double draw_exp(gsl_rng *r, double mean)
{
    sim_dist d = {SIM_DIST_EXP, mean, 1.0};
    return sim_dist_draw(&d, r);
}

static unsigned full_mask(size_t n)
{
    return (1u << n) - 1u;
}

static int free_slot(const eco_run *run, uint32_t i)
{
    return run->biz->co[i].active_projects < run->co[i].par->max_projects;
}

/* Owns an asset of twin level >= 1 (levels only rise during a run). */
static int owns_twin(const eco_run *run, uint32_t i)
{
    const eco_company *c = &run->co[i];
    for (uint32_t a = c->first_asset; a < c->first_asset + c->n_assets; a++) {
        if (run->as[a].twin_level >= 1)
            return 1;
    }
    return 0;
}

/* ---- the opportunity (OPP) ---- */

static void draw_theme(eco_run *run, double *theme)
{
    const eco_goals_params *g = &run->par->goals;
    double norm = 0.0;
    for (int d = 0; d < g->dims; d++) {
        double xi = gsl_cdf_ugaussian_Pinv(sim_rng_uniform_pos(run->biz->opp));
        theme[d] = g->center[d] + run->par->opportunities.theme_dispersion * xi;
        norm += theme[d] * theme[d];
    }
    for (int d = 0; d < g->dims && norm > 0.0; d++)
        theme[d] /= sqrt(norm);
}

static void draw_opportunity(eco_run *run, eco_opportunity *b)
{
    const eco_opportunity_params *op = &run->par->opportunities;
    gsl_rng *r = run->biz->opp;
    sim_dist value = {SIM_DIST_LOGNORMAL, op->value_mean_eur, op->value_cv};
    memset(b, 0, sizeof *b);
    b->id = run->biz->next_opp_id++;
    b->t_arr = now(run);
    b->view.value = sim_dist_draw(&value, r);
    draw_theme(run, b->theme);
    double m = op->requirement_mean, conc = op->requirement_concentration;
    for (int d = 0; d < ECO_KNOWLEDGE_DOMAINS; d++)
        b->view.q[d] = gsl_ran_beta(r, m * conc, (1.0 - m) * conc);
    b->view.data_req = draw_exp(r, op->data_requirement_mean_records);
    b->expiry = b->t_arr + draw_exp(r, op->window_mean_h);
    b->retries = op->max_retries;
}

/* ---- forming the coalition (PROJ) ---- */

/* iota_i = g_i fit_i,b (0.5 + 0.5 chi_i) over companies with a free slot; ECO_NONE when
 * they sum to 0 (then nothing is drawn). */
static uint32_t draw_initiator(eco_run *run, const eco_opportunity *b)
{
    double total = 0.0;
    for (uint32_t i = 0; i < run->n_companies; i++) {
        const eco_company_params *cp = run->co[i].par;
        double iota = free_slot(run, i) ? cp->goal_orientation * eco_goal_fit(run, i, b->theme) *
                                              (0.5 + 0.5 * cp->customer_centricity)
                                        : 0.0;
        run->biz->score[i] = iota;
        total += iota;
    }
    if (!(total > 0.0))
        return ECO_NONE;
    double u = sim_rng_uniform_pos(run->biz->proj) * total, sum = 0.0;
    uint32_t last = ECO_NONE;
    for (uint32_t i = 0; i < run->n_companies; i++) {
        if (!(run->biz->score[i] > 0.0))
            continue;
        sum += run->biz->score[i];
        last = i;
        if (u < sum)
            return i;
    }
    return last; /* u rounded up to the total */
}

static void add_member(eco_run *run, coalition *s, uint32_t j)
{
    s->member[s->n] = j;
    for (int d = 0; d < ECO_KNOWLEDGE_DOMAINS; d++)
        s->knowledge[s->n][d] = eco_knowledge(run, j, d);
    s->provider |= eco_is_provider_side(run->co[j].par->role);
    s->owner |= owns_twin(run, j);
    s->n++;
    run->biz->mark[j] = run->biz->mark_now;
}

static double coverage_with(const eco_run *run, const coalition *s, size_t n,
                            const eco_opportunity *b)
{
    return eco_coverage(s->knowledge, n, full_mask(n), b->view.q, run->par->knowledge.saturation);
}

static int requirements_met(const eco_run *run, const coalition *s, const eco_opportunity *b)
{
    const eco_opportunity_params *op = &run->par->opportunities;
    if (op->require_provider_and_asset_owner && !(s->provider && s->owner))
        return 0;
    return coverage_with(run, s, s->n, b) >= op->coverage_min;
}

/* A_ij (SPEC 7.11 step c) of candidate j for a coalition initiated by s->member[0]. */
static double attractiveness(eco_run *run, coalition *s, const eco_opportunity *b, uint32_t j,
                             double cov)
{
    const eco_opportunity_params *op = &run->par->opportunities;
    uint32_t i = s->member[0];
    for (int d = 0; d < ECO_KNOWLEDGE_DOMAINS; d++)
        s->knowledge[s->n][d] = eco_knowledge(run, j, d);
    double gain = coverage_with(run, s, s->n + 1, b) - cov;
    return op->attract.goal * eco_congruence(run, i, j) + op->attract.complementarity * gain +
           op->attract.trust * eco_trust(run, i, j) +
           op->attract.customer * run->co[j].par->customer_centricity +
           op->attract.receptivity * run->co[j].rho;
}

/* Max-heap of candidates on (score desc, index asc) in biz->cand / biz->score. */
static int above(const eco_business *b, size_t x, size_t y)
{
    return b->score[x] > b->score[y] || (b->score[x] == b->score[y] && b->cand[x] < b->cand[y]);
}

static void sift_down(eco_business *b, size_t k, size_t n)
{
    for (;;) {
        size_t m = k, l = 2 * k + 1, r = l + 1;
        if (l < n && above(b, l, m))
            m = l;
        if (r < n && above(b, r, m))
            m = r;
        if (m == k)
            return;
        uint32_t c = b->cand[k];
        double sc = b->score[k];
        b->cand[k] = b->cand[m];
        b->score[k] = b->score[m];
        b->cand[m] = c;
        b->score[m] = sc;
        k = m;
    }
}

static uint32_t heap_pop(eco_business *b, size_t *n)
{
    uint32_t top = b->cand[0];
    (*n)--;
    b->cand[0] = b->cand[*n];
    b->score[0] = b->score[*n];
    sift_down(b, 0, *n);
    return top;
}

/* Candidates not yet in or invited with a free slot, scored against the coalition now. */
static size_t build_candidates(eco_run *run, coalition *s, const eco_opportunity *b)
{
    eco_business *biz = run->biz;
    double cov = coverage_with(run, s, s->n, b);
    size_t n = 0;
    for (uint32_t j = 0; j < run->n_companies; j++) {
        if (biz->mark[j] == biz->mark_now || !free_slot(run, j))
            continue;
        biz->cand[n] = j;
        biz->score[n++] = attractiveness(run, s, b, j, cov);
    }
    for (size_t k = n / 2; k-- > 0;)
        sift_down(biz, k, n);
    return n;
}

/* Invitation of j (SPEC 7.11 step c): logit acceptance of U_j; an interaction either way. */
static int invite(eco_run *run, const coalition *s, const eco_opportunity *b, uint32_t j)
{
    const eco_opportunity_params *op = &run->par->opportunities;
    const eco_company_params *cp = run->co[j].par;
    uint32_t i = s->member[0];
    double load = (double)run->biz->co[j].active_projects / cp->max_projects;
    double u_j = cp->goal_orientation * eco_goal_fit(run, j, b->theme) +
                 op->accept.trust * eco_trust(run, j, i) +
                 op->accept.value * (b->view.value / (double)(s->n + 1)) / op->value_mean_eur -
                 op->accept.load * load;
    double p = logistic(op->accept.steepness * (u_j - op->accept.threshold));
    run->biz->mark[j] = run->biz->mark_now;
    eco_touch(run, i, j);
    return sim_rng_uniform_pos(run->biz->proj) < p;
}

static void search_partners(eco_run *run, coalition *s, const eco_opportunity *b)
{
    size_t max = (size_t)run->par->opportunities.max_coalition_size;
    size_t n = build_candidates(run, s, b);
    while (n > 0 && s->n < max && !requirements_met(run, s, b)) {
        uint32_t j = heap_pop(run->biz, &n);
        if (!invite(run, s, b, j))
            continue;
        add_member(run, s, j);
        n = build_candidates(run, s, b);
    }
}

/* ---- projects ---- */

static sim_status start_project(eco_run *run, uint32_t bi, const coalition *s, sim_error *err)
{
    eco_business *biz = run->biz;
    const eco_opportunity_params *op = &run->par->opportunities;
    uint32_t p = eco_business_new_project(run);
    if (p == ECO_NONE)
        return sim_error_set(err, SIM_NOMEM, "ecosystem: out of memory for projects");
    const eco_opportunity *b = &biz->opps[bi];
    eco_project *pr = &biz->projects[p];
    double rho = 0.0, t = now(run);
    *pr = (eco_project){.opp_id = b->id, .n = s->n, .t_start = t, .t_end = NAN, .view = b->view};
    memcpy(pr->theme, b->theme, sizeof pr->theme);
    memcpy(pr->member, s->member, sizeof pr->member);
    pr->eval = (eco_coalition_eval){NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, 0};
    pr->success = pr->adopted = -1;
    pr->synergy = NAN;
    for (size_t k = 0; k < ECO_MAX_COALITION; k++)
        pr->share[k] = NAN;
    for (size_t k = 0; k < s->n; k++) {
        uint32_t m = s->member[k];
        rho += run->co[m].rho / (double)s->n;
        biz->co[m].active_projects++;
        biz->co[m].joined++;
        for (size_t l = k + 1; l < s->n; l++)
            eco_pair_projects_add(run, m, s->member[l], 1);
    }
    biz->started++;
    biz->size_sum += (double)s->n;
    eco_business_release_opportunity(run, bi);
    sim_dist dev = {SIM_DIST_GAMMA, op->dev_time_mean_h * (2.0 - rho), op->dev_time_cv};
    return sim_engine_schedule(run->eng, t + sim_dist_draw(&dev, biz->proj),
                               ECO_PRIO_PROJECT_COMPLETE, ECO_EV_PROJECT_COMPLETE, p, 0, err);
}

/* A failed attempt: retry after Exp(retry_mean_h) (PROJ) if retries are left and the
 * retry falls inside the window, else the opportunity is lost. */
static sim_status attempt_failed(eco_run *run, uint32_t bi, sim_error *err)
{
    eco_opportunity *b = &run->biz->opps[bi];
    if (b->retries > 0) {
        double t = now(run) + draw_exp(run->biz->proj, run->par->opportunities.retry_mean_h);
        if (t < b->expiry) {
            b->retries--;
            return sim_engine_schedule(run->eng, t, ECO_PRIO_OPP_RETRY, ECO_EV_OPP_RETRY, bi, 0,
                                       err);
        }
    }
    run->biz->lost++;
    eco_business_release_opportunity(run, bi);
    return SIM_OK;
}

static sim_status attempt(eco_run *run, uint32_t bi, sim_error *err)
{
    eco_business *biz = run->biz;
    const eco_opportunity *b = &biz->opps[bi];
    biz->attempts++;
    uint32_t init = draw_initiator(run, b);
    if (init == ECO_NONE)
        return attempt_failed(run, bi, err);
    biz->co[init].initiated++;
    coalition s = {0};
    if (++biz->mark_now == 0) { /* wrapped: old marks could match again */
        memset(biz->mark, 0, run->n_companies * sizeof *biz->mark);
        biz->mark_now = 1;
    }
    add_member(run, &s, init);
    if (run->mech.coalitions)
        search_partners(run, &s, b);
    if (!requirements_met(run, &s, b))
        return attempt_failed(run, bi, err);
    return start_project(run, bi, &s, err);
}

/* ---- completion ---- */

static void member_view(eco_run *run, const eco_project *pr, eco_coalition_view *v)
{
    memset(v, 0, sizeof *v);
    v->n = pr->n;
    for (size_t k = 0; k < pr->n; k++) {
        uint32_t m = pr->member[k];
        const eco_company *c = &run->co[m];
        for (int d = 0; d < ECO_KNOWLEDGE_DOMAINS; d++)
            v->knowledge[k][d] = eco_knowledge(run, m, d);
        v->rho[k] = c->rho;
        v->chi[k] = c->par->customer_centricity;
        v->records[k] = c->records;
        v->extra[k] = fmax(0.0, eco_deff(run, m) - c->records);
        v->provider[k] = eco_is_provider_side(c->par->role);
        v->asset_owner[k] = owns_twin(run, m);
        for (size_t l = 0; l < pr->n; l++) {
            v->kappa[k][l] = l == k ? 1.0 : eco_congruence(run, m, pr->member[l]);
            v->trust[k][l] = l == k ? 1.0 : eco_trust(run, m, pr->member[l]);
        }
    }
}

/* The game v over all sub-coalitions, the synergy and the realized shares. */
static void split_value(eco_run *run, eco_project *pr, const eco_coalition_view *v)
{
    const eco_opportunity_params *op = &run->par->opportunities;
    double k_sat = run->par->knowledge.saturation;
    double game[1u << ECO_MAX_COALITION], cov_minus[ECO_MAX_COALITION];
    unsigned full = full_mask(pr->n);
    for (unsigned mask = 0; mask <= full; mask++)
        game[mask] = eco_coalition_value(op, k_sat, v, &pr->view, mask);
    pr->synergy = game[full];
    for (size_t k = 0; k < pr->n; k++) {
        pr->synergy -= game[1u << k];
        cov_minus[k] = eco_coverage(v->knowledge, v->n, full & ~(1u << k), pr->view.q, k_sat);
    }
    eco_value_shares(op->value_split, game, pr->n, pr->eval.cov, cov_minus, pr->share);
}

static void pair_outcomes(eco_run *run, const eco_project *pr)
{
    double x = pr->success ? 1.0 : run->par->trust.project_fail_outcome;
    for (size_t k = 0; k < pr->n; k++) {
        for (size_t l = 0; l < pr->n; l++) {
            if (l == k)
                continue;
            eco_trust_experience(run, pr->member[k], pr->member[l], x);
            if (l > k) {
                eco_touch(run, pr->member[k], pr->member[l]);
                eco_pair_projects_add(run, pr->member[k], pr->member[l], -1);
            }
        }
    }
}

/* G_k <- normalize(G_k + rate (G_mean - G_k)) for the members of a successful project. */
static void align_goals(eco_run *run, const eco_project *pr)
{
    double rate = run->par->opportunities.goal_alignment_rate, mean[ECO_GOAL_DIMS_MAX] = {0};
    int dims = run->par->goals.dims;
    if (!run->mech.goal_alignment || !pr->success || !(rate > 0.0) || pr->n < 2)
        return;
    for (size_t k = 0; k < pr->n; k++) {
        for (int d = 0; d < dims; d++)
            mean[d] += run->co[pr->member[k]].goal[d] / (double)pr->n;
    }
    for (size_t k = 0; k < pr->n; k++) {
        double *g = run->co[pr->member[k]].goal, next[ECO_GOAL_DIMS_MAX], norm = 0.0;
        for (int d = 0; d < dims; d++) {
            next[d] = g[d] + rate * (mean[d] - g[d]);
            norm += next[d] * next[d];
        }
        for (int d = 0; d < dims && norm > 0.0; d++)
            g[d] = next[d] / sqrt(norm);
    }
}

/* 0 provider-side only, 1 utilizers and suppliers only, 2 both (SPEC 8.7). */
static int role_mix(const eco_run *run, const eco_project *pr)
{
    int provider = 0, utilizer = 0;
    for (size_t k = 0; k < pr->n; k++) {
        if (eco_is_provider_side(run->co[pr->member[k]].par->role))
            provider = 1;
        else
            utilizer = 1;
    }
    return provider && utilizer ? 2 : provider ? 0 : 1;
}

static void book_development(eco_run *run, const eco_project *pr, double duration)
{
    double cost = run->par->opportunities.dev_cost_eur_per_member_h * duration;
    eco_ledger_tag tag = pr->n > 1 ? ECO_INTER : ECO_INTRA;
    for (size_t k = 0; k < pr->n; k++) {
        run->biz->co[pr->member[k]].active_projects--;
        eco_book(run, pr->member[k], ECO_LEDGER_DEV_COST, tag, -cost);
    }
}

static void count_outcome(eco_run *run, const eco_project *pr)
{
    eco_business *biz = run->biz;
    biz->completed++;
    biz->synergy_sum += pr->synergy;
    biz->successes += (uint64_t)pr->success;
    for (size_t k = 0; k < pr->n; k++) {
        biz->co[pr->member[k]].succeeded += (uint64_t)pr->success;
        biz->co[pr->member[k]].new_businesses += (uint64_t)pr->adopted;
    }
    if (!pr->adopted)
        return;
    biz->adopted++;
    biz->nb_mix[role_mix(run, pr)]++;
}

sim_status eco_on_project_complete(eco_run *run, const sim_event *ev, sim_error *err)
{
    if (ev->a >= run->biz->n_projects)
        return sim_error_set(err, SIM_INTERNAL, "ecosystem: completion of unknown project %u",
                             (unsigned)ev->a);
    eco_project *pr = &run->biz->projects[ev->a];
    const eco_opportunity_params *op = &run->par->opportunities;
    pr->t_end = now(run);
    book_development(run, pr, pr->t_end - pr->t_start);
    eco_coalition_view v;
    member_view(run, pr, &v);
    pr->eval =
        eco_coalition_evaluate(op, run->par->knowledge.saturation, &v, &pr->view, full_mask(pr->n));
    double u_success = sim_rng_uniform_pos(run->biz->proj);
    double u_adopt = sim_rng_uniform_pos(run->biz->proj);
    pr->success = u_success < pr->eval.p_succ;
    pr->adopted = pr->success && u_adopt < pr->eval.p_adopt;
    split_value(run, pr, &v);
    pair_outcomes(run, pr);
    align_goals(run, pr);
    count_outcome(run, pr);
    return pr->adopted ? eco_contract_newbiz(run, ev->a, err) : SIM_OK;
}

/* ---- arrivals ---- */

static sim_status schedule_arrival(eco_run *run, sim_error *err)
{
    double gap = draw_exp(run->biz->opp, 1.0 / run->par->opportunities.arrival_rate_per_h);
    return sim_engine_schedule(run->eng, now(run) + gap, ECO_PRIO_OPP_ARRIVAL, ECO_EV_OPP_ARRIVAL,
                               0, 0, err);
}

sim_status eco_opportunities_start(eco_run *run, sim_error *err)
{
    if (!run->mech.opportunities || !(run->par->opportunities.arrival_rate_per_h > 0.0))
        return SIM_OK;
    return schedule_arrival(run, err);
}

sim_status eco_on_opp_arrival(eco_run *run, const sim_event *ev, sim_error *err)
{
    (void)ev;
    sim_status s = schedule_arrival(run, err);
    if (s != SIM_OK)
        return s;
    uint32_t bi = eco_business_new_opportunity(run);
    if (bi == ECO_NONE)
        return sim_error_set(err, SIM_NOMEM, "ecosystem: out of memory for opportunities");
    draw_opportunity(run, &run->biz->opps[bi]);
    run->biz->arrived++;
    return attempt(run, bi, err);
}

sim_status eco_on_opp_retry(eco_run *run, const sim_event *ev, sim_error *err)
{
    if (ev->a >= run->biz->opps_top)
        return sim_error_set(err, SIM_INTERNAL, "ecosystem: retry of unknown opportunity %u",
                             (unsigned)ev->a);
    return attempt(run, ev->a, err);
}

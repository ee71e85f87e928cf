/*
 * sim_mpi: rank 0's remote slots and the serving ranks' dispatcher. Contract in sim_mpi.h.
 *
 * Messages (on a duplicate of MPI_COMM_WORLD), between the slot on rank 0 and thread t of a
 * serving rank:
 *   control, tag 2t+1, rank 0 -> thread: two int64 {kind, value}: WORK unit, CANCEL unit,
 *            STOP exit code;
 *   result,  tag 2t+2, thread -> rank 0: bytes, one per WORK (see encode_group).
 * A slot sends WORK and then receives exactly one result before it sends anything but a
 * CANCEL, so the messages of a (slot, thread) pair never cross.
 *
 * A serving rank's main thread does all its MPI calls (the dispatcher); its worker threads
 * only compute and encode, and hand over under a mutex. On rank 0 each slot thread makes its
 * own MPI calls, hence MPI_THREAD_MULTIPLE.
 */
#include "sim_mpi.h"

#include <mpi.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { CTRL_WORK = 1, CTRL_CANCEL = 2, CTRL_STOP = 3 };
#define TAG_CTRL(t)   (2 * (t) + 1)
#define TAG_RESULT(t) (2 * (t) + 2)
#define FP_MAX        64 /* fingerprint bytes broadcast at start-up */
#define AGREE_FIELDS  3  /* status, fingerprint differs, threads */

typedef struct remote_slot {
    int rank, thread;
    unsigned char *buf; /* the last result received */
    size_t cap;
    int64_t work[2], cancel[2], stop[2]; /* control messages, alive while sent */
} remote_slot;

struct sim_mpi {
    MPI_Comm comm;
    int rank, size;
    int *threads; /* per rank, after agree */
    const sim_plan *plan;
    remote_slot *slots;
    int n_slots;
    sim_pool_remote remote;
};

static void nap(void)
{
    struct timespec ts = {0, SIM_MPI_POLL_US * 1000L};
    nanosleep(&ts, NULL);
}

/* Complete a request without spinning a core. */
static void wait_request(MPI_Request *r)
{
    int done = 0;
    MPI_Test(r, &done, MPI_STATUS_IGNORE);
    while (!done) {
        nap();
        MPI_Test(r, &done, MPI_STATUS_IGNORE);
    }
}

/* ---- start-up ---- */

int sim_mpi_launched(void)
{
    const char *vars[] = {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_SIZE"};
    for (size_t i = 0; i < sizeof vars / sizeof *vars; i++)
        if (getenv(vars[i]) != NULL)
            return 1;
    return 0;
}

sim_status sim_mpi_init(sim_mpi **out, sim_error *err)
{
    *out = NULL;
    int provided = MPI_THREAD_SINGLE;
    if (MPI_Init_thread(NULL, NULL, MPI_THREAD_MULTIPLE, &provided) != MPI_SUCCESS)
        return sim_error_set(err, SIM_INTERNAL, "MPI_Init_thread failed");
    if (provided < MPI_THREAD_MULTIPLE) {
        MPI_Finalize();
        return sim_error_set(err, SIM_INTERNAL,
                             "the MPI library provides thread level %d, not "
                             "MPI_THREAD_MULTIPLE (%d), which ranks with threads need",
                             provided, MPI_THREAD_MULTIPLE);
    }
    sim_mpi *m = calloc(1, sizeof *m);
    if (m == NULL) {
        MPI_Finalize();
        return sim_error_set(err, SIM_NOMEM, "out of memory");
    }
    MPI_Comm_dup(MPI_COMM_WORLD, &m->comm);
    MPI_Comm_rank(m->comm, &m->rank);
    MPI_Comm_size(m->comm, &m->size);
    *out = m;
    return SIM_OK;
}

int sim_mpi_rank(const sim_mpi *m)
{
    return m->rank;
}

int sim_mpi_size(const sim_mpi *m)
{
    return m->size;
}

void sim_mpi_library_version(char *buf, size_t n)
{
    char v[MPI_MAX_LIBRARY_VERSION_STRING];
    int len = 0;
    if (n == 0)
        return;
    if (MPI_Get_library_version(v, &len) != MPI_SUCCESS)
        len = 0;
    v[len < MPI_MAX_LIBRARY_VERSION_STRING ? len : MPI_MAX_LIBRARY_VERSION_STRING - 1] = '\0';
    v[strcspn(v, "\n")] = '\0';
    snprintf(buf, n, "%s", v[0] != '\0' ? v : "MPI (unknown version)");
}

sim_status sim_mpi_agree(sim_mpi *m, sim_status local, const char *fingerprint, int threads,
                         sim_error *err)
{
    char fp0[FP_MAX] = "";
    if (m->rank == 0 && local == SIM_OK)
        snprintf(fp0, sizeof fp0, "%s", fingerprint);
    MPI_Bcast(fp0, FP_MAX, MPI_CHAR, 0, m->comm);
    int mine[AGREE_FIELDS] = {
        (int)local, local == SIM_OK && strncmp(fp0, fingerprint, FP_MAX - 1) != 0, threads};
    int *all = malloc((size_t)m->size * AGREE_FIELDS * sizeof *all);
    free(m->threads);
    m->threads = malloc((size_t)m->size * sizeof *m->threads);
    /* A rank that cannot take part would leave the others waiting for ever: ending the whole
     * job is the only way out (a few bytes per rank: it does not happen in practice). */
    if (all == NULL || m->threads == NULL)
        MPI_Abort(m->comm, sim_status_exit_code(SIM_NOMEM));
    MPI_Allgather(mine, AGREE_FIELDS, MPI_INT, all, AGREE_FIELDS, MPI_INT, m->comm);
    sim_status st = SIM_OK;
    for (int r = 0; r < m->size && st == SIM_OK; r++)
        if (all[r * AGREE_FIELDS] != SIM_OK)
            st = sim_error_set(err, (sim_status)all[r * AGREE_FIELDS],
                               "rank %d of %d could not start the sweep (%s; its messages say "
                               "why)",
                               r, m->size, sim_status_text((sim_status)all[r * AGREE_FIELDS]));
    for (int r = 0; r < m->size && st == SIM_OK; r++)
        if (all[r * AGREE_FIELDS + 1])
            st = sim_error_set(err, SIM_INVALID,
                               "rank %d of %d read another sweep than rank 0 (the fingerprint "
                               "of plan and resolved YAML differs): every rank must see the "
                               "same sweep and design files and get the same options",
                               r, m->size);
    for (int r = 0; r < m->size; r++)
        m->threads[r] = all[r * AGREE_FIELDS + 2];
    free(all);
    return st;
}

/* ---- results on the wire ---- */

typedef struct wbuf {
    unsigned char *p;
    size_t n, cap;
    int nomem;
} wbuf;

/* Room for n more bytes; returns where they go, or NULL (nomem set). */
static unsigned char *w_room(wbuf *w, size_t n)
{
    if (w->nomem)
        return NULL;
    if (w->cap - w->n < n) {
        size_t cap = w->cap > 0 ? w->cap : 4096;
        while (cap - w->n < n)
            cap *= 2;
        unsigned char *p = realloc(w->p, cap);
        if (p == NULL) {
            w->nomem = 1;
            return NULL;
        }
        w->p = p;
        w->cap = cap;
    }
    unsigned char *at = w->p + w->n;
    w->n += n;
    return at;
}

static void w_i64(wbuf *w, int64_t v)
{
    unsigned char *at = w_room(w, sizeof v);
    if (at != NULL)
        memcpy(at, &v, sizeof v);
}

static void w_text(wbuf *w, const char *s)
{
    size_t n = strnlen(s, SIM_ERROR_MSG_MAX - 1);
    w_i64(w, (int64_t)n);
    unsigned char *at = w_room(w, n);
    if (at != NULL)
        memcpy(at, s, n);
}

/* unit, status, events, n_variants, status message; per variant: ok, why status, why
 * message, packed record (length 0 unless ok). */
static sim_status encode_group(wbuf *w, size_t unit, sim_status st, const sim_error *err,
                               const sim_group *g, size_t nv)
{
    w->n = 0;
    w_i64(w, (int64_t)unit);
    w_i64(w, (int64_t)st);
    w_i64(w, (int64_t)g->events);
    w_i64(w, (int64_t)nv);
    w_text(w, err->msg);
    for (size_t k = 0; k < nv && st == SIM_OK; k++) {
        w_i64(w, g->ok[k]);
        w_i64(w, (int64_t)g->why[k].status);
        w_text(w, g->ok[k] ? "" : g->why[k].msg);
        size_t n = g->ok[k] ? sim_record_packed_size(g->recs[k]) : 0;
        w_i64(w, (int64_t)n);
        unsigned char *at = w_room(w, n);
        if (n > 0 && at != NULL)
            sim_record_pack(g->recs[k], at, n);
    }
    return w->nomem ? SIM_NOMEM : SIM_OK;
}

typedef struct rbuf {
    const unsigned char *p;
    size_t n, at;
    int bad;
} rbuf;

static const unsigned char *r_bytes(rbuf *r, size_t n)
{
    if (r->bad || r->n - r->at < n) {
        r->bad = 1;
        return NULL;
    }
    const unsigned char *at = r->p + r->at;
    r->at += n;
    return at;
}

static int64_t r_i64(rbuf *r)
{
    int64_t v = 0;
    const unsigned char *at = r_bytes(r, sizeof v);
    if (at != NULL)
        memcpy(&v, at, sizeof v);
    return v;
}

/* A message of at most SIM_ERROR_MSG_MAX - 1 bytes into out. */
static void r_text(rbuf *r, char out[SIM_ERROR_MSG_MAX])
{
    int64_t n = r_i64(r);
    if (n < 0 || n >= SIM_ERROR_MSG_MAX) {
        r->bad = 1;
        n = 0;
    }
    const unsigned char *at = r_bytes(r, (size_t)n);
    if (at != NULL)
        memcpy(out, at, (size_t)n);
    out[at != NULL ? n : 0] = '\0';
}

static sim_status malformed(const remote_slot *s, const char *what, sim_error *err)
{
    return sim_error_set(err, SIM_INTERNAL, "rank %d thread %d sent a malformed result (%s)",
                         s->rank, s->thread, what);
}

static sim_status decode_variants(const remote_slot *s, rbuf *r, sim_group *g, size_t nv,
                                  sim_error *err)
{
    for (size_t k = 0; k < nv; k++) {
        int64_t ok = r_i64(r), why = r_i64(r);
        sim_error_clear(&g->why[k]);
        r_text(r, g->why[k].msg);
        int64_t n = r_i64(r);
        if (r->bad || (ok != 0 && ok != 1) || why < 0 || why >= SIM_STATUS_COUNT || n < 0 ||
            (ok == 0 && n != 0))
            return malformed(s, "variant header", err);
        g->ok[k] = (int)ok;
        g->why[k].status = (sim_status)why;
        const unsigned char *rec = r_bytes(r, (size_t)n);
        if (rec == NULL)
            return malformed(s, "truncated record", err);
        sim_error why_not;
        if (ok && sim_record_unpack(g->recs[k], rec, (size_t)n, &why_not) != SIM_OK)
            return malformed(s, why_not.msg, err);
    }
    return r->at == r->n ? SIM_OK : malformed(s, "trailing bytes", err);
}

static sim_status decode_group(const remote_slot *s, const unsigned char *buf, size_t n,
                               size_t unit, sim_group *g, size_t nv, sim_error *err)
{
    rbuf r = {.p = buf, .n = n};
    int64_t u = r_i64(&r), st = r_i64(&r), events = r_i64(&r), n_var = r_i64(&r);
    char msg[SIM_ERROR_MSG_MAX];
    r_text(&r, msg);
    if (r.bad || u != (int64_t)unit || st < 0 || st >= SIM_STATUS_COUNT || events < 0 ||
        n_var != (int64_t)nv)
        return malformed(s, "header", err);
    g->events = (uint64_t)events;
    if (st != SIM_OK)
        return sim_error_set(err, (sim_status)st, "%s", msg);
    return decode_variants(s, &r, g, nv, err);
}

/* ---- rank 0: remote slots ---- */

static void slot_send(sim_mpi *m, remote_slot *s, int64_t *msg, int kind, int64_t value,
                      MPI_Request *req)
{
    msg[0] = kind;
    msg[1] = value;
    MPI_Isend(msg, 2, MPI_INT64_T, s->rank, TAG_CTRL(s->thread), m->comm, req);
}

/* Wait for the result of slot s; a cancel goes out once abandon is raised. */
static sim_status slot_receive(sim_mpi *m, remote_slot *s, size_t unit, const atomic_int *abandon,
                               size_t *len, sim_error *err)
{
    MPI_Request cancel = MPI_REQUEST_NULL;
    for (;;) {
        int flag = 0;
        MPI_Message msg;
        MPI_Status status;
        MPI_Improbe(s->rank, TAG_RESULT(s->thread), m->comm, &flag, &msg, &status);
        if (flag) {
            int count = 0;
            MPI_Get_count(&status, MPI_BYTE, &count);
            if ((size_t)count > s->cap) {
                unsigned char *p = realloc(s->buf, (size_t)count);
                if (p == NULL) {
                    MPI_Mrecv(NULL, 0, MPI_BYTE, &msg, MPI_STATUS_IGNORE);
                    wait_request(&cancel);
                    return sim_error_set(err, SIM_NOMEM, "out of memory for a result");
                }
                s->buf = p;
                s->cap = (size_t)count;
            }
            MPI_Mrecv(s->buf, count, MPI_BYTE, &msg, MPI_STATUS_IGNORE);
            *len = (size_t)count;
            break;
        }
        if (cancel == MPI_REQUEST_NULL && abandon != NULL && atomic_load(abandon))
            slot_send(m, s, s->cancel, CTRL_CANCEL, (int64_t)unit, &cancel);
        nap();
    }
    wait_request(&cancel);
    return SIM_OK;
}

static sim_status remote_run_unit(void *ctx, int slot, size_t unit, sim_group *g,
                                  const atomic_int *abandon, sim_error *err)
{
    sim_mpi *m = ctx;
    remote_slot *s = &m->slots[slot];
    MPI_Request work;
    slot_send(m, s, s->work, CTRL_WORK, (int64_t)unit, &work);
    size_t len = 0;
    sim_status st = slot_receive(m, s, unit, abandon, &len, err);
    wait_request(&work);
    if (st != SIM_OK)
        return st;
    return decode_group(s, s->buf, len, unit, g, m->plan->n_variants, err);
}

const sim_pool_remote *sim_mpi_remote(sim_mpi *m, const sim_plan *plan)
{
    if (m->threads == NULL)
        return NULL;
    int n = 0;
    for (int r = 1; r < m->size; r++)
        n += m->threads[r];
    free(m->slots);
    m->slots = calloc(n > 0 ? (size_t)n : 1, sizeof *m->slots);
    if (m->slots == NULL)
        return NULL;
    int i = 0;
    for (int r = 1; r < m->size; r++)
        for (int t = 0; t < m->threads[r]; t++)
            m->slots[i++] = (remote_slot){.rank = r, .thread = t};
    m->n_slots = n;
    m->plan = plan;
    m->remote = (sim_pool_remote){.slots = n, .run_unit = remote_run_unit, .ctx = m};
    return &m->remote;
}

sim_status sim_mpi_release(sim_mpi *m, int exit_code, sim_error *err)
{
    int n = 0;
    for (int r = 1; r < m->size; r++)
        n += m->threads != NULL ? m->threads[r] : 0;
    int64_t(*msg)[2] = calloc(n > 0 ? (size_t)n : 1, sizeof *msg);
    MPI_Request *req = calloc(n > 0 ? (size_t)n : 1, sizeof *req);
    if (msg == NULL || req == NULL) {
        free(msg);
        free(req);
        return sim_error_set(err, SIM_NOMEM, "out of memory");
    }
    int i = 0;
    for (int r = 1; r < m->size; r++)
        for (int t = 0; t < m->threads[r]; t++, i++) {
            msg[i][0] = CTRL_STOP;
            msg[i][1] = exit_code;
            MPI_Isend(msg[i], 2, MPI_INT64_T, r, TAG_CTRL(t), m->comm, &req[i]);
        }
    for (i = 0; i < n; i++)
        wait_request(&req[i]);
    free(msg);
    free(req);
    return SIM_OK;
}

/* ---- ranks > 0: serving ---- */

enum { WORKER_IDLE, WORKER_ASSIGNED, WORKER_DONE, WORKER_SENDING };

typedef struct server server;

typedef struct server_thread {
    server *sv;
    int t;
    pthread_t tid;
    sim_unit_runner *runner;
    sim_group g;
    atomic_int abandon;
    int state; /* under sv->mu, except SENDING which only the dispatcher touches */
    size_t unit;
    wbuf out;
    int64_t ctrl[2];
    MPI_Request ctrl_req, send_req;
    int stopped;
} server_thread;

struct server {
    sim_mpi *m;
    const sim_plan *plan;
    pthread_mutex_t mu;
    pthread_cond_t work;
    int quit;
    server_thread *th;
    int n;            /* threads (slots served) */
    int started;      /* worker threads running */
    sim_status fatal; /* this rank cannot compute: every unit is answered with it */
    sim_error fatal_err;
};

static void *server_worker(void *arg)
{
    server_thread *x = arg;
    server *sv = x->sv;
    pthread_mutex_lock(&sv->mu);
    for (;;) {
        while (x->state != WORKER_ASSIGNED && !sv->quit)
            pthread_cond_wait(&sv->work, &sv->mu);
        if (sv->quit)
            break;
        size_t u = x->unit;
        pthread_mutex_unlock(&sv->mu);
        sim_error err;
        sim_error_clear(&err);
        sim_status st = sim_unit_runner_run(x->runner, u, &x->g, &x->abandon, &err);
        sim_status est = encode_group(&x->out, u, st, &err, &x->g, sv->plan->n_variants);
        if (est != SIM_OK) { /* rank 0 learns it as a fatal error of the unit */
            sim_error nomem;
            sim_error_set(&nomem, SIM_NOMEM, "out of memory encoding a result");
            x->out.nomem = 0;
            encode_group(&x->out, u, SIM_NOMEM, &nomem, &x->g, sv->plan->n_variants);
        }
        pthread_mutex_lock(&sv->mu);
        x->state = WORKER_DONE;
    }
    pthread_mutex_unlock(&sv->mu);
    return NULL;
}

static int group_alloc(sim_group *g, const sim_plan *plan)
{
    size_t nv = plan->n_variants;
    g->recs = calloc(nv, sizeof *g->recs);
    g->ok = calloc(nv, sizeof *g->ok);
    g->why = calloc(nv, sizeof *g->why);
    int ok = g->recs != NULL && g->ok != NULL && g->why != NULL;
    for (size_t k = 0; ok && k < nv; k++)
        ok = (g->recs[k] = sim_record_alloc(plan->cat)) != NULL;
    return ok;
}

static void group_free(sim_group *g, size_t nv)
{
    for (size_t k = 0; g->recs != NULL && k < nv; k++)
        sim_record_free(g->recs[k]);
    free(g->recs);
    free(g->ok);
    free(g->why);
}

static void post_ctrl(server *sv, server_thread *x)
{
    MPI_Irecv(x->ctrl, 2, MPI_INT64_T, 0, TAG_CTRL(x->t), sv->m->comm, &x->ctrl_req);
}

/* A control message for thread x: returns 1 once it was STOP (then *code is set). */
static int handle_ctrl(server *sv, server_thread *x, int level, int *code)
{
    if (x->ctrl[0] == CTRL_STOP) {
        *code = (int)x->ctrl[1];
        x->stopped = 1;
        return 1;
    }
    pthread_mutex_lock(&sv->mu);
    if (x->ctrl[0] == CTRL_WORK && x->state == WORKER_IDLE && sv->fatal != SIM_OK) {
        x->out.nomem = 0;
        encode_group(&x->out, (size_t)x->ctrl[1], sv->fatal, &sv->fatal_err, &x->g,
                     sv->plan->n_variants);
        x->state = WORKER_DONE;
    } else if (x->ctrl[0] == CTRL_WORK && x->state == WORKER_IDLE) {
        x->unit = (size_t)x->ctrl[1];
        atomic_store(&x->abandon, level >= 2);
        x->state = WORKER_ASSIGNED;
        pthread_cond_broadcast(&sv->work);
    } else if (x->ctrl[0] == CTRL_CANCEL && x->state == WORKER_ASSIGNED &&
               x->unit == (size_t)x->ctrl[1]) {
        atomic_store(&x->abandon, 1);
    }
    pthread_mutex_unlock(&sv->mu);
    post_ctrl(sv, x);
    return 0;
}

/* One look at thread x: send a finished result, complete a send, take a control message. */
static int dispatch_one(server *sv, server_thread *x, int level, int *code)
{
    if (x->stopped)
        return 0;
    if (level >= 2)
        atomic_store(&x->abandon, 1);
    if (x->state != WORKER_SENDING) {
        pthread_mutex_lock(&sv->mu);
        int done = x->state == WORKER_DONE;
        pthread_mutex_unlock(&sv->mu);
        if (done) {
            MPI_Isend(x->out.p, (int)x->out.n, MPI_BYTE, 0, TAG_RESULT(x->t), sv->m->comm,
                      &x->send_req);
            x->state = WORKER_SENDING;
        }
    }
    if (x->state == WORKER_SENDING) {
        int flag = 0;
        MPI_Test(&x->send_req, &flag, MPI_STATUS_IGNORE);
        if (!flag)
            return 0; /* control messages wait: the result buffer is still in use */
        pthread_mutex_lock(&sv->mu);
        x->state = WORKER_IDLE;
        pthread_mutex_unlock(&sv->mu);
    }
    int flag = 0;
    MPI_Test(&x->ctrl_req, &flag, MPI_STATUS_IGNORE);
    return flag ? handle_ctrl(sv, x, level, code) : 0;
}

static void dispatch(server *sv, int (*stop)(void *ctx), void *ctx, int *exit_code)
{
    int stopped = 0;
    for (int i = 0; i < sv->n; i++)
        post_ctrl(sv, &sv->th[i]);
    while (stopped < sv->n) {
        int level = stop != NULL ? stop(ctx) : 0;
        for (int i = 0; i < sv->n; i++)
            stopped += dispatch_one(sv, &sv->th[i], level, exit_code);
        if (stopped < sv->n)
            nap();
    }
}

/* Threads and their state. A failure is kept in sv->fatal: the rank still answers every
 * slot (with the failure), so rank 0 reports it and nobody waits for ever. */
static void server_start(server *sv)
{
    for (int i = 0; i < sv->n; i++) {
        server_thread *x = &sv->th[i];
        *x = (server_thread){.sv = sv, .t = i, .state = WORKER_IDLE};
        atomic_init(&x->abandon, 0);
        x->runner = sim_unit_runner_new(sv->plan);
        if (sv->fatal == SIM_OK && (x->runner == NULL || !group_alloc(&x->g, sv->plan)))
            sv->fatal = sim_error_set(&sv->fatal_err, SIM_NOMEM,
                                      "rank %d: out of memory for its threads", sv->m->rank);
    }
    /* Workers block every signal: the program's handlers run on the dispatcher's thread. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    int rc = 0;
    for (; sv->fatal == SIM_OK && sv->started < sv->n; sv->started++)
        if ((rc = pthread_create(&sv->th[sv->started].tid, NULL, server_worker,
                                 &sv->th[sv->started])) != 0)
            break;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0)
        sv->fatal = sim_error_set(&sv->fatal_err, SIM_INTERNAL,
                                  "rank %d: cannot start a worker thread", sv->m->rank);
}

static void server_stop(server *sv)
{
    pthread_mutex_lock(&sv->mu);
    sv->quit = 1;
    pthread_cond_broadcast(&sv->work);
    pthread_mutex_unlock(&sv->mu);
    for (int i = 0; i < sv->started; i++)
        pthread_join(sv->th[i].tid, NULL);
    for (int i = 0; i < sv->n; i++) {
        sim_unit_runner_free(sv->th[i].runner);
        group_free(&sv->th[i].g, sv->plan->n_variants);
        free(sv->th[i].out.p);
    }
    free(sv->th);
}

sim_status sim_mpi_serve(sim_mpi *m, const sim_plan *plan, int threads, int (*stop)(void *ctx),
                         void *ctx, int *exit_code, sim_error *err)
{
    if (threads < 1 || threads > SIM_POOL_MAX_THREADS || m->rank == 0)
        return sim_error_set(err, SIM_INTERNAL, "sim_mpi_serve: bad arguments");
    server sv = {.m = m, .plan = plan, .n = threads};
    sv.th = calloc((size_t)threads, sizeof *sv.th);
    if (sv.th == NULL) /* as in agree: the slots would wait for ever */
        MPI_Abort(m->comm, sim_status_exit_code(SIM_NOMEM));
    pthread_mutex_init(&sv.mu, NULL);
    pthread_cond_init(&sv.work, NULL);
    server_start(&sv);
    *exit_code = 0;
    dispatch(&sv, stop, ctx, exit_code);
    server_stop(&sv);
    pthread_cond_destroy(&sv.work);
    pthread_mutex_destroy(&sv.mu);
    if (sv.fatal != SIM_OK && err != NULL)
        *err = sv.fatal_err;
    return sv.fatal;
}

void sim_mpi_finalize(sim_mpi *m)
{
    if (m == NULL)
        return;
    MPI_Comm_free(&m->comm);
    MPI_Finalize();
    for (int i = 0; i < m->n_slots; i++)
        free(m->slots[i].buf);
    free(m->slots);
    free(m->threads);
    free(m);
}

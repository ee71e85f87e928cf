/*
 * sim_queue: a radix heap on event times (buckets by 4-bit digit) in front of which sits a
 * small binary heap, the front, from which events are popped.
 *
 * Why not a binary heap: measured on PHOLD (bench/README.md), the binary heap of 40-byte
 * events this file held before cost 4 to 5 times more per event with 10^6 pending events
 * than with 10^3, because each pop walks log2(n) levels of an array far larger than the
 * caches. A 4-ary heap, a heap of 16-byte keys with the events kept apart, and bottom-up
 * sift-down each moved that by under 10% (and the 4-ary heap lost at every size). A radix
 * heap (Ahuja, Mehlhorn, Orlin and Tarjan 1990) appends each event to a bucket and later
 * moves it only towards lower buckets, in sequential passes, so it touches memory the way
 * caches like; with 16 digits per level an event is moved a few times at most. Measured in
 * one run against the binary heap: 10-20% less per event with 10^3 pending events, 2.3 to
 * 3 times less with 10^5 to 10^6, and no change on the ecosystem model's event list (under
 * a hundred events, which stay in the front).
 *
 * Order. key(t) maps a double to an unsigned integer in the same order (-0.0 as +0.0, since
 * the two are equal times). `last` is a key; the invariants are:
 *  - every event in the front has key(t) <= last; the front is a binary heap by
 *    sim_event_before, so it is right whatever the times in it;
 *  - every other event has key(t) > last and sits in bucket (level, digit): level is the
 *    4-bit digit position where key(t) first differs from last, digit is key(t)'s digit
 *    there. Buckets in index order hold increasing keys, so every event of the lowest
 *    non-empty bucket comes before those of any higher one; each bucket tracks its first
 *    event (for peek) and its largest key.
 * So the front's top, when there is one, is the first event; otherwise it is the first
 * event of the lowest non-empty bucket, and peek is O(1). A push goes to the front when
 * key(t) <= last, else to its bucket. When the front runs empty, pop refills it from the
 * lowest bucket: last becomes that bucket's largest key when it holds at most FRONT_REFILL
 * events (all of them move to the front), else its smallest (the events at that time move to
 * the front, the others to lower buckets, never higher). Raising last within the bucket's
 * own range leaves every higher bucket's events where they belong, since they differ from
 * the new last first at the same digit as from the old one. When at most FRONT_REFILL events
 * are pending in all, they all move to the front, so a small queue is one small heap.
 * Times may run backwards (an event earlier than the last popped goes to the front), so the
 * queue is a general priority queue; the engine's times never do.
 *
 * Memory. Bucketed events live in blocks of BLOCK_EVENTS from a pool owned by the queue;
 * a refill returns each block to the pool once emptied. Before changing anything, push makes
 * sure the pool holds pool_need(n) blocks and the front has room for every pending event
 * (address space only: pages it never uses are never touched), which is all a refill can
 * use, so pop never allocates and cannot fail, and a failed push leaves the queue as it
 * was. Everything is kept until sim_queue_free.
 */
#include "sim_queue.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define QUEUE_DEFAULT_CAPACITY 64
#define BLOCK_EVENTS           16 /* 656-byte blocks: sequential passes, little waste */
#define FRONT_REFILL           32 /* a bucket this small moves to the front whole */
#define DIGIT_BITS             4
#define DIGITS                 (1 << DIGIT_BITS)
#define N_BUCKETS              (64 / DIGIT_BITS * DIGITS)
#define MASK_WORDS             (N_BUCKETS / 64)

typedef struct block {
    struct block *next;
    size_t n;
    sim_event ev[BLOCK_EVENTS];
} block;

typedef struct bucket {
    block *head, *tail;
    size_t n;
    const sim_event *first; /* by sim_event_before */
    uint64_t max_key;
} bucket;

typedef struct heap {
    sim_event *ev;
    size_t n, cap;
} heap;

struct sim_queue {
    uint64_t last;
    heap front;
    bucket bucket[N_BUCKETS];
    uint64_t nonempty[MASK_WORDS]; /* bit b set when bucket[b] holds events */
    size_t n_nonempty;
    block *spare;    /* free blocks */
    size_t n_blocks; /* blocks allocated, in buckets or spare */
    size_t n;        /* pending events */
};

/* ---- keys and buckets ---- */

static inline uint64_t time_key(double t)
{
    uint64_t u;
    t += 0.0; /* -0.0 becomes +0.0 */
    memcpy(&u, &t, sizeof u);
    return (u >> 63) ? ~u : u | (UINT64_C(1) << 63);
}

/* Bucket of an event with key > last. */
static inline int bucket_index(uint64_t key, uint64_t last)
{
    int level = (63 - __builtin_clzll(key ^ last)) / DIGIT_BITS;
    return level * DIGITS + (int)((key >> (level * DIGIT_BITS)) & (DIGITS - 1));
}

static inline int lowest_bucket(const sim_queue *q)
{
    int w = 0;
    while (q->nonempty[w] == 0)
        w++;
    return w * 64 + __builtin_ctzll(q->nonempty[w]);
}

static inline int highest_bucket(const sim_queue *q)
{
    int w = MASK_WORDS - 1;
    while (q->nonempty[w] == 0)
        w--;
    return w * 64 + 63 - __builtin_clzll(q->nonempty[w]);
}

/* ---- the front: a binary heap, the hole moving instead of swapping ---- */

static sim_status heap_reserve(heap *h, size_t cap)
{
    if (cap <= h->cap)
        return SIM_OK;
    size_t want = h->cap > 0 ? h->cap : QUEUE_DEFAULT_CAPACITY;
    while (want < cap) {
        if (want > SIZE_MAX / 2 / sizeof(sim_event))
            return SIM_NOMEM;
        want *= 2;
    }
    sim_event *ev = realloc(h->ev, want * sizeof *ev);
    if (ev == NULL)
        return SIM_NOMEM;
    h->ev = ev;
    h->cap = want;
    return SIM_OK;
}

static void heap_insert(heap *h, const sim_event *ev)
{
    size_t hole = h->n++;
    while (hole > 0) {
        size_t parent = (hole - 1) / 2;
        if (!sim_event_before(ev, &h->ev[parent]))
            break;
        h->ev[hole] = h->ev[parent];
        hole = parent;
    }
    h->ev[hole] = *ev;
}

static void heap_remove_top(heap *h, sim_event *out)
{
    *out = h->ev[0];
    size_t n = --h->n;
    if (n == 0)
        return;
    const sim_event *moving = &h->ev[n];
    size_t hole = 0;
    for (;;) {
        size_t child = 2 * hole + 1;
        if (child >= n)
            break;
        if (child + 1 < n && sim_event_before(&h->ev[child + 1], &h->ev[child]))
            child++;
        if (!sim_event_before(&h->ev[child], moving))
            break;
        h->ev[hole] = h->ev[child];
        hole = child;
    }
    h->ev[hole] = *moving;
}

/* ---- blocks ---- */

/* Blocks n pending events can occupy: each non-empty bucket has full blocks and one partial
 * tail, and during a refill the block being emptied may be one more partial block. */
static size_t pool_need(size_t n)
{
    return n / BLOCK_EVENTS + (n < N_BUCKETS ? n : N_BUCKETS) + 2;
}

static sim_status pool_reserve(sim_queue *q, size_t n)
{
    size_t need = pool_need(n);
    while (q->n_blocks < need) {
        block *b = malloc(sizeof *b);
        if (b == NULL)
            return SIM_NOMEM;
        b->next = q->spare;
        q->spare = b;
        q->n_blocks++;
    }
    return SIM_OK;
}

static void block_list_free(block *b)
{
    while (b != NULL) {
        block *next = b->next;
        free(b);
        b = next;
    }
}

/* A fresh block at the bucket's tail; the pool reserve guarantees a spare one. */
static block *bucket_grow(sim_queue *q, int b)
{
    bucket *bk = &q->bucket[b];
    block *fresh = q->spare;
    q->spare = fresh->next;
    fresh->next = NULL;
    fresh->n = 0;
    if (bk->tail == NULL) {
        bk->head = fresh;
        q->nonempty[b / 64] |= UINT64_C(1) << (b % 64);
        q->n_nonempty++;
    } else {
        bk->tail->next = fresh;
    }
    bk->tail = fresh;
    return fresh;
}

static void bucket_append(sim_queue *q, int b, uint64_t key, const sim_event *ev)
{
    bucket *bk = &q->bucket[b];
    block *tail = bk->tail;
    if (tail == NULL || tail->n == BLOCK_EVENTS)
        tail = bucket_grow(q, b);
    sim_event *slot = &tail->ev[tail->n++];
    *slot = *ev;
    bk->n++;
    if (bk->first == NULL || sim_event_before(slot, bk->first))
        bk->first = slot;
    if (key > bk->max_key)
        bk->max_key = key;
}

static void place(sim_queue *q, const sim_event *ev)
{
    uint64_t key = time_key(ev->t);
    if (key <= q->last)
        heap_insert(&q->front, ev);
    else
        bucket_append(q, bucket_index(key, q->last), key, ev);
}

/* Empty bucket b into the front and lower buckets (last has been moved into its range);
 * each block goes back to the pool as soon as it has been read. */
static void bucket_drain(sim_queue *q, int b)
{
    bucket *bk = &q->bucket[b];
    block *blk = bk->head;
    *bk = (bucket){0};
    q->nonempty[b / 64] &= ~(UINT64_C(1) << (b % 64));
    q->n_nonempty--;
    while (blk != NULL) {
        for (size_t i = 0; i < blk->n; i++)
            place(q, &blk->ev[i]);
        block *next = blk->next;
        blk->next = q->spare;
        q->spare = blk;
        blk = next;
    }
}

/* The front is empty and some bucket is not. */
static void refill(sim_queue *q)
{
    if (q->n <= FRONT_REFILL) {
        q->last = q->bucket[highest_bucket(q)].max_key;
        while (q->n_nonempty > 0)
            bucket_drain(q, lowest_bucket(q));
        return;
    }
    int b = lowest_bucket(q);
    const bucket *bk = &q->bucket[b];
    q->last = bk->n <= FRONT_REFILL ? bk->max_key : time_key(bk->first->t);
    bucket_drain(q, b);
}

/* ---- the queue ---- */

sim_queue *sim_queue_alloc(size_t capacity)
{
    if (capacity == 0)
        capacity = QUEUE_DEFAULT_CAPACITY;
    if (capacity > SIZE_MAX / 2 / sizeof(sim_event))
        return NULL;
    sim_queue *q = calloc(1, sizeof *q);
    if (q == NULL)
        return NULL;
    if (heap_reserve(&q->front, capacity) != SIM_OK || pool_reserve(q, capacity) != SIM_OK) {
        sim_queue_free(q);
        return NULL;
    }
    return q;
}

void sim_queue_free(sim_queue *q)
{
    if (q == NULL)
        return;
    for (int b = 0; b < N_BUCKETS; b++)
        block_list_free(q->bucket[b].head);
    block_list_free(q->spare);
    free(q->front.ev);
    free(q);
}

sim_status sim_queue_push(sim_queue *q, const sim_event *ev)
{
    if (heap_reserve(&q->front, q->n + 1) != SIM_OK || pool_reserve(q, q->n + 1) != SIM_OK)
        return SIM_NOMEM;
    place(q, ev);
    q->n++;
    return SIM_OK;
}

int sim_queue_pop(sim_queue *q, sim_event *out)
{
    if (q->n == 0)
        return 0;
    if (q->front.n == 0)
        refill(q);
    heap_remove_top(&q->front, out);
    q->n--;
    return 1;
}

const sim_event *sim_queue_peek(const sim_queue *q)
{
    if (q->front.n > 0)
        return &q->front.ev[0];
    if (q->n_nonempty == 0)
        return NULL;
    return q->bucket[lowest_bucket(q)].first;
}

size_t sim_queue_size(const sim_queue *q)
{
    return q->n;
}

/* Blocks go back to the pool; last restarts at 0, below every key. */
void sim_queue_clear(sim_queue *q)
{
    for (int b = 0; b < N_BUCKETS; b++) {
        bucket *bk = &q->bucket[b];
        if (bk->tail != NULL) {
            bk->tail->next = q->spare;
            q->spare = bk->head;
        }
        *bk = (bucket){0};
    }
    memset(q->nonempty, 0, sizeof q->nonempty);
    q->n_nonempty = 0;
    q->last = 0;
    q->front.n = 0;
    q->n = 0;
}

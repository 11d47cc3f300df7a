/*
 * flow.c - the flow table (DESIGN.md "flow table").
 *
 * Chained hashing over a power-of-two bucket array, and a doubly linked list
 * in last-seen order.  The array starts small and doubles while the
 * connections outnumber half its buckets, up to twice the cap: a capture with
 * a few hundred connections open keeps its buckets in the cache instead of
 * spreading lookups over a quarter of a megabyte.  Lookup hashes the tuple so
 * that both directions land in the same bucket (each connection keeps the
 * hash), then compares each orientation.
 */
#include "config.h"

#include "flow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

static uint64_t mix(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

/*
 * A capture is hostile input: with a hash anyone can compute, a capture made
 * for it could put every connection in one bucket and make each packet's
 * lookup walk thousands.  So the hash is keyed with a seed drawn per table,
 * and every input bit goes through the mix: an IPv4 address and its port fill
 * one word; anything longer takes a round per word, so that no two endpoints
 * collide by construction (XOR-ing words together before one round would let
 * the words cancel).
 */
static uint64_t addr_hash(const struct rd_addr *a, uint16_t port, uint64_t seed)
{
    uint64_t lo;
    uint64_t hi;

    memcpy(&lo, a->a, 8);
    memcpy(&hi, a->a + 8, 8);
    if (hi == 0 && lo <= 0xffffffffu) {
        return mix((lo | (uint64_t)port << 32) ^ seed);
    }
    return mix(mix(mix(lo ^ seed) ^ hi) ^ port);
}

/* Symmetric: the same for (a, b) and (b, a). */
static uint64_t tuple_hash(const struct rd_flow_table *t, const struct rd_addr *a, uint16_t ap,
                           const struct rd_addr *b, uint16_t bp)
{
    return addr_hash(a, ap, t->seed) + addr_hash(b, bp, t->seed);
}

/* Not for secrecy: enough that a capture cannot be made for it in advance. */
static uint64_t draw_seed(const struct rd_flow_table *t)
{
    uint64_t seed = 0;
    struct timespec ts;

    if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) == (ssize_t)sizeof(seed)) {
        return seed;
    }
    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return mix((uint64_t)ts.tv_nsec ^ (uint64_t)ts.tv_sec << 30 ^ (uint64_t)(uintptr_t)t ^
               (uint64_t)getpid() << 48);
}

static bool addr_same(const struct rd_addr *a, const struct rd_addr *b)
{
    return a->family == b->family && memcmp(a->a, b->a, 16) == 0;
}

#define FIRST_BUCKETS 64

int rd_flow_init(struct rd_flow_table *t, size_t cap, char *errbuf, size_t errsize)
{
    size_t n = FIRST_BUCKETS;

    memset(t, 0, sizeof(*t));
    while (n < cap * 2 && n < ((size_t)1 << 30)) {
        n <<= 1;
    }
    t->max_buckets = n;
    t->buckets = calloc(FIRST_BUCKETS, sizeof(*t->buckets));
    if (t->buckets == NULL) {
        snprintf(errbuf, errsize, "out of memory for a flow table of %zu connections", cap);
        return -1;
    }
    t->nbuckets = FIRST_BUCKETS;
    t->cap = cap;
    t->seed = draw_seed(t);
    t->next_id = 1;
    return 0;
}

void rd_flow_free(struct rd_flow_table *t)
{
    free(t->buckets);
    t->buckets = NULL;
}

struct rd_conn *rd_flow_lookup(struct rd_flow_table *t, const struct rd_packet *p,
                               bool *from_client)
{
    uint64_t h = tuple_hash(t, &p->src, p->sport, &p->dst, p->dport);

    for (struct rd_conn *c = t->buckets[h & (t->nbuckets - 1)]; c != NULL; c = c->hnext) {
        if (c->hkey != h) {
            continue;
        }
        if (c->cport == p->sport && c->sport == p->dport && addr_same(&c->cli, &p->src) &&
            addr_same(&c->srv, &p->dst)) {
            *from_client = true;
            return c;
        }
        if (c->sport == p->sport && c->cport == p->dport && addr_same(&c->srv, &p->src) &&
            addr_same(&c->cli, &p->dst)) {
            *from_client = false;
            return c;
        }
    }
    return NULL;
}

static int conn_class(const struct rd_conn *c)
{
    return c->closed ? RD_FLOW_CLOSED : c->established ? RD_FLOW_ESTABLISHED : RD_FLOW_OPEN;
}

static void list_append(struct rd_flow_table *t, struct rd_conn *c)
{
    int k = conn_class(c);

    c->lclass = (uint8_t)k;
    c->lnext = NULL;
    c->lprev = t->tail[k];
    if (t->tail[k] != NULL) {
        t->tail[k]->lnext = c;
    } else {
        t->head[k] = c;
    }
    t->tail[k] = c;
}

static void list_unlink(struct rd_flow_table *t, struct rd_conn *c)
{
    int k = c->lclass;

    if (c->lprev != NULL) {
        c->lprev->lnext = c->lnext;
    } else {
        t->head[k] = c->lnext;
    }
    if (c->lnext != NULL) {
        c->lnext->lprev = c->lprev;
    } else {
        t->tail[k] = c->lprev;
    }
    c->lprev = NULL;
    c->lnext = NULL;
}

struct rd_conn *rd_flow_oldest(const struct rd_flow_table *t)
{
    struct rd_conn *o = NULL;

    for (int k = 0; k < 3; k++) {
        if (t->head[k] != NULL && (o == NULL || t->head[k]->last_ts < o->last_ts)) {
            o = t->head[k];
        }
    }
    return o;
}

bool rd_flow_full(const struct rd_flow_table *t)
{
    return t->count >= t->cap;
}

/* Twice the buckets, every connection rehashed; on allocation failure the
 * table keeps its size (chains get longer, nothing is lost). */
static void grow(struct rd_flow_table *t)
{
    size_t n = t->nbuckets * 2;
    struct rd_conn **nb = calloc(n, sizeof(*nb));

    if (nb == NULL) {
        return;
    }
    for (size_t i = 0; i < t->nbuckets; i++) {
        struct rd_conn *c = t->buckets[i];
        while (c != NULL) {
            struct rd_conn *next = c->hnext;
            size_t b = (size_t)c->hkey & (n - 1);
            c->hnext = nb[b];
            nb[b] = c;
            c = next;
        }
    }
    free(t->buckets);
    t->buckets = nb;
    t->nbuckets = n;
}

struct rd_conn *rd_flow_insert(struct rd_flow_table *t, const struct rd_packet *p, bool from_client)
{
    struct rd_conn *c = calloc(1, sizeof(*c));
    size_t b;

    if (c == NULL) {
        return NULL;
    }
    c->id = t->next_id++;
    if (from_client) {
        c->cli = p->src;
        c->srv = p->dst;
        c->cport = p->sport;
        c->sport = p->dport;
    } else {
        c->cli = p->dst;
        c->srv = p->src;
        c->cport = p->dport;
        c->sport = p->sport;
    }
    rd_stream_init(&c->stream[RD_DIR_C2S]);
    rd_stream_init(&c->stream[RD_DIR_S2C]);
    c->rtt_ns = -1;
    c->first_frame = p->frame;
    c->first_ts = p->ts_ns;
    if ((t->count + 1) * 2 > t->nbuckets && t->nbuckets < t->max_buckets) {
        grow(t);
    }
    c->hkey = tuple_hash(t, &c->cli, c->cport, &c->srv, c->sport);
    b = (size_t)c->hkey & (t->nbuckets - 1);
    c->hnext = t->buckets[b];
    t->buckets[b] = c;
    list_append(t, c);
    t->count++;
    return c;
}

void rd_flow_touch(struct rd_flow_table *t, struct rd_conn *c)
{
    if (t->tail[conn_class(c)] != c) {
        list_unlink(t, c);
        list_append(t, c);
    }
}

void rd_flow_remove(struct rd_flow_table *t, struct rd_conn *c)
{
    size_t b = (size_t)c->hkey & (t->nbuckets - 1);
    struct rd_conn **pp = &t->buckets[b];

    while (*pp != NULL && *pp != c) {
        pp = &(*pp)->hnext;
    }
    if (*pp == c) {
        *pp = c->hnext;
    }
    c->hnext = NULL;
    list_unlink(t, c);
    t->count--;
}

size_t rd_flow_longest_chain(const struct rd_flow_table *t)
{
    size_t longest = 0;

    for (size_t i = 0; i < t->nbuckets; i++) {
        size_t n = 0;
        for (const struct rd_conn *c = t->buckets[i]; c != NULL; c = c->hnext) {
            n++;
        }
        if (n > longest) {
            longest = n;
        }
    }
    return longest;
}

/* pktq.c - the chunk queue between the reading and the analysing thread. */
#include "config.h"

#include "pktq.h"

#include <stdlib.h>
#include <string.h>

#include "compat.h"

#define ALIGN8(n) (((n) + 7u) & ~(size_t)7u)

int rd_pktq_init(struct rd_pktq *q, size_t nchunks, size_t chunk_size)
{
    memset(q, 0, sizeof(*q));
    q->chunks = calloc(nchunks, sizeof(*q->chunks));
    if (q->chunks == NULL) {
        return -1;
    }
    if (pthread_mutex_init(&q->lock, NULL) != 0) {
        free(q->chunks);
        return -1;
    }
    if (pthread_cond_init(&q->cond, NULL) != 0) {
        pthread_mutex_destroy(&q->lock);
        free(q->chunks);
        return -1;
    }
    for (size_t i = 0; i < nchunks; i++) {
        struct rd_pktq_chunk *ch = calloc(1, sizeof(*ch));
        if (ch == NULL || (ch->buf = malloc(chunk_size)) == NULL) {
            free(ch);
            rd_pktq_free(q);
            return -1;
        }
        ch->size = chunk_size;
        ch->next = q->free_list;
        q->free_list = ch;
        q->chunks[q->nchunks++] = ch;
    }
    return 0;
}

/* Called with the reading thread joined; chunks are freed wherever they are. */
void rd_pktq_free(struct rd_pktq *q)
{
    for (size_t i = 0; i < q->nchunks; i++) {
        free(q->chunks[i]->buf);
        free(q->chunks[i]);
    }
    free(q->chunks);
    q->chunks = NULL;
    q->nchunks = 0;
    q->free_list = q->full_head = q->full_tail = NULL;
    pthread_cond_destroy(&q->cond);
    pthread_mutex_destroy(&q->lock);
}

struct rd_pktq_chunk *rd_pktq_get_empty(struct rd_pktq *q, bool *reader_waited,
                                        bool *analyser_waited)
{
    struct rd_pktq_chunk *ch = NULL;

    pthread_mutex_lock(&q->lock);
    *reader_waited = !q->closed && q->free_list == NULL;
    *analyser_waited = q->analyser_waited;
    q->analyser_waited = false;
    while (!q->closed && q->free_list == NULL) {
        pthread_cond_wait(&q->cond, &q->lock);
    }
    if (!q->closed) {
        ch = q->free_list;
        q->free_list = ch->next;
        ch->next = NULL;
        ch->used = 0;
        ch->read_pos = 0;
        ch->last = false;
        ch->status = 0;
        ch->error[0] = '\0';
    }
    pthread_mutex_unlock(&q->lock);
    return ch;
}

/* What starts each record in a chunk (8-byte aligned), then the counters when
 * they moved, then struct rd_packet or struct raw_frame, then the bytes. */
struct rec_head {
    uint32_t bytes;
    uint8_t raw;
    uint8_t has_counts;
};

struct raw_frame {
    uint64_t frame;
    int64_t ts_ns;
    uint32_t caplen, wirelen;
};

static bool counts_moved(const struct rd_pktq_counts *a, const struct rd_pktq_counts *b)
{
    return a->other != b->other || a->not_ip != b->not_ip || a->fragments != b->fragments ||
           a->truncated != b->truncated || a->malformed != b->malformed ||
           a->payload_cut != b->payload_cut;
}

bool rd_pktq_append(struct rd_pktq_chunk *ch, const struct rd_packet *p, bool raw,
                    const struct rd_pktq_counts *counts, struct rd_pktq_counts *last)
{
    bool with_counts = counts_moved(counts, last);
    size_t body = raw ? sizeof(struct raw_frame) : sizeof(struct rd_packet);
    size_t need = ALIGN8(sizeof(struct rec_head)) +
                  (with_counts ? ALIGN8(sizeof(struct rd_pktq_counts)) : 0) + ALIGN8(body) +
                  ALIGN8((size_t)p->paylen);
    uint8_t *at;
    struct rec_head *h;

    if (need > ch->size - ch->used) {
        uint8_t *bigger;
        if (ch->used != 0) {
            return false; /* full: the next chunk takes it */
        }
        bigger = realloc(ch->buf, need); /* one record larger than a chunk */
        if (bigger == NULL) {
            return false;
        }
        ch->buf = bigger;
        ch->size = need;
    }
    at = ch->buf + ch->used;
    h = (struct rec_head *)(void *)at;
    h->bytes = p->paylen;
    h->raw = raw;
    h->has_counts = with_counts;
    at += ALIGN8(sizeof(*h));
    if (with_counts) {
        memcpy(at, counts, sizeof(*counts));
        at += ALIGN8(sizeof(*counts));
    }
    if (raw) {
        struct raw_frame *r = (struct raw_frame *)(void *)at;
        r->frame = p->frame;
        r->ts_ns = p->ts_ns;
        r->caplen = p->caplen;
        r->wirelen = p->wirelen;
        at += ALIGN8(sizeof(*r));
        if (p->paylen > 0) {
            memcpy(at, p->payload, p->paylen);
        }
    } else {
        struct rd_packet *q = (struct rd_packet *)(void *)at;
        *q = *p;
        at += ALIGN8(sizeof(*q));
        q->payload = NULL;
        if (p->paylen > 0) {
            memcpy(at, p->payload, p->paylen);
            q->payload = at;
        }
    }
    ch->used += need;
    *last = *counts;
    return true;
}

void rd_pktq_put_full(struct rd_pktq *q, struct rd_pktq_chunk *ch)
{
    pthread_mutex_lock(&q->lock);
    ch->next = NULL;
    if (q->full_tail != NULL) {
        q->full_tail->next = ch;
    } else {
        q->full_head = ch;
    }
    q->full_tail = ch;
    pthread_cond_broadcast(&q->cond);
    pthread_mutex_unlock(&q->lock);
}

struct rd_pktq_chunk *rd_pktq_get_full(struct rd_pktq *q)
{
    struct rd_pktq_chunk *ch;

    pthread_mutex_lock(&q->lock);
    if (q->full_head == NULL) {
        q->analyser_waited = true;
    }
    while (q->full_head == NULL) {
        pthread_cond_wait(&q->cond, &q->lock);
    }
    ch = q->full_head;
    q->full_head = ch->next;
    if (q->full_head == NULL) {
        q->full_tail = NULL;
    }
    ch->next = NULL;
    pthread_mutex_unlock(&q->lock);
    return ch;
}

bool rd_pktq_next(struct rd_pktq_chunk *ch, struct rd_pktq_item *it)
{
    const uint8_t *at;
    const struct rec_head *h;

    if (ch->read_pos >= ch->used) {
        return false;
    }
    at = ch->buf + ch->read_pos;
    h = (const struct rec_head *)(const void *)at;
    at += ALIGN8(sizeof(*h));
    it->raw = h->raw;
    it->counts = NULL;
    if (h->has_counts) {
        it->counts = (const struct rd_pktq_counts *)(const void *)at;
        at += ALIGN8(sizeof(struct rd_pktq_counts));
    }
    if (h->raw) {
        const struct raw_frame *r = (const struct raw_frame *)(const void *)at;
        it->pkt = NULL;
        it->frame = r->frame;
        it->ts_ns = r->ts_ns;
        it->caplen = r->caplen;
        it->wirelen = r->wirelen;
        at += ALIGN8(sizeof(*r));
        it->bytes = at;
    } else {
        it->pkt = (const struct rd_packet *)(const void *)at;
        it->frame = it->pkt->frame;
        at += ALIGN8(sizeof(struct rd_packet));
        it->bytes = at;
    }
    at += ALIGN8((size_t)h->bytes);
    ch->read_pos = (size_t)(at - ch->buf);
    /* The next record was written by the other core: ask for its first lines
     * now, while this one is analysed. */
    if (ch->read_pos < ch->used) {
        RD_PREFETCH(at);
        RD_PREFETCH(at + 64);
        RD_PREFETCH(at + 128);
        RD_PREFETCH(at + 192);
    }
    return true;
}

void rd_pktq_put_empty(struct rd_pktq *q, struct rd_pktq_chunk *ch)
{
    pthread_mutex_lock(&q->lock);
    ch->next = q->free_list;
    q->free_list = ch;
    pthread_cond_broadcast(&q->cond);
    pthread_mutex_unlock(&q->lock);
}

void rd_pktq_close(struct rd_pktq *q)
{
    pthread_mutex_lock(&q->lock);
    q->closed = true;
    pthread_cond_broadcast(&q->cond);
    pthread_mutex_unlock(&q->lock);
}

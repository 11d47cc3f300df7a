/* pktq.c - the chunk queue between the reading and the analysing thread. */
#include "config.h"

#include "pktq.h"

#include <stdlib.h>
#include <string.h>

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

bool rd_pktq_append(struct rd_pktq_chunk *ch, const struct rd_packet *p, bool raw,
                    const struct rd_pktq_counts *counts)
{
    size_t need = ALIGN8(sizeof(struct rd_pktq_rec)) + ALIGN8((size_t)p->paylen);
    struct rd_pktq_rec *r;
    uint8_t *payload;

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
    r = (struct rd_pktq_rec *)(void *)(ch->buf + ch->used);
    payload = ch->buf + ch->used + ALIGN8(sizeof(struct rd_pktq_rec));
    r->counts = *counts;
    r->raw = raw;
    r->pkt = *p;
    if (p->paylen > 0) {
        memcpy(payload, p->payload, p->paylen);
        r->pkt.payload = payload;
    } else {
        r->pkt.payload = NULL;
    }
    ch->used += need;
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

const struct rd_pktq_rec *rd_pktq_next(struct rd_pktq_chunk *ch)
{
    const struct rd_pktq_rec *r;

    if (ch->read_pos >= ch->used) {
        return NULL;
    }
    r = (const struct rd_pktq_rec *)(const void *)(ch->buf + ch->read_pos);
    ch->read_pos += ALIGN8(sizeof(struct rd_pktq_rec)) + ALIGN8((size_t)r->pkt.paylen);
    return r;
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

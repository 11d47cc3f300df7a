/*
 * attempt.c - connections grouped into user attempts (see attempt.h).
 *
 * The open attempts are few (they close RD_ATTEMPT_GAP after their last
 * connection), so a linear search is enough; closed ones are kept for the
 * summary only when they say something (more than one connection, or a
 * failure), up to a cap, and counted beyond it.
 */
#include "config.h"

#include "attempt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "context.h"
#include "decode.h"
#include "session.h"
#include "textfmt.h"
#include "x224.h"

int rd_attempts_init(struct rd_attempts *a)
{
    memset(a, 0, sizeof(*a));
    a->open = calloc(RD_ATTEMPT_ACTIVE, sizeof(*a->open));
    a->slot = calloc(RD_ATTEMPT_ACTIVE, sizeof(*a->slot));
    a->done = calloc(RD_ATTEMPT_LISTED, sizeof(*a->done));
    if (a->open == NULL || a->slot == NULL || a->done == NULL) {
        rd_attempts_free(a);
        return -1;
    }
    return 0;
}

void rd_attempts_free(struct rd_attempts *a)
{
    free(a->open);
    free(a->slot);
    free(a->done);
    a->open = NULL;
    a->slot = NULL;
    a->done = NULL;
}

static void close_at(struct rd_attempts *a, size_t i)
{
    struct rd_attempt *t = &a->open[i];

    a->total++;
    if (!t->last_ok && t->has_failure) {
        a->total_failed++;
    }
    if (t->conns > 1) {
        a->multi++;
    }
    if (t->conns > 1 || t->has_failure) {
        if (a->n_done < RD_ATTEMPT_LISTED) {
            a->done[a->n_done++] = *t;
        } else {
            a->not_listed++;
        }
    }
    a->open[i] = a->open[--a->n_open];
    a->slot[i] = a->slot[a->n_open];
}

/* Close what can no longer grow: silent for longer than the gap. */
static void close_stale(struct rd_attempts *a, int64_t now)
{
    size_t i = 0;

    while (i < a->n_open) {
        if (now - a->slot[i].last_end_ts > RD_ATTEMPT_GAP_NS) {
            close_at(a, i);
        } else {
            i++;
        }
    }
}

static void append(struct rd_attempt *t, const char *piece)
{
    size_t n = strlen(t->story);
    size_t room = sizeof(t->story) - n;
    size_t want = strlen(piece) + (n > 0 ? 2 : 0);

    if (want >= room) {
        return; /* the story is full; the verdicts of each connection say the rest */
    }
    if (n > 0) {
        memcpy(t->story + n, "; ", 2);
        n += 2;
    }
    memcpy(t->story + n, piece, strlen(piece) + 1);
}

/* Name the patterns a support engineer recognises. */
static const char *pattern(const struct rd_attempt *t, const struct rd_conn *c,
                           const struct rd_verdict *v)
{
    const struct rd_session *s = c->session;

    if (t->conns == 0) {
        return "";
    }
    if (v->cause == RD_CAUSE_NEG_FAILURE && s != NULL &&
        s->x224.failure_code == RD_X224_HYBRID_REQUIRED_BY_SERVER && t->has_failure &&
        (t->phase == RD_PHASE_CREDSSP || t->phase == RD_PHASE_EARLY_USER_AUTH)) {
        return " (the client's automatic retry without NLA after the NLA failure)";
    }
    if (!rd_addr_eq(&t->srv, &c->srv)) {
        return v->outcome == RD_OUTCOME_OK
                   ? " (the next address of the same DNS name, which worked)"
                   : " (the next address of the same DNS name)";
    }
    if (v->outcome == RD_OUTCOME_OK && t->has_failure && t->cause == RD_CAUSE_CERT_REJECTED) {
        return " (the user accepted the certificate prompt and the client reconnected)";
    }
    if (v->outcome == RD_OUTCOME_OK && t->has_failure) {
        return " (a retry that worked)";
    }
    if (v->outcome == RD_OUTCOME_FAILED && v->cause == t->cause) {
        return " (the same failure again)";
    }
    return "";
}

static uint64_t pair_key(const struct rd_addr *cli, const struct rd_addr *srv, uint16_t port)
{
    uint64_t h = 1469598103934665603ULL ^ port;

    for (size_t i = 0; i < sizeof(cli->a); i++) {
        h = (h ^ cli->a[i]) * 1099511628211ULL;
        h = (h ^ srv->a[i]) * 1099511628211ULL;
    }
    return h;
}

/* A client that tries the next address of a name after the first one failed:
 * the open attempt to another address that the same DNS answer gave. */
static struct rd_attempt *by_dns_name(struct rd_attempts *a, const struct rd_conn *c)
{
    const struct rd_conn_context *cc = c->context;

    if (cc == NULL || cc->nnames == 0) {
        return NULL;
    }
    for (size_t n = 0; n < cc->nnames; n++) {
        for (size_t k = 0; k < cc->names[n].nothers; k++) {
            for (size_t i = 0; i < a->n_open; i++) {
                struct rd_attempt *o = &a->open[i];
                if (o->sport == c->sport && rd_addr_eq(&o->cli, &c->cli) &&
                    rd_addr_eq(&o->srv, &cc->names[n].others[k]) &&
                    c->first_ts - o->last_end_ts <= RD_ATTEMPT_GAP_NS) {
                    return o;
                }
            }
        }
    }
    return NULL;
}

uint64_t rd_attempts_add(struct rd_attempts *a, const struct rd_conn *c, const struct rd_verdict *v)
{
    struct rd_attempt *t = NULL;

    uint64_t key = pair_key(&c->cli, &c->srv, c->sport);

    if (c->first_ts - a->last_stale_check >= 1000000000LL || c->first_ts < a->last_stale_check) {
        close_stale(a, c->first_ts);
        a->last_stale_check = c->first_ts;
    }
    for (size_t i = 0; i < a->n_open; i++) {
        struct rd_attempt *o = &a->open[i];
        if (a->slot[i].key == key && c->first_ts - a->slot[i].last_end_ts <= RD_ATTEMPT_GAP_NS &&
            o->sport == c->sport && rd_addr_eq(&o->cli, &c->cli) && rd_addr_eq(&o->srv, &c->srv)) {
            t = o;
            break;
        }
    }
    if (t == NULL) {
        t = by_dns_name(a, c);
    }
    if (t == NULL) {
        if (a->n_open == RD_ATTEMPT_ACTIVE) {
            close_at(a, 0); /* the table is full: the oldest ends early */
        }
        t = &a->open[a->n_open++];
        memset(t, 0, sizeof(*t));
        t->id = c->id;
        t->key = key;
        t->cli = c->cli;
        t->srv = c->srv;
        t->sport = c->sport;
        t->start_ts = c->first_ts;
    }
    {
        char piece[RD_ATTEMPT_STORY];
        rd_format(piece, sizeof(piece), "connection %llu %s%s", (unsigned long long)c->id,
                  v->outcome == RD_OUTCOME_OK ? "ok" : rd_cause_name(v->cause), pattern(t, c, v));
        append(t, piece);
    }
    t->conns++;
    t->last_id = c->id;
    if (c->last_ts > t->last_end_ts) {
        t->last_end_ts = c->last_ts;
    }
    a->slot[t - a->open] = (struct rd_attempt_slot){t->key, t->last_end_ts};
    t->last_ok = v->outcome == RD_OUTCOME_OK;
    if (v->outcome == RD_OUTCOME_FAILED) {
        t->failed++;
        if (!t->has_failure) {
            t->has_failure = true;
            t->cause = v->cause;
            t->phase = v->phase;
            t->cause_conn = c->id;
        }
    }
    return t->id;
}

static int by_id(const void *x, const void *y)
{
    const struct rd_attempt *a = x, *b = y;

    return a->id < b->id ? -1 : a->id > b->id;
}

void rd_attempts_close_all(struct rd_attempts *a)
{
    while (a->n_open > 0) {
        close_at(a, a->n_open - 1);
    }
    qsort(a->done, a->n_done, sizeof(a->done[0]), by_id);
}

void rd_attempt_outcome(const struct rd_attempt *t, char *buf, size_t size)
{
    if (t->last_ok) {
        rd_format(buf, size, "%s",
                  t->has_failure ? "succeeded after a failed connection" : "succeeded");
    } else if (t->has_failure) {
        rd_format(buf, size, "failed at %s: %s (connection %llu)", rd_phase_name(t->phase),
                  rd_cause_name(t->cause), (unsigned long long)t->cause_conn);
    } else {
        rd_format(buf, size, "did not finish in the capture");
    }
}

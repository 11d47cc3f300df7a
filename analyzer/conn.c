/* conn.c - timeline and evidence helpers of the connection record. */
#include "config.h"

#include "conn.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "textfmt.h"

static const char *const ev_names[RD_EV_COUNT] = {
    "syn",       "syn_ack",     "handshake",  "retransmission",
    "duplicate", "zero_window", "keep_alive", "fin",
    "rst",       "gap",         "pdu",        "malformed",
    "phase",     "anomaly",     "icmp",       "note",
};

const char *rd_ev_name(enum rd_ev kind)
{
    return (unsigned)kind < RD_EV_COUNT ? ev_names[kind] : "invalid";
}

const char *rd_dir_arrow(enum rd_dir d)
{
    switch (d) {
    case RD_DIR_C2S:
        return "C->S";
    case RD_DIR_S2C:
        return "C<-S";
    case RD_DIR_NONE:
        break;
    }
    return "    ";
}

static struct rd_event *event_slot(struct rd_conn *c)
{
    if (c->n_events == c->cap_events) {
        unsigned ncap = c->cap_events == 0 ? 4 : c->cap_events * 2;
        struct rd_event *n;

        if (ncap > RD_TIMELINE_MAX) {
            ncap = RD_TIMELINE_MAX;
        }
        if (ncap == c->cap_events) {
            c->events_dropped++;
            return NULL;
        }
        n = realloc(c->timeline, ncap * sizeof(*n));
        if (n == NULL) {
            c->events_dropped++;
            return NULL;
        }
        c->timeline = n;
        c->cap_events = ncap;
    }
    return &c->timeline[c->n_events++];
}

/* Noise (retransmissions, duplicates) may take this many events; the last
 * RD_CLOSE_RESERVE slots are kept for the FINs and RSTs that end a connection. */
#define RD_NOISE_MAX     24
#define RD_CLOSE_RESERVE 8

static void vevent(struct rd_conn *c, const struct rd_packet *p, enum rd_dir dir, enum rd_ev kind,
                   bool noise, const char *fmt, va_list ap) RD_PRINTF(6, 0);

static void vevent(struct rd_conn *c, const struct rd_packet *p, enum rd_dir dir, enum rd_ev kind,
                   bool noise, const char *fmt, va_list ap)
{
    bool closing = kind == RD_EV_FIN || kind == RD_EV_RST;
    struct rd_event *e;

    if ((noise && c->noise_events > RD_NOISE_MAX) ||
        (!closing && c->n_events >= RD_TIMELINE_MAX - RD_CLOSE_RESERVE)) {
        c->events_dropped++;
        return;
    }
    e = event_slot(c);
    if (e == NULL) {
        return;
    }
    e->frame = p != NULL ? p->frame : 0;
    e->ts_ns = p != NULL ? p->ts_ns : c->last_ts;
    e->dir = (uint8_t)dir;
    e->kind = (uint8_t)kind;
    e->noise = noise;
    rd_vformat(e->text, sizeof(e->text), fmt, ap);
}

void rd_conn_event(struct rd_conn *c, const struct rd_packet *p, enum rd_dir dir, enum rd_ev kind,
                   const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vevent(c, p, dir, kind, false, fmt, ap);
    va_end(ap);
}

void rd_conn_noise(struct rd_conn *c, const struct rd_packet *p, enum rd_dir dir, enum rd_ev kind,
                   const char *fmt, ...)
{
    va_list ap;

    c->noise_events++;
    va_start(ap, fmt);
    vevent(c, p, dir, kind, true, fmt, ap);
    va_end(ap);
}

void rd_verdict_evidence(struct rd_verdict *v, uint64_t frame, int64_t ts_ns, const char *fmt, ...)
{
    struct rd_evidence *e;
    va_list ap;

    if (v->n_evidence >= RD_EVIDENCE_MAX) {
        return;
    }
    e = &v->evidence[v->n_evidence++];
    e->frame = frame;
    e->ts_ns = ts_ns;
    va_start(ap, fmt);
    rd_vformat(e->text, sizeof(e->text), fmt, ap);
    va_end(ap);
}

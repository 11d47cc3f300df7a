/*
 * report.c - text and NDJSON rendering of finished connections.
 *
 * JSON field names are stable and documented in the README; "schema" is bumped
 * on any incompatible change.
 */
#include "config.h"

#include "report.h"

#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "decode.h"
#include "diagnose.h"
#include "session.h"

#define NS_PER_SEC 1000000000LL

void rd_report_init(struct rd_report *r, const struct rd_report_opts *o, FILE *out)
{
    memset(r, 0, sizeof(*r));
    r->opts = *o;
    r->out = out;
}

void rd_format_time(int64_t ts_ns, char *buf, size_t size)
{
    int64_t sec = ts_ns / NS_PER_SEC;
    int64_t us = (ts_ns % NS_PER_SEC) / 1000;
    time_t t;
    struct tm tm;

    if (us < 0) {
        us += 1000000;
        sec--;
    }
    t = (time_t)sec;
    if (gmtime_r(&t, &tm) == NULL) {
        snprintf(buf, size, "invalid-time");
        return;
    }
    snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)us);
}

void rd_format_endpoint(const struct rd_addr *a, uint16_t port, char *buf, size_t size)
{
    char ip[64];

    rd_addr_format(a, ip, sizeof(ip));
    if (a->family == 6) {
        snprintf(buf, size, "[%s]:%u", ip, port);
    } else {
        snprintf(buf, size, "%s:%u", ip, port);
    }
}

void rd_json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        switch (*p) {
        case '"':
            fputs("\\\"", f);
            break;
        case '\\':
            fputs("\\\\", f);
            break;
        case '\n':
            fputs("\\n", f);
            break;
        case '\r':
            fputs("\\r", f);
            break;
        case '\t':
            fputs("\\t", f);
            break;
        default:
            if (*p < 0x20 || *p >= 0x7f) {
                fprintf(f, "\\u%04x", *p);
            } else {
                fputc(*p, f);
            }
        }
    }
    fputc('"', f);
}

static double rel_s(const struct rd_conn *c, int64_t ts)
{
    return (double)(ts - c->first_ts) / NS_PER_SEC;
}

static bool shown(const struct rd_report *r, const struct rd_verdict *v)
{
    return r->opts.all || v->outcome != RD_OUTCOME_OK;
}

/* ---- text ----------------------------------------------------------------- */

static const char *color(const struct rd_report *r, const char *code)
{
    return r->opts.color ? code : "";
}

static void text_conn(struct rd_report *r, const struct rd_conn *c, const struct rd_verdict *v)
{
    FILE *f = r->out;
    char cli[80], srv[80], start[40];
    const char *oc = v->outcome == RD_OUTCOME_FAILED ? "\033[1;31m"
                     : v->outcome == RD_OUTCOME_OK   ? "\033[32m"
                                                     : "\033[33m";
    const char *reset = color(r, "\033[0m");

    rd_format_endpoint(&c->cli, c->cport, cli, sizeof(cli));
    rd_format_endpoint(&c->srv, c->sport, srv, sizeof(srv));
    rd_format_time(c->first_ts, start, sizeof(start));
    fprintf(f,
            "%sconnection %" PRIu64 "%s  %s -> %s  %s  (%.3f s, frames %" PRIu64 "-%" PRIu64 ")\n",
            color(r, "\033[1m"), c->id, reset, cli, srv, start, rel_s(c, c->last_ts),
            c->first_frame, c->last_frame);
    for (unsigned i = 0; i < c->n_events; i++) {
        const struct rd_event *e = &c->timeline[i];
        if (e->noise && !r->opts.verbose) {
            continue;
        }
        if (e->frame != 0) {
            fprintf(f, "  %s%11.6f  #%-7" PRIu64 " %s  %s%s\n", e->noise ? color(r, "\033[2m") : "",
                    rel_s(c, e->ts_ns), e->frame, rd_dir_arrow((enum rd_dir)e->dir), e->text,
                    e->noise ? reset : "");
        } else {
            fprintf(f, "  %11.6f  %-8s %s  %s\n", rel_s(c, e->ts_ns), "", "    ", e->text);
        }
    }
    if (c->events_dropped > 0) {
        fprintf(f, "  (%u more events not kept)\n", c->events_dropped);
    }
    if (!r->opts.verbose && c->noise_events > 0) {
        fprintf(f, "  (%u retransmission/duplicate events hidden: -v shows them)\n",
                c->noise_events);
    }
    fprintf(f, "  verdict   %s%s%s in phase %s: %s (closed by %s, %s)\n", color(r, oc),
            rd_outcome_name(v->outcome), reset, rd_phase_name(v->phase), rd_cause_name(v->cause),
            rd_closer_name(v->closed_by), rd_close_kind_name(v->close));
    fprintf(f, "  why       %s\n", v->explanation);
    for (unsigned i = 0; i < v->n_evidence; i++) {
        fprintf(f, "  %s #%" PRIu64 " %s\n", i == 0 ? "evidence " : "         ",
                v->evidence[i].frame, v->evidence[i].text);
    }
    if (v->client_error[0] != '\0') {
        fprintf(f, "  client    most likely showed error %s (%s)\n", v->client_error,
                v->client_error_confidence);
    }
    for (unsigned i = 0; i < v->n_remedies; i++) {
        fprintf(f, "  %s %u. %s\n", i == 0 ? "fix      " : "         ", i + 1, v->remedies[i]);
    }
    if (v->warning[0] != '\0') {
        fprintf(f, "  warning   %s\n", v->warning);
    }
    fputc('\n', f);
}

static void quiet_conn(struct rd_report *r, const struct rd_conn *c, const struct rd_verdict *v)
{
    char cli[80], srv[80];

    rd_format_endpoint(&c->cli, c->cport, cli, sizeof(cli));
    rd_format_endpoint(&c->srv, c->sport, srv, sizeof(srv));
    fprintf(r->out, "%" PRIu64 " %s -> %s %s phase=%s cause=%s closed_by=%s close=%s\n", c->id, cli,
            srv, rd_outcome_name(v->outcome), rd_phase_name(v->phase), rd_cause_name(v->cause),
            rd_closer_name(v->closed_by), rd_close_kind_name(v->close));
}

/* ---- JSON ----------------------------------------------------------------- */

static void json_endpoint(FILE *f, const struct rd_addr *a, uint16_t port)
{
    char ip[64];

    rd_addr_format(a, ip, sizeof(ip));
    fputs("{\"ip\":", f);
    rd_json_string(f, ip);
    fprintf(f, ",\"port\":%u}", port);
}

static void json_tcpdir(FILE *f, const struct rd_tcpdir *t)
{
    fprintf(f,
            "{\"packets\":%" PRIu64 ",\"bytes\":%" PRIu64 ",\"retransmissions\":%u,"
            "\"duplicates\":%u,\"zero_windows\":%u,\"keep_alives\":%u,\"gap_bytes\":%" PRIu64
            ",\"ttl\":%u}",
            t->packets, t->bytes, t->retrans, t->duplicates, t->zero_windows, t->keepalives,
            t->gap_bytes, t->have_ttl ? t->ttl_first : 0);
}

static void json_x224(FILE *f, const struct rd_session *s)
{
    const struct rd_x224_facts *x;

    if (s == NULL || !s->x224.cr_seen) {
        fputs("null", f);
        return;
    }
    x = &s->x224;
    fprintf(f, "{\"request_frame\":%" PRIu64 ",\"confirm_frame\":%" PRIu64 "}", x->cr_frame,
            x->cc_seen ? x->cc_frame : 0);
}

static void json_conn(struct rd_report *r, const struct rd_conn *c, const struct rd_verdict *v)
{
    FILE *f = r->out;
    char start[40];

    rd_format_time(c->first_ts, start, sizeof(start));
    fprintf(f, "{\"schema\":%d,\"id\":%" PRIu64 ",\"client\":", RD_JSON_SCHEMA, c->id);
    json_endpoint(f, &c->cli, c->cport);
    fputs(",\"server\":", f);
    json_endpoint(f, &c->srv, c->sport);
    fprintf(f,
            ",\"start\":\"%s\",\"duration_ms\":%.3f,\"first_frame\":%" PRIu64
            ",\"last_frame\":%" PRIu64,
            start, (double)(c->last_ts - c->first_ts) / 1e6, c->first_frame, c->last_frame);
    fprintf(f,
            ",\"outcome\":\"%s\",\"phase\":\"%s\",\"closed_by\":\"%s\",\"close\":\"%s\","
            "\"cause\":\"%s\",\"detail\":%s,\"evidence\":[",
            rd_outcome_name(v->outcome), rd_phase_name(v->phase), rd_closer_name(v->closed_by),
            rd_close_kind_name(v->close), rd_cause_name(v->cause), v->detail_json);
    for (unsigned i = 0; i < v->n_evidence; i++) {
        fprintf(f, "%s{\"frame\":%" PRIu64 ",\"t\":%.6f,\"text\":", i ? "," : "",
                v->evidence[i].frame, rel_s(c, v->evidence[i].ts_ns));
        rd_json_string(f, v->evidence[i].text);
        fputc('}', f);
    }
    fputs("],\"client_error\":", f);
    if (v->client_error[0] != '\0') {
        fputs("{\"code\":", f);
        rd_json_string(f, v->client_error);
        fputs(",\"confidence\":", f);
        rd_json_string(f, v->client_error_confidence);
        fputc('}', f);
    } else {
        fputs("null", f);
    }
    fputs(",\"explanation\":", f);
    rd_json_string(f, v->explanation);
    fputs(",\"remedies\":[", f);
    for (unsigned i = 0; i < v->n_remedies; i++) {
        if (i) {
            fputc(',', f);
        }
        rd_json_string(f, v->remedies[i]);
    }
    fputs("],\"warning\":", f);
    if (v->warning[0] != '\0') {
        rd_json_string(f, v->warning);
    } else {
        fputs("null", f);
    }
    fputs(",\"x224\":", f);
    json_x224(f, c->session);
    fputs(",\"tls\":null,\"certificate\":null,\"credssp\":null", f);
    fprintf(f, ",\"tcp\":{\"start_captured\":%s,\"rtt_ms\":", c->start_seen ? "true" : "false");
    if (c->rtt_ns >= 0) {
        fprintf(f, "%.3f", (double)c->rtt_ns / 1e6);
    } else {
        fputs("null", f);
    }
    fprintf(f, ",\"evicted\":%s,\"client\":", c->evicted ? "true" : "false");
    json_tcpdir(f, &c->tcp[RD_DIR_C2S]);
    fputs(",\"server\":", f);
    json_tcpdir(f, &c->tcp[RD_DIR_S2C]);
    fputs("},\"timeline\":[", f);
    for (unsigned i = 0; i < c->n_events; i++) {
        const struct rd_event *e = &c->timeline[i];
        static const char *const dirs[] = {"c2s", "s2c", "none"};
        fprintf(f, "%s{\"frame\":%" PRIu64 ",\"t\":%.6f,\"dir\":\"%s\",\"kind\":\"%s\",\"text\":",
                i ? "," : "", e->frame, rel_s(c, e->ts_ns), dirs[e->dir < 3 ? e->dir : 2],
                rd_ev_name((enum rd_ev)e->kind));
        rd_json_string(f, e->text);
        fputc('}', f);
    }
    fprintf(f, "],\"timeline_dropped\":%u}\n", c->events_dropped);
}

void rd_report_conn(struct rd_report *r, const struct rd_conn *c, const struct rd_verdict *v)
{
    r->total++;
    r->by_cause[v->cause]++;
    if (v->outcome == RD_OUTCOME_FAILED) {
        r->failed++;
    } else if (v->outcome == RD_OUTCOME_OK) {
        r->ok++;
    } else {
        r->incomplete++;
    }
    switch (r->opts.format) {
    case RD_FMT_JSON:
        json_conn(r, c, v);
        break;
    case RD_FMT_QUIET:
        quiet_conn(r, c, v);
        break;
    case RD_FMT_TEXT:
        if (shown(r, v)) {
            text_conn(r, c, v);
        }
        break;
    }
}

void rd_report_end(struct rd_report *r, const struct rd_engine_stats *st, FILE *err)
{
    uint64_t skipped = st->fragments + st->truncated + st->malformed;
    FILE *f = r->opts.format == RD_FMT_TEXT ? r->out : err;

    if (r->opts.format == RD_FMT_TEXT) {
        fprintf(f,
                "%" PRIu64 " RDP connection%s: %" PRIu64 " failed, %" PRIu64 " ok, %" PRIu64
                " incomplete",
                r->total, r->total == 1 ? "" : "s", r->failed, r->ok, r->incomplete);
        if (!r->opts.all && r->ok > 0) {
            fputs(" (--all shows the healthy ones)", f);
        }
        fputc('\n', f);
        if (r->failed > 0) {
            fputs("failed by cause:", f);
            for (unsigned i = 0; i < RD_CAUSE_COUNT; i++) {
                if (r->by_cause[i] > 0 && i != RD_CAUSE_NONE) {
                    fprintf(f, " %s=%" PRIu64, rd_cause_name((enum rd_cause)i), r->by_cause[i]);
                }
            }
            fputc('\n', f);
        }
    }
    if (skipped > 0 || st->payload_cut > 0 || st->evicted > 0 || st->time_backwards > 0) {
        fprintf(f,
                "capture: %" PRIu64 " frames; skipped %" PRIu64 " (%" PRIu64
                " IP fragments, %" PRIu64 " cut inside a header by the snapshot length, %" PRIu64
                " malformed); %" PRIu64 " with payload cut by the snapshot length; %" PRIu64
                " connections finished early (table full); %" PRIu64
                " timestamps going backwards\n",
                st->frames, skipped, st->fragments, st->truncated, st->malformed, st->payload_cut,
                st->evicted, st->time_backwards);
    }
}

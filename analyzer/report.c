/*
 * report.c - text and NDJSON rendering of finished connections.
 *
 * JSON field names are stable and documented in the README; "schema" is bumped
 * on any incompatible change.
 */
#include "config.h"

#include "report.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "context.h"
#include "decode.h"
#include "diagnose.h"
#include "kerberos.h"
#include "mcs.h"
#include "ntstatus.h"
#include "session.h"
#include "t124.h"
#include "textfmt.h"
#include "tls.h"
#include "x224.h"
#include "x509.h"

#define NS_PER_SEC 1000000000LL
/* The summary-first body is kept in memory up to BODY_MEM (a few thousand
 * connections' reports), in blocks of BODY_BLOCK bytes so that growing it never
 * copies what is there; then in a temporary file, whose stdio buffer and the
 * copy's block are BODY_BUFFER: a write per 4 KiB otherwise. */
#define BODY_MEM    (8 * 1024 * 1024)
#define BODY_BLOCK  (256 * 1024)
#define BODY_BUFFER (256 * 1024)

struct rd_body_block {
    struct rd_body_block *next;
    size_t len;
    char data[BODY_BLOCK - 2 * sizeof(void *)];
};

/* fopencookie's write: append to the chain; a short count when out of memory,
 * which stdio reports as a write error. */
static ssize_t body_write(void *cookie, const char *buf, size_t size)
{
    struct rd_report *r = cookie;
    size_t done = 0;

    while (done < size) {
        struct rd_body_block *b = r->mem_tail;
        size_t n;

        if (b == NULL || b->len == sizeof(b->data)) {
            b = malloc(sizeof(*b));
            if (b == NULL) {
                break;
            }
            b->next = NULL;
            b->len = 0;
            if (r->mem_tail != NULL) {
                r->mem_tail->next = b;
            } else {
                r->mem_head = b;
            }
            r->mem_tail = b;
        }
        n = sizeof(b->data) - b->len;
        if (n > size - done) {
            n = size - done;
        }
        memcpy(b->data + b->len, buf + done, n);
        b->len += n;
        done += n;
    }
    r->memlen += done;
    return done > 0 || size == 0 ? (ssize_t)done : -1;
}

static void free_blocks(struct rd_report *r)
{
    while (r->mem_head != NULL) {
        struct rd_body_block *b = r->mem_head;
        r->mem_head = b->next;
        free(b);
    }
    r->mem_tail = NULL;
    r->memlen = 0;
}

static void copy_blocks(const struct rd_report *r, FILE *to)
{
    for (const struct rd_body_block *b = r->mem_head; b != NULL; b = b->next) {
        fwrite(b->data, 1, b->len, to);
    }
}

int rd_report_init(struct rd_report *r, const struct rd_report_opts *o, FILE *out)
{
    memset(r, 0, sizeof(*r));
    r->opts = *o;
    r->out = out;
    if (o->format == RD_FMT_TEXT && o->summary_first) {
        const char *max = getenv("RDPDIAG_BODY_MEM");
        cookie_io_functions_t io = {NULL, body_write, NULL, NULL};

        r->mem_max = max != NULL ? (size_t)strtoull(max, NULL, 10) : BODY_MEM;
        r->body = fopencookie(r, "w", io);
        if (r->body == NULL) {
            r->opts.summary_first = false;
            return -1;
        }
    }
    return 0;
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
        rd_format(buf, size, "invalid-time");
        return;
    }
    rd_format(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900, tm.tm_mon + 1,
              tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)us);
}

void rd_format_endpoint(const struct rd_addr *a, uint16_t port, char *buf, size_t size)
{
    char ip[64];

    rd_addr_format(a, ip, sizeof(ip));
    if (a->family == 6) {
        rd_format(buf, size, "[%s]:%u", ip, port);
    } else {
        rd_format(buf, size, "%s:%u", ip, port);
    }
}

void rd_json_string(FILE *f, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    fputc('"', f);
    while (*p != '\0') {
        /* A run that needs no escape goes out in one write (JSON reports are
         * mostly text, and a write per character showed in the profile). */
        const unsigned char *run = p;
        while (*p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\') {
            p++;
        }
        if (p > run) {
            fwrite(run, 1, (size_t)(p - run), f);
        }
        switch (*p) {
        case '\0':
            continue;
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
            rd_fprintf(f, "\\u%04x", *p);
        }
        p++;
    }
    fputc('"', f);
}

/* Seconds since the connection's first packet, as "%.6f" would print them. */
static const char *rel_text(const struct rd_conn *c, int64_t ts, char *buf, size_t size)
{
    return rd_format_fixed(buf, size, ts - c->first_ts, NS_PER_SEC, 6);
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

static void text_context(FILE *f, const struct rd_conn_context *cc)
{
    if (cc == NULL || !cc->client_known) {
        return;
    }
    for (size_t i = 0; i < cc->nnames; i++) {
        rd_fprintf(f, "  dns       #%-7" PRIu64 " the client resolved %s%s%s to this server%s\n",
                   cc->names[i].frame, cc->names[i].name, cc->names[i].canonical[0] ? " (via " : "",
                   cc->names[i].canonical[0] ? cc->names[i].canonical : "",
                   cc->names[i].canonical[0] ? ")" : "");
    }
    if (cc->termsrv != RD_CTX_TGS_NONE) {
        rd_fprintf(f, "  kerberos  #%-7" PRIu64 " ticket for %s: %s%s%s\n", cc->termsrv_req_frame,
                   cc->termsrv_sname, rd_context_tgs_name(cc->termsrv),
                   cc->termsrv == RD_CTX_TGS_REFUSED ? " " : "",
                   cc->termsrv == RD_CTX_TGS_REFUSED ? cc->termsrv_error_name : "");
    }
}

/* One timeline line, built in a buffer and written at once: timelines are the
 * bulk of the text report, and printf's parsing per line showed in the
 * profile.  The layout is "  %11.6f  #%-7llu %s  %s" (eight blanks for the
 * frame when there is none), colour codes around noise. */
struct line {
    char buf[RD_EVENT_TEXT + 96];
    size_t n;
};

/* v in decimal (what %" PRIu64 " prints), without printf. */
static const char *u64_text(char *buf, size_t size, uint64_t v)
{
    char tmp[24];
    size_t n = 0, i;

    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0);
    for (i = 0; i < n && i + 1 < size; i++) {
        buf[i] = tmp[n - 1 - i];
    }
    if (size > 0) {
        buf[i] = '\0';
    }
    return buf;
}

static void put(struct line *l, const char *s)
{
    size_t k = strlen(s);

    if (k > sizeof(l->buf) - l->n) {
        k = sizeof(l->buf) - l->n;
    }
    memcpy(l->buf + l->n, s, k);
    l->n += k;
}

static void put_padded(struct line *l, const char *s, size_t width, bool left)
{
    size_t k = strlen(s);

    if (left) {
        put(l, s);
    }
    for (; k < width; k++) {
        put(l, " ");
    }
    if (!left) {
        put(l, s);
    }
}

static void event_line(FILE *f, const struct rd_report *r, const struct rd_conn *c,
                       const struct rd_event *e)
{
    struct line l = {.n = 0};
    char t[32], num[24];

    rel_text(c, e->ts_ns, t, sizeof t);
    put(&l, "  ");
    if (e->frame != 0) {
        put(&l, e->noise ? color(r, "\033[2m") : "");
        put_padded(&l, t, 11, false);
        put(&l, "  #");
        put_padded(&l, u64_text(num, sizeof num, e->frame), 7, true);
        put(&l, " ");
        put(&l, rd_dir_arrow((enum rd_dir)e->dir));
        put(&l, "  ");
        put(&l, e->text);
        put(&l, e->noise ? color(r, "\033[0m") : "");
    } else {
        put_padded(&l, t, 11, false);
        put(&l, "           "); /* two blanks, the empty frame column, one blank */
        put(&l, "      ");      /* no direction, two blanks */
        put(&l, e->text);
    }
    put(&l, "\n");
    fwrite(l.buf, 1, l.n, f);
}

static void text_conn(struct rd_report *r, const struct rd_conn *c, const struct rd_verdict *v,
                      uint64_t attempt)
{
    FILE *f = r->body != NULL ? r->body : r->out;
    char cli[80], srv[80], start[40], dur[32];
    const char *oc = v->outcome == RD_OUTCOME_FAILED ? "\033[1;31m"
                     : v->outcome == RD_OUTCOME_OK   ? "\033[32m"
                                                     : "\033[33m";
    const char *reset = color(r, "\033[0m");

    rd_format_endpoint(&c->cli, c->cport, cli, sizeof(cli));
    rd_format_endpoint(&c->srv, c->sport, srv, sizeof(srv));
    rd_format_time(c->first_ts, start, sizeof(start));
    rd_fprintf(f,
               "%sconnection %" PRIu64 "%s  %s -> %s  %s  (%s s, frames %" PRIu64 "-%" PRIu64 ")\n",
               color(r, "\033[1m"), c->id, reset, cli, srv, start,
               rd_format_fixed(dur, sizeof(dur), c->last_ts - c->first_ts, NS_PER_SEC, 3),
               c->first_frame, c->last_frame);
    if (attempt != c->id) {
        rd_fprintf(f, "  (part of the attempt that began with connection %" PRIu64 ")\n", attempt);
    }
    for (unsigned i = 0; i < c->n_events; i++) {
        const struct rd_event *e = &c->timeline[i];
        if (e->noise && !r->opts.verbose) {
            continue;
        }
        event_line(f, r, c, e);
    }
    if (c->events_dropped > 0) {
        rd_fprintf(f, "  (%u more events not kept)\n", c->events_dropped);
    }
    if (!r->opts.verbose && c->noise_events > 0) {
        rd_fprintf(f, "  (%u retransmission/duplicate events hidden: -v shows them)\n",
                   c->noise_events);
    }
    text_context(f, c->context);
    rd_fprintf(f, "  verdict   %s%s%s in phase %s: %s (closed by %s, %s)\n", color(r, oc),
               rd_outcome_name(v->outcome), reset, rd_phase_name(v->phase), rd_cause_name(v->cause),
               rd_closer_name(v->closed_by), rd_close_kind_name(v->close));
    rd_fprintf(f, "  why       %s\n", v->explanation);
    for (unsigned i = 0; i < v->n_evidence; i++) {
        rd_fprintf(f, "  %s #%" PRIu64 " %s\n", i == 0 ? "evidence " : "         ",
                   v->evidence[i].frame, v->evidence[i].text);
    }
    if (v->client_error[0] != '\0') {
        rd_fprintf(f, "  client    most likely showed error %s (%s)\n", v->client_error,
                   v->client_error_confidence);
    }
    for (unsigned i = 0; i < v->n_remedies; i++) {
        rd_fprintf(f, "  %s %u. %s\n", i == 0 ? "fix      " : "         ", i + 1, v->remedies[i]);
    }
    if (v->warning[0] != '\0') {
        rd_fprintf(f, "  warning   %s\n", v->warning);
    }
    fputc('\n', f);
}

static void quiet_conn(struct rd_report *r, const struct rd_conn *c, const struct rd_verdict *v)
{
    char cli[80], srv[80];

    rd_format_endpoint(&c->cli, c->cport, cli, sizeof(cli));
    rd_format_endpoint(&c->srv, c->sport, srv, sizeof(srv));
    rd_fprintf(r->out, "%" PRIu64 " %s -> %s %s phase=%s cause=%s closed_by=%s close=%s\n", c->id,
               cli, srv, rd_outcome_name(v->outcome), rd_phase_name(v->phase),
               rd_cause_name(v->cause), rd_closer_name(v->closed_by), rd_close_kind_name(v->close));
}

/* ---- JSON ----------------------------------------------------------------- */

static void json_endpoint(FILE *f, const struct rd_addr *a, uint16_t port)
{
    char ip[64];

    rd_addr_format(a, ip, sizeof(ip));
    fputs("{\"ip\":", f);
    rd_json_string(f, ip);
    rd_fprintf(f, ",\"port\":%u}", port);
}

static void json_tcpdir(FILE *f, const struct rd_tcpdir *t)
{
    rd_fprintf(f,
               "{\"packets\":%" PRIu64 ",\"bytes\":%" PRIu64 ",\"retransmissions\":%u,"
               "\"duplicates\":%u,\"zero_windows\":%u,\"keep_alives\":%u,\"gap_bytes\":%" PRIu64
               ",\"ttl\":%u}",
               t->packets, t->bytes, t->retrans, t->duplicates, t->zero_windows, t->keepalives,
               t->gap_bytes, t->have_ttl ? t->ttl_first : 0);
}

static const char *dir_word(unsigned dir)
{
    return dir == RD_DIR_C2S ? "client" : "server";
}

static void json_bool(FILE *f, const char *key, bool v, bool comma)
{
    rd_fprintf(f, "%s\"%s\":%s", comma ? "," : "", key, v ? "true" : "false");
}

static void json_kv_str(FILE *f, const char *key, const char *v, bool comma)
{
    rd_fprintf(f, "%s\"%s\":", comma ? "," : "", key);
    rd_json_string(f, v);
}

static void json_x224(FILE *f, const struct rd_session *s)
{
    const struct rd_x224_facts *x;
    char prot[64];

    if (s == NULL || !s->x224.cr_seen) {
        fputs("null", f);
        return;
    }
    x = &s->x224;
    rd_x224_protocols_str(x->requested, prot, sizeof(prot));
    rd_fprintf(f, "{\"request_frame\":%" PRIu64, x->cr_frame);
    json_bool(f, "request_malformed", x->cr_malformed, true);
    json_bool(f, "neg_req", x->has_neg_req, true);
    json_kv_str(f, "requested", x->has_neg_req ? prot : "RDP", true);
    json_bool(f, "restricted_admin", (x->req_flags & RD_X224_RESTRICTED_ADMIN_MODE_REQUIRED) != 0,
              true);
    json_bool(f, "remote_credential_guard",
              (x->req_flags & RD_X224_REDIRECTED_AUTHENTICATION_MODE_REQUIRED) != 0, true);
    fputs(",\"cookie\":", f);
    if (x->has_cookie) {
        rd_json_string(f, x->cookie);
    } else {
        fputs("null", f);
    }
    fputs(",\"correlation_id\":", f);
    if (x->has_correlation) {
        rd_json_string(f, x->correlation);
    } else {
        fputs("null", f);
    }
    if (!x->cc_seen) {
        fputs(",\"confirm_frame\":null,\"confirm\":null,\"selected\":null,\"failure\":null", f);
    } else {
        rd_fprintf(f, ",\"confirm_frame\":%" PRIu64 ",\"confirm\":\"%s\"", x->cc_frame,
                   x->cc_malformed               ? "malformed"
                   : x->cc_kind == RD_CC_FAILURE ? "failure"
                   : x->cc_kind == RD_CC_RSP     ? "rsp"
                                                 : "legacy");
        if (x->cc_kind == RD_CC_FAILURE) {
            rd_fprintf(f, ",\"selected\":null,\"failure\":\"%s\"",
                       rd_x224_failure_name(x->failure_code));
        } else {
            rd_fprintf(f, ",\"selected\":\"%s\",\"failure\":null",
                       rd_x224_protocol_name(x->selected));
        }
    }
    if (x->dr_seen) {
        rd_fprintf(f,
                   ",\"disconnect_request\":{\"frame\":%" PRIu64 ",\"from\":\"%s\",\"reason\":%u}",
                   x->dr_frame, dir_word(x->dr_dir), x->dr_reason);
    } else {
        fputs(",\"disconnect_request\":null", f);
    }
    fputc('}', f);
}

static void json_mcs(FILE *f, const struct rd_session *s)
{
    const struct rd_mcs_facts *m;

    if (s == NULL || !s->mcs.ci_seen) {
        fputs("null", f);
        return;
    }
    m = &s->mcs;
    rd_fprintf(f, "{\"connect_initial_frame\":%" PRIu64, m->ci_frame);
    if (m->has_client_core) {
        json_kv_str(f, "client_name", m->client_name, true);
        rd_fprintf(f, ",\"client_build\":%u,\"desktop\":\"%ux%u\",\"keyboard_layout\":\"0x%08x\"",
                   m->client_build, m->desktop_w, m->desktop_h, m->keyboard_layout);
    }
    rd_fprintf(f, ",\"channels\":%u", m->channels);
    if (m->cr_seen) {
        rd_fprintf(f, ",\"connect_response_frame\":%" PRIu64 ",\"result\":\"%s\"", m->cr_frame,
                   rd_mcs_result_name(m->cr_result));
    }
    if (m->has_server_security) {
        rd_fprintf(
            f,
            ",\"standard_security\":{\"encryption_method\":\"%s\",\"encryption_level\":\"%s\","
            "\"server_certificate\":\"%s\",\"security_exchange_frame\":%" PRIu64
            ",\"encrypted_pdus\":{\"client\":%u,\"server\":%u}}",
            rd_t124_encryption_method_name(m->enc_method),
            rd_t124_encryption_level_name(m->enc_level),
            m->server_cert_kind == 2   ? "x509"
            : m->server_cert_kind == 1 ? "proprietary"
                                       : "none",
            m->sec_exchange ? m->sec_exchange_frame : 0, m->encrypted[0], m->encrypted[1]);
    }
    if (m->ultimatum) {
        rd_fprintf(f,
                   ",\"disconnect_ultimatum\":{\"frame\":%" PRIu64
                   ",\"from\":\"%s\",\"reason\":\"%s\"}",
                   m->ultimatum_frame, dir_word(m->ultimatum_dir),
                   rd_mcs_reason_name(m->ultimatum_reason));
    } else {
        fputs(",\"disconnect_ultimatum\":null", f);
    }
    fputc('}', f);
}

static void json_tls(FILE *f, const struct rd_session *s)
{
    const struct rd_tls_facts *t;

    if (s == NULL || !s->tls.ch_seen) {
        fputs("null", f);
        return;
    }
    t = &s->tls;
    rd_fprintf(f, "{\"client_hello_frame\":%" PRIu64, t->ch_frame);
    json_bool(f, "sslv2_hello", t->sslv2, true);
    rd_fprintf(
        f, ",\"client_versions\":{\"min\":\"%s\",\"max\":\"%s\"},\"cipher_suites_offered\":%u",
        rd_tls_version_name(t->min_offered), rd_tls_version_name(t->max_offered), t->suites_total);
    fputs(",\"sni\":", f);
    if (t->sni[0] != '\0') {
        rd_json_string(f, t->sni);
    } else {
        fputs("null", f);
    }
    if (t->sh_seen) {
        rd_fprintf(f, ",\"server_hello_frame\":%" PRIu64 ",\"version\":\"%s\",\"cipher\":\"%s\"",
                   t->sh_frame, rd_tls_version_name(t->version), rd_tls_cipher_name(t->cipher));
    } else {
        fputs(",\"server_hello_frame\":null,\"version\":null,\"cipher\":null", f);
    }
    json_bool(f, "hello_retry", t->hrr, true);
    json_bool(f, "handshake_complete", t->done, true);
    if (t->done) {
        rd_fprintf(f, ",\"complete_frame\":%" PRIu64, t->done_frame);
    }
    if (t->alert_seen) {
        rd_fprintf(f, ",\"alert\":{\"frame\":%" PRIu64 ",\"from\":\"%s\"", t->alert_frame,
                   dir_word(t->alert_dir));
        if (t->alert_encrypted) {
            fputs(",\"encrypted\":true,\"level\":null,\"description\":null}", f);
        } else {
            rd_fprintf(f, ",\"encrypted\":false,\"level\":\"%s\",\"description\":\"%s\"}",
                       rd_tls_alert_level_name(t->alert_level), rd_tls_alert_name(t->alert_desc));
        }
    } else {
        fputs(",\"alert\":null", f);
    }
    rd_fprintf(f,
               ",\"records\":{\"client\":%u,\"server\":%u},\"application_records\":{\"client\":%u,"
               "\"server\":%u}}",
               t->records[0], t->records[1], t->app_records[0], t->app_records[1]);
}

static void json_time(FILE *f, const char *key, int64_t secs)
{
    time_t t = (time_t)secs;
    struct tm tm;

    if (gmtime_r(&t, &tm) == NULL) {
        rd_fprintf(f, ",\"%s\":null", key);
        return;
    }
    rd_fprintf(f, ",\"%s\":\"%04d-%02d-%02dT%02d:%02d:%02dZ\"", key, tm.tm_year + 1900,
               tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static void json_certificate(FILE *f, const struct rd_session *s)
{
    const struct rd_tls_facts *t;
    const struct rd_x509_facts *x;

    if (s == NULL || !s->tls.ch_seen || (!s->tls.cert_seen && !s->tls.cert_encrypted)) {
        fputs("null", f);
        return;
    }
    t = &s->tls;
    if (!t->cert_seen) {
        fputs("{\"encrypted\":true}", f); /* TLS 1.3 */
        return;
    }
    x = t->leaf;
    rd_fprintf(f, "{\"frame\":%" PRIu64 ",\"chain_length\":%u", t->cert_frame, t->n_certs);
    if (!t->cert_parsed || x == NULL) {
        json_kv_str(f, "error", t->cert_error, true);
        fputc('}', f);
        return;
    }
    json_kv_str(f, "subject", x->subject, true);
    json_kv_str(f, "issuer", x->issuer, true);
    fputs(",\"sans\":[", f);
    for (size_t i = 0; i < x->n_sans; i++) {
        if (i) {
            fputc(',', f);
        }
        rd_json_string(f, x->sans[i].value);
    }
    fputc(']', f);
    json_kv_str(f, "serial", x->serial_hex, true);
    json_time(f, "not_before", x->not_before);
    json_time(f, "not_after", x->not_after);
    json_kv_str(f, "key", rd_x509_key_type_name(x->key_type), true);
    rd_fprintf(f, ",\"key_bits\":%u", x->key_bits);
    json_kv_str(f, "signature", x->sig_alg, true);
    json_kv_str(f, "sha256", x->sha256_fp, true);
    json_bool(f, "self_signed", x->is_self_signed, true);
    json_bool(f, "expired", t->expired, true);
    json_bool(f, "not_yet_valid", t->not_yet_valid, true);
    json_bool(f, "expires_within_30_days", t->expiring_soon, true);
    json_bool(f, "weak_key", t->weak_key, true);
    json_bool(f, "weak_signature", t->weak_sig, true);
    rd_fprintf(f, ",\"name_matches\":%s}",
               t->name_match == RD_X509_YES  ? "true"
               : t->name_match == RD_X509_NO ? "false"
                                             : "null");
}

/* What decryption showed (MS-CSSP TSRequests, NTLM/Kerberos names, the Early
 * User Authorization Result, Client Info): names and codes, never secrets. */
static void json_decoded(FILE *f, const struct rd_session *s)
{
    const struct rd_dec_facts *d = &s->dec;

    if (!d->decrypting) {
        rd_fprintf(f, ",\"decrypted\":false,\"key_note\":%s",
                   d->failed ? "\"keys given but none matched this session\"" : "null");
        return;
    }
    fputs(",\"decrypted\":true", f);
    json_kv_str(f, "key_source", d->key_source, true);
    if (d->has_error) {
        rd_fprintf(f, ",\"error_code\":\"0x%08x\",\"error\":", d->error_code);
        rd_json_string(f, rd_ntstatus_name(d->error_code));
        rd_fprintf(f, ",\"error_frame\":%" PRIu64, d->error_frame);
    } else {
        fputs(",\"error_code\":null,\"error\":null", f);
    }
    if (d->has_early_auth) {
        rd_fprintf(f, ",\"early_auth\":{\"frame\":%" PRIu64 ",\"result\":\"%s\"}",
                   d->early_auth_frame, rd_early_auth_name(d->early_auth));
    } else {
        fputs(",\"early_auth\":null", f);
    }
    if (d->has_ntlm_challenge) {
        fputs(",\"ntlm_server\":{", f);
        json_kv_str(f, "netbios_computer", d->nb_computer, false);
        json_kv_str(f, "netbios_domain", d->nb_domain, true);
        json_kv_str(f, "dns_computer", d->dns_computer, true);
        json_kv_str(f, "dns_domain", d->dns_domain, true);
        if (d->has_server_time) {
            json_time(f, "server_time", d->server_time);
        }
        fputc('}', f);
    }
    if (d->has_ntlm_auth) {
        fputs(",\"ntlm_client\":{", f);
        json_kv_str(f, "domain", d->ntlm_domain, false);
        json_kv_str(f, "user", d->ntlm_user, true);
        json_kv_str(f, "workstation", d->ntlm_workstation, true);
        rd_fprintf(f, ",\"ntlmv2\":%s,\"anonymous\":%s,\"nt_response_bytes\":%u}",
                   d->ntlmv2 ? "true" : "false", d->ntlm_anonymous ? "true" : "false",
                   d->nt_response_len);
    }
    if (d->has_krb) {
        fputs(",\"kerberos\":{", f);
        json_kv_str(f, "realm", d->krb_realm, false);
        json_kv_str(f, "service", d->krb_sname, true);
        if (d->has_krb_error) {
            rd_fprintf(f, ",\"error\":%d,\"error_name\":", d->krb_error);
            rd_json_string(f, rd_krb_error_name(d->krb_error));
        }
        fputc('}', f);
    }
    if (d->has_client_info) {
        rd_fprintf(f, ",\"client_info\":{\"frame\":%" PRIu64, d->client_info_frame);
        json_kv_str(f, "user", d->info_user, true);
        json_kv_str(f, "domain", d->info_domain, true);
        rd_fprintf(f, ",\"password_present\":%s}", d->info_password_len > 0 ? "true" : "false");
    }
    fputs(",\"tsrequests\":[", f);
    for (unsigned i = 0; i < d->n_req; i++) {
        const struct rd_tsreq_facts *r = &d->req[i];
        rd_fprintf(f, "%s{\"frame\":%" PRIu64 ",\"from\":\"%s\",\"version\":%u,\"token\":\"%s\"",
                   i ? "," : "", r->frame, dir_word(r->dir), r->version,
                   rd_nego_kind_name(r->nego));
        json_bool(f, "pub_key_auth", r->has_pub_key_auth, true);
        json_bool(f, "auth_info", r->has_auth_info, true);
        json_bool(f, "client_nonce", r->has_client_nonce, true);
        if (r->has_error_code) {
            rd_fprintf(f, ",\"error_code\":\"0x%08x\"", r->error_code);
        }
        fputc('}', f);
    }
    fputc(']', f);
}

static void json_credssp(FILE *f, const struct rd_session *s)
{
    const struct rd_credssp_facts *k;
    bool decoded;

    if (s == NULL || !s->nla || (!s->credssp.started && s->dec.n_req == 0)) {
        fputs("null", f);
        return;
    }
    k = &s->credssp;
    decoded = s->dec.decrypting && s->dec.pkg_known;
    rd_fprintf(f, "{\"package\":\"%s\",\"package_inferred\":%s",
               k->pkg == RD_PKG_NTLM       ? "ntlm"
               : k->pkg == RD_PKG_KERBEROS ? "kerberos"
                                           : "unknown",
               decoded ? "false" : "true");
    json_bool(f, "credentials_sent", k->reached[RD_LEG_CREDENTIALS], true);
    fputs(",\"legs\":[", f);
    for (unsigned i = 0; i < k->n_legs; i++) {
        const struct rd_credssp_leg *l = &k->legs[i];
        rd_fprintf(f,
                   "%s{\"frame\":%" PRIu64 ",\"from\":\"%s\",\"leg\":\"%s\",\"bytes\":%u,"
                   "\"records\":%u,\"inferred\":%s}",
                   i ? "," : "", l->frame, dir_word(l->dir), rd_leg_name(l->leg), l->bytes,
                   l->records, s->dec.decrypting ? "false" : "true");
    }
    fputc(']', f);
    json_decoded(f, s);
    fputc('}', f);
}

/* The client's DNS answers and Kerberos exchanges around the connection. */
static void json_context(FILE *f, const struct rd_conn_context *cc)
{
    char ip[64];

    if (cc == NULL || !cc->client_known) {
        fputs("null", f);
        return;
    }
    fputs("{\"dns\":[", f);
    for (size_t i = 0; i < cc->nnames; i++) {
        const struct rd_conn_context_name *n = &cc->names[i];
        rd_fprintf(f, "%s{\"frame\":%" PRIu64, i ? "," : "", n->frame);
        json_kv_str(f, "name", n->name, true);
        json_kv_str(f, "canonical", n->canonical, true);
        fputs(",\"other_addresses\":[", f);
        for (size_t a = 0; a < n->nothers; a++) {
            rd_addr_format(&n->others[a], ip, sizeof(ip));
            if (a) {
                fputc(',', f);
            }
            rd_json_string(f, ip);
        }
        fputs("]}", f);
    }
    fputs("],\"kerberos\":[", f);
    for (size_t i = 0; i < cc->nkrb; i++) {
        const struct rd_conn_context_krb *k = &cc->krb[i];
        rd_fprintf(f, "%s{\"frame\":%" PRIu64 ",\"type\":\"%s\"", i ? "," : "", k->frame,
                   k->type_name);
        json_kv_str(f, "realm", k->realm, true);
        json_kv_str(f, "service", k->sname, true);
        json_bool(f, "during", k->during, true);
        if (k->has_error) {
            rd_fprintf(f, ",\"error\":\"%s\"", k->error_name);
        }
        fputc('}', f);
    }
    rd_fprintf(f, "],\"termsrv_ticket\":\"%s\"", rd_context_tgs_name(cc->termsrv));
    if (cc->termsrv != RD_CTX_TGS_NONE) {
        json_kv_str(f, "termsrv_service", cc->termsrv_sname, true);
        rd_fprintf(f, ",\"termsrv_request_frame\":%" PRIu64 ",\"termsrv_reply_frame\":%" PRIu64,
                   cc->termsrv_req_frame, cc->termsrv_reply_frame);
    }
    rd_fprintf(f, ",\"pkinit\":%s}", cc->pkinit ? "true" : "false");
}

static void json_conn(struct rd_report *r, const struct rd_conn *c, const struct rd_verdict *v,
                      uint64_t attempt)
{
    FILE *f = r->out;
    char start[40], dur[32];

    rd_format_time(c->first_ts, start, sizeof(start));
    rd_fprintf(f, "{\"schema\":%d,\"id\":%" PRIu64 ",\"attempt\":%" PRIu64 ",\"client\":",
               RD_JSON_SCHEMA, c->id, attempt);
    json_endpoint(f, &c->cli, c->cport);
    fputs(",\"server\":", f);
    json_endpoint(f, &c->srv, c->sport);
    rd_fprintf(f,
               ",\"start\":\"%s\",\"duration_ms\":%s,\"first_frame\":%" PRIu64
               ",\"last_frame\":%" PRIu64,
               start, rd_format_fixed(dur, sizeof(dur), c->last_ts - c->first_ts, 1000000, 3),
               c->first_frame, c->last_frame);
    rd_fprintf(f,
               ",\"outcome\":\"%s\",\"phase\":\"%s\",\"closed_by\":\"%s\",\"close\":\"%s\","
               "\"cause\":\"%s\",\"detail\":%s,\"evidence\":[",
               rd_outcome_name(v->outcome), rd_phase_name(v->phase), rd_closer_name(v->closed_by),
               rd_close_kind_name(v->close), rd_cause_name(v->cause), v->detail_json);
    for (unsigned i = 0; i < v->n_evidence; i++) {
        char t[32];
        rd_fprintf(f, "%s{\"frame\":%" PRIu64 ",\"t\":%s,\"text\":", i ? "," : "",
                   v->evidence[i].frame, rel_text(c, v->evidence[i].ts_ns, t, sizeof t));
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
    fputs(",\"tls\":", f);
    json_tls(f, c->session);
    fputs(",\"certificate\":", f);
    json_certificate(f, c->session);
    fputs(",\"credssp\":", f);
    json_credssp(f, c->session);
    fputs(",\"mcs\":", f);
    json_mcs(f, c->session);
    fputs(",\"context\":", f);
    json_context(f, c->context);
    rd_fprintf(f, ",\"tcp\":{\"start_captured\":%s,\"rtt_ms\":", c->start_seen ? "true" : "false");
    if (c->rtt_ns >= 0) {
        char ms[32];
        fputs(rd_format_fixed(ms, sizeof(ms), c->rtt_ns, 1000000, 3), f);
    } else {
        fputs("null", f);
    }
    rd_fprintf(f, ",\"evicted\":%s,\"client\":", c->evicted ? "true" : "false");
    json_tcpdir(f, &c->tcp[RD_DIR_C2S]);
    fputs(",\"server\":", f);
    json_tcpdir(f, &c->tcp[RD_DIR_S2C]);
    fputs("},\"timeline\":[", f);
    for (unsigned i = 0; i < c->n_events; i++) {
        const struct rd_event *e = &c->timeline[i];
        static const char *const dirs[] = {"c2s", "s2c", "none"};
        struct line l = {.n = 0};
        char t[32], num[24];
        /* Built in a buffer as the text timeline is: one event is one write. */
        put(&l, i ? ",{\"frame\":" : "{\"frame\":");
        put(&l, u64_text(num, sizeof num, e->frame));
        put(&l, ",\"t\":");
        put(&l, rel_text(c, e->ts_ns, t, sizeof t));
        put(&l, ",\"dir\":\"");
        put(&l, dirs[e->dir < 3 ? e->dir : 2]);
        put(&l, "\",\"kind\":\"");
        put(&l, rd_ev_name((enum rd_ev)e->kind));
        put(&l, "\",\"text\":");
        fwrite(l.buf, 1, l.n, f);
        rd_json_string(f, e->text);
        fputc('}', f);
    }
    rd_fprintf(f, "],\"timeline_dropped\":%u}\n", c->events_dropped);
}

static void tally_server(struct rd_report *r, const struct rd_conn *c, const struct rd_verdict *v)
{
    struct rd_server_tally *t = NULL;

    for (size_t i = 0; i < r->n_servers; i++) {
        if (r->servers[i].port == c->sport && rd_addr_eq(&r->servers[i].addr, &c->srv)) {
            t = &r->servers[i];
            break;
        }
    }
    if (t == NULL) {
        if (r->n_servers == RD_REPORT_SERVERS) {
            r->other_server_conns++;
            return;
        }
        t = &r->servers[r->n_servers++];
        t->addr = c->srv;
        t->port = c->sport;
    }
    t->conns++;
    if (v->outcome == RD_OUTCOME_FAILED) {
        t->failed++;
        t->by_cause[v->cause]++;
    }
}

static void close_body(struct rd_report *r)
{
    fclose(r->body);
    r->body = NULL;
    free_blocks(r); /* none once spilled */
    free(r->bodybuf);
    r->bodybuf = NULL;
}

/* The body in memory grew past mem_max: on into a temporary file.  When
 * there is none, the body stays in memory (more memory, same output). */
static void spill_body(struct rd_report *r)
{
    FILE *f;

    if (fflush(r->body) != 0 || r->memlen <= r->mem_max || (f = tmpfile()) == NULL) {
        return;
    }
    r->bodybuf = malloc(BODY_BUFFER);
    if (r->bodybuf != NULL && setvbuf(f, r->bodybuf, _IOFBF, BODY_BUFFER) != 0) {
        free(r->bodybuf); /* the default buffer stays: slower, no less right */
        r->bodybuf = NULL;
    }
    copy_blocks(r, f);
    fclose(r->body);
    free_blocks(r);
    r->body = f;
    r->spilled = true;
}

void rd_report_conn(struct rd_report *r, const struct rd_conn *c, const struct rd_verdict *v,
                    uint64_t attempt)
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
    tally_server(r, c, v);
    switch (r->opts.format) {
    case RD_FMT_JSON:
        json_conn(r, c, v, attempt);
        break;
    case RD_FMT_QUIET:
        quiet_conn(r, c, v);
        break;
    case RD_FMT_TEXT:
        if (shown(r, v)) {
            text_conn(r, c, v, attempt);
            if (r->body != NULL && !r->spilled) {
                spill_body(r);
            }
        }
        break;
    }
}

static void causes_line(FILE *f, const uint64_t *by_cause)
{
    bool first = true;

    for (unsigned i = 0; i < RD_CAUSE_COUNT; i++) {
        if (by_cause[i] > 0 && i != RD_CAUSE_NONE) {
            rd_fprintf(f, "%s%s=%" PRIu64, first ? "" : " ", rd_cause_name((enum rd_cause)i),
                       by_cause[i]);
            first = false;
        }
    }
}

static void text_summary(struct rd_report *r, const struct rd_attempts *at, FILE *f)
{
    char ep[80], cli[64], outcome[160];

    rd_fprintf(f,
               "%" PRIu64 " RDP connection%s: %" PRIu64 " failed, %" PRIu64 " ok, %" PRIu64
               " incomplete",
               r->total, r->total == 1 ? "" : "s", r->failed, r->ok, r->incomplete);
    if (!r->opts.all && r->ok > 0) {
        fputs(" (--all shows the healthy ones)", f);
    }
    fputc('\n', f);
    if (r->failed > 0) {
        fputs("failed by cause: ", f);
        causes_line(f, r->by_cause);
        fputc('\n', f);
    }
    if (r->n_servers > 1 || (r->n_servers == 1 && r->total > 1)) {
        fputs("per server:\n", f);
        for (size_t i = 0; i < r->n_servers; i++) {
            const struct rd_server_tally *t = &r->servers[i];
            rd_format_endpoint(&t->addr, t->port, ep, sizeof(ep));
            rd_fprintf(f, "  %-28s %" PRIu64 " connection%s, %" PRIu64 " failed%s", ep, t->conns,
                       t->conns == 1 ? "" : "s", t->failed, t->failed > 0 ? ": " : "");
            causes_line(f, t->by_cause);
            fputc('\n', f);
        }
        if (r->other_server_conns > 0) {
            rd_fprintf(f, "  (%" PRIu64 " connections to further servers not itemised)\n",
                       r->other_server_conns);
        }
    }
    if (at != NULL && at->n_done > 0) {
        rd_fprintf(f, "attempts (%" PRIu64 " in all; listed: those with a failure or a retry):\n",
                   at->total);
        for (size_t i = 0; i < at->n_done; i++) {
            const struct rd_attempt *t = &at->done[i];
            rd_addr_format(&t->cli, cli, sizeof(cli));
            rd_format_endpoint(&t->srv, t->sport, ep, sizeof(ep));
            rd_attempt_outcome(t, outcome, sizeof(outcome));
            rd_fprintf(f, "  %s -> %s: %u connection%s, one attempt, %s\n      %s\n", cli, ep,
                       t->conns, t->conns == 1 ? "" : "s", outcome, t->story);
        }
        if (at->not_listed > 0) {
            rd_fprintf(f, "  (%" PRIu64 " more attempts not listed)\n", at->not_listed);
        }
    }
}

void rd_report_discard(struct rd_report *r)
{
    if (r->body != NULL) {
        close_body(r);
    }
}

void rd_report_end(struct rd_report *r, const struct rd_engine_stats *st,
                   const struct rd_attempts *attempts, FILE *err)
{
    uint64_t skipped = st->fragments + st->truncated + st->malformed;
    FILE *f = r->opts.format == RD_FMT_TEXT ? r->out : err;

    if (r->opts.format == RD_FMT_TEXT) {
        text_summary(r, attempts, f);
    }
    if (skipped > 0 || st->payload_cut > 0 || st->evicted > 0 || st->time_backwards > 0) {
        rd_fprintf(f,
                   "capture: %" PRIu64 " frames; skipped %" PRIu64 " (%" PRIu64
                   " IP fragments, %" PRIu64 " cut inside a header by the snapshot length, %" PRIu64
                   " malformed); %" PRIu64 " with payload cut by the snapshot length; %" PRIu64
                   " connections finished early (table full); %" PRIu64
                   " timestamps going backwards\n",
                   st->frames, skipped, st->fragments, st->truncated, st->malformed,
                   st->payload_cut, st->evicted, st->time_backwards);
    }
    if (r->body != NULL) {
        char small[8192];
        char *buf = NULL;
        size_t size = sizeof(small), n;

        fflush(r->body);
        if (r->total > 0 && (r->spilled ? ftell(r->body) > 0 : r->memlen > 0)) {
            fputc('\n', r->out);
        }
        if (!r->spilled) {
            copy_blocks(r, r->out);
        } else {
            buf = malloc(BODY_BUFFER);
            if (buf != NULL) {
                size = BODY_BUFFER;
            }
            rewind(r->body);
            while ((n = fread(buf != NULL ? buf : small, 1, size, r->body)) > 0) {
                fwrite(buf != NULL ? buf : small, 1, n, r->out);
            }
            free(buf);
        }
        close_body(r);
    }
}

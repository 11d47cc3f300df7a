/*
 * html.c - the HTML report (see html.h).
 *
 * Layout of the document: a header (input, time span, totals), the summary
 * (per cause, per server, attempts, what the capture skipped, an index of the
 * connections), then one section per connection: failed ones first, then
 * incomplete ones, then the healthy ones collapsed in <details>.  A section
 * holds the verdict box, the certificate card when TLS showed a certificate,
 * the ladder diagram (inline SVG) and the protocol facts.
 *
 * The ladder: one column per endpoint (and one for a middlebox when the
 * verdict says a device on the path sent the close), one row per frame's
 * events in one direction, phase bands behind the rows, times relative to the
 * connection's first packet.  Rows are evenly spaced, not proportional to
 * time: a handshake of microseconds and a 600-second idle gap both stay
 * readable.
 */
#include "config.h"

#include "html.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "decode.h"
#include "diagnose.h"
#include "ntstatus.h"
#include "session.h"
#include "tls.h"
#include "x224.h"
#include "x509.h"

#define NS_PER_SEC 1000000000LL

/* The ladder's geometry (SVG user units; the SVG scales to the page width). */
#define L_WIDTH     1000
#define L_GUTTER    84  /* frame numbers and times left of it */
#define L_CLIENT_X  140 /* client lifeline */
#define L_SERVER_X  880 /* server lifeline */
#define L_MIDDLE_X  510 /* middlebox lifeline, and the centre of every label */
#define L_HEAD      58  /* column headers */
#define L_LINE      14  /* one label line */
#define L_NOTE      28  /* a row without an arrow */
#define L_GROUP_MAX 8   /* events of one frame drawn on one arrow */
#define L_LONG      104 /* labels longer than this are squeezed to L_SQUEEZE */
#define L_SQUEEZE   690

/* The one inline script: open every <details> before printing.  The CSP
 * below allows exactly this text (its SHA-256, base64); change both together. */
#define PRINT_SCRIPT                                                                               \
    "addEventListener(\"beforeprint\",function(){document.querySelectorAll(\"details\")."          \
    "forEach(function(d){d.open=true})})"
#define PRINT_SCRIPT_SHA256 "IS6I6+iefQgnm32GXfUoNGLaPMRVmbglcZcgjBP8QPM="

enum bucket { B_FAILED = 0, B_INCOMPLETE, B_OK, B_COUNT };

struct rd_html {
    char *path;
    char *title;
    FILE *out;
    FILE *index;        /* rows of the connection index */
    FILE *sec[B_COUNT]; /* the sections, by outcome */
    uint64_t drawn[B_COUNT];
    uint64_t not_drawn[B_COUNT];
    uint64_t index_rows, index_dropped;
    bool have_ts;
    int64_t first_ts, last_ts; /* span of the connections reported */
};

/* ---- escaping ------------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when it is not one
 * (overlong forms, surrogates, code points past U+10FFFF; RFC 3629 4). */
static size_t utf8_len(const unsigned char *s)
{
    unsigned char b0 = *s;
    unsigned char lo = 0x80;
    unsigned char hi = 0xbf;
    size_t n;

    if (b0 < 0x80) {
        return 1;
    }
    if (b0 >= 0xc2 && b0 <= 0xdf) {
        n = 2;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
        n = 3;
        lo = b0 == 0xe0 ? 0xa0 : 0x80;
        hi = b0 == 0xed ? 0x9f : 0xbf;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
        n = 4;
        lo = b0 == 0xf0 ? 0x90 : 0x80;
        hi = b0 == 0xf4 ? 0x8f : 0xbf;
    } else {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        unsigned char b = *(s + i);
        if (b < (i == 1 ? lo : 0x80) || b > (i == 1 ? hi : 0xbf)) {
            return 0; /* also stops at the NUL */
        }
    }
    return n;
}

/*
 * Write s for HTML text or a quoted attribute value: & < > " ' as character
 * references; C0 and C1 controls and bytes that are not valid UTF-8 as
 * U+FFFD, so the document stays valid whatever the capture carried.
 */
static void esc(FILE *f, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    while (*p != '\0') {
        size_t n = utf8_len(p);

        if (n == 0) {
            fputs("\xef\xbf\xbd", f);
            p++;
            continue;
        }
        if (n == 2 && *p == 0xc2 && *(p + 1) < 0xa0) {
            fputs("\xef\xbf\xbd", f); /* C1 control */
            p += 2;
            continue;
        }
        if (n > 1) {
            fwrite(p, 1, n, f);
            p += n;
            continue;
        }
        switch (*p) {
        case '&':
            fputs("&amp;", f);
            break;
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        case '\'':
            fputs("&#39;", f);
            break;
        case '\t':
        case '\n':
            fputc(' ', f);
            break;
        default:
            if (*p < 0x20 || *p == 0x7f) {
                fputs("\xef\xbf\xbd", f);
            } else {
                fputc(*p, f);
            }
        }
        p++;
    }
}

/* ---- small formatters ----------------------------------------------------- */

static double rel_s(const struct rd_conn *c, int64_t ts)
{
    return (double)(ts - c->first_ts) / NS_PER_SEC;
}

/* Whole seconds since the epoch as "YYYY-MM-DD HH:MM:SS UTC"; certificate
 * dates reach year 9999, beyond what nanoseconds in an int64_t hold. */
static void format_secs(int64_t secs, char *buf, size_t size)
{
    time_t t = (time_t)secs;
    struct tm tm;

    if ((int64_t)t != secs || gmtime_r(&t, &tm) == NULL) {
        snprintf(buf, size, "(time out of range)");
        return;
    }
    snprintf(buf, size, "%04d-%02d-%02d %02d:%02d:%02d UTC", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* A capture timestamp, readable: "2026-11-23 13:27:31.602006 UTC". */
static void format_ts(int64_t ts_ns, char *buf, size_t size)
{
    char iso[40];
    char *t;

    rd_format_time(ts_ns, iso, sizeof(iso));
    t = strchr(iso, 'T');
    if (t != NULL) {
        *t = ' ';
    }
    t = strchr(iso, 'Z');
    if (t != NULL) {
        *t = '\0';
    }
    snprintf(buf, size, "%s UTC", iso);
}

static enum bucket bucket_of(const struct rd_verdict *v)
{
    switch (v->outcome) {
    case RD_OUTCOME_FAILED:
        return B_FAILED;
    case RD_OUTCOME_OK:
        return B_OK;
    case RD_OUTCOME_INCOMPLETE:
    case RD_OUTCOME_COUNT:
        break;
    }
    return B_INCOMPLETE;
}

static const char *outcome_class(enum rd_outcome o)
{
    return o == RD_OUTCOME_FAILED ? "failed" : o == RD_OUTCOME_OK ? "ok" : "incomplete";
}

static const char *dir_word(unsigned dir)
{
    return dir == RD_DIR_C2S ? "client" : "server";
}

static void dt_dd(FILE *f, const char *dt, const char *dd)
{
    fprintf(f, "<dt>%s</dt><dd>", dt);
    esc(f, dd);
    fputs("</dd>", f);
}

/* ---- the ladder ----------------------------------------------------------- */

enum row_kind { ROW_ARROW, ROW_NOTE };

struct row {
    enum row_kind kind;
    unsigned first, count; /* events [first, first + count) */
    int y;                 /* top */
    int h;                 /* height */
    int x1, x2;            /* arrow from x1 to x2 */
    bool evidence;         /* a frame the verdict cites */
    bool anchor;           /* carries the id the evidence list links to */
    bool middlebox;        /* drawn from the middlebox column, with a line saying so */
    const char *cls;       /* arrow class (colour, dash) */
};

struct band {
    int y;
    const char *name; /* points into an event's text, or a static string */
};

#define L_ROWS  (RD_TIMELINE_MAX + 2)
#define L_BANDS (RD_TIMELINE_MAX + 1)

struct ladder {
    struct row rows[L_ROWS];
    unsigned n_rows;
    struct band bands[L_BANDS];
    unsigned n_bands;
    int height;
    bool middlebox;
    uint64_t anchored[RD_EVIDENCE_MAX];
    unsigned n_anchored;
};

static bool is_evidence(const struct rd_verdict *v, uint64_t frame)
{
    if (frame == 0) {
        return false;
    }
    for (unsigned i = 0; i < v->n_evidence && i < RD_EVIDENCE_MAX; i++) {
        if (v->evidence[i].frame == frame) {
            return true;
        }
    }
    return false;
}

/* Did the verdict place this RST on a device between the endpoints?  The
 * first close when closed_by says middlebox, and the reset in the other
 * direction when the verdict's detail says both ends were reset. */
static bool from_middlebox(const struct rd_conn *c, const struct rd_verdict *v,
                           const struct rd_event *e)
{
    if (v->closed_by != RD_CLOSED_MIDDLEBOX || e->kind != RD_EV_RST || e->frame == 0) {
        return false;
    }
    if (e->frame == c->first_close.frame) {
        return true;
    }
    return c->rst_other.kind == RD_CLOSE_RST && e->frame == c->rst_other.frame &&
           strstr(v->detail_json, "\"both_ways\":true") != NULL;
}

static const char *arrow_class(const struct rd_event *e)
{
    if (e->noise) {
        return "a-noise";
    }
    switch ((enum rd_ev)e->kind) {
    case RD_EV_SYN:
    case RD_EV_SYNACK:
    case RD_EV_HANDSHAKE:
        return "a-tcp";
    case RD_EV_FIN:
        return "a-fin";
    case RD_EV_RST:
        return "a-rst";
    case RD_EV_GAP:
    case RD_EV_MALFORMED:
    case RD_EV_ANOMALY:
    case RD_EV_ZERO_WINDOW:
        return "a-warn";
    case RD_EV_ICMP:
        return "a-icmp";
    case RD_EV_RETRANS:
    case RD_EV_DUPLICATE:
    case RD_EV_KEEPALIVE:
    case RD_EV_NOTE:
    case RD_EV_PHASE:
    case RD_EV_COUNT:
        return "a-quiet";
    case RD_EV_DATA:
        break;
    }
    if (strstr(e->text, "alert") != NULL) {
        return "a-alert";
    }
    return e->dir == RD_DIR_C2S ? "a-c2s" : "a-s2c";
}

static void add_band(struct ladder *l, int *y, const char *name)
{
    if (l->n_bands > 0 && l->bands[l->n_bands - 1].y == *y) {
        *y += 16; /* an empty phase still gets a visible stripe */
    }
    if (l->n_bands < L_BANDS) {
        l->bands[l->n_bands].y = *y;
        l->bands[l->n_bands].name = name;
        l->n_bands++;
    }
}

static void add_row(struct ladder *l, int *y, enum row_kind kind, unsigned first, unsigned count)
{
    struct row *r;

    if (l->n_rows == L_ROWS) {
        return;
    }
    r = &l->rows[l->n_rows++];
    memset(r, 0, sizeof(*r));
    r->kind = kind;
    r->first = first;
    r->count = count;
    r->y = *y;
    r->h = kind == ROW_NOTE ? L_NOTE : 10 + L_LINE * (int)count + 10;
    *y += r->h;
}

/* Rows and bands from the timeline. */
static void ladder_layout(struct ladder *l, const struct rd_conn *c, const struct rd_verdict *v)
{
    int y = L_HEAD;

    memset(l, 0, sizeof(*l));
    l->middlebox = v->closed_by == RD_CLOSED_MIDDLEBOX;
    add_band(l, &y, "tcp");
    for (unsigned i = 0; i < c->n_events;) {
        const struct rd_event *e = &c->timeline[i];
        unsigned n = 1;

        if (e->kind == RD_EV_PHASE) {
            const char *name = e->text;
            if (strncmp(name, "phase ", 6) == 0) {
                name += 6;
            }
            add_band(l, &y, name);
            i++;
            continue;
        }
        if (e->dir != RD_DIR_C2S && e->dir != RD_DIR_S2C) {
            add_row(l, &y, ROW_NOTE, i, 1);
            i++;
            continue;
        }
        /* The events of one frame in one direction share an arrow. */
        while (i + n < c->n_events && n < L_GROUP_MAX && e->frame != 0 && !e->noise &&
               e->kind != RD_EV_RST && e->kind != RD_EV_FIN) {
            const struct rd_event *x = &c->timeline[i + n];
            if (x->frame != e->frame || x->dir != e->dir || x->noise || x->kind == RD_EV_PHASE ||
                x->kind == RD_EV_RST || x->kind == RD_EV_FIN) {
                break;
            }
            n++;
        }
        add_row(l, &y, ROW_ARROW, i, n);
        if (l->n_rows > 0) {
            struct row *r = &l->rows[l->n_rows - 1];
            bool mb = from_middlebox(c, v, e);
            int to = e->dir == RD_DIR_C2S ? L_SERVER_X : L_CLIENT_X;
            int from = mb ? L_MIDDLE_X : e->dir == RD_DIR_C2S ? L_CLIENT_X : L_SERVER_X;
            r->x1 = from;
            r->x2 = to;
            r->cls = mb ? "a-rst a-mb" : arrow_class(e);
            if (mb) {
                r->middlebox = true;
                r->h += L_LINE;
                y += L_LINE;
            }
            r->evidence = is_evidence(v, e->frame);
            if (r->evidence && l->n_anchored < RD_EVIDENCE_MAX) {
                bool seen = false;
                for (unsigned k = 0; k < l->n_anchored; k++) {
                    seen = seen || l->anchored[k] == e->frame;
                }
                if (!seen) {
                    l->anchored[l->n_anchored++] = e->frame;
                    r->anchor = true;
                }
            }
        }
        i += n;
    }
    if (c->events_dropped > 0 || v->close == RD_CLOSE_NONE) {
        add_row(l, &y, ROW_NOTE, c->n_events, 0); /* the closing note */
    }
    l->height = y + 12;
}

static const char *phase_class(const char *name)
{
    static const char *const names[] = {"tcp", "x224",  "tls", "credssp", "early_user_auth",
                                        "mcs", "active"};

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strncmp(name, names[i], strlen(names[i])) == 0 &&
            (name[strlen(names[i])] == '\0' || name[strlen(names[i])] == ' ')) {
            return names[i];
        }
    }
    return "other";
}

/* One label line of SVG text, centred on the ladder; long ones squeezed. */
static void svg_label(FILE *f, int y, const char *text, const char *cls)
{
    fprintf(f, "<text class=\"%s\" x=\"%d\" y=\"%d\"", cls, L_MIDDLE_X, y);
    if (strlen(text) > L_LONG) {
        fprintf(f, " textLength=\"%d\" lengthAdjust=\"spacingAndGlyphs\"", L_SQUEEZE);
    }
    fputc('>', f);
    esc(f, text);
    fputs("</text>", f);
}

static void svg_arrow(FILE *f, const struct rd_conn *c, const struct row *r)
{
    const struct rd_event *e = &c->timeline[r->first];
    int ay = r->y + r->h - 10;
    int dx = r->x2 > r->x1 ? -9 : 9;

    fprintf(f, "<g class=\"a %s%s\"", r->cls, r->evidence ? " ev" : "");
    if (r->anchor) {
        fprintf(f, " id=\"c%" PRIu64 "-f%" PRIu64 "\"", c->id, e->frame);
    }
    fputs(">", f);
    if (e->frame != 0) {
        fprintf(f, "<text class=\"fr\" x=\"6\" y=\"%d\">#%" PRIu64 "</text>", ay - 2, e->frame);
    }
    fprintf(f, "<text class=\"tm\" x=\"6\" y=\"%d\">%.6f</text>", ay + 10, rel_s(c, e->ts_ns));
    fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>", r->x1, ay, r->x2 + dx / 3, ay);
    fprintf(f, "<polygon points=\"%d,%d %d,%d %d,%d\"/>", r->x2, ay, r->x2 + dx, ay - 4, r->x2 + dx,
            ay + 4);
    for (unsigned k = 0; k < r->count; k++) {
        svg_label(f, r->y + 12 + L_LINE * (int)k, c->timeline[r->first + k].text, "l");
    }
    if (r->middlebox) {
        svg_label(f, r->y + 12 + L_LINE * (int)r->count,
                  e->dir == RD_DIR_S2C ? "sent in the server's name by a device on the path"
                                       : "sent in the client's name by a device on the path",
                  "l");
    }
    fputs("<title>", f);
    if (e->frame != 0) {
        fprintf(f, "frame %" PRIu64 ", ", e->frame);
    }
    fprintf(f, "%.6f s, %s</title></g>", rel_s(c, e->ts_ns),
            e->dir == RD_DIR_C2S ? "client to server" : "server to client");
}

static void svg_note(FILE *f, const struct rd_conn *c, const struct rd_verdict *v,
                     const struct row *r)
{
    int ty = r->y + 17;

    if (r->first >= c->n_events) {
        char text[160];
        if (v->close == RD_CLOSE_NONE) {
            snprintf(text, sizeof(text), "no FIN or RST: closed by %s",
                     rd_closer_name(v->closed_by));
        } else {
            text[0] = '\0';
        }
        if (c->events_dropped > 0) {
            size_t used = strlen(text);
            snprintf(text + used, sizeof(text) - used, "%s%u more events not kept",
                     used > 0 ? "; " : "", c->events_dropped);
        }
        fprintf(f, "<text class=\"tm\" x=\"6\" y=\"%d\">%.6f</text>", ty, rel_s(c, c->end_ts));
        svg_label(f, ty, text, "n");
        return;
    }
    const struct rd_event *e = &c->timeline[r->first];
    fputs("<g class=\"note\">", f);
    if (e->frame != 0) {
        fprintf(f, "<text class=\"fr\" x=\"6\" y=\"%d\">#%" PRIu64 "</text>", ty - 2, e->frame);
    }
    fprintf(f, "<text class=\"tm\" x=\"6\" y=\"%d\">%.6f</text>", ty + 10, rel_s(c, e->ts_ns));
    svg_label(f, ty, e->text, "n");
    fputs("</g>", f);
}

static void svg_header(FILE *f, const struct rd_conn *c, const struct ladder *l)
{
    char ep[80];

    rd_format_endpoint(&c->cli, c->cport, ep, sizeof(ep));
    fprintf(f, "<text class=\"col\" x=\"%d\" y=\"18\">Client</text>", L_GUTTER);
    fprintf(f, "<text class=\"ep\" x=\"%d\" y=\"34\">", L_GUTTER);
    esc(f, ep);
    fputs("</text>", f);
    rd_format_endpoint(&c->srv, c->sport, ep, sizeof(ep));
    fprintf(f, "<text class=\"col end\" x=\"%d\" y=\"18\">Server</text>", L_WIDTH - 4);
    fprintf(f, "<text class=\"ep end\" x=\"%d\" y=\"34\">", L_WIDTH - 4);
    esc(f, ep);
    fputs("</text>", f);
    fprintf(f, "<line class=\"life\" x1=\"%d\" y1=\"42\" x2=\"%d\" y2=\"%d\"/>", L_CLIENT_X,
            L_CLIENT_X, l->height - 4);
    fprintf(f, "<line class=\"life\" x1=\"%d\" y1=\"42\" x2=\"%d\" y2=\"%d\"/>", L_SERVER_X,
            L_SERVER_X, l->height - 4);
    if (l->middlebox) {
        fprintf(f, "<text class=\"col mb\" x=\"%d\" y=\"18\">Middlebox</text>", L_MIDDLE_X);
        fprintf(f, "<text class=\"ep mid\" x=\"%d\" y=\"34\">firewall, IPS or proxy</text>",
                L_MIDDLE_X);
        fprintf(f, "<line class=\"life mb\" x1=\"%d\" y1=\"42\" x2=\"%d\" y2=\"%d\"/>", L_MIDDLE_X,
                L_MIDDLE_X, l->height - 4);
    }
}

static bool is_anchored(const struct ladder *l, uint64_t frame)
{
    for (unsigned k = 0; l != NULL && k < l->n_anchored; k++) {
        if (l->anchored[k] == frame) {
            return true;
        }
    }
    return false;
}

static void render_ladder(FILE *f, const struct rd_conn *c, const struct rd_verdict *v,
                          const struct ladder *l)
{
    if (l == NULL) {
        fputs("<p class=\"muted\">(no memory to draw the ladder)</p>", f);
        return;
    }
    fprintf(f,
            "<figure class=\"ladder\"><svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d "
            "%d\" role=\"img\" aria-label=\"ladder diagram of connection %" PRIu64 "\">",
            L_WIDTH, l->height, c->id);
    for (unsigned i = 0; i < l->n_bands; i++) {
        int top = l->bands[i].y;
        int bottom = i + 1 < l->n_bands ? l->bands[i + 1].y : l->height;
        fprintf(f,
                "<rect class=\"band p-%s\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>"
                "<text class=\"pl\" x=\"%d\" y=\"%d\">",
                phase_class(l->bands[i].name), L_GUTTER, top, L_WIDTH - L_GUTTER, bottom - top,
                L_WIDTH - 6, top + 12);
        esc(f, l->bands[i].name);
        fputs("</text>", f);
    }
    svg_header(f, c, l);
    for (unsigned i = 0; i < l->n_rows; i++) {
        if (l->rows[i].kind == ROW_ARROW) {
            svg_arrow(f, c, &l->rows[i]);
        } else {
            svg_note(f, c, v, &l->rows[i]);
        }
    }
    fputs("</svg><figcaption>Time in seconds from the first packet; <b>bold</b>: frames the "
          "verdict cites; <span class=\"k-noise\">grey dashes</span>: retransmissions and "
          "duplicates; <span class=\"k-rst\">red</span>: resets and alerts; "
          "<span class=\"k-fin\">orange</span>: FIN.",
          f);
    if (l->middlebox) {
        fputs(" The middle column is the device on the path that sent the reset in an "
              "endpoint's name.",
              f);
    }
    fputs("</figcaption></figure>\n", f);
}

/* ---- verdict, certificate, facts ------------------------------------------ */

/* The verdict box; evidence frames link to their arrow when l drew one. */
static void render_verdict(FILE *f, const struct rd_conn *c, const struct rd_verdict *v,
                           const struct ladder *l)
{
    const struct rd_cause_info *ci = rd_cause_info(v->cause);

    fprintf(f, "<div class=\"verdict v-%s\">", outcome_class(v->outcome));
    fprintf(f, "<p class=\"vhead\"><b>Verdict: %s</b>", rd_cause_name(v->cause));
    if (v->cause != RD_CAUSE_NONE) {
        fputs(" &mdash; ", f);
        esc(f, ci->summary);
    }
    fputs("</p><dl class=\"kv\">", f);
    dt_dd(f, "Outcome", rd_outcome_name(v->outcome));
    dt_dd(f, "Phase reached", rd_phase_name(v->phase));
    dt_dd(f, "Cause", rd_cause_name(v->cause));
    fprintf(f, "<dt>Closed by</dt><dd>%s (%s)</dd>", rd_closer_name(v->closed_by),
            rd_close_kind_name(v->close));
    if (v->client_error[0] != '\0') {
        fputs("<dt>Client error</dt><dd>", f);
        esc(f, v->client_error);
        if (v->client_error_confidence != NULL && v->client_error_confidence[0] != '\0') {
            fputs(" (", f);
            esc(f, v->client_error_confidence);
            fputc(')', f);
        }
        fputs("</dd>", f);
    }
    if (strcmp(v->detail_json, "{}") != 0 && v->detail_json[0] != '\0') {
        fputs("<dt>Detail</dt><dd><code>", f);
        esc(f, v->detail_json);
        fputs("</code></dd>", f);
    }
    fputs("</dl>", f);
    if (v->explanation[0] != '\0') {
        fputs("<p class=\"why\">", f);
        esc(f, v->explanation);
        fputs("</p>", f);
    }
    if (v->n_evidence > 0) {
        fputs("<h4>Evidence</h4><ul class=\"evidence\">", f);
        for (unsigned i = 0; i < v->n_evidence && i < RD_EVIDENCE_MAX; i++) {
            const struct rd_evidence *e = &v->evidence[i];
            fputs("<li>", f);
            if (e->frame != 0 && is_anchored(l, e->frame)) {
                fprintf(f,
                        "<a class=\"frame\" href=\"#c%" PRIu64 "-f%" PRIu64 "\">#%" PRIu64 "</a> ",
                        c->id, e->frame, e->frame);
            } else if (e->frame != 0) {
                fprintf(f, "<span class=\"frame\">#%" PRIu64 "</span> ", e->frame);
            }
            if (e->frame != 0) {
                fprintf(f, "<span class=\"t\">%.6f s</span> ",
                        rel_s(c, e->ts_ns != 0 ? e->ts_ns : c->first_ts));
            }
            esc(f, e->text);
            fputs("</li>", f);
        }
        fputs("</ul>", f);
    }
    if (v->n_remedies > 0) {
        fputs("<h4>What to do</h4><ol class=\"fix\">", f);
        for (unsigned i = 0; i < v->n_remedies && i < RD_REMEDY_MAX; i++) {
            fputs("<li>", f);
            esc(f, v->remedies[i] != NULL ? v->remedies[i] : "");
            fputs("</li>", f);
        }
        fputs("</ol>", f);
    }
    if (v->warning[0] != '\0') {
        fputs("<p class=\"warning\"><b>Warning:</b> ", f);
        esc(f, v->warning);
        fputs("</p>", f);
    }
    fputs("</div>\n", f);
}

static void flag(FILE *f, const char *cls, const char *text)
{
    fprintf(f, "<li class=\"%s\">%s</li>", cls, text);
}

static void render_cert(FILE *f, const struct rd_session *s)
{
    const struct rd_tls_facts *t;
    const struct rd_x509_facts *x;
    char a[48], b[48];

    if (s == NULL || !s->tls.ch_seen || (!s->tls.cert_seen && !s->tls.cert_encrypted)) {
        return;
    }
    t = &s->tls;
    if (!t->cert_seen) {
        fputs("<div class=\"cert\"><h4>Server certificate</h4><p class=\"muted\">TLS 1.3: the "
              "certificate travelled encrypted; a key log (--keylog) would show it.</p></div>\n",
              f);
        return;
    }
    x = t->leaf;
    fprintf(f,
            "<div class=\"cert%s\"><h4>Server certificate <span class=\"muted\">(frame #%" PRIu64
            ", chain of %u)</span></h4>",
            t->expired || t->not_yet_valid || t->weak_key || t->weak_sig ||
                    t->name_match == RD_X509_NO
                ? " bad"
                : "",
            t->cert_frame, t->n_certs);
    if (!t->cert_parsed || x == NULL) {
        fputs("<p>The certificate did not parse: ", f);
        esc(f, t->cert_error);
        fputs("</p></div>\n", f);
        return;
    }
    fputs("<ul class=\"flags\">", f);
    if (t->expired) {
        flag(f, "bad", "expired at capture time");
    }
    if (t->not_yet_valid) {
        flag(f, "bad", "not yet valid at capture time");
    }
    if (t->expiring_soon) {
        flag(f, "warn", "expires within 30 days");
    }
    if (!t->expired && !t->not_yet_valid) {
        flag(f, "good", "valid at capture time");
    }
    if (x->is_self_signed) {
        flag(f, "warn", "self-signed");
    }
    if (t->weak_key) {
        flag(f, "bad", "weak key");
    }
    if (t->weak_sig) {
        flag(f, "bad", "weak signature hash");
    }
    if (t->name_match == RD_X509_YES) {
        flag(f, "good", "names the host the client asked for");
    } else if (t->name_match == RD_X509_NO) {
        flag(f, "bad", "does not name the host the client asked for");
    }
    fputs("</ul><dl class=\"kv\">", f);
    dt_dd(f, "Subject", x->subject);
    dt_dd(f, "Issuer", x->issuer);
    if (x->n_sans > 0) {
        fputs("<dt>Names (SAN)</dt><dd>", f);
        for (size_t i = 0; i < x->n_sans && i < RD_X509_MAX_SANS; i++) {
            if (i > 0) {
                fputs(", ", f);
            }
            esc(f, x->sans[i].value);
        }
        if (x->sans_dropped > 0) {
            fprintf(f, " (and %zu more)", x->sans_dropped);
        }
        fputs("</dd>", f);
    }
    if (t->sni[0] != '\0') {
        dt_dd(f, "Client asked for", t->sni);
    }
    format_secs(x->not_before, a, sizeof(a));
    format_secs(x->not_after, b, sizeof(b));
    fprintf(f, "<dt>Valid</dt><dd>%s &ndash; %s</dd>", a, b);
    fprintf(f, "<dt>Key</dt><dd>%s %u", rd_x509_key_type_name(x->key_type), x->key_bits);
    if (x->key_curve[0] != '\0') {
        fputs(" (", f);
        esc(f, x->key_curve);
        fputc(')', f);
    }
    fputs("</dd>", f);
    dt_dd(f, "Signature", x->sig_alg);
    dt_dd(f, "Serial", x->serial_hex);
    fputs("<dt>SHA-256</dt><dd><code class=\"fp\">", f);
    esc(f, x->sha256_fp);
    fputs("</code></dd></dl></div>\n", f);
}

static void facts_x224(FILE *f, const struct rd_session *s)
{
    const struct rd_x224_facts *x = &s->x224;
    char prot[64];

    if (!x->cr_seen) {
        return;
    }
    rd_x224_protocols_str(x->requested, prot, sizeof(prot));
    fprintf(f, "<dt>X.224 request</dt><dd>#%" PRIu64 ": requests %s", x->cr_frame,
            x->has_neg_req ? prot : "RDP (no negotiation request)");
    if (x->has_cookie) {
        fputs(", cookie <code>", f);
        esc(f, x->cookie);
        fputs("</code>", f);
    }
    if (x->has_routing_token) {
        fputs(", routing token", f);
    }
    if (x->has_correlation) {
        fputs(", correlation id <code>", f);
        esc(f, x->correlation);
        fputs("</code>", f);
    }
    fputs("</dd>", f);
    if (x->cc_seen) {
        fprintf(f, "<dt>X.224 confirm</dt><dd>#%" PRIu64 ": ", x->cc_frame);
        if (x->cc_malformed) {
            fputs("malformed", f);
        } else if (x->cc_kind == RD_CC_FAILURE) {
            fprintf(f, "RDP_NEG_FAILURE %s", rd_x224_failure_name(x->failure_code));
        } else if (x->cc_kind == RD_CC_RSP) {
            fprintf(f, "selected %s", rd_x224_protocol_name(x->selected));
        } else {
            fputs("legacy (no negotiation response)", f);
        }
        fputs("</dd>", f);
    }
}

static void facts_tls(FILE *f, const struct rd_session *s)
{
    const struct rd_tls_facts *t = &s->tls;

    if (!t->ch_seen) {
        return;
    }
    fprintf(f, "<dt>TLS client</dt><dd>#%" PRIu64 ": offers %s..%s, %u cipher suites", t->ch_frame,
            rd_tls_version_name(t->min_offered), rd_tls_version_name(t->max_offered),
            t->suites_total);
    if (t->sni[0] != '\0') {
        fputs(", SNI <code>", f);
        esc(f, t->sni);
        fputs("</code>", f);
    }
    fputs("</dd>", f);
    if (t->sh_seen) {
        fprintf(f, "<dt>TLS server</dt><dd>#%" PRIu64 ": %s, %s%s</dd>", t->sh_frame,
                rd_tls_version_name(t->version), rd_tls_cipher_name(t->cipher),
                t->done ? "; handshake complete" : "");
    }
    if (t->alert_seen) {
        fprintf(f, "<dt>TLS alert</dt><dd>#%" PRIu64 " from the %s: ", t->alert_frame,
                dir_word(t->alert_dir));
        if (t->alert_encrypted) {
            fputs("encrypted", f);
        } else {
            fprintf(f, "%s %s", rd_tls_alert_level_name(t->alert_level),
                    rd_tls_alert_name(t->alert_desc));
        }
        fputs("</dd>", f);
    }
}

static void facts_credssp(FILE *f, const struct rd_session *s)
{
    const struct rd_credssp_facts *k = &s->credssp;
    const struct rd_dec_facts *d = &s->dec;

    if (!s->nla || (!k->started && d->n_req == 0)) {
        return;
    }
    fprintf(f, "<dt>CredSSP</dt><dd>%s%s; credentials %s; legs:",
            k->pkg == RD_PKG_NTLM       ? "NTLM"
            : k->pkg == RD_PKG_KERBEROS ? "Kerberos"
                                        : "package unknown",
            d->decrypting && d->pkg_known ? "" : " (inferred)",
            k->reached[RD_LEG_CREDENTIALS] ? "sent" : "not sent");
    for (unsigned i = 0; i < k->n_legs && i < RD_CREDSSP_LEGS; i++) {
        fprintf(f, "%s #%" PRIu64 " %s (%s)", i > 0 ? "," : "", k->legs[i].frame,
                rd_leg_name(k->legs[i].leg), dir_word(k->legs[i].dir));
    }
    fputs("</dd>", f);
    if (d->has_error) {
        fprintf(f, "<dt>CredSSP error</dt><dd>#%" PRIu64 ": 0x%08x ", d->error_frame,
                d->error_code);
        esc(f, rd_ntstatus_name(d->error_code));
        fputs("</dd>", f);
    }
    if (d->has_early_auth) {
        fprintf(f, "<dt>Early user authorization</dt><dd>#%" PRIu64 ": %s</dd>",
                d->early_auth_frame, rd_early_auth_name(d->early_auth));
    }
    if (d->has_ntlm_auth) {
        fputs("<dt>NTLM user</dt><dd>", f);
        esc(f, d->ntlm_domain);
        fputs("\\", f);
        esc(f, d->ntlm_user);
        fputs(" from ", f);
        esc(f, d->ntlm_workstation);
        fputs("</dd>", f);
    }
    if (d->has_krb) {
        fputs("<dt>Kerberos</dt><dd>realm ", f);
        esc(f, d->krb_realm);
        fputs(", service ", f);
        esc(f, d->krb_sname);
        fputs("</dd>", f);
    }
}

static void facts_tcp(FILE *f, const struct rd_conn *c)
{
    for (int d = 0; d < 2; d++) {
        const struct rd_tcpdir *t = &c->tcp[d];
        fprintf(f,
                "<dt>TCP from the %s</dt><dd>%" PRIu64 " packets, %" PRIu64
                " payload bytes, %u retransmissions, %u duplicates, %u zero windows",
                dir_word((unsigned)d), t->packets, t->bytes, t->retrans, t->duplicates,
                t->zero_windows);
        if (t->have_ttl) {
            fprintf(f, ", TTL %u", t->ttl_first);
        }
        if (t->gap_bytes > 0) {
            fprintf(f, ", %" PRIu64 " bytes missing from the capture", t->gap_bytes);
        }
        fputs("</dd>", f);
    }
    if (c->rtt_ns >= 0) {
        fprintf(f, "<dt>Round trip</dt><dd>%.3f ms (TCP handshake)</dd>", (double)c->rtt_ns / 1e6);
    }
    if (!c->start_seen) {
        fputs("<dt>Capture</dt><dd>started after this connection did</dd>", f);
    }
    if (c->evicted) {
        fputs("<dt>Capture</dt><dd>connection finished early: the connection table was "
              "full</dd>",
              f);
    }
}

static void render_facts(FILE *f, const struct rd_conn *c)
{
    fputs("<details class=\"facts\"><summary>Protocol facts</summary><dl class=\"kv\">", f);
    if (c->session != NULL) {
        facts_x224(f, c->session);
        facts_tls(f, c->session);
        facts_credssp(f, c->session);
    }
    facts_tcp(f, c);
    fputs("</dl></details>\n", f);
}

/* The line under a connection's heading. */
static void render_endpoints(FILE *f, const struct rd_conn *c, uint64_t attempt)
{
    char cli[80], srv[80], start[48];

    rd_format_endpoint(&c->cli, c->cport, cli, sizeof(cli));
    rd_format_endpoint(&c->srv, c->sport, srv, sizeof(srv));
    format_ts(c->first_ts, start, sizeof(start));
    fputs("<p class=\"meta\">", f);
    esc(f, cli);
    fputs(" &rarr; ", f);
    esc(f, srv);
    fprintf(f, " &middot; %s &middot; %.3f s &middot; frames %" PRIu64 "&ndash;%" PRIu64, start,
            rel_s(c, c->last_ts), c->first_frame, c->last_frame);
    if (attempt != c->id) {
        fprintf(f,
                " &middot; retry in the attempt that began with <a href=\"#c%" PRIu64
                "\">connection %" PRIu64 "</a>",
                attempt, attempt);
    }
    fputs("</p>\n", f);
}

static void render_section(FILE *f, const struct rd_conn *c, const struct rd_verdict *v,
                           uint64_t attempt)
{
    const char *oc = outcome_class(v->outcome);
    struct ladder *l = malloc(sizeof(*l)); /* about 5 KiB: not on the stack */

    if (l != NULL) {
        ladder_layout(l, c, v);
    }
    if (v->outcome == RD_OUTCOME_OK) {
        fprintf(f,
                "<details class=\"conn c-ok\" id=\"c%" PRIu64
                "\"><summary><span class=\"badge b-ok\">ok</span> Connection %" PRIu64 " ",
                c->id, c->id);
    } else {
        fprintf(f,
                "<section class=\"conn c-%s\" id=\"c%" PRIu64 "\"><h3><span class=\"badge "
                "b-%s\">%s</span> Connection %" PRIu64 " ",
                oc, c->id, oc, rd_outcome_name(v->outcome), c->id);
    }
    fprintf(f, "<span class=\"cause\">%s</span> <span class=\"muted\">in phase %s</span>",
            rd_cause_name(v->cause), rd_phase_name(v->phase));
    fputs(v->outcome == RD_OUTCOME_OK ? "</summary>\n" : "</h3>\n", f);
    render_endpoints(f, c, attempt);
    render_verdict(f, c, v, l);
    render_cert(f, c->session);
    render_ladder(f, c, v, l);
    render_facts(f, c);
    fputs(v->outcome == RD_OUTCOME_OK ? "</details>\n" : "</section>\n", f);
    free(l);
}

static void index_row(struct rd_html *h, const struct rd_conn *c, const struct rd_verdict *v,
                      uint64_t attempt, bool drawn)
{
    FILE *f = h->index;
    char cli[80], srv[80], start[48];

    if (h->index_rows >= RD_HTML_INDEX_MAX) {
        h->index_dropped++;
        return;
    }
    h->index_rows++;
    rd_format_endpoint(&c->cli, c->cport, cli, sizeof(cli));
    rd_format_endpoint(&c->srv, c->sport, srv, sizeof(srv));
    format_ts(c->first_ts, start, sizeof(start));
    if (drawn) {
        fprintf(f, "<tr><td><a href=\"#c%" PRIu64 "\">%" PRIu64 "</a></td><td>", c->id, c->id);
    } else {
        fprintf(f, "<tr><td>%" PRIu64 "</td><td>", c->id);
    }
    esc(f, cli);
    fputs("</td><td>", f);
    esc(f, srv);
    fprintf(f,
            "</td><td>%s</td><td><span class=\"badge b-%s\">%s</span></td><td>%s</td><td>%s</td>"
            "<td>%" PRIu64 "</td></tr>\n",
            start, outcome_class(v->outcome), rd_outcome_name(v->outcome), rd_phase_name(v->phase),
            rd_cause_name(v->cause), attempt);
}

/* ---- public: open, connection, close -------------------------------------- */

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);

    if (d != NULL) {
        memcpy(d, s, n);
    }
    return d;
}

static void free_html(struct rd_html *h)
{
    if (h->index != NULL) {
        fclose(h->index);
    }
    for (int b = 0; b < B_COUNT; b++) {
        if (h->sec[b] != NULL) {
            fclose(h->sec[b]);
        }
    }
    free(h->path);
    free(h->title);
    free(h);
}

struct rd_html *rd_html_open(const char *path, const char *title, char *errbuf, size_t errsize)
{
    struct rd_html *h;
    int fd;

    h = calloc(1, sizeof(*h));
    if (h == NULL) {
        snprintf(errbuf, errsize, "out of memory for the HTML report");
        return NULL;
    }
    h->path = dup_str(path);
    h->title = dup_str(title != NULL ? title : "");
    if (h->path == NULL || h->title == NULL) {
        free_html(h);
        snprintf(errbuf, errsize, "out of memory for the HTML report");
        return NULL;
    }
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0644);
    if (fd < 0) {
        snprintf(errbuf, errsize, "cannot write the HTML report %s: %s", path, strerror(errno));
        free_html(h);
        return NULL;
    }
    h->out = fdopen(fd, "w");
    if (h->out == NULL) {
        snprintf(errbuf, errsize, "cannot write the HTML report %s: %s", path, strerror(errno));
        close(fd);
        free_html(h);
        return NULL;
    }
    h->index = tmpfile();
    for (int b = 0; b < B_COUNT; b++) {
        h->sec[b] = tmpfile();
    }
    if (h->index == NULL || h->sec[B_FAILED] == NULL || h->sec[B_INCOMPLETE] == NULL ||
        h->sec[B_OK] == NULL) {
        snprintf(errbuf, errsize, "HTML report %s: cannot create a temporary file: %s", path,
                 strerror(errno));
        fclose(h->out);
        free_html(h);
        return NULL;
    }
    return h;
}

void rd_html_conn(struct rd_html *h, const struct rd_conn *c, const struct rd_verdict *v,
                  uint64_t attempt)
{
    static const uint64_t cap[B_COUNT] = {RD_HTML_DRAWN_FAILED, RD_HTML_DRAWN_INCOMPLETE,
                                          RD_HTML_DRAWN_OK};
    enum bucket b = bucket_of(v);
    bool draw = h->drawn[b] < cap[b];

    if (!h->have_ts || c->first_ts < h->first_ts) {
        h->first_ts = c->first_ts;
    }
    if (!h->have_ts || c->last_ts > h->last_ts) {
        h->last_ts = c->last_ts;
    }
    h->have_ts = true;
    index_row(h, c, v, attempt, draw);
    if (!draw) {
        h->not_drawn[b]++;
        return;
    }
    h->drawn[b]++;
    render_section(h->sec[b], c, v, attempt);
}

void rd_html_discard(struct rd_html *h)
{
    if (h == NULL) {
        return;
    }
    fclose(h->out);
    free_html(h);
}

/* ---- the document around the sections ------------------------------------- */

/* Pieces, each under the 4095 characters C11 promises for one literal. */
static const char *const css[] = {
    ":root{--red:#c62828;--red-bg:#fdecea;--green:#2e7d32;--green-bg:#e8f5e9;--amber:#b26a00;"
    "--amber-bg:#fff4e0;--ink:#1f2328;--muted:#5f6b76;--line:#d0d7de}\n",
    "*{box-sizing:border-box}\n",
    "body{margin:0;font:15px/1.45 system-ui,-apple-system,\"Segoe UI\",Roboto,\"Helvetica "
    "Neue\",Arial,sans-serif;color:var(--ink);background:#f6f8fa}\n",
    "main{max-width:1120px;margin:0 auto;padding:16px}\n",
    "header.top{background:#1f2937;color:#fff;padding:18px 16px}\n",
    "header.top div{max-width:1120px;margin:0 auto}\n",
    "header.top h1{margin:0 0 4px;font-size:22px}\n",
    "header.top p{margin:2px 0;color:#d1d5db;font-size:14px;overflow-wrap:anywhere}\n",
    "header.top code{color:#fff}\n",
    "h2{font-size:18px;margin:28px 0 8px;padding-bottom:4px;border-bottom:1px solid var(--line)}\n",
    "h3{font-size:17px;margin:0 0 4px}\n",
    "h4{font-size:14px;margin:12px 0 4px;text-transform:uppercase;letter-spacing:.04em;"
    "color:var(--muted)}\n",
    "code{font:13px/1.3 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;"
    "overflow-wrap:anywhere}\n",
    "a{color:#0b57d0}\n",
    ".muted{color:var(--muted);font-weight:normal}\n",
    ".banner{margin:16px 0;padding:12px 16px;border-radius:8px;font-size:17px;font-weight:600;"
    "border-left:6px solid}\n",
    ".banner.failed{background:var(--red-bg);border-color:var(--red);color:#7f1d1d}\n",
    ".banner.ok{background:var(--green-bg);border-color:var(--green);color:#1b4d20}\n",
    ".banner.incomplete{background:var(--amber-bg);border-color:var(--amber);color:#6b3f00}\n",
    ".tiles{display:flex;flex-wrap:wrap;gap:10px;margin:12px 0}\n",
    ".tile{flex:1 1 130px;background:#fff;border:1px solid var(--line);border-radius:8px;"
    "padding:10px 14px;border-top:5px solid var(--line)}\n",
    ".tile b{display:block;font-size:28px;line-height:1.1}\n",
    ".tile.failed{border-top-color:var(--red)}.tile.failed b{color:var(--red)}\n",
    ".tile.ok{border-top-color:var(--green)}.tile.ok b{color:var(--green)}\n",
    ".tile.incomplete{border-top-color:var(--amber)}.tile.incomplete b{color:var(--amber)}\n",
    ".scroll{overflow-x:auto}\n",
    "table{border-collapse:collapse;width:100%;background:#fff;font-size:14px}\n",
    "th,td{text-align:left;padding:5px 8px;border-bottom:1px solid var(--line);"
    "vertical-align:top}\n",
    "th{background:#eef1f4;font-weight:600}\n",
    "td.n{text-align:right;font-variant-numeric:tabular-nums}\n",
    "td code{white-space:nowrap}\n",
    ".badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;"
    "font-weight:700;text-transform:uppercase;letter-spacing:.03em;color:#fff;"
    "vertical-align:1px}\n",
    ".b-failed{background:var(--red)}.b-ok{background:var(--green)}"
    ".b-incomplete{background:var(--amber)}\n",
    ".conn{display:block;background:#fff;border:1px solid var(--line);border-radius:8px;"
    "padding:14px 16px;margin:16px 0;border-left:6px solid var(--line)}\n",
    ".c-failed{border-left-color:var(--red)}.c-ok{border-left-color:var(--green)}"
    ".c-incomplete{border-left-color:var(--amber)}\n",
    "details.conn>summary{cursor:pointer;font-weight:600}\n",
    ".cause{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}\n",
    ".meta{margin:2px 0 10px;color:var(--muted);font-size:14px;overflow-wrap:anywhere}\n",
    ".verdict{border-radius:8px;padding:12px 14px;margin:8px 0}\n",
    ".v-failed{background:var(--red-bg);border:1px solid #f3b6b0}\n",
    ".v-ok{background:var(--green-bg);border:1px solid #b7dfb9}\n",
    ".v-incomplete{background:var(--amber-bg);border:1px solid #f1d19b}\n",
    ".vhead{margin:0 0 8px;font-size:16px}\n",
    ".why{margin:8px 0;font-size:15px}\n",
    "dl.kv{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:6px 0}\n",
    "dl.kv dt{font-weight:600;color:var(--muted)}dl.kv dd{margin:0;overflow-wrap:anywhere}\n",
    "ul.evidence{margin:4px 0;padding-left:20px}\n",
    ".frame{font-weight:700;font-variant-numeric:tabular-nums}\n",
    ".t{color:var(--muted);font-size:13px;font-variant-numeric:tabular-nums}\n",
    "ol.fix{margin:4px 0;padding-left:24px}ol.fix li{margin:2px 0}\n",
    ".warning{background:var(--amber-bg);border-left:4px solid var(--amber);padding:6px 10px}\n",
    ".cert{border:1px solid var(--line);border-radius:8px;padding:10px 14px;margin:10px 0;"
    "background:#fbfcfd}\n",
    ".cert.bad{border-color:#f3b6b0}\n",
    ".cert h4{margin-top:0}\n",
    "ul.flags{list-style:none;padding:0;margin:4px 0 8px;display:flex;flex-wrap:wrap;gap:6px}\n",
    "ul.flags li{padding:1px 9px;border-radius:10px;font-size:13px;font-weight:600}\n",
    "ul.flags .bad{background:var(--red-bg);color:var(--red)}\n",
    "ul.flags .warn{background:var(--amber-bg);color:var(--amber)}\n",
    "ul.flags .good{background:var(--green-bg);color:var(--green)}\n",
    "code.fp{font-size:11px}\n",
    "figure.ladder{margin:12px 0;overflow-x:auto}\n",
    "figure.ladder svg{display:block;width:100%;min-width:640px;height:auto}\n",
    "figcaption{font-size:12px;color:var(--muted);margin-top:4px}\n",
    ".k-noise{color:#8c959f}.k-rst{color:var(--red)}.k-fin{color:#d9480f}\n",
    "svg text{font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,Arial,sans-serif;"
    "font-size:11px;fill:var(--ink)}\n",
    "svg text.l,svg text.n{text-anchor:middle;paint-order:stroke;stroke:#fff;stroke-width:3px;"
    "stroke-linejoin:round}\n",
    "svg text.n{font-style:italic;fill:var(--muted)}\n",
    "svg text.fr{font-weight:700;font-size:11px}\n",
    "svg text.tm{fill:var(--muted);font-size:10px;font-variant-numeric:tabular-nums}\n",
    "svg text.col{font-weight:700;font-size:14px}\n",
    "svg text.ep{font-size:11px;fill:var(--muted)}\n",
    "svg text.end{text-anchor:end}svg text.mid,svg text.mb{text-anchor:middle}\n",
    "svg text.mb{fill:var(--red)}\n",
    "svg text.pl{text-anchor:end;font-size:10px;font-weight:700;fill:#6e7781;"
    "text-transform:uppercase;letter-spacing:.05em}\n",
    "svg line.life{stroke:#57606a;stroke-width:2}\n",
    "svg line.life.mb{stroke:var(--red);stroke-dasharray:6 4}\n",
    "svg .band{fill:#f6f8fa}\n",
    "svg .p-tcp{fill:#f3f4f6}svg .p-x224{fill:#eaf2fd}svg .p-tls{fill:#eaf7ec}"
    "svg .p-credssp{fill:#fdf3e1}svg .p-early_user_auth{fill:#fbeaf3}svg .p-mcs{fill:#efedfb}"
    "svg .p-active{fill:#e6f6f3}\n",
    "svg .a line{stroke:currentColor;stroke-width:1.6}svg .a polygon{fill:currentColor}\n",
    "svg .a.ev line{stroke-width:3}svg .a.ev text.l{font-weight:700}"
    "svg .a.ev text.fr{fill:var(--red)}\n",
    "svg .a-c2s{color:#1d4ed8}svg .a-s2c{color:#0f766e}svg .a-tcp{color:#57606a}"
    "svg .a-fin{color:#d9480f}svg .a-rst,svg .a-alert{color:var(--red)}"
    "svg .a-warn{color:var(--amber)}svg .a-icmp{color:#8250df}svg .a-quiet{color:#8c959f}\n",
    "svg .a-noise{color:#afb8c1}svg .a-noise line{stroke-width:1;stroke-dasharray:4 3}"
    "svg .a-noise text.l{fill:#8c959f}\n",
    "svg .a-mb line{stroke-dasharray:7 3}\n",
    "details.facts{margin-top:8px;font-size:14px}details.facts>summary{cursor:pointer;"
    "color:var(--muted);font-weight:600}\n",
    "footer{max-width:1120px;margin:24px auto;padding:0 16px 24px;color:var(--muted);"
    "font-size:13px}\n",
    "@media (max-width:640px){body{font-size:14px}main{padding:8px}.conn{padding:10px}"
    "dl.kv{grid-template-columns:1fr}dl.kv dt{margin-top:4px}td,th{min-width:7.5em}}\n",
    "@media print{body{background:#fff;font-size:12px}header.top{background:#fff;color:#000;"
    "border-bottom:2px solid #000}header.top p,header.top code{color:#000}"
    ".conn{break-inside:avoid-page;border-color:#999}.verdict,.cert,figure.ladder"
    "{break-inside:avoid}figure.ladder svg{min-width:0}a{color:inherit;text-decoration:none}"
    "*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}\n"};

static void write_head(const struct rd_html *h, const struct rd_report *r)
{
    FILE *f = h->out;
    char a[48], b[48];

    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
          "style-src 'unsafe-inline'; script-src 'sha256-" PRINT_SCRIPT_SHA256 "'\">\n"
          "<meta name=\"generator\" content=\"rdpdiag " PACKAGE_VERSION "\">\n<title>",
          f);
    fputs("RDP diagnosis", f);
    if (h->title[0] != '\0') {
        fputs(": ", f);
        esc(f, h->title);
    }
    fputs("</title>\n<style>\n", f);
    for (size_t i = 0; i < sizeof(css) / sizeof(css[0]); i++) {
        fputs(css[i], f);
    }
    fputs("</style>\n<script>" PRINT_SCRIPT "</script>\n</head>\n<body>\n", f);
    fputs("<header class=\"top\"><div><h1>Remote Desktop connection diagnosis</h1>", f);
    if (h->title[0] != '\0') {
        fputs("<p>Input: <code>", f);
        esc(f, h->title);
        fputs("</code></p>", f);
    }
    if (h->have_ts) {
        format_ts(h->first_ts, a, sizeof(a));
        format_ts(h->last_ts, b, sizeof(b));
        fprintf(f, "<p>Connections from %s to %s (capture time)</p>", a, b);
    }
    fprintf(f,
            "<p>%" PRIu64 " RDP connection%s analysed by rdpdiag " PACKAGE_VERSION "</p></div>"
            "</header>\n<main>\n",
            r->total, r->total == 1 ? "" : "s");
}

static void write_totals(FILE *f, const struct rd_report *r)
{
    if (r->failed > 0) {
        fprintf(f,
                "<p class=\"banner failed\">%" PRIu64 " of %" PRIu64
                " RDP connection%s failed.</p>\n",
                r->failed, r->total, r->total == 1 ? "" : "s");
    } else if (r->incomplete > 0) {
        fprintf(f,
                "<p class=\"banner incomplete\">No failed connection; %" PRIu64
                " could not be judged to the end (incomplete).</p>\n",
                r->incomplete);
    } else if (r->total > 0) {
        fputs("<p class=\"banner ok\">No failed RDP connection.</p>\n", f);
    } else {
        fputs("<p class=\"banner incomplete\">No RDP connection in the input.</p>\n", f);
    }
    fprintf(f,
            "<div class=\"tiles\"><div class=\"tile failed\"><b>%" PRIu64
            "</b>failed</div><div class=\"tile ok\"><b>%" PRIu64
            "</b>ok</div><div class=\"tile incomplete\"><b>%" PRIu64
            "</b>incomplete</div><div class=\"tile\"><b>%" PRIu64 "</b>connections</div></div>\n",
            r->failed, r->ok, r->incomplete, r->total);
}

static void write_causes(FILE *f, const struct rd_report *r)
{
    bool any = false;

    for (unsigned i = 0; i < RD_CAUSE_COUNT; i++) {
        any = any || (i != RD_CAUSE_NONE && r->by_cause[i] > 0);
    }
    if (!any) {
        return;
    }
    fputs("<h2>Causes</h2>\n<div class=\"scroll\"><table><thead><tr><th>Cause</th>"
          "<th>Connections</th><th>What it means</th><th>How it looks on the wire</th></tr>"
          "</thead><tbody>\n",
          f);
    for (unsigned i = 0; i < RD_CAUSE_COUNT; i++) {
        const struct rd_cause_info *ci;
        if (i == RD_CAUSE_NONE || r->by_cause[i] == 0) {
            continue;
        }
        ci = rd_cause_info((enum rd_cause)i);
        fprintf(f, "<tr><td><code>%s</code></td><td class=\"n\">%" PRIu64 "</td><td>",
                rd_cause_name((enum rd_cause)i), r->by_cause[i]);
        esc(f, ci->summary);
        fputs("</td><td>", f);
        esc(f, ci->signature);
        fputs("</td></tr>\n", f);
    }
    fputs("</tbody></table></div>\n", f);
}

static void write_servers(FILE *f, const struct rd_report *r)
{
    char ep[80];

    if (r->n_servers == 0) {
        return;
    }
    fputs("<h2>Servers</h2>\n<div class=\"scroll\"><table><thead><tr><th>Server</th>"
          "<th>Connections</th><th>Failed</th><th>Causes</th></tr></thead><tbody>\n",
          f);
    for (size_t i = 0; i < r->n_servers && i < RD_REPORT_SERVERS; i++) {
        const struct rd_server_tally *t = &r->servers[i];
        bool first = true;
        rd_format_endpoint(&t->addr, t->port, ep, sizeof(ep));
        fputs("<tr><td>", f);
        esc(f, ep);
        fprintf(f, "</td><td class=\"n\">%" PRIu64 "</td><td class=\"n\">%" PRIu64 "</td><td>",
                t->conns, t->failed);
        for (unsigned k = 0; k < RD_CAUSE_COUNT; k++) {
            if (k != RD_CAUSE_NONE && t->by_cause[k] > 0) {
                fprintf(f, "%s<code>%s</code>&nbsp;%" PRIu64, first ? "" : ", ",
                        rd_cause_name((enum rd_cause)k), t->by_cause[k]);
                first = false;
            }
        }
        fputs("</td></tr>\n", f);
    }
    fputs("</tbody></table></div>\n", f);
    if (r->other_server_conns > 0) {
        fprintf(f,
                "<p class=\"muted\">%" PRIu64 " connections to further servers not listed.</p>\n",
                r->other_server_conns);
    }
}

static void write_attempts(FILE *f, const struct rd_attempts *at)
{
    char cli[64], ep[80], outcome[160];

    if (at == NULL || at->n_done == 0) {
        return;
    }
    fprintf(f,
            "<h2>Attempts</h2>\n<p class=\"muted\">Connections from one client to one server that "
            "belong to one user action (%" PRIu64
            " attempt%s in all; listed: those with a failure or a retry).</p>\n"
            "<div class=\"scroll\"><table><thead><tr><th>First connection</th><th>Client</th>"
            "<th>Server</th><th>Connections</th><th>How it ended</th><th>How it unfolded</th>"
            "</tr></thead><tbody>\n",
            at->total, at->total == 1 ? "" : "s");
    for (size_t i = 0; i < at->n_done && i < RD_ATTEMPT_LISTED; i++) {
        const struct rd_attempt *t = &at->done[i];
        rd_addr_format(&t->cli, cli, sizeof(cli));
        rd_format_endpoint(&t->srv, t->sport, ep, sizeof(ep));
        rd_attempt_outcome(t, outcome, sizeof(outcome));
        fprintf(f, "<tr><td><a href=\"#c%" PRIu64 "\">%" PRIu64 "</a></td><td>", t->id, t->id);
        esc(f, cli);
        fputs("</td><td>", f);
        esc(f, ep);
        fprintf(f, "</td><td class=\"n\">%u</td><td>", t->conns);
        esc(f, outcome);
        fputs("</td><td>", f);
        esc(f, t->story);
        fputs("</td></tr>\n", f);
    }
    fputs("</tbody></table></div>\n", f);
    if (at->not_listed > 0) {
        fprintf(f, "<p class=\"muted\">%" PRIu64 " more attempts not listed.</p>\n",
                at->not_listed);
    }
}

static void write_capture_notes(FILE *f, const struct rd_engine_stats *st)
{
    uint64_t skipped;

    if (st == NULL) {
        return;
    }
    skipped = st->fragments + st->truncated + st->malformed;
    if (skipped == 0 && st->payload_cut == 0 && st->evicted == 0 && st->time_backwards == 0) {
        return;
    }
    fprintf(f,
            "<h2>Capture</h2>\n<p>%" PRIu64 " frames; skipped %" PRIu64 " (%" PRIu64
            " IP fragments, %" PRIu64 " cut inside a header by the snapshot length, %" PRIu64
            " malformed); %" PRIu64 " with payload cut by the snapshot length; %" PRIu64
            " connections finished early (table full); %" PRIu64
            " timestamps going backwards.</p>\n",
            st->frames, skipped, st->fragments, st->truncated, st->malformed, st->payload_cut,
            st->evicted, st->time_backwards);
}

/* Append a temporary file's contents to out. */
static int copy_tmp(FILE *out, FILE *tmp)
{
    char buf[16384];
    size_t n;

    if (fflush(tmp) != 0 || ferror(tmp)) {
        return -1;
    }
    rewind(tmp);
    while ((n = fread(buf, 1, sizeof(buf), tmp)) > 0) {
        if (fwrite(buf, 1, n, out) != n) {
            return -1;
        }
    }
    return ferror(tmp) ? -1 : 0;
}

static int write_index(struct rd_html *h)
{
    FILE *f = h->out;

    if (h->index_rows == 0) {
        return 0;
    }
    fputs("<h2>Connections</h2>\n<div class=\"scroll\"><table><thead><tr><th>#</th>"
          "<th>Client</th><th>Server</th><th>Start</th><th>Outcome</th><th>Phase</th>"
          "<th>Cause</th><th>Attempt</th></tr></thead><tbody>\n",
          f);
    if (copy_tmp(f, h->index) != 0) {
        return -1;
    }
    fputs("</tbody></table></div>\n", f);
    if (h->index_dropped > 0) {
        fprintf(f, "<p class=\"muted\">%" PRIu64 " more connections not listed.</p>\n",
                h->index_dropped);
    }
    return 0;
}

static int write_sections(struct rd_html *h)
{
    static const char *const heading[B_COUNT] = {"Failed connections", "Incomplete connections",
                                                 "Healthy connections"};
    FILE *f = h->out;

    for (int b = 0; b < B_COUNT; b++) {
        if (h->drawn[b] == 0) {
            continue;
        }
        fprintf(f, "<h2>%s</h2>\n", heading[b]);
        if (b == B_OK) {
            fputs("<p class=\"muted\">Collapsed: open one to see its ladder and facts.</p>\n", f);
        }
        if (copy_tmp(f, h->sec[b]) != 0) {
            return -1;
        }
        if (h->not_drawn[b] > 0) {
            fprintf(f, "<p class=\"muted\">%" PRIu64 " more not drawn (listed in the index).</p>\n",
                    h->not_drawn[b]);
        }
    }
    return 0;
}

int rd_html_close(struct rd_html *h, const struct rd_report *summary,
                  const struct rd_attempts *attempts, const struct rd_engine_stats *st,
                  char *errbuf, size_t errsize)
{
    FILE *f = h->out;
    int rc = 0;
    int err = 0;

    write_head(h, summary);
    write_totals(f, summary);
    write_causes(f, summary);
    write_servers(f, summary);
    write_attempts(f, attempts);
    write_capture_notes(f, st);
    if (write_index(h) != 0 || write_sections(h) != 0) {
        rc = -1;
        err = errno;
    }
    fputs("</main>\n<footer>Made by rdpdiag " PACKAGE_VERSION
          " from the capture alone: times are the capture's, in UTC. Strings from the capture "
          "(names, cookies, certificate fields) are shown as sent.</footer>\n</body>\n</html>\n",
          f);
    if (rc == 0 && (fflush(f) != 0 || ferror(f))) {
        rc = -1;
        err = errno;
    }
    if (fclose(f) != 0 && rc == 0) {
        rc = -1;
        err = errno;
    }
    if (rc != 0) {
        snprintf(errbuf, errsize, "writing the HTML report %s: %s", h->path,
                 err != 0 ? strerror(err) : "I/O error");
    }
    free_html(h);
    return rc;
}

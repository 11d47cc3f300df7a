/*
 * session.c - the RDP phase machine of one connection.
 *
 * Phases in order: tcp -> x224 -> tls -> credssp -> early_user_auth -> mcs ->
 * active (DESIGN.md).  Each direction's ordered bytes are buffered while the
 * handshake lasts and framed into PDUs for the current phase; what is learned
 * goes into the facts and the timeline.  The transition table below is the one
 * place that says which phase may follow which.
 */
#include "config.h"

#include "session.h"

#include <stdlib.h>
#include <string.h>

#include "cursor.h"

/* allowed[from] has bit `to` set when the move is legal. */
static const unsigned allowed[RD_PHASE_COUNT] = {
    [RD_PHASE_TCP] = 1u << RD_PHASE_X224,
    [RD_PHASE_X224] = 1u << RD_PHASE_TLS | 1u << RD_PHASE_MCS,
    [RD_PHASE_TLS] = 1u << RD_PHASE_CREDSSP | 1u << RD_PHASE_MCS,
    [RD_PHASE_CREDSSP] = 1u << RD_PHASE_EARLY_USER_AUTH | 1u << RD_PHASE_MCS,
    [RD_PHASE_EARLY_USER_AUTH] = 1u << RD_PHASE_MCS,
    [RD_PHASE_MCS] = 1u << RD_PHASE_ACTIVE,
    [RD_PHASE_ACTIVE] = 0,
};

static const char *const first_names[] = {
    "nothing", "TPKT", "a TLS record", "HTTP", "an SSH banner", "text", "binary data",
};

const char *rd_first_bytes_name(enum rd_first_bytes f)
{
    return (unsigned)f < sizeof(first_names) / sizeof(first_names[0]) ? first_names[f] : "?";
}

struct rd_session *rd_session_new(void)
{
    struct rd_session *s = calloc(1, sizeof(*s));

    return s;
}

void rd_session_free(struct rd_session *s)
{
    if (s == NULL) {
        return;
    }
    free(s->dir[0].buf);
    free(s->dir[1].buf);
    free(s);
}

void rd_session_finish(struct rd_conn *c)
{
    struct rd_session *s = c->session;

    if (s == NULL) {
        return;
    }
    for (int d = 0; d < 2; d++) {
        free(s->dir[d].buf);
        s->dir[d].buf = NULL;
        s->dir[d].len = 0;
    }
}

/* Move to phase `to` if the transition table allows it; record an anomaly if not. */
static void set_phase(struct rd_conn *c, const struct rd_packet *p, enum rd_phase to)
{
    struct rd_session *s = c->session;

    if (s->phase == to) {
        return;
    }
    if ((allowed[s->phase] & (1u << to)) == 0) {
        rd_conn_event(c, p, RD_DIR_NONE, RD_EV_ANOMALY, "unexpected move from phase %s to %s",
                      rd_phase_name(s->phase), rd_phase_name(to));
        return;
    }
    s->phase = to;
    if (to == RD_PHASE_ACTIVE && p != NULL) {
        s->active_frame = p->frame;
    }
    rd_conn_event(c, p, RD_DIR_NONE, RD_EV_PHASE, "phase %s", rd_phase_name(to));
}

/* Classify the first bytes a side sent, and keep a printable sample of them. */
static enum rd_first_bytes classify(const uint8_t *data, size_t len, char *text, size_t size)
{
    struct rd_cur c;
    uint8_t b0 = 0, b1 = 0;
    size_t n = 0;
    bool printable = true;

    rd_cur_init(&c, data, len);
    rd_cur_peek_at(&c, 0, &b0);
    rd_cur_peek_at(&c, 1, &b1);
    for (size_t i = 0; i < len && n + 1 < size; i++) {
        uint8_t ch = 0;
        rd_cur_peek_at(&c, i, &ch);
        if (ch == '\r' || ch == '\n') {
            break;
        }
        if (ch < 0x20 || ch > 0x7e) {
            printable = false;
            ch = '.';
        }
        text[n++] = (char)ch;
    }
    text[n] = '\0';
    if (b0 == 3 && b1 == 0) {
        return RD_FIRST_TPKT;
    }
    if (b0 >= 20 && b0 <= 24 && b1 == 3) {
        return RD_FIRST_TLS;
    }
    if (rd_cur_expect(&c, "HTTP/", 5) || rd_cur_expect(&c, "GET ", 4) ||
        rd_cur_expect(&c, "POST ", 5)) {
        return RD_FIRST_HTTP;
    }
    if (rd_cur_expect(&c, "SSH-", 4)) {
        return RD_FIRST_SSH;
    }
    return printable ? RD_FIRST_TEXT : RD_FIRST_BINARY;
}

/* First bytes of a direction: decide whether this is RDP at all. */
static void first_data(struct rd_conn *c, enum rd_dir dir, const struct rd_packet *p,
                       const uint8_t *data, size_t len)
{
    struct rd_session *s = c->session;
    struct rd_session_dir *d = &s->dir[dir];

    d->first = classify(data, len, d->first_text, sizeof(d->first_text));
    if (dir == RD_DIR_S2C && d->first != RD_FIRST_TPKT) {
        s->not_rdp = true;
        s->not_rdp_frame = p != NULL ? p->frame : 0;
        rd_conn_event(c, p, dir, RD_EV_ANOMALY, "server's first bytes are %s, not RDP: \"%s\"",
                      rd_first_bytes_name(d->first), d->first_text);
    }
    if (dir == RD_DIR_C2S && d->first == RD_FIRST_TPKT) {
        struct rd_cur cur;
        uint8_t code = 0;

        rd_cur_init(&cur, data, len);
        if (rd_cur_peek_at(&cur, 5, &code) && (code & 0xf0) == 0xe0) {
            s->x224.cr_seen = true;
            s->x224.cr_frame = p != NULL ? p->frame : 0;
            s->x224.cr_ts = p != NULL ? p->ts_ns : 0;
            rd_conn_event(c, p, dir, RD_EV_DATA, "X.224 Connection Request");
            set_phase(c, p, RD_PHASE_X224);
        }
    }
}

void rd_session_data(struct rd_conn *c, enum rd_dir dir, const struct rd_packet *p,
                     const uint8_t *data, size_t len)
{
    struct rd_session_dir *d;

    if (c->session == NULL) {
        c->session = rd_session_new();
        if (c->session == NULL) {
            return;
        }
    }
    d = &c->session->dir[dir];
    if (data == NULL) {
        d->desync = true;
        return;
    }
    if (len == 0) {
        return;
    }
    if (d->bytes == 0) {
        d->first_frame = p != NULL ? p->frame : 0;
        d->first_ts = p != NULL ? p->ts_ns : 0;
        first_data(c, dir, p, data, len);
    }
    d->bytes += len;
    d->last_frame = p != NULL ? p->frame : d->last_frame;
    d->last_ts = p != NULL ? p->ts_ns : d->last_ts;
}

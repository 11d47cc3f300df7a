/*
 * engine.c - flow table, TCP events, reassembly and connection lifetime.
 *
 * Per packet: find or create the connection, tell a frame captured twice from
 * a retransmission, record the TCP events of DESIGN.md (handshake and RTT,
 * retransmission, duplicate, zero window, keep-alive, FIN, RST), push payload
 * through the direction's reassembler into the session, and let the peer's
 * ACKs reveal bytes the capture missed.  A connection ends on RST or both FINs
 * (after a short linger for the packets that follow a close), on idle timeout,
 * when the table is full (the longest-idle one), or at the end of input.
 */
#include "config.h"

#include "engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "decode.h"
#include "diagnose.h"
#include "session.h"
#include "textfmt.h"
#include "x224.h"

#define NS_PER_SEC  1000000000LL
#define NS_PER_MS   1000000LL
#define SWEEP_EVERY (NS_PER_SEC / 4)
#define DUP_WINDOW  NS_PER_SEC /* a copy of a frame later than this is no tap duplicate */

static void portset_add(struct rd_portset *s, uint16_t port)
{
    s->bits[port >> 3] = (uint8_t)(s->bits[port >> 3] | (1u << (port & 7)));
}

static bool portset_has(const struct rd_portset *s, uint16_t port)
{
    return (s->bits[port >> 3] >> (port & 7)) & 1u;
}

void rd_engine_default_opts(struct rd_engine_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->max_conns = 16384;
    o->idle_timeout_ns = 600 * NS_PER_SEC;
    o->syn_timeout_ns = 60 * NS_PER_SEC;
    o->linger_ns = NS_PER_SEC;
}

int rd_engine_init(struct rd_engine *e, const struct rd_engine_opts *o, rd_conn_done_fn done,
                   void *ctx, char *errbuf, size_t errsize)
{
    memset(e, 0, sizeof(*e));
    e->opts = *o;
    if (e->opts.nports == 0) {
        e->opts.ports[0] = 3389;
        e->opts.nports = 1;
    }
    if (e->opts.max_conns == 0) {
        e->opts.max_conns = 1;
    }
    e->done = done;
    e->ctx = ctx;
    for (unsigned i = 0; i < e->opts.nports; i++) {
        portset_add(&e->rdp, e->opts.ports[i]);
    }
    e->rdp.n = e->opts.nports;
    if (rd_flow_init(&e->flows, e->opts.max_conns, errbuf, errsize) != 0) {
        return -1;
    }
    e->scratch = malloc(sizeof(*e->scratch));
    if (e->scratch == NULL || rd_context_init(&e->context, RD_ENGINE_CONTEXT_CLIENTS) != 0) {
        rd_format(errbuf, errsize, "out of memory for the DNS/Kerberos context");
        free(e->scratch);
        e->scratch = NULL;
        rd_flow_free(&e->flows);
        return -1;
    }
    return 0;
}

bool rd_portset_has(const struct rd_portset *s, uint16_t port)
{
    return portset_has(s, port);
}

bool rd_engine_is_rdp_port(const struct rd_engine *e, uint16_t port)
{
    return portset_has(&e->rdp, port);
}

bool rd_portset_wants(const struct rd_portset *s, uint8_t proto, uint16_t sport, uint16_t dport,
                      int first_byte)
{
    if (sport == 53 || dport == 53 || sport == 88 || dport == 88) {
        return true;
    }
    if (proto != 6) {
        return false;
    }
    return portset_has(s, sport) || portset_has(s, dport) || first_byte == 3;
}

bool rd_engine_wants(const struct rd_engine *e, uint8_t proto, uint16_t sport, uint16_t dport,
                     int first_byte)
{
    return rd_portset_wants(&e->rdp, proto, sport, dport, first_byte);
}

void rd_engine_copy_ports(const struct rd_engine *e, struct rd_portset *out)
{
    *out = e->rdp;
}

static void free_conn(struct rd_conn *c)
{
    rd_stream_free(&c->stream[RD_DIR_C2S]);
    rd_stream_free(&c->stream[RD_DIR_S2C]);
    rd_session_free(c->session);
    free(c->timeline);
    free(c);
}

/* What the reassembler delivers goes to the session, tagged with its direction. */
struct deliver_ctx {
    struct rd_conn *c;
    enum rd_dir dir;
    const struct rd_packet *p;
};

static void deliver(void *ctx, const uint8_t *data, size_t len)
{
    struct deliver_ctx *d = ctx;

    if (data == NULL) {
        d->c->tcp[d->dir].gap_bytes += len;
        rd_conn_event(d->c, d->p, d->dir, RD_EV_GAP, "%zu bytes missing from the capture", len);
    }
    rd_session_data(d->c, d->dir, d->p, data, len);
}

static void finish(struct rd_engine *e, struct rd_conn *c)
{
    struct rd_verdict v;

    for (int d = 0; d < 2; d++) {
        struct deliver_ctx dc = {c, (enum rd_dir)d, NULL};
        rd_stream_flush(&c->stream[d], deliver, &dc);
    }
    rd_session_finish(c);
    c->finished = true;
    c->end_ts = e->now_ns;
    rd_context_lookup_span(&e->context, &c->cli, &c->srv, c->first_ts, c->last_ts, e->scratch);
    c->context = e->scratch;
    rd_diagnose(c, &v);
    if (v.outcome == RD_OUTCOME_FAILED) {
        e->stats.failed++;
    }
    rd_flow_remove(&e->flows, c);
    if (e->done != NULL) {
        e->done(e->ctx, c, &v);
    }
    free_conn(c);
}

/* Finish what has been quiet long enough: closed connections after the linger,
 * open ones after their idle timeout.  The idle list is in last-seen order. */
static void sweep(struct rd_engine *e, int64_t now)
{
    const int64_t limit[3] = {e->opts.syn_timeout_ns, e->opts.idle_timeout_ns, e->opts.linger_ns};

    e->last_sweep_ns = now;
    /* Each class list is in last-seen order under one limit, so only its head
     * can be due; finish the due heads least recently seen first. */
    for (;;) {
        struct rd_conn *due = NULL;
        for (int k = 0; k < 3; k++) {
            struct rd_conn *h = e->flows.head[k];
            if (h != NULL && now - h->last_ts >= limit[k] &&
                (due == NULL || h->last_ts < due->last_ts)) {
                due = h;
            }
        }
        if (due == NULL) {
            return;
        }
        finish(e, due);
    }
}
static void advance_clock(struct rd_engine *e, int64_t ts)
{
    if (!e->clock_started) {
        e->clock_started = true;
        e->now_ns = ts;
        e->last_sweep_ns = ts;
        return;
    }
    if (ts < e->now_ns) {
        e->stats.time_backwards++;
        return;
    }
    e->now_ns = ts;
    if (e->now_ns - e->last_sweep_ns >= SWEEP_EVERY) {
        sweep(e, e->now_ns);
    }
}

/* Live and idle: finish what has been quiet long enough by the wall clock,
 * without moving the capture clock (packets still in the kernel's buffer were
 * stamped before now and must not look as if time went backwards). */
void rd_engine_tick(struct rd_engine *e, int64_t now_ns)
{
    if (e->clock_started && now_ns - e->last_sweep_ns >= SWEEP_EVERY) {
        sweep(e, now_ns);
    }
}

static void opts_text(const struct rd_packet *p, char *buf, size_t size)
{
    int n = 0;

    buf[0] = '\0';
    if (p->opt.has_mss) {
        n += rd_format(buf + n, size - (size_t)n, " MSS %u", p->opt.mss);
    }
    if (p->opt.has_wscale && (size_t)n < size) {
        n += rd_format(buf + n, size - (size_t)n, " WS %u", p->opt.wscale);
    }
    if (p->opt.sack_ok && (size_t)n < size) {
        n += rd_format(buf + n, size - (size_t)n, " SACK");
    }
    if (p->opt.has_ts && (size_t)n < size) {
        rd_format(buf + n, size - (size_t)n, " TS");
    }
}

static bool sig_same(const struct rd_sig *a, const struct rd_sig *b, bool ipv4)
{
    /* The checksum first: it differs between almost any two distinct segments. */
    if (a->csum != b->csum || a->seq != b->seq || a->ack != b->ack || a->len != b->len ||
        a->flags != b->flags || a->win != b->win) {
        return false;
    }
    if (ipv4 && a->ipid != b->ipid) {
        return false;
    }
    return b->ts_ns - a->ts_ns <= DUP_WINDOW && b->ts_ns >= a->ts_ns;
}

/* A frame identical to one this direction sent just before (same IP ID, TCP
 * checksum, sequence, flags): the same packet captured twice, e.g. by two taps. */
static bool is_duplicate(struct rd_tcpdir *t, const struct rd_packet *p)
{
    struct rd_sig s = {p->seq,      p->ack, p->paylen_wire, p->ipid,
                       p->tcp_csum, p->win, p->flags,       p->ts_ns};
    bool v4 = p->src.family == 4;

    /* Whether any checksum in the ring equals this one, four lanes per word
     * (a zero lane of x ^ csum): the slots are compared only then. */
    uint64_t lanes = 0x0001000100010001ULL * s.csum;
    bool maybe = false;

    for (unsigned w = 0; w < RD_DUP_RING / 4; w++) {
        uint64_t x = t->ring_csums[w] ^ lanes;
        maybe |= ((x - 0x0001000100010001ULL) & ~x & 0x8000800080008000ULL) != 0;
    }
    for (unsigned i = 0; maybe && i < RD_DUP_RING; i++) {
        if (t->ring[i].csum == s.csum && t->ring[i].ts_ns != 0 && sig_same(&t->ring[i], &s, v4)) {
            return true;
        }
    }
    unsigned pos = t->ring_pos;
    unsigned shift = (pos % 4) * 16;
    t->ring[pos] = s;
    t->ring_csums[pos / 4] =
        (t->ring_csums[pos / 4] & ~(0xffffULL << shift)) | ((uint64_t)s.csum << shift);
    t->ring_pos = (pos + 1) % RD_DUP_RING;
    return false;
}

static void note_ip(struct rd_tcpdir *t, const struct rd_packet *p)
{
    if (!t->have_ttl) {
        t->have_ttl = true;
        t->ttl_first = t->ttl_min = t->ttl_max = p->ttl;
        t->ipid_zero = true;
    }
    if (p->ttl < t->ttl_min) {
        t->ttl_min = p->ttl;
    }
    if (p->ttl > t->ttl_max) {
        t->ttl_max = p->ttl;
    }
    if (p->has_ipid) {
        t->have_ipid = true;
        t->ipid_last = p->ipid;
        if (p->ipid != 0) {
            t->ipid_zero = false;
        }
    }
}

static void record_close(struct rd_conn *c, const struct rd_packet *p, enum rd_dir dir,
                         enum rd_close_kind kind, struct rd_closepkt *out)
{
    out->frame = p->frame;
    out->ts_ns = p->ts_ns;
    out->dir = (uint8_t)dir;
    out->kind = (uint8_t)kind;
    out->flags = p->flags;
    out->ttl = p->ttl;
    out->ipid = p->ipid;
    out->has_ipid = p->has_ipid;
    out->seq = p->seq;
    (void)c;
}

static void on_syn(struct rd_conn *c, const struct rd_packet *p, enum rd_dir dir)
{
    struct rd_tcpdir *t = &c->tcp[dir];
    bool synack = (p->flags & RD_TCP_ACK) != 0;
    char o[64];

    t->syn_count++;
    if (p->opt.has_mss) {
        t->mss = p->opt.mss;
    }
    if (t->syn_count > 1) {
        rd_conn_noise(c, p, dir, RD_EV_RETRANS, "%s retransmission #%u", synack ? "SYN-ACK" : "SYN",
                      t->syn_count - 1);
        if (synack) {
            c->synack_ts = p->ts_ns; /* the ACK answers the latest copy */
        }
        return;
    }
    opts_text(p, o, sizeof(o));
    rd_stream_syn(&c->stream[dir], p->seq);
    if (!synack) {
        c->start_seen = true;
        c->syn_ts = p->ts_ns;
        rd_conn_event(c, p, dir, RD_EV_SYN, "SYN%s", o);
        return;
    }
    c->synack_frame = p->frame;
    c->synack_ts = p->ts_ns;
    if (c->start_seen) {
        char ms[32];
        rd_conn_event(c, p, dir, RD_EV_SYNACK, "SYN-ACK%s (%s ms after the SYN)", o,
                      rd_format_fixed(ms, sizeof(ms), p->ts_ns - c->syn_ts, NS_PER_MS, 3));
    } else {
        rd_conn_event(c, p, dir, RD_EV_SYNACK, "SYN-ACK%s", o);
    }
}

static void on_established(struct rd_conn *c, const struct rd_packet *p)
{
    int64_t syn_rtt = c->start_seen ? c->synack_ts - c->syn_ts : -1;
    int64_t ack_rtt = p->ts_ns - c->synack_ts;
    char ms[32];

    c->established = true;
    /* Captured near the client, SYN to SYN-ACK is the round trip; near the
     * server, SYN-ACK to ACK is.  The larger of the two is the path's. */
    c->rtt_ns = syn_rtt > ack_rtt ? syn_rtt : ack_rtt;
    rd_conn_event(c, p, RD_DIR_C2S, RD_EV_HANDSHAKE, "handshake complete, RTT %s ms",
                  rd_format_fixed(ms, sizeof(ms), c->rtt_ns, NS_PER_MS, 3));
}

static void on_rst(struct rd_conn *c, const struct rd_packet *p, enum rd_dir dir)
{
    if (c->first_close.kind == RD_CLOSE_RST && c->first_close.dir != (uint8_t)dir &&
        c->rst_other.kind == RD_CLOSE_NONE) {
        record_close(c, p, dir, RD_CLOSE_RST, &c->rst_other);
    }
    c->rst_count[dir]++;
    record_close(c, p, dir, RD_CLOSE_RST, &c->last_rst);
    if (c->first_close.kind == RD_CLOSE_NONE) {
        record_close(c, p, dir, RD_CLOSE_RST, &c->first_close);
    }
    if (dir == RD_DIR_S2C && c->start_seen && c->synack_frame == 0 && !c->established) {
        c->syn_rst = true;
    }
    if (c->rst_count[0] + c->rst_count[1] <= 4) {
        rd_conn_event(c, p, dir, RD_EV_RST, "RST%s (TTL %u%s)",
                      (p->flags & RD_TCP_ACK) ? ",ACK" : "", p->ttl,
                      c->rst_count[0] + c->rst_count[1] > 1 ? ", again" : "");
    } else {
        c->events_dropped++;
    }
    if (!c->closed) {
        c->closed = true;
        c->closed_ts = p->ts_ns;
    }
}

static void on_fin(struct rd_conn *c, const struct rd_packet *p, enum rd_dir dir)
{
    c->fin_count[dir]++;
    if (c->fin_seen[dir]) {
        return;
    }
    c->fin_seen[dir] = true;
    if (c->first_close.kind == RD_CLOSE_NONE) {
        record_close(c, p, dir, RD_CLOSE_FIN, &c->first_close);
    }
    rd_conn_event(c, p, dir, RD_EV_FIN, "FIN");
    if (c->fin_seen[0] && c->fin_seen[1] && !c->closed) {
        c->closed = true;
        c->closed_ts = p->ts_ns;
    }
}

static void on_payload(struct rd_conn *c, const struct rd_packet *p, enum rd_dir dir)
{
    struct rd_tcpdir *t = &c->tcp[dir];
    struct deliver_ctx dc = {c, dir, p};
    bool fin = (p->flags & RD_TCP_FIN) != 0;
    enum rd_seg_kind k;

    if (p->paylen_wire > t->max_seg) {
        t->max_seg = (uint16_t)(p->paylen_wire > 0xffff ? 0xffff : p->paylen_wire);
    }
    k = rd_stream_push(&c->stream[dir], p->seq, p->payload, p->paylen, p->paylen_wire, fin, deliver,
                       &dc);
    if ((k == RD_SEG_NEW || k == RD_SEG_OUT_OF_ORDER || k == RD_SEG_BEYOND) &&
        t->unacked_frame == 0) {
        t->unacked_frame = p->frame;
        t->unacked_ts = p->ts_ns;
    }
    if (k == RD_SEG_OUT_OF_ORDER && t->first_ooo_frame == 0) {
        t->first_ooo_frame = p->frame;
        t->first_ooo_ts = p->ts_ns;
    }
    switch (k) {
    case RD_SEG_RETRANS:
    case RD_SEG_PARTIAL:
        t->retrans++;
        if (p->paylen_wire >= 536 && p->paylen_wire >= t->max_seg) {
            if (t->full_size_retrans++ == 0) {
                t->first_full_retrans_frame = p->frame;
                t->first_full_retrans_ts = p->ts_ns;
            }
        }
        rd_conn_noise(c, p, dir, RD_EV_RETRANS, "retransmission of %u bytes%s", p->paylen_wire,
                      k == RD_SEG_PARTIAL ? " (partly new)" : "");
        break;
    case RD_SEG_KEEPALIVE:
        t->keepalives++;
        rd_conn_noise(c, p, dir, RD_EV_KEEPALIVE, "keep-alive");
        break;
    case RD_SEG_EMPTY:
    case RD_SEG_NEW:
    case RD_SEG_OUT_OF_ORDER:
    case RD_SEG_BEYOND:
        break;
    }
    if (p->paylen_wire > 0 && k != RD_SEG_KEEPALIVE) {
        t->last_data_ts = p->ts_ns;
        t->last_data_frame = p->frame;
    }
}

static void tcp_packet(struct rd_conn *c, const struct rd_packet *p, enum rd_dir dir)
{
    struct rd_tcpdir *t = &c->tcp[dir];
    enum rd_dir other = dir == RD_DIR_C2S ? RD_DIR_S2C : RD_DIR_C2S;
    uint32_t end;

    if (is_duplicate(t, p)) {
        t->duplicates++;
        rd_conn_noise(c, p, dir, RD_EV_DUPLICATE, "the previous frame captured twice");
        return;
    }
    t->packets++;
    t->bytes += p->paylen_wire;
    if (t->packets == 1) {
        t->first_ts = p->ts_ns;
    }
    if (c->last_frame != 0) {
        c->gap_ns = p->ts_ns - c->last_ts;
        if (c->gap_ns > c->max_gap_ns) {
            c->max_gap_ns = c->gap_ns;
            c->max_gap_end_frame = p->frame;
        }
    }
    if ((p->flags & (RD_TCP_RST | RD_TCP_FIN)) != 0 && c->first_close.kind == RD_CLOSE_NONE) {
        /* Remember what came just before the first close: who spoke, after how
         * long a silence, and the claimed sender's last IP ID. */
        c->close_prev_gap_ns = c->prev_gap_ns;
        c->close_resp_ns = c->last_frame != 0 ? p->ts_ns - c->last_ts : 0;
        c->close_prev_dir = c->last_dir;
        c->close_prev_frame = c->last_frame;
        c->close_claimed_ipid_known = t->have_ipid && !t->ipid_zero;
        c->close_claimed_ipid_prev = t->ipid_last;
    }
    c->prev_gap_ns = c->gap_ns;
    t->last_ts = p->ts_ns;
    c->last_ts = p->ts_ns;
    c->last_frame = p->frame;
    c->last_dir = (uint8_t)dir;
    if ((p->flags & RD_TCP_RST) == 0) {
        note_ip(t, p); /* a RST is a claim to check against this profile, not part of it */
    }

    if (p->flags & RD_TCP_SYN) {
        on_syn(c, p, dir);
    } else if (!c->established && dir == RD_DIR_C2S && (p->flags & RD_TCP_ACK) &&
               c->synack_frame != 0 && !(p->flags & RD_TCP_RST) && c->stream[RD_DIR_S2C].syn_seen &&
               p->ack == c->stream[RD_DIR_S2C].isn + 1) {
        on_established(c, p);
    }
    if ((p->flags & RD_TCP_RST) == 0 && (p->flags & RD_TCP_SYN) == 0 &&
        (p->paylen_wire > 0 || (p->flags & RD_TCP_FIN))) {
        on_payload(c, p, dir);
    } else if ((p->flags & (RD_TCP_SYN | RD_TCP_FIN | RD_TCP_RST)) == 0 &&
               c->stream[dir].have_base && p->seq == c->stream[dir].next_seq - 1) {
        /* A zero-length probe one byte behind (RFC 1122 4.2.3.6): a keep-alive. */
        t->keepalives++;
        rd_conn_noise(c, p, dir, RD_EV_KEEPALIVE, "keep-alive");
    }
    if (p->flags & RD_TCP_ACK) {
        if (!t->acked_any || rd_seq_gt(p->ack, t->highest_ack)) {
            t->highest_ack = p->ack;
            t->acked_any = true;
        }
        if ((p->flags & RD_TCP_RST) == 0) {
            struct deliver_ctx dc = {c, other, p};
            struct rd_tcpdir *o = &c->tcp[other];
            if (o->first_ooo_frame != 0 && t->hole_ack_frame == 0 &&
                p->ack == c->stream[other].next_seq && p->paylen_wire == 0) {
                t->hole_ack_frame = p->frame; /* a duplicate ACK: "still missing" */
            }
            if (o->seq_any && rd_seq_ge(p->ack, o->seq_end)) {
                o->unacked_frame = 0; /* everything the peer sent is acknowledged */
            }
            rd_stream_acked(&c->stream[other], p->ack, deliver, &dc);
        }
    }
    end = p->seq + p->paylen_wire + ((p->flags & (RD_TCP_SYN | RD_TCP_FIN)) ? 1u : 0u);
    if (!t->seq_any || rd_seq_gt(end, t->seq_end)) {
        t->seq_end = end;
        t->seq_any = true;
    }
    if (p->win == 0 && (p->flags & (RD_TCP_RST | RD_TCP_SYN)) == 0) {
        t->zero_windows++;
        if (t->zero_windows <= 3) {
            rd_conn_event(c, p, dir, RD_EV_ZERO_WINDOW, "zero window");
        }
    }
    if (p->flags & RD_TCP_FIN) {
        t->fin_sent = true;
        on_fin(c, p, dir);
    }
    if (p->flags & RD_TCP_RST) {
        on_rst(c, p, dir);
    }
}

/* Who is the client of a connection first seen with packet p? */
static bool first_from_client(const struct rd_engine *e, const struct rd_packet *p)
{
    if ((p->flags & RD_TCP_SYN) != 0) {
        return (p->flags & RD_TCP_ACK) == 0; /* SYN: sender; SYN-ACK: receiver */
    }
    if (rd_engine_is_rdp_port(e, p->dport) && !rd_engine_is_rdp_port(e, p->sport)) {
        return true;
    }
    if (rd_engine_is_rdp_port(e, p->sport) && !rd_engine_is_rdp_port(e, p->dport)) {
        return false;
    }
    return p->dport <= p->sport; /* both or neither: the lower port serves */
}

static struct rd_conn *new_conn(struct rd_engine *e, const struct rd_packet *p)
{
    bool from_client = first_from_client(e, p);
    struct rd_conn *c;

    if (rd_flow_full(&e->flows) && rd_flow_oldest(&e->flows) != NULL) {
        struct rd_conn *old = rd_flow_oldest(&e->flows);
        old->evicted = true;
        rd_conn_event(old, NULL, RD_DIR_NONE, RD_EV_NOTE,
                      "finished early: the connection table was full (%zu)", e->flows.cap);
        e->stats.evicted++;
        finish(e, old);
    }
    c = rd_flow_insert(&e->flows, p, from_client);
    if (c == NULL) {
        return NULL;
    }
    e->stats.connections++;
    c->secrets = e->opts.secrets;
    if ((p->flags & RD_TCP_SYN) == 0) {
        c->srv_by_port = true;
        rd_conn_event(c, p, RD_DIR_NONE, RD_EV_NOTE,
                      "capture starts mid-connection: the client's SYN was not captured");
    } else if (!from_client) {
        rd_conn_event(c, p, RD_DIR_NONE, RD_EV_NOTE, "the client's SYN was not captured");
    }
    return c;
}

/* A SYN that starts a new connection on a 5-tuple already in the table. */
static bool is_reuse(const struct rd_conn *c, const struct rd_packet *p, bool from_client)
{
    if ((p->flags & (RD_TCP_SYN | RD_TCP_ACK)) != RD_TCP_SYN || !from_client) {
        return false;
    }
    if (c->closed) {
        return true;
    }
    return c->stream[RD_DIR_C2S].syn_seen && c->stream[RD_DIR_C2S].isn != p->seq;
}

/*
 * RDP on a port nobody named: a segment that starts with a TPKT carrying an
 * X.224 Connection Request makes its destination port an RDP port for the rest
 * of the run (the first byte is tested before anything else, so other traffic
 * costs one comparison).
 */
static bool starts_with_cr(const struct rd_packet *p)
{
    struct rd_cur in;
    uint8_t b0 = 0;

    rd_cur_init(&in, p->payload, p->paylen);
    return p->paylen >= 11 && rd_cur_peek_u8(&in, &b0) && b0 == 3 && rd_x224_is_cr_start(in);
}

static bool learn_rdp_port(struct rd_engine *e, const struct rd_packet *p)
{
    if (!starts_with_cr(p) || e->opts.nports >= RD_MAX_PORTS) {
        return false;
    }
    e->opts.ports[e->opts.nports++] = p->dport;
    portset_add(&e->rdp, p->dport);
    e->rdp.n = e->opts.nports;
    e->stats.learned_ports++;
    return true;
}

/* The engine's path to learn_rdp_port: a TCP packet between two ports that are
 * not RDP ports (UDP and ICMP return before it). */
void rd_portset_learn(struct rd_portset *s, const struct rd_packet *p)
{
    if (p->l4 != RD_L4_TCP || portset_has(s, p->sport) || portset_has(s, p->dport) ||
        s->n >= RD_MAX_PORTS || !starts_with_cr(p)) {
        return;
    }
    portset_add(s, p->dport);
    s->n++;
}

/* ICMP fragmentation needed (type 3 code 4) and ICMPv6 packet too big (type 2). */
static bool is_too_big(const struct rd_packet *p)
{
    return (p->l4 == RD_L4_ICMP && p->icmp_type == 3 && p->icmp_code == 4) ||
           (p->l4 == RD_L4_ICMP6 && p->icmp_type == 2);
}

/* An ICMP error quoting a tracked connection's segment goes on its timeline. */
static void on_icmp(struct rd_engine *e, const struct rd_packet *p)
{
    struct rd_packet q;
    struct rd_conn *c;
    bool from_client = false;
    char from[64];

    memset(&q, 0, sizeof(q));
    q.src = p->quote.src;
    q.dst = p->quote.dst;
    q.sport = p->quote.sport;
    q.dport = p->quote.dport;
    c = rd_flow_lookup(&e->flows, &q, &from_client);
    if (c == NULL) {
        e->stats.other++;
        return;
    }
    c->icmp_count++;
    rd_addr_format(&p->src, from, sizeof(from));
    if (is_too_big(p)) {
        if (!c->icmp_too_big) {
            c->icmp_too_big = true;
            c->icmp_mtu = p->icmp_mtu;
            c->icmp_frame = p->frame;
            c->icmp_ts = p->ts_ns;
        }
        rd_conn_event(c, p, from_client ? RD_DIR_C2S : RD_DIR_S2C, RD_EV_ICMP,
                      "ICMP %s from %s: MTU %u on the path of the %s's segment",
                      p->l4 == RD_L4_ICMP ? "fragmentation needed" : "packet too big", from,
                      p->icmp_mtu, from_client ? "client" : "server");
    } else if (c->icmp_count <= 4) {
        rd_conn_event(c, p, from_client ? RD_DIR_C2S : RD_DIR_S2C, RD_EV_ICMP,
                      "ICMP%s type %u code %u from %s about the %s's segment",
                      p->l4 == RD_L4_ICMP6 ? "v6" : "", p->icmp_type, p->icmp_code, from,
                      from_client ? "client" : "server");
    }
}

void rd_engine_packet(struct rd_engine *e, const struct rd_packet *p)
{
    struct rd_conn *c;
    bool from_client = false;
    bool learned = false;

    advance_clock(e, p->ts_ns);
    if (p->l4 == RD_L4_UDP ||
        ((p->sport == 53 || p->dport == 53 || p->sport == 88 || p->dport == 88) &&
         p->l4 == RD_L4_TCP)) {
        rd_context_packet(&e->context, p);
        if (p->l4 == RD_L4_UDP) {
            e->stats.other++;
            return;
        }
    }
    if ((p->l4 == RD_L4_ICMP || p->l4 == RD_L4_ICMP6) && p->quote.valid && p->quote.proto == 6) {
        on_icmp(e, p);
        return;
    }
    if (p->l4 != RD_L4_TCP) {
        e->stats.other++;
        return;
    }
    if (!rd_engine_is_rdp_port(e, p->sport) && !rd_engine_is_rdp_port(e, p->dport)) {
        if (!learn_rdp_port(e, p)) {
            e->stats.other++;
            return;
        }
        learned = true;
    }
    c = rd_flow_lookup(&e->flows, p, &from_client);
    if (c != NULL && is_reuse(c, p, from_client)) {
        finish(e, c);
        c = NULL;
    }
    if (c == NULL) {
        c = new_conn(e, p);
        if (c == NULL) {
            e->stats.other++;
            return;
        }
        from_client = c->cport == p->sport && rd_addr_eq(&c->cli, &p->src);
        if (learned) {
            rd_conn_event(c, p, RD_DIR_NONE, RD_EV_NOTE,
                          "RDP recognised on port %u by its X.224 Connection Request (--port %u "
                          "tracks such connections from their SYN)",
                          p->dport, p->dport);
        }
    }
    tcp_packet(c, p, from_client ? RD_DIR_C2S : RD_DIR_S2C);
    rd_flow_touch(&e->flows, c); /* after: the packet may have changed its class */
}

static int by_id(const void *a, const void *b)
{
    const struct rd_conn *x = *(struct rd_conn *const *)a;
    const struct rd_conn *y = *(struct rd_conn *const *)b;

    return x->id < y->id ? -1 : x->id > y->id;
}

void rd_engine_finish_all(struct rd_engine *e)
{
    size_t n = e->flows.count, i = 0;
    struct rd_conn **all;

    if (n == 0) {
        return;
    }
    all = malloc(n * sizeof(*all));
    if (all == NULL) {
        /* No memory to sort: finish in idle order rather than lose them. */
        struct rd_conn *o;
        while ((o = rd_flow_oldest(&e->flows)) != NULL) {
            o->ended_by_capture = true;
            finish(e, o);
        }
        return;
    }
    for (int k = 0; k < 3; k++) {
        for (struct rd_conn *c = e->flows.head[k]; c != NULL; c = c->lnext) {
            all[i++] = c;
        }
    }
    qsort(all, n, sizeof(*all), by_id);
    for (i = 0; i < n; i++) {
        all[i]->ended_by_capture = true;
        finish(e, all[i]);
    }
    free(all);
}

void rd_engine_free(struct rd_engine *e)
{
    struct rd_conn *c;

    while ((c = rd_flow_oldest(&e->flows)) != NULL) {
        rd_flow_remove(&e->flows, c);
        free_conn(c);
    }
    rd_flow_free(&e->flows);
    rd_context_free(&e->context);
    free(e->scratch);
    e->scratch = NULL;
}

/*
 * context.c - the DNS and Kerberos context of RDP connections.
 *
 * References: RFC 1035 4.1 and 4.2 (DNS over UDP and TCP, 2-byte length
 * prefix); RFC 4120 7.2.1 and 7.2.2 (Kerberos over UDP and TCP, 4-byte length
 * prefix; one request and its reply on one connection); MS-KILE 3.3.5.7 and
 * MS-CSSP 3.1.5 (the CredSSP client gets a service ticket for TERMSRV/<host>).
 *
 * Every packet on 53/88 is routed to the DNS or Kerberos dissector, directly
 * for UDP, through a small per-direction reassembly for TCP.  TCP reassembly
 * here is deliberately simple: bytes are taken in order only; a hole or an
 * out-of-order segment gives the flow up (counted), a retransmission's bytes
 * already taken are skipped (first data wins).  DNS and Kerberos flows are
 * short, so this loses little, and the store stays small and O(1) per packet
 * outside the client and flow scans, which are bounded by their caps.
 */
#include "config.h"

#include "context.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "decode.h"

/* ---- helpers ---------------------------------------------------------- */

static void copy_str(char *dst, size_t size, const char *src)
{
    size_t n = strlen(src);

    if (n >= size) {
        n = size - 1;
    }
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* Serial-number comparison of TCP sequence numbers (RFC 1982). */
static int32_t seq_diff(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b);
}

static bool is_ctx_port(uint16_t port)
{
    return port == RD_CONTEXT_PORT_DNS || port == RD_CONTEXT_PORT_KRB;
}

/* ---- clients ---------------------------------------------------------- */

static size_t addr_bucket(const struct rd_context *x, const struct rd_addr *a)
{
    uint32_t h = 2166136261u;

    for (size_t i = 0; i < sizeof(a->a); i++) {
        h = (h ^ a->a[i]) * 16777619u;
    }
    return (size_t)(h ^ a->family) & (x->nbuckets - 1);
}

static const struct rd_context_client *client_find(const struct rd_context *x,
                                                   const struct rd_addr *a)
{
    for (int32_t i = x->buckets[addr_bucket(x, a)]; i >= 0; i = x->clients[i].hnext) {
        if (rd_addr_eq(&x->clients[i].addr, a)) {
            return &x->clients[i];
        }
    }
    return NULL;
}

/* Take slot i out of its hash chain. */
static void client_unlink(struct rd_context *x, size_t i)
{
    int32_t *pp = &x->buckets[addr_bucket(x, &x->clients[i].addr)];

    while (*pp >= 0 && (size_t)*pp != i) {
        pp = &x->clients[*pp].hnext;
    }
    if (*pp >= 0) {
        *pp = x->clients[i].hnext;
    }
}

/* The client's entry, created if needed: free slots first, then the slots are
 * reused in turn (the store keeps the most recent clients, not all of them). */
static struct rd_context_client *client_get(struct rd_context *x, const struct rd_addr *a)
{
    const struct rd_context_client *found = client_find(x, a);
    struct rd_context_client *slot;
    size_t i, b;

    if (found != NULL) {
        return &x->clients[found - x->clients];
    }
    i = x->next_victim;
    x->next_victim = (x->next_victim + 1) % x->max_clients;
    slot = &x->clients[i];
    if (slot->used) {
        client_unlink(x, i);
        x->stats.clients_evicted++;
    }
    /* Reset what says the slot is empty; its event ring is filled as it is used. */
    slot->count = 0;
    slot->head = 0;
    slot->touched = 0;
    slot->used = true;
    slot->addr = *a;
    b = addr_bucket(x, a);
    slot->hnext = x->buckets[b];
    x->buckets[b] = (int32_t)i;
    return slot;
}

/* A fresh event at the head of the client's ring. */
static struct rd_context_event *event_push(struct rd_context *x, struct rd_context_client *c)
{
    struct rd_context_event *e = &c->ev[c->head];

    if (c->count == RD_CONTEXT_EVENTS) {
        x->stats.events_overwritten++;
    } else {
        c->count++;
    }
    c->head = (c->head + 1) % RD_CONTEXT_EVENTS;
    c->touched = ++x->seq;
    memset(e, 0, sizeof *e);
    return e;
}

/* The slot of the i-th event of the ring, oldest first. */
static size_t event_slot(const struct rd_context_client *c, size_t i)
{
    return (c->head + RD_CONTEXT_EVENTS - c->count + i) % RD_CONTEXT_EVENTS;
}

static const struct rd_context_event *event_at(const struct rd_context_client *c, size_t i)
{
    return &c->ev[event_slot(c, i)];
}

/* ---- recording -------------------------------------------------------- */

struct origin {
    const struct rd_packet *p;
    bool over_tcp;
    uint64_t frame; /* the frame that completed the message */
};

static void record_dns(struct rd_context *x, const struct origin *o, const struct rd_dns_msg *m)
{
    struct rd_context_client *c;
    struct rd_context_event *e;
    struct rd_context_dns *d;

    x->stats.dns_messages++;
    if (!m->is_response || !m->has_question) {
        return;
    }
    x->stats.dns_responses++;
    c = client_get(x, &o->p->dst);
    e = event_push(x, c);
    e->kind = RD_CTX_DNS;
    e->frame = o->frame;
    e->ts_ns = o->p->ts_ns;
    e->server = o->p->src;
    e->over_tcp = o->over_tcp;
    e->client_port = o->p->dport;
    e->server_port = o->p->sport;
    d = &e->u.dns;
    d->id = m->id;
    d->rcode = m->rcode;
    d->qtype = m->qtype;
    copy_str(d->qname, sizeof d->qname, m->qname);
    for (size_t i = 0; i < m->answer_count; i++) {
        const struct rd_dns_rr *rr = &m->answers[i];

        if (rr->addr_family == 0) {
            continue;
        }
        if (d->naddrs == RD_CONTEXT_ADDRS) {
            d->addrs_dropped++;
            continue;
        }
        d->addrs[d->naddrs].family = rr->addr_family;
        memcpy(d->addrs[d->naddrs].a, rr->addr, sizeof rr->addr);
        d->naddrs++;
        if (d->canonical[0] == '\0' && strcasecmp(rr->name, m->qname) != 0) {
            copy_str(d->canonical, sizeof d->canonical, rr->name);
        }
    }
    d->addrs_dropped += m->answers_dropped;
}

static bool is_krb_request(uint32_t t)
{
    return t == RD_KRB_AS_REQ || t == RD_KRB_TGS_REQ;
}

static bool is_krb_reply(uint32_t t)
{
    return t == RD_KRB_AS_REP || t == RD_KRB_TGS_REP || t == RD_KRB_ERROR_MSG;
}

/* Pair a reply (the newest event) with the last unanswered request on the
 * same flow: over TCP one exchange per connection, over UDP the same ports
 * (RFC 4120 7.2.1, 7.2.2). */
static void pair_reply(struct rd_context_client *c, struct rd_context_event *reply)
{
    for (size_t i = c->count - 1; i-- > 0;) {
        struct rd_context_event *e = &c->ev[event_slot(c, i)];

        if (e->kind != RD_CTX_KRB || !is_krb_request(e->u.krb.msg_type) ||
            e->u.krb.reply_type != 0 || e->over_tcp != reply->over_tcp ||
            e->client_port != reply->client_port || e->server_port != reply->server_port ||
            !rd_addr_eq(&e->server, &reply->server)) {
            continue;
        }
        e->u.krb.peer_frame = reply->frame;
        e->u.krb.reply_type = reply->u.krb.msg_type;
        e->u.krb.reply_error = reply->u.krb.error_code;
        reply->u.krb.peer_frame = e->frame;
        return;
    }
}

static void record_krb(struct rd_context *x, const struct origin *o, const struct rd_krb_msg *m)
{
    const struct rd_packet *p = o->p;
    bool request = is_krb_request(m->msg_type);
    struct rd_context_client *c;
    struct rd_context_event *e;
    struct rd_context_krb *k;

    x->stats.krb_messages++;
    if (!request && !is_krb_reply(m->msg_type)) {
        return;
    }
    x->stats.krb_recorded++;
    c = client_get(x, request ? &p->src : &p->dst);
    e = event_push(x, c);
    e->kind = RD_CTX_KRB;
    e->frame = o->frame;
    e->ts_ns = p->ts_ns;
    e->server = request ? p->dst : p->src;
    e->over_tcp = o->over_tcp;
    e->client_port = request ? p->sport : p->dport;
    e->server_port = request ? p->dport : p->sport;
    k = &e->u.krb;
    k->msg_type = m->msg_type;
    if (m->has_realm) {
        copy_str(k->realm, sizeof k->realm, m->realm);
    }
    if (m->cname.present) {
        copy_str(k->cname, sizeof k->cname, m->cname.text);
    }
    if (m->sname.present) {
        copy_str(k->sname, sizeof k->sname, m->sname.text);
    }
    k->has_error = m->has_error_code;
    k->error_code = m->error_code;
    k->is_pkinit = m->is_pkinit;
    if (!request) {
        pair_reply(c, e);
    }
}

/* One complete message from a UDP datagram or a TCP flow. */
static void dispatch(struct rd_context *x, const struct origin *o, bool dns, struct rd_cur msg)
{
    if (dns) {
        struct rd_dns_msg m;

        if (rd_dns_parse(msg, &m, NULL) != RD_OK) {
            x->stats.malformed++;
            return;
        }
        record_dns(x, o, &m);
    } else {
        struct rd_krb_msg m;

        if (rd_krb_parse(msg, &m, NULL) != RD_OK) {
            x->stats.malformed++;
            return;
        }
        record_krb(x, o, &m);
    }
}

/* ---- TCP -------------------------------------------------------------- */

static struct rd_context_flow *flow_find(struct rd_context *x, const struct rd_packet *p)
{
    for (size_t i = 0; i < RD_CONTEXT_FLOWS; i++) {
        struct rd_context_flow *f = &x->flows[i];

        if (f->used && f->sport == p->sport && f->dport == p->dport &&
            rd_addr_eq(&f->src, &p->src) && rd_addr_eq(&f->dst, &p->dst)) {
            return f;
        }
    }
    return NULL;
}

static void flow_end(struct rd_context *x, struct rd_context_flow *f)
{
    if (f->len > 0 || f->skip > 0) {
        x->stats.tcp_incomplete++;
    }
    f->used = false;
}

static struct rd_context_flow *flow_new(struct rd_context *x, const struct rd_packet *p)
{
    struct rd_context_flow *f = NULL;
    uint8_t *buf;

    for (size_t i = 0; i < RD_CONTEXT_FLOWS; i++) {
        struct rd_context_flow *g = &x->flows[i];

        if (!g->used) {
            f = g;
            break;
        }
        if (f == NULL || g->touched < f->touched) {
            f = g;
        }
    }
    if (f->used) {
        x->stats.flows_evicted++;
        flow_end(x, f);
    }
    buf = f->buf;
    memset(f, 0, sizeof *f);
    f->buf = buf;
    f->used = true;
    f->src = p->src;
    f->dst = p->dst;
    f->sport = p->sport;
    f->dport = p->dport;
    return f;
}

/* Frame and dispatch every complete message buffered in f. */
static void flow_drain(struct rd_context *x, struct rd_context_flow *f, const struct origin *o,
                       bool dns)
{
    size_t start = 0;

    while (!f->desync && start < f->len) {
        struct rd_cur in;
        struct rd_cur msg;
        size_t total = 0;
        enum rd_status st;

        rd_cur_init(&in, f->buf + start, f->len - start);
        st = dns ? rd_dns_frame_tcp(in, &total, NULL) : rd_krb_frame_tcp(in, &total, NULL);
        if (st == RD_MALFORMED) {
            x->stats.malformed++;
            f->desync = true;
            break;
        }
        if (st == RD_NEED_MORE) {
            if (total > RD_CONTEXT_FLOW_CAP) {
                /* Too big to hold: pass over it and frame what follows. */
                x->stats.tcp_oversize++;
                f->skip = total - (f->len - start);
                start = f->len;
            }
            break;
        }
        (void)rd_cur_take(&in, total, &msg);
        (void)rd_cur_skip(&msg, dns ? 2 : 4);
        dispatch(x, o, dns, msg);
        start += total;
    }
    if (f->desync) {
        f->len = 0;
        return;
    }
    if (start > 0) {
        memmove(f->buf, f->buf + start, f->len - start);
        f->len -= start;
    }
}

/* Take n in-order bytes: pass over what an oversized message still owns,
 * buffer the rest a cap's worth at a time, frame and dispatch as they complete. */
static void append(struct rd_context *x, struct rd_context_flow *f, const struct origin *o,
                   bool dns, const uint8_t *data, size_t n)
{
    while (n > 0 && !f->desync) {
        size_t k;

        if (f->skip > 0) {
            k = f->skip < n ? f->skip : n;
            f->skip -= k;
            data += k;
            n -= k;
            continue;
        }
        /* flow_drain leaves less than one message, and a message that would not
         * fit is skipped, so there is always room. */
        k = RD_CONTEXT_FLOW_CAP - f->len;
        if (k > n) {
            k = n;
        }
        memcpy(f->buf + f->len, data, k);
        f->len += k;
        data += k;
        n -= k;
        flow_drain(x, f, o, dns);
    }
}

static void tcp_packet(struct rd_context *x, const struct rd_packet *p, bool dns)
{
    struct rd_context_flow *f = flow_find(x, p);
    const uint8_t *data = p->payload;
    size_t n = p->paylen;
    uint32_t seq = p->seq;
    bool closing = (p->flags & (RD_TCP_FIN | RD_TCP_RST)) != 0;
    struct origin o = {p, true, p->frame};

    if (f != NULL && (p->flags & RD_TCP_SYN) != 0 && f->have_seq && f->next != seq + 1) {
        /* A new connection on the same ports. */
        flow_end(x, f);
        f = NULL;
    }
    if (f == NULL) {
        if (n == 0 && (p->flags & RD_TCP_SYN) == 0) {
            return;
        }
        f = flow_new(x, p);
    }
    f->touched = ++x->seq;
    if ((p->flags & RD_TCP_SYN) != 0) {
        f->have_seq = true;
        f->next = seq + 1;
        seq++;
    }
    if (n > 0 && !f->desync) {
        int32_t d;

        if (!f->have_seq) {
            /* Joined mid-stream (no SYN captured): start here. */
            f->have_seq = true;
            f->next = seq;
        }
        d = seq_diff(f->next, seq);
        if (d < 0) {
            x->stats.tcp_gaps++;
            f->desync = true;
            f->len = 0;
            n = 0;
        } else if ((size_t)d >= n) {
            n = 0; /* all seen before: first data wins */
        } else {
            data += d;
            n -= (size_t)d;
            f->next += (uint32_t)n;
        }
        append(x, f, &o, dns, data, n);
        if (p->paylen < p->paylen_wire && !f->desync) {
            /* The snaplen cut the segment: the rest of the stream cannot be framed. */
            x->stats.truncated++;
            f->desync = true;
            f->len = 0;
        }
    }
    if (closing) {
        flow_end(x, f);
    }
}

/* ---- public ----------------------------------------------------------- */

int rd_context_init(struct rd_context *x, size_t max_clients)
{
    memset(x, 0, sizeof *x);
    if (max_clients == 0) {
        max_clients = 1;
    }
    x->clients = calloc(max_clients, sizeof *x->clients);
    x->flow_mem = malloc((size_t)RD_CONTEXT_FLOWS * RD_CONTEXT_FLOW_CAP);
    x->nbuckets = 16;
    while (x->nbuckets < max_clients * 2) {
        x->nbuckets <<= 1;
    }
    x->buckets = malloc(x->nbuckets * sizeof *x->buckets);
    if (x->clients == NULL || x->flow_mem == NULL || x->buckets == NULL) {
        rd_context_free(x);
        return -1;
    }
    for (size_t i = 0; i < x->nbuckets; i++) {
        x->buckets[i] = -1;
    }
    x->max_clients = max_clients;
    for (size_t i = 0; i < RD_CONTEXT_FLOWS; i++) {
        x->flows[i].buf = x->flow_mem + i * RD_CONTEXT_FLOW_CAP;
    }
    return 0;
}

void rd_context_packet(struct rd_context *x, const struct rd_packet *p)
{
    bool dns;

    if (p->l4 != RD_L4_TCP && p->l4 != RD_L4_UDP) {
        return;
    }
    if (!is_ctx_port(p->sport) && !is_ctx_port(p->dport)) {
        return;
    }
    x->stats.packets++;
    /* The server's port names the protocol; a request goes to it. */
    dns = is_ctx_port(p->dport) ? p->dport == RD_CONTEXT_PORT_DNS : p->sport == RD_CONTEXT_PORT_DNS;
    if (p->l4 == RD_L4_TCP) {
        tcp_packet(x, p, dns);
        return;
    }
    if (p->paylen == 0) {
        return;
    }
    if (p->paylen < p->paylen_wire) {
        x->stats.truncated++;
        return;
    }
    {
        struct origin o = {p, false, p->frame};
        struct rd_cur c;

        rd_cur_init(&c, p->payload, p->paylen);
        dispatch(x, &o, dns, c);
    }
}

/* t + d without overflow (capture timestamps come from the file). */
static int64_t add_sat(int64_t t, int64_t d)
{
    if (d > 0 && t > INT64_MAX - d) {
        return INT64_MAX;
    }
    if (d < 0 && t < INT64_MIN - d) {
        return INT64_MIN;
    }
    return t + d;
}

static bool in_window(int64_t ts, int64_t from, int64_t to)
{
    return ts >= from && ts <= to;
}

/* The host part of "TERMSRV/host" (or "TERMSRV/host:port"), compared with a
 * DNS name ignoring case. */
static bool sname_host_is(const char *sname, const char *name)
{
    const char *host = strchr(sname, '/');
    size_t n;

    if (host == NULL || name[0] == '\0') {
        return false;
    }
    host++;
    n = strcspn(host, ":/");
    return strlen(name) == n && strncasecmp(host, name, n) == 0;
}

static void add_name(struct rd_conn_context *out, const struct rd_context_event *e,
                     const struct rd_addr *server)
{
    const struct rd_context_dns *d = &e->u.dns;
    struct rd_conn_context_name *nm;

    for (size_t i = 0; i < out->nnames; i++) {
        if (strcasecmp(out->names[i].name, d->qname) == 0 && out->names[i].qtype == d->qtype) {
            return; /* a newer answer for the same question is listed */
        }
    }
    if (out->nnames == RD_CONTEXT_MAX_NAMES) {
        out->names_dropped++;
        return;
    }
    nm = &out->names[out->nnames++];
    copy_str(nm->name, sizeof nm->name, d->qname);
    copy_str(nm->canonical, sizeof nm->canonical, d->canonical);
    nm->qtype = d->qtype;
    nm->frame = e->frame;
    nm->ts_ns = e->ts_ns;
    nm->dns_server = e->server;
    nm->nothers = 0;
    for (size_t i = 0; i < d->naddrs; i++) {
        if (!rd_addr_eq(&d->addrs[i], server)) {
            nm->others[nm->nothers++] = d->addrs[i];
        }
    }
}

static void add_krb(struct rd_conn_context *out, const struct rd_context_event *e,
                    int64_t conn_start_ns)
{
    const struct rd_context_krb *k = &e->u.krb;
    struct rd_conn_context_krb *r;

    if (out->nkrb == RD_CONTEXT_MAX_KRB) {
        out->krb_dropped++;
        return;
    }
    r = &out->krb[out->nkrb++];
    r->msg_type = k->msg_type;
    r->type_name = rd_krb_msg_type_name(k->msg_type);
    r->frame = e->frame;
    r->ts_ns = e->ts_ns;
    r->during = e->ts_ns >= conn_start_ns;
    r->kdc = e->server;
    copy_str(r->realm, sizeof r->realm, k->realm);
    copy_str(r->cname, sizeof r->cname, k->cname);
    copy_str(r->sname, sizeof r->sname, k->sname);
    r->has_error = k->has_error;
    r->error_code = k->error_code;
    r->error_name = k->has_error ? rd_krb_error_name(k->error_code) : "";
    r->is_pkinit = k->is_pkinit;
    r->peer_frame = k->peer_frame;
    if (k->is_pkinit && (k->msg_type == RD_KRB_AS_REQ || k->msg_type == RD_KRB_AS_REP)) {
        out->pkinit = true;
    }
}

/* The last TGS-REQ for TERMSRV/ decides; a KRB-ERROR naming TERMSRV/ without
 * its request in the window refuses too. */
static void termsrv_status(struct rd_conn_context *out, const struct rd_context_event *e)
{
    const struct rd_context_krb *k = &e->u.krb;

    if (strncasecmp(k->sname, "TERMSRV/", 8) != 0) {
        return;
    }
    if (k->msg_type == RD_KRB_TGS_REQ) {
        copy_str(out->termsrv_sname, sizeof out->termsrv_sname, k->sname);
        copy_str(out->termsrv_realm, sizeof out->termsrv_realm, k->realm);
        out->termsrv_req_frame = e->frame;
        out->termsrv_reply_frame = k->peer_frame;
        out->termsrv_error = 0;
        out->termsrv_error_name = "";
        if (k->reply_type == RD_KRB_TGS_REP) {
            out->termsrv = RD_CTX_TGS_ISSUED;
        } else if (k->reply_type == RD_KRB_ERROR_MSG) {
            out->termsrv = RD_CTX_TGS_REFUSED;
            out->termsrv_error = k->reply_error;
            out->termsrv_error_name = rd_krb_error_name(k->reply_error);
        } else {
            out->termsrv = RD_CTX_TGS_UNANSWERED;
        }
    } else if (k->msg_type == RD_KRB_ERROR_MSG && k->peer_frame == 0) {
        copy_str(out->termsrv_sname, sizeof out->termsrv_sname, k->sname);
        copy_str(out->termsrv_realm, sizeof out->termsrv_realm, k->realm);
        out->termsrv = RD_CTX_TGS_REFUSED;
        out->termsrv_req_frame = 0;
        out->termsrv_reply_frame = e->frame;
        out->termsrv_error = k->error_code;
        out->termsrv_error_name = rd_krb_error_name(k->error_code);
    }
}

void rd_context_lookup_span(const struct rd_context *x, const struct rd_addr *client,
                            const struct rd_addr *server, int64_t conn_start_ns,
                            int64_t conn_end_ns, struct rd_conn_context *out)
{
    const struct rd_context_client *c = client_find(x, client);
    int64_t from = add_sat(conn_start_ns, -RD_CONTEXT_WINDOW_NS);

    /* Field by field: the name and message arrays are large and read only up
     * to their counts. */
    out->client_known = false;
    out->nnames = out->names_dropped = 0;
    out->nkrb = out->krb_dropped = 0;
    out->pkinit = false;
    out->termsrv = RD_CTX_TGS_NONE;
    out->termsrv_sname[0] = '\0';
    out->termsrv_realm[0] = '\0';
    out->termsrv_req_frame = out->termsrv_reply_frame = 0;
    out->termsrv_error = 0;
    out->termsrv_error_name = "";
    out->termsrv_matches_dns = false;
    if (c == NULL) {
        return;
    }
    out->client_known = true;
    /* Names: newest first, before the start only. */
    for (size_t i = c->count; i-- > 0;) {
        const struct rd_context_event *e = event_at(c, i);

        if (e->kind != RD_CTX_DNS || !in_window(e->ts_ns, from, conn_start_ns)) {
            continue;
        }
        for (size_t j = 0; j < e->u.dns.naddrs; j++) {
            if (rd_addr_eq(&e->u.dns.addrs[j], server)) {
                add_name(out, e, server);
                break;
            }
        }
    }
    /* Kerberos: oldest first, before and during the connection. */
    for (size_t i = 0; i < c->count; i++) {
        const struct rd_context_event *e = event_at(c, i);

        if (e->kind != RD_CTX_KRB || !in_window(e->ts_ns, from, conn_end_ns)) {
            continue;
        }
        add_krb(out, e, conn_start_ns);
        termsrv_status(out, e);
    }
    for (size_t i = 0; i < out->nnames && out->termsrv != RD_CTX_TGS_NONE; i++) {
        if (sname_host_is(out->termsrv_sname, out->names[i].name) ||
            sname_host_is(out->termsrv_sname, out->names[i].canonical)) {
            out->termsrv_matches_dns = true;
        }
    }
}

void rd_context_lookup(const struct rd_context *x, const struct rd_addr *client,
                       const struct rd_addr *server, int64_t conn_start_ns,
                       struct rd_conn_context *out)
{
    rd_context_lookup_span(x, client, server, conn_start_ns,
                           add_sat(conn_start_ns, RD_CONTEXT_WINDOW_NS), out);
}

const char *rd_context_tgs_name(enum rd_context_tgs t)
{
    switch (t) {
    case RD_CTX_TGS_NONE:
        return "none";
    case RD_CTX_TGS_UNANSWERED:
        return "unanswered";
    case RD_CTX_TGS_ISSUED:
        return "issued";
    case RD_CTX_TGS_REFUSED:
        return "refused";
    }
    return "unknown";
}

void rd_context_free(struct rd_context *x)
{
    free(x->buckets);
    x->buckets = NULL;
    free(x->clients);
    free(x->flow_mem);
    x->clients = NULL;
    x->flow_mem = NULL;
    x->max_clients = 0;
    for (size_t i = 0; i < RD_CONTEXT_FLOWS; i++) {
        x->flows[i].buf = NULL;
        x->flows[i].used = false;
    }
}

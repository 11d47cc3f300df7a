/*
 * check_flow.c - the flow table and the engine's TCP layer, driven with
 * hand-built packets: roles, the table cap and eviction, 5-tuple reuse, a
 * frame captured twice versus a retransmission, keep-alives, clocks going
 * backwards, and the TCP-level verdicts.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "session.h"

#define MS 1000000LL

struct seen {
    unsigned n;
    struct {
        uint64_t id;
        bool evicted;
        bool start_seen;
        uint16_t cport;
        uint32_t dups[2], retrans[2], keepalives[2];
        struct rd_verdict v;
    } c[64];
};

static void on_done(void *ctx, const struct rd_conn *c, const struct rd_verdict *v)
{
    struct seen *s = ctx;

    ck_assert_uint_lt(s->n, 64);
    s->c[s->n].id = c->id;
    s->c[s->n].evicted = c->evicted;
    s->c[s->n].start_seen = c->start_seen;
    s->c[s->n].cport = c->cport;
    for (int d = 0; d < 2; d++) {
        s->c[s->n].dups[d] = c->tcp[d].duplicates;
        s->c[s->n].retrans[d] = c->tcp[d].retrans;
        s->c[s->n].keepalives[d] = c->tcp[d].keepalives;
    }
    s->c[s->n].v = *v;
    s->n++;
}

static uint64_t frame_no;

/* A TCP packet between 192.0.2.(cli) port cport and 192.0.2.9:3389. */
static struct rd_packet pkt(bool from_client, uint8_t cli, uint16_t cport, uint8_t flags,
                            uint32_t seq, uint32_t ack, int64_t t_ms, const char *data)
{
    struct rd_packet p;
    struct rd_addr c = {4, {192, 0, 2, 0}}, s = {4, {192, 0, 2, 9}};

    memset(&p, 0, sizeof(p));
    c.a[3] = cli;
    p.frame = ++frame_no;
    p.ts_ns = 1700000000LL * 1000000000LL + t_ms * MS;
    p.l4 = RD_L4_TCP;
    p.src = from_client ? c : s;
    p.dst = from_client ? s : c;
    p.sport = from_client ? cport : 3389;
    p.dport = from_client ? 3389 : cport;
    p.ttl = from_client ? 128 : 64;
    p.has_ipid = true;
    p.ipid = (uint16_t)frame_no;
    p.flags = flags;
    p.seq = seq;
    p.ack = ack;
    p.win = 8192;
    p.payload = (const uint8_t *)data;
    p.paylen = p.paylen_wire = data != NULL ? (uint32_t)strlen(data) : 0;
    return p;
}

static struct rd_engine eng;
static struct seen seen;

static void start(size_t cap)
{
    struct rd_engine_opts o;
    char err[128];

    rd_engine_default_opts(&o);
    o.max_conns = cap;
    memset(&seen, 0, sizeof(seen));
    frame_no = 0;
    ck_assert_int_eq(rd_engine_init(&eng, &o, on_done, &seen, err, sizeof(err)), 0);
}

static void feed(struct rd_packet p)
{
    rd_engine_packet(&eng, &p);
}

static void stop(void)
{
    rd_engine_finish_all(&eng);
    rd_engine_free(&eng);
}

START_TEST(cap_evicts_longest_idle)
{
    start(4);
    for (uint8_t i = 1; i <= 10; i++) {
        feed(pkt(true, i, 40000, RD_TCP_SYN, 1000, 0, i, NULL));
    }
    /* six were finished early, longest-idle first */
    ck_assert_uint_eq(seen.n, 6);
    for (unsigned i = 0; i < 6; i++) {
        ck_assert(seen.c[i].evicted);
        ck_assert_uint_eq(seen.c[i].id, i + 1);
    }
    ck_assert_uint_eq(eng.stats.evicted, 6);
    ck_assert_uint_eq(eng.flows.count, 4);
    stop();
    ck_assert_uint_eq(seen.n, 10);
    ck_assert(!seen.c[9].evicted);
}
END_TEST

START_TEST(reuse_after_close_is_a_new_connection)
{
    start(16);
    feed(pkt(true, 1, 40000, RD_TCP_SYN, 100, 0, 0, NULL));
    feed(pkt(false, 1, 40000, RD_TCP_SYN | RD_TCP_ACK, 500, 101, 1, NULL));
    feed(pkt(true, 1, 40000, RD_TCP_ACK, 101, 501, 2, NULL));
    feed(pkt(true, 1, 40000, RD_TCP_FIN | RD_TCP_ACK, 101, 501, 3, NULL));
    feed(pkt(false, 1, 40000, RD_TCP_FIN | RD_TCP_ACK, 501, 102, 4, NULL));
    feed(pkt(true, 1, 40000, RD_TCP_ACK, 102, 502, 5, NULL));
    /* same 5-tuple, new ISN, 100 ms later: before the linger ended */
    feed(pkt(true, 1, 40000, RD_TCP_SYN, 9000, 0, 100, NULL));
    ck_assert_uint_eq(seen.n, 1);
    ck_assert_int_eq(seen.c[0].v.outcome, RD_OUTCOME_OK); /* a port check */
    ck_assert_int_eq(seen.c[0].v.closed_by, RD_CLOSED_CLIENT);
    ck_assert_int_eq(seen.c[0].v.close, RD_CLOSE_FIN);
    stop();
    ck_assert_uint_eq(seen.n, 2);
    ck_assert_uint_eq(seen.c[1].id, 2);
}
END_TEST

START_TEST(duplicate_frame_is_not_a_retransmission)
{
    struct rd_packet p;

    start(16);
    feed(pkt(true, 1, 40000, RD_TCP_SYN, 100, 0, 0, NULL));
    feed(pkt(false, 1, 40000, RD_TCP_SYN | RD_TCP_ACK, 500, 101, 1, NULL));
    feed(pkt(true, 1, 40000, RD_TCP_ACK, 101, 501, 2, NULL));
    p = pkt(true, 1, 40000, RD_TCP_ACK | RD_TCP_PSH, 101, 501, 3, "abcd");
    feed(p);
    p.frame = ++frame_no; /* the same frame again, from a second tap */
    feed(p);
    /* a real retransmission: same bytes, new IP ID, 300 ms later */
    p = pkt(true, 1, 40000, RD_TCP_ACK | RD_TCP_PSH, 101, 501, 300, "abcd");
    feed(p);
    stop();
    ck_assert_uint_eq(seen.n, 1);
    ck_assert_uint_eq(seen.c[0].dups[RD_DIR_C2S], 1);
    ck_assert_uint_eq(seen.c[0].retrans[RD_DIR_C2S], 1);
}
END_TEST

START_TEST(keepalive_is_counted)
{
    start(16);
    feed(pkt(true, 1, 40000, RD_TCP_SYN, 100, 0, 0, NULL));
    feed(pkt(false, 1, 40000, RD_TCP_SYN | RD_TCP_ACK, 500, 101, 1, NULL));
    feed(pkt(true, 1, 40000, RD_TCP_ACK, 101, 501, 2, NULL));
    feed(pkt(true, 1, 40000, RD_TCP_ACK, 100, 501, 5000, "x")); /* seq = next - 1 */
    stop();
    ck_assert_uint_eq(seen.c[0].keepalives[RD_DIR_C2S], 1);
    ck_assert_uint_eq(seen.c[0].retrans[RD_DIR_C2S], 0);
}
END_TEST

START_TEST(roles_without_the_syn)
{
    start(16);
    /* first packet seen: the server's SYN-ACK: its receiver is the client */
    feed(pkt(false, 1, 40000, RD_TCP_SYN | RD_TCP_ACK, 500, 101, 0, NULL));
    /* first packet seen: mid-stream data to 3389: the side on 3389 serves */
    feed(pkt(true, 2, 40001, RD_TCP_ACK, 7000, 900, 1, "zz"));
    stop();
    ck_assert_uint_eq(seen.n, 2);
    ck_assert_uint_eq(seen.c[0].cport, 40000);
    ck_assert_uint_eq(seen.c[1].cport, 40001);
    ck_assert(!seen.c[1].start_seen);
    ck_assert_int_eq(seen.c[1].v.outcome, RD_OUTCOME_INCOMPLETE);
}
END_TEST

START_TEST(refused_and_no_response)
{
    start(16);
    feed(pkt(true, 1, 40000, RD_TCP_SYN, 100, 0, 0, NULL));
    feed(pkt(false, 1, 40000, RD_TCP_RST | RD_TCP_ACK, 0, 101, 1, NULL));
    feed(pkt(true, 2, 40001, RD_TCP_SYN, 300, 0, 10, NULL));
    feed(pkt(true, 2, 40001, RD_TCP_SYN, 300, 0, 1010, NULL));
    feed(pkt(true, 2, 40001, RD_TCP_SYN, 300, 0, 3010, NULL));
    stop();
    ck_assert_uint_eq(seen.n, 2);
    ck_assert_int_eq(seen.c[0].v.cause, RD_CAUSE_TCP_REFUSED);
    ck_assert_int_eq(seen.c[0].v.closed_by, RD_CLOSED_SERVER);
    ck_assert_int_eq(seen.c[0].v.close, RD_CLOSE_RST);
    ck_assert_int_eq(seen.c[1].v.cause, RD_CAUSE_TCP_NO_RESPONSE);
    ck_assert_int_eq(seen.c[1].v.closed_by, RD_CLOSED_TIMEOUT);
    ck_assert_int_eq(seen.c[1].v.close, RD_CLOSE_NONE);
    ck_assert_int_eq(seen.c[1].v.outcome, RD_OUTCOME_FAILED);
}
END_TEST

START_TEST(single_syn_at_capture_end_is_incomplete)
{
    start(16);
    feed(pkt(true, 1, 40000, RD_TCP_SYN, 100, 0, 0, NULL));
    stop();
    ck_assert_int_eq(seen.c[0].v.outcome, RD_OUTCOME_INCOMPLETE);
    ck_assert_int_eq(seen.c[0].v.closed_by, RD_CLOSED_CAPTURE_END);
}
END_TEST

START_TEST(clock_going_backwards_is_counted)
{
    start(16);
    feed(pkt(true, 1, 40000, RD_TCP_SYN, 100, 0, 1000, NULL));
    feed(pkt(false, 1, 40000, RD_TCP_SYN | RD_TCP_ACK, 500, 101, 10, NULL));
    stop();
    ck_assert_uint_eq(eng.stats.time_backwards, 1);
    ck_assert_uint_eq(seen.n, 1);
}
END_TEST

START_TEST(idle_connections_finish_on_the_capture_clock)
{
    start(16);
    feed(pkt(true, 1, 40000, RD_TCP_SYN, 100, 0, 0, NULL));
    /* 70 s later another connection: the first one's SYN timeout (60 s) has passed */
    feed(pkt(true, 2, 40001, RD_TCP_SYN, 100, 0, 70000, NULL));
    ck_assert_uint_eq(seen.n, 1);
    ck_assert_int_eq(seen.c[0].v.closed_by, RD_CLOSED_TIMEOUT);
    stop();
}
END_TEST

/* Endpoints that an unkeyed hash folding the address words together
 * (lo ^ hi * K ^ port, one round) puts in one bucket, and endpoints whose high
 * word and port cancel (what a hash XOR-ing them into one round would let
 * through): the keyed hash spreads both. */
START_TEST(crafted_collisions_spread)
{
    enum { N = 4096 };
    const uint64_t k = 0x9e3779b97f4a7c15ULL;
    struct rd_flow_table t;
    struct rd_packet *p = calloc(N, sizeof(*p));
    struct rd_conn **c = calloc(N, sizeof(*c));
    struct rd_conn *o;
    char err[128];

    ck_assert_ptr_nonnull(p);
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(rd_flow_init(&t, 2 * N, err, sizeof(err)), 0);
    for (unsigned i = 0; i < N; i++) {
        uint64_t lo, hi;
        uint16_t port;
        bool from_client;

        if (i % 2 == 0) {
            hi = 0x20010db800000000ULL + i;
            port = (uint16_t)(40000 + i % 1000);
            lo = 0x1234567890abcdefULL ^ hi * k ^ port;
        } else {
            port = (uint16_t)(1024 + i);
            lo = 0xfe80000000000000ULL;
            hi = 0x5555555555550000ULL ^ port;
        }
        p[i].l4 = RD_L4_TCP;
        p[i].src.family = 6;
        memcpy(p[i].src.a, &lo, 8);
        memcpy(p[i].src.a + 8, &hi, 8);
        p[i].dst.family = 6;
        p[i].dst.a[0] = 0x20;
        p[i].dst.a[15] = 9;
        p[i].sport = port;
        p[i].dport = 3389;
        ck_assert_ptr_null(rd_flow_lookup(&t, &p[i], &from_client));
        c[i] = rd_flow_insert(&t, &p[i], true);
        ck_assert_ptr_nonnull(c[i]);
    }
    /* Uniform over at least 2N buckets, the longest chain stays near
     * log N / log log N; 13 or more has odds of about 1e-10. */
    ck_assert_uint_le(rd_flow_longest_chain(&t), 12);
    for (unsigned i = 0; i < N; i++) {
        bool from_client = false;
        ck_assert_ptr_eq(rd_flow_lookup(&t, &p[i], &from_client), c[i]);
        ck_assert(from_client);
    }
    while ((o = rd_flow_oldest(&t)) != NULL) {
        rd_flow_remove(&t, o);
        free(o);
    }
    rd_flow_free(&t);
    free(c);
    free(p);
}
END_TEST

static Suite *flow_suite(void)
{
    Suite *s = suite_create("flow");
    TCase *t = tcase_create("engine");

    tcase_add_test(t, cap_evicts_longest_idle);
    tcase_add_test(t, reuse_after_close_is_a_new_connection);
    tcase_add_test(t, duplicate_frame_is_not_a_retransmission);
    tcase_add_test(t, keepalive_is_counted);
    tcase_add_test(t, roles_without_the_syn);
    tcase_add_test(t, refused_and_no_response);
    tcase_add_test(t, single_syn_at_capture_end_is_incomplete);
    tcase_add_test(t, clock_going_backwards_is_counted);
    tcase_add_test(t, idle_connections_finish_on_the_capture_clock);
    tcase_add_test(t, crafted_collisions_spread);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    SRunner *r = srunner_create(flow_suite());
    int failed;

    srunner_run_all(r, CK_NORMAL);
    failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

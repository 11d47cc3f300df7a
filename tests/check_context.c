/*
 * check_context.c - the DNS and Kerberos context store (analyzer/context.c).
 *
 * Hand-built packets first: DNS answers (the dnsmasq bytes of check_dns.c),
 * Kerberos messages built here in DER field by field (RFC 4120 5.4.1, 5.4.2,
 * 5.9.1), over UDP and over TCP split at every byte.  Then the two public
 * Windows captures with their KDC traffic, read with libpcap; every value was
 * cross-checked with
 *   tshark -r FILE -Y kerberos -T fields -e frame.number -e tcp.srcport
 *     -e tcp.dstport -e kerberos.msg_type -e kerberos.SNameString
 *     -e kerberos.realm -e kerberos.error_code -e kerberos.CNameString
 *     -e kerberos.padata_type
 * Those captures hold no DNS (tshark -Y dns finds nothing), so name linking is
 * tested on the hand-built packets only.
 */
#include "config.h"

#include <check.h>
#include <pcap.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "context.h"
#include "decode.h"

#ifndef RD_SHARED_DIR
#define RD_SHARED_DIR "../shared"
#endif

#define SEC 1000000000LL

/* ---- DNS bytes (dnsmasq 2.90 on loopback, see check_dns.c) -------------- */

/* Response 0x1111: rdp.example.test A -> CNAME srv01.corp.example.test,
 * A 10.1.2.3, A 10.1.2.4 (dnsmasq frame 2). */
static const uint8_t resp_a[] = {
    0x11, 0x11, 0x85, 0x80, 0x00, 0x01, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, /* header, an 3 */
    0x03, 'r',  'd',  'p',  0x07, 'e',  'x',  'a',  'm',  'p',  'l',  'e',  0x04,
    't',  'e',  's',  't',  0x00, 0x00, 0x01, 0x00, 0x01, /* rdp.example.test A IN */
    0xc0, 0x0c, 0x00, 0x05, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x19, /* CNAME, 25 */
    0x05, 's',  'r',  'v',  '0',  '1',  0x04, 'c',  'o',  'r',  'p',  0x07, 'e',
    'x',  'a',  'm',  'p',  'l',  'e',  0x04, 't',  'e',  's',  't',  0x00, /* srv01.corp.example.test
                                                                             */
    0xc0, 0x2e, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, /* A, 4 */
    0x0a, 0x01, 0x02, 0x03,                                                 /* 10.1.2.3 */
    0xc0, 0x2e, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, /* A, 4 */
    0x0a, 0x01, 0x02, 0x04,                                                 /* 10.1.2.4 */
};

/* Response 0x2222: rdp.example.test AAAA -> CNAME, AAAA fd00::3 (dnsmasq frame 4). */
static const uint8_t resp_aaaa[] = {
    0x22, 0x22, 0x85, 0x80, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, /* header, an 2 */
    0x03, 'r',  'd',  'p',  0x07, 'e',  'x',  'a',  'm',  'p',  'l',  'e',  0x04,
    't',  'e',  's',  't',  0x00, 0x00, 0x1c, 0x00, 0x01, /* rdp.example.test AAAA IN */
    0xc0, 0x0c, 0x00, 0x05, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x19, /* CNAME, 25 */
    0x05, 's',  'r',  'v',  '0',  '1',  0x04, 'c',  'o',  'r',  'p',  0x07, 'e',
    'x',  'a',  'm',  'p',  'l',  'e',  0x04, 't',  'e',  's',  't',  0x00, /* srv01.corp.example.test
                                                                             */
    0xc0, 0x2e, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, /* AAAA, 16 */
    0xfd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x03, /* fd00::3 */
};

/* Query 0x1111 A rdp.example.test (dnsmasq frame 1). */
static const uint8_t query_a[] = {
    0x11, 0x11, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* header, qd 1 */
    0x03, 'r',  'd',  'p',  0x07, 'e',  'x',  'a',  'm',  'p',  'l',  'e',
    0x04, 't',  'e',  's',  't',  0x00, 0x00, 0x01, 0x00, 0x01, /* rdp.example.test A IN */
};

/* ---- a small DER builder for Kerberos messages -------------------------- */

struct buf {
    uint8_t b[700];
    size_t n;
};

static struct buf raw(const void *p, size_t n)
{
    struct buf r;

    ck_assert_uint_le(n, sizeof r.b);
    memcpy(r.b, p, n);
    r.n = n;
    return r;
}

/* tag, definite length (short form or 0x81/0x82), contents (X.690 8.1). */
static struct buf tlv(uint8_t tag, struct buf c)
{
    struct buf r;
    size_t h = 0;

    r.b[h++] = tag;
    if (c.n < 0x80) {
        r.b[h++] = (uint8_t)c.n;
    } else if (c.n < 0x100) {
        r.b[h++] = 0x81;
        r.b[h++] = (uint8_t)c.n;
    } else {
        r.b[h++] = 0x82;
        r.b[h++] = (uint8_t)(c.n >> 8);
        r.b[h++] = (uint8_t)c.n;
    }
    ck_assert_uint_le(h + c.n, sizeof r.b);
    memcpy(r.b + h, c.b, c.n);
    r.n = h + c.n;
    return r;
}

/* Concatenate k buffers. */
static struct buf cat(size_t k, ...)
{
    struct buf r = {.n = 0};
    va_list ap;

    va_start(ap, k);
    for (size_t i = 0; i < k; i++) {
        const struct buf *b = va_arg(ap, const struct buf *);

        ck_assert_uint_le(r.n + b->n, sizeof r.b);
        memcpy(r.b + r.n, b->b, b->n);
        r.n += b->n;
    }
    va_end(ap);
    return r;
}

/* [n] EXPLICIT INTEGER v, 0 <= v < 128. */
static struct buf ctx_int(uint8_t n, uint8_t v)
{
    uint8_t i[] = {0x02, 0x01, v};

    return tlv((uint8_t)(0xa0 | n), raw(i, sizeof i));
}

/* [n] EXPLICIT GeneralString s. */
static struct buf ctx_str(uint8_t n, const char *s)
{
    return tlv((uint8_t)(0xa0 | n), tlv(0x1b, raw(s, strlen(s))));
}

/* [n] EXPLICIT PrincipalName { name-type [0], name-string [1] SEQUENCE OF GeneralString } */
static struct buf ctx_principal(uint8_t n, uint8_t type, const char *a, const char *b)
{
    struct buf s1 = tlv(0x1b, raw(a, strlen(a)));
    struct buf s2 = b != NULL ? tlv(0x1b, raw(b, strlen(b))) : (struct buf){.n = 0};
    struct buf nt = ctx_int(0, type);
    struct buf ns = tlv(0xa1, tlv(0x30, cat(2, &s1, &s2)));

    return tlv((uint8_t)(0xa0 | n), tlv(0x30, cat(2, &nt, &ns)));
}

/* [n] EXPLICIT EncryptedData { etype [0] 18, cipher [2] OCTET STRING 00 00 } */
static struct buf ctx_enc(uint8_t n)
{
    static const uint8_t cipher[] = {0x04, 0x02, 0x00, 0x00};
    struct buf et = ctx_int(0, 18);
    struct buf ci = tlv(0xa2, raw(cipher, sizeof cipher));

    return tlv((uint8_t)(0xa0 | n), tlv(0x30, cat(2, &et, &ci)));
}

static struct buf ctx_time(uint8_t n)
{
    return tlv((uint8_t)(0xa0 | n), tlv(0x18, raw("20370913024805Z", 15)));
}

/*
 * TGS-REQ (RFC 4120 5.4.1): [APPLICATION 12] SEQUENCE {
 *   pvno [1] 5, msg-type [2] 12,
 *   req-body [4] SEQUENCE { kdc-options [0] BIT STRING 40810000, realm [2],
 *     sname [3] NT-SRV-INST svc/host, till [5], nonce [7] 77, etype [8] { 18 } } }
 * (padata, which carries the TGT's AP-REQ, is OPTIONAL in the syntax and left out.)
 */
static struct buf tgs_req(const char *realm, const char *svc, const char *host)
{
    static const uint8_t opts[] = {0x03, 0x05, 0x00, 0x40, 0x81, 0x00, 0x00};
    static const uint8_t etypes[] = {0x30, 0x03, 0x02, 0x01, 0x12};
    struct buf ko = tlv(0xa0, raw(opts, sizeof opts));
    struct buf re = ctx_str(2, realm);
    struct buf sn = ctx_principal(3, 2, svc, host);
    struct buf ti = ctx_time(5);
    struct buf no = ctx_int(7, 77);
    struct buf et = tlv(0xa8, raw(etypes, sizeof etypes));
    struct buf body = tlv(0xa4, tlv(0x30, cat(6, &ko, &re, &sn, &ti, &no, &et)));
    struct buf pv = ctx_int(1, 5);
    struct buf mt = ctx_int(2, 12);

    return tlv(0x6c, tlv(0x30, cat(3, &pv, &mt, &body)));
}

/*
 * TGS-REP (RFC 4120 5.4.2): [APPLICATION 13] SEQUENCE {
 *   pvno [0] 5, msg-type [1] 13, crealm [3], cname [4] NT-PRINCIPAL "user",
 *   ticket [5] [APPLICATION 1] SEQUENCE { tkt-vno [0] 5, realm [1],
 *     sname [2] svc/host, enc-part [3] }, enc-part [6] }
 */
static struct buf tgs_rep(const char *realm, const char *svc, const char *host)
{
    struct buf tv = ctx_int(0, 5);
    struct buf tr = ctx_str(1, realm);
    struct buf ts = ctx_principal(2, 2, svc, host);
    struct buf te = ctx_enc(3);
    struct buf tk = tlv(0xa5, tlv(0x61, tlv(0x30, cat(4, &tv, &tr, &ts, &te))));
    struct buf pv = ctx_int(0, 5);
    struct buf mt = ctx_int(1, 13);
    struct buf cr = ctx_str(3, realm);
    struct buf cn = ctx_principal(4, 1, "user", NULL);
    struct buf ep = ctx_enc(6);

    return tlv(0x6d, tlv(0x30, cat(6, &pv, &mt, &cr, &cn, &tk, &ep)));
}

/*
 * KRB-ERROR (RFC 4120 5.9.1): [APPLICATION 30] SEQUENCE {
 *   pvno [0] 5, msg-type [1] 30, stime [4], susec [5] 0, error-code [6],
 *   realm [9], sname [10] svc/host }
 */
static struct buf krb_error(uint8_t code, const char *realm, const char *svc, const char *host)
{
    struct buf pv = ctx_int(0, 5);
    struct buf mt = ctx_int(1, 30);
    struct buf st = ctx_time(4);
    struct buf su = ctx_int(5, 0);
    struct buf ec = ctx_int(6, code);
    struct buf re = ctx_str(9, realm);
    struct buf sn = ctx_principal(10, 2, svc, host);

    return tlv(0x7e, tlv(0x30, cat(7, &pv, &mt, &st, &su, &ec, &re, &sn)));
}

/* The RFC 4120 7.2.2 record: 4-byte length, then the message. */
static struct buf krb_tcp(struct buf m)
{
    struct buf r;

    r.b[0] = 0;
    r.b[1] = 0;
    r.b[2] = (uint8_t)(m.n >> 8);
    r.b[3] = (uint8_t)m.n;
    ck_assert_uint_le(m.n + 4, sizeof r.b);
    memcpy(r.b + 4, m.b, m.n);
    r.n = m.n + 4;
    return r;
}

/* ---- packets ------------------------------------------------------------ */

static struct rd_addr v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
    struct rd_addr r = {.family = 4};

    r.a[0] = a;
    r.a[1] = b;
    r.a[2] = c;
    r.a[3] = d;
    return r;
}

static struct rd_addr v6_fd00_3(void)
{
    struct rd_addr r = {.family = 6};

    r.a[0] = 0xfd;
    r.a[15] = 0x03;
    return r;
}

#define CLIENT v4(10, 0, 0, 5)
#define DNSSRV v4(10, 0, 0, 53)
#define KDC    v4(10, 0, 0, 88)
#define RDPSRV v4(10, 1, 2, 4)

static void udp(struct rd_context *x, uint64_t frame, int64_t ts, struct rd_addr src,
                struct rd_addr dst, uint16_t sport, uint16_t dport, const uint8_t *b, size_t n)
{
    struct rd_packet p = {.frame = frame, .ts_ns = ts, .l4 = RD_L4_UDP};

    p.src = src;
    p.dst = dst;
    p.sport = sport;
    p.dport = dport;
    p.payload = b;
    p.paylen = (uint32_t)n;
    p.paylen_wire = (uint32_t)n;
    rd_context_packet(x, &p);
}

static void tcp(struct rd_context *x, uint64_t frame, int64_t ts, struct rd_addr src,
                struct rd_addr dst, uint16_t sport, uint16_t dport, uint32_t seq, uint8_t flags,
                const uint8_t *b, size_t n)
{
    struct rd_packet p = {.frame = frame, .ts_ns = ts, .l4 = RD_L4_TCP};

    p.src = src;
    p.dst = dst;
    p.sport = sport;
    p.dport = dport;
    p.seq = seq;
    p.flags = flags;
    p.payload = b;
    p.paylen = (uint32_t)n;
    p.paylen_wire = (uint32_t)n;
    rd_context_packet(x, &p);
}

static struct rd_context ctx;
static struct rd_conn_context out;

static void setup(void)
{
    ck_assert_int_eq(rd_context_init(&ctx, 16), 0);
}

static void teardown(void)
{
    rd_context_free(&ctx);
}

static void addr_is(const struct rd_addr *a, const struct rd_addr *want)
{
    char got[64];
    char exp[64];

    rd_addr_format(a, got, sizeof got);
    rd_addr_format(want, exp, sizeof exp);
    ck_assert_str_eq(got, exp);
}

/* ---- DNS ---------------------------------------------------------------- */

START_TEST(test_dns_udp)
{
    struct rd_addr client = CLIENT;
    struct rd_addr server = RDPSRV;
    struct rd_addr other = v4(10, 1, 2, 3);
    struct rd_addr v6 = v6_fd00_3();
    struct rd_addr dns = DNSSRV;

    udp(&ctx, 1, 100 * SEC, CLIENT, DNSSRV, 40000, 53, query_a, sizeof query_a);
    udp(&ctx, 2, 100 * SEC + 300000, DNSSRV, CLIENT, 53, 40000, resp_a, sizeof resp_a);
    udp(&ctx, 4, 100 * SEC + 600000, DNSSRV, CLIENT, 53, 40001, resp_aaaa, sizeof resp_aaaa);
    ck_assert_uint_eq(ctx.stats.packets, 3);
    ck_assert_uint_eq(ctx.stats.dns_messages, 3);
    ck_assert_uint_eq(ctx.stats.dns_responses, 2);

    /* Five seconds later the client connects to 10.1.2.4. */
    rd_context_lookup(&ctx, &client, &server, 105 * SEC, &out);
    ck_assert(out.client_known);
    ck_assert_uint_eq(out.nnames, 1);
    ck_assert_str_eq(out.names[0].name, "rdp.example.test");
    ck_assert_str_eq(out.names[0].canonical, "srv01.corp.example.test");
    ck_assert_uint_eq(out.names[0].qtype, RD_DNS_TYPE_A);
    ck_assert_uint_eq(out.names[0].frame, 2);
    ck_assert_int_eq(out.names[0].ts_ns, 100 * SEC + 300000);
    addr_is(&out.names[0].dns_server, &dns);
    ck_assert_uint_eq(out.names[0].nothers, 1);
    addr_is(&out.names[0].others[0], &other);
    ck_assert_int_eq(out.termsrv, RD_CTX_TGS_NONE);
    ck_assert_uint_eq(out.nkrb, 0);

    /* To fd00::3: the AAAA answer. */
    rd_context_lookup(&ctx, &client, &v6, 105 * SEC, &out);
    ck_assert_uint_eq(out.nnames, 1);
    ck_assert_uint_eq(out.names[0].qtype, RD_DNS_TYPE_AAAA);
    ck_assert_uint_eq(out.names[0].frame, 4);
    ck_assert_uint_eq(out.names[0].nothers, 0);

    /* Window: exactly 30 s after the answer still counts, later not, nor
     * before the answer arrived. */
    rd_context_lookup(&ctx, &client, &server, 130 * SEC + 300000, &out);
    ck_assert_uint_eq(out.nnames, 1);
    rd_context_lookup(&ctx, &client, &server, 130 * SEC + 300001, &out);
    ck_assert_uint_eq(out.nnames, 0);
    rd_context_lookup(&ctx, &client, &server, 100 * SEC, &out);
    ck_assert_uint_eq(out.nnames, 0);
    /* Another server, another client. */
    rd_context_lookup(&ctx, &client, &dns, 105 * SEC, &out);
    ck_assert_uint_eq(out.nnames, 0);
    ck_assert(out.client_known);
    rd_context_lookup(&ctx, &dns, &server, 105 * SEC, &out);
    ck_assert(!out.client_known);
    ck_assert_uint_eq(out.nnames, 0);
}
END_TEST

/* The same question answered twice: only the newer answer is listed. */
START_TEST(test_dns_repeat)
{
    struct rd_addr client = CLIENT;
    struct rd_addr server = RDPSRV;

    udp(&ctx, 2, 100 * SEC, DNSSRV, CLIENT, 53, 40000, resp_a, sizeof resp_a);
    udp(&ctx, 9, 101 * SEC, DNSSRV, CLIENT, 53, 40002, resp_a, sizeof resp_a);
    rd_context_lookup(&ctx, &client, &server, 105 * SEC, &out);
    ck_assert_uint_eq(out.nnames, 1);
    ck_assert_uint_eq(out.names[0].frame, 9);
}
END_TEST

/* DNS over TCP (dnsmasq frame 14): the prefixed answer split at every byte,
 * after a SYN; the message completes on the second segment. */
START_TEST(test_dns_tcp_split)
{
    static uint8_t s[2 + sizeof resp_a];
    struct rd_addr client = CLIENT;
    struct rd_addr server = RDPSRV;

    s[0] = 0;
    s[1] = (uint8_t)sizeof resp_a;
    memcpy(s + 2, resp_a, sizeof resp_a);
    for (size_t k = 1; k < sizeof s; k++) {
        teardown();
        setup();
        tcp(&ctx, 10, 100 * SEC, DNSSRV, CLIENT, 53, 42018, 999, RD_TCP_SYN | RD_TCP_ACK, NULL, 0);
        tcp(&ctx, 11, 100 * SEC, DNSSRV, CLIENT, 53, 42018, 1000, RD_TCP_ACK, s, k);
        /* A retransmission of the first part overlapping the second. */
        tcp(&ctx, 12, 100 * SEC, DNSSRV, CLIENT, 53, 42018, 1000, RD_TCP_ACK, s, k);
        tcp(&ctx, 13, 100 * SEC, DNSSRV, CLIENT, 53, 42018, (uint32_t)(1000 + k / 2),
            RD_TCP_ACK | RD_TCP_FIN, s + k / 2, sizeof s - k / 2);
        rd_context_lookup(&ctx, &client, &server, 101 * SEC, &out);
        ck_assert_msg(out.nnames == 1, "split at %zu", k);
        ck_assert_uint_eq(out.names[0].frame, 13);
        ck_assert_str_eq(out.names[0].name, "rdp.example.test");
        ck_assert_uint_eq(ctx.stats.dns_messages, 1);
        ck_assert_uint_eq(ctx.stats.tcp_gaps, 0);
        ck_assert_uint_eq(ctx.stats.tcp_incomplete, 0);
    }
}
END_TEST

/* Reordered segments: the flow is given up and counted, nothing invented;
 * two messages in one segment both count. */
START_TEST(test_dns_tcp_gap_and_pair)
{
    static uint8_t s[2 * (2 + sizeof resp_a)];
    struct rd_addr client = CLIENT;
    struct rd_addr server = RDPSRV;
    size_t one = 2 + sizeof resp_a;

    s[0] = 0;
    s[1] = (uint8_t)sizeof resp_a;
    memcpy(s + 2, resp_a, sizeof resp_a);
    memcpy(s + one, s, one);

    tcp(&ctx, 10, 100 * SEC, DNSSRV, CLIENT, 53, 42018, 999, RD_TCP_SYN | RD_TCP_ACK, NULL, 0);
    tcp(&ctx, 11, 100 * SEC, DNSSRV, CLIENT, 53, 42018, 1050, RD_TCP_ACK, s + 50, one - 50);
    tcp(&ctx, 12, 100 * SEC, DNSSRV, CLIENT, 53, 42018, 1000, RD_TCP_ACK, s, 50);
    rd_context_lookup(&ctx, &client, &server, 101 * SEC, &out);
    ck_assert_uint_eq(out.nnames, 0);
    ck_assert_uint_eq(ctx.stats.tcp_gaps, 1);

    tcp(&ctx, 20, 100 * SEC, DNSSRV, CLIENT, 53, 42019, 5000, RD_TCP_ACK, s, sizeof s);
    ck_assert_uint_eq(ctx.stats.dns_messages, 2);
    rd_context_lookup(&ctx, &client, &server, 101 * SEC, &out);
    ck_assert_uint_eq(out.nnames, 1);
    /* A flow that ends inside a message. */
    tcp(&ctx, 30, 100 * SEC, DNSSRV, CLIENT, 53, 42020, 7000, RD_TCP_ACK, s, 40);
    tcp(&ctx, 31, 100 * SEC, DNSSRV, CLIENT, 53, 42020, 7040, RD_TCP_RST, NULL, 0);
    ck_assert_uint_eq(ctx.stats.tcp_incomplete, 1);
    ck_assert_uint_eq(ctx.stats.dns_messages, 2);
}
END_TEST

/* ---- Kerberos ----------------------------------------------------------- */

START_TEST(test_krb_udp_issued)
{
    struct buf req = tgs_req("EXAMPLE.TEST", "TERMSRV", "srv01.corp.example.test");
    struct buf rep = tgs_rep("EXAMPLE.TEST", "TERMSRV", "srv01.corp.example.test");
    struct rd_addr client = CLIENT;
    struct rd_addr server = RDPSRV;
    struct rd_addr kdc = KDC;

    udp(&ctx, 2, 100 * SEC, DNSSRV, CLIENT, 53, 40000, resp_a, sizeof resp_a);
    udp(&ctx, 10, 102 * SEC, CLIENT, KDC, 50000, 88, req.b, req.n);
    udp(&ctx, 11, 102 * SEC + 1000, KDC, CLIENT, 88, 50000, rep.b, rep.n);
    ck_assert_uint_eq(ctx.stats.krb_messages, 2);
    ck_assert_uint_eq(ctx.stats.malformed, 0);

    /* The TGS exchange happens during CredSSP, after the connection began. */
    rd_context_lookup(&ctx, &client, &server, 101 * SEC, &out);
    ck_assert_uint_eq(out.nkrb, 2);
    ck_assert_uint_eq(out.krb[0].msg_type, RD_KRB_TGS_REQ);
    ck_assert_str_eq(out.krb[0].type_name, "TGS-REQ");
    ck_assert_str_eq(out.krb[0].sname, "TERMSRV/srv01.corp.example.test");
    ck_assert_str_eq(out.krb[0].realm, "EXAMPLE.TEST");
    ck_assert_uint_eq(out.krb[0].frame, 10);
    ck_assert_uint_eq(out.krb[0].peer_frame, 11);
    ck_assert(out.krb[0].during);
    ck_assert(!out.krb[0].has_error);
    ck_assert_str_eq(out.krb[0].error_name, "");
    addr_is(&out.krb[0].kdc, &kdc);
    ck_assert_str_eq(out.krb[1].type_name, "TGS-REP");
    ck_assert_str_eq(out.krb[1].cname, "user");
    ck_assert_str_eq(out.krb[1].sname, "TERMSRV/srv01.corp.example.test");
    ck_assert_uint_eq(out.krb[1].peer_frame, 10);
    ck_assert_int_eq(out.termsrv, RD_CTX_TGS_ISSUED);
    ck_assert_str_eq(rd_context_tgs_name(out.termsrv), "issued");
    ck_assert_str_eq(out.termsrv_sname, "TERMSRV/srv01.corp.example.test");
    ck_assert_str_eq(out.termsrv_realm, "EXAMPLE.TEST");
    ck_assert_uint_eq(out.termsrv_req_frame, 10);
    ck_assert_uint_eq(out.termsrv_reply_frame, 11);
    /* The ticket's host is the name the client resolved (through its CNAME). */
    ck_assert_uint_eq(out.nnames, 1);
    ck_assert(out.termsrv_matches_dns);

    /* The span form stops at the connection's end. */
    rd_context_lookup_span(&ctx, &client, &server, 101 * SEC, 102 * SEC, &out);
    ck_assert_uint_eq(out.nkrb, 1);
    ck_assert_int_eq(out.termsrv, RD_CTX_TGS_ISSUED);
    rd_context_lookup_span(&ctx, &client, &server, 101 * SEC, 101 * SEC, &out);
    ck_assert_uint_eq(out.nkrb, 0);
    ck_assert_int_eq(out.termsrv, RD_CTX_TGS_NONE);
    /* More than 30 s after the start. */
    rd_context_lookup(&ctx, &client, &server, 71 * SEC, &out);
    ck_assert_uint_eq(out.nkrb, 0);
}
END_TEST

/* A TERMSRV/ ticket refused: the KRB-ERROR's code and name; the host does not
 * match the resolved name; a request left unanswered. */
START_TEST(test_krb_refused_and_unanswered)
{
    struct buf req = tgs_req("EXAMPLE.TEST", "TERMSRV", "rdp-old.example.test");
    struct buf err = krb_error(7, "EXAMPLE.TEST", "TERMSRV", "rdp-old.example.test");
    struct buf req2 = tgs_req("EXAMPLE.TEST", "TERMSRV", "srv01.corp.example.test");
    struct rd_addr client = CLIENT;
    struct rd_addr server = RDPSRV;

    udp(&ctx, 2, 100 * SEC, DNSSRV, CLIENT, 53, 40000, resp_a, sizeof resp_a);
    udp(&ctx, 10, 102 * SEC, CLIENT, KDC, 50000, 88, req.b, req.n);
    udp(&ctx, 11, 102 * SEC + 1000, KDC, CLIENT, 88, 50000, err.b, err.n);
    rd_context_lookup(&ctx, &client, &server, 101 * SEC, &out);
    ck_assert_int_eq(out.termsrv, RD_CTX_TGS_REFUSED);
    ck_assert_str_eq(rd_context_tgs_name(out.termsrv), "refused");
    ck_assert_int_eq(out.termsrv_error, 7);
    ck_assert_str_eq(out.termsrv_error_name, "KDC_ERR_S_PRINCIPAL_UNKNOWN");
    ck_assert_uint_eq(out.termsrv_req_frame, 10);
    ck_assert_uint_eq(out.termsrv_reply_frame, 11);
    ck_assert(!out.termsrv_matches_dns);
    ck_assert(out.krb[1].has_error);
    ck_assert_str_eq(out.krb[1].error_name, "KDC_ERR_S_PRINCIPAL_UNKNOWN");

    /* A later request with no reply decides. */
    udp(&ctx, 20, 103 * SEC, CLIENT, KDC, 50001, 88, req2.b, req2.n);
    rd_context_lookup(&ctx, &client, &server, 101 * SEC, &out);
    ck_assert_int_eq(out.termsrv, RD_CTX_TGS_UNANSWERED);
    ck_assert_uint_eq(out.termsrv_req_frame, 20);
    ck_assert_uint_eq(out.termsrv_reply_frame, 0);
    ck_assert(out.termsrv_matches_dns);
    ck_assert_uint_eq(out.nkrb, 3);

    /* A reply on other ports is not paired. */
    udp(&ctx, 21, 103 * SEC, KDC, CLIENT, 88, 50009, err.b, err.n);
    rd_context_lookup(&ctx, &client, &server, 101 * SEC, &out);
    ck_assert_uint_eq(out.krb[3].peer_frame, 0);
    /* ... and a lone KRB-ERROR naming TERMSRV/ refuses. */
    ck_assert_int_eq(out.termsrv, RD_CTX_TGS_REFUSED);
    ck_assert_uint_eq(out.termsrv_req_frame, 0);
    ck_assert_uint_eq(out.termsrv_reply_frame, 21);
}
END_TEST

/* Kerberos over TCP (RFC 4120 7.2.2), the KRB-ERROR record split at every
 * byte, without a SYN (as in the public captures). */
START_TEST(test_krb_tcp_split)
{
    struct buf req = krb_tcp(tgs_req("EXAMPLE.TEST", "TERMSRV", "srv01.corp.example.test"));
    struct buf err = krb_tcp(krb_error(7, "EXAMPLE.TEST", "TERMSRV", "srv01.corp.example.test"));
    struct rd_addr client = CLIENT;
    struct rd_addr server = RDPSRV;

    for (size_t k = 1; k < err.n; k++) {
        teardown();
        setup();
        tcp(&ctx, 10, 102 * SEC, CLIENT, KDC, 50000, 88, 1, RD_TCP_ACK | RD_TCP_PSH, req.b, req.n);
        tcp(&ctx, 11, 102 * SEC, KDC, CLIENT, 88, 50000, 1, RD_TCP_ACK, err.b, k);
        tcp(&ctx, 12, 102 * SEC, KDC, CLIENT, 88, 50000, (uint32_t)(1 + k), RD_TCP_ACK, err.b + k,
            err.n - k);
        rd_context_lookup(&ctx, &client, &server, 101 * SEC, &out);
        ck_assert_msg(out.nkrb == 2, "split at %zu", k);
        ck_assert_int_eq(out.termsrv, RD_CTX_TGS_REFUSED);
        ck_assert_uint_eq(out.termsrv_reply_frame, 12);
        ck_assert_uint_eq(ctx.stats.krb_messages, 2);
    }
}
END_TEST

/* What cannot be read is counted: a datagram cut by the snaplen, bytes that
 * are not Kerberos, a TCP record larger than the flow buffer (skipped, and the
 * record after it still read), a non-KDC message type. */
START_TEST(test_counters)
{
    static uint8_t big[RD_CONTEXT_FLOW_CAP + 512];
    struct buf req = tgs_req("EXAMPLE.TEST", "TERMSRV", "srv01.corp.example.test");
    struct buf rec = krb_tcp(req);
    static const uint8_t junk[] = {0x30, 0x03, 0x02, 0x01, 0x05};
    /* AP-REP: [APPLICATION 15] { pvno 5, msg-type 15, enc-part } */
    struct buf pv = ctx_int(0, 5);
    struct buf mt = ctx_int(1, 15);
    struct buf ep = ctx_enc(2);
    struct buf aprep = tlv(0x6f, tlv(0x30, cat(3, &pv, &mt, &ep)));
    struct rd_packet p = {.frame = 1, .l4 = RD_L4_UDP, .sport = 50000, .dport = 88};
    struct rd_addr client = CLIENT;
    struct rd_addr server = RDPSRV;
    uint32_t seq = 1;
    size_t size = RD_CONTEXT_FLOW_CAP;

    p.src = CLIENT;
    p.dst = KDC;
    p.payload = req.b;
    p.paylen = (uint32_t)req.n - 10;
    p.paylen_wire = (uint32_t)req.n;
    rd_context_packet(&ctx, &p);
    ck_assert_uint_eq(ctx.stats.truncated, 1);
    ck_assert_uint_eq(ctx.stats.krb_messages, 0);

    udp(&ctx, 2, 100 * SEC, CLIENT, KDC, 50000, 88, junk, sizeof junk);
    ck_assert_uint_eq(ctx.stats.malformed, 1);
    udp(&ctx, 3, 100 * SEC, KDC, CLIENT, 88, 50000, aprep.b, aprep.n);
    ck_assert_uint_eq(ctx.stats.krb_messages, 1);
    ck_assert_uint_eq(ctx.stats.krb_recorded, 0);

    /* A 65536-byte record: length 65532 after the 4-byte prefix. */
    big[2] = (uint8_t)((size - 4) >> 8);
    big[3] = (uint8_t)(size - 4);
    memcpy(big + size, rec.b, rec.n);
    for (size_t off = 0; off < size + rec.n; off += 1448) {
        size_t n = size + rec.n - off < 1448 ? size + rec.n - off : 1448;

        tcp(&ctx, 10, 102 * SEC, CLIENT, KDC, 50002, 88, seq, RD_TCP_ACK, big + off, n);
        seq += (uint32_t)n;
    }
    ck_assert_uint_eq(ctx.stats.tcp_oversize, 0); /* exactly the cap still fits */
    ck_assert_uint_eq(ctx.stats.malformed, 2);    /* ... and its zeros are no Kerberos */
    ck_assert_uint_eq(ctx.stats.krb_messages, 2);

    big[1] = 0x01; /* 65536 + 65532: above the cap, skipped */
    seq = 1;
    for (size_t off = 0; off < size + rec.n; off += 1448) {
        size_t n = size + rec.n - off < 1448 ? size + rec.n - off : 1448;

        tcp(&ctx, 11, 103 * SEC, CLIENT, KDC, 50003, 88, seq, RD_TCP_ACK, big + off, n);
        seq += (uint32_t)n;
    }
    ck_assert_uint_eq(ctx.stats.tcp_oversize, 1);
    ck_assert_uint_eq(ctx.stats.krb_messages, 2); /* still inside the skipped record */
    rd_context_lookup(&ctx, &client, &server, 101 * SEC, &out);
    ck_assert_uint_eq(out.nkrb, 1);
}
END_TEST

/* Bounds: clients are evicted least recently active first; a client's ring
 * keeps its last RD_CONTEXT_EVENTS events; flows are evicted when all are busy. */
START_TEST(test_bounds)
{
    struct rd_addr server = RDPSRV;
    struct buf req = tgs_req("EXAMPLE.TEST", "TERMSRV", "srv01.corp.example.test");
    struct buf rec = krb_tcp(req);
    struct rd_addr first = v4(10, 0, 1, 0);
    struct rd_addr last = v4(10, 0, 1, 19);

    teardown();
    ck_assert_int_eq(rd_context_init(&ctx, 4), 0);
    for (uint8_t i = 0; i < 20; i++) {
        udp(&ctx, 100u + i, 100 * SEC, DNSSRV, v4(10, 0, 1, i), 53, 40000, resp_a, sizeof resp_a);
    }
    ck_assert_uint_eq(ctx.stats.clients_evicted, 16);
    rd_context_lookup(&ctx, &first, &server, 101 * SEC, &out);
    ck_assert(!out.client_known);
    rd_context_lookup(&ctx, &last, &server, 101 * SEC, &out);
    ck_assert(out.client_known);
    ck_assert_uint_eq(out.names[0].frame, 119);

    for (uint32_t i = 0; i < 20; i++) {
        udp(&ctx, 200u + i, 100 * SEC + i, last, KDC, (uint16_t)(50000 + i), 88, req.b, req.n);
    }
    ck_assert_uint_eq(ctx.stats.events_overwritten, 1 + 20 - RD_CONTEXT_EVENTS);
    rd_context_lookup(&ctx, &last, &server, 101 * SEC, &out);
    ck_assert_uint_eq(out.nkrb, RD_CONTEXT_EVENTS);
    ck_assert_uint_eq(out.krb[0].frame, 204);
    ck_assert_uint_eq(out.termsrv_req_frame, 219);
    ck_assert_uint_eq(out.nnames, 0); /* pushed out of the ring */

    /* Nine flows each holding half a record: the oldest is evicted. */
    for (uint16_t i = 0; i < RD_CONTEXT_FLOWS + 1; i++) {
        tcp(&ctx, 300u + i, 100 * SEC, last, KDC, (uint16_t)(51000 + i), 88, 1, RD_TCP_ACK, rec.b,
            rec.n / 2);
    }
    ck_assert_uint_eq(ctx.stats.flows_evicted, 1);
    ck_assert_uint_eq(ctx.stats.tcp_incomplete, 1);
}
END_TEST

START_TEST(test_ignored)
{
    struct rd_packet p = {.frame = 1, .l4 = RD_L4_TCP, .sport = 50000, .dport = 3389};

    rd_context_packet(&ctx, &p);
    p.l4 = RD_L4_ICMP;
    p.dport = 88;
    rd_context_packet(&ctx, &p);
    ck_assert_uint_eq(ctx.stats.packets, 0);
    ck_assert_str_eq(rd_context_tgs_name(RD_CTX_TGS_NONE), "none");
    ck_assert_str_eq(rd_context_tgs_name(RD_CTX_TGS_UNANSWERED), "unanswered");
    /* Windows at the ends of time do not overflow. */
    {
        struct rd_addr client = CLIENT;
        struct rd_addr server = RDPSRV;

        udp(&ctx, 2, INT64_MAX, DNSSRV, CLIENT, 53, 40000, resp_a, sizeof resp_a);
        rd_context_lookup(&ctx, &client, &server, INT64_MAX, &out);
        ck_assert_uint_eq(out.nnames, 1);
        rd_context_lookup(&ctx, &client, &server, INT64_MIN, &out);
        ck_assert_uint_eq(out.nnames, 0);
    }
}
END_TEST

/* ---- the public captures ------------------------------------------------ */

/* Feed a capture; returns the first RDP packet's time, or 0 when skipped. */
static int64_t feed_capture(const char *name)
{
    char path[1024];
    char errbuf[PCAP_ERRBUF_SIZE];
    pcap_t *pc;
    struct pcap_pkthdr *h;
    const u_char *data;
    uint64_t frame = 0;
    int64_t rdp_start = 0;

    snprintf(path, sizeof path, "%s/public-captures/%s", RD_SHARED_DIR, name);
    if (access(path, R_OK) != 0) {
        printf("check_context: skipping %s: %s is not readable\n", name, path);
        return 0;
    }
    pc = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, errbuf);
    ck_assert_msg(pc != NULL, "%s", errbuf);
    while (pcap_next_ex(pc, &h, &data) == 1) {
        struct rd_packet p = {.frame = ++frame};

        p.ts_ns = (int64_t)h->ts.tv_sec * SEC + h->ts.tv_usec;
        if (rd_decode_frame(pcap_datalink(pc), data, h->caplen, h->len, &p) != RD_DEC_OK) {
            continue;
        }
        if (rdp_start == 0 && p.l4 == RD_L4_TCP && p.dport == 3389) {
            rdp_start = p.ts_ns;
        }
        rd_context_packet(&ctx, &p);
    }
    pcap_close(pc);
    return rdp_start;
}

struct krb_row {
    uint64_t frame;
    const char *type;
    const char *sname;
    const char *realm;
    const char *cname;
    int32_t error; /* -1: none */
    uint64_t peer;
};

/* tshark (see the top of the file), both captures alike except the client's
 * ports and the AS-REQ cname (smartcard: Administrator@ad.it-help.ninja,
 * an NT-ENTERPRISE name).  The TGS-REQ realm is the req-body realm; the
 * SNameString of a TGS-REQ is the req-body sname (the padata AP-REQ's ticket
 * names krbtgt). */
static void check_kdc_exchanges(const char *as_cname)
{
    const struct krb_row rows[] = {
        {7, "AS-REQ", "krbtgt/ad.it-help.ninja", "ad.it-help.ninja", as_cname, -1, 8},
        {8, "KRB-ERROR", "krbtgt/ad.it-help.ninja", "ad.it-help.ninja", "", 25, 7},
        {9, "AS-REQ", "krbtgt/ad.it-help.ninja", "ad.it-help.ninja", as_cname, -1, 10},
        {10, "AS-REP", "krbtgt/AD.IT-HELP.NINJA", "AD.IT-HELP.NINJA", "Administrator", -1, 9},
        {11, "TGS-REQ", "TERMSRV/IT-HELP-TEST.ad.it-help.ninja", "AD.IT-HELP.NINJA", "", -1, 12},
        {12, "TGS-REP", "TERMSRV/IT-HELP-TEST.ad.it-help.ninja", "AD.IT-HELP.NINJA",
         "Administrator", -1, 11},
        {20, "TGS-REQ", "TERMSRV/IT-HELP-TEST.ad.it-help.ninja", "AD.IT-HELP.NINJA", "", -1, 21},
        {21, "TGS-REP", "TERMSRV/IT-HELP-TEST.ad.it-help.ninja", "AD.IT-HELP.NINJA",
         "Administrator", -1, 20},
    };
    struct rd_addr kdc = v4(10, 10, 0, 3);

    ck_assert_uint_eq(out.nkrb, sizeof rows / sizeof rows[0]);
    for (size_t i = 0; i < out.nkrb; i++) {
        const struct rd_conn_context_krb *k = &out.krb[i];

        ck_assert_uint_eq(k->frame, rows[i].frame);
        ck_assert_str_eq(k->type_name, rows[i].type);
        ck_assert_str_eq(k->sname, rows[i].sname);
        ck_assert_str_eq(k->realm, rows[i].realm);
        ck_assert_str_eq(k->cname, rows[i].cname);
        ck_assert_int_eq(k->has_error, rows[i].error >= 0);
        if (rows[i].error >= 0) {
            ck_assert_int_eq(k->error_code, rows[i].error);
            ck_assert_str_eq(k->error_name, "KDC_ERR_PREAUTH_REQUIRED");
        }
        ck_assert_uint_eq(k->peer_frame, rows[i].peer);
        ck_assert(k->during); /* NLA asks the KDC ~3 s into the connection */
        addr_is(&k->kdc, &kdc);
    }
    ck_assert_int_eq(out.termsrv, RD_CTX_TGS_ISSUED);
    ck_assert_str_eq(out.termsrv_sname, "TERMSRV/IT-HELP-TEST.ad.it-help.ninja");
    ck_assert_str_eq(out.termsrv_realm, "AD.IT-HELP.NINJA");
    ck_assert_uint_eq(out.termsrv_req_frame, 20);
    ck_assert_uint_eq(out.termsrv_reply_frame, 21);
    ck_assert_uint_eq(out.nnames, 0); /* no DNS in these captures */
    ck_assert(!out.termsrv_matches_dns);
    ck_assert_uint_eq(ctx.stats.krb_messages, 8);
    ck_assert_uint_eq(ctx.stats.malformed, 0);
    ck_assert_uint_eq(ctx.stats.tcp_gaps, 0);
    ck_assert_uint_eq(ctx.stats.dns_messages, 0);
}

START_TEST(test_public_kerberos_password)
{
    struct rd_addr client = v4(10, 10, 0, 131);
    struct rd_addr server = v4(10, 10, 0, 10);
    int64_t start = feed_capture("rdp-nla-kerberos-auth1.pcapng");

    if (start == 0) {
        return;
    }
    /* tshark: frame 1, 1715026102.833186000, the SYN to 10.10.0.10:3389 */
    ck_assert_int_eq(start, 1715026102833186000LL);
    rd_context_lookup(&ctx, &client, &server, start, &out);
    ck_assert(out.client_known);
    check_kdc_exchanges("Administrator");
    /* padata 2,128 and 19: a password logon, no PKINIT */
    ck_assert(!out.pkinit);
}
END_TEST

START_TEST(test_public_kerberos_smartcard)
{
    struct rd_addr client = v4(10, 10, 0, 131);
    struct rd_addr server = v4(10, 10, 0, 10);
    int64_t start = feed_capture("rdp-nla-smartcard-auth1.pcapng");

    if (start == 0) {
        return;
    }
    ck_assert_int_eq(start, 1715026174443033000LL);
    rd_context_lookup(&ctx, &client, &server, start, &out);
    check_kdc_exchanges("Administrator@ad.it-help.ninja");
    /* frame 9 padata 16 (PA-PK-AS-REQ), frame 10 padata 17 (PA-PK-AS-REP) */
    ck_assert(out.krb[2].is_pkinit);
    ck_assert(out.krb[3].is_pkinit);
    ck_assert(out.pkinit);
}
END_TEST

static Suite *context_suite(void)
{
    Suite *s = suite_create("context");
    TCase *tc = tcase_create("store");
    TCase *pub = tcase_create("public");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_dns_udp);
    tcase_add_test(tc, test_dns_repeat);
    tcase_add_test(tc, test_dns_tcp_split);
    tcase_add_test(tc, test_dns_tcp_gap_and_pair);
    tcase_add_test(tc, test_krb_udp_issued);
    tcase_add_test(tc, test_krb_refused_and_unanswered);
    tcase_add_test(tc, test_krb_tcp_split);
    tcase_add_test(tc, test_counters);
    tcase_add_test(tc, test_bounds);
    tcase_add_test(tc, test_ignored);
    suite_add_tcase(s, tc);
    tcase_add_checked_fixture(pub, setup, teardown);
    tcase_add_test(pub, test_public_kerberos_password);
    tcase_add_test(pub, test_public_kerberos_smartcard);
    suite_add_tcase(s, pub);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(context_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

/*
 * check_dns.c - DNS messages (RFC 1035 4.1, RFC 3596).
 *
 * The real-world vectors were produced by dnsmasq 2.90 answering on loopback
 * (host-record srv01.corp.example.test = 10.1.2.3, 10.1.2.4, fd00::3; CNAME
 * rdp.example.test -> srv01.corp.example.test; example.test local, so other
 * names are NXDOMAIN) and captured with tcpdump; "dnsmasq frame N" below is the
 * frame of that capture, read back with tshark -x.
 */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns.h"

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Minimal valid: a header and nothing else.
 *   id 0, flags 0 (standard query), all four counts 0 */
static const uint8_t minimal[] = {
    0x00, 0x00, /* id */
    0x00, 0x00, /* flags */
    0x00, 0x00, /* qdcount 0 */
    0x00, 0x00, /* ancount 0 */
    0x00, 0x00, /* nscount 0 */
    0x00, 0x00, /* arcount 0 */
};

/* dnsmasq frame 1: standard query 0x1111 A rdp.example.test
 *   flags 0x0100 (RD), 1 question */
static const uint8_t query_a[] = {
    0x11, 0x11,                                     /* id */
    0x01, 0x00,                                     /* flags: RD */
    0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* qd 1, an 0, ns 0, ar 0 */
    /* @12 question: rdp.example.test */
    0x03, 'r', 'd', 'p',                     /* label "rdp" */
    0x07, 'e', 'x', 'a', 'm', 'p', 'l', 'e', /* label "example" */
    0x04, 't', 'e', 's', 't',                /* label "test" */
    0x00,                                    /* root */
    0x00, 0x01,                              /* QTYPE A */
    0x00, 0x01,                              /* QCLASS IN */
};

/* dnsmasq frame 2: response 0x1111, CNAME then two A records.
 *   flags 0x8580: QR, AA, RD, RA, NOERROR; qd 1, an 3 */
static const uint8_t resp_a[] = {
    0x11, 0x11,                                     /* id */
    0x85, 0x80,                                     /* flags: QR AA RD RA, NOERROR */
    0x00, 0x01, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, /* qd 1, an 3, ns 0, ar 0 */
    /* @12 question: rdp.example.test A IN */
    0x03, 'r', 'd', 'p', 0x07, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0x04, 't', 'e', 's', 't', 0x00,
    0x00, 0x01, 0x00, 0x01,
    /* @34 answer 1 */
    0xc0, 0x0c,             /* name: pointer to 12 (rdp.example.test) */
    0x00, 0x05,             /* type CNAME */
    0x00, 0x01,             /* class IN */
    0x00, 0x00, 0x00, 0x00, /* ttl 0 */
    0x00, 0x19,             /* rdlength 25 */
    /* @46 rdata: srv01.corp.example.test, in full */
    0x05, 's', 'r', 'v', '0', '1', 0x04, 'c', 'o', 'r', 'p', 0x07, 'e', 'x', 'a', 'm', 'p', 'l',
    'e', 0x04, 't', 'e', 's', 't', 0x00,
    /* @71 answer 2 */
    0xc0, 0x2e,             /* name: pointer to 46 (srv01.corp.example.test) */
    0x00, 0x01,             /* type A */
    0x00, 0x01,             /* class IN */
    0x00, 0x00, 0x00, 0x00, /* ttl 0 */
    0x00, 0x04,             /* rdlength 4 */
    0x0a, 0x01, 0x02, 0x03, /* 10.1.2.3 */
    /* @87 answer 3 */
    0xc0, 0x2e, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, /* A IN, 4 */
    0x0a, 0x01, 0x02, 0x04,                                                 /* 10.1.2.4 */
};

/* dnsmasq frame 4: response 0x2222 to AAAA rdp.example.test: CNAME, AAAA.
 *   flags 0x8580; qd 1, an 2 */
static const uint8_t resp_aaaa[] = {
    0x22, 0x22, 0x85, 0x80, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, /* header */
    /* @12 question: rdp.example.test AAAA IN */
    0x03, 'r', 'd', 'p', 0x07, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0x04, 't', 'e', 's', 't', 0x00,
    0x00, 0x1c, 0x00, 0x01,
    /* @34 CNAME, as in frame 2 */
    0xc0, 0x0c, 0x00, 0x05, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x19, 0x05, 's', 'r', 'v',
    '0', '1', 0x04, 'c', 'o', 'r', 'p', 0x07, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0x04, 't', 'e',
    's', 't', 0x00,
    /* @71 AAAA */
    0xc0, 0x2e,             /* name: pointer to 46 */
    0x00, 0x1c,             /* type AAAA */
    0x00, 0x01,             /* class IN */
    0x00, 0x00, 0x00, 0x00, /* ttl 0 */
    0x00, 0x10,             /* rdlength 16 */
    0xfd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x03, /* fd00::3 */
};

/* dnsmasq frame 6: response 0x3333, No such name (NXDOMAIN).
 *   flags 0x8183: QR, RD, RA, rcode 3; qd 1, no records */
static const uint8_t resp_nx[] = {
    0x33, 0x33, 0x81, 0x83, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* header */
    0x06, 'n',  'o',  'h',  'o',  's',  't',  0x07, 'e',  'x',  'a',  'm',
    'p',  'l',  'e',  0x04, 't',  'e',  's',  't',  0x00, /* nohost.example.test */
    0x00, 0x01, 0x00, 0x01,                               /* A IN */
};

/* dnsmasq frame 8: response 0x4444 to A srv01.corp.example.test, two A records
 * whose names point at the question. */
static const uint8_t resp_direct[] = {
    0x44,
    0x44,
    0x85,
    0x80,
    0x00,
    0x01,
    0x00,
    0x02,
    0x00,
    0x00,
    0x00,
    0x00, /* header */
    /* @12 srv01.corp.example.test A IN */
    0x05,
    's',
    'r',
    'v',
    '0',
    '1',
    0x04,
    'c',
    'o',
    'r',
    'p',
    0x07,
    'e',
    'x',
    'a',
    'm',
    'p',
    'l',
    'e',
    0x04,
    't',
    'e',
    's',
    't',
    0x00,
    0x00,
    0x01,
    0x00,
    0x01,
    /* answers: pointer 12, A, IN, ttl 0, rdlength 4, address */
    0xc0,
    0x0c,
    0x00,
    0x01,
    0x00,
    0x01,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x04,
    0x0a,
    0x01,
    0x02,
    0x04,
    0xc0,
    0x0c,
    0x00,
    0x01,
    0x00,
    0x01,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x04,
    0x0a,
    0x01,
    0x02,
    0x03,
};

/* Hand-built: an authoritative NXDOMAIN with the zone's SOA in the authority
 * section and an EDNS OPT record in the additional section (RFC 2308 3,
 * RFC 6891 6.1.2); both are walked, neither kept.
 *   flags 0x8583: QR, AA, RD, RA, NXDOMAIN; qd 1, an 0, ns 1, ar 1 */
static const uint8_t resp_soa[] = {
    0xab, 0xcd, 0x85, 0x83, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, /* header */
    /* @12 ghost.example.test A IN ("example" at 18) */
    0x05, 'g', 'h', 'o', 's', 't', 0x07, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0x04, 't', 'e', 's',
    't', 0x00, 0x00, 0x01, 0x00, 0x01,
    /* @36 authority: example.test SOA */
    0xc0, 0x12,                                                         /* name: pointer to 18 */
    0x00, 0x06,                                                         /* type SOA */
    0x00, 0x01,                                                         /* class IN */
    0x00, 0x00, 0x01, 0x2c,                                             /* ttl 300 */
    0x00, 0x27,                                                         /* rdlength 39 */
    0x03, 'n', 's', '1', 0xc0, 0x12,                                    /* MNAME ns1.example.test */
    0x0a, 'h', 'o', 's', 't', 'm', 'a', 's', 't', 'e', 'r', 0xc0, 0x12, /* RNAME */
    0x00, 0x00, 0x00, 0x01,                                             /* SERIAL */
    0x00, 0x00, 0x0e, 0x10,                                             /* REFRESH */
    0x00, 0x00, 0x03, 0x84,                                             /* RETRY */
    0x00, 0x09, 0x3a, 0x80,                                             /* EXPIRE */
    0x00, 0x00, 0x00, 0x3c,                                             /* MINIMUM */
    /* @87 additional: OPT */
    0x00,                   /* name: root */
    0x00, 0x29,             /* type OPT */
    0x10, 0x00,             /* "class": UDP payload size 4096 */
    0x00, 0x00, 0x00, 0x00, /* "ttl": extended rcode, version, flags */
    0x00, 0x00,             /* rdlength 0 */
};

/* dnsmasq frame 14: the frame 2 answer over TCP (id 0x5555) with its 2-byte
 * length prefix 0x0067 = 103. */
static uint8_t tcp_resp[2 + sizeof resp_a];

struct expect {
    const char *name;
    const uint8_t *b;
    size_t len;
    uint16_t id;
    bool is_response;
    uint8_t rcode;
    const char *qname; /* NULL: no question */
    uint16_t qtype;
    size_t answers;
    const char *ans[4]; /* "owner TYPE value" */
};

static const struct expect valid[] = {
    {"minimal", minimal, sizeof minimal, 0, false, 0, NULL, 0, 0, {NULL}},
    {"dnsmasq frame 1",
     query_a,
     sizeof query_a,
     0x1111,
     false,
     0,
     "rdp.example.test",
     1,
     0,
     {NULL}},
    {"dnsmasq frame 2",
     resp_a,
     sizeof resp_a,
     0x1111,
     true,
     0,
     "rdp.example.test",
     1,
     3,
     {"rdp.example.test CNAME srv01.corp.example.test", "srv01.corp.example.test A 10.1.2.3",
      "srv01.corp.example.test A 10.1.2.4"}},
    {"dnsmasq frame 4",
     resp_aaaa,
     sizeof resp_aaaa,
     0x2222,
     true,
     0,
     "rdp.example.test",
     28,
     2,
     {"rdp.example.test CNAME srv01.corp.example.test", "srv01.corp.example.test AAAA fd00::3"}},
    {"dnsmasq frame 6",
     resp_nx,
     sizeof resp_nx,
     0x3333,
     true,
     3,
     "nohost.example.test",
     1,
     0,
     {NULL}},
    {"dnsmasq frame 8",
     resp_direct,
     sizeof resp_direct,
     0x4444,
     true,
     0,
     "srv01.corp.example.test",
     1,
     2,
     {"srv01.corp.example.test A 10.1.2.4", "srv01.corp.example.test A 10.1.2.3"}},
    {"SOA authority",
     resp_soa,
     sizeof resp_soa,
     0xabcd,
     true,
     3,
     "ghost.example.test",
     1,
     0,
     {NULL}},
};

static void format_rr(const struct rd_dns_rr *rr, char *buf, size_t size)
{
    char addr[RD_DNS_NAME_MAX];

    if (rr->addr_family == 4) {
        inet_ntop(AF_INET, rr->addr, addr, sizeof addr);
    } else if (rr->addr_family == 6) {
        inet_ntop(AF_INET6, rr->addr, addr, sizeof addr);
    } else if (rr->type == RD_DNS_TYPE_CNAME) {
        snprintf(addr, sizeof addr, "%s", rr->target);
    } else {
        snprintf(addr, sizeof addr, "-");
    }
    snprintf(buf, size, "%s %s %s", rr->name, rd_dns_type_name(rr->type), addr);
}

static void setup(void)
{
    tcp_resp[0] = 0x00;
    tcp_resp[1] = (uint8_t)sizeof resp_a;
    memcpy(tcp_resp + 2, resp_a, sizeof resp_a);
    tcp_resp[2] = 0x55;
    tcp_resp[3] = 0x55;
}

/* A heap copy of exactly n bytes, so that ASan sees any read past them. */
static uint8_t *dup_n(const uint8_t *b, size_t n)
{
    uint8_t *p = malloc(n > 0 ? n : 1);

    ck_assert_ptr_nonnull(p);
    if (n > 0) {
        memcpy(p, b, n);
    }
    return p;
}

static enum rd_status parse(const uint8_t *b, size_t n, struct rd_dns_msg *m, struct rd_diag *d)
{
    uint8_t *copy = dup_n(b, n);
    struct rd_cur c;
    enum rd_status st;

    *d = (struct rd_diag){0};
    rd_cur_init(&c, copy, n);
    st = rd_dns_parse(c, m, d);
    free(copy);
    return st;
}

START_TEST(test_valid)
{
    const struct expect *e = &valid[_i];
    static struct rd_dns_msg m;
    struct rd_diag d;
    char line[3 * RD_DNS_NAME_MAX];

    ck_assert_msg(parse(e->b, e->len, &m, &d) == RD_OK, "%s: %s at %zu", e->name,
                  d.field ? d.field : "-", d.off);
    ck_assert_int_eq(d.why, RD_WHY_NONE);
    ck_assert_uint_eq(m.id, e->id);
    ck_assert_int_eq(m.is_response, e->is_response);
    ck_assert_uint_eq(m.opcode, 0);
    ck_assert_uint_eq(m.rcode, e->rcode);
    ck_assert_int_eq(m.has_question, e->qname != NULL);
    if (e->qname != NULL) {
        ck_assert_str_eq(m.qname, e->qname);
        ck_assert_int_eq(m.qname_truncated, false);
        ck_assert_uint_eq(m.qtype, e->qtype);
        ck_assert_uint_eq(m.qclass, RD_DNS_CLASS_IN);
    }
    ck_assert_uint_eq(m.answer_count, e->answers);
    ck_assert_uint_eq(m.ancount, e->answers);
    ck_assert_uint_eq(m.answers_dropped, 0);
    ck_assert_int_eq(m.sections_cut, false);
    for (size_t i = 0; i < e->answers; i++) {
        format_rr(&m.answers[i], line, sizeof line);
        ck_assert_str_eq(line, e->ans[i]);
        ck_assert_uint_eq(m.answers[i].rclass, RD_DNS_CLASS_IN);
    }
}
END_TEST

/* Header flags of the real answers, one by one. */
START_TEST(test_flags)
{
    static struct rd_dns_msg m;
    struct rd_diag d;

    ck_assert_int_eq(parse(resp_a, sizeof resp_a, &m, &d), RD_OK);
    ck_assert(m.is_response && m.aa && !m.tc && m.rd && m.ra);
    ck_assert_str_eq(rd_dns_rcode_name(m.rcode), "NOERROR");
    ck_assert_str_eq(rd_dns_opcode_name(m.opcode), "QUERY");
    /* Three jumps: the owner names of the three answers. */
    ck_assert_uint_eq(m.pointers, 3);
    ck_assert_uint_eq(m.answers[0].rdlength, 25);
    ck_assert_uint_eq(m.answers[1].ttl, 0);

    ck_assert_int_eq(parse(query_a, sizeof query_a, &m, &d), RD_OK);
    ck_assert(!m.is_response && !m.aa && !m.tc && m.rd && !m.ra);

    ck_assert_int_eq(parse(resp_nx, sizeof resp_nx, &m, &d), RD_OK);
    ck_assert(!m.aa && m.rd && m.ra);
    ck_assert_str_eq(rd_dns_rcode_name(m.rcode), "NXDOMAIN");

    ck_assert_int_eq(parse(resp_soa, sizeof resp_soa, &m, &d), RD_OK);
    ck_assert_uint_eq(m.nscount, 1);
    ck_assert_uint_eq(m.arcount, 1);
    /* The SOA owner's pointer; its RDATA is skipped, not decoded. */
    ck_assert_uint_eq(m.pointers, 1);
}
END_TEST

/* Every prefix of every valid vector fails without reading past it. */
START_TEST(test_truncation)
{
    const struct expect *e = &valid[_i];
    static struct rd_dns_msg m;

    for (size_t k = 0; k < e->len; k++) {
        struct rd_diag d;

        ck_assert_msg(parse(e->b, k, &m, &d) == RD_MALFORMED, "%s prefix %zu", e->name, k);
        ck_assert_msg(d.why == RD_WHY_SHORT || d.why == RD_WHY_OVERRUN, "%s prefix %zu: %s",
                      e->name, k, rd_why_name(d.why));
        ck_assert_uint_le(d.off, k);
    }
}
END_TEST

/* TCP framing: every prefix wants more, and says how much once it can. */
START_TEST(test_tcp)
{
    static struct rd_dns_msg m;
    uint8_t two[2 * sizeof tcp_resp];
    struct rd_cur c;
    struct rd_diag d = {0};
    size_t total = 0;

    for (size_t k = 0; k < sizeof tcp_resp; k++) {
        uint8_t *copy = dup_n(tcp_resp, k);

        rd_cur_init(&c, copy, k);
        ck_assert_int_eq(rd_dns_frame_tcp(c, &total, NULL), RD_NEED_MORE);
        ck_assert_uint_eq(total, k < 2 ? 2 : sizeof tcp_resp);
        d = (struct rd_diag){0};
        ck_assert_int_eq(rd_dns_parse_tcp(c, &m, &d), RD_MALFORMED);
        ck_assert(d.why == RD_WHY_SHORT || d.why == RD_WHY_OVERRUN);
        free(copy);
    }
    rd_cur_init(&c, tcp_resp, sizeof tcp_resp);
    ck_assert_int_eq(rd_dns_frame_tcp(c, &total, NULL), RD_OK);
    ck_assert_uint_eq(total, 105);
    d = (struct rd_diag){0};
    ck_assert_int_eq(rd_dns_parse_tcp(c, &m, &d), RD_OK);
    ck_assert_uint_eq(m.id, 0x5555);
    ck_assert_uint_eq(m.answer_count, 3);
    ck_assert_str_eq(m.answers[0].target, "srv01.corp.example.test");

    /* Two messages back to back: the first is framed alone. */
    memcpy(two, tcp_resp, sizeof tcp_resp);
    memcpy(two + sizeof tcp_resp, tcp_resp, sizeof tcp_resp);
    rd_cur_init(&c, two, sizeof two);
    ck_assert_int_eq(rd_dns_frame_tcp(c, &total, NULL), RD_OK);
    ck_assert_uint_eq(total, sizeof tcp_resp);

    /* Length one too big: framing waits, the record parser is short. */
    two[1] = (uint8_t)(sizeof resp_a + 1);
    rd_cur_init(&c, two, sizeof tcp_resp);
    ck_assert_int_eq(rd_dns_frame_tcp(c, &total, NULL), RD_NEED_MORE);
    ck_assert_uint_eq(total, sizeof tcp_resp + 1);
    d = (struct rd_diag){0};
    ck_assert_int_eq(rd_dns_parse_tcp(c, &m, &d), RD_MALFORMED);
    ck_assert_int_eq(d.why, RD_WHY_SHORT);
    ck_assert_str_eq(d.field, "dns.tcp.length");

    /* One too small: the record leaves a byte; the message misses its last. */
    two[1] = (uint8_t)(sizeof resp_a - 1);
    ck_assert_int_eq(rd_dns_frame_tcp(c, &total, NULL), RD_OK);
    ck_assert_uint_eq(total, sizeof tcp_resp - 1);
    d = (struct rd_diag){0};
    ck_assert_int_eq(rd_dns_parse_tcp(c, &m, &d), RD_MALFORMED);
    ck_assert_int_eq(d.why, RD_WHY_TRAILING);
    ck_assert_str_eq(d.field, "dns.tcp");
    rd_cur_init(&c, two, sizeof tcp_resp - 1);
    d = (struct rd_diag){0};
    ck_assert_int_eq(rd_dns_parse_tcp(c, &m, &d), RD_MALFORMED);
    ck_assert_int_eq(d.why, RD_WHY_OVERRUN);
    ck_assert_str_eq(d.field, "dns.rr.rdlength");

    /* A length that cannot hold a header. */
    two[0] = 0x00;
    two[1] = 0x0b;
    rd_cur_init(&c, two, sizeof two);
    d = (struct rd_diag){0};
    ck_assert_int_eq(rd_dns_frame_tcp(c, &total, &d), RD_MALFORMED);
    ck_assert_int_eq(d.why, RD_WHY_BAD_VALUE);
    ck_assert_str_eq(d.field, "dns.tcp.length");
}
END_TEST

/* Parse a modified copy of v: byte at offset off set to val. */
static enum rd_status parse_mod(const uint8_t *v, size_t n, size_t off, uint8_t val,
                                struct rd_diag *d)
{
    static struct rd_dns_msg m;
    uint8_t *copy = dup_n(v, n);
    struct rd_cur c;
    enum rd_status st;

    copy[off] = val;
    *d = (struct rd_diag){0};
    rd_cur_init(&c, copy, n);
    st = rd_dns_parse(c, &m, d);
    free(copy);
    return st;
}

static void expect_fail(enum rd_status st, const struct rd_diag *d, enum rd_why why,
                        const char *field)
{
    ck_assert_int_eq(st, RD_MALFORMED);
    ck_assert_msg(d->why == why, "%s, wanted %s (%s)", rd_why_name(d->why), rd_why_name(why),
                  d->field ? d->field : "-");
    ck_assert_str_eq(d->field, field);
}

/* Each length field of the frame 2 answer one too big and one too small. */
START_TEST(test_length_fields)
{
    struct rd_diag d;
    uint8_t plus[sizeof resp_a + 1];

    /* CNAME rdlength (offset 45) 26: the name leaves a byte of RDATA. */
    expect_fail(parse_mod(resp_a, sizeof resp_a, 45, 26, &d), &d, RD_WHY_TRAILING, "dns.rr.cname");
    /* 24: the root label falls outside the RDATA. */
    expect_fail(parse_mod(resp_a, sizeof resp_a, 45, 24, &d), &d, RD_WHY_SHORT, "dns.name");
    /* First A rdlength (offset 82) 5 and 3. */
    expect_fail(parse_mod(resp_a, sizeof resp_a, 82, 5, &d), &d, RD_WHY_BAD_VALUE, "dns.rr.a");
    expect_fail(parse_mod(resp_a, sizeof resp_a, 82, 3, &d), &d, RD_WHY_BAD_VALUE, "dns.rr.a");
    /* Last A rdlength (offset 98) 5: runs past the message. */
    expect_fail(parse_mod(resp_a, sizeof resp_a, 98, 5, &d), &d, RD_WHY_OVERRUN, "dns.rr.rdlength");
    /* AAAA rdlength (offset 82 of frame 4) 17 and 15. */
    expect_fail(parse_mod(resp_aaaa, sizeof resp_aaaa, 82, 17, &d), &d, RD_WHY_OVERRUN,
                "dns.rr.rdlength");
    expect_fail(parse_mod(resp_aaaa, sizeof resp_aaaa, 82, 15, &d), &d, RD_WHY_BAD_VALUE,
                "dns.rr.aaaa");
    /* Question label "rdp" (offset 12) 4 and 2: the name no longer ends where
     * QTYPE starts. */
    ck_assert_int_eq(parse_mod(resp_a, sizeof resp_a, 12, 4, &d), RD_MALFORMED);
    ck_assert_int_eq(parse_mod(resp_a, sizeof resp_a, 12, 2, &d), RD_MALFORMED);
    /* Counts: ancount 4 runs out of records, 2 leaves one over. */
    expect_fail(parse_mod(resp_a, sizeof resp_a, 7, 4, &d), &d, RD_WHY_SHORT, "dns.name");
    expect_fail(parse_mod(resp_a, sizeof resp_a, 7, 2, &d), &d, RD_WHY_TRAILING, "dns.message");
    /* qdcount 2: the first answer is read as a question, then records run out. */
    ck_assert_int_eq(parse_mod(resp_a, sizeof resp_a, 5, 2, &d), RD_MALFORMED);
    /* qdcount 0: the question is read as an answer record and fails. */
    ck_assert_int_eq(parse_mod(resp_a, sizeof resp_a, 5, 0, &d), RD_MALFORMED);

    /* One trailing byte. */
    memcpy(plus, resp_a, sizeof resp_a);
    plus[sizeof resp_a] = 0x00;
    expect_fail(parse_mod(plus, sizeof plus, 0, 0x11, &d), &d, RD_WHY_TRAILING, "dns.message");
    ck_assert_uint_eq(d.off, sizeof resp_a);
}
END_TEST

/* Names: pointer loops, forward pointers, chains, label types, length. */
START_TEST(test_names)
{
    static uint8_t buf[512];
    char text[RD_DNS_NAME_MAX];
    bool cut = false;
    size_t ptrs = 0;
    struct rd_cur msg;
    struct rd_cur c;
    struct rd_diag d;

    /* Answer owner pointing at itself (offset 34 -> 34): a loop. */
    expect_fail(parse_mod(resp_a, sizeof resp_a, 35, 34, &d), &d, RD_WHY_BAD_VALUE,
                "dns.name.pointer");
    ck_assert_uint_eq(d.off, 34);
    /* Answer owner pointing forward, at the CNAME RDATA (46). */
    expect_fail(parse_mod(resp_a, sizeof resp_a, 35, 46, &d), &d, RD_WHY_BAD_VALUE,
                "dns.name.pointer");
    /* A pointer past the message. */
    expect_fail(parse_mod(resp_a, sizeof resp_a, 72, 0xff, &d), &d, RD_WHY_BAD_VALUE,
                "dns.name.pointer");
    /* Label types 01 (extended, RFC 6891) and 10 (reserved). */
    expect_fail(parse_mod(resp_a, sizeof resp_a, 34, 0x40, &d), &d, RD_WHY_UNSUPPORTED,
                "dns.name.label_type");
    expect_fail(parse_mod(resp_a, sizeof resp_a, 34, 0x80, &d), &d, RD_WHY_BAD_VALUE,
                "dns.name.label_type");

    /* A label whose bytes cover a pointer back to the label (offset 12:
     * 03 'x' c0 0c, then c0 0c at 16): following it would loop for ever. */
    {
        static const uint8_t loop[] = {
            0x00, 0x00, 0x81, 0x80, 0x00, 0x01, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00, 0x03, 'x',  0xc0, 0x0c, /* label "x\xc0\x0c" */
            0xc0, 0x0c, /* pointer to 12: not below the name's start */
            0x00, 0x01, 0x00, 0x01,
        };
        struct rd_dns_msg m;

        d = (struct rd_diag){0};
        rd_cur_init(&c, loop, sizeof loop);
        expect_fail(rd_dns_parse(c, &m, &d), &d, RD_WHY_BAD_VALUE, "dns.name.pointer");
        ck_assert_uint_eq(d.off, 16);
    }

    /* A chain of descending pointers: buf[0] = root, then at 1, 3, 5, ...
     * each pointer points at the one before.  64 jumps are allowed, 65 not. */
    buf[0] = 0x00;
    buf[1] = 0xc0;
    buf[2] = 0x00;
    for (size_t i = 1; i < 70; i++) {
        buf[1 + 2 * i] = 0xc0;
        buf[2 + 2 * i] = (uint8_t)(1 + 2 * (i - 1));
    }
    rd_cur_init(&msg, buf, 200);
    ck_assert_int_eq(rd_cur_slice(&msg, 1 + 2 * 63, 2, &c), true);
    d = (struct rd_diag){0};
    ck_assert_int_eq(rd_dns_read_name(&msg, &c, text, sizeof text, &cut, &ptrs, &d), RD_OK);
    ck_assert_str_eq(text, ".");
    ck_assert_uint_eq(ptrs, 64);
    ck_assert(rd_cur_is_empty(&c));
    ck_assert_int_eq(rd_cur_slice(&msg, 1 + 2 * 64, 2, &c), true);
    d = (struct rd_diag){0};
    expect_fail(rd_dns_read_name(&msg, &c, text, sizeof text, &cut, &ptrs, &d), &d, RD_WHY_LIMIT,
                "dns.name.pointer");

    /* A pointer cut after its first byte. */
    rd_cur_init(&msg, buf, 2);
    c = msg;
    (void)rd_cur_skip(&c, 1);
    d = (struct rd_diag){0};
    expect_fail(rd_dns_read_name(&msg, &c, text, sizeof text, &cut, &ptrs, &d), &d, RD_WHY_SHORT,
                "dns.name.pointer");

    /* 255 wire octets are allowed (three labels of 63, one of 61, root),
     * 256 are not. */
    {
        size_t n = 0;

        for (int l = 0; l < 4; l++) {
            uint8_t ll = l < 3 ? 63 : 61;

            buf[n++] = ll;
            memset(buf + n, 'a' + l, ll);
            n += ll;
        }
        buf[n++] = 0x00;
        ck_assert_uint_eq(n, 255);
        rd_cur_init(&msg, buf, n);
        c = msg;
        d = (struct rd_diag){0};
        ck_assert_int_eq(rd_dns_read_name(&msg, &c, text, sizeof text, &cut, &ptrs, &d), RD_OK);
        ck_assert_uint_eq(strlen(text), 253);
        ck_assert_int_eq(cut, false);
        /* The same name into a 10-byte buffer: cut and flagged. */
        c = msg;
        ck_assert_int_eq(rd_dns_read_name(&msg, &c, text, 10, &cut, &ptrs, &d), RD_OK);
        ck_assert_str_eq(text, "aaaaaaaaa");
        ck_assert_int_eq(cut, true);

        buf[192] = 62; /* last label 62 long: 256 octets */
        buf[254] = 'd';
        buf[255] = 0x00;
        rd_cur_init(&msg, buf, 256);
        c = msg;
        d = (struct rd_diag){0};
        expect_fail(rd_dns_read_name(&msg, &c, text, sizeof text, &cut, &ptrs, &d), &d,
                    RD_WHY_BAD_VALUE, "dns.name.length");
    }

    /* Bytes that are not printable, and a '.' inside a label, print as '?';
     * the root alone prints as ".". */
    {
        static const uint8_t odd[] = {0x03, 'a', 0x01, '.', 0x02, 'b', 0xff, 0x00};
        static const uint8_t root[] = {0x00};

        rd_cur_init(&msg, odd, sizeof odd);
        c = msg;
        ck_assert_int_eq(rd_dns_read_name(&msg, &c, text, sizeof text, &cut, &ptrs, NULL), RD_OK);
        ck_assert_str_eq(text, "a??.b?");
        rd_cur_init(&msg, root, sizeof root);
        c = msg;
        ck_assert_int_eq(rd_dns_read_name(&msg, &c, text, sizeof text, &cut, &ptrs, NULL), RD_OK);
        ck_assert_str_eq(text, ".");
    }
}
END_TEST

/* More answers than RD_DNS_MAX_ANSWERS: the rest are counted, not kept. */
START_TEST(test_answer_overflow)
{
    static uint8_t b[12 + 7 + 20 * 16];
    static struct rd_dns_msg m;
    static const uint8_t head[] = {
        0x0a, 0x0b, 0x81, 0x80, 0x00, 0x01, 0x00, 20, 0x00, 0x00, 0x00, 0x00, /* an 20 */
        0x01, 'h',  0x00, 0x00, 0x01, 0x00, 0x01,                             /* h A IN */
    };
    struct rd_diag d;
    size_t n = sizeof head;

    memcpy(b, head, sizeof head);
    for (uint8_t i = 0; i < 20; i++) {
        const uint8_t rr[] = {0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
                              0x00, 0x3c, 0x00, 0x04, 192,  0,    2,    i};

        memcpy(b + n, rr, sizeof rr);
        n += sizeof rr;
    }
    ck_assert_uint_eq(n, sizeof b);
    ck_assert_int_eq(parse(b, n, &m, &d), RD_OK);
    ck_assert_uint_eq(m.answer_count, RD_DNS_MAX_ANSWERS);
    ck_assert_uint_eq(m.answers_dropped, 20 - RD_DNS_MAX_ANSWERS);
    ck_assert_uint_eq(m.answers[15].addr[3], 15);
    ck_assert_uint_eq(m.answers[15].ttl, 60);
    ck_assert_str_eq(m.answers[15].name, "h");
}
END_TEST

/* TC set: a message may stop at a record boundary before its counts are met
 * (RFC 1035 4.1.1); without TC the same bytes are short. */
START_TEST(test_truncated_flag)
{
    static const uint8_t tc[] = {
        0x07, 0x77,                                                             /* id */
        0x83, 0x80,                                                             /* QR, TC, RD, RA */
        0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00,                         /* qd 1, an 2 */
        0x01, 'a',  0x00, 0x00, 0x01, 0x00, 0x01,                               /* a A IN */
        0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3c, 0x00, 0x04, /* A IN 60 */
        192,  0,    2,    1, /* 192.0.2.1; the second answer is missing */
    };
    static struct rd_dns_msg m;
    struct rd_diag d;

    ck_assert_int_eq(parse(tc, sizeof tc, &m, &d), RD_OK);
    ck_assert(m.tc);
    ck_assert(m.sections_cut);
    ck_assert_uint_eq(m.answer_count, 1);
    /* Cut inside the question: still malformed. */
    ck_assert_int_eq(parse(tc, 14, &m, &d), RD_MALFORMED);
    /* Cut before the question: accepted, nothing kept. */
    ck_assert_int_eq(parse(tc, 12, &m, &d), RD_OK);
    ck_assert(m.sections_cut);
    ck_assert(!m.has_question);
    /* Without TC. */
    expect_fail(parse_mod(tc, sizeof tc, 2, 0x81, &d), &d, RD_WHY_SHORT, "dns.name");
}
END_TEST

START_TEST(test_value_names)
{
    ck_assert_str_eq(rd_dns_rcode_name(0), "NOERROR");
    ck_assert_str_eq(rd_dns_rcode_name(1), "FORMERR");
    ck_assert_str_eq(rd_dns_rcode_name(2), "SERVFAIL");
    ck_assert_str_eq(rd_dns_rcode_name(3), "NXDOMAIN");
    ck_assert_str_eq(rd_dns_rcode_name(4), "NOTIMP");
    ck_assert_str_eq(rd_dns_rcode_name(5), "REFUSED");
    ck_assert_str_eq(rd_dns_rcode_name(10), "NOTZONE");
    ck_assert_str_eq(rd_dns_rcode_name(15), "unknown");
    ck_assert_str_eq(rd_dns_opcode_name(0), "QUERY");
    ck_assert_str_eq(rd_dns_opcode_name(5), "UPDATE");
    ck_assert_str_eq(rd_dns_opcode_name(3), "unknown");
    ck_assert_str_eq(rd_dns_type_name(1), "A");
    ck_assert_str_eq(rd_dns_type_name(28), "AAAA");
    ck_assert_str_eq(rd_dns_type_name(5), "CNAME");
    ck_assert_str_eq(rd_dns_type_name(33), "SRV");
    ck_assert_str_eq(rd_dns_type_name(65), "HTTPS");
    ck_assert_str_eq(rd_dns_type_name(99), "unknown");
}
END_TEST

static Suite *dns_suite(void)
{
    Suite *s = suite_create("dns");
    TCase *tc = tcase_create("parse");

    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_loop_test(tc, test_valid, 0, (int)LEN(valid));
    tcase_add_test(tc, test_flags);
    tcase_add_loop_test(tc, test_truncation, 0, (int)LEN(valid));
    tcase_add_test(tc, test_tcp);
    tcase_add_test(tc, test_length_fields);
    tcase_add_test(tc, test_names);
    tcase_add_test(tc, test_answer_overflow);
    tcase_add_test(tc, test_truncated_flag);
    tcase_add_test(tc, test_value_names);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(dns_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

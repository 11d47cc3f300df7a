/*
 * check_kerberos.c - unit tests for dissectors/kerberos.c (RFC 4120 messages,
 * TCP framing).
 *
 * Real vectors come from rdp-nla-kerberos-auth1.pcapng (port 88, in the clear);
 * the lab names are replaced by same-length placeholders (ad.example.local,
 * TestUserName1, EXAMPLE-DC, EXAMPLE-CLIENT).
 */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ber.h"
#include "kerberos.h"

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

/* AS-REQ over TCP, rdp-nla-kerberos-auth1.pcapng frame 7 (245 bytes):
 *   00 00 00 f1                    record length 241 (RFC 4120 7.2.2)
 *   6a 81 ee                       [APPLICATION 10] AS-REQ
 *     30 81 eb                     SEQUENCE
 *       a1 03 02 01 05             pvno 5
 *       a2 03 02 01 0a             msg-type 10
 *       a3 15 30 13                padata
 *         30 11 a1 04 02 02 00 80  PA-DATA type 128 (PA-PAC-REQUEST)
 *               a2 09 04 07 ...    value 7 bytes
 *       a4 81 c7 30 81 c4          req-body
 *         a0 07 03 05 00 40 81 00 10         kdc-options
 *         a1 1a 30 18 a0 03 02 01 01         cname: NT-PRINCIPAL
 *                     a1 11 30 0f 1b 0d "TestUserName1"
 *         a2 12 1b 10 "ad.example.local"     realm
 *         a3 25 30 23 a0 03 02 01 02         sname: NT-SRV-INST
 *                     a1 1c 30 1a 1b 06 "krbtgt" 1b 10 "ad.example.local"
 *         a5 11 18 0f "21000913024805Z"      till
 *         a6 11 18 0f "21000913024805Z"      rtime
 *         a7 06 02 04 24 58 8b 73            nonce
 *         a8 15 30 13 02 01 12 ...           etype list
 *         a9 1d 30 1b 30 19 ...              addresses: NetBIOS "EXAMPLE-CLIENT  " */
static const uint8_t v_asreq_tcp[] = {
    0x00, 0x00, 0x00, 0xf1, 0x6a, 0x81, 0xee, 0x30, 0x81, 0xeb, 0xa1, 0x03, 0x02, 0x01, 0x05, 0xa2,
    0x03, 0x02, 0x01, 0x0a, 0xa3, 0x15, 0x30, 0x13, 0x30, 0x11, 0xa1, 0x04, 0x02, 0x02, 0x00, 0x80,
    0xa2, 0x09, 0x04, 0x07, 0x30, 0x05, 0xa0, 0x03, 0x01, 0x01, 0xff, 0xa4, 0x81, 0xc7, 0x30, 0x81,
    0xc4, 0xa0, 0x07, 0x03, 0x05, 0x00, 0x40, 0x81, 0x00, 0x10, 0xa1, 0x1a, 0x30, 0x18, 0xa0, 0x03,
    0x02, 0x01, 0x01, 0xa1, 0x11, 0x30, 0x0f, 0x1b, 0x0d, 0x54, 0x65, 0x73, 0x74, 0x55, 0x73, 0x65,
    0x72, 0x4e, 0x61, 0x6d, 0x65, 0x31, 0xa2, 0x12, 0x1b, 0x10, 0x61, 0x64, 0x2e, 0x65, 0x78, 0x61,
    0x6d, 0x70, 0x6c, 0x65, 0x2e, 0x6c, 0x6f, 0x63, 0x61, 0x6c, 0xa3, 0x25, 0x30, 0x23, 0xa0, 0x03,
    0x02, 0x01, 0x02, 0xa1, 0x1c, 0x30, 0x1a, 0x1b, 0x06, 0x6b, 0x72, 0x62, 0x74, 0x67, 0x74, 0x1b,
    0x10, 0x61, 0x64, 0x2e, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x2e, 0x6c, 0x6f, 0x63, 0x61,
    0x6c, 0xa5, 0x11, 0x18, 0x0f, 0x32, 0x31, 0x30, 0x30, 0x30, 0x39, 0x31, 0x33, 0x30, 0x32, 0x34,
    0x38, 0x30, 0x35, 0x5a, 0xa6, 0x11, 0x18, 0x0f, 0x32, 0x31, 0x30, 0x30, 0x30, 0x39, 0x31, 0x33,
    0x30, 0x32, 0x34, 0x38, 0x30, 0x35, 0x5a, 0xa7, 0x06, 0x02, 0x04, 0x24, 0x58, 0x8b, 0x73, 0xa8,
    0x15, 0x30, 0x13, 0x02, 0x01, 0x12, 0x02, 0x01, 0x11, 0x02, 0x01, 0x17, 0x02, 0x01, 0x18, 0x02,
    0x02, 0xff, 0x79, 0x02, 0x01, 0x03, 0xa9, 0x1d, 0x30, 0x1b, 0x30, 0x19, 0xa0, 0x03, 0x02, 0x01,
    0x14, 0xa1, 0x12, 0x04, 0x10, 0x45, 0x58, 0x41, 0x4d, 0x50, 0x4c, 0x45, 0x2d, 0x43, 0x4c, 0x49,
    0x45, 0x4e, 0x54, 0x20, 0x20,
};

/* KRB-ERROR over TCP, rdp-nla-kerberos-auth1.pcapng frame 8 (203 bytes):
 *   00 00 00 c7                    record length 199
 *   7e 81 c4 30 81 c1              [APPLICATION 30] KRB-ERROR, SEQUENCE
 *     a0 03 02 01 05               pvno 5
 *     a1 03 02 01 1e               msg-type 30
 *     a4 11 18 0f "20240506200825Z"   stime
 *     a5 05 02 03 0c f9 27         susec
 *     a6 03 02 01 19               error-code 25 KDC_ERR_PREAUTH_REQUIRED
 *     a9 12 1b 10 "ad.example.local"  realm
 *     aa 25 30 23 ...              sname krbtgt/ad.example.local
 *     ac 5b 04 59 30 57            e-data: METHOD-DATA (the KDC's pre-auth offer)
 *       30 34 a1 03 02 01 13 a2 2d ...   PA-ETYPE-INFO2 (19), salt "EXAMPLE-DCTestUserName1"
 *       30 09 a1 03 02 01 02 a2 02 04 00 PA-ENC-TIMESTAMP (2)
 *       30 09 a1 03 02 01 10 a2 02 04 00 PA-PK-AS-REQ (16)
 *       30 09 a1 03 02 01 0f a2 02 04 00 PA-PK-AS-REP_OLD (15) */
static const uint8_t v_krberr_tcp[] = {
    0x00, 0x00, 0x00, 0xc7, 0x7e, 0x81, 0xc4, 0x30, 0x81, 0xc1, 0xa0, 0x03, 0x02, 0x01, 0x05, 0xa1,
    0x03, 0x02, 0x01, 0x1e, 0xa4, 0x11, 0x18, 0x0f, 0x32, 0x30, 0x32, 0x34, 0x30, 0x35, 0x30, 0x36,
    0x32, 0x30, 0x30, 0x38, 0x32, 0x35, 0x5a, 0xa5, 0x05, 0x02, 0x03, 0x0c, 0xf9, 0x27, 0xa6, 0x03,
    0x02, 0x01, 0x19, 0xa9, 0x12, 0x1b, 0x10, 0x61, 0x64, 0x2e, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c,
    0x65, 0x2e, 0x6c, 0x6f, 0x63, 0x61, 0x6c, 0xaa, 0x25, 0x30, 0x23, 0xa0, 0x03, 0x02, 0x01, 0x02,
    0xa1, 0x1c, 0x30, 0x1a, 0x1b, 0x06, 0x6b, 0x72, 0x62, 0x74, 0x67, 0x74, 0x1b, 0x10, 0x61, 0x64,
    0x2e, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x2e, 0x6c, 0x6f, 0x63, 0x61, 0x6c, 0xac, 0x5b,
    0x04, 0x59, 0x30, 0x57, 0x30, 0x34, 0xa1, 0x03, 0x02, 0x01, 0x13, 0xa2, 0x2d, 0x04, 0x2b, 0x30,
    0x29, 0x30, 0x20, 0xa0, 0x03, 0x02, 0x01, 0x12, 0xa1, 0x19, 0x1b, 0x17, 0x45, 0x58, 0x41, 0x4d,
    0x50, 0x4c, 0x45, 0x2d, 0x44, 0x43, 0x54, 0x65, 0x73, 0x74, 0x55, 0x73, 0x65, 0x72, 0x4e, 0x61,
    0x6d, 0x65, 0x31, 0x30, 0x05, 0xa0, 0x03, 0x02, 0x01, 0x17, 0x30, 0x09, 0xa1, 0x03, 0x02, 0x01,
    0x02, 0xa2, 0x02, 0x04, 0x00, 0x30, 0x09, 0xa1, 0x03, 0x02, 0x01, 0x10, 0xa2, 0x02, 0x04, 0x00,
    0x30, 0x09, 0xa1, 0x03, 0x02, 0x01, 0x0f, 0xa2, 0x02, 0x04, 0x00,
};

/* Minimal AP-REP: pvno, msg-type, enc-part { etype 18, cipher 2 bytes (filler) }.
 *   6f 16 30 14
 *     a0 03 02 01 05               pvno 5
 *     a1 03 02 01 0f               msg-type 15
 *     a2 08 30 06 a0 03 02 01 12   enc-part etype 18
 *       a2 ...                     (see bytes) */
static const uint8_t v_aprep[] = {
    0x6f, 0x1a, 0x30, 0x18,       /* [APPLICATION 15], SEQUENCE */
    0xa0, 0x03, 0x02, 0x01, 0x05, /* pvno 5 */
    0xa1, 0x03, 0x02, 0x01, 0x0f, /* msg-type 15 */
    0xa2, 0x0c, 0x30, 0x0a,       /* enc-part EncryptedData */
    0xa0, 0x03, 0x02, 0x01, 0x12, /* etype 18 */
    0xa2, 0x03, 0x04, 0x01, 0xc5, /* cipher, 1 byte (filler) */
};

struct krb_vec {
    const char *name;
    const uint8_t *bytes;
    size_t len;
    bool tcp;
    enum rd_status status;
    enum rd_why why;
    uint32_t msg_type;
};

static const struct krb_vec krb_vecs[] = {
    {"as-req", v_asreq_tcp, sizeof v_asreq_tcp, true, RD_OK, RD_WHY_NONE, RD_KRB_AS_REQ},
    {"krb-error", v_krberr_tcp, sizeof v_krberr_tcp, true, RD_OK, RD_WHY_NONE, RD_KRB_ERROR_MSG},
    {"ap-rep", v_aprep, sizeof v_aprep, false, RD_OK, RD_WHY_NONE, RD_KRB_AP_REP},
};

static enum rd_status parse_copy(const uint8_t *bytes, size_t len, bool tcp, struct rd_krb_msg *out,
                                 struct rd_diag *d)
{
    uint8_t *copy = malloc(len > 0 ? len : 1);
    struct rd_cur c;
    enum rd_status st;

    ck_assert_ptr_nonnull(copy);
    if (len > 0) {
        memcpy(copy, bytes, len);
    }
    rd_cur_init(&c, copy, len);
    st = tcp ? rd_krb_parse_tcp(c, out, d) : rd_krb_parse(c, out, d);
    free(copy);
    return st;
}

START_TEST(test_valid)
{
    const struct krb_vec *v = &krb_vecs[_i];
    struct rd_krb_msg m;
    struct rd_diag d = {0};

    ck_assert_msg(parse_copy(v->bytes, v->len, v->tcp, &m, &d) == v->status, "%s: %s at %s",
                  v->name, rd_why_name(d.why), d.field ? d.field : "-");
    ck_assert_uint_eq(m.msg_type, v->msg_type);
    ck_assert(!m.non_der);
}
END_TEST

START_TEST(test_asreq_fields)
{
    struct rd_krb_msg m;
    struct rd_diag d = {0};

    ck_assert_int_eq(parse_copy(v_asreq_tcp, sizeof v_asreq_tcp, true, &m, &d), RD_OK);
    ck_assert_str_eq(rd_krb_msg_type_name(m.msg_type), "AS-REQ");
    ck_assert(m.has_realm);
    ck_assert_str_eq(m.realm, "ad.example.local");
    ck_assert(m.cname.present);
    ck_assert_int_eq(m.cname.name_type, 1);
    ck_assert_str_eq(m.cname.text, "TestUserName1");
    ck_assert_int_eq(m.sname.name_type, 2);
    ck_assert_uint_eq(m.sname.components, 2);
    ck_assert_str_eq(m.sname.text, "krbtgt/ad.example.local");
    ck_assert(m.has_till);
    ck_assert_int_eq(m.till, 4124486885); /* 2100-09-13 02:48:05 UTC */
    ck_assert_uint_eq(m.padata_count, 1);
    ck_assert_int_eq(m.padata_types[0], 128);
    ck_assert_str_eq(rd_krb_padata_name(m.padata_types[0]), "PA-PAC-REQUEST");
    ck_assert(!m.is_pkinit);
    ck_assert(!m.has_error_code);
}
END_TEST

START_TEST(test_error_fields)
{
    struct rd_krb_msg m;
    struct rd_diag d = {0};

    ck_assert_int_eq(parse_copy(v_krberr_tcp, sizeof v_krberr_tcp, true, &m, &d), RD_OK);
    ck_assert(m.has_error_code);
    ck_assert_int_eq(m.error_code, 25);
    ck_assert_str_eq(rd_krb_error_name(m.error_code), "KDC_ERR_PREAUTH_REQUIRED");
    ck_assert(m.has_stime);
    ck_assert_int_eq(m.stime, 1715026105); /* 2024-05-06 20:08:25 UTC */
    ck_assert(!m.has_ctime);
    ck_assert_str_eq(m.realm, "ad.example.local");
    ck_assert_str_eq(m.sname.text, "krbtgt/ad.example.local");
    ck_assert(!m.cname.present);
    ck_assert(!m.has_e_text);
    ck_assert_uint_eq(m.e_data_len, 89);
    ck_assert_uint_eq(m.padata_count, 4);
    ck_assert_int_eq(m.padata_types[0], 19);
    ck_assert_int_eq(m.padata_types[1], 2);
    ck_assert_int_eq(m.padata_types[2], 16);
    ck_assert_int_eq(m.padata_types[3], 15);
    /* An offer of PKINIT is not PKINIT in use. */
    ck_assert(!m.is_pkinit);
}
END_TEST

START_TEST(test_aprep_fields)
{
    struct rd_krb_msg m;
    struct rd_diag d = {0};

    ck_assert_int_eq(parse_copy(v_aprep, sizeof v_aprep, false, &m, &d), RD_OK);
    ck_assert_int_eq(m.enc_part_etype, 18);
    ck_assert_uint_eq(m.enc_part_len, 1);
}
END_TEST

/* Every proper prefix fails; TCP framing wants more. */
START_TEST(test_truncation)
{
    const struct krb_vec *v = &krb_vecs[_i];
    for (size_t n = 0; n < v->len; n++) {
        struct rd_krb_msg m;
        struct rd_diag d = {0};
        ck_assert_msg(parse_copy(v->bytes, n, v->tcp, &m, &d) == RD_MALFORMED, "%s prefix %zu",
                      v->name, n);
        if (v->tcp) {
            struct rd_cur c;
            size_t total = 0;
            rd_cur_init(&c, v->bytes, n);
            ck_assert_int_eq(rd_krb_frame_tcp(c, &total, &d), RD_NEED_MORE);
            ck_assert_uint_le(total, v->len);
            ck_assert_uint_gt(total, n);
        }
    }
}
END_TEST

/* Walk the TLV tree (after any TCP prefix) and change each length by one. */
static void each_length(const uint8_t *buf, size_t start, size_t end, size_t depth,
                        void (*fn)(size_t pos, void *ctx), void *ctx)
{
    size_t i = start;
    while (i + 1 < end && depth < RD_BER_MAX_DEPTH) {
        uint8_t id = buf[i];
        size_t lpos = i + 1;
        size_t len = buf[lpos];
        size_t hdr = 2;
        if (len & 0x80u) {
            size_t n = len & 0x7fu;
            ck_assert_uint_le(lpos + n, end - 1);
            len = 0;
            for (size_t k = 0; k < n; k++) {
                len = len << 8 | buf[lpos + 1 + k];
            }
            hdr = 2 + n;
            lpos += n;
        }
        ck_assert_uint_le(i + hdr + len, end);
        fn(lpos, ctx);
        if (id & 0x20u) {
            each_length(buf, i + hdr, i + hdr + len, depth + 1, fn, ctx);
        }
        i += hdr + len;
    }
}

struct mut_ctx {
    const struct krb_vec *v;
    size_t count;
};

static void mutate_at(size_t pos, void *vctx)
{
    struct mut_ctx *m = vctx;
    uint8_t buf[512];
    struct rd_krb_msg r;

    ck_assert_uint_le(m->v->len, sizeof buf);
    for (int delta = -1; delta <= 1; delta += 2) {
        struct rd_diag d = {0};
        memcpy(buf, m->v->bytes, m->v->len);
        if ((delta < 0 && buf[pos] == 0) || (delta > 0 && (buf[pos] == 0x7f || buf[pos] == 0xff))) {
            continue;
        }
        buf[pos] = (uint8_t)(buf[pos] + delta);
        ck_assert_msg(parse_copy(buf, m->v->len, m->v->tcp, &r, &d) == RD_MALFORMED,
                      "%s: length at %zu %+d accepted", m->v->name, pos, delta);
        m->count++;
    }
}

START_TEST(test_length_off_by_one)
{
    const struct krb_vec *v = &krb_vecs[_i];
    struct mut_ctx m = {v, 0};
    size_t start = v->tcp ? 4 : 0;

    each_length(v->bytes, start, v->len, 0, mutate_at, &m);
    ck_assert_uint_gt(m.count, 0);
    if (v->tcp) {
        /* The TCP record length one too small / too big. */
        mutate_at(3, &m);
    }
}
END_TEST

START_TEST(test_errors)
{
    uint8_t buf[sizeof v_asreq_tcp + 1];
    struct rd_krb_msg m;
    struct rd_diag d = {0};
    struct rd_cur c;
    size_t total = 0;

    /* A trailing byte after the message (UDP: one message per datagram). */
    memcpy(buf, v_aprep, sizeof v_aprep);
    buf[sizeof v_aprep] = 0;
    ck_assert_int_eq(parse_copy(buf, sizeof v_aprep + 1, false, &m, &d), RD_MALFORMED);
    ck_assert_int_eq(d.why, RD_WHY_TRAILING);

    /* msg-type disagreeing with the application tag. */
    memcpy(buf, v_aprep, sizeof v_aprep);
    buf[13] = 0x0e;
    memset(&d, 0, sizeof d);
    ck_assert_int_eq(parse_copy(buf, sizeof v_aprep, false, &m, &d), RD_MALFORMED);
    ck_assert_int_eq(d.why, RD_WHY_BAD_VALUE);
    ck_assert_str_eq(d.field, "krb.msg_type");

    /* pvno 4. */
    memcpy(buf, v_aprep, sizeof v_aprep);
    buf[8] = 4;
    memset(&d, 0, sizeof d);
    ck_assert_int_eq(parse_copy(buf, sizeof v_aprep, false, &m, &d), RD_MALFORMED);
    ck_assert_str_eq(d.field, "krb.pvno");

    /* Unknown application tag ([APPLICATION 20] KRB-SAFE): unsupported. */
    memcpy(buf, v_aprep, sizeof v_aprep);
    buf[0] = 0x74;
    memset(&d, 0, sizeof d);
    ck_assert_int_eq(parse_copy(buf, sizeof v_aprep, false, &m, &d), RD_MALFORMED);
    ck_assert_int_eq(d.why, RD_WHY_UNSUPPORTED);

    /* A bad KerberosTime in the AS-REQ till ("2100091302480XZ"). */
    memcpy(buf, v_asreq_tcp, sizeof v_asreq_tcp);
    {
        size_t at = 0;
        for (size_t i = 0; i + 15 <= sizeof v_asreq_tcp; i++) {
            if (memcmp(buf + i, "21000913024805Z", 15) == 0) {
                at = i;
                break;
            }
        }
        ck_assert_uint_gt(at, 0);
        buf[at + 13] = 'X';
    }
    memset(&d, 0, sizeof d);
    ck_assert_int_eq(parse_copy(buf, sizeof v_asreq_tcp, true, &m, &d), RD_MALFORMED);
    ck_assert_int_eq(d.why, RD_WHY_BAD_VALUE);
    ck_assert_str_eq(d.field, "krb.time");

    /* TCP: the reserved high bit; two records back to back; a trailing byte. */
    memcpy(buf, v_asreq_tcp, sizeof v_asreq_tcp);
    buf[0] = 0x80;
    rd_cur_init(&c, buf, sizeof v_asreq_tcp);
    memset(&d, 0, sizeof d);
    ck_assert_int_eq(rd_krb_frame_tcp(c, &total, &d), RD_MALFORMED);
    ck_assert_int_eq(d.why, RD_WHY_UNSUPPORTED);
    memset(&d, 0, sizeof d);
    ck_assert_int_eq(parse_copy(buf, sizeof v_asreq_tcp, true, &m, &d), RD_MALFORMED);
    ck_assert_int_eq(d.why, RD_WHY_UNSUPPORTED);
    memcpy(buf, v_asreq_tcp, sizeof v_asreq_tcp);
    buf[sizeof v_asreq_tcp] = 0;
    rd_cur_init(&c, buf, sizeof buf);
    ck_assert_int_eq(rd_krb_frame_tcp(c, &total, &d), RD_OK);
    ck_assert_uint_eq(total, sizeof v_asreq_tcp);
    memset(&d, 0, sizeof d);
    ck_assert_int_eq(parse_copy(buf, sizeof buf, true, &m, &d), RD_MALFORMED);
    ck_assert_int_eq(d.why, RD_WHY_TRAILING);
}
END_TEST

/* PKINIT: an AS-REQ whose padata carries PA-PK-AS-REQ (16) and 17 more entries. */
START_TEST(test_pkinit_and_overflow)
{
    /* Build: 6a L 30 L a1 03 02 01 05 a2 03 02 01 0a a3 L 30 L {18 x PA-DATA} a4 ... req-body
     * taken from the real AS-REQ. */
    uint8_t buf[512];
    size_t n = 0;
    const uint8_t *body = v_asreq_tcp + 4 + 3 + 3 + 10 + 23; /* the a4 81 c7 req-body */
    size_t body_len = sizeof v_asreq_tcp - (size_t)(body - v_asreq_tcp);
    size_t pa_len = 18 * 11;
    size_t seq_len = 10 + 3 + 3 + pa_len + body_len; /* a3 81 L, 30 81 L */
    struct rd_krb_msg m;
    struct rd_diag d = {0};

    ck_assert_uint_eq(body[0], 0xa4);
    buf[n++] = 0x6a;
    buf[n++] = 0x82;
    buf[n++] = (uint8_t)((seq_len + 4) >> 8);
    buf[n++] = (uint8_t)(seq_len + 4);
    buf[n++] = 0x30;
    buf[n++] = 0x82;
    buf[n++] = (uint8_t)(seq_len >> 8);
    buf[n++] = (uint8_t)seq_len;
    memcpy(buf + n, "\xa1\x03\x02\x01\x05\xa2\x03\x02\x01\x0a", 10); /* pvno, msg-type */
    n += 10;
    buf[n++] = 0xa3; /* padata */
    buf[n++] = 0x81;
    buf[n++] = (uint8_t)(pa_len + 3);
    buf[n++] = 0x30;
    buf[n++] = 0x81;
    buf[n++] = (uint8_t)pa_len;
    for (size_t i = 0; i < 18; i++) {
        /* 30 09 a1 03 02 01 TT a2 02 04 00 : PA-DATA { type TT, value "" } */
        static const uint8_t pa[] = {0x30, 0x09, 0xa1, 0x03, 0x02, 0x01,
                                     0x10, 0xa2, 0x02, 0x04, 0x00};
        memcpy(buf + n, pa, sizeof pa);
        if (i > 0) {
            buf[n + 6] = 0x02; /* PA-ENC-TIMESTAMP after the first */
        }
        n += sizeof pa;
    }
    ck_assert_uint_le(n + body_len, sizeof buf);
    memcpy(buf + n, body, body_len);
    n += body_len;
    ck_assert_msg(parse_copy(buf, n, false, &m, &d) == RD_OK, "%s at %s (%zu)", rd_why_name(d.why),
                  d.field ? d.field : "-", d.off);
    ck_assert(m.is_pkinit);
    ck_assert_uint_eq(m.padata_count, RD_KRB_MAX_PADATA);
    ck_assert_uint_eq(m.padata_dropped, 2);
    ck_assert_str_eq(rd_krb_padata_name(m.padata_types[0]), "PA-PK-AS-REQ");
    ck_assert(!m.non_der);
}
END_TEST

START_TEST(test_names)
{
    static const struct {
        int32_t code;
        const char *name;
    } want[] = {
        {6, "KDC_ERR_C_PRINCIPAL_UNKNOWN"},
        {7, "KDC_ERR_S_PRINCIPAL_UNKNOWN"},
        {24, "KDC_ERR_PREAUTH_FAILED"},
        {25, "KDC_ERR_PREAUTH_REQUIRED"},
        {18, "KDC_ERR_CLIENT_REVOKED"},
        {23, "KDC_ERR_KEY_EXPIRED"},
        {37, "KRB_AP_ERR_SKEW"},
        {41, "KRB_AP_ERR_MODIFIED"},
        {14, "KDC_ERR_ETYPE_NOSUPP"},
        {52, "KRB_ERR_RESPONSE_TOO_BIG"},
        {68, "KDC_ERR_WRONG_REALM"},
        {13, "KDC_ERR_BADOPTION"},
        {-1, "unknown"},
        {43, "unknown"},
    };
    for (size_t i = 0; i < LEN(want); i++) {
        ck_assert_str_eq(rd_krb_error_name(want[i].code), want[i].name);
    }
    ck_assert_str_eq(rd_krb_msg_type_name(RD_KRB_TGS_REP), "TGS-REP");
    ck_assert_str_eq(rd_krb_msg_type_name(99), "unknown");
    ck_assert_str_eq(rd_krb_padata_name(999), "unknown");
}
END_TEST

static Suite *kerberos_suite(void)
{
    Suite *s = suite_create("kerberos");
    TCase *tc = tcase_create("core");

    tcase_add_loop_test(tc, test_valid, 0, (int)LEN(krb_vecs));
    tcase_add_test(tc, test_asreq_fields);
    tcase_add_test(tc, test_error_fields);
    tcase_add_test(tc, test_aprep_fields);
    tcase_add_loop_test(tc, test_truncation, 0, (int)LEN(krb_vecs));
    tcase_add_loop_test(tc, test_length_off_by_one, 0, (int)LEN(krb_vecs));
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_pkinit_and_overflow);
    tcase_add_test(tc, test_names);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(kerberos_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

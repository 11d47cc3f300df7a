/*
 * check_ntlmssp.c - unit tests for dissectors/ntlmssp.c (MS-NLMP 2.2.1).
 *
 * The real vectors come from rdp-nla-ntlm-rejected1.pcapng (decrypted CredSSP).
 * That capture names a lab domain; the names are replaced by same-length
 * placeholders (EXAMPLE, EXAMPLE-HOST, ad.example.local, TestUserName1,
 * EXAMPLE-CLIENT) and every secret (server challenge, LM/NT responses, MIC,
 * session key) by a filler pattern of the same length, as each comment says.
 */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ntlmssp.h"

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Real NEGOTIATE, rdp-nla-ntlm-rejected1.pcapng frame 12 (inside the TSRequest's
 * negoToken), unchanged: it carries no names. */
static const uint8_t v_neg_real[] = {
    0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, 0x00, /* Signature "NTLMSSP\0" */
    0x01, 0x00, 0x00, 0x00,                         /* MessageType 1 */
    0xb7, 0x82, 0x08, 0xe2,                         /* NegotiateFlags 0xe20882b7 (VERSION set) */
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* DomainNameFields: empty */
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* WorkstationFields: empty */
    0x0a, 0x00, 0x5d, 0x58, 0x00, 0x00, 0x00, 0x0f, /* Version 10.0 build 22621 rev 15 */
};

/* Minimal NEGOTIATE: no flags, no version, 32 bytes. */
static const uint8_t v_neg_min[] = {
    0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, 0x00, /* Signature */
    0x01, 0x00, 0x00, 0x00,                         /* MessageType 1 */
    0x00, 0x00, 0x00, 0x00,                         /* NegotiateFlags 0 */
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* DomainNameFields */
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* WorkstationFields */
};

/* NEGOTIATE with OEM domain and workstation supplied (synthetic). */
static const uint8_t v_neg_names[] = {
    0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, 0x00, /* Signature */
    0x01, 0x00, 0x00, 0x00,                         /* MessageType 1 */
    0x02, 0x30, 0x00, 0x00, /* flags: OEM | DOMAIN_SUPPLIED | WORKSTATION_SUPPLIED */
    0x03, 0x00, 0x03, 0x00, 0x20, 0x00, 0x00, 0x00, /* DomainNameFields: 3 at 32 */
    0x02, 0x00, 0x02, 0x00, 0x23, 0x00, 0x00, 0x00, /* WorkstationFields: 2 at 35 */
    'D',  'O',  'M',                                /* domain */
    'W',  'S',                                      /* workstation */
};

/* Real CHALLENGE, rdp-nla-ntlm-rejected1.pcapng frame 13 (266 bytes), names replaced
 * by same-length placeholders and the server challenge by filler. */
static const uint8_t
    v_chal_real[] =
        {
            0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, 0x00, /* Signature "NTLMSSP\0" */
            0x02, 0x00, 0x00, 0x00,                         /* MessageType 2 (CHALLENGE) */
            0x0e, 0x00, 0x0e, 0x00, 0x38, 0x00, 0x00, 0x00, /* TargetNameFields: Len 14, MaxLen 14,
                                                               Offset 56 */
            0x35, 0x82, 0x89, 0xe2,                         /* NegotiateFlags 0xe2898235 */
            0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, /* ServerChallenge (replaced by filler
                                                               0x11) */
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* Reserved */
            0xc4, 0x00, 0xc4, 0x00, 0x46, 0x00, 0x00, 0x00, /* TargetInfoFields: Len 196, MaxLen
                                                               196, Offset 70 */
            0x0a, 0x00, 0x7c, 0x4f, 0x00, 0x00, 0x00, 0x0f, /* Version 10.0 build 20348, NTLM
                                                               revision 15 */
            0x45, 0x00, 0x58, 0x00, 0x41, 0x00, 0x4d, 0x00, 0x50, 0x00,
            0x4c, 0x00, 0x45, 0x00, /* TargetName "EXAMPLE" (UTF-16LE) */
            0x02, 0x00, 0x0e, 0x00, /* AvId 2, AvLen 14 */
            0x45, 0x00, 0x58, 0x00, 0x41, 0x00, 0x4d, 0x00, 0x50, 0x00,
            0x4c, 0x00, 0x45, 0x00, /* "EXAMPLE" */
            0x01, 0x00, 0x18, 0x00, /* AvId 1, AvLen 24 */
            0x45, 0x00, 0x58, 0x00, 0x41, 0x00, 0x4d, 0x00, 0x50, 0x00,
            0x4c, 0x00, 0x45, 0x00, 0x2d, 0x00,             /* "EXAMPLE-HOST" */
            0x48, 0x00, 0x4f, 0x00, 0x53, 0x00, 0x54, 0x00, /* ... */
            0x04, 0x00, 0x20, 0x00,                         /* AvId 4, AvLen 32 */
            0x61, 0x00, 0x64, 0x00, 0x2e, 0x00, 0x65, 0x00, 0x78, 0x00,
            0x61, 0x00, 0x6d, 0x00, 0x70, 0x00, /* "ad.example.local" */
            0x6c, 0x00, 0x65, 0x00, 0x2e, 0x00, 0x6c, 0x00, 0x6f, 0x00,
            0x63, 0x00, 0x61, 0x00, 0x6c, 0x00, /* ... */
            0x03, 0x00, 0x3a, 0x00,             /* AvId 3, AvLen 58 */
            0x45, 0x00, 0x58, 0x00, 0x41, 0x00, 0x4d, 0x00, 0x50, 0x00,
            0x4c, 0x00, 0x45, 0x00, 0x2d, 0x00, /* "EXAMPLE-HOST.ad.example.local" */
            0x48, 0x00, 0x4f, 0x00, 0x53, 0x00, 0x54, 0x00, 0x2e, 0x00,
            0x61, 0x00, 0x64, 0x00, 0x2e, 0x00, /* ... */
            0x65, 0x00, 0x78, 0x00, 0x61, 0x00, 0x6d, 0x00, 0x70, 0x00,
            0x6c, 0x00, 0x65, 0x00, 0x2e, 0x00,                         /* ... */
            0x6c, 0x00, 0x6f, 0x00, 0x63, 0x00, 0x61, 0x00, 0x6c, 0x00, /* ... */
            0x05, 0x00, 0x20, 0x00,                                     /* AvId 5, AvLen 32 */
            0x61, 0x00, 0x64, 0x00, 0x2e, 0x00, 0x65, 0x00, 0x78, 0x00,
            0x61, 0x00, 0x6d, 0x00, 0x70, 0x00, /* "ad.example.local" */
            0x6c, 0x00, 0x65, 0x00, 0x2e, 0x00, 0x6c, 0x00, 0x6f, 0x00,
            0x63, 0x00, 0x61, 0x00, 0x6c, 0x00,             /* ... */
            0x07, 0x00, 0x08, 0x00,                         /* AvId 7, AvLen 8 */
            0xac, 0xe7, 0xc3, 0x67, 0xf1, 0x9f, 0xda, 0x01, /* FILETIME */
            0x00, 0x00, 0x00, 0x00,                         /* AvId 0, AvLen 0 */
};

/* Minimal CHALLENGE: no target name, no target info, no version (48 bytes). */
static const uint8_t v_chal_min[] = {
    0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, 0x00, /* Signature */
    0x02, 0x00, 0x00, 0x00,                         /* MessageType 2 */
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* TargetNameFields: empty */
    0x01, 0x00, 0x00, 0x00,                         /* NegotiateFlags: UNICODE */
    0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, /* ServerChallenge (filler) */
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* Reserved */
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* TargetInfoFields: empty */
};

struct ntlm_vec {
    const char *name;
    const uint8_t *bytes;
    size_t len;
    enum rd_status status;
    enum rd_why why;
    uint32_t type;
};

static const struct ntlm_vec ntlm_vecs[] = {
    {"negotiate-real", v_neg_real, sizeof v_neg_real, RD_OK, RD_WHY_NONE, 1},
    {"negotiate-min", v_neg_min, sizeof v_neg_min, RD_OK, RD_WHY_NONE, 1},
    {"negotiate-names", v_neg_names, sizeof v_neg_names, RD_OK, RD_WHY_NONE, 1},
    {"challenge-real", v_chal_real, sizeof v_chal_real, RD_OK, RD_WHY_NONE, 2},
    {"challenge-min", v_chal_min, sizeof v_chal_min, RD_OK, RD_WHY_NONE, 2},
};

static enum rd_status parse_copy(const uint8_t *bytes, size_t len, struct rd_ntlmssp_msg *out,
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
    st = rd_ntlmssp_parse(c, out, d);
    free(copy);
    return st;
}

START_TEST(test_valid)
{
    const struct ntlm_vec *v = &ntlm_vecs[_i];
    struct rd_ntlmssp_msg m;
    struct rd_diag d = {0};
    struct rd_cur c;

    rd_cur_init(&c, v->bytes, v->len);
    ck_assert(rd_ntlmssp_is_ntlmssp(c));
    ck_assert_msg(rd_ntlmssp_parse(c, &m, &d) == v->status, "%s: %s at %s", v->name,
                  rd_why_name(d.why), d.field ? d.field : "-");
    ck_assert_uint_eq(m.type, v->type);
}
END_TEST

/* Every proper prefix fails without reading past it (ASan); none is a valid message
 * except where the prefix still holds every field a security buffer points at. */
START_TEST(test_truncation)
{
    const struct ntlm_vec *v = &ntlm_vecs[_i];
    for (size_t n = 0; n < v->len; n++) {
        struct rd_ntlmssp_msg m;
        struct rd_diag d = {0};
        enum rd_status st = parse_copy(v->bytes, n, &m, &d);
        if (n < 32) {
            ck_assert_msg(st == RD_MALFORMED, "%s prefix %zu", v->name, n);
        }
        if (st == RD_MALFORMED) {
            ck_assert(d.why == RD_WHY_SHORT || d.why == RD_WHY_OVERRUN);
        }
    }
}
END_TEST

START_TEST(test_negotiate_fields)
{
    struct rd_ntlmssp_negotiate n;
    struct rd_diag d = {0};
    struct rd_cur c;

    rd_cur_init(&c, v_neg_real, sizeof v_neg_real);
    ck_assert_int_eq(rd_ntlmssp_parse_negotiate(c, &n, &d), RD_OK);
    ck_assert_uint_eq(n.flags, 0xe20882b7u);
    ck_assert(n.version.present);
    ck_assert_uint_eq(n.version.major, 10);
    ck_assert_uint_eq(n.version.minor, 0);
    ck_assert_uint_eq(n.version.build, 22621);
    ck_assert_uint_eq(n.version.ntlm_revision, 15);
    ck_assert_uint_eq(n.domain.len, 0);
    ck_assert_uint_eq(n.workstation.len, 0);

    rd_cur_init(&c, v_neg_min, sizeof v_neg_min);
    ck_assert_int_eq(rd_ntlmssp_parse_negotiate(c, &n, &d), RD_OK);
    ck_assert(!n.version.present);

    rd_cur_init(&c, v_neg_names, sizeof v_neg_names);
    ck_assert_int_eq(rd_ntlmssp_parse_negotiate(c, &n, &d), RD_OK);
    ck_assert(rd_bytes_eq(n.domain, "DOM", 3));
    ck_assert(rd_bytes_eq(n.workstation, "WS", 2));

    /* Wrong type for the specific parser. */
    ck_assert_int_eq(rd_ntlmssp_parse_challenge(c, &(struct rd_ntlmssp_challenge){0}, &d),
                     RD_MALFORMED);
    ck_assert_int_eq(d.why, RD_WHY_BAD_VALUE);
    ck_assert_str_eq(d.field, "ntlmssp.message_type");
}
END_TEST

START_TEST(test_challenge_fields)
{
    struct rd_ntlmssp_challenge ch;
    struct rd_diag d = {0};
    struct rd_cur c;
    char name[64];
    bool trunc;

    rd_cur_init(&c, v_chal_real, sizeof v_chal_real);
    ck_assert_int_eq(rd_ntlmssp_parse_challenge(c, &ch, &d), RD_OK);
    ck_assert_uint_eq(ch.flags, 0xe2898235u);
    ck_assert(ch.unicode);
    ck_assert(ch.has_server_challenge);
    rd_ntlmssp_to_ascii(ch.target_name, true, name, sizeof name, &trunc);
    ck_assert_str_eq(name, "EXAMPLE");
    rd_ntlmssp_to_ascii(ch.nb_domain_name, true, name, sizeof name, &trunc);
    ck_assert_str_eq(name, "EXAMPLE");
    rd_ntlmssp_to_ascii(ch.nb_computer_name, true, name, sizeof name, &trunc);
    ck_assert_str_eq(name, "EXAMPLE-HOST");
    rd_ntlmssp_to_ascii(ch.dns_domain_name, true, name, sizeof name, &trunc);
    ck_assert_str_eq(name, "ad.example.local");
    rd_ntlmssp_to_ascii(ch.dns_computer_name, true, name, sizeof name, &trunc);
    ck_assert_str_eq(name, "EXAMPLE-HOST.ad.example.local");
    ck_assert(!trunc);
    rd_ntlmssp_to_ascii(ch.dns_tree_name, true, name, sizeof name, &trunc);
    ck_assert_str_eq(name, "ad.example.local");
    ck_assert(ch.has_timestamp);
    ck_assert_int_eq(ch.timestamp, 1715026213); /* 2024-05-06 20:10:13 UTC */
    ck_assert(!ch.has_av_flags);
    ck_assert_uint_eq(ch.av_count, 6);
    ck_assert(!ch.av_duplicate);
    ck_assert(ch.version.present);
    ck_assert_uint_eq(ch.version.build, 20348);

    rd_cur_init(&c, v_chal_min, sizeof v_chal_min);
    ck_assert_int_eq(rd_ntlmssp_parse_challenge(c, &ch, &d), RD_OK);
    ck_assert_uint_eq(ch.target_name.len, 0);
    ck_assert_uint_eq(ch.av_count, 0);
    ck_assert(!ch.version.present);
}
END_TEST

/* ---- AUTHENTICATE, built from the real frame-14 layout ------------------ */

#define AUTH_LEN 560

static void put_utf16(uint8_t *dst, const char *s)
{
    for (size_t i = 0; s[i] != '\0'; i++) {
        dst[2 * i] = (uint8_t)s[i];
        dst[2 * i + 1] = 0;
    }
}

/* rdp-nla-ntlm-rejected1.pcapng frame 14: the AUTHENTICATE header is kept byte for
 * byte except the MIC; the payload is rebuilt with placeholder names and fillers:
 *   0  4e 54 4c 4d 53 53 50 00   Signature
 *   8  03 00 00 00               MessageType 3
 *  12  18 00 18 00 9c 00 00 00   LmChallengeResponseFields: 24 at 156 (filler 0x00)
 *  20  6c 01 6c 01 b4 00 00 00   NtChallengeResponseFields: 364 at 180 (filler 0xa5)
 *  28  0e 00 0e 00 58 00 00 00   DomainNameFields: 14 at 88 "EXAMPLE"
 *  36  1a 00 1a 00 66 00 00 00   UserNameFields: 26 at 102 "TestUserName1"
 *  44  1c 00 1c 00 80 00 00 00   WorkstationFields: 28 at 128 "EXAMPLE-CLIENT"
 *  52  10 00 10 00 20 02 00 00   EncryptedRandomSessionKeyFields: 16 at 544 (filler 0x5a)
 *  60  35 82 88 e2               NegotiateFlags 0xe2888235
 *  64  0a 00 5d 58 00 00 00 0f   Version 10.0 build 22621 rev 15
 *  72  MIC, 16 bytes (filler 0x3c)
 *  88  payload */
static const uint8_t auth_header[88] = {
    0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, 0x00, /* Signature */
    0x03, 0x00, 0x00, 0x00,                         /* MessageType 3 */
    0x18, 0x00, 0x18, 0x00, 0x9c, 0x00, 0x00, 0x00, /* LM: 24 at 156 */
    0x6c, 0x01, 0x6c, 0x01, 0xb4, 0x00, 0x00, 0x00, /* NT: 364 at 180 */
    0x0e, 0x00, 0x0e, 0x00, 0x58, 0x00, 0x00, 0x00, /* domain: 14 at 88 */
    0x1a, 0x00, 0x1a, 0x00, 0x66, 0x00, 0x00, 0x00, /* user: 26 at 102 */
    0x1c, 0x00, 0x1c, 0x00, 0x80, 0x00, 0x00, 0x00, /* workstation: 28 at 128 */
    0x10, 0x00, 0x10, 0x00, 0x20, 0x02, 0x00, 0x00, /* session key: 16 at 544 */
    0x35, 0x82, 0x88, 0xe2,                         /* NegotiateFlags */
    0x0a, 0x00, 0x5d, 0x58, 0x00, 0x00, 0x00, 0x0f, /* Version */
    0x3c, 0x3c, 0x3c, 0x3c, 0x3c, 0x3c, 0x3c, 0x3c, /* MIC (filler) */
    0x3c, 0x3c, 0x3c, 0x3c, 0x3c, 0x3c, 0x3c, 0x3c,
};

static void build_auth(uint8_t buf[AUTH_LEN])
{
    memcpy(buf, auth_header, sizeof auth_header);
    put_utf16(buf + 88, "EXAMPLE");
    put_utf16(buf + 102, "TestUserName1");
    put_utf16(buf + 128, "EXAMPLE-CLIENT");
    memset(buf + 156, 0x00, 24);  /* LM response */
    memset(buf + 180, 0xa5, 364); /* NT response */
    memset(buf + 544, 0x5a, 16);  /* session key */
}

static void set_u16le(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v & 0xffu);
    p[1] = (uint8_t)(v >> 8);
}

static void set_u32le(uint8_t *p, uint32_t v)
{
    for (size_t i = 0; i < 4; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

START_TEST(test_authenticate_real)
{
    uint8_t buf[AUTH_LEN];
    struct rd_ntlmssp_msg m;
    struct rd_diag d = {0};
    char name[64];
    bool trunc;

    build_auth(buf);
    ck_assert_int_eq(parse_copy(buf, sizeof buf, &m, &d), RD_OK);
    ck_assert_uint_eq(m.type, RD_NTLMSSP_AUTHENTICATE);
    ck_assert_uint_eq(m.authenticate.flags, 0xe2888235u);
    ck_assert_uint_eq(m.authenticate.lm_response_len, 24);
    ck_assert_uint_eq(m.authenticate.nt_response_len, 364);
    ck_assert_uint_eq(m.authenticate.session_key_len, 16);
    ck_assert(m.authenticate.is_ntlmv2);
    ck_assert(!m.authenticate.is_anonymous);
    ck_assert(m.authenticate.has_mic);
    ck_assert_uint_eq(m.authenticate.version.build, 22621);
    {
        struct rd_cur c;
        struct rd_ntlmssp_authenticate a;
        rd_cur_init(&c, buf, sizeof buf);
        ck_assert_int_eq(rd_ntlmssp_parse_authenticate(c, &a, &d), RD_OK);
        rd_ntlmssp_to_ascii(a.domain, a.unicode, name, sizeof name, &trunc);
        ck_assert_str_eq(name, "EXAMPLE");
        rd_ntlmssp_to_ascii(a.user, a.unicode, name, sizeof name, &trunc);
        ck_assert_str_eq(name, "TestUserName1");
        rd_ntlmssp_to_ascii(a.workstation, a.unicode, name, sizeof name, &trunc);
        ck_assert_str_eq(name, "EXAMPLE-CLIENT");
        /* Views point at the names in the buffer. */
        ck_assert_ptr_eq(a.user.p, buf + 102);
    }
    /* Truncation sweep: every prefix fails, never reads past it (ASan). */
    for (size_t n = 0; n < sizeof buf; n++) {
        struct rd_diag dd = {0};
        ck_assert_msg(parse_copy(buf, n, &m, &dd) == RD_MALFORMED, "prefix %zu", n);
        ck_assert(dd.why == RD_WHY_SHORT || dd.why == RD_WHY_OVERRUN);
    }
}
END_TEST

/* NTLMv1 (24-byte NT response), anonymous (empty user and NT), no version/MIC. */
START_TEST(test_authenticate_variants)
{
    uint8_t buf[AUTH_LEN];
    struct rd_ntlmssp_msg m;
    struct rd_diag d = {0};

    build_auth(buf);
    set_u16le(buf + 20, 24); /* NT response 24 bytes: NTLMv1 */
    ck_assert_int_eq(parse_copy(buf, sizeof buf, &m, &d), RD_OK);
    ck_assert(!m.authenticate.is_ntlmv2);
    ck_assert_uint_eq(m.authenticate.nt_response_len, 24);

    build_auth(buf);
    set_u16le(buf + 20, 0);           /* NT response empty */
    set_u16le(buf + 36, 0);           /* user empty */
    set_u32le(buf + 36 + 4, 0xffffu); /* offset of an empty field is not judged */
    ck_assert_int_eq(parse_copy(buf, sizeof buf, &m, &d), RD_OK);
    ck_assert(m.authenticate.is_anonymous);
    ck_assert_uint_eq(m.authenticate.user.len, 0);

    /* Flags without VERSION: header ends at 64, no MIC, no version. */
    build_auth(buf);
    buf[63] = 0xe0; /* clear NTLMSSP_NEGOTIATE_VERSION (0x02000000) */
    ck_assert_int_eq(parse_copy(buf, sizeof buf, &m, &d), RD_OK);
    ck_assert(!m.authenticate.version.present);
    ck_assert(!m.authenticate.has_mic);
}
END_TEST

/* Security buffers: each Len one too big / one too small, offsets past the end, into
 * the header, and Len + Offset overflowing. */
START_TEST(test_authenticate_secbufs)
{
    static const size_t fields[] = {12, 20, 28, 36, 44, 52};
    uint8_t buf[AUTH_LEN];
    struct rd_ntlmssp_msg m;

    for (size_t i = 0; i < LEN(fields); i++) {
        size_t f = fields[i];
        uint16_t len;
        uint32_t off;
        struct rd_diag d = {0};

        build_auth(buf);
        len = (uint16_t)(buf[f] | buf[f + 1] << 8);
        off = (uint32_t)(buf[f + 4] | buf[f + 5] << 8);

        /* Len one too small still lies inside the message: accepted (payload gaps are allowed). */
        set_u16le(buf + f, (uint16_t)(len - 1));
        ck_assert_int_eq(parse_copy(buf, sizeof buf, &m, &d), RD_OK);

        /* Len one too big is refused only for the last field (session key ends the message). */
        build_auth(buf);
        set_u16le(buf + f, (uint16_t)(len + 1));
        memset(&d, 0, sizeof d);
        if (off + len == AUTH_LEN) {
            ck_assert_int_eq(parse_copy(buf, sizeof buf, &m, &d), RD_MALFORMED);
            ck_assert_int_eq(d.why, RD_WHY_OVERRUN);
        } else {
            ck_assert_int_eq(parse_copy(buf, sizeof buf, &m, &d), RD_OK);
        }

        /* Offset exactly at the end with a non-zero length. */
        build_auth(buf);
        set_u32le(buf + f + 4, AUTH_LEN);
        memset(&d, 0, sizeof d);
        ck_assert_int_eq(parse_copy(buf, sizeof buf, &m, &d), RD_MALFORMED);
        ck_assert_int_eq(d.why, RD_WHY_OVERRUN);

        /* Offset far away: length + offset would wrap a 32-bit size. */
        build_auth(buf);
        set_u32le(buf + f + 4, 0xffffffffu);
        memset(&d, 0, sizeof d);
        ck_assert_int_eq(parse_copy(buf, sizeof buf, &m, &d), RD_MALFORMED);
        ck_assert_int_eq(d.why, RD_WHY_OVERRUN);

        /* Offset into the fixed header (before byte 72). */
        build_auth(buf);
        set_u32le(buf + f + 4, 8);
        memset(&d, 0, sizeof d);
        ck_assert_int_eq(parse_copy(buf, sizeof buf, &m, &d), RD_MALFORMED);
        ck_assert_int_eq(d.why, RD_WHY_BAD_VALUE);
    }

    /* One trailing byte after the payload: allowed (payload is not length-delimited). */
    {
        uint8_t big[AUTH_LEN + 1];
        struct rd_diag d = {0};
        build_auth(big);
        big[AUTH_LEN] = 0;
        ck_assert_int_eq(parse_copy(big, sizeof big, &m, &d), RD_OK);
    }
}
END_TEST

START_TEST(test_challenge_errors)
{
    uint8_t buf[sizeof v_chal_real + 1];
    struct rd_ntlmssp_msg m;
    struct rd_diag d = {0};
    const size_t info = 40; /* TargetInfoFields */

    /* TargetInfo Len one too small: the EOL pair is cut, so the AV list overruns. */
    memcpy(buf, v_chal_real, sizeof v_chal_real);
    set_u16le(buf + info, 195);
    ck_assert_int_eq(parse_copy(buf, sizeof v_chal_real, &m, &d), RD_MALFORMED);
    ck_assert_int_eq(d.why, RD_WHY_OVERRUN);
    ck_assert_str_eq(d.field, "ntlmssp.target_info");

    /* TargetInfo Len one too big: past the message. */
    memcpy(buf, v_chal_real, sizeof v_chal_real);
    set_u16le(buf + info, 197);
    memset(&d, 0, sizeof d);
    ck_assert_int_eq(parse_copy(buf, sizeof v_chal_real, &m, &d), RD_MALFORMED);
    ck_assert_int_eq(d.why, RD_WHY_OVERRUN);

    /* ... and with one more byte in the message: a byte after MsvAvEOL is trailing. */
    memset(&d, 0, sizeof d);
    buf[sizeof v_chal_real] = 0;
    ck_assert_int_eq(parse_copy(buf, sizeof buf, &m, &d), RD_MALFORMED);
    ck_assert_int_eq(d.why, RD_WHY_TRAILING);

    /* First AvLen one too big and one too small: the pairs no longer line up. */
    for (int delta = -1; delta <= 1; delta += 2) {
        memcpy(buf, v_chal_real, sizeof v_chal_real);
        set_u16le(buf + 72, (uint16_t)(14 + delta));
        memset(&d, 0, sizeof d);
        ck_assert_int_eq(parse_copy(buf, sizeof v_chal_real, &m, &d), RD_MALFORMED);
    }

    /* MsvAvTimestamp with AvLen 4: bad value. Rewrite the timestamp pair (at 250). */
    memcpy(buf, v_chal_real, sizeof v_chal_real);
    ck_assert_uint_eq(buf[250], 7);
    set_u16le(buf + 252, 4);
    set_u16le(buf + 258, 0); /* EOL at the new place, then 4 spare bytes as a pair */
    set_u16le(buf + 260, 0);
    memset(&d, 0, sizeof d);
    ck_assert_int_eq(parse_copy(buf, sizeof v_chal_real, &m, &d), RD_MALFORMED);
    ck_assert_int_eq(d.why, RD_WHY_BAD_VALUE);
    ck_assert_str_eq(d.field, "ntlmssp.target_info.timestamp");

    /* MsvAvFlags replaces the timestamp: value read; a duplicate id is flagged. */
    memcpy(buf, v_chal_real, sizeof v_chal_real);
    set_u16le(buf + 250, 6);
    set_u16le(buf + 252, 4);
    set_u32le(buf + 254, 0x00000002u);
    set_u16le(buf + 258, 2); /* MsvAvNbDomainName again, 0 bytes */
    set_u16le(buf + 260, 0);
    memset(&d, 0, sizeof d);
    ck_assert_int_eq(parse_copy(buf, sizeof v_chal_real, &m, &d), RD_OK);
    ck_assert(m.challenge.has_av_flags);
    ck_assert_uint_eq(m.challenge.av_flags, 2);
    ck_assert(m.challenge.av_duplicate);
    ck_assert(!m.challenge.has_timestamp);

    /* Bad signature, unknown type. */
    memcpy(buf, v_chal_real, sizeof v_chal_real);
    buf[0] = 'X';
    memset(&d, 0, sizeof d);
    ck_assert_int_eq(parse_copy(buf, sizeof v_chal_real, &m, &d), RD_MALFORMED);
    ck_assert_int_eq(d.why, RD_WHY_BAD_VALUE);
    ck_assert_str_eq(d.field, "ntlmssp.signature");
    memcpy(buf, v_chal_real, sizeof v_chal_real);
    buf[8] = 9;
    memset(&d, 0, sizeof d);
    ck_assert_int_eq(parse_copy(buf, sizeof v_chal_real, &m, &d), RD_MALFORMED);
    ck_assert_int_eq(d.why, RD_WHY_UNSUPPORTED);
    ck_assert_str_eq(rd_ntlmssp_type_name(9), "unknown");
    ck_assert_str_eq(rd_ntlmssp_type_name(2), "CHALLENGE");
}
END_TEST

START_TEST(test_secbuf_helper)
{
    static const uint8_t msg[] = {
        0x02, 0x00, 0x02, 0x00, 0x08, 0x00, 0x00, 0x00, /* Len 2, MaxLen 2, Offset 8 */
        0xaa, 0xbb,                                     /* payload */
    };
    struct rd_cur base;
    struct rd_cur c;
    struct rd_cur field;
    struct rd_diag d = {0};

    rd_cur_init(&base, msg, sizeof msg);
    c = base;
    ck_assert_int_eq(rd_ntlmssp_secbuf(&c, &base, 8, &field, &d, "t"), RD_OK);
    ck_assert_uint_eq(field.len, 2);
    ck_assert_uint_eq(field.off, 8);
    ck_assert_uint_eq(c.len, 2);
    /* Header end past the offset. */
    c = base;
    ck_assert_int_eq(rd_ntlmssp_secbuf(&c, &base, 9, &field, &d, "t"), RD_MALFORMED);
    ck_assert_uint_eq(c.len, sizeof msg); /* not moved */
    /* Too short to hold the 8-byte descriptor. */
    rd_cur_init(&c, msg, 7);
    memset(&d, 0, sizeof d);
    ck_assert_int_eq(rd_ntlmssp_secbuf(&c, &base, 8, &field, &d, "t"), RD_MALFORMED);
    ck_assert_int_eq(d.why, RD_WHY_SHORT);
    ck_assert_int_eq(rd_ntlmssp_filetime_to_unix(116444736000000000ull), 0);
}
END_TEST

START_TEST(test_to_ascii)
{
    /* "Aé" + U+1F600 (surrogate pair) + "z" + odd byte */
    static const uint8_t u[] = {'A', 0, 0xe9, 0, 0x3d, 0xd8, 0x00, 0xde, 'z', 0, 'q'};
    static const uint8_t oem[] = {'a', 0x07, 0xff, 'b'};
    char out[16];
    bool trunc;
    struct rd_bytes b = {u, sizeof u};

    ck_assert_uint_eq(rd_ntlmssp_to_ascii(b, true, out, sizeof out, &trunc), 5);
    ck_assert_str_eq(out, "A??z?");
    ck_assert(!trunc);
    ck_assert_uint_eq(rd_ntlmssp_to_ascii(b, true, out, 3, &trunc), 2);
    ck_assert_str_eq(out, "A?");
    ck_assert(trunc);
    b.p = oem;
    b.len = sizeof oem;
    ck_assert_uint_eq(rd_ntlmssp_to_ascii(b, false, out, sizeof out, &trunc), 4);
    ck_assert_str_eq(out, "a??b");
    ck_assert_uint_eq(rd_ntlmssp_to_ascii(b, false, out, 0, &trunc), 0);
    ck_assert(trunc);
}
END_TEST

static Suite *ntlmssp_suite(void)
{
    Suite *s = suite_create("ntlmssp");
    TCase *tc = tcase_create("core");

    tcase_add_loop_test(tc, test_valid, 0, (int)LEN(ntlm_vecs));
    tcase_add_loop_test(tc, test_truncation, 0, (int)LEN(ntlm_vecs));
    tcase_add_test(tc, test_negotiate_fields);
    tcase_add_test(tc, test_challenge_fields);
    tcase_add_test(tc, test_authenticate_real);
    tcase_add_test(tc, test_authenticate_variants);
    tcase_add_test(tc, test_authenticate_secbufs);
    tcase_add_test(tc, test_challenge_errors);
    tcase_add_test(tc, test_secbuf_helper);
    tcase_add_test(tc, test_to_ascii);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(ntlmssp_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

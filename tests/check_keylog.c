/*
 * check_keylog.c - NSS key log parsing and pcapng Decryption Secrets Blocks.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "keylog.h"
#include "pcapng_dsb.h"

#ifndef RD_TLS_DATA_DIR
#define RD_TLS_DATA_DIR "tests/data/tls"
#endif
#ifndef RD_PUBLIC_CAPTURES
#define RD_PUBLIC_CAPTURES "../shared/public-captures"
#endif

/* A client random and secrets made of repeated hex digits, to keep lines readable. */
#define R32  "0101010101010101010101010101010101010101010101010101010101010101"
#define R32B "0202020202020202020202020202020202020202020202020202020202020202"
#define S48                                                                                        \
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"  \
    "aaaaa"
#define S32 "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

static struct rd_keylog *from_text(const char *text)
{
    struct rd_keylog *kl = rd_keylog_new();

    ck_assert_ptr_nonnull(kl);
    rd_keylog_load_mem(kl, (const uint8_t *)text, strlen(text));
    return kl;
}

static void fill(uint8_t *b, size_t n, uint8_t v)
{
    memset(b, v, n);
}

START_TEST(test_minimal)
{
    struct rd_keylog *kl = from_text("CLIENT_RANDOM " R32 " " S48 "\n");
    uint8_t r[32];
    uint8_t s[64];
    size_t n = 0;

    fill(r, 32, 0x01);
    ck_assert_uint_eq(rd_keylog_count(kl), 1);
    ck_assert_uint_eq(rd_keylog_malformed(kl), 0);
    ck_assert_uint_eq(rd_keylog_lookup(kl, r), 1u << RD_KEYLOG_CLIENT_RANDOM);
    ck_assert(rd_keylog_get(kl, r, RD_KEYLOG_CLIENT_RANDOM, s, sizeof(s), &n));
    ck_assert_uint_eq(n, 48);
    ck_assert_uint_eq(s[0], 0xaa);
    ck_assert_uint_eq(s[47], 0xaa);
    /* Too small an output buffer, an absent kind, an absent random. */
    ck_assert(!rd_keylog_get(kl, r, RD_KEYLOG_CLIENT_RANDOM, s, 47, &n));
    ck_assert(!rd_keylog_get(kl, r, RD_KEYLOG_EXPORTER_SECRET, s, sizeof(s), &n));
    fill(r, 32, 0x02);
    ck_assert_uint_eq(rd_keylog_lookup(kl, r), 0);
    rd_keylog_free(kl);
}
END_TEST

/* TLS 1.3 labels, comments, CRLF, blank lines, no final newline, mixed-case hex. */
START_TEST(test_tls13_and_layout)
{
    struct rd_keylog *kl = from_text("# SSL/TLS secrets log file\r\n"
                                     "\r\n"
                                     "CLIENT_HANDSHAKE_TRAFFIC_SECRET " R32 " " S32 "\r\n"
                                     "SERVER_HANDSHAKE_TRAFFIC_SECRET " R32 " " S32 "\n"
                                     "  CLIENT_TRAFFIC_SECRET_0\t" R32 "  " S32 "\n"
                                     "SERVER_TRAFFIC_SECRET_0 " R32 " " S32 "\n"
                                     "EXPORTER_SECRET " R32 " " S32 "\n"
                                     "CLIENT_EARLY_TRAFFIC_SECRET " R32 " " S32 "\n"
                                     "EARLY_EXPORTER_SECRET " R32B " " S32 S32 "\n"
                                     "CLIENT_RANDOM " R32B " "
                                     "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
                                     "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    uint8_t r[32];
    uint8_t s[64];
    size_t n = 0;

    ck_assert_uint_eq(rd_keylog_malformed(kl), 0);
    ck_assert_uint_eq(rd_keylog_count(kl), 8);
    fill(r, 32, 0x01);
    ck_assert_uint_eq(rd_keylog_lookup(kl, r), 1u << RD_KEYLOG_CLIENT_HANDSHAKE_TRAFFIC_SECRET |
                                                   1u << RD_KEYLOG_SERVER_HANDSHAKE_TRAFFIC_SECRET |
                                                   1u << RD_KEYLOG_CLIENT_TRAFFIC_SECRET_0 |
                                                   1u << RD_KEYLOG_SERVER_TRAFFIC_SECRET_0 |
                                                   1u << RD_KEYLOG_EXPORTER_SECRET |
                                                   1u << RD_KEYLOG_CLIENT_EARLY_TRAFFIC_SECRET);
    ck_assert(rd_keylog_get(kl, r, RD_KEYLOG_CLIENT_TRAFFIC_SECRET_0, s, sizeof(s), &n));
    ck_assert_uint_eq(n, 32);
    ck_assert_uint_eq(s[31], 0xbb);
    fill(r, 32, 0x02);
    ck_assert(rd_keylog_get(kl, r, RD_KEYLOG_EARLY_EXPORTER_SECRET, s, sizeof(s), &n));
    ck_assert_uint_eq(n, 64); /* the largest secret we keep */
    ck_assert(rd_keylog_get(kl, r, RD_KEYLOG_CLIENT_RANDOM, s, sizeof(s), &n));
    ck_assert_uint_eq(n, 48);
    ck_assert_uint_eq(s[0], 0xaa);
    ck_assert_str_eq(rd_keylog_kind_name(RD_KEYLOG_SERVER_TRAFFIC_SECRET_0),
                     "SERVER_TRAFFIC_SECRET_0");
    ck_assert_str_eq(rd_keylog_kind_name(RD_KEYLOG_NKINDS), "?");
    rd_keylog_free(kl);
}
END_TEST

/* The same secret given twice: the later line wins. */
START_TEST(test_last_wins)
{
    struct rd_keylog *kl = from_text("CLIENT_RANDOM " R32 " " S48 "\n"
                                     "CLIENT_RANDOM " R32 " "
                                     "cccccccccccccccccccccccccccccccccccccccccccccccccccccccc"
                                     "cccccccccccccccccccccccccccccccccccccccc\n");
    uint8_t r[32];
    uint8_t s[48];
    size_t n = 0;

    fill(r, 32, 0x01);
    ck_assert_uint_eq(rd_keylog_count(kl), 2);
    ck_assert(rd_keylog_get(kl, r, RD_KEYLOG_CLIENT_RANDOM, s, sizeof(s), &n));
    ck_assert_uint_eq(s[0], 0xcc);
    rd_keylog_free(kl);
}
END_TEST

/* Each malformed line is counted and skipped; the good line around them survives. */
static const char *const bad_lines[] = {
    "CLIENT_RANDOM " R32 "\n",               /* no secret */
    "CLIENT_RANDOM\n",                       /* label only */
    "CLIENT_RANDOM " R32 " " S48 " extra\n", /* trailing token */
    "CLIENT_RANDOM 01" R32 " " S48 "\n",     /* random one byte too long */
    "CLIENT_RANDOM " R32 "0"
    " " S48 "\n",                                      /* odd number of hex digits */
    "CLIENT_RANDOM " R32 " " S48 "aa\n",               /* master secret 49 bytes */
    "CLIENT_RANDOM " R32 " " S32 "\n",                 /* master secret 32 bytes */
    "CLIENT_RANDOM " R32 " zz" S48 "\n",               /* not hex */
    "SERVER_TRAFFIC_SECRET_0 " R32 " bbbb\n",          /* TLS 1.3 secret too short */
    "SERVER_TRAFFIC_SECRET_0 " R32 " " S48 S32 "bb\n", /* 65 bytes: above our cap */
    "client_random " R32 " " S48 "\n",                 /* not a label */
};

START_TEST(test_malformed)
{
    char text[1024];
    struct rd_keylog *kl;
    uint8_t r[32];

    snprintf(text, sizeof(text), "CLIENT_RANDOM " R32B " " S48 "\n%s", bad_lines[_i]);
    kl = from_text(text);
    ck_assert_uint_eq(rd_keylog_malformed(kl), 1);
    ck_assert_uint_eq(rd_keylog_count(kl), 1);
    fill(r, 32, 0x02);
    ck_assert_uint_eq(rd_keylog_lookup(kl, r), 1u << RD_KEYLOG_CLIENT_RANDOM);
    fill(r, 32, 0x01);
    ck_assert_uint_eq(rd_keylog_lookup(kl, r), 0);
    rd_keylog_free(kl);
}
END_TEST

/* NSS's RSA lines and future labels are well-formed but unused: ignored, not malformed. */
#define TAIL "\nCLIENT_RANDOM " R32B " " S48 "\n"

START_TEST(test_ignored_and_overlong)
{
    char *text = malloc(4096);
    struct rd_keylog *kl;
    size_t n;

    ck_assert_ptr_nonnull(text);
    n = (size_t)snprintf(text, 4096,
                         "RSA 0102030405060708 " S48 "\nNEW_LABEL_2030 " R32 " " S32
                         "\nCLIENT_RANDOM " R32 " ");
    /* An overlong line: past RD_KEYLOG_MAX_LINE. */
    memset(text + n, 'a', 2000);
    memcpy(text + n + 2000, TAIL, sizeof(TAIL)); /* with its NUL */
    kl = from_text(text);
    ck_assert_uint_eq(rd_keylog_ignored(kl), 2);
    ck_assert_uint_eq(rd_keylog_malformed(kl), 1);
    ck_assert_uint_eq(rd_keylog_count(kl), 1);
    rd_keylog_free(kl);
    free(text);
}
END_TEST

START_TEST(test_cap)
{
    struct rd_keylog *kl = rd_keylog_new_capped(2);
    const char *text = "CLIENT_RANDOM " R32 " " S48 "\n"
                       "CLIENT_RANDOM " R32B " " S48 "\n"
                       "EXPORTER_SECRET " R32 " " S32 "\n";
    uint8_t r[32];

    rd_keylog_load_mem(kl, (const uint8_t *)text, strlen(text));
    ck_assert_uint_eq(rd_keylog_count(kl), 2);
    ck_assert_uint_eq(rd_keylog_dropped(kl), 1);
    fill(r, 32, 0x01);
    ck_assert_uint_eq(rd_keylog_lookup(kl, r), 1u << RD_KEYLOG_CLIENT_RANDOM);
    rd_keylog_free(kl);
}
END_TEST

START_TEST(test_file)
{
    struct rd_keylog *kl = rd_keylog_new();
    char err[256];
    char path[512];
    char tmpl[] = "/tmp/check_keylog_XXXXXX";
    int fd;
    FILE *f;

    /* tls13-aes128-gcm.keylog, as OpenSSL 3.0 s_client wrote it: a comment line and the
     * five TLS 1.3 secrets of one session. */
    snprintf(path, sizeof(path), "%s/tls13-aes128-gcm.keylog", RD_TLS_DATA_DIR);
    ck_assert_int_eq(rd_keylog_load_file(kl, path, err), 0);
    ck_assert_uint_eq(rd_keylog_count(kl), 5);
    ck_assert_uint_eq(rd_keylog_malformed(kl), 0);
    ck_assert_int_eq(rd_keylog_load_file(kl, "/nonexistent/keys.log", err), -1);
    ck_assert_str_eq(err, "/nonexistent/keys.log: No such file or directory");

    /* An overlong line read through the fixed line buffer, CRLF, no final newline. */
    fd = mkstemp(tmpl);
    ck_assert_int_ge(fd, 0);
    f = fdopen(fd, "w");
    fputs("CLIENT_RANDOM " R32B " ", f);
    for (int i = 0; i < 3000; i++) {
        fputc('a', f);
    }
    fputs("\r\nCLIENT_RANDOM " R32B " " S48 "\r\nEXPORTER_SECRET " R32B " " S32, f);
    fclose(f);
    ck_assert_int_eq(rd_keylog_load_file(kl, tmpl, err), 0);
    unlink(tmpl);
    ck_assert_uint_eq(rd_keylog_malformed(kl), 1);
    ck_assert_uint_eq(rd_keylog_count(kl), 7);
    rd_keylog_free(kl);
}
END_TEST

/* ---- pcapng Decryption Secrets Blocks ------------------------------------------------ */

struct buf {
    uint8_t b[1024];
    size_t n;
};

static void put32(struct buf *w, uint32_t v, bool be)
{
    for (int i = 0; i < 4; i++) {
        int shift = be ? 24 - 8 * i : 8 * i;
        w->b[w->n++] = (uint8_t)(v >> shift);
    }
}

static void put_bytes(struct buf *w, const void *p, size_t n)
{
    memcpy(w->b + w->n, p, n);
    w->n += n;
}

/*
 * Section Header Block (pcapng 4.1):
 *   block type 0x0A0D0D0A, total length 28, byte-order magic 0x1A2B3C4D,
 *   version 1.0, section length -1 (unknown), total length 28
 */
static void shb(struct buf *w, bool be)
{
    put32(w, 0x0A0D0D0A, be);
    put32(w, 28, be);
    put32(w, 0x1A2B3C4D, be);
    put32(w, be ? 0x00010000 : 0x00000001, be); /* major 1, minor 0 as two u16 */
    put32(w, 0xFFFFFFFF, be);
    put32(w, 0xFFFFFFFF, be);
    put32(w, 28, be);
}

/*
 * Decryption Secrets Block (pcapng 4.7):
 *   block type 0x0000000A, total length, secrets type, secrets length,
 *   secrets data padded to 4, total length
 */
static void dsb(struct buf *w, bool be, uint32_t stype, const char *secrets)
{
    size_t len = strlen(secrets);
    size_t pad = (4 - len % 4) % 4;
    uint32_t total = (uint32_t)(12 + 8 + len + pad);

    put32(w, 0x0000000A, be);
    put32(w, total, be);
    put32(w, stype, be);
    put32(w, (uint32_t)len, be);
    put_bytes(w, secrets, len);
    put_bytes(w, "\0\0\0", pad);
    put32(w, total, be);
}

/* An Interface Description Block: link type 1, snaplen 0, no options. */
static void idb(struct buf *w, bool be)
{
    put32(w, 1, be);
    put32(w, 20, be);
    put32(w, be ? 0x00010000 : 0x00000001, be);
    put32(w, 0, be);
    put32(w, 20, be);
}

static const char *write_tmp(const struct buf *w, char *tmpl)
{
    int fd = mkstemp(tmpl);
    FILE *f;

    ck_assert_int_ge(fd, 0);
    f = fdopen(fd, "wb");
    ck_assert_uint_eq(fwrite(w->b, 1, w->n, f), w->n);
    fclose(f);
    return tmpl;
}

#define LINE1 "CLIENT_RANDOM " R32 " " S48 "\n"
#define LINE2 "CLIENT_RANDOM " R32B " " S48 /* 175 bytes: one byte of padding */

START_TEST(test_dsb_both_orders)
{
    bool be = _i == 1;
    struct buf w = {.n = 0};
    char tmpl[] = "/tmp/check_dsb_XXXXXX";
    struct rd_keylog *kl = rd_keylog_new();
    char err[256];
    size_t found = 9;

    shb(&w, be);
    idb(&w, be);
    dsb(&w, be, 0x544c534b, LINE1);
    dsb(&w, be, 0x57474b4c, "not a TLS key log"); /* WireGuard keys: skipped */
    dsb(&w, be, 0x544c534b, LINE2);
    write_tmp(&w, tmpl);
    ck_assert_int_eq(rd_pcapng_read_dsb(tmpl, kl, &found, err), 0);
    unlink(tmpl);
    ck_assert_str_eq(err, "");
    ck_assert_uint_eq(found, 2);
    ck_assert_uint_eq(rd_keylog_count(kl), 2);
    ck_assert_uint_eq(rd_keylog_malformed(kl), 0);
    rd_keylog_free(kl);
}
END_TEST

/*
 * Corruptions: each stops the walk with a message and a 0 return; blocks before the
 * damage count.  _i selects the damage.
 */
START_TEST(test_dsb_corrupt)
{
    struct buf w = {.n = 0};
    char tmpl[] = "/tmp/check_dsb_XXXXXX";
    struct rd_keylog *kl = rd_keylog_new();
    char err[256];
    size_t found = 0;
    size_t second;
    const char *want;

    shb(&w, false);
    dsb(&w, false, 0x544c534b, LINE1);
    second = w.n;
    dsb(&w, false, 0x544c534b, LINE2);
    switch (_i) {
    case 0: /* total length one too small (not a multiple of 4) */
        w.b[second + 4]--;
        want = "bad block length";
        break;
    case 1: /* total length 4 too big: the trailing length disagrees */
        w.b[second + 4] += 4;
        want = "truncated";
        break;
    case 2: /* trailing total length one too big */
        w.b[w.n - 4]++;
        want = "corrupt decryption secrets block";
        break;
    case 3: /* secrets length past the block */
        w.b[second + 12] += 8;
        want = "corrupt decryption secrets block";
        break;
    case 4: /* the file ends inside the block */
        w.n -= 5;
        want = "truncated";
        break;
    case 5: /* the file ends inside the next block header */
        w.n = second + 3;
        want = "block header truncated";
        break;
    default: /* total length below the minimum block */
        w.b[second + 4] = 8;
        want = "bad block length";
        break;
    }
    write_tmp(&w, tmpl);
    ck_assert_int_eq(rd_pcapng_read_dsb(tmpl, kl, &found, err), 0);
    unlink(tmpl);
    ck_assert_msg(strstr(err, want) != NULL, "%d: %s", _i, err);
    ck_assert_uint_eq(found, 1);
    ck_assert_uint_eq(rd_keylog_count(kl), 1);
    rd_keylog_free(kl);
}
END_TEST

START_TEST(test_dsb_not_pcapng)
{
    struct rd_keylog *kl = rd_keylog_new();
    char path[512];
    char err[256];
    size_t found = 7;

    /* A classic pcap: no blocks, no error. */
    snprintf(path, sizeof(path), "%s/tls12-ecdhe-aes128-gcm.pcap", RD_TLS_DATA_DIR);
    ck_assert_int_eq(rd_pcapng_read_dsb(path, kl, &found, err), 0);
    ck_assert_uint_eq(found, 0);
    ck_assert_str_eq(err, "");
    ck_assert_int_eq(rd_pcapng_read_dsb("/nonexistent.pcapng", kl, &found, err), -1);
    ck_assert_str_eq(err, "/nonexistent.pcapng: No such file or directory");
    rd_keylog_free(kl);
}
END_TEST

/* The Windows capture's DSB (awakecoding/wireshark-rdp): TLS 1.2 CLIENT_RANDOM lines. */
START_TEST(test_dsb_public_capture)
{
    const char *path = RD_PUBLIC_CAPTURES "/rdp-nla-ntlm-rejected1.pcapng";
    struct rd_keylog *kl;
    char err[256];
    size_t found = 0;

    if (access(path, R_OK) != 0) {
        printf("skipped: %s not present\n", path);
        return;
    }
    kl = rd_keylog_new();
    ck_assert_int_eq(rd_pcapng_read_dsb(path, kl, &found, err), 0);
    ck_assert_str_eq(err, "");
    /* The capture holds two DSBs (one per connection). */
    ck_assert_uint_ge(found, 1);
    ck_assert_uint_ge(rd_keylog_count(kl), 1);
    ck_assert_uint_eq(rd_keylog_malformed(kl), 0);
    rd_keylog_free(kl);
}
END_TEST

static Suite *keylog_suite(void)
{
    Suite *s = suite_create("keylog");
    TCase *tc = tcase_create("keylog");
    TCase *td = tcase_create("pcapng_dsb");

    tcase_add_test(tc, test_minimal);
    tcase_add_test(tc, test_tls13_and_layout);
    tcase_add_test(tc, test_last_wins);
    tcase_add_loop_test(tc, test_malformed, 0, (int)(sizeof(bad_lines) / sizeof(bad_lines[0])));
    tcase_add_test(tc, test_ignored_and_overlong);
    tcase_add_test(tc, test_cap);
    tcase_add_test(tc, test_file);
    suite_add_tcase(s, tc);
    tcase_add_loop_test(td, test_dsb_both_orders, 0, 2);
    tcase_add_loop_test(td, test_dsb_corrupt, 0, 7);
    tcase_add_test(td, test_dsb_not_pcapng);
    tcase_add_test(td, test_dsb_public_capture);
    suite_add_tcase(s, td);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(keylog_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

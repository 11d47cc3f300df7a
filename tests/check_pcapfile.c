/*
 * check_pcapfile.c - the block reader of analyzer/pcapfile.c against libpcap.
 *
 * The reader must hand out exactly the records libpcap's pcap_next_ex would,
 * and hand over to libpcap at the first record it does not take, so that
 * libpcap's own truncation, errors and messages follow.  Each case reads a
 * file twice, once with libpcap alone and once as capture.c does (block
 * reader first, libpcap after a hand-over), and compares every record's
 * header and bytes, the end (clean or error) and the error text:
 *   - every classic pcap of captures/ and ../shared/public-captures;
 *   - each of those cut at every record boundary, inside every record header
 *     and inside the data of every record;
 *   - record headers changed: captured length above the snapshot length,
 *     zero, above 262144, below the original length; times with the top bit
 *     set; and the file written in the other byte order, with nanosecond
 *     stamps, and as version 2.3 (which the reader leaves to libpcap);
 *   - files larger than the reader's buffer, with records that straddle it.
 */
#include "config.h"

#include <check.h>
#include <glob.h>
#include <pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pcapfile.h"

struct rec {
    int64_t sec, frac;
    uint32_t caplen, len;
    size_t off; /* of its bytes in struct run.bytes */
};

struct run {
    struct rec *recs;
    size_t n, cap;
    uint8_t *bytes;
    size_t nbytes, bytes_cap;
    int end;         /* pcap_next_ex's last return */
    char error[512]; /* with end PCAP_ERROR */
    bool opened;
    bool took;        /* the block reader took the file */
    size_t handed_at; /* records read by the block reader before a hand-over */
};

static void add(struct run *r, const struct pcap_pkthdr *h, const u_char *data)
{
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 64;
        r->recs = realloc(r->recs, r->cap * sizeof(*r->recs));
        ck_assert_ptr_nonnull(r->recs);
    }
    while (r->nbytes + h->caplen > r->bytes_cap) {
        r->bytes_cap = r->bytes_cap ? 2 * r->bytes_cap : 65536;
        r->bytes = realloc(r->bytes, r->bytes_cap);
        ck_assert_ptr_nonnull(r->bytes);
    }
    r->recs[r->n] = (struct rec){h->ts.tv_sec, h->ts.tv_usec, h->caplen, h->len, r->nbytes};
    if (h->caplen > 0) {
        memcpy(r->bytes + r->nbytes, data, h->caplen);
    }
    r->nbytes += h->caplen;
    r->n++;
}

/* Read a file from memory as capture.c does (blocks: true) or with libpcap alone. */
static void read_all(uint8_t *file, size_t size, bool blocks, struct run *r)
{
    char err[PCAP_ERRBUF_SIZE];
    FILE *f = fmemopen(file, size, "rb");
    pcap_t *p;
    struct rd_pcapfile pf;
    struct pcap_pkthdr fh, *h;
    const u_char *data;

    memset(r, 0, sizeof(*r));
    ck_assert_ptr_nonnull(f);
    p = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_NANO, err);
    if (p == NULL) {
        fclose(f);
        snprintf(r->error, sizeof(r->error), "%s", err);
        return;
    }
    r->opened = true;
    r->took = blocks && rd_pcapfile_open(&pf, f, (uint32_t)pcap_snapshot(p));
    bool fast = r->took;
    for (;;) {
        int rc;
        if (fast) {
            struct rd_pcapfile_rec rec;
            enum rd_pcapfile_next got = rd_pcapfile_next(&pf, &rec);
            if (got == RD_PCAPFILE_FRAME) {
                fh.ts.tv_sec = (time_t)rec.ts_sec;
                fh.ts.tv_usec = (suseconds_t)rec.ts_nsec;
                fh.caplen = rec.caplen;
                fh.len = rec.len;
                add(r, &fh, rec.data);
                continue;
            }
            rd_pcapfile_close(&pf);
            fast = false;
            if (got == RD_PCAPFILE_END) {
                r->end = PCAP_ERROR_BREAK;
                r->handed_at = (size_t)-1;
                break;
            }
            r->handed_at = r->n;
        }
        rc = pcap_next_ex(p, &h, &data);
        if (rc != 1) {
            r->end = rc;
            if (rc == PCAP_ERROR) {
                snprintf(r->error, sizeof(r->error), "%s", pcap_geterr(p));
            }
            break;
        }
        add(r, h, data);
    }
    if (fast) {
        rd_pcapfile_close(&pf);
    }
    pcap_close(p);
}

static void free_run(struct run *r)
{
    free(r->recs);
    free(r->bytes);
}

/* Both ways of reading give the same; returns whether the block reader took it. */
static bool compare(uint8_t *file, size_t size, const char *what)
{
    struct run a, b;

    read_all(file, size, false, &a);
    read_all(file, size, true, &b);
    ck_assert_msg(a.opened == b.opened, "%s: opened differently", what);
    ck_assert_msg(a.n == b.n, "%s: %zu records from libpcap, %zu with the block reader", what, a.n,
                  b.n);
    for (size_t i = 0; i < a.n; i++) {
        const struct rec *x = &a.recs[i], *y = &b.recs[i];
        ck_assert_msg(x->sec == y->sec && x->frac == y->frac && x->caplen == y->caplen &&
                          x->len == y->len,
                      "%s: record %zu: %lld.%lld %u/%u from libpcap, %lld.%lld %u/%u", what, i + 1,
                      (long long)x->sec, (long long)x->frac, x->caplen, x->len, (long long)y->sec,
                      (long long)y->frac, y->caplen, y->len);
        ck_assert_msg(x->caplen == 0 || memcmp(a.bytes + x->off, b.bytes + y->off, x->caplen) == 0,
                      "%s: record %zu: bytes differ", what, i + 1);
    }
    /* libpcap ends a file with PCAP_ERROR_BREAK (-2) in this version. */
    ck_assert_msg(a.end == b.end, "%s: ends with %d from libpcap, %d with the block reader", what,
                  a.end, b.end);
    ck_assert_msg(strcmp(a.error, b.error) == 0, "%s: error '%s' from libpcap, '%s'", what, a.error,
                  b.error);
    bool took = b.took;
    free_run(&a);
    free_run(&b);
    return took;
}

static uint8_t *load(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf;
    long n;

    if (f == NULL) {
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(buf);
    ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *size = (size_t)n;
    return buf;
}

static uint32_t get32(const uint8_t *p, bool big)
{
    return big ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
               : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static void put32(uint8_t *p, uint32_t v, bool big)
{
    for (int i = 0; i < 4; i++) {
        p[big ? i : 3 - i] = (uint8_t)(v >> (24 - 8 * i));
    }
}

/* The offsets of the record headers of a classic pcap (up to max of them). */
static size_t record_offsets(const uint8_t *file, size_t size, size_t *offs, size_t max)
{
    bool big = file[0] == 0xa1;
    size_t n = 0, at = 24;

    while (n < max && at + 16 <= size) {
        uint32_t caplen = get32(file + at + 8, big);
        offs[n++] = at;
        if (caplen > size - at - 16) {
            break;
        }
        at += 16 + caplen;
    }
    return n;
}

/* Every capture of captures/ and of ../shared/public-captures. */
static glob_t files;

static void find_files(void)
{
    char pat[1024];

    snprintf(pat, sizeof(pat), "%s/captures/*.pcap", RD_SRC_DIR);
    if (glob(pat, 0, NULL, &files) != 0) {
        files.gl_pathc = 0;
    }
    snprintf(pat, sizeof(pat), "%s/public-captures/*.pcap*", RD_SHARED_DIR);
    if (glob(pat, files.gl_pathc > 0 ? GLOB_APPEND : 0, NULL, &files) != 0) {
        printf("check_pcapfile: %s/public-captures not found: captures/ only\n", RD_SHARED_DIR);
    }
}

#define NFILES files.gl_pathc

static uint8_t *load_named(size_t i, size_t *size, char *path, size_t pathsize)
{
    snprintf(path, pathsize, "%s", files.gl_pathv[i]);
    return load(path, size);
}

/* The first of our own captures (the sample the README runs). */
static uint8_t *load_sample(size_t *size, char *path, size_t pathsize)
{
    snprintf(path, pathsize, "%s/captures/nla-ok.pcap", RD_SRC_DIR);
    return load(path, size);
}

START_TEST(test_whole_files)
{
    size_t compared = 0, taken = 0;

    for (size_t i = 0; i < NFILES; i++) {
        char path[1024];
        size_t size;
        uint8_t *f = load_named(i, &size, path, sizeof(path));
        if (f == NULL) {
            printf("check_pcapfile: skipping %s: not readable\n", path);
            continue;
        }
        taken += compare(f, size, path);
        compared++;
        free(f);
    }
    ck_assert_uint_gt(compared, 0);
    ck_assert_uint_gt(taken, 0); /* the classic ones went through the block reader */
}
END_TEST

START_TEST(test_every_cut)
{
    for (size_t i = 0; i < NFILES; i++) {
        char path[1024], what[1100];
        size_t size, offs[4096], n;
        uint8_t *f = load_named(i, &size, path, sizeof(path));
        if (f == NULL) {
            printf("check_pcapfile: skipping cuts of %s: not readable\n", path);
            continue;
        }
        if (f[0] == 0x0a) { /* pcapng: libpcap's alone, nothing to compare */
            free(f);
            continue;
        }
        n = record_offsets(f, size, offs, sizeof(offs) / sizeof(offs[0]));
        for (size_t k = 0; k < n && k < 400; k++) {
            size_t cuts[] = {offs[k],      offs[k] + 1,  offs[k] + 8, offs[k] + 15,
                             offs[k] + 16, offs[k] + 17, offs[k] + 40};
            for (size_t c = 0; c < sizeof(cuts) / sizeof(cuts[0]); c++) {
                if (cuts[c] > size) {
                    continue;
                }
                snprintf(what, sizeof(what), "%s cut at %zu", path, cuts[c]);
                compare(f, cuts[c], what);
            }
        }
        free(f);
    }
}
END_TEST

/* One small capture, its records' headers changed one field at a time. */
START_TEST(test_changed_headers)
{
    char path[1024];
    size_t size, offs[64], n;
    uint8_t *f = load_sample(&size, path, sizeof(path));

    if (f == NULL) {
        printf("check_pcapfile: skipping changed headers: %s not readable\n", path);
        return;
    }
    bool big = f[0] == 0xa1;
    uint32_t snap = get32(f + 16, big);
    n = record_offsets(f, size, offs, 64);
    ck_assert_uint_gt(n, 10);
    for (size_t k = 0; k < 10; k++) {
        uint32_t caplen = get32(f + offs[k] + 8, big);
        const uint32_t lens[] = {0,      snap,        snap + 1,   262144,
                                 262145, 0xffffffffu, caplen - 1, caplen + 1};
        const uint32_t other[] = {0, caplen - 1, 0xffffffffu};
        const uint32_t times[] = {0x80000000u, 0xffffffffu, 999999, 1000000, 0x7fffffffu};
        char what[1200];
        uint8_t *g = malloc(size);
        ck_assert_ptr_nonnull(g);
        for (size_t j = 0; j < sizeof(lens) / sizeof(lens[0]); j++) {
            memcpy(g, f, size);
            put32(g + offs[k] + 8, lens[j], big);
            snprintf(what, sizeof(what), "record %zu with caplen %u", k + 1, lens[j]);
            compare(g, size, what);
        }
        for (size_t j = 0; j < sizeof(other) / sizeof(other[0]); j++) {
            memcpy(g, f, size);
            put32(g + offs[k] + 12, other[j], big);
            snprintf(what, sizeof(what), "record %zu with len %u", k + 1, other[j]);
            compare(g, size, what);
        }
        for (size_t j = 0; j < sizeof(times) / sizeof(times[0]); j++) {
            for (size_t field = 0; field < 2; field++) {
                memcpy(g, f, size);
                put32(g + offs[k] + 4 * field, times[j], big);
                snprintf(what, sizeof(what), "record %zu with time field %zu = %u", k + 1, field,
                         times[j]);
                compare(g, size, what);
            }
        }
        free(g);
    }
    free(f);
}
END_TEST

/* The capture rewritten: other byte order, nanosecond magic, version 2.3,
 * a snapshot length of 0 (libpcap takes its maximum) and a small one. */
START_TEST(test_header_variants)
{
    char path[1024];
    size_t size, offs[4096], n;
    uint8_t *f = load_sample(&size, path, sizeof(path));

    if (f == NULL) {
        printf("check_pcapfile: skipping header variants: %s not readable\n", path);
        return;
    }
    bool big = f[0] == 0xa1;
    uint8_t *g = malloc(size);
    ck_assert_ptr_nonnull(g);
    n = record_offsets(f, size, offs, sizeof(offs) / sizeof(offs[0]));

    /* Other byte order: every 32-bit field of both header kinds, the 16-bit versions. */
    memcpy(g, f, size);
    put32(g, get32(f, big), !big);
    g[4] = f[5], g[5] = f[4], g[6] = f[7], g[7] = f[6];
    for (size_t o = 8; o < 24; o += 4) {
        put32(g + o, get32(f + o, big), !big);
    }
    for (size_t k = 0; k < n; k++) {
        for (size_t o = 0; o < 16; o += 4) {
            put32(g + offs[k] + o, get32(f + offs[k] + o, big), !big);
        }
    }
    ck_assert(compare(g, size, "other byte order"));

    memcpy(g, f, size);
    put32(g, 0xa1b23c4du, big);
    ck_assert(compare(g, size, "nanosecond magic"));

    memcpy(g, f, size);
    g[big ? 7 : 6] = 3;
    ck_assert(!compare(g, size, "version 2.3"));

    memcpy(g, f, size);
    put32(g + 16, 0, big);
    compare(g, size, "snapshot length 0");
    memcpy(g, f, size);
    put32(g + 16, 60, big);
    compare(g, size, "snapshot length 60");
    free(g);
    free(f);
}
END_TEST

/* More than the reader's buffer, so that records straddle every refill. */
START_TEST(test_large_file)
{
    char path[1024];
    size_t size;
    uint8_t *f = load_sample(&size, path, sizeof(path));

    if (f == NULL) {
        printf("check_pcapfile: skipping the large file: %s not readable\n", path);
        return;
    }
    size_t body = size - 24, copies = (3u << 20) / body + 2;
    uint8_t *g = malloc(24 + copies * body);
    ck_assert_ptr_nonnull(g);
    memcpy(g, f, 24);
    for (size_t i = 0; i < copies; i++) {
        memcpy(g + 24 + i * body, f + 24, body);
    }
    ck_assert(compare(g, 24 + copies * body, "large file"));
    /* ... and cut in the middle of its last record. */
    ck_assert(compare(g, 24 + copies * body - 5, "large file, cut"));
    free(g);
    free(f);
}
END_TEST

static Suite *pcapfile_suite(void)
{
    Suite *s = suite_create("pcapfile");
    TCase *tc = tcase_create("core");

    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_whole_files);
    tcase_add_test(tc, test_every_cut);
    tcase_add_test(tc, test_changed_headers);
    tcase_add_test(tc, test_header_variants);
    tcase_add_test(tc, test_large_file);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr;
    int failed;

    find_files();
    sr = srunner_create(pcapfile_suite());

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    globfree(&files);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

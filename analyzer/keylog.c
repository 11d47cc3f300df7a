/*
 * keylog.c - NSS key log (SSLKEYLOGFILE) reader.
 *
 * Format: the NSS "Key Log Format" used by Firefox, Chrome, curl and OpenSSL's
 * SSL_CTX_set_keylog_callback: one `LABEL <client random> <secret>` line per secret,
 * hex-encoded; the secret labels of TLS 1.3 are the names of RFC 8446 7.1.
 * Windows captures carry the same text in a pcapng Decryption Secrets Block.
 *
 * Lines are read with a fixed-size buffer; a longer line is malformed.  Entries live in
 * one array, capped at RD_KEYLOG_MAX_ENTRIES and sorted after each load so a lookup is a
 * binary search.
 */
#include "config.h"

#include "keylog.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "cursor.h"

struct entry {
    uint8_t random[RD_KEYLOG_RANDOM_LEN];
    uint8_t kind;
    uint8_t len;
    uint32_t seq; /* insertion order: the last line given wins */
    uint8_t secret[RD_KEYLOG_MAX_SECRET];
};

struct rd_keylog {
    struct entry *v;
    size_t n;
    size_t cap;
    size_t max;
    size_t malformed;
    size_t ignored;
    size_t dropped;
    uint32_t seq;
};

static const char *const kind_names[RD_KEYLOG_NKINDS] = {
    [RD_KEYLOG_CLIENT_RANDOM] = "CLIENT_RANDOM",
    [RD_KEYLOG_CLIENT_EARLY_TRAFFIC_SECRET] = "CLIENT_EARLY_TRAFFIC_SECRET",
    [RD_KEYLOG_CLIENT_HANDSHAKE_TRAFFIC_SECRET] = "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
    [RD_KEYLOG_SERVER_HANDSHAKE_TRAFFIC_SECRET] = "SERVER_HANDSHAKE_TRAFFIC_SECRET",
    [RD_KEYLOG_CLIENT_TRAFFIC_SECRET_0] = "CLIENT_TRAFFIC_SECRET_0",
    [RD_KEYLOG_SERVER_TRAFFIC_SECRET_0] = "SERVER_TRAFFIC_SECRET_0",
    [RD_KEYLOG_EARLY_EXPORTER_SECRET] = "EARLY_EXPORTER_SECRET",
    [RD_KEYLOG_EXPORTER_SECRET] = "EXPORTER_SECRET",
};

static int hexval(uint8_t ch)
{
    if (ch >= '0' && ch <= '9') {
        return ch - '0';
    }
    if (ch >= 'a' && ch <= 'f') {
        return ch - 'a' + 10;
    }
    if (ch >= 'A' && ch <= 'F') {
        return ch - 'A' + 10;
    }
    return -1;
}

static bool is_blank(uint8_t ch)
{
    return ch == ' ' || ch == '\t';
}

/* Carve the next blank-separated token of a line (leading blanks skipped). */
static bool next_token(struct rd_cur *line, struct rd_cur *tok)
{
    uint8_t ch;
    size_t n = 0;

    while (rd_cur_peek_u8(line, &ch) && is_blank(ch)) {
        rd_cur_skip(line, 1);
    }
    while (rd_cur_peek_at(line, n, &ch) && !is_blank(ch)) {
        n++;
    }
    if (n == 0) {
        return false;
    }
    return rd_cur_take(line, n, tok);
}

/* Decode a hex token of exactly 2 * min..2 * max digits into out; false otherwise. */
static bool decode_hex(struct rd_cur tok, size_t min, size_t max, uint8_t *out, size_t *outlen)
{
    size_t n = 0;
    uint8_t hi;
    uint8_t lo;

    if (tok.len % 2 != 0 || tok.len / 2 < min || tok.len / 2 > max) {
        return false;
    }
    while (rd_cur_u8(&tok, &hi) && rd_cur_u8(&tok, &lo)) {
        int h = hexval(hi);
        int l = hexval(lo);
        if (h < 0 || l < 0) {
            return false;
        }
        out[n++] = (uint8_t)(h << 4 | l);
    }
    *outlen = n;
    return true;
}

static int label_kind(struct rd_cur tok)
{
    for (int k = 0; k < RD_KEYLOG_NKINDS; k++) {
        size_t n = strlen(kind_names[k]);
        if (tok.len == n && rd_bytes_eq(rd_cur_rest(&tok), kind_names[k], n)) {
            return k;
        }
    }
    return -1;
}

static bool looks_like_label(struct rd_cur tok)
{
    uint8_t ch;

    while (rd_cur_u8(&tok, &ch)) {
        if (!((ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_')) {
            return false;
        }
    }
    return true;
}

static void add_entry(struct rd_keylog *kl, const struct entry *e)
{
    if (kl->n == kl->cap) {
        size_t ncap = kl->cap ? kl->cap * 2 : 16;
        struct entry *nv;
        if (ncap > kl->max) {
            ncap = kl->max;
        }
        if (ncap <= kl->cap) {
            kl->dropped++;
            return;
        }
        nv = OPENSSL_secure_zalloc(ncap * sizeof(*nv));
        if (nv == NULL) {
            kl->dropped++;
            return;
        }
        if (kl->n > 0) {
            memcpy(nv, kl->v, kl->n * sizeof(*nv));
        }
        OPENSSL_secure_clear_free(kl->v, kl->cap * sizeof(*kl->v));
        kl->v = nv;
        kl->cap = ncap;
    }
    kl->v[kl->n] = *e;
    kl->v[kl->n].seq = kl->seq++;
    kl->n++;
}

/* One line, without its line end.  Blank lines and comments are skipped silently. */
static void parse_line(struct rd_keylog *kl, struct rd_cur line)
{
    struct rd_cur label;
    struct rd_cur random;
    struct rd_cur secret;
    struct rd_cur extra;
    struct entry e;
    uint8_t ch;
    size_t n;
    int kind;

    /* A CR before the LF (files written on Windows). */
    if (line.len > 0 && rd_cur_peek_at(&line, line.len - 1, &ch) && ch == '\r') {
        line.len--;
    }
    if (!next_token(&line, &label)) {
        return;
    }
    if (rd_cur_peek_u8(&label, &ch) && ch == '#') {
        return;
    }
    if (!next_token(&line, &random) || !next_token(&line, &secret) || next_token(&line, &extra)) {
        kl->malformed++;
        return;
    }
    kind = label_kind(label);
    if (kind < 0) {
        /* NSS also writes `RSA <8 bytes of encrypted premaster> <premaster>`; the RSA
         * path here decrypts the ClientKeyExchange with the server key instead. */
        if (looks_like_label(label)) {
            kl->ignored++;
        } else {
            kl->malformed++;
        }
        return;
    }
    memset(&e, 0, sizeof(e));
    e.kind = (uint8_t)kind;
    if (!decode_hex(random, RD_KEYLOG_RANDOM_LEN, RD_KEYLOG_RANDOM_LEN, e.random, &n)) {
        kl->malformed++;
        return;
    }
    /* The TLS <= 1.2 master secret is 48 bytes (RFC 5246 8.1); TLS 1.3 secrets are one
     * hash output long (RFC 8446 7.1): 32 or 48 with the defined suites. */
    if (kind == RD_KEYLOG_CLIENT_RANDOM
            ? !decode_hex(secret, 48, 48, e.secret, &n)
            : !decode_hex(secret, 32, RD_KEYLOG_MAX_SECRET, e.secret, &n)) {
        OPENSSL_cleanse(&e, sizeof(e));
        kl->malformed++;
        return;
    }
    e.len = (uint8_t)n;
    add_entry(kl, &e);
    OPENSSL_cleanse(&e, sizeof(e));
}

static int entry_cmp(const void *a, const void *b)
{
    const struct entry *x = a;
    const struct entry *y = b;
    int c = memcmp(x->random, y->random, sizeof(x->random));

    if (c != 0) {
        return c;
    }
    if (x->kind != y->kind) {
        return x->kind < y->kind ? -1 : 1;
    }
    if (x->seq != y->seq) {
        return x->seq < y->seq ? -1 : 1;
    }
    return 0;
}

static void sort_entries(struct rd_keylog *kl)
{
    if (kl->n > 1) {
        qsort(kl->v, kl->n, sizeof(*kl->v), entry_cmp);
    }
}

/* Index of the first entry whose random is >= the given one. */
static size_t lower_bound(const struct rd_keylog *kl, const uint8_t *random)
{
    size_t lo = 0;
    size_t hi = kl->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (memcmp(kl->v[mid].random, random, RD_KEYLOG_RANDOM_LEN) < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

struct rd_keylog *rd_keylog_new_capped(size_t max_entries)
{
    struct rd_keylog *kl = calloc(1, sizeof(*kl));

    if (kl != NULL) {
        kl->max = max_entries < RD_KEYLOG_MAX_ENTRIES ? max_entries : RD_KEYLOG_MAX_ENTRIES;
    }
    return kl;
}

struct rd_keylog *rd_keylog_new(void)
{
    return rd_keylog_new_capped(RD_KEYLOG_MAX_ENTRIES);
}

void rd_keylog_free(struct rd_keylog *kl)
{
    if (kl == NULL) {
        return;
    }
    OPENSSL_secure_clear_free(kl->v, kl->cap * sizeof(*kl->v));
    free(kl);
}

void rd_keylog_load_mem(struct rd_keylog *kl, const uint8_t *data, size_t len)
{
    struct rd_cur all;
    struct rd_cur line;
    uint8_t ch;

    rd_cur_init(&all, data, len);
    while (!rd_cur_is_empty(&all)) {
        size_t n = 0;
        while (rd_cur_peek_at(&all, n, &ch) && ch != '\n') {
            n++;
        }
        rd_cur_take(&all, n, &line);
        rd_cur_skip(&all, 1); /* the LF, when there is one */
        if (n > RD_KEYLOG_MAX_LINE) {
            kl->malformed++;
            continue;
        }
        parse_line(kl, line);
    }
    sort_entries(kl);
}

int rd_keylog_load_file(struct rd_keylog *kl, const char *path, char errbuf[256])
{
    char buf[RD_KEYLOG_MAX_LINE + 2];
    FILE *f = fopen(path, "r");
    bool overlong = false;
    int rc = 0;

    if (f == NULL) {
        snprintf(errbuf, 256, "%s: %s", path, strerror(errno));
        return -1;
    }
    while (fgets(buf, sizeof(buf), f) != NULL) {
        size_t n = strlen(buf);
        struct rd_cur line;
        bool complete = n > 0 && buf[n - 1] == '\n';

        if (overlong) {
            /* The rest of a line already counted as malformed. */
            overlong = !complete;
            continue;
        }
        if (!complete && !feof(f)) {
            kl->malformed++;
            overlong = true;
            continue;
        }
        rd_cur_init(&line, (const uint8_t *)buf, complete ? n - 1 : n);
        parse_line(kl, line);
    }
    if (ferror(f)) {
        snprintf(errbuf, 256, "%s: read error", path);
        rc = -1;
    }
    OPENSSL_cleanse(buf, sizeof(buf));
    fclose(f);
    sort_entries(kl);
    return rc;
}

size_t rd_keylog_count(const struct rd_keylog *kl)
{
    return kl->n;
}

size_t rd_keylog_malformed(const struct rd_keylog *kl)
{
    return kl->malformed;
}

size_t rd_keylog_ignored(const struct rd_keylog *kl)
{
    return kl->ignored;
}

size_t rd_keylog_dropped(const struct rd_keylog *kl)
{
    return kl->dropped;
}

unsigned rd_keylog_lookup(const struct rd_keylog *kl, const uint8_t client_random[32])
{
    unsigned mask = 0;

    for (size_t i = lower_bound(kl, client_random);
         i < kl->n && memcmp(kl->v[i].random, client_random, RD_KEYLOG_RANDOM_LEN) == 0; i++) {
        mask |= 1u << kl->v[i].kind;
    }
    return mask;
}

bool rd_keylog_get(const struct rd_keylog *kl, const uint8_t client_random[32],
                   enum rd_keylog_kind kind, uint8_t *out, size_t outsize, size_t *outlen)
{
    const struct entry *found = NULL;

    /* Sorted by (random, kind, seq): the last match is the last line given. */
    for (size_t i = lower_bound(kl, client_random);
         i < kl->n && memcmp(kl->v[i].random, client_random, RD_KEYLOG_RANDOM_LEN) == 0; i++) {
        if (kl->v[i].kind == (uint8_t)kind) {
            found = &kl->v[i];
        }
    }
    if (found == NULL || found->len > outsize) {
        return false;
    }
    memcpy(out, found->secret, found->len);
    *outlen = found->len;
    return true;
}

const char *rd_keylog_kind_name(enum rd_keylog_kind kind)
{
    if ((int)kind < 0 || kind >= RD_KEYLOG_NKINDS) {
        return "?";
    }
    return kind_names[kind];
}

/*
 * tlsdec.c - TLS record decryption with OpenSSL EVP.
 *
 * References:
 *   RFC 2246 (TLS 1.0) 5 PRF, 6.2.3.2 CBC with the IV chained from the previous record,
 *     6.3 key block; RFC 4346 (TLS 1.1) 6.2.3.2 explicit CBC IV;
 *   RFC 5246 (TLS 1.2) 5 PRF with the suite's hash, 6.2.3.1-3 MAC, CBC and AEAD records,
 *     6.3 key block, 8.1 master secret, 7.4.7.1 RSA-encrypted premaster;
 *   RFC 5288 3 GCM nonce (4-byte salt + 8-byte explicit), RFC 7905 2 ChaCha20-Poly1305 nonce;
 *   RFC 7627 4 extended master secret (session hash up to the ClientKeyExchange);
 *   RFC 7366 3 encrypt-then-MAC;
 *   RFC 8446 (TLS 1.3) 5.2 TLSInnerPlaintext, 5.3 per-record nonce, 7.1 HKDF-Expand-Label,
 *     7.2 KeyUpdate, 7.3 traffic keys.
 *
 * Every primitive is an EVP object: EVP_CIPHER (CBC, GCM, ChaCha20-Poly1305), EVP_MAC
 * HMAC, EVP_KDF "TLS1-PRF" and "HKDF" (expand only), EVP_PKEY_decrypt for RSA.  The MAC
 * and padding checks are not constant-time: a passive analyzer has no oracle to protect.
 */
#include "config.h"

#include "tlsdec.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "cursor.h"

#define CT_CHANGE_CIPHER_SPEC 20
#define CT_ALERT              21
#define CT_HANDSHAKE          22
#define CT_APPLICATION_DATA   23

#define HS_CLIENT_HELLO        1
#define HS_CLIENT_KEY_EXCHANGE 16
#define HS_FINISHED            20
#define HS_KEY_UPDATE          24

#define TLS10 0x0301
#define TLS11 0x0302
#define TLS12 0x0303
#define TLS13 0x0304

#define MAX_KEY          32
#define MAX_IV           16
#define MAX_MAC          48
#define MAX_HASH         64
#define MAX_PREMASTER    1024 /* an RSA-8192 ciphertext */
#define AEAD_TAG         16
#define MAX_RSA_KEY_FILE (1024 * 1024)

enum kex { KEX_RSA, KEX_OTHER, KEX_TLS13 };
enum mode { MODE_CBC, MODE_GCM, MODE_CHACHA };

struct suite {
    uint16_t id;
    enum kex kex;
    enum mode mode;
    const char *cipher; /* EVP cipher name */
    size_t key_len;
    size_t iv_len;   /* CBC: block size; GCM <= 1.2: 4-byte salt; otherwise 12 */
    const char *mac; /* HMAC digest, NULL for AEAD */
    size_t mac_len;
    const char *prf; /* TLS 1.2 PRF hash / TLS 1.3 HKDF hash */
};

/* IANA TLS Cipher Suites registry; the suites RDP servers and clients negotiate. */
static const struct suite suites[] = {
    {0x000A, KEX_RSA, MODE_CBC, "DES-EDE3-CBC", 24, 8, "SHA1", 20, "SHA256"},
    {0x002F, KEX_RSA, MODE_CBC, "AES-128-CBC", 16, 16, "SHA1", 20, "SHA256"},
    {0x0035, KEX_RSA, MODE_CBC, "AES-256-CBC", 32, 16, "SHA1", 20, "SHA256"},
    {0x003C, KEX_RSA, MODE_CBC, "AES-128-CBC", 16, 16, "SHA256", 32, "SHA256"},
    {0x003D, KEX_RSA, MODE_CBC, "AES-256-CBC", 32, 16, "SHA256", 32, "SHA256"},
    {0x009C, KEX_RSA, MODE_GCM, "AES-128-GCM", 16, 4, NULL, 0, "SHA256"},
    {0x009D, KEX_RSA, MODE_GCM, "AES-256-GCM", 32, 4, NULL, 0, "SHA384"},
    {0x0016, KEX_OTHER, MODE_CBC, "DES-EDE3-CBC", 24, 8, "SHA1", 20, "SHA256"},
    {0x0033, KEX_OTHER, MODE_CBC, "AES-128-CBC", 16, 16, "SHA1", 20, "SHA256"},
    {0x0039, KEX_OTHER, MODE_CBC, "AES-256-CBC", 32, 16, "SHA1", 20, "SHA256"},
    {0x0067, KEX_OTHER, MODE_CBC, "AES-128-CBC", 16, 16, "SHA256", 32, "SHA256"},
    {0x006B, KEX_OTHER, MODE_CBC, "AES-256-CBC", 32, 16, "SHA256", 32, "SHA256"},
    {0x009E, KEX_OTHER, MODE_GCM, "AES-128-GCM", 16, 4, NULL, 0, "SHA256"},
    {0x009F, KEX_OTHER, MODE_GCM, "AES-256-GCM", 32, 4, NULL, 0, "SHA384"},
    {0xC009, KEX_OTHER, MODE_CBC, "AES-128-CBC", 16, 16, "SHA1", 20, "SHA256"},
    {0xC00A, KEX_OTHER, MODE_CBC, "AES-256-CBC", 32, 16, "SHA1", 20, "SHA256"},
    {0xC012, KEX_OTHER, MODE_CBC, "DES-EDE3-CBC", 24, 8, "SHA1", 20, "SHA256"},
    {0xC013, KEX_OTHER, MODE_CBC, "AES-128-CBC", 16, 16, "SHA1", 20, "SHA256"},
    {0xC014, KEX_OTHER, MODE_CBC, "AES-256-CBC", 32, 16, "SHA1", 20, "SHA256"},
    {0xC023, KEX_OTHER, MODE_CBC, "AES-128-CBC", 16, 16, "SHA256", 32, "SHA256"},
    {0xC024, KEX_OTHER, MODE_CBC, "AES-256-CBC", 32, 16, "SHA384", 48, "SHA384"},
    {0xC027, KEX_OTHER, MODE_CBC, "AES-128-CBC", 16, 16, "SHA256", 32, "SHA256"},
    {0xC028, KEX_OTHER, MODE_CBC, "AES-256-CBC", 32, 16, "SHA384", 48, "SHA384"},
    {0xC02B, KEX_OTHER, MODE_GCM, "AES-128-GCM", 16, 4, NULL, 0, "SHA256"},
    {0xC02C, KEX_OTHER, MODE_GCM, "AES-256-GCM", 32, 4, NULL, 0, "SHA384"},
    {0xC02F, KEX_OTHER, MODE_GCM, "AES-128-GCM", 16, 4, NULL, 0, "SHA256"},
    {0xC030, KEX_OTHER, MODE_GCM, "AES-256-GCM", 32, 4, NULL, 0, "SHA384"},
    {0xCCA8, KEX_OTHER, MODE_CHACHA, "ChaCha20-Poly1305", 32, 12, NULL, 0, "SHA256"},
    {0xCCA9, KEX_OTHER, MODE_CHACHA, "ChaCha20-Poly1305", 32, 12, NULL, 0, "SHA256"},
    {0xCCAA, KEX_OTHER, MODE_CHACHA, "ChaCha20-Poly1305", 32, 12, NULL, 0, "SHA256"},
    {0x1301, KEX_TLS13, MODE_GCM, "AES-128-GCM", 16, 12, NULL, 0, "SHA256"},
    {0x1302, KEX_TLS13, MODE_GCM, "AES-256-GCM", 32, 12, NULL, 0, "SHA384"},
    {0x1303, KEX_TLS13, MODE_CHACHA, "ChaCha20-Poly1305", 32, 12, NULL, 0, "SHA256"},
};

/* Transcript hashes for the RFC 7627 session hash, one per possible PRF hash. */
enum { TH_MD5, TH_SHA1, TH_SHA256, TH_SHA384, TH_N };
static const char *const th_names[TH_N] = {"MD5", "SHA1", "SHA256", "SHA384"};

struct dir {
    EVP_CIPHER_CTX *ctx;
    uint8_t key[MAX_KEY];
    uint8_t iv[MAX_IV]; /* CBC TLS 1.0: the chained IV; AEAD: the fixed part */
    uint8_t mac_key[MAX_MAC];
    uint64_t seq;
    bool encrypting;
    /* TLS 1.3 */
    uint8_t secret[MAX_HASH]; /* the current traffic secret */
    uint8_t app_secret[MAX_HASH];
    bool in_app;
    uint8_t hs_hdr[4]; /* handshake messages may span records */
    size_t hs_hdr_len;
    size_t hs_body_left;
};

struct rd_tlsdec {
    uint8_t client_random[32];
    uint8_t server_random[32];
    uint16_t version;
    uint16_t suite_id;
    bool ems;
    bool etm;
    bool have_hello;
    const struct suite *suite;
    EVP_CIPHER *cipher;
    EVP_MAC *hmac;
    size_t hash_len; /* TLS 1.3 */
    struct dir cli;
    struct dir srv;
    bool ready;
    /* RFC 7627 transcript: hashed until the client's ClientKeyExchange. */
    EVP_MD_CTX *th[TH_N];
    bool th_failed;
    bool have_session_hash;
    uint8_t session_hash[TH_N][EVP_MAX_MD_SIZE];
    unsigned session_hash_len[TH_N];
    uint8_t premaster_enc[MAX_PREMASTER];
    size_t premaster_enc_len;
    size_t decrypted;
    const char *source;
    char err[128];
};

struct rd_rsakey {
    EVP_PKEY *pkey;
};

/* ---- helpers ---------------------------------------------------------------------- */

static const struct suite *find_suite(uint16_t id)
{
    for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++) {
        if (suites[i].id == id) {
            return &suites[i];
        }
    }
    return NULL;
}

static void put_u16be(uint8_t *b, size_t v)
{
    b[0] = (uint8_t)(v >> 8);
    b[1] = (uint8_t)v;
}

static void put_u64be(uint8_t *b, uint64_t v)
{
    for (int i = 7; i >= 0; i--) {
        b[i] = (uint8_t)v;
        v >>= 8;
    }
}

static int set_err(struct rd_tlsdec *d, const char *msg)
{
    snprintf(d->err, sizeof(d->err), "%s", msg);
    ERR_clear_error();
    return -1;
}

/* TLS PRF (RFC 5246 5; RFC 2246 5 when digest is "MD5-SHA1") through EVP_KDF "TLS1-PRF". */
static bool prf(const char *digest, const uint8_t *secret, size_t secret_len, const char *label,
                const uint8_t *s1, size_t s1_len, const uint8_t *s2, size_t s2_len, uint8_t *out,
                size_t out_len)
{
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, "TLS1-PRF", NULL);
    EVP_KDF_CTX *kctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
    OSSL_PARAM params[6];
    OSSL_PARAM *p = params;
    bool ok;

    *p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)(uintptr_t)digest, 0);
    *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SECRET, (void *)(uintptr_t)secret,
                                             secret_len);
    /* The seed is label + seed1 + seed2; TLS1-PRF concatenates repeated seed params. */
    *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED, (void *)(uintptr_t)label,
                                             strlen(label));
    *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED, (void *)(uintptr_t)s1, s1_len);
    if (s2 != NULL) {
        *p++ =
            OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED, (void *)(uintptr_t)s2, s2_len);
    }
    *p = OSSL_PARAM_construct_end();
    ok = kctx != NULL && EVP_KDF_derive(kctx, out, out_len, params) > 0;
    EVP_KDF_CTX_free(kctx);
    EVP_KDF_free(kdf);
    return ok;
}

/*
 * RFC 8446 7.1 HKDF-Expand-Label(Secret, Label, "", Length): HKDF-Expand with
 * HkdfLabel = uint16 length || opaque label<7..255> = "tls13 " + Label || opaque context<0>.
 */
static bool expand_label(const char *hash, const uint8_t *secret, size_t secret_len,
                         const char *label, uint8_t *out, size_t out_len)
{
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
    EVP_KDF_CTX *kctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
    uint8_t info[2 + 1 + 255 + 1];
    size_t llen = strlen(label);
    size_t n = 0;
    OSSL_PARAM params[5];
    OSSL_PARAM *p = params;
    int mode = EVP_KDF_HKDF_MODE_EXPAND_ONLY;
    bool ok;

    if (6 + llen > 255) {
        EVP_KDF_CTX_free(kctx);
        EVP_KDF_free(kdf);
        return false;
    }
    put_u16be(info, out_len);
    n = 2;
    info[n++] = (uint8_t)(6 + llen);
    memcpy(info + n, "tls13 ", 6);
    n += 6;
    memcpy(info + n, label, llen);
    n += llen;
    info[n++] = 0; /* empty context */

    *p++ = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
    *p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)(uintptr_t)hash, 0);
    *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)(uintptr_t)secret,
                                             secret_len);
    *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info, n);
    *p = OSSL_PARAM_construct_end();
    ok = kctx != NULL && EVP_KDF_derive(kctx, out, out_len, params) > 0;
    EVP_KDF_CTX_free(kctx);
    EVP_KDF_free(kdf);
    return ok;
}

/* HMAC(mac_key, seq || type || version || length || content) (RFC 5246 6.2.3.1). */
static bool record_mac(struct rd_tlsdec *d, const struct dir *dr, uint8_t type, size_t len,
                       const uint8_t *content, uint8_t *out)
{
    EVP_MAC_CTX *mctx = EVP_MAC_CTX_new(d->hmac);
    OSSL_PARAM params[2];
    uint8_t hdr[13];
    size_t outl = 0;
    bool ok;

    put_u64be(hdr, dr->seq);
    hdr[8] = type;
    put_u16be(hdr + 9, d->version);
    put_u16be(hdr + 11, len);
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
                                                 (char *)(uintptr_t)d->suite->mac, 0);
    params[1] = OSSL_PARAM_construct_end();
    ok = mctx != NULL && EVP_MAC_init(mctx, dr->mac_key, d->suite->mac_len, params) &&
         EVP_MAC_update(mctx, hdr, sizeof(hdr)) &&
         (len == 0 || EVP_MAC_update(mctx, content, len)) &&
         EVP_MAC_final(mctx, out, &outl, MAX_MAC) && outl == d->suite->mac_len;
    EVP_MAC_CTX_free(mctx);
    return ok;
}

/* One AEAD open: nonce 12 bytes, aad, ct of ct_len, tag; plaintext to out. */
static bool aead_open(struct rd_tlsdec *d, struct dir *dr, const uint8_t nonce[12],
                      const uint8_t *aad, size_t aad_len, struct rd_cur ct, const uint8_t tag[16],
                      uint8_t *out)
{
    int outl = 0;
    int fin = 0;
    struct rd_bytes c = rd_cur_rest(&ct);

    if (c.len > (size_t)INT32_MAX) {
        return false;
    }
    if (!EVP_DecryptInit_ex2(dr->ctx, d->cipher, NULL, NULL, NULL) ||
        !EVP_CIPHER_CTX_ctrl(dr->ctx, EVP_CTRL_AEAD_SET_IVLEN, 12, NULL) ||
        !EVP_DecryptInit_ex2(dr->ctx, NULL, dr->key, nonce, NULL) ||
        !EVP_DecryptUpdate(dr->ctx, NULL, &outl, aad, (int)aad_len)) {
        return false;
    }
    if (c.len > 0 && !EVP_DecryptUpdate(dr->ctx, out, &outl, c.p, (int)c.len)) {
        return false;
    }
    if (!EVP_CIPHER_CTX_ctrl(dr->ctx, EVP_CTRL_AEAD_SET_TAG, AEAD_TAG, (void *)(uintptr_t)tag)) {
        return false;
    }
    return EVP_DecryptFinal_ex(dr->ctx, out + outl, &fin) > 0;
}

/* RFC 7905 2 / RFC 8446 5.3: the fixed IV XORed with the left-padded sequence number. */
static void xor_nonce(const uint8_t iv[12], uint64_t seq, uint8_t nonce[12])
{
    uint8_t s[8];

    put_u64be(s, seq);
    memcpy(nonce, iv, 12);
    for (size_t i = 0; i < 8; i++) {
        nonce[4 + i] ^= s[i];
    }
}

/* ---- TLS <= 1.2 record protection --------------------------------------------------- */

static int open_cbc(struct rd_tlsdec *d, struct dir *dr, uint8_t type, const uint8_t *rec,
                    size_t len, uint8_t *out, size_t *outlen)
{
    const size_t bs = d->suite->iv_len;
    const size_t ml = d->suite->mac_len;
    struct rd_cur c;
    struct rd_cur ct;
    struct rd_cur pt;
    struct rd_bytes ctb;
    uint8_t iv[MAX_IV];
    uint8_t mac[MAX_MAC];
    uint8_t want[MAX_MAC];
    uint8_t pad;
    uint8_t v;
    int outl = 0;
    size_t n;

    rd_cur_init(&c, rec, len);
    if (d->etm) {
        /* RFC 7366 3: the MAC covers the IV and ciphertext, and is checked first. */
        struct rd_cur body;
        if (len < ml || !rd_cur_take(&c, len - ml, &body) ||
            !rd_cur_copy(&c, ml, mac, sizeof(mac))) {
            return set_err(d, "record shorter than its MAC");
        }
        ctb = rd_cur_rest(&body);
        if (!record_mac(d, dr, type, ctb.len, ctb.p, want)) {
            return set_err(d, "HMAC computation failed");
        }
        if (CRYPTO_memcmp(mac, want, ml) != 0) {
            return set_err(d, "bad record MAC (encrypt-then-MAC)");
        }
        c = body;
    }
    if (d->version >= TLS11) {
        /* RFC 4346 6.2.3.2: an explicit IV opens each record. */
        if (!rd_cur_copy(&c, bs, iv, sizeof(iv))) {
            return set_err(d, "record shorter than its explicit IV");
        }
    } else {
        memcpy(iv, dr->iv, bs);
    }
    ct = c;
    ctb = rd_cur_rest(&ct);
    if (ctb.len == 0 || ctb.len % bs != 0 || ctb.len > (size_t)INT32_MAX) {
        return set_err(d, "ciphertext is not a whole number of blocks");
    }
    if (d->version < TLS11) {
        /* RFC 2246 6.2.3.2: the next record's IV is this record's last ciphertext block. */
        struct rd_cur last;
        if (rd_cur_slice(&ct, ctb.len - bs, bs, &last)) {
            rd_cur_copy(&last, bs, dr->iv, sizeof(dr->iv));
        }
    }
    if (!EVP_DecryptInit_ex2(dr->ctx, d->cipher, dr->key, iv, NULL) ||
        !EVP_CIPHER_CTX_set_padding(dr->ctx, 0) ||
        !EVP_DecryptUpdate(dr->ctx, out, &outl, ctb.p, (int)ctb.len) || (size_t)outl != ctb.len) {
        return set_err(d, "CBC decryption failed");
    }
    n = (size_t)outl;
    /* RFC 5246 6.2.3.2: padding_length bytes, each equal to padding_length, then the
     * padding_length byte itself. */
    rd_cur_init(&pt, out, n);
    if (!rd_cur_peek_at(&pt, n - 1, &pad) || (size_t)pad + 1 > n) {
        return set_err(d, "bad CBC padding");
    }
    for (size_t i = n - 1 - pad; i < n; i++) {
        if (!rd_cur_peek_at(&pt, i, &v) || v != pad) {
            return set_err(d, "bad CBC padding");
        }
    }
    n -= (size_t)pad + 1;
    if (!d->etm) {
        if (n < ml) {
            return set_err(d, "record shorter than its MAC");
        }
        n -= ml;
        if (!record_mac(d, dr, type, n, out, want)) {
            return set_err(d, "HMAC computation failed");
        }
        if (CRYPTO_memcmp(out + n, want, ml) != 0) {
            return set_err(d, "bad record MAC");
        }
    }
    *outlen = n;
    return 0;
}

static int open_aead12(struct rd_tlsdec *d, struct dir *dr, uint8_t type, const uint8_t *rec,
                       size_t len, uint8_t *out, size_t *outlen)
{
    struct rd_cur c;
    struct rd_cur ct;
    uint8_t nonce[12];
    uint8_t tag[AEAD_TAG];
    uint8_t aad[13];
    size_t explicit_len = d->suite->mode == MODE_GCM ? 8 : 0;
    size_t ptlen;

    rd_cur_init(&c, rec, len);
    if (len < explicit_len + AEAD_TAG) {
        return set_err(d, "record shorter than its nonce and tag");
    }
    ptlen = len - explicit_len - AEAD_TAG;
    if (d->suite->mode == MODE_GCM) {
        /* RFC 5288 3: nonce = 4-byte salt from the key block || 8-byte explicit part. */
        memcpy(nonce, dr->iv, 4);
        rd_cur_copy(&c, 8, nonce + 4, 8);
    } else {
        xor_nonce(dr->iv, dr->seq, nonce);
    }
    rd_cur_take(&c, ptlen, &ct);
    rd_cur_copy(&c, AEAD_TAG, tag, sizeof(tag));
    /* RFC 5246 6.2.3.3: additional_data = seq_num + type + version + length. */
    put_u64be(aad, dr->seq);
    aad[8] = type;
    put_u16be(aad + 9, d->version);
    put_u16be(aad + 11, ptlen);
    if (!aead_open(d, dr, nonce, aad, sizeof(aad), ct, tag, out)) {
        return set_err(d, "bad AEAD tag");
    }
    *outlen = ptlen;
    return 0;
}

/* ---- TLS 1.3 ------------------------------------------------------------------------ */

/* RFC 8446 7.3: [sender]_write_key and _iv from a traffic secret. */
static bool tls13_keys(struct rd_tlsdec *d, struct dir *dr, const uint8_t *secret)
{
    if (secret != dr->secret) {
        memcpy(dr->secret, secret, d->hash_len);
    }
    dr->seq = 0;
    return expand_label(d->suite->prf, dr->secret, d->hash_len, "key", dr->key,
                        d->suite->key_len) &&
           expand_label(d->suite->prf, dr->secret, d->hash_len, "iv", dr->iv, 12);
}

/*
 * Walk the handshake messages in a decrypted record, across record boundaries, and
 * report whether a Finished or a KeyUpdate ended in it.
 */
static void scan_handshake(struct dir *dr, const uint8_t *p, size_t n, bool *finished,
                           bool *key_update)
{
    struct rd_cur c;
    uint8_t b = 0;

    rd_cur_init(&c, p, n);
    while (!rd_cur_is_empty(&c)) {
        if (dr->hs_body_left > 0) {
            size_t k = dr->hs_body_left < c.len ? dr->hs_body_left : c.len;
            rd_cur_skip(&c, k);
            dr->hs_body_left -= k;
        } else {
            rd_cur_u8(&c, &b);
            dr->hs_hdr[dr->hs_hdr_len++] = b;
            if (dr->hs_hdr_len < 4) {
                continue;
            }
            dr->hs_hdr_len = 0;
            dr->hs_body_left =
                (size_t)dr->hs_hdr[1] << 16 | (size_t)dr->hs_hdr[2] << 8 | dr->hs_hdr[3];
        }
        if (dr->hs_body_left == 0 && dr->hs_hdr_len == 0) {
            if (dr->hs_hdr[0] == HS_FINISHED) {
                *finished = true;
            } else if (dr->hs_hdr[0] == HS_KEY_UPDATE) {
                *key_update = true;
            }
        }
    }
}

static int open_tls13(struct rd_tlsdec *d, struct dir *dr, const uint8_t *rec, size_t len,
                      uint8_t *out, size_t *outlen, uint8_t *inner_type)
{
    struct rd_cur c;
    struct rd_cur ct;
    struct rd_cur pt;
    uint8_t nonce[12];
    uint8_t tag[AEAD_TAG];
    uint8_t aad[5];
    uint8_t v = 0;
    size_t n;
    bool finished = false;
    bool key_update = false;

    if (len < AEAD_TAG + 1) {
        return set_err(d, "record shorter than its tag and inner type");
    }
    rd_cur_init(&c, rec, len);
    rd_cur_take(&c, len - AEAD_TAG, &ct);
    rd_cur_copy(&c, AEAD_TAG, tag, sizeof(tag));
    xor_nonce(dr->iv, dr->seq, nonce);
    /* RFC 8446 5.2: additional_data is the record header as sent. */
    aad[0] = CT_APPLICATION_DATA;
    put_u16be(aad + 1, TLS12);
    put_u16be(aad + 3, len);
    if (!aead_open(d, dr, nonce, aad, sizeof(aad), ct, tag, out)) {
        return set_err(d, "bad AEAD tag");
    }
    /* RFC 8446 5.2: strip the zero padding; the last non-zero byte is the type. */
    n = len - AEAD_TAG;
    rd_cur_init(&pt, out, n);
    while (n > 0 && rd_cur_peek_at(&pt, n - 1, &v) && v == 0) {
        n--;
    }
    if (n == 0) {
        return set_err(d, "TLS 1.3 record without an inner content type");
    }
    *inner_type = v;
    *outlen = n - 1;
    if (v == CT_HANDSHAKE) {
        scan_handshake(dr, out, n - 1, &finished, &key_update);
    }
    if (finished && !dr->in_app) {
        /* RFC 8446 7.3: after its Finished a side sends with application traffic keys. */
        dr->in_app = true;
        if (!tls13_keys(d, dr, dr->app_secret)) {
            return set_err(d, "application traffic key derivation failed");
        }
        return 1;
    }
    if (key_update && dr->in_app) {
        /* RFC 8446 7.2: application_traffic_secret_N+1 = Expand-Label(.., "traffic upd"). */
        uint8_t next[MAX_HASH];
        bool ok = expand_label(d->suite->prf, dr->secret, d->hash_len, "traffic upd", next,
                               d->hash_len) &&
                  tls13_keys(d, dr, next);
        OPENSSL_cleanse(next, sizeof(next));
        if (!ok) {
            return set_err(d, "key update derivation failed");
        }
        return 1;
    }
    return 0;
}

/* ---- setup -------------------------------------------------------------------------- */

/* Copy the reason already written to why into the decryptor's error; returns -1. */
static int fail_why(struct rd_tlsdec *d, const char *why)
{
    snprintf(d->err, sizeof(d->err), "%s", why);
    ERR_clear_error();
    return -1;
}

static int why_msg(struct rd_tlsdec *d, char why[128], const char *msg)
{
    snprintf(why, 128, "%s", msg);
    return fail_why(d, why);
}

static int rsa_premaster(struct rd_tlsdec *d, const struct rd_rsakey *key, uint8_t pms[48],
                         char why[128])
{
    EVP_PKEY_CTX *pctx;
    uint8_t buf[MAX_PREMASTER];
    size_t outl = sizeof(buf);
    int keybytes = EVP_PKEY_get_size(key->pkey);
    bool ok;

    if (d->premaster_enc_len == 0) {
        return why_msg(d, why, "no ClientKeyExchange seen, so no premaster to decrypt");
    }
    if (keybytes <= 0 || (size_t)keybytes != d->premaster_enc_len) {
        snprintf(why, 128, "RSA key does not match: a %u-byte key, a %u-byte encrypted premaster",
                 (unsigned)keybytes, (unsigned)d->premaster_enc_len);
        return fail_why(d, why);
    }
    pctx = EVP_PKEY_CTX_new_from_pkey(NULL, key->pkey, NULL);
    ok = pctx != NULL && EVP_PKEY_decrypt_init(pctx) > 0 &&
         EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) > 0 &&
         EVP_PKEY_decrypt(pctx, buf, &outl, d->premaster_enc, d->premaster_enc_len) > 0;
    EVP_PKEY_CTX_free(pctx);
    /* RFC 5246 7.4.7.1: PreMasterSecret = client_version (2) || random (46). */
    if (!ok || outl != 48) {
        OPENSSL_cleanse(buf, sizeof(buf));
        return why_msg(d, why,
                       "RSA key does not match the session: the premaster does not decrypt");
    }
    memcpy(pms, buf, 48);
    OPENSSL_cleanse(buf, sizeof(buf));
    return 0;
}

static int setup12(struct rd_tlsdec *d, const struct rd_keylog *kl, const struct rd_rsakey *key,
                   char why[128])
{
    const struct suite *s = d->suite;
    const char *prf_hash = d->version >= TLS12 ? s->prf : "MD5-SHA1";
    uint8_t ms[48];
    uint8_t kb[2 * MAX_MAC + 2 * MAX_KEY + 2 * MAX_IV];
    size_t kb_len = 2 * s->mac_len + 2 * s->key_len + 2 * s->iv_len;
    size_t n = 0;
    bool ok;

    if (kl != NULL &&
        rd_keylog_get(kl, d->client_random, RD_KEYLOG_CLIENT_RANDOM, ms, sizeof(ms), &n) &&
        n == 48) {
        d->source = "keylog";
    } else if (key != NULL) {
        uint8_t pms[48];
        if (s->kex != KEX_RSA) {
            snprintf(why, 128,
                     "cipher suite 0x%04x is not an RSA key exchange: an RSA key "
                     "cannot decrypt it, a key log can",
                     s->id);
            return fail_why(d, why);
        }
        if (rsa_premaster(d, key, pms, why) < 0) {
            return -1;
        }
        if (d->ems) {
            /* RFC 7627 4: master_secret = PRF(pms, "extended master secret", session_hash). */
            int th =
                d->version >= TLS12 ? (strcmp(s->prf, "SHA384") == 0 ? TH_SHA384 : TH_SHA256) : -1;
            if (!d->have_session_hash) {
                OPENSSL_cleanse(pms, sizeof(pms));
                return why_msg(d, why,
                               "extended master secret, but the handshake up to the "
                               "ClientKeyExchange was not seen");
            }
            if (th < 0) {
                /* TLS 1.0/1.1: the session hash is MD5(transcript) || SHA1(transcript). */
                uint8_t both[16 + 20];
                memcpy(both, d->session_hash[TH_MD5], 16);
                memcpy(both + 16, d->session_hash[TH_SHA1], 20);
                ok = prf(prf_hash, pms, 48, "extended master secret", both, sizeof(both), NULL, 0,
                         ms, 48);
            } else {
                ok = prf(prf_hash, pms, 48, "extended master secret", d->session_hash[th],
                         d->session_hash_len[th], NULL, 0, ms, 48);
            }
        } else {
            /* RFC 5246 8.1: PRF(pms, "master secret", client_random + server_random). */
            ok = prf(prf_hash, pms, 48, "master secret", d->client_random, 32, d->server_random, 32,
                     ms, 48);
        }
        OPENSSL_cleanse(pms, sizeof(pms));
        if (!ok) {
            return why_msg(d, why, "master secret derivation failed");
        }
        d->source = "rsa-key";
    } else if (kl != NULL) {
        return why_msg(d, why, "no CLIENT_RANDOM entry in the key log for this session");
    } else {
        return why_msg(d, why, "no key log and no RSA key given");
    }
    /* RFC 5246 6.3: key_block = PRF(master, "key expansion", server_random + client_random),
     * cut into client MAC key, server MAC key, client key, server key, client IV, server IV. */
    ok = prf(prf_hash, ms, 48, "key expansion", d->server_random, 32, d->client_random, 32, kb,
             kb_len);
    OPENSSL_cleanse(ms, sizeof(ms));
    if (!ok) {
        OPENSSL_cleanse(kb, sizeof(kb));
        return why_msg(d, why, "key block derivation failed");
    }
    memcpy(d->cli.mac_key, kb + n * 0, s->mac_len);
    n = s->mac_len;
    memcpy(d->srv.mac_key, kb + n, s->mac_len);
    n += s->mac_len;
    memcpy(d->cli.key, kb + n, s->key_len);
    n += s->key_len;
    memcpy(d->srv.key, kb + n, s->key_len);
    n += s->key_len;
    memcpy(d->cli.iv, kb + n, s->iv_len);
    n += s->iv_len;
    memcpy(d->srv.iv, kb + n, s->iv_len);
    OPENSSL_cleanse(kb, sizeof(kb));
    if (s->mac != NULL) {
        d->hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
        if (d->hmac == NULL) {
            return why_msg(d, why, "HMAC is not available");
        }
    }
    return 0;
}

static int setup13(struct rd_tlsdec *d, const struct rd_keylog *kl, char why[128])
{
    static const enum rd_keylog_kind need[4] = {
        RD_KEYLOG_CLIENT_HANDSHAKE_TRAFFIC_SECRET, RD_KEYLOG_SERVER_HANDSHAKE_TRAFFIC_SECRET,
        RD_KEYLOG_CLIENT_TRAFFIC_SECRET_0, RD_KEYLOG_SERVER_TRAFFIC_SECRET_0};
    uint8_t *dst[4] = {d->cli.secret, d->srv.secret, d->cli.app_secret, d->srv.app_secret};
    EVP_MD *md = EVP_MD_fetch(NULL, d->suite->prf, NULL);
    int hl = md ? EVP_MD_get_size(md) : -1;

    EVP_MD_free(md);
    if (hl <= 0 || hl > MAX_HASH) {
        snprintf(why, 128, "hash of suite 0x%04x unavailable", d->suite->id);
        return fail_why(d, why);
    }
    d->hash_len = (size_t)hl;
    if (kl == NULL) {
        return why_msg(d, why, "TLS 1.3 needs a key log; an RSA key cannot decrypt it");
    }
    for (int i = 0; i < 4; i++) {
        size_t n = 0;
        if (!rd_keylog_get(kl, d->client_random, need[i], dst[i], MAX_HASH, &n)) {
            snprintf(why, 128, "no %s entry in the key log for this session",
                     rd_keylog_kind_name(need[i]));
            snprintf(d->err, sizeof(d->err), "%s", why);
            return -1;
        }
        if (n != d->hash_len) {
            snprintf(why, 128, "%s has %u bytes, suite 0x%04x needs %u",
                     rd_keylog_kind_name(need[i]), (unsigned)n, d->suite->id,
                     (unsigned)d->hash_len);
            snprintf(d->err, sizeof(d->err), "%s", why);
            return -1;
        }
    }
    if (!tls13_keys(d, &d->cli, d->cli.secret) || !tls13_keys(d, &d->srv, d->srv.secret)) {
        return why_msg(d, why, "handshake traffic key derivation failed");
    }
    /* RFC 8446 2: everything after the ServerHello is encrypted. */
    d->cli.encrypting = true;
    d->srv.encrypting = true;
    d->source = "keylog";
    return 0;
}

/* ---- public ------------------------------------------------------------------------- */

struct rd_rsakey *rd_rsakey_load(const char *path, char errbuf[256])
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf;
    size_t n;
    BIO *bio;
    EVP_PKEY *pkey = NULL;
    struct rd_rsakey *key;

    if (f == NULL) {
        snprintf(errbuf, 256, "%s: %s", path, strerror(errno));
        return NULL;
    }
    buf = malloc(MAX_RSA_KEY_FILE + 1);
    if (buf == NULL) {
        fclose(f);
        snprintf(errbuf, 256, "%s: out of memory", path);
        return NULL;
    }
    n = fread(buf, 1, MAX_RSA_KEY_FILE + 1, f);
    fclose(f);
    if (n > MAX_RSA_KEY_FILE) {
        OPENSSL_clear_free(buf, MAX_RSA_KEY_FILE + 1);
        snprintf(errbuf, 256, "%s: too large for a private key", path);
        return NULL;
    }
    buf[n] = 0;
    ERR_clear_error();
    bio = BIO_new_mem_buf(buf, (int)n);
    if (bio != NULL && strstr((const char *)buf, "-----BEGIN") != NULL) {
        /* An empty passphrase callback: encrypted keys fail instead of prompting. */
        pkey = PEM_read_bio_PrivateKey(bio, NULL, NULL, (void *)(uintptr_t) "");
        if (pkey == NULL) {
            if (strstr((const char *)buf, "-----BEGIN CERTIFICATE") != NULL) {
                snprintf(errbuf, 256,
                         "%s: is a certificate, not a private key (give the server's private "
                         "key)",
                         path);
            } else if (strstr((const char *)buf, "ENCRYPTED") != NULL) {
                snprintf(errbuf, 256,
                         "%s: the private key is encrypted; decrypt it first (openssl pkey)", path);
            } else {
                snprintf(errbuf, 256, "%s: no private key in this PEM file", path);
            }
        }
    } else if (bio != NULL) {
        pkey = d2i_PrivateKey_bio(bio, NULL);
        if (pkey == NULL) {
            snprintf(errbuf, 256, "%s: not a PEM or DER private key", path);
        }
    } else {
        snprintf(errbuf, 256, "%s: out of memory", path);
    }
    BIO_free(bio);
    OPENSSL_clear_free(buf, MAX_RSA_KEY_FILE + 1);
    ERR_clear_error();
    if (pkey == NULL) {
        return NULL;
    }
    if (!EVP_PKEY_is_a(pkey, "RSA")) {
        EVP_PKEY_free(pkey);
        snprintf(errbuf, 256,
                 "%s: not an RSA key (only the RSA key exchange can be decrypted with a key)",
                 path);
        return NULL;
    }
    key = calloc(1, sizeof(*key));
    if (key == NULL) {
        EVP_PKEY_free(pkey);
        snprintf(errbuf, 256, "%s: out of memory", path);
        return NULL;
    }
    key->pkey = pkey;
    return key;
}

void rd_rsakey_free(struct rd_rsakey *key)
{
    if (key == NULL) {
        return;
    }
    EVP_PKEY_free(key->pkey);
    free(key);
}

struct rd_tlsdec *rd_tlsdec_new(void)
{
    struct rd_tlsdec *d = calloc(1, sizeof(*d));

    if (d == NULL) {
        return NULL;
    }
    d->source = "";
    d->cli.ctx = EVP_CIPHER_CTX_new();
    d->srv.ctx = EVP_CIPHER_CTX_new();
    for (int i = 0; i < TH_N; i++) {
        EVP_MD *md = EVP_MD_fetch(NULL, th_names[i], NULL);
        d->th[i] = EVP_MD_CTX_new();
        if (md == NULL || d->th[i] == NULL || !EVP_DigestInit_ex2(d->th[i], md, NULL)) {
            /* MD5 may be missing (FIPS): only the TLS 1.0/1.1 EMS path needs it. */
            d->th_failed = d->th_failed || i != TH_MD5;
            EVP_MD_CTX_free(d->th[i]);
            d->th[i] = NULL;
        }
        EVP_MD_free(md);
    }
    if (d->cli.ctx == NULL || d->srv.ctx == NULL) {
        rd_tlsdec_free(d);
        return NULL;
    }
    ERR_clear_error();
    return d;
}

void rd_tlsdec_free(struct rd_tlsdec *d)
{
    if (d == NULL) {
        return;
    }
    EVP_CIPHER_CTX_free(d->cli.ctx);
    EVP_CIPHER_CTX_free(d->srv.ctx);
    for (int i = 0; i < TH_N; i++) {
        EVP_MD_CTX_free(d->th[i]);
    }
    EVP_CIPHER_free(d->cipher);
    EVP_MAC_free(d->hmac);
    OPENSSL_clear_free(d, sizeof(*d));
}

void rd_tlsdec_set_hello(struct rd_tlsdec *d, const uint8_t client_random[32],
                         const uint8_t server_random[32], uint16_t version, uint16_t cipher_suite,
                         bool extended_master_secret)
{
    memcpy(d->client_random, client_random, 32);
    memcpy(d->server_random, server_random, 32);
    d->version = version;
    d->suite_id = cipher_suite;
    d->ems = extended_master_secret;
    d->have_hello = true;
}

void rd_tlsdec_set_encrypt_then_mac(struct rd_tlsdec *d, bool etm)
{
    d->etm = etm;
}

void rd_tlsdec_set_rsa_premaster(struct rd_tlsdec *d, const uint8_t *enc, size_t len)
{
    if (len > sizeof(d->premaster_enc)) {
        d->premaster_enc_len = 0;
        return;
    }
    memcpy(d->premaster_enc, enc, len);
    d->premaster_enc_len = len;
}

void rd_tlsdec_handshake_msg(struct rd_tlsdec *d, bool from_client, const uint8_t *msg, size_t len)
{
    struct rd_cur c;
    uint8_t type;

    if (d->have_session_hash) {
        return;
    }
    for (int i = 0; i < TH_N; i++) {
        if (d->th[i] != NULL && !EVP_DigestUpdate(d->th[i], msg, len)) {
            d->th_failed = true;
        }
    }
    rd_cur_init(&c, msg, len);
    if (!from_client || !rd_cur_u8(&c, &type) || type != HS_CLIENT_KEY_EXCHANGE) {
        return;
    }
    /* RFC 7627 3: the session hash covers the handshake up to this message included. */
    for (int i = 0; i < TH_N; i++) {
        if (d->th[i] != NULL &&
            !EVP_DigestFinal_ex(d->th[i], d->session_hash[i], &d->session_hash_len[i])) {
            d->th_failed = true;
        }
    }
    d->have_session_hash = !d->th_failed;
    /* RFC 5246 7.4.7.1: an RSA ClientKeyExchange is opaque<0..2^16-1>.  Other key
     * exchanges put something else here; it is used only when the suite is RSA. */
    {
        struct rd_cur body;
        struct rd_cur enc;
        struct rd_bytes b;
        if (rd_cur_prefixed_u24be(&c, &body) && rd_cur_prefixed_u16be(&body, &enc) &&
            rd_cur_is_empty(&body)) {
            b = rd_cur_rest(&enc);
            rd_tlsdec_set_rsa_premaster(d, b.p, b.len);
        }
    }
    ERR_clear_error();
}

int rd_tlsdec_setup(struct rd_tlsdec *d, const struct rd_keylog *kl, const struct rd_rsakey *key,
                    char why[128])
{
    int rc;

    d->ready = false;
    why[0] = '\0';
    if (!d->have_hello) {
        return why_msg(d, why, "no ServerHello seen");
    }
    if (d->version < TLS10 || d->version > TLS13) {
        snprintf(why, 128, "unsupported TLS version 0x%04x", d->version);
        return fail_why(d, why);
    }
    d->suite = find_suite(d->suite_id);
    if (d->suite == NULL) {
        snprintf(why, 128, "unsupported cipher suite 0x%04x", d->suite_id);
        return fail_why(d, why);
    }
    if ((d->version == TLS13) != (d->suite->kex == KEX_TLS13)) {
        snprintf(why, 128, "cipher suite 0x%04x does not belong to version 0x%04x", d->suite_id,
                 d->version);
        return fail_why(d, why);
    }
    if (d->version < TLS12 && (d->suite->mode != MODE_CBC || d->suite->mac_len != 20)) {
        snprintf(why, 128, "cipher suite 0x%04x needs TLS 1.2, not version 0x%04x", d->suite_id,
                 d->version);
        return fail_why(d, why);
    }
    EVP_CIPHER_free(d->cipher);
    d->cipher = EVP_CIPHER_fetch(NULL, d->suite->cipher, NULL);
    if (d->cipher == NULL) {
        snprintf(why, 128, "cipher of suite 0x%04x is not available in this OpenSSL", d->suite_id);
        return fail_why(d, why);
    }
    rc = d->version == TLS13 ? setup13(d, kl, why) : setup12(d, kl, key, why);
    ERR_clear_error();
    if (rc < 0) {
        return -1;
    }
    d->ready = true;
    d->err[0] = '\0';
    return 0;
}

int rd_tlsdec_record(struct rd_tlsdec *d, bool from_client, uint8_t content_type,
                     const uint8_t *rec, size_t len, uint8_t *out, size_t outsize, size_t *outlen,
                     uint8_t *inner_type)
{
    struct dir *dr = from_client ? &d->cli : &d->srv;
    int rc;

    *outlen = 0;
    *inner_type = content_type;
    d->err[0] = '\0';
    if (outsize < len) {
        return set_err(d, "output buffer smaller than the record");
    }
    if (!d->ready) {
        return set_err(d, "decryption not set up");
    }
    if (content_type == CT_CHANGE_CIPHER_SPEC ||
        (d->version == TLS13 && content_type != CT_APPLICATION_DATA) || !dr->encrypting) {
        if (len > 0) {
            memcpy(out, rec, len);
        }
        *outlen = len;
        if (content_type == CT_CHANGE_CIPHER_SPEC && d->version < TLS13) {
            /* RFC 5246 7.1: the next record of this side is protected, sequence 0. */
            dr->encrypting = true;
            dr->seq = 0;
        }
        return 0;
    }
    if (d->version == TLS13) {
        rc = open_tls13(d, dr, rec, len, out, outlen, inner_type);
        if (rc == 1) {
            d->decrypted++;
            return 0; /* keys changed; tls13_keys reset the sequence number */
        }
    } else if (d->suite->mode == MODE_CBC) {
        rc = open_cbc(d, dr, content_type, rec, len, out, outlen);
    } else {
        rc = open_aead12(d, dr, content_type, rec, len, out, outlen);
    }
    dr->seq++;
    if (rc < 0) {
        *outlen = 0;
        ERR_clear_error();
        return -1;
    }
    d->decrypted++;
    return 0;
}

const char *rd_tlsdec_error(const struct rd_tlsdec *d)
{
    return d->err;
}

size_t rd_tlsdec_decrypted(const struct rd_tlsdec *d)
{
    return d->decrypted;
}

const char *rd_tlsdec_key_source(const struct rd_tlsdec *d)
{
    return d->source;
}

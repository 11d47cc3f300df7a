/*
 * keylog.h - TLS session secrets in the NSS key log format (SSLKEYLOGFILE).
 *
 * One line per secret: `LABEL <client random, 64 hex> <secret, hex>`.  Labels:
 * CLIENT_RANDOM (TLS <= 1.2 master secret, 48 bytes) and the TLS 1.3 secrets of
 * RFC 8446 7.1 (CLIENT_/SERVER_HANDSHAKE_TRAFFIC_SECRET, CLIENT_/SERVER_TRAFFIC_SECRET_0,
 * EXPORTER_SECRET, CLIENT_EARLY_TRAFFIC_SECRET, EARLY_EXPORTER_SECRET).  `#` starts a
 * comment line, CRLF line ends are accepted.  Malformed lines are counted and skipped;
 * lines with a label we do not use (e.g. NSS's `RSA` lines) are counted as ignored.
 *
 * The store is bounded (RD_KEYLOG_MAX_ENTRIES); entries past the cap are counted as
 * dropped.  Secrets are wiped when the store is freed.
 */
#ifndef RD_KEYLOG_H
#define RD_KEYLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RD_KEYLOG_MAX_ENTRIES (1u << 20)
#define RD_KEYLOG_RANDOM_LEN  32
#define RD_KEYLOG_MAX_SECRET  64 /* SHA-512-sized; TLS 1.3 uses 32 or 48 */
#define RD_KEYLOG_MAX_LINE    1024

enum rd_keylog_kind {
    RD_KEYLOG_CLIENT_RANDOM = 0, /* TLS <= 1.2 master secret */
    RD_KEYLOG_CLIENT_EARLY_TRAFFIC_SECRET,
    RD_KEYLOG_CLIENT_HANDSHAKE_TRAFFIC_SECRET,
    RD_KEYLOG_SERVER_HANDSHAKE_TRAFFIC_SECRET,
    RD_KEYLOG_CLIENT_TRAFFIC_SECRET_0,
    RD_KEYLOG_SERVER_TRAFFIC_SECRET_0,
    RD_KEYLOG_EARLY_EXPORTER_SECRET,
    RD_KEYLOG_EXPORTER_SECRET,
    RD_KEYLOG_NKINDS
};

struct rd_keylog;

/* An empty store, or NULL when out of memory. */
struct rd_keylog *rd_keylog_new(void);
/* The same with a smaller cap on entries (at most RD_KEYLOG_MAX_ENTRIES). */
struct rd_keylog *rd_keylog_new_capped(size_t max_entries);
/* Wipes every secret and frees the store (NULL is a no-op). */
void rd_keylog_free(struct rd_keylog *kl);

/*
 * Read a key log file and add its lines.  0 on success (malformed lines do not make
 * it fail); -1 with one line in errbuf when the file cannot be opened or read.
 */
int rd_keylog_load_file(struct rd_keylog *kl, const char *path, char errbuf[256]);
/* Add the lines of a key log held in memory (a pcapng DSB payload).  Never fails. */
void rd_keylog_load_mem(struct rd_keylog *kl, const uint8_t *data, size_t len);

size_t rd_keylog_count(const struct rd_keylog *kl);     /* entries stored */
size_t rd_keylog_malformed(const struct rd_keylog *kl); /* lines skipped as malformed */
size_t rd_keylog_ignored(const struct rd_keylog *kl);   /* well-formed, unused label */
size_t rd_keylog_dropped(const struct rd_keylog *kl);   /* entries past the cap */

/* Bit (1u << kind) is set for every kind of secret stored for this client random. */
unsigned rd_keylog_lookup(const struct rd_keylog *kl, const uint8_t client_random[32]);

/*
 * Copy the secret of one kind for a client random into out (at most outsize bytes) and
 * set *outlen.  When a line was given twice, the last one wins.  false when absent or
 * when out is too small.
 */
bool rd_keylog_get(const struct rd_keylog *kl, const uint8_t client_random[32],
                   enum rd_keylog_kind kind, uint8_t *out, size_t outsize, size_t *outlen);

/* The label as written in the file ("CLIENT_RANDOM", ...); "?" when out of range. */
const char *rd_keylog_kind_name(enum rd_keylog_kind kind);

#endif

/*
 * tlsdec.h - decrypt the TLS records of one connection (TLS 1.0 to 1.3).
 *
 * The caller parses the handshake (dissectors/tls.c) and hands this module the raw
 * values: the two randoms, version and suite from the ServerHello, whether the extended
 * master secret (RFC 7627) and encrypt-then-MAC (RFC 7366) extensions were negotiated,
 * and every plaintext handshake message (needed for the RSA key-exchange path: the
 * ClientKeyExchange and the EMS session hash).  Secrets come from a key log, or, for the
 * RSA key exchange only, from the server's private key.  Then every record of the
 * connection is fed in wire order per direction; the module tracks ChangeCipherSpec
 * (TLS <= 1.2) and the Finished / KeyUpdate messages (TLS 1.3) itself.
 *
 * Suites: AES-128/256-CBC with HMAC-SHA1/SHA256/SHA384 (MAC-then-encrypt or
 * encrypt-then-MAC), 3DES-EDE-CBC-SHA, AES-128/256-GCM, ChaCha20-Poly1305, for RSA,
 * DHE and ECDHE key exchange, and the three TLS 1.3 suites.  Not supported: RC4,
 * TLS 1.3 0-RTT early data, SSL 3.0, compression.
 *
 * All cryptography is OpenSSL's (EVP); no OpenSSL type appears here.
 */
#ifndef RD_TLSDEC_H
#define RD_TLSDEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "keylog.h"

struct rd_tlsdec;
struct rd_rsakey;

/*
 * Load an RSA private key from a PEM or DER file.  NULL with one line in errbuf when
 * the file cannot be read, holds no private key (e.g. a certificate), is encrypted, or
 * holds a key that is not RSA.
 */
struct rd_rsakey *rd_rsakey_load(const char *path, char errbuf[256]);
void rd_rsakey_free(struct rd_rsakey *key);

/* A decryptor for one connection, or NULL when out of memory. */
struct rd_tlsdec *rd_tlsdec_new(void);
/* Wipes all key material and frees (NULL is a no-op). */
void rd_tlsdec_free(struct rd_tlsdec *d);

/*
 * The negotiated parameters.  version is the negotiated one (0x0301..0x0304; for TLS 1.3
 * the supported_versions value, not the ServerHello's legacy_version).
 */
void rd_tlsdec_set_hello(struct rd_tlsdec *d, const uint8_t client_random[32],
                         const uint8_t server_random[32], uint16_t version, uint16_t cipher_suite,
                         bool extended_master_secret);
/* Both hellos carried encrypt_then_mac (RFC 7366); matters for CBC suites only. */
void rd_tlsdec_set_encrypt_then_mac(struct rd_tlsdec *d, bool etm);

/*
 * One plaintext handshake message, including its 4-byte header (type, uint24 length),
 * in the order sent on the wire.  Feed from the ClientHello on; messages after the
 * ClientKeyExchange are ignored.  A client ClientKeyExchange also supplies the encrypted
 * premaster (as rd_tlsdec_set_rsa_premaster would).
 */
void rd_tlsdec_handshake_msg(struct rd_tlsdec *d, bool from_client, const uint8_t *msg, size_t len);
/* The RSA-encrypted premaster secret of a ClientKeyExchange, without its length prefix. */
void rd_tlsdec_set_rsa_premaster(struct rd_tlsdec *d, const uint8_t *enc, size_t len);

/*
 * Derive the keys.  The key log (may be NULL) is tried first, then the RSA key (may be
 * NULL).  0 when ready; -1 with one line in why when decryption is not possible (no key
 * log entry for this client random, suite not an RSA key exchange, unsupported suite or
 * version, the RSA key does not match the premaster).
 */
int rd_tlsdec_setup(struct rd_tlsdec *d, const struct rd_keylog *kl, const struct rd_rsakey *key,
                    char why[128]);

/*
 * One TLS record from one direction: content_type from its header, rec/len its fragment
 * (the bytes after the 5-byte header).  Writes the plaintext to out (outsize >= len is
 * always enough), its length to *outlen and its content type to *inner_type (TLS 1.3:
 * the inner type; otherwise the record's type).  Records sent before encryption starts,
 * ChangeCipherSpec, and TLS 1.3 records other than application_data are copied through.
 * Returns 0, or -1 (bad MAC or tag, bad padding, short record, not set up) with the
 * reason in rd_tlsdec_error().  The sequence number advances either way.  When the first
 * protected record fails (rd_tlsdec_decrypted() still 0), the secrets do not belong to
 * this session: report that once and stop feeding the connection.
 */
int rd_tlsdec_record(struct rd_tlsdec *d, bool from_client, uint8_t content_type,
                     const uint8_t *rec, size_t len, uint8_t *out, size_t outsize, size_t *outlen,
                     uint8_t *inner_type);

/* The reason of the last failure ("" when none); valid until the next call. */
const char *rd_tlsdec_error(const struct rd_tlsdec *d);
/* Records decrypted (not copied through) and authenticated so far. */
size_t rd_tlsdec_decrypted(const struct rd_tlsdec *d);
/* How the keys were found: "keylog", "rsa-key" or "" before a successful setup. */
const char *rd_tlsdec_key_source(const struct rd_tlsdec *d);

#endif

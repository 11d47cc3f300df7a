/*
 * tls_checks.h - checks of TLS results shared by the TLS fuzz targets.
 */
#ifndef RD_FUZZ_TLS_CHECKS_H
#define RD_FUZZ_TLS_CHECKS_H

#include "fuzz.h"
#include "tls.h"

static inline void fz_tls_ch(const struct rd_tls_client_hello *ch, const uint8_t *data, size_t size)
{
    if (ch->n_cipher_suites > RD_TLS_MAX_CIPHER_SUITES ||
        ch->n_compression_methods > RD_TLS_MAX_COMPRESSION ||
        ch->n_extensions > RD_TLS_MAX_EXTENSIONS ||
        ch->n_supported_versions > RD_TLS_MAX_VERSIONS || ch->n_groups > RD_TLS_MAX_GROUPS ||
        ch->n_sig_algs > RD_TLS_MAX_SIG_ALGS || ch->n_key_share_groups > RD_TLS_MAX_KEY_SHARES ||
        ch->n_alpn > RD_TLS_MAX_ALPN) {
        fz_fail("ClientHello: list count past its array");
    }
    fz_view_in(ch->session_id, data, size);
    fz_view_in(ch->server_name, data, size);
    for (size_t i = 0; i < ch->n_extensions; i++) {
        fz_view_in(ch->extensions[i].data, data, size);
        fz_name(rd_tls_ext_name(ch->extensions[i].type));
    }
    for (size_t i = 0; i < ch->n_alpn; i++) {
        fz_view_in(ch->alpn[i], data, size);
    }
    for (size_t i = 0; i < ch->n_cipher_suites; i++) {
        struct rd_tls_cipher_info ci;
        fz_name(rd_tls_cipher_name(ch->cipher_suites[i]));
        if (rd_tls_cipher_info(ch->cipher_suites[i], &ci)) {
            fz_name(ci.name);
            fz_name(rd_tls_bulk_name(ci.bulk));
            fz_name(rd_tls_hash_name(ci.mac));
        }
        (void)rd_tls_cipher_is_rsa_kx(ch->cipher_suites[i]);
    }
    for (size_t i = 0; i < ch->n_groups; i++) {
        fz_name(rd_tls_group_name(ch->groups[i]));
    }
    for (size_t i = 0; i < ch->n_sig_algs; i++) {
        fz_name(rd_tls_sig_alg_name(ch->sig_algs[i]));
    }
    for (size_t i = 0; i < ch->n_supported_versions; i++) {
        fz_name(rd_tls_version_name(ch->supported_versions[i]));
        (void)rd_tls_is_grease(ch->supported_versions[i]);
    }
    (void)rd_tls_version_offered(ch, RD_TLS_VERSION_TLS13);
}

static inline void fz_tls_sh(const struct rd_tls_server_hello *sh, const uint8_t *data, size_t size)
{
    if (sh->n_extensions > RD_TLS_MAX_EXTENSIONS) {
        fz_fail("ServerHello: list count past its array");
    }
    fz_view_in(sh->session_id, data, size);
    fz_view_in(sh->alpn, data, size);
    for (size_t i = 0; i < sh->n_extensions; i++) {
        fz_view_in(sh->extensions[i].data, data, size);
    }
    fz_name(rd_tls_version_name(sh->legacy_version));
    fz_name(rd_tls_version_name(sh->selected_version));
    fz_name(rd_tls_cipher_name(sh->cipher_suite));
    fz_name(rd_tls_group_name(sh->key_share_group));
}

static inline void fz_tls_cert(const struct rd_tls_certificate *c, const uint8_t *data, size_t size)
{
    if (c->n_certs > RD_TLS_MAX_CERTS) {
        fz_fail("Certificate: list count past its array");
    }
    fz_view_in(c->request_context, data, size);
    for (size_t i = 0; i < c->n_certs; i++) {
        fz_view_in(c->certs[i], data, size);
    }
}

static inline void fz_tls_ske(const struct rd_tls_server_key_exchange *k, const uint8_t *data,
                              size_t size)
{
    fz_view_in(k->dh_p, data, size);
    fz_view_in(k->dh_g, data, size);
    fz_view_in(k->public_key, data, size);
    fz_view_in(k->signature, data, size);
    fz_name(rd_tls_group_name(k->named_group));
    fz_name(rd_tls_sig_alg_name(k->sig_alg));
}

#endif

/*
 * fuzz_spnego.c - SPNEGO (RFC 4178, MS-SPNG) NegTokenInit/NegTokenResp and
 * the classification of the mechanism token (NTLMSSP, GSS Kerberos per RFC
 * 4121 4.1, NEGOEX); the inner message goes on to its own parser.
 */
#include "config.h"

#include "fuzz.h"
#include "kerberos.h"
#include "ntlmssp.h"
#include "spnego.h"

static void inner(const struct rd_spnego_token *t, const uint8_t *data, size_t size)
{
    struct rd_diag d = {0};

    if (t->mech_count > RD_SPNEGO_MAX_MECHS) {
        fz_fail("SPNEGO: mech count past its array");
    }
    for (size_t i = 0; i < t->mech_count; i++) {
        fz_name(rd_spnego_mech_name(t->mechs[i]));
    }
    fz_view_in(t->mech_token, data, size);
    fz_view_in(t->inner, data, size);
    fz_name(rd_spnego_neg_state_name(t->neg_state));
    if (t->inner_kind == RD_SPNEGO_INNER_NTLMSSP) {
        struct rd_ntlmssp_msg m;
        fz_status(rd_ntlmssp_parse(fz_cur(t->inner.p, t->inner.len), &m, &d), &d, t->inner.len);
    } else if (t->inner_kind == RD_SPNEGO_INNER_KRB5) {
        struct rd_krb_msg k;
        fz_name(rd_spnego_krb5_tok_name(t->krb5_tok_id));
        fz_status(rd_krb_parse(fz_cur(t->inner.p, t->inner.len), &k, &d), &d, t->inner.len);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct rd_spnego_token tok;
    struct rd_diag d = {0};
    struct rd_bytes oid = {data, size};
    enum rd_status st = rd_spnego_parse_token(fz_cur(data, size), &tok, &d);

    fz_status(st, &d, size);
    if (st == RD_OK) {
        inner(&tok, data, size);
    }
    d = (struct rd_diag){0};
    st = rd_spnego_classify_mech_token(fz_cur(data, size), &tok, &d);
    fz_status(st, &d, size);
    if (st == RD_OK) {
        fz_view_in(tok.inner, data, size);
    }
    fz_name(rd_spnego_mech_name(rd_spnego_mech_from_oid(oid)));
    return 0;
}

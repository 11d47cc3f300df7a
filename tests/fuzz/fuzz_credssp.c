/*
 * fuzz_credssp.c - CredSSP TSRequest (MS-CSSP 2.2.1) framing and parsing, and
 * the SPNEGO/NTLMSSP/Kerberos token it carries, as the session goes down the
 * layers; the error code is named like a report would.
 */
#include "config.h"

#include "credssp.h"
#include "fuzz.h"
#include "ntstatus.h"
#include "spnego.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct rd_cur in = fz_cur(data, size);
    struct rd_credssp_tsrequest req;
    struct rd_diag d = {0};
    size_t total = 0;
    enum rd_status st;

    st = rd_credssp_frame(in, &total, &d);
    fz_status(st, &d, size);
    if (st == RD_OK) {
        struct rd_cur pdu;
        if (total == 0 || total > size) {
            fz_fail("rd_credssp_frame: framed length outside [1, available]");
        }
        rd_cur_take(&in, total, &pdu);
        d = (struct rd_diag){0};
        st = rd_credssp_parse_tsrequest(pdu, &req, &d);
        fz_status(st, &d, size);
    } else if (st == RD_NEED_MORE && total != 0 && total <= size) {
        fz_fail("rd_credssp_frame: NEED_MORE for a length already present");
    }

    d = (struct rd_diag){0};
    st = rd_credssp_parse_tsrequest(fz_cur(data, size), &req, &d);
    fz_status(st, &d, size);
    if (st != RD_OK) {
        return 0;
    }
    fz_view_in(req.nego_token, data, size);
    if (req.has_error_code) {
        fz_name(rd_ntstatus_name(req.error_code));
        fz_name(rd_ntstatus_meaning(req.error_code));
        (void)rd_ntstatus_is_known(req.error_code);
    }
    if (req.nego_token.len > 0) {
        struct rd_spnego_token tok;
        struct rd_diag d2 = {0};
        st = rd_spnego_parse_token(fz_cur(req.nego_token.p, req.nego_token.len), &tok, &d2);
        fz_status(st, &d2, req.nego_token.len);
        if (st == RD_OK) {
            fz_view_in(tok.mech_token, data, size);
            fz_view_in(tok.inner, data, size);
        }
    }
    return 0;
}

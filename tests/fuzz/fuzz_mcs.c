/*
 * fuzz_mcs.c - MCS (ITU-T T.125): BER Connect-Initial / Connect-Response and
 * the PER-encoded domain PDUs, plus the PER length helper.  The user data of a
 * connect PDU goes on to the T.124 parser, as the session does.
 */
#include "config.h"

#include "fuzz.h"
#include "mcs.h"
#include "t124.h"

static void params(const struct rd_mcs_domain_params *p)
{
    volatile uint32_t sink = p->max_channel_ids ^ p->max_mcspdu_size ^ p->protocol_version;
    (void)sink;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct rd_cur in = fz_cur(data, size);
    struct rd_mcs_connect_initial ci;
    struct rd_mcs_connect_response cr;
    struct rd_mcs_domain_pdu dp;
    struct rd_diag d = {0};
    enum rd_status st;
    size_t len = 0;

    (void)rd_mcs_kind(in);

    st = rd_mcs_parse_connect_initial(in, &ci, &d);
    fz_status(st, &d, size);
    if (st == RD_OK) {
        struct rd_t124_client_data cd;
        struct rd_diag d2 = {0};
        fz_view_in(ci.calling_domain_selector, data, size);
        fz_view_in(ci.called_domain_selector, data, size);
        fz_view_in(ci.user_data, data, size);
        params(&ci.target);
        params(&ci.minimum);
        params(&ci.maximum);
        st = rd_t124_parse_create_request(fz_cur(ci.user_data.p, ci.user_data.len), &cd, &d2);
        fz_status(st, &d2, ci.user_data.len);
    }

    d = (struct rd_diag){0};
    st = rd_mcs_parse_connect_response(in, &cr, &d);
    fz_status(st, &d, size);
    if (st == RD_OK) {
        struct rd_t124_server_data sd;
        struct rd_diag d2 = {0};
        fz_view_in(cr.user_data, data, size);
        fz_name(rd_mcs_result_name(cr.result));
        params(&cr.params);
        st = rd_t124_parse_create_response(fz_cur(cr.user_data.p, cr.user_data.len), &sd, &d2);
        fz_status(st, &d2, cr.user_data.len);
    }

    d = (struct rd_diag){0};
    st = rd_mcs_parse_domain_pdu(in, &dp, &d);
    fz_status(st, &d, size);
    if (st == RD_OK) {
        fz_view_in(dp.user_data, data, size);
        fz_name(rd_mcs_domain_type_name(dp.type));
        fz_name(rd_mcs_reason_name(dp.reason));
        fz_name(rd_mcs_result_name(dp.result));
    }

    d = (struct rd_diag){0};
    st = rd_mcs_per_length(&in, &len, &d);
    fz_status(st, &d, size);
    if (st == RD_OK && in.len > size) {
        fz_fail("rd_mcs_per_length advanced past the input");
    }
    return 0;
}

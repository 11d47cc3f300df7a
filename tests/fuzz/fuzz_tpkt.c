/*
 * fuzz_tpkt.c - TPKT framing (RFC 1006 / T.123) and X.224 TPDUs with the RDP
 * negotiation structures (MS-RDPBCGR 2.2.1.1, 2.2.1.2).
 *
 * The input is a byte stream as one direction of a connection would carry it:
 * TPKTs are framed one after another, each payload goes to the X.224 parser.
 * The whole input is also given to the X.224 parser directly, so that
 * mutations need not keep a TPKT header valid to reach it.
 */
#include "config.h"

#include "fuzz.h"
#include "tpkt.h"
#include "x224.h"

static void x224(struct rd_cur in, const uint8_t *base, size_t size)
{
    struct rd_x224_pdu pdu;
    struct rd_diag d = {0};
    enum rd_status st = rd_x224_parse(in, &pdu, &d);
    char buf[128];

    fz_status(st, &d, size);
    if (st == RD_NEED_MORE) {
        fz_fail("rd_x224_parse is a body parser and may not ask for more");
    }
    (void)rd_x224_is_cr_start(in);
    if (st != RD_OK) {
        return;
    }
    fz_view_in(pdu.cookie, base, size);
    fz_view_in(pdu.routing_token, base, size);
    fz_view_in(pdu.correlation_id, base, size);
    fz_view_in(pdu.user_data, base, size);
    fz_name(rd_x224_type_name(pdu.type));
    fz_name(rd_x224_neg_name(pdu.neg));
    fz_name(rd_x224_failure_name(pdu.failure_code));
    fz_name(rd_x224_protocol_name(pdu.selected_protocol));
    fz_name(rd_x224_protocols_str(pdu.requested_protocols, buf, sizeof(buf)));
    fz_name(rd_x224_protocols_str(pdu.requested_protocols, buf, 1));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct rd_cur s = fz_cur(data, size);

    x224(fz_cur(data, size), data, size);
    while (!rd_cur_is_empty(&s)) {
        struct rd_diag d = {0};
        struct rd_cur pdu;
        struct rd_cur payload;
        size_t need = 0;
        enum rd_status st = rd_tpkt_frame(s, &need, &d);

        fz_status(st, &d, size);
        if (st != RD_OK) {
            if (st == RD_NEED_MORE && need != 0 && need <= s.len) {
                fz_fail("rd_tpkt_frame: NEED_MORE for a length already present");
            }
            break;
        }
        if (need < 4 || need > s.len) {
            fz_fail("rd_tpkt_frame: framed length outside [4, available]");
        }
        rd_cur_take(&s, need, &pdu);
        d = (struct rd_diag){0};
        st = rd_tpkt_parse(pdu, &payload, &d);
        fz_status(st, &d, size);
        if (st == RD_OK) {
            fz_cur_in(payload, data, size);
            x224(payload, data, size);
        }
    }
    return 0;
}

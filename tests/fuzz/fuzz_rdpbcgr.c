/*
 * fuzz_rdpbcgr.c - MS-RDPBCGR slow-path PDUs: security header (2.2.8.1.1.2),
 * Security Exchange (2.2.1.10), Client Info (2.2.1.11), licensing (2.2.1.12)
 * and share control/data headers (2.2.8.1.1.1), each on the whole input.
 */
#include "config.h"

#include "fuzz.h"
#include "rdpbcgr.h"

static void info(const struct rd_rdpbcgr_info *in, const uint8_t *data, size_t size)
{
    char buf[64];

    fz_view_in(in->sec.mac, data, size);
    fz_view_in(in->sec.body, data, size);
    fz_view_in(in->domain, data, size);
    fz_view_in(in->user_name, data, size);
    fz_view_in(in->alternate_shell, data, size);
    fz_view_in(in->working_dir, data, size);
    (void)rd_rdpbcgr_info_str(in->user_name, in->is_unicode, buf, sizeof(buf));
    (void)rd_rdpbcgr_info_str(in->domain, !in->is_unicode, buf, 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct rd_cur in = fz_cur(data, size);
    struct rd_rdpbcgr_sec_header sec;
    struct rd_rdpbcgr_security_exchange sx;
    struct rd_rdpbcgr_info ci;
    struct rd_rdpbcgr_license lic;
    struct rd_rdpbcgr_share sh;
    struct rd_diag d = {0};
    enum rd_status st;

    st = rd_rdpbcgr_parse_sec_header(in, &sec, &d);
    fz_status(st, &d, size);
    if (st == RD_OK) {
        fz_view_in(sec.mac, data, size);
        fz_view_in(sec.body, data, size);
    }
    d = (struct rd_diag){0};
    st = rd_rdpbcgr_parse_security_exchange(in, &sx, &d);
    fz_status(st, &d, size);
    if (st == RD_OK) {
        fz_view_in(sx.encrypted_random, data, size);
    }
    d = (struct rd_diag){0};
    st = rd_rdpbcgr_parse_client_info(in, &ci, &d);
    fz_status(st, &d, size);
    if (st == RD_OK) {
        info(&ci, data, size);
    }
    d = (struct rd_diag){0};
    st = rd_rdpbcgr_parse_info_packet(in, &ci, &d);
    fz_status(st, &d, size);
    if (st == RD_OK) {
        info(&ci, data, size);
    }
    d = (struct rd_diag){0};
    st = rd_rdpbcgr_parse_license(in, &lic, &d);
    fz_status(st, &d, size);
    if (st == RD_OK) {
        fz_view_in(lic.sec.mac, data, size);
        fz_view_in(lic.body, data, size);
        fz_name(rd_rdpbcgr_license_msg_name(lic.msg_type));
        fz_name(rd_rdpbcgr_license_error_name(lic.error_code));
        fz_name(rd_rdpbcgr_license_state_name(lic.state_transition));
    }
    d = (struct rd_diag){0};
    st = rd_rdpbcgr_parse_share(in, &sh, &d);
    fz_status(st, &d, size);
    if (st == RD_OK) {
        fz_view_in(sh.body, data, size);
        fz_name(rd_rdpbcgr_pdu_type_name(sh.pdu_type));
        fz_name(rd_rdpbcgr_errinfo_name(sh.error_info));
    }
    return 0;
}

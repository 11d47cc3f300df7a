/*
 * fuzz_ntlmssp.c - NTLMSSP NEGOTIATE/CHALLENGE/AUTHENTICATE (MS-NLMP 2.2.1)
 * with their security buffers and AV pairs; the names are converted as the
 * report converts them.
 */
#include "config.h"

#include "fuzz.h"
#include "ntlmssp.h"

static void ascii(struct rd_bytes s, bool unicode)
{
    char buf[64];
    bool truncated = false;
    size_t n = rd_ntlmssp_to_ascii(s, unicode, buf, sizeof(buf), &truncated);

    if (n >= sizeof(buf)) {
        fz_fail("rd_ntlmssp_to_ascii wrote past its buffer");
    }
    (void)rd_ntlmssp_to_ascii(s, unicode, buf, 1, &truncated);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct rd_cur in = fz_cur(data, size);
    struct rd_ntlmssp_msg m;
    struct rd_ntlmssp_negotiate n;
    struct rd_ntlmssp_challenge c;
    struct rd_ntlmssp_authenticate a;
    struct rd_diag d = {0};
    enum rd_status st;

    (void)rd_ntlmssp_is_ntlmssp(in);
    st = rd_ntlmssp_parse(in, &m, &d);
    fz_status(st, &d, size);
    if (st == RD_OK) {
        fz_name(rd_ntlmssp_type_name(m.type));
    }
    d = (struct rd_diag){0};
    st = rd_ntlmssp_parse_negotiate(in, &n, &d);
    fz_status(st, &d, size);
    if (st == RD_OK) {
        fz_view_in(n.domain, data, size);
        fz_view_in(n.workstation, data, size);
        ascii(n.domain, false);
    }
    d = (struct rd_diag){0};
    st = rd_ntlmssp_parse_challenge(in, &c, &d);
    fz_status(st, &d, size);
    if (st == RD_OK) {
        fz_view_in(c.target_name, data, size);
        fz_view_in(c.nb_computer_name, data, size);
        fz_view_in(c.nb_domain_name, data, size);
        fz_view_in(c.dns_computer_name, data, size);
        fz_view_in(c.dns_domain_name, data, size);
        fz_view_in(c.dns_tree_name, data, size);
        ascii(c.target_name, c.unicode);
        ascii(c.dns_computer_name, true);
    }
    d = (struct rd_diag){0};
    st = rd_ntlmssp_parse_authenticate(in, &a, &d);
    fz_status(st, &d, size);
    if (st == RD_OK) {
        fz_view_in(a.domain, data, size);
        fz_view_in(a.user, data, size);
        fz_view_in(a.workstation, data, size);
        ascii(a.user, a.unicode);
        ascii(a.domain, a.unicode);
        ascii(a.workstation, !a.unicode);
    }
    return 0;
}

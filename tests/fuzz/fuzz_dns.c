/*
 * fuzz_dns.c - DNS messages (RFC 1035 4.1): one message on the whole input as a
 * UDP payload, then the input read as a DNS-over-TCP stream of length-prefixed
 * messages (RFC 1035 4.2.2).
 */
#include "config.h"

#include <string.h>

#include "dns.h"
#include "fuzz.h"

static void name_ok(const char *s, size_t size, const char *what)
{
    if (memchr(s, '\0', size) == NULL) {
        fz_fail(what);
    }
    for (const char *p = s; *p != '\0'; p++) {
        if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e) {
            fz_fail("DNS: a name with a byte outside printable ASCII");
        }
    }
}

static void msg(const struct rd_dns_msg *m)
{
    name_ok(m->qname, sizeof(m->qname), "DNS: qname without its NUL");
    if (m->answer_count > RD_DNS_MAX_ANSWERS) {
        fz_fail("DNS: answer count past its array");
    }
    if (m->answer_count + m->answers_dropped > m->ancount) {
        fz_fail("DNS: more answers kept than the header counts");
    }
    for (size_t i = 0; i < m->answer_count; i++) {
        const struct rd_dns_rr *rr = &m->answers[i];
        name_ok(rr->name, sizeof(rr->name), "DNS: owner name without its NUL");
        name_ok(rr->target, sizeof(rr->target), "DNS: CNAME target without its NUL");
        if (rr->addr_family != 0 && rr->addr_family != 4 && rr->addr_family != 6) {
            fz_fail("DNS: address family neither 4 nor 6");
        }
        if ((rr->addr_family == 4 && rr->rdlength != 4) ||
            (rr->addr_family == 6 && rr->rdlength != 16)) {
            fz_fail("DNS: address of the wrong size accepted");
        }
        fz_name(rd_dns_type_name(rr->type));
    }
    fz_name(rd_dns_rcode_name(m->rcode));
    fz_name(rd_dns_opcode_name(m->opcode));
    fz_name(rd_dns_type_name(m->qtype));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct rd_cur in = fz_cur(data, size);
    struct rd_dns_msg m;
    struct rd_diag d = {0};
    enum rd_status st = rd_dns_parse(in, &m, &d);

    fz_status(st, &d, size);
    if (st == RD_NEED_MORE) {
        fz_fail("rd_dns_parse: NEED_MORE on a whole message");
    }
    if (st == RD_OK) {
        msg(&m);
    }
    while (!rd_cur_is_empty(&in)) {
        struct rd_cur rec;
        size_t total = 0;
        d = (struct rd_diag){0};
        st = rd_dns_frame_tcp(in, &total, &d);
        fz_status(st, &d, size);
        if (st == RD_NEED_MORE && total <= in.len) {
            fz_fail("rd_dns_frame_tcp: NEED_MORE for a length already present");
        }
        if (st != RD_OK) {
            break;
        }
        if (total < 2 + RD_DNS_HEADER_LEN || total > in.len) {
            fz_fail("rd_dns_frame_tcp: framed length outside [14, available]");
        }
        rd_cur_take(&in, total, &rec);
        d = (struct rd_diag){0};
        st = rd_dns_parse_tcp(rec, &m, &d);
        fz_status(st, &d, size);
        if (st == RD_OK) {
            msg(&m);
        }
    }
    return 0;
}

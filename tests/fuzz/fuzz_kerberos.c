/*
 * fuzz_kerberos.c - Kerberos messages (RFC 4120 5.4-5.9): one message on the
 * whole input, and the TCP framing of RFC 4120 7.2.2 as a stream of records.
 */
#include "config.h"

#include <string.h>

#include "fuzz.h"
#include "kerberos.h"

static void msg(const struct rd_krb_msg *k)
{
    if (memchr(k->realm, '\0', sizeof(k->realm)) == NULL ||
        memchr(k->cname.text, '\0', sizeof(k->cname.text)) == NULL ||
        memchr(k->sname.text, '\0', sizeof(k->sname.text)) == NULL ||
        memchr(k->e_text, '\0', sizeof(k->e_text)) == NULL) {
        fz_fail("Kerberos: a string without its NUL");
    }
    if (k->padata_count > RD_KRB_MAX_PADATA) {
        fz_fail("Kerberos: PA-DATA count past its array");
    }
    for (size_t i = 0; i < k->padata_count; i++) {
        fz_name(rd_krb_padata_name(k->padata_types[i]));
    }
    fz_name(rd_krb_msg_type_name(k->msg_type));
    fz_name(rd_krb_error_name(k->error_code));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct rd_cur in = fz_cur(data, size);
    struct rd_krb_msg k;
    struct rd_diag d = {0};
    enum rd_status st = rd_krb_parse(in, &k, &d);

    fz_status(st, &d, size);
    if (st == RD_OK) {
        msg(&k);
    }
    while (!rd_cur_is_empty(&in)) {
        struct rd_cur rec;
        size_t total = 0;
        d = (struct rd_diag){0};
        st = rd_krb_frame_tcp(in, &total, &d);
        fz_status(st, &d, size);
        if (st == RD_NEED_MORE && total <= in.len) {
            fz_fail("rd_krb_frame_tcp: NEED_MORE for a length already present");
        }
        if (st != RD_OK) {
            break;
        }
        if (total < 4 || total > in.len) {
            fz_fail("rd_krb_frame_tcp: framed length outside [4, available]");
        }
        rd_cur_take(&in, total, &rec);
        d = (struct rd_diag){0};
        st = rd_krb_parse_tcp(rec, &k, &d);
        fz_status(st, &d, size);
        if (st == RD_OK) {
            msg(&k);
        }
    }
    return 0;
}

/*
 * tpkt.c - TPKT framing.
 *
 * References: RFC 1006 section 6 (packet format, version 3); RFC 2126 section
 * 4.3; MS-RDPBCGR 2.2.1.1 (tpktHeader of every slow-path PDU).
 */
#include "config.h"

#include "tpkt.h"

/*
 * TPKT header (RFC 1006 section 6):
 *   0      version   = 3
 *   1      reserved  (0; not enforced, peers are described, not judged)
 *   2..3   length    big-endian, whole packet including the header
 */
static enum rd_status read_header(struct rd_cur *c, uint16_t *len, struct rd_diag *diag)
{
    uint8_t version;
    uint8_t reserved;
    struct rd_cur at = *c;

    if (!rd_cur_u8(c, &version)) {
        return rd_fail(diag, RD_WHY_SHORT, &at, "tpkt.version");
    }
    if (version != RD_TPKT_VERSION) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, &at, "tpkt.version");
    }
    if (!rd_cur_u8(c, &reserved)) {
        return rd_fail(diag, RD_WHY_SHORT, c, "tpkt.reserved");
    }
    at = *c;
    if (!rd_cur_u16be(c, len)) {
        return rd_fail(diag, RD_WHY_SHORT, &at, "tpkt.length");
    }
    if (*len < RD_TPKT_MIN_LEN) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, &at, "tpkt.length");
    }
    return RD_OK;
}

enum rd_status rd_tpkt_frame(struct rd_cur in, size_t *pdu_len, struct rd_diag *diag)
{
    struct rd_cur c = in;
    uint8_t first;
    uint16_t len;
    enum rd_status st;

    *pdu_len = 0;
    if (rd_cur_peek_u8(&in, &first) && first != RD_TPKT_VERSION) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, &in, "tpkt.version");
    }
    if (in.len < RD_TPKT_HEADER_LEN) {
        return RD_NEED_MORE;
    }
    st = read_header(&c, &len, diag);
    if (st != RD_OK) {
        return st;
    }
    *pdu_len = len;
    if (in.len < len) {
        return RD_NEED_MORE;
    }
    return RD_OK;
}

enum rd_status rd_tpkt_parse(struct rd_cur pdu, struct rd_cur *payload, struct rd_diag *diag)
{
    struct rd_cur c = pdu;
    struct rd_cur len_at;
    uint16_t len;
    enum rd_status st;

    st = read_header(&c, &len, diag);
    if (st != RD_OK) {
        return st;
    }
    len_at = pdu;
    (void)rd_cur_skip(&len_at, 2);
    if (len > pdu.len) {
        return rd_fail(diag, RD_WHY_SHORT, &len_at, "tpkt.length");
    }
    if (len < pdu.len) {
        return rd_fail(diag, RD_WHY_TRAILING, &len_at, "tpkt.length");
    }
    *payload = c;
    return RD_OK;
}

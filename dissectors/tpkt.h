/*
 * tpkt.h - TPKT framing (RFC 1006 section 6; MS-RDPBCGR 2.2.1.1 tpktHeader).
 *
 *   version (1) = 3 | reserved (1) | length (2, big-endian, includes these 4 bytes)
 *
 * MS-RDPBCGR fast-path PDUs (first byte not 3) are not recognised here: in the
 * phases rdpdiag follows, a first byte other than 3 means the peer is not
 * speaking TPKT.
 */
#ifndef RD_TPKT_H
#define RD_TPKT_H

#include "cursor.h"

#define RD_TPKT_VERSION    3u
#define RD_TPKT_HEADER_LEN 4u
/* The smallest TPKT that can carry an X.224 TPDU (LI, code, EOT of a DT). */
#define RD_TPKT_MIN_LEN 7u

/*
 * Stream framing.  in is the start of one direction's byte stream (it may hold
 * less or more than one PDU).  On RD_OK, *pdu_len is the total length of the
 * first TPKT (header included) and in holds at least that many bytes.
 * RD_NEED_MORE: in holds less; *pdu_len is the total length when the 4-byte
 * header is complete, 0 when the header itself is incomplete.  RD_MALFORMED:
 * the first byte is not 3 or the length is below RD_TPKT_MIN_LEN.  Reads only
 * the header.
 */
enum rd_status rd_tpkt_frame(struct rd_cur in, size_t *pdu_len, struct rd_diag *diag);

/*
 * Parse one framed TPKT (exactly the bytes rd_tpkt_frame measured).  On RD_OK,
 * *payload is a view of the X.224 TPDU after the header, valid as long as the
 * input.  RD_MALFORMED when the version is not 3, the length field differs from
 * pdu.len (too big: short; too small: trailing) or is below RD_TPKT_MIN_LEN.
 */
enum rd_status rd_tpkt_parse(struct rd_cur pdu, struct rd_cur *payload, struct rd_diag *diag);

#endif

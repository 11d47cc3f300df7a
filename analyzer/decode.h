/*
 * decode.h - one captured frame to a struct rd_packet.
 *
 * The link decoder is chosen from the link type libpcap reports
 * (pcap_datalink()); the values are the DLT_* numbers, repeated here so that
 * this module needs no <pcap.h>.
 */
#ifndef RD_DECODE_H
#define RD_DECODE_H

#include "packet.h"

#define RD_DLT_NULL       0   /* BSD loopback, host-order AF_ family */
#define RD_DLT_EN10MB     1   /* Ethernet */
#define RD_DLT_RAW        12  /* raw IP (Linux's DLT_RAW; LINKTYPE_RAW 101 maps to it) */
#define RD_DLT_RAW_BSD    14  /* raw IP (OpenBSD numbering) */
#define RD_DLT_LOOP       108 /* OpenBSD loopback, network-order AF_ family */
#define RD_DLT_LINUX_SLL  113 /* Linux cooked v1 */
#define RD_DLT_RAW_LT     101 /* LINKTYPE_RAW as it appears in files */
#define RD_DLT_IPV4       228
#define RD_DLT_IPV6       229
#define RD_DLT_LINUX_SLL2 276 /* Linux cooked v2 */

enum rd_decode_result {
    RD_DEC_OK = 0,    /* an IP packet; l4 says what it carries */
    RD_DEC_NOT_IP,    /* ARP, LLDP, ...: not ours, silently ignored */
    RD_DEC_FRAGMENT,  /* an IP fragment: counted and skipped */
    RD_DEC_TRUNCATED, /* snaplen cut the frame inside a header */
    RD_DEC_MALFORMED  /* header fields that contradict each other or the frame */
};

/* Whether rd_decode_frame knows this link type. */
bool rd_decode_dlt_supported(int dlt);

/* Decode a frame of link type dlt.  Fills out (frame and ts_ns are left as the
 * caller set them) and returns how far it got.  out->payload points into data. */
enum rd_decode_result rd_decode_frame(int dlt, const uint8_t *data, uint32_t caplen,
                                      uint32_t wirelen, struct rd_packet *out);

/* rd_decode_frame's fast path alone: true when the frame is untagged
 * Ethernet/IPv4/TCP that it decoded (*out as rd_decode_frame fills it), with
 * *first_byte as rd_decode_peek_ports would report it.  False: not such a
 * frame (call rd_decode_frame_general). */
bool rd_decode_fast(int dlt, const uint8_t *data, uint32_t caplen, uint32_t wirelen,
                    struct rd_packet *out, int *first_byte);

/* rd_decode_frame without its fast path for untagged Ethernet/IPv4/TCP: the
 * same result for every frame (check_decode holds the two to it). */
enum rd_decode_result rd_decode_frame_general(int dlt, const uint8_t *data, uint32_t caplen,
                                              uint32_t wirelen, struct rd_packet *out);

const char *rd_decode_result_name(enum rd_decode_result r);

/* A cheap look at an untagged Ethernet IPv4 TCP/UDP frame: protocol (6 or 17),
 * ports and the first payload byte (-1 if none captured).  False for anything
 * else, which the caller then decodes in full with rd_decode_frame. */
bool rd_decode_peek_ports(int dlt, const uint8_t *data, uint32_t caplen, uint8_t *proto,
                          uint16_t *sport, uint16_t *dport, int *first_byte);

/* Format an address (dotted quad or RFC 5952 IPv6) into buf. */
void rd_addr_format(const struct rd_addr *a, char *buf, size_t size);
bool rd_addr_eq(const struct rd_addr *a, const struct rd_addr *b);

#endif

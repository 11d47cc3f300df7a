/*
 * decode.c - one captured frame to a struct rd_packet: link layer, IPv4/IPv6,
 * TCP/UDP/ICMP/ICMPv6.
 *
 * References: IEEE 802.3 and 802.1Q (Ethernet, C-tag 0x8100, S-tag 0x88a8, the
 * pre-standard QinQ 0x9100); the tcpdump.org LINKTYPE list (LINUX_SLL,
 * LINUX_SLL2, NULL, LOOP, RAW, IPV4, IPV6); RFC 791 (IPv4); RFC 8200 (IPv6 and
 * its extension headers); RFC 4302 (AH); RFC 6946 (atomic fragments); RFC 9293
 * (TCP); RFC 7323 (window scale, timestamps); RFC 2018 (SACK); RFC 768 (UDP);
 * RFC 792 and RFC 1191 (ICMP, next-hop MTU); RFC 4443 and RFC 8201 (ICMPv6,
 * packet too big).
 *
 * Every wire byte is read through the cursor.  Each header is checked against
 * two bounds: what the enclosing header says is there on the wire ("wire"), and
 * what was captured ("c->len").  Needing more than the wire holds is MALFORMED
 * (a header contradicts its container); needing more than was captured, but no
 * more than the wire holds, is TRUNCATED (snaplen cut it).  This runs once per
 * packet: no allocation, no formatting, one struct initialisation.
 */
#include "config.h"

#include "decode.h"

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "cursor.h"
#include "textfmt.h"

/* Ethertypes. */
#define ETH_IPV4   0x0800
#define ETH_IPV6   0x86dd
#define ETH_8021Q  0x8100 /* IEEE 802.1Q C-tag */
#define ETH_8021AD 0x88a8 /* IEEE 802.1ad S-tag */
#define ETH_QINQ   0x9100 /* pre-standard S-tag, still emitted by some switches */
#define ETH_MIN    0x0600 /* below this the field is an 802.3 length (LLC follows) */

/* IP protocol numbers and IPv6 next-header values. */
#define IPP_HOPOPTS  0
#define IPP_ICMP     1
#define IPP_TCP      6
#define IPP_UDP      17
#define IPP_ROUTING  43
#define IPP_FRAGMENT 44
#define IPP_AH       51
#define IPP_ICMPV6   58
#define IPP_NONE     59
#define IPP_DSTOPTS  60

/* BSD address families as they appear in DLT_NULL/DLT_LOOP headers. */
#define BSD_AF_INET         2
#define BSD_AF_INET6_BSD    24 /* NetBSD, OpenBSD */
#define BSD_AF_INET6_FREE   28 /* FreeBSD, DragonFly */
#define BSD_AF_INET6_DARWIN 30 /* macOS */

/* Our own caps: a frame is at most a few dozen tags or headers of junk, but
 * real traffic never stacks more than a handful. */
#define MAX_VLAN_TAGS 8
#define MAX_IPV6_EXT  8
#define ETH_HDR_LEN   14
#define SLL_HDR_LEN   16
#define SLL2_HDR_LEN  20
#define IPV4_MIN_HDR  20
#define IPV6_HDR_LEN  40
#define TCP_MIN_HDR   20
#define UDP_HDR_LEN   8
#define ICMP_HDR_LEN  8
#define QUOTE_L4_LEN  8

enum ip_ver { IPV_NONE = 0, IPV_4 = 4, IPV_6 = 6 };

/* Keep at most the first n bytes of the view (drops link-layer padding). */
static void clip(struct rd_cur *c, size_t n)
{
    if (n < c->len) {
        struct rd_cur t = *c;

        (void)rd_cur_take(&t, n, c);
    }
}

/* Whether n more bytes are there: MALFORMED if the wire does not hold them,
 * TRUNCATED if only the capture lacks them. */
static enum rd_decode_result need(const struct rd_cur *c, size_t wire, size_t n)
{
    if (n > wire) {
        return RD_DEC_MALFORMED;
    }
    if (n > c->len) {
        return RD_DEC_TRUNCATED;
    }
    return RD_DEC_OK;
}

static enum ip_ver ethertype_ver(uint16_t type)
{
    if (type == ETH_IPV4) {
        return IPV_4;
    }
    if (type == ETH_IPV6) {
        return IPV_6;
    }
    return IPV_NONE;
}

static bool is_vlan_type(uint16_t type)
{
    return type == ETH_8021Q || type == ETH_8021AD || type == ETH_QINQ;
}

/*
 * 802.1Q / 802.1ad tags, each:
 *   TCI        u16   PCP(3) DEI(1) VID(12)
 *   type       u16   the next ethertype (or another tag)
 * Walks tags while *type names one; leaves *type at the inner ethertype.
 */
static enum rd_decode_result walk_vlan(struct rd_cur *c, size_t *wire, uint16_t *type,
                                       struct rd_packet *out)
{
    while (is_vlan_type(*type)) {
        enum rd_decode_result r = need(c, *wire, 4);

        if (r != RD_DEC_OK) {
            return r;
        }
        if (out->vlan_tags == MAX_VLAN_TAGS) {
            return RD_DEC_MALFORMED;
        }
        (void)rd_cur_skip(c, 2);
        (void)rd_cur_u16be(c, type);
        *wire -= 4;
        out->vlan_tags++;
    }
    return RD_DEC_OK;
}

/*
 * Ethernet II:
 *   destination  6
 *   source       6
 *   type         u16   (>= 0x0600; smaller is an 802.3 length, LLC follows)
 */
static enum rd_decode_result link_ether(struct rd_cur *c, size_t *wire, enum ip_ver *ver,
                                        struct rd_packet *out)
{
    uint16_t type;
    enum rd_decode_result r = need(c, *wire, ETH_HDR_LEN);

    if (r != RD_DEC_OK) {
        return r;
    }
    (void)rd_cur_skip(c, 12);
    (void)rd_cur_u16be(c, &type);
    *wire -= ETH_HDR_LEN;
    r = walk_vlan(c, wire, &type, out);
    if (r != RD_DEC_OK) {
        return r;
    }
    *ver = ethertype_ver(type);
    return RD_DEC_OK;
}

/*
 * Linux cooked v1 (LINKTYPE_LINUX_SLL), 16 bytes:
 *   packet type   u16
 *   ARPHRD type   u16
 *   address len   u16
 *   address       8
 *   protocol      u16   ethertype (VLAN tags may follow when not stripped)
 */
static enum rd_decode_result link_sll(struct rd_cur *c, size_t *wire, enum ip_ver *ver,
                                      struct rd_packet *out)
{
    uint16_t type;
    enum rd_decode_result r = need(c, *wire, SLL_HDR_LEN);

    if (r != RD_DEC_OK) {
        return r;
    }
    (void)rd_cur_skip(c, 14);
    (void)rd_cur_u16be(c, &type);
    *wire -= SLL_HDR_LEN;
    r = walk_vlan(c, wire, &type, out);
    if (r != RD_DEC_OK) {
        return r;
    }
    *ver = ethertype_ver(type);
    return RD_DEC_OK;
}

/*
 * Linux cooked v2 (LINKTYPE_LINUX_SLL2), 20 bytes:
 *   protocol      u16   ethertype
 *   reserved      u16
 *   ifindex       u32
 *   ARPHRD type   u16
 *   packet type   u8
 *   address len   u8
 *   address       8
 */
static enum rd_decode_result link_sll2(struct rd_cur *c, size_t *wire, enum ip_ver *ver,
                                       struct rd_packet *out)
{
    uint16_t type;
    enum rd_decode_result r = need(c, *wire, SLL2_HDR_LEN);

    if (r != RD_DEC_OK) {
        return r;
    }
    (void)rd_cur_u16be(c, &type);
    (void)rd_cur_skip(c, SLL2_HDR_LEN - 2);
    *wire -= SLL2_HDR_LEN;
    r = walk_vlan(c, wire, &type, out);
    if (r != RD_DEC_OK) {
        return r;
    }
    *ver = ethertype_ver(type);
    return RD_DEC_OK;
}

/* Raw IP: the version nibble of the first byte says which. */
static enum rd_decode_result link_raw(const struct rd_cur *c, size_t wire, enum ip_ver *ver)
{
    uint8_t b;
    enum rd_decode_result r = need(c, wire, 1);

    if (r != RD_DEC_OK) {
        return r;
    }
    (void)rd_cur_peek_u8(c, &b);
    if (b >> 4 == 4) {
        *ver = IPV_4;
    } else if (b >> 4 == 6) {
        *ver = IPV_6;
    } else {
        *ver = IPV_NONE;
    }
    return RD_DEC_OK;
}

static enum ip_ver bsd_af_ver(uint32_t af)
{
    switch (af) {
    case BSD_AF_INET:
        return IPV_4;
    case BSD_AF_INET6_BSD:
    case BSD_AF_INET6_FREE:
    case BSD_AF_INET6_DARWIN:
        return IPV_6;
    default:
        return IPV_NONE;
    }
}

/*
 * BSD loopback: a 4-byte address family.  DLT_NULL stores it in the byte order
 * of the machine that captured, which the file does not tell us; every family
 * is below 256, so whichever order gives a small value is the right one.
 * DLT_LOOP stores it in network order.
 */
static enum rd_decode_result link_null(struct rd_cur *c, size_t *wire, bool network_order,
                                       enum ip_ver *ver)
{
    uint32_t af;
    struct rd_cur t = *c;
    enum rd_decode_result r = need(c, *wire, 4);

    if (r != RD_DEC_OK) {
        return r;
    }
    if (network_order) {
        (void)rd_cur_u32be(c, &af);
    } else {
        (void)rd_cur_u32le(c, &af);
        if (af > 0xffff) {
            (void)rd_cur_u32be(&t, &af);
        }
    }
    *wire -= 4;
    *ver = bsd_af_ver(af);
    return RD_DEC_OK;
}

/*
 * TCP options (RFC 9293 3.1): kind 0 EOL ends the list, kind 1 NOP is one byte,
 * every other kind is kind, length (>= 2, covering kind and length), data.
 *   2 MSS            len 4   u16
 *   3 window scale   len 3   u8 shift count (RFC 7323 2.3; > 14 kept raw)
 *   4 SACK-permitted len 2
 *   8 timestamps     len 10  u32 TSval, u32 TSecr (RFC 7323 3.2)
 * A length that runs past the list, or a known kind with the wrong length,
 * stops the walk and sets malformed; what was read before it stays.
 */
static void tcp_options(struct rd_cur o, struct rd_tcp_opts *opt)
{
    struct rd_cur t = o;
    uint32_t w[3];

    /* Most segments carry NOP, NOP, timestamps (RFC 7323 appendix A) and no more. */
    if (o.len == 12 && rd_cur_u32be_n(&t, w, 3) && w[0] == 0x0101080aU) {
        opt->has_ts = true;
        opt->tsval = w[1];
        opt->tsecr = w[2];
        opt->count = 1;
        return;
    }
    for (;;) {
        uint8_t kind;
        uint8_t len;
        struct rd_cur body;

        if (!rd_cur_u8(&o, &kind) || kind == 0) {
            return;
        }
        if (kind == 1) {
            continue;
        }
        if (!rd_cur_u8(&o, &len) || len < 2 || !rd_cur_take(&o, (size_t)len - 2, &body)) {
            opt->malformed = true;
            return;
        }
        switch (kind) {
        case 2:
            if (len != 4) {
                opt->malformed = true;
                return;
            }
            (void)rd_cur_u16be(&body, &opt->mss);
            opt->has_mss = true;
            break;
        case 3:
            if (len != 3) {
                opt->malformed = true;
                return;
            }
            (void)rd_cur_u8(&body, &opt->wscale);
            opt->has_wscale = true;
            break;
        case 4:
            if (len != 2) {
                opt->malformed = true;
                return;
            }
            opt->sack_ok = true;
            break;
        case 8:
            if (len != 10) {
                opt->malformed = true;
                return;
            }
            (void)rd_cur_u32be(&body, &opt->tsval);
            (void)rd_cur_u32be(&body, &opt->tsecr);
            opt->has_ts = true;
            break;
        default:
            break;
        }
        opt->count++;
    }
}

/*
 * TCP header (RFC 9293 3.1):
 *   source port       u16
 *   destination port  u16
 *   sequence number   u32
 *   ack number        u32
 *   data offset       4 bits (32-bit words, >= 5), reserved 4 bits
 *   flags             u8    CWR ECE URG ACK PSH RST SYN FIN
 *   window            u16
 *   checksum          u16
 *   urgent pointer    u16
 *   options           data offset * 4 - 20
 */
static enum rd_decode_result l4_tcp(struct rd_cur *c, size_t wire, struct rd_packet *out)
{
    uint32_t ports = 0;
    uint32_t w3 = 0;
    uint32_t w4 = 0;
    size_t hlen;
    struct rd_cur opts;
    enum rd_decode_result r = need(c, wire, TCP_MIN_HDR);

    if (r != RD_DEC_OK) {
        return r;
    }
    out->l4 = RD_L4_TCP;
    /* Read as five words and split (one cursor call per word, as for IPv4). */
    (void)rd_cur_u32be(c, &ports); /* source port, destination port */
    (void)rd_cur_u32be(c, &out->seq);
    (void)rd_cur_u32be(c, &out->ack);
    (void)rd_cur_u32be(c, &w3); /* data offset, reserved, flags, window */
    (void)rd_cur_u32be(c, &w4); /* checksum, urgent pointer */
    out->sport = (uint16_t)(ports >> 16);
    out->dport = (uint16_t)(ports & 0xffffu);
    out->flags = (uint8_t)((w3 >> 16) & 0xffu);
    out->win = (uint16_t)(w3 & 0xffffu);
    out->tcp_csum = (uint16_t)(w4 >> 16);
    hlen = (size_t)(w3 >> 28) * 4;
    if (hlen < TCP_MIN_HDR) {
        return RD_DEC_MALFORMED;
    }
    r = need(c, wire - TCP_MIN_HDR, hlen - TCP_MIN_HDR);
    if (r != RD_DEC_OK) {
        return r;
    }
    (void)rd_cur_take(c, hlen - TCP_MIN_HDR, &opts);
    tcp_options(opts, &out->opt);
    out->payload = c->p;
    out->paylen = (uint32_t)c->len;
    out->paylen_wire = (uint32_t)(wire - hlen);
    return RD_DEC_OK;
}

/*
 * UDP header (RFC 768):
 *   source port  u16
 *   dest port    u16
 *   length       u16   header + data; 0 only in IPv6 jumbograms (RFC 2675)
 *   checksum     u16
 */
static enum rd_decode_result l4_udp(struct rd_cur *c, size_t wire, struct rd_packet *out)
{
    uint16_t ulen;
    enum rd_decode_result r = need(c, wire, UDP_HDR_LEN);

    if (r != RD_DEC_OK) {
        return r;
    }
    out->l4 = RD_L4_UDP;
    (void)rd_cur_u16be(c, &out->sport);
    (void)rd_cur_u16be(c, &out->dport);
    (void)rd_cur_u16be(c, &ulen);
    (void)rd_cur_skip(c, 2);
    if (ulen != 0) {
        if (ulen < UDP_HDR_LEN || ulen > wire) {
            return RD_DEC_MALFORMED;
        }
        wire = ulen;
    }
    out->payload = c->p;
    out->paylen_wire = (uint32_t)(wire - UDP_HDR_LEN);
    out->paylen = (uint32_t)(c->len < wire - UDP_HDR_LEN ? c->len : wire - UDP_HDR_LEN);
    return RD_DEC_OK;
}

/*
 * IPv6 extension headers (RFC 8200 4) from *nh on: hop-by-hop (0), routing
 * (43), destination options (60) are next header u8, length u8 in 8-octet
 * units not counting the first 8; AH (RFC 4302 2.2) counts 4-octet units minus
 * 2; the fragment header (44) is 8 octets:
 *   next header u8, reserved u8, offset(13) res(2) M(1) u16, identification u32
 * An atomic fragment (offset 0, M = 0; RFC 6946) is a whole packet and walked
 * through; so is any first fragment (offset 0) when first_ok is set, for an
 * ICMP quote, where only the upper-layer header matters.  Leaves *nh at the
 * upper-layer protocol.
 */
static enum rd_decode_result ipv6_ext(struct rd_cur *c, size_t *wire, uint8_t *nh, bool first_ok)
{
    for (size_t n = 0;; n++) {
        uint8_t next;
        uint8_t hl;
        size_t len;
        enum rd_decode_result r;

        if (*nh != IPP_HOPOPTS && *nh != IPP_ROUTING && *nh != IPP_DSTOPTS && *nh != IPP_FRAGMENT &&
            *nh != IPP_AH) {
            return RD_DEC_OK;
        }
        if (n == MAX_IPV6_EXT) {
            return RD_DEC_MALFORMED;
        }
        r = need(c, *wire, 8);
        if (r != RD_DEC_OK) {
            return r;
        }
        if (*nh == IPP_FRAGMENT) {
            uint16_t offm;

            (void)rd_cur_u8(c, &next);
            (void)rd_cur_skip(c, 1);
            (void)rd_cur_u16be(c, &offm);
            (void)rd_cur_skip(c, 4);
            *wire -= 8;
            if ((offm & (first_ok ? 0xfff8 : 0xfff9)) != 0) {
                return RD_DEC_FRAGMENT;
            }
            *nh = next;
            continue;
        }
        (void)rd_cur_peek_at(c, 0, &next);
        (void)rd_cur_peek_at(c, 1, &hl);
        len = *nh == IPP_AH ? ((size_t)hl + 2) * 4 : ((size_t)hl + 1) * 8;
        r = need(c, *wire, len);
        if (r != RD_DEC_OK) {
            return r;
        }
        (void)rd_cur_skip(c, len);
        *wire -= len;
        *nh = next;
    }
}

/* Store v as 4 bytes in network order: an IPv4 address read as one word goes
 * back into struct rd_addr without a call to memcpy for 4 bytes. */
static void put_be32(uint8_t *dst, uint32_t v)
{
    dst[0] = (uint8_t)(v >> 24);
    dst[1] = (uint8_t)(v >> 16);
    dst[2] = (uint8_t)(v >> 8);
    dst[3] = (uint8_t)v;
}

/*
 * IPv4 header (RFC 791 3.1):
 *   version(4) IHL(4)      u8   version 4, IHL >= 5 words
 *   TOS                    u8
 *   total length           u16  header + data, >= IHL * 4
 *   identification         u16
 *   flags(3) offset(13)    u16  reserved, DF, MF
 *   TTL                    u8
 *   protocol               u8
 *   header checksum        u16
 *   source                 4
 *   destination            4
 *   options                IHL * 4 - 20
 * On return *c is the captured data (Ethernet padding dropped), *wire its
 * length on the wire and *frag the flags/offset field.
 */
static enum rd_decode_result ipv4_hdr(struct rd_cur *c, size_t *wire, uint8_t *proto,
                                      uint16_t *frag, struct rd_addr *src, struct rd_addr *dst,
                                      struct rd_packet *out)
{
    uint32_t w0 = 0;
    uint32_t w1 = 0;
    uint32_t w2 = 0;
    uint32_t addr = 0;
    uint8_t vihl;
    uint16_t total;
    uint16_t id;
    uint8_t ttl;
    size_t hlen;
    enum rd_decode_result r = need(c, *wire, IPV4_MIN_HDR);

    if (r != RD_DEC_OK) {
        return r;
    }
    /* The first 12 bytes as three words, split below: one cursor call per
     * word instead of one per field keeps this per-packet path short. */
    (void)rd_cur_u32be(c, &w0); /* version, IHL, TOS, total length */
    (void)rd_cur_u32be(c, &w1); /* identification, flags, fragment offset */
    (void)rd_cur_u32be(c, &w2); /* TTL, protocol, header checksum */
    vihl = (uint8_t)(w0 >> 24);
    total = (uint16_t)(w0 & 0xffffu);
    id = (uint16_t)(w1 >> 16);
    *frag = (uint16_t)(w1 & 0xffffu);
    ttl = (uint8_t)(w2 >> 24);
    *proto = (uint8_t)((w2 >> 16) & 0xffu);
    src->family = 4;
    dst->family = 4;
    (void)rd_cur_u32be(c, &addr); /* source */
    put_be32(src->a, addr);
    (void)rd_cur_u32be(c, &addr); /* destination */
    put_be32(dst->a, addr);
    if (out != NULL) {
        out->ttl = ttl;
        out->has_ipid = true;
        out->ipid = id;
        out->ip_df = (*frag & 0x4000) != 0;
    }
    hlen = (size_t)(vihl & 0x0f) * 4;
    if (vihl >> 4 != 4 || hlen < IPV4_MIN_HDR) {
        return RD_DEC_MALFORMED;
    }
    /* Total length 0 is what a sender's own capture shows for a segment it
     * handed to TCP segmentation offload; the frame then holds the packet. */
    if (total != 0) {
        if (total < hlen || total > *wire) {
            return RD_DEC_MALFORMED;
        }
        *wire = total;
        clip(c, (size_t)total - IPV4_MIN_HDR);
    }
    *wire -= IPV4_MIN_HDR;
    r = need(c, *wire, hlen - IPV4_MIN_HDR);
    if (r != RD_DEC_OK) {
        return r;
    }
    (void)rd_cur_skip(c, hlen - IPV4_MIN_HDR);
    *wire -= hlen - IPV4_MIN_HDR;
    return RD_DEC_OK;
}

/*
 * IPv6 header (RFC 8200 3):
 *   version(4) traffic class(8) flow label(20)   u32
 *   payload length                              u16  0 for a jumbogram
 *   next header                                 u8
 *   hop limit                                   u8
 *   source                                      16
 *   destination                                 16
 * Walks the extension headers; *proto is the upper-layer protocol.  out is
 * NULL for the header an ICMPv6 error quotes.
 */
static enum rd_decode_result ipv6_hdr(struct rd_cur *c, size_t *wire, uint8_t *proto,
                                      struct rd_addr *src, struct rd_addr *dst,
                                      struct rd_packet *out)
{
    uint8_t v = 0;
    uint16_t plen = 0;
    uint8_t hlim = 0;
    enum rd_decode_result r = need(c, *wire, IPV6_HDR_LEN);

    if (r != RD_DEC_OK) {
        return r;
    }
    (void)rd_cur_u8(c, &v);
    (void)rd_cur_skip(c, 3);
    (void)rd_cur_u16be(c, &plen);
    (void)rd_cur_u8(c, proto);
    (void)rd_cur_u8(c, &hlim);
    src->family = 6;
    dst->family = 6;
    (void)rd_cur_copy(c, 16, src->a, sizeof src->a);
    (void)rd_cur_copy(c, 16, dst->a, sizeof dst->a);
    if (out != NULL) {
        out->ttl = hlim;
    }
    if (v >> 4 != 6) {
        return RD_DEC_MALFORMED;
    }
    *wire -= IPV6_HDR_LEN;
    /* Payload length 0: a jumbogram (RFC 2675) or a TSO segment; the frame
     * holds the packet. */
    if (plen != 0) {
        if (plen > *wire) {
            return RD_DEC_MALFORMED;
        }
        *wire = plen;
        clip(c, plen);
    }
    return ipv6_ext(c, wire, proto, out == NULL);
}

/*
 * The packet an ICMP error quotes (RFC 792: IP header + first 64 bits of data;
 * RFC 4443 2.4: as much as fits).  Only the capture bounds it: the quoted
 * header's lengths describe the original packet, not the quote, so the wire
 * bound starts unlimited.  A quote too short for the IP header and 8 L4 bytes,
 * or of a non-first fragment, is left with valid = false (addresses may still
 * be filled).
 *   source port  u16   (TCP and UDP)
 *   dest port    u16
 *   sequence     u32   (TCP)
 */
static void icmp_quote(struct rd_cur c, enum ip_ver ver, struct rd_icmp_quote *q)
{
    uint8_t proto = 0;
    uint16_t frag = 0;
    size_t wire = SIZE_MAX;
    enum rd_decode_result r;

    if (ver == IPV_4) {
        r = ipv4_hdr(&c, &wire, &proto, &frag, &q->src, &q->dst, NULL);
    } else {
        r = ipv6_hdr(&c, &wire, &proto, &q->src, &q->dst, NULL);
    }
    /* A quoted first fragment (offset 0) still starts with the L4 header. */
    if (r != RD_DEC_OK || (frag & 0x1fff) != 0 || need(&c, wire, QUOTE_L4_LEN) != RD_DEC_OK) {
        return;
    }
    q->proto = proto;
    if (proto == IPP_TCP || proto == IPP_UDP) {
        (void)rd_cur_u16be(&c, &q->sport);
        (void)rd_cur_u16be(&c, &q->dport);
        if (proto == IPP_TCP) {
            (void)rd_cur_u32be(&c, &q->seq);
        }
    }
    q->valid = true;
}

/*
 * ICMP (RFC 792) and ICMPv6 (RFC 4443) header, 8 bytes:
 *   type      u8
 *   code      u8
 *   checksum  u16
 *   rest      u32   ICMPv4 3/4 (frag needed): unused u16, next-hop MTU u16
 *                   (RFC 1191 4); ICMPv6 2 (packet too big): MTU u32
 * Errors that quote the offending packet: ICMPv4 3 unreachable, 11 time
 * exceeded, 12 parameter problem; ICMPv6 1 unreachable, 2 packet too big,
 * 3 time exceeded, 4 parameter problem.
 */
static enum rd_decode_result l4_icmp(struct rd_cur *c, size_t wire, bool v6, struct rd_packet *out)
{
    uint32_t rest = 0;
    bool quotes;
    enum rd_decode_result r = need(c, wire, ICMP_HDR_LEN);

    if (r != RD_DEC_OK) {
        return r;
    }
    out->l4 = v6 ? RD_L4_ICMP6 : RD_L4_ICMP;
    (void)rd_cur_u8(c, &out->icmp_type);
    (void)rd_cur_u8(c, &out->icmp_code);
    (void)rd_cur_skip(c, 2);
    (void)rd_cur_u32be(c, &rest);
    if (v6) {
        quotes = out->icmp_type >= 1 && out->icmp_type <= 4;
        if (out->icmp_type == 2) {
            out->icmp_mtu = rest;
        }
    } else {
        quotes = out->icmp_type == 3 || out->icmp_type == 11 || out->icmp_type == 12;
        if (out->icmp_type == 3 && out->icmp_code == 4) {
            out->icmp_mtu = rest & 0xffff;
        }
    }
    if (quotes) {
        struct rd_cur body = *c;

        /* The quote is part of the ICMP message: bound it by the wire too. */
        clip(&body, wire - ICMP_HDR_LEN);
        icmp_quote(body, v6 ? IPV_6 : IPV_4, &out->quote);
    }
    return RD_DEC_OK;
}

bool rd_decode_dlt_supported(int dlt)
{
    switch (dlt) {
    case RD_DLT_NULL:
    case RD_DLT_EN10MB:
    case RD_DLT_RAW:
    case RD_DLT_RAW_BSD:
    case RD_DLT_RAW_LT:
    case RD_DLT_LOOP:
    case RD_DLT_LINUX_SLL:
    case RD_DLT_IPV4:
    case RD_DLT_IPV6:
    case RD_DLT_LINUX_SLL2:
        return true;
    default:
        return false;
    }
}

/*
 * Every field of *out zero but the frame number and time (set by the caller)
 * and the lengths.  Copied from a blank packet rather than zero-filled: for a
 * structure of this size GCC zero-fills with `rep stos`, whose start-up costs
 * more than the copy (perf put it at 44 % of the reading thread's per-frame
 * function where a raw record was zero-filled the same way).
 */
static const struct rd_packet blank_packet;

static void start_packet(struct rd_packet *out, uint32_t caplen, uint32_t wirelen)
{
    uint64_t frame = out->frame;
    int64_t ts_ns = out->ts_ns;

    memcpy(out, &blank_packet, sizeof(*out));
    out->frame = frame;
    out->ts_ns = ts_ns;
    out->caplen = caplen;
    out->wirelen = wirelen;
}

/*
 * The frame nearly every packet of an RDP capture is: Ethernet without tags,
 * IPv4 without options, TCP, not a fragment, its headers captured and its
 * lengths consistent.  Read in one pass, with the result the general path
 * below gives for such a frame (check_decode compares the two on every frame
 * of the sample captures).  False: anything else, and nothing is promised
 * about *out; the general path starts over.
 */
static bool fast_ether_ipv4_tcp(const uint8_t *data, uint32_t caplen, size_t wire,
                                struct rd_packet *out, int *first_byte)
{
    struct rd_cur c, rest, opts;
    uint16_t type = 0;
    uint32_t w[10]; /* the IPv4 header, then the TCP header without options */
    size_t total, ip_payload, hlen;
    uint8_t b = 0;

    rd_cur_init(&c, data, caplen);
    if (!rd_cur_skip(&c, 12) || !rd_cur_u16be(&c, &type) || type != ETH_IPV4 ||
        !rd_cur_u32be_n(&c, w, 10)) {
        return false;
    }
    if ((w[0] >> 24) != 0x45 || (w[1] & 0x3fffu) != 0 || ((w[2] >> 16) & 0xffu) != IPP_TCP) {
        return false;
    }
    total = w[0] & 0xffffu;
    if (total < IPV4_MIN_HDR + TCP_MIN_HDR || total > wire - ETH_HDR_LEN) {
        return false; /* TSO's zero, or lengths the general path judges */
    }
    ip_payload = total - IPV4_MIN_HDR;
    hlen = (size_t)(w[8] >> 28) * 4;
    rest = c; /* behind the fixed headers, Ethernet padding included */
    clip(&c, ip_payload - TCP_MIN_HDR);
    if (hlen < TCP_MIN_HDR || hlen > ip_payload || !rd_cur_take(&c, hlen - TCP_MIN_HDR, &opts)) {
        return false;
    }
    start_packet(out, caplen, (uint32_t)wire);
    out->ttl = (uint8_t)(w[2] >> 24);
    out->has_ipid = true;
    out->ipid = (uint16_t)(w[1] >> 16);
    out->ip_df = (w[1] & 0x4000u) != 0;
    out->l4 = RD_L4_TCP;
    out->sport = (uint16_t)(w[5] >> 16);
    out->dport = (uint16_t)(w[5] & 0xffffu);
    out->seq = w[6];
    out->ack = w[7];
    out->flags = (uint8_t)((w[8] >> 16) & 0xffu);
    out->win = (uint16_t)(w[8] & 0xffffu);
    out->tcp_csum = (uint16_t)(w[9] >> 16);
    out->payload = c.p;
    out->paylen = (uint32_t)c.len;
    out->paylen_wire = (uint32_t)(ip_payload - hlen);
    out->src.family = 4;
    out->dst.family = 4;
    put_be32(out->src.a, w[3]);
    put_be32(out->dst.a, w[4]);
    if (opts.len > 0) {
        tcp_options(opts, &out->opt);
    }
    /* What rd_decode_peek_ports reports: the byte behind the TCP header, even
     * when it is Ethernet padding rather than payload. */
    *first_byte = rd_cur_peek_at(&rest, hlen - TCP_MIN_HDR, &b) ? b : -1;
    return true;
}

enum rd_decode_result rd_decode_frame(int dlt, const uint8_t *data, uint32_t caplen,
                                      uint32_t wirelen, struct rd_packet *out)
{
    int first;

    if (rd_decode_fast(dlt, data, caplen, wirelen, out, &first)) {
        return RD_DEC_OK;
    }
    return rd_decode_frame_general(dlt, data, caplen, wirelen, out);
}

bool rd_decode_fast(int dlt, const uint8_t *data, uint32_t caplen, uint32_t wirelen,
                    struct rd_packet *out, int *first_byte)
{
    return dlt == RD_DLT_EN10MB && wirelen >= caplen &&
           fast_ether_ipv4_tcp(data, caplen, wirelen, out, first_byte);
}

enum rd_decode_result rd_decode_frame_general(int dlt, const uint8_t *data, uint32_t caplen,
                                              uint32_t wirelen, struct rd_packet *out)
{
    struct rd_cur c;
    /* A wire length below the captured one is impossible; trust the capture. */
    size_t wire = wirelen > caplen ? wirelen : caplen;
    enum ip_ver ver = IPV_NONE;
    uint8_t proto = 0;
    uint16_t frag = 0;
    enum rd_decode_result r;

    start_packet(out, caplen, wirelen);
    rd_cur_init(&c, data, caplen);

    switch (dlt) {
    case RD_DLT_EN10MB:
        r = link_ether(&c, &wire, &ver, out);
        break;
    case RD_DLT_LINUX_SLL:
        r = link_sll(&c, &wire, &ver, out);
        break;
    case RD_DLT_LINUX_SLL2:
        r = link_sll2(&c, &wire, &ver, out);
        break;
    case RD_DLT_RAW:
    case RD_DLT_RAW_BSD:
    case RD_DLT_RAW_LT:
        r = link_raw(&c, wire, &ver);
        break;
    case RD_DLT_IPV4:
        r = link_raw(&c, wire, &ver);
        if (r == RD_DEC_OK && ver != IPV_4) {
            r = RD_DEC_MALFORMED;
        }
        break;
    case RD_DLT_IPV6:
        r = link_raw(&c, wire, &ver);
        if (r == RD_DEC_OK && ver != IPV_6) {
            r = RD_DEC_MALFORMED;
        }
        break;
    case RD_DLT_NULL:
        r = link_null(&c, &wire, false, &ver);
        break;
    case RD_DLT_LOOP:
        r = link_null(&c, &wire, true, &ver);
        break;
    default:
        return RD_DEC_NOT_IP;
    }
    if (r != RD_DEC_OK) {
        return r;
    }
    if (ver == IPV_4) {
        r = ipv4_hdr(&c, &wire, &proto, &frag, &out->src, &out->dst, out);
    } else if (ver == IPV_6) {
        r = ipv6_hdr(&c, &wire, &proto, &out->src, &out->dst, out);
    } else {
        return RD_DEC_NOT_IP;
    }
    if (r != RD_DEC_OK) {
        return r;
    }
    /* MF set or a non-zero offset (RFC 791 3.1): reassembly is not ours. */
    if ((frag & 0x3fff) != 0) {
        return RD_DEC_FRAGMENT;
    }

    switch (proto) {
    case IPP_TCP:
        return l4_tcp(&c, wire, out);
    case IPP_UDP:
        return l4_udp(&c, wire, out);
    case IPP_ICMP:
        if (ver == IPV_4) {
            return l4_icmp(&c, wire, false, out);
        }
        out->l4 = RD_L4_OTHER;
        return RD_DEC_OK;
    case IPP_ICMPV6:
        if (ver == IPV_6) {
            return l4_icmp(&c, wire, true, out);
        }
        out->l4 = RD_L4_OTHER;
        return RD_DEC_OK;
    case IPP_NONE:
        /* IPv6 "no next header" (RFC 8200 4.7): nothing follows. */
        return RD_DEC_OK;
    default:
        out->l4 = RD_L4_OTHER;
        return RD_DEC_OK;
    }
}

const char *rd_decode_result_name(enum rd_decode_result r)
{
    switch (r) {
    case RD_DEC_OK:
        return "ok";
    case RD_DEC_NOT_IP:
        return "not_ip";
    case RD_DEC_FRAGMENT:
        return "fragment";
    case RD_DEC_TRUNCATED:
        return "truncated";
    case RD_DEC_MALFORMED:
        return "malformed";
    }
    return "unknown";
}

void rd_addr_format(const struct rd_addr *a, char *buf, size_t size)
{
    const char *s = NULL;

    if (size == 0) {
        return;
    }
    if (a->family == 4) {
        /* inet_ntop's dotted quad, without its cost (reports print two per
         * connection). */
        int n = rd_format(buf, size, "%u.%u.%u.%u", a->a[0], a->a[1], a->a[2], a->a[3]);
        s = n >= 0 && (size_t)n < size ? buf : NULL;
    } else if (a->family == 6) {
        s = inet_ntop(AF_INET6, a->a, buf, (socklen_t)size);
    }
    if (s == NULL) {
        /* Unset address, or buf too small for it. */
        buf[0] = '\0';
        if (size >= 2) {
            buf[0] = '-';
            buf[1] = '\0';
        }
    }
}

bool rd_addr_eq(const struct rd_addr *a, const struct rd_addr *b)
{
    size_t n = a->family == 4 ? 4 : 16;

    return a->family == b->family && memcmp(a->a, b->a, n) == 0;
}

/*
 * The common case, cheaply: an untagged Ethernet frame carrying an unfragmented
 * IPv4 TCP or UDP packet.  Reads the protocol, the ports and the first payload
 * byte (-1 when none was captured) so that the caller can drop traffic it has no
 * use for without decoding the rest.  Anything else (tags, IPv6, fragments,
 * short frames) returns false: decode it in full.
 */
bool rd_decode_peek_ports(int dlt, const uint8_t *data, uint32_t caplen, uint8_t *proto,
                          uint16_t *sport, uint16_t *dport, int *first_byte)
{
    struct rd_cur c, l4;
    uint16_t ethertype, frag, sp, dp;
    uint8_t vihl, pr, doff = 0, b = 0;
    size_t ihl, hdr;

    if (dlt != RD_DLT_EN10MB) {
        return false;
    }
    rd_cur_init(&c, data, caplen);
    if (!rd_cur_skip(&c, 12) || !rd_cur_u16be(&c, &ethertype) || ethertype != ETH_IPV4 ||
        !rd_cur_peek_at(&c, 0, &vihl) || (vihl >> 4) != 4 || (vihl & 0x0f) < 5 ||
        !rd_cur_peek_at(&c, 9, &pr) || (pr != 6 && pr != 17)) {
        return false;
    }
    {
        struct rd_cur f = c;
        if (!rd_cur_skip(&f, 6) || !rd_cur_u16be(&f, &frag) || (frag & 0x3fff) != 0) {
            return false; /* MF set or a fragment offset */
        }
    }
    ihl = (size_t)(vihl & 0x0f) * 4;
    if (!rd_cur_skip(&c, ihl)) {
        return false;
    }
    l4 = c;
    if (!rd_cur_u16be(&l4, &sp) || !rd_cur_u16be(&l4, &dp)) {
        return false;
    }
    if (pr == 6) {
        if (!rd_cur_peek_at(&c, 12, &doff)) {
            return false;
        }
        hdr = (size_t)(doff >> 4) * 4;
    } else {
        hdr = 8;
    }
    *first_byte = rd_cur_peek_at(&c, hdr, &b) && hdr >= 8 ? b : -1;
    *proto = pr;
    *sport = sp;
    *dport = dp;
    return true;
}

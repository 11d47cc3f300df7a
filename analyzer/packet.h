/*
 * packet.h - one decoded frame, as the decode stage hands it to the flow table.
 *
 * Every field is a copy except payload, which points into the frame libpcap
 * delivered and lives only until the next frame is read.
 */
#ifndef RD_PACKET_H
#define RD_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An IPv4 or IPv6 address; IPv4 uses the first 4 bytes, the rest are zero. */
struct rd_addr {
    uint8_t family; /* 4 or 6; 0 when unset */
    uint8_t a[16];
};

enum rd_l4 { RD_L4_NONE = 0, RD_L4_TCP, RD_L4_UDP, RD_L4_ICMP, RD_L4_ICMP6, RD_L4_OTHER };

#define RD_TCP_FIN 0x01
#define RD_TCP_SYN 0x02
#define RD_TCP_RST 0x04
#define RD_TCP_PSH 0x08
#define RD_TCP_ACK 0x10
#define RD_TCP_URG 0x20
#define RD_TCP_ECE 0x40
#define RD_TCP_CWR 0x80

struct rd_tcp_opts {
    bool has_mss;
    bool has_wscale;
    bool sack_ok;
    bool has_ts;
    uint16_t mss;
    uint8_t wscale;
    uint32_t tsval;
    uint32_t tsecr;
    uint8_t count;  /* well-formed options seen (kinds other than NOP/EOL) */
    bool malformed; /* the list stopped at a bad length; options after it unread */
};

/* What an ICMP/ICMPv6 error quotes of the packet that caused it. */
struct rd_icmp_quote {
    bool valid; /* the quoted IP header and first 8 L4 bytes were present */
    struct rd_addr src, dst;
    uint8_t proto; /* 6 TCP, 17 UDP */
    uint16_t sport, dport;
    uint32_t seq; /* TCP only */
};

struct rd_packet {
    uint64_t frame;    /* 1-based, over every frame libpcap delivered */
    int64_t ts_ns;     /* capture timestamp, nanoseconds since the Unix epoch */
    uint32_t caplen;   /* bytes captured of this frame */
    uint32_t wirelen;  /* bytes the frame had on the wire */
    uint8_t vlan_tags; /* 802.1Q/802.1ad tags walked */

    struct rd_addr src, dst;
    uint8_t ttl;   /* IPv4 TTL or IPv6 hop limit */
    bool has_ipid; /* IPv4 only */
    uint16_t ipid;
    bool ip_df;

    enum rd_l4 l4;
    uint16_t sport, dport; /* TCP/UDP */

    /* TCP */
    uint32_t seq, ack;
    uint8_t flags;
    uint16_t win; /* raw, unscaled */
    uint16_t tcp_csum;
    struct rd_tcp_opts opt;

    /* L4 payload (TCP/UDP) */
    const uint8_t *payload;
    uint32_t paylen;      /* payload bytes captured */
    uint32_t paylen_wire; /* payload bytes the IP header claims; > paylen when snaplen cut it */

    /* ICMP / ICMPv6 errors */
    uint8_t icmp_type, icmp_code;
    uint32_t icmp_mtu; /* next-hop MTU (frag needed) or MTU (packet too big) */
    struct rd_icmp_quote quote;
};

#endif

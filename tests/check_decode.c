/*
 * check_decode.c - unit tests for analyzer/decode.c (link layer, IPv4/IPv6,
 * TCP/UDP/ICMP/ICMPv6 into struct rd_packet).
 *
 * Frames are byte arrays, one header field per line.  Synthetic frames use the
 * documentation addresses 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24
 * (RFC 5737) and 2001:db8::/32 (RFC 3849).  Real frames come from
 * ../shared/public-captures (tshark -x), cited by file and frame.
 */
#include "config.h"

#include <check.h>
#include <pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decode.h"

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- building blocks ---------------------------------------------------- */

/* Ethernet II header, 14 bytes. */
#define ETH_HDR(t_hi, t_lo)                                                                        \
    0x00, 0x00, 0x5e, 0x00, 0x53, 0x02,     /* destination 00:00:5e:00:53:02 */                    \
        0x00, 0x00, 0x5e, 0x00, 0x53, 0x01, /* source 00:00:5e:00:53:01 */                         \
        t_hi, t_lo                          /* type */

/* 192.0.2.1 -> 198.51.100.2 */
#define V4_ADDRS                                                                                   \
    0xc0, 0x00, 0x02, 0x01,    /* source 192.0.2.1 */                                              \
        0xc6, 0x33, 0x64, 0x02 /* destination 198.51.100.2 */

/* IPv4 header without options, 20 bytes: ID 0x1234, DF, TTL 64. */
#define IP4_HDR(tot_hi, tot_lo, proto)                                                             \
    0x45,               /* version 4, IHL 5 */                                                     \
        0x00,           /* TOS */                                                                  \
        tot_hi, tot_lo, /* total length */                                                         \
        0x12, 0x34,     /* identification 0x1234 */                                                \
        0x40, 0x00,     /* flags DF, offset 0 */                                                   \
        0x40,           /* TTL 64 */                                                               \
        proto,          /* protocol */                                                             \
        0x00, 0x00,     /* header checksum (not verified) */                                       \
        V4_ADDRS

/* 2001:db8::1 -> 2001:db8::2 */
#define V6_ADDRS                                                                                   \
    0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, /* source 2001:db8::1 */        \
        0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,                                   \
        0x02 /* destination 2001:db8::2 */

/* IPv6 header, 40 bytes: hop limit 64. */
#define IP6_HDR(plen_hi, plen_lo, nh)                                                              \
    0x60, 0x00, 0x00, 0x00, /* version 6, class 0, flow 0 */                                       \
        plen_hi, plen_lo,   /* payload length */                                                   \
        nh,                 /* next header */                                                      \
        0x40,               /* hop limit 64 */                                                     \
        V6_ADDRS

/* TCP header without options, 20 bytes: 50000 -> 3389, seq 0x01020305,
 * ack 0x0a0b0c0d, PSH|ACK, window 64240. */
#define TCP_HDR                                                                                    \
    0xc3, 0x50,                 /* source port 50000 */                                            \
        0x0d, 0x3d,             /* destination port 3389 */                                        \
        0x01, 0x02, 0x03, 0x05, /* sequence number */                                              \
        0x0a, 0x0b, 0x0c, 0x0d, /* acknowledgment number */                                        \
        0x50,                   /* data offset 5 */                                                \
        0x18,                   /* flags PSH ACK */                                                \
        0xfa, 0xf0,             /* window 64240 */                                                 \
        0xbe, 0xef,             /* checksum 0xbeef (not verified) */                               \
        0x00, 0x00              /* urgent pointer */

/* Four payload bytes: a TPKT header (version 3, reserved, length 4). */
#define PAYLOAD4 0x03, 0x00, 0x00, 0x04

/* An IPv4 packet of 44 bytes: IP4_HDR + TCP_HDR + PAYLOAD4. */
#define TCP4_PACKET IP4_HDR(0x00, 0x2c, 0x06), TCP_HDR, PAYLOAD4
/* An IPv6 packet of 64 bytes: IP6_HDR + TCP_HDR + PAYLOAD4. */
#define TCP6_PACKET IP6_HDR(0x00, 0x18, 0x06), TCP_HDR, PAYLOAD4

/* ---- link layers --------------------------------------------------------- */

/* Real SYN, rdp-x509.pcap frame 1 (66 bytes):
 * Ethernet II, 00:17:c5:10:15:40 -> 00:50:56:8c:fc:10, IPv4
 * IPv4 192.168.1.1 -> 192.168.1.2, ID 0x2eca, DF, TTL 128, TCP
 * TCP 54990 -> 3389, SYN, seq 196150525, window 8192,
 *     options MSS 1398, NOP, WS 8, NOP, NOP, SACK_PERM */
static const uint8_t f_x509_syn[] = {
    0x00, 0x50, 0x56, 0x8c, 0xfc, 0x10, /* destination */
    0x00, 0x17, 0xc5, 0x10, 0x15, 0x40, /* source */
    0x08, 0x00,                         /* type IPv4 */
    0x45,                               /* version 4, IHL 5 */
    0x00,                               /* TOS */
    0x00, 0x34,                         /* total length 52 */
    0x2e, 0xca,                         /* identification */
    0x40, 0x00,                         /* DF */
    0x80,                               /* TTL 128 */
    0x06,                               /* TCP */
    0x48, 0xa6,                         /* header checksum */
    0xc0, 0xa8, 0x01, 0x01,             /* source 192.168.1.1 */
    0xc0, 0xa8, 0x01, 0x02,             /* destination 192.168.1.2 */
    0xd6, 0xce,                         /* source port 54990 */
    0x0d, 0x3d,                         /* destination port 3389 */
    0x0b, 0xb1, 0x04, 0xfd,             /* sequence 196150525 */
    0x00, 0x00, 0x00, 0x00,             /* ack 0 */
    0x80,                               /* data offset 8 (32 bytes) */
    0x02,                               /* SYN */
    0x20, 0x00,                         /* window 8192 */
    0xd7, 0x40,                         /* checksum */
    0x00, 0x00,                         /* urgent pointer */
    0x02, 0x04, 0x05, 0x76,             /* MSS 1398 */
    0x01,                               /* NOP */
    0x03, 0x03, 0x08,                   /* window scale 8 */
    0x01,                               /* NOP */
    0x01,                               /* NOP */
    0x04, 0x02,                         /* SACK permitted */
};

/* Real ACK with Ethernet padding, rdp-x509.pcap frame 5 (60 bytes; the IP
 * packet is 40, the 6 trailing zero bytes are padding to the Ethernet minimum). */
static const uint8_t f_x509_ack_pad[] = {
    0x00, 0x50, 0x56, 0x8c, 0xfc, 0x10, /* destination */
    0x00, 0x17, 0xc5, 0x10, 0x15, 0x40, /* source */
    0x08, 0x00,                         /* type IPv4 */
    0x45,                               /* version 4, IHL 5 */
    0x00,                               /* TOS */
    0x00, 0x28,                         /* total length 40 */
    0x2f, 0x2d,                         /* identification */
    0x40, 0x00,                         /* DF */
    0x80,                               /* TTL 128 */
    0x06,                               /* TCP */
    0x48, 0x4f,                         /* header checksum */
    0xc0, 0xa8, 0x01, 0x01,             /* source 192.168.1.1 */
    0xc0, 0xa8, 0x01, 0x02,             /* destination 192.168.1.2 */
    0xd6, 0xce,                         /* source port 54990 */
    0x0d, 0x3d,                         /* destination port 3389 */
    0x0b, 0xb1, 0x04, 0xfe,             /* sequence 196150526 */
    0xdd, 0x65, 0x8a, 0x03,             /* ack 3714419203 */
    0x50,                               /* data offset 5 */
    0x10,                               /* ACK */
    0x01, 0x00,                         /* window 256 */
    0xcf, 0x5c,                         /* checksum */
    0x00, 0x00,                         /* urgent pointer */
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* Ethernet padding */
};

/* Real SYN with timestamps, tls-1.2-handshake-failure.pcap frame 1 (78 bytes):
 * IPv4 192.168.4.149 -> 74.125.239.37, ID 0xd459, DF, TTL 64
 * TCP 53525 -> 443, SYN, seq 1142581648, window 65535,
 *     options MSS 1460, NOP, WS 4, NOP, NOP, TS 997717991/0, SACK_PERM, EOL, EOL */
static const uint8_t f_tls12_syn_ts[] = {
    0x00, 0x26, 0x88, 0xe7, 0x8d, 0x81, /* destination */
    0xa8, 0x20, 0x66, 0x48, 0xca, 0x51, /* source */
    0x08, 0x00,                         /* type IPv4 */
    0x45,                               /* version 4, IHL 5 */
    0x00,                               /* TOS */
    0x00, 0x40,                         /* total length 64 */
    0xd4, 0x59,                         /* identification */
    0x40, 0x00,                         /* DF */
    0x40,                               /* TTL 64 */
    0x06,                               /* TCP */
    0x67, 0x7e,                         /* header checksum */
    0xc0, 0xa8, 0x04, 0x95,             /* source 192.168.4.149 */
    0x4a, 0x7d, 0xef, 0x25,             /* destination 74.125.239.37 */
    0xd1, 0x15,                         /* source port 53525 */
    0x01, 0xbb,                         /* destination port 443 */
    0x44, 0x1a, 0x69, 0x90,             /* sequence 1142581648 */
    0x00, 0x00, 0x00, 0x00,             /* ack 0 */
    0xb0,                               /* data offset 11 (44 bytes) */
    0x02,                               /* SYN */
    0xff, 0xff,                         /* window 65535 */
    0x84, 0x43,                         /* checksum */
    0x00, 0x00,                         /* urgent pointer */
    0x02, 0x04, 0x05, 0xb4,             /* MSS 1460 */
    0x01,                               /* NOP */
    0x03, 0x03, 0x04,                   /* window scale 4 */
    0x01,                               /* NOP */
    0x01,                               /* NOP */
    0x08, 0x0a,                         /* timestamps, length 10 */
    0x3b, 0x77, 0xf7, 0xe7,             /*   TSval 997717991 */
    0x00, 0x00, 0x00, 0x00,             /*   TSecr 0 */
    0x04, 0x02,                         /* SACK permitted */
    0x00,                               /* EOL */
    0x00,                               /* padding */
};

/* Real IPv6 UDP datagram, rdpeudp-handshake-success.pcap frame 1, first 70 of
 * its 1294 bytes (as if captured with snaplen 70):
 * IPv6 ::1 -> ::1, hop limit 128, UDP 61291 -> 3389, length 1240 */
static const uint8_t f_rdpeudp_cut[] = {
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* destination */
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* source */
    0x86, 0xdd,                         /* type IPv6 */
    0x60, 0x00, 0x00, 0x00,             /* version 6 */
    0x04, 0xd8,                         /* payload length 1240 */
    0x11,                               /* next header UDP */
    0x80,                               /* hop limit 128 */
    0,    0,    0,    0,    0,    0,    0,    0,    0, 0, 0, 0, 0, 0, 0, 0x01, /* source ::1 */
    0,    0,    0,    0,    0,    0,    0,    0,    0, 0, 0, 0, 0, 0, 0, 0x01, /* destination ::1 */
    0xef, 0x6b,                                     /* source port 61291 */
    0x0d, 0x3d,                                     /* destination port 3389 */
    0x04, 0xd8,                                     /* length 1240 */
    0x35, 0xeb,                                     /* checksum */
    0xff, 0xff, 0xff, 0xff, 0x00, 0x40, 0x18, 0x01, /* first 8 payload bytes */
};

/* Ethernet, one 802.1Q tag (VID 100), IPv4, TCP, 4 payload bytes. */
static const uint8_t f_vlan[] = {
    ETH_HDR(0x81, 0x00), /* 802.1Q */
    0x00,
    0x64, /* PCP 0, DEI 0, VID 100 */
    0x08,
    0x00, /* type IPv4 */
    TCP4_PACKET,
};

/* Ethernet, 802.1ad S-tag (VID 10), 802.1Q C-tag (VID 100), IPv4, TCP. */
static const uint8_t f_qinq[] = {
    ETH_HDR(0x88, 0xa8), /* 802.1ad */
    0x00,
    0x0a, /* VID 10 */
    0x81,
    0x00, /* 802.1Q */
    0x00,
    0x64, /* VID 100 */
    0x08,
    0x00, /* type IPv4 */
    TCP4_PACKET,
};

/* Ethernet, pre-standard QinQ 0x9100 (VID 20), 802.1Q (VID 100), IPv6, TCP. */
static const uint8_t f_qinq9100_v6[] = {
    ETH_HDR(0x91, 0x00), /* QinQ 0x9100 */
    0x00,
    0x14, /* VID 20 */
    0x81,
    0x00, /* 802.1Q */
    0x00,
    0x64, /* VID 100 */
    0x86,
    0xdd, /* type IPv6 */
    TCP6_PACKET,
};

/* Nine stacked tags: over our cap of 8. */
static const uint8_t f_vlan9[] = {
    ETH_HDR(0x81, 0x00),
    0x00,
    0x01,
    0x81,
    0x00, /* tag 1 */
    0x00,
    0x02,
    0x81,
    0x00, /* tag 2 */
    0x00,
    0x03,
    0x81,
    0x00, /* tag 3 */
    0x00,
    0x04,
    0x81,
    0x00, /* tag 4 */
    0x00,
    0x05,
    0x81,
    0x00, /* tag 5 */
    0x00,
    0x06,
    0x81,
    0x00, /* tag 6 */
    0x00,
    0x07,
    0x81,
    0x00, /* tag 7 */
    0x00,
    0x08,
    0x81,
    0x00, /* tag 8 */
    0x00,
    0x09,
    0x08,
    0x00, /* tag 9, IPv4 */
    TCP4_PACKET,
};

/* Ethernet ARP: not IP. */
static const uint8_t f_arp[] = {
    ETH_HDR(0x08, 0x06), /* ARP */
    0x00,
    0x01, /* hardware Ethernet */
    0x08,
    0x00, /* protocol IPv4 */
    0x06,
    0x04, /* sizes */
    0x00,
    0x01, /* request */
    0x00,
    0x00,
    0x5e,
    0x00,
    0x53,
    0x01, /* sender MAC */
    0xc0,
    0x00,
    0x02,
    0x01, /* sender IP */
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00, /* target MAC */
    0xc6,
    0x33,
    0x64,
    0x02, /* target IP */
};

/* IEEE 802.3 frame: the type field is a length (0x0026), LLC follows. */
static const uint8_t f_8023[] = {
    ETH_HDR(0x00, 0x26), /* length 38 */
    0x42,
    0x42,
    0x03, /* LLC: STP */
    0x00,
    0x00, /* protocol id */
};

/* Linux cooked v1, IPv4, TCP. */
static const uint8_t f_sll[] = {
    0x00,        0x00,                                     /* packet type: to us */
    0x00,        0x01,                                     /* ARPHRD_ETHER */
    0x00,        0x06,                                     /* address length 6 */
    0x00,        0x00, 0x5e, 0x00, 0x53, 0x01, 0x00, 0x00, /* address, padded to 8 */
    0x08,        0x00,                                     /* protocol IPv4 */
    TCP4_PACKET,
};

/* Linux cooked v1 carrying ARP: not IP. */
static const uint8_t f_sll_arp[] = {
    0x00, 0x01,                                     /* packet type: broadcast */
    0x00, 0x01,                                     /* ARPHRD_ETHER */
    0x00, 0x06,                                     /* address length 6 */
    0x00, 0x00, 0x5e, 0x00, 0x53, 0x01, 0x00, 0x00, /* address */
    0x08, 0x06,                                     /* protocol ARP */
    0x00, 0x01, 0x08, 0x00,                         /* ARP start */
};

/* Linux cooked v1 whose protocol is 802.1Q: the tag was not stripped. */
static const uint8_t f_sll_vlan[] = {
    0x00,        0x04,                                     /* packet type: outgoing */
    0x00,        0x01,                                     /* ARPHRD_ETHER */
    0x00,        0x06,                                     /* address length 6 */
    0x00,        0x00, 0x5e, 0x00, 0x53, 0x01, 0x00, 0x00, /* address */
    0x81,        0x00,                                     /* protocol 802.1Q */
    0x00,        0x64,                                     /* VID 100 */
    0x08,        0x00,                                     /* type IPv4 */
    TCP4_PACKET,
};

/* Linux cooked v2, IPv6, TCP. */
static const uint8_t f_sll2_v6[] = {
    0x86,        0xdd,                                     /* protocol IPv6 */
    0x00,        0x00,                                     /* reserved */
    0x00,        0x00, 0x00, 0x02,                         /* interface index 2 */
    0x00,        0x01,                                     /* ARPHRD_ETHER */
    0x04,                                                  /* packet type: outgoing */
    0x06,                                                  /* address length 6 */
    0x00,        0x00, 0x5e, 0x00, 0x53, 0x01, 0x00, 0x00, /* address */
    TCP6_PACKET,
};

/* Raw IPv4 (DLT_RAW 12, 14, LINKTYPE_RAW 101, DLT_IPV4 228). */
static const uint8_t f_raw4[] = {TCP4_PACKET};
/* Raw IPv6 (DLT_RAW, DLT_IPV6 229). */
static const uint8_t f_raw6[] = {TCP6_PACKET};
/* Raw, version nibble 5: not IP. */
static const uint8_t f_raw_v5[] = {0x55, 0x00, 0x00, 0x14};

/* DLT_NULL, AF_INET written little-endian (captured on x86). */
static const uint8_t f_null_le4[] = {
    0x02,        0x00, 0x00, 0x00, /* AF_INET (2), little-endian */
    TCP4_PACKET,
};
/* DLT_NULL, AF_INET written big-endian (captured on a big-endian host). */
static const uint8_t f_null_be4[] = {
    0x00,        0x00, 0x00, 0x02, /* AF_INET (2), big-endian */
    TCP4_PACKET,
};
/* DLT_NULL, AF_INET6 as NetBSD/OpenBSD number it, little-endian. */
static const uint8_t f_null_24_v6[] = {
    0x18,        0x00, 0x00, 0x00, /* AF_INET6 (24) */
    TCP6_PACKET,
};
/* DLT_NULL, AF_INET6 as FreeBSD numbers it, little-endian. */
static const uint8_t f_null_28_v6[] = {
    0x1c,        0x00, 0x00, 0x00, /* AF_INET6 (28) */
    TCP6_PACKET,
};
/* DLT_NULL, AF_INET6 as macOS numbers it, big-endian. */
static const uint8_t f_null_30_v6[] = {
    0x00,        0x00, 0x00, 0x1e, /* AF_INET6 (30), big-endian */
    TCP6_PACKET,
};
/* DLT_NULL, AF 7: not IP. */
static const uint8_t f_null_af7[] = {
    0x07, 0x00, 0x00, 0x00, /* family 7 */
    0x00, 0x00, 0x00, 0x00,
};
/* DLT_LOOP, AF_INET in network order. */
static const uint8_t f_loop4[] = {
    0x00,        0x00, 0x00, 0x02, /* AF_INET */
    TCP4_PACKET,
};
/* DLT_LOOP, little-endian 2 is 0x02000000 in network order: not a family. */
static const uint8_t f_loop_le[] = {
    0x02,        0x00, 0x00, 0x00, /* 0x02000000 */
    TCP4_PACKET,
};

/* ---- IPv4 ------------------------------------------------------------------ */

/* IPv4 with 8 bytes of options (IHL 7): router alert, NOP, NOP, NOP, EOL. */
static const uint8_t f_ip4_opts[] = {
    0x47,                           /* version 4, IHL 7 (28 bytes) */
    0x00,                           /* TOS */
    0x00,     0x34,                 /* total length 52 */
    0x12,     0x34,                 /* identification */
    0x00,     0x00,                 /* no flags */
    0x01,                           /* TTL 1 */
    0x06,                           /* TCP */
    0x00,     0x00,                 /* checksum */
    V4_ADDRS,                       /* addresses */
    0x94,     0x04,     0x00, 0x00, /* router alert (RFC 2113) */
    0x01,     0x01,     0x01,       /* NOP NOP NOP */
    0x00,                           /* EOL */
    TCP_HDR,  PAYLOAD4,
};

/* First fragment: MF set, offset 0. */
static const uint8_t f_ip4_frag_first[] = {
    0x45,     0x00,    0x00,     0x2c, /* version, IHL, TOS, total length 44 */
    0xab,     0xcd,                    /* identification */
    0x20,     0x00,                    /* MF, offset 0 */
    0x40,     0x06,    0x00,     0x00, /* TTL 64, TCP, checksum */
    V4_ADDRS, TCP_HDR, PAYLOAD4,
};

/* Last fragment: MF clear, offset 185 (1480 bytes). */
static const uint8_t f_ip4_frag_last[] = {
    0x45,     0x00, 0x00, 0x18, /* version, IHL, TOS, total length 24 */
    0xab,     0xcd,             /* identification */
    0x00,     0xb9,             /* offset 185 */
    0x40,     0x06, 0x00, 0x00, /* TTL 64, TCP, checksum */
    V4_ADDRS, 0xde, 0xad, 0xbe, 0xef,
};

/* Ethertype IPv4 but version 5. */
static const uint8_t f_ip4_badver[] = {
    ETH_HDR(0x08, 0x00),
    0x55,
    0x00,
    0x00,
    0x2c, /* version 5 */
    0x12,
    0x34,
    0x40,
    0x00,
    0x40,
    0x06,
    0x00,
    0x00,
    V4_ADDRS,
    TCP_HDR,
    PAYLOAD4,
};

/* IHL 4 (< 5). */
static const uint8_t f_ip4_ihl4[] = {
    0x44, 0x00, 0x00, 0x2c, /* version 4, IHL 4 */
    0x12, 0x34, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00, V4_ADDRS, TCP_HDR, PAYLOAD4,
};

/* Total length 19, below the 20-byte header. */
static const uint8_t f_ip4_tot_lt_hdr[] = {IP4_HDR(0x00, 0x13, 0x06), TCP_HDR, PAYLOAD4};

/* IHL 7 (28 bytes) but total length 24. */
static const uint8_t f_ip4_tot_lt_ihl[] = {
    0x47, 0x00, 0x00, 0x18, /* IHL 7, total length 24 */
    0x12, 0x34, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00, V4_ADDRS, 0x01, 0x01, 0x01, 0x01, /* options */
    0x01, 0x01, 0x01, 0x00,                                                           /* options */
};

/* Total length one too big (45 for 44 bytes). */
static const uint8_t f_ip4_tot_plus1[] = {IP4_HDR(0x00, 0x2d, 0x06), TCP_HDR, PAYLOAD4};
/* Total length one too small (43): the last byte is link padding. */
static const uint8_t f_ip4_tot_minus1[] = {IP4_HDR(0x00, 0x2b, 0x06), TCP_HDR, PAYLOAD4};
/* One trailing byte after a correct total length. */
static const uint8_t f_ip4_trailing[] = {TCP4_PACKET, 0xff};

/* Total length 0: a TSO segment as its sender captured it. */
static const uint8_t f_ip4_tso[] = {IP4_HDR(0x00, 0x00, 0x06), TCP_HDR, PAYLOAD4};

/* Some other protocol (GRE 47). */
static const uint8_t f_ip4_gre[] = {IP4_HDR(0x00, 0x18, 0x2f), 0x00, 0x00, 0x08, 0x00};

/* ---- IPv6 extension headers ------------------------------------------------- */

/* Hop-by-hop, destination options, atomic fragment (offset 0, M 0), TCP. */
static const uint8_t f_ip6_ext[] = {
    IP6_HDR(0x00, 0x30, 0x00), /* payload length 48, next hop-by-hop */
    0x3c,                      /* hop-by-hop: next destination options */
    0x00,                      /*   length 0 (8 bytes) */
    0x01,
    0x04,
    0,
    0,
    0,
    0,    /*   PadN, 4 bytes */
    0x2c, /* destination options: next fragment */
    0x00, /*   length 0 */
    0x01,
    0x04,
    0,
    0,
    0,
    0,    /*   PadN */
    0x06, /* fragment: next TCP */
    0x00, /*   reserved */
    0x00,
    0x00, /*   offset 0, M 0: atomic */
    0x12,
    0x34,
    0x56,
    0x78, /*   identification */
    TCP_HDR,
    PAYLOAD4,
};

/* Routing header, AH, TCP. */
static const uint8_t f_ip6_rt_ah[] = {
    IP6_HDR(0x00, 0x38, 0x2b), /* payload length 56, next routing */
    0x33,                      /* routing: next AH */
    0x00,                      /*   length 0 (8 bytes) */
    0x04,                      /*   routing type 4 */
    0x00,                      /*   segments left 0 */
    0,
    0,
    0,
    0,    /*   type-specific */
    0x06, /* AH: next TCP */
    0x04, /*   payload length 4: (4 + 2) * 4 = 24 bytes */
    0x00,
    0x00, /*   reserved */
    0x00,
    0x00,
    0x10,
    0x01, /*   SPI */
    0x00,
    0x00,
    0x00,
    0x01, /*   sequence */
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0, /* ICV, 12 bytes */
    TCP_HDR,
    PAYLOAD4,
};

/* First fragment: offset 0, M 1. */
static const uint8_t f_ip6_frag_first[] = {
    IP6_HDR(0x00, 0x20, 0x2c), /* payload length 32, next fragment */
    0x06,
    0x00, /* next TCP, reserved */
    0x00,
    0x01, /* offset 0, M 1 */
    0x12,
    0x34,
    0x56,
    0x78, /* identification */
    TCP_HDR,
    PAYLOAD4,
};

/* Later fragment: offset 1 (8 bytes), M 0. */
static const uint8_t f_ip6_frag_later[] = {
    IP6_HDR(0x00, 0x0c, 0x2c), /* payload length 12, next fragment */
    0x06,
    0x00, /* next TCP, reserved */
    0x00,
    0x08, /* offset 1, M 0 */
    0x12,
    0x34,
    0x56,
    0x78, /* identification */
    PAYLOAD4,
};

/* No next header (59), 4 bytes that mean nothing. */
static const uint8_t f_ip6_nonext[] = {IP6_HDR(0x00, 0x04, 0x3b), PAYLOAD4};

/* Nine destination-options headers: over our cap of 8. */
#define DSTOPT8 0x3c, 0x00, 0x01, 0x04, 0, 0, 0, 0 /* next dst opts, len 0, PadN */
static const uint8_t f_ip6_ext9[] = {
    IP6_HDR(0x00, 0x48, 0x3c), /* payload length 72 */
    DSTOPT8,
    DSTOPT8,
    DSTOPT8,
    DSTOPT8,
    DSTOPT8,
    DSTOPT8,
    DSTOPT8,
    DSTOPT8,
    DSTOPT8,
};

/* A hop-by-hop header claiming 48 bytes inside an 8-byte payload. */
static const uint8_t f_ip6_ext_overrun[] = {
    IP6_HDR(0x00, 0x08, 0x00), /* payload length 8 */
    0x06,                      /* next TCP */
    0x05,                      /* length 5: 48 bytes */
    0x01,
    0x04,
    0,
    0,
    0,
    0, /* PadN */
};

/* Ethertype IPv6, version 4. */
static const uint8_t f_ip6_badver[] = {
    ETH_HDR(0x86, 0xdd),
    0x40,
    0x00,
    0x00,
    0x00, /* version 4 */
    0x00,
    0x18,
    0x06,
    0x40,
    V6_ADDRS,
    TCP_HDR,
    PAYLOAD4,
};

/* Payload length one too big / one too small. */
static const uint8_t f_ip6_plen_plus1[] = {IP6_HDR(0x00, 0x19, 0x06), TCP_HDR, PAYLOAD4};
static const uint8_t f_ip6_plen_minus1[] = {IP6_HDR(0x00, 0x17, 0x06), TCP_HDR, PAYLOAD4};

/* ---- TCP ------------------------------------------------------------------- */

/* Options MSS, an unknown kind (30, MPTCP), EOL; bytes after EOL are ignored. */
static const uint8_t f_tcp_opt_unknown[] = {
    IP4_HDR(0x00, 0x34, 0x06), /* total length 52 */
    0xc3,
    0x50,
    0x0d,
    0x3d, /* ports 50000 -> 3389 */
    0x00,
    0x00,
    0x00,
    0x01, /* sequence 1 */
    0x00,
    0x00,
    0x00,
    0x00, /* ack 0 */
    0x80, /* data offset 8 (12 bytes of options) */
    0x02, /* SYN */
    0xff,
    0xff, /* window */
    0x00,
    0x00,
    0x00,
    0x00, /* checksum, urgent */
    0x02,
    0x04,
    0x05,
    0xb4, /* MSS 1460 */
    0x1e,
    0x04,
    0x00,
    0x81, /* kind 30, length 4 */
    0x00, /* EOL */
    0xff,
    0xff,
    0xff, /* after EOL: not options */
};

/* MSS, then window scale with length 0: the walk stops there. */
static const uint8_t f_tcp_opt_len0[] = {
    IP4_HDR(0x00, 0x30, 0x06), /* total length 48 */
    0xc3,
    0x50,
    0x0d,
    0x3d, /* ports */
    0x00,
    0x00,
    0x00,
    0x01, /* sequence 1 */
    0x00,
    0x00,
    0x00,
    0x00, /* ack 0 */
    0x70, /* data offset 7 */
    0x02, /* SYN */
    0xff,
    0xff, /* window */
    0x00,
    0x00,
    0x00,
    0x00, /* checksum, urgent */
    0x02,
    0x04,
    0x05,
    0xb4, /* MSS 1460 */
    0x03,
    0x00, /* window scale, length 0 */
    0x04,
    0x02, /* SACK permitted: not reached */
};

/* Timestamps option whose length (10) runs past the 4 option bytes. */
static const uint8_t f_tcp_opt_overrun[] = {
    IP4_HDR(0x00, 0x2c, 0x06), /* total length 44 */
    0xc3,
    0x50,
    0x0d,
    0x3d, /* ports */
    0x00,
    0x00,
    0x00,
    0x01, /* sequence 1 */
    0x00,
    0x00,
    0x00,
    0x00, /* ack 0 */
    0x60, /* data offset 6 */
    0x02, /* SYN */
    0xff,
    0xff, /* window */
    0x00,
    0x00,
    0x00,
    0x00, /* checksum, urgent */
    0x08,
    0x0a,
    0x00,
    0x00, /* timestamps, length 10 */
};

/* MSS with length 3 (must be 4). */
static const uint8_t f_tcp_opt_badmss[] = {
    IP4_HDR(0x00, 0x2c, 0x06), /* total length 44 */
    0xc3,
    0x50,
    0x0d,
    0x3d, /* ports */
    0x00,
    0x00,
    0x00,
    0x01, /* sequence 1 */
    0x00,
    0x00,
    0x00,
    0x00, /* ack 0 */
    0x60, /* data offset 6 */
    0x02, /* SYN */
    0xff,
    0xff, /* window */
    0x00,
    0x00,
    0x00,
    0x00, /* checksum, urgent */
    0x02,
    0x03,
    0x05,
    0x01, /* MSS, length 3 */
};

/* Data offset 4 (< 5). */
static const uint8_t f_tcp_doff4[] = {
    IP4_HDR(0x00, 0x2c, 0x06),
    0xc3,
    0x50,
    0x0d,
    0x3d, /* ports */
    0x01,
    0x02,
    0x03,
    0x05, /* sequence */
    0x0a,
    0x0b,
    0x0c,
    0x0d, /* ack */
    0x40, /* data offset 4 */
    0x18, /* PSH ACK */
    0xfa,
    0xf0,
    0xbe,
    0xef,
    0x00,
    0x00,
    PAYLOAD4,
};

/* Data offset 15 (60 bytes) in a 24-byte segment. */
static const uint8_t f_tcp_doff_big[] = {
    IP4_HDR(0x00, 0x2c, 0x06),
    0xc3,
    0x50,
    0x0d,
    0x3d, /* ports */
    0x01,
    0x02,
    0x03,
    0x05, /* sequence */
    0x0a,
    0x0b,
    0x0c,
    0x0d, /* ack */
    0xf0, /* data offset 15 */
    0x18, /* PSH ACK */
    0xfa,
    0xf0,
    0xbe,
    0xef,
    0x00,
    0x00,
    PAYLOAD4,
};

/* A segment shorter than the minimal TCP header (total length 36: 16 bytes). */
static const uint8_t f_tcp_short[] = {
    IP4_HDR(0x00, 0x24, 0x06),
    0xc3,
    0x50,
    0x0d,
    0x3d,
    0x01,
    0x02,
    0x03,
    0x05,
    0x0a,
    0x0b,
    0x0c,
    0x0d,
    0x50,
    0x18,
    0xfa,
    0xf0,
};

/* ---- UDP ------------------------------------------------------------------- */

/* UDP 50001 -> 53, length 12 (4 payload bytes). */
#define UDP_HDR(l_hi, l_lo)                                                                        \
    0xc3, 0x51,     /* source port 50001 */                                                        \
        0x00, 0x35, /* destination port 53 */                                                      \
        l_hi, l_lo, /* length */                                                                   \
        0x00, 0x00  /* checksum */
static const uint8_t f_udp4[] = {IP4_HDR(0x00, 0x20, 0x11), UDP_HDR(0x00, 0x0c), PAYLOAD4};
/* UDP length 7 (< 8). */
static const uint8_t f_udp_len7[] = {IP4_HDR(0x00, 0x20, 0x11), UDP_HDR(0x00, 0x07), PAYLOAD4};
/* UDP length one too big. */
static const uint8_t f_udp_plus1[] = {IP4_HDR(0x00, 0x20, 0x11), UDP_HDR(0x00, 0x0d), PAYLOAD4};
/* UDP length one too small: the IP packet has one byte after the datagram. */
static const uint8_t f_udp_minus1[] = {IP4_HDR(0x00, 0x20, 0x11), UDP_HDR(0x00, 0x0b), PAYLOAD4};

/* ---- ICMP ------------------------------------------------------------------ */

/* ICMP destination unreachable, fragmentation needed, next-hop MTU 1400, from a
 * router 203.0.113.1 to 192.0.2.1, quoting the TCP segment 192.0.2.1:50000 ->
 * 198.51.100.2:3389 seq 0x01020305 (the original was 1500 bytes long). */
static const uint8_t f_icmp4_fragneed[] = {
    ETH_HDR(0x08, 0x00),
    0x45,
    0x00, /* version 4, IHL 5, TOS */
    0x00,
    0x38, /* total length 56 */
    0x00,
    0x01,
    0x00,
    0x00, /* identification, no flags */
    0xfe,
    0x01, /* TTL 254, ICMP */
    0x00,
    0x00, /* checksum */
    0xcb,
    0x00,
    0x71,
    0x01, /* source 203.0.113.1 */
    0xc0,
    0x00,
    0x02,
    0x01, /* destination 192.0.2.1 */
    0x03, /* type 3 destination unreachable */
    0x04, /* code 4 fragmentation needed and DF set */
    0x00,
    0x00, /* checksum */
    0x00,
    0x00, /* unused */
    0x05,
    0x78,                      /* next-hop MTU 1400 */
    IP4_HDR(0x05, 0xdc, 0x06), /* quoted IPv4 header, total length 1500 */
    0xc3,
    0x50, /* quoted source port 50000 */
    0x0d,
    0x3d, /* quoted destination port 3389 */
    0x01,
    0x02,
    0x03,
    0x05, /* quoted sequence */
};

/* ICMP time exceeded in transit quoting a UDP datagram 50001 -> 53. */
static const uint8_t f_icmp4_ttl_udp[] = {
    0x45,
    0x00,
    0x00,
    0x38, /* version 4, IHL 5, TOS, total length 56 */
    0x00,
    0x02,
    0x00,
    0x00, /* identification, no flags */
    0xfe,
    0x01,
    0x00,
    0x00, /* TTL 254, ICMP, checksum */
    0xcb,
    0x00,
    0x71,
    0x01, /* source 203.0.113.1 */
    0xc0,
    0x00,
    0x02,
    0x01, /* destination 192.0.2.1 */
    0x0b, /* type 11 time exceeded */
    0x00, /* code 0 TTL exceeded in transit */
    0x00,
    0x00, /* checksum */
    0x00,
    0x00,
    0x00,
    0x00,                      /* unused */
    IP4_HDR(0x00, 0x20, 0x11), /* quoted IPv4 header, UDP */
    UDP_HDR(0x00, 0x0c),       /* quoted UDP header */
};

/* Fragmentation needed whose quote stops 4 bytes into the TCP header. */
static const uint8_t f_icmp4_shortquote[] = {
    0x45,
    0x00,
    0x00,
    0x34, /* total length 52 */
    0x00,
    0x03,
    0x00,
    0x00,
    0xfe,
    0x01,
    0x00,
    0x00,
    0xcb,
    0x00,
    0x71,
    0x01, /* source 203.0.113.1 */
    0xc0,
    0x00,
    0x02,
    0x01, /* destination 192.0.2.1 */
    0x03,
    0x04,
    0x00,
    0x00, /* type 3 code 4, checksum */
    0x00,
    0x00,
    0x02,
    0x40, /* unused, next-hop MTU 576 */
    IP4_HDR(0x05, 0xdc, 0x06),
    0xc3,
    0x50,
    0x0d,
    0x3d, /* quoted ports only */
};

/* Echo request: no quote. */
static const uint8_t f_icmp4_echo[] = {
    IP4_HDR(0x00, 0x1c, 0x01),
    0x08,
    0x00, /* type 8 echo request, code 0 */
    0x00,
    0x00, /* checksum */
    0x00,
    0x01,
    0x00,
    0x01, /* identifier, sequence */
};

/* ICMPv6 packet too big, MTU 1280, from 2001:db8::fe to 2001:db8::1, quoting
 * the TCP segment 2001:db8::1:50000 -> 2001:db8::2:3389 (1440 payload bytes). */
static const uint8_t f_icmp6_ptb[] = {
    ETH_HDR(0x86, 0xdd),
    0x60,
    0x00,
    0x00,
    0x00, /* version 6 */
    0x00,
    0x38, /* payload length 56 */
    0x3a, /* next header ICMPv6 */
    0x40, /* hop limit 64 */
    0x20,
    0x01,
    0x0d,
    0xb8,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0xfe, /* source 2001:db8::fe */
    0x20,
    0x01,
    0x0d,
    0xb8,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0x01, /* dest 2001:db8::1 */
    0x02, /* type 2 packet too big */
    0x00, /* code 0 */
    0x00,
    0x00, /* checksum */
    0x00,
    0x00,
    0x05,
    0x00,                      /* MTU 1280 */
    IP6_HDR(0x05, 0xa0, 0x06), /* quoted IPv6 header, payload length 1440, TCP */
    0xc3,
    0x50, /* quoted source port 50000 */
    0x0d,
    0x3d, /* quoted destination port 3389 */
    0x01,
    0x02,
    0x03,
    0x05, /* quoted sequence */
};

/* ICMPv6 destination unreachable, port unreachable, quoting UDP. */
static const uint8_t f_icmp6_unreach_udp[] = {
    0x60,
    0x00,
    0x00,
    0x00, /* version 6 */
    0x00,
    0x38, /* payload length 56 */
    0x3a,
    0x40, /* ICMPv6, hop limit 64 */
    0x20,
    0x01,
    0x0d,
    0xb8,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0x02, /* source 2001:db8::2 */
    0x20,
    0x01,
    0x0d,
    0xb8,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0x01, /* dest 2001:db8::1 */
    0x01, /* type 1 destination unreachable */
    0x04, /* code 4 port unreachable */
    0x00,
    0x00, /* checksum */
    0x00,
    0x00,
    0x00,
    0x00,                      /* unused */
    IP6_HDR(0x00, 0x0c, 0x11), /* quoted IPv6 header, UDP */
    UDP_HDR(0x00, 0x0c),       /* quoted UDP header */
};

/* ICMP fragmentation needed quoting a first fragment (MF, offset 0): the TCP
 * header is still there. */
static const uint8_t f_icmp4_quote_first_frag[] = {
    0x45,     0x00, 0x00, 0x38, /* total length 56 */
    0x00,     0x04, 0x00, 0x00, 0xfe, 0x01,
    0x00,     0x00, 0xcb, 0x00, 0x71, 0x01, /* source 203.0.113.1 */
    0xc0,     0x00, 0x02, 0x01,             /* destination 192.0.2.1 */
    0x03,     0x04, 0x00, 0x00,             /* type 3 code 4, checksum */
    0x00,     0x00, 0x05, 0x78,             /* unused, next-hop MTU 1400 */
    0x45,     0x00, 0x05, 0xdc,             /* quoted: version 4, IHL 5, total length 1500 */
    0xab,     0xcd, 0x20, 0x00,             /*   identification, MF, offset 0 */
    0x40,     0x06, 0x00, 0x00,             /*   TTL 64, TCP, checksum */
    V4_ADDRS,                               /*   addresses */
    0xc3,     0x50, 0x0d, 0x3d,             /*   ports 50000 -> 3389 */
    0x01,     0x02, 0x03, 0x05,             /*   sequence */
};

/* The same, quoting a later fragment (offset 185): no L4 header to read. */
static const uint8_t f_icmp4_quote_later_frag[] = {
    0x45,     0x00, 0x00, 0x38, /* total length 56 */
    0x00,     0x05, 0x00, 0x00, 0xfe, 0x01,
    0x00,     0x00, 0xcb, 0x00, 0x71, 0x01, /* source 203.0.113.1 */
    0xc0,     0x00, 0x02, 0x01,             /* destination 192.0.2.1 */
    0x03,     0x04, 0x00, 0x00,             /* type 3 code 4, checksum */
    0x00,     0x00, 0x05, 0x78,             /* unused, next-hop MTU 1400 */
    0x45,     0x00, 0x05, 0xdc,             /* quoted: version 4, IHL 5, total length 1500 */
    0xab,     0xcd, 0x00, 0xb9,             /*   identification, offset 185 */
    0x40,     0x06, 0x00, 0x00,             /*   TTL 64, TCP, checksum */
    V4_ADDRS,                               /*   addresses */
    0xde,     0xad, 0xbe, 0xef,             /*   data */
    0xde,     0xad, 0xbe, 0xef,             /*   data */
};

/* ICMPv6 packet too big quoting an IPv6 first fragment (offset 0, M 1). */
static const uint8_t f_icmp6_quote_frag[] = {
    IP6_HDR(0x00, 0x40, 0x3a), /* payload length 64, ICMPv6 */
    0x02,
    0x00,
    0x00,
    0x00, /* type 2 packet too big, code 0, checksum */
    0x00,
    0x00,
    0x05,
    0x00,                      /* MTU 1280 */
    IP6_HDR(0x05, 0xa0, 0x2c), /* quoted IPv6 header, next fragment */
    0x06,
    0x00, /* quoted fragment header: next TCP, reserved */
    0x00,
    0x01, /*   offset 0, M 1 */
    0x12,
    0x34,
    0x56,
    0x78, /*   identification */
    0xc3,
    0x50,
    0x0d,
    0x3d, /* quoted ports 50000 -> 3389 */
    0x01,
    0x02,
    0x03,
    0x05, /* quoted sequence */
};

/* ---- the table -------------------------------------------------------------- */

struct vec {
    const char *name;
    int dlt;
    const uint8_t *bytes;
    size_t len;
    uint32_t wirelen; /* 0: len */
    enum rd_decode_result want;
    /* Checked when want is RD_DEC_OK (src/dst also for RD_DEC_FRAGMENT). */
    const char *src, *dst;
    uint8_t vlan_tags;
    uint8_t ttl;
    enum rd_l4 l4;
    uint16_t sport, dport;
    uint8_t flags;
    uint32_t seq, ack;
    uint16_t win;
    struct rd_tcp_opts opt;
    uint32_t paylen, paylen_wire;
    uint8_t icmp_type, icmp_code;
    uint32_t icmp_mtu;
    bool q_valid;
    const char *q_src, *q_dst;
    uint8_t q_proto;
    uint16_t q_sport, q_dport;
    uint32_t q_seq;
};

#define BYTES(a) a, sizeof(a)

/* The expectations of TCP4_PACKET / TCP6_PACKET behind any link layer. */
#define WANT_TCP4                                                                                  \
    .want = RD_DEC_OK, .src = "192.0.2.1", .dst = "198.51.100.2", .ttl = 64, .l4 = RD_L4_TCP,      \
    .sport = 50000, .dport = 3389, .flags = RD_TCP_PSH | RD_TCP_ACK, .seq = 0x01020305,            \
    .ack = 0x0a0b0c0d, .win = 64240, .paylen = 4, .paylen_wire = 4
#define WANT_TCP6                                                                                  \
    .want = RD_DEC_OK, .src = "2001:db8::1", .dst = "2001:db8::2", .ttl = 64, .l4 = RD_L4_TCP,     \
    .sport = 50000, .dport = 3389, .flags = RD_TCP_PSH | RD_TCP_ACK, .seq = 0x01020305,            \
    .ack = 0x0a0b0c0d, .win = 64240, .paylen = 4, .paylen_wire = 4

static const struct vec vecs[] = {
    /* real-world */
    {"x509_syn", RD_DLT_EN10MB, BYTES(f_x509_syn), 0, .want = RD_DEC_OK, .src = "192.168.1.1",
     .dst = "192.168.1.2", .ttl = 128, .l4 = RD_L4_TCP, .sport = 54990, .dport = 3389,
     .flags = RD_TCP_SYN, .seq = 196150525, .ack = 0, .win = 8192,
     .opt = {.has_mss = true,
             .mss = 1398,
             .has_wscale = true,
             .wscale = 8,
             .sack_ok = true,
             .count = 3}},
    {"x509_ack_padded", RD_DLT_EN10MB, BYTES(f_x509_ack_pad), 0, .want = RD_DEC_OK,
     .src = "192.168.1.1", .dst = "192.168.1.2", .ttl = 128, .l4 = RD_L4_TCP, .sport = 54990,
     .dport = 3389, .flags = RD_TCP_ACK, .seq = 196150526, .ack = 3714419203u, .win = 256},
    {"tls12_syn_ts", RD_DLT_EN10MB, BYTES(f_tls12_syn_ts), 0, .want = RD_DEC_OK,
     .src = "192.168.4.149", .dst = "74.125.239.37", .ttl = 64, .l4 = RD_L4_TCP, .sport = 53525,
     .dport = 443, .flags = RD_TCP_SYN, .seq = 1142581648, .win = 65535,
     .opt = {.has_mss = true,
             .mss = 1460,
             .has_wscale = true,
             .wscale = 4,
             .sack_ok = true,
             .has_ts = true,
             .tsval = 997717991,
             .tsecr = 0,
             .count = 4}},
    {"rdpeudp_snaplen_cut", RD_DLT_EN10MB, BYTES(f_rdpeudp_cut), 1294, .want = RD_DEC_OK,
     .src = "::1", .dst = "::1", .ttl = 128, .l4 = RD_L4_UDP, .sport = 61291, .dport = 3389,
     .paylen = 8, .paylen_wire = 1232},
    /* link layers */
    {"vlan", RD_DLT_EN10MB, BYTES(f_vlan), 0, WANT_TCP4, .vlan_tags = 1},
    {"qinq_88a8", RD_DLT_EN10MB, BYTES(f_qinq), 0, WANT_TCP4, .vlan_tags = 2},
    {"qinq_9100_v6", RD_DLT_EN10MB, BYTES(f_qinq9100_v6), 0, WANT_TCP6, .vlan_tags = 2},
    {"vlan_9_tags", RD_DLT_EN10MB, BYTES(f_vlan9), 0, .want = RD_DEC_MALFORMED},
    {"arp", RD_DLT_EN10MB, BYTES(f_arp), 0, .want = RD_DEC_NOT_IP},
    {"ieee8023_llc", RD_DLT_EN10MB, BYTES(f_8023), 0, .want = RD_DEC_NOT_IP},
    {"sll", RD_DLT_LINUX_SLL, BYTES(f_sll), 0, WANT_TCP4},
    {"sll_vlan", RD_DLT_LINUX_SLL, BYTES(f_sll_vlan), 0, WANT_TCP4, .vlan_tags = 1},
    {"sll_arp", RD_DLT_LINUX_SLL, BYTES(f_sll_arp), 0, .want = RD_DEC_NOT_IP},
    {"sll2_v6", RD_DLT_LINUX_SLL2, BYTES(f_sll2_v6), 0, WANT_TCP6},
    {"raw12_v4", RD_DLT_RAW, BYTES(f_raw4), 0, WANT_TCP4},
    {"raw12_v6", RD_DLT_RAW, BYTES(f_raw6), 0, WANT_TCP6},
    {"raw14_v4", RD_DLT_RAW_BSD, BYTES(f_raw4), 0, WANT_TCP4},
    {"raw101_v6", RD_DLT_RAW_LT, BYTES(f_raw6), 0, WANT_TCP6},
    {"raw_v5", RD_DLT_RAW, BYTES(f_raw_v5), 0, .want = RD_DEC_NOT_IP},
    {"dlt_ipv4", RD_DLT_IPV4, BYTES(f_raw4), 0, WANT_TCP4},
    {"dlt_ipv6", RD_DLT_IPV6, BYTES(f_raw6), 0, WANT_TCP6},
    {"dlt_ipv4_given_v6", RD_DLT_IPV4, BYTES(f_raw6), 0, .want = RD_DEC_MALFORMED},
    {"dlt_ipv6_given_v4", RD_DLT_IPV6, BYTES(f_raw4), 0, .want = RD_DEC_MALFORMED},
    {"null_le_v4", RD_DLT_NULL, BYTES(f_null_le4), 0, WANT_TCP4},
    {"null_be_v4", RD_DLT_NULL, BYTES(f_null_be4), 0, WANT_TCP4},
    {"null_24_v6", RD_DLT_NULL, BYTES(f_null_24_v6), 0, WANT_TCP6},
    {"null_28_v6", RD_DLT_NULL, BYTES(f_null_28_v6), 0, WANT_TCP6},
    {"null_30_be_v6", RD_DLT_NULL, BYTES(f_null_30_v6), 0, WANT_TCP6},
    {"null_af7", RD_DLT_NULL, BYTES(f_null_af7), 0, .want = RD_DEC_NOT_IP},
    {"loop_v4", RD_DLT_LOOP, BYTES(f_loop4), 0, WANT_TCP4},
    {"loop_little_endian", RD_DLT_LOOP, BYTES(f_loop_le), 0, .want = RD_DEC_NOT_IP},
    {"unknown_dlt", 147, BYTES(f_raw4), 0, .want = RD_DEC_NOT_IP},
    /* IPv4 */
    {"ip4_options", RD_DLT_RAW, BYTES(f_ip4_opts), 0, .want = RD_DEC_OK, .src = "192.0.2.1",
     .dst = "198.51.100.2", .ttl = 1, .l4 = RD_L4_TCP, .sport = 50000, .dport = 3389,
     .flags = RD_TCP_PSH | RD_TCP_ACK, .seq = 0x01020305, .ack = 0x0a0b0c0d, .win = 64240,
     .paylen = 4, .paylen_wire = 4},
    {"ip4_frag_first", RD_DLT_RAW, BYTES(f_ip4_frag_first), 0, .want = RD_DEC_FRAGMENT,
     .src = "192.0.2.1", .dst = "198.51.100.2"},
    {"ip4_frag_last", RD_DLT_RAW, BYTES(f_ip4_frag_last), 0, .want = RD_DEC_FRAGMENT,
     .src = "192.0.2.1", .dst = "198.51.100.2"},
    {"ip4_version5", RD_DLT_EN10MB, BYTES(f_ip4_badver), 0, .want = RD_DEC_MALFORMED},
    {"ip4_ihl4", RD_DLT_RAW, BYTES(f_ip4_ihl4), 0, .want = RD_DEC_MALFORMED},
    {"ip4_total_below_20", RD_DLT_RAW, BYTES(f_ip4_tot_lt_hdr), 0, .want = RD_DEC_MALFORMED},
    {"ip4_total_below_ihl", RD_DLT_RAW, BYTES(f_ip4_tot_lt_ihl), 0, .want = RD_DEC_MALFORMED},
    {"ip4_total_plus1", RD_DLT_RAW, BYTES(f_ip4_tot_plus1), 0, .want = RD_DEC_MALFORMED},
    {"ip4_total_minus1", RD_DLT_RAW, BYTES(f_ip4_tot_minus1), 0, .want = RD_DEC_OK,
     .src = "192.0.2.1", .dst = "198.51.100.2", .ttl = 64, .l4 = RD_L4_TCP, .sport = 50000,
     .dport = 3389, .flags = RD_TCP_PSH | RD_TCP_ACK, .seq = 0x01020305, .ack = 0x0a0b0c0d,
     .win = 64240, .paylen = 3, .paylen_wire = 3},
    {"ip4_trailing_byte", RD_DLT_RAW, BYTES(f_ip4_trailing), 0, WANT_TCP4},
    {"ip4_total_zero_tso", RD_DLT_RAW, BYTES(f_ip4_tso), 0, WANT_TCP4},
    {"ip4_gre", RD_DLT_RAW, BYTES(f_ip4_gre), 0, .want = RD_DEC_OK, .src = "192.0.2.1",
     .dst = "198.51.100.2", .ttl = 64, .l4 = RD_L4_OTHER},
    /* IPv6 */
    {"ip6_hbh_dst_atomic_frag", RD_DLT_RAW, BYTES(f_ip6_ext), 0, WANT_TCP6},
    {"ip6_routing_ah", RD_DLT_RAW, BYTES(f_ip6_rt_ah), 0, WANT_TCP6},
    {"ip6_frag_first", RD_DLT_RAW, BYTES(f_ip6_frag_first), 0, .want = RD_DEC_FRAGMENT,
     .src = "2001:db8::1", .dst = "2001:db8::2"},
    {"ip6_frag_later", RD_DLT_RAW, BYTES(f_ip6_frag_later), 0, .want = RD_DEC_FRAGMENT,
     .src = "2001:db8::1", .dst = "2001:db8::2"},
    {"ip6_no_next_header", RD_DLT_RAW, BYTES(f_ip6_nonext), 0, .want = RD_DEC_OK,
     .src = "2001:db8::1", .dst = "2001:db8::2", .ttl = 64, .l4 = RD_L4_NONE},
    {"ip6_9_ext_headers", RD_DLT_RAW, BYTES(f_ip6_ext9), 0, .want = RD_DEC_MALFORMED},
    {"ip6_ext_overrun", RD_DLT_RAW, BYTES(f_ip6_ext_overrun), 0, .want = RD_DEC_MALFORMED},
    {"ip6_version4", RD_DLT_EN10MB, BYTES(f_ip6_badver), 0, .want = RD_DEC_MALFORMED},
    {"ip6_plen_plus1", RD_DLT_RAW, BYTES(f_ip6_plen_plus1), 0, .want = RD_DEC_MALFORMED},
    {"ip6_plen_minus1", RD_DLT_RAW, BYTES(f_ip6_plen_minus1), 0, .want = RD_DEC_OK,
     .src = "2001:db8::1", .dst = "2001:db8::2", .ttl = 64, .l4 = RD_L4_TCP, .sport = 50000,
     .dport = 3389, .flags = RD_TCP_PSH | RD_TCP_ACK, .seq = 0x01020305, .ack = 0x0a0b0c0d,
     .win = 64240, .paylen = 3, .paylen_wire = 3},
    /* TCP */
    {"tcp_opt_unknown_eol", RD_DLT_RAW, BYTES(f_tcp_opt_unknown), 0, .want = RD_DEC_OK,
     .src = "192.0.2.1", .dst = "198.51.100.2", .ttl = 64, .l4 = RD_L4_TCP, .sport = 50000,
     .dport = 3389, .flags = RD_TCP_SYN, .seq = 1, .win = 65535,
     .opt = {.has_mss = true, .mss = 1460, .count = 2}},
    {"tcp_opt_len0", RD_DLT_RAW, BYTES(f_tcp_opt_len0), 0, .want = RD_DEC_OK, .src = "192.0.2.1",
     .dst = "198.51.100.2", .ttl = 64, .l4 = RD_L4_TCP, .sport = 50000, .dport = 3389,
     .flags = RD_TCP_SYN, .seq = 1, .win = 65535,
     .opt = {.has_mss = true, .mss = 1460, .count = 1, .malformed = true}},
    {"tcp_opt_overrun", RD_DLT_RAW, BYTES(f_tcp_opt_overrun), 0, .want = RD_DEC_OK,
     .src = "192.0.2.1", .dst = "198.51.100.2", .ttl = 64, .l4 = RD_L4_TCP, .sport = 50000,
     .dport = 3389, .flags = RD_TCP_SYN, .seq = 1, .win = 65535, .opt = {.malformed = true}},
    {"tcp_opt_mss_len3", RD_DLT_RAW, BYTES(f_tcp_opt_badmss), 0, .want = RD_DEC_OK,
     .src = "192.0.2.1", .dst = "198.51.100.2", .ttl = 64, .l4 = RD_L4_TCP, .sport = 50000,
     .dport = 3389, .flags = RD_TCP_SYN, .seq = 1, .win = 65535, .opt = {.malformed = true}},
    {"tcp_doff4", RD_DLT_RAW, BYTES(f_tcp_doff4), 0, .want = RD_DEC_MALFORMED},
    {"tcp_doff_beyond_segment", RD_DLT_RAW, BYTES(f_tcp_doff_big), 0, .want = RD_DEC_MALFORMED},
    {"tcp_segment_below_20", RD_DLT_RAW, BYTES(f_tcp_short), 0, .want = RD_DEC_MALFORMED},
    /* UDP */
    {"udp4", RD_DLT_RAW, BYTES(f_udp4), 0, .want = RD_DEC_OK, .src = "192.0.2.1",
     .dst = "198.51.100.2", .ttl = 64, .l4 = RD_L4_UDP, .sport = 50001, .dport = 53, .paylen = 4,
     .paylen_wire = 4},
    {"udp_len7", RD_DLT_RAW, BYTES(f_udp_len7), 0, .want = RD_DEC_MALFORMED},
    {"udp_len_plus1", RD_DLT_RAW, BYTES(f_udp_plus1), 0, .want = RD_DEC_MALFORMED},
    {"udp_len_minus1", RD_DLT_RAW, BYTES(f_udp_minus1), 0, .want = RD_DEC_OK, .src = "192.0.2.1",
     .dst = "198.51.100.2", .ttl = 64, .l4 = RD_L4_UDP, .sport = 50001, .dport = 53, .paylen = 3,
     .paylen_wire = 3},
    /* ICMP */
    {"icmp4_frag_needed_tcp", RD_DLT_EN10MB, BYTES(f_icmp4_fragneed), 0, .want = RD_DEC_OK,
     .src = "203.0.113.1", .dst = "192.0.2.1", .ttl = 254, .l4 = RD_L4_ICMP, .icmp_type = 3,
     .icmp_code = 4, .icmp_mtu = 1400, .q_valid = true, .q_src = "192.0.2.1",
     .q_dst = "198.51.100.2", .q_proto = 6, .q_sport = 50000, .q_dport = 3389, .q_seq = 0x01020305},
    {"icmp4_time_exceeded_udp", RD_DLT_RAW, BYTES(f_icmp4_ttl_udp), 0, .want = RD_DEC_OK,
     .src = "203.0.113.1", .dst = "192.0.2.1", .ttl = 254, .l4 = RD_L4_ICMP, .icmp_type = 11,
     .icmp_code = 0, .q_valid = true, .q_src = "192.0.2.1", .q_dst = "198.51.100.2", .q_proto = 17,
     .q_sport = 50001, .q_dport = 53},
    {"icmp4_short_quote", RD_DLT_RAW, BYTES(f_icmp4_shortquote), 0, .want = RD_DEC_OK,
     .src = "203.0.113.1", .dst = "192.0.2.1", .ttl = 254, .l4 = RD_L4_ICMP, .icmp_type = 3,
     .icmp_code = 4, .icmp_mtu = 576, .q_valid = false},
    {"icmp4_echo", RD_DLT_RAW, BYTES(f_icmp4_echo), 0, .want = RD_DEC_OK, .src = "192.0.2.1",
     .dst = "198.51.100.2", .ttl = 64, .l4 = RD_L4_ICMP, .icmp_type = 8},
    {"icmp6_packet_too_big_tcp", RD_DLT_EN10MB, BYTES(f_icmp6_ptb), 0, .want = RD_DEC_OK,
     .src = "2001:db8::fe", .dst = "2001:db8::1", .ttl = 64, .l4 = RD_L4_ICMP6, .icmp_type = 2,
     .icmp_code = 0, .icmp_mtu = 1280, .q_valid = true, .q_src = "2001:db8::1",
     .q_dst = "2001:db8::2", .q_proto = 6, .q_sport = 50000, .q_dport = 3389, .q_seq = 0x01020305},
    {"icmp6_port_unreachable_udp", RD_DLT_IPV6, BYTES(f_icmp6_unreach_udp), 0, .want = RD_DEC_OK,
     .src = "2001:db8::2", .dst = "2001:db8::1", .ttl = 64, .l4 = RD_L4_ICMP6, .icmp_type = 1,
     .icmp_code = 4, .q_valid = true, .q_src = "2001:db8::1", .q_dst = "2001:db8::2", .q_proto = 17,
     .q_sport = 50001, .q_dport = 53},
    {"icmp4_quote_first_fragment", RD_DLT_RAW, BYTES(f_icmp4_quote_first_frag), 0,
     .want = RD_DEC_OK, .src = "203.0.113.1", .dst = "192.0.2.1", .ttl = 254, .l4 = RD_L4_ICMP,
     .icmp_type = 3, .icmp_code = 4, .icmp_mtu = 1400, .q_valid = true, .q_src = "192.0.2.1",
     .q_dst = "198.51.100.2", .q_proto = 6, .q_sport = 50000, .q_dport = 3389, .q_seq = 0x01020305},
    {"icmp4_quote_later_fragment", RD_DLT_RAW, BYTES(f_icmp4_quote_later_frag), 0,
     .want = RD_DEC_OK, .src = "203.0.113.1", .dst = "192.0.2.1", .ttl = 254, .l4 = RD_L4_ICMP,
     .icmp_type = 3, .icmp_code = 4, .icmp_mtu = 1400, .q_valid = false},
    {"icmp6_quote_first_fragment", RD_DLT_RAW, BYTES(f_icmp6_quote_frag), 0, .want = RD_DEC_OK,
     .src = "2001:db8::1", .dst = "2001:db8::2", .ttl = 64, .l4 = RD_L4_ICMP6, .icmp_type = 2,
     .icmp_mtu = 1280, .q_valid = true, .q_src = "2001:db8::1", .q_dst = "2001:db8::2",
     .q_proto = 6, .q_sport = 50000, .q_dport = 3389, .q_seq = 0x01020305},
    /* snaplen inside a header */
    {"cut_in_ip_header", RD_DLT_EN10MB, f_x509_syn, 30, sizeof f_x509_syn,
     .want = RD_DEC_TRUNCATED},
    {"cut_in_tcp_options", RD_DLT_EN10MB, f_x509_syn, 60, sizeof f_x509_syn,
     .want = RD_DEC_TRUNCATED},
    {"cut_in_vlan_tag", RD_DLT_EN10MB, f_qinq, 16, sizeof f_qinq, .want = RD_DEC_TRUNCATED},
};

/* ---- helpers ------------------------------------------------------------ */

/* Decode the first caplen bytes of v from an exact-size heap copy, so that
 * AddressSanitizer sees any read past the captured bytes. */
static enum rd_decode_result decode_prefix(const struct vec *v, size_t caplen, uint32_t wirelen,
                                           struct rd_packet *p, uint8_t **copy)
{
    *copy = malloc(caplen > 0 ? caplen : 1);
    ck_assert_ptr_nonnull(*copy);
    if (caplen > 0) {
        memcpy(*copy, v->bytes, caplen);
    }
    p->frame = 7;
    p->ts_ns = 123456789;
    return rd_decode_frame(v->dlt, *copy, (uint32_t)caplen, wirelen, p);
}

static uint32_t vec_wirelen(const struct vec *v)
{
    return v->wirelen != 0 ? v->wirelen : (uint32_t)v->len;
}

static void assert_addr(const char *what, const struct rd_addr *a, const char *want)
{
    char buf[64];

    rd_addr_format(a, buf, sizeof buf);
    ck_assert_msg(strcmp(buf, want) == 0, "%s: got %s, want %s", what, buf, want);
}

/* The header fields of an OK decode, against the table. */
static void check_fields(const struct vec *v, const struct rd_packet *p, bool partial)
{
    assert_addr("src", &p->src, v->src);
    assert_addr("dst", &p->dst, v->dst);
    ck_assert_uint_eq(p->vlan_tags, v->vlan_tags);
    ck_assert_uint_eq(p->ttl, v->ttl);
    ck_assert_int_eq(p->l4, v->l4);
    ck_assert_uint_eq(p->sport, v->sport);
    ck_assert_uint_eq(p->dport, v->dport);
    ck_assert_uint_eq(p->flags, v->flags);
    ck_assert_uint_eq(p->seq, v->seq);
    ck_assert_uint_eq(p->ack, v->ack);
    ck_assert_uint_eq(p->win, v->win);
    ck_assert_int_eq(p->opt.has_mss, v->opt.has_mss);
    ck_assert_uint_eq(p->opt.mss, v->opt.mss);
    ck_assert_int_eq(p->opt.has_wscale, v->opt.has_wscale);
    ck_assert_uint_eq(p->opt.wscale, v->opt.wscale);
    ck_assert_int_eq(p->opt.sack_ok, v->opt.sack_ok);
    ck_assert_int_eq(p->opt.has_ts, v->opt.has_ts);
    ck_assert_uint_eq(p->opt.tsval, v->opt.tsval);
    ck_assert_uint_eq(p->opt.tsecr, v->opt.tsecr);
    ck_assert_uint_eq(p->opt.count, v->opt.count);
    ck_assert_int_eq(p->opt.malformed, v->opt.malformed);
    ck_assert_uint_eq(p->paylen_wire, v->paylen_wire);
    ck_assert_uint_eq(p->icmp_type, v->icmp_type);
    ck_assert_uint_eq(p->icmp_code, v->icmp_code);
    ck_assert_uint_eq(p->icmp_mtu, v->icmp_mtu);
    /* A prefix may hold less of the quote than the whole frame does. */
    if (partial && !p->quote.valid) {
        return;
    }
    ck_assert_int_eq(p->quote.valid, v->q_valid);
    if (v->q_valid) {
        assert_addr("quote.src", &p->quote.src, v->q_src);
        assert_addr("quote.dst", &p->quote.dst, v->q_dst);
        ck_assert_uint_eq(p->quote.proto, v->q_proto);
        ck_assert_uint_eq(p->quote.sport, v->q_sport);
        ck_assert_uint_eq(p->quote.dport, v->q_dport);
        ck_assert_uint_eq(p->quote.seq, v->q_seq);
    }
}

/* ---- tests ------------------------------------------------------------- */

START_TEST(test_vector)
{
    const struct vec *v = &vecs[_i];
    struct rd_packet p;
    uint8_t *copy;
    enum rd_decode_result r = decode_prefix(v, v->len, vec_wirelen(v), &p, &copy);

    ck_assert_msg(r == v->want, "%s: got %s, want %s", v->name, rd_decode_result_name(r),
                  rd_decode_result_name(v->want));
    ck_assert_uint_eq(p.frame, 7);
    ck_assert_int_eq(p.ts_ns, 123456789);
    ck_assert_uint_eq(p.caplen, v->len);
    ck_assert_uint_eq(p.wirelen, vec_wirelen(v));
    if (v->want == RD_DEC_FRAGMENT) {
        assert_addr("src", &p.src, v->src);
        assert_addr("dst", &p.dst, v->dst);
    }
    if (v->want == RD_DEC_OK) {
        check_fields(v, &p, false);
        ck_assert_uint_eq(p.paylen, v->paylen);
        if (p.l4 == RD_L4_TCP || p.l4 == RD_L4_UDP) {
            /* The payload is the last bytes of the L4 data, inside the frame. */
            ck_assert_ptr_nonnull(p.payload);
            ck_assert(p.payload >= copy && (size_t)(p.payload - copy) + p.paylen <= v->len);
        }
    }
    free(copy);
}
END_TEST

/*
 * Snaplen sweep: every prefix of every vector, with the wire length of the
 * whole frame.  Each prefix decodes to TRUNCATED or to the full frame's result;
 * once a prefix reaches the full result, longer ones keep it.  An OK prefix has
 * every header field of the full decode, the payload starts where it does in
 * the full decode, and paylen counts what the prefix holds of it.
 */
START_TEST(test_truncation_sweep)
{
    const struct vec *v = &vecs[_i];
    struct rd_packet full;
    uint8_t *copy;
    size_t hdr_end = 0;
    bool reached = false;

    ck_assert_int_eq(decode_prefix(v, v->len, vec_wirelen(v), &full, &copy), v->want);
    if (full.payload != NULL) {
        hdr_end = (size_t)(full.payload - copy);
    }
    free(copy);

    for (size_t k = 0; k < v->len; k++) {
        struct rd_packet p;
        enum rd_decode_result r = decode_prefix(v, k, vec_wirelen(v), &p, &copy);

        ck_assert_msg(r == RD_DEC_TRUNCATED || r == v->want, "%s prefix %zu: got %s", v->name, k,
                      rd_decode_result_name(r));
        ck_assert_msg(!(reached && r == RD_DEC_TRUNCATED), "%s prefix %zu: truncated again",
                      v->name, k);
        reached = r != RD_DEC_TRUNCATED;
        if (r == RD_DEC_OK) {
            check_fields(v, &p, true);
            if (full.payload != NULL) {
                size_t have = k > hdr_end ? k - hdr_end : 0;

                ck_assert_msg(k >= hdr_end, "%s prefix %zu: OK inside the headers", v->name, k);
                ck_assert(p.payload == copy + hdr_end);
                ck_assert_uint_eq(p.paylen, have < full.paylen ? have : full.paylen);
            }
        }
        free(copy);
    }
}
END_TEST

/*
 * Short-frame sweep: every prefix again, but as a frame that was that short on
 * the wire (caplen == wirelen).  Nothing was cut by snaplen, so nothing may be
 * TRUNCATED: a header that does not fit is MALFORMED.  Run under ASan this also
 * proves no read past the frame.
 */
START_TEST(test_short_frame_sweep)
{
    const struct vec *v = &vecs[_i];

    for (size_t k = 0; k < v->len; k++) {
        struct rd_packet p;
        uint8_t *copy;
        enum rd_decode_result r = decode_prefix(v, k, (uint32_t)k, &p, &copy);

        ck_assert_msg(r != RD_DEC_TRUNCATED, "%s length %zu: truncated", v->name, k);
        if (r == RD_DEC_OK && p.paylen > 0) {
            ck_assert((size_t)(p.payload - copy) + p.paylen <= k);
        }
        free(copy);
    }
}
END_TEST

START_TEST(test_snaplen_cuts_payload)
{
    /* A 4-byte payload of which snaplen kept 1 byte. */
    struct rd_packet p = {0};
    enum rd_decode_result r =
        rd_decode_frame(RD_DLT_EN10MB, f_vlan, sizeof f_vlan - 3, (uint32_t)sizeof f_vlan, &p);

    ck_assert_int_eq(r, RD_DEC_OK);
    ck_assert_uint_eq(p.paylen, 1);
    ck_assert_uint_eq(p.paylen_wire, 4);
    ck_assert_uint_eq(p.caplen, sizeof f_vlan - 3);
    ck_assert_uint_eq(p.wirelen, sizeof f_vlan);
}
END_TEST

START_TEST(test_ipv4_fields)
{
    struct rd_packet p = {0};

    ck_assert_int_eq(rd_decode_frame(RD_DLT_EN10MB, BYTES(f_x509_syn), sizeof f_x509_syn, &p),
                     RD_DEC_OK);
    ck_assert(p.has_ipid);
    ck_assert_uint_eq(p.ipid, 0x2eca);
    ck_assert(p.ip_df);
    ck_assert_uint_eq(p.tcp_csum, 0xd740);
    ck_assert_ptr_eq(p.payload, f_x509_syn + sizeof f_x509_syn);

    ck_assert_int_eq(rd_decode_frame(RD_DLT_RAW, BYTES(f_ip4_opts), sizeof f_ip4_opts, &p),
                     RD_DEC_OK);
    ck_assert(!p.ip_df);
    ck_assert_ptr_eq(p.payload, f_ip4_opts + 28 + 20);

    ck_assert_int_eq(rd_decode_frame(RD_DLT_RAW, BYTES(f_raw6), sizeof f_raw6, &p), RD_DEC_OK);
    ck_assert(!p.has_ipid);
    ck_assert(!p.ip_df);
}
END_TEST

START_TEST(test_addr_format)
{
    struct rd_addr v4 = {.family = 4, .a = {192, 0, 2, 1}};
    struct rd_addr v6 = {.family = 6, .a = {0x20, 0x01, 0x0d, 0xb8, [15] = 1}};
    struct rd_addr v6b = {.family = 6,
                          .a = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1}};
    struct rd_addr mapped = {.family = 6, .a = {[10] = 0xff, [11] = 0xff, 192, 0, 2, 1}};
    struct rd_addr unset = {0};
    struct rd_addr v4b = {.family = 4, .a = {192, 0, 2, 1, 9}}; /* junk past the 4 bytes */
    char buf[64];
    char tiny[4];

    assert_addr("v4", &v4, "192.0.2.1");
    /* RFC 5952 4.2: the longest zero run is compressed; 4.3: lower case. */
    assert_addr("v6", &v6, "2001:db8::1");
    /* RFC 5952 4.2.3: of two equal runs, the first is compressed. */
    assert_addr("v6b", &v6b, "2001:db8:0:1::1");
    assert_addr("mapped", &mapped, "::ffff:192.0.2.1");
    assert_addr("unset", &unset, "-");
    rd_addr_format(&v6, tiny, sizeof tiny);
    ck_assert_str_eq(tiny, "-");
    rd_addr_format(&v4, buf, 1);
    ck_assert_str_eq(buf, "");

    ck_assert(rd_addr_eq(&v4, &v4));
    ck_assert(rd_addr_eq(&v4, &v4b));
    ck_assert(!rd_addr_eq(&v4, &v6));
    ck_assert(!rd_addr_eq(&v6, &v6b));
    ck_assert(rd_addr_eq(&unset, &unset));
}
END_TEST

START_TEST(test_names_and_dlts)
{
    static const int yes[] = {0, 1, 12, 14, 101, 108, 113, 228, 229, 276};
    static const int no[] = {-1, 9, 105, 127, 147, 192, 1000};

    ck_assert_str_eq(rd_decode_result_name(RD_DEC_OK), "ok");
    ck_assert_str_eq(rd_decode_result_name(RD_DEC_NOT_IP), "not_ip");
    ck_assert_str_eq(rd_decode_result_name(RD_DEC_FRAGMENT), "fragment");
    ck_assert_str_eq(rd_decode_result_name(RD_DEC_TRUNCATED), "truncated");
    ck_assert_str_eq(rd_decode_result_name(RD_DEC_MALFORMED), "malformed");
    ck_assert_str_eq(rd_decode_result_name((enum rd_decode_result)99), "unknown");
    for (size_t i = 0; i < LEN(yes); i++) {
        ck_assert_msg(rd_decode_dlt_supported(yes[i]), "dlt %d", yes[i]);
    }
    for (size_t i = 0; i < LEN(no); i++) {
        ck_assert_msg(!rd_decode_dlt_supported(no[i]), "dlt %d", no[i]);
    }
}
END_TEST

/* ---- a real capture through libpcap ------------------------------------------ */

/* tshark -r rdp-x509.pcap -T fields -e frame.number -e ip.src -e ip.dst -e ip.ttl
 *   -e ip.id -e ip.flags.df -e tcp.srcport -e tcp.dstport -e tcp.flags -e tcp.seq_raw
 *   -e tcp.ack_raw -e tcp.window_size_value -e tcp.options.mss_val
 *   -e tcp.options.wscale.shift -e tcp.len */
struct tshark_row {
    const char *src, *dst;
    uint8_t ttl;
    uint16_t ipid;
    bool df;
    uint16_t sport, dport;
    uint8_t flags;
    uint32_t seq, ack;
    uint16_t win;
    uint16_t mss; /* 0: no MSS option */
    int wscale;   /* -1: no window-scale option */
    uint32_t paylen;
};

#define C "192.168.1.1"
#define S "192.168.1.2"
static const struct tshark_row x509_rows[] = {
    {C, S, 128, 0x2eca, 1, 54990, 3389, 0x02, 196150525, 0, 8192, 1398, 8, 0},
    {S, C, 128, 0x28b1, 0, 3389, 54990, 0x12, 3714419202u, 196150526, 64240, 1460, 0, 0},
    {S, C, 128, 0x28b3, 0, 3389, 54990, 0x12, 3714419202u, 196150526, 64240, 1460, 0, 0},
    {C, S, 128, 0x2f24, 1, 54990, 3389, 0x02, 196150525, 0, 8192, 1398, 8, 0},
    {C, S, 128, 0x2f2d, 1, 54990, 3389, 0x10, 196150526, 3714419203u, 256, 0, -1, 0},
    {C, S, 128, 0x2f2e, 1, 54990, 3389, 0x18, 196150526, 3714419203u, 256, 0, -1, 47},
    {S, C, 128, 0x29a6, 1, 3389, 54990, 0x18, 3714419203u, 196150573, 64193, 0, -1, 19},
    {S, C, 128, 0x2a4e, 1, 3389, 54990, 0x18, 3714419203u, 196150573, 64193, 0, -1, 19},
    {C, S, 128, 0x2f4b, 1, 54990, 3389, 0x18, 196150526, 3714419203u, 256, 0, -1, 47},
    {S, C, 128, 0x2a53, 1, 3389, 54990, 0x10, 3714419222u, 196150573, 64193, 0, -1, 0},
    {C, S, 128, 0x2f58, 1, 54990, 3389, 0x18, 196150573, 3714419222u, 256, 0, -1, 446},
    {S, C, 128, 0x2ac3, 1, 3389, 54990, 0x10, 3714419222u, 196151019, 63747, 0, -1, 1398},
    {S, C, 128, 0x2ac4, 1, 3389, 54990, 0x18, 3714420620u, 196151019, 63747, 0, -1, 7},
    {S, C, 128, 0x2b02, 1, 3389, 54990, 0x10, 3714420627u, 196151019, 63747, 0, -1, 0},
    {C, S, 128, 0x2f5a, 1, 54990, 3389, 0x10, 196151019, 3714419222u, 256, 0, -1, 0},
};
#undef C
#undef S

START_TEST(test_public_capture_x509)
{
    const char *path = RD_SHARED_DIR "/public-captures/rdp-x509.pcap";
    char errbuf[PCAP_ERRBUF_SIZE];
    pcap_t *pc;
    struct pcap_pkthdr *h;
    const u_char *data;
    size_t n = 0;

    if (access(path, R_OK) != 0) {
        printf("check_decode: skipping the rdp-x509.pcap test: %s is not readable\n", path);
        return;
    }
    pc = pcap_open_offline(path, errbuf);
    ck_assert_msg(pc != NULL, "%s", errbuf);
    ck_assert_int_eq(pcap_datalink(pc), RD_DLT_EN10MB);
    while (pcap_next_ex(pc, &h, &data) == 1) {
        const struct tshark_row *w;
        struct rd_packet p = {.frame = n + 1};
        char src[64];
        char dst[64];

        ck_assert_uint_lt(n, LEN(x509_rows));
        w = &x509_rows[n];
        ck_assert_int_eq(rd_decode_frame(pcap_datalink(pc), data, h->caplen, h->len, &p),
                         RD_DEC_OK);
        rd_addr_format(&p.src, src, sizeof src);
        rd_addr_format(&p.dst, dst, sizeof dst);
        ck_assert_str_eq(src, w->src);
        ck_assert_str_eq(dst, w->dst);
        ck_assert_uint_eq(p.ttl, w->ttl);
        ck_assert_uint_eq(p.ipid, w->ipid);
        ck_assert_int_eq(p.ip_df, w->df);
        ck_assert_int_eq(p.l4, RD_L4_TCP);
        ck_assert_uint_eq(p.sport, w->sport);
        ck_assert_uint_eq(p.dport, w->dport);
        ck_assert_uint_eq(p.flags, w->flags);
        ck_assert_uint_eq(p.seq, w->seq);
        ck_assert_uint_eq(p.ack, w->ack);
        ck_assert_uint_eq(p.win, w->win);
        ck_assert_int_eq(p.opt.has_mss, w->mss != 0);
        ck_assert_uint_eq(p.opt.mss, w->mss);
        ck_assert_int_eq(p.opt.has_wscale, w->wscale >= 0);
        if (w->wscale >= 0) {
            ck_assert_int_eq(p.opt.wscale, w->wscale);
        }
        ck_assert_uint_eq(p.paylen, w->paylen);
        ck_assert_uint_eq(p.paylen_wire, w->paylen);
        ck_assert_uint_eq(p.frame, n + 1);
        n++;
    }
    pcap_close(pc);
    ck_assert_uint_eq(n, LEN(x509_rows));
}
END_TEST

/* The first field in which two decodes differ (struct padding aside), or NULL. */
static const char *packet_diff(const struct rd_packet *a, const struct rd_packet *b)
{
#define SAME(f)                                                                                    \
    if (a->f != b->f) {                                                                            \
        return #f;                                                                                 \
    }
    SAME(frame)
    SAME(ts_ns)
    SAME(caplen)
    SAME(wirelen)
    SAME(vlan_tags)
    SAME(src.family)
    SAME(dst.family)
    if (memcmp(a->src.a, b->src.a, 16) != 0 || memcmp(a->dst.a, b->dst.a, 16) != 0) {
        return "addresses";
    }
    SAME(ttl)
    SAME(has_ipid)
    SAME(ipid)
    SAME(ip_df)
    SAME(l4)
    SAME(sport)
    SAME(dport)
    SAME(seq)
    SAME(ack)
    SAME(flags)
    SAME(win)
    SAME(tcp_csum)
    SAME(opt.has_mss)
    SAME(opt.has_wscale)
    SAME(opt.sack_ok)
    SAME(opt.has_ts)
    SAME(opt.mss)
    SAME(opt.wscale)
    SAME(opt.tsval)
    SAME(opt.tsecr)
    SAME(opt.count)
    SAME(opt.malformed)
    SAME(payload)
    SAME(paylen)
    SAME(paylen_wire)
    SAME(icmp_type)
    SAME(icmp_code)
    SAME(icmp_mtu)
    SAME(quote.valid)
#undef SAME
    return NULL;
}

/* No ck_assert per frame (Check writes a mark per assertion): the first
 * difference is kept and asserted once at the end. */
static char first_diff[512];
static size_t compared;

/* One frame through the fast path and the general one: the same result. */
static void compare_paths(int dlt, const uint8_t *data, uint32_t caplen, uint32_t wirelen,
                          const char *what, size_t frame)
{
    struct rd_packet a = {.frame = frame, .ts_ns = 7};
    struct rd_packet b = {.frame = frame, .ts_ns = 7};
    enum rd_decode_result ra = rd_decode_frame(dlt, data, caplen, wirelen, &a);
    enum rd_decode_result rb = rd_decode_frame_general(dlt, data, caplen, wirelen, &b);
    const char *field = ra != rb ? "result" : ra == RD_DEC_OK ? packet_diff(&a, &b) : NULL;

    struct rd_packet f = {.frame = frame, .ts_ns = 7};
    int first = -2, peek_first = -2;
    uint8_t proto = 0;
    uint16_t sport = 0, dport = 0;

    compared++;
    /* The fast path also stands in for the port peek: the same ports and first byte. */
    if (field == NULL && rd_decode_fast(dlt, data, caplen, wirelen, &f, &first)) {
        if (!rd_decode_peek_ports(dlt, data, caplen, &proto, &sport, &dport, &peek_first) ||
            proto != 6 || sport != f.sport || dport != f.dport || first != peek_first) {
            field = "the port peek";
        } else if (ra != RD_DEC_OK) {
            field = "the fast path's verdict";
        }
    }
    if (field != NULL && first_diff[0] == '\0') {
        snprintf(first_diff, sizeof first_diff,
                 "%s frame %zu (caplen %u, wirelen %u): %s differs (%s by the fast path, %s by "
                 "the general one)",
                 what, frame, caplen, wirelen, field, rd_decode_result_name(ra),
                 rd_decode_result_name(rb));
    }
}

/*
 * The fast path for Ethernet/IPv4/TCP against the general decoder, on every
 * frame of the project's captures and of the public ones: as captured, and
 * for the first frames of each file also every snaplen cut and every header
 * byte changed to a few values (lengths, flags, versions gone wrong).
 */
static size_t compare_file(const char *path)
{
    char errbuf[PCAP_ERRBUF_SIZE];
    pcap_t *pc = pcap_open_offline(path, errbuf);
    struct pcap_pkthdr *h;
    const u_char *data;
    size_t n = 0;
    static const uint8_t values[] = {0x00, 0x01, 0x05, 0x06, 0x0f, 0x11, 0x3f,
                                     0x45, 0x46, 0x50, 0x80, 0xf0, 0xff};

    ck_assert_msg(pc != NULL, "%s", errbuf);
    while (pcap_next_ex(pc, &h, &data) == 1) {
        int dlt = pcap_datalink(pc);
        n++;
        compare_paths(dlt, data, h->caplen, h->len, path, n);
        if (n > 40) {
            continue;
        }
        for (uint32_t k = 0; k < h->caplen; k++) {
            compare_paths(dlt, data, k, h->len, path, n);
            compare_paths(dlt, data, k, k, path, n);
        }
        {
            uint32_t hdr = h->caplen < 80 ? h->caplen : 80;
            uint8_t *copy = malloc(h->caplen);
            if (copy == NULL) {
                continue;
            }
            memcpy(copy, data, h->caplen);
            for (uint32_t i = 0; i < hdr; i++) {
                uint8_t keep = copy[i];
                for (size_t v = 0; v < sizeof(values); v++) {
                    copy[i] = values[v];
                    compare_paths(dlt, copy, h->caplen, h->len, path, n);
                }
                copy[i] = keep;
            }
            free(copy);
        }
    }
    pcap_close(pc);
    return n;
}

START_TEST(test_fast_path_matches)
{
    static const char *dirs[] = {RD_SRC_DIR "/captures", RD_SHARED_DIR "/public-captures"};
    size_t files = 0, frames = 0;

    for (size_t d = 0; d < LEN(dirs); d++) {
        char cmd[1024];
        char path[1024];
        FILE *ls;

        if (access(dirs[d], R_OK) != 0) {
            printf("check_decode: skipping %s in the fast-path comparison: not readable\n",
                   dirs[d]);
            continue;
        }
        snprintf(cmd, sizeof cmd, "ls %s/*.pcap %s/*.pcapng 2>/dev/null", dirs[d], dirs[d]);
        ls = popen(cmd, "r");
        ck_assert_ptr_nonnull(ls);
        while (fgets(path, sizeof path, ls) != NULL) {
            path[strcspn(path, "\n")] = '\0';
            frames += compare_file(path);
            files++;
        }
        pclose(ls);
    }
    ck_assert_uint_gt(files, 0);
    ck_assert_msg(first_diff[0] == '\0', "%s", first_diff);
    printf("check_decode: fast path and general decoder agree on %zu frames of %zu files "
           "(%zu decodes with the cuts and changed bytes)\n",
           frames, files, compared);
}
END_TEST

static Suite *decode_suite(void)
{
    Suite *s = suite_create("decode");
    TCase *tc = tcase_create("vectors");

    tcase_add_loop_test(tc, test_vector, 0, (int)LEN(vecs));
    tcase_add_loop_test(tc, test_truncation_sweep, 0, (int)LEN(vecs));
    tcase_add_loop_test(tc, test_short_frame_sweep, 0, (int)LEN(vecs));
    suite_add_tcase(s, tc);

    tc = tcase_create("fields");
    tcase_add_test(tc, test_snaplen_cuts_payload);
    tcase_add_test(tc, test_ipv4_fields);
    tcase_add_test(tc, test_addr_format);
    tcase_add_test(tc, test_names_and_dlts);
    suite_add_tcase(s, tc);

    tc = tcase_create("capture");
    tcase_add_test(tc, test_public_capture_x509);
    tcase_add_test(tc, test_fast_path_matches);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(decode_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

/*
 * conn.h - the record of one TCP connection: what the flow table, the TCP
 * layer and the session learned, the timeline, and (once finished) the verdict.
 *
 * Every array here has a cap; what does not fit is counted, never grown.
 */
#ifndef RD_CONN_H
#define RD_CONN_H

#include <stdbool.h>
#include <stdint.h>

#include "compat.h"
#include "packet.h"
#include "stream.h"
#include "verdict.h"

#define RD_TIMELINE_MAX 128 /* events kept per connection */
#define RD_EVENT_TEXT   112 /* bytes of one event's text */
#define RD_EVIDENCE_MAX 8
#define RD_REMEDY_MAX   6
#define RD_SESSION_BUF  (64u * 1024u) /* handshake bytes buffered per direction */
#define RD_DUP_RING     8             /* recent frame signatures kept per direction */
_Static_assert(RD_DUP_RING % 4 == 0, "the checksum lanes hold four per word");

enum rd_dir { RD_DIR_C2S = 0, RD_DIR_S2C = 1, RD_DIR_NONE = 2 };

/* What a timeline event is about; its name is the JSON "kind". */
enum rd_ev {
    RD_EV_SYN = 0,
    RD_EV_SYNACK,
    RD_EV_HANDSHAKE,
    RD_EV_RETRANS,
    RD_EV_DUPLICATE,
    RD_EV_ZERO_WINDOW,
    RD_EV_KEEPALIVE,
    RD_EV_FIN,
    RD_EV_RST,
    RD_EV_GAP,
    RD_EV_DATA,      /* a PDU or handshake message */
    RD_EV_MALFORMED, /* bytes that did not parse */
    RD_EV_PHASE,     /* phase change */
    RD_EV_ANOMALY,   /* unexpected event for the phase */
    RD_EV_ICMP,
    RD_EV_NOTE, /* capture facts: start missed, evicted, truncated */
    RD_EV_COUNT
};

struct rd_event {
    uint64_t frame; /* 0 when no frame (end of capture) */
    int64_t ts_ns;
    uint8_t dir;  /* enum rd_dir */
    uint8_t kind; /* enum rd_ev */
    bool noise;   /* TCP noise: hidden unless -v */
    char text[RD_EVENT_TEXT];
};

#define RD_EVIDENCE_TEXT 240

struct rd_evidence {
    uint64_t frame;
    int64_t ts_ns;
    char text[RD_EVIDENCE_TEXT];
};

/* A frame signature, to tell a frame captured twice from a retransmission. */
struct rd_sig {
    uint32_t seq, ack;
    uint32_t len;
    uint16_t ipid, csum, win;
    uint8_t flags;
    int64_t ts_ns;
};

/* Per-direction TCP facts.  What every packet reads or writes comes first and
 * fills two cache lines; the analysis of a packet touches some twenty lines of
 * connection state, and with thousands of connections open those come from
 * the shared cache, not the core's own. */
struct rd_tcpdir {
    uint64_t packets;
    uint64_t bytes; /* payload bytes on the wire */
    int64_t first_ts, last_ts;
    int64_t last_data_ts; /* last segment with payload */
    uint64_t last_data_frame;
    uint64_t unacked_frame;   /* first data frame sent since everything was acknowledged */
    uint64_t first_ooo_frame; /* first segment that arrived ahead of a hole */
    uint64_t hole_ack_frame;  /* the peer's first ACK that reported the hole (a dup ACK) */
    uint64_t ring_csums[RD_DUP_RING / 4]; /* ring[i].csum in 16-bit lane i % 4 of word i / 4 */
    uint32_t highest_ack;                 /* highest ACK this side sent */
    uint32_t seq_end;                     /* highest seq + len sent (a FIN counts one) */
    unsigned ring_pos;
    uint16_t max_seg; /* largest payload sent */
    uint16_t ipid_last;
    uint8_t ttl_first, ttl_min, ttl_max;
    bool have_ttl;
    bool have_ipid;
    bool ipid_zero; /* every IP ID seen so far was 0 (DF hosts such as Linux for SYN-ACK) */
    bool acked_any;
    bool fin_sent;
    bool seq_any;

    uint32_t retrans;    /* retransmitted segments (data) */
    uint32_t syn_count;  /* SYNs (or SYN-ACKs) sent */
    uint32_t duplicates; /* frames captured twice */
    uint32_t zero_windows;
    uint32_t keepalives;
    uint64_t gap_bytes;         /* bytes the capture missed */
    uint32_t full_size_retrans; /* retransmissions of MSS-sized segments */
    uint64_t first_full_retrans_frame;
    int64_t first_full_retrans_ts;
    int64_t unacked_ts;
    int64_t first_ooo_ts;
    uint16_t mss; /* MSS option announced */
    struct rd_sig ring[RD_DUP_RING];
};

/* One FIN or RST, as the close logic needs it. */
struct rd_closepkt {
    uint64_t frame;
    int64_t ts_ns;
    uint8_t dir;
    uint8_t kind; /* enum rd_close_kind */
    uint8_t flags;
    uint8_t ttl;
    uint16_t ipid;
    bool has_ipid;
    uint32_t seq;
};

struct rd_verdict {
    enum rd_outcome outcome;
    enum rd_phase phase;
    enum rd_closer closed_by;
    enum rd_close_kind close;
    enum rd_cause cause;
    char detail_json[512]; /* cause-specific object, JSON text ("{}" when empty) */
    struct rd_evidence evidence[RD_EVIDENCE_MAX];
    unsigned n_evidence;
    char client_error[32];               /* e.g. "0x904/0x7" or "" */
    const char *client_error_confidence; /* "likely", "possible", ... */
    char explanation[1024];
    const char *remedies[RD_REMEDY_MAX];
    unsigned n_remedies;
    char warning[256]; /* non-fatal finding on a healthy connection */
};

struct rd_session;      /* session.h */
struct rd_conn_context; /* context.h */
struct rd_keylog;       /* keylog.h */
struct rd_rsakey;       /* tlsdec.h */

/* What may decrypt TLS: a key log (--keylog, a pcapng's Decryption Secrets
 * Blocks) and a server's RSA private key (--rsa-key).  Either may be NULL. */
struct rd_secrets {
    const struct rd_keylog *keylog;
    const struct rd_rsakey *rsakey;
};

struct rd_conn {
    /* What every packet reads or writes, together (see struct rd_tcpdir). */
    uint64_t hkey;                 /* the flow table's hash of the tuple */
    struct rd_conn *hnext;         /* hash chain */
    struct rd_conn *lprev, *lnext; /* idle order, least recently seen first */
    uint16_t cport, sport;
    uint8_t lclass;   /* the idle list it is on (enum rd_flow_class) */
    uint8_t last_dir; /* who sent the last packet */
    bool established;
    bool closed; /* RST seen or both FINs seen */
    struct rd_addr cli, srv;
    uint64_t last_frame;
    int64_t last_ts;
    int64_t gap_ns;             /* silence before the current packet */
    int64_t prev_gap_ns;        /* silence before the previous packet */
    int64_t max_gap_ns;         /* longest silence between two packets */
    struct rd_session *session; /* allocated with the first payload byte */

    uint64_t id; /* 1-based, in order of first packet */
    uint64_t first_frame;
    int64_t first_ts;
    bool start_seen;  /* the client's SYN was captured */
    bool srv_by_port; /* roles guessed from the port, not from a SYN */
    bool evicted;     /* finished early because the table was full */

    struct rd_tcpdir tcp[2];
    struct rd_stream stream[2];
    uint64_t synack_frame;
    int64_t syn_ts, synack_ts;
    int64_t rtt_ns; /* SYN-ACK to ACK on the client side, or SYN to SYN-ACK; -1 unknown */
    bool syn_rst;   /* the SYN was answered by a RST */
    struct rd_closepkt first_close; /* first FIN or RST (kind NONE when none) */
    struct rd_closepkt last_rst;
    uint32_t rst_count[2];
    uint32_t fin_count[2];
    bool fin_seen[2];
    int64_t closed_ts;

    /* What the path diagnosis needs (who really sent the close, silences, ICMP). */
    uint64_t max_gap_end_frame;
    int64_t close_prev_gap_ns; /* silence before the packet that preceded the first close */
    int64_t close_resp_ns;     /* from that packet to the first close */
    uint8_t close_prev_dir;    /* who sent the packet that preceded the first close */
    uint64_t close_prev_frame;
    uint16_t close_claimed_ipid_prev; /* the claimed sender's last IP ID before the close */
    bool close_claimed_ipid_known;
    struct rd_closepkt rst_other; /* the first RST in the other direction (kind NONE if none) */
    uint32_t icmp_count;
    bool icmp_too_big; /* fragmentation needed / packet too big quoting this flow */
    uint32_t icmp_mtu;
    uint64_t icmp_frame;
    int64_t icmp_ts;

    const struct rd_secrets *secrets; /* the run's keys, or NULL */
    /* The client's DNS and Kerberos around this connection: set while the
     * connection is being finished (diagnosis and reports), NULL otherwise. */
    const struct rd_conn_context *context;

    struct rd_event *timeline; /* grows by doubling up to RD_TIMELINE_MAX */
    unsigned n_events, cap_events;
    uint32_t events_dropped;
    uint32_t noise_events; /* retransmission/duplicate events recorded */

    bool finished;
    bool ended_by_capture; /* still open at end of input */
    int64_t end_ts;        /* the capture's clock when the connection was finished */
};

/* Append a timeline event (formatted); counted as dropped when the timeline is full. */
void rd_conn_event(struct rd_conn *c, const struct rd_packet *p, enum rd_dir dir, enum rd_ev kind,
                   const char *fmt, ...) RD_PRINTF(5, 6);
/* The same, noise (TCP retransmissions, duplicates): hidden unless -v. */
void rd_conn_noise(struct rd_conn *c, const struct rd_packet *p, enum rd_dir dir, enum rd_ev kind,
                   const char *fmt, ...) RD_PRINTF(5, 6);

/* Add evidence to a verdict. */
void rd_verdict_evidence(struct rd_verdict *v, uint64_t frame, int64_t ts_ns, const char *fmt, ...)
    RD_PRINTF(4, 5);

const char *rd_ev_name(enum rd_ev kind);
const char *rd_dir_arrow(enum rd_dir d);

#endif

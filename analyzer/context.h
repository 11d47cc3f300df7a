/*
 * context.h - what a client did on DNS (53) and Kerberos (88) around an RDP
 * connection: which names it resolved to the server's address, and which
 * tickets it asked the KDC for (RFC 1035, RFC 4120; MS-KILE 3.3.5.7: the RDP
 * client asks for a service ticket to TERMSRV/<server> during CredSSP).
 *
 * The store is bounded whatever the capture: a fixed number of clients (the
 * least recently active is evicted), a ring of RD_CONTEXT_EVENTS events per
 * client, and a fixed table of TCP flows on 53/88 with capped buffers for the
 * length-prefixed messages (RFC 1035 4.2.2, 2 bytes; RFC 4120 7.2.2, 4 bytes).
 * Nothing secret is kept: names, realms, message types and error codes, never
 * tickets, authenticators or keys.  Time is the capture's.
 */
#ifndef RD_CONTEXT_H
#define RD_CONTEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns.h"
#include "kerberos.h"
#include "packet.h"

#define RD_CONTEXT_EVENTS    16                  /* ring per client */
#define RD_CONTEXT_ADDRS     8                   /* A/AAAA answers kept per DNS event */
#define RD_CONTEXT_FLOWS     8                   /* TCP flow directions reassembled at once */
#define RD_CONTEXT_FLOW_CAP  65536               /* bytes buffered per flow direction */
#define RD_CONTEXT_WINDOW_NS (30 * 1000000000LL) /* how far before the connection we look */
#define RD_CONTEXT_MAX_NAMES 4                   /* names in a lookup result */
#define RD_CONTEXT_MAX_KRB   RD_CONTEXT_EVENTS   /* Kerberos messages in a lookup result */
#define RD_CONTEXT_PORT_DNS  53
#define RD_CONTEXT_PORT_KRB  88

enum rd_context_kind { RD_CTX_NONE = 0, RD_CTX_DNS, RD_CTX_KRB };

/* A DNS response the client received. */
struct rd_context_dns {
    uint16_t id;
    uint8_t rcode; /* rd_dns_rcode_name */
    uint16_t qtype;
    char qname[RD_DNS_NAME_MAX];
    /* Owner name of the address records when a CNAME chain led there; empty
     * when the addresses belong to qname itself. */
    char canonical[RD_DNS_NAME_MAX];
    struct rd_addr addrs[RD_CONTEXT_ADDRS]; /* A and AAAA answers, in wire order */
    size_t naddrs;
    size_t addrs_dropped;
};

/* A Kerberos message between the client and a KDC. */
struct rd_context_krb {
    uint32_t msg_type; /* RD_KRB_AS_REQ ... RD_KRB_ERROR_MSG */
    char realm[RD_KRB_NAME_MAX];
    char cname[RD_KRB_NAME_MAX];
    char sname[RD_KRB_NAME_MAX]; /* "TERMSRV/srv.example.test" */
    bool has_error;
    int32_t error_code; /* KRB-ERROR, rd_krb_error_name */
    bool is_pkinit;     /* smartcard (PA-PK-AS-REQ/REP) */
    /* Request and reply on one flow are paired: for a request, the reply's
     * frame and type (0 while unanswered); for a reply, the request's frame. */
    uint64_t peer_frame;
    uint32_t reply_type;
    int32_t reply_error; /* the reply's error code when reply_type is KRB-ERROR */
};

struct rd_context_event {
    enum rd_context_kind kind;
    uint64_t frame;
    int64_t ts_ns;
    struct rd_addr server; /* the DNS server or KDC */
    bool over_tcp;
    uint16_t client_port, server_port;
    union {
        struct rd_context_dns dns;
        struct rd_context_krb krb;
    } u;
};

struct rd_context_client {
    bool used;
    struct rd_addr addr;
    int32_t hnext;    /* next slot in the same hash bucket, -1 at the end */
    uint64_t touched; /* store-wide sequence number of the last event */
    size_t head;      /* next slot of the ring */
    size_t count;     /* events held, <= RD_CONTEXT_EVENTS */
    struct rd_context_event ev[RD_CONTEXT_EVENTS];
};

struct rd_context_flow {
    bool used;
    struct rd_addr src, dst;
    uint16_t sport, dport;
    bool have_seq;
    bool desync;   /* a gap or a malformed message: the rest of the flow is ignored */
    uint32_t next; /* next expected sequence number */
    size_t skip;   /* bytes of an oversized message still to pass over */
    size_t len;    /* bytes buffered */
    uint64_t first_frame;
    uint64_t touched;
    uint8_t *buf; /* RD_CONTEXT_FLOW_CAP bytes */
};

struct rd_context_stats {
    uint64_t packets;        /* UDP/TCP packets on 53/88 seen */
    uint64_t dns_messages;   /* DNS messages parsed */
    uint64_t dns_responses;  /* of which responses, recorded */
    uint64_t krb_messages;   /* Kerberos messages parsed */
    uint64_t krb_recorded;   /* of which KDC exchanges, recorded */
    uint64_t malformed;      /* messages that did not parse */
    uint64_t truncated;      /* UDP messages cut by the snaplen, not parsed */
    uint64_t tcp_gaps;       /* TCP flows given up after a hole or reordering */
    uint64_t tcp_oversize;   /* TCP messages above RD_CONTEXT_FLOW_CAP, skipped */
    uint64_t tcp_incomplete; /* TCP flows that ended inside a message */
    uint64_t flows_evicted;  /* TCP flows dropped to make room */
    uint64_t clients_evicted;
    uint64_t events_overwritten; /* events pushed out of a client's ring */
};

struct rd_context {
    struct rd_context_client *clients;
    size_t max_clients;
    int32_t *buckets;   /* client slots by address hash, -1 when empty */
    size_t nbuckets;    /* a power of two */
    size_t next_victim; /* slots are reused in turn once all are taken */
    struct rd_context_flow flows[RD_CONTEXT_FLOWS];
    uint8_t *flow_mem;
    uint64_t seq;
    struct rd_context_stats stats;
};

/* One name the client resolved to the server's address. */
struct rd_conn_context_name {
    char name[RD_DNS_NAME_MAX];      /* what the client asked for */
    char canonical[RD_DNS_NAME_MAX]; /* where a CNAME led, empty when direct */
    uint16_t qtype;
    uint64_t frame; /* the response */
    int64_t ts_ns;
    struct rd_addr dns_server;
    /* The other A/AAAA answers of that response (not the server's address):
     * whether the client tried one of them first is for the caller to check. */
    struct rd_addr others[RD_CONTEXT_ADDRS];
    size_t nothers;
};

/* One Kerberos message of the client, for a report. */
struct rd_conn_context_krb {
    uint32_t msg_type;
    const char *type_name; /* "TGS-REQ", static */
    uint64_t frame;
    int64_t ts_ns;
    bool during; /* at or after the connection's start */
    struct rd_addr kdc;
    char realm[RD_KRB_NAME_MAX];
    char cname[RD_KRB_NAME_MAX];
    char sname[RD_KRB_NAME_MAX];
    bool has_error;
    int32_t error_code;
    const char *error_name; /* static; "" unless has_error */
    bool is_pkinit;
    uint64_t peer_frame; /* the paired reply (request) or request (reply), 0 if none */
};

/* The TERMSRV/ service ticket: asked for, issued, refused? */
enum rd_context_tgs {
    RD_CTX_TGS_NONE = 0,   /* no TGS-REQ for TERMSRV/ in the window */
    RD_CTX_TGS_UNANSWERED, /* asked, no reply on its flow (yet) */
    RD_CTX_TGS_ISSUED,     /* TGS-REP */
    RD_CTX_TGS_REFUSED     /* KRB-ERROR: termsrv_error */
};

struct rd_conn_context {
    bool client_known; /* the store held any event of this client */
    struct rd_conn_context_name names[RD_CONTEXT_MAX_NAMES]; /* newest first, one per name */
    size_t nnames;
    size_t names_dropped;
    struct rd_conn_context_krb krb[RD_CONTEXT_MAX_KRB]; /* oldest first */
    size_t nkrb;
    size_t krb_dropped;
    bool pkinit; /* an AS exchange of the window used PKINIT */

    enum rd_context_tgs termsrv;
    char termsrv_sname[RD_KRB_NAME_MAX];
    char termsrv_realm[RD_KRB_NAME_MAX];
    uint64_t termsrv_req_frame;   /* the last TGS-REQ for TERMSRV/ (0: a lone KRB-ERROR) */
    uint64_t termsrv_reply_frame; /* its reply, 0 if none */
    int32_t termsrv_error;
    const char *termsrv_error_name; /* static; "" unless refused */
    /* The TERMSRV/ host equals one of names[] (name or canonical), ignoring case. */
    bool termsrv_matches_dns;
};

/*
 * Set up an empty store for up to max_clients client addresses (at least 1)
 * and its TCP flow buffers.  0, or -1 when memory runs out (x is then safe to
 * free).
 */
int rd_context_init(struct rd_context *x, size_t max_clients);

/*
 * Feed one decoded packet.  Only UDP and TCP with port 53 or 88 on either side
 * are looked at; anything else returns at once.  Copies what it keeps; p and its
 * payload may go away after the call.  Packets must come in capture order.
 */
void rd_context_packet(struct rd_context *x, const struct rd_packet *p);

/*
 * What the store knows about a connection from client to server starting at
 * conn_start_ns: the names the client resolved to server's address in the
 * RD_CONTEXT_WINDOW_NS before the start, and its Kerberos messages from
 * RD_CONTEXT_WINDOW_NS before the start to RD_CONTEXT_WINDOW_NS after it
 * (a client asks for TERMSRV/ during CredSSP, after the connection began;
 * each message says whether it came before or during).  Fills out completely;
 * its strings are copies, its name pointers static.
 */
void rd_context_lookup(const struct rd_context *x, const struct rd_addr *client,
                       const struct rd_addr *server, int64_t conn_start_ns,
                       struct rd_conn_context *out);

/* The same, with Kerberos messages up to conn_end_ns (the connection's last
 * packet) instead of RD_CONTEXT_WINDOW_NS after the start. */
void rd_context_lookup_span(const struct rd_context *x, const struct rd_addr *client,
                            const struct rd_addr *server, int64_t conn_start_ns,
                            int64_t conn_end_ns, struct rd_conn_context *out);

const char *rd_context_tgs_name(enum rd_context_tgs t); /* "none", "unanswered", ... */

void rd_context_free(struct rd_context *x);

#endif

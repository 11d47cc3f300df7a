/*
 * engine.h - the per-packet pipeline after decode: flow table, TCP events and
 * reassembly, session, and finishing connections (diagnosis, then a callback).
 *
 * Time is the capture's: the engine's clock is the timestamp of the last packet
 * (or, live, of rd_engine_tick), never the wall clock.
 */
#ifndef RD_ENGINE_H
#define RD_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "conn.h"
#include "context.h"
#include "flow.h"

#define RD_MAX_PORTS              16
#define RD_ENGINE_CONTEXT_CLIENTS 256 /* clients whose DNS and Kerberos are remembered */

struct rd_engine_opts {
    uint16_t ports[RD_MAX_PORTS]; /* RDP ports (3389 when none given) */
    unsigned nports;
    size_t max_conns;        /* connections tracked at once */
    int64_t idle_timeout_ns; /* an established connection silent this long is finished */
    int64_t syn_timeout_ns;  /* a connection that never got established, likewise */
    int64_t linger_ns;       /* a closed connection is finished this long after its close */
    const struct rd_secrets *secrets; /* TLS keys for every connection, or NULL */
};

struct rd_engine_stats {
    uint64_t frames;      /* every frame libpcap delivered */
    uint64_t not_ip;      /* ARP and the like */
    uint64_t fragments;   /* IP fragments, skipped */
    uint64_t truncated;   /* cut by snaplen inside a header, skipped */
    uint64_t malformed;   /* headers that contradict each other, skipped */
    uint64_t payload_cut; /* frames whose payload snaplen cut (kept, gaps recorded) */
    uint64_t other;       /* IP packets that are not TCP on an RDP port */
    uint64_t connections;
    uint64_t evicted; /* finished early: the table was full */
    uint64_t failed;
    uint64_t time_backwards; /* packets whose timestamp went backwards */
    uint64_t learned_ports;  /* ports recognised as RDP by an X.224 Connection Request */
};

/* RDP ports as a bit set (one test per packet) and how many the engine knows. */
struct rd_portset {
    uint8_t bits[65536 / 8];
    unsigned n;
};

struct rd_verdict;
typedef void (*rd_conn_done_fn)(void *ctx, const struct rd_conn *c, const struct rd_verdict *v);

struct rd_engine {
    struct rd_engine_opts opts;
    struct rd_flow_table flows;
    struct rd_engine_stats stats;
    rd_conn_done_fn done;
    void *ctx;
    int64_t now_ns;
    int64_t last_sweep_ns;
    bool clock_started;
    struct rd_portset rdp;           /* opts.ports, and the ports learned since */
    struct rd_context context;       /* recent DNS and Kerberos per client */
    struct rd_conn_context *scratch; /* one connection's view of it, while finishing */
};

void rd_engine_default_opts(struct rd_engine_opts *o);
int rd_engine_init(struct rd_engine *e, const struct rd_engine_opts *o, rd_conn_done_fn done,
                   void *ctx, char *errbuf, size_t errsize);
/* One decoded packet (p->l4 any). */
void rd_engine_packet(struct rd_engine *e, const struct rd_packet *p);
/* Advance the clock without a packet (live capture while idle). */
void rd_engine_tick(struct rd_engine *e, int64_t now_ns);
/* End of input: finish every open connection, in order of id. */
void rd_engine_finish_all(struct rd_engine *e);
void rd_engine_free(struct rd_engine *e);

bool rd_engine_is_rdp_port(const struct rd_engine *e, uint16_t port);

/* Could a TCP/UDP packet with these ports and this first payload byte (-1:
 * none) matter?  RDP ports, DNS and Kerberos, or a TPKT that may carry an
 * X.224 Connection Request on another port. */
bool rd_engine_wants(const struct rd_engine *e, uint8_t proto, uint16_t sport, uint16_t dport,
                     int first_byte);

/*
 * The same test against a copy of the engine's ports, for a thread that reads
 * ahead of the engine: rd_portset_learn, called for every decoded packet in
 * the order the engine will see them, learns a port exactly when the engine
 * will, so the copy's answers match the engine's frame for frame.
 */
void rd_engine_copy_ports(const struct rd_engine *e, struct rd_portset *out);
bool rd_portset_wants(const struct rd_portset *s, uint8_t proto, uint16_t sport, uint16_t dport,
                      int first_byte);
void rd_portset_learn(struct rd_portset *s, const struct rd_packet *p);
bool rd_portset_has(const struct rd_portset *s, uint16_t port);

#endif

/*
 * session.h - the RDP state machine of one connection (DESIGN.md "session").
 *
 * The TCP layer hands each direction's ordered bytes to rd_session_data.  The
 * session buffers them (at most RD_SESSION_BUF per direction) while the
 * handshake phases last, frames PDUs for the current phase, hands them to the
 * dissectors, and keeps what it learns as facts and timeline events.  From the
 * active phase on it keeps only counters.
 */
#ifndef RD_SESSION_H
#define RD_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conn.h"

/* How the server's (or client's) first bytes looked when they were not TPKT. */
enum rd_first_bytes {
    RD_FIRST_NONE = 0,
    RD_FIRST_TPKT,
    RD_FIRST_TLS,
    RD_FIRST_HTTP,
    RD_FIRST_SSH,
    RD_FIRST_TEXT,
    RD_FIRST_BINARY
};

enum rd_cc_kind { RD_CC_LEGACY = 0, RD_CC_RSP, RD_CC_FAILURE };

struct rd_x224_facts {
    bool cr_seen;
    bool cr_malformed;
    uint64_t cr_frame;
    int64_t cr_ts;
    bool has_neg_req;
    uint32_t requested; /* requestedProtocols */
    uint8_t req_flags;
    bool has_cookie;
    char cookie[64];
    bool has_routing_token;
    bool has_correlation;
    char correlation[40];

    bool cc_seen;
    bool cc_malformed;
    uint64_t cc_frame;
    int64_t cc_ts;
    enum rd_cc_kind cc_kind;
    uint32_t selected;
    uint8_t rsp_flags;
    uint32_t failure_code;

    bool dr_seen;
    uint64_t dr_frame;
    uint8_t dr_dir;
    uint8_t dr_reason;
};

struct rd_session_dir {
    uint8_t *buf; /* RD_SESSION_BUF bytes, allocated on first data */
    size_t len;
    bool overflow;  /* a PDU larger than the buffer: this direction stopped parsing */
    bool desync;    /* a gap or malformed framing: this direction stopped parsing */
    uint64_t bytes; /* bytes delivered in order */
    uint64_t pdus;  /* PDUs framed */
    uint64_t first_frame;
    int64_t first_ts;
    uint64_t last_frame;
    int64_t last_ts;
    enum rd_first_bytes first;
    char first_text[48]; /* printable start of non-TPKT first bytes */
};

struct rd_session {
    enum rd_phase phase;
    struct rd_session_dir dir[2];
    struct rd_x224_facts x224;
    bool not_rdp; /* the server's first bytes were not TPKT */
    uint64_t not_rdp_frame;
    uint32_t malformed;         /* PDUs that did not parse */
    uint64_t active_frame;      /* first frame of the active phase */
    uint64_t encrypted_pdus[2]; /* standard-security encrypted PDUs, counted only */
};

struct rd_session *rd_session_new(void);
void rd_session_free(struct rd_session *s);

/* In-order bytes of one direction (data == NULL: a gap of len bytes the capture
 * missed), from the frame p.  May add timeline events and change the phase. */
void rd_session_data(struct rd_conn *c, enum rd_dir dir, const struct rd_packet *p,
                     const uint8_t *data, size_t len);

/* The connection ended: release buffers (facts stay). */
void rd_session_finish(struct rd_conn *c);

const char *rd_first_bytes_name(enum rd_first_bytes f);

#endif

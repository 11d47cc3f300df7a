/*
 * attempt.h - linking the connections of one user action (DESIGN.md "attempts").
 *
 * Connections from one client address to one server address and port belong
 * to the same attempt when each starts within RD_ATTEMPT_GAP of the previous
 * one's end: a NEG_FAILURE followed by a retry with other protocols, a client
 * that closes after the certificate to show a prompt and reconnects, a
 * client's automatic retry after a transport failure.  Each connection keeps
 * its own verdict; the attempt says how the user's action ended, and its cause
 * is the first failed connection's, not the retry's.
 */
#ifndef RD_ATTEMPT_H
#define RD_ATTEMPT_H

#include <stdint.h>

#include "conn.h"

#define RD_ATTEMPT_GAP_NS (60LL * 1000000000LL)
#define RD_ATTEMPT_ACTIVE 4096 /* attempts still open at once */
#define RD_ATTEMPT_LISTED 256  /* finished attempts kept for the summary */
#define RD_ATTEMPT_STORY  200

struct rd_attempt {
    uint64_t id;  /* the id of its first connection */
    uint64_t key; /* a hash of client and server, compared before the addresses */
    struct rd_addr cli, srv;
    uint16_t sport;
    int64_t start_ts, last_end_ts;
    uint64_t last_id;
    unsigned conns, failed;
    bool last_ok;
    bool has_failure;
    enum rd_cause cause; /* the first failed connection's */
    enum rd_phase phase;
    uint64_t cause_conn;
    char story[RD_ATTEMPT_STORY]; /* how it unfolded, in words */
};

/* What finding an open attempt reads of each, packed: the scan over
 * thousands of open attempts then touches a few cache lines, not one each. */
struct rd_attempt_slot {
    uint64_t key;
    int64_t last_end_ts;
};

struct rd_attempts {
    struct rd_attempt *open;      /* RD_ATTEMPT_ACTIVE */
    struct rd_attempt_slot *slot; /* slot[i] mirrors open[i] */
    size_t n_open;
    struct rd_attempt *done; /* RD_ATTEMPT_LISTED: multi-connection or failed ones */
    size_t n_done;
    uint64_t total, total_failed, multi, not_listed;
    int64_t last_stale_check; /* closing stale attempts is done once a second */
};

int rd_attempts_init(struct rd_attempts *a);
void rd_attempts_free(struct rd_attempts *a);

/* A finished connection: returns the id of the attempt it belongs to. */
uint64_t rd_attempts_add(struct rd_attempts *a, const struct rd_conn *c,
                         const struct rd_verdict *v);

/* End of input: close every open attempt (in order of id). */
void rd_attempts_close_all(struct rd_attempts *a);

/* The attempt's outcome in one phrase ("succeeded", "failed at credssp: credssp_failure"). */
void rd_attempt_outcome(const struct rd_attempt *t, char *buf, size_t size);

#endif

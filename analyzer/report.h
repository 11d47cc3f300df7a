/*
 * report.h - rendering finished connections as text or NDJSON.
 *
 * Renderers never decide anything: they print what the connection record and
 * its verdict hold.  Output is deterministic: times are the capture's, in UTC.
 */
#ifndef RD_REPORT_H
#define RD_REPORT_H

#include <stdio.h>

#include "attempt.h"
#include "conn.h"
#include "engine.h"

#define RD_JSON_SCHEMA 1

enum rd_format { RD_FMT_TEXT = 0, RD_FMT_JSON, RD_FMT_QUIET };

struct rd_report_opts {
    enum rd_format format;
    bool all;     /* also healthy connections */
    bool verbose; /* full timelines */
    bool color;
    bool summary_first; /* text: the summary before the connections (files, not live) */
};

#define RD_REPORT_SERVERS 64

/* Per-server tallies for the summary. */
struct rd_server_tally {
    struct rd_addr addr;
    uint16_t port;
    uint64_t conns, failed;
    uint64_t by_cause[RD_CAUSE_COUNT];
};

struct rd_report {
    struct rd_report_opts opts;
    FILE *out;
    uint64_t total, failed, ok, incomplete;
    uint64_t by_cause[RD_CAUSE_COUNT];
    struct rd_server_tally servers[RD_REPORT_SERVERS];
    size_t n_servers;
    uint64_t other_server_conns;
    /* summary_first: the connections, printed after the summary; in memory
     * (a chain of blocks, mem_head to mem_tail, memlen bytes in all, written
     * through the stream body) up to mem_max, then in a temporary file
     * (spilled, its stdio buffer bodybuf). */
    FILE *body;
    struct rd_body_block *mem_head, *mem_tail;
    size_t memlen;
    size_t mem_max; /* RDPDIAG_BODY_MEM=BYTES sets it for tests */
    bool spilled;
    char *bodybuf;
};

/* Returns -1 when the temporary file for summary_first cannot be made (then the
 * connections are printed directly). */
int rd_report_init(struct rd_report *r, const struct rd_report_opts *o, FILE *out);
/* One finished connection, and the id of the attempt it belongs to. */
void rd_report_conn(struct rd_report *r, const struct rd_conn *c, const struct rd_verdict *v,
                    uint64_t attempt);
/* After the last connection: totals, servers, attempts, what the capture skipped,
 * then (summary_first) the connections. */
void rd_report_end(struct rd_report *r, const struct rd_engine_stats *st,
                   const struct rd_attempts *attempts, FILE *err);

/* Give up a report without its end (an input error before any connection):
 * what was kept back for summary-first output is dropped. */
void rd_report_discard(struct rd_report *r);

/* Format a capture timestamp as RFC 3339 UTC with microseconds. */
void rd_format_time(int64_t ts_ns, char *buf, size_t size);
/* "addr:port", or "[v6addr]:port". */
void rd_format_endpoint(const struct rd_addr *a, uint16_t port, char *buf, size_t size);
/* Write s as a JSON string (quotes included). */
void rd_json_string(FILE *f, const char *s);

#endif

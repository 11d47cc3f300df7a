/*
 * report.h - rendering finished connections as text or NDJSON.
 *
 * Renderers never decide anything: they print what the connection record and
 * its verdict hold.  Output is deterministic: times are the capture's, in UTC.
 */
#ifndef RD_REPORT_H
#define RD_REPORT_H

#include <stdio.h>

#include "conn.h"
#include "engine.h"

#define RD_JSON_SCHEMA 1

enum rd_format { RD_FMT_TEXT = 0, RD_FMT_JSON, RD_FMT_QUIET };

struct rd_report_opts {
    enum rd_format format;
    bool all;     /* also healthy connections */
    bool verbose; /* full timelines */
    bool color;
};

struct rd_report {
    struct rd_report_opts opts;
    FILE *out;
    uint64_t total, failed, ok, incomplete;
    uint64_t by_cause[RD_CAUSE_COUNT];
};

void rd_report_init(struct rd_report *r, const struct rd_report_opts *o, FILE *out);
/* One finished connection. */
void rd_report_conn(struct rd_report *r, const struct rd_conn *c, const struct rd_verdict *v);
/* After the last connection: totals and what the capture skipped. */
void rd_report_end(struct rd_report *r, const struct rd_engine_stats *st, FILE *err);

/* Format a capture timestamp as RFC 3339 UTC with microseconds. */
void rd_format_time(int64_t ts_ns, char *buf, size_t size);
/* "addr:port", or "[v6addr]:port". */
void rd_format_endpoint(const struct rd_addr *a, uint16_t port, char *buf, size_t size);
/* Write s as a JSON string (quotes included). */
void rd_json_string(FILE *f, const char *s);

#endif

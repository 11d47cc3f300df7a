/*
 * diagnose.h - one finished connection (facts + timeline) to one verdict.
 *
 * The rules are data: one ordered table in diagnose.c, most specific first.
 * The first rule that matches names the cause and cites its evidence frames;
 * the cause table then supplies the client error, explanation and remedies.
 */
#ifndef RD_DIAGNOSE_H
#define RD_DIAGNOSE_H

#include "conn.h"

void rd_diagnose(const struct rd_conn *c, struct rd_verdict *v);

/* The cause's default explanation, client error and remedies (for --explain). */
struct rd_cause_info {
    enum rd_cause cause;
    const char *summary;      /* a few words */
    const char *signature;    /* how it looks on the wire */
    const char *client_error; /* most likely Windows client code, "" when none */
    const char *confidence;
    const char *explanation;
    const char *remedies[RD_REMEDY_MAX];
};
const struct rd_cause_info *rd_cause_info(enum rd_cause cause);

#endif

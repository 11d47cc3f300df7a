/*
 * flow.h - the flow table: a 5-tuple to its connection record.
 *
 * The table holds at most `cap` connections.  Connections are kept in the order
 * they were last seen, so the longest-idle one is at the head: it is the one
 * finished early when the table is full, and the sweep walks from there.
 */
#ifndef RD_FLOW_H
#define RD_FLOW_H

#include <stddef.h>

#include "conn.h"

struct rd_flow_table {
    struct rd_conn **buckets;
    size_t nbuckets; /* power of two */
    size_t count;
    size_t cap;
    struct rd_conn *head, *tail; /* least and most recently seen */
    uint64_t next_id;
};

/* cap: connections tracked at once.  Returns -1 (errbuf filled) on allocation failure. */
int rd_flow_init(struct rd_flow_table *t, size_t cap, char *errbuf, size_t errsize);
void rd_flow_free(struct rd_flow_table *t);

/* The connection this packet belongs to, in either direction; NULL if none.
 * *from_client says which side sent it. */
struct rd_conn *rd_flow_lookup(struct rd_flow_table *t, const struct rd_packet *p,
                               bool *from_client);

/* Create a connection for p with the given roles (p comes from the client when
 * from_client).  The caller checks rd_flow_full first.  NULL on allocation failure. */
struct rd_conn *rd_flow_insert(struct rd_flow_table *t, const struct rd_packet *p,
                               bool from_client);

/* Mark c as just seen (moves it to the tail of the idle order). */
void rd_flow_touch(struct rd_flow_table *t, struct rd_conn *c);

/* Unlink c from the table (the caller finishes and frees it). */
void rd_flow_remove(struct rd_flow_table *t, struct rd_conn *c);

bool rd_flow_full(const struct rd_flow_table *t);

#endif

/*
 * flow.h - the flow table: a 5-tuple to its connection record.
 *
 * The table holds at most `cap` connections.  Connections are kept in the order
 * they were last seen, one list per timeout class, so each list's longest-idle
 * connection is at its head: the sweep looks at the heads only, and a full
 * table finishes the oldest head early.
 */
#ifndef RD_FLOW_H
#define RD_FLOW_H

#include <stddef.h>

#include "conn.h"

struct rd_flow_table {
    struct rd_conn **buckets;
    size_t nbuckets; /* power of two, grown with the count up to max_buckets */
    size_t max_buckets;
    size_t count;
    size_t cap;
    /* One idle list per timeout class (enum rd_flow_class), each in last-seen
     * order, least recently seen at head[k]: a sweep looks at heads only. */
    struct rd_conn *head[3], *tail[3];
    uint64_t next_id;
    uint64_t seed; /* keys the tuple hash (drawn per table) */
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

enum rd_flow_class { RD_FLOW_OPEN = 0, RD_FLOW_ESTABLISHED = 1, RD_FLOW_CLOSED = 2 };

/* Mark c as just seen: moves it to the tail of the idle list of its class
 * (from c->closed and c->established: call after updating them). */
void rd_flow_touch(struct rd_flow_table *t, struct rd_conn *c);

/* The least recently seen connection of all classes (the one a full table
 * evicts), or NULL when the table is empty. */
struct rd_conn *rd_flow_oldest(const struct rd_flow_table *t);

/* Unlink c from the table (the caller finishes and frees it). */
void rd_flow_remove(struct rd_flow_table *t, struct rd_conn *c);

bool rd_flow_full(const struct rd_flow_table *t);

/* The most connections in one hash bucket (for tests: a crafted capture must
 * not be able to pile them up). */
size_t rd_flow_longest_chain(const struct rd_flow_table *t);

#endif

/*
 * pktq.h - decoded packets handed from a reading thread to the analysing one.
 *
 * Reading a capture file (libpcap's copy out of stdio, the frame filter, the
 * decode) and analysing it (flows, reassembly, sessions, reports) take about
 * the same time per frame; on two cores they overlap.  The reading thread fills
 * chunks with records, each a struct rd_packet with its payload copied behind
 * it and the reading side's frame counters as of that frame; the analysing
 * thread takes the chunks in order, so the result is the same as reading and
 * analysing in one thread, frame for frame.
 *
 * A fixed number of chunks circulate between the two: memory is bounded, and
 * the reading thread waits while the analysing one is behind.  Either side can
 * close the queue: the reader at end of input (with its status in the last
 * chunk), the analyser when it stops early.
 */
#ifndef RD_PKTQ_H
#define RD_PKTQ_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "packet.h"

/* What the reading side counted, as of one frame: frames read, and frames it
 * did not hand over (not wanted, or failing to decode, by reason). */
struct rd_pktq_counts {
    uint64_t frames, other, not_ip, fragments, truncated, malformed, payload_cut;
};

/*
 * A record, as the analysing side reads it: a decoded packet, or (raw) a frame
 * for it to decode, with its bytes (the payload, or the whole captured frame)
 * copied behind it in the chunk.  counts is the reading side's counters as of
 * this frame (a raw frame's own decode excluded), or NULL when only the frame
 * count moved since the previous record: then frame is the frame count.
 */
struct rd_pktq_item {
    bool raw;
    const struct rd_pktq_counts *counts;
    uint64_t frame;              /* the frame number, either way */
    const struct rd_packet *pkt; /* decoded: the packet, its payload in the chunk */
    /* raw: */
    int64_t ts_ns;
    uint32_t caplen, wirelen;
    const uint8_t *bytes;
};

struct rd_pktq_chunk {
    struct rd_pktq_chunk *next;
    uint8_t *buf; /* records, each aligned to 8 bytes */
    size_t size, used;
    size_t read_pos;              /* the analysing side's position */
    bool last;                    /* no chunk follows: end of input, or a read error */
    int status;                   /* with last: 0, or -1 for a read error */
    char error[256];              /* with status -1 */
    struct rd_pktq_counts counts; /* with last: the reading side's final counters */
};

struct rd_pktq {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    struct rd_pktq_chunk *free_list;             /* for the reader to fill */
    struct rd_pktq_chunk *full_head, *full_tail; /* for the analyser, in order */
    bool closed;                                 /* the analyser stopped: the reader ends */
    bool analyser_waited;                        /* since the reader last took a chunk */
    struct rd_pktq_chunk **chunks;               /* every chunk, for freeing */
    size_t nchunks;
};

/* nchunks chunks of chunk_size bytes; -1 when out of memory. */
int rd_pktq_init(struct rd_pktq *q, size_t nchunks, size_t chunk_size);
void rd_pktq_free(struct rd_pktq *q);

/* Reader: an empty chunk to fill, waiting for one; NULL once the analyser
 * closed the queue.  *reader_waited: there was none free at once (the analyser
 * is the slower side); *analyser_waited: the analyser found the queue empty
 * since the last call (the reader is). */
struct rd_pktq_chunk *rd_pktq_get_empty(struct rd_pktq *q, bool *reader_waited,
                                        bool *analyser_waited);
/*
 * Reader: append a copy of the decoded packet p (payload included), or with raw
 * the captured frame p->payload/p->paylen and p's frame, ts_ns, caplen and
 * wirelen, with the counters as of it (*last: those of the previous record in
 * the stream, updated; a record carries them only when they moved otherwise
 * than by its frame).  False when the chunk is full (hand it over and take
 * another) or, for a record larger than a whole chunk, when it cannot grow.
 */
bool rd_pktq_append(struct rd_pktq_chunk *ch, const struct rd_packet *p, bool raw,
                    const struct rd_pktq_counts *counts, struct rd_pktq_counts *last);
/* Reader: hand a filled (or last) chunk to the analyser. */
void rd_pktq_put_full(struct rd_pktq *q, struct rd_pktq_chunk *ch);

/* Analyser: the next chunk in order, waiting for it. */
struct rd_pktq_chunk *rd_pktq_get_full(struct rd_pktq *q);
/* Analyser: the next record of ch into *it; false when it has no more. */
bool rd_pktq_next(struct rd_pktq_chunk *ch, struct rd_pktq_item *it);
/* Analyser: give a chunk back for reuse. */
void rd_pktq_put_empty(struct rd_pktq *q, struct rd_pktq_chunk *ch);
/* Analyser: stop early; the reader's next rd_pktq_get_empty returns NULL. */
void rd_pktq_close(struct rd_pktq *q);

#endif

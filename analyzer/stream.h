/*
 * stream.h - one direction of a TCP connection, delivered in order exactly once.
 *
 * Overlap policy (written down once): the first copy of a byte that reaches the
 * stream wins; later copies of the same sequence range are counted as
 * retransmissions (or as conflicting overlaps if their bytes differ) and dropped.
 *
 * Bytes that arrive ahead of the next expected sequence number are kept in a
 * per-direction reorder window of RD_STREAM_WINDOW bytes allocated on first
 * use.  A hole that is never filled (the capture missed those bytes) is
 * reported as a gap to the consumer, never papered over.
 */
#ifndef RD_STREAM_H
#define RD_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RD_STREAM_WINDOW (64u * 1024u)

/* Modulo-2^32 serial arithmetic: the one helper for TCP sequence comparisons. */
static inline int32_t rd_seq_diff(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b);
}
#define rd_seq_lt(a, b) (rd_seq_diff((a), (b)) < 0)
#define rd_seq_le(a, b) (rd_seq_diff((a), (b)) <= 0)
#define rd_seq_gt(a, b) (rd_seq_diff((a), (b)) > 0)
#define rd_seq_ge(a, b) (rd_seq_diff((a), (b)) >= 0)

/*
 * The consumer of one direction's bytes.  data != NULL: len bytes, in order,
 * each delivered once.  data == NULL: a gap of len bytes that the capture never
 * held (the consumer must resynchronise or give up on this direction).
 */
typedef void (*rd_stream_deliver_fn)(void *ctx, const uint8_t *data, size_t len);

/* How one pushed segment related to what the stream already had. */
enum rd_seg_kind {
    RD_SEG_EMPTY = 0,  /* no payload (pure ACK, SYN, FIN, RST without data) */
    RD_SEG_NEW,        /* only bytes never seen before (delivered or buffered) */
    RD_SEG_RETRANS,    /* only bytes already seen: a retransmission */
    RD_SEG_PARTIAL,    /* some old, some new bytes */
    RD_SEG_OUT_OF_ORDER, /* new bytes ahead of a hole, kept in the reorder window */
    RD_SEG_KEEPALIVE,  /* 0 or 1 byte at next_seq - 1: a TCP keep-alive probe */
    RD_SEG_BEYOND      /* too far ahead for the window: a gap is declared first */
};

struct rd_stream {
    bool have_base;     /* next_seq is known (SYN seen, or first data) */
    bool syn_seen;
    bool fin_seen;
    bool buffering;     /* false after rd_stream_stop_buffering: count only */
    uint32_t isn;       /* initial sequence number when the SYN was seen */
    uint32_t next_seq;  /* next byte the consumer expects */
    uint32_t fin_seq;   /* sequence number of the FIN */
    uint64_t delivered; /* bytes delivered in order */
    uint64_t gap_bytes; /* bytes reported as gaps */
    uint32_t gaps;      /* gap events */
    uint32_t retrans_segments;
    uint64_t retrans_bytes;
    uint32_t overlap_conflicts; /* retransmitted bytes that differed from the first copy */
    uint32_t ooo_segments;      /* segments that arrived ahead of a hole */

    /* reorder window, allocated on first out-of-order segment */
    uint8_t *win;      /* RD_STREAM_WINDOW bytes */
    uint8_t *win_map;  /* RD_STREAM_WINDOW / 8 bytes: one bit per byte held */
    uint32_t win_held; /* bytes currently held */
};

void rd_stream_init(struct rd_stream *s);
void rd_stream_free(struct rd_stream *s);

/* A SYN with sequence number isn was seen in this direction. */
void rd_stream_syn(struct rd_stream *s, uint32_t isn);

/*
 * Push one segment: seq, the captured payload (len bytes) and the payload
 * length on the wire (wire_len >= len; the difference is a capture gap after
 * the captured bytes).  fin: the segment carries FIN.  Delivers what became
 * contiguous through fn.  Returns how the segment related to earlier ones.
 */
enum rd_seg_kind rd_stream_push(struct rd_stream *s, uint32_t seq, const uint8_t *data,
                                size_t len, size_t wire_len, bool fin, rd_stream_deliver_fn fn,
                                void *ctx);

/*
 * The peer acknowledged everything before ack.  If that is beyond next_seq and
 * nothing fills the hole, the bytes were sent but not captured: report them as a
 * gap and deliver what the window holds after them.
 */
void rd_stream_acked(struct rd_stream *s, uint32_t ack, rd_stream_deliver_fn fn, void *ctx);

/* End of the connection: report any hole as a gap and deliver the rest. */
void rd_stream_flush(struct rd_stream *s, rd_stream_deliver_fn fn, void *ctx);

/* After the handshake phases: free the window and only count from now on. */
void rd_stream_stop_buffering(struct rd_stream *s);

#endif

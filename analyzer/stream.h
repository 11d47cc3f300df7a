/*
 * stream.h - one direction of a TCP connection, delivered in order exactly once.
 *
 * Overlap policy (written down once): the first copy of a byte that reaches the
 * stream wins; later copies of the same sequence range are counted as
 * retransmissions (or as conflicting overlaps if their bytes differ from a copy
 * still held in the window) and dropped.  Bytes already delivered cannot be
 * compared: a later copy of them is only counted as a retransmission.
 *
 * Sequence space (RFC 9293 3.4): rd_stream_syn sets the base (next_seq = isn +
 * 1, the SYN occupies isn).  Without a SYN, the first segment that carries data
 * (or a FIN) sets the base at its seq (capture started mid-stream).  A FIN
 * occupies one sequence number after the data; nothing at or after the first
 * FIN's sequence number is stream data.  All comparisons are modulo 2^32.
 *
 * In-order bytes go to the consumer straight from the caller's buffer (no
 * copy).  Bytes that arrive ahead of the next expected sequence number are
 * kept in a per-direction reorder window of RD_STREAM_WINDOW bytes allocated
 * on first use (if that allocation fails, the hole is reported as a gap
 * instead).  A hole that is never filled (the capture missed those bytes) is
 * reported as a gap to the consumer, never papered over: when an ack proves
 * the bytes were received, when a segment arrives too far ahead to hold, when
 * a segment's capture was cut by the snap length, or at the flush.
 *
 * The callback may call rd_stream_stop_buffering on its own stream (the window
 * is then freed when the current call returns, and nothing more is delivered);
 * it must not push, ack, flush or free the stream it is called for.
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
    RD_SEG_EMPTY = 0,    /* no payload (pure ACK, SYN, FIN, RST without data) */
    RD_SEG_NEW,          /* only bytes never seen before (delivered or buffered) */
    RD_SEG_RETRANS,      /* only bytes already seen: a retransmission */
    RD_SEG_PARTIAL,      /* some old, some new bytes */
    RD_SEG_OUT_OF_ORDER, /* new bytes ahead of a hole, kept in the reorder window */
    RD_SEG_KEEPALIVE,    /* 0 or 1 byte at next_seq - 1: a TCP keep-alive probe */
    RD_SEG_BEYOND        /* too far ahead for the window: a gap is declared first */
};

struct rd_stream {
    /* What every segment and ACK reads, first (see struct rd_tcpdir). */
    bool have_base; /* next_seq is known (SYN seen, or first data) */
    bool syn_seen;
    bool fin_seen;
    bool buffering;     /* false after rd_stream_stop_buffering: count only */
    bool in_delivery;   /* inside a call that runs the callback (defers the free) */
    uint32_t isn;       /* initial sequence number when the SYN was seen */
    uint32_t next_seq;  /* next byte the consumer expects */
    uint32_t fin_seq;   /* sequence number of the FIN */
    uint32_t win_held;  /* bytes currently held in the reorder window */
    uint64_t delivered; /* bytes delivered in order */
    /* reorder window, allocated on first out-of-order segment */
    uint8_t *win;     /* RD_STREAM_WINDOW bytes */
    uint8_t *win_map; /* RD_STREAM_WINDOW / 8 bytes: one bit per byte held */

    uint64_t gap_bytes; /* bytes reported as gaps */
    uint32_t gaps;      /* gap events */
    uint32_t retrans_segments;
    uint64_t retrans_bytes;
    uint32_t overlap_conflicts; /* segments whose bytes differed from the held first copy */
    uint64_t conflict_bytes;    /* bytes that differed from the held first copy */
    uint32_t ooo_segments;      /* segments with new bytes that arrived ahead of a hole */
    uint32_t keepalives;        /* RD_SEG_KEEPALIVE segments */
    uint64_t after_fin_bytes;   /* bytes sent at or after the first FIN: dropped */
    uint64_t unbuffered_bytes;  /* in-order bytes counted, not delivered, after stop_buffering */
};

#ifdef RD_UNIT_TEST
/* Tests set this to make the window allocation fail. */
extern bool rd_stream_fail_alloc;
#endif

void rd_stream_init(struct rd_stream *s);
void rd_stream_free(struct rd_stream *s);

/* A SYN with sequence number isn was seen in this direction. */
void rd_stream_syn(struct rd_stream *s, uint32_t isn);

/*
 * Push one segment: seq, the sequence number of its first payload byte (the
 * header's seq; for a segment carrying SYN, call rd_stream_syn first and pass
 * isn + 1), the captured payload (len bytes, data may be NULL when len is 0)
 * and the payload length on the wire (wire_len >= len; the difference is a
 * capture gap after the captured bytes, reported as a gap once it is next in
 * order — or left as a hole, to be settled later, when the segment is itself
 * ahead of a hole).  fin: the segment carries FIN.  Delivers what became
 * contiguous through fn; data pointers passed to fn are valid only during the
 * call.  Returns how the segment related to earlier ones; data at or after an
 * earlier FIN is dropped, counted in after_fin_bytes, and returns RD_SEG_EMPTY.
 *
 * A zero-length segment without FIN is only worth pushing when it may be a
 * keep-alive probe (seq == next_seq - 1); the stream cannot recognise probes
 * it is not shown.
 *
 * After rd_stream_stop_buffering, nothing is delivered: in-order bytes only
 * advance next_seq (so retransmissions are still recognised), a segment ahead
 * of next_seq moves next_seq past it (bytes that later fill that hole are
 * counted as retransmissions).
 */
enum rd_seg_kind rd_stream_push(struct rd_stream *s, uint32_t seq, const uint8_t *data, size_t len,
                                size_t wire_len, bool fin, rd_stream_deliver_fn fn, void *ctx);

/*
 * The peer acknowledged everything before ack.  If that is beyond next_seq,
 * the receiver had bytes the capture never saw: each hole up to ack is
 * reported as a gap (up to the first held byte, or up to ack) and the held
 * bytes after it are delivered as they become contiguous.  Acks at or behind
 * next_seq, acks more than 2^30 ahead (not believable) and acks before any
 * base is known are ignored; an ack of the FIN counts only up to fin_seq.
 */
void rd_stream_acked(struct rd_stream *s, uint32_t ack, rd_stream_deliver_fn fn, void *ctx);

/*
 * End of the connection: deliver every held run, reporting the holes between
 * them as gaps; when a FIN was seen, the bytes still missing before it are a
 * final gap.  Nothing is reported after the last held byte otherwise.
 */
void rd_stream_flush(struct rd_stream *s, rd_stream_deliver_fn fn, void *ctx);

/*
 * After the handshake phases: free the window (bytes held in it are dropped)
 * and only count from now on.  May be called from inside the callback.
 */
void rd_stream_stop_buffering(struct rd_stream *s);

#endif

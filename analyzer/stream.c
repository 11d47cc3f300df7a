/*
 * stream.c - per-direction TCP reassembly: each byte delivered in order, once.
 *
 * References: RFC 9293 3.4 (sequence numbers; SYN and FIN each occupy one
 * sequence number; comparisons are modulo 2^32), RFC 9293 3.8.4 / RFC 1122
 * 4.2.3.6 (keep-alive probes carry SEG.SEQ = SND.NXT - 1 and zero or one byte),
 * RFC 1982 (serial number arithmetic, used through rd_seq_diff).
 *
 * Layout of the reorder window: a ring of RD_STREAM_WINDOW bytes indexed by
 * sequence number modulo RD_STREAM_WINDOW, plus one bit per byte saying whether
 * that byte is held.  Only bytes in [next_seq, next_seq + RD_STREAM_WINDOW) are
 * ever held, so each ring slot names exactly one sequence number.  Invariant
 * between calls: the byte at next_seq is never held (it would have been
 * delivered).
 *
 * Cost: work is proportional to the segment's length (one bit test per byte
 * that overlaps held data, none when the window is empty).  Gap declarations
 * scan at most RD_STREAM_WINDOW bits and happen only when the capture lost
 * bytes.  The window is the only allocation, made once per direction.
 */
#include "config.h"

#include "stream.h"

#include <stdlib.h>
#include <string.h>

#define WIN_MASK (RD_STREAM_WINDOW - 1u)

/* The window is indexed by masking; that needs a power of two. */
_Static_assert((RD_STREAM_WINDOW & (RD_STREAM_WINDOW - 1u)) == 0, "window must be a power of two");

/*
 * Acks further ahead than this are not believed: a real receiver cannot
 * acknowledge half the sequence space beyond what the sender has sent.
 */
#define ACK_MAX_AHEAD (1u << 30)

/* A segment longer than this is a caller bug or garbage; clamp rather than wrap. */
#define SEG_MAX (1u << 30)

#ifdef RD_UNIT_TEST
bool rd_stream_fail_alloc;
#endif

/* What one call is delivering to. */
struct sink {
    rd_stream_deliver_fn fn;
    void *ctx;
};

/* ---- bitmap of held bytes --------------------------------------------------------------- */

static uint32_t ring_index(uint32_t seq)
{
    return seq & WIN_MASK;
}

static bool is_held(const struct rd_stream *s, uint32_t seq)
{
    uint32_t i = ring_index(seq);
    return (s->win_map[i >> 3] >> (i & 7u)) & 1u;
}

static void set_held(struct rd_stream *s, uint32_t seq)
{
    uint32_t i = ring_index(seq);
    s->win_map[i >> 3] = (uint8_t)(s->win_map[i >> 3] | (1u << (i & 7u)));
}

static void clear_index(struct rd_stream *s, uint32_t i)
{
    s->win_map[i >> 3] = (uint8_t)(s->win_map[i >> 3] & ~(1u << (i & 7u)));
}

static void clear_held(struct rd_stream *s, uint32_t seq)
{
    clear_index(s, ring_index(seq));
}

/* Clear the held bits of ring indexes i .. i + n - 1 (no wrap): whole map
 * bytes at once, single bits at the ends. */
static void clear_range(struct rd_stream *s, uint32_t i, size_t n)
{
    for (; n > 0 && (i & 7u) != 0; i++, n--) {
        clear_index(s, i);
    }
    if (n >= 8) {
        memset(s->win_map + (i >> 3), 0, n >> 3);
        i += (uint32_t)(n & ~(size_t)7u);
        n &= 7u;
    }
    for (; n > 0; i++, n--) {
        clear_index(s, i);
    }
}

/*
 * Distance from from to the first byte whose held bit equals want, looking at
 * no more than limit bytes; returns limit when there is none.  Whole map bytes
 * that cannot contain the answer are skipped eight bits at a time.
 */
static size_t scan_bits(const struct rd_stream *s, uint32_t from, size_t limit, bool want)
{
    uint8_t skip = want ? 0x00 : 0xff;
    size_t n = 0;

    while (n < limit) {
        uint32_t i = ring_index(from + (uint32_t)n);
        if ((i & 7u) == 0 && limit - n >= 8 && s->win_map[i >> 3] == skip) {
            n += 8;
            continue;
        }
        if (is_held(s, from + (uint32_t)n) == want) {
            return n;
        }
        n++;
    }
    return limit;
}

/* Distance from next_seq to the first held byte, or limit when none is held before it. */
static size_t first_held(const struct rd_stream *s, size_t limit)
{
    if (s->win == NULL || s->win_held == 0) {
        return limit;
    }
    /* Nothing is held at or beyond next_seq + RD_STREAM_WINDOW. */
    size_t span = limit < RD_STREAM_WINDOW ? limit : RD_STREAM_WINDOW;
    size_t n = scan_bits(s, s->next_seq, span, true);
    return n < span ? n : limit;
}

/* Length of the run of held bytes starting at seq, at most limit. */
static size_t held_run(const struct rd_stream *s, uint32_t seq, size_t limit)
{
    if (s->win == NULL || s->win_held == 0) {
        return 0;
    }
    if (limit > RD_STREAM_WINDOW) {
        limit = RD_STREAM_WINDOW;
    }
    return scan_bits(s, seq, limit, false);
}

static bool ensure_window(struct rd_stream *s)
{
    if (s->win != NULL) {
        return true;
    }
#ifdef RD_UNIT_TEST
    if (rd_stream_fail_alloc) {
        return false;
    }
#endif
    s->win = malloc(RD_STREAM_WINDOW);
    s->win_map = calloc(RD_STREAM_WINDOW / 8u, 1);
    if (s->win == NULL || s->win_map == NULL) {
        free(s->win);
        free(s->win_map);
        s->win = NULL;
        s->win_map = NULL;
        return false;
    }
    s->win_held = 0;
    return true;
}

static void free_window(struct rd_stream *s)
{
    free(s->win);
    free(s->win_map);
    s->win = NULL;
    s->win_map = NULL;
    s->win_held = 0;
}

/* ---- delivery ---------------------------------------------------------------------------- */

/*
 * Every step below first updates next_seq and the counters, then calls the
 * consumer, then re-checks s->buffering: the consumer may call
 * rd_stream_stop_buffering from inside the callback (the free is deferred to
 * the end of the public call), after which nothing more is delivered.
 */

/* Advance over n in-order bytes that are not delivered (count-only mode). */
static void pass_counted(struct rd_stream *s, size_t n)
{
    s->next_seq += (uint32_t)n;
    s->unbuffered_bytes += n;
}

/* Deliver n bytes at next_seq straight from the caller's buffer. */
static void emit_data(struct rd_stream *s, const uint8_t *p, size_t n, const struct sink *k)
{
    if (n == 0) {
        return;
    }
    if (!s->buffering) {
        pass_counted(s, n);
        return;
    }
    s->next_seq += (uint32_t)n;
    s->delivered += n;
    k->fn(k->ctx, p, n);
}

/* Report n bytes at next_seq as a gap. */
static void emit_gap(struct rd_stream *s, size_t n, const struct sink *k)
{
    if (n == 0) {
        return;
    }
    if (!s->buffering) {
        pass_counted(s, n);
        return;
    }
    s->next_seq += (uint32_t)n;
    s->gaps++;
    s->gap_bytes += n;
    k->fn(k->ctx, NULL, n);
}

/*
 * Deliver the n held bytes at next_seq from the window, in at most two pieces
 * (the run may wrap around the end of the ring).
 */
static void emit_held(struct rd_stream *s, size_t n, const struct sink *k)
{
    while (n > 0) {
        if (!s->buffering || s->win == NULL) {
            pass_counted(s, n);
            return;
        }
        uint32_t i = ring_index(s->next_seq);
        size_t piece = RD_STREAM_WINDOW - i;
        if (piece > n) {
            piece = n;
        }
        clear_range(s, i, piece);
        s->win_held -= (uint32_t)piece;
        n -= piece;
        /* The bytes stay in the ring until the next store; the callback reads them now. */
        emit_data(s, s->win + i, piece, k);
    }
}

/* Deliver whatever the window holds contiguously from next_seq. */
static void deliver_contiguous(struct rd_stream *s, const struct sink *k)
{
    while (s->buffering && s->win != NULL && s->win_held > 0 && is_held(s, s->next_seq)) {
        emit_held(s, held_run(s, s->next_seq, RD_STREAM_WINDOW), k);
    }
}

/*
 * Move next_seq forward to target (which must be ahead of it): held runs on
 * the way are delivered, everything between them is reported as a gap.
 */
static void skip_to(struct rd_stream *s, uint32_t target, const struct sink *k)
{
    while (rd_seq_lt(s->next_seq, target)) {
        size_t left = (uint32_t)(target - s->next_seq);
        if (!s->buffering) {
            /* Bytes never seen are not counted as passed. */
            s->next_seq = target;
            return;
        }
        size_t hole = first_held(s, left);
        if (hole > 0) {
            emit_gap(s, hole, k);
            continue;
        }
        emit_held(s, held_run(s, s->next_seq, left), k);
    }
}

/* ---- pushing a segment ------------------------------------------------------------------- */

/* What one push saw, to classify the segment. */
struct seg_tally {
    size_t old_bytes; /* bytes the stream had already seen (delivered, gapped or held) */
    size_t new_bytes;
    size_t conflict_bytes;
};

/* Compare the segment's copy of held bytes with the window's (first copy wins). */
static void compare_held(const struct rd_stream *s, uint32_t seq, const uint8_t *p, size_t n,
                         struct seg_tally *t)
{
    for (size_t j = 0; j < n; j++) {
        if (s->win[ring_index(seq + (uint32_t)j)] != p[j]) {
            t->conflict_bytes++;
        }
    }
}

/*
 * The segment starts exactly at next_seq: its captured bytes go straight to
 * the consumer except where the window already holds a first copy, then the
 * uncaptured tail (snaplen) is skipped over as a gap.
 */
static void push_in_order(struct rd_stream *s, const uint8_t *data, size_t len, size_t wire_len,
                          struct seg_tally *t, const struct sink *k)
{
    size_t pos = 0;

    while (pos < len) {
        if (!s->buffering) {
            t->new_bytes += len - pos;
            pass_counted(s, len - pos);
            pos = len;
            break;
        }
        size_t fresh = first_held(s, len - pos);
        if (fresh > 0) {
            t->new_bytes += fresh;
            emit_data(s, data + pos, fresh, k);
            pos += fresh;
            continue;
        }
        size_t run = held_run(s, s->next_seq, len - pos);
        compare_held(s, s->next_seq, data + pos, run, t);
        t->old_bytes += run;
        emit_held(s, run, k);
        pos += run;
    }
    if (wire_len > len) {
        size_t tail = wire_len - len;
        t->new_bytes += tail;
        if (s->buffering) {
            skip_to(s, s->next_seq + (uint32_t)tail, k);
        } else {
            pass_counted(s, tail);
        }
    }
    deliver_contiguous(s, k);
}

/*
 * The segment starts ahead of next_seq, inside the window: keep its captured
 * bytes where no first copy is held yet.  An uncaptured tail stays a hole until
 * a retransmission, an ack, a later jump or the flush settles it.
 */
static void store_ahead(struct rd_stream *s, uint32_t seq, const uint8_t *data, size_t len,
                        size_t wire_len, struct seg_tally *t)
{
    for (size_t j = 0; j < len; j++) {
        uint32_t q = seq + (uint32_t)j;
        if (is_held(s, q)) {
            t->old_bytes++;
            if (s->win[ring_index(q)] != data[j]) {
                t->conflict_bytes++;
            }
            continue;
        }
        s->win[ring_index(q)] = data[j];
        set_held(s, q);
        s->win_held++;
        t->new_bytes++;
    }
    t->new_bytes += wire_len - len;
}

/* Forget held bytes at or after the FIN: no data can follow it (RFC 9293 3.10.7.4). */
static void drop_after_fin(struct rd_stream *s)
{
    if (s->win == NULL || s->win_held == 0 || !rd_seq_gt(s->fin_seq, s->next_seq)) {
        return;
    }
    size_t keep = (uint32_t)(s->fin_seq - s->next_seq);
    for (size_t j = keep; j < RD_STREAM_WINDOW; j++) {
        uint32_t q = s->next_seq + (uint32_t)j;
        if (is_held(s, q)) {
            clear_held(s, q);
            s->win_held--;
            s->after_fin_bytes++;
        }
    }
}

static enum rd_seg_kind classify(struct rd_stream *s, const struct seg_tally *t,
                                 enum rd_seg_kind if_new)
{
    if (t->old_bytes > 0) {
        s->retrans_segments++;
        s->retrans_bytes += t->old_bytes;
    }
    if (t->conflict_bytes > 0) {
        s->overlap_conflicts++;
        s->conflict_bytes += t->conflict_bytes;
    }
    if (t->new_bytes == 0) {
        return t->old_bytes > 0 ? RD_SEG_RETRANS : RD_SEG_EMPTY;
    }
    if (t->old_bytes > 0 && if_new != RD_SEG_BEYOND) {
        return RD_SEG_PARTIAL;
    }
    return if_new;
}

/* The part of a segment at or after next_seq, at offset off ahead of it. */
static enum rd_seg_kind push_new(struct rd_stream *s, uint32_t seq, const uint8_t *data, size_t len,
                                 size_t wire_len, struct seg_tally *t, const struct sink *k)
{
    size_t off = (uint32_t)(seq - s->next_seq);

    if (off == 0) {
        push_in_order(s, data, len, wire_len, t, k);
        return classify(s, t, RD_SEG_NEW);
    }

    if (!s->buffering) {
        s->ooo_segments++;
        /*
         * Count-only mode keeps no map of what is missing: jump over the hole.
         * Bytes that later fill it are classified as retransmissions.
         */
        s->next_seq += (uint32_t)off;
        pass_counted(s, wire_len);
        t->new_bytes += wire_len;
        return classify(s, t, RD_SEG_OUT_OF_ORDER);
    }
    if (off + wire_len > RD_STREAM_WINDOW || !ensure_window(s)) {
        /* Too far ahead to hold (or no memory to hold it): the hole is lost. */
        s->ooo_segments++;
        skip_to(s, seq, k);
        push_in_order(s, data, len, wire_len, t, k);
        return classify(s, t, RD_SEG_BEYOND);
    }
    store_ahead(s, seq, data, len, wire_len, t);
    if (t->new_bytes > 0) {
        s->ooo_segments++;
    }
    return classify(s, t, RD_SEG_OUT_OF_ORDER);
}

/* ---- public functions -------------------------------------------------------------------- */

void rd_stream_init(struct rd_stream *s)
{
    memset(s, 0, sizeof(*s));
    s->buffering = true;
}

void rd_stream_free(struct rd_stream *s)
{
    free_window(s);
}

void rd_stream_syn(struct rd_stream *s, uint32_t isn)
{
    if (s->syn_seen) {
        return;
    }
    s->syn_seen = true;
    s->isn = isn;
    if (!s->have_base) {
        /* The SYN occupies isn itself; data starts one after it (RFC 9293 3.4). */
        s->have_base = true;
        s->next_seq = isn + 1u;
    }
}

enum rd_seg_kind rd_stream_push(struct rd_stream *s, uint32_t seq, const uint8_t *data, size_t len,
                                size_t wire_len, bool fin, rd_stream_deliver_fn fn, void *ctx)
{
    struct sink k = {fn, ctx};
    struct seg_tally t = {0, 0, 0};

    if (wire_len < len) {
        wire_len = len;
    }
    if (wire_len > SEG_MAX) {
        wire_len = SEG_MAX;
    }
    if (len > wire_len) {
        len = wire_len;
    }

    if (!s->have_base) {
        if (wire_len == 0 && !fin) {
            return RD_SEG_EMPTY;
        }
        /* Mid-stream start: the first segment that occupies sequence space sets the base. */
        s->have_base = true;
        s->next_seq = seq;
    }

    /* A keep-alive re-sends the last byte (or nothing) at next_seq - 1. */
    if (!fin && wire_len <= 1 && seq == s->next_seq - 1u) {
        s->keepalives++;
        return RD_SEG_KEEPALIVE;
    }

    if (fin && !s->fin_seen) {
        s->fin_seen = true;
        s->fin_seq = seq + (uint32_t)wire_len;
        drop_after_fin(s);
    }
    if (s->fin_seen) {
        /* First FIN wins: nothing at or after it is stream data. */
        if (rd_seq_ge(seq, s->fin_seq)) {
            s->after_fin_bytes += wire_len;
            return RD_SEG_EMPTY;
        }
        size_t room = (uint32_t)(s->fin_seq - seq);
        if (wire_len > room) {
            s->after_fin_bytes += wire_len - room;
            wire_len = room;
            if (len > room) {
                len = room;
            }
        }
    }

    if (wire_len == 0) {
        return RD_SEG_EMPTY;
    }

    /* The common case, in order with nothing held ahead and nothing cut by the
     * snaplen: what push_new would do, without its bookkeeping. */
    if (seq == s->next_seq && len == wire_len && s->buffering &&
        (s->win == NULL || s->win_held == 0)) {
        s->in_delivery = true;
        emit_data(s, data, len, &k);
        s->in_delivery = false;
        if (!s->buffering) {
            free_window(s);
        }
        return RD_SEG_NEW;
    }

    /* The part before next_seq was seen already (delivered or reported as a gap). */
    int32_t d = rd_seq_diff(seq, s->next_seq);
    if (d < 0) {
        size_t behind = (uint32_t)(s->next_seq - seq);
        if (behind >= wire_len) {
            t.old_bytes = wire_len;
            return classify(s, &t, RD_SEG_NEW);
        }
        t.old_bytes = behind;
        size_t cut = behind < len ? behind : len;
        data += cut;
        len -= cut;
        wire_len -= behind;
        seq = s->next_seq;
    }

    s->in_delivery = true;
    enum rd_seg_kind kind = push_new(s, seq, data, len, wire_len, &t, &k);
    s->in_delivery = false;
    if (!s->buffering) {
        free_window(s);
    }
    return kind;
}

void rd_stream_acked(struct rd_stream *s, uint32_t ack, rd_stream_deliver_fn fn, void *ctx)
{
    struct sink k = {fn, ctx};

    if (!s->have_base) {
        return;
    }
    uint32_t target = ack;
    if (s->fin_seen && rd_seq_gt(target, s->fin_seq)) {
        /* The FIN's own sequence number carries no byte. */
        target = s->fin_seq;
    }
    int32_t d = rd_seq_diff(target, s->next_seq);
    if (d <= 0 || (uint32_t)d > ACK_MAX_AHEAD) {
        return;
    }
    if (!s->buffering) {
        s->next_seq = target;
        return;
    }
    s->in_delivery = true;
    skip_to(s, target, &k);
    deliver_contiguous(s, &k);
    s->in_delivery = false;
    if (!s->buffering) {
        free_window(s);
    }
}

void rd_stream_flush(struct rd_stream *s, rd_stream_deliver_fn fn, void *ctx)
{
    struct sink k = {fn, ctx};

    if (!s->have_base) {
        return;
    }
    s->in_delivery = true;
    while (s->buffering && s->win != NULL && s->win_held > 0) {
        emit_gap(s, first_held(s, RD_STREAM_WINDOW), &k);
        deliver_contiguous(s, &k);
    }
    /* Bytes the FIN proves were sent but the capture never held. */
    if (s->buffering && s->fin_seen && rd_seq_lt(s->next_seq, s->fin_seq)) {
        skip_to(s, s->fin_seq, &k);
    }
    s->in_delivery = false;
    if (!s->buffering) {
        free_window(s);
    }
}

void rd_stream_stop_buffering(struct rd_stream *s)
{
    s->buffering = false;
    if (!s->in_delivery) {
        free_window(s);
    }
}

/*
 * check_stream.c - per-direction TCP reassembly (analyzer/stream.c).
 *
 * Every test feeds pieces of one reference byte stream (REF_LEN pseudo-random
 * bytes from a fixed seed) and compares what the consumer received, byte for
 * byte, with gaps marked, against the reference with the expected gaps.  Each
 * pushed segment is a fresh heap copy freed right after the push, so ASan
 * catches a stream that keeps a pointer into the caller's buffer.
 *
 * Sequence numbers follow RFC 9293 3.4: the SYN occupies isn, data starts at
 * isn + 1, a FIN occupies the number after the last data byte.  Most tests run
 * once per ISN in isns[], which includes ISNs just below 2^32 so the stream
 * wraps (case h of the reassembly requirements).
 */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stream.h"

#define REF_LEN 3000u
#define OUT_CAP (512u * 1024u)

static uint8_t ref[REF_LEN];

/* ISNs: ordinary, zero, wrapping during the stream, wrapping at the first byte, sign boundary. */
static const uint32_t isns[] = {1000u, 0u, 0xfffffc00u, 0xffffffffu, 0x7ffffff0u, 0xfffff000u};
#define N_ISNS (sizeof(isns) / sizeof(isns[0]))

static uint32_t rng_state;

static uint32_t rng(void)
{
    /* xorshift32: deterministic, seeded per test. */
    uint32_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    rng_state = x;
    return x;
}

static void make_ref(void)
{
    rng_state = 0x2545f491u;
    for (size_t i = 0; i < REF_LEN; i++) {
        ref[i] = (uint8_t)rng();
    }
}

/* What the consumer saw: bytes and, per position, whether it was data (1) or gap (0). */
struct out {
    uint8_t *buf;
    uint8_t *mask;
    size_t len;
    size_t calls;
    size_t gap_events;
    const uint8_t *last_ptr;
    struct rd_stream *stop_stream; /* call rd_stream_stop_buffering on it ... */
    size_t stop_at;                /* ... once this many positions were delivered */
    bool stop_first; /* stop before reading the bytes of the call that reaches stop_at */
};

/* One consumer at a time per test process: the buffers are shared. */
static uint8_t out_buf[OUT_CAP];
static uint8_t out_mask[OUT_CAP];

static void out_init(struct out *o)
{
    memset(o, 0, sizeof(*o));
    o->buf = out_buf;
    o->mask = out_mask;
}

static void out_free(struct out *o)
{
    o->buf = NULL;
    o->mask = NULL;
}

static void sink(void *ctx, const uint8_t *data, size_t len)
{
    struct out *o = ctx;
    ck_assert_uint_gt(len, 0);
    ck_assert_uint_le(len, OUT_CAP - o->len);
    /* The window must outlive this call even when the consumer stops buffering first. */
    if (o->stop_stream != NULL && o->stop_first && o->len + len >= o->stop_at) {
        rd_stream_stop_buffering(o->stop_stream);
        o->stop_stream = NULL;
    }
    if (data != NULL) {
        memcpy(o->buf + o->len, data, len);
        memset(o->mask + o->len, 1, len);
    } else {
        memset(o->buf + o->len, 0, len);
        memset(o->mask + o->len, 0, len);
        o->gap_events++;
    }
    o->len += len;
    o->calls++;
    o->last_ptr = data;
    if (o->stop_stream != NULL && o->len >= o->stop_at) {
        rd_stream_stop_buffering(o->stop_stream);
        o->stop_stream = NULL;
    }
}

/*
 * The expected consumer view: ref[0..n) where gap[i] != 0 marks position i as a
 * gap.  gap may be NULL (no gaps).
 */
static void check_out(const struct out *o, size_t n, const uint8_t *gap)
{
    ck_assert_uint_eq(o->len, n);
    for (size_t i = 0; i < n; i++) {
        bool is_gap = gap != NULL && gap[i] != 0;
        /* Only a mismatch calls into Check: this loop runs millions of times. */
        if (is_gap && o->mask[i] != 0) {
            ck_abort_msg("position %zu: expected a gap, got data", i);
        }
        if (!is_gap && o->mask[i] != 1) {
            ck_abort_msg("position %zu: expected data, got a gap", i);
        }
        if (!is_gap && o->buf[i] != ref[i]) {
            ck_abort_msg("position %zu: byte %02x, expected %02x", i, o->buf[i], ref[i]);
        }
    }
}

/*
 * Push ref[off, off + len) at isn + 1 + off, captured in full, from a heap copy.
 * bytes != NULL pushes those bytes instead of the reference's.
 */
static enum rd_seg_kind push_bytes(struct rd_stream *s, struct out *o, uint32_t isn, size_t off,
                                   size_t len, size_t wire_len, bool fin, const uint8_t *bytes)
{
    uint8_t *copy = NULL;
    if (len > 0) {
        copy = malloc(len);
        ck_assert_ptr_nonnull(copy);
        memcpy(copy, bytes != NULL ? bytes : ref + off, len);
    }
    enum rd_seg_kind k =
        rd_stream_push(s, isn + 1u + (uint32_t)off, copy, len, wire_len, fin, sink, o);
    free(copy);
    return k;
}

static enum rd_seg_kind push(struct rd_stream *s, struct out *o, uint32_t isn, size_t off,
                             size_t len)
{
    return push_bytes(s, o, isn, off, len, len, false, NULL);
}

static void start(struct rd_stream *s, struct out *o, uint32_t isn)
{
    rd_stream_init(s);
    out_init(o);
    rd_stream_syn(s, isn);
}

static void finish(struct rd_stream *s, struct out *o)
{
    rd_stream_free(s);
    ck_assert_ptr_null(s->win);
    out_free(o);
}

/* Invariants after a clean run that delivered the whole reference without gaps. */
static void check_clean(const struct rd_stream *s, const struct out *o, uint32_t isn)
{
    check_out(o, REF_LEN, NULL);
    ck_assert_uint_eq(s->delivered, REF_LEN);
    ck_assert_uint_eq(s->gaps, 0);
    ck_assert_uint_eq(s->gap_bytes, 0);
    ck_assert_uint_eq(s->win_held, 0);
    ck_assert_uint_eq(s->next_seq, isn + 1u + REF_LEN);
}

/* (a) One segment: delivered straight from the caller's buffer, no window. */
START_TEST(test_one_segment)
{
    uint32_t isn = isns[_i];
    struct rd_stream s;
    struct out o;
    start(&s, &o, isn);
    ck_assert_uint_eq(s.next_seq, isn + 1u);

    uint8_t *copy = malloc(REF_LEN);
    ck_assert_ptr_nonnull(copy);
    memcpy(copy, ref, REF_LEN);
    ck_assert_int_eq(rd_stream_push(&s, isn + 1u, copy, REF_LEN, REF_LEN, false, sink, &o),
                     RD_SEG_NEW);
    ck_assert_ptr_eq(o.last_ptr, copy); /* no copy on the in-order path */
    free(copy);

    ck_assert_uint_eq(o.calls, 1);
    check_clean(&s, &o, isn);
    ck_assert_ptr_null(s.win);
    ck_assert_uint_eq(s.retrans_segments, 0);
    ck_assert_uint_eq(s.ooo_segments, 0);
    finish(&s, &o);
}
END_TEST

/* (b) Split at every byte offset into two segments, in order and reversed. */
START_TEST(test_split_every_offset)
{
    uint32_t isn = isns[_i];
    for (size_t k = 0; k <= REF_LEN; k++) {
        struct rd_stream s;
        struct out o;

        start(&s, &o, isn);
        push(&s, &o, isn, 0, k);
        push(&s, &o, isn, k, REF_LEN - k);
        check_clean(&s, &o, isn);
        ck_assert_ptr_null(s.win);
        finish(&s, &o);

        start(&s, &o, isn);
        enum rd_seg_kind k2 = push(&s, &o, isn, k, REF_LEN - k);
        enum rd_seg_kind k1 = push(&s, &o, isn, 0, k);
        if (k > 0 && k < REF_LEN) {
            ck_assert_int_eq(k2, RD_SEG_OUT_OF_ORDER);
            ck_assert_int_eq(k1, RD_SEG_NEW);
            ck_assert_uint_eq(s.ooo_segments, 1);
        }
        check_clean(&s, &o, isn);
        ck_assert_uint_eq(s.retrans_segments, 0);
        finish(&s, &o);
    }
}
END_TEST

struct seg {
    size_t off, len;
};

/* Cut [0, REF_LEN) into segments of 1..max bytes. */
static size_t cut_segments(struct seg *segs, size_t cap, size_t max)
{
    size_t n = 0;
    for (size_t off = 0; off < REF_LEN;) {
        size_t len = 1 + rng() % max;
        if (len > REF_LEN - off) {
            len = REF_LEN - off;
        }
        ck_assert_uint_lt(n, cap);
        segs[n].off = off;
        segs[n].len = len;
        n++;
        off += len;
    }
    return n;
}

static void shuffle(struct seg *segs, size_t n)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = rng() % i;
        struct seg t = segs[i - 1];
        segs[i - 1] = segs[j];
        segs[j] = t;
    }
}

/* (c) Many small segments in reverse order, then shuffled with several seeds. */
START_TEST(test_many_segments_reordered)
{
    uint32_t isn = isns[_i % N_ISNS];
    static struct seg segs[REF_LEN];
    rng_state = 0x9e3779b9u + (uint32_t)_i;
    size_t n = cut_segments(segs, REF_LEN, 97);

    struct rd_stream s;
    struct out o;
    start(&s, &o, isn);
    for (size_t i = n; i > 0; i--) {
        ck_assert_int_eq(push(&s, &o, isn, segs[i - 1].off, segs[i - 1].len),
                         i == 1 ? RD_SEG_NEW : RD_SEG_OUT_OF_ORDER);
    }
    check_clean(&s, &o, isn);
    ck_assert_uint_eq(s.ooo_segments, n - 1);
    /* The first segment, then the whole window in one run (two if it wraps the ring end). */
    ck_assert_uint_le(o.calls, 3);
    finish(&s, &o);

    start(&s, &o, isn);
    shuffle(segs, n);
    for (size_t i = 0; i < n; i++) {
        push(&s, &o, isn, segs[i].off, segs[i].len);
    }
    check_clean(&s, &o, isn);
    ck_assert_uint_eq(s.retrans_segments, 0);
    ck_assert_uint_eq(s.retrans_bytes, 0);
    finish(&s, &o);
}
END_TEST

/* (c') Random overlapping segments with the same bytes, shuffled: every extra copy is counted. */
START_TEST(test_overlapping_same_bytes)
{
    uint32_t isn = isns[_i % N_ISNS];
    static struct seg segs[4 * REF_LEN];
    rng_state = 0x1234567u + (uint32_t)_i;
    size_t n = 0;
    size_t pushed = 0;
    /* Segments start anywhere from 60 bytes back to the end of the previous one. */
    for (size_t end = 0; end < REF_LEN;) {
        size_t back = rng() % 61;
        size_t off = end > back ? end - back : 0;
        size_t len = 1 + back + rng() % 80;
        if (len > REF_LEN - off) {
            len = REF_LEN - off;
        }
        segs[n].off = off;
        segs[n].len = len;
        n++;
        pushed += len;
        end = off + len;
    }
    shuffle(segs, n);

    struct rd_stream s;
    struct out o;
    start(&s, &o, isn);
    size_t probes = 0; /* a one-byte copy of the last delivered byte is taken for a keep-alive */
    for (size_t i = 0; i < n; i++) {
        if (push(&s, &o, isn, segs[i].off, segs[i].len) == RD_SEG_KEEPALIVE) {
            probes++;
        }
    }
    check_clean(&s, &o, isn);
    ck_assert_uint_eq(s.retrans_bytes + probes, pushed - REF_LEN);
    ck_assert_uint_eq(s.overlap_conflicts, 0);
    ck_assert_uint_eq(s.conflict_bytes, 0);
    finish(&s, &o);
}
END_TEST

/* (d) Every segment duplicated: immediately, and the whole set again shuffled. */
START_TEST(test_duplicates)
{
    uint32_t isn = isns[_i % N_ISNS];
    static struct seg segs[REF_LEN];
    rng_state = 0xabcdef1u + (uint32_t)_i;
    size_t n = cut_segments(segs, REF_LEN, 200);

    struct rd_stream s;
    struct out o;
    start(&s, &o, isn);
    for (size_t i = 0; i < n; i++) {
        enum rd_seg_kind first = push(&s, &o, isn, segs[i].off, segs[i].len);
        /* A one-byte copy of the last delivered byte looks exactly like a keep-alive. */
        enum rd_seg_kind again = push(&s, &o, isn, segs[i].off, segs[i].len);
        ck_assert_int_eq(first, RD_SEG_NEW);
        ck_assert_int_eq(again, segs[i].len == 1 ? RD_SEG_KEEPALIVE : RD_SEG_RETRANS);
    }
    check_clean(&s, &o, isn);
    ck_assert_uint_eq(s.retrans_segments + s.keepalives, n);
    finish(&s, &o);

    /* Shuffled, each segment twice: the held copy of an out-of-order segment is a first copy. */
    static struct seg twice[2 * REF_LEN];
    for (size_t i = 0; i < n; i++) {
        twice[2 * i] = segs[i];
        twice[2 * i + 1] = segs[i];
    }
    shuffle(twice, 2 * n);
    start(&s, &o, isn);
    size_t keepalive_like = 0;
    for (size_t i = 0; i < 2 * n; i++) {
        if (push(&s, &o, isn, twice[i].off, twice[i].len) == RD_SEG_KEEPALIVE) {
            keepalive_like++;
        }
    }
    check_clean(&s, &o, isn);
    ck_assert_uint_eq(s.retrans_segments + keepalive_like, n);
    ck_assert_uint_eq(s.overlap_conflicts, 0);
    finish(&s, &o);
}
END_TEST

/* (e) Overlapping retransmissions carrying different bytes: the first copy wins. */
START_TEST(test_conflicting_overlap)
{
    uint32_t isn = isns[_i];
    uint8_t other[600];
    struct rd_stream s;
    struct out o;
    start(&s, &o, isn);

    /* [0, 1000) in order, delivered. */
    ck_assert_int_eq(push(&s, &o, isn, 0, 1000), RD_SEG_NEW);
    /* [500, 1100) with [500, 1000) altered: delivered bytes cannot be compared, only counted. */
    memcpy(other, ref + 500, 600);
    for (size_t i = 0; i < 500; i++) {
        other[i] ^= 0x5a;
    }
    ck_assert_int_eq(push_bytes(&s, &o, isn, 500, 600, 600, false, other), RD_SEG_PARTIAL);
    ck_assert_uint_eq(s.retrans_segments, 1);
    ck_assert_uint_eq(s.retrans_bytes, 500);
    ck_assert_uint_eq(s.overlap_conflicts, 0);

    /* [2000, 2500) out of order, held. */
    ck_assert_int_eq(push(&s, &o, isn, 2000, 500), RD_SEG_OUT_OF_ORDER);
    /* [2100, 2200) with 10 bytes altered: compared against the held copy, dropped. */
    memcpy(other, ref + 2100, 100);
    for (size_t i = 0; i < 100; i += 10) {
        other[i] ^= 0xff;
    }
    ck_assert_int_eq(push_bytes(&s, &o, isn, 2100, 100, 100, false, other), RD_SEG_RETRANS);
    ck_assert_uint_eq(s.ooo_segments, 1); /* nothing new: not counted as out of order */
    ck_assert_uint_eq(s.retrans_segments, 2);
    ck_assert_uint_eq(s.overlap_conflicts, 1);
    ck_assert_uint_eq(s.conflict_bytes, 10);
    /* [2400, 2600): 100 held (3 altered) plus 100 new, still ahead of the hole. */
    memcpy(other, ref + 2400, 200);
    other[0] ^= 1;
    other[50] ^= 1;
    other[99] ^= 1;
    other[100] ^= 1; /* a new byte: it is the first copy, so it is what gets delivered */
    ck_assert_int_eq(push_bytes(&s, &o, isn, 2400, 200, 200, false, other), RD_SEG_PARTIAL);
    ck_assert_uint_eq(s.overlap_conflicts, 2);
    ck_assert_uint_eq(s.conflict_bytes, 13);
    /* [1100, 2300) in order, altered where it meets the held copy: held bytes win. */
    uint8_t *big = malloc(1200);
    ck_assert_ptr_nonnull(big);
    memcpy(big, ref + 1100, 1200);
    big[1199] ^= 0x80; /* position 2299: held, differs */
    big[899] ^= 0x80;  /* position 1999: new, delivered as sent */
    ck_assert_int_eq(push_bytes(&s, &o, isn, 1100, 1200, 1200, false, big), RD_SEG_PARTIAL);
    free(big);
    ck_assert_uint_eq(s.overlap_conflicts, 3);
    ck_assert_uint_eq(s.conflict_bytes, 14);
    ck_assert_uint_eq(s.next_seq, isn + 1u + 2600u);
    ck_assert_int_eq(push(&s, &o, isn, 2600, 400), RD_SEG_NEW);

    /* Expected: the reference except position 1999 and 2500, which first arrived altered. */
    ck_assert_uint_eq(o.len, REF_LEN);
    ck_assert_uint_eq(o.buf[1999], (uint8_t)(ref[1999] ^ 0x80));
    ck_assert_uint_eq(o.buf[2500], (uint8_t)(ref[2500] ^ 1));
    o.buf[1999] = ref[1999];
    o.buf[2500] = ref[2500];
    check_out(&o, REF_LEN, NULL);
    ck_assert_uint_eq(s.retrans_bytes, 500 + 100 + 100 + 300);
    finish(&s, &o);
}
END_TEST

/* (f) A range the capture missed, revealed only by the peer's ACK. */
START_TEST(test_ack_reveals_gap)
{
    uint32_t isn = isns[_i];
    static uint8_t gap[REF_LEN];
    struct rd_stream s;
    struct out o;
    start(&s, &o, isn);

    push(&s, &o, isn, 0, 1000);
    /* [1000, 1500) never captured; [1500, 3000) held. */
    ck_assert_int_eq(push(&s, &o, isn, 1500, 1500), RD_SEG_OUT_OF_ORDER);
    ck_assert_uint_eq(o.len, 1000);

    /* Acks behind, at next_seq, and absurdly far ahead change nothing. */
    rd_stream_acked(&s, isn + 1u + 10u, sink, &o);
    rd_stream_acked(&s, isn + 1u + 1000u, sink, &o);
    rd_stream_acked(&s, isn + 1u + 1000u + (1u << 30) + 1u, sink, &o);
    rd_stream_acked(&s, isn + 1u + 1000u + 0x80000000u, sink, &o);
    ck_assert_uint_eq(o.len, 1000);
    ck_assert_uint_eq(s.gaps, 0);

    /* Ack of 1200: the receiver had [1000, 1200); only that much is known lost. */
    rd_stream_acked(&s, isn + 1u + 1200u, sink, &o);
    ck_assert_uint_eq(o.len, 1200);
    ck_assert_uint_eq(s.gaps, 1);
    ck_assert_uint_eq(s.gap_bytes, 200);
    /* Ack of everything: gap up to the first held byte, then the held run. */
    rd_stream_acked(&s, isn + 1u + REF_LEN, sink, &o);
    memset(gap, 0, sizeof(gap));
    memset(gap + 1000, 1, 500);
    check_out(&o, REF_LEN, gap);
    ck_assert_uint_eq(o.gap_events, 2);
    ck_assert_uint_eq(s.gaps, 2);
    ck_assert_uint_eq(s.gap_bytes, 500);
    ck_assert_uint_eq(s.delivered, REF_LEN - 500);
    ck_assert_uint_eq(s.win_held, 0);
    /* The missing bytes arriving late are a retransmission now. */
    ck_assert_int_eq(push(&s, &o, isn, 1000, 500), RD_SEG_RETRANS);
    ck_assert_uint_eq(o.len, REF_LEN);
    finish(&s, &o);

    /* Two holes the ack covers, one run held between them. */
    start(&s, &o, isn);
    push(&s, &o, isn, 0, 100);
    push(&s, &o, isn, 200, 100);
    rd_stream_acked(&s, isn + 1u + 400u, sink, &o);
    memset(gap, 0, sizeof(gap));
    memset(gap + 100, 1, 100);
    memset(gap + 300, 1, 100);
    check_out(&o, 400, gap);
    ck_assert_uint_eq(s.gaps, 2);
    /* An ack of the FIN counts up to the FIN only. */
    push_bytes(&s, &o, isn, 500, 100, 100, true, NULL);
    rd_stream_acked(&s, isn + 1u + 601u, sink, &o);
    ck_assert_uint_eq(o.len, 600);
    ck_assert_uint_eq(s.next_seq, isn + 1u + 600u);
    finish(&s, &o);

    /* No base yet (no SYN, no data): acks are ignored. */
    rd_stream_init(&s);
    out_init(&o);
    rd_stream_acked(&s, 12345u, sink, &o);
    ck_assert(!s.have_base);
    ck_assert_uint_eq(o.len, 0);
    finish(&s, &o);
}
END_TEST

/* (g) Segments cut by the snap length: captured bytes, then the tail as a gap. */
START_TEST(test_snaplen)
{
    uint32_t isn = isns[_i];
    static uint8_t gap[REF_LEN];
    struct rd_stream s;
    struct out o;
    memset(gap, 0, sizeof(gap));
    start(&s, &o, isn);

    /* [0, 1000) on the wire, 600 captured: gap [600, 1000). */
    ck_assert_int_eq(push_bytes(&s, &o, isn, 0, 600, 1000, false, NULL), RD_SEG_NEW);
    memset(gap + 600, 1, 400);
    ck_assert_uint_eq(s.next_seq, isn + 1u + 1000u);
    /* [1000, 1000) with nothing captured at all: the whole segment is a gap [1000, 1200). */
    ck_assert_int_eq(push_bytes(&s, &o, isn, 1000, 0, 200, false, NULL), RD_SEG_NEW);
    memset(gap + 1000, 1, 200);
    /* [1500, 1600) held first; then [1200, 2000) with 350 captured: the captured part
     * [1200, 1550) meets held [1500, 1550), the tail [1550, 2000) delivers held
     * [1550, 1600) and reports [1600, 2000) as a gap. */
    ck_assert_int_eq(push(&s, &o, isn, 1500, 100), RD_SEG_OUT_OF_ORDER);
    ck_assert_int_eq(push_bytes(&s, &o, isn, 1200, 350, 800, false, NULL), RD_SEG_PARTIAL);
    memset(gap + 1600, 1, 400);
    /* Out of order and truncated: [2500, 2800) with 100 captured; the tail stays a hole
     * until the filling segment, which then reaches it; the flush reports it. */
    ck_assert_int_eq(push_bytes(&s, &o, isn, 2500, 100, 300, false, NULL), RD_SEG_OUT_OF_ORDER);
    ck_assert_int_eq(push(&s, &o, isn, 2000, 500), RD_SEG_NEW);
    ck_assert_uint_eq(o.len, 2600);
    /* A later segment fills part of the hole: first copy there. */
    ck_assert_int_eq(push(&s, &o, isn, 2600, 50), RD_SEG_NEW);
    ck_assert_int_eq(push(&s, &o, isn, 2800, 200), RD_SEG_OUT_OF_ORDER);
    rd_stream_flush(&s, sink, &o);
    memset(gap + 2650, 1, 150);
    check_out(&o, REF_LEN, gap);
    ck_assert_uint_eq(s.gaps, 4);
    ck_assert_uint_eq(s.gap_bytes, 400 + 200 + 400 + 150);
    ck_assert_uint_eq(s.delivered + s.gap_bytes, REF_LEN);
    finish(&s, &o);
}
END_TEST

/* (i) Keep-alive probes: zero or one byte at next_seq - 1, nothing delivered. */
START_TEST(test_keepalive)
{
    uint32_t isn = isns[_i];
    uint8_t junk = 0x00;
    struct rd_stream s;
    struct out o;
    start(&s, &o, isn);
    push(&s, &o, isn, 0, 1000);

    ck_assert_int_eq(push_bytes(&s, &o, isn, 999, 0, 0, false, NULL), RD_SEG_KEEPALIVE);
    /* The one byte of a probe is often garbage; it is neither compared nor delivered. */
    ck_assert_int_eq(push_bytes(&s, &o, isn, 999, 1, 1, false, &junk), RD_SEG_KEEPALIVE);
    ck_assert_uint_eq(s.keepalives, 2);
    ck_assert_uint_eq(s.retrans_segments, 0);
    /* Two bytes at next_seq - 1: one old, one new. */
    ck_assert_int_eq(push(&s, &o, isn, 999, 2), RD_SEG_PARTIAL);
    ck_assert_uint_eq(s.retrans_segments, 1);
    /* A pure ACK at next_seq is empty. */
    ck_assert_int_eq(push_bytes(&s, &o, isn, 1001, 0, 0, false, NULL), RD_SEG_EMPTY);
    ck_assert_uint_eq(s.keepalives, 2);
    push(&s, &o, isn, 1001, REF_LEN - 1001);
    check_clean(&s, &o, isn);
    /* The last byte again with a FIN at next_seq - 1 is a retransmission, not a probe. */
    ck_assert_int_eq(push_bytes(&s, &o, isn, REF_LEN - 1, 1, 1, true, NULL), RD_SEG_RETRANS);
    ck_assert_uint_eq(s.keepalives, 2);
    ck_assert_uint_eq(s.fin_seq, isn + 1u + REF_LEN);
    finish(&s, &o);
}
END_TEST

/* (j) A segment too far ahead for the window: gaps declared up to it. */
START_TEST(test_beyond_window)
{
    uint32_t isn = isns[_i];
    struct rd_stream s;
    struct out o;
    start(&s, &o, isn);

    push(&s, &o, isn, 0, 1000);
    /* [1500, 1600) and [1700, 1800) held. */
    push(&s, &o, isn, 1500, 100);
    push(&s, &o, isn, 1700, 100);
    /* 100 bytes at 1000 + RD_STREAM_WINDOW: seq - next_seq + len > RD_STREAM_WINDOW. */
    size_t far = 1000u + RD_STREAM_WINDOW;
    uint8_t tailbytes[100];
    memcpy(tailbytes, ref, sizeof(tailbytes));
    ck_assert_int_eq(push_bytes(&s, &o, isn, far, 100, 100, false, tailbytes), RD_SEG_BEYOND);
    ck_assert_uint_eq(o.len, far + 100);
    /* gap [1000,1500), data, gap [1600,1700), data, gap [1800, far), data */
    ck_assert_uint_eq(s.gaps, 3);
    ck_assert_uint_eq(s.gap_bytes, 500 + 100 + (far - 1800));
    ck_assert_uint_eq(o.gap_events, 3);
    for (size_t i = 0; i < o.len; i++) {
        bool want_gap =
            (i >= 1000 && i < 1500) || (i >= 1600 && i < 1700) || (i >= 1800 && i < far);
        ck_assert_uint_eq(o.mask[i], want_gap ? 0 : 1);
        if (!want_gap) {
            ck_assert_uint_eq(o.buf[i], i < far ? ref[i] : ref[i - far]);
        }
    }
    ck_assert_uint_eq(s.win_held, 0);
    ck_assert_uint_eq(s.next_seq, isn + 1u + (uint32_t)far + 100u);

    /* Exactly filling the window is not beyond it. */
    uint32_t base = s.next_seq;
    ck_assert_int_eq(
        rd_stream_push(&s, base + 1u, ref, REF_LEN, RD_STREAM_WINDOW - 1u, false, sink, &o),
        RD_SEG_OUT_OF_ORDER);
    ck_assert_int_eq(
        rd_stream_push(&s, base + 2u, ref, REF_LEN, RD_STREAM_WINDOW - 1u, false, sink, &o),
        RD_SEG_BEYOND);
    finish(&s, &o);
}
END_TEST

/* (k) Flush with holes: held runs delivered, holes between them reported. */
START_TEST(test_flush_holes)
{
    uint32_t isn = isns[_i];
    static uint8_t gap[REF_LEN];
    struct rd_stream s;
    struct out o;
    start(&s, &o, isn);

    push(&s, &o, isn, 0, 100);
    push(&s, &o, isn, 2000, 500);
    push(&s, &o, isn, 300, 200);
    push(&s, &o, isn, 1000, 1);
    ck_assert_uint_eq(o.len, 100);
    rd_stream_flush(&s, sink, &o);
    memset(gap, 0, sizeof(gap));
    memset(gap + 100, 1, 200);
    memset(gap + 500, 1, 500);
    memset(gap + 1001, 1, 999);
    check_out(&o, 2500, gap);
    ck_assert_uint_eq(s.gaps, 3);
    ck_assert_uint_eq(s.win_held, 0);
    /* A second flush has nothing left. */
    rd_stream_flush(&s, sink, &o);
    ck_assert_uint_eq(o.len, 2500);
    finish(&s, &o);

    /* With a FIN: the bytes missing before it are a final gap. */
    start(&s, &o, isn);
    push(&s, &o, isn, 0, 100);
    push(&s, &o, isn, 200, 100);
    ck_assert_int_eq(push_bytes(&s, &o, isn, 400, 100, 100, true, NULL), RD_SEG_OUT_OF_ORDER);
    ck_assert(s.fin_seen);
    ck_assert_uint_eq(s.fin_seq, isn + 1u + 500u);
    rd_stream_flush(&s, sink, &o);
    memset(gap, 0, sizeof(gap));
    memset(gap + 100, 1, 100);
    memset(gap + 300, 1, 100);
    check_out(&o, 500, gap);
    finish(&s, &o);

    /* With a FIN and nothing held: a gap up to the FIN. */
    start(&s, &o, isn);
    push(&s, &o, isn, 0, 100);
    push_bytes(&s, &o, isn, 700, 0, 0, true, NULL);
    rd_stream_flush(&s, sink, &o);
    memset(gap, 0, sizeof(gap));
    memset(gap + 100, 1, 600);
    check_out(&o, 700, gap);
    finish(&s, &o);
}
END_TEST

/* FIN: data at or after it is dropped, held bytes after it are forgotten. */
START_TEST(test_fin)
{
    uint32_t isn = isns[_i];
    struct rd_stream s;
    struct out o;
    start(&s, &o, isn);

    push(&s, &o, isn, 0, 100);
    push(&s, &o, isn, 400, 100); /* held, but beyond the FIN that comes next */
    ck_assert_uint_eq(s.win_held, 100);
    ck_assert_int_eq(push_bytes(&s, &o, isn, 100, 200, 200, true, NULL), RD_SEG_NEW);
    ck_assert_uint_eq(s.fin_seq, isn + 1u + 300u);
    ck_assert_uint_eq(s.win_held, 0);
    ck_assert_uint_eq(s.after_fin_bytes, 100);
    /* A retransmitted FIN and data after the FIN. */
    ck_assert_int_eq(push_bytes(&s, &o, isn, 100, 200, 200, true, NULL), RD_SEG_RETRANS);
    ck_assert_int_eq(push(&s, &o, isn, 300, 50), RD_SEG_EMPTY);
    ck_assert_int_eq(push(&s, &o, isn, 250, 100), RD_SEG_RETRANS);
    ck_assert_uint_eq(s.after_fin_bytes, 200);
    /* A different, later FIN does not move the first one. */
    push_bytes(&s, &o, isn, 320, 0, 0, true, NULL);
    ck_assert_uint_eq(s.fin_seq, isn + 1u + 300u);
    rd_stream_flush(&s, sink, &o);
    check_out(&o, 300, NULL);
    finish(&s, &o);
}
END_TEST

/* No SYN: the first segment with data sets the base (capture started mid-stream). */
START_TEST(test_mid_stream)
{
    uint32_t isn = isns[_i];
    struct rd_stream s;
    struct out o;
    rd_stream_init(&s);
    out_init(&o);

    /* A pure ACK sets nothing. */
    ck_assert_int_eq(push_bytes(&s, &o, isn, 500, 0, 0, false, NULL), RD_SEG_EMPTY);
    ck_assert(!s.have_base);
    ck_assert_int_eq(push(&s, &o, isn, 500, 1000), RD_SEG_NEW);
    ck_assert(s.have_base);
    ck_assert_uint_eq(s.next_seq, isn + 1u + 1500u);
    /* Earlier bytes are behind the base: counted as retransmission, not delivered. */
    ck_assert_int_eq(push(&s, &o, isn, 0, 500), RD_SEG_RETRANS);
    push(&s, &o, isn, 1500, REF_LEN - 1500);
    ck_assert_uint_eq(o.len, REF_LEN - 500);
    ck_assert_mem_eq(o.buf, ref + 500, REF_LEN - 500);
    /* A SYN seen late does not move the base. */
    rd_stream_syn(&s, isn);
    ck_assert(s.syn_seen);
    ck_assert_uint_eq(s.next_seq, isn + 1u + REF_LEN);
    finish(&s, &o);
}
END_TEST

/* (l) stop_buffering: nothing delivered after it, retransmissions still recognised. */
START_TEST(test_stop_buffering)
{
    uint32_t isn = isns[_i];
    struct rd_stream s;
    struct out o;
    start(&s, &o, isn);

    push(&s, &o, isn, 0, 1000);
    push(&s, &o, isn, 1500, 100); /* held */
    ck_assert_ptr_nonnull(s.win);
    rd_stream_stop_buffering(&s);
    ck_assert(!s.buffering);
    ck_assert_ptr_null(s.win);
    ck_assert_uint_eq(s.win_held, 0);

    ck_assert_int_eq(push(&s, &o, isn, 1000, 200), RD_SEG_NEW);
    ck_assert_int_eq(push(&s, &o, isn, 1000, 200), RD_SEG_RETRANS);
    ck_assert_int_eq(push(&s, &o, isn, 1100, 200), RD_SEG_PARTIAL);
    ck_assert_uint_eq(s.next_seq, isn + 1u + 1300u);
    /* Ahead of next_seq: counted and jumped over; a late fill is a retransmission. */
    ck_assert_int_eq(push(&s, &o, isn, 1400, 100), RD_SEG_OUT_OF_ORDER);
    ck_assert_uint_eq(s.next_seq, isn + 1u + 1500u);
    ck_assert_int_eq(push(&s, &o, isn, 1300, 100), RD_SEG_RETRANS);
    /* Acks and flush move next_seq but deliver nothing. */
    rd_stream_acked(&s, isn + 1u + 2000u, sink, &o);
    ck_assert_uint_eq(s.next_seq, isn + 1u + 2000u);
    rd_stream_flush(&s, sink, &o);
    ck_assert_int_eq(push(&s, &o, isn, 2000, 3000 - 2000), RD_SEG_NEW);
    ck_assert_ptr_null(s.win);

    check_out(&o, 1000, NULL);
    ck_assert_uint_eq(s.delivered, 1000);
    ck_assert_uint_eq(s.gaps, 0);
    /* [1000, 1300), [1400, 1500) and [2000, 3000): the ack's jump is not counted. */
    ck_assert_uint_eq(s.unbuffered_bytes, 300 + 100 + 1000);
    ck_assert_uint_eq(s.retrans_segments, 3);
    finish(&s, &o);
}
END_TEST

/* (l') stop_buffering called by the consumer while a held run is being delivered. */
START_TEST(test_stop_inside_callback)
{
    uint32_t isn = isns[_i];
    struct rd_stream s;
    struct out o;
    start(&s, &o, isn);

    push(&s, &o, isn, 1000, 1000); /* held */
    push(&s, &o, isn, 2500, 500);  /* held behind a second hole */
    o.stop_stream = &s;
    o.stop_at = 1000; /* the consumer stops after the first in-order segment */
    push(&s, &o, isn, 0, 1000);
    ck_assert(!s.buffering);
    ck_assert_ptr_null(s.win); /* freed when the push returned */
    check_out(&o, 1000, NULL);
    ck_assert_uint_eq(s.delivered, 1000);
    /* The held bytes were dropped; the rest is counted only. */
    push(&s, &o, isn, 1000, 2000);
    ck_assert_uint_eq(o.len, 1000);
    ck_assert_uint_eq(s.next_seq, isn + 1u + REF_LEN);
    finish(&s, &o);

    /* Stop between the two pieces of a held run that wraps around the ring end. */
    start(&s, &o, isn);
    uint32_t pre = RD_STREAM_WINDOW - ((isn + 1u) & (RD_STREAM_WINDOW - 1u)) - 100u;
    pre &= RD_STREAM_WINDOW - 1u;
    rd_stream_acked(&s, isn + 1u + pre, sink, &o); /* a gap moves next_seq near the ring end */
    ck_assert_uint_eq(o.len, pre);
    /* ref[10, 510) held at pre + 10: ring slots W - 90 .. W - 1, then 0 .. 409. */
    push_bytes(&s, &o, isn, pre + 10, 500, 500, false, ref + 10);
    o.stop_stream = &s;
    o.stop_at = pre + 100; /* while the first 90 held bytes are being delivered */
    o.stop_first = true;
    push_bytes(&s, &o, isn, pre, 10, 10, false, ref);
    ck_assert(!s.buffering);
    ck_assert_ptr_null(s.win);
    ck_assert_uint_eq(s.next_seq, isn + 1u + pre + 510u);
    ck_assert_uint_eq(o.len, pre + 100);
    ck_assert_mem_eq(o.buf + pre, ref, 100);
    ck_assert_uint_eq(s.unbuffered_bytes, 410);
    finish(&s, &o);
}
END_TEST

/* The window allocation fails: the hole becomes a gap, nothing crashes. */
START_TEST(test_alloc_failure)
{
    uint32_t isn = isns[_i];
    static uint8_t gap[REF_LEN];
    struct rd_stream s;
    struct out o;
    start(&s, &o, isn);
    rd_stream_fail_alloc = true;
    push(&s, &o, isn, 0, 1000);
    ck_assert_int_eq(push(&s, &o, isn, 1500, 1500), RD_SEG_BEYOND);
    rd_stream_fail_alloc = false;
    ck_assert_ptr_null(s.win);
    memset(gap, 0, sizeof(gap));
    memset(gap + 1000, 1, 500);
    check_out(&o, REF_LEN, gap);
    ck_assert_int_eq(push(&s, &o, isn, 1000, 500), RD_SEG_RETRANS);
    finish(&s, &o);
}
END_TEST

/* A stream that wraps: window runs that cross both 2^32 and the ring end. */
START_TEST(test_wrap_window)
{
    /* isn + 1 + 2000 == 2^32: the held run [1500, 3000) crosses sequence 0. */
    uint32_t isn = 0xffffffffu - 2000u;
    struct rd_stream s;
    struct out o;
    start(&s, &o, isn);
    push(&s, &o, isn, 1500, 1500);
    push(&s, &o, isn, 800, 700);
    ck_assert_uint_eq(o.len, 0);
    push(&s, &o, isn, 0, 800);
    check_clean(&s, &o, isn);
    ck_assert_uint_eq(s.next_seq, REF_LEN - 2000u);
    finish(&s, &o);
}
END_TEST

static Suite *stream_suite(void)
{
    Suite *su = suite_create("stream");
    TCase *tc = tcase_create("reassembly");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_one_segment, 0, N_ISNS);
    tcase_add_loop_test(tc, test_split_every_offset, 0, N_ISNS);
    tcase_add_loop_test(tc, test_many_segments_reordered, 0, 3 * N_ISNS);
    tcase_add_loop_test(tc, test_overlapping_same_bytes, 0, 3 * N_ISNS);
    tcase_add_loop_test(tc, test_duplicates, 0, 2 * N_ISNS);
    tcase_add_loop_test(tc, test_conflicting_overlap, 0, N_ISNS);
    tcase_add_loop_test(tc, test_ack_reveals_gap, 0, N_ISNS);
    tcase_add_loop_test(tc, test_snaplen, 0, N_ISNS);
    tcase_add_loop_test(tc, test_keepalive, 0, N_ISNS);
    tcase_add_loop_test(tc, test_beyond_window, 0, N_ISNS);
    tcase_add_loop_test(tc, test_flush_holes, 0, N_ISNS);
    tcase_add_loop_test(tc, test_fin, 0, N_ISNS);
    tcase_add_loop_test(tc, test_mid_stream, 0, N_ISNS);
    tcase_add_loop_test(tc, test_stop_buffering, 0, N_ISNS);
    tcase_add_loop_test(tc, test_stop_inside_callback, 0, N_ISNS);
    tcase_add_loop_test(tc, test_alloc_failure, 0, N_ISNS);
    tcase_add_test(tc, test_wrap_window);
    suite_add_tcase(su, tc);
    return su;
}

int main(void)
{
    make_ref();
    SRunner *sr = srunner_create(stream_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

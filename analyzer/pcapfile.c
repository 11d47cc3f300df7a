/*
 * pcapfile.c - classic pcap records handed out of one block buffer (see
 * pcapfile.h).  Format: pcap-savefile(5) and draft-ietf-opsawg-pcap: a 24-byte
 * file header (magic 0xa1b2c3d4 for microseconds or 0xa1b23c4d for
 * nanoseconds, in the writer's byte order; version 2.4), then records of a
 * 16-byte header (seconds, fraction, captured length, original length) and
 * the captured bytes.
 */
#include "config.h"

#include "pcapfile.h"

#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "cursor.h"

/* Blocks of about 1 MiB, read straight into the buffer: glibc's fread reads
 * into the caller's memory the whole multiples of the stdio buffer's size in a
 * request (capture.c sets 256 KiB) and only the rest through the stdio buffer,
 * so each request ends at a multiple of that size in the file.  Room behind
 * a block for the largest record libpcap takes (its snapshot cap, 262144)
 * cut at the block's end. */
#define UNIT        (256 * 1024)
#define BLOCK       (4 * UNIT)
#define MAX_RECORD  (16 + 262144)
#define BUFFER_SIZE (BLOCK + MAX_RECORD)

#define MAGIC_USEC 0xa1b2c3d4u
#define MAGIC_NSEC 0xa1b23c4du

static uint32_t swap32(uint32_t v)
{
    return __builtin_bswap32(v);
}

bool rd_pcapfile_open(struct rd_pcapfile *r, FILE *f, uint32_t snapshot)
{
    uint8_t head[24];
    struct rd_cur in;
    uint32_t magic = 0;
    uint16_t major, minor;
    off_t was = ftello(f);

    memset(r, 0, sizeof(*r));
    if (was < 0 || snapshot == 0 || snapshot > MAX_RECORD - 16 || fseeko(f, 0, SEEK_SET) != 0) {
        return false;
    }
    if (fread(head, 1, sizeof(head), f) != sizeof(head)) {
        (void)fseeko(f, was, SEEK_SET);
        return false;
    }
    rd_cur_init(&in, head, sizeof(head));
    (void)rd_cur_u32be(&in, &magic);
    if (magic == MAGIC_USEC || magic == MAGIC_NSEC) {
        r->swapped = false; /* big-endian writer */
    } else if (swap32(magic) == MAGIC_USEC || swap32(magic) == MAGIC_NSEC) {
        r->swapped = true;
        magic = swap32(magic);
    } else {
        (void)fseeko(f, was, SEEK_SET); /* pcapng, or something libpcap knows */
        return false;
    }
    (void)rd_cur_u16be(&in, &major);
    (void)rd_cur_u16be(&in, &minor);
    if (r->swapped) {
        major = (uint16_t)(major >> 8 | major << 8);
        minor = (uint16_t)(minor >> 8 | minor << 8);
    }
    /* Before 2.4 libpcap may swap the two lengths of a record: leave those to it. */
    if (major != 2 || minor < 4 || (r->buf = malloc(BUFFER_SIZE)) == NULL) {
        (void)fseeko(f, was, SEEK_SET);
        return false;
    }
    r->f = f;
    r->size = BUFFER_SIZE;
    r->buf_off = (int64_t)sizeof(head);
    r->snapshot = snapshot;
    r->nano = magic == MAGIC_NSEC;
    return true;
}

/* Keep the unread bytes, read a block behind them. */
static void refill(struct rd_pcapfile *r)
{
    size_t left = r->end - r->start;
    size_t want, got;

    if (r->eof || r->failed) {
        return;
    }
    if (r->start > 0) {
        memmove(r->buf, r->buf + r->start, left);
        r->buf_off += (int64_t)r->start;
        r->start = 0;
        r->end = left;
    }
    {
        int64_t pos = r->buf_off + (int64_t)r->end; /* the file offset read next */
        int64_t upto = (pos + (int64_t)(r->size - r->end)) / UNIT * UNIT;
        want = upto > pos ? (size_t)(upto - pos) : r->size - r->end; /* > BLOCK - UNIT */
    }
    got = fread(r->buf + r->end, 1, want, r->f);
    r->end += got;
    if (got < want) {
        r->failed = ferror(r->f) != 0;
        r->eof = !r->failed;
    }
}

/* Put the FILE at the unread record for libpcap; the buffer is done with. */
static enum rd_pcapfile_next hand_over(struct rd_pcapfile *r)
{
    clearerr(r->f);
    if (fseeko(r->f, (off_t)(r->buf_off + (int64_t)r->start), SEEK_SET) != 0) {
        r->failed = true;
    }
    r->start = r->end = 0;
    return RD_PCAPFILE_HANDOVER;
}

enum rd_pcapfile_next rd_pcapfile_next(struct rd_pcapfile *r, struct rd_pcapfile_rec *rec)
{
    struct rd_cur in;
    uint32_t h[4];

    if (r->end - r->start < 16) {
        refill(r);
        if (r->end == r->start && r->eof) {
            return RD_PCAPFILE_END;
        }
    }
    rd_cur_init(&in, r->buf + r->start, r->end - r->start);
    if (!rd_cur_u32be_n(&in, h, 4)) {
        return hand_over(r); /* a header cut short, or a read error */
    }
    if (r->swapped) {
        for (int i = 0; i < 4; i++) {
            h[i] = swap32(h[i]);
        }
    }
    if (h[2] > r->snapshot) {
        return hand_over(r); /* libpcap cuts it to the snapshot, or refuses it */
    }
    if (in.len < h[2]) {
        refill(r);
        rd_cur_init(&in, r->buf + r->start + 16, r->end - r->start - 16);
        if (in.len < h[2]) {
            return hand_over(r); /* data cut short, or a read error */
        }
    }
    rec->ts_sec = (int32_t)h[0];
    rec->ts_nsec = r->nano ? (int32_t)h[1] : (int64_t)(int32_t)h[1] * 1000;
    rec->caplen = h[2];
    rec->len = h[3];
    rec->data = in.p;
    r->start += 16 + (size_t)h[2];
    return RD_PCAPFILE_FRAME;
}

void rd_pcapfile_close(struct rd_pcapfile *r)
{
    free(r->buf);
    memset(r, 0, sizeof(*r));
}

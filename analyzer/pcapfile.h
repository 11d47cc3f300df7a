/*
 * pcapfile.h - the classic pcap file format read in large blocks, for speed.
 *
 * libpcap reads a capture file with two freads per record, out of a stdio
 * buffer into a buffer of its own: two copies of every byte and two library
 * calls per frame, which is most of what pcap_noop measures.  For a classic
 * pcap file (pcap-savefile(5), version 2.4) this reader takes over after
 * libpcap has opened the file and checked its header: it reads the same FILE
 * a block at a time into one buffer and hands out each record in place.
 *
 * It gives exactly the records libpcap would, and it never decides anything
 * libpcap would decide differently: at the first record that is not plainly
 * whole (a header or data cut short, a read error, a captured length above
 * the file's snapshot length) it puts the FILE back at that record and
 * stops, and libpcap reads from there on, with its own truncation and its own
 * error messages.  tests/check_pcapfile.c holds the two to the same records on
 * every capture, every cut of them and changed record headers.
 */
#ifndef RD_PCAPFILE_H
#define RD_PCAPFILE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* One record: its header fields in host order, the fraction in nanoseconds.
 * The two time fields are signed 32-bit numbers, widened as libpcap does. */
struct rd_pcapfile_rec {
    int64_t ts_sec, ts_nsec;
    uint32_t caplen, len;
    const uint8_t *data; /* caplen bytes, valid until the next call */
};

struct rd_pcapfile {
    FILE *f;
    uint8_t *buf;
    size_t size;        /* of buf */
    size_t start, end;  /* the unread bytes are buf[start, end) */
    int64_t buf_off;    /* the file offset of buf[0] */
    uint32_t snapshot;  /* libpcap's snapshot length for the file */
    bool swapped, nano; /* byte order and timestamp unit of the file */
    bool eof, failed;   /* the FILE reached its end / reported an error */
};

enum rd_pcapfile_next {
    RD_PCAPFILE_FRAME = 1,    /* *rec holds the next record */
    RD_PCAPFILE_END = 0,      /* the file ended exactly after a record */
    RD_PCAPFILE_HANDOVER = -1 /* the FILE is at the next record: libpcap reads on */
};

/*
 * f has been opened by libpcap, which took snapshot as the file's snapshot
 * length.  True when f is a classic pcap file of version 2.4 or later that
 * this reader takes, positioned after the file header; false otherwise, with
 * f where it was (and on an allocation failure).
 */
bool rd_pcapfile_open(struct rd_pcapfile *r, FILE *f, uint32_t snapshot);
enum rd_pcapfile_next rd_pcapfile_next(struct rd_pcapfile *r, struct rd_pcapfile_rec *rec);
/* Frees the buffer; the FILE stays open (libpcap closes it). */
void rd_pcapfile_close(struct rd_pcapfile *r);

#endif

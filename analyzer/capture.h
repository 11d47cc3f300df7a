/*
 * capture.h - reading frames with libpcap (a file, stdin or a live interface)
 * and feeding them through decode into the engine.
 *
 * The only module that includes <pcap.h>.  Frame numbers count every frame
 * libpcap delivers, 1-based, as Wireshark numbers them: files are read without
 * a kernel filter, and a user's filter expression is applied per frame after
 * the frame is counted.
 */
#ifndef RD_CAPTURE_H
#define RD_CAPTURE_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "engine.h"

struct rd_capture_opts {
    const char *file;   /* -r: path, or "-" for stdin */
    const char *iface;  /* -i */
    const char *filter; /* the user's expression, ANDed with the RDP filter; may be NULL */
    const uint16_t *ports;
    unsigned nports;
    const char *write_file; /* -w: save the packets that passed the filter (live) */
    unsigned rotate_secs;   /* -G: a new -w file every N seconds (the name is a strftime pattern) */
    unsigned rotate_mb;     /* -C: a new -w file (NAME1, NAME2, ...) past N million bytes */
    const char *drop_user;  /* -Z */
    bool status_line;       /* live, on a terminal: a one-line status on stderr */
    bool one_thread;        /* read a file in the analysing thread, not ahead in a second one */
};

struct rd_capture;

/* Open the source; NULL with one line in errbuf ("FILE: reason"). */
struct rd_capture *rd_capture_open(const struct rd_capture_opts *o, char *errbuf, size_t errsize);

/*
 * Read until end of input, an error, or *stop becoming non-zero (a signal, or
 * the caller's own stop condition).  Returns 0 at end of input or stop, -1 on a
 * read error (errbuf says what; the frames before it were processed).
 */
int rd_capture_loop(struct rd_capture *cap, struct rd_engine *e, volatile sig_atomic_t *stop,
                    char *errbuf, size_t errsize);

/* Live captures: packets the kernel dropped; false when not known. */
bool rd_capture_drops(struct rd_capture *cap, uint64_t *received, uint64_t *dropped);

/* Install SIGINT/SIGTERM handlers that set *stop and break the capture loop. */
void rd_capture_handle_signals(struct rd_capture *cap, volatile sig_atomic_t *stop);

/* Erase the live status line before other output goes to the terminal. */
void rd_capture_status_clear(void);

/* Saving packets (-w) failed (a full disk, ...): the message, or NULL. */
const char *rd_capture_write_error(const struct rd_capture *cap);

void rd_capture_close(struct rd_capture *cap);

#endif

/*
 * run.h - one analysis run: a capture source through the engine into a
 * callback per finished connection.  Used by the CLI and by --check.
 */
#ifndef RD_RUN_H
#define RD_RUN_H

#include <stdio.h>

#include "capture.h"
#include "cli.h"
#include "engine.h"

struct rd_run_opts {
    struct rd_capture_opts cap;
    struct rd_engine_opts eng;
    uint64_t max_count;      /* -c: stop after this many finished connections (0: no limit) */
    bool until_failure;      /* stop after the first failed connection */
    bool live_status;        /* a one-line status on stderr (a terminal) */
    const char *keylog_file; /* --keylog */
    const char *rsakey_file; /* --rsa-key */
    bool no_embedded_keys;   /* ignore a pcapng's Decryption Secrets Blocks */
};

struct rd_run {
    struct rd_engine engine;
    rd_conn_done_fn done;
    void *ctx;
    uint64_t finished;
    bool stop_after_failure;
    uint64_t max_count;
    volatile sig_atomic_t stop;
    bool stopped_by_count; /* -c or --until-failure ended the run */
    uint64_t kernel_received, kernel_dropped;
    bool have_drops;
    struct rd_secrets secrets;
    struct rd_keylog *keylog;
    struct rd_rsakey *rsakey;
    size_t dsb_blocks;     /* Decryption Secrets Blocks read from the capture */
    char write_error[256]; /* -w failed (a full disk, ...), or "" */
};

/* Give o the RDP ports (3389 when n is 0); ports must outlive o. */
void rd_run_set_ports(struct rd_run_opts *o, uint16_t *ports, unsigned n);

/* Run o's source to the end; done is called for every finished connection.
 * Returns 0, or -1 with errbuf set (unreadable input: nothing was analysed,
 * or a read error after some connections were reported). */
int rd_run(const struct rd_run_opts *o, rd_conn_done_fn done, void *ctx, struct rd_run *run,
           char *errbuf, size_t errsize);

#endif

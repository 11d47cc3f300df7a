/* run.c - capture -> decode -> engine -> callback, with the stop conditions. */
#include "config.h"

#include "run.h"

#include <stdio.h>
#include <string.h>

#include "keylog.h"
#include "pcapng_dsb.h"
#include "tlsdec.h"

void rd_run_set_ports(struct rd_run_opts *o, uint16_t *ports, unsigned n)
{
    if (n == 0) {
        ports[n++] = 3389;
    }
    memcpy(o->eng.ports, ports, n * sizeof(ports[0]));
    o->eng.nports = n;
    o->cap.ports = ports;
    o->cap.nports = n;
}

static void on_done(void *ctx, const struct rd_conn *c, const struct rd_verdict *v)
{
    struct rd_run *run = ctx;

    run->finished++;
    run->done(run->ctx, c, v);
    if ((run->stop_after_failure && v->outcome == RD_OUTCOME_FAILED) ||
        (run->max_count > 0 && run->finished >= run->max_count)) {
        run->stop = 1;
        run->stopped_by_count = true;
    }
}

static void free_secrets(struct rd_run *run)
{
    rd_keylog_free(run->keylog);
    rd_rsakey_free(run->rsakey);
    run->keylog = NULL;
    run->rsakey = NULL;
}

/* Key files are read once, before any packet; a bad one is a usage error. */
static int load_secrets(const struct rd_run_opts *o, struct rd_run *run, char *errbuf,
                        size_t errsize)
{
    char why[256];

    if (o->rsakey_file != NULL) {
        run->rsakey = rd_rsakey_load(o->rsakey_file, why);
        if (run->rsakey == NULL) {
            snprintf(errbuf, errsize, "%s", why);
            return -1;
        }
        run->secrets.rsakey = run->rsakey;
    }
    run->keylog = rd_keylog_new();
    if (run->keylog == NULL) {
        snprintf(errbuf, errsize, "out of memory for the key log");
        return -1;
    }
    if (o->keylog_file != NULL && rd_keylog_load_file(run->keylog, o->keylog_file, why) != 0) {
        snprintf(errbuf, errsize, "%s", why);
        return -1;
    }
    if (o->keylog_file != NULL && rd_keylog_count(run->keylog) == 0) {
        snprintf(errbuf, errsize, "%s: no TLS secrets in it (%zu malformed lines)", o->keylog_file,
                 rd_keylog_malformed(run->keylog));
        return -1;
    }
    if (!o->no_embedded_keys && o->cap.file != NULL && strcmp(o->cap.file, "-") != 0) {
        /* A corrupt block only stops the walk; libpcap reports the file's real errors. */
        rd_pcapng_read_dsb(o->cap.file, run->keylog, &run->dsb_blocks, why);
    }
    if (rd_keylog_count(run->keylog) > 0) {
        run->secrets.keylog = run->keylog;
    }
    return 0;
}

int rd_run(const struct rd_run_opts *o, rd_conn_done_fn done, void *ctx, struct rd_run *run,
           char *errbuf, size_t errsize)
{
    struct rd_engine_opts eng;
    struct rd_capture *cap;
    int rc;

    memset(run, 0, sizeof(*run));
    run->done = done;
    run->ctx = ctx;
    run->stop_after_failure = o->until_failure;
    run->max_count = o->max_count;
    if (load_secrets(o, run, errbuf, errsize) != 0) {
        free_secrets(run);
        return -1;
    }
    cap = rd_capture_open(&o->cap, errbuf, errsize);
    if (cap == NULL) {
        free_secrets(run);
        return -1;
    }
    eng = o->eng;
    eng.secrets = &run->secrets;
    if (rd_engine_init(&run->engine, &eng, on_done, run, errbuf, errsize) != 0) {
        rd_capture_close(cap);
        free_secrets(run);
        return -1;
    }
    if (o->cap.iface != NULL) {
        rd_capture_handle_signals(cap, &run->stop);
    }
    rc = rd_capture_loop(cap, &run->engine, &run->stop, errbuf, errsize);
    run->have_drops = rd_capture_drops(cap, &run->kernel_received, &run->kernel_dropped);
    if (rd_capture_write_error(cap) != NULL) {
        snprintf(run->write_error, sizeof(run->write_error), "%s", rd_capture_write_error(cap));
    }
    /* What is still open was analysed as far as the input goes: report it. */
    if (!run->stopped_by_count) {
        rd_engine_finish_all(&run->engine);
    }
    rd_engine_free(&run->engine); /* the stats stay readable */
    rd_capture_close(cap);
    free_secrets(run);
    return rc;
}

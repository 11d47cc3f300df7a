/* run.c - capture -> decode -> engine -> callback, with the stop conditions. */
#include "config.h"

#include "run.h"

#include <string.h>

static void on_done(void *ctx, const struct rd_conn *c, const struct rd_verdict *v)
{
    struct rd_run *run = ctx;

    run->finished++;
    run->done(run->ctx, c, v);
    if (run->stop_after_failure && v->outcome == RD_OUTCOME_FAILED) {
        run->stop = 1;
    }
    if (run->max_count > 0 && run->finished >= run->max_count) {
        run->stop = 1;
    }
}

int rd_run(const struct rd_run_opts *o, rd_conn_done_fn done, void *ctx, struct rd_run *run,
           char *errbuf, size_t errsize)
{
    struct rd_capture *cap;
    int rc;

    memset(run, 0, sizeof(*run));
    run->done = done;
    run->ctx = ctx;
    run->stop_after_failure = o->until_failure;
    run->max_count = o->max_count;
    cap = rd_capture_open(&o->cap, errbuf, errsize);
    if (cap == NULL) {
        return -1;
    }
    if (rd_engine_init(&run->engine, &o->eng, on_done, run, errbuf, errsize) != 0) {
        rd_capture_close(cap);
        return -1;
    }
    if (o->cap.iface != NULL) {
        rd_capture_handle_signals(cap, &run->stop);
    }
    rc = rd_capture_loop(cap, &run->engine, &run->stop, errbuf, errsize);
    run->have_drops = rd_capture_drops(cap, &run->kernel_received, &run->kernel_dropped);
    /* What is still open was analysed as far as the input goes: report it. */
    if (!(run->stop && (o->until_failure || o->max_count > 0))) {
        rd_engine_finish_all(&run->engine);
    }
    rd_engine_free(&run->engine); /* the stats stay readable */
    rd_capture_close(cap);
    return rc;
}

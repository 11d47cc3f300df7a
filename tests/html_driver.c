/*
 * html_driver.c - the HTML report without the command line: runs one capture
 * through the pipeline and writes rd_html's document, the way rdpdiag
 * --html does.  Used by tests/check-html.sh.
 *
 *   html_driver OUT.html CAPTURE [PORT [KEYLOG]]
 *
 * Exit status: 0 written, 2 usage or an error (one line on stderr).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attempt.h"
#include "cli.h"
#include "html.h"
#include "report.h"
#include "run.h"

struct ctx {
    struct rd_report report;
    struct rd_attempts attempts;
    struct rd_html *html;
};

static void on_conn(void *arg, const struct rd_conn *c, const struct rd_verdict *v)
{
    struct ctx *x = arg;
    uint64_t attempt = rd_attempts_add(&x->attempts, c, v);

    rd_report_conn(&x->report, c, v, attempt);
    rd_html_conn(x->html, c, v, attempt);
}

int main(int argc, char **argv)
{
    struct rd_report_opts rep = {RD_FMT_QUIET, true, false, false, false};
    struct rd_run_opts ro;
    struct rd_run run;
    struct ctx x;
    uint16_t port = 3389;
    char err[RD_ERRBUF_SIZE];
    FILE *sink;
    int rc;

    if (argc < 3 || argc > 5) {
        fprintf(stderr, "usage: html_driver OUT.html CAPTURE [PORT [KEYLOG]]\n");
        return RD_EXIT_USAGE;
    }
    if (argc >= 4) {
        char *end;
        unsigned long p = strtoul(argv[3], &end, 10);
        if (*end != '\0' || p == 0 || p > 65535) {
            fprintf(stderr, "html_driver: bad port '%s'\n", argv[3]);
            return RD_EXIT_USAGE;
        }
        port = (uint16_t)p;
    }
    memset(&ro, 0, sizeof(ro));
    rd_engine_default_opts(&ro.eng);
    ro.cap.file = argv[2];
    ro.eng.ports[0] = port;
    ro.eng.nports = 1;
    ro.cap.ports = &port;
    ro.cap.nports = 1;
    ro.keylog_file = argc == 5 ? argv[4] : NULL;
    sink = fopen("/dev/null", "w");
    if (sink == NULL || rd_attempts_init(&x.attempts) != 0) {
        fprintf(stderr, "html_driver: cannot set up\n");
        return RD_EXIT_USAGE;
    }
    rd_report_init(&x.report, &rep, sink);
    x.html = rd_html_open(argv[1], argv[2], err, sizeof(err));
    if (x.html == NULL) {
        fprintf(stderr, "html_driver: %s\n", err);
        return RD_EXIT_USAGE;
    }
    rc = rd_run(&ro, on_conn, &x, &run, err, sizeof(err));
    rd_attempts_close_all(&x.attempts);
    if (rc != 0) {
        fprintf(stderr, "html_driver: %s\n", err);
        rd_html_discard(x.html);
        rd_attempts_free(&x.attempts);
        fclose(sink);
        return RD_EXIT_USAGE;
    }
    rd_report_end(&x.report, &run.engine.stats, &x.attempts, sink);
    rc = rd_html_close(x.html, &x.report, &x.attempts, &run.engine.stats, err, sizeof(err));
    rd_attempts_free(&x.attempts);
    fclose(sink);
    if (rc != 0) {
        fprintf(stderr, "html_driver: %s\n", err);
        return RD_EXIT_USAGE;
    }
    return RD_EXIT_OK;
}

/*
 * cli.c - options in tcpdump's habits, then one run.
 *
 *   rdpdiag [options] (-r FILE | -i IFACE) [filter expression]
 */
#include "config.h"

#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "regress.h"
#include "compat.h"
#include "capture.h"
#include "diagnose.h"
#include "explain.h"
#include "html.h"
#include "report.h"
#include "run.h"

#define FILTER_ARGS_MAX 2048

enum {
    OPT_PORT = 256,
    OPT_JSON,
    OPT_ALL,
    OPT_VERSION,
    OPT_HELP,
    OPT_UNTIL_FAILURE,
    OPT_COLOR,
    OPT_EXPLAIN,
    OPT_CHECK,
    OPT_MAX_CONN,
    OPT_IDLE,
    OPT_KEYLOG,
    OPT_RSAKEY,
    OPT_NO_EMBEDDED,
    OPT_JUNIT,
    OPT_EXPECT_WRITE,
    OPT_HTML,
    OPT_ONE_THREAD,
};

static const struct option long_opts[] = {
    {"port", required_argument, NULL, OPT_PORT},
    {"json", no_argument, NULL, OPT_JSON},
    {"all", no_argument, NULL, OPT_ALL},
    {"version", no_argument, NULL, OPT_VERSION},
    {"help", no_argument, NULL, OPT_HELP},
    {"until-failure", no_argument, NULL, OPT_UNTIL_FAILURE},
    {"color", required_argument, NULL, OPT_COLOR},
    {"colour", required_argument, NULL, OPT_COLOR},
    {"explain", required_argument, NULL, OPT_EXPLAIN},
    {"check", required_argument, NULL, OPT_CHECK},
    {"max-connections", required_argument, NULL, OPT_MAX_CONN},
    {"idle-timeout", required_argument, NULL, OPT_IDLE},
    {"keylog", required_argument, NULL, OPT_KEYLOG},
    {"rsa-key", required_argument, NULL, OPT_RSAKEY},
    {"no-embedded-keys", no_argument, NULL, OPT_NO_EMBEDDED},
    {"junit", required_argument, NULL, OPT_JUNIT},
    {"expect-write", no_argument, NULL, OPT_EXPECT_WRITE},
    {"html", required_argument, NULL, OPT_HTML},
    {"one-thread", no_argument, NULL, OPT_ONE_THREAD},
    {NULL, 0, NULL, 0},
};

static void usage(FILE *f)
{
    fputs("Usage: rdpdiag [options] (-r FILE | -i IFACE) [filter expression]\n"
          "       rdpdiag --check DIR|FILE.expected ...\n"
          "       rdpdiag --explain CODE\n"
          "\n"
          "Explains why Remote Desktop (RDP) connections fail, from a capture file or a live\n"
          "interface: one verdict per TCP connection to an RDP port.\n"
          "\n"
          "Input:\n"
          "  -r FILE             read a pcap or pcapng file ('-' for standard input)\n"
          "  -i IFACE            capture live on IFACE\n"
          "  --port N            an RDP port (repeatable; default 3389)\n"
          "  filter expression   a pcap filter ANDed with the RDP ports, e.g. 'host 10.0.0.5'\n"
          "Output:\n"
          "  --json              one JSON object per connection per line (NDJSON)\n"
          "  -q                  one line per connection\n"
          "  -v                  full timelines (retransmissions, duplicates)\n"
          "  --all               also show healthy connections\n"
          "  --color=WHEN        auto, always or never\n"
          "  --html FILE         also write a self-contained HTML report (ladder diagrams)\n"
          "Live capture:\n"
          "  -w FILE             also save the packets that passed the filter\n"
          "  -G SECONDS          a new -w file every SECONDS (FILE is a strftime pattern)\n"
          "  -C MB               a new -w file (FILE1, FILE2, ...) past MB million bytes\n"
          "  -c COUNT            stop after COUNT connections have ended\n"
          "  --until-failure     stop after the first failed connection\n"
          "  -Z USER             drop root privileges to USER after opening the interface\n"
          "TLS decryption (CredSSP, MCS and the session become visible):\n"
          "  --keylog FILE       TLS secrets in the NSS key log format (SSLKEYLOGFILE)\n"
          "  --rsa-key FILE      the server's RSA private key (RSA key exchange only)\n"
          "  --no-embedded-keys  ignore the secrets a pcapng file carries itself\n"
          "Other:\n"
          "  --check PATH        compare verdicts with expected-verdict files (a directory of\n"
          "                      captures with NAME.expected beside them, or .expected files)\n"
          "  --junit FILE        with --check: also write a JUnit XML report\n"
          "  --expect-write      write NAME.expected beside the -r capture, for review\n"
          "  --explain CODE      what a client error code (e.g. 0x904/0x7) means\n"
          "  --max-connections N connections tracked at once (default 16384)\n"
          "  --idle-timeout SEC  finish a silent established connection after SEC (default 600)\n"
          "  --one-thread        read a file in the analysing thread (by default a second\n"
          "                      thread reads and decodes ahead when there are two cores)\n"
          "  --version, --help\n"
          "\n"
          "Exit status: 0 no failed connection, 1 at least one failed, 2 usage error or\n"
          "unreadable input.\n",
          f);
}

static int usage_error(const char *fmt, ...) RD_PRINTF(1, 2);

/* One line on stderr: what was wrong with the command line. */
static int usage_error(const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    fprintf(stderr, "rdpdiag: %s (rdpdiag --help lists the options)\n", msg);
    return RD_EXIT_USAGE;
}

static bool parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
    char *end;
    unsigned long long v;

    errno = 0;
    v = strtoull(s, &end, 0);
    if (errno != 0 || end == s || *end != '\0' || s[0] == '-' || v < min || v > max) {
        return false;
    }
    *out = v;
    return true;
}

struct cli_ctx {
    struct rd_report report;
    struct rd_attempts attempts;
    struct rd_html *html; /* --html, or NULL */
};

static void print_conn(void *ctx, const struct rd_conn *c, const struct rd_verdict *v)
{
    struct cli_ctx *x = ctx;
    uint64_t attempt = rd_attempts_add(&x->attempts, c, v);

    rd_capture_status_clear();
    rd_report_conn(&x->report, c, v, attempt);
    if (x->html != NULL) {
        rd_html_conn(x->html, c, v, attempt);
    }
    fflush(x->report.out);
}

int rd_cli_main(int argc, char **argv)
{
    struct rd_run_opts ro;
    struct rd_report_opts rep = {RD_FMT_TEXT, false, false, false, false};
    const char *color = "auto";
    const char *check_path = NULL;
    const char *junit = NULL;
    bool expect_write = false;
    const char *html_path = NULL;
    uint16_t ports[RD_MAX_PORTS];
    unsigned nports = 0;
    char filter[FILTER_ARGS_MAX] = "";
    char err[RD_ERRBUF_SIZE];
    struct cli_ctx ctx;
    struct rd_run run;
    uint64_t v;
    int opt, rc;

    memset(&ro, 0, sizeof(ro));
    rd_engine_default_opts(&ro.eng);
    opterr = 0;
    while ((opt = getopt_long(argc, argv, ":r:i:qvw:c:Z:G:C:", long_opts, NULL)) != -1) {
        switch (opt) {
        case 'r':
            ro.cap.file = optarg;
            break;
        case 'i':
            ro.cap.iface = optarg;
            break;
        case 'q':
            rep.format = RD_FMT_QUIET;
            break;
        case 'v':
            rep.verbose = true;
            break;
        case 'w':
            ro.cap.write_file = optarg;
            break;
        case 'c':
            if (!parse_u64(optarg, 1, UINT64_MAX, &ro.max_count)) {
                return usage_error("-c takes a positive count, not '%s'", optarg);
            }
            break;
        case 'Z':
            ro.cap.drop_user = optarg;
            break;
        case 'G':
            if (!parse_u64(optarg, 1, 86400 * 366, &v)) {
                return usage_error("-G takes seconds, not '%s'", optarg);
            }
            ro.cap.rotate_secs = (unsigned)v;
            break;
        case 'C':
            if (!parse_u64(optarg, 1, 1000000, &v)) {
                return usage_error("-C takes millions of bytes, not '%s'", optarg);
            }
            ro.cap.rotate_mb = (unsigned)v;
            break;
        case OPT_PORT:
            if (!parse_u64(optarg, 1, 65535, &v)) {
                return usage_error("--port takes a port number from 1 to 65535, not '%s'", optarg);
            }
            if (nports == RD_MAX_PORTS) {
                return usage_error("at most %d --port options", RD_MAX_PORTS);
            }
            ports[nports++] = (uint16_t)v;
            break;
        case OPT_JSON:
            rep.format = RD_FMT_JSON;
            break;
        case OPT_ALL:
            rep.all = true;
            break;
        case OPT_VERSION:
            printf("rdpdiag %s\n", PACKAGE_VERSION);
            return RD_EXIT_OK;
        case OPT_HELP:
            usage(stdout);
            return RD_EXIT_OK;
        case OPT_UNTIL_FAILURE:
            ro.until_failure = true;
            break;
        case OPT_ONE_THREAD:
            ro.cap.one_thread = true;
            break;
        case OPT_COLOR:
            if (strcmp(optarg, "auto") != 0 && strcmp(optarg, "always") != 0 &&
                strcmp(optarg, "never") != 0) {
                return usage_error("--color takes auto, always or never, not '%s'", optarg);
            }
            color = optarg;
            break;
        case OPT_EXPLAIN:
            return rd_explain(optarg, stdout);
        case OPT_CHECK:
            check_path = optarg;
            break;
        case OPT_MAX_CONN:
            if (!parse_u64(optarg, 1, 1u << 24, &v)) {
                return usage_error("--max-connections takes a count from 1 to 16777216, not '%s'",
                                   optarg);
            }
            ro.eng.max_conns = (size_t)v;
            break;
        case OPT_IDLE:
            if (!parse_u64(optarg, 1, 86400 * 365, &v)) {
                return usage_error("--idle-timeout takes seconds, not '%s'", optarg);
            }
            ro.eng.idle_timeout_ns = (int64_t)v * 1000000000LL;
            break;
        case OPT_KEYLOG:
            ro.keylog_file = optarg;
            break;
        case OPT_RSAKEY:
            ro.rsakey_file = optarg;
            break;
        case OPT_NO_EMBEDDED:
            ro.no_embedded_keys = true;
            break;
        case OPT_JUNIT:
            junit = optarg;
            break;
        case OPT_EXPECT_WRITE:
            expect_write = true;
            break;
        case OPT_HTML:
            html_path = optarg;
            break;
        case ':':
            return usage_error("option '%s' needs an argument", argv[optind - 1]);
        default:
            return usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (check_path != NULL) {
        return rd_check_main(argc - optind, argv + optind, check_path, junit, stdout);
    }
    /* The remaining words are the filter expression, as tcpdump takes it. */
    for (int i = optind; i < argc; i++) {
        size_t used = strlen(filter);
        int w = snprintf(filter + used, sizeof(filter) - used, "%s%s", used ? " " : "", argv[i]);
        if (w < 0 || (size_t)w >= sizeof(filter) - used) {
            return usage_error("%s", "filter expression too long");
        }
    }
    if ((ro.cap.file == NULL) == (ro.cap.iface == NULL)) {
        return usage_error("%s", "give exactly one of -r FILE or -i IFACE");
    }
    if (ro.cap.file != NULL && (ro.cap.write_file != NULL || ro.cap.drop_user != NULL)) {
        return usage_error("%s", "-w and -Z go with live capture (-i)");
    }
    if ((ro.cap.rotate_secs > 0 || ro.cap.rotate_mb > 0) && ro.cap.write_file == NULL) {
        return usage_error("%s", "-G and -C rotate the -w file");
    }
    if (junit != NULL && check_path == NULL) {
        return usage_error("%s", "--junit goes with --check");
    }
    rd_run_set_ports(&ro, ports, nports);
    ro.cap.filter = filter[0] != '\0' ? filter : NULL;
    rep.color = strcmp(color, "always") == 0 ||
                (strcmp(color, "auto") == 0 && isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL);
    if (expect_write) {
        if (ro.cap.file == NULL) {
            return usage_error("%s", "--expect-write needs -r FILE");
        }
        return rd_expect_write(&ro, stdout);
    }
    rep.summary_first = ro.cap.iface == NULL;
    ro.cap.status_line = ro.cap.iface != NULL && isatty(STDOUT_FILENO) && isatty(STDERR_FILENO);
    if (rd_attempts_init(&ctx.attempts) != 0) {
        fprintf(stderr, "rdpdiag: out of memory\n");
        return RD_EXIT_USAGE;
    }
    ctx.html = NULL;
    if (html_path != NULL) {
        const char *title = ro.cap.file != NULL ? ro.cap.file : ro.cap.iface;
        ctx.html = rd_html_open(html_path, title, err, sizeof(err));
        if (ctx.html == NULL) {
            fprintf(stderr, "rdpdiag: %s\n", err);
            rd_attempts_free(&ctx.attempts);
            return RD_EXIT_USAGE;
        }
    }
    rd_report_init(&ctx.report, &rep, stdout);
    rc = rd_run(&ro, print_conn, &ctx, &run, err, sizeof(err));
    rd_attempts_close_all(&ctx.attempts);
    if (rc != 0) {
        if (ctx.html != NULL) {
            rd_html_discard(ctx.html);
        }
        if (ctx.report.total > 0) {
            rd_report_end(&ctx.report, &run.engine.stats, &ctx.attempts, stderr);
        } else {
            rd_report_discard(&ctx.report);
        }
        fflush(stdout);
        fprintf(stderr, "rdpdiag: %s\n", err);
        rd_attempts_free(&ctx.attempts);
        return RD_EXIT_USAGE;
    }
    if (ctx.html != NULL) {
        char herr[RD_ERRBUF_SIZE];
        if (rd_html_close(ctx.html, &ctx.report, &ctx.attempts, &run.engine.stats, herr,
                          sizeof(herr)) != 0) {
            rd_report_end(&ctx.report, &run.engine.stats, &ctx.attempts, stderr);
            rd_attempts_free(&ctx.attempts);
            fflush(stdout);
            fprintf(stderr, "rdpdiag: %s\n", herr);
            return RD_EXIT_USAGE;
        }
    }
    rd_report_end(&ctx.report, &run.engine.stats, &ctx.attempts, stderr);
    rd_attempts_free(&ctx.attempts);
    if (run.write_error[0] != '\0') {
        fflush(stdout);
        fprintf(stderr, "rdpdiag: %s\n", run.write_error);
        return RD_EXIT_USAGE;
    }
    if (run.have_drops) {
        fprintf(rep.format == RD_FMT_TEXT ? stdout : stderr,
                "live: %" PRIu64 " packets received by the filter, %" PRIu64
                " dropped by the kernel\n",
                run.kernel_received, run.kernel_dropped);
    }
    return ctx.report.failed > 0 ? RD_EXIT_FAILED : RD_EXIT_OK;
}

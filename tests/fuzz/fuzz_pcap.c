/*
 * fuzz_pcap.c - the whole pipeline on one capture file: libpcap reads the
 * input through fmemopen and pcap_fopen_offline_with_tstamp_precision, each
 * frame goes through decode and the engine (flows, reassembly, session,
 * dissectors, decryption), every finished connection is diagnosed and
 * rendered as text (verbose, all) and as JSON to /dev/null.  A pcapng's
 * Decryption Secrets Blocks are read first, as rd_run does, so inputs with
 * embedded keys reach TLS decryption.  The frame loop is the one of
 * capture.c's rd_capture_loop, which takes only its own opened capture.
 */
#include "config.h"

#include <pcap/pcap.h>
#include <string.h>

#include "attempt.h"
#include "conn.h"
#include "decode.h"
#include "engine.h"
#include "memfd_input.h"
#include "keylog.h"
#include "pcapng_dsb.h"
#include "report.h"
#include "verdict.h"

struct sink {
    struct rd_report text;
    struct rd_report json;
    struct rd_attempts attempts;
};

static void on_done(void *ctx, const struct rd_conn *c, const struct rd_verdict *v)
{
    struct sink *s = ctx;
    uint64_t attempt;

    if ((unsigned)v->cause >= RD_CAUSE_COUNT) {
        fz_fail("verdict cause out of range");
    }
    fz_name(rd_cause_name(v->cause));
    fz_name(rd_phase_name(v->phase));
    fz_name(rd_outcome_name(v->outcome));
    fz_name(rd_closer_name(v->closed_by));
    fz_name(rd_close_kind_name(v->close));
    if (memchr(v->detail_json, '\0', sizeof(v->detail_json)) == NULL ||
        memchr(v->explanation, '\0', sizeof(v->explanation)) == NULL ||
        memchr(v->client_error, '\0', sizeof(v->client_error)) == NULL) {
        fz_fail("verdict string without its NUL");
    }
    attempt = rd_attempts_add(&s->attempts, c, v);
    rd_report_conn(&s->text, c, v, attempt);
    rd_report_conn(&s->json, c, v, attempt);
}

static FILE *devnull(void)
{
    static FILE *f;

    if (f == NULL) {
        f = fopen("/dev/null", "w");
        if (f == NULL) {
            fz_fail("cannot open /dev/null");
        }
    }
    return f;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char perr[PCAP_ERRBUF_SIZE];
    char errbuf[256];
    struct rd_report_opts topts = {.format = RD_FMT_TEXT, .all = true, .verbose = true};
    struct rd_report_opts jopts = {.format = RD_FMT_JSON, .all = true, .verbose = true};
    struct rd_engine_opts eo;
    struct rd_engine e;
    struct rd_secrets secrets = {NULL, NULL};
    struct rd_keylog *kl;
    struct sink s;
    size_t blocks = 0;
    FILE *f;
    pcap_t *p;
    int dlt;

    if (size == 0) {
        return 0;
    }
    kl = rd_keylog_new_capped(64);
    if (kl == NULL) {
        return 0;
    }
    rd_pcapng_read_dsb(fz_memfd_path(data, size), kl, &blocks, errbuf);
    if (rd_keylog_count(kl) > 0) {
        secrets.keylog = kl;
    }
    f = fmemopen((void *)(uintptr_t)data, size, "rb");
    if (f == NULL) {
        rd_keylog_free(kl);
        return 0;
    }
    p = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_NANO, perr);
    if (p == NULL) {
        fclose(f);
        rd_keylog_free(kl);
        return 0;
    }
    dlt = pcap_datalink(p);
    rd_engine_default_opts(&eo);
    eo.max_conns = 8; /* small, so that eviction is reached too */
    eo.secrets = &secrets;
    memset(&s, 0, sizeof(s));
    if (rd_decode_dlt_supported(dlt) && rd_attempts_init(&s.attempts) == 0 &&
        rd_report_init(&s.text, &topts, devnull()) == 0 &&
        rd_report_init(&s.json, &jopts, devnull()) == 0 &&
        rd_engine_init(&e, &eo, on_done, &s, errbuf, sizeof(errbuf)) == 0) {
        struct pcap_pkthdr *h;
        const u_char *pkt;

        while (pcap_next_ex(p, &h, &pkt) == 1) {
            struct rd_packet rp;
            e.stats.frames++;
            rp.frame = e.stats.frames;
            /* capture.c multiplies in int64_t, which overflows for pcapng timestamps past
             * year 2262 (tests/fuzz/crashes/cli-capture-ts-overflow.pcapng), and wrapped
             * times overflow the engine's differences (pcap-time-difference-overflow).
             * Until capture.c rejects them, the harness skips such frames the way the
             * fixed loop would, so that fuzzing reaches past them. */
            if (h->ts.tv_sec < 0 || h->ts.tv_sec > (INT64_MAX - 999999999) / 1000000000) {
                continue;
            }
            rp.ts_ns = (int64_t)h->ts.tv_sec * 1000000000LL + (int64_t)h->ts.tv_usec;
            if (rd_decode_frame(dlt, pkt, h->caplen, h->len, &rp) == RD_DEC_OK) {
                rd_engine_packet(&e, &rp);
            }
        }
        rd_engine_finish_all(&e);
        rd_attempts_close_all(&s.attempts);
        rd_report_end(&s.text, &e.stats, &s.attempts, devnull());
        rd_report_end(&s.json, &e.stats, &s.attempts, devnull());
        rd_engine_free(&e);
    }
    rd_attempts_free(&s.attempts);
    pcap_close(p); /* closes f */
    rd_keylog_free(kl);
    return 0;
}

/*
 * capture.c - libpcap setup and the read loop (STYLE.md §5).
 *
 * Files: opened on our own FILE with a 256 KiB stdio buffer and handed to
 * pcap_fopen_offline_with_tstamp_precision (nanoseconds), which roughly halves
 * libpcap's own cost per byte.  No kernel filter: every frame is counted so
 * that frame numbers match Wireshark's; a user's filter expression is run per
 * frame with pcap_offline_filter.
 * Live: pcap_create, snaplen 262144, immediate mode, a 4 MiB buffer,
 * pcap_activate (positive: a warning to print; negative: an error), then the
 * RDP filter in the kernel.
 */
#include "config.h"

#include "capture.h"

#include <errno.h>
#include <grp.h>
#include <poll.h>
#include <pcap/pcap.h>
#include <pthread.h>
#include <pwd.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "decode.h"
#include "pcapfile.h"
#include "pktq.h"

#define FILE_BUFFER  (256 * 1024)
#define LIVE_SNAPLEN 262144
#define LIVE_BUFFER  (4 * 1024 * 1024)
#define LIVE_TIMEOUT 200 /* ms: how often an idle live loop advances the clock */
#define FILTER_MAX   4096
/* The reading thread's queue: 4 chunks of 1 MiB, a few thousand packets each. */
#define QUEUE_CHUNKS     4
#define QUEUE_CHUNK_SIZE (1024 * 1024)

struct rd_capture {
    pcap_t *p;
    FILE *file;
    char *filebuf;
    /* A classic pcap file read in blocks (pcapfile.h) until it hands over to
     * libpcap; fast_hdr is the current record's header in libpcap's form. */
    bool fast;
    struct rd_pcapfile blocks;
    struct pcap_pkthdr fast_hdr;
    bool live;
    bool regular_file; /* -r of a regular file: read in a second thread */
    bool one_thread;   /* asked for by the caller */
    bool have_filter;  /* offline: run prog on each frame */
    struct bpf_program prog;
    pcap_dumper_t *dumper;
    int dlt;
    const char *name;
    /* -w with -G/-C rotation */
    const char *write_pattern;
    unsigned rotate_secs, rotate_mb, rotate_count;
    int64_t dump_opened_sec;
    uint64_t dumped;
    char write_error[256];
    /* live status line */
    bool status_line;
    int64_t status_next_ms;
    int fd; /* live: pollable descriptor, -1 when there is none */
};

static bool status_shown;

static struct rd_capture *signal_cap;
static volatile sig_atomic_t *signal_stop;

static void on_signal(int sig)
{
    (void)sig;
    if (signal_stop != NULL) {
        *signal_stop = 1;
    }
    if (signal_cap != NULL && signal_cap->p != NULL) {
        pcap_breakloop(signal_cap->p);
    }
}

void rd_capture_handle_signals(struct rd_capture *cap, volatile sig_atomic_t *stop)
{
    struct sigaction sa;

    signal_cap = cap;
    signal_stop = stop;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

/*
 * The RDP ports plus what explains their failures: Kerberos, DNS, ICMP errors,
 * ANDed with the user's expression.  On Ethernet the same test is repeated
 * behind one and two VLAN tags; libpcap's "vlan" shifts the offsets for the
 * rest of the expression, so the tagged forms nest instead of following each
 * other: "X or (vlan and (X or (vlan and X)))".
 */
static int build_filter(const struct rd_capture_opts *o, int dlt, char *buf, size_t size)
{
    char base[1024], one[1536];
    size_t n;
    int w;

    w = snprintf(base, sizeof(base), "(");
    n = (size_t)w;
    for (unsigned i = 0; i < o->nports && n < sizeof(base); i++) {
        w = snprintf(base + n, sizeof(base) - n, "%stcp port %u", i ? " or " : "", o->ports[i]);
        n += (size_t)w;
    }
    if (n < sizeof(base)) {
        snprintf(base + n, sizeof(base) - n, " or port 88 or port 53 or icmp or icmp6)");
    }
    if (o->filter != NULL && o->filter[0] != '\0') {
        w = snprintf(one, sizeof(one), "(%s and (%s))", base, o->filter);
    } else {
        w = snprintf(one, sizeof(one), "%s", base);
    }
    if (w < 0 || (size_t)w >= sizeof(one)) {
        return -1;
    }
    if (dlt == DLT_EN10MB) {
        w = snprintf(buf, size, "%s or (vlan and (%s or (vlan and %s)))", one, one, one);
    } else {
        w = snprintf(buf, size, "%s", one);
    }
    return w < 0 || (size_t)w >= size ? -1 : 0;
}

static int compile(struct rd_capture *cap, const struct rd_capture_opts *o, char *errbuf,
                   size_t errsize)
{
    char expr[FILTER_MAX];

    if (build_filter(o, cap->dlt, expr, sizeof(expr)) != 0) {
        snprintf(errbuf, errsize, "filter expression too long");
        return -1;
    }
    if (pcap_compile(cap->p, &cap->prog, expr, 1, PCAP_NETMASK_UNKNOWN) != 0) {
        snprintf(errbuf, errsize, "bad filter expression '%s': %s",
                 o->filter != NULL ? o->filter : "", pcap_geterr(cap->p));
        return -1;
    }
    cap->have_filter = true;
    return 0;
}

static int open_file(struct rd_capture *cap, const struct rd_capture_opts *o, char *errbuf,
                     size_t errsize)
{
    char perr[PCAP_ERRBUF_SIZE];
    struct stat st;
    bool is_stdin = strcmp(o->file, "-") == 0;

    cap->name = is_stdin ? "standard input" : o->file;
    if (!is_stdin) {
        if (stat(o->file, &st) != 0) {
            snprintf(errbuf, errsize, "%s: %s", o->file, strerror(errno));
            return -1;
        }
        if (S_ISDIR(st.st_mode)) {
            snprintf(errbuf, errsize, "%s: is a directory, not a capture file", o->file);
            return -1;
        }
        if (S_ISREG(st.st_mode) && st.st_size == 0) {
            snprintf(errbuf, errsize, "%s: empty file, not a capture", o->file);
            return -1;
        }
        cap->regular_file = S_ISREG(st.st_mode);
        cap->file = fopen(o->file, "rb");
        if (cap->file == NULL) {
            snprintf(errbuf, errsize, "%s: %s", o->file, strerror(errno));
            return -1;
        }
    } else {
        cap->file = stdin;
    }
    cap->filebuf = malloc(FILE_BUFFER);
    if (cap->filebuf != NULL) {
        setvbuf(cap->file, cap->filebuf, _IOFBF, FILE_BUFFER);
    }
    cap->p = pcap_fopen_offline_with_tstamp_precision(cap->file, PCAP_TSTAMP_PRECISION_NANO, perr);
    if (cap->p == NULL) {
        if (strstr(perr, "unknown file format") != NULL) {
            snprintf(errbuf, errsize, "%s: not a pcap or pcapng capture (unknown file format)",
                     cap->name);
        } else if (strstr(perr, "truncated") != NULL) {
            snprintf(errbuf, errsize, "%s: truncated inside the file header (%s)", cap->name, perr);
        } else {
            snprintf(errbuf, errsize, "%s: %s", cap->name, perr);
        }
        return -1;
    }
    cap->dlt = pcap_datalink(cap->p);
    if (!rd_decode_dlt_supported(cap->dlt)) {
        const char *name = pcap_datalink_val_to_name(cap->dlt);
        snprintf(errbuf, errsize, "%s: unsupported link type %d (%s)", cap->name, cap->dlt,
                 name != NULL ? name : "unknown");
        return -1;
    }
    if (o->filter != NULL && o->filter[0] != '\0') {
        char why[512];
        if (compile(cap, o, why, sizeof(why)) != 0) {
            snprintf(errbuf, errsize, "%s", why);
            return -1;
        }
    }
    /* RDPDIAG_READ=libpcap keeps libpcap's own reader (tests compare the two). */
    if (cap->regular_file &&
        (getenv("RDPDIAG_READ") == NULL || strcmp(getenv("RDPDIAG_READ"), "libpcap") != 0)) {
        cap->fast = rd_pcapfile_open(&cap->blocks, cap->file, (uint32_t)pcap_snapshot(cap->p));
    }
    return 0;
}

/* pcap_next_ex, from the block reader while it has the file. */
static int next_frame(struct rd_capture *cap, struct pcap_pkthdr **h, const u_char **data)
{
    if (cap->fast) {
        struct rd_pcapfile_rec rec;
        switch (rd_pcapfile_next(&cap->blocks, &rec)) {
        case RD_PCAPFILE_FRAME:
            cap->fast_hdr.ts.tv_sec = (time_t)rec.ts_sec;
            cap->fast_hdr.ts.tv_usec = (suseconds_t)rec.ts_nsec;
            cap->fast_hdr.caplen = rec.caplen;
            cap->fast_hdr.len = rec.len;
            *h = &cap->fast_hdr;
            *data = rec.data;
            return 1;
        case RD_PCAPFILE_END:
            return PCAP_ERROR_BREAK; /* what pcap_next_ex returns at the end of a file */
        case RD_PCAPFILE_HANDOVER:
            rd_pcapfile_close(&cap->blocks);
            cap->fast = false;
            break;
        }
    }
    return pcap_next_ex(cap->p, h, data);
}

static int open_live(struct rd_capture *cap, const struct rd_capture_opts *o, char *errbuf,
                     size_t errsize)
{
    char perr[PCAP_ERRBUF_SIZE];
    int rc;

    cap->live = true;
    cap->name = o->iface;
    cap->p = pcap_create(o->iface, perr);
    if (cap->p == NULL) {
        snprintf(errbuf, errsize, "%s: %s", o->iface, perr);
        return -1;
    }
    pcap_set_snaplen(cap->p, LIVE_SNAPLEN);
    pcap_set_promisc(cap->p, 1);
    pcap_set_timeout(cap->p, LIVE_TIMEOUT);
    pcap_set_immediate_mode(cap->p, 1);
    pcap_set_buffer_size(cap->p, LIVE_BUFFER);
    pcap_set_tstamp_precision(cap->p, PCAP_TSTAMP_PRECISION_NANO);
    rc = pcap_activate(cap->p);
    if (rc < 0) {
        const char *why = pcap_statustostr(rc);
        if (rc == PCAP_ERROR_NO_SUCH_DEVICE) {
            snprintf(errbuf, errsize, "%s: no such interface", o->iface);
        } else if (rc == PCAP_ERROR_PERM_DENIED) {
            snprintf(errbuf, errsize,
                     "%s: permission denied (live capture needs root or CAP_NET_RAW)", o->iface);
        } else {
            snprintf(errbuf, errsize, "%s: %s (%s)", o->iface, why, pcap_geterr(cap->p));
        }
        return -1;
    }
    if (rc > 0) {
        fprintf(stderr, "rdpdiag: warning: %s: %s (%s)\n", o->iface, pcap_statustostr(rc),
                pcap_geterr(cap->p));
    }
    /* Immediate mode ignores the buffer timeout: read without blocking and wait
     * with poll, so that an idle capture still finishes connections on time. */
    if (pcap_setnonblock(cap->p, 1, perr) != 0) {
        snprintf(errbuf, errsize, "%s: %s", o->iface, perr);
        return -1;
    }
    cap->fd = pcap_get_selectable_fd(cap->p);
    cap->dlt = pcap_datalink(cap->p);
    if (!rd_decode_dlt_supported(cap->dlt)) {
        const char *name = pcap_datalink_val_to_name(cap->dlt);
        snprintf(errbuf, errsize, "%s: unsupported link type %d (%s)", o->iface, cap->dlt,
                 name != NULL ? name : "unknown");
        return -1;
    }
    if (compile(cap, o, errbuf, errsize) != 0) {
        return -1;
    }
    if (pcap_setfilter(cap->p, &cap->prog) != 0) {
        snprintf(errbuf, errsize, "%s: cannot set the filter: %s", o->iface, pcap_geterr(cap->p));
        return -1;
    }
    cap->have_filter = false; /* the kernel runs it */
    pcap_freecode(&cap->prog);
    return 0;
}

/* -Z: initgroups, setgid, setuid, each checked, then prove root is gone. */
static int drop_privileges(const char *user, char *errbuf, size_t errsize)
{
    struct passwd *pw = getpwnam(user);

    if (pw == NULL) {
        snprintf(errbuf, errsize, "-Z %s: no such user", user);
        return -1;
    }
    if (initgroups(pw->pw_name, pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 ||
        setuid(pw->pw_uid) != 0) {
        snprintf(errbuf, errsize, "-Z %s: cannot drop privileges: %s", user, strerror(errno));
        return -1;
    }
    if (pw->pw_uid != 0 && setuid(0) == 0) {
        snprintf(errbuf, errsize, "-Z %s: root could be regained after dropping it", user);
        return -1;
    }
    return 0;
}

/* The -G file name: %Y %m %d %H %M %S (UTC) and %% in the pattern, as tcpdump's
 * strftime names use them. */
static int expand_time(const char *pat, const struct tm *tm, char *out, size_t size)
{
    size_t n = 0;

    for (const char *p = pat; *p != '\0'; p++) {
        int v = -1, width = 2, w;
        if (*p == '%' && p[1] != '\0') {
            switch (*++p) {
            case 'Y':
                v = tm->tm_year + 1900;
                width = 4;
                break;
            case 'm':
                v = tm->tm_mon + 1;
                break;
            case 'd':
                v = tm->tm_mday;
                break;
            case 'H':
                v = tm->tm_hour;
                break;
            case 'M':
                v = tm->tm_min;
                break;
            case 'S':
                v = tm->tm_sec;
                break;
            case '%':
                break;
            default:
                return -1;
            }
        }
        if (v >= 0) {
            w = snprintf(out + n, size - n, "%0*d", width, v);
        } else {
            w = snprintf(out + n, size - n, "%c", *p);
        }
        if (w < 0 || (size_t)w >= size - n) {
            return -1;
        }
        n += (size_t)w;
    }
    return 0;
}

/* Open the -w file for the packet at time sec: a strftime pattern with -G, a
 * numbered name with -C after the first file. */
static int open_dumper(struct rd_capture *cap, int64_t sec, char *errbuf, size_t errsize)
{
    char name[1024];
    int w;

    if (cap->rotate_secs > 0) {
        time_t t = (time_t)sec;
        struct tm tm;
        if (gmtime_r(&t, &tm) == NULL ||
            expand_time(cap->write_pattern, &tm, name, sizeof(name)) != 0) {
            snprintf(errbuf, errsize, "%s: cannot make a file name from this pattern",
                     cap->write_pattern);
            return -1;
        }
    } else {
        w = cap->rotate_count == 0
                ? snprintf(name, sizeof(name), "%s", cap->write_pattern)
                : snprintf(name, sizeof(name), "%s%u", cap->write_pattern, cap->rotate_count);
        if (w < 0 || (size_t)w >= sizeof(name)) {
            snprintf(errbuf, errsize, "%s: file name too long", cap->write_pattern);
            return -1;
        }
    }
    cap->dumper = pcap_dump_open(cap->p, name);
    if (cap->dumper == NULL) {
        snprintf(errbuf, errsize, "%s: %s", name, pcap_geterr(cap->p));
        return -1;
    }
    cap->dump_opened_sec = sec;
    return 0;
}

/* Save one packet; rotate first when -G or -C says so.  A write error stops
 * saving (the analysis goes on) and is reported once. */
static void dump_packet(struct rd_capture *cap, const struct pcap_pkthdr *h, const u_char *data)
{
    bool rotate = false;

    if (cap->dumper == NULL) {
        return;
    }
    if (cap->rotate_secs > 0 && h->ts.tv_sec - cap->dump_opened_sec >= (int64_t)cap->rotate_secs) {
        rotate = true;
    }
    if (cap->rotate_mb > 0 && pcap_dump_ftell64(cap->dumper) >= (int64_t)cap->rotate_mb * 1000000) {
        rotate = true;
    }
    if (rotate) {
        pcap_dump_close(cap->dumper);
        cap->dumper = NULL;
        cap->rotate_count++;
        if (open_dumper(cap, h->ts.tv_sec, cap->write_error, sizeof(cap->write_error)) != 0) {
            return;
        }
    }
    pcap_dump((u_char *)cap->dumper, h, data);
    if ((++cap->dumped & 255) == 0 && pcap_dump_flush(cap->dumper) != 0) {
        snprintf(cap->write_error, sizeof(cap->write_error), "%s: %s; packets are no longer saved",
                 cap->write_pattern, strerror(errno));
        pcap_dump_close(cap->dumper);
        cap->dumper = NULL;
    }
}

const char *rd_capture_write_error(const struct rd_capture *cap)
{
    return cap->write_error[0] != '\0' ? cap->write_error : NULL;
}

void rd_capture_status_clear(void)
{
    if (status_shown) {
        fputs("\r\033[K", stderr);
        status_shown = false;
    }
}

/* Live, on a terminal: connections open / ended / failed, packets, drops. */
static void status(struct rd_capture *cap, const struct rd_engine *e)
{
    struct timespec now;
    struct pcap_stat ps;
    int64_t ms;

    clock_gettime(CLOCK_MONOTONIC, &now);
    ms = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
    if (ms < cap->status_next_ms) {
        return;
    }
    cap->status_next_ms = ms + 500;
    if (pcap_stats(cap->p, &ps) != 0) {
        ps.ps_drop = 0;
        ps.ps_ifdrop = 0;
    }
    fprintf(stderr,
            "\r\033[K%s: %zu open, %llu ended, %llu failed; %llu packets, %llu dropped by the "
            "kernel",
            cap->name, e->flows.count, (unsigned long long)(e->stats.connections - e->flows.count),
            (unsigned long long)e->stats.failed, (unsigned long long)e->stats.frames,
            (unsigned long long)ps.ps_drop + ps.ps_ifdrop);
    fflush(stderr);
    status_shown = true;
}

struct rd_capture *rd_capture_open(const struct rd_capture_opts *o, char *errbuf, size_t errsize)
{
    struct rd_capture *cap = calloc(1, sizeof(*cap));
    int rc;

    if (cap != NULL) {
        cap->fd = -1;
    }

    if (cap == NULL) {
        snprintf(errbuf, errsize, "out of memory");
        return NULL;
    }
    rc = o->iface != NULL ? open_live(cap, o, errbuf, errsize) : open_file(cap, o, errbuf, errsize);
    cap->status_line = o->status_line && cap->live;
    cap->one_thread = o->one_thread;
    if (rc == 0 && o->write_file != NULL) {
        struct timespec now;
        clock_gettime(CLOCK_REALTIME, &now);
        cap->write_pattern = o->write_file;
        cap->rotate_secs = o->rotate_secs;
        cap->rotate_mb = o->rotate_mb;
        rc = open_dumper(cap, now.tv_sec, errbuf, errsize);
    }
    if (rc == 0 && o->drop_user != NULL) {
        rc = drop_privileges(o->drop_user, errbuf, errsize);
    } else if (rc == 0 && cap->live && geteuid() == 0) {
        fprintf(stderr, "rdpdiag: warning: parsing packets as root; -Z USER drops privileges "
                        "after the interface is open\n");
    }
    if (rc != 0) {
        rd_capture_close(cap);
        return NULL;
    }
    return cap;
}

/* A capture's timestamp in nanoseconds.  Seconds are clamped to 1970..2106 (the
 * range of the classic format's 32-bit field) so that a corrupt record can
 * overflow neither this product nor any difference of two timestamps. */
static int64_t stamp_ns(const struct pcap_pkthdr *h)
{
    const int64_t max_sec = 4294967295LL;
    int64_t sec = (int64_t)h->ts.tv_sec;
    int64_t frac = (int64_t)h->ts.tv_usec; /* nanoseconds: the file was opened for them */

    if (sec > max_sec) {
        sec = max_sec;
    } else if (sec < 0) {
        sec = 0;
    }
    if (frac >= 1000000000LL || frac <= -1000000000LL) {
        frac %= 1000000000LL; /* never from libpcap; no division per frame otherwise */
    }
    return sec * 1000000000LL + frac;
}

/* Count a frame that did not decode, by reason. */
static void count_decode(enum rd_decode_result r, uint64_t *not_ip, uint64_t *fragments,
                         uint64_t *truncated, uint64_t *malformed)
{
    switch (r) {
    case RD_DEC_OK:
        break;
    case RD_DEC_NOT_IP:
        (*not_ip)++;
        break;
    case RD_DEC_FRAGMENT:
        (*fragments)++;
        break;
    case RD_DEC_TRUNCATED:
        (*truncated)++;
        break;
    case RD_DEC_MALFORMED:
        (*malformed)++;
        break;
    }
}

/* Bring the engine's frame counters up to the reading side's, as of one frame
 * (the engine adds to some of them itself, so they are added, not copied). */
static void apply_counts(struct rd_engine_stats *st, struct rd_pktq_counts *applied,
                         const struct rd_pktq_counts *now)
{
    st->frames += now->frames - applied->frames;
    st->other += now->other - applied->other;
    st->not_ip += now->not_ip - applied->not_ip;
    st->fragments += now->fragments - applied->fragments;
    st->truncated += now->truncated - applied->truncated;
    st->malformed += now->malformed - applied->malformed;
    st->payload_cut += now->payload_cut - applied->payload_cut;
    *applied = *now;
}

/*
 * The reading side of one frame: count it, run the user's filter, save it
 * (-w), skip it cheaply when its ports say it cannot matter, decode it.  True
 * when *pkt is to be analysed.  With *raw set on entry the decode may be left
 * to the analysing side: *raw stays set when it was (pkt then holds the frame
 * itself, see rd_pktq_append); it is cleared for a frame that must be
 * decoded here, one that could teach the port set a new port.
 */
static bool take_frame(struct rd_capture *cap, const struct rd_portset *ports,
                       struct rd_pktq_counts *n, const struct pcap_pkthdr *h, const u_char *data,
                       struct rd_packet *pkt, bool *raw)
{
    uint16_t sport, dport;
    uint8_t proto;
    int first;
    bool peeked = false;
    enum rd_decode_result r;

    n->frames++;
    if (cap->have_filter && pcap_offline_filter(&cap->prog, h, data) == 0) {
        return false;
    }
    dump_packet(cap, h, data);
    pkt->frame = n->frames;
    pkt->ts_ns = stamp_ns(h);
    if (*raw) {
        peeked = rd_decode_peek_ports(cap->dlt, data, h->caplen, &proto, &sport, &dport, &first);
        if (peeked && !rd_portset_wants(ports, proto, sport, dport, first)) {
            n->other++;
            return false;
        }
        if (peeked && (rd_portset_has(ports, sport) || rd_portset_has(ports, dport))) {
            /* A raw record carries these fields only (rd_pktq_append). */
            pkt->caplen = h->caplen;
            pkt->wirelen = h->len;
            pkt->payload = data;
            pkt->paylen = h->caplen;
            return true;
        }
        *raw = false;
    }
    /* Most frames are untagged Ethernet/IPv4/TCP: decoded at once, then
     * judged by their ports; the rest are peeked at first and decoded only
     * when they may matter. */
    if (!peeked && rd_decode_fast(cap->dlt, data, h->caplen, h->len, pkt, &first)) {
        if (!rd_portset_wants(ports, 6, pkt->sport, pkt->dport, first)) {
            n->other++;
            return false;
        }
        r = RD_DEC_OK;
    } else {
        if (!peeked &&
            rd_decode_peek_ports(cap->dlt, data, h->caplen, &proto, &sport, &dport, &first) &&
            !rd_portset_wants(ports, proto, sport, dport, first)) {
            n->other++; /* not ours: no need to decode it further */
            return false;
        }
        r = rd_decode_frame(cap->dlt, data, h->caplen, h->len, pkt);
    }
    count_decode(r, &n->not_ip, &n->fragments, &n->truncated, &n->malformed);
    if (r != RD_DEC_OK) {
        return false;
    }
    if (pkt->paylen < pkt->paylen_wire) {
        n->payload_cut++;
    }
    return true;
}

/* The analysing side of a raw record: decode it as take_frame would have. */
static bool decode_raw(struct rd_capture *cap, struct rd_engine_stats *st,
                       const struct rd_pktq_item *it, struct rd_packet *pkt)
{
    enum rd_decode_result r;

    pkt->frame = it->frame;
    pkt->ts_ns = it->ts_ns;
    r = rd_decode_frame(cap->dlt, it->bytes, it->caplen, it->wirelen, pkt);
    count_decode(r, &st->not_ip, &st->fragments, &st->truncated, &st->malformed);
    if (r != RD_DEC_OK) {
        return false;
    }
    if (pkt->paylen < pkt->paylen_wire) {
        st->payload_cut++;
    }
    return true;
}

static int loop_one_thread(struct rd_capture *cap, struct rd_engine *e, volatile sig_atomic_t *stop,
                           char *errbuf, size_t errsize)
{
    struct pcap_pkthdr *h;
    const u_char *data;
    struct rd_packet pkt;
    struct rd_pktq_counts n = {0}, applied = {0};

    while (*stop == 0) {
        int rc = next_frame(cap, &h, &data);
        bool take;

        if (cap->status_line) {
            status(cap, e);
        }
        if (rc == 0) { /* live and idle: wait a little, let idle connections finish */
            struct timespec now;
            if (cap->fd >= 0) {
                struct pollfd pfd = {cap->fd, POLLIN, 0};
                poll(&pfd, 1, LIVE_TIMEOUT);
            }
            clock_gettime(CLOCK_REALTIME, &now);
            rd_engine_tick(e, (int64_t)now.tv_sec * 1000000000LL + now.tv_nsec);
            continue;
        }
        if (rc == PCAP_ERROR_BREAK) {
            break;
        }
        if (rc == PCAP_ERROR) {
            snprintf(errbuf, errsize, "%s: %s", cap->name, pcap_geterr(cap->p));
            return -1;
        }
        if (rc != 1) {
            break; /* PCAP_ERROR_NO_MORE_PACKETS: end of file */
        }
        bool raw = false;
        take = take_frame(cap, &e->rdp, &n, h, data, &pkt, &raw);
        apply_counts(&e->stats, &applied, &n);
        if (take) {
            rd_engine_packet(e, &pkt);
        }
    }
    return 0;
}

/* The reading thread: frames to decoded records, in order, until end of
 * input, a read error, or the analysing thread closing the queue. */
enum split { SPLIT_ADAPT, SPLIT_RAW, SPLIT_DECODE };

struct reader {
    struct rd_capture *cap;
    struct rd_pktq q;
    struct rd_portset ports; /* the engine's, learned in step with it */
    enum split split;        /* RDPDIAG_READAHEAD=raw|decode fixes it (tests) */
    unsigned raw_share;      /* of RAW_STEPS chunks, how many go raw (SPLIT_ADAPT) */
    unsigned raw_acc;        /* spreads them evenly */
};

/*
 * Which side decodes is decided per chunk, by who waited for whom.  The share of
 * chunks handed over raw (the analysing thread decodes them) moves one step per
 * chunk: up when the analysing thread found the queue empty (the reader is the
 * slower side), down when the reader found no free chunk; raw chunks are spread
 * evenly over that share.  So the split settles where both threads are equally
 * busy instead of swinging between all raw and all decoded.  Either way the
 * output is the same; only the balance of work between the two cores moves.
 */
#define RAW_STEPS 16

static struct rd_pktq_chunk *next_chunk(struct reader *r, bool *raw_mode)
{
    bool reader_waited = false, analyser_waited = false;
    struct rd_pktq_chunk *ch = rd_pktq_get_empty(&r->q, &reader_waited, &analyser_waited);

    if (r->split != SPLIT_ADAPT) {
        *raw_mode = r->split == SPLIT_RAW;
        return ch;
    }
    if (reader_waited && r->raw_share > 0) {
        r->raw_share--;
    } else if (analyser_waited && !reader_waited && r->raw_share < RAW_STEPS) {
        r->raw_share++;
    }
    r->raw_acc += r->raw_share;
    *raw_mode = r->raw_acc >= RAW_STEPS;
    if (*raw_mode) {
        r->raw_acc -= RAW_STEPS;
    }
    return ch;
}

static void *reader_main(void *arg)
{
    struct reader *r = arg;
    struct rd_capture *cap = r->cap;
    struct rd_pktq_counts n = {0}, last = {0};
    bool raw_mode = r->split == SPLIT_RAW;
    struct rd_pktq_chunk *ch;
    struct pcap_pkthdr *h;
    const u_char *data;
    struct rd_packet pkt;

    (void)pthread_setname_np(pthread_self(), "rdpdiag-read"); /* for top and perf */
    ch = next_chunk(r, &raw_mode);
    while (ch != NULL) {
        int rc = next_frame(cap, &h, &data);

        if (rc == 1) {
            bool raw = raw_mode;
            if (!take_frame(cap, &r->ports, &n, h, data, &pkt, &raw)) {
                continue;
            }
            if (!raw) {
                rd_portset_learn(&r->ports, &pkt);
            }
            if (rd_pktq_append(ch, &pkt, raw, &n, &last)) {
                continue;
            }
            rd_pktq_put_full(&r->q, ch);
            ch = next_chunk(r, &raw_mode);
            if (ch == NULL) {
                break; /* the analysing side stopped */
            }
            if (rd_pktq_append(ch, &pkt, raw, &n, &last)) {
                continue;
            }
            rc = PCAP_ERROR;
            snprintf(ch->error, sizeof(ch->error), "%s: out of memory for a %u-byte frame",
                     cap->name, h->caplen);
        } else if (rc == PCAP_ERROR) {
            snprintf(ch->error, sizeof(ch->error), "%s: %s", cap->name, pcap_geterr(cap->p));
        }
        ch->last = true;
        ch->status = rc == PCAP_ERROR ? -1 : 0;
        ch->counts = n;
        rd_pktq_put_full(&r->q, ch);
        break;
    }
    return NULL;
}

/* 1 when the thread could not be started (the caller reads in one thread). */
static int loop_two_threads(struct rd_capture *cap, struct rd_engine *e,
                            volatile sig_atomic_t *stop, char *errbuf, size_t errsize)
{
    struct reader *r = calloc(1, sizeof(*r));
    struct rd_pktq_counts applied = {0};
    pthread_t thread;
    int status = 0;

    if (r == NULL) {
        return 1;
    }
    r->cap = cap;
    r->split = SPLIT_ADAPT;
    {
        const char *mode = getenv("RDPDIAG_READAHEAD");
        if (mode != NULL && strcmp(mode, "raw") == 0) {
            r->split = SPLIT_RAW;
        } else if (mode != NULL && strcmp(mode, "decode") == 0) {
            r->split = SPLIT_DECODE;
        }
    }
    rd_engine_copy_ports(e, &r->ports);
    if (rd_pktq_init(&r->q, QUEUE_CHUNKS, QUEUE_CHUNK_SIZE) != 0) {
        free(r);
        return 1;
    }
    if (pthread_create(&thread, NULL, reader_main, r) != 0) {
        rd_pktq_free(&r->q);
        free(r);
        return 1;
    }
    for (;;) {
        struct rd_pktq_chunk *ch = rd_pktq_get_full(&r->q);
        struct rd_pktq_item it;
        bool last = ch->last;

        while (*stop == 0 && rd_pktq_next(ch, &it)) {
            struct rd_packet pkt;
            if (it.counts != NULL) {
                apply_counts(&e->stats, &applied, it.counts);
            } else { /* only the frame count moved */
                e->stats.frames += it.frame - applied.frames;
                applied.frames = it.frame;
            }
            if (!it.raw) {
                rd_engine_packet(e, it.pkt);
            } else if (decode_raw(cap, &e->stats, &it, &pkt)) {
                rd_engine_packet(e, &pkt);
            }
        }
        if (last && *stop == 0) {
            apply_counts(&e->stats, &applied, &ch->counts);
            if (ch->status != 0) {
                snprintf(errbuf, errsize, "%s", ch->error);
                status = -1;
            }
        }
        rd_pktq_put_empty(&r->q, ch);
        if (last || *stop != 0) {
            break;
        }
    }
    rd_pktq_close(&r->q);
    pthread_join(thread, NULL);
    rd_pktq_free(&r->q);
    free(r);
    return status;
}

/* The cores this process may run on (taskset, cpusets), not the machine's. */
static long cores_usable(void)
{
    cpu_set_t set;

    if (sched_getaffinity(0, sizeof(set), &set) == 0) {
        return CPU_COUNT(&set);
    }
    return sysconf(_SC_NPROCESSORS_ONLN);
}

int rd_capture_loop(struct rd_capture *cap, struct rd_engine *e, volatile sig_atomic_t *stop,
                    char *errbuf, size_t errsize)
{
    int rc = 1;

    /* A regular file is read ahead in a second thread when there is a second
     * core; live captures and pipes keep one thread, so that every packet is
     * analysed as soon as it arrives. */
    if (cap->regular_file && !cap->one_thread && cap->dumper == NULL && !cap->status_line &&
        cores_usable() > 1) {
        rc = loop_two_threads(cap, e, stop, errbuf, errsize);
    }
    if (rc == 1) {
        rc = loop_one_thread(cap, e, stop, errbuf, errsize);
    }
    rd_capture_status_clear();
    if (cap->dumper != NULL && pcap_dump_flush(cap->dumper) != 0 && cap->write_error[0] == '\0') {
        snprintf(cap->write_error, sizeof(cap->write_error), "%s: %s", cap->write_pattern,
                 strerror(errno));
    }
    return rc;
}

bool rd_capture_drops(struct rd_capture *cap, uint64_t *received, uint64_t *dropped)
{
    struct pcap_stat ps;

    if (!cap->live || pcap_stats(cap->p, &ps) != 0) {
        return false;
    }
    *received = ps.ps_recv;
    *dropped = (uint64_t)ps.ps_drop + ps.ps_ifdrop;
    return true;
}

void rd_capture_close(struct rd_capture *cap)
{
    if (cap == NULL) {
        return;
    }
    if (signal_cap == cap) {
        signal_cap = NULL;
    }
    if (cap->dumper != NULL) {
        pcap_dump_close(cap->dumper);
    }
    if (cap->have_filter) {
        pcap_freecode(&cap->prog);
    }
    if (cap->fast) {
        rd_pcapfile_close(&cap->blocks);
    }
    if (cap->p != NULL) {
        pcap_close(cap->p); /* closes cap->file too */
    } else if (cap->file != NULL && cap->file != stdin) {
        fclose(cap->file);
    }
    free(cap->filebuf);
    free(cap);
}

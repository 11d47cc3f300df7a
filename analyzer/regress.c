/*
 * regress.c - --check: run each capture and compare its verdicts field by field
 * with the reviewed expectations beside it (format in regress.h).
 */
#include "config.h"

#include "regress.h"

#include <dirent.h>
#include <fcntl.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "diagnose.h"
#include "run.h"

#define MAX_CONNS    512
#define MAX_FIELDS   8
#define MAX_EVIDENCE 8
#define LINE_MAX_LEN 1024
#define PATH_LEN     1024

/* What one capture produced, per connection. */
struct got {
    uint64_t id;
    struct rd_verdict v;
};

struct got_list {
    struct got *items;
    size_t n;
    size_t dropped;
};

/* One conn line of an expected file. */
struct want {
    uint64_t id;
    unsigned nfields;
    char key[MAX_FIELDS][16];
    char val[MAX_FIELDS][48];
    unsigned line;
};

struct expect_file {
    char capture[PATH_LEN];
    char options[256];
    struct want conns[MAX_CONNS];
    size_t n;
};

static const char *const known_fields[] = {
    "outcome", "phase", "closed_by", "close", "cause", "client_error", "evidence",
};

static void collect(void *ctx, const struct rd_conn *c, const struct rd_verdict *v)
{
    struct got_list *l = ctx;

    if (l->n == MAX_CONNS) {
        l->dropped++;
        return;
    }
    l->items[l->n].id = c->id;
    l->items[l->n].v = *v;
    l->n++;
}

static char *trim(char *s)
{
    char *e;

    while (*s == ' ' || *s == '\t') {
        s++;
    }
    e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r')) {
        *--e = '\0';
    }
    return s;
}

static bool known_field(const char *k)
{
    for (size_t i = 0; i < sizeof(known_fields) / sizeof(known_fields[0]); i++) {
        if (strcmp(k, known_fields[i]) == 0) {
            return true;
        }
    }
    return false;
}

/* Check a field's value against the vocabulary so that a typo is an error, not a mismatch. */
static bool valid_value(const char *k, const char *val)
{
    static const struct {
        const char *field;
        enum rd_vocab vocab;
    } fields[] = {
        {"phase", RD_VOCAB_PHASE}, {"outcome", RD_VOCAB_OUTCOME}, {"closed_by", RD_VOCAB_CLOSER},
        {"close", RD_VOCAB_CLOSE}, {"cause", RD_VOCAB_CAUSE},
    };

    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        if (strcmp(k, fields[i].field) == 0) {
            return rd_vocab_value(fields[i].vocab, val) >= 0;
        }
    }
    return true; /* client_error and evidence are free text */
}

static int parse_conn_line(char *s, struct want *w, unsigned lineno, char *err, size_t errsize)
{
    char *tok, *save = NULL, *end;

    memset(w, 0, sizeof(*w));
    w->line = lineno;
    tok = strtok_r(s, " \t", &save);
    if (tok == NULL) {
        snprintf(err, errsize, "line %u: 'conn' needs a connection number", lineno);
        return -1;
    }
    w->id = strtoull(tok, &end, 10);
    if (*end != '\0' || w->id == 0) {
        snprintf(err, errsize, "line %u: bad connection number '%s'", lineno, tok);
        return -1;
    }
    while ((tok = strtok_r(NULL, " \t", &save)) != NULL) {
        char *eq = strchr(tok, '=');
        if (eq == NULL) {
            snprintf(err, errsize, "line %u: '%s' is not key=value", lineno, tok);
            return -1;
        }
        *eq = '\0';
        if (!known_field(tok)) {
            snprintf(err, errsize, "line %u: unknown field '%s'", lineno, tok);
            return -1;
        }
        if (!valid_value(tok, eq + 1)) {
            snprintf(err, errsize, "line %u: '%s' is not a %s of the verdict vocabulary", lineno,
                     eq + 1, tok);
            return -1;
        }
        if (w->nfields == MAX_FIELDS || strlen(tok) >= sizeof(w->key[0]) ||
            strlen(eq + 1) >= sizeof(w->val[0])) {
            snprintf(err, errsize, "line %u: too many or too long fields", lineno);
            return -1;
        }
        memcpy(w->key[w->nfields], tok, strlen(tok) + 1);
        memcpy(w->val[w->nfields], eq + 1, strlen(eq + 1) + 1);
        w->nfields++;
    }
    return 0;
}

static int parse_expect(const char *path, struct expect_file *x, char *err, size_t errsize)
{
    FILE *f = fopen(path, "r");
    char line[LINE_MAX_LEN];
    unsigned lineno = 0;

    memset(x, 0, sizeof(*x));
    if (f == NULL) {
        snprintf(err, errsize, "%s: %s", path, strerror(errno));
        return -1;
    }
    while (fgets(line, sizeof(line), f) != NULL) {
        char *s = trim(line);
        char *hash;
        lineno++;
        hash = strchr(s, '#');
        if (hash != NULL) {
            *hash = '\0';
            s = trim(s);
        }
        if (*s == '\0') {
            continue;
        }
        if (strncmp(s, "capture:", 8) == 0) {
            snprintf(x->capture, sizeof(x->capture), "%s", trim(s + 8));
        } else if (strncmp(s, "options:", 8) == 0) {
            snprintf(x->options, sizeof(x->options), "%s", trim(s + 8));
        } else if (strncmp(s, "conn ", 5) == 0) {
            if (x->n == MAX_CONNS) {
                snprintf(err, errsize, "%s: line %u: more than %d connections", path, lineno,
                         MAX_CONNS);
                fclose(f);
                return -1;
            }
            char why[256];
            if (parse_conn_line(s + 5, &x->conns[x->n], lineno, why, sizeof(why)) != 0) {
                snprintf(err, errsize, "%s: %s", path, why);
                fclose(f);
                return -1;
            }
            x->n++;
        } else {
            snprintf(err, errsize, "%s: line %u: unknown line '%.40s'", path, lineno, s);
            fclose(f);
            return -1;
        }
    }
    fclose(f);
    return 0;
}

/* The options an expected file may give its capture. */
/* Key files named by an expected file, resolved next to it. */
struct key_paths {
    char keylog[PATH_LEN];
    char rsakey[PATH_LEN];
};

static int beside(const char *dir, const char *name, char *out, size_t size)
{
    int w =
        name[0] == '/' ? snprintf(out, size, "%s", name) : snprintf(out, size, "%s/%s", dir, name);

    return w < 0 || (size_t)w >= size ? -1 : 0;
}

/* The options an expected file may give its capture. */
static int apply_options(const char *opts, const char *dir, struct rd_run_opts *ro, uint16_t *ports,
                         unsigned *nports, struct key_paths *keys, char *err, size_t errsize)
{
    char buf[256];
    char *tok, *save = NULL;

    snprintf(buf, sizeof(buf), "%s", opts);
    for (tok = strtok_r(buf, " \t", &save); tok != NULL; tok = strtok_r(NULL, " \t", &save)) {
        char *arg;
        unsigned long v;
        char *end;

        if (strcmp(tok, "--no-embedded-keys") == 0) {
            ro->no_embedded_keys = true;
            continue;
        }
        arg = strtok_r(NULL, " \t", &save);
        if (arg == NULL) {
            snprintf(err, errsize, "options: '%s' needs a value", tok);
            return -1;
        }
        if (strcmp(tok, "--keylog") == 0 || strcmp(tok, "--rsa-key") == 0) {
            char *dst = tok[2] == 'k' ? keys->keylog : keys->rsakey;
            if (beside(dir, arg, dst, PATH_LEN) != 0) {
                snprintf(err, errsize, "options: path too long: %s", arg);
                return -1;
            }
            if (tok[2] == 'k') {
                ro->keylog_file = dst;
            } else {
                ro->rsakey_file = dst;
            }
            continue;
        }
        v = strtoul(arg, &end, 10);
        if (*end != '\0') {
            snprintf(err, errsize, "options: bad value '%s' for %s", arg, tok);
            return -1;
        }
        if (strcmp(tok, "--port") == 0 && v > 0 && v < 65536 && *nports < RD_MAX_PORTS) {
            ports[(*nports)++] = (uint16_t)v;
        } else if (strcmp(tok, "--idle-timeout") == 0 && v > 0) {
            ro->eng.idle_timeout_ns = (int64_t)v * 1000000000LL;
        } else {
            snprintf(err, errsize, "options: '%s %s' is not supported here", tok, arg);
            return -1;
        }
    }
    return 0;
}

static const char *got_field(const struct rd_verdict *v, const char *k, char *buf, size_t size)
{
    if (strcmp(k, "outcome") == 0) {
        return rd_outcome_name(v->outcome);
    }
    if (strcmp(k, "phase") == 0) {
        return rd_phase_name(v->phase);
    }
    if (strcmp(k, "closed_by") == 0) {
        return rd_closer_name(v->closed_by);
    }
    if (strcmp(k, "close") == 0) {
        return rd_close_kind_name(v->close);
    }
    if (strcmp(k, "cause") == 0) {
        return rd_cause_name(v->cause);
    }
    if (strcmp(k, "client_error") == 0) {
        return v->client_error[0] != '\0' ? v->client_error : "none";
    }
    /* evidence: the cited frames, comma separated */
    buf[0] = '\0';
    for (unsigned i = 0; i < v->n_evidence; i++) {
        size_t used = strlen(buf);
        snprintf(buf + used, size - used, "%s%" PRIu64, i ? "," : "", v->evidence[i].frame);
    }
    return buf;
}

/* Every frame listed in want must be among the cited ones. */
static bool evidence_ok(const char *want, const struct rd_verdict *v)
{
    char buf[64];
    char *tok, *save = NULL;

    snprintf(buf, sizeof(buf), "%s", want);
    for (tok = strtok_r(buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
        uint64_t fr = strtoull(tok, NULL, 10);
        bool found = false;
        for (unsigned i = 0; i < v->n_evidence; i++) {
            found = found || v->evidence[i].frame == fr;
        }
        if (!found) {
            return false;
        }
    }
    return true;
}

static const struct got *find_got(const struct got_list *l, uint64_t id)
{
    for (size_t i = 0; i < l->n; i++) {
        if (l->items[i].id == id) {
            return &l->items[i];
        }
    }
    return NULL;
}

enum check_result { CHECK_PASS, CHECK_FAIL, CHECK_SKIP, CHECK_ERROR };

static void dir_of(const char *path, char *dir, size_t size)
{
    const char *slash = strrchr(path, '/');

    if (slash == NULL) {
        snprintf(dir, size, ".");
    } else {
        snprintf(dir, size, "%.*s", (int)(slash - path), path);
    }
}

static bool exists(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Locate the capture an expected file speaks of. */
static bool find_capture(const char *expect_path, const struct expect_file *x, char *out,
                         size_t size)
{
    char dir[PATH_LEN];
    size_t n = strlen(expect_path);

    dir_of(expect_path, dir, sizeof(dir));
    if (x->capture[0] != '\0') {
        if (x->capture[0] == '/') {
            snprintf(out, size, "%s", x->capture);
        } else {
            int w = snprintf(out, size, "%s/%s", dir, x->capture);
            if (w < 0 || (size_t)w >= size) {
                return false;
            }
        }
        return exists(out);
    }
    if (n > 9) {
        snprintf(out, size, "%.*s.pcap", (int)(n - 9), expect_path);
        if (exists(out)) {
            return true;
        }
        snprintf(out, size, "%.*s.pcapng", (int)(n - 9), expect_path);
        if (exists(out)) {
            return true;
        }
    }
    return false;
}

static enum check_result check_one(const char *expect_path, FILE *out)
{
    static struct expect_file x;
    static struct key_paths keys;
    char dir[PATH_LEN];
    struct got_list got = {NULL, 0, 0};
    struct rd_run_opts ro;
    struct rd_run run;
    uint16_t ports[RD_MAX_PORTS];
    unsigned nports = 0;
    char capture[PATH_LEN], err[RD_ERRBUF_SIZE], buf[128];
    unsigned mismatches = 0;
    const char *name = expect_path;

    if (parse_expect(expect_path, &x, err, sizeof(err)) != 0) {
        fprintf(out, "ERROR %s\n", err);
        return CHECK_ERROR;
    }
    if (!find_capture(expect_path, &x, capture, sizeof(capture))) {
        fprintf(out, "SKIP  %s: capture %s not found\n", name,
                x.capture[0] ? x.capture : "(NAME.pcap/.pcapng)");
        return CHECK_SKIP;
    }
    memset(&ro, 0, sizeof(ro));
    rd_engine_default_opts(&ro.eng);
    dir_of(expect_path, dir, sizeof(dir));
    if (apply_options(x.options, dir, &ro, ports, &nports, &keys, err, sizeof(err)) != 0) {
        fprintf(out, "ERROR %s: %s\n", name, err);
        return CHECK_ERROR;
    }
    rd_run_set_ports(&ro, ports, nports);
    ro.cap.file = capture;
    got.items = calloc(MAX_CONNS, sizeof(*got.items));
    if (got.items == NULL) {
        fprintf(out, "ERROR %s: out of memory\n", name);
        return CHECK_ERROR;
    }
    if (rd_run(&ro, collect, &got, &run, err, sizeof(err)) != 0) {
        fprintf(out, "FAIL  %s: %s\n", name, err);
        free(got.items);
        return CHECK_FAIL;
    }
    for (size_t i = 0; i < x.n; i++) {
        const struct want *w = &x.conns[i];
        const struct got *g = find_got(&got, w->id);
        if (g == NULL) {
            if (mismatches++ == 0) {
                fprintf(out, "FAIL  %s\n", name);
            }
            fprintf(out, "      conn %" PRIu64 ": expected (line %u) but not in the capture\n",
                    w->id, w->line);
            continue;
        }
        for (unsigned k = 0; k < w->nfields; k++) {
            const char *have = got_field(&g->v, w->key[k], buf, sizeof(buf));
            bool ok = strcmp(w->key[k], "evidence") == 0 ? evidence_ok(w->val[k], &g->v)
                                                         : strcmp(have, w->val[k]) == 0;
            if (!ok) {
                if (mismatches++ == 0) {
                    fprintf(out, "FAIL  %s\n", name);
                }
                fprintf(out, "      conn %" PRIu64 " %s: expected %s, got %s\n", w->id, w->key[k],
                        w->val[k], have);
            }
        }
    }
    for (size_t i = 0; i < got.n; i++) {
        bool listed = false;
        for (size_t j = 0; j < x.n; j++) {
            listed = listed || x.conns[j].id == got.items[i].id;
        }
        if (!listed) {
            const struct rd_verdict *v = &got.items[i].v;
            if (mismatches++ == 0) {
                fprintf(out, "FAIL  %s\n", name);
            }
            fprintf(out,
                    "      conn %" PRIu64 ": not expected (outcome=%s phase=%s closed_by=%s "
                    "close=%s cause=%s)\n",
                    got.items[i].id, rd_outcome_name(v->outcome), rd_phase_name(v->phase),
                    rd_closer_name(v->closed_by), rd_close_kind_name(v->close),
                    rd_cause_name(v->cause));
        }
    }
    free(got.items);
    if (mismatches == 0) {
        fprintf(out, "PASS  %s (%zu connection%s)\n", name, x.n, x.n == 1 ? "" : "s");
        return CHECK_PASS;
    }
    return CHECK_FAIL;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

#define JUNIT_MAX 4096

/* One checked expected file, kept for the JUnit report. */
struct case_record {
    char *name;
    enum check_result r;
    char *text;
};

struct totals {
    unsigned pass, fail, skip, error;
    struct case_record *cases; /* JUNIT_MAX, NULL without --junit */
    size_t n_cases;
};

static void run_case(const char *path, FILE *out, struct totals *t);

static void tally(struct totals *t, enum check_result r)
{
    switch (r) {
    case CHECK_PASS:
        t->pass++;
        break;
    case CHECK_FAIL:
        t->fail++;
        break;
    case CHECK_SKIP:
        t->skip++;
        break;
    case CHECK_ERROR:
        t->error++;
        break;
    }
}

/* A capture in a checked directory with no NAME.expected beside it. */
static bool orphan_capture(const char *dir, const char *name)
{
    char path[PATH_LEN];
    size_t len = strlen(name);
    size_t stem;

    if (len > 5 && strcmp(name + len - 5, ".pcap") == 0) {
        stem = len - 5;
    } else if (len > 7 && strcmp(name + len - 7, ".pcapng") == 0) {
        stem = len - 7;
    } else {
        return false;
    }
    if (snprintf(path, sizeof(path), "%s/%.*s.expected", dir, (int)stem, name) >=
        (int)sizeof(path)) {
        return false;
    }
    return !exists(path);
}

static void check_dir(const char *dir, FILE *out, struct totals *t)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char *names[1024];
    size_t n = 0;

    if (d == NULL) {
        fprintf(out, "ERROR %s: %s\n", dir, strerror(errno));
        t->error++;
        return;
    }
    while ((e = readdir(d)) != NULL && n < sizeof(names) / sizeof(names[0])) {
        size_t len = strlen(e->d_name);
        if (orphan_capture(dir, e->d_name)) {
            fprintf(out,
                    "FAIL  %s/%s: no expected-verdict file beside it (rdpdiag --expect-write "
                    "-r CAPTURE writes one for review)\n",
                    dir, e->d_name);
            t->fail++;
            continue;
        }
        if (len > 9 && strcmp(e->d_name + len - 9, ".expected") == 0) {
            names[n] = malloc(strlen(dir) + len + 2);
            if (names[n] != NULL) {
                snprintf(names[n], strlen(dir) + len + 2, "%s/%s", dir, e->d_name);
                n++;
            }
        }
    }
    closedir(d);
    if (n == 0) {
        fprintf(out, "ERROR %s: no .expected files\n", dir);
        t->error++;
    }
    qsort(names, n, sizeof(names[0]), cmp_str);
    for (size_t i = 0; i < n; i++) {
        run_case(names[i], out, t);
        free(names[i]);
    }
}

static void check_path(const char *path, FILE *out, struct totals *t)
{
    struct stat st;

    if (stat(path, &st) != 0) {
        fprintf(out, "ERROR %s: %s\n", path, strerror(errno));
        t->error++;
    } else if (S_ISDIR(st.st_mode)) {
        check_dir(path, out, t);
    } else {
        run_case(path, out, t);
    }
}

/* Check one expected file, echo its lines, and keep them for --junit. */
static void run_case(const char *path, FILE *out, struct totals *t)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = t->cases != NULL ? open_memstream(&buf, &len) : NULL;
    enum check_result r = check_one(path, m != NULL ? m : out);

    tally(t, r);
    if (m == NULL) {
        return;
    }
    fclose(m);
    fputs(buf != NULL ? buf : "", out);
    if (t->n_cases < JUNIT_MAX) {
        struct case_record *c = &t->cases[t->n_cases++];
        c->name = strdup(path);
        c->r = r;
        c->text = buf;
        buf = NULL;
    }
    free(buf);
}

static void xml_text(FILE *f, const char *s)
{
    for (; s != NULL && *s != '\0'; s++) {
        switch (*s) {
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '&':
            fputs("&amp;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        default:
            if ((unsigned char)*s >= 0x20 || *s == '\n' || *s == '\t') {
                fputc(*s, f);
            }
        }
    }
}

/* JUnit XML, one testcase per expected file, for CI systems. */
static int write_junit(const char *path, const struct totals *t)
{
    FILE *f = fopen(path, "w");

    if (f == NULL) {
        fprintf(stderr, "rdpdiag: %s: %s\n", path, strerror(errno));
        return -1;
    }
    fprintf(f,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<testsuite name=\"rdpdiag --check\" tests=\"%zu\" failures=\"%u\" errors=\"%u\" "
            "skipped=\"%u\">\n",
            t->n_cases, t->fail, t->error, t->skip);
    for (size_t i = 0; i < t->n_cases; i++) {
        const struct case_record *c = &t->cases[i];
        fputs("  <testcase classname=\"rdpdiag\" name=\"", f);
        xml_text(f, c->name);
        fputs("\">", f);
        if (c->r == CHECK_FAIL || c->r == CHECK_ERROR) {
            fprintf(f, "<%s message=\"verdict mismatch\">",
                    c->r == CHECK_FAIL ? "failure" : "error");
            xml_text(f, c->text);
            fprintf(f, "</%s>", c->r == CHECK_FAIL ? "failure" : "error");
        } else if (c->r == CHECK_SKIP) {
            fputs("<skipped message=\"", f);
            xml_text(f, c->text);
            fputs("\"/>", f);
        }
        fputs("</testcase>\n", f);
    }
    fputs("</testsuite>\n", f);
    if (fclose(f) != 0) {
        fprintf(stderr, "rdpdiag: %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

int rd_check_main(int n, char **paths, const char *first, const char *junit, FILE *out)
{
    struct totals t;
    int rc;

    memset(&t, 0, sizeof(t));
    if (junit != NULL) {
        t.cases = calloc(JUNIT_MAX, sizeof(*t.cases));
        if (t.cases == NULL) {
            fprintf(stderr, "rdpdiag: out of memory\n");
            return RD_EXIT_USAGE;
        }
    }
    check_path(first, out, &t);
    for (int i = 0; i < n; i++) {
        check_path(paths[i], out, &t);
    }
    fprintf(out, "%u passed, %u failed, %u skipped\n", t.pass, t.fail + t.error, t.skip);
    rc = t.error > 0 ? RD_EXIT_USAGE : t.fail > 0 ? RD_EXIT_FAILED : RD_EXIT_OK;
    if (junit != NULL && write_junit(junit, &t) != 0) {
        rc = RD_EXIT_USAGE;
    }
    for (size_t i = 0; i < t.n_cases; i++) {
        free(t.cases[i].name);
        free(t.cases[i].text);
    }
    free(t.cases);
    return rc;
}

int rd_expect_write(const struct rd_run_opts *ro, FILE *out)
{
    struct got_list got = {NULL, 0, 0};
    struct rd_run run;
    char path[PATH_LEN], err[RD_ERRBUF_SIZE];
    const char *cap = ro->cap.file;
    size_t n = strlen(cap);
    const char *dot = strrchr(cap, '.');
    const char *slash = strrchr(cap, '/');
    FILE *f;
    int fd;

    if (strcmp(cap, "-") == 0) {
        fprintf(stderr, "rdpdiag: --expect-write needs a capture file, not standard input\n");
        return RD_EXIT_USAGE;
    }
    if (dot != NULL && (slash == NULL || dot > slash)) {
        n = (size_t)(dot - cap);
    }
    if (snprintf(path, sizeof(path), "%.*s.expected", (int)n, cap) >= (int)sizeof(path)) {
        fprintf(stderr, "rdpdiag: %s: path too long\n", cap);
        return RD_EXIT_USAGE;
    }
    got.items = calloc(MAX_CONNS, sizeof(*got.items));
    if (got.items == NULL) {
        fprintf(stderr, "rdpdiag: out of memory\n");
        return RD_EXIT_USAGE;
    }
    if (rd_run(ro, collect, &got, &run, err, sizeof(err)) != 0) {
        fprintf(stderr, "rdpdiag: %s\n", err);
        free(got.items);
        return RD_EXIT_USAGE;
    }
    /* Never overwrite a reviewed file: O_EXCL. */
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd < 0 || (f = fdopen(fd, "w")) == NULL) {
        fprintf(stderr, "rdpdiag: %s: %s%s\n", path, strerror(errno),
                errno == EEXIST ? " (remove it first: rdpdiag never overwrites expectations)" : "");
        if (fd >= 0) {
            close(fd);
        }
        free(got.items);
        return RD_EXIT_USAGE;
    }
    fprintf(f,
            "# %s: written by rdpdiag --expect-write.\n"
            "# Review every line against the packets (tshark) before committing it, and say\n"
            "# here how the capture was made and which frames prove each verdict.\n",
            slash != NULL ? slash + 1 : cap);
    if (ro->eng.nports > 1 || (ro->eng.nports == 1 && ro->eng.ports[0] != 3389)) {
        fputs("options:", f);
        for (unsigned i = 0; i < ro->eng.nports; i++) {
            fprintf(f, " --port %u", ro->eng.ports[i]);
        }
        fputc('\n', f);
    }
    for (size_t i = 0; i < got.n; i++) {
        const struct rd_verdict *v = &got.items[i].v;
        fprintf(f, "conn %" PRIu64 " outcome=%s phase=%s closed_by=%s close=%s cause=%s",
                got.items[i].id, rd_outcome_name(v->outcome), rd_phase_name(v->phase),
                rd_closer_name(v->closed_by), rd_close_kind_name(v->close),
                rd_cause_name(v->cause));
        if (v->n_evidence > 0) {
            fputs(" evidence=", f);
            for (unsigned e = 0; e < v->n_evidence; e++) {
                fprintf(f, "%s%" PRIu64, e ? "," : "", v->evidence[e].frame);
            }
        }
        fputc('\n', f);
    }
    if (fclose(f) != 0) {
        fprintf(stderr, "rdpdiag: %s: %s\n", path, strerror(errno));
        free(got.items);
        return RD_EXIT_USAGE;
    }
    fprintf(out, "wrote %s (%zu connection%s): review it before you commit it\n", path, got.n,
            got.n == 1 ? "" : "s");
    free(got.items);
    return RD_EXIT_OK;
}

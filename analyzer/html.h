/*
 * html.h - the HTML report (--html FILE): one self-contained HTML5 document
 * a support engineer can send on: summary, per-cause and per-server counts,
 * attempts, and per connection a ladder diagram (inline SVG), the verdict,
 * and the certificate when TLS showed one.
 *
 * A renderer like report.c: it never decides anything, it prints what the
 * connection record and its verdict hold.  Every string from the capture is
 * HTML-escaped (and invalid UTF-8 replaced).  No external resource of any kind
 * (a Content-Security-Policy forbids fetches), no wall clock: the same input
 * gives a byte-identical file.
 *
 * Memory stays bounded: each connection is rendered into a temporary file as
 * soon as it finishes; rd_html_close assembles the document.  Past
 * RD_HTML_DRAWN_* connections of one outcome, further ones are listed in the
 * index only.
 */
#ifndef RD_HTML_H
#define RD_HTML_H

#include <stddef.h>
#include <stdint.h>

#include "attempt.h"
#include "conn.h"
#include "engine.h"
#include "report.h"

#define RD_HTML_DRAWN_FAILED     500  /* failed connections drawn in full */
#define RD_HTML_DRAWN_INCOMPLETE 200  /* incomplete connections drawn in full */
#define RD_HTML_DRAWN_OK         100  /* healthy connections drawn (collapsed) */
#define RD_HTML_INDEX_MAX        5000 /* rows of the connection index */

struct rd_html;

/*
 * Create (truncate) the report file at path, mode 0644 before the umask, and
 * the temporary files the sections go to.  title names the input in the
 * report's header (the capture file, or "interface eth0"; NULL: none).
 * Returns NULL with one line in errbuf ("cannot write the HTML report PATH:
 * Is a directory") when the file or a temporary file cannot be made.
 */
struct rd_html *rd_html_open(const char *path, const char *title, char *errbuf, size_t errsize);

/*
 * One finished connection, in the order connections finish, with the id of
 * the attempt it belongs to (rd_attempts_add's answer).  Renders the section
 * right away; c and v are not kept.  A write error is remembered and
 * reported by rd_html_close.
 */
void rd_html_conn(struct rd_html *h, const struct rd_conn *c, const struct rd_verdict *v,
                  uint64_t attempt);

/*
 * After the last connection (and rd_attempts_close_all): write the document -
 * header, totals and per-cause/per-server counts from summary (the text or
 * JSON report's tallies), the attempts (may be NULL), what the capture
 * skipped (st, may be NULL), the connection index, then the sections, failed
 * first and healthy ones collapsed - and close the file.  Frees h in every
 * case.  Returns 0, or -1 with errbuf set when anything could not be written
 * (a full disk, an I/O error); the file is then incomplete.
 */
int rd_html_close(struct rd_html *h, const struct rd_report *summary,
                  const struct rd_attempts *attempts, const struct rd_engine_stats *st,
                  char *errbuf, size_t errsize);

/* Drop the report without writing it (an error elsewhere ended the run); the
 * file stays as created (empty).  NULL is ignored. */
void rd_html_discard(struct rd_html *h);

#endif

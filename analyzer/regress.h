/*
 * regress.h - the regression mode: compare verdicts with expected-verdict files.
 *
 * An expected file NAME.expected sits beside NAME.pcap (or NAME.pcapng), or
 * names its capture with a "capture:" line (relative to the expected file).
 * Format, one directive or connection per line, '#' starts a comment:
 *
 *   capture: ../../shared/public-captures/rdp-x509.pcap
 *   options: --port 3390
 *   conn 1 outcome=failed phase=tcp closed_by=server close=rst cause=tcp_refused
 *
 * A conn line lists the verdict fields that must match (outcome, phase,
 * closed_by, close, cause, client_error, evidence=F1,F2 — frames that must be
 * among the evidence).  Every connection in the capture must have a line.
 */
#ifndef RD_REGRESS_H
#define RD_REGRESS_H

#include <stdio.h>

/* first, then paths[0..n-1]: directories or .expected files.  Prints one line per
 * capture and "N passed, N failed, N skipped"; with junit != NULL also writes a
 * JUnit XML report there.  Returns the exit status. */
int rd_check_main(int n, char **paths, const char *first, const char *junit, FILE *out);

struct rd_run_opts;
/* --expect-write: run the capture of ro and write NAME.expected beside it (never
 * over an existing file) for a person to review.  Returns the exit status. */
int rd_expect_write(const struct rd_run_opts *ro, FILE *out);

#endif

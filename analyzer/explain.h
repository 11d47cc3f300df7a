/* explain.h - --explain CODE (e.g. 0x904/0x7). */
#ifndef RD_EXPLAIN_H
#define RD_EXPLAIN_H

#include <stdio.h>

/* Print what the code means and which causes produce it; returns the exit status. */
int rd_explain(const char *code, FILE *out);

#endif

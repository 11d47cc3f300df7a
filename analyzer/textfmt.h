/*
 * textfmt.h - snprintf for rdpdiag's own messages, faster on the common case.
 *
 * Same contract and output as vsnprintf/snprintf/fprintf (at most size - 1 characters
 * and a NUL; the length the whole text would have); see textfmt.c for what is
 * formatted here and what is passed on to vsnprintf.
 */
#ifndef RD_TEXTFMT_H
#define RD_TEXTFMT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "compat.h"

int rd_vformat(char *buf, size_t size, const char *fmt, va_list ap) RD_PRINTF(3, 0);
int rd_format(char *buf, size_t size, const char *fmt, ...) RD_PRINTF(3, 4);
/* fprintf, formatted with rd_vformat (vfprintf for a text longer than a line
 * buffer); -1 on a write error. */
int rd_fprintf(FILE *f, const char *fmt, ...) RD_PRINTF(2, 3);
/*
 * num / unit with `decimals` digits after the point, exactly as
 * printf("%.*f", decimals, (double)num / unit) writes it, without the cost of
 * printf's floating-point path (a timeline prints one per event).  unit is a
 * power of ten of at least 10^decimals (1e9 for seconds from nanoseconds).
 * Returns buf.
 */
const char *rd_format_fixed(char *buf, size_t size, int64_t num, int64_t unit, int decimals);

#endif

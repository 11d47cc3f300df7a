/*
 * textfmt.c - vsnprintf's output for the conversions rdpdiag's messages use.
 *
 * A timeline event, an evidence line or a report line is formatted from a
 * literal with a few %s and %u in it; glibc's vsnprintf spends about a
 * thousand instructions on each such call, more than the analysis of a
 * packet.  This formatter handles flags '0', a decimal width, the length
 * modifiers hh h l ll z, the conversions d i u x X c s %, and a precision on
 * %s (".N" or ".*"); on anything else (floating point, '-', '*' widths, a NULL
 * string) it starts over with vsnprintf on a copy of the arguments, so the
 * result is always what vsnprintf would have written.  check_report compares
 * the two for each conversion, modifier, width and fallback, on edge values
 * and at every buffer size.
 */
#include "config.h"

#include "textfmt.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* The output so far: n counts every character, written or not (the return
 * value); at most size - 1 are stored. */
struct out {
    char *buf;
    size_t size, n;
};

static void put(struct out *o, const char *s, size_t len)
{
    if (o->n + 1 < o->size) {
        size_t room = o->size - 1 - o->n;
        memcpy(o->buf + o->n, s, len < room ? len : room);
    }
    o->n += len;
}

static void pad(struct out *o, char c, size_t count)
{
    char run[32];

    memset(run, c, sizeof(run));
    while (count > 0) {
        size_t k = count < sizeof(run) ? count : sizeof(run);
        put(o, run, k);
        count -= k;
    }
}

enum len_mod { LEN_INT, LEN_CHAR, LEN_SHORT, LEN_LONG, LEN_LLONG, LEN_SIZE };

/* An integer conversion: digits right-aligned in width, zero-padded after the
 * sign with the '0' flag. */
static void integer(struct out *o, uint64_t mag, bool neg, unsigned base, bool upper, bool zero,
                    size_t width)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    size_t len = 0, total;

    /* Constant divisors: the compiler multiplies instead of dividing. */
    if (base == 10) {
        do {
            tmp[sizeof(tmp) - 1 - len++] = (char)('0' + mag % 10);
            mag /= 10;
        } while (mag != 0);
    } else {
        do {
            tmp[sizeof(tmp) - 1 - len++] = digits[mag & 15];
            mag >>= 4;
        } while (mag != 0);
    }
    total = len + (neg ? 1 : 0);
    if (!zero && width > total) {
        pad(o, ' ', width - total);
    }
    if (neg) {
        put(o, "-", 1);
    }
    if (zero && width > total) {
        pad(o, '0', width - total);
    }
    put(o, tmp + sizeof(tmp) - len, len);
}

static int64_t signed_arg(va_list *ap, enum len_mod m)
{
    switch (m) {
    case LEN_CHAR:
        return (signed char)va_arg(*ap, int);
    case LEN_SHORT:
        return (short)va_arg(*ap, int);
    case LEN_LONG:
        return va_arg(*ap, long);
    case LEN_LLONG:
        return va_arg(*ap, long long);
    case LEN_SIZE:
        return (int64_t)va_arg(*ap, size_t); /* %zd: the signed type of size_t's width */
    case LEN_INT:
        break;
    }
    return va_arg(*ap, int);
}

static uint64_t unsigned_arg(va_list *ap, enum len_mod m)
{
    switch (m) {
    case LEN_CHAR:
        return (unsigned char)va_arg(*ap, unsigned);
    case LEN_SHORT:
        return (unsigned short)va_arg(*ap, unsigned);
    case LEN_LONG:
        return va_arg(*ap, unsigned long);
    case LEN_LLONG:
        return va_arg(*ap, unsigned long long);
    case LEN_SIZE:
        return va_arg(*ap, size_t);
    case LEN_INT:
        break;
    }
    return va_arg(*ap, unsigned);
}

/* One conversion after its '%' at *pf; false when it is one this formatter
 * leaves to vsnprintf. */
static bool convert(struct out *o, const char **pf, va_list *ap)
{
    const char *f = *pf;
    bool zero = false, have_prec = false;
    size_t width = 0, prec = 0;
    enum len_mod m = LEN_INT;

    if (*f == '%') {
        put(o, "%", 1);
        *pf = f + 1;
        return true;
    }
    while (*f == '0') {
        zero = true;
        f++;
    }
    while (*f >= '0' && *f <= '9' && width < 4096) {
        width = width * 10 + (size_t)(*f++ - '0');
    }
    if (*f == '.') {
        f++;
        have_prec = true;
        if (*f == '*') {
            int p = va_arg(*ap, int);
            if (p < 0) {
                return false;
            }
            prec = (size_t)p;
            f++;
        } else {
            while (*f >= '0' && *f <= '9' && prec < 4096) {
                prec = prec * 10 + (size_t)(*f++ - '0');
            }
        }
    }
    if (f[0] == 'h' && f[1] == 'h') {
        m = LEN_CHAR;
        f += 2;
    } else if (f[0] == 'h') {
        m = LEN_SHORT;
        f++;
    } else if (f[0] == 'l' && f[1] == 'l') {
        m = LEN_LLONG;
        f += 2;
    } else if (f[0] == 'l') {
        m = LEN_LONG;
        f++;
    } else if (f[0] == 'z') {
        m = LEN_SIZE;
        f++;
    }
    switch (*f) {
    case 'd':
    case 'i': {
        if (have_prec) {
            return false;
        }
        int64_t v = signed_arg(ap, m);
        uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
        integer(o, mag, v < 0, 10, false, zero, width);
        break;
    }
    case 'u':
    case 'x':
    case 'X':
        if (have_prec) {
            return false;
        }
        integer(o, unsigned_arg(ap, m), false, *f == 'u' ? 10 : 16, *f == 'X', zero, width);
        break;
    case 'c': {
        char ch = (char)va_arg(*ap, int);
        if (zero || have_prec || m != LEN_INT) {
            return false;
        }
        if (width > 1) {
            pad(o, ' ', width - 1);
        }
        put(o, &ch, 1);
        break;
    }
    case 's': {
        const char *s;
        size_t len;
        if (zero || m != LEN_INT) {
            return false;
        }
        s = va_arg(*ap, const char *);
        if (s == NULL) {
            return false; /* glibc's "(null)" and its precision rules */
        }
        len = have_prec ? strnlen(s, prec) : strlen(s);
        if (width > len) {
            pad(o, ' ', width - len);
        }
        put(o, s, len);
        break;
    }
    default:
        return false;
    }
    *pf = f + 1;
    return true;
}

int rd_vformat(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = {buf, size, 0};
    const char *f = fmt;
    va_list args, again;

    va_copy(args, ap);
    va_copy(again, ap);
    for (;;) {
        const char *pct = strchr(f, '%');
        if (pct == NULL) {
            put(&o, f, strlen(f));
            break;
        }
        put(&o, f, (size_t)(pct - f));
        f = pct + 1;
        if (!convert(&o, &f, &args)) {
            int n;
            va_end(args);
            n = vsnprintf(buf, size, fmt, again);
            va_end(again);
            return n;
        }
    }
    va_end(args);
    va_end(again);
    if (size > 0) {
        buf[o.n < size ? o.n : size - 1] = '\0';
    }
    return o.n > INT32_MAX ? -1 : (int)o.n;
}

int rd_format(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = rd_vformat(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

int rd_fprintf(FILE *f, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = rd_vformat(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(line)) { /* longer than the line buffer */
        va_start(ap, fmt);
        n = vfprintf(f, fmt, ap);
        va_end(ap);
        return n;
    }
    return fwrite(line, 1, (size_t)n, f) == (size_t)n ? n : -1;
}

/*
 * Integer rounding gives printf's digits whenever num is not exactly half a
 * step from two candidates: the double num / unit is then off by less than
 * 0.2 ns for any |num| below 1e15 (11 days in nanoseconds), while a rounding
 * boundary is at least 0.5 ns away.  Ties and larger values go to printf.
 */
const char *rd_format_fixed(char *buf, size_t size, int64_t num, int64_t unit, int decimals)
{
    int64_t pow10 = 1, step, q, rem, ip, fp;
    char tmp[40];
    size_t n = 0;

    for (int i = 0; i < decimals; i++) {
        pow10 *= 10;
    }
    step = unit / pow10;
    if (num < 0 || num >= 1000000000000000LL || step < 1 || unit % pow10 != 0 ||
        (step > 1 && (num % step) * 2 == step)) {
        rd_format(buf, size, "%.*f", decimals, (double)num / (double)unit);
        return buf;
    }
    q = num / step;
    rem = num % step;
    if (rem * 2 > step) {
        q++;
    }
    ip = q / pow10;
    fp = q % pow10;
    for (int i = 0; i < decimals; i++) { /* fraction digits, last first */
        tmp[n++] = (char)('0' + fp % 10);
        fp /= 10;
    }
    if (decimals > 0) {
        tmp[n++] = '.';
    }
    do {
        tmp[n++] = (char)('0' + ip % 10);
        ip /= 10;
    } while (ip > 0);
    if (size == 0) {
        return buf;
    }
    for (size_t i = 0; i < n && i < size - 1; i++) { /* tmp holds the digits reversed */
        buf[i] = tmp[n - 1 - i];
    }
    buf[n < size - 1 ? n : size - 1] = '\0';
    return buf;
}

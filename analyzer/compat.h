/* compat.h - the only place compiler extensions are named. */
#ifndef RD_COMPAT_H
#define RD_COMPAT_H

#if defined(__GNUC__) || defined(__clang__)
#define RD_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#define RD_PREFETCH(addr)    __builtin_prefetch(addr)
#else
#define RD_PRINTF(fmt, args)
#define RD_PREFETCH(addr) ((void)(addr))
#endif

#endif

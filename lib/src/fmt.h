/* vsnprintf for the per-connection hot paths (step notes, finding details). glibc's vsnprintf
 * costs ~1 µs a call through its stream machinery; these strings use a handful of plain
 * conversions, which tlsa_vfmt writes directly. Anything else (another conversion, a flag such
 * as '-' or '+', NULL for %s) is handed to vsnprintf, so the result is always vsnprintf's. */
#ifndef TLSA_FMT_H
#define TLSA_FMT_H

#include <stdarg.h>
#include <stddef.h>

/* Same contract as vsnprintf: writes at most size bytes including the NUL (nothing when size is
 * 0) and returns the length the whole result has, or -1 on a format error. Handled directly:
 * %% %s %c %d %i %u %x %X with an optional '0' flag, width, precision (.N or .*) and length
 * modifiers hh h l ll z. */
int tlsa_vfmt(char *dst, size_t size, const char *fmt, va_list ap);
int tlsa_fmt(char *dst, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif

/* A direct formatter for the plain conversions of the hot paths; see fmt.h. It reads the
 * arguments from a copy of the va_list, so when it meets a conversion it does not handle,
 * vsnprintf starts over from the untouched original. */
#include "fmt.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Output cursor: counts everything, stores what fits (leaving room for the NUL). */
typedef struct out {
    char *dst;
    size_t cap; /* bytes that may be stored, NUL excluded */
    size_t n;   /* length of the whole result so far */
} out;

static void put(out *o, const char *s, size_t n) {
    if (o->n < o->cap) {
        size_t room = o->cap - o->n;
        memcpy(o->dst + o->n, s, n < room ? n : room);
    }
    o->n += n;
}

static void pad(out *o, char c, size_t n) {
    while (n--)
        put(o, &c, 1);
}

typedef struct spec {
    bool zero;
    int width;     /* -1: none (a width from the arguments, *, is left to vsnprintf) */
    int precision; /* -1: none, -2: from the arguments (.*) */
    int length;    /* 0 int, 1 char, 2 short, 3 long, 4 long long, 5 size_t */
    char conv;
} spec;

/* Parses one conversion after '%'; returns the bytes consumed, 0 when not supported. */
static size_t parse_spec(const char *p, spec *s) {
    const char *start = p;
    *s = (spec){false, -1, -1, 0, 0};
    if (*p == '0') {
        s->zero = true;
        p++;
    }
    if (*p >= '1' && *p <= '9') {
        s->width = 0;
        while (*p >= '0' && *p <= '9' && s->width < 1000)
            s->width = s->width * 10 + (*p++ - '0');
        if (*p >= '0' && *p <= '9')
            return 0;
    }
    if (*p == '.') {
        p++;
        if (*p == '*') {
            s->precision = -2;
            p++;
        } else {
            s->precision = 0;
            while (*p >= '0' && *p <= '9' && s->precision < 100000)
                s->precision = s->precision * 10 + (*p++ - '0');
            if (*p >= '0' && *p <= '9')
                return 0;
        }
    }
    if (p[0] == 'h' && p[1] == 'h')
        s->length = 1, p += 2;
    else if (p[0] == 'h')
        s->length = 2, p++;
    else if (p[0] == 'l' && p[1] == 'l')
        s->length = 4, p += 2;
    else if (p[0] == 'l')
        s->length = 3, p++;
    else if (p[0] == 'z')
        s->length = 5, p++;
    switch (*p) {
    case 's':
    case 'c':
        if (s->zero || s->length || (*p == 'c' && s->precision != -1))
            return 0;
        break;
    case 'd':
    case 'i':
    case 'u':
    case 'x':
    case 'X':
        if (s->precision != -1) /* integer precision: rare, leave it to vsnprintf */
            return 0;
        break;
    case '%':
        if (p != start)
            return 0;
        break;
    default:
        return 0;
    }
    s->conv = *p;
    return (size_t)(p - start) + 1;
}

static void put_number(out *o, const spec *s, uint64_t v, bool negative) {
    char digits[24];
    size_t n = 0;
    unsigned base = (s->conv == 'x' || s->conv == 'X') ? 16 : 10;
    const char *set = s->conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
    do {
        digits[sizeof digits - 1 - n++] = set[v % base];
        v /= base;
    } while (v);
    size_t len = n + (negative ? 1 : 0);
    size_t fill = s->width > 0 && (size_t)s->width > len ? (size_t)s->width - len : 0;
    if (!s->zero)
        pad(o, ' ', fill);
    if (negative)
        put(o, "-", 1);
    if (s->zero)
        pad(o, '0', fill);
    put(o, digits + sizeof digits - n, n);
}

static void put_integer(out *o, const spec *s, va_list *ap) {
    if (s->conv == 'd' || s->conv == 'i') {
        long long v;
        switch (s->length) {
        case 1:
            v = (signed char)va_arg(*ap, int);
            break;
        case 2:
            v = (short)va_arg(*ap, int);
            break;
        case 3:
            v = va_arg(*ap, long);
            break;
        case 4:
            v = va_arg(*ap, long long);
            break;
        case 5:
            v = (long long)va_arg(*ap, size_t);
            break;
        default:
            v = va_arg(*ap, int);
            break;
        }
        uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
        put_number(o, s, mag, v < 0);
        return;
    }
    uint64_t v;
    switch (s->length) {
    case 1:
        v = (unsigned char)va_arg(*ap, unsigned);
        break;
    case 2:
        v = (unsigned short)va_arg(*ap, unsigned);
        break;
    case 3:
        v = va_arg(*ap, unsigned long);
        break;
    case 4:
        v = va_arg(*ap, unsigned long long);
        break;
    case 5:
        v = va_arg(*ap, size_t);
        break;
    default:
        v = va_arg(*ap, unsigned);
        break;
    }
    put_number(o, s, v, false);
}

/* Writes the result; false when vsnprintf must do it (a conversion not handled, %s of NULL). */
static bool run(out *o, const char *fmt, va_list *ap) {
    const char *p = fmt;
    for (;;) {
        const char *pct = strchr(p, '%');
        if (!pct) {
            put(o, p, strlen(p));
            return true;
        }
        put(o, p, (size_t)(pct - p));
        spec s;
        size_t used = parse_spec(pct + 1, &s);
        if (!used)
            return false;
        p = pct + 1 + used;
        switch (s.conv) {
        case '%':
            put(o, "%", 1);
            break;
        case 'c': {
            char c = (char)va_arg(*ap, int);
            if (s.width > 1)
                pad(o, ' ', (size_t)s.width - 1);
            put(o, &c, 1);
            break;
        }
        case 's': {
            int prec = s.precision == -2 ? va_arg(*ap, int) : s.precision;
            const char *str = va_arg(*ap, const char *);
            if (!str)
                return false;
            size_t len = prec >= 0 ? strnlen(str, (size_t)prec) : strlen(str);
            if (s.width > 0 && (size_t)s.width > len)
                pad(o, ' ', (size_t)s.width - len);
            put(o, str, len);
            break;
        }
        default:
            put_integer(o, &s, ap);
            break;
        }
    }
}

int tlsa_vfmt(char *dst, size_t size, const char *fmt, va_list ap) {
    out o = {dst, size ? size - 1 : 0, 0};
    va_list aq;
    va_copy(aq, ap);
    bool ok = run(&o, fmt, &aq);
    va_end(aq);
    if (ok && o.n <= INT32_MAX) {
        if (size)
            dst[o.n < o.cap ? o.n : o.cap] = 0;
        return (int)o.n;
    }
    return vsnprintf(dst, size, fmt, ap);
}

int tlsa_fmt(char *dst, size_t size, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = tlsa_vfmt(dst, size, fmt, ap);
    va_end(ap);
    return n;
}

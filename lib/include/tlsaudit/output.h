/* Output encoders shared by the faces. Every string that came from the wire is escaped here. */
#ifndef TLSAUDIT_OUTPUT_H
#define TLSAUDIT_OUTPUT_H

#include <stdio.h>

#include "conn.h"

/* A growable byte buffer. */
typedef struct tlsa_buf {
    char *data;
    size_t len, cap;
    bool oom; /* an allocation failed: contents are truncated */
} tlsa_buf;

TLSA_API void tlsa_buf_free(tlsa_buf *b);
TLSA_API void tlsa_buf_reset(tlsa_buf *b);
TLSA_API void tlsa_buf_put(tlsa_buf *b, const void *p, size_t n);
TLSA_API void tlsa_buf_puts(tlsa_buf *b, const char *s);
TLSA_API void tlsa_buf_printf(tlsa_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* JSON string (with quotes). Valid UTF-8 passes through (control characters, quotes, backslash,
 * U+2028/2029 escaped); each byte of an invalid UTF-8 sequence becomes U+FFFD. */
TLSA_API void tlsa_json_str(tlsa_buf *b, const uint8_t *s, size_t n);
/* Text for a terminal: printable ASCII and valid UTF-8 (minus C0/C1 controls, DEL and the
 * backslash) pass; everything else becomes \xNN. No terminal escape can survive, and no wire
 * text can pass for an escape. */
TLSA_API void tlsa_text_str(tlsa_buf *b, const uint8_t *s, size_t n);
/* One CSV field per RFC 4180 (quoted when needed), with text escaping applied first, and a
 * leading '=', '+', '-', '@' prefixed with ' (spreadsheet formula injection). */
TLSA_API void tlsa_csv_str(tlsa_buf *b, const uint8_t *s, size_t n);
/* HTML text (&<>"' escaped), invalid UTF-8 as U+FFFD. */
TLSA_API void tlsa_html_str(tlsa_buf *b, const uint8_t *s, size_t n);

/* The connection record as one JSON object (design §5), no trailing newline. file may be NULL. */
TLSA_API void tlsa_json_conn(tlsa_buf *b, const char *file, const tlsa_conn *c);

#endif

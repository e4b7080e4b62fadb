/* Small value types shared by every public header. */
#ifndef TLSAUDIT_TYPES_H
#define TLSAUDIT_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "export.h"

/* Capture time of a packet (not the wall clock). */
typedef struct tlsa_time {
    int64_t sec;
    int32_t usec;
} tlsa_time;

typedef struct tlsa_addr {
    uint8_t family; /* 4 or 6; 0 = unset */
    uint8_t bytes[16];
} tlsa_addr;

typedef struct tlsa_endpoint {
    tlsa_addr addr;
    uint16_t port;
} tlsa_endpoint;

/* Heap copy of bytes taken from the wire (may contain NUL or invalid UTF-8: escape on output). */
typedef struct tlsa_blob {
    uint8_t *data;
    uint32_t len;
} tlsa_blob;

typedef struct tlsa_blob_list {
    tlsa_blob *v;
    uint32_t n;
} tlsa_blob_list;

typedef struct tlsa_u16_list {
    uint16_t *v;
    uint32_t n;
} tlsa_u16_list;

/* Direction of a message: who sent it. */
typedef enum tlsa_dir { TLSA_FROM_CLIENT = 0, TLSA_FROM_SERVER = 1 } tlsa_dir;

TLSA_API bool tlsa_u16_list_has(const tlsa_u16_list *l, uint16_t v);
/* "192.0.2.1" or "2001:db8::1"; buf needs 46 bytes. Returns buf. */
TLSA_API char *tlsa_addr_str(const tlsa_addr *a, char *buf, size_t size);
/* RFC 3339 UTC with microseconds when non-zero: "2024-05-01T12:00:00.123456Z"; buf needs 32 bytes.
 */
TLSA_API char *tlsa_time_str(tlsa_time t, char *buf, size_t size);

#endif

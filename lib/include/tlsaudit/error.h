/* One list of library errors: the enum, the names and the sentences all come from TLSA_ERRORS.
 * Categories: TLSA_OK, "need more bytes" (not a failure), malformed input, limit exceeded,
 * unsupported input, internal errors. */
#ifndef TLSAUDIT_ERROR_H
#define TLSAUDIT_ERROR_H

#include "export.h"

/* X(enum suffix, category, sentence) */
#define TLSA_ERRORS(X)                                                                             \
    X(OK, OK, "success")                                                                           \
    X(NEED_MORE, NEED_MORE, "more bytes are needed")                                               \
    X(TRUNCATED, MALFORMED, "a field runs past the end of its enclosing structure")                \
    X(TRAILING_BYTES, MALFORMED, "bytes left over after the last field of a structure")            \
    X(BAD_LENGTH, MALFORMED, "a length field is out of the range the RFC allows")                  \
    X(BAD_VALUE, MALFORMED, "a field holds a value the RFC forbids")                               \
    X(ODD_VECTOR, MALFORMED, "a vector length is not a multiple of its element size")              \
    X(DUPLICATE_EXTENSION, MALFORMED, "an extension appears twice in one message")                 \
    X(BAD_RECORD_TYPE, MALFORMED, "a record has an unknown content type")                          \
    X(BAD_RECORD_VERSION, MALFORMED, "a record has an implausible protocol version")               \
    X(RECORD_TOO_LONG, MALFORMED, "a record is longer than the protocol allows")                   \
    X(BAD_HANDSHAKE_TYPE, MALFORMED, "a handshake message has an unknown type")                    \
    X(UNEXPECTED_MESSAGE, MALFORMED, "a handshake message arrived out of the expected order")      \
    X(BAD_CERTIFICATE, MALFORMED, "a certificate does not parse as X.509 DER")                     \
    X(BAD_PACKET, MALFORMED, "a packet header is damaged or truncated")                            \
    X(NOT_TLS, UNSUPPORTED, "the bytes are not TLS")                                               \
    X(UNSUPPORTED_LINKTYPE, UNSUPPORTED, "the capture's link-layer type is not supported")         \
    X(UNSUPPORTED_PROTOCOL, UNSUPPORTED, "the packet carries a protocol that is not analysed")     \
    X(LIMIT_MESSAGE, LIMIT, "a handshake message exceeds the configured maximum size")             \
    X(LIMIT_FLOWS, LIMIT, "the number of live flows reached its configured maximum")               \
    X(LIMIT_BUFFER, LIMIT, "the bytes buffered for one flow reached their configured maximum")     \
    X(LIMIT_CERTS, LIMIT, "a certificate chain exceeds the configured maximum length")             \
    X(LIMIT_EXTENSIONS, LIMIT, "a message exceeds the configured maximum number of extensions")    \
    X(LIMIT_STEPS, LIMIT, "a connection exceeds the configured maximum of recorded steps")         \
    X(NO_MEMORY, INTERNAL, "memory allocation failed")                                             \
    X(INVALID_ARGUMENT, INTERNAL, "a library function was called with an invalid argument")        \
    X(IO, INTERNAL, "an input or output operation failed")                                         \
    X(BAD_KEY_FILE, MALFORMED, "a key file or key log does not parse")                             \
    X(DECRYPT_FAILED, MALFORMED, "a record does not decrypt or authenticate with the given keys")  \
    X(UNSUPPORTED_CIPHER, UNSUPPORTED, "the cipher suite cannot be decrypted")                     \
    X(STREAM_GAP, UNSUPPORTED, "part of the TCP stream was not captured (loss or snaplen)")

typedef enum tlsa_err {
#define TLSA_X_ENUM(name, cat, text) TLSA_E_##name,
    TLSA_ERRORS(TLSA_X_ENUM)
#undef TLSA_X_ENUM
        TLSA_E__COUNT
} tlsa_err;

typedef enum tlsa_err_category {
    TLSA_CAT_OK,
    TLSA_CAT_NEED_MORE,
    TLSA_CAT_MALFORMED,
    TLSA_CAT_UNSUPPORTED,
    TLSA_CAT_LIMIT,
    TLSA_CAT_INTERNAL,
} tlsa_err_category;

/* "TLSA_E_TRUNCATED" style name; never NULL. */
TLSA_API const char *tlsa_err_name(tlsa_err e);
/* One sentence without a final period; never NULL. */
TLSA_API const char *tlsa_strerror(tlsa_err e);
TLSA_API tlsa_err_category tlsa_err_category_of(tlsa_err e);

#endif

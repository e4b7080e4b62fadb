/* Private helpers shared by the message and extension parsers (msg_*.c, ext.c): growing the
 * output lists, copying wire bytes into owned blobs, and the extension interpreters. */
#ifndef TLSA_MSG_UTIL_H
#define TLSA_MSG_UTIL_H

#include "msg.h"

/* Appends v; lists built only through this keep an implied power-of-two capacity. */
tlsa_err tlsa_u16_push(tlsa_u16_list *l, uint16_t v) TLSA_WUR;
/* Makes room for extra more pushes in one allocation (keeping that implied capacity). */
tlsa_err tlsa_u16_reserve(tlsa_u16_list *l, size_t extra) TLSA_WUR;
/* Appends every remaining u16 of c (c is consumed; an odd tail is TLSA_E_ODD_VECTOR). */
tlsa_err tlsa_u16_read_all(tlsa_u16_list *l, tlsa_cur *c) TLSA_WUR;
/* Replaces b with a copy of the n bytes at the cursor (consumes them). */
tlsa_err tlsa_blob_take(tlsa_blob *b, tlsa_cur *c, size_t n) TLSA_WUR;
/* Appends a copy of the n bytes at the cursor to l (consumes them). */
tlsa_err tlsa_blob_list_take(tlsa_blob_list *l, tlsa_cur *c, size_t n) TLSA_WUR;

/* Extension interpreters (ext.c). list is the body of the extensions vector. Every extension
 * type is appended to the message's extensions list in wire order, even on error. */
tlsa_err tlsa_ext_client_hello(tlsa_cur *list, const tlsa_limits *lim,
                               tlsa_client_hello *ch) TLSA_WUR;
tlsa_err tlsa_ext_server_hello(tlsa_cur *list, const tlsa_limits *lim, bool hrr,
                               tlsa_server_hello *sh) TLSA_WUR;
tlsa_err tlsa_ext_encrypted_extensions(tlsa_cur *list, const tlsa_limits *lim,
                                       tlsa_server_hello *sh) TLSA_WUR;
/* Structure-only check of an extension block (Certificate entries, CertificateRequest,
 * NewSessionTicket): split, duplicates and limits. */
tlsa_err tlsa_ext_check(tlsa_cur *list, const tlsa_limits *lim) TLSA_WUR;

#endif

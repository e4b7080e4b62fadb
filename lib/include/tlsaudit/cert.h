/* What the audit learned about one certificate (OpenSSL libcrypto does the X.509 work). */
#ifndef TLSAUDIT_CERT_H
#define TLSAUDIT_CERT_H

#include "types.h"

typedef struct tlsa_cert_info {
    bool parsed;   /* false: the DER did not parse; the other fields are empty */
    char *subject; /* RFC 2253 one-line, UTF-8 (still escape on output) */
    char *issuer;
    char *serial;        /* hex, upper case */
    char not_before[24]; /* RFC 3339 "2027-11-01T00:00:00Z" */
    char not_after[24];
    int64_t not_before_t, not_after_t; /* seconds since the epoch */
    char key[32];                      /* "RSA 2048", "EC P-256", "Ed25519", "DSA 1024" */
    uint8_t key_kind;                  /* 1 RSA, 2 EC, 3 DSA, 4 Ed25519/Ed448, 0 other */
    uint32_t key_bits;
    char sig_alg[64]; /* OpenSSL long name, "sha256WithRSAEncryption" */
    char **san;       /* DNS and IP subjectAltNames as text */
    uint32_t n_san;
    char sha256[65];  /* lower-case hex */
    bool is_ca;       /* basicConstraints CA:TRUE */
    bool self_signed; /* subject == issuer and the signature verifies with its own key */
    bool has_san;
    bool has_key_usage, has_eku;
    bool ku_digital_signature, ku_key_encipherment, ku_key_agreement;
    bool eku_server_auth, eku_client_auth, eku_any;
} tlsa_cert_info;

#endif

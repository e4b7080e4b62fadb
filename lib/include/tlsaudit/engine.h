/* The engine: packets → flows → TCP streams → TLS records → handshake messages → connection
 * records. Push interface: feed packets (or TCP segments), receive records by callback. */
#ifndef TLSAUDIT_ENGINE_H
#define TLSAUDIT_ENGINE_H

#include "audit.h"
#include "conn.h"
#include "error.h"
#include "keys.h"

/* libpcap DLT_/LINKTYPE_ values understood by tlsa_engine_packet. */
enum {
    TLSA_LINK_NULL = 0, /* BSD loopback */
    TLSA_LINK_ETHERNET = 1,
    TLSA_LINK_RAW = 12, /* DLT_RAW on Linux/most BSDs: IPv4 or IPv6 */
    TLSA_LINK_RAW_OPENBSD = 14,
    TLSA_LINK_LOOP = 108, /* OpenBSD loopback (network byte order family) */
    TLSA_LINK_LINUX_SLL = 113,
    TLSA_LINK_RAW_LT = 101, /* LINKTYPE_RAW */
    TLSA_LINK_IPV4 = 228,
    TLSA_LINK_IPV6 = 229,
    TLSA_LINK_LINUX_SLL2 = 276,
};

typedef struct tlsa_limits {
    uint32_t max_flows;        /* live TCP flows; oldest is finished when exceeded */
    uint32_t max_flow_buffer;  /* out-of-order bytes buffered per direction */
    uint32_t max_message;      /* largest handshake message accepted */
    uint32_t max_certs;        /* certificates kept per chain */
    uint32_t max_steps;        /* steps kept per connection */
    uint32_t max_extensions;   /* extensions parsed per message */
    uint32_t max_problems;     /* problems kept per connection */
    uint32_t idle_timeout;     /* seconds of capture time without packets; 0 = never */
    uint64_t max_total_buffer; /* bytes buffered for all flows together (out-of-order data,
                                  partial records and messages); the least recently active
                                  flows are finished (reported, EVICTED) to stay under it */
} tlsa_limits;

/* Defaults: 65536 flows, 1 MiB per direction, 256 KiB messages, 32 certificates, 256 steps,
 * 256 extensions, 32 problems, 600 s idle, 64 MiB buffered in all. */
TLSA_API void tlsa_limits_default(tlsa_limits *l);

typedef struct tlsa_engine tlsa_engine;

/* Called when a handshake message (or an encrypted handshake record) completes. The record is
 * still in progress: read it, do not keep the pointers. */
typedef void (*tlsa_on_step)(const tlsa_conn *c, const tlsa_step *s, void *user);
/* Called once per TLS connection when it ends (FIN/RST, idle, evicted, or at flush), after the
 * audit ran. The record is freed when the callback returns. Non-TLS flows are not reported. */
typedef void (*tlsa_on_conn)(tlsa_conn *c, void *user);

typedef struct tlsa_engine_config {
    tlsa_limits limits;
    tlsa_auditor *auditor; /* may be NULL: no findings, no certificate info */
    tlsa_on_step on_step;  /* may be NULL */
    tlsa_on_conn on_conn;  /* may be NULL */
    void *user;
    /* Keys (keys.h), both may be NULL; they must outlive the engine. With either, every TLS
     * connection decrypts its protected handshake records (never application data), places the
     * messages it finds like cleartext ones (steps with decrypted = true) and checks each
     * Finished and the TLS 1.3 server CertificateVerify. The key log is not const: entries are
     * marked used (tlsa_keylog_report_unused); do not share one between threads. */
    tlsa_keylog *keylog;
    const tlsa_rsa_key *rsa_key;
    /* A pre-shared key for plain PSK suites (TLS_PSK_WITH_*, RFC 4279), at most 64 bytes; NULL
     * or psk_len 0: none. Copied per connection. */
    const uint8_t *psk;
    size_t psk_len;
} tlsa_engine_config;

typedef struct tlsa_engine_stats {
    uint64_t packets, bytes;
    uint64_t tcp_segments;
    uint64_t skipped_packets; /* not IPv4/IPv6 TCP */
    uint64_t bad_packets;     /* damaged headers */
    uint64_t ip_fragments;    /* IPv4/IPv6 fragments (not reassembled) */
    uint64_t flows, tls_connections;
    uint64_t flows_evicted; /* finished early because of max_flows */
    uint32_t live_flows, peak_flows;
    uint64_t buffered_bytes, peak_buffered_bytes;
    uint32_t unsupported_linktype; /* last unsupported link type seen, 0 none */
} tlsa_engine_stats;

TLSA_API tlsa_engine *tlsa_engine_new(const tlsa_engine_config *cfg);
TLSA_API void tlsa_engine_free(tlsa_engine *e); /* does not flush */

/* Sets the name of the current input (copied into no record; for messages only) and restarts
 * connection numbering. Call between files after tlsa_engine_flush. */
TLSA_API void tlsa_engine_reset_index(tlsa_engine *e);

/* One captured packet. caplen bytes are present; origlen is the length on the wire.
 * Returns TLSA_E_UNSUPPORTED_LINKTYPE for link types it cannot read (then every packet of the
 * file will fail the same way), TLSA_E_BAD_PACKET for damaged headers (counted, skipped),
 * TLSA_E_OK otherwise (including non-TCP traffic, which is skipped). */
TLSA_API tlsa_err tlsa_engine_packet(tlsa_engine *e, int linktype, tlsa_time ts, uint64_t frame,
                                     const uint8_t *data, uint32_t caplen, uint32_t origlen);

/* The lower-level interface: one TCP segment, already decoded (the Wireshark plugin uses it). */
enum { TLSA_TCP_FIN = 0x01, TLSA_TCP_SYN = 0x02, TLSA_TCP_RST = 0x04, TLSA_TCP_ACK = 0x10 };
typedef struct tlsa_segment {
    tlsa_endpoint src, dst;
    uint32_t seq; /* raw sequence number */
    uint32_t ack;
    uint8_t flags; /* TLSA_TCP_* */
    const uint8_t *payload;
    uint32_t caplen; /* payload bytes present */
    uint32_t len;    /* payload length on the wire (tcp.len); > caplen when truncated */
    uint64_t frame;
    tlsa_time ts;
} tlsa_segment;

TLSA_API tlsa_err tlsa_engine_segment(tlsa_engine *e, const tlsa_segment *seg);

/* Finish every live flow (end of input): reports each TLS connection. */
TLSA_API void tlsa_engine_flush(tlsa_engine *e);

TLSA_API void tlsa_engine_get_stats(const tlsa_engine *e, tlsa_engine_stats *out);

#endif

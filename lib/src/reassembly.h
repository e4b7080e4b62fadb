/* Per-direction TCP stream reassembly. Bytes come out in order, exactly once, through callbacks;
 * holes that will not be filled come out as gaps. In-order payload is delivered straight from the
 * packet buffer; only out-of-order data is copied, and at most max_buffer bytes per direction.
 *
 * Rules (sequence numbers compared mod 2^32 with signed 32-bit differences):
 *  - the stream starts at ISN+1 after a SYN (data on the SYN starts there), or at the first
 *    segment with payload when the capture started mid-stream;
 *  - bytes before the next expected sequence number are retransmissions: dropped, noted;
 *  - overlapping copies: the first copy wins; differing bytes against buffered data are noted;
 *  - a hole becomes a gap when the peer ACKs past it, when a FIN or RST arrives while it is
 *    pending, when the buffer limit is hit, or at the end of the flow;
 *  - a segment cut by the snaplen delivers its captured part, then a gap for the rest. */
#ifndef TLSA_REASSEMBLY_H
#define TLSA_REASSEMBLY_H

#include "tls_stream.h"

typedef struct tlsa_rsm_ops {
    void (*deliver)(void *ctx, int side, const uint8_t *data, size_t len, uint64_t frame,
                    tlsa_time ts);
    void (*gap)(void *ctx, int side, uint64_t len, uint64_t frame);
    void (*note)(void *ctx, int side, tlsa_tcp_note note); /* may be NULL */
} tlsa_rsm_ops;

typedef struct tlsa_rsm_seg tlsa_rsm_seg; /* one buffered out-of-order segment */

typedef struct tlsa_rsm_dir {
    bool started;  /* next is valid */
    bool fin;      /* a FIN was seen; fin_seq is the sequence number of the FIN */
    uint32_t next; /* next expected sequence number */
    uint32_t fin_seq;
    tlsa_rsm_seg *ooo;      /* sorted by sequence number, non-overlapping, all after next */
    tlsa_rsm_seg *ooo_tail; /* last of ooo: appending after a loss is O(1) */
    uint32_t ooo_bytes;     /* captured bytes held in ooo */
    uint32_t ooo_count;     /* pieces in ooo, capped so tiny segments cannot make inserts slow */
} tlsa_rsm_dir;

typedef struct tlsa_rsm {
    tlsa_rsm_dir d[2];
    const tlsa_rsm_ops *ops;
    void *ctx;
    uint32_t max_buffer; /* per direction */
    uint64_t *buffered;  /* optional shared counter of bytes held (engine-wide), may be NULL */
    bool muted;          /* stop delivering (not TLS): only sequence tracking goes on */
} tlsa_rsm;

void tlsa_rsm_init(tlsa_rsm *r, const tlsa_rsm_ops *ops, void *ctx, uint32_t max_buffer,
                   uint64_t *buffered);

/* One segment sent by side (0 or 1). Its ACK field (when TLSA_TCP_ACK is set) acknowledges the
 * other side's stream. Returns TLSA_E_NO_MEMORY if a buffer could not be allocated (the hole is
 * then turned into a gap so the stream still advances). */
tlsa_err tlsa_rsm_segment(tlsa_rsm *r, int side, const tlsa_segment *seg);

/* End of the flow: every pending hole becomes a gap and the buffered data is delivered. */
void tlsa_rsm_finish(tlsa_rsm *r, uint64_t frame, tlsa_time ts);

/* Stop delivering bytes (the stream is not TLS) and release the buffers. */
void tlsa_rsm_mute(tlsa_rsm *r);

/* Releases buffers without delivering. */
void tlsa_rsm_free(tlsa_rsm *r);

#endif

/* Packet decoding: link layer → IPv4/IPv6 → TCP header, into a tlsa_segment that points into the
 * packet buffer (no copy). Pure: no state, no allocation. */
#ifndef TLSA_PACKET_H
#define TLSA_PACKET_H

#include "tlsaudit/engine.h"

typedef enum tlsa_pkt_kind {
    TLSA_PKT_TCP = 0,  /* *seg is filled (except frame and ts) */
    TLSA_PKT_SKIP,     /* not IPv4/IPv6 TCP: ignored */
    TLSA_PKT_FRAGMENT, /* an IP fragment: counted, not reassembled, ignored */
} tlsa_pkt_kind;

/* Decodes one captured packet. Returns TLSA_E_OK with *kind set, TLSA_E_BAD_PACKET for damaged or
 * cut headers, TLSA_E_UNSUPPORTED_LINKTYPE for link types we cannot read.
 *
 * Lengths: the IP length fields are trusted over the captured length when they are smaller
 * (Ethernet padding); when the capture is shorter (snaplen), seg->len keeps the wire length of
 * the TCP payload and seg->caplen the bytes present. An IPv4 total length of 0 (TCP segmentation
 * offload on the capturing host) falls back to origlen.
 *
 * Fragments: every IPv4 fragment (MF set or offset non-zero) and every IPv6 packet with a
 * Fragment header is skipped, the first one included: without its later fragments the TCP
 * payload length is unknown, so the stream sees a hole that the reassembler reports as a gap. */
tlsa_err tlsa_packet_decode(int linktype, const uint8_t *data, uint32_t caplen, uint32_t origlen,
                            tlsa_segment *seg, tlsa_pkt_kind *kind) TLSA_WUR;

#endif

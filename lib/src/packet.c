/* Link layer → IP → TCP decoding through the bounds-checked cursor. */
#include "packet.h"

#include <string.h>

#include "cursor.h"

enum {
    ETH_IPV4 = 0x0800,
    ETH_IPV6 = 0x86DD,
    ETH_VLAN = 0x8100, /* 802.1Q */
    ETH_QINQ = 0x88A8, /* 802.1ad */
    ETH_QINQ_OLD1 = 0x9100,
    ETH_QINQ_OLD2 = 0x9200,
    ETH_MPLS = 0x8847,
    ETH_PPPOE = 0x8864,
    IPPROTO_TCP_ = 6,
    MAX_TAGS = 8, /* VLAN tags or MPLS labels before we give up */
    MAX_EXT_HDRS = 16,
};

/* The decode state: the cursor over the captured bytes and the wire length of the packet, so that
 * lengths past the snaplen can still be told apart from damaged lengths. */
typedef struct pkt {
    tlsa_cur c;
    uint32_t wire; /* bytes of the packet on the wire (>= captured) */
} pkt;

static uint32_t wire_left(const pkt *p) {
    return p->wire - (uint32_t)p->c.pos;
}

/* Header bytes are mandatory: a header cut by the snaplen is as useless as a damaged one. */
#define NEED(expr) TLSA_ENSURE((expr) == TLSA_E_OK, TLSA_E_BAD_PACKET)

static tlsa_err decode_tcp(pkt *p, uint32_t l4_wire, tlsa_segment *seg, tlsa_pkt_kind *kind) {
    /* Only the bytes of this IP packet belong to TCP (drop Ethernet padding). */
    tlsa_cur c = p->c;
    if (tlsa_cur_left(&c) > l4_wire)
        c.end = c.pos + l4_wire;
    size_t start = c.pos;
    uint16_t sport, dport, offflags, win, sum, urg;
    uint32_t seq, ack;
    NEED(tlsa_cur_u16(&c, &sport));
    NEED(tlsa_cur_u16(&c, &dport));
    NEED(tlsa_cur_u32(&c, &seq));
    NEED(tlsa_cur_u32(&c, &ack));
    NEED(tlsa_cur_u16(&c, &offflags));
    NEED(tlsa_cur_u16(&c, &win));
    NEED(tlsa_cur_u16(&c, &sum));
    NEED(tlsa_cur_u16(&c, &urg));
    uint32_t hdr = (uint32_t)(offflags >> 12) * 4;
    TLSA_ENSURE(hdr >= 20 && hdr <= l4_wire, TLSA_E_BAD_PACKET);
    NEED(tlsa_cur_skip(&c, hdr - (c.pos - start))); /* options */
    seg->src.port = sport;
    seg->dst.port = dport;
    seg->seq = seq;
    seg->ack = ack;
    seg->flags = (uint8_t)(offflags & (TLSA_TCP_FIN | TLSA_TCP_SYN | TLSA_TCP_RST | TLSA_TCP_ACK));
    seg->len = l4_wire - hdr;
    seg->caplen = (uint32_t)tlsa_cur_left(&c);
    seg->payload = tlsa_cur_ptr(&c);
    *kind = TLSA_PKT_TCP;
    return TLSA_E_OK;
}

static tlsa_err decode_ipv4(pkt *p, tlsa_segment *seg, tlsa_pkt_kind *kind) {
    uint8_t vihl, tos, ttl, proto;
    uint16_t total, id, frag, sum;
    size_t start = p->c.pos;
    uint32_t wire = wire_left(p);
    NEED(tlsa_cur_u8(&p->c, &vihl));
    TLSA_ENSURE((vihl >> 4) == 4, TLSA_E_BAD_PACKET);
    uint32_t ihl = (uint32_t)(vihl & 0x0F) * 4;
    TLSA_ENSURE(ihl >= 20, TLSA_E_BAD_PACKET);
    NEED(tlsa_cur_u8(&p->c, &tos));
    NEED(tlsa_cur_u16(&p->c, &total));
    NEED(tlsa_cur_u16(&p->c, &id));
    NEED(tlsa_cur_u16(&p->c, &frag));
    NEED(tlsa_cur_u8(&p->c, &ttl));
    NEED(tlsa_cur_u8(&p->c, &proto));
    NEED(tlsa_cur_u16(&p->c, &sum));
    seg->src.addr.family = 4;
    seg->dst.addr.family = 4;
    NEED(tlsa_cur_copy(&p->c, seg->src.addr.bytes, 4));
    NEED(tlsa_cur_copy(&p->c, seg->dst.addr.bytes, 4));
    NEED(tlsa_cur_skip(&p->c, ihl - (p->c.pos - start))); /* options */
    /* Total length 0 is what TSO captures show; otherwise the smaller of header and wire wins. */
    uint32_t len = total == 0 ? wire : total;
    if (len > wire)
        len = wire;
    TLSA_ENSURE(len >= ihl, TLSA_E_BAD_PACKET);
    if ((frag & 0x3FFF) != 0) { /* MF or a fragment offset */
        *kind = TLSA_PKT_FRAGMENT;
        return TLSA_E_OK;
    }
    if (proto != IPPROTO_TCP_) {
        *kind = TLSA_PKT_SKIP;
        return TLSA_E_OK;
    }
    return decode_tcp(p, len - ihl, seg, kind);
}

static tlsa_err decode_ipv6(pkt *p, tlsa_segment *seg, tlsa_pkt_kind *kind) {
    uint32_t vtcfl;
    uint16_t plen;
    uint8_t next, hop;
    uint32_t wire = wire_left(p);
    NEED(tlsa_cur_u32(&p->c, &vtcfl));
    TLSA_ENSURE((vtcfl >> 28) == 6, TLSA_E_BAD_PACKET);
    NEED(tlsa_cur_u16(&p->c, &plen));
    NEED(tlsa_cur_u8(&p->c, &next));
    NEED(tlsa_cur_u8(&p->c, &hop));
    seg->src.addr.family = 6;
    seg->dst.addr.family = 6;
    NEED(tlsa_cur_copy(&p->c, seg->src.addr.bytes, 16));
    NEED(tlsa_cur_copy(&p->c, seg->dst.addr.bytes, 16));
    /* Payload length 0: jumbogram or TSO; use the wire length. */
    uint32_t len = plen == 0 ? wire - 40 : plen;
    if (len > wire - 40)
        len = wire - 40;
    for (int i = 0; i < MAX_EXT_HDRS; i++) {
        uint8_t nh, hlen;
        uint32_t size;
        switch (next) {
        case IPPROTO_TCP_:
            return decode_tcp(p, len, seg, kind);
        case 44: /* Fragment */
            *kind = TLSA_PKT_FRAGMENT;
            return TLSA_E_OK;
        case 0:   /* Hop-by-Hop Options */
        case 43:  /* Routing */
        case 60:  /* Destination Options */
        case 135: /* Mobility */
        case 139: /* HIP */
        case 140: /* Shim6 */
        case 51:  /* AH: length in 4-byte units minus 2 */
            NEED(tlsa_cur_u8(&p->c, &nh));
            NEED(tlsa_cur_u8(&p->c, &hlen));
            size = next == 51 ? ((uint32_t)hlen + 2) * 4 : ((uint32_t)hlen + 1) * 8;
            TLSA_ENSURE(size <= len, TLSA_E_BAD_PACKET);
            NEED(tlsa_cur_skip(&p->c, size - 2));
            len -= size;
            next = nh;
            break;
        default: /* ESP, No Next Header, UDP, ICMPv6, … */
            *kind = TLSA_PKT_SKIP;
            return TLSA_E_OK;
        }
    }
    return TLSA_E_BAD_PACKET; /* an implausible chain of extension headers */
}

/* Version nibble picks IPv4 or IPv6 (raw IP link types, MPLS payloads). */
static tlsa_err decode_ip_any(pkt *p, tlsa_segment *seg, tlsa_pkt_kind *kind) {
    TLSA_ENSURE(tlsa_cur_left(&p->c) >= 1, TLSA_E_BAD_PACKET);
    switch (tlsa_cur_ptr(&p->c)[0] >> 4) {
    case 4:
        return decode_ipv4(p, seg, kind);
    case 6:
        return decode_ipv6(p, seg, kind);
    default:
        return TLSA_E_BAD_PACKET;
    }
}

static tlsa_err decode_ethertype(pkt *p, uint16_t type, tlsa_segment *seg, tlsa_pkt_kind *kind) {
    for (int tags = 0; tags <= MAX_TAGS; tags++) {
        uint16_t tci, v16;
        uint32_t label;
        uint8_t v8;
        switch (type) {
        case ETH_IPV4:
            return decode_ipv4(p, seg, kind);
        case ETH_IPV6:
            return decode_ipv6(p, seg, kind);
        case ETH_VLAN:
        case ETH_QINQ:
        case ETH_QINQ_OLD1:
        case ETH_QINQ_OLD2:
            NEED(tlsa_cur_u16(&p->c, &tci));
            NEED(tlsa_cur_u16(&p->c, &type));
            break;
        case ETH_MPLS:
            do {
                NEED(tlsa_cur_u32(&p->c, &label));
            } while (!(label & 0x100) && ++tags <= MAX_TAGS);
            TLSA_ENSURE(label & 0x100, TLSA_E_BAD_PACKET);
            return decode_ip_any(p, seg, kind);
        case ETH_PPPOE: /* session stage: 6-byte header, then the PPP protocol */
            NEED(tlsa_cur_u8(&p->c, &v8));
            NEED(tlsa_cur_u8(&p->c, &v8));
            NEED(tlsa_cur_u16(&p->c, &v16));
            NEED(tlsa_cur_u16(&p->c, &v16));
            NEED(tlsa_cur_u16(&p->c, &v16));
            if (v16 == 0x0021)
                return decode_ipv4(p, seg, kind);
            if (v16 == 0x0057)
                return decode_ipv6(p, seg, kind);
            *kind = TLSA_PKT_SKIP;
            return TLSA_E_OK;
        default: /* ARP, LLDP, 802.3 length fields, … */
            *kind = TLSA_PKT_SKIP;
            return TLSA_E_OK;
        }
    }
    return TLSA_E_BAD_PACKET; /* too many tags */
}

/* BSD loopback: a 4-byte address family, in the capturing host's byte order for NULL (so either
 * order), network order for LOOP (we accept both there too). AF_INET6 differs per system. */
static tlsa_err decode_loopback(pkt *p, tlsa_segment *seg, tlsa_pkt_kind *kind) {
    uint32_t fam;
    NEED(tlsa_cur_u32(&p->c, &fam));
    uint32_t swapped = (fam >> 24) | ((fam >> 8) & 0xFF00) | ((fam << 8) & 0xFF0000) | (fam << 24);
    if (fam >= 0x01000000)
        fam = swapped;
    switch (fam) {
    case 2:
        return decode_ipv4(p, seg, kind);
    case 23: /* Windows (Npcap loopback) */
    case 24: /* NetBSD, OpenBSD */
    case 28: /* FreeBSD, DragonFly */
    case 30: /* macOS */
        return decode_ipv6(p, seg, kind);
    default:
        *kind = TLSA_PKT_SKIP;
        return TLSA_E_OK;
    }
}

tlsa_err tlsa_packet_decode(int linktype, const uint8_t *data, uint32_t caplen, uint32_t origlen,
                            tlsa_segment *seg, tlsa_pkt_kind *kind) {
    memset(seg, 0, sizeof *seg);
    *kind = TLSA_PKT_SKIP;
    if (!data && caplen > 0)
        return TLSA_E_INVALID_ARGUMENT;
    pkt p = {tlsa_cur_make(data, caplen), origlen > caplen ? origlen : caplen};
    uint16_t type;
    switch (linktype) {
    case TLSA_LINK_ETHERNET:
        NEED(tlsa_cur_skip(&p.c, 12)); /* destination and source MAC */
        NEED(tlsa_cur_u16(&p.c, &type));
        return decode_ethertype(&p, type, seg, kind);
    case TLSA_LINK_LINUX_SLL: /* type, ARPHRD, address length, 8 address bytes, protocol */
        NEED(tlsa_cur_skip(&p.c, 14));
        NEED(tlsa_cur_u16(&p.c, &type));
        return decode_ethertype(&p, type, seg, kind);
    case TLSA_LINK_LINUX_SLL2: /* protocol, reserved, ifindex, ARPHRD, type, addr len, addr */
        NEED(tlsa_cur_u16(&p.c, &type));
        NEED(tlsa_cur_skip(&p.c, 18));
        return decode_ethertype(&p, type, seg, kind);
    case TLSA_LINK_RAW:
    case TLSA_LINK_RAW_OPENBSD:
    case TLSA_LINK_RAW_LT:
        return decode_ip_any(&p, seg, kind);
    case TLSA_LINK_IPV4:
        return decode_ipv4(&p, seg, kind);
    case TLSA_LINK_IPV6:
        return decode_ipv6(&p, seg, kind);
    case TLSA_LINK_NULL:
    case TLSA_LINK_LOOP:
        return decode_loopback(&p, seg, kind);
    default:
        return TLSA_E_UNSUPPORTED_LINKTYPE;
    }
}

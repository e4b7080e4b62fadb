/* Packet decoding: every link type, IPv4/IPv6 options and extension headers, fragments, damaged
 * and truncated headers, snaplen truncation. Packets are built by hand, byte by byte. */
#include <string.h>

#include "harness.h"
#include "packet.h"

static const uint8_t PAYLOAD[] = "hello";
enum { PLEN = 5 };

static size_t put16(uint8_t *p, uint16_t v) {
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
    return 2;
}

static size_t put32(uint8_t *p, uint32_t v) {
    put16(p, (uint16_t)(v >> 16));
    put16(p + 2, (uint16_t)v);
    return 4;
}

/* TCP header (doff words, options filled with NOPs), then the payload. */
static size_t tcp(uint8_t *p, unsigned doff, uint8_t flags) {
    size_t n = 0;
    n += put16(p + n, 49152);
    n += put16(p + n, 443);
    n += put32(p + n, 0x01020304);
    n += put32(p + n, 0xA0B0C0D0);
    n += put16(p + n, (uint16_t)(doff << 12 | flags));
    n += put16(p + n, 65535);
    n += put32(p + n, 0); /* checksum, urgent */
    memset(p + n, 1, doff * 4 - 20);
    n = doff * 4;
    memcpy(p + n, PAYLOAD, PLEN);
    return n + PLEN;
}

/* IPv4 header (ihl words, options NOPs) carrying a TCP segment. total 0 = computed. */
static size_t ipv4(uint8_t *p, unsigned ihl, uint16_t frag, uint8_t proto, int total) {
    size_t h = ihl * 4;
    size_t l4 = tcp(p + h, 5, 0x18);
    p[0] = (uint8_t)(0x40 | ihl);
    p[1] = 0;
    put16(p + 2, (uint16_t)(total > 0 ? (size_t)total : h + l4));
    put16(p + 4, 0x1234);
    put16(p + 6, frag);
    p[8] = 64;
    p[9] = proto;
    put16(p + 10, 0);
    memcpy(p + 12, "\xc0\x00\x02\x01", 4);
    memcpy(p + 16, "\xc6\x33\x64\x02", 4);
    memset(p + 20, 1, h - 20);
    return h + l4;
}

/* IPv6 header, the given extension headers (already encoded), then TCP (next = first header). */
static size_t ipv6(uint8_t *p, uint8_t next, const uint8_t *ext, size_t ext_len) {
    if (ext_len)
        memcpy(p + 40, ext, ext_len);
    size_t l4 = tcp(p + 40 + ext_len, 5, 0x02);
    put32(p, 0x60000000);
    put16(p + 4, (uint16_t)(ext_len + l4));
    p[6] = next;
    p[7] = 64;
    memset(p + 8, 0, 32);
    p[8] = 0x20, p[9] = 0x01, p[10] = 0x0d, p[11] = 0xb8, p[23] = 1;
    p[24] = 0x20, p[25] = 0x01, p[26] = 0x0d, p[27] = 0xb8, p[39] = 2;
    return 40 + ext_len + l4;
}

static size_t eth(uint8_t *p, const uint16_t *types, int ntypes) {
    memset(p, 0xAA, 12);
    size_t n = 12;
    for (int i = 0; i < ntypes; i++) {
        n += put16(p + n, types[i]);
        if (i + 1 < ntypes)
            n += put16(p + n, (uint16_t)(100 + i)); /* VLAN TCI */
    }
    return n;
}

static tlsa_segment seg;
static tlsa_pkt_kind kind;

static tlsa_err decode(int lt, const uint8_t *p, size_t n) {
    return tlsa_packet_decode(lt, p, (uint32_t)n, (uint32_t)n, &seg, &kind);
}

static void check_v4_segment(void) {
    CU_ASSERT_EQUAL(kind, TLSA_PKT_TCP);
    CU_ASSERT_EQUAL(seg.src.addr.family, 4);
    CU_ASSERT(memcmp(seg.src.addr.bytes, "\xc0\x00\x02\x01", 4) == 0);
    CU_ASSERT(memcmp(seg.dst.addr.bytes, "\xc6\x33\x64\x02", 4) == 0);
    CU_ASSERT_EQUAL(seg.src.port, 49152);
    CU_ASSERT_EQUAL(seg.dst.port, 443);
    CU_ASSERT_EQUAL(seg.seq, 0x01020304);
    CU_ASSERT_EQUAL(seg.ack, 0xA0B0C0D0);
    CU_ASSERT_EQUAL(seg.flags, TLSA_TCP_ACK); /* PSH is not kept */
    CU_ASSERT_EQUAL(seg.len, PLEN);
    CU_ASSERT_EQUAL(seg.caplen, PLEN);
    CU_ASSERT(seg.payload && memcmp(seg.payload, PAYLOAD, PLEN) == 0);
}

static void check_v6_segment(void) {
    CU_ASSERT_EQUAL(kind, TLSA_PKT_TCP);
    CU_ASSERT_EQUAL(seg.src.addr.family, 6);
    CU_ASSERT_EQUAL(seg.src.addr.bytes[0], 0x20);
    CU_ASSERT_EQUAL(seg.src.addr.bytes[15], 1);
    CU_ASSERT_EQUAL(seg.dst.addr.bytes[15], 2);
    CU_ASSERT_EQUAL(seg.flags, TLSA_TCP_SYN);
    CU_ASSERT_EQUAL(seg.len, PLEN);
    CU_ASSERT_EQUAL(seg.caplen, PLEN);
    CU_ASSERT(seg.payload && memcmp(seg.payload, PAYLOAD, PLEN) == 0);
}

static void test_ethernet(void) {
    uint8_t p[200];
    uint16_t t[] = {0x0800};
    size_t n = eth(p, t, 1);
    n += ipv4(p + n, 5, 0x4000, 6, 0); /* DF set: not a fragment */
    CU_ASSERT_EQUAL(decode(TLSA_LINK_ETHERNET, p, n), TLSA_E_OK);
    check_v4_segment();
    uint16_t t6[] = {0x86DD};
    n = eth(p, t6, 1);
    n += ipv6(p + n, 6, NULL, 0);
    CU_ASSERT_EQUAL(decode(TLSA_LINK_ETHERNET, p, n), TLSA_E_OK);
    check_v6_segment();
}

static void test_vlan_qinq(void) {
    uint8_t p[200];
    uint16_t t1[] = {0x8100, 0x0800};
    size_t n = eth(p, t1, 2);
    n += ipv4(p + n, 5, 0, 6, 0);
    CU_ASSERT_EQUAL(decode(TLSA_LINK_ETHERNET, p, n), TLSA_E_OK);
    check_v4_segment();
    uint16_t t2[] = {0x88A8, 0x8100, 0x86DD};
    n = eth(p, t2, 3);
    n += ipv6(p + n, 6, NULL, 0);
    CU_ASSERT_EQUAL(decode(TLSA_LINK_ETHERNET, p, n), TLSA_E_OK);
    check_v6_segment();
    /* Nine stacked tags are not plausible. */
    uint16_t t3[] = {0x8100, 0x8100, 0x8100, 0x8100, 0x8100,
                     0x8100, 0x8100, 0x8100, 0x8100, 0x0800};
    n = eth(p, t3, 10);
    n += ipv4(p + n, 5, 0, 6, 0);
    CU_ASSERT_EQUAL(decode(TLSA_LINK_ETHERNET, p, n), TLSA_E_BAD_PACKET);
}

static void test_sll(void) {
    uint8_t p[200];
    memset(p, 0, 16);
    put16(p + 2, 1); /* ARPHRD_ETHER */
    put16(p + 4, 6); /* address length */
    put16(p + 14, 0x0800);
    size_t n = 16 + ipv4(p + 16, 5, 0, 6, 0);
    CU_ASSERT_EQUAL(decode(TLSA_LINK_LINUX_SLL, p, n), TLSA_E_OK);
    check_v4_segment();
    memset(p, 0, 20);
    put16(p, 0x86DD);
    n = 20 + ipv6(p + 20, 6, NULL, 0);
    CU_ASSERT_EQUAL(decode(TLSA_LINK_LINUX_SLL2, p, n), TLSA_E_OK);
    check_v6_segment();
    CU_ASSERT_EQUAL(decode(TLSA_LINK_LINUX_SLL2, p, 19), TLSA_E_BAD_PACKET);
}

static void test_raw(void) {
    uint8_t p[200];
    size_t n = ipv4(p, 5, 0, 6, 0);
    int v4types[] = {TLSA_LINK_RAW, TLSA_LINK_RAW_OPENBSD, TLSA_LINK_RAW_LT, TLSA_LINK_IPV4};
    for (int i = 0; i < 4; i++) {
        CU_ASSERT_EQUAL(decode(v4types[i], p, n), TLSA_E_OK);
        check_v4_segment();
    }
    CU_ASSERT_EQUAL(decode(TLSA_LINK_IPV6, p, n), TLSA_E_BAD_PACKET); /* version 4 given */
    n = ipv6(p, 6, NULL, 0);
    int v6types[] = {TLSA_LINK_RAW, TLSA_LINK_RAW_OPENBSD, TLSA_LINK_RAW_LT, TLSA_LINK_IPV6};
    for (int i = 0; i < 4; i++) {
        CU_ASSERT_EQUAL(decode(v6types[i], p, n), TLSA_E_OK);
        check_v6_segment();
    }
    p[0] = 0x50; /* version 5 */
    CU_ASSERT_EQUAL(decode(TLSA_LINK_RAW, p, n), TLSA_E_BAD_PACKET);
    CU_ASSERT_EQUAL(decode(TLSA_LINK_RAW, p, 0), TLSA_E_BAD_PACKET);
}

static void test_loopback(void) {
    uint8_t p[200];
    const uint8_t fam_v4_le[4] = {2, 0, 0, 0}, fam_v4_be[4] = {0, 0, 0, 2};
    const uint8_t fam_v6[4][4] = {{24, 0, 0, 0}, {0, 0, 0, 28}, {30, 0, 0, 0}, {23, 0, 0, 0}};
    size_t n = 4 + ipv4(p + 4, 5, 0, 6, 0);
    memcpy(p, fam_v4_le, 4);
    CU_ASSERT_EQUAL(decode(TLSA_LINK_NULL, p, n), TLSA_E_OK);
    check_v4_segment();
    memcpy(p, fam_v4_be, 4);
    CU_ASSERT_EQUAL(decode(TLSA_LINK_NULL, p, n), TLSA_E_OK);
    check_v4_segment();
    CU_ASSERT_EQUAL(decode(TLSA_LINK_LOOP, p, n), TLSA_E_OK);
    check_v4_segment();
    n = 4 + ipv6(p + 4, 6, NULL, 0);
    for (int i = 0; i < 4; i++) {
        memcpy(p, fam_v6[i], 4);
        CU_ASSERT_EQUAL(decode(TLSA_LINK_NULL, p, n), TLSA_E_OK);
        check_v6_segment();
    }
    memcpy(p, "\x07\0\0\0", 4); /* another family: skipped */
    CU_ASSERT_EQUAL(decode(TLSA_LINK_NULL, p, n), TLSA_E_OK);
    CU_ASSERT_EQUAL(kind, TLSA_PKT_SKIP);
    CU_ASSERT_EQUAL(decode(TLSA_LINK_NULL, p, 3), TLSA_E_BAD_PACKET);
}

static void test_ipv4_options_tcp_options(void) {
    uint8_t p[200];
    size_t n = ipv4(p, 6, 0, 6, 0); /* 4 bytes of IP options */
    CU_ASSERT_EQUAL(decode(TLSA_LINK_RAW, p, n), TLSA_E_OK);
    check_v4_segment();
    /* TCP with 12 bytes of options: rebuild by hand after a 20-byte IPv4 header. */
    size_t l4 = tcp(p + 20, 8, 0x10);
    put16(p + 2, (uint16_t)(20 + l4));
    p[0] = 0x45;
    CU_ASSERT_EQUAL(decode(TLSA_LINK_RAW, p, 20 + l4), TLSA_E_OK);
    check_v4_segment();
    /* IHL 15 (60 bytes) with a short packet: the header runs past the end. */
    n = ipv4(p, 5, 0, 6, 0);
    p[0] = 0x4F;
    CU_ASSERT_EQUAL(decode(TLSA_LINK_RAW, p, 50), TLSA_E_BAD_PACKET);
}

static void test_ipv6_ext_headers(void) {
    uint8_t p[300];
    /* Hop-by-Hop (8 bytes) → Destination Options (16 bytes) → Routing (8) → AH (12) → TCP. */
    uint8_t ext[8 + 16 + 8 + 12];
    memset(ext, 1, sizeof ext);
    ext[0] = 60, ext[1] = 0;
    ext[8] = 43, ext[9] = 1;
    ext[24] = 51, ext[25] = 0;
    ext[32] = 6, ext[33] = 1; /* AH: (1 + 2) * 4 = 12 bytes */
    size_t n = ipv6(p, 0, ext, sizeof ext);
    CU_ASSERT_EQUAL(decode(TLSA_LINK_IPV6, p, n), TLSA_E_OK);
    check_v6_segment();
    /* A Fragment header: counted as a fragment, not decoded. */
    uint8_t frag[8] = {6, 0, 0, 0, 0, 0, 0, 1};
    n = ipv6(p, 44, frag, sizeof frag);
    CU_ASSERT_EQUAL(decode(TLSA_LINK_IPV6, p, n), TLSA_E_OK);
    CU_ASSERT_EQUAL(kind, TLSA_PKT_FRAGMENT);
    /* An extension header longer than the payload. */
    ext[1] = 200;
    n = ipv6(p, 0, ext, sizeof ext);
    CU_ASSERT_EQUAL(decode(TLSA_LINK_IPV6, p, n), TLSA_E_BAD_PACKET);
    /* UDP and No Next Header are skipped. */
    n = ipv6(p, 17, NULL, 0);
    CU_ASSERT_EQUAL(decode(TLSA_LINK_IPV6, p, n), TLSA_E_OK);
    CU_ASSERT_EQUAL(kind, TLSA_PKT_SKIP);
    n = ipv6(p, 59, NULL, 0);
    CU_ASSERT_EQUAL(decode(TLSA_LINK_IPV6, p, n), TLSA_E_OK);
    CU_ASSERT_EQUAL(kind, TLSA_PKT_SKIP);
}

static void test_ipv4_fragments(void) {
    uint8_t p[200];
    size_t n = ipv4(p, 5, 0x2000, 6, 0); /* MF: first fragment */
    CU_ASSERT_EQUAL(decode(TLSA_LINK_RAW, p, n), TLSA_E_OK);
    CU_ASSERT_EQUAL(kind, TLSA_PKT_FRAGMENT);
    n = ipv4(p, 5, 0x0010, 6, 0); /* offset 128, last fragment */
    CU_ASSERT_EQUAL(decode(TLSA_LINK_RAW, p, n), TLSA_E_OK);
    CU_ASSERT_EQUAL(kind, TLSA_PKT_FRAGMENT);
}

static void test_non_tcp(void) {
    uint8_t p[200];
    size_t n = ipv4(p, 5, 0, 17, 0);
    CU_ASSERT_EQUAL(decode(TLSA_LINK_RAW, p, n), TLSA_E_OK);
    CU_ASSERT_EQUAL(kind, TLSA_PKT_SKIP);
    uint16_t arp[] = {0x0806};
    n = eth(p, arp, 1);
    CU_ASSERT_EQUAL(decode(TLSA_LINK_ETHERNET, p, n + 28), TLSA_E_OK);
    CU_ASSERT_EQUAL(kind, TLSA_PKT_SKIP);
}

static void test_damaged(void) {
    uint8_t p[200];
    uint16_t t[] = {0x0800};
    size_t h = eth(p, t, 1);
    size_t n = h + ipv4(p + h, 5, 0, 6, 0);
    CU_ASSERT_EQUAL(decode(TLSA_LINK_ETHERNET, p, 10), TLSA_E_BAD_PACKET);     /* Ethernet */
    CU_ASSERT_EQUAL(decode(TLSA_LINK_ETHERNET, p, h + 19), TLSA_E_BAD_PACKET); /* IPv4 */
    CU_ASSERT_EQUAL(decode(TLSA_LINK_ETHERNET, p, h + 39), TLSA_E_BAD_PACKET); /* TCP */
    p[h] = 0x44;                                                               /* IHL 4 */
    CU_ASSERT_EQUAL(decode(TLSA_LINK_ETHERNET, p, n), TLSA_E_BAD_PACKET);
    p[h] = 0x45;
    put16(p + h + 2, 19); /* total length below the header */
    CU_ASSERT_EQUAL(decode(TLSA_LINK_ETHERNET, p, n), TLSA_E_BAD_PACKET);
    put16(p + h + 2, 30); /* total length cuts the TCP header */
    CU_ASSERT_EQUAL(decode(TLSA_LINK_ETHERNET, p, n), TLSA_E_BAD_PACKET);
    put16(p + h + 2, (uint16_t)(n - h));
    p[h + 20 + 12] = 0x40; /* TCP data offset 4 */
    CU_ASSERT_EQUAL(decode(TLSA_LINK_ETHERNET, p, n), TLSA_E_BAD_PACKET);
    p[h + 20 + 12] = 0xF0; /* data offset 15: past the segment */
    CU_ASSERT_EQUAL(decode(TLSA_LINK_ETHERNET, p, n), TLSA_E_BAD_PACKET);
    n = ipv6(p, 6, NULL, 0);
    CU_ASSERT_EQUAL(decode(TLSA_LINK_IPV6, p, 39), TLSA_E_BAD_PACKET);
}

static void test_unsupported_linktype(void) {
    uint8_t p[64] = {0};
    CU_ASSERT_EQUAL(decode(147, p, sizeof p), TLSA_E_UNSUPPORTED_LINKTYPE);
    CU_ASSERT_EQUAL(decode(105, p, sizeof p), TLSA_E_UNSUPPORTED_LINKTYPE); /* 802.11 */
}

static void test_lengths(void) {
    uint8_t p[200];
    uint16_t t[] = {0x0800};
    size_t h = eth(p, t, 1);
    size_t n = h + ipv4(p + h, 5, 0, 6, 0);
    /* Ethernet padding after the IP packet is not payload. */
    memset(p + n, 0xEE, 10);
    CU_ASSERT_EQUAL(decode(TLSA_LINK_ETHERNET, p, n + 10), TLSA_E_OK);
    check_v4_segment();
    /* Snaplen: the IP packet claims 100 more payload bytes than captured. */
    put16(p + h + 2, (uint16_t)(n - h + 100));
    CU_ASSERT_EQUAL(
        tlsa_packet_decode(TLSA_LINK_ETHERNET, p, (uint32_t)n, (uint32_t)n + 100, &seg, &kind),
        TLSA_E_OK);
    CU_ASSERT_EQUAL(seg.len, PLEN + 100);
    CU_ASSERT_EQUAL(seg.caplen, PLEN);
    /* The IP length beyond the wire length: the wire wins. */
    CU_ASSERT_EQUAL(
        tlsa_packet_decode(TLSA_LINK_ETHERNET, p, (uint32_t)n, (uint32_t)n + 40, &seg, &kind),
        TLSA_E_OK);
    CU_ASSERT_EQUAL(seg.len, PLEN + 40);
    CU_ASSERT_EQUAL(seg.caplen, PLEN);
    /* Total length 0 (TSO): the wire length is used. */
    put16(p + h + 2, 0);
    CU_ASSERT_EQUAL(
        tlsa_packet_decode(TLSA_LINK_ETHERNET, p, (uint32_t)n, (uint32_t)n + 1000, &seg, &kind),
        TLSA_E_OK);
    CU_ASSERT_EQUAL(seg.len, PLEN + 1000);
    CU_ASSERT_EQUAL(seg.caplen, PLEN);
    /* IPv6 payload cut by the snaplen. */
    n = ipv6(p, 6, NULL, 0);
    put16(p + 4, (uint16_t)(20 + PLEN + 50));
    CU_ASSERT_EQUAL(
        tlsa_packet_decode(TLSA_LINK_IPV6, p, (uint32_t)n, (uint32_t)n + 50, &seg, &kind),
        TLSA_E_OK);
    CU_ASSERT_EQUAL(seg.len, PLEN + 50);
    CU_ASSERT_EQUAL(seg.caplen, PLEN);
}

static void test_mpls_pppoe(void) {
    uint8_t p[200];
    uint16_t t[] = {0x8847};
    size_t n = eth(p, t, 1);
    n += put32(p + n, 0x00012000); /* label 18, not bottom */
    n += put32(p + n, 0x00013140); /* bottom of stack */
    n += ipv4(p + n, 5, 0, 6, 0);
    CU_ASSERT_EQUAL(decode(TLSA_LINK_ETHERNET, p, n), TLSA_E_OK);
    check_v4_segment();
    uint16_t t2[] = {0x8864};
    n = eth(p, t2, 1);
    p[n++] = 0x11, p[n++] = 0;
    n += put16(p + n, 7);
    n += put16(p + n, 100);
    n += put16(p + n, 0x0057);
    n += ipv6(p + n, 6, NULL, 0);
    CU_ASSERT_EQUAL(decode(TLSA_LINK_ETHERNET, p, n), TLSA_E_OK);
    check_v6_segment();
}

TLSA_TEST_MAIN("packet", {"Ethernet IPv4 and IPv6", test_ethernet},
               {"802.1Q and QinQ tags", test_vlan_qinq}, {"Linux cooked v1 and v2", test_sll},
               {"raw IP link types", test_raw}, {"BSD loopback both byte orders", test_loopback},
               {"IPv4 and TCP options", test_ipv4_options_tcp_options},
               {"IPv6 extension headers", test_ipv6_ext_headers},
               {"IPv4 fragments skipped", test_ipv4_fragments}, {"non-TCP skipped", test_non_tcp},
               {"damaged headers", test_damaged},
               {"unsupported link type", test_unsupported_linktype},
               {"padding, snaplen and TSO lengths", test_lengths},
               {"MPLS and PPPoE", test_mpls_pppoe})

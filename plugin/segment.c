/* One TCP segment of a frame, as a tlsa_segment. Wireshark keeps every wanted field on every
 * packet, and each one costs it time, so only the fields that need its dissection are wanted:
 * tcp.srcport (where the TCP header is, and that there is exactly one), tcp.len (the payload
 * length from the IP layer), and ip.src / ipv6.src (where the IP header that carries the segment
 * is). The rest sits at fixed offsets of those headers and is read from their bytes: sequence and
 * acknowledgement numbers, flags and header length after tcp.srcport, the destination address
 * right after the source address (IPv4 and IPv6 alike). */
#include "plugin.h"

#include <string.h>

#include <wsutil/wslog.h>

#define TCP_MIN_HEADER 20

static int hf_tcp_srcport = -1, hf_tcp_len = -1, hf_ip_src = -1, hf_ipv6_src = -1;
static int proto_icmp = -1, proto_icmpv6 = -1;

static int field_id(const char *name) {
    int id = proto_registrar_get_id_byname(name);
    if (id < 0)
        ws_warning("tlsaudit: field %s not found", name);
    return id;
}

void pl_segment_lookup_fields(GArray *wanted) {
    int *ids[] = {&hf_tcp_srcport, &hf_tcp_len, &hf_ip_src, &hf_ipv6_src};
    const char *names[] = {"tcp.srcport", "tcp.len", "ip.src", "ipv6.src"};
    for (size_t i = 0; i < G_N_ELEMENTS(ids); i++) {
        *ids[i] = field_id(names[i]);
        if (*ids[i] >= 0)
            g_array_append_val(wanted, *ids[i]);
    }
    proto_icmp = proto_get_id_by_filter_name("icmp");
    proto_icmpv6 = proto_get_id_by_filter_name("icmpv6");
}

/* The single item of a field in this frame, or NULL (absent or ambiguous). */
static field_info *single(proto_tree *tree, int hf) {
    if (hf < 0)
        return NULL;
    GPtrArray *a = proto_get_finfo_ptr_array(tree, hf);
    if (a == NULL || a->len != 1)
        return NULL;
    return (field_info *)g_ptr_array_index(a, 0);
}

/* A TCP header quoted inside an ICMP error is not a segment of the flow. Compares protocol ids:
 * proto_is_frame_protocol compares names, a string lookup per layer. */
static gboolean in_icmp_error(packet_info *pinfo) {
    for (wmem_list_frame_t *f = wmem_list_head(pinfo->layers); f != NULL;
         f = wmem_list_frame_next(f)) {
        int id = GPOINTER_TO_INT(wmem_list_frame_data(f));
        if ((id == proto_icmp && id >= 0) || (id == proto_icmpv6 && id >= 0))
            return TRUE;
    }
    return FALSE;
}

/* The source address item (IPv4 or IPv6) closest before the TCP header in the same data source:
 * the IP layer that carries this TCP segment, even with tunnels around or inside it. The
 * destination address follows the source address in both IP headers. */
static gboolean find_addrs(proto_tree *tree, const field_info *tcp_fi, tlsa_addr *src,
                           tlsa_addr *dst) {
    const field_info *best = NULL;
    int best_family = 0;
    int hfs[2] = {hf_ip_src, hf_ipv6_src};
    for (int k = 0; k < 2; k++) {
        if (hfs[k] < 0)
            continue;
        GPtrArray *a = proto_get_finfo_ptr_array(tree, hfs[k]);
        if (a == NULL)
            continue;
        for (guint i = 0; i < a->len; i++) {
            const field_info *fi = (const field_info *)g_ptr_array_index(a, i);
            if (fi->ds_tvb != tcp_fi->ds_tvb || fi->start >= tcp_fi->start)
                continue;
            if (fi->length != (k == 0 ? 4 : 16))
                continue;
            if (best == NULL || fi->start > best->start) {
                best = fi;
                best_family = k == 0 ? 4 : 6;
            }
        }
    }
    if (best == NULL || best->start + 2 * best->length > tcp_fi->start)
        return FALSE;
    memset(src, 0, sizeof *src);
    memset(dst, 0, sizeof *dst);
    src->family = dst->family = (uint8_t)best_family;
    tvb_memcpy(best->ds_tvb, src->bytes, best->start, best->length);
    tvb_memcpy(best->ds_tvb, dst->bytes, best->start + best->length, best->length);
    return TRUE;
}

gboolean pl_segment_read(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, tlsa_segment *seg,
                         gint *payload_offset) {
    *payload_offset = -1;
    field_info *sport_fi = single(tree, hf_tcp_srcport);
    if (sport_fi == NULL)
        return FALSE; /* no TCP, or more than one TCP header */
    /* Only segments carried in the frame's own bytes, as the CLI reads them from the file: not
     * TCP found inside data Wireshark decrypted or decompressed (e.g. a WireGuard tunnel whose
     * keys are embedded in the pcapng), so that the plugin and the CLI report the same. */
    if (sport_fi->ds_tvb != tvb)
        return FALSE;
    /* tcp.len is present only when Wireshark could size the payload (not in IP fragments,
     * ICMP errors or short segments). */
    field_info *len_fi = single(tree, hf_tcp_len);
    if (len_fi == NULL || in_icmp_error(pinfo))
        return FALSE;
    gint th = sport_fi->start;
    if (!tvb_bytes_exist(tvb, th, TCP_MIN_HEADER))
        return FALSE;
    guint hlen = (guint)(tvb_get_guint8(tvb, th + 12) >> 4) * 4;
    if (hlen < TCP_MIN_HEADER)
        return FALSE; /* Wireshark gives up on such a header too */

    memset(seg, 0, sizeof *seg);
    if (!find_addrs(tree, sport_fi, &seg->src.addr, &seg->dst.addr))
        return FALSE;
    seg->src.port = tvb_get_ntohs(tvb, th);
    seg->dst.port = tvb_get_ntohs(tvb, th + 2);
    seg->seq = tvb_get_ntohl(tvb, th + 4);
    seg->ack = tvb_get_ntohl(tvb, th + 8); /* raw, with or without the ACK flag */
    seg->flags = (uint8_t)(tvb_get_guint8(tvb, th + 13) &
                           (TLSA_TCP_FIN | TLSA_TCP_SYN | TLSA_TCP_RST | TLSA_TCP_ACK));
    seg->len = (uint32_t)pl_fi_get_uint(len_fi);
    seg->frame = pinfo->num;
    seg->ts.sec = (int64_t)pinfo->abs_ts.secs;
    seg->ts.usec = (int32_t)(pinfo->abs_ts.nsecs / 1000);

    /* The payload follows the header; a truncated capture has less of it than tcp.len says. The
     * frame may also hold bytes after the IP packet (Ethernet padding): tcp.len bounds it. */
    if (seg->len > 0) {
        gint off = th + (gint)hlen;
        gint avail = tvb_captured_length_remaining(tvb, off);
        if (avail > 0) {
            *payload_offset = off;
            seg->caplen = MIN((guint32)avail, seg->len);
            seg->payload = tvb_get_ptr(tvb, off, (gint)seg->caplen);
        }
    }
    return TRUE;
}

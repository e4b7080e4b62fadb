/* Scales a base capture of real handshakes into a large benchmark corpus: the base is repeated,
 * each copy with rewritten IPv4 addresses and ports so every flow stays distinct, IPv4 and TCP
 * checksums recomputed, timestamps moved forward. With --interleave K, each base connection is
 * replayed by K copies in lockstep, so K connections are open at once (loads the flow table).
 *
 *   scale BASE.pcap OUT.pcap TARGET_MB [--interleave K]
 *
 * The base must be Ethernet or raw IPv4 with IPv4/TCP only (bench/record-base.sh makes one). */
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct pkt {
    struct pcap_pkthdr h;
    uint8_t *data;
} pkt;

static uint16_t csum_fold(uint32_t s) {
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

static uint32_t csum_add(uint32_t s, const uint8_t *p, size_t n) {
    for (size_t i = 0; i + 1 < n; i += 2)
        s += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (n & 1)
        s += (uint32_t)(p[n - 1] << 8);
    return s;
}

/* Rewrite copy number `copy` of one packet in place (buffer is a private copy). */
static void rewrite(uint8_t *d, uint32_t caplen, int l3, uint32_t copy) {
    if (caplen < (uint32_t)l3 + 20)
        return;
    uint8_t *ip = d + l3;
    if ((ip[0] >> 4) != 4 || ip[9] != 6)
        return;
    unsigned ihl = (ip[0] & 15) * 4u;
    unsigned total = (unsigned)(ip[2] << 8 | ip[3]);
    if (caplen < (uint32_t)l3 + ihl + 20 || total < ihl + 20 || (uint32_t)l3 + total > caplen)
        return;
    /* Clients become 10.a.b.c, servers 10.(a+128).b.c: one address pair per copy, ports kept.
     * The base is recorded on loopback, so the server is told apart by its low port. */
    uint8_t a = (uint8_t)(copy >> 16), b = (uint8_t)(copy >> 8), c = (uint8_t)copy;
    const uint8_t *tcph = ip + ihl;
    unsigned sport = (unsigned)(tcph[0] << 8 | tcph[1]);
    for (int k = 0; k < 2; k++) {
        uint8_t *addr = ip + 12 + 4 * k;
        int client = (k == 0) == (sport >= 10000);
        addr[0] = 10;
        addr[1] = (uint8_t)((a & 0x7f) | (client ? 0 : 0x80));
        addr[2] = b;
        addr[3] = c;
    }
    ip[10] = ip[11] = 0;
    uint16_t ipc = csum_fold(csum_add(0, ip, ihl));
    ip[10] = (uint8_t)(ipc >> 8);
    ip[11] = (uint8_t)ipc;
    uint8_t *tcp = ip + ihl;
    unsigned tcplen = total - ihl;
    tcp[16] = tcp[17] = 0;
    uint32_t s = csum_add(0, ip + 12, 8);
    s += 6 + tcplen;
    s = csum_add(s, tcp, tcplen);
    uint16_t tc = csum_fold(s);
    tcp[16] = (uint8_t)(tc >> 8);
    tcp[17] = (uint8_t)tc;
}

static void shift(struct pcap_pkthdr *h, double off) {
    long sec = (long)off;
    h->ts.tv_sec += sec;
    h->ts.tv_usec += (long)((off - sec) * 1e6);
    if (h->ts.tv_usec >= 1000000) {
        h->ts.tv_sec++;
        h->ts.tv_usec -= 1000000;
    }
}

/* The TCP port pair of a packet (0 when it is not IPv4/TCP). */
static uint32_t port_pair(const pkt *p, int l3) {
    if (p->h.caplen < (uint32_t)l3 + 24)
        return 0;
    const uint8_t *ip = p->data + l3;
    unsigned ihl = (ip[0] & 15) * 4u;
    if ((ip[0] >> 4) != 4 || ip[9] != 6 || p->h.caplen < (uint32_t)l3 + ihl + 4)
        return 0;
    unsigned a = (unsigned)(ip[ihl] << 8 | ip[ihl + 1]),
             b = (unsigned)(ip[ihl + 2] << 8 | ip[ihl + 3]);
    return a < b ? (uint32_t)(a << 16 | b) : (uint32_t)(b << 16 | a);
}

/* Interleaved mode: the base's connections one after the other, each replayed by `inter` copies
 * in lockstep (packet i of every copy, then packet i+1 ...), so `inter` connections are open at
 * once. Returns the bytes written. */
static uint64_t interleave(const pkt *base, size_t n, pcap_dumper_t *out, uint8_t *buf, int l3,
                           uint32_t inter, uint64_t target) {
    /* Number the connections by first appearance: conn[i] for packet i. */
    uint32_t *pairs = malloc(n * sizeof *pairs), *conn = malloc(n * sizeof *conn);
    size_t nconn = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t pp = port_pair(&base[i], l3);
        size_t c = 0;
        while (c < nconn && pairs[c] != pp)
            c++;
        if (c == nconn)
            pairs[nconn++] = pp;
        conn[i] = (uint32_t)c;
    }
    uint64_t written = 24;
    for (uint32_t round = 0; written < target; round++) {
        for (size_t c = 0; c < nconn && written < target; c++) {
            for (size_t i = 0; i < n; i++) {
                if (conn[i] != c)
                    continue;
                for (uint32_t k = 0; k < inter; k++) {
                    struct pcap_pkthdr hh = base[i].h;
                    uint32_t len = hh.caplen > 65536 ? 65536 : hh.caplen;
                    memcpy(buf, base[i].data, len);
                    rewrite(buf, len, l3, round * inter + k);
                    shift(&hh, round * 3600.0 + k * 1e-6);
                    pcap_dump((u_char *)out, &hh, buf);
                    written += 16 + len;
                }
            }
        }
    }
    free(pairs);
    free(conn);
    return written;
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: scale BASE.pcap OUT.pcap TARGET_MB [--interleave K]\n");
        return 2;
    }
    uint64_t target = strtoull(argv[3], NULL, 10) << 20;
    uint32_t inter = 1;
    if (argc >= 6 && strcmp(argv[4], "--interleave") == 0)
        inter = (uint32_t)strtoul(argv[5], NULL, 10);
    if (inter == 0)
        inter = 1;
    char err[PCAP_ERRBUF_SIZE];
    pcap_t *in = pcap_open_offline(argv[1], err);
    if (!in) {
        fprintf(stderr, "scale: %s\n", err);
        return 3;
    }
    int link = pcap_datalink(in);
    int l3 = link == DLT_EN10MB ? 14 : (link == DLT_RAW || link == 228) ? 0 : -1;
    if (l3 < 0) {
        fprintf(stderr, "scale: link type %d not supported (Ethernet or raw IPv4)\n", link);
        return 3;
    }
    pkt *base = NULL;
    size_t n = 0, cap = 0;
    uint64_t base_bytes = 0;
    struct pcap_pkthdr *h;
    const u_char *d;
    while (pcap_next_ex(in, &h, &d) == 1) {
        if (n == cap) {
            cap = cap ? cap * 2 : 1024;
            base = realloc(base, cap * sizeof *base);
            if (!base)
                return 1;
        }
        base[n].h = *h;
        base[n].data = malloc(h->caplen);
        memcpy(base[n].data, d, h->caplen);
        base_bytes += h->caplen + 16;
        n++;
    }
    if (n == 0) {
        fprintf(stderr, "scale: %s has no packets\n", argv[1]);
        return 3;
    }
    pcap_t *dead = pcap_open_dead(link, 65535);
    pcap_dumper_t *out = pcap_dump_open(dead, argv[2]);
    if (!out) {
        fprintf(stderr, "scale: %s\n", pcap_geterr(dead));
        return 3;
    }
    uint8_t *buf = malloc(65536);
    uint64_t written = 24;
    uint32_t copy = 0;
    struct timeval t0 = base[0].h.ts;
    double span = (double)(base[n - 1].h.ts.tv_sec - t0.tv_sec) +
                  (base[n - 1].h.ts.tv_usec - t0.tv_usec) / 1e6 + 0.001;
    if (inter > 1) {
        written = interleave(base, n, out, buf, l3, inter, target);
        copy = inter;
    }
    while (inter == 1 && written < target) {
        for (size_t i = 0; i < n && written < target + base_bytes; i++) {
            struct pcap_pkthdr hh = base[i].h;
            uint32_t len = hh.caplen > 65536 ? 65536 : hh.caplen;
            memcpy(buf, base[i].data, len);
            rewrite(buf, len, l3, copy);
            shift(&hh, copy * span);
            pcap_dump((u_char *)out, &hh, buf);
            written += 16 + len;
        }
        copy++;
    }
    pcap_dump_close(out);
    printf("scale: %u copies of %zu packets, %llu MB\n", copy, n,
           (unsigned long long)(written >> 20));
    return 0;
}

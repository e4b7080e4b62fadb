/* Scales a base capture of real handshakes into a large benchmark corpus: the base is repeated,
 * each copy with rewritten IPv4 addresses and ports so every flow stays distinct, IPv4 and TCP
 * checksums recomputed, timestamps moved forward. With --interleave K, K copies are merged packet
 * by packet so about K times the base's connections are open at once (loads the flow table).
 *
 *   scale BASE.pcap OUT.pcap TARGET_MB [--interleave K]
 *
 * The base must be Ethernet or raw IPv4 with IPv4/TCP only (bench/record-base.sh makes one). */
#include <pcap/pcap.h>
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
    while (written < target) {
        /* One round: `inter` copies interleaved packet by packet. */
        for (size_t i = 0; i < n && written < target + base_bytes; i++) {
            for (uint32_t k = 0; k < inter; k++) {
                struct pcap_pkthdr hh = base[i].h;
                uint32_t len = hh.caplen > 65536 ? 65536 : hh.caplen;
                memcpy(buf, base[i].data, len);
                rewrite(buf, len, l3, copy + k);
                double off = (copy / inter) * span + k * 1e-6;
                long sec = (long)off;
                hh.ts.tv_sec += sec;
                hh.ts.tv_usec += (long)((off - sec) * 1e6);
                if (hh.ts.tv_usec >= 1000000) {
                    hh.ts.tv_sec++;
                    hh.ts.tv_usec -= 1000000;
                }
                pcap_dump((u_char *)out, &hh, buf);
                written += 16 + len;
            }
        }
        copy += inter;
    }
    pcap_dump_close(out);
    printf("scale: %u copies of %zu packets, %llu MB\n", copy, n,
           (unsigned long long)(written >> 20));
    return 0;
}

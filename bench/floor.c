/* The libpcap floor: iterate over every packet of a capture and touch its bytes, nothing more.
 * Whatever tlsaudit costs above this is the price of analysis. */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: floor FILE\n");
        return 2;
    }
    char err[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_open_offline(argv[1], err);
    if (!p) {
        fprintf(stderr, "floor: %s\n", err);
        return 3;
    }
    struct pcap_pkthdr *h;
    const u_char *d;
    uint64_t packets = 0, bytes = 0;
    unsigned sum = 0;
    while (pcap_next_ex(p, &h, &d) == 1) {
        packets++;
        bytes += h->caplen;
        sum += d[h->caplen ? h->caplen - 1 : 0];
    }
    pcap_close(p);
    printf("%llu packets, %llu bytes (%u)\n", (unsigned long long)packets,
           (unsigned long long)bytes, sum & 1);
    return 0;
}

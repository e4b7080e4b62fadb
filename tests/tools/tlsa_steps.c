/* tlsa-steps FILE: reads a pcap/pcapng with libpcap, feeds the engine and prints one line per
 * frame that completes at least one cleartext handshake message: "frame<TAB>type,type,..." in
 * wire order (handshake type numbers as on the wire, as `tshark -T fields -e
 * tls.handshake.type` prints them). Used by tests/e2e/test_diff_tshark.sh. */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>

#include "tlsaudit/tlsaudit.h"

typedef struct seen {
    uint64_t frame;
    uint32_t order; /* arrival order, keeps wire order within a frame */
    uint8_t type;
} seen;

typedef struct list {
    seen *v;
    size_t n, cap;
    int failed;
} list;

static void on_step(const tlsa_conn *c, const tlsa_step *s, void *user) {
    list *l = user;
    (void)c;
    if (s->encrypted)
        return;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 256;
        seen *v = realloc(l->v, cap * sizeof(*v));
        if (!v) {
            l->failed = 1;
            return;
        }
        l->v = v;
        l->cap = cap;
    }
    /* A HelloRetryRequest is a ServerHello on the wire. */
    uint8_t type = s->msg_type == TLSA_HS_HELLO_RETRY_REQUEST ? TLSA_HS_SERVER_HELLO : s->msg_type;
    l->v[l->n] = (seen){s->frame, (uint32_t)l->n, type};
    l->n++;
}

static int by_frame(const void *a, const void *b) {
    const seen *x = a, *y = b;
    if (x->frame != y->frame)
        return x->frame < y->frame ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: tlsa-steps CAPTURE\n");
        return 2;
    }
    char err[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_open_offline(argv[1], err);
    if (!p) {
        fprintf(stderr, "tlsa-steps: %s\n", err);
        return 2;
    }
    list l = {0};
    tlsa_engine_config cfg = {0};
    tlsa_limits_default(&cfg.limits);
    cfg.on_step = on_step;
    cfg.user = &l;
    tlsa_engine *e = tlsa_engine_new(&cfg);
    if (!e) {
        fprintf(stderr, "tlsa-steps: cannot create the engine\n");
        pcap_close(p);
        return 2;
    }
    int link = pcap_datalink(p);
    struct pcap_pkthdr *h;
    const u_char *data;
    uint64_t frame = 0;
    int rc;
    while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
        tlsa_time ts = {(int64_t)h->ts.tv_sec, (int32_t)h->ts.tv_usec};
        (void)tlsa_engine_packet(e, link, ts, ++frame, data, h->caplen, h->len);
    }
    tlsa_engine_flush(e);
    tlsa_engine_free(e);
    pcap_close(p);
    if (l.failed) {
        fprintf(stderr, "tlsa-steps: out of memory\n");
        return 2;
    }
    if (l.n)
        qsort(l.v, l.n, sizeof(*l.v), by_frame);
    for (size_t i = 0; i < l.n; i++) {
        if (i == 0 || l.v[i].frame != l.v[i - 1].frame)
            printf("%s%llu\t", i ? "\n" : "", (unsigned long long)l.v[i].frame);
        else
            putchar(',');
        printf("%u", l.v[i].type);
    }
    if (l.n)
        putchar('\n');
    free(l.v);
    return 0;
}

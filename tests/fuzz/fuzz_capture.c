/* The whole path: capture file bytes (pcap or pcapng) → libpcap → engine → audit → JSON. */
#include <pcap/pcap.h>
#include <stdio.h>

#include "fuzz.h"
#include "tlsaudit/tlsaudit.h"

static tlsa_auditor *auditor(void) {
    static tlsa_auditor *a;
    if (!a) {
        tlsa_audit_config cfg = {0};
        cfg.no_system_store = true;
        tlsa_err e;
        a = tlsa_auditor_new(&cfg, &e, NULL, 0);
    }
    return a;
}

static void on_conn(tlsa_conn *c, void *user) {
    tlsa_buf *b = user;
    tlsa_buf_reset(b);
    tlsa_json_conn(b, "fuzz.pcap", c);
    for (uint32_t i = 0; i < c->n_findings; i++)
        if (c->findings[i].detail)
            tlsa_text_str(b, (const uint8_t *)c->findings[i].detail,
                          __builtin_strlen(c->findings[i].detail));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    FILE *f = fmemopen((void *)data, size, "rb");
    if (!f)
        return 0;
    char err[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_fopen_offline(f, err); /* takes ownership of f */
    if (!p) {
        fclose(f);
        return 0;
    }
    tlsa_buf out = {0};
    tlsa_engine_config cfg = {0};
    tlsa_limits_default(&cfg.limits);
    cfg.limits.max_flows = 64;
    cfg.auditor = auditor();
    cfg.on_conn = on_conn;
    cfg.user = &out;
    tlsa_engine *e = tlsa_engine_new(&cfg);
    if (e) {
        int link = pcap_datalink(p);
        struct pcap_pkthdr *h;
        const u_char *pkt;
        uint64_t frame = 0;
        while (pcap_next_ex(p, &h, &pkt) == 1) {
            tlsa_time ts = {h->ts.tv_sec, (int32_t)h->ts.tv_usec};
            if (tlsa_engine_packet(e, link, ts, ++frame, pkt, h->caplen, h->len) ==
                TLSA_E_UNSUPPORTED_LINKTYPE)
                break;
        }
        tlsa_engine_flush(e);
        tlsa_engine_free(e);
    }
    tlsa_buf_free(&out);
    pcap_close(p);
    return 0;
}

/* Certificate chain handling: the input is a list of DER blobs (2-byte big-endian length, then
 * the bytes), audited as a server chain with an SNI, then rendered as JSON. */
#include <stdlib.h>
#include <string.h>

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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    tlsa_auditor *a = auditor();
    if (!a)
        return 0;
    tlsa_blob certs[8];
    uint32_t n = 0;
    size_t pos = 0;
    while (n < 8 && size - pos >= 2) {
        size_t len = (size_t)data[pos] << 8 | data[pos + 1];
        pos += 2;
        if (len > size - pos)
            len = size - pos;
        certs[n].data = malloc(len ? len : 1);
        if (!certs[n].data)
            break;
        memcpy(certs[n].data, data + pos, len);
        certs[n].len = (uint32_t)len;
        n++;
        pos += len;
    }
    static uint8_t sni[] = "www.example.com";
    tlsa_conn c;
    memset(&c, 0, sizeof c);
    c.version = TLSA_V_TLS12;
    c.ch.present = true;
    c.ch.sni.data = sni;
    c.ch.sni.len = sizeof sni - 1;
    c.sh.present = true;
    c.server_chain.v = certs;
    c.server_chain.n = n;
    c.server_chain_ts.sec = 1780000000;
    if (tlsa_audit_conn(a, &c) == TLSA_E_OK) {
        tlsa_buf b = {0};
        tlsa_json_conn(&b, "fuzz", &c);
        tlsa_buf_free(&b);
    }
    tlsa_audit_clear(&c);
    for (uint32_t i = 0; i < n; i++)
        free(certs[i].data);
    return 0;
}

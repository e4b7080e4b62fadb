/* The TLS layer fed with both directions of a stream. The input is a sequence of chunks:
 * one control byte (bit 7: side; bits 0-6: chunk length, 0 = a 100-byte gap) then the bytes.
 * With bit 1 of the size set, keys are configured: a key log with every secret for the client
 * random 41 41 .. 41 (so hostile hellos can reach the decryption path) and a session cache. */
#include <stdlib.h>

#include "fuzz.h"
#include "keys_internal.h"
#include "tls_stream.h"

#define R41 "4141414141414141414141414141414141414141414141414141414141414141"
#define S16 "01020304050607080910111213141516"
#define S32 S16 "17181920212223242526272829303132"

static tlsa_keylog *fuzz_keylog(void) {
    static tlsa_keylog *kl;
    static const char text[] = "CLIENT_RANDOM " R41 " " S32 S16 "\n"
                               "CLIENT_HANDSHAKE_TRAFFIC_SECRET " R41 " " S32 "\n"
                               "SERVER_HANDSHAKE_TRAFFIC_SECRET " R41 " " S32 "\n"
                               "CLIENT_TRAFFIC_SECRET_0 " R41 " " S32 "\n"
                               "SERVER_TRAFFIC_SECRET_0 " R41 " " S32 "\n"
                               "CLIENT_EARLY_TRAFFIC_SECRET " R41 " " S32 "\n";
    if (!kl) {
        kl = tlsa_keylog_new();
        if (kl && tlsa_keylog_add_text(kl, "fuzz", text, sizeof text - 1) != TLSA_E_OK) {
            tlsa_keylog_free(kl);
            kl = NULL;
        }
    }
    return kl;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    tlsa_limits lim;
    tlsa_limits_default(&lim);
    lim.max_message = 1 << 16;
    tlsa_tls_init init = {0};
    init.limits = &lim;
    init.side[0].addr.family = 4;
    init.side[0].port = 40000;
    init.side[1].addr.family = 4;
    init.side[1].port = 443;
    init.syn_seen = (size & 1) != 0;
    static tlsa_session_cache *sessions;
    if ((size & 2) != 0) {
        if (!sessions)
            sessions = calloc(1, sizeof *sessions);
        init.keylog = fuzz_keylog();
        init.sessions = sessions;
    }
    tlsa_tls *t = tlsa_tls_new(&init);
    if (!t)
        return 0;
    size_t pos = 0;
    uint64_t frame = 1;
    tlsa_time ts = {1700000000, 0};
    while (pos < size) {
        uint8_t ctl = data[pos++];
        int side = ctl >> 7;
        size_t n = ctl & 0x7f;
        if (n == 0) {
            tlsa_tls_gap(t, side, 100, frame);
        } else {
            if (n > size - pos)
                n = size - pos;
            tlsa_tls_data(t, side, data + pos, n, frame, ts);
            pos += n;
        }
        frame++;
        ts.usec++;
        tlsa_tls_touch(t, frame, ts);
    }
    (void)tlsa_tls_verdict_of(t);
    (void)tlsa_tls_buffered(t);
    (void)tlsa_tls_finish(t, TLSA_END_EOF);
    tlsa_tls_free(t);
    return 0;
}

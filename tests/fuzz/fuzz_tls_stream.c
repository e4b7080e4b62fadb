/* The TLS layer fed with both directions of a stream. The input is a sequence of chunks:
 * one control byte (bit 7: side; bits 0-6: chunk length, 0 = a 100-byte gap) then the bytes.
 * With bit 1 of the size set, keys are configured: a key log with every secret for the client
 * random 41 41 .. 41 (so hostile hellos can reach the decryption path) and for two real
 * connections (seeds keys-*), and a session cache. */
#include <stdlib.h>

#include "fuzz.h"
#include "keys_internal.h"
#include "tls_stream.h"

#define R41 "4141414141414141414141414141414141414141414141414141414141414141"
#define S16 "01020304050607080910111213141516"
#define S32 S16 "17181920212223242526272829303132"

static tlsa_keylog *fuzz_keylog(void) {
    static tlsa_keylog *kl;
    static const char text[] =
        "CLIENT_RANDOM " R41 " " S32 S16 "\n"
        "CLIENT_HANDSHAKE_TRAFFIC_SECRET " R41 " " S32 "\n"
        "SERVER_HANDSHAKE_TRAFFIC_SECRET " R41 " " S32 "\n"
        "CLIENT_TRAFFIC_SECRET_0 " R41 " " S32 "\n"
        "SERVER_TRAFFIC_SECRET_0 " R41 " " S32 "\n"
        "CLIENT_EARLY_TRAFFIC_SECRET " R41 " " S32 "\n"
        /* the secrets of two real connections (shared captures tls13-rfc8446, tls12-dsb), so that
         * seeds made from them decrypt */
        "CLIENT_HANDSHAKE_TRAFFIC_SECRET "
        "2635fafc16c49a3e997ef714c303806dc8dbf634a2005b0e0186521c4ad6f9df "
        "3a497c91f6e130fbc18fc9f773b92bb0d538dfedc30e964cde0676396f24d0df\n"
        "SERVER_HANDSHAKE_TRAFFIC_SECRET "
        "2635fafc16c49a3e997ef714c303806dc8dbf634a2005b0e0186521c4ad6f9df "
        "1a63b313c605f90e0b3c5717ebbbc62e1da3fe8e2aa66e499409a06b89040783\n"
        "CLIENT_TRAFFIC_SECRET_0 2635fafc16c49a3e997ef714c303806dc8dbf634a2005b0e0186521c4ad6f9df "
        "1ce3e54d6b980d838f79564fd33d43a7664df24ead913c316c379ca3dd349b74\n"
        "SERVER_TRAFFIC_SECRET_0 2635fafc16c49a3e997ef714c303806dc8dbf634a2005b0e0186521c4ad6f9df "
        "befa80156bd5cb23899c23afadd8deb87c4117323b3e184085b57c8f4dc56760\n"
        "CLIENT_EARLY_TRAFFIC_SECRET "
        "b67947da9d3e4b2ce8acffa975e30aa7ef90f7ec0d39de78db392f38b9a9a41d "
        "42c0101fad261571cb8799c86a1eb4afe6dcef4a5f88664ac63e4c77452a77ef\n"
        "CLIENT_HANDSHAKE_TRAFFIC_SECRET "
        "b67947da9d3e4b2ce8acffa975e30aa7ef90f7ec0d39de78db392f38b9a9a41d "
        "f4b31725da386891edbf521b96547be8b166487ca56ac197ac8df728c303ee80\n"
        "SERVER_HANDSHAKE_TRAFFIC_SECRET "
        "b67947da9d3e4b2ce8acffa975e30aa7ef90f7ec0d39de78db392f38b9a9a41d "
        "ee3a6c64336e7f22214ab8f4b1aba29b0e7c72c84890a240d5c0c451ffceee9a\n"
        "CLIENT_TRAFFIC_SECRET_0 b67947da9d3e4b2ce8acffa975e30aa7ef90f7ec0d39de78db392f38b9a9a41d "
        "ceca66e29c1452990be5d1a439805adb9e582931051e847d8ad676147fd63b13\n"
        "SERVER_TRAFFIC_SECRET_0 b67947da9d3e4b2ce8acffa975e30aa7ef90f7ec0d39de78db392f38b9a9a41d "
        "bf428b9e2e4853bab9c442f23d0dc45a9d552ab31ec96c7b9633ed16694924d0\n"
        "CLIENT_RANDOM f67a28b386b31c620d76c0026fdd9888edbe6bf0f5b715b2caca158f84ae9d66 "
        "cc38e78182b9dfd74ef3103d79bbc99cfc9b4dad209ed209062b5481e63353128da7571b13cfd4d3a5ae7d0520"
        "fb346d\n";
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

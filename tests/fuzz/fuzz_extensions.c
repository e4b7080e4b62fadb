/* The extension list splitter: the input is the body of an extensions<0..2^16-1> vector. */
#include "fuzz.h"
#include "msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    tlsa_limits lim;
    tlsa_limits_default(&lim);
    tlsa_ext_raw exts[64];
    size_t n = 0;
    tlsa_cur c = tlsa_cur_make(data, size);
    if (tlsa_ext_split(&c, &lim, exts, 64, &n) == TLSA_E_OK) {
        /* Touch every body so ASan checks the spans the splitter returned. */
        volatile uint8_t sink = 0;
        for (size_t i = 0; i < n; i++)
            for (size_t j = exts[i].body.pos; j < exts[i].body.end; j++)
                sink ^= exts[i].body.base[j];
        (void)sink;
    }
    return 0;
}

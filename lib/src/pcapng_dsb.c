/* Decryption Secrets Blocks of pcapng files (libpcap skips them, so we read them ourselves).
 *
 *   General block:  uint32 type; uint32 total_length; body; uint32 total_length   (4-aligned)
 *   SHB (0x0A0D0D0A): body starts with uint32 byte_order_magic 0x1A2B3C4D in the section's order
 *   DSB (0x0000000A): uint32 secrets_type; uint32 secrets_length; secrets (padded to 4); options
 *
 * Each section header sets the byte order of the blocks that follow it. Only secrets_type
 * 0x544c534b ("TLSK", an NSS key log) is used; other DSBs (WireGuard, ZigBee, ...) are skipped. */
#include <stdio.h>
#include <stdlib.h>

#include "cursor.h"
#include "keys_internal.h"

#define PCAPNG_SHB 0x0A0D0D0Au
#define PCAPNG_DSB 0x0000000Au
#define PCAPNG_BOM 0x1A2B3C4Du
#define DSB_MAX_BLOCK (64u << 20) /* a key log larger than this is not a key log */

static uint32_t bswap32(uint32_t v) {
    return (v >> 24) | ((v >> 8) & 0xff00u) | ((v << 8) & 0xff0000u) | (v << 24);
}

__attribute__((warn_unused_result)) static tlsa_err rd32(tlsa_cur *c, int le, uint32_t *v) {
    TLSA_TRY(tlsa_cur_u32(c, v));
    if (le)
        *v = bswap32(*v);
    return TLSA_E_OK;
}

/* Byte order from the 4 bytes after an SHB's type and length. */
static tlsa_err byte_order(const uint8_t bom[4], int *le) {
    uint32_t v = (uint32_t)bom[0] << 24 | (uint32_t)bom[1] << 16 | (uint32_t)bom[2] << 8 | bom[3];
    if (v == PCAPNG_BOM)
        *le = 0;
    else if (bswap32(v) == PCAPNG_BOM)
        *le = 1;
    else
        return TLSA_E_BAD_VALUE;
    return TLSA_E_OK;
}

/* One whole block (type .. trailing length) already known to be a DSB. */
static tlsa_err dsb_block(const uint8_t *blk, size_t len, int le, tlsa_dsb_fn fn, void *ud) {
    tlsa_cur c = tlsa_cur_make(blk, len);
    uint32_t type, total, stype, slen, trailer;
    TLSA_TRY(rd32(&c, le, &type));
    TLSA_TRY(rd32(&c, le, &total));
    TLSA_ENSURE(total == len && total >= 20, TLSA_E_BAD_LENGTH);
    tlsa_cur body;
    TLSA_TRY(tlsa_cur_sub(&c, total - 12, &body));
    TLSA_TRY(rd32(&c, le, &trailer));
    TLSA_ENSURE(trailer == total, TLSA_E_BAD_LENGTH);
    TLSA_TRY(rd32(&body, le, &stype));
    TLSA_TRY(rd32(&body, le, &slen));
    tlsa_cur secrets;
    TLSA_TRY(tlsa_cur_sub(&body, slen, &secrets)); /* options and padding follow; ignored */
    return fn(ud, stype, tlsa_cur_ptr(&secrets), tlsa_cur_left(&secrets));
}

tlsa_err tlsa_pcapng_dsb_each(const uint8_t *buf, size_t len, tlsa_dsb_fn fn, void *ud) {
    if (!fn || (!buf && len))
        return TLSA_E_INVALID_ARGUMENT;
    tlsa_cur c = tlsa_cur_make(buf, len);
    int le = 0, seen_shb = 0;
    while (tlsa_cur_left(&c) > 0) {
        tlsa_cur h = c;
        uint32_t type, total;
        TLSA_TRY(tlsa_cur_u32(&h, &type)); /* SHB type is a palindrome, DSB checked below */
        if (type == PCAPNG_SHB) {
            uint8_t lenb[4], bom[4];
            TLSA_TRY(tlsa_cur_copy(&h, lenb, 4));
            TLSA_TRY(tlsa_cur_copy(&h, bom, 4));
            TLSA_TRY(byte_order(bom, &le));
            seen_shb = 1;
        } else if (!seen_shb) {
            return TLSA_E_BAD_VALUE; /* not a pcapng file */
        }
        h = c;
        TLSA_TRY(rd32(&h, le, &type));
        TLSA_TRY(rd32(&h, le, &total));
        TLSA_ENSURE(total >= 12 && total % 4 == 0, TLSA_E_BAD_LENGTH);
        tlsa_cur blk;
        TLSA_TRY(tlsa_cur_sub(&c, total, &blk));
        if (type == PCAPNG_DSB)
            TLSA_TRY(dsb_block(tlsa_cur_ptr(&blk), tlsa_cur_left(&blk), le, fn, ud));
    }
    return TLSA_E_OK;
}

typedef struct add_ctx {
    tlsa_keylog *kl;
    size_t n;
} add_ctx;

static tlsa_err add_one(void *ud, uint32_t secrets_type, const uint8_t *data, size_t len) {
    add_ctx *a = ud;
    if (secrets_type != TLSA_DSB_TLS_KEYLOG)
        return TLSA_E_OK;
    char name[40];
    snprintf(name, sizeof name, "pcapng DSB #%zu", ++a->n);
    return tlsa_keylog_add_text(a->kl, name, (const char *)data, len);
}

tlsa_err tlsa_keylog_add_pcapng(tlsa_keylog *kl, const uint8_t *buf, size_t len, size_t *n_dsb) {
    if (!kl)
        return TLSA_E_INVALID_ARGUMENT;
    add_ctx a = {kl, 0};
    tlsa_err e = tlsa_pcapng_dsb_each(buf, len, add_one, &a);
    if (n_dsb)
        *n_dsb = a.n;
    return e;
}

/* Streams the file: headers are read, non-DSB blocks are skipped with fseek, each DSB is read
 * whole and parsed by dsb_block. */
static tlsa_err scan_file(FILE *f, add_ctx *a) {
    int le = 0, seen_shb = 0;
    for (;;) {
        uint8_t hdr[12];
        size_t got = fread(hdr, 1, 8, f);
        if (got == 0 && feof(f))
            return TLSA_E_OK;
        TLSA_ENSURE(got == 8, TLSA_E_TRUNCATED);
        tlsa_cur h = tlsa_cur_make(hdr, 8);
        uint32_t type, total;
        TLSA_TRY(tlsa_cur_u32(&h, &type));
        long skip_from = 8;
        if (type == PCAPNG_SHB) {
            TLSA_ENSURE(fread(hdr + 8, 1, 4, f) == 4, TLSA_E_TRUNCATED);
            TLSA_TRY(byte_order(hdr + 8, &le));
            seen_shb = 1;
            skip_from = 12;
        } else if (!seen_shb) {
            return TLSA_E_BAD_VALUE;
        }
        h = tlsa_cur_make(hdr, 8);
        TLSA_TRY(rd32(&h, le, &type));
        TLSA_TRY(rd32(&h, le, &total));
        TLSA_ENSURE(total >= 12 && total % 4 == 0, TLSA_E_BAD_LENGTH);
        if (type != PCAPNG_DSB) {
            TLSA_ENSURE(fseek(f, (long)total - skip_from, SEEK_CUR) == 0, TLSA_E_TRUNCATED);
            continue;
        }
        TLSA_ENSURE(total <= DSB_MAX_BLOCK, TLSA_E_BAD_LENGTH);
        uint8_t *blk = malloc(total);
        if (!blk)
            return TLSA_E_NO_MEMORY;
        memcpy(blk, hdr, 8);
        tlsa_err e = TLSA_E_TRUNCATED;
        if (fread(blk + 8, 1, total - 8, f) == total - 8)
            e = dsb_block(blk, total, le, add_one, a);
        free(blk);
        TLSA_TRY(e);
    }
}

tlsa_err tlsa_keylog_load_pcapng(tlsa_keylog *kl, const char *path, size_t *n_dsb) {
    if (!kl || !path)
        return TLSA_E_INVALID_ARGUMENT;
    FILE *f = fopen(path, "rb");
    if (!f)
        return TLSA_E_IO;
    add_ctx a = {kl, 0};
    tlsa_err e = scan_file(f, &a);
    fclose(f);
    if (n_dsb)
        *n_dsb = a.n;
    return e;
}

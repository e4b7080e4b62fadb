/* SSL 3.0 key derivation, record MAC and Finished (RFC 6101 §5.2.3.1, §6.1, §6.2, §5.6.9),
 * built from OpenSSL's MD5 and SHA-1 (EVP_Digest*); SSL 3.0 has no PRF.
 *
 *   master_secret = MD5(pms + SHA1("A" + pms + CR + SR)) + MD5(pms + SHA1("BB" + pms + CR + SR))
 *                 + MD5(pms + SHA1("CCC" + pms + CR + SR))
 *   key_block     = MD5(master + SHA1("A" + master + SR + CR)) + MD5(master + SHA1("BB" + ...)) ...
 *   MAC           = hash(MAC_secret + pad_2 + hash(MAC_secret + pad_1 + seq_num + type + length
 *                   + content))            pad_1 = 0x36, pad_2 = 0x5c: 48 bytes (MD5), 40 (SHA)
 *   Finished      = MD5(master + pad_2 + MD5(handshake_messages + Sender + master + pad_1))
 *                 + SHA(master + pad_2 + SHA(handshake_messages + Sender + master + pad_1))
 *                   Sender: client 0x434C4E54, server 0x53525652 */
#include <openssl/evp.h>
#include <string.h>

#include "keys_internal.h"

typedef struct part {
    const uint8_t *p;
    size_t n;
} part;

/* hash(parts...) into out; returns the digest length, 0 on failure. */
static unsigned digest(const EVP_MD *md, const part *parts, int nparts, uint8_t *out) {
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned n = 0;
    int ok = ctx && EVP_DigestInit_ex(ctx, md, NULL) == 1;
    for (int i = 0; ok && i < nparts; i++)
        ok = parts[i].n == 0 || EVP_DigestUpdate(ctx, parts[i].p, parts[i].n) == 1;
    ok = ok && EVP_DigestFinal_ex(ctx, out, &n) == 1;
    EVP_MD_CTX_free(ctx);
    return ok ? n : 0;
}

/* The MD5(secret + SHA1(label + secret + r1 + r2)) blocks of master secret and key block. */
static tlsa_err expand(const uint8_t *secret, size_t secret_len, const uint8_t r1[32],
                       const uint8_t r2[32], uint8_t *out, size_t out_len) {
    uint8_t label[26], sha[20], md5[16];
    for (size_t i = 0, done = 0; done < out_len; i++) {
        if (i >= sizeof label)
            return TLSA_E_INVALID_ARGUMENT;
        memset(label, 'A' + (int)i, i + 1);
        part in1[] = {{label, i + 1}, {secret, secret_len}, {r1, 32}, {r2, 32}};
        if (digest(EVP_sha1(), in1, 4, sha) != 20)
            return TLSA_E_NO_MEMORY;
        part in2[] = {{secret, secret_len}, {sha, 20}};
        if (digest(EVP_md5(), in2, 2, md5) != 16)
            return TLSA_E_NO_MEMORY;
        size_t n = out_len - done < 16 ? out_len - done : 16;
        memcpy(out + done, md5, n);
        done += n;
    }
    return TLSA_E_OK;
}

tlsa_err tlsa_ssl3_master_secret(const uint8_t *pms, size_t pms_len, const uint8_t cr[32],
                                 const uint8_t sr[32], uint8_t master[48]) {
    if (!pms || !cr || !sr || !master)
        return TLSA_E_INVALID_ARGUMENT;
    return expand(pms, pms_len, cr, sr, master, 48);
}

tlsa_err tlsa_ssl3_key_block(const uint8_t master[48], const uint8_t cr[32], const uint8_t sr[32],
                             uint8_t *out, size_t out_len) {
    if (!master || !cr || !sr || !out || out_len > 16 * 26)
        return TLSA_E_INVALID_ARGUMENT;
    return expand(master, 48, sr, cr, out, out_len);
}

static const EVP_MD *md_of(const char *name, size_t *pad) {
    if (strcmp(name, "MD5") == 0) {
        *pad = 48;
        return EVP_md5();
    }
    if (strcmp(name, "SHA1") == 0) {
        *pad = 40;
        return EVP_sha1();
    }
    return NULL;
}

tlsa_err tlsa_ssl3_mac(const char *md_name, const uint8_t *secret, uint64_t seq, uint8_t type,
                       const uint8_t *content, size_t len, uint8_t *out) {
    size_t pad = 0;
    const EVP_MD *md = md_name ? md_of(md_name, &pad) : NULL;
    if (!md || !secret || (!content && len) || !out || len > 0xffff)
        return TLSA_E_UNSUPPORTED_CIPHER;
    size_t secret_len = (size_t)EVP_MD_get_size(md);
    uint8_t pad1[48], pad2[48], hdr[11], inner[20];
    memset(pad1, 0x36, sizeof pad1);
    memset(pad2, 0x5c, sizeof pad2);
    for (int i = 0; i < 8; i++)
        hdr[i] = (uint8_t)(seq >> (56 - 8 * i));
    hdr[8] = type;
    hdr[9] = (uint8_t)(len >> 8);
    hdr[10] = (uint8_t)len;
    part in1[] = {{secret, secret_len}, {pad1, pad}, {hdr, 11}, {content, len}};
    unsigned n = digest(md, in1, 4, inner);
    part in2[] = {{secret, secret_len}, {pad2, pad}, {inner, n}};
    return n && digest(md, in2, 3, out) == n ? TLSA_E_OK : TLSA_E_NO_MEMORY;
}

tlsa_err tlsa_ssl3_finished(const uint8_t *msgs, size_t len, const uint8_t master[48],
                            bool from_client, uint8_t out[36]) {
    if ((!msgs && len) || !master || !out)
        return TLSA_E_INVALID_ARGUMENT;
    static const uint8_t client[4] = {0x43, 0x4C, 0x4E, 0x54}, server[4] = {0x53, 0x52, 0x56, 0x52};
    uint8_t pad1[48], pad2[48], inner[20];
    memset(pad1, 0x36, sizeof pad1);
    memset(pad2, 0x5c, sizeof pad2);
    const EVP_MD *mds[2] = {EVP_md5(), EVP_sha1()};
    const size_t pads[2] = {48, 40};
    uint8_t *o = out;
    for (int i = 0; i < 2; i++) {
        part in1[] = {
            {msgs, len}, {from_client ? client : server, 4}, {master, 48}, {pad1, pads[i]}};
        unsigned n = digest(mds[i], in1, 4, inner);
        part in2[] = {{master, 48}, {pad2, pads[i]}, {inner, n}};
        if (!n || digest(mds[i], in2, 3, o) != n)
            return TLSA_E_NO_MEMORY;
        o += n;
    }
    return TLSA_E_OK;
}

/* Output encoders: every escaper against hostile bytes, with the exact expected text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"
#include "tlsaudit/tlsaudit.h"

typedef void (*escaper)(tlsa_buf *, const uint8_t *, size_t);

/* Runs one escaper on n bytes and compares with the expected C string. */
static void check(escaper fn, const char *in, size_t n, const char *want) {
    tlsa_buf b = {0};
    fn(&b, (const uint8_t *)in, n);
    CU_ASSERT_FALSE(b.oom);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b.data);
    CU_ASSERT_EQUAL(b.len, strlen(want));
    CU_ASSERT_STRING_EQUAL(b.data, want);
    if (strcmp(b.data, want) != 0)
        fprintf(stderr, "\n  got  [%s]\n  want [%s]\n", b.data, want);
    tlsa_buf_free(&b);
}
#define CHECK(fn, lit, want) check(fn, lit, sizeof(lit) - 1, want)

static void test_buf(void) {
    tlsa_buf b = {0};
    tlsa_buf_puts(&b, "abc");
    tlsa_buf_put(&b, "\0x", 2);
    CU_ASSERT_EQUAL(b.len, 5);
    tlsa_buf_printf(&b, "%d-%s", 42, "z");
    CU_ASSERT_EQUAL(b.len, 9);
    CU_ASSERT(memcmp(b.data, "abc\0x42-z", 10) == 0);
    for (int i = 0; i < 1000; i++)
        tlsa_buf_printf(&b, "%04d", i);
    CU_ASSERT_EQUAL(b.len, 9 + 4000);
    CU_ASSERT(memcmp(b.data + b.len - 4, "0999", 4) == 0);
    tlsa_buf_reset(&b);
    CU_ASSERT_EQUAL(b.len, 0);
    CU_ASSERT_STRING_EQUAL(b.data, "");
    tlsa_buf_free(&b);
    CU_ASSERT_PTR_NULL(b.data);
}

static void test_json(void) {
    CHECK(tlsa_json_str, "plain", "\"plain\"");
    CHECK(tlsa_json_str, "", "\"\"");
    CHECK(tlsa_json_str, "a\"b\\c", "\"a\\\"b\\\\c\"");
    CHECK(tlsa_json_str, "\x1b[31mred", "\"\\u001b[31mred\"");
    CHECK(tlsa_json_str, "\x1b]0;title\x07", "\"\\u001b]0;title\\u0007\"");
    CHECK(tlsa_json_str, "a\0b", "\"a\\u0000b\"");
    CHECK(tlsa_json_str, "l1\nl2\r\t", "\"l1\\nl2\\r\\t\"");
    CHECK(tlsa_json_str, "\x7f", "\"\\u007f\"");
    CHECK(tlsa_json_str, "<script>,", "\"<script>,\"");
    CHECK(tlsa_json_str, "\xc0\xaf", "\"\\ufffd\\ufffd\"");            /* overlong '/' */
    CHECK(tlsa_json_str, "a\x80\xbf", "\"a\\ufffd\\ufffd\"");          /* lone continuations */
    CHECK(tlsa_json_str, "\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\""); /* surrogate D800 */
    CHECK(tlsa_json_str, "\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\""); /* > U+10FFFF */
    CHECK(tlsa_json_str, "\xe2\x80", "\"\\ufffd\\ufffd\"");                       /* truncated */
    CHECK(tlsa_json_str, "x\xe2\x80\xa8y\xe2\x80\xa9", "\"x\\u2028y\\u2029\"");
    CHECK(tlsa_json_str, "\xc2\x9b", "\"\\u009b\"");     /* C1 CSI */
    CHECK(tlsa_json_str, "\xe2\x80\xae", "\"\\u202e\""); /* RIGHT-TO-LEFT OVERRIDE */
    /* valid multi-byte UTF-8 passes through: é, €, 𝄞 */
    CHECK(tlsa_json_str, "\xc3\xa9\xe2\x82\xac\xf0\x9d\x84\x9e",
          "\"\xc3\xa9\xe2\x82\xac\xf0\x9d\x84\x9e\"");
}

static void test_text(void) {
    CHECK(tlsa_text_str, "example.com", "example.com");
    CHECK(tlsa_text_str, "\x1b[31mred", "\\x1B[31mred");
    CHECK(tlsa_text_str, "\x1b]0;title\x07", "\\x1B]0;title\\x07");
    CHECK(tlsa_text_str, "a\0b", "a\\x00b");
    CHECK(tlsa_text_str, "l1\nl2\r\t", "l1\\x0Al2\\x0D\\x09");
    CHECK(tlsa_text_str, "\x7f", "\\x7F");
    /* the backslash is escaped too, so "\\x1b" on the wire cannot pass for an escaped ESC */
    CHECK(tlsa_text_str, "a\"b\\c,<script>", "a\"b\\x5Cc,<script>");
    CHECK(tlsa_text_str, "\\x1b", "\\x5Cx1b");
    CHECK(tlsa_text_str, "\xc0\xaf", "\\xC0\\xAF");
    CHECK(tlsa_text_str, "\x80\xbf", "\\x80\\xBF");
    CHECK(tlsa_text_str, "\xed\xa0\x80", "\\xED\\xA0\\x80");
    CHECK(tlsa_text_str,
          "\xc2\x9b"
          "2J",
          "\\xC2\\x9B2J");
    CHECK(tlsa_text_str, "\xe2\x80\xa8", "\\xE2\\x80\\xA8");
    CHECK(tlsa_text_str, "\xc3\xa9\xe2\x82\xac", "\xc3\xa9\xe2\x82\xac");
}

static void test_csv(void) {
    CHECK(tlsa_csv_str, "plain", "plain");
    CHECK(tlsa_csv_str, "", "");
    CHECK(tlsa_csv_str, "a,b", "\"a,b\"");
    CHECK(tlsa_csv_str, "say \"hi\"", "\"say \"\"hi\"\"\"");
    CHECK(tlsa_csv_str, "l1\nl2", "l1\\x0Al2");
    CHECK(tlsa_csv_str, "=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\"");
    CHECK(tlsa_csv_str, "+1", "'+1");
    CHECK(tlsa_csv_str, "-1", "'-1");
    CHECK(tlsa_csv_str, "@SUM(A1)", "'@SUM(A1)");
    CHECK(tlsa_csv_str, "a-b", "a-b");
    CHECK(tlsa_csv_str, "\x1b[31m,", "\"\\x1B[31m,\"");
    CHECK(tlsa_csv_str, "\xc0\xaf\xc3\xa9", "\\xC0\\xAF\xc3\xa9");
}

static void test_html(void) {
    CHECK(tlsa_html_str, "<script>alert('x')</script>",
          "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
    CHECK(tlsa_html_str, "a&b\"", "a&amp;b&quot;");
    CHECK(tlsa_html_str, "\xc0\xaf", "&#xFFFD;&#xFFFD;");
    CHECK(tlsa_html_str, "\x1b[1m", "&#xFFFD;[1m");
    CHECK(tlsa_html_str, "a\0b", "a&#xFFFD;b");
    CHECK(tlsa_html_str, "\xe2\x80\xa8", "&#x2028;");
    CHECK(tlsa_html_str, "\xc3\xa9", "\xc3\xa9");
}

/* A minimal JSON validator: true when s is exactly one well-formed JSON value whose strings
 * hold no raw control bytes and only well-formed UTF-8. Enough to catch broken escaping. */
static const char *skip_ws(const char *p) {
    while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
        p++;
    return p;
}
static const char *json_value(const char *p, int depth);
static const char *json_string(const char *p) {
    if (*p++ != '"')
        return NULL;
    while (*p && *p != '"') {
        unsigned char c = (unsigned char)*p;
        if (c < 0x20)
            return NULL;
        if (c == '\\') {
            p++;
            if (*p == 'u') {
                for (int i = 1; i <= 4; i++)
                    if (!strchr("0123456789abcdefABCDEF", p[i]) || !p[i])
                        return NULL;
                p += 5;
            } else if (*p && strchr("\"\\/bfnrt", *p)) {
                p++;
            } else {
                return NULL;
            }
        } else {
            p++;
        }
    }
    return *p == '"' ? p + 1 : NULL;
}
static const char *json_value(const char *p, int depth) {
    if (depth > 32)
        return NULL;
    p = skip_ws(p);
    if (*p == '"')
        return json_string(p);
    if (*p == '{' || *p == '[') {
        char close = *p == '{' ? '}' : ']';
        bool obj = *p == '{';
        p = skip_ws(p + 1);
        if (*p == close)
            return p + 1;
        for (;;) {
            if (obj) {
                p = json_string(skip_ws(p));
                if (!p)
                    return NULL;
                p = skip_ws(p);
                if (*p++ != ':')
                    return NULL;
            }
            p = json_value(p, depth + 1);
            if (!p)
                return NULL;
            p = skip_ws(p);
            if (*p == ',') {
                p++;
                continue;
            }
            return *p == close ? p + 1 : NULL;
        }
    }
    if (!strncmp(p, "true", 4))
        return p + 4;
    if (!strncmp(p, "false", 5))
        return p + 5;
    if (!strncmp(p, "null", 4))
        return p + 4;
    const char *q = p;
    if (*q == '-')
        q++;
    while (*q >= '0' && *q <= '9')
        q++;
    return q > p ? q : NULL;
}
static bool json_valid(const char *s) {
    const char *end = json_value(s, 0);
    return end && *skip_ws(end) == 0;
}

static void test_validator(void) {
    CU_ASSERT_TRUE(json_valid("{\"a\":[1,true,null,\"x\\u0001\"]}"));
    CU_ASSERT_FALSE(json_valid("{\"a\":\"\x1b\"}"));
    CU_ASSERT_FALSE(json_valid("{\"a\":1,}"));
    CU_ASSERT_FALSE(json_valid("{\"a\":\"\\x\"}"));
}

static uint8_t *dup_bytes(const char *s, size_t n) {
    uint8_t *p = malloc(n ? n : 1);
    memcpy(p, s, n);
    return p;
}

/* The record with hostile wire strings: it must still be one valid JSON object, with the
 * hostile parts escaped at the exact places. The engine is not involved: all fields set here. */
static void test_json_conn(void) {
    static const char sni[] = "evil\x1b[31m\"},{\"x\":\"\n\xc0\xaf.example";
    static const char alpn[] = "h2\x00\xe2\x80\xa8";
    tlsa_conn c;
    memset(&c, 0, sizeof c);
    c.index = 3;
    c.first_frame = 7;
    c.last_frame = 20;
    c.first_ts.sec = 1700000000;
    c.client.addr.family = 4;
    memcpy(c.client.addr.bytes, "\x0a\x00\x00\x01", 4);
    c.client.port = 50000;
    c.server.addr.family = 4;
    memcpy(c.server.addr.bytes, "\xc0\x00\x02\x0a", 4);
    c.server.port = 443;
    c.ch.present = true;
    c.ch.legacy_version = TLSA_V_TLS12;
    c.ch.sni.data = dup_bytes(sni, sizeof sni - 1);
    c.ch.sni.len = sizeof sni - 1;
    tlsa_blob offered[1] = {{dup_bytes(alpn, sizeof alpn - 1), sizeof alpn - 1}};
    c.ch.alpn.v = offered;
    c.ch.alpn.n = 1;
    c.sh.alpn = offered[0];
    c.version = TLSA_V_TLS12;
    c.complete = true;
    tlsa_cert_info ci;
    memset(&ci, 0, sizeof ci);
    ci.parsed = true;
    char subject[] = "CN=\x1b]0;pwned\x07,O=\"Evil\"";
    char issuer[] = "CN=Root";
    char san0[] = "a\xff.example";
    char *sans[] = {san0};
    ci.subject = subject;
    ci.issuer = issuer;
    ci.san = sans;
    ci.n_san = 1;
    strcpy(ci.not_after, "2027-11-01T00:00:00Z");
    tlsa_blob der = {(uint8_t *)"\x30\x00", 2};
    c.server_chain.v = &der;
    c.server_chain.n = 1;
    c.server_certs = &ci;
    tlsa_step steps[2];
    memset(steps, 0, sizeof steps);
    steps[0].step = 1;
    steps[0].msg_type = TLSA_HS_CLIENT_HELLO;
    steps[0].frame = 7;
    steps[1].step = 2;
    steps[1].who = TLSA_FROM_SERVER;
    steps[1].msg_type = TLSA_HS_SERVER_HELLO;
    steps[1].frame = 9;
    steps[1].handshake = 1;
    c.steps.v = steps;
    c.steps.n = 2;
    uint64_t frames[2] = {9, 11};
    tlsa_finding f = {TLSA_F_CERT_HOSTNAME_MISMATCH, TLSA_SEV_HIGH, (char *)"SNI \x1b[2J", frames,
                      2};
    c.findings = &f;
    c.n_findings = 1;

    tlsa_buf b = {0};
    tlsa_json_conn(&b, "dir/\"x\".pcap", &c);
    CU_ASSERT_FALSE(b.oom);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b.data);
    CU_ASSERT_TRUE(json_valid(b.data));
    if (!json_valid(b.data))
        fprintf(stderr, "\n%s\n", b.data);
    CU_ASSERT_PTR_NULL(strchr(b.data, '\x1b'));
    CU_ASSERT_PTR_NULL(strchr(b.data, '\n'));
    CU_ASSERT(
        strncmp(b.data, "{\"file\":\"dir/\\\"x\\\".pcap\",\"conn\":3,\"first_frame\":7,", 48) == 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(
        b.data, "\"sni\":\"evil\\u001b[31m\\\"},{\\\"x\\\":\\\"\\n\\ufffd\\ufffd.example\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(b.data, "\"alpn\":\"h2\\u0000\\u2028\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(b.data, "\"alpn_offered\":[\"h2\\u0000\\u2028\"]"));
    CU_ASSERT_PTR_NOT_NULL(strstr(b.data, "\"ts\":\"2023-11-14T22:13:20Z\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(b.data, "\"client\":{\"ip\":\"10.0.0.1\",\"port\":50000}"));
    CU_ASSERT_PTR_NOT_NULL(strstr(b.data, "\"server\":{\"ip\":\"192.0.2.10\",\"port\":443}"));
    CU_ASSERT_PTR_NOT_NULL(
        strstr(b.data, "\"subject\":\"CN=\\u001b]0;pwned\\u0007,O=\\\"Evil\\\"\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(b.data, "\"san\":[\"a\\ufffd.example\"]"));
    CU_ASSERT_PTR_NOT_NULL(strstr(b.data, "\"not_after\":\"2027-11-01T00:00:00Z\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(b.data, "\"resumed\":false,\"complete\":true"));
    CU_ASSERT_PTR_NOT_NULL(
        strstr(b.data, "{\"step\":1,\"who\":\"client\",\"message\":\"ClientHello\",\"frame\":7,"
                       "\"encrypted\":false,\"length\":0}"));
    CU_ASSERT_PTR_NOT_NULL(strstr(b.data, "\"frame\":9,\"encrypted\":false,\"length\":0,"
                                          "\"handshake\":1}"));
    CU_ASSERT_PTR_NOT_NULL(strstr(b.data, "\"client_certificates\":[]"));
    CU_ASSERT_PTR_NOT_NULL(strstr(b.data, "\"findings\":[{\"id\":\"cert.hostname_mismatch\","
                                          "\"severity\":\"high\",\"title\":\"certificate does "
                                          "not cover the requested host name\",\"detail\":\"SNI "
                                          "\\u001b[2J\",\"frames\":[9,11]}]}"));
    /* key order is fixed */
    const char *keys[] = {"\"file\"",  "\"conn\"",    "\"first_frame\"", "\"ts\"",
                          "\"sni\"",   "\"alpn\"",    "\"version\"",     "\"cipher\"",
                          "\"kex\"",   "\"resumed\"", "\"complete\"",    "\"certificates\"",
                          "\"steps\"", "\"findings\""};
    const char *prev = b.data;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const char *at = strstr(prev, keys[i]);
        CU_ASSERT_PTR_NOT_NULL(at);
        if (at)
            prev = at;
    }
    tlsa_buf_free(&b);

    /* file NULL, nothing set: still valid, sni/alpn/version/cipher null */
    tlsa_conn empty;
    memset(&empty, 0, sizeof empty);
    tlsa_json_conn(&b, NULL, &empty);
    CU_ASSERT_TRUE(json_valid(b.data));
    CU_ASSERT_PTR_NOT_NULL(strstr(b.data, "{\"file\":null,"));
    CU_ASSERT_PTR_NOT_NULL(strstr(b.data, "\"sni\":null,\"alpn\":null,\"alpn_offered\":[],"
                                          "\"version\":null,\"offered_versions\":[],"
                                          "\"cipher\":null,"));
    CU_ASSERT_PTR_NOT_NULL(strstr(b.data,
                                  "\"decrypted\":false,\"finished\":{\"client\":"
                                  "\"unchecked\",\"server\":\"unchecked\",\"verified\":0},"
                                  "\"certificate_verify\":\"unchecked\",\"keys_note\":null"));
    tlsa_buf_free(&b);
    free(c.ch.sni.data);
    free(offered[0].data);
}

/* What the keys revealed: the connection's fields and a decrypted step. */
static void test_json_keys(void) {
    tlsa_conn c;
    memset(&c, 0, sizeof c);
    c.keys_given = true;
    c.decrypted = 1;
    c.finished_check[TLSA_FROM_CLIENT] = 2;
    c.finished_check[TLSA_FROM_SERVER] = 1;
    c.finished_verified = 3;
    c.cv_check = 2;
    snprintf(c.keys_note, sizeof c.keys_note, "1 protected record did not \"decrypt\"");
    tlsa_step st[1];
    memset(st, 0, sizeof st);
    st[0].step = 2;
    st[0].who = TLSA_FROM_SERVER;
    st[0].msg_type = TLSA_HS_CERTIFICATE;
    st[0].decrypted = true;
    st[0].frame = 4;
    c.steps.v = st;
    c.steps.n = 1;
    tlsa_buf b = {0};
    tlsa_json_conn(&b, "k.pcap", &c);
    CU_ASSERT_TRUE(json_valid(b.data));
    CU_ASSERT_PTR_NOT_NULL(strstr(b.data, "\"decrypted\":true,\"finished\":{\"client\":"
                                          "\"mismatch\",\"server\":\"verified\",\"verified\":3},"
                                          "\"certificate_verify\":\"invalid\",\"keys_note\":"
                                          "\"1 protected record did not \\\"decrypt\\\"\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(b.data, "\"message\":\"Certificate\",\"frame\":4,"
                                          "\"encrypted\":false,\"decrypted\":true,\"length\":0"));
    tlsa_buf_free(&b);
    char line[256];
    CU_ASSERT_STRING_EQUAL(tlsa_conn_keys_str(&c, line, sizeof line),
                           "handshake decrypted; Finished client MISMATCH, server verified; "
                           "CertificateVerify INVALID (1 protected record did not \"decrypt\")");
    c.decrypted = 0;
    c.finished_check[0] = c.finished_check[1] = 0;
    c.cv_check = 0;
    snprintf(c.keys_note, sizeof c.keys_note, "no key for this client random");
    CU_ASSERT_STRING_EQUAL(tlsa_conn_keys_str(&c, line, sizeof line),
                           "not decrypted: no key for this client random");
    c.keys_given = false;
    CU_ASSERT_STRING_EQUAL(tlsa_conn_keys_str(&c, line, sizeof line), "");
}

/* ---- the fast JSON paths against the simple implementation they replaced ---------------- */

static size_t ref_utf8_seq(const uint8_t *s, size_t n, uint32_t *cp) {
    uint8_t c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t len;
    uint32_t v, min;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2, v = c & 0x1F, min = 0x80;
    else if (c >= 0xE0 && c <= 0xEF)
        len = 3, v = c & 0x0F, min = 0x800;
    else if (c >= 0xF0 && c <= 0xF4)
        len = 4, v = c & 0x07, min = 0x10000;
    else
        return 0;
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return len;
}

/* The byte-at-a-time JSON escaper with printf, as it was before the fast path. */
static void ref_json_str(tlsa_buf *b, const uint8_t *s, size_t n) {
    tlsa_buf_put(b, "\"", 1);
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t len = ref_utf8_seq(s + i, n - i, &cp);
        if (len == 0) {
            tlsa_buf_puts(b, "\\ufffd");
            i++;
            continue;
        }
        bool hazard = (cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 ||
                      (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
        if (cp == '"' || cp == '\\')
            tlsa_buf_printf(b, "\\%c", (char)cp);
        else if (cp == '\n')
            tlsa_buf_puts(b, "\\n");
        else if (cp == '\r')
            tlsa_buf_puts(b, "\\r");
        else if (cp == '\t')
            tlsa_buf_puts(b, "\\t");
        else if (cp < 0x20 || cp == 0x7F || hazard)
            tlsa_buf_printf(b, "\\u%04x", (unsigned)cp);
        else
            tlsa_buf_put(b, s + i, len);
        i += len;
    }
    tlsa_buf_put(b, "\"", 1);
}

/* tlsa_json_str and the reference agree on s[0..n); reports the first disagreement only. */
static bool same_json(const uint8_t *s, size_t n) {
    tlsa_buf got = {0}, want = {0};
    tlsa_json_str(&got, s, n);
    ref_json_str(&want, s, n);
    bool same = !got.oom && got.len == want.len && memcmp(got.data, want.data, got.len) == 0 &&
                got.data[got.len] == 0;
    static bool told;
    if (!same && !told) {
        told = true;
        fprintf(stderr, "\n  json of %zu bytes:\n  got  [%s]\n  want [%s]\n", n, got.data,
                want.data);
    }
    tlsa_buf_free(&got);
    tlsa_buf_free(&want);
    return same;
}

static uint32_t lcg_next(uint32_t *state) {
    *state = *state * 1664525u + 1013904223u;
    return *state >> 8;
}

/* Every byte alone and at every offset of an eight-byte word, every pair of bytes. */
static void test_json_every_byte(void) {
    uint8_t s[40];
    bool ok = true;
    for (unsigned c = 0; c < 256; c++) {
        s[0] = (uint8_t)c;
        ok &= same_json(s, 1);
        for (size_t at = 0; at < 24; at++) {
            memset(s, 'a', sizeof s);
            s[at] = (uint8_t)c;
            ok &= same_json(s, 24);
            ok &= same_json(s, at + 1);
        }
    }
    for (unsigned c = 0; c < 65536; c++) {
        memset(s, 'b', sizeof s);
        s[9] = (uint8_t)(c >> 8);
        s[10] = (uint8_t)c;
        ok &= same_json(s + 9, 2);
        ok &= same_json(s, 17);
    }
    CU_ASSERT_TRUE(ok);
}

/* Random strings over the bytes that matter to UTF-8 and to the escapes. */
static void test_json_random(void) {
    static const uint8_t alphabet[] = {'a',  'Z',  ' ',  '~',  '"',  '\\', '\n', '\r', '\t', 0x00,
                                       0x1B, 0x1F, 0x7F, 0x80, 0x81, 0x8F, 0x90, 0x9F, 0xA0, 0xA6,
                                       0xA8, 0xA9, 0xAA, 0xAE, 0xAF, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF,
                                       0xE0, 0xE2, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF};
    uint32_t st = 12345;
    uint8_t s[64];
    bool ok = true;
    for (int round = 0; round < 200000 && ok; round++) {
        size_t n = lcg_next(&st) % sizeof s;
        for (size_t i = 0; i < n; i++)
            s[i] = alphabet[lcg_next(&st) % sizeof alphabet];
        ok &= same_json(s, n);
    }
    CU_ASSERT_TRUE(ok);
}

/* Long strings go in chunks: sequences and escapes straddling every chunk boundary. */
static void test_json_long(void) {
    static const char *const pieces[] = {
        "\xe2\x80\xa8", "\xf0\x9f\x98\x80", "\xc2\x9b",         "\xe2\x80", "\xff",
        "\"\\\n",       "\xed\xa0\x80",     "\xf4\x90\x80\x80", "\xc3\xa9"};
    size_t n = 3 * 4096 + 50;
    uint8_t *s = malloc(n);
    bool ok = true;
    for (size_t k = 0; k < sizeof pieces / sizeof pieces[0]; k++) {
        size_t pl = strlen(pieces[k]);
        for (size_t at = 4096 - 12; at < 4096 + 12; at++) {
            memset(s, 'x', n);
            memcpy(s + at, pieces[k], pl);
            memcpy(s + 2 * at, pieces[k], pl);
            ok &= same_json(s, n);
        }
    }
    memset(s, 0xff, n); /* the worst case: six bytes out per byte in */
    ok &= same_json(s, n);
    memset(s, 0x01, n);
    ok &= same_json(s, n);
    free(s);
    CU_ASSERT_TRUE(ok);
}

/* The value of "key": in a record, up to the next ',' or '}' (good enough for these values). */
static void record_value(const char *rec, const char *key, char *out, size_t size) {
    const char *at = strstr(rec, key);
    out[0] = 0;
    if (!at)
        return;
    at += strlen(key);
    size_t n = strcspn(at, ",}");
    if (n >= size)
        n = size - 1;
    memcpy(out, at, n);
    out[n] = 0;
}

/* tlsa_time_str as it was before its hand-made fast path: gmtime_r and strftime. */
static char *ref_time_str(tlsa_time t, char *buf, size_t size) {
    time_t s = (time_t)t.sec;
    struct tm tm;
    if (!gmtime_r(&s, &tm)) {
        snprintf(buf, size, "invalid");
        return buf;
    }
    size_t n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
    if (t.usec > 0 && t.usec < 1000000)
        snprintf(buf + n, size - n, ".%06dZ", (int)t.usec);
    else
        snprintf(buf + n, size - n, "Z");
    return buf;
}

static bool same_ts(int64_t sec, int32_t usec) {
    tlsa_conn c;
    memset(&c, 0, sizeof c);
    c.first_ts.sec = sec;
    c.first_ts.usec = usec;
    tlsa_buf b = {0};
    tlsa_json_conn(&b, NULL, &c);
    char got[96], want[96], text[64];
    record_value(b.data, "\"ts\":", got, sizeof got);
    snprintf(want, sizeof want, "\"%s\"", ref_time_str(c.first_ts, text, sizeof text));
    tlsa_buf_free(&b);
    if (strcmp(got, want) != 0) {
        fprintf(stderr, "\n  ts %lld.%d: got %s, want %s\n", (long long)sec, (int)usec, got, want);
        return false;
    }
    return true;
}

/* The record's timestamp (tlsa_time_str's hand-made path) against gmtime_r and strftime. */
static void test_json_ts(void) {
    static const int64_t secs[] = {0,
                                   1,
                                   59,
                                   86399,
                                   86400,
                                   951782400,
                                   951868799,
                                   4107542399,
                                   4107542400,
                                   1780315200,
                                   253402300799,
                                   253402300800,
                                   -1,
                                   -86401,
                                   -62135596800,
                                   9223372036854775807,
                                   67767976233532799};
    static const int32_t usecs[] = {0, 1, 9, 10, 99999, 100000, 999999, 1000000, -1};
    bool ok = true;
    for (size_t i = 0; i < sizeof secs / sizeof secs[0]; i++)
        for (size_t j = 0; j < sizeof usecs / sizeof usecs[0]; j++)
            ok &= same_ts(secs[i], usecs[j]);
    uint32_t st = 99;
    for (int i = 0; i < 20000 && ok; i++) {
        int64_t sec = ((int64_t)lcg_next(&st) << 14 ^ lcg_next(&st)) % 253402300800;
        ok &= same_ts(sec, (int32_t)(lcg_next(&st) % 1000000));
    }
    CU_ASSERT_TRUE(ok);
}

/* Hand-made IPv4 text against inet_ntop (through tlsa_addr_str), and IPv6 still via it. */
static void test_json_endpoints(void) {
    static const uint8_t v4[][4] = {{0, 0, 0, 0},    {255, 255, 255, 255}, {10, 0, 0, 1},
                                    {1, 20, 100, 9}, {99, 100, 199, 200},  {192, 168, 10, 255},
                                    {100, 10, 1, 0}};
    bool ok = true;
    for (size_t i = 0; i < sizeof v4 / sizeof v4[0] + 1; i++) {
        tlsa_conn c;
        memset(&c, 0, sizeof c);
        if (i < sizeof v4 / sizeof v4[0]) {
            c.client.addr.family = 4;
            memcpy(c.client.addr.bytes, v4[i], 4);
        } else {
            c.client.addr.family = 6;
            memcpy(c.client.addr.bytes, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
        }
        c.client.port = 65535;
        tlsa_buf b = {0};
        tlsa_json_conn(&b, NULL, &c);
        char got[96], want[96], ip[64];
        record_value(b.data, "\"client\":{\"ip\":", got, sizeof got);
        snprintf(want, sizeof want, "\"%s\"", tlsa_addr_str(&c.client.addr, ip, sizeof ip));
        ok &= strcmp(got, want) == 0;
        ok &= strstr(b.data, "\"port\":65535}") != NULL;
        tlsa_buf_free(&b);
    }
    CU_ASSERT_TRUE(ok);
}

/* Suite names are copied without escaping: the generated table must keep them plain, with the
 * right lengths; unknown suites print as 0xHHHH. */
static void test_json_suites(void) {
    unsigned known = 0;
    bool ok = true;
    for (unsigned id = 0; id < 65536; id++) {
        const tlsa_suite_info *si = tlsa_suite_lookup((uint16_t)id);
        if (!si)
            continue;
        known++;
        ok &= si->id == id && si->name && strlen(si->name) == si->name_len;
        for (const char *p = si->name; *p; p++)
            ok &= *p >= 0x20 && *p < 0x7F && *p != '"' && *p != '\\';
    }
    CU_ASSERT_TRUE(ok);
    CU_ASSERT(known > 300);
    tlsa_conn c;
    memset(&c, 0, sizeof c);
    uint16_t offered[] = {0x1301, 0x0a0a, 0xc0ff, 0x00ff, 0xfafa};
    c.ch.suites.v = offered;
    c.ch.suites.n = 5;
    c.has_suite = true;
    c.suite = 0xc02f;
    tlsa_buf b = {0};
    tlsa_json_conn(&b, NULL, &c);
    CU_ASSERT_PTR_NOT_NULL(strstr(b.data, "\"cipher\":\"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256\","
                                          "\"offered_suites\":[\"TLS_AES_128_GCM_SHA256\","
                                          "\"0x0A0A\",\"0xC0FF\",\"TLS_EMPTY_RENEGOTIATION_INFO_"
                                          "SCSV\",\"0xFAFA\"]"));
    tlsa_buf_free(&b);
}

/* Hand-made decimals against printf at every digit-count boundary. */
static void test_json_numbers(void) {
    bool ok = true;
    for (int k = 0; k <= 20; k++) {
        uint64_t pow = 1;
        for (int j = 0; j < k && j < 19; j++)
            pow *= 10;
        uint64_t vals[] = {pow - 1, pow, pow + 1, k == 20 ? UINT64_MAX : pow * 3 + 7};
        for (size_t i = 0; i < 4; i++) {
            tlsa_conn c;
            memset(&c, 0, sizeof c);
            c.first_frame = vals[i];
            c.last_frame = vals[i] / 7;
            tlsa_buf b = {0};
            tlsa_json_conn(&b, NULL, &c);
            char want[96];
            snprintf(want, sizeof want, "\"first_frame\":%llu,\"last_frame\":%llu,",
                     (unsigned long long)vals[i], (unsigned long long)(vals[i] / 7));
            ok &= strstr(b.data, want) != NULL;
            tlsa_buf_free(&b);
        }
    }
    CU_ASSERT_TRUE(ok);
}

TLSA_TEST_MAIN("output", {"buffer", test_buf}, {"json strings", test_json},
               {"text strings", test_text}, {"csv fields", test_csv}, {"html text", test_html},
               {"json validator", test_validator}, {"json connection record", test_json_conn},
               {"json keys fields", test_json_keys},
               {"json escaper: every byte and pair", test_json_every_byte},
               {"json escaper: random strings", test_json_random},
               {"json escaper: long strings in chunks", test_json_long},
               {"json record: timestamps", test_json_ts},
               {"json record: endpoints", test_json_endpoints},
               {"json record: suite names", test_json_suites},
               {"json record: numbers", test_json_numbers})

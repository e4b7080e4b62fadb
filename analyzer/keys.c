/* Key material for decryption: --keylog (NSS key log), --rsa-key (server RSA key) and the
 * Decryption Secrets Blocks of each pcapng input. Problems are reported once, on stderr, as
 * "tlsaudit: FILE: line N: reason". */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Bad lines of a key log, with their line numbers (the first TLSA_KEYLOG_BAD_KEPT of them). */
static void report_bad(const tlsa_keylog *kl, tlsa_buf *b) {
    size_t n = tlsa_keylog_bad_count(kl);
    for (size_t i = 0; i < n && i < TLSA_KEYLOG_BAD_KEPT; i++) {
        const tlsa_keylog_bad *bad = tlsa_keylog_bad_at(kl, i);
        if (!bad)
            break;
        tlsa_buf_puts(b, "tlsaudit: ");
        tlsa_text_str(b, (const uint8_t *)bad->source, strlen(bad->source));
        tlsa_buf_printf(b, ": line %u: %s; line skipped\n", bad->line, bad->reason);
    }
    if (n > TLSA_KEYLOG_BAD_KEPT)
        tlsa_buf_printf(b, "tlsaudit: ... and %zu more bad key log lines\n",
                        n - TLSA_KEYLOG_BAD_KEPT);
}

int cli_keys_load(cli_opts *o) {
    char esc[512];
    if (o->keylog_file) {
        o->keylog = tlsa_keylog_new();
        if (!o->keylog) {
            fprintf(stderr, "tlsaudit: out of memory for the key log\n");
            return CLI_EXIT_INPUT;
        }
        tlsa_err e = tlsa_keylog_load_file(o->keylog, o->keylog_file);
        if (e != TLSA_E_OK) {
            fprintf(stderr, "tlsaudit: --keylog '%s' cannot be read: %s\n",
                    cli_esc(o->keylog_file, esc, sizeof esc), tlsa_strerror(e));
            return CLI_EXIT_USAGE;
        }
        tlsa_buf b = {0};
        report_bad(o->keylog, &b);
        if (b.len)
            fwrite(b.data, 1, b.len, stderr);
        tlsa_buf_free(&b);
        if (tlsa_keylog_size(o->keylog) == 0)
            fprintf(stderr, "tlsaudit: --keylog '%s' holds no usable key\n",
                    cli_esc(o->keylog_file, esc, sizeof esc));
        /* The key log marks what it matched: one file at a time. */
        if (o->jobs > 1)
            o->jobs = 1;
    }
    if (o->rsa_key_file) {
        tlsa_err e = tlsa_rsa_key_load_file(o->rsa_key_file, o->key_password, &o->rsa_key);
        if (e != TLSA_E_OK) {
            fprintf(stderr, "tlsaudit: --rsa-key '%s' cannot be used: %s\n",
                    cli_esc(o->rsa_key_file, esc, sizeof esc), tlsa_strerror(e));
            return CLI_EXIT_USAGE;
        }
    }
    return -1;
}

void cli_keys_free(cli_opts *o) {
    tlsa_keylog_free(o->keylog);
    o->keylog = NULL;
    if (o->rsa_key)
        tlsa_rsa_key_free(o->rsa_key);
    o->rsa_key = NULL;
}

tlsa_keylog *cli_keys_for_input(const cli_opts *o, cli_file *f, tlsa_keylog **own) {
    *own = NULL;
    if (f->in->is_stdin || f->in->is_live || f->in->is_stream)
        return o->keylog; /* no second reading of a pipe or an interface */
    tlsa_keylog *kl = tlsa_keylog_new();
    if (!kl)
        return o->keylog;
    size_t n_dsb = 0;
    tlsa_err e = tlsa_keylog_load_pcapng(kl, f->in->path, &n_dsb);
    if (n_dsb == 0) { /* not pcapng, or no secrets in it */
        tlsa_keylog_free(kl);
        return o->keylog;
    }
    if (e != TLSA_E_OK)
        cli_file_error(f, "pcapng Decryption Secrets Blocks: %s (the %zu before it are used)",
                       tlsa_strerror(e), n_dsb);
    report_bad(kl, &f->err);
    tlsa_keylog_set_fallback(kl, o->keylog);
    *own = kl;
    return kl;
}

typedef struct unused {
    uint8_t (*ids)[32];
    size_t n, cap;
    size_t rsa;
} unused;

static void on_unused(void *ud, const tlsa_key_entry *e) {
    unused *u = ud;
    if (e->label == TLSA_KEY_RSA || e->id_len != 32) {
        u->rsa++;
        return;
    }
    if (u->n == u->cap) {
        size_t cap = u->cap ? u->cap * 2 : 64;
        uint8_t(*v)[32] = realloc(u->ids, cap * sizeof *v);
        if (!v)
            return;
        u->ids = v;
        u->cap = cap;
    }
    memcpy(u->ids[u->n++], e->id, 32);
}

static int cmp_id(const void *a, const void *b) {
    return memcmp(a, b, 32);
}

void cli_keys_report_unused(const cli_opts *o) {
    if (!o->keylog)
        return;
    unused u = {0};
    tlsa_keylog_report_unused(o->keylog, on_unused, &u);
    size_t distinct = 0;
    if (u.n) {
        qsort(u.ids, u.n, sizeof *u.ids, cmp_id);
        for (size_t i = 0; i < u.n; i++)
            distinct += i == 0 || memcmp(u.ids[i], u.ids[i - 1], 32) != 0;
    }
    if (distinct)
        fprintf(stderr, "tlsaudit: key log: %zu client random%s matched no connection\n", distinct,
                distinct == 1 ? "" : "s");
    if (u.rsa)
        fprintf(stderr, "tlsaudit: key log: %zu RSA pre-master secret%s matched no connection\n",
                u.rsa, u.rsa == 1 ? "" : "s");
    free(u.ids);
}

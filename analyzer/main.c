/* tlsaudit: options → inputs → one engine per input (on --jobs workers) → reports in input order
 * → exit code. All protocol work is in libtlsaudit; this program only reads and renders. */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

typedef struct run {
    const cli_opts *o;
    cli_inputs in;
    cli_file *files;
    tlsa_auditor **auditors; /* one per worker: an auditor caches results and is not shared */
    FILE **spills;           /* one per worker: the text format's connection blocks */
    FILE *out;
    cli_totals t;
    bool input_failed, fail_hit, header_done;
    bool progress_ok; /* stderr is a terminal and not --quiet */
    bool pipeline;    /* one input at a time: audit and render on a second thread */
} run;

static void work(size_t i, unsigned worker, void *ctx) {
    run *r = ctx;
    cli_file *f = &r->files[i];
    cli_progress p;
    /* With parallel jobs several bars would fight over one line: progress only with --jobs 1. */
    cli_progress_start(&p,
                       r->progress_ok && r->o->jobs == 1 &&
                           (f->in->size > CLI_PROGRESS_MIN_BYTES || f->in->is_stdin),
                       f->in->size);
    if (r->o->format == CLI_FMT_TEXT && !r->o->dump && r->spills) {
        /* One spill file per worker, not per input: thousands of inputs must not run out of
         * file descriptors (each block remembers its file and offset). */
        if (!r->spills[worker])
            r->spills[worker] = tmpfile();
        f->spill = r->spills[worker];
    }
    cli_read_input(r->o, r->auditors[worker], f, &p, r->pipeline);
    cli_progress_end(&p);
}

/* Called in input order: diagnostics, streaming output, totals. */
static void emit(size_t i, void *ctx) {
    run *r = ctx;
    const cli_opts *o = r->o;
    cli_file *f = &r->files[i];
    if (f->err.len) {
        fflush(r->out);
        fwrite(f->err.data, 1, f->err.len, stderr);
        fflush(stderr);
    }
    r->input_failed |= f->failed;
    if (o->fail_on >= 0 && f->worst >= o->fail_on)
        r->fail_hit = true;
    r->t.packets += f->packets;
    r->t.connections += f->n_seen;
    r->t.decrypted += f->n_decrypted;
    r->t.finished += f->n_finished;
    for (int s = 0; s < 5; s++)
        r->t.sev[s] += f->sev_counts[s];
    bool streaming = o->dump || o->format == CLI_FMT_JSONL || o->format == CLI_FMT_CSV;
    if (streaming) {
        if (o->format == CLI_FMT_CSV && !o->dump && !r->header_done) {
            tlsa_buf h = {0};
            cli_csv_header(&h);
            fwrite(h.data, 1, h.len, r->out);
            tlsa_buf_free(&h);
            r->header_done = true;
        }
        if (o->dump) {
            tlsa_buf h = {0};
            tlsa_buf_puts(&h, "# ");
            tlsa_text_str(&h, (const uint8_t *)f->in->path, strlen(f->in->path));
            tlsa_buf_printf(&h, ": %llu packets, %zu TLS connections\n",
                            (unsigned long long)f->packets, f->n_seen);
            fwrite(h.data, 1, h.len, r->out);
            tlsa_buf_free(&h);
        }
        if (f->out.len)
            fwrite(f->out.data, 1, f->out.len, r->out);
        fflush(r->out);
        cli_file_free(f); /* nothing of it is needed later */
    }
}

static int setup_auditors(run *r, unsigned n) {
    r->auditors = calloc(n, sizeof *r->auditors);
    if (!r->auditors)
        return CLI_EXIT_INPUT;
    for (unsigned i = 0; i < n; i++) {
        tlsa_err err = TLSA_E_OK;
        char msg[512] = "";
        r->auditors[i] = tlsa_auditor_new(&r->o->audit, &err, msg, sizeof msg);
        if (!r->auditors[i]) {
            tlsa_buf b = {0};
            tlsa_text_str(&b, (const uint8_t *)msg, strlen(msg));
            fprintf(stderr, "tlsaudit: cannot set up the audit: %s%s%s\n", b.data ? b.data : "",
                    b.len ? ": " : "", tlsa_strerror(err));
            tlsa_buf_free(&b);
            return CLI_EXIT_USAGE;
        }
    }
    return -1;
}

/* A filter that does not compile anywhere is a usage error, caught before any input. */
static bool filter_ok(const char *filter) {
    pcap_t *p = pcap_open_dead(DLT_EN10MB, 65535);
    struct bpf_program prog;
    if (!p)
        return true;
    bool ok = pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) == 0;
    char e[512];
    if (ok)
        pcap_freecode(&prog);
    else
        fprintf(stderr, "tlsaudit: --filter '%s' does not compile: %s\n",
                cli_esc(filter, e, sizeof e), pcap_geterr(p));
    pcap_close(p);
    return ok;
}

int main(int argc, char **argv) {
    cli_opts o;
    int rc = cli_parse_options(argc, argv, &o);
    if (rc >= 0)
        return rc;
    if (o.filter && !filter_ok(o.filter))
        return CLI_EXIT_USAGE;
    rc = cli_keys_load(&o);
    if (rc >= 0) {
        cli_keys_free(&o);
        return rc;
    }

    run r;
    memset(&r, 0, sizeof r);
    r.o = &o;
    r.out = stdout;
    r.t.keys = o.keylog || o.rsa_key || o.keylog_file || o.psk_len;
    r.progress_ok = !o.quiet && isatty(STDERR_FILENO);
    o.color = !o.output && o.format == CLI_FMT_TEXT && !o.dump && isatty(STDOUT_FILENO) &&
              !getenv("NO_COLOR");

    cli_collect_inputs(&o, &r.in);
    r.input_failed = r.in.failed;
    unsigned workers = o.jobs < r.in.n ? o.jobs : (unsigned)(r.in.n ? r.in.n : 1);
    rc = setup_auditors(&r, workers);
    r.pipeline = workers == 1 && !o.single_thread;
    r.spills = calloc(workers, sizeof *r.spills);
    if (rc < 0 && o.output) {
        r.out = fopen(o.output, "w");
        if (!r.out) {
            char e[512];
            fprintf(stderr, "tlsaudit: cannot write the report to '%s': %s\n",
                    cli_esc(o.output, e, sizeof e), strerror(errno));
            rc = CLI_EXIT_INPUT;
        }
    }
    if (rc < 0 && r.in.n) {
        r.files = calloc(r.in.n, sizeof *r.files);
        if (!r.files) {
            fprintf(stderr, "tlsaudit: out of memory for %zu inputs\n", r.in.n);
            rc = CLI_EXIT_INPUT;
        }
    }
    if (rc < 0) {
        /* One worker and a line-per-record format: write as we go (the CSV header first). */
        bool stream =
            workers == 1 && !o.dump && (o.format == CLI_FMT_JSONL || o.format == CLI_FMT_CSV);
        if (stream && o.format == CLI_FMT_CSV) {
            tlsa_buf h = {0};
            cli_csv_header(&h);
            fwrite(h.data, 1, h.len, r.out);
            tlsa_buf_free(&h);
            r.header_done = true;
        }
        for (size_t i = 0; i < r.in.n; i++) {
            r.files[i].in = &r.in.v[i];
            r.files[i].worst = -1;
            r.files[i].stream = stream ? r.out : NULL;
        }
        r.t.files = r.in.n;
        if (!cli_run_jobs(r.in.n, workers, work, emit, &r)) {
            fprintf(stderr, "tlsaudit: cannot start %u worker threads\n", workers);
            rc = CLI_EXIT_INPUT;
        }
    }
    if (rc < 0)
        cli_keys_report_unused(&o);
    if (rc < 0 && !o.dump && (o.format == CLI_FMT_TEXT || o.format == CLI_FMT_JSON)) {
        cli_servers s;
        cli_servers_build(&s, r.files, r.in.n);
        if (o.format == CLI_FMT_TEXT)
            cli_text_report(r.out, &o, &s, &r.t);
        else
            cli_json_report(r.out, r.files, r.in.n, &s, &r.t);
        cli_servers_free(&s);
    } else if (rc < 0 && !o.quiet && isatty(STDERR_FILENO)) {
        tlsa_buf b = {0};
        cli_text_summary(&b, &o, &r.t);
        if (b.data)
            fputs(b.data, stderr);
        tlsa_buf_free(&b);
    }
    if (rc < 0) {
        bool write_failed = fflush(r.out) != 0 || ferror(r.out);
        if (r.out != stdout && fclose(r.out) != 0)
            write_failed = true;
        r.out = NULL;
        if (write_failed)
            fprintf(stderr, "tlsaudit: writing the report to %s failed: %s\n",
                    o.output ? o.output : "standard output", strerror(errno));
        if (r.input_failed || write_failed)
            rc = CLI_EXIT_INPUT;
        else if (r.fail_hit)
            rc = CLI_EXIT_FINDINGS;
        else
            rc = CLI_EXIT_OK;
    }
    if (r.out && r.out != stdout)
        fclose(r.out);
    for (size_t i = 0; r.files && i < r.in.n; i++)
        cli_file_free(&r.files[i]);
    free(r.files);
    for (unsigned i = 0; r.spills && i < workers; i++)
        if (r.spills[i])
            fclose(r.spills[i]);
    free(r.spills);
    for (unsigned i = 0; r.auditors && i < workers; i++)
        if (r.auditors[i])
            tlsa_auditor_free(r.auditors[i]);
    free(r.auditors);
    cli_inputs_free(&r.in);
    cli_keys_free(&o);
    return rc;
}

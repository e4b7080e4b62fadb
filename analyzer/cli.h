/* Internal interfaces of the tlsaudit program. The program uses libtlsaudit only through its
 * public API; this header ties together the tool's own files (one concern per file). */
#ifndef TLSA_CLI_H
#define TLSA_CLI_H

#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "tlsaudit/tlsaudit.h"

/* Exit codes (documented in --help and docs/tlsaudit.1). */
enum {
    CLI_EXIT_OK = 0,
    CLI_EXIT_FINDINGS = 1, /* a finding at or above --fail-on */
    CLI_EXIT_USAGE = 2,    /* bad option or value */
    CLI_EXIT_INPUT = 3,    /* an input could not be read, was damaged, or output failed */
};

typedef enum cli_format { CLI_FMT_TEXT, CLI_FMT_JSONL, CLI_FMT_JSON, CLI_FMT_CSV } cli_format;

/* ---- options.c ---- */
typedef struct cli_opts {
    cli_format format;
    int min_severity; /* findings below are hidden */
    int fail_on;      /* -1: never exit 1 */
    tlsa_audit_config audit;
    const char *iface;
    uint32_t duration; /* seconds; 0 = until interrupted */
    const char *filter;
    unsigned jobs;
    bool steps, dump, quiet;
    bool single_thread; /* --single-thread: no rendering thread */
    const char *output;
    uint32_t max_flows;       /* 0 = library default */
    bool color;               /* decided in main: terminal, NO_COLOR, format */
    const char *keylog_file;  /* --keylog */
    const char *rsa_key_file; /* --rsa-key */
    const char *key_password; /* --key-password */
    tlsa_keylog *keylog;      /* loaded in main (keys.c); shared, so --jobs is 1 with keys */
    tlsa_rsa_key *rsa_key;
    uint8_t psk[64]; /* --psk */
    size_t psk_len;
    char **paths;
    int n_paths;
} cli_opts;

/* Returns -1 to continue, otherwise the exit code (0 after --help/--version). */
int cli_parse_options(int argc, char **argv, cli_opts *o);

/* ---- inputs.c ---- */
typedef struct cli_input {
    char *path; /* as given or found; "-" for stdin */
    bool is_stdin;
    bool is_live;   /* path is an interface name */
    bool is_stream; /* a named pipe or device: packets arrive over time, like stdin */
    uint64_t size;  /* bytes, 0 when unknown */
} cli_input;

typedef struct cli_inputs {
    cli_input *v;
    size_t n, cap;
    bool failed; /* some argument could not be used (message already printed) */
} cli_inputs;

void cli_collect_inputs(const cli_opts *o, cli_inputs *out);
void cli_inputs_free(cli_inputs *in);

/* ---- what one connection leaves behind once its record is freed ---- */
typedef struct cli_cert_sum {
    char *subject, *issuer;
    char not_before[24], not_after[24];
    char key[32], sig_alg[64];
    char sha256[65];
} cli_cert_sum;

typedef struct cli_finding_sum {
    uint16_t id;
    uint8_t severity;
} cli_finding_sum;

typedef struct cli_conn_sum {
    uint32_t index;
    char server[64]; /* "192.0.2.1:443", "[2001:db8::1]:443" */
    tlsa_blob sni;   /* raw copy; empty when absent */
    uint16_t version, suite;
    bool has_suite;
    cli_finding_sum *findings; /* shown findings (at or above --min-severity) */
    uint32_t n_findings;
    cli_cert_sum *certs; /* server chain */
    uint32_t n_certs;
    FILE *block_file; /* the rendered text block (text format) lives in this spill file... */
    long block_off;   /* ...at this offset, so big inputs do not hold every block in memory */
    size_t block_len;
} cli_conn_sum;

/* ---- one input's results, filled by a job, emitted in input order ---- */
typedef struct cli_file {
    const cli_input *in;
    tlsa_buf out;    /* rendered output for streaming formats */
    FILE *stream;    /* when set (one worker, jsonl/csv), out is flushed here as it fills, so memory
                        stays bounded on big captures */
    bool flush_each; /* with stream: write each record at once (live capture, pipes) */
    size_t n_seen;   /* TLS connections reported by the engine */
    size_t n_decrypted, n_finished; /* with keys: connections decrypted, Finished verified */
    tlsa_buf err;                   /* diagnostics, printed to stderr in order */
    cli_conn_sum *conns;
    size_t n_conns, cap_conns;
    FILE *spill; /* text format: where the connections' rendered blocks go (the worker's
                    tmpfile, owned by main) */
    uint64_t packets, bytes;
    uint32_t sev_counts[5]; /* shown findings by severity */
    int worst;              /* worst severity of all findings, -1 none */
    bool failed;            /* could not be read or damaged: exit 3 */
    char errmsg[256];       /* the first diagnostic, unescaped (json "error") */
} cli_file;

void cli_file_free(cli_file *f);
/* Appends "tlsaudit: NAME: <sentence>\n" to f->err (name escaped). */
void cli_file_error(cli_file *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- keys.c: --keylog, --rsa-key and pcapng Decryption Secrets Blocks ---- */
/* Loads the key files named by the options; prints what is wrong. Returns -1 to continue, else
 * the exit code. */
int cli_keys_load(cli_opts *o);
void cli_keys_free(cli_opts *o);
/* The key log for one input: its own DSBs (pcapng files) in front of --keylog. *own receives a
 * key log to free after the input (NULL when none). */
tlsa_keylog *cli_keys_for_input(const cli_opts *o, cli_file *f, tlsa_keylog **own);
/* After every input: "key log: N client randoms matched no connection" once, on stderr. */
void cli_keys_report_unused(const cli_opts *o);

/* ---- capture.c ---- */
struct cli_progress;
/* Reads one input (file, stdin or live interface) through the engine into f. */
/* With pipeline, the audit and rendering run on a second thread (pipeline.c). */
void cli_read_input(const cli_opts *o, tlsa_auditor *a, cli_file *f, struct cli_progress *p,
                    bool pipeline);

/* ---- conn.c: the on_conn / on_step handlers shared by every format ---- */
typedef struct cli_ctx {
    const cli_opts *o;
    cli_file *f;
} cli_ctx;
void cli_on_conn(tlsa_conn *c, void *user);
void cli_on_step(const tlsa_conn *c, const tlsa_step *s, void *user);

/* ---- reader.c: libpcap's reads of a capture file on their own thread ---- */
typedef struct cli_src cli_src;
/* Starts reading p (an opened file) on a new thread; NULL when it cannot. */
cli_src *cli_src_start(pcap_t *p);
/* The next packet, like pcap_next_ex on a file: 1, PCAP_ERROR_BREAK at the end, or an error code
 * (then cli_src_error tells). The packet stays valid until the next call. */
int cli_src_next(cli_src *s, struct pcap_pkthdr **h, const u_char **data);
/* File offset read up to about now (progress), -1 unknown. */
long long cli_src_pos(const cli_src *s);
/* After an error: libpcap's message, and the file offset of the damage in *pos. */
const char *cli_src_error(const cli_src *s, long long *pos);
/* Stops reading (also early) and ends the thread; p can then be closed. */
void cli_src_finish(cli_src *s);
/* Byte offset libpcap has read a capture file up to, -1 when it cannot tell (a pipe). */
long long cli_pcap_pos(pcap_t *p);

/* ---- pipeline.c: audit and rendering on a second thread ---- */
typedef struct cli_pipe cli_pipe;
/* Starts the rendering thread; NULL when it cannot (then stay on one thread). live: hand each
 * record over at once (live capture, standard input), not in batches. */
cli_pipe *cli_pipe_start(tlsa_auditor *a, cli_ctx *ctx, bool live);
/* The engine's on_conn (user = the pipe): moves the record to the rendering thread. */
void cli_pipe_on_conn(tlsa_conn *c, void *user);
/* Records handed over so far (call on the engine's thread). */
size_t cli_pipe_handed(const cli_pipe *p);
/* Waits until every record is rendered, then ends the thread. */
void cli_pipe_finish(cli_pipe *p);
/* s escaped for a terminal (tlsa_text_str) into buf, cut to size: for user-typed values echoed
 * in diagnostics (paths and options can hold terminal escapes too). Returns buf. */
const char *cli_esc(const char *s, char *buf, size_t size);
/* "ip:port" with brackets for IPv6. */
void cli_endpoint_str(const tlsa_endpoint *e, char *buf, size_t size);

/* ---- report_*.c ---- */
void cli_text_conn(tlsa_buf *b, const cli_opts *o, const char *file, const tlsa_conn *c);
void cli_csv_header(tlsa_buf *b);
void cli_csv_conn(tlsa_buf *b, const char *file, const tlsa_conn *c);
void cli_dump_step(tlsa_buf *b, const tlsa_conn *c, const tlsa_step *s);
void cli_dump_conn_end(tlsa_buf *b, const tlsa_conn *c);

/* ---- servers.c: aggregation per server (ip:port + SNI) over every file ---- */
typedef struct cli_count {
    uint32_t key; /* version, suite or finding id */
    uint32_t n;
    uint8_t severity;
} cli_count;

typedef struct cli_server {
    char addr[64];
    tlsa_blob sni;
    uint32_t n_conns;
    int worst;
    cli_count *versions, *suites, *findings;
    uint32_t n_versions, n_suites, n_findings;
    const cli_cert_sum **certs; /* distinct leaf-first chains' certificates, by sha256 */
    uint32_t n_certs;
    const cli_conn_sum **conns;
    size_t seen; /* first-seen order: the tie-break of the sort by severity */
} cli_server;

typedef struct cli_servers {
    cli_server *v;
    size_t n;
} cli_servers;

void cli_servers_build(cli_servers *s, cli_file *files, size_t n_files);
void cli_servers_free(cli_servers *s);

/* ---- report_text.c / report_json.c: whole-run renderers ---- */
typedef struct cli_totals {
    size_t files;
    uint64_t packets, connections;
    uint64_t decrypted, finished; /* with keys: connections decrypted, Finished verified */
    bool keys;                    /* --keylog or --rsa-key given */
    uint32_t sev[5];
} cli_totals;

void cli_text_report(FILE *out, const cli_opts *o, const cli_servers *s, const cli_totals *t);
void cli_text_summary(tlsa_buf *b, const cli_opts *o, const cli_totals *t);
void cli_json_report(FILE *out, const cli_file *files, size_t n, const cli_servers *s,
                     const cli_totals *t);
/* Severity label, coloured when o->color. */
void cli_put_severity(tlsa_buf *b, const cli_opts *o, int sev, bool pad);

/* ---- progress.c ---- */
#define CLI_PROGRESS_MIN_BYTES (50ull * 1000 * 1000) /* smaller inputs show no progress */
#define CLI_STREAM_CHUNK                                                                           \
    (64u * 1024) /* streamed output is written in pieces of about this size                        \
                  */
typedef struct cli_progress {
    bool enabled;
    uint64_t total; /* bytes of the input, 0 unknown */
    double start, last;
    bool drawn;
} cli_progress;

void cli_progress_start(cli_progress *p, bool enabled, uint64_t total);
void cli_progress_update(cli_progress *p, uint64_t bytes, uint64_t packets, uint64_t conns);
void cli_progress_end(cli_progress *p);

/* ---- jobs.c ---- */
typedef void (*cli_job_fn)(size_t idx, unsigned worker, void *ctx);
typedef void (*cli_emit_fn)(size_t idx, void *ctx);
/* Runs work(i) for every i < n on `workers` threads and emit(i) on the calling thread in order
 * 0..n-1, each as soon as its work is done. Returns false if threads could not be started. */
bool cli_run_jobs(size_t n, unsigned workers, cli_job_fn work, cli_emit_fn emit, void *ctx);

#endif

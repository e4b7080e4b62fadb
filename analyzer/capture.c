/* Reading packets with libpcap (files, standard input, live interfaces) into the engine. */
#include <errno.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

/* The live capture being read, so Ctrl-C can end it cleanly (pcap_breakloop is safe there). */
static pcap_t *volatile live_pcap;

static void on_signal(int sig) {
    (void)sig;
    pcap_t *p = live_pcap;
    if (p)
        pcap_breakloop(p);
}

static double now_mono(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static pcap_t *open_live(const char *iface, cli_file *f) {
    char errbuf[PCAP_ERRBUF_SIZE] = "";
    pcap_t *p = pcap_create(iface, errbuf);
    if (!p) {
        cli_file_error(f, "cannot open interface: %s", errbuf);
        return NULL;
    }
    pcap_set_snaplen(p, 262144);
    pcap_set_promisc(p, 1);
    pcap_set_timeout(p, 250); /* wake up regularly to check --duration */
    pcap_set_buffer_size(p, 16 << 20);
    int rc = pcap_activate(p);
    if (rc < 0) {
        const char *why = pcap_geterr(p);
        if (!why[0] || !strcmp(why, pcap_statustostr(rc)))
            cli_file_error(f, "cannot capture: %s", pcap_statustostr(rc));
        else
            cli_file_error(f, "cannot capture: %s (%s)", pcap_statustostr(rc), why);
        pcap_close(p);
        return NULL;
    }
    /* Non-blocking plus poll(): the read timeout alone does not wake an idle Linux capture,
     * and --duration must end it even when no packet arrives. */
    if (pcap_setnonblock(p, 1, errbuf) != 0) {
        cli_file_error(f, "cannot capture: %s", errbuf);
        pcap_close(p);
        return NULL;
    }
    return p;
}

/* Waits up to 250 ms for a live capture to have packets. */
static void wait_live(pcap_t *p) {
    int fd = pcap_get_selectable_fd(p);
    if (fd < 0) {
        struct timespec ts = {0, 50 * 1000 * 1000};
        nanosleep(&ts, NULL);
        return;
    }
    struct pollfd pfd = {fd, POLLIN, 0};
    (void)poll(&pfd, 1, 250);
}

/* Live captures filter in the kernel. Files are filtered here, packet by packet, so that frame
 * numbers still count every packet of the file, as Wireshark shows them. */
static bool set_filter(pcap_t *p, const char *filter, bool live, struct bpf_program *prog,
                       cli_file *f) {
    if (pcap_compile(p, prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
        cli_file_error(f, "--filter does not compile for this capture: %s", pcap_geterr(p));
        return false;
    }
    if (live && pcap_setfilter(p, prog) != 0) {
        cli_file_error(f, "--filter cannot be applied: %s", pcap_geterr(p));
        pcap_freecode(prog);
        return false;
    }
    return true;
}

void cli_read_input(const cli_opts *o, tlsa_auditor *a, cli_file *f, cli_progress *prog,
                    bool pipeline) {
    const cli_input *in = f->in;
    char errbuf[PCAP_ERRBUF_SIZE] = "";
    pcap_t *p;
    if (in->is_live)
        p = open_live(in->path, f);
    else if (in->is_stdin)
        p = pcap_fopen_offline(stdin, errbuf);
    else
        p = pcap_open_offline(in->path, errbuf);
    if (!p) {
        if (!in->is_live)
            cli_file_error(f, "cannot read: %s", errbuf);
        f->failed = true;
        return;
    }
    struct bpf_program prog_filter;
    bool offline_filter = o->filter && !in->is_live;
    if (o->filter && !set_filter(p, o->filter, in->is_live, &prog_filter, f)) {
        f->failed = true;
        pcap_close(p);
        return;
    }

    cli_ctx ctx = {o, f};
    tlsa_engine_config cfg;
    memset(&cfg, 0, sizeof cfg);
    tlsa_limits_default(&cfg.limits);
    if (o->max_flows)
        cfg.limits.max_flows = o->max_flows;
    cfg.auditor = a;
    cfg.on_conn = cli_on_conn;
    cfg.on_step = o->dump ? cli_on_step : NULL;
    cfg.user = &ctx;
    /* --dump interleaves steps (engine thread) with connection ends: it stays on one thread. */
    /* Packets that arrive over time are handled as they come: no read-ahead, no batches. */
    bool streaming = in->is_live || in->is_stdin || in->is_stream;
    f->flush_each = streaming;
    cli_pipe *pipe = pipeline && !o->dump ? cli_pipe_start(a, &ctx, streaming) : NULL;
    if (pipe) {
        cfg.auditor = NULL; /* the rendering thread audits */
        cfg.on_conn = cli_pipe_on_conn;
        cfg.user = pipe;
    }
    tlsa_keylog *own_keys = NULL;
    cfg.keylog = cli_keys_for_input(o, f, &own_keys);
    cfg.rsa_key = o->rsa_key;
    cfg.psk = o->psk_len ? o->psk : NULL;
    cfg.psk_len = o->psk_len;
    tlsa_engine *e = tlsa_engine_new(&cfg);
    if (!e) {
        cli_pipe_finish(pipe);
        cli_file_error(f, "cannot start the analysis: %s", tlsa_strerror(TLSA_E_NO_MEMORY));
        f->failed = true;
        tlsa_keylog_free(own_keys);
        pcap_close(p);
        return;
    }
    tlsa_engine_reset_index(e);

    struct sigaction sa, old_int, old_term;
    double deadline = 0;
    if (in->is_live) {
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        live_pcap = p;
        sigaction(SIGINT, &sa, &old_int);
        sigaction(SIGTERM, &sa, &old_term);
        if (o->duration)
            deadline = now_mono() + o->duration;
    }

    int linktype = pcap_datalink(p);
    /* With a rendering thread, a file is also read on a thread of its own (reader.c). */
    cli_src *src = pipe && !streaming ? cli_src_start(p) : NULL;
    uint64_t frame = 0;
    for (;;) {
        struct pcap_pkthdr *h;
        const u_char *data;
        int rc = src ? cli_src_next(src, &h, &data) : pcap_next_ex(p, &h, &data);
        if (rc == 1) {
            frame++;
            if (offline_filter && !pcap_offline_filter(&prog_filter, h, data))
                continue;
            tlsa_time ts = {h->ts.tv_sec, (int32_t)h->ts.tv_usec};
            tlsa_err err = tlsa_engine_packet(e, linktype, ts, frame, data, h->caplen, h->len);
            f->bytes += h->caplen;
            if (err == TLSA_E_UNSUPPORTED_LINKTYPE) {
                const char *name = pcap_datalink_val_to_name(linktype);
                cli_file_error(f, "link type %d (%s) is not supported; skipped", linktype,
                               name ? name : "unknown");
                f->failed = true;
                break;
            }
            if (prog->enabled && (frame & 1023) == 0) {
                long long pos = src ? cli_src_pos(src) : cli_pcap_pos(p);
                cli_progress_update(prog, pos >= 0 ? (uint64_t)pos : f->bytes, frame,
                                    pipe ? cli_pipe_handed(pipe) : f->n_seen);
            }
        } else if (rc == 0) {
            wait_live(p); /* live: nothing yet */
        } else if (rc == PCAP_ERROR_BREAK) {
            break; /* end of file, or Ctrl-C on a live capture */
        } else {
            long long pos = cli_pcap_pos(p);
            const char *why = src ? cli_src_error(src, &pos) : pcap_geterr(p);
            if (in->is_live)
                cli_file_error(f, "capture failed after %llu packets: %s",
                               (unsigned long long)frame, why);
            else if (pos >= 0)
                cli_file_error(f, "damaged at byte offset %lld after %llu packets: %s", pos,
                               (unsigned long long)frame, why);
            else
                cli_file_error(f, "damaged after %llu packets: %s", (unsigned long long)frame, why);
            f->failed = true;
            break;
        }
        if (deadline > 0 && now_mono() >= deadline)
            break;
    }
    cli_src_finish(src);
    f->packets = frame;
    if (o->filter)
        pcap_freecode(&prog_filter);
    if (in->is_live) {
        sigaction(SIGINT, &old_int, NULL);
        sigaction(SIGTERM, &old_term, NULL);
        live_pcap = NULL;
    }
    /* Everything decoded so far is reported, also after damage. */
    tlsa_engine_flush(e);
    cli_pipe_finish(pipe);
    tlsa_engine_free(e);
    tlsa_keylog_free(own_keys);
    pcap_close(p);
}

void cli_file_error(cli_file *f, const char *fmt, ...) {
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    tlsa_buf_puts(&f->err, "tlsaudit: ");
    const char *name = f->in->is_stdin ? "(standard input)" : f->in->path;
    tlsa_text_str(&f->err, (const uint8_t *)name, strlen(name));
    tlsa_buf_puts(&f->err, ": ");
    tlsa_text_str(&f->err, (const uint8_t *)msg, strlen(msg));
    tlsa_buf_puts(&f->err, "\n");
    if (!f->errmsg[0]) { /* keep the first, cut to the field */
        size_t n = strnlen(msg, sizeof f->errmsg - 1);
        memcpy(f->errmsg, msg, n);
        f->errmsg[n] = 0;
    }
}

/* Inputs: the paths on the command line, folders expanded recursively in sorted order. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

static bool ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

static bool is_capture_name(const char *name) {
    return ends_with(name, ".pcap") || ends_with(name, ".pcapng") || ends_with(name, ".cap");
}

static bool is_gz_capture_name(const char *name) {
    return ends_with(name, ".pcap.gz") || ends_with(name, ".pcapng.gz") ||
           ends_with(name, ".cap.gz");
}

/* Prints one diagnostic with the path escaped (names can hold terminal escapes). */
static void path_error(const char *path, const char *sentence, const char *extra) {
    tlsa_buf b = {0};
    tlsa_buf_puts(&b, "tlsaudit: ");
    tlsa_text_str(&b, (const uint8_t *)path, strlen(path));
    tlsa_buf_printf(&b, ": %s%s\n", sentence, extra ? extra : "");
    if (b.data)
        fputs(b.data, stderr);
    tlsa_buf_free(&b);
}

static void add(cli_inputs *in, const char *path, uint64_t size) {
    if (in->n == in->cap) {
        size_t cap = in->cap ? in->cap * 2 : 16;
        cli_input *v = realloc(in->v, cap * sizeof *v);
        if (!v) {
            path_error(path, "out of memory; skipped", NULL);
            in->failed = true;
            return;
        }
        in->v = v;
        in->cap = cap;
    }
    cli_input *e = &in->v[in->n];
    memset(e, 0, sizeof *e);
    e->path = strdup(path);
    if (!e->path) {
        in->failed = true;
        return;
    }
    e->size = size;
    in->n++;
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* depth bounds the walk so a pathological tree cannot exhaust the stack. */
static void walk(cli_inputs *in, const char *dir, int depth) {
    if (depth > 64) {
        path_error(dir, "folder nesting deeper than 64 levels; not searched further", NULL);
        return;
    }
    DIR *d = opendir(dir);
    if (!d) {
        path_error(dir, "cannot open folder: ", strerror(errno));
        in->failed = true;
        return;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            char **nn = realloc(names, cap * sizeof *nn);
            if (!nn)
                break;
            names = nn;
        }
        size_t len = strlen(dir) + strlen(de->d_name) + 2;
        names[n] = malloc(len);
        if (!names[n])
            break;
        snprintf(names[n], len, "%s%s%s", dir, ends_with(dir, "/") ? "" : "/", de->d_name);
        n++;
    }
    closedir(d);
    if (n > 1)
        qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n; i++) {
        struct stat st, lst;
        if (stat(names[i], &st) == 0) {
            /* Symlinked folders are not followed: they could loop. */
            if (S_ISDIR(st.st_mode)) {
                if (lstat(names[i], &lst) == 0 && !S_ISLNK(lst.st_mode))
                    walk(in, names[i], depth + 1);
            } else if (S_ISREG(st.st_mode)) {
                if (is_capture_name(names[i]))
                    add(in, names[i], (uint64_t)st.st_size);
                else if (is_gz_capture_name(names[i])) {
                    /* An input that could not be read: exit 3, so a CI gate cannot pass on it. */
                    path_error(names[i],
                               "gzip-compressed captures cannot be read by libpcap; skipped "
                               "(decompress it with gunzip -k)",
                               NULL);
                    in->failed = true;
                }
            }
        }
        free(names[i]);
    }
    free(names);
}

void cli_collect_inputs(const cli_opts *o, cli_inputs *in) {
    memset(in, 0, sizeof *in);
    if (o->iface) {
        add(in, o->iface, 0);
        if (in->n)
            in->v[0].is_live = true;
        return;
    }
    for (int i = 0; i < o->n_paths; i++) {
        const char *p = o->paths[i];
        struct stat st;
        if (!strcmp(p, "-")) {
            if (isatty(STDIN_FILENO)) {
                path_error("-", "standard input is a terminal; pipe a capture into it", NULL);
                in->failed = true;
                continue;
            }
            add(in, p, 0);
            if (in->n)
                in->v[in->n - 1].is_stdin = true;
            continue;
        }
        if (stat(p, &st) != 0) {
            path_error(p, "cannot open: ", strerror(errno));
            in->failed = true;
        } else if (S_ISDIR(st.st_mode)) {
            size_t before = in->n;
            walk(in, p, 0);
            if (in->n == before) {
                path_error(p, "no .pcap, .pcapng or .cap files in this folder", NULL);
                in->failed = true;
            }
        } else if (ends_with(p, ".gz")) {
            path_error(p,
                       "gzip-compressed captures cannot be read by libpcap; decompress it first "
                       "(gunzip -k)",
                       NULL);
            in->failed = true;
        } else {
            /* An explicitly named file is read whatever its name. */
            add(in, p, S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0);
            if (in->n && !S_ISREG(st.st_mode))
                in->v[in->n - 1].is_stream = true;
        }
    }
}

void cli_inputs_free(cli_inputs *in) {
    for (size_t i = 0; i < in->n; i++)
        free(in->v[i].path);
    free(in->v);
    memset(in, 0, sizeof *in);
}

/* Progress on stderr for big inputs on a terminal: bytes, packets, connections, rate, ETA.
 * Redrawn at most four times a second. */
#include <stdio.h>
#include <time.h>

#include "cli.h"

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void cli_progress_start(cli_progress *p, bool enabled, uint64_t total) {
    p->enabled = enabled;
    p->total = total;
    p->start = p->last = now_s();
    p->drawn = false;
}

void cli_progress_update(cli_progress *p, uint64_t bytes, uint64_t packets, uint64_t conns) {
    if (!p->enabled)
        return;
    /* An input of unknown size (a pipe) shows progress once it is past the same 50 MB. */
    if (p->total == 0 && bytes < CLI_PROGRESS_MIN_BYTES)
        return;
    double t = now_s();
    if (t - p->last < 0.25)
        return;
    p->last = t;
    double el = t - p->start, rate = el > 0 ? (double)bytes / el : 0;
    fprintf(stderr, "\r%.1f MB", (double)bytes / 1e6);
    if (p->total)
        fprintf(stderr, " of %.1f MB (%.0f%%)", (double)p->total / 1e6,
                100.0 * (double)bytes / (double)p->total);
    fprintf(stderr, ", %llu packets, %llu connections, %.1f MB/s", (unsigned long long)packets,
            (unsigned long long)conns, rate / 1e6);
    if (p->total && rate > 0 && bytes <= p->total) {
        unsigned long eta = (unsigned long)((double)(p->total - bytes) / rate);
        fprintf(stderr, ", ETA %lu:%02lu", eta / 60, eta % 60);
    }
    fputs("\x1b[K", stderr);
    p->drawn = true;
}

void cli_progress_end(cli_progress *p) {
    if (p->enabled && p->drawn)
        fputs("\r\x1b[K", stderr);
    p->drawn = false;
}

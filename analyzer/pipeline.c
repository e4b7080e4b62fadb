/* Audit and rendering on a thread of their own: the engine's thread (packets → connection
 * records) moves each finished record into a ring; the rendering thread audits and renders them
 * (cli_on_conn) in the order the engine finished them, so the output is byte for byte what one
 * thread writes. The ring is bounded and holds the records themselves (no allocation per
 * record): when the renderer falls behind, the engine waits rather than memory growing. */
#include <pthread.h>
#include <stdlib.h>

#include "cli.h"

#define PIPE_SLOTS 256
#define PIPE_BATCH 64

struct cli_pipe {
    pthread_mutex_t mu;
    pthread_cond_t not_empty, not_full;
    /* Slots [head, head + n) (mod PIPE_SLOTS) hold records; the renderer works on a prefix of
     * them without the lock and releases it afterwards, the reader fills only the others. */
    size_t head, n;
    size_t batch; /* the renderer wakes for this many records (or the end) */
    bool closed;
    pthread_t thread;
    tlsa_auditor *auditor;
    cli_ctx *ctx;
    size_t handed; /* touched by the engine's thread only */
    tlsa_conn slot[PIPE_SLOTS];
};

/* Memory goes back to the thread that allocated it (glibc's per-thread caches), instead of both
 * threads contending for one arena: the audit's part of a record is freed here, the rest stays in
 * the slot until the engine's thread reuses it. */
static void render(cli_pipe *p, tlsa_conn *c) {
    if (p->auditor && tlsa_audit_conn(p->auditor, c) != TLSA_E_OK) {
        /* The record still goes out, with whatever the audit managed to add. */
    }
    cli_on_conn(c, p->ctx);
    tlsa_audit_clear(c);
}

static void *renderer(void *arg) {
    cli_pipe *p = arg;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (p->n < p->batch && !p->closed)
            pthread_cond_wait(&p->not_empty, &p->mu);
        size_t start = p->head, n = p->n;
        if (!n)
            break; /* closed and drained */
        pthread_mutex_unlock(&p->mu);
        for (size_t i = 0; i < n; i++)
            render(p, &p->slot[(start + i) % PIPE_SLOTS]);
        pthread_mutex_lock(&p->mu);
        p->head = (start + n) % PIPE_SLOTS;
        p->n -= n;
        pthread_cond_signal(&p->not_full);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

cli_pipe *cli_pipe_start(tlsa_auditor *a, cli_ctx *ctx, bool live) {
    cli_pipe *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    /* Waking per record costs two futex calls; a file can wait for a batch, a live capture or
     * a pipe shows each connection as soon as it ends. */
    p->batch = live ? 1 : PIPE_BATCH;
    p->auditor = a;
    p->ctx = ctx;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->not_empty, NULL);
    pthread_cond_init(&p->not_full, NULL);
    if (pthread_create(&p->thread, NULL, renderer, p) == 0)
        return p;
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->not_empty);
    pthread_cond_destroy(&p->not_full);
    free(p);
    return NULL; /* the caller stays on one thread */
}

/* The engine's on_conn, on the engine's thread. */
void cli_pipe_on_conn(tlsa_conn *c, void *user) {
    cli_pipe *p = user;
    pthread_mutex_lock(&p->mu);
    while (p->n == PIPE_SLOTS)
        pthread_cond_wait(&p->not_full, &p->mu);
    tlsa_conn *slot = &p->slot[(p->head + p->n) % PIPE_SLOTS];
    pthread_mutex_unlock(&p->mu);
    tlsa_conn_free_contents(slot); /* rendered earlier, or empty; the renderer is not on it */
    tlsa_conn_move(slot, c);
    pthread_mutex_lock(&p->mu);
    if (++p->n == p->batch)
        pthread_cond_signal(&p->not_empty);
    pthread_mutex_unlock(&p->mu);
    p->handed++;
}

size_t cli_pipe_handed(const cli_pipe *p) {
    return p->handed;
}

void cli_pipe_finish(cli_pipe *p) {
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->closed = true;
    pthread_cond_signal(&p->not_empty);
    pthread_mutex_unlock(&p->mu);
    pthread_join(p->thread, NULL);
    for (size_t i = 0; i < PIPE_SLOTS; i++)
        tlsa_conn_free_contents(&p->slot[i]);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->not_empty);
    pthread_cond_destroy(&p->not_full);
    free(p);
}

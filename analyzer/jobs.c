/* --jobs N: inputs are analysed on worker threads, results are emitted on the calling thread
 * strictly in input order, each as soon as it and all before it are done. */
#include <pthread.h>
#include <stdlib.h>

#include "cli.h"

typedef struct pool {
    pthread_mutex_t mu;
    pthread_cond_t done_cv;
    size_t n, next_job;
    bool *done;
    cli_job_fn work;
    void *ctx;
} pool;

typedef struct worker_arg {
    pool *p;
    unsigned id;
} worker_arg;

static void *worker(void *arg) {
    worker_arg *w = arg;
    pool *p = w->p;
    for (;;) {
        pthread_mutex_lock(&p->mu);
        size_t i = p->next_job < p->n ? p->next_job++ : p->n;
        pthread_mutex_unlock(&p->mu);
        if (i >= p->n)
            return NULL;
        p->work(i, w->id, p->ctx);
        pthread_mutex_lock(&p->mu);
        p->done[i] = true;
        pthread_cond_broadcast(&p->done_cv);
        pthread_mutex_unlock(&p->mu);
    }
}

bool cli_run_jobs(size_t n, unsigned workers, cli_job_fn work, cli_emit_fn emit, void *ctx) {
    if (workers <= 1 || n <= 1) {
        for (size_t i = 0; i < n; i++) {
            work(i, 0, ctx);
            emit(i, ctx);
        }
        return true;
    }
    if (workers > n)
        workers = (unsigned)n;
    pool p = {.n = n, .work = work, .ctx = ctx};
    p.done = calloc(n, sizeof *p.done);
    pthread_t *th = calloc(workers, sizeof *th);
    worker_arg *args = calloc(workers, sizeof *args);
    if (!p.done || !th || !args) {
        free(p.done), free(th), free(args);
        return false;
    }
    pthread_mutex_init(&p.mu, NULL);
    pthread_cond_init(&p.done_cv, NULL);
    unsigned started = 0;
    for (unsigned w = 0; w < workers; w++) {
        args[w] = (worker_arg){&p, w};
        if (pthread_create(&th[w], NULL, worker, &args[w]) != 0)
            break;
        started++;
    }
    if (started == 0) {
        /* no thread could start: do the work here */
        for (size_t i = 0; i < n; i++) {
            work(i, 0, ctx);
            emit(i, ctx);
        }
    } else {
        for (size_t i = 0; i < n; i++) {
            pthread_mutex_lock(&p.mu);
            while (!p.done[i])
                pthread_cond_wait(&p.done_cv, &p.mu);
            pthread_mutex_unlock(&p.mu);
            emit(i, ctx);
        }
    }
    for (unsigned w = 0; w < started; w++)
        pthread_join(th[w], NULL);
    pthread_cond_destroy(&p.done_cv);
    pthread_mutex_destroy(&p.mu);
    free(p.done), free(th), free(args);
    return true;
}

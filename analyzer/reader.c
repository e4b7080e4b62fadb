/* A reading thread for capture files: libpcap's reads (a kernel copy and two freads per packet,
 * about a third of the time of a whole audit) run here, ahead of the engine, into a few large
 * blocks of copied packets. The engine's thread takes the packets in file order through a call
 * shaped like pcap_next_ex. Memory is the blocks, not the file. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define BLOCKS 4
#define BLOCK_BYTES (1u << 20)
#define BLOCK_PACKETS 4096 /* per block, so that the engine starts early on small packets */

/* Each packet in a block: its pcap header, then caplen bytes, padded to keep headers aligned. */
#define ALIGN16(n) (((size_t)(n) + 15u) & ~(size_t)15u)
#define HDR ALIGN16(sizeof(struct pcap_pkthdr))

typedef struct block {
    uint8_t *data;
    size_t cap, used;
    size_t n;      /* packets */
    long long pos; /* file offset when the block was handed over (progress) */
    int end;       /* 0, or how reading ended after these packets (a pcap_next_ex code) */
    char error[PCAP_ERRBUF_SIZE]; /* with end == PCAP_ERROR */
    long long error_pos;          /* file offset of the damage */
} block;

struct cli_src {
    pcap_t *p;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t filled, emptied;
    block blocks[BLOCKS];
    size_t head, n_full; /* ring: n_full filled blocks from head */
    bool stop;           /* the consumer has had enough */
    /* A packet that did not fit in the block being filled: the next one starts with it. */
    struct pcap_pkthdr pend_h;
    uint8_t *pend;
    size_t pend_cap;
    bool pending;
    /* The consumer's position in the head block. */
    block *cur;
    size_t cur_off, cur_i;
};

long long cli_pcap_pos(pcap_t *p) {
    FILE *fp = pcap_file(p);
    return fp ? (long long)ftell(fp) : -1;
}

/* Appends a packet; false when the block is full (or an empty block cannot grow to hold it). */
static bool append(block *b, const struct pcap_pkthdr *h, const u_char *data) {
    size_t need = HDR + ALIGN16(h->caplen);
    if (b->used + need > b->cap) {
        if (b->used)
            return false;
        uint8_t *d = realloc(b->data, need); /* one packet larger than a block */
        if (!d)
            return false;
        b->data = d;
        b->cap = need;
    }
    memcpy(b->data + b->used, h, sizeof *h);
    memcpy(b->data + b->used + HDR, data, h->caplen);
    b->used += need;
    b->n++;
    return true;
}

static bool stash(cli_src *s, const struct pcap_pkthdr *h, const u_char *data) {
    if (h->caplen > s->pend_cap) {
        uint8_t *d = realloc(s->pend, h->caplen);
        if (!d)
            return false;
        s->pend = d;
        s->pend_cap = h->caplen;
    }
    s->pend_h = *h;
    memcpy(s->pend, data, h->caplen);
    s->pending = true;
    return true;
}

static void fail(block *b, pcap_t *p, int rc, const char *why) {
    b->end = rc;
    snprintf(b->error, sizeof b->error, "%s", why ? why : pcap_geterr(p));
    b->error_pos = cli_pcap_pos(p);
}

/* Fills b with the next packets. Returns false when reading is over (b->end says how). */
static bool fill(cli_src *s, block *b) {
    b->used = b->n = 0;
    b->end = 0;
    b->error[0] = 0;
    if (s->pending) {
        s->pending = false;
        if (!append(b, &s->pend_h, s->pend)) {
            fail(b, s->p, PCAP_ERROR, "out of memory for a large packet");
            return false;
        }
    }
    while (b->n < BLOCK_PACKETS) {
        struct pcap_pkthdr *h;
        const u_char *data;
        int rc = pcap_next_ex(s->p, &h, &data);
        if (rc == 1) {
            if (append(b, h, data))
                continue;
            if (b->used && stash(s, h, data))
                break;
            fail(b, s->p, PCAP_ERROR, "out of memory for a large packet");
            return false;
        }
        if (rc == PCAP_ERROR_BREAK || rc == 0) { /* 0 (no packet yet) is live-only */
            b->end = PCAP_ERROR_BREAK;
            return false;
        }
        fail(b, s->p, rc, NULL);
        return false;
    }
    b->pos = cli_pcap_pos(s->p);
    return true;
}

static void *reading(void *arg) {
    cli_src *s = arg;
    size_t at = 0;
    for (bool more = true; more;) {
        pthread_mutex_lock(&s->mu);
        while (s->n_full == BLOCKS) /* also when stopping: the consumer drains */
            pthread_cond_wait(&s->emptied, &s->mu);
        bool stop = s->stop;
        pthread_mutex_unlock(&s->mu);
        block *b = &s->blocks[at];
        if (stop) {
            b->n = 0;
            b->end = PCAP_ERROR_BREAK;
            more = false;
        } else {
            more = fill(s, b); /* the slot is free: no lock needed while filling */
        }
        pthread_mutex_lock(&s->mu);
        s->n_full++;
        pthread_cond_signal(&s->filled);
        pthread_mutex_unlock(&s->mu);
        at = (at + 1) % BLOCKS;
    }
    return NULL;
}

cli_src *cli_src_start(pcap_t *p) {
    cli_src *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->p = p;
    bool ok = true;
    for (int i = 0; i < BLOCKS && ok; i++) {
        s->blocks[i].data = malloc(BLOCK_BYTES);
        s->blocks[i].cap = BLOCK_BYTES;
        ok = s->blocks[i].data != NULL;
    }
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->filled, NULL);
    pthread_cond_init(&s->emptied, NULL);
    if (ok && pthread_create(&s->thread, NULL, reading, s) == 0)
        return s;
    for (int i = 0; i < BLOCKS; i++)
        free(s->blocks[i].data);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->filled);
    pthread_cond_destroy(&s->emptied);
    free(s);
    return NULL; /* the caller reads on its own thread */
}

/* Gives the current block back to the reading thread. */
static void release(cli_src *s) {
    pthread_mutex_lock(&s->mu);
    s->head = (s->head + 1) % BLOCKS;
    s->n_full--;
    pthread_cond_signal(&s->emptied);
    pthread_mutex_unlock(&s->mu);
    s->cur = NULL;
}

int cli_src_next(cli_src *s, struct pcap_pkthdr **h, const u_char **data) {
    for (;;) {
        if (!s->cur) {
            pthread_mutex_lock(&s->mu);
            while (!s->n_full)
                pthread_cond_wait(&s->filled, &s->mu);
            s->cur = &s->blocks[s->head];
            pthread_mutex_unlock(&s->mu);
            s->cur_off = s->cur_i = 0;
        }
        block *b = s->cur;
        if (s->cur_i < b->n) {
            *h = (struct pcap_pkthdr *)(void *)(b->data + s->cur_off);
            *data = b->data + s->cur_off + HDR;
            s->cur_off += HDR + ALIGN16((*h)->caplen);
            s->cur_i++;
            return 1;
        }
        if (b->end)
            return b->end; /* stays on this block: the end is sticky */
        release(s);
    }
}

long long cli_src_pos(const cli_src *s) {
    return s->cur ? s->cur->pos : -1;
}

const char *cli_src_error(const cli_src *s, long long *pos) {
    *pos = s->cur ? s->cur->error_pos : -1;
    return s->cur && s->cur->error[0] ? s->cur->error : "read error";
}

void cli_src_finish(cli_src *s) {
    if (!s)
        return;
    pthread_mutex_lock(&s->mu);
    s->stop = true;
    pthread_cond_signal(&s->emptied);
    pthread_mutex_unlock(&s->mu);
    /* Drain until the block that ends reading: the reading thread has then left its loop. */
    struct pcap_pkthdr *h;
    const u_char *data;
    while (cli_src_next(s, &h, &data) == 1)
        ;
    pthread_join(s->thread, NULL);
    for (int i = 0; i < BLOCKS; i++)
        free(s->blocks[i].data);
    free(s->pend);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->filled);
    pthread_cond_destroy(&s->emptied);
    free(s);
}

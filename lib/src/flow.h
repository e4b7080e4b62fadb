/* The flow table: TCP connections keyed by their 4-tuple (both directions find the same entry),
 * with their lifecycle: start (SYN or first packet), end (both FINs, RST, idle, eviction when the
 * table is full, port reuse, end of input). Flow entries come from a pool; lookups are O(1)
 * expected (chained hash with a power-of-two bucket array and a last-flow cache).
 *
 * A finished connection's entry lingers as "closed" so that its late ACKs and retransmissions do
 * not start bogus mid-stream flows; a new SYN on it starts a new connection (port reuse). Closed
 * entries count against max_flows and are recycled first when the table is full. */
#ifndef TLSA_FLOW_H
#define TLSA_FLOW_H

#include "reassembly.h"
#include "tls_stream.h"

typedef struct tlsa_flow tlsa_flow;
struct tlsa_flow {
    tlsa_endpoint ep[2]; /* ep[0] is side 0: the SYN sender, else the first packet's sender */
    bool syn_seen;       /* roles come from the TCP handshake */
    bool isn_known;      /* side 0's SYN seen: syn_isn is its sequence number */
    uint8_t fin;         /* bit n: side n sent a FIN */
    bool rst;
    bool closed; /* the connection was finished; the entry only absorbs late packets */
    uint32_t syn_isn;
    uint64_t serial; /* creation order, tie-breaker for equal first frames */
    uint64_t first_frame, last_frame;
    tlsa_time first_ts, last_ts;

    /* Per-connection state owned by the engine (flow.c only zeroes it on creation). */
    tlsa_rsm rsm;
    tlsa_tls *tls;
    bool indexed;
    uint32_t index;
    size_t tls_buffered;

    /* Table links (flow.c). */
    uint32_t hash;
    tlsa_flow *hnext;       /* bucket chain */
    tlsa_flow *prev, *next; /* open or closed list, least recently active first */
};

/* Reason for the end callback besides enum tlsa_end_reason: release without reporting. */
enum { TLSA_FLOW_DISCARD = -1 };

/* Called exactly once per connection: release everything in the engine-owned fields. */
typedef void (*tlsa_flow_end_fn)(void *ctx, tlsa_flow *f, int reason);

typedef struct tlsa_flow_list {
    tlsa_flow *head, *tail;
} tlsa_flow_list;

typedef struct tlsa_flow_chunk tlsa_flow_chunk;

typedef struct tlsa_flows {
    tlsa_flow **buckets;
    uint32_t nbuckets; /* power of two */
    uint32_t count;    /* entries (open + closed) */
    uint32_t open, peak_open;
    uint32_t max_flows;
    uint32_t idle_timeout; /* seconds, 0 = never */
    uint32_t seed;
    tlsa_flow_list open_lru, closed_lru;
    tlsa_flow *free_list;
    tlsa_flow *last; /* last-flow cache */
    tlsa_flow_chunk *chunks;
    uint32_t chunk_size;
    uint64_t serial;
    uint64_t started; /* connections started */
    uint64_t evicted; /* open connections finished because the table was full */
    tlsa_flow_end_fn end;
    void *ctx;
} tlsa_flows;

tlsa_err tlsa_flows_init(tlsa_flows *t, uint32_t max_flows, uint32_t idle_timeout,
                         tlsa_flow_end_fn end, void *ctx) TLSA_WUR;

/* Releases every entry; open connections get the end callback with TLSA_FLOW_DISCARD. */
void tlsa_flows_free(tlsa_flows *t);

/* Finds or creates the connection seg belongs to. Before that, connections idle for longer than
 * idle_timeout at seg->ts are finished (IDLE). A SYN (without ACK) on an entry whose connection
 * ended, or saw a FIN or RST, or with a different initial sequence number, finishes the old
 * connection and starts a new one (*is_new). A full table first recycles the oldest closed entry,
 * else finishes the least recently active connection (EVICTED).
 * *out is NULL when seg starts nothing (a RST of an unknown connection); (*out)->closed is true
 * for late packets of a finished connection. *side is the sender's side. Updates the FIN/RST
 * flags and the activity order. Returns TLSA_E_NO_MEMORY when the pool cannot grow. */
tlsa_err tlsa_flows_track(tlsa_flows *t, const tlsa_segment *seg, tlsa_flow **out, int *side,
                          bool *is_new) TLSA_WUR;

/* After the segment was processed: finishes the connection if both sides sent a FIN (FIN) or a
 * RST was seen (RST). */
void tlsa_flows_after(tlsa_flows *t, tlsa_flow *f);

/* Finishes one connection now; its entry stays, closed. */
void tlsa_flows_end(tlsa_flows *t, tlsa_flow *f, int reason);

/* Finishes every open connection in order of first frame (EOF) and empties the table. */
void tlsa_flows_flush(tlsa_flows *t);

#endif

/* Frees everything a connection record owns; moves a record out of the engine. */
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "tls_stream.h"

void tlsa_conn_free_contents(tlsa_conn *c) {
    if (!c)
        return;
    tlsa_audit_clear(c);
    tlsa_client_hello_clear(&c->ch);
    tlsa_server_hello_clear(&c->sh);
    tlsa_kex_clear(&c->kex);
    tlsa_blob_list_clear(&c->server_chain);
    tlsa_blob_list_clear(&c->client_chain);
    free(c->steps.v);
    free(c->alerts);
    free(c->problems);
    c->steps.v = NULL;
    c->steps.n = 0;
    c->alerts = NULL;
    c->n_alerts = 0;
    c->problems = NULL;
    c->n_problems = 0;
}

void tlsa_conn_move(tlsa_conn *dst, tlsa_conn *src) {
    /* Every pointer in a record is owned by it alone: a shallow move is a complete one. */
    *dst = *src;
    memset(src, 0, sizeof *src);
}

/* Release the heap parts of the parser output structs (msg.h). Each leaves the struct zeroed
 * where it freed, so a cleared struct can be parsed into again. */
#include <stdlib.h>
#include <string.h>

#include "msg.h"

void tlsa_blob_clear(tlsa_blob *b) {
    if (!b)
        return;
    free(b->data);
    b->data = NULL;
    b->len = 0;
}

void tlsa_blob_list_clear(tlsa_blob_list *l) {
    if (!l)
        return;
    for (uint32_t i = 0; i < l->n; i++)
        tlsa_blob_clear(&l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

static void u16_list_clear(tlsa_u16_list *l) {
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

void tlsa_client_hello_clear(tlsa_client_hello *ch) {
    if (!ch)
        return;
    tlsa_blob_clear(&ch->session_id);
    u16_list_clear(&ch->suites);
    tlsa_blob_clear(&ch->compression);
    u16_list_clear(&ch->extensions);
    u16_list_clear(&ch->versions);
    u16_list_clear(&ch->groups);
    u16_list_clear(&ch->key_shares);
    u16_list_clear(&ch->sig_algs);
    tlsa_blob_clear(&ch->sni);
    tlsa_blob_list_clear(&ch->alpn);
    memset(ch, 0, sizeof *ch);
}

void tlsa_server_hello_clear(tlsa_server_hello *sh) {
    if (!sh)
        return;
    tlsa_blob_clear(&sh->session_id);
    u16_list_clear(&sh->extensions);
    tlsa_blob_clear(&sh->alpn);
    memset(sh, 0, sizeof *sh);
}

void tlsa_kex_clear(tlsa_kex *k) {
    if (!k)
        return;
    tlsa_blob_clear(&k->dh_p);
    tlsa_blob_clear(&k->dh_g);
    memset(k, 0, sizeof *k);
}

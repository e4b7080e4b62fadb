/* The audit driver: auditor life cycle, the findings list (sorted by severity, then catalogue
 * order), and release of what the audit added to a record. */
#include "audit_int.h"
#include "fmt.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CACHE_MAX_CHAINS 4096

void tlsa_audit_add(tlsa_audit_ctx *x, tlsa_finding_id id, int severity, const uint64_t *frames,
                    uint32_t n_frames, tlsa_buf *detail) {
    if (x->err != TLSA_E_OK || detail->oom) {
        free(detail->data);
        x->err = TLSA_E_NO_MEMORY;
        return;
    }
    if (x->n == x->cap) {
        uint32_t cap = x->cap ? x->cap * 2 : 8;
        tlsa_finding *v = realloc(x->v, cap * sizeof *v);
        if (!v) {
            free(detail->data);
            x->err = TLSA_E_NO_MEMORY;
            return;
        }
        x->v = v;
        x->cap = cap;
    }
    tlsa_finding *f = &x->v[x->n];
    memset(f, 0, sizeof *f);
    f->id = (uint16_t)id;
    f->severity = (uint8_t)(severity >= 0 ? severity : (int)tlsa_finding_default_severity(id));
    f->detail = detail->data ? detail->data : strdup("");
    f->frames = malloc((n_frames ? n_frames : 1) * sizeof *f->frames);
    if (!f->detail || !f->frames) {
        free(f->detail);
        free(f->frames);
        x->err = TLSA_E_NO_MEMORY;
        return;
    }
    for (uint32_t i = 0; i < n_frames; i++) {
        bool dup = false;
        for (uint32_t j = 0; j < f->n_frames; j++)
            dup = dup || f->frames[j] == frames[i];
        if (frames[i] && !dup)
            f->frames[f->n_frames++] = frames[i];
    }
    x->n++;
}

void tlsa_audit_addf(tlsa_audit_ctx *x, tlsa_finding_id id, int severity, uint64_t frame,
                     const char *fmt, ...) {
    tlsa_buf t = {0};
    char buf[512];
    char *text = buf;
    va_list ap;
    va_start(ap, fmt);
    int n = tlsa_vfmt(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n >= (int)sizeof buf && (text = malloc((size_t)n + 1)) != NULL) {
        va_start(ap, fmt); /* a long detail (many names): format it again, whole */
        tlsa_vfmt(text, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    if (!text) {
        text = buf;
        n = (int)sizeof buf - 1;
    }
    if (n > 0)
        tlsa_buf_put(&t, text, (size_t)n);
    if (text != buf)
        free(text);
    tlsa_audit_add(x, id, severity, &frame, 1, &t);
}

uint64_t tlsa_audit_msg_frame(const tlsa_conn *c, uint8_t msg_type, int who) {
    for (uint32_t i = 0; c->steps.v && i < c->steps.n; i++)
        if (c->steps.v[i].msg_type == msg_type && (who < 0 || c->steps.v[i].who == who))
            return c->steps.v[i].frame;
    return 0;
}

int64_t tlsa_audit_time(const tlsa_audit_ctx *x) {
    if (x->a->has_now)
        return x->a->now;
    if (x->c->server_chain_ts.sec)
        return x->c->server_chain_ts.sec;
    return x->c->first_ts.sec;
}

tlsa_auditor *tlsa_auditor_new(const tlsa_audit_config *cfg, tlsa_err *err, char *msg,
                               size_t msgsize) {
    tlsa_audit_config none = {0};
    tlsa_err dummy;
    if (!err)
        err = &dummy;
    if (!cfg)
        cfg = &none;
    if (msg && msgsize)
        msg[0] = 0;
    tlsa_auditor *a = calloc(1, sizeof *a);
    if (!a) {
        *err = TLSA_E_NO_MEMORY;
        return NULL;
    }
    a->has_now = cfg->has_now;
    a->now = cfg->now;
    const char *pol = cfg->policy ? cfg->policy : "intermediate";
    a->policy = tlsa_policy_builtin_new(pol);
    if (!a->policy) {
        a->policy = tlsa_policy_load(pol, err, msg, msgsize);
        if (!a->policy)
            goto fail;
    }
    a->store = tlsa_cert_store_new(cfg, err, msg, msgsize);
    if (!a->store)
        goto fail;
    a->cache = tlsa_cert_cache_new(a->store, CACHE_MAX_CHAINS);
    if (!a->cache) {
        *err = TLSA_E_NO_MEMORY;
        goto fail;
    }
    *err = TLSA_E_OK;
    return a;
fail:
    tlsa_auditor_free(a);
    return NULL;
}

void tlsa_auditor_free(tlsa_auditor *a) {
    if (!a)
        return;
    tlsa_cert_cache_free(a->cache);
    X509_STORE_free(a->store);
    tlsa_policy_free(a->policy);
    free(a);
}

tlsa_cert_cache *tlsa_auditor_cert_cache(tlsa_auditor *a) {
    return a ? a->cache : NULL;
}

static int finding_cmp(const void *pa, const void *pb) {
    const tlsa_finding *a = pa, *b = pb;
    if (a->severity != b->severity)
        return a->severity > b->severity ? -1 : 1;
    if (a->id != b->id)
        return a->id < b->id ? -1 : 1;
    /* Same id (e.g. several fatal alerts): keep the order of their first frame. */
    uint64_t fa = a->n_frames ? a->frames[0] : 0, fb = b->n_frames ? b->frames[0] : 0;
    return fa < fb ? -1 : fa > fb;
}

tlsa_err tlsa_audit_conn(tlsa_auditor *a, tlsa_conn *c) {
    if (!a || !c)
        return TLSA_E_INVALID_ARGUMENT;
    tlsa_audit_clear(c);
    tlsa_audit_ctx x = {a, c, NULL, 0, 0, TLSA_E_OK};
    tlsa_audit_certs(&x);
    tlsa_audit_cipher(&x);
    tlsa_audit_kex(&x);
    tlsa_audit_proto(&x);
    tlsa_audit_keys(&x);
    if (x.n > 1)
        qsort(x.v, x.n, sizeof *x.v, finding_cmp);
    c->findings = x.v;
    c->n_findings = x.n;
    return x.err;
}

static void certs_free(tlsa_cert_info *v, uint32_t n) {
    for (uint32_t i = 0; v && i < n; i++)
        tlsa_cert_info_clear(&v[i]);
    free(v);
}

void tlsa_audit_clear(tlsa_conn *c) {
    if (!c)
        return;
    certs_free(c->server_certs, c->server_chain.n);
    certs_free(c->client_certs, c->client_chain.n);
    c->server_certs = c->client_certs = NULL;
    for (uint32_t i = 0; c->findings && i < c->n_findings; i++) {
        free(c->findings[i].detail);
        free(c->findings[i].frames);
    }
    free(c->findings);
    c->findings = NULL;
    c->n_findings = 0;
    c->chain_verdict[0] = 0;
}

/* Catalogue accessors: everything comes from the TLSA_FINDINGS X-macro in finding.h. */
#include "tlsaudit/finding.h"

#include <string.h>

typedef struct catalogue_row {
    const char *id, *title, *reference;
    tlsa_severity severity;
} catalogue_row;

static const catalogue_row catalogue[] = {
#define TLSA_X_ROW(e, id, sev, title, ref) {id, title, ref, TLSA_SEV_##sev},
    TLSA_FINDINGS(TLSA_X_ROW)
#undef TLSA_X_ROW
};

static const char *const severity_names[] = {"info", "low", "medium", "high", "critical"};

static const catalogue_row *row(tlsa_finding_id id) {
    if ((unsigned)id >= (unsigned)TLSA_F__COUNT)
        return NULL;
    return &catalogue[id];
}

const char *tlsa_finding_id_str(tlsa_finding_id id) {
    const catalogue_row *r = row(id);
    return r ? r->id : "unknown";
}

const char *tlsa_finding_title(tlsa_finding_id id) {
    const catalogue_row *r = row(id);
    return r ? r->title : "unknown finding";
}

const char *tlsa_finding_reference(tlsa_finding_id id) {
    const catalogue_row *r = row(id);
    return r ? r->reference : "";
}

tlsa_severity tlsa_finding_default_severity(tlsa_finding_id id) {
    const catalogue_row *r = row(id);
    return r ? r->severity : TLSA_SEV_INFO;
}

tlsa_finding_id tlsa_finding_lookup(const char *id) {
    if (!id)
        return TLSA_F__COUNT;
    for (int i = 0; i < TLSA_F__COUNT; i++)
        if (strcmp(catalogue[i].id, id) == 0)
            return (tlsa_finding_id)i;
    return TLSA_F__COUNT;
}

const char *tlsa_severity_name(tlsa_severity s) {
    if ((unsigned)s > (unsigned)TLSA_SEV_CRITICAL)
        return "unknown";
    return severity_names[s];
}

int tlsa_severity_lookup(const char *name) {
    if (!name)
        return -1;
    for (int i = 0; i <= TLSA_SEV_CRITICAL; i++)
        if (strcmp(severity_names[i], name) == 0)
            return i;
    return -1;
}

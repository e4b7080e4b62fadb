/* The post-dissector: feed on the first pass, show the stored result on every pass. */
#include "plugin.h"

#include <epan/tap.h>

int tlsaudit_tap = -1;
dissector_handle_t tlsaudit_handle;

static int dissect_tlsaudit(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data) {
    (void)data;
    /* Wanted fields are primed only on the first pass: feed the library then, and only then. */
    const pl_frame *r;
    if (!pinfo->fd->visited) {
        pl_feed_frame(tvb, pinfo, tree);
        r = pl_results_get_first_pass(pinfo->num);
    } else {
        r = pl_results_get(pinfo->num);
    }
    if (r == NULL)
        return 0;
    pl_tree_build(tvb, pinfo, tree, r);
    tap_queue_packet(tlsaudit_tap, pinfo, r);
    return tvb_captured_length(tvb);
}

void pl_dissect_register(void) {
    tlsaudit_handle = register_dissector("tlsaudit", dissect_tlsaudit, proto_tlsaudit);
    tlsaudit_tap = register_tap("tlsaudit");
}

void pl_dissect_handoff(void) {
    register_postdissector(tlsaudit_handle);
    pl_feed_lookup_fields();
}

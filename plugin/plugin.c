/* Registration with Wireshark 4.0: the four exported plugin symbols and the protocol's register
 * and handoff routines. Everything else is in the other files of this folder. */
#include "plugin.h"

#include <epan/tap.h>
#include <ws_symbol_export.h>

WS_DLL_PUBLIC_DEF const char plugin_version[] = TLSA_VERSION_STRING;
WS_DLL_PUBLIC_DEF const int plugin_want_major = 4;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = 0;

WS_DLL_PUBLIC void plugin_register(void);

static void proto_register_tlsaudit(void) {
    pl_register_fields();
    pl_register_prefs();
    pl_dissect_register();
    pl_feed_register();
    pl_table_register();
}

static void proto_reg_handoff_tlsaudit(void) {
    pl_dissect_handoff();
}

void plugin_register(void) {
    static proto_plugin plug;
    plug.register_protoinfo = proto_register_tlsaudit;
    plug.register_handoff = proto_reg_handoff_tlsaudit;
    proto_register_plugin(&plug);

    static tap_plugin tap;
    tap.register_tap_listener = pl_stats_register_taps;
    tap_register_plugin(&tap);
}

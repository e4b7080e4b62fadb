/* The names.h API (placeholder: filled in next). */
#include "tlsaudit/names.h"

const tlsa_suite_info *tlsa_suite_lookup(uint16_t id) {
    (void)id;
    return NULL;
}
const char *tlsa_suite_name(uint16_t id) {
    (void)id;
    return "unknown";
}
const char *tlsa_group_name(uint16_t id) {
    (void)id;
    return "unknown";
}
uint32_t tlsa_group_bits(uint16_t id) {
    (void)id;
    return 0;
}
bool tlsa_group_is_pq_hybrid(uint16_t id) {
    (void)id;
    return false;
}
const char *tlsa_sigscheme_name(uint16_t id) {
    (void)id;
    return "unknown";
}
const char *tlsa_extension_name(uint16_t id) {
    (void)id;
    return "unknown";
}
const char *tlsa_alert_name(uint8_t desc) {
    (void)desc;
    return "unknown";
}
bool tlsa_is_grease(uint16_t v) {
    return (v >> 8) == (v & 0xff) && (v & 0x0f) == 0x0a;
}

/* Wireshark-version-specific accesses, kept in one place. In 4.0 field_info.value is an inline
 * fvalue_t; from 4.2 on it is a pointer (and the getters changed names), so only this file
 * changes when the plugin moves to a newer Wireshark. */
#include "plugin.h"

#include <epan/ftypes/ftypes.h>

guint64 pl_fi_get_uint(const field_info *fi) {
    if (fi == NULL || fi->hfinfo == NULL)
        return 0;
    /* The 4.0 getters take a non-const pointer but do not modify the value. */
    fvalue_t *fv = (fvalue_t *)&fi->value;
    switch (fi->hfinfo->type) {
    case FT_UINT8:
    case FT_UINT16:
    case FT_UINT24:
    case FT_UINT32:
    case FT_FRAMENUM:
        return fvalue_get_uinteger(fv);
    case FT_UINT40:
    case FT_UINT48:
    case FT_UINT56:
    case FT_UINT64:
        return fvalue_get_uinteger64(fv);
    default:
        return 0;
    }
}

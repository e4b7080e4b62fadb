/* Symbol visibility for libtlsaudit. The library is built with hidden visibility; only names
 * marked TLSA_API are exported from the shared library. */
#ifndef TLSAUDIT_EXPORT_H
#define TLSAUDIT_EXPORT_H

#if defined(TLSA_BUILDING_SHARED)
#define TLSA_API __attribute__((visibility("default")))
#else
#define TLSA_API
#endif

#define TLSA_WUR __attribute__((warn_unused_result))

#endif

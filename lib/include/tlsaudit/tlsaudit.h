/* libtlsaudit: passive TLS handshake analysis. Include this one header. */
#ifndef TLSAUDIT_TLSAUDIT_H
#define TLSAUDIT_TLSAUDIT_H

#include "audit.h"
#include "cert.h"
#include "conn.h"
#include "engine.h"
#include "error.h"
#include "finding.h"
#include "names.h"
#include "output.h"
#include "types.h"

#define TLSA_VERSION_STRING "0.1.0"
TLSA_API const char *tlsa_version(void);

#endif

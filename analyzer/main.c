/* Placeholder until the CLI lands. */
#include <stdio.h>

#include "tlsaudit/tlsaudit.h"

int main(void) {
    printf("tlsaudit %s\n", tlsa_version());
    return 0;
}

/* The libFuzzer entry point every target defines; replay.c calls it for plain builds. */
#ifndef TLSA_FUZZ_H
#define TLSA_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif

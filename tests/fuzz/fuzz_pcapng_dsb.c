/*
 * fuzz_pcapng_dsb.c - the pcapng block walker that reads Decryption Secrets
 * Blocks (pcapng 4.7) into a key log; the input is a whole capture file.
 */
#include "config.h"

#include "memfd_input.h"
#include "keylog.h"
#include "pcapng_dsb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct rd_keylog *kl = rd_keylog_new_capped(64);
    char errbuf[256];
    size_t found = 0;

    if (kl == NULL) {
        return 0;
    }
    if (rd_pcapng_read_dsb(fz_memfd_path(data, size), kl, &found, errbuf) == 0 &&
        found > size / 12) {
        fz_fail("more secrets blocks than the file can hold");
    }
    rd_keylog_free(kl);
    return 0;
}

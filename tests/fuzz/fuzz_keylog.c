/*
 * fuzz_keylog.c - the NSS key log parser (SSLKEYLOGFILE format) on a store
 * with a small cap, so that the drop path is reached, then every lookup.
 */
#include "config.h"

#include <string.h>

#include "fuzz.h"
#include "keylog.h"

#define CAP 16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct rd_keylog *kl = rd_keylog_new_capped(CAP);
    uint8_t random[RD_KEYLOG_RANDOM_LEN] = {0};
    uint8_t secret[RD_KEYLOG_MAX_SECRET];
    uint8_t small[8];

    if (kl == NULL) {
        return 0;
    }
    rd_keylog_load_mem(kl, data, size);
    if (rd_keylog_count(kl) > CAP) {
        fz_fail("key log stored more entries than its cap");
    }
    /* Twice: a second load merges with the first. */
    rd_keylog_load_mem(kl, data, size);
    if (rd_keylog_count(kl) > CAP) {
        fz_fail("key log stored more entries than its cap");
    }
    (void)rd_keylog_malformed(kl);
    (void)rd_keylog_ignored(kl);
    (void)rd_keylog_dropped(kl);
    memcpy(random, data, size < sizeof(random) ? size : sizeof(random));
    for (int kind = 0; kind <= RD_KEYLOG_NKINDS; kind++) {
        size_t n = 0;
        fz_name(rd_keylog_kind_name((enum rd_keylog_kind)kind));
        if (kind == RD_KEYLOG_NKINDS) {
            break;
        }
        if (rd_keylog_get(kl, random, (enum rd_keylog_kind)kind, secret, sizeof(secret), &n) &&
            n > sizeof(secret)) {
            fz_fail("rd_keylog_get: length past the buffer");
        }
        if (rd_keylog_get(kl, random, (enum rd_keylog_kind)kind, small, sizeof(small), &n) &&
            n > sizeof(small)) {
            fz_fail("rd_keylog_get: length past the small buffer");
        }
    }
    (void)rd_keylog_lookup(kl, random);
    rd_keylog_free(kl);
    return 0;
}

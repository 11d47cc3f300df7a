/*
 * pcapng_dsb.h - TLS key logs carried inside a pcapng file.
 *
 * libpcap reads a pcapng file's packets but skips its Decryption Secrets Blocks.  This
 * module walks the blocks itself and hands every TLS key log ("TLSK") payload to a
 * key log store, so a capture that carries its own secrets decrypts with no --keylog.
 */
#ifndef RD_PCAPNG_DSB_H
#define RD_PCAPNG_DSB_H

#include <stddef.h>

#include "keylog.h"

/* Our caps: a block larger than this is not read (a DSB this large is not a key log). */
#define RD_PCAPNG_DSB_MAX_BLOCK (16u * 1024 * 1024)

/*
 * Read every Decryption Secrets Block of secrets type TLSK in the file at path into kl
 * and set *blocks_found to their number.
 *
 * Returns 0 when the walk ended, with errbuf[0] == '\0' after a clean end of file, a
 * file that is not pcapng (0 blocks), or an empty file; with a one-line description in
 * errbuf when a corrupt block stopped the walk (the blocks before it were used; libpcap
 * reads the packets separately and reports the damage in its own words).
 * Returns -1 with errbuf set when the file cannot be opened or read.
 */
int rd_pcapng_read_dsb(const char *path, struct rd_keylog *kl, size_t *blocks_found,
                       char errbuf[256]);

#endif

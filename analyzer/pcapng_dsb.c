/*
 * pcapng_dsb.c - walk pcapng blocks for Decryption Secrets Blocks.
 *
 * References: draft-ietf-opsawg-pcapng (the PCAP Next Generation capture file format):
 * 4.1 Section Header Block (type 0x0A0D0D0A, byte-order magic 0x1A2B3C4D, each section
 * has its own byte order), 3.1 general block structure (type, total length, body padded
 * to 32 bits, total length repeated at the end), 4.7 Decryption Secrets Block (type
 * 0x0000000A: secrets type, secrets length, secrets data padded to 32 bits, options);
 * secrets type 0x544c534b "TLSK" is an NSS key log.
 *
 * Only DSBs are read into memory; every other block is skipped with fseek after its
 * trailing length has been checked against the leading one.
 */
#include "config.h"

#include "pcapng_dsb.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <openssl/crypto.h>

#include "cursor.h"

#define BT_SHB      0x0A0D0D0Au
#define BT_DSB      0x0000000Au
#define BOM         0x1A2B3C4Du
#define BOM_SWAPPED 0x4D3C2B1Au
#define TLSK        0x544c534bu
#define MIN_BLOCK   12u /* type, total length, trailing total length */
#define MIN_SHB     28u /* + magic, major, minor, section length */

static uint32_t get_u32(const uint8_t b[4], bool big_endian)
{
    struct rd_cur c;
    uint32_t v = 0;

    rd_cur_init(&c, b, 4);
    if (big_endian) {
        rd_cur_u32be(&c, &v);
    } else {
        rd_cur_u32le(&c, &v);
    }
    return v;
}

/* Read exactly n bytes; false at end of file or on error (ferror tells which). */
static bool read_exact(FILE *f, void *buf, size_t n)
{
    return fread(buf, 1, n, f) == n;
}

/* DSB body after type and length: secrets type, secrets length, data, padding, options. */
static bool parse_dsb(struct rd_cur body, bool big_endian, struct rd_keylog *kl, size_t *found)
{
    uint32_t stype;
    uint32_t slen;
    struct rd_cur data;
    bool ok;

    if (big_endian) {
        ok = rd_cur_u32be(&body, &stype) && rd_cur_u32be(&body, &slen);
    } else {
        ok = rd_cur_u32le(&body, &stype) && rd_cur_u32le(&body, &slen);
    }
    if (!ok || !rd_cur_take(&body, slen, &data)) {
        return false;
    }
    if (stype == TLSK) {
        struct rd_bytes b = rd_cur_rest(&data);
        rd_keylog_load_mem(kl, b.p, b.len);
        (*found)++;
    }
    /* Padding and options follow; keys need neither. */
    return true;
}

int rd_pcapng_read_dsb(const char *path, struct rd_keylog *kl, size_t *blocks_found,
                       char errbuf[256])
{
    FILE *f = fopen(path, "rb");
    uint8_t hdr[12];
    bool big_endian = false;
    bool first = true;
    long long pos = 0;
    int rc = 0;

    errbuf[0] = '\0';
    *blocks_found = 0;
    if (f == NULL) {
        snprintf(errbuf, 256, "%s: %s", path, strerror(errno));
        return -1;
    }
    for (;;) {
        uint32_t type;
        uint32_t total;
        size_t got = fread(hdr, 1, 8, f);

        if (got == 0 && !ferror(f)) {
            break; /* clean end of file */
        }
        if (got != 8) {
            if (ferror(f)) {
                snprintf(errbuf, 256, "%s: read error", path);
                rc = -1;
            } else if (!first) {
                snprintf(errbuf, 256, "%s: pcapng block header truncated at offset %lld", path,
                         pos);
            }
            break;
        }
        /* The SHB type reads the same in both byte orders (pcapng 4.1). */
        type = get_u32(hdr, false);
        if (first && type != BT_SHB) {
            break; /* not pcapng: classic pcap or something else */
        }
        first = false;
        if (type == BT_SHB) {
            uint32_t bom;
            if (!read_exact(f, hdr + 8, 4)) {
                snprintf(errbuf, 256, "%s: section header truncated at offset %lld", path, pos);
                break;
            }
            bom = get_u32(hdr + 8, false);
            if (bom != BOM && bom != BOM_SWAPPED) {
                snprintf(errbuf, 256, "%s: bad byte-order magic at offset %lld", path, pos);
                break;
            }
            big_endian = bom == BOM_SWAPPED;
        }
        type = get_u32(hdr, big_endian);
        total = get_u32(hdr + 4, big_endian);
        /* pcapng 3.1: the total length counts the whole block and is a multiple of 4. */
        if (total < (type == BT_SHB ? MIN_SHB : MIN_BLOCK) || total % 4 != 0) {
            snprintf(errbuf, 256, "%s: bad block length %u at offset %lld", path, (unsigned)total,
                     pos);
            break;
        }
        if (type == BT_DSB) {
            uint8_t *blk;
            struct rd_cur c;
            struct rd_cur body;
            uint32_t trailer = 0;
            bool ok;

            if (total > RD_PCAPNG_DSB_MAX_BLOCK) {
                snprintf(errbuf, 256,
                         "%s: decryption secrets block of %u bytes at offset "
                         "%lld exceeds our limit",
                         path, (unsigned)total, pos);
                break;
            }
            blk = malloc(total - 8);
            if (blk == NULL) {
                snprintf(errbuf, 256, "%s: out of memory", path);
                rc = -1;
                break;
            }
            if (!read_exact(f, blk, total - 8)) {
                OPENSSL_clear_free(blk, total - 8);
                snprintf(errbuf, 256, "%s: decryption secrets block truncated at offset %lld", path,
                         pos);
                break;
            }
            rd_cur_init(&c, blk, total - 8);
            ok = rd_cur_take(&c, total - 12, &body) &&
                 (big_endian ? rd_cur_u32be(&c, &trailer) : rd_cur_u32le(&c, &trailer)) &&
                 trailer == total && parse_dsb(body, big_endian, kl, blocks_found);
            OPENSSL_clear_free(blk, total - 8);
            if (!ok) {
                snprintf(errbuf, 256, "%s: corrupt decryption secrets block at offset %lld", path,
                         pos);
                break;
            }
        } else {
            uint8_t tb[4];
            off_t skip = (off_t)total - (type == BT_SHB ? 16 : 12);
            if (fseeko(f, skip, SEEK_CUR) != 0 || !read_exact(f, tb, 4)) {
                snprintf(errbuf, 256, "%s: block truncated at offset %lld", path, pos);
                break;
            }
            if (get_u32(tb, big_endian) != total) {
                snprintf(errbuf, 256, "%s: block lengths disagree at offset %lld", path, pos);
                break;
            }
        }
        pos += total;
    }
    fclose(f);
    return rc;
}

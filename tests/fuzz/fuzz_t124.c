/*
 * fuzz_t124.c - GCC (ITU-T T.124) Conference Create Request/Response and the
 * RDP client/server data blocks (MS-RDPBCGR 2.2.1.3, 2.2.1.4), each entry
 * point on the whole input.
 */
#include "config.h"

#include "fuzz.h"
#include "t124.h"

static void client(const struct rd_t124_client_data *cd, const uint8_t *data, size_t size)
{
    char name[64];

    fz_view_in(cd->h221_key, data, size);
    fz_view_in(cd->core.client_name, data, size);
    fz_view_in(cd->core.client_dig_product_id, data, size);
    (void)rd_t124_utf16_to_ascii(cd->core.client_name, name, sizeof(name));
    (void)rd_t124_utf16_to_ascii(cd->core.client_name, name, 1);
    if (cd->channels_parsed > RD_T124_MAX_CHANNELS || cd->skipped.count > RD_T124_MAX_SKIPPED) {
        fz_fail("t124 client: list count past its array");
    }
    for (size_t i = 0; i < cd->channels_parsed; i++) {
        fz_view_in(cd->channels[i].name, data, size);
    }
    for (size_t i = 0; i < cd->skipped.count; i++) {
        fz_name(rd_t124_block_type_name(cd->skipped.types[i]));
    }
    fz_name(rd_t124_encryption_method_name(cd->encryption_methods));
}

static void server(const struct rd_t124_server_data *sd, const uint8_t *data, size_t size)
{
    fz_view_in(sd->h221_key, data, size);
    fz_view_in(sd->server_random, data, size);
    fz_view_in(sd->server_certificate, data, size);
    if (sd->x509_certs_parsed > RD_T124_MAX_CERTS ||
        sd->channel_ids_parsed > RD_T124_MAX_CHANNELS || sd->skipped.count > RD_T124_MAX_SKIPPED) {
        fz_fail("t124 server: list count past its array");
    }
    for (size_t i = 0; i < sd->x509_certs_parsed; i++) {
        fz_view_in(sd->x509_certs[i], data, size);
    }
    fz_name(rd_t124_encryption_level_name(sd->encryption_level));
    fz_name(rd_t124_encryption_method_name(sd->encryption_method));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct rd_cur in = fz_cur(data, size);
    struct rd_t124_client_data cd;
    struct rd_t124_server_data sd;
    struct rd_diag d = {0};
    enum rd_status st;

    st = rd_t124_parse_create_request(in, &cd, &d);
    fz_status(st, &d, size);
    if (st == RD_OK) {
        client(&cd, data, size);
    }
    d = (struct rd_diag){0};
    st = rd_t124_parse_client_blocks(in, &cd, &d);
    fz_status(st, &d, size);
    if (st == RD_OK) {
        client(&cd, data, size);
    }
    d = (struct rd_diag){0};
    st = rd_t124_parse_create_response(in, &sd, &d);
    fz_status(st, &d, size);
    if (st == RD_OK) {
        server(&sd, data, size);
    }
    d = (struct rd_diag){0};
    st = rd_t124_parse_server_blocks(in, &sd, &d);
    fz_status(st, &d, size);
    if (st == RD_OK) {
        server(&sd, data, size);
    }
    return 0;
}

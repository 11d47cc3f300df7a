/*
 * explain.c - --explain CODE: what a Windows Remote Desktop client error code
 * means (IMsTscAxEvents::OnDisconnected, ExtendedDisconnectReasonCode) and
 * which causes of the verdict vocabulary produce it.
 */
#include "config.h"

#include "explain.h"

#include <string.h>
#include <strings.h>

#include "cli.h"
#include "diagnose.h"
#include "textfmt.h"

/* Windows client disconnect reasons (IMsTscAxEvents::OnDisconnected) and
 * extended reasons (ExtendedDisconnectReasonCode) that RDP failures produce. */
struct code_text {
    const char *code;
    const char *meaning;
};

static const struct code_text client_codes[] = {
    {"0x3", "disconnectReasonByServer: the server ended the session (not an error by itself)"},
    {"0x104", "DNS name lookup failed: the client never connected"},
    {"0x108",
     "disconnectReasonConnectionTimedOut: the connection attempt or the handshake timed out"},
    {"0x204",
     "socket connect failed: the TCP connection could not be opened (no answer, or refused)"},
    {"0x208", "host not found"},
    {"0x406", "invalid security data from the server"},
    {"0x704", "a timeout occurred during the connection sequence"},
    {"0x904",
     "disconnectReasonAtClientWinsockFDCLOSE: the client's socket was closed under it by the "
     "far side or by something in between; the extended code says more"},
    {"0x906", "internal security error (TLS/CredSSP on the client)"},
    {"0xb06", "encryption error (standard RDP security)"},
    {"0xc06", "decryption error (standard RDP security)"},
    {"0x7", "exDiscReasonServerDeniedConnection: the server (or something pretending to be it) "
            "refused the connection, without saying why"},
    {"certificate prompt", "no error code: the client showed a certificate warning"},
};

static void explain_code(const char *code, FILE *out)
{
    char first[32];
    const char *slash = strchr(code, '/');
    size_t n = slash != NULL ? (size_t)(slash - code) : strlen(code);

    rd_format(first, sizeof(first), "%.*s", (int)(n < sizeof(first) ? n : sizeof(first) - 1), code);
    for (size_t i = 0; i < sizeof(client_codes) / sizeof(client_codes[0]); i++) {
        if (strcasecmp(client_codes[i].code, first) == 0) {
            rd_fprintf(out, "  %s: %s\n", client_codes[i].code, client_codes[i].meaning);
        }
        if (slash != NULL && strcasecmp(client_codes[i].code, slash + 1) == 0) {
            rd_fprintf(out, "  extended %s: %s\n", client_codes[i].code, client_codes[i].meaning);
        }
    }
}

int rd_explain(const char *code, FILE *out)
{
    bool any = false;

    rd_fprintf(out, "Client error %s\n", code);
    explain_code(code, out);
    for (unsigned c = 0; c < RD_CAUSE_COUNT; c++) {
        const struct rd_cause_info *ci = rd_cause_info((enum rd_cause)c);
        if (ci->client_error[0] == '\0' || strcasecmp(ci->client_error, code) != 0) {
            continue;
        }
        if (!any) {
            rd_fprintf(out, "\nCauses that produce it, and how a capture tells them apart\n"
                            "(rdpdiag -r capture.pcap names the one that applies):\n");
        }
        any = true;
        rd_fprintf(out, "\n  %s (%s)\n    on the wire: %s\n    fix first:   %s\n",
                   rd_cause_name(ci->cause), ci->summary, ci->signature,
                   ci->remedies[0] != NULL ? ci->remedies[0] : "-");
    }
    if (!any) {
        rd_fprintf(out, "No cause in rdpdiag's vocabulary is known to produce this code.\n"
                        "Known codes: 0x904/0x7, 0x204, 0x108, certificate prompt.\n");
        return RD_EXIT_USAGE;
    }
    return RD_EXIT_OK;
}

/* verdict.c - names of the verdict vocabulary (DESIGN.md "The verdict"). */
#include "config.h"

#include "verdict.h"

#include <string.h>

static const char *const phase_names[RD_PHASE_COUNT] = {
    "tcp", "x224", "tls", "credssp", "early_user_auth", "mcs", "active",
};

static const char *const outcome_names[RD_OUTCOME_COUNT] = {"ok", "failed", "incomplete"};

static const char *const closer_names[RD_CLOSED_COUNT] = {
    "client", "server", "middlebox", "timeout", "capture_end",
};

static const char *const close_kind_names[RD_CLOSE_COUNT] = {"none", "fin", "rst"};

static const char *const cause_names[RD_CAUSE_COUNT] = {
    "none",
    "tcp_no_response",
    "tcp_refused",
    "x224_no_response",
    "not_rdp",
    "neg_failure",
    "security_mismatch",
    "tls_version_mismatch",
    "tls_handshake_failure",
    "tls_server_abort",
    "cert_rejected",
    "credssp_failure",
    "access_denied",
    "middlebox_reset",
    "network_timeout",
    "path_mtu_blackhole",
    "idle_timeout",
    "server_disconnect",
    "client_disconnect",
    "unknown",
};

static const char *name_of(const char *const *table, unsigned count, unsigned v)
{
    return v < count ? table[v] : "invalid";
}

int rd_vocab_value(enum rd_vocab v, const char *name)
{
    static const struct {
        const char *const *names;
        unsigned count;
    } vocab[] = {
        [RD_VOCAB_PHASE] = {phase_names, RD_PHASE_COUNT},
        [RD_VOCAB_OUTCOME] = {outcome_names, RD_OUTCOME_COUNT},
        [RD_VOCAB_CLOSER] = {closer_names, RD_CLOSED_COUNT},
        [RD_VOCAB_CLOSE] = {close_kind_names, RD_CLOSE_COUNT},
        [RD_VOCAB_CAUSE] = {cause_names, RD_CAUSE_COUNT},
    };

    if ((unsigned)v >= sizeof(vocab) / sizeof(vocab[0])) {
        return -1;
    }
    for (unsigned i = 0; i < vocab[v].count; i++) {
        if (strcmp(vocab[v].names[i], name) == 0) {
            return (int)i;
        }
    }
    return -1;
}

const char *rd_phase_name(enum rd_phase p)
{
    return name_of(phase_names, RD_PHASE_COUNT, (unsigned)p);
}

const char *rd_outcome_name(enum rd_outcome o)
{
    return name_of(outcome_names, RD_OUTCOME_COUNT, (unsigned)o);
}

const char *rd_closer_name(enum rd_closer c)
{
    return name_of(closer_names, RD_CLOSED_COUNT, (unsigned)c);
}

const char *rd_close_kind_name(enum rd_close_kind k)
{
    return name_of(close_kind_names, RD_CLOSE_COUNT, (unsigned)k);
}

const char *rd_cause_name(enum rd_cause c)
{
    return name_of(cause_names, RD_CAUSE_COUNT, (unsigned)c);
}

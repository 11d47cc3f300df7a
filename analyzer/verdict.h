/*
 * verdict.h - the verdict vocabulary of DESIGN.md as C enums, with their
 * stable names (the JSON and expected-file spelling).
 */
#ifndef RD_VERDICT_H
#define RD_VERDICT_H

#include <stdbool.h>
#include <stdint.h>

enum rd_phase {
    RD_PHASE_TCP = 0,
    RD_PHASE_X224,
    RD_PHASE_TLS,
    RD_PHASE_CREDSSP,
    RD_PHASE_EARLY_USER_AUTH,
    RD_PHASE_MCS,
    RD_PHASE_ACTIVE,
    RD_PHASE_COUNT
};

enum rd_outcome { RD_OUTCOME_OK = 0, RD_OUTCOME_FAILED, RD_OUTCOME_INCOMPLETE, RD_OUTCOME_COUNT };

enum rd_closer {
    RD_CLOSED_CLIENT = 0,
    RD_CLOSED_SERVER,
    RD_CLOSED_MIDDLEBOX,
    RD_CLOSED_TIMEOUT,
    RD_CLOSED_CAPTURE_END,
    RD_CLOSED_COUNT
};

enum rd_close_kind { RD_CLOSE_NONE = 0, RD_CLOSE_FIN, RD_CLOSE_RST, RD_CLOSE_COUNT };

enum rd_cause {
    RD_CAUSE_NONE = 0,
    RD_CAUSE_TCP_NO_RESPONSE,
    RD_CAUSE_TCP_REFUSED,
    RD_CAUSE_X224_NO_RESPONSE,
    RD_CAUSE_NOT_RDP,
    RD_CAUSE_NEG_FAILURE,
    RD_CAUSE_SECURITY_MISMATCH,
    RD_CAUSE_TLS_VERSION_MISMATCH,
    RD_CAUSE_TLS_HANDSHAKE_FAILURE,
    RD_CAUSE_TLS_SERVER_ABORT,
    RD_CAUSE_CERT_REJECTED,
    RD_CAUSE_CREDSSP_FAILURE,
    RD_CAUSE_ACCESS_DENIED,
    RD_CAUSE_MIDDLEBOX_RESET,
    RD_CAUSE_NETWORK_TIMEOUT,
    RD_CAUSE_PATH_MTU_BLACKHOLE,
    RD_CAUSE_IDLE_TIMEOUT,
    RD_CAUSE_SERVER_DISCONNECT,
    RD_CAUSE_CLIENT_DISCONNECT,
    RD_CAUSE_UNKNOWN,
    RD_CAUSE_COUNT
};

const char *rd_phase_name(enum rd_phase p);
const char *rd_outcome_name(enum rd_outcome o);
const char *rd_closer_name(enum rd_closer c);
const char *rd_close_kind_name(enum rd_close_kind k);
const char *rd_cause_name(enum rd_cause c);

/* The vocabularies, for looking a name up (expected-verdict files). */
enum rd_vocab {
    RD_VOCAB_PHASE = 0,
    RD_VOCAB_OUTCOME,
    RD_VOCAB_CLOSER,
    RD_VOCAB_CLOSE,
    RD_VOCAB_CAUSE
};

/* The value of name in vocabulary v, or -1 when the name is not in it. */
int rd_vocab_value(enum rd_vocab v, const char *name);

#endif

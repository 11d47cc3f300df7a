/*
 * session.h - the RDP state machine of one connection (DESIGN.md "session").
 *
 * The TCP layer hands each direction's ordered bytes to rd_session_data.  The
 * session buffers them (at most RD_SESSION_BUF per direction) while the
 * handshake phases last, frames PDUs for the current phase, hands them to the
 * dissectors, and keeps what it learns as facts and timeline events.  From the
 * active phase on it keeps only counters.
 */
#ifndef RD_SESSION_H
#define RD_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conn.h"

struct rd_tlsdec; /* tlsdec.h */

/* How the server's (or client's) first bytes looked when they were not TPKT. */
enum rd_first_bytes {
    RD_FIRST_NONE = 0,
    RD_FIRST_TPKT,
    RD_FIRST_TLS,
    RD_FIRST_HTTP,
    RD_FIRST_SSH,
    RD_FIRST_TEXT,
    RD_FIRST_BINARY
};

enum rd_cc_kind { RD_CC_LEGACY = 0, RD_CC_RSP, RD_CC_FAILURE };

struct rd_x224_facts {
    bool cr_seen;
    bool cr_malformed;
    uint64_t cr_frame;
    int64_t cr_ts;
    bool has_neg_req;
    uint32_t requested; /* requestedProtocols */
    uint8_t req_flags;
    bool has_cookie;
    char cookie[64];
    bool has_routing_token;
    bool has_correlation;
    char correlation[40];

    bool cc_seen;
    bool cc_malformed;
    uint64_t cc_frame;
    int64_t cc_ts;
    enum rd_cc_kind cc_kind;
    uint32_t selected;
    uint8_t rsp_flags;
    uint32_t failure_code;

    bool dr_seen;
    uint64_t dr_frame;
    int64_t dr_ts;
    uint8_t dr_dir;
    uint8_t dr_reason;
};

/* Standard RDP security and MCS, as far as they are visible. */
struct rd_mcs_facts {
    bool ci_seen; /* Connect-Initial */
    uint64_t ci_frame;
    bool cr_seen; /* Connect-Response */
    uint64_t cr_frame;
    uint32_t cr_result;
    bool has_client_core;
    char client_name[32];
    uint32_t client_build;
    uint16_t desktop_w, desktop_h;
    uint32_t keyboard_layout;
    uint32_t client_enc_methods;
    uint32_t channels;
    bool has_server_security;
    uint32_t enc_method, enc_level;
    uint32_t server_cert_kind; /* 1 proprietary, 2 X.509 chain, 0 none */
    uint32_t server_cert_count;
    bool sec_exchange;
    uint64_t sec_exchange_frame;
    uint32_t encrypted[2]; /* standard-security encrypted PDUs per direction */
    uint64_t first_encrypted_frame[2];
    int64_t first_encrypted_ts[2];
    uint32_t fastpath[2];
    uint64_t first_fastpath_frame[2];
    int64_t first_fastpath_ts[2];
    uint32_t domain_pdus[2];
    uint64_t domain_seen[2]; /* domain PDU types already on the timeline */
    bool ultimatum;
    uint64_t ultimatum_frame;
    int64_t ultimatum_ts;
    uint8_t ultimatum_dir;
    uint8_t ultimatum_reason;
};

#define RD_TLS_KEEP_SUITES 48

struct rd_tls_facts {
    bool ch_seen;
    uint64_t ch_frame;
    int64_t ch_ts;
    bool sslv2;
    uint16_t ch_legacy_version;
    uint16_t max_offered, min_offered; /* versions the client offered */
    uint16_t suites[RD_TLS_KEEP_SUITES];
    unsigned n_suites, suites_total;
    char sni[128];
    bool ems;
    uint8_t client_random[32];

    bool sh_seen;
    uint64_t sh_frame;
    int64_t sh_ts;
    bool hrr;
    uint16_t version; /* negotiated */
    uint16_t cipher;
    uint8_t server_random[32];

    bool cert_seen;
    uint64_t cert_frame;
    int64_t cert_ts;
    unsigned n_certs;
    bool cert_parsed;
    bool cert_encrypted; /* TLS 1.3: the certificate travels encrypted */
    char cert_error[96];
    void *leaf; /* struct rd_x509_facts, allocated when a certificate is parsed */
    bool expired, not_yet_valid, expiring_soon, weak_key, weak_sig;
    int name_match; /* enum rd_x509_tri */

    bool shd_seen; /* ServerHelloDone: the server's first flight is complete */
    uint64_t shd_frame;
    bool cke_seen;
    bool ccs[2];
    uint64_t ccs_frame[2];
    bool finished[2];
    uint64_t finished_frame[2];
    bool done;
    uint64_t done_frame;
    int64_t done_ts;

    bool alert_seen; /* the first alert */
    bool alert_encrypted;
    uint64_t alert_frame;
    int64_t alert_ts;
    uint8_t alert_dir, alert_level, alert_desc;

    uint32_t records[2];
    uint32_t app_records[2];
    uint64_t app_bytes[2];
    uint32_t malformed;
};

enum rd_leg {
    RD_LEG_NEGOTIATE = 0, /* client: first SPNEGO/NTLM token */
    RD_LEG_CHALLENGE,     /* server: NTLM CHALLENGE / Kerberos AP-REP */
    RD_LEG_AUTHENTICATE,  /* client: NTLM AUTHENTICATE / pubKeyAuth */
    RD_LEG_SERVER_PUBKEY, /* server: pubKeyAuth (or an errorCode) */
    RD_LEG_CREDENTIALS,   /* client: authInfo */
    RD_LEG_EARLY_AUTH,    /* server: Early User Authorization Result (HYBRID_EX) */
    RD_LEG_COUNT
};

#define RD_CREDSSP_LEGS 12

struct rd_credssp_leg {
    uint64_t frame;
    int64_t ts;
    uint8_t dir;
    uint8_t leg; /* enum rd_leg */
    uint32_t bytes;
    uint16_t records;
};

enum rd_auth_pkg { RD_PKG_UNKNOWN = 0, RD_PKG_NTLM, RD_PKG_KERBEROS };

struct rd_credssp_facts {
    bool started;
    unsigned turn; /* turns (runs of records in one direction) seen */
    uint8_t last_dir;
    struct rd_credssp_leg legs[RD_CREDSSP_LEGS];
    unsigned n_legs;
    bool reached[RD_LEG_COUNT];
    unsigned last_leg; /* enum rd_leg of the last leg seen */
    enum rd_auth_pkg pkg;
    bool done; /* the credentials went out (and, HYBRID_EX, the result came) */
    uint32_t first_client_bytes;
};

/* ---- decoded with TLS keys (session_nla.c) -------------------------------- */

/* What a TSRequest's first negoToken is (MS-CSSP 2.2.1; RFC 4178; MS-NLMP 2.2.1). */
enum rd_nego_kind {
    RD_NEGO_NONE = 0,
    RD_NEGO_SPNEGO_INIT,    /* NegTokenInit without a recognised inner token */
    RD_NEGO_SPNEGO_RESP,    /* NegTokenResp without a recognised inner token */
    RD_NEGO_NTLM_NEGOTIATE, /* raw or inside SPNEGO */
    RD_NEGO_NTLM_CHALLENGE,
    RD_NEGO_NTLM_AUTHENTICATE,
    RD_NEGO_KRB_AP_REQ,
    RD_NEGO_KRB_AP_REP,
    RD_NEGO_KRB_ERROR,
    RD_NEGO_OTHER,
    RD_NEGO_KRB_TGT_REQ, /* user-to-user TGT request/reply (MS-KILE 2.2.2, 2.2.3) */
    RD_NEGO_KRB_TGT_REP
};

#define RD_NLA_TSREQ_MAX 12
#define RD_NLA_NAME      64

/* One decrypted TSRequest.  Never the contents of authInfo, pubKeyAuth or a response. */
struct rd_tsreq_facts {
    uint64_t frame;
    int64_t ts;
    uint8_t dir;
    uint8_t nego;        /* enum rd_nego_kind */
    bool spnego;         /* the token was wrapped in SPNEGO */
    uint8_t spnego_kind; /* enum rd_spnego_kind */
    uint32_t version;
    bool has_neg_state;
    uint32_t neg_state; /* RFC 4178 negState */
    bool has_pub_key_auth;
    bool has_auth_info;
    uint32_t auth_info_len;
    bool has_error_code;
    uint32_t error_code;
    bool has_client_nonce;
};

struct rd_dec_facts {
    bool tried;      /* keys were there: a decryptor was created */
    bool failed;     /* setup or the first protected record failed (one note) */
    bool decrypting; /* at least one protected record decrypted */
    char key_source[16];
    uint32_t records_decrypted[2];
    bool etm_offered; /* ClientHello carried encrypt_then_mac */
    bool setup_done;

    struct rd_tsreq_facts req[RD_NLA_TSREQ_MAX];
    unsigned n_req, req_dropped;
    bool pkg_known; /* credssp.pkg was read from the tokens, not inferred */
    uint32_t version_client, version_server;

    /* NTLM (MS-NLMP 2.2.1.2, 2.2.1.3); names as printable ASCII */
    bool has_ntlm_challenge;
    char nb_computer[RD_NLA_NAME], nb_domain[RD_NLA_NAME];
    char dns_computer[RD_NLA_NAME * 2], dns_domain[RD_NLA_NAME * 2];
    bool has_server_time;
    int64_t server_time; /* Unix seconds, MsvAvTimestamp */
    bool has_ntlm_auth;
    char ntlm_domain[RD_NLA_NAME], ntlm_user[RD_NLA_NAME], ntlm_workstation[RD_NLA_NAME];
    uint32_t lm_response_len, nt_response_len; /* lengths only */
    bool ntlmv2, ntlm_anonymous;

    /* Kerberos inside SPNEGO (RFC 4120 5.5, 5.9.1) */
    bool has_krb;
    char krb_realm[RD_NLA_NAME * 2], krb_sname[RD_NLA_NAME * 2];
    bool has_krb_error;
    int32_t krb_error;
    uint64_t krb_error_frame;
    int64_t krb_error_ts;

    /* the server's errorCode (MS-CSSP 2.2.1, version 3 and later) */
    bool has_error;
    uint32_t error_code;
    uint64_t error_frame;
    int64_t error_ts;
    uint8_t error_dir;

    /* Early User Authorization Result (MS-RDPBCGR 2.2.10.2) */
    bool has_early_auth;
    uint32_t early_auth;
    uint64_t early_auth_frame;
    int64_t early_auth_ts;

    /* MCS and the RDP connection sequence inside TLS */
    uint32_t tpkts[2];
    bool has_client_info;
    uint64_t client_info_frame;
    char info_user[RD_NLA_NAME], info_domain[RD_NLA_NAME];
    uint16_t info_password_len; /* the length only */
    bool license_done;
    bool has_license_error;
    uint32_t license_error, license_state;
    uint64_t license_frame;
    int64_t license_ts;
    bool has_error_info;
    uint32_t error_info;
    uint64_t error_info_frame;
    int64_t error_info_ts;
    bool demand_active;
    uint64_t demand_active_frame;
    uint16_t io_channel; /* MCS I/O channel from the server network data, 0 unknown */
    bool pt_desync[2];   /* the decrypted stream of this direction stopped being framed */
    bool pt_overflow[2];
};

/* Plaintext of one direction after TLS decryption (RD_SESSION_BUF bytes at most). */
struct rd_dec_stream {
    uint8_t *buf;
    size_t len;
};

struct rd_session_dir {
    /* What every segment updates, first. */
    uint64_t bytes; /* bytes delivered in order */
    uint64_t last_frame;
    int64_t last_ts;
    bool desync;   /* a gap or malformed framing: this direction stopped parsing */
    bool overflow; /* a PDU larger than the buffer: this direction stopped parsing */
    bool tls;      /* this direction carries TLS records */
    uint8_t *buf;  /* cap bytes (at most RD_SESSION_BUF) while a PDU is incomplete */
    size_t len, cap;
    uint8_t *hs; /* TLS handshake messages spanning records */
    size_t hs_len;
    uint64_t pdus; /* PDUs framed */
    uint64_t first_frame;
    int64_t first_ts;
    enum rd_first_bytes first;
    char first_text[48]; /* printable start of the first bytes */
};

struct rd_session {
    enum rd_phase phase;
    bool counting_only; /* active: buffers released, counters only */
    bool released;      /* counting only, and the buffers are freed */
    struct rd_session_dir dir[2];
    struct rd_x224_facts x224;
    struct rd_mcs_facts mcs;
    struct rd_tls_facts tls;
    struct rd_credssp_facts credssp;
    bool nla;            /* HYBRID or HYBRID_EX selected */
    bool not_rdp;        /* the server's first bytes were not TPKT */
    bool client_not_rdp; /* seen from its SYN, the client opened with neither TPKT nor TLS */
    uint64_t not_rdp_frame;
    uint32_t malformed; /* PDUs that did not parse */
    uint64_t first_malformed_frame;
    char first_malformed[RD_EVENT_TEXT];
    uint64_t active_frame;    /* first frame of the active phase */
    bool active_inferred;     /* reached from encrypted traffic volume, not seen */
    uint32_t post_records[2]; /* encrypted records after the security phases */
    struct rd_tlsdec *tlsdec; /* TLS decryptor (keys given), NULL otherwise */
    struct rd_dec_facts dec;  /* what decryption showed */
    struct rd_dec_stream pt[2];
};

struct rd_session *rd_session_new(void);
void rd_session_free(struct rd_session *s);

/* In-order bytes of one direction (data == NULL: a gap of len bytes the capture
 * missed), from the frame p.  May add timeline events and change the phase. */
void rd_session_data(struct rd_conn *c, enum rd_dir dir, const struct rd_packet *p,
                     const uint8_t *data, size_t len);

/* The connection ended: release buffers (facts stay). */
void rd_session_finish(struct rd_conn *c);

const char *rd_first_bytes_name(enum rd_first_bytes f);
/* "negotiate token", "server challenge", ... (enum rd_leg). */
const char *rd_leg_name(unsigned leg);
/* "NTLM NEGOTIATE", "Kerberos AP-REQ", ... (enum rd_nego_kind). */
const char *rd_nego_kind_name(unsigned kind);
/* "AUTHZ_SUCCESS", "AUTHZ_ACCESS_DENIED" or "unknown" (MS-RDPBCGR 2.2.10.2). */
const char *rd_early_auth_name(uint32_t result);

#endif

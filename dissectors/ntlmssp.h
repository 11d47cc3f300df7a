/*
 * ntlmssp.h - NTLM authentication messages (MS-NLMP 2.2.1): NEGOTIATE,
 * CHALLENGE, AUTHENTICATE.
 *
 * We report who is authenticating and how, never secrets: the AUTHENTICATE
 * result holds only the LENGTHS of LmChallengeResponse, NtChallengeResponse and
 * EncryptedRandomSessionKey and whether a MIC is present, never views of them,
 * and the CHALLENGE result says only that a server challenge is present.
 * Views point into the parsed buffer and live as long as it.
 */
#ifndef RD_NTLMSSP_H
#define RD_NTLMSSP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cursor.h"

#ifndef RD_TESTABLE
#ifdef RD_UNIT_TEST
#define RD_TESTABLE
#else
#define RD_TESTABLE static
#endif
#endif

#define RD_NTLMSSP_NEGOTIATE    1u
#define RD_NTLMSSP_CHALLENGE    2u
#define RD_NTLMSSP_AUTHENTICATE 3u

/* NegotiateFlags bits we use (MS-NLMP 2.2.2.5). */
#define RD_NTLMSSP_NEGOTIATE_UNICODE             0x00000001u
#define RD_NTLMSSP_NEGOTIATE_OEM                 0x00000002u
#define RD_NTLMSSP_NEGOTIATE_OEM_DOMAIN_SUPPLIED 0x00001000u
#define RD_NTLMSSP_NEGOTIATE_OEM_WORKST_SUPPLIED 0x00002000u
#define RD_NTLMSSP_NEGOTIATE_ANONYMOUS           0x00000800u
#define RD_NTLMSSP_NEGOTIATE_TARGET_INFO         0x00800000u
#define RD_NTLMSSP_NEGOTIATE_VERSION             0x02000000u

/* The 8-byte VERSION structure (MS-NLMP 2.2.2.10): the peer's Windows build. */
struct rd_ntlmssp_version {
    bool present; /* NTLMSSP_NEGOTIATE_VERSION was set */
    uint8_t major;
    uint8_t minor;
    uint16_t build;
    uint8_t ntlm_revision; /* 15 = NTLMSSP_REVISION_W2K3 */
};

struct rd_ntlmssp_negotiate {
    uint32_t flags;
    struct rd_bytes domain;      /* OEM; empty unless OEM_DOMAIN_SUPPLIED */
    struct rd_bytes workstation; /* OEM; empty unless OEM_WORKSTATION_SUPPLIED */
    struct rd_ntlmssp_version version;
};

struct rd_ntlmssp_challenge {
    uint32_t flags;
    bool unicode;                /* strings are UTF-16LE (NEGOTIATE_UNICODE) */
    struct rd_bytes target_name; /* server's domain or computer name */
    bool has_server_challenge;   /* always true once parsed; the value is not kept */
    /* TargetInfo AV pairs (MS-NLMP 2.2.2.1); UTF-16LE views, empty when absent. */
    struct rd_bytes nb_computer_name;  /* MsvAvNbComputerName (1) */
    struct rd_bytes nb_domain_name;    /* MsvAvNbDomainName (2) */
    struct rd_bytes dns_computer_name; /* MsvAvDnsComputerName (3) */
    struct rd_bytes dns_domain_name;   /* MsvAvDnsDomainName (4) */
    struct rd_bytes dns_tree_name;     /* MsvAvDnsTreeName (5) */
    bool has_av_flags;                 /* MsvAvFlags (6) */
    uint32_t av_flags;
    bool has_timestamp; /* MsvAvTimestamp (7), FILETIME converted */
    int64_t timestamp;  /* seconds since 1970-01-01 UTC */
    size_t av_count;    /* pairs before MsvAvEOL */
    bool av_duplicate;  /* an AvId appeared twice (MS-NLMP 2.2.2.1 allows one each) */
    struct rd_ntlmssp_version version;
};

struct rd_ntlmssp_authenticate {
    uint32_t flags;
    bool unicode;
    struct rd_bytes domain; /* views of the names (UTF-16LE if unicode, else OEM) */
    struct rd_bytes user;
    struct rd_bytes workstation;
    size_t lm_response_len; /* lengths only: the responses themselves are secrets */
    size_t nt_response_len;
    size_t session_key_len;
    bool is_ntlmv2;    /* NtChallengeResponse longer than the 24 bytes of NTLMv1 */
    bool is_anonymous; /* empty user name and empty NtChallengeResponse (MS-NLMP 3.3.1) */
    bool has_mic;      /* the 16-byte MIC field lies between the header and the payload */
    struct rd_ntlmssp_version version;
};

/* Any of the three, by MessageType. */
struct rd_ntlmssp_msg {
    uint32_t type;
    struct rd_ntlmssp_negotiate negotiate;
    struct rd_ntlmssp_challenge challenge;
    struct rd_ntlmssp_authenticate authenticate;
};

/* True if the bytes start with the "NTLMSSP\0" signature. */
bool rd_ntlmssp_is_ntlmssp(struct rd_cur in);

/*
 * Parse one NTLMSSP message occupying in exactly (the payload area may hold
 * bytes no security buffer points at; those are allowed, MS-NLMP 2.2.1).  A
 * security buffer whose offset/length reach outside the message, or an offset
 * pointing into the fixed header, is RD_MALFORMED.  An unknown MessageType is
 * RD_MALFORMED with RD_WHY_UNSUPPORTED.
 */
enum rd_status rd_ntlmssp_parse(struct rd_cur in, struct rd_ntlmssp_msg *out, struct rd_diag *diag);
enum rd_status rd_ntlmssp_parse_negotiate(struct rd_cur in, struct rd_ntlmssp_negotiate *out,
                                          struct rd_diag *diag);
enum rd_status rd_ntlmssp_parse_challenge(struct rd_cur in, struct rd_ntlmssp_challenge *out,
                                          struct rd_diag *diag);
enum rd_status rd_ntlmssp_parse_authenticate(struct rd_cur in, struct rd_ntlmssp_authenticate *out,
                                             struct rd_diag *diag);

/*
 * A name for display: UTF-16LE (unicode) or OEM bytes to printable ASCII, every
 * other character (and each surrogate pair, and an odd final byte) as '?'.
 * Always NUL-terminates dst when dstsize > 0; *truncated says whether the name
 * did not fit.  Returns the number of characters written (without the NUL).
 */
size_t rd_ntlmssp_to_ascii(struct rd_bytes s, bool unicode, char *dst, size_t dstsize,
                           bool *truncated);

/* "NEGOTIATE", "CHALLENGE", "AUTHENTICATE" or "unknown". */
const char *rd_ntlmssp_type_name(uint32_t type);

#ifdef RD_UNIT_TEST
/* Security buffer helper (MS-NLMP 2.2.1): Len, MaxLen, BufferOffset, checked
 * against msg; header_end is where the payload may start. */
enum rd_status rd_ntlmssp_secbuf(struct rd_cur *c, const struct rd_cur *msg, size_t header_end,
                                 struct rd_cur *field, struct rd_diag *diag, const char *name);
/* FILETIME (100 ns since 1601) to Unix seconds. */
int64_t rd_ntlmssp_filetime_to_unix(uint64_t ft);
#endif

#endif

/*
 * ntlmssp.c - NTLM authentication messages (MS-NLMP).
 *
 * References: MS-NLMP 2.2.1.1 (NEGOTIATE_MESSAGE), 2.2.1.2 (CHALLENGE_MESSAGE),
 * 2.2.1.3 (AUTHENTICATE_MESSAGE), 2.2.2.1 (AV_PAIR), 2.2.2.5 (NegotiateFlags),
 * 2.2.2.10 (VERSION), 3.3.1/3.3.2 (NTLMv1 24-byte vs NTLMv2 responses,
 * anonymous authentication).
 *
 * Every variable-length field is a security buffer {Len, MaxLen, BufferOffset}
 * relative to the start of the message.  Each one is carved with rd_cur_slice
 * against the whole message, so an offset or length outside it is refused
 * before any pointer is formed; an offset into the fixed header is refused too
 * (the payload follows the header, MS-NLMP 2.2.1).  Secrets (responses, session
 * key, MIC, server challenge) are skipped by length and never exposed.
 */
#include "config.h"

#include "ntlmssp.h"

#include <string.h>

static const uint8_t signature[8] = {'N', 'T', 'L', 'M', 'S', 'S', 'P', 0};

/* Fixed header sizes without the optional VERSION (and, for AUTHENTICATE, MIC). */
#define NEGOTIATE_FIXED    32u /* sig 8, type 4, flags 4, domain 8, workstation 8 */
#define CHALLENGE_FIXED    48u /* sig, type, target 8, flags, challenge 8, reserved 8, info 8 */
#define AUTHENTICATE_FIXED 64u /* sig, type, 6 security buffers, flags */
#define VERSION_LEN        8u
#define MIC_LEN            16u
#define NTLMV1_RESPONSE    24u

/* AV_PAIR AvIds (MS-NLMP 2.2.2.1). */
enum av_id {
    AV_EOL = 0,
    AV_NB_COMPUTER = 1,
    AV_NB_DOMAIN = 2,
    AV_DNS_COMPUTER = 3,
    AV_DNS_DOMAIN = 4,
    AV_DNS_TREE = 5,
    AV_FLAGS = 6,
    AV_TIMESTAMP = 7,
    AV_MAX_KNOWN = 10 /* MsvAvChannelBindings; ids above are skipped */
};

/* Seconds from 1601-01-01 to 1970-01-01. */
#define FILETIME_UNIX_DIFF 11644473600LL
#define FILETIME_PER_SEC   10000000u

static struct rd_bytes view(const struct rd_cur *c)
{
    return rd_cur_rest(c);
}

/* A little-endian 16-bit length, then exactly that many bytes (AV_PAIR). */
static bool prefixed_u16le(struct rd_cur *c, struct rd_cur *child)
{
    struct rd_cur t = *c;
    uint16_t n;

    if (!rd_cur_u16le(&t, &n) || !rd_cur_take(&t, n, child)) {
        return false;
    }
    *c = t;
    return true;
}

RD_TESTABLE enum rd_status rd_ntlmssp_secbuf(struct rd_cur *c, const struct rd_cur *msg,
                                             size_t header_end, struct rd_cur *field,
                                             struct rd_diag *diag, const char *name)
{
    struct rd_cur t = *c;
    uint16_t len;
    uint16_t maxlen;
    uint32_t off;

    if (!rd_cur_u16le(&t, &len) || !rd_cur_u16le(&t, &maxlen) || !rd_cur_u32le(&t, &off)) {
        return rd_fail(diag, RD_WHY_SHORT, c, name);
    }
    if (len == 0) {
        /* MS-NLMP 2.2.1: an empty field's offset carries no meaning; do not judge it. */
        field->p = msg->p;
        field->len = 0;
        field->off = msg->off;
        *c = t;
        return RD_OK;
    }
    if (off < header_end) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, c, name);
    }
    if (!rd_cur_slice(msg, off, len, field)) {
        return rd_fail(diag, RD_WHY_OVERRUN, c, name);
    }
    *c = t;
    return RD_OK;
}

RD_TESTABLE int64_t rd_ntlmssp_filetime_to_unix(uint64_t ft)
{
    return (int64_t)(ft / FILETIME_PER_SEC) - FILETIME_UNIX_DIFF;
}

static enum rd_status read_version(struct rd_cur *c, struct rd_ntlmssp_version *v,
                                   struct rd_diag *diag)
{
    uint8_t reserved[3];

    /* MS-NLMP 2.2.2.10: major, minor, build (LE), 3 reserved, NTLM revision. */
    if (!rd_cur_u8(c, &v->major) || !rd_cur_u8(c, &v->minor) || !rd_cur_u16le(c, &v->build) ||
        !rd_cur_copy(c, sizeof reserved, reserved, sizeof reserved) ||
        !rd_cur_u8(c, &v->ntlm_revision)) {
        return rd_fail(diag, RD_WHY_SHORT, c, "ntlmssp.version");
    }
    v->present = true;
    return RD_OK;
}

/* Signature and MessageType; c is left after them. */
static enum rd_status header(struct rd_cur *c, uint32_t want, struct rd_diag *diag)
{
    uint32_t type;

    if (!rd_cur_expect(c, signature, sizeof signature)) {
        return rd_fail(diag, c->len < sizeof signature ? RD_WHY_SHORT : RD_WHY_BAD_VALUE, c,
                       "ntlmssp.signature");
    }
    if (!rd_cur_u32le(c, &type)) {
        return rd_fail(diag, RD_WHY_SHORT, c, "ntlmssp.message_type");
    }
    if (type != want) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, c, "ntlmssp.message_type");
    }
    return RD_OK;
}

/*
 * NEGOTIATE_MESSAGE (MS-NLMP 2.2.1.1)
 *   0  Signature "NTLMSSP\0"          8
 *   8  MessageType = 1                4
 *  12  NegotiateFlags                 4
 *  16  DomainNameFields               8  (Len, MaxLen, Offset)
 *  24  WorkstationFields              8
 *  32  Version (if NEGOTIATE_VERSION) 8
 *      Payload
 */
enum rd_status rd_ntlmssp_parse_negotiate(struct rd_cur in, struct rd_ntlmssp_negotiate *out,
                                          struct rd_diag *diag)
{
    struct rd_cur c = in;
    struct rd_cur dom_f;
    struct rd_cur ws_f;
    struct rd_cur dom;
    struct rd_cur ws;
    size_t header_end = NEGOTIATE_FIXED;

    memset(out, 0, sizeof *out);
    if (header(&c, RD_NTLMSSP_NEGOTIATE, diag) != RD_OK) {
        return RD_MALFORMED;
    }
    if (!rd_cur_u32le(&c, &out->flags)) {
        return rd_fail(diag, RD_WHY_SHORT, &c, "ntlmssp.flags");
    }
    if (!rd_cur_take(&c, 8, &dom_f) || !rd_cur_take(&c, 8, &ws_f)) {
        return rd_fail(diag, RD_WHY_SHORT, &c, "ntlmssp.negotiate.fields");
    }
    if ((out->flags & RD_NTLMSSP_NEGOTIATE_VERSION) != 0) {
        if (read_version(&c, &out->version, diag) != RD_OK) {
            return RD_MALFORMED;
        }
        header_end += VERSION_LEN;
    }
    if (rd_ntlmssp_secbuf(&dom_f, &in, header_end, &dom, diag, "ntlmssp.negotiate.domain") !=
            RD_OK ||
        rd_ntlmssp_secbuf(&ws_f, &in, header_end, &ws, diag, "ntlmssp.negotiate.workstation") !=
            RD_OK) {
        return RD_MALFORMED;
    }
    /* MS-NLMP 2.2.1.1: the names count only when their SUPPLIED flag is set. */
    if ((out->flags & RD_NTLMSSP_NEGOTIATE_OEM_DOMAIN_SUPPLIED) != 0) {
        out->domain = view(&dom);
    }
    if ((out->flags & RD_NTLMSSP_NEGOTIATE_OEM_WORKST_SUPPLIED) != 0) {
        out->workstation = view(&ws);
    }
    return RD_OK;
}

/* TargetInfo: AV_PAIRs ending with MsvAvEOL (MS-NLMP 2.2.2.1). */
static enum rd_status target_info(struct rd_cur info, struct rd_ntlmssp_challenge *out,
                                  struct rd_diag *diag)
{
    uint32_t seen = 0;

    for (;;) {
        uint16_t id;
        struct rd_cur val;
        struct rd_cur v;
        struct rd_bytes *slot = NULL;

        if (!rd_cur_u16le(&info, &id) || !prefixed_u16le(&info, &val)) {
            return rd_fail(diag, RD_WHY_OVERRUN, &info, "ntlmssp.target_info");
        }
        if (id == AV_EOL) {
            break;
        }
        out->av_count++;
        if (id <= AV_MAX_KNOWN) {
            uint32_t bit = 1u << id;
            if ((seen & bit) != 0) {
                out->av_duplicate = true;
            }
            seen |= bit;
        }
        switch (id) {
        case AV_NB_COMPUTER:
            slot = &out->nb_computer_name;
            break;
        case AV_NB_DOMAIN:
            slot = &out->nb_domain_name;
            break;
        case AV_DNS_COMPUTER:
            slot = &out->dns_computer_name;
            break;
        case AV_DNS_DOMAIN:
            slot = &out->dns_domain_name;
            break;
        case AV_DNS_TREE:
            slot = &out->dns_tree_name;
            break;
        case AV_FLAGS:
            v = val;
            if (val.len != 4 || !rd_cur_u32le(&v, &out->av_flags)) {
                return rd_fail(diag, RD_WHY_BAD_VALUE, &val, "ntlmssp.target_info.flags");
            }
            out->has_av_flags = true;
            break;
        case AV_TIMESTAMP: {
            uint64_t ft;
            v = val;
            if (val.len != 8 || !rd_cur_u64le(&v, &ft)) {
                return rd_fail(diag, RD_WHY_BAD_VALUE, &val, "ntlmssp.target_info.timestamp");
            }
            out->timestamp = rd_ntlmssp_filetime_to_unix(ft);
            out->has_timestamp = true;
            break;
        }
        default:
            break;
        }
        if (slot != NULL) {
            *slot = view(&val);
        }
    }
    /* MS-NLMP 2.2.2.1: MsvAvEOL ends the list; nothing follows it. */
    if (!rd_cur_is_empty(&info)) {
        return rd_fail(diag, RD_WHY_TRAILING, &info, "ntlmssp.target_info");
    }
    return RD_OK;
}

/*
 * CHALLENGE_MESSAGE (MS-NLMP 2.2.1.2)
 *   0  Signature                      8
 *   8  MessageType = 2                4
 *  12  TargetNameFields               8
 *  20  NegotiateFlags                 4
 *  24  ServerChallenge                8  (presence only)
 *  32  Reserved                       8
 *  40  TargetInfoFields               8
 *  48  Version (if NEGOTIATE_VERSION) 8
 *      Payload
 */
enum rd_status rd_ntlmssp_parse_challenge(struct rd_cur in, struct rd_ntlmssp_challenge *out,
                                          struct rd_diag *diag)
{
    struct rd_cur c = in;
    struct rd_cur name_f;
    struct rd_cur info_f;
    struct rd_cur name;
    struct rd_cur info;
    size_t header_end = CHALLENGE_FIXED;

    memset(out, 0, sizeof *out);
    if (header(&c, RD_NTLMSSP_CHALLENGE, diag) != RD_OK) {
        return RD_MALFORMED;
    }
    if (!rd_cur_take(&c, 8, &name_f) || !rd_cur_u32le(&c, &out->flags) || !rd_cur_skip(&c, 8) ||
        !rd_cur_skip(&c, 8) || !rd_cur_take(&c, 8, &info_f)) {
        return rd_fail(diag, RD_WHY_SHORT, &c, "ntlmssp.challenge.fields");
    }
    out->has_server_challenge = true;
    out->unicode = (out->flags & RD_NTLMSSP_NEGOTIATE_UNICODE) != 0;
    if ((out->flags & RD_NTLMSSP_NEGOTIATE_VERSION) != 0) {
        if (read_version(&c, &out->version, diag) != RD_OK) {
            return RD_MALFORMED;
        }
        header_end += VERSION_LEN;
    }
    if (rd_ntlmssp_secbuf(&name_f, &in, header_end, &name, diag, "ntlmssp.challenge.target_name") !=
            RD_OK ||
        rd_ntlmssp_secbuf(&info_f, &in, header_end, &info, diag, "ntlmssp.challenge.target_info") !=
            RD_OK) {
        return RD_MALFORMED;
    }
    out->target_name = view(&name);
    if (info.len > 0) {
        if (target_info(info, out, diag) != RD_OK) {
            return RD_MALFORMED;
        }
    }
    return RD_OK;
}

/*
 * AUTHENTICATE_MESSAGE (MS-NLMP 2.2.1.3)
 *   0  Signature                        8
 *   8  MessageType = 3                  4
 *  12  LmChallengeResponseFields        8  (length only)
 *  20  NtChallengeResponseFields        8  (length only)
 *  28  DomainNameFields                 8
 *  36  UserNameFields                   8
 *  44  WorkstationFields                8
 *  52  EncryptedRandomSessionKeyFields  8  (length only)
 *  60  NegotiateFlags                   4
 *  64  Version (if NEGOTIATE_VERSION)   8
 *  72  MIC (when the payload starts at or after 88)  16  (presence only)
 *      Payload
 */
enum rd_status rd_ntlmssp_parse_authenticate(struct rd_cur in, struct rd_ntlmssp_authenticate *out,
                                             struct rd_diag *diag)
{
    struct rd_cur c = in;
    struct rd_cur f[6];
    struct rd_cur v[6];
    static const char *const names[6] = {
        "ntlmssp.authenticate.lm_response", "ntlmssp.authenticate.nt_response",
        "ntlmssp.authenticate.domain",      "ntlmssp.authenticate.user",
        "ntlmssp.authenticate.workstation", "ntlmssp.authenticate.session_key",
    };
    size_t header_end = AUTHENTICATE_FIXED;
    size_t first_payload = SIZE_MAX;

    memset(out, 0, sizeof *out);
    if (header(&c, RD_NTLMSSP_AUTHENTICATE, diag) != RD_OK) {
        return RD_MALFORMED;
    }
    for (size_t i = 0; i < 6; i++) {
        if (!rd_cur_take(&c, 8, &f[i])) {
            return rd_fail(diag, RD_WHY_SHORT, &c, names[i]);
        }
    }
    if (!rd_cur_u32le(&c, &out->flags)) {
        return rd_fail(diag, RD_WHY_SHORT, &c, "ntlmssp.flags");
    }
    out->unicode = (out->flags & RD_NTLMSSP_NEGOTIATE_UNICODE) != 0;
    if ((out->flags & RD_NTLMSSP_NEGOTIATE_VERSION) != 0) {
        if (read_version(&c, &out->version, diag) != RD_OK) {
            return RD_MALFORMED;
        }
        header_end += VERSION_LEN;
    }
    for (size_t i = 0; i < 6; i++) {
        uint16_t len;
        uint16_t maxlen;
        uint32_t off;
        struct rd_cur peek = f[i];

        if (rd_ntlmssp_secbuf(&f[i], &in, header_end, &v[i], diag, names[i]) != RD_OK) {
            return RD_MALFORMED;
        }
        if (rd_cur_u16le(&peek, &len) && rd_cur_u16le(&peek, &maxlen) &&
            rd_cur_u32le(&peek, &off) && len > 0 && off < first_payload) {
            first_payload = off;
        }
    }
    /* MS-NLMP 2.2.1.3: the MIC sits after VERSION; its presence shows as room
     * for it between the header and the first payload byte. */
    if (out->version.present && first_payload != SIZE_MAX &&
        first_payload >= header_end + MIC_LEN) {
        out->has_mic = rd_cur_skip(&c, MIC_LEN);
    }
    out->lm_response_len = v[0].len;
    out->nt_response_len = v[1].len;
    out->domain = view(&v[2]);
    out->user = view(&v[3]);
    out->workstation = view(&v[4]);
    out->session_key_len = v[5].len;
    /* MS-NLMP 3.3.1: NTLMv1 responses are 24 bytes; NTLMv2 carries a longer blob. */
    out->is_ntlmv2 = out->nt_response_len > NTLMV1_RESPONSE;
    /* MS-NLMP 3.2.5.1.2: anonymous is an empty user with an empty NT response. */
    out->is_anonymous = out->user.len == 0 && out->nt_response_len == 0;
    return RD_OK;
}

bool rd_ntlmssp_is_ntlmssp(struct rd_cur in)
{
    return rd_cur_expect(&in, signature, sizeof signature);
}

enum rd_status rd_ntlmssp_parse(struct rd_cur in, struct rd_ntlmssp_msg *out, struct rd_diag *diag)
{
    struct rd_cur c = in;

    memset(out, 0, sizeof *out);
    if (!rd_cur_expect(&c, signature, sizeof signature)) {
        return rd_fail(diag, in.len < sizeof signature ? RD_WHY_SHORT : RD_WHY_BAD_VALUE, &in,
                       "ntlmssp.signature");
    }
    if (!rd_cur_u32le(&c, &out->type)) {
        return rd_fail(diag, RD_WHY_SHORT, &c, "ntlmssp.message_type");
    }
    switch (out->type) {
    case RD_NTLMSSP_NEGOTIATE:
        return rd_ntlmssp_parse_negotiate(in, &out->negotiate, diag);
    case RD_NTLMSSP_CHALLENGE:
        return rd_ntlmssp_parse_challenge(in, &out->challenge, diag);
    case RD_NTLMSSP_AUTHENTICATE:
        return rd_ntlmssp_parse_authenticate(in, &out->authenticate, diag);
    default:
        return rd_fail(diag, RD_WHY_UNSUPPORTED, &in, "ntlmssp.message_type");
    }
}

size_t rd_ntlmssp_to_ascii(struct rd_bytes s, bool unicode, char *dst, size_t dstsize,
                           bool *truncated)
{
    struct rd_cur c;
    size_t n = 0;

    *truncated = false;
    if (dstsize == 0) {
        *truncated = s.len > 0;
        return 0;
    }
    rd_cur_init(&c, s.p, s.len);
    while (!rd_cur_is_empty(&c)) {
        uint32_t ch;
        char out;

        if (unicode) {
            uint16_t u;
            if (!rd_cur_u16le(&c, &u)) {
                (void)rd_cur_skip(&c, c.len); /* odd final byte */
                ch = 0xfffdu;
            } else {
                ch = u;
                if (u >= 0xd800u && u <= 0xdbffu) {
                    /* High surrogate: take its low half too; one '?' for the pair. */
                    uint16_t lo;
                    struct rd_cur t = c;
                    if (rd_cur_u16le(&t, &lo) && lo >= 0xdc00u && lo <= 0xdfffu) {
                        c = t;
                    }
                }
            }
        } else {
            uint8_t b = 0;
            (void)rd_cur_u8(&c, &b);
            ch = b;
        }
        out = (ch >= 0x20u && ch < 0x7fu) ? (char)ch : '?';
        if (n + 1 >= dstsize) {
            *truncated = true;
            break;
        }
        dst[n++] = out;
    }
    dst[n] = '\0';
    return n;
}

const char *rd_ntlmssp_type_name(uint32_t type)
{
    switch (type) {
    case RD_NTLMSSP_NEGOTIATE:
        return "NEGOTIATE";
    case RD_NTLMSSP_CHALLENGE:
        return "CHALLENGE";
    case RD_NTLMSSP_AUTHENTICATE:
        return "AUTHENTICATE";
    default:
        return "unknown";
    }
}

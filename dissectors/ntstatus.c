/*
 * ntstatus.c - NTSTATUS and SSPI HRESULT names for NLA failures.
 *
 * References: MS-ERREF 2.1.1 (HRESULT values, facility 9 = FACILITY_SECURITY),
 * MS-ERREF 2.3.1 (NTSTATUS values), MS-CSSP 2.2.1 (TSRequest.errorCode carries
 * an NTSTATUS or HRESULT from the server since version 3).  Values were checked
 * against the published header tables (winerror.h, ntstatus.h).
 */
#include "config.h"

#include "ntstatus.h"

#include <stddef.h>

struct code_entry {
    uint32_t code;
    const char *name;
    const char *meaning;
};

/* Sorted by code so a reader can spot duplicates; looked up linearly (small). */
static const struct code_entry codes[] = {
    {0x00000000u, "STATUS_SUCCESS", "The operation succeeded."},
    {0x00090312u, "SEC_I_CONTINUE_NEEDED",
     "The authentication exchange needs another round trip (not an error)."},
    {0x80090300u, "SEC_E_INSUFFICIENT_MEMORY",
     "The security provider ran out of memory on the reporting side."},
    {0x80090301u, "SEC_E_INVALID_HANDLE", "The security provider was given an invalid handle."},
    {0x80090302u, "SEC_E_UNSUPPORTED_FUNCTION",
     "The server does not support the requested authentication; typically inbound NTLM is "
     "blocked, or a Kerberos ticket could not be used (connection by IP address)."},
    {0x80090303u, "SEC_E_TARGET_UNKNOWN",
     "The target server name was not recognised by the security provider (check the SPN)."},
    {0x80090304u, "SEC_E_INTERNAL_ERROR",
     "The security provider failed internally (e.g. the Local Security Authority could not be "
     "contacted)."},
    {0x80090305u, "SEC_E_SECPKG_NOT_FOUND", "The requested security package does not exist."},
    {0x80090308u, "SEC_E_INVALID_TOKEN", "The authentication token sent was not valid."},
    {0x8009030Au, "SEC_E_QOP_NOT_SUPPORTED",
     "The requested quality of protection is not supported."},
    {0x8009030Cu, "SEC_E_LOGON_DENIED",
     "The logon was denied: wrong user name or password, or the account may not log on."},
    {0x8009030Du, "SEC_E_UNKNOWN_CREDENTIALS", "The credentials supplied were not recognised."},
    {0x8009030Eu, "SEC_E_NO_CREDENTIALS",
     "No credentials are available in the security package (none supplied or saved)."},
    {0x8009030Fu, "SEC_E_MESSAGE_ALTERED",
     "A message failed its integrity check: it was altered in transit, or the keys differ."},
    {0x80090310u, "SEC_E_OUT_OF_SEQUENCE", "A message arrived out of sequence."},
    {0x80090311u, "SEC_E_NO_AUTHENTICATING_AUTHORITY",
     "No authority (domain controller/KDC) could be contacted to authenticate the user."},
    {0x80090317u, "SEC_E_CONTEXT_EXPIRED", "The security context has expired."},
    {0x80090318u, "SEC_E_INCOMPLETE_MESSAGE", "The token was incomplete."},
    {0x80090320u, "SEC_E_INCOMPLETE_CREDENTIALS", "The credentials supplied were incomplete."},
    {0x80090322u, "SEC_E_WRONG_PRINCIPAL",
     "The server's identity did not match the name the client asked for (SPN or duplicate "
     "account problem)."},
    {0x80090324u, "SEC_E_TIME_SKEW",
     "The clocks of the client and the server or domain controller differ too much."},
    {0x80090325u, "SEC_E_UNTRUSTED_ROOT", "The certificate chain ends in an untrusted root."},
    {0x80090326u, "SEC_E_ILLEGAL_MESSAGE", "A message was received that could not be parsed."},
    {0x80090327u, "SEC_E_CERT_UNKNOWN",
     "An unknown error occurred while processing a certificate."},
    {0x80090328u, "SEC_E_CERT_EXPIRED", "The certificate has expired."},
    {0x80090331u, "SEC_E_ALGORITHM_MISMATCH",
     "Client and server have no cryptographic algorithm in common."},
    {0x8009033Au, "SEC_E_STRONG_CRYPTO_NOT_SUPPORTED",
     "The security package does not support the strong cryptography requested."},
    {0x8009033Du, "SEC_E_PKINIT_NAME_MISMATCH",
     "The smartcard certificate does not map to the user (PKINIT name mismatch)."},
    {0x8009033Eu, "SEC_E_SMARTCARD_LOGON_REQUIRED", "The account requires smartcard logon."},
    {0x80090340u, "SEC_E_KDC_INVALID_REQUEST", "The KDC rejected the request as invalid."},
    {0x80090341u, "SEC_E_KDC_UNABLE_TO_REFER",
     "The KDC could not refer the client to another realm."},
    {0x80090342u, "SEC_E_KDC_UNKNOWN_ETYPE",
     "The KDC does not support the requested encryption type."},
    {0x80090343u, "SEC_E_UNSUPPORTED_PREAUTH",
     "The KDC does not support the pre-authentication type used."},
    {0x80090346u, "SEC_E_BAD_BINDINGS",
     "The channel bindings did not match (a TLS-intercepting device may be in the path)."},
    {0x80090350u, "SEC_E_DOWNGRADE_DETECTED",
     "A downgrade of the negotiated authentication was detected; the exchange was stopped."},
    {0x80090351u, "SEC_E_SMARTCARD_CERT_REVOKED", "The smartcard certificate has been revoked."},
    {0x80090352u, "SEC_E_ISSUING_CA_UNTRUSTED",
     "The CA that issued the smartcard certificate is not trusted."},
    {0x80090353u, "SEC_E_REVOCATION_OFFLINE_C",
     "The revocation status of the smartcard certificate could not be checked."},
    {0x80090354u, "SEC_E_PKINIT_CLIENT_FAILURE",
     "The smartcard certificate used for authentication is not trusted."},
    {0x80090355u, "SEC_E_SMARTCARD_CERT_EXPIRED", "The smartcard certificate has expired."},
    {0x80090358u, "SEC_E_REVOCATION_OFFLINE_KDC",
     "The revocation status of the domain controller certificate could not be checked."},
    {0x80090359u, "SEC_E_ISSUING_CA_UNTRUSTED_KDC",
     "The CA that issued the domain controller certificate is not trusted."},
    {0x8009035Au, "SEC_E_KDC_CERT_EXPIRED", "The domain controller certificate has expired."},
    {0x8009035Bu, "SEC_E_KDC_CERT_REVOKED", "The domain controller certificate has been revoked."},
    {0x8009035Du, "SEC_E_INVALID_PARAMETER",
     "A parameter passed to the security provider was invalid."},
    {0x8009035Eu, "SEC_E_DELEGATION_POLICY",
     "Client policy does not allow delegating credentials to this server."},
    {0x8009035Fu, "SEC_E_POLICY_NLTM_ONLY",
     "Client policy does not allow delegating credentials when only NTLM authenticated the "
     "server."},
    {0x80090361u, "SEC_E_NO_CONTEXT", "The required security context does not exist."},
    {0x80090362u, "SEC_E_PKU2U_CERT_FAILURE",
     "The PKU2U protocol failed while using the associated certificates."},
    {0x80090363u, "SEC_E_MUTUAL_AUTH_FAILED", "The server's identity could not be verified."},
    {0xC0000022u, "STATUS_ACCESS_DENIED", "Access was denied."},
    {0xC000005Eu, "STATUS_NO_LOGON_SERVERS",
     "No domain controller was available to service the logon."},
    {0xC0000064u, "STATUS_NO_SUCH_USER", "The user name does not exist."},
    {0xC000006Au, "STATUS_WRONG_PASSWORD", "The password is wrong."},
    {0xC000006Cu, "STATUS_PASSWORD_RESTRICTION", "The password does not meet the password policy."},
    {0xC000006Du, "STATUS_LOGON_FAILURE", "Unknown user name or bad password."},
    {0xC000006Eu, "STATUS_ACCOUNT_RESTRICTION",
     "An account restriction prevents the logon (e.g. blank password, or logon hours)."},
    {0xC000006Fu, "STATUS_INVALID_LOGON_HOURS", "The account may not log on at this time of day."},
    {0xC0000070u, "STATUS_INVALID_WORKSTATION",
     "The account may not log on from this workstation."},
    {0xC0000071u, "STATUS_PASSWORD_EXPIRED", "The password has expired."},
    {0xC0000072u, "STATUS_ACCOUNT_DISABLED", "The account is disabled."},
    {0xC0000133u, "STATUS_TIME_DIFFERENCE_AT_DC",
     "The clock differs too much from the domain controller's."},
    {0xC000015Bu, "STATUS_LOGON_TYPE_NOT_GRANTED",
     "The user has not been granted this logon type (e.g. 'Allow log on through Remote Desktop "
     "Services')."},
    {0xC000018Du, "STATUS_TRUSTED_RELATIONSHIP_FAILURE",
     "The trust between this computer and the domain failed."},
    {0xC0000193u, "STATUS_ACCOUNT_EXPIRED", "The account has expired."},
    {0xC0000224u, "STATUS_PASSWORD_MUST_CHANGE",
     "The password must be changed before the first logon."},
    {0xC0000234u, "STATUS_ACCOUNT_LOCKED_OUT",
     "The account is locked out after too many bad passwords."},
    {0xC0000388u, "STATUS_DOWNGRADE_DETECTED",
     "A downgrade of the negotiated authentication was detected."},
    {0xC0000413u, "STATUS_AUTHENTICATION_FIREWALL_FAILED",
     "The selective-authentication firewall of a trust refused the logon."},
    {0xC0000418u, "STATUS_NTLM_BLOCKED", "NTLM authentication is blocked by policy."},
};

static const struct code_entry *lookup(uint32_t code)
{
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        if (codes[i].code == code) {
            return &codes[i];
        }
    }
    return NULL;
}

const char *rd_ntstatus_name(uint32_t code)
{
    const struct code_entry *e = lookup(code);
    return e != NULL ? e->name : "unknown";
}

const char *rd_ntstatus_meaning(uint32_t code)
{
    const struct code_entry *e = lookup(code);
    return e != NULL ? e->meaning : "";
}

bool rd_ntstatus_is_known(uint32_t code)
{
    return lookup(code) != NULL;
}

/*
 * ntstatus.h - names and meanings of the NTSTATUS codes and SSPI HRESULTs that
 * NLA failures carry (CredSSP TSRequest.errorCode, MS-CSSP 2.2.1; MS-ERREF 2.1
 * (HRESULT) and 2.3 (NTSTATUS)).
 */
#ifndef RD_NTSTATUS_H
#define RD_NTSTATUS_H

#include <stdbool.h>
#include <stdint.h>

#define RD_NTSTATUS_LOGON_FAILURE       0xC000006Du
#define RD_NTSTATUS_ACCOUNT_RESTRICTION 0xC000006Eu
#define RD_NTSTATUS_PASSWORD_EXPIRED    0xC0000071u
#define RD_NTSTATUS_ACCOUNT_DISABLED    0xC0000072u
#define RD_NTSTATUS_ACCOUNT_LOCKED_OUT  0xC0000234u
#define RD_SEC_E_UNSUPPORTED_FUNCTION   0x80090302u
#define RD_SEC_E_LOGON_DENIED           0x8009030Cu
#define RD_SEC_E_TIME_SKEW              0x80090324u

/* The symbolic name ("STATUS_LOGON_FAILURE", "SEC_E_LOGON_DENIED"), or
 * "unknown" for a code not in the table.  Never NULL; a static string. */
const char *rd_ntstatus_name(uint32_t code);

/* One plain-English sentence for a sysadmin, or "" for an unknown code.
 * Never NULL; a static string. */
const char *rd_ntstatus_meaning(uint32_t code);

/* True if the code is in the table. */
bool rd_ntstatus_is_known(uint32_t code);

#endif

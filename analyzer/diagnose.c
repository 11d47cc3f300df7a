/*
 * diagnose.c - the rule table (DESIGN.md "diagnose").
 *
 * Each rule looks at the finished connection and either declines or fills the
 * cause, its detail and its evidence.  Rules are ordered from most to least
 * specific; the first match wins.  What every verdict shares (who closed,
 * which phase, outcome) is computed once, before the rules run.
 */
#include "config.h"

#include "diagnose_int.h"

#include "context.h"
#include "decode.h"
#include "textfmt.h"

#include <stdio.h>
#include <string.h>

/* ---- the cause table: what the user saw and what to do ------------------ */

static const struct rd_cause_info causes[] = {
    {RD_CAUSE_NONE,
     "no failure",
     "the connection reached the active phase, or the capture ended while it was active",
     "",
     "",
     "The connection worked as far as the capture shows.",
     {0}},
    {RD_CAUSE_TCP_NO_RESPONSE,
     "SYN never answered",
     "the SYN and its retransmissions are never answered",
     "0x204",
     "likely",
     "The client's SYN and its retransmissions were never answered: the server is down or "
     "unreachable, or a firewall on the path silently drops TCP 3389.",
     {"Check that the server is running and reachable (ping, Test-NetConnection -Port 3389).",
      "Allow TCP 3389 from this client on every firewall on the path (host firewall, network "
      "ACLs, cloud security groups).",
      "Check that the name resolves to the right address (a stale DNS record points elsewhere)."}},
    {RD_CAUSE_TCP_REFUSED,
     "connection refused",
     "the SYN is answered by a RST",
     "0x204",
     "likely",
     "The server host (or a device that answers for it) reset the SYN: nothing listens on the "
     "RDP port there.",
     {"Check that Remote Desktop is enabled and the Remote Desktop Services (TermService) service "
      "is running on the server.",
      "Check the listening port (HKLM\\SYSTEM\\CurrentControlSet\\Control\\Terminal "
      "Server\\WinStations\\RDP-Tcp PortNumber) matches the port the client uses.",
      "If a firewall answers for the server with resets, allow TCP 3389 there."}},
    {RD_CAUSE_X224_NO_RESPONSE,
     "no answer to the X.224 Connection Request",
     "TCP is up, the client sent its X.224 Connection Request, the server sent nothing before the "
     "close",
     "0x904/0x7",
     "likely",
     "The TCP connection opened, the client sent its X.224 Connection Request, and the server "
     "never answered it: the listener accepts connections but its RDP stack is hung, or "
     "something other than RDP holds the port.",
     {"Restart the Remote Desktop Services (TermService) service on the server.",
      "Check which process listens on 3389 (netstat -abno | findstr 3389).",
      "Check the System event log for TermService and RemoteDesktopServices-RdpCoreTS errors."}},
    {RD_CAUSE_NOT_RDP,
     "one side does not speak RDP",
     "the server's first bytes are not TPKT (an HTTP answer, an SSH banner, a bare TLS record), "
     "or, from the SYN on, the client's are neither TPKT nor TLS and the server did not answer "
     "as RDP (a health check, a scanner)",
     "0x904/0x7",
     "possible",
     "The server answered with bytes that are not RDP: another service listens on the RDP port, "
     "or a proxy or load balancer in front of it speaks another protocol.",
     {"Check which service listens on this port on the server or the load balancer.",
      "Point the client at the real RDP port or host (mstsc /v:host:port)."}},
    {RD_CAUSE_NEG_FAILURE,
     "RDP negotiation failure",
     "the X.224 Connection Confirm carries RDP_NEG_FAILURE with a failure code",
     "0x904/0x7",
     "likely",
     "The server refused the security protocols the client asked for (RDP_NEG_FAILURE).",
     {"Align Network Level Authentication and the Security Layer setting on the server with what "
      "the client supports.",
      "On the server: System Properties > Remote > \"Allow connections only from computers running "
      "Remote Desktop with Network Level Authentication\"."}},
    {RD_CAUSE_SECURITY_MISMATCH,
     "security protocol mismatch",
     "the server selects a protocol the client did not request, answers like a legacy server, or "
     "the client closes right after the Confirm",
     "0x904/0x7",
     "likely",
     "Client and server did not agree on a security protocol.",
     {"Align the server's Security Layer (RDP, Negotiate, SSL) and NLA settings with the "
      "client's."}},
    {RD_CAUSE_TLS_VERSION_MISMATCH,
     "TLS version mismatch",
     "a protocol_version alert, or a ServerHello version outside what the ClientHello offered, "
     "then an abort",
     "0x904/0x7",
     "likely",
     "Client and server have no TLS version in common.",
     {"Enable TLS 1.2 on the server (SCHANNEL Protocols registry keys) and restart it.",
      "Or allow the older TLS version on the client, temporarily."}},
    {RD_CAUSE_TLS_HANDSHAKE_FAILURE,
     "TLS handshake failure",
     "another fatal TLS alert during the handshake (handshake_failure, internal_error, ...)",
     "0x904/0x7",
     "likely",
     "The TLS handshake failed with a fatal alert.",
     {"Compare the cipher suites and groups each side offers; enable a common one.",
      "Check the server certificate's key type and size."}},
    {RD_CAUSE_TLS_SERVER_ABORT,
     "server dropped TLS after the ClientHello",
     "the server closes, resets or sends an X.224/MCS disconnect after the ClientHello, with no "
     "ServerHello and no alert",
     "0x904/0x7",
     "likely",
     "The server closed the connection after the ClientHello without a ServerHello or an alert: "
     "typical of an RDP certificate or private key the service cannot use.",
     {"Give NETWORK SERVICE read access to the certificate's private key "
      "(C:\\ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys).",
      "Check or renew the RDP certificate (Remote Desktop certificate store), then restart "
      "TermService.",
      "Check the System event log for Schannel errors (event 36870, 36874, 36888)."}},
    {RD_CAUSE_CERT_REJECTED,
     "certificate rejected by the client",
     "the client alerts (bad_certificate, certificate_expired, unknown_ca, ...) or closes after "
     "the certificate, the TLS handshake, or the server's CredSSP pubKeyAuth",
     "certificate prompt",
     "likely",
     "The client rejected the server's certificate.",
     {"Renew the RDP certificate so it is valid and names the host the client connects to, then "
      "restart TermService.",
      "Make the client trust the issuing CA."}},
    {RD_CAUSE_CREDSSP_FAILURE,
     "NLA (CredSSP) authentication failed",
     "TLS completes, then the server ends CredSSP after the client's authenticate leg (a close, an "
     "alert, or a short error TSRequest)",
     "0x904/0x7",
     "possible",
     "Network Level Authentication stopped after the client sent its credentials.",
     {"Check the user name, domain and password.",
      "Check that the account may log on through Remote Desktop (Remote Desktop Users group, "
      "user rights assignment)."}},
    {RD_CAUSE_ACCESS_DENIED,
     "early user authorization denied",
     "HYBRID_EX: the server sends its Early User Authorization Result and closes",
     "0x904/0x7",
     "possible",
     "The server's Early User Authorization Result denied the user.",
     {"Add the user to the Remote Desktop Users group or grant \"Allow log on through Remote "
      "Desktop Services\"."}},
    {RD_CAUSE_MIDDLEBOX_RESET,
     "reset by a device on the path",
     "a RST whose TTL, IP ID or timing does not match the endpoint it claims to come from",
     "0x904/0x7",
     "likely",
     "A reset that the server did not send ended the connection: a firewall, IPS, proxy or "
     "antivirus on the path injected it.",
     {"Allow TCP 3389 and exempt it from TLS inspection on the firewall, IPS or antivirus that "
      "sent the reset.",
      "Compare the reset's TTL with the server's to locate the device (traceroute)."}},
    {RD_CAUSE_NETWORK_TIMEOUT,
     "network timeout",
     "one side's data is retransmitted or left unanswered until a side gives up",
     "0x108",
     "possible",
     "One side's data went unanswered until a side gave up.",
     {"Check the path for packet loss (VPN, Wi-Fi, overloaded links).",
      "Capture on both ends to see where the packets are lost."}},
    {RD_CAUSE_PATH_MTU_BLACKHOLE,
     "path MTU black hole",
     "full-size segments are retransmitted again and again while smaller ones get through",
     "0x904/0x7",
     "possible",
     "Full-size segments were lost while smaller ones got through.",
     {"Lower the MTU on the VPN or tunnel interface (e.g. 1400).",
      "Allow ICMP fragmentation-needed / packet-too-big on the path."}},
    {RD_CAUSE_IDLE_TIMEOUT,
     "idle state expired on the path",
     "a long silence, then the next packet is reset",
     "0x904/0x7",
     "possible",
     "After a long silence the next packet was reset: a firewall or NAT forgot the connection.",
     {"Raise the idle timeout on the firewall or NAT, or enable RDP keep-alives "
      "(KeepAliveEnable / KeepAliveInterval policy)."}},
    {RD_CAUSE_SERVER_DISCONNECT,
     "server ended the connection",
     "after the security phases the server sends an MCS Disconnect Provider Ultimatum, an X.224 "
     "Disconnect Request, or closes",
     "0x904/0x7",
     "possible",
     "The server ended the connection after the security phases.",
     {"Check the server's event logs (TerminalServices-LocalSessionManager, "
      "RemoteConnectionManager).",
      "Check licensing and session limits on the server."}},
    {RD_CAUSE_CLIENT_DISCONNECT,
     "client ended the connection",
     "the client closes before the connection is complete, with no error on the wire",
     "",
     "",
     "The client ended the connection before it completed, with no error visible on the wire "
     "(e.g. a prompt that was cancelled).",
     {"Ask the user what the client showed before it closed."}},
    {RD_CAUSE_UNKNOWN,
     "unknown",
     "none of the above fits the evidence",
     "",
     "",
     "The capture does not show why the connection ended.",
     {"Capture on the client and the server at the same time, from before the connection starts."}},
};

const struct rd_cause_info *rd_cause_info(enum rd_cause cause)
{
    for (size_t i = 0; i < sizeof(causes) / sizeof(causes[0]); i++) {
        if (causes[i].cause == cause) {
            return &causes[i];
        }
    }
    return &causes[sizeof(causes) / sizeof(causes[0]) - 1];
}

/* ---- facts every rule shares --------------------------------------------- */

static void derive(const struct rd_conn *c, struct rd_dfacts *f)
{
    memset(f, 0, sizeof(*f));
    f->c = c;
    f->s = c->session;
    f->cli_data = c->tcp[RD_DIR_C2S].bytes > 0;
    f->srv_data = c->tcp[RD_DIR_S2C].bytes > 0;
    f->closed = c->first_close.kind != RD_CLOSE_NONE;
    f->closer_dir = (enum rd_dir)c->first_close.dir;
    f->syn_unanswered =
        c->start_seen && c->synack_frame == 0 && !c->established && c->tcp[RD_DIR_S2C].packets == 0;
    f->silence_ns = c->end_ts - c->last_ts;
}

/* IP IDs of one host move forward slowly between two of its packets on one
 * connection; a jump this large (or a zero from a host that never sent one)
 * means another host made the packet. */
#define IPID_JUMP_MAX 1024

/*
 * Did the first RST come from the endpoint it claims?  Signals, each against
 * the claimed sender's own earlier packets: TTL outside the range it used, an
 * IP ID out of its sequence, an answer faster than the round trip allows (only
 * measurable when the capture is near the other endpoint), RSTs sent to both
 * ends at once.  A TTL mismatch decides alone; an IP ID mismatch needs timing
 * or the two-way pattern beside it.
 */
static bool close_from_middlebox(const struct rd_conn *c, const struct rd_closepkt *k,
                                 struct rd_close_check *ck)
{
    const struct rd_tcpdir *t = &c->tcp[k->dir];
    int64_t syn_rtt = c->start_seen && c->synack_frame != 0 ? c->synack_ts - c->syn_ts : -1;
    bool near_client = syn_rtt >= 0 && c->rtt_ns > 0 && syn_rtt >= c->rtt_ns - c->rtt_ns / 5;
    bool observable = k->dir == RD_DIR_S2C ? near_client : !near_client;
    size_t n = 0;

    memset(ck, 0, sizeof(*ck));
    if (k->kind != RD_CLOSE_RST || !t->have_ttl || t->packets < 2) {
        return false;
    }
    ck->ttl_mismatch = k->ttl < t->ttl_min || k->ttl > t->ttl_max;
    if (c->close_claimed_ipid_known && k->has_ipid) {
        uint16_t delta = (uint16_t)(k->ipid - c->close_claimed_ipid_prev);
        ck->ipid_mismatch = delta == 0 || delta > IPID_JUMP_MAX;
    }
    ck->too_fast = observable && c->rtt_ns >= 1000000 && c->close_prev_dir != k->dir &&
                   c->close_resp_ns < c->rtt_ns / 4;
    ck->both_ways = c->rst_other.kind == RD_CLOSE_RST &&
                    c->rst_other.ts_ns - k->ts_ns < (c->rtt_ns > 0 ? c->rtt_ns / 2 : 1000000);
    if (ck->ttl_mismatch) {
        n += (size_t)rd_format(ck->text + n, sizeof(ck->text) - n,
                               "TTL %u, the %s's packets had %u..%u; ", k->ttl,
                               k->dir == RD_DIR_C2S ? "client" : "server", t->ttl_min, t->ttl_max);
    }
    if (ck->ipid_mismatch && n < sizeof(ck->text)) {
        n += (size_t)rd_format(
            ck->text + n, sizeof(ck->text) - n, "IP ID 0x%04x after the %s's 0x%04x; ", k->ipid,
            k->dir == RD_DIR_C2S ? "client" : "server", c->close_claimed_ipid_prev);
    }
    if (ck->too_fast && n < sizeof(ck->text)) {
        n += (size_t)rd_format(ck->text + n, sizeof(ck->text) - n,
                               "sent %.3f ms after the other side's packet, faster than the %.3f "
                               "ms round trip; ",
                               (double)c->close_resp_ns / 1e6, (double)c->rtt_ns / 1e6);
    }
    if (ck->both_ways && n < sizeof(ck->text)) {
        rd_format(ck->text + n, sizeof(ck->text) - n, "RSTs sent towards both ends at once; ");
    }
    n = strlen(ck->text);
    if (n >= 2) {
        ck->text[n - 2] = '\0'; /* the last "; " */
    }
    ck->middlebox = ck->ttl_mismatch || (ck->ipid_mismatch && (ck->too_fast || ck->both_ways));
    return ck->middlebox;
}

/* Was a side left waiting for an answer when the packets stopped? */
static bool left_waiting(const struct rd_dfacts *f)
{
    const struct rd_conn *c = f->c;

    /* Retransmitted SYNs or data show a side waiting, however soon the capture stopped. */
    if (f->syn_unanswered && c->tcp[RD_DIR_C2S].syn_count > 1) {
        return true;
    }
    for (int d = 0; d < 2; d++) {
        if (c->tcp[d].retrans >= 2 && c->tcp[d].unacked_frame != 0 &&
            c->tcp[d].last_data_ts == c->last_ts) {
            return true;
        }
    }
    /* A capture that stopped right after a packet shows no waiting. */
    if (c->ended_by_capture && f->silence_ns < RD_WAIT_NS) {
        return false;
    }
    if (f->syn_unanswered) {
        return true;
    }
    for (int d = 0; d < 2; d++) {
        const struct rd_tcpdir *t = &c->tcp[d];
        const struct rd_tcpdir *o = &c->tcp[!d];
        if (t->seq_any && o->acked_any && rd_seq_gt(t->seq_end, o->highest_ack) &&
            t->last_data_ts == c->last_ts) {
            return true; /* data still unacknowledged */
        }
    }
    /* During the handshake phases the side that spoke last expects an answer. */
    if (f->s != NULL && f->s->phase < RD_PHASE_ACTIVE && (f->cli_data || f->srv_data)) {
        return f->silence_ns >= RD_WAIT_NS || !c->ended_by_capture;
    }
    return false;
}

static void common(struct rd_dfacts *f, struct rd_verdict *v)
{
    const struct rd_conn *c = f->c;

    v->phase = f->s != NULL ? f->s->phase : RD_PHASE_TCP;
    if (f->closed) {
        v->close = (enum rd_close_kind)c->first_close.kind;
        v->closed_by = f->closer_dir == RD_DIR_C2S ? RD_CLOSED_CLIENT : RD_CLOSED_SERVER;
        if (close_from_middlebox(c, &c->first_close, &f->close_check)) {
            v->closed_by = RD_CLOSED_MIDDLEBOX;
        }
    } else {
        v->close = RD_CLOSE_NONE;
        v->closed_by = left_waiting(f)       ? RD_CLOSED_TIMEOUT
                       : c->ended_by_capture ? RD_CLOSED_CAPTURE_END
                                             : RD_CLOSED_TIMEOUT;
    }
}

const char *rd_diag_closer_words(const struct rd_verdict *v)
{
    switch (v->closed_by) {
    case RD_CLOSED_CLIENT:
        return "the client";
    case RD_CLOSED_SERVER:
        return "the server";
    case RD_CLOSED_MIDDLEBOX:
        return "a device on the path";
    case RD_CLOSED_TIMEOUT:
    case RD_CLOSED_CAPTURE_END:
    case RD_CLOSED_COUNT:
        break;
    }
    return "nobody";
}

void rd_diag_cite_close(const struct rd_conn *c, struct rd_verdict *v)
{
    const struct rd_closepkt *k = &c->first_close;

    if (k->kind == RD_CLOSE_NONE) {
        return;
    }
    rd_verdict_evidence(v, k->frame, k->ts_ns, "%s from %s (TTL %u)",
                        k->kind == RD_CLOSE_RST ? "RST" : "FIN", rd_diag_closer_words(v), k->ttl);
}

/* ---- the rules ------------------------------------------------------------ */

bool rd_rule_tcp_refused(const struct rd_dfacts *f, struct rd_verdict *v)
{
    const struct rd_conn *c = f->c;

    if (!c->syn_rst) {
        return false;
    }
    rd_verdict_evidence(v, c->first_frame, c->first_ts, "SYN to port %u", c->sport);
    rd_verdict_evidence(v, c->last_rst.frame, c->last_rst.ts_ns, "answered by RST (TTL %u)",
                        c->last_rst.ttl);
    rd_format(v->detail_json, sizeof(v->detail_json), "{\"syns\":%u}",
              c->tcp[RD_DIR_C2S].syn_count);
    return true;
}

/* A dead address the client got from DNS: name it, and the name's other
 * addresses (a stale or wrong record sends clients to an address that no longer
 * answers, while the name works for clients that try the next one). */
static void dns_hint(const struct rd_conn *c, struct rd_verdict *v)
{
    const struct rd_conn_context *cc = c->context;
    const struct rd_conn_context_name *n;
    char others[160] = "", ip[64];
    size_t used = 0;

    if (cc == NULL || cc->nnames == 0) {
        return;
    }
    n = &cc->names[0];
    for (size_t i = 0; i < n->nothers && used < sizeof(others); i++) {
        rd_addr_format(&n->others[i], ip, sizeof(ip));
        used += (size_t)rd_format(others + used, sizeof(others) - used, "%s%s", i ? ", " : "", ip);
    }
    rd_verdict_evidence(v, n->frame, n->ts_ns, "DNS: %s resolved to this address", n->name);
    rd_format(v->explanation, sizeof(v->explanation),
              "The client got this address from DNS for %s (frame %llu), and nothing answers on "
              "it%s%s%s: a stale or wrong DNS record is likely; check the name's records (an old "
              "server, an IPv6 address the server does not listen on).",
              n->name, (unsigned long long)n->frame,
              n->nothers > 0 ? "; the name also resolves to " : "", others,
              n->nothers > 0 ? "" : "");
}

bool rd_rule_tcp_no_response(const struct rd_dfacts *f, struct rd_verdict *v)
{
    const struct rd_conn *c = f->c;
    const struct rd_tcpdir *t = &c->tcp[RD_DIR_C2S];
    double waited;

    if (!f->syn_unanswered) {
        return false;
    }
    if (c->ended_by_capture && f->silence_ns < RD_WAIT_NS && t->syn_count < 2) {
        return false; /* the capture stopped before a timeout could show */
    }
    waited = (double)(c->last_ts - c->first_ts) / RD_NS_PER_SEC;
    rd_verdict_evidence(v, c->first_frame, c->first_ts, "SYN to port %u", c->sport);
    if (t->syn_count > 1) {
        rd_verdict_evidence(v, c->last_frame, c->last_ts,
                            "%u SYN retransmissions over %.1f s, none answered", t->syn_count - 1,
                            waited);
    }
    rd_format(v->detail_json, sizeof(v->detail_json), "{\"syns\":%u,\"waited_s\":%.3f}",
              t->syn_count, waited);
    dns_hint(c, v);
    return true;
}

/* A firewall or NAT forgets a connection after some silence (defaults are
 * minutes to an hour).  The signature is the reset answering the first packet
 * after a silence; a healthy peer never answers a live connection's packet
 * with a reset, so a few seconds of silence are enough to call it. */
#define IDLE_SILENCE_NS (4 * RD_NS_PER_SEC)
#define IDLE_ANSWER_NS  (2 * RD_NS_PER_SEC)

bool rd_rule_idle_timeout(const struct rd_dfacts *f, struct rd_verdict *v)
{
    const struct rd_conn *c = f->c;
    const struct rd_closepkt *k = &c->first_close;

    if (!f->closed || k->kind != RD_CLOSE_RST || !c->established ||
        c->close_prev_gap_ns < IDLE_SILENCE_NS || c->close_resp_ns > IDLE_ANSWER_NS ||
        c->close_prev_dir == k->dir) {
        return false;
    }
    rd_verdict_evidence(v, c->close_prev_frame, k->ts_ns - c->close_resp_ns,
                        "the %s's first packet after %.0f s of silence",
                        c->close_prev_dir == RD_DIR_C2S ? "client" : "server",
                        (double)c->close_prev_gap_ns / RD_NS_PER_SEC);
    rd_verdict_evidence(v, k->frame, k->ts_ns, "answered by a RST %s",
                        f->close_check.middlebox ? "from a device on the path"
                                                 : "claiming the peer");
    rd_format(v->detail_json, sizeof(v->detail_json), "{\"silence_s\":%.1f,\"reset_by\":\"%s\"}",
              (double)c->close_prev_gap_ns / RD_NS_PER_SEC,
              f->close_check.middlebox ? "middlebox"
                                       : (k->dir == RD_DIR_C2S ? "client" : "server"));
    rd_format(v->explanation, sizeof(v->explanation),
              "The connection was silent for %.0f s; the next packet was answered by a reset: a "
              "firewall or NAT on the path had forgotten the connection.",
              (double)c->close_prev_gap_ns / RD_NS_PER_SEC);
    return true;
}

/* Full-size segments lost again and again while smaller ones pass. */
#define MTU_RETRANS_MIN 2

bool rd_rule_path_mtu_blackhole(const struct rd_dfacts *f, struct rd_verdict *v)
{
    const struct rd_conn *c = f->c;

    if (f->s != NULL && f->s->phase == RD_PHASE_ACTIVE) {
        return false;
    }
    for (int d = 0; d < 2; d++) {
        const struct rd_tcpdir *t = &c->tcp[d];
        const struct rd_tcpdir *o = &c->tcp[!d];
        const char *who = d == RD_DIR_C2S ? "client" : "server";

        /* the peer never acknowledged the big segments, yet it did acknowledge
         * smaller data of the same side before them */
        if (t->full_size_retrans < MTU_RETRANS_MIN || !t->seq_any || !o->acked_any ||
            !rd_seq_gt(t->seq_end, o->highest_ack) || t->bytes <= t->max_seg) {
            continue;
        }
        if (t->unacked_frame != 0 && t->unacked_frame != t->first_full_retrans_frame) {
            rd_verdict_evidence(v, t->unacked_frame, t->unacked_ts,
                                "the %s's first unacknowledged segment", who);
        }
        rd_verdict_evidence(v, t->first_full_retrans_frame, t->first_full_retrans_ts,
                            "the %s's %u-byte segment retransmitted (%u full-size "
                            "retransmissions in all), never acknowledged",
                            who, t->max_seg, t->full_size_retrans);
        if (c->icmp_too_big) {
            rd_verdict_evidence(v, c->icmp_frame, c->icmp_ts, "ICMP: path MTU %u", c->icmp_mtu);
        }
        rd_diag_cite_close(c, v);
        rd_format(v->detail_json, sizeof(v->detail_json),
                  "{\"direction\":\"%s\",\"segment\":%u,\"full_size_retransmissions\":%u,"
                  "\"icmp_seen\":%s,\"icmp_mtu\":%u}",
                  who, t->max_seg, t->full_size_retrans, c->icmp_too_big ? "true" : "false",
                  c->icmp_too_big ? c->icmp_mtu : 0);
        rd_format(v->explanation, sizeof(v->explanation),
                  "The %s's full-size (%u-byte) segments were retransmitted again and again and "
                  "never acknowledged, while its smaller ones got through: a link on the path has "
                  "a smaller MTU and the ICMP message that would say so %s. Typical of VPNs and "
                  "tunnels; the TLS certificate flight is the first large thing RDP sends.",
                  who, t->max_seg,
                  c->icmp_too_big ? "was seen here, yet the sender did not adapt"
                                  : "never arrived (filtered)");
        return true;
    }
    /* Seen near the receiver: a full-size hole in one direction that later,
     * smaller segments pass around, never filled. */
    for (int d = 0; d < 2; d++) {
        const struct rd_tcpdir *t = &c->tcp[d];
        const char *who = d == RD_DIR_C2S ? "client" : "server";

        if (t->first_ooo_frame == 0 || t->gap_bytes < 536) {
            continue;
        }
        rd_verdict_evidence(v, t->first_ooo_frame, t->first_ooo_ts,
                            "a %s segment arrives after a hole of %llu bytes that is never filled",
                            who, (unsigned long long)t->gap_bytes);
        if (c->tcp[!d].hole_ack_frame != 0) {
            rd_verdict_evidence(v, c->tcp[!d].hole_ack_frame, 0,
                                "duplicate ACK: the %s is still waiting for the missing bytes",
                                d == RD_DIR_C2S ? "server" : "client");
        }
        rd_diag_cite_close(c, v);
        rd_format(v->detail_json, sizeof(v->detail_json),
                  "{\"direction\":\"%s\",\"missing_bytes\":%llu,\"icmp_seen\":%s,"
                  "\"seen_at\":\"receiver\"}",
                  who, (unsigned long long)t->gap_bytes, c->icmp_too_big ? "true" : "false");
        rd_format(v->explanation, sizeof(v->explanation),
                  "%llu bytes of the %s's data never arrived while the smaller segments after "
                  "them did, and the %s waited until it gave up: a full-size packet is dropped on "
                  "the path (a link with a smaller MTU whose ICMP fragmentation-needed message is "
                  "filtered). Typical of VPNs and tunnels; the TLS certificate flight is the first "
                  "large thing RDP sends.",
                  (unsigned long long)t->gap_bytes, who, d == RD_DIR_C2S ? "server" : "client");
        return true;
    }
    return false;
}

bool rd_rule_middlebox_reset(const struct rd_dfacts *f, struct rd_verdict *v)
{
    const struct rd_conn *c = f->c;
    const struct rd_closepkt *k = &c->first_close;
    const struct rd_close_check *ck = &f->close_check;
    const char *who = k->dir == RD_DIR_C2S ? "client" : "server";

    if (!f->closed || k->kind != RD_CLOSE_RST || !ck->middlebox) {
        return false;
    }
    if (c->close_prev_frame != 0) {
        rd_verdict_evidence(v, c->close_prev_frame, k->ts_ns - c->close_resp_ns,
                            "the last packet before the reset");
    }
    rd_verdict_evidence(v, k->frame, k->ts_ns, "RST claiming to come from the %s: %s", who,
                        ck->text);
    if (c->rst_other.kind == RD_CLOSE_RST) {
        rd_verdict_evidence(v, c->rst_other.frame, c->rst_other.ts_ns,
                            "RST claiming to come from the %s (TTL %u)",
                            c->rst_other.dir == RD_DIR_C2S ? "client" : "server", c->rst_other.ttl);
    }
    rd_format(v->detail_json, sizeof(v->detail_json),
              "{\"claimed\":\"%s\",\"rst_ttl\":%u,\"endpoint_ttl_min\":%u,\"endpoint_ttl_max\":%u,"
              "\"ttl_mismatch\":%s,\"ipid_mismatch\":%s,\"too_fast\":%s,\"both_ways\":%s,"
              "\"phase\":\"%s\"}",
              who, k->ttl, c->tcp[k->dir].ttl_min, c->tcp[k->dir].ttl_max,
              ck->ttl_mismatch ? "true" : "false", ck->ipid_mismatch ? "true" : "false",
              ck->too_fast ? "true" : "false", ck->both_ways ? "true" : "false",
              rd_phase_name(v->phase));
    rd_format(v->explanation, sizeof(v->explanation),
              "A device on the path reset the connection in the %s phase: the RST claims to come "
              "from the %s but does not match the %s's own packets (%s). A firewall, IPS, proxy or "
              "antivirus that inspects RDP or TLS sends such resets%s.",
              rd_phase_name(v->phase), who, who, ck->text,
              v->phase == RD_PHASE_TLS ? " (here right at the TLS ClientHello: TLS inspection)"
                                       : "");
    return true;
}

/* A client that waited this long after its last data before closing was
 * waiting for an answer, not cancelling a prompt. */
#define ANSWER_WAIT_NS (5 * RD_NS_PER_SEC)

bool rd_rule_network_timeout(const struct rd_dfacts *f, struct rd_verdict *v)
{
    const struct rd_conn *c = f->c;
    const struct rd_session *s = f->s;
    const struct rd_tcpdir *t;
    const char *who, *peer;
    int waiting = -1;
    bool acked;
    char waited[32];

    if (s == NULL || s->phase == RD_PHASE_ACTIVE) {
        return false;
    }
    for (int d = 0; d < 2; d++) {
        if (c->tcp[d].retrans >= 2 && c->tcp[d].last_data_ts >= c->tcp[!d].last_data_ts) {
            waiting = d;
        }
    }
    if (waiting < 0 && v->closed_by == RD_CLOSED_TIMEOUT && !f->closed &&
        f->silence_ns >= RD_WAIT_NS) {
        waiting =
            s->dir[RD_DIR_C2S].last_ts >= s->dir[RD_DIR_S2C].last_ts ? RD_DIR_C2S : RD_DIR_S2C;
    }
    /* The client spoke last, the server acknowledged at the TCP level and never
     * answered, and the client gave up after waiting. */
    if (waiting < 0 && f->closed && f->closer_dir == RD_DIR_C2S && f->cli_data &&
        c->tcp[RD_DIR_C2S].last_data_ts > c->tcp[RD_DIR_S2C].last_data_ts &&
        c->first_close.ts_ns - c->tcp[RD_DIR_C2S].last_data_ts >= ANSWER_WAIT_NS) {
        waiting = RD_DIR_C2S;
    }
    if (waiting < 0) {
        return false;
    }
    t = &c->tcp[waiting];
    who = waiting == RD_DIR_C2S ? "client" : "server";
    peer = waiting == RD_DIR_C2S ? "server" : "client";
    acked = c->tcp[!waiting].acked_any && t->seq_any &&
            rd_seq_ge(c->tcp[!waiting].highest_ack, t->seq_end - (t->fin_sent ? 1u : 0u));
    if (t->unacked_frame != 0 && t->unacked_frame != t->last_data_frame) {
        rd_verdict_evidence(v, t->unacked_frame, t->unacked_ts, "the %s's data, never acknowledged",
                            who);
    }
    rd_verdict_evidence(v, t->last_data_frame, t->last_data_ts,
                        "the %s's last data (%u retransmissions) went unanswered", who, t->retrans);
    rd_diag_cite_close(c, v);
    rd_format(v->detail_json, sizeof(v->detail_json),
              "{\"waiting\":\"%s\",\"retransmissions\":%u,\"acknowledged\":%s,\"phase\":\"%s\","
              "\"waited_s\":%s}",
              who, t->retrans, acked ? "true" : "false", rd_phase_name(s->phase),
              rd_format_fixed(waited, sizeof(waited),
                              (f->closed ? c->first_close.ts_ns : c->end_ts) - t->last_data_ts,
                              RD_NS_PER_SEC, 3));
    if (acked) {
        rd_format(v->explanation, sizeof(v->explanation),
                  "In the %s phase the %s acknowledged the %s's data at the TCP level but never "
                  "answered it, until a side gave up: the network delivered it; the %s's RDP "
                  "service is hung or overloaded, or a proxy in between holds the connection.",
                  rd_phase_name(s->phase), peer, who, peer);
    } else {
        rd_format(v->explanation, sizeof(v->explanation),
                  "In the %s phase the %s's data went unanswered (%u retransmissions, never "
                  "acknowledged) until a side gave up: packets were lost or held on the path (a "
                  "firewall dropping them, a VPN, a broken route), or the %s went away.",
                  rd_phase_name(s->phase), who, t->retrans, peer);
    }
    return true;
}

bool rd_rule_client_disconnect(const struct rd_dfacts *f, struct rd_verdict *v)
{
    const struct rd_session *s = f->s;

    if (s == NULL || s->phase == RD_PHASE_ACTIVE || !f->closed || f->closer_dir != RD_DIR_C2S) {
        return false;
    }
    rd_diag_cite_close(f->c, v);
    rd_format(v->explanation, sizeof(v->explanation),
              "The client ended the connection in the %s phase with no error visible on the wire "
              "(a prompt the user cancelled, a client-side policy, or the client gave up).",
              rd_phase_name(s->phase));
    return true;
}

typedef bool (*rule_fn)(const struct rd_dfacts *f, struct rd_verdict *v);

struct rule {
    enum rd_cause cause;
    rule_fn match;
};

/* Most specific first. */
static const struct rule rules[] = {
    {RD_CAUSE_TCP_REFUSED, rd_rule_tcp_refused},
    {RD_CAUSE_TCP_NO_RESPONSE, rd_rule_tcp_no_response},
    {RD_CAUSE_NOT_RDP, rd_rule_not_rdp},
    {RD_CAUSE_NEG_FAILURE, rd_rule_neg_failure},
    {RD_CAUSE_IDLE_TIMEOUT, rd_rule_idle_timeout},
    {RD_CAUSE_MIDDLEBOX_RESET, rd_rule_middlebox_reset},
    {RD_CAUSE_PATH_MTU_BLACKHOLE, rd_rule_path_mtu_blackhole},
    {RD_CAUSE_SECURITY_MISMATCH, rd_rule_security_mismatch},
    {RD_CAUSE_TLS_VERSION_MISMATCH, rd_rule_tls_version_mismatch},
    {RD_CAUSE_CERT_REJECTED, rd_rule_cert_rejected},
    {RD_CAUSE_TLS_HANDSHAKE_FAILURE, rd_rule_tls_handshake_failure},
    {RD_CAUSE_TLS_SERVER_ABORT, rd_rule_tls_server_abort},
    {RD_CAUSE_ACCESS_DENIED, rd_rule_access_denied},
    {RD_CAUSE_CREDSSP_FAILURE, rd_rule_credssp_failure},
    {RD_CAUSE_SERVER_DISCONNECT, rd_rule_server_disconnect},
    {RD_CAUSE_X224_NO_RESPONSE, rd_rule_x224_no_response},
    {RD_CAUSE_NETWORK_TIMEOUT, rd_rule_network_timeout},
    {RD_CAUSE_CLIENT_DISCONNECT, rd_rule_client_disconnect},
};

/* No rule matched: a healthy connection, a port check, or not enough evidence. */
static void fallback(const struct rd_dfacts *f, struct rd_verdict *v)
{
    const struct rd_conn *c = f->c;

    v->cause = RD_CAUSE_NONE;
    if (f->s != NULL && f->s->phase == RD_PHASE_ACTIVE) {
        v->outcome = RD_OUTCOME_OK;
        rd_verdict_evidence(v, f->s->active_frame, 0, "active phase%s",
                            f->s->active_inferred ? " (inferred from the traffic)" : "");
        for (int d = 0; d < 2; d++) {
            if (f->s->mcs.fastpath[d] > 0) {
                rd_verdict_evidence(
                    v, f->s->mcs.first_fastpath_frame[d], f->s->mcs.first_fastpath_ts[d],
                    "first fast-path PDU from the %s", d == RD_DIR_C2S ? "client" : "server");
            }
        }
        rd_diag_cite_close(c, v);
        return;
    }
    if (!c->start_seen) {
        v->outcome = RD_OUTCOME_INCOMPLETE;
        rd_format(v->explanation, sizeof(v->explanation),
                  "The capture started after this connection did; nothing in what was captured "
                  "points to a failure.");
        return;
    }
    if (c->established && !f->cli_data && !f->srv_data && f->closed &&
        f->closer_dir == RD_DIR_C2S) {
        v->outcome = RD_OUTCOME_OK;
        rd_format(v->explanation, sizeof(v->explanation),
                  "The client opened a TCP connection and closed it without sending RDP: a port "
                  "check (Test-NetConnection, a load balancer's health probe), not a failure.");
        return;
    }
    if (!f->closed && c->ended_by_capture) {
        v->outcome = RD_OUTCOME_INCOMPLETE;
        rd_format(v->explanation, sizeof(v->explanation),
                  "The capture ended while the connection was still in the %s phase.%s%s",
                  rd_phase_name(v->phase),
                  f->s != NULL && f->s->malformed > 0 ? " Bytes that do not parse as RDP: " : "",
                  f->s != NULL && f->s->malformed > 0 ? f->s->first_malformed : "");
        if (f->s != NULL && f->s->malformed > 0) {
            rd_verdict_evidence(v, f->s->first_malformed_frame, 0, "%s", f->s->first_malformed);
        }
        return;
    }
    v->outcome = RD_OUTCOME_FAILED;
    v->cause = RD_CAUSE_UNKNOWN;
    rd_format(v->explanation, sizeof(v->explanation),
              "The connection ended in the %s phase (closed by %s) with no error visible in the "
              "capture.",
              rd_phase_name(v->phase), rd_diag_closer_words(v));
    rd_diag_cite_close(c, v);
}

/* Heavy loss is worth a word even on a connection that worked: more than this
 * share of a direction's segments retransmitted, and at least a handful. */
#define RETRANS_WARN_PERMILLE 20
#define RETRANS_WARN_MIN      5

static void add_warning(struct rd_verdict *v, const char *text)
{
    size_t n = strlen(v->warning);

    if (n > 0 && n + 2 < sizeof(v->warning)) {
        rd_format(v->warning + n, sizeof(v->warning) - n, "; %s", text);
    } else if (n == 0) {
        rd_format(v->warning, sizeof(v->warning), "%s", text);
    }
}

/* Findings that do not make a connection fail but that a sysadmin should hear. */
static void warnings(const struct rd_dfacts *f, struct rd_verdict *v)
{
    const struct rd_conn *c = f->c;
    const struct rd_tls_facts *t = f->s != NULL ? &f->s->tls : NULL;
    char buf[160];

    if (v->outcome == RD_OUTCOME_FAILED) {
        return;
    }
    if (t != NULL && t->cert_parsed) {
        if (t->expired) {
            add_warning(v, "the server certificate had expired at capture time (the user "
                           "accepted it)");
        } else if (t->not_yet_valid) {
            add_warning(v, "the server certificate was not yet valid at capture time");
        } else if (t->expiring_soon) {
            add_warning(v, "the server certificate expires within 30 days");
        }
        if (t->weak_key) {
            add_warning(v, "the server certificate's key is weak");
        }
        if (t->weak_sig) {
            add_warning(v, "the server certificate is signed with a weak hash (SHA-1 or MD5)");
        }
    }
    for (int d = 0; d < 2; d++) {
        const struct rd_tcpdir *td = &c->tcp[d];
        if (td->retrans >= RETRANS_WARN_MIN &&
            (uint64_t)td->retrans * 1000 > td->packets * RETRANS_WARN_PERMILLE) {
            rd_format(buf, sizeof(buf), "heavy loss: %u of the %s's %llu segments retransmitted",
                      td->retrans, d == RD_DIR_C2S ? "client" : "server",
                      (unsigned long long)td->packets);
            add_warning(v, buf);
        }
        if (td->zero_windows > 0) {
            rd_format(buf, sizeof(buf),
                      "the %s advertised a zero window %u times (a stalled "
                      "receiver)",
                      d == RD_DIR_C2S ? "client" : "server", td->zero_windows);
            add_warning(v, buf);
        }
    }
}

/* Evidence reads in the order of the capture. */
static void sort_evidence(struct rd_verdict *v)
{
    for (unsigned i = 1; i < v->n_evidence; i++) {
        struct rd_evidence e = v->evidence[i];
        unsigned j = i;
        while (j > 0 && v->evidence[j - 1].frame > e.frame) {
            v->evidence[j] = v->evidence[j - 1];
            j--;
        }
        v->evidence[j] = e;
    }
}

void rd_diagnose(const struct rd_conn *c, struct rd_verdict *v)
{
    const struct rd_cause_info *info;
    struct rd_dfacts f;

    memset(v, 0, sizeof(*v));
    derive(c, &f);
    common(&f, v);
    v->cause = RD_CAUSE_COUNT;
    for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
        if (rules[i].match(&f, v)) {
            v->cause = rules[i].cause;
            v->outcome = RD_OUTCOME_FAILED;
            break;
        }
        v->n_evidence = 0; /* a rule that declined leaves nothing behind */
        v->n_remedies = 0;
        v->client_error_confidence = NULL;
        v->detail_json[0] = '\0';
        v->explanation[0] = '\0';
    }
    if (v->cause == RD_CAUSE_COUNT) {
        fallback(&f, v);
    }
    warnings(&f, v);
    sort_evidence(v);
    info = rd_cause_info(v->cause);
    if (v->detail_json[0] == '\0') {
        rd_format(v->detail_json, sizeof(v->detail_json), "{}");
    }
    if (v->explanation[0] == '\0') {
        rd_format(v->explanation, sizeof(v->explanation), "%s", info->explanation);
    }
    if (v->outcome == RD_OUTCOME_FAILED && v->client_error_confidence != NULL) {
        /* The rule said there is no RDP client error to predict ("" set, no code). */
        v->client_error[0] = '\0';
    } else if (v->outcome == RD_OUTCOME_FAILED) {
        rd_format(v->client_error, sizeof(v->client_error), "%s", info->client_error);
        v->client_error_confidence = info->confidence;
        for (unsigned i = 0; v->n_remedies == 0 && i < RD_REMEDY_MAX && info->remedies[i] != NULL;
             i++) {
            v->remedies[i] = info->remedies[i];
            if (info->remedies[i + 1 < RD_REMEDY_MAX ? i + 1 : i] == NULL ||
                i + 1 == RD_REMEDY_MAX) {
                v->n_remedies = i + 1;
            }
        }
    } else {
        v->client_error_confidence = "";
    }
}

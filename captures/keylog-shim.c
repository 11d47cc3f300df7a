/*
 * captures/keylog-shim.c - an LD_PRELOAD shim that makes an OpenSSL program write its
 * TLS secrets in the NSS key log format to $SSLKEYLOGFILE.
 *
 * FreeRDP 2 (xfreerdp, freerdp-shadow-cli) has no key log of its own.  OpenSSL 1.1.1
 * and later call an SSL_CTX's keylog callback with one finished NSS key log line
 * (CLIENT_RANDOM for TLS 1.2 and older; CLIENT_HANDSHAKE_TRAFFIC_SECRET,
 * SERVER_HANDSHAKE_TRAFFIC_SECRET, CLIENT_TRAFFIC_SECRET_0, SERVER_TRAFFIC_SECRET_0 and
 * EXPORTER_SECRET for TLS 1.3), without the newline.  This shim wraps SSL_new: before
 * the real SSL_new runs, it installs that callback on the context unless the program
 * installed one itself.  Each line is appended with one write(2) on a descriptor opened
 * with O_APPEND, so lines from several connections never interleave.
 *
 * Built by captures/mk-rdp.sh (not part of rdpdiag):
 *   cc -shared -fPIC -o keylog-shim.so captures/keylog-shim.c -ldl -lssl
 * Used as:
 *   SSLKEYLOGFILE=/tmp/x.keylog LD_PRELOAD=/path/keylog-shim.so xfreerdp ...
 *
 * A test tool only: anyone holding the key log can read the session.
 */
#if defined(HAVE_CONFIG_H)
#include "config.h"
#endif

#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
#include <dlfcn.h>
#include <fcntl.h>
#include <openssl/ssl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* NSS key log lines are at most "CLIENT_HANDSHAKE_TRAFFIC_SECRET " + 64 hex + " " + 96
 * hex; anything longer than this buffer is not a key log line we know and is skipped. */
#define KEYLOG_LINE_MAX 512

typedef SSL *(*ssl_new_fn)(SSL_CTX *ctx);

void keylog_shim_write(const SSL *ssl, const char *line);
SSL *SSL_new(SSL_CTX *ctx);

void keylog_shim_write(const SSL *ssl, const char *line)
{
    (void)ssl;
    const char *path = getenv("SSLKEYLOGFILE");
    if (path == NULL || path[0] == '\0' || line == NULL)
        return;
    size_t n = strlen(line);
    if (n == 0 || n + 1 > KEYLOG_LINE_MAX)
        return;
    char buf[KEYLOG_LINE_MAX];
    memcpy(buf, line, n);
    buf[n] = '\n';
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0)
        return;
    ssize_t w = write(fd, buf, n + 1);
    (void)w; /* nothing sensible to do on a short write inside someone else's process */
    close(fd);
}

SSL *SSL_new(SSL_CTX *ctx)
{
    static ssl_new_fn real_ssl_new;
    if (real_ssl_new == NULL) {
        void *sym = dlsym(RTLD_NEXT, "SSL_new");
        if (sym == NULL)
            return NULL;
        /* POSIX guarantees a dlsym function pointer converts back to a function type. */
        memcpy(&real_ssl_new, &sym, sizeof real_ssl_new);
    }
    if (ctx != NULL && SSL_CTX_get_keylog_callback(ctx) == NULL)
        SSL_CTX_set_keylog_callback(ctx, keylog_shim_write);
    return real_ssl_new(ctx);
}

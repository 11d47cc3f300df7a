/*
 * fuzz_cli.c - the command line as a user runs it: rdpdiag -r FILE with one of
 * a few option sets (picked by the input's size, so a file always replays the
 * same way), standard output thrown away.  Reaches what fuzz_pcap.c does not:
 * option handling, run.c, capture.c's own loop and offline filter, the
 * pcapng key walk on the real path, attempts and the summary.  Each run must
 * leave as many file descriptors open as it found: --check and a library
 * caller run many captures in one process.
 */
#include "config.h"

#include <dirent.h>
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "memfd_input.h"

/* File descriptors open in this process (the count includes the directory's own). */
static int open_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    int n = 0;

    if (d == NULL) {
        return -1;
    }
    while (readdir(d) != NULL) {
        n++;
    }
    closedir(d);
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool quiet;
    static char path[64];
    static char a0[] = "rdpdiag", r[] = "-r", json[] = "--json", v[] = "-v", all[] = "--all",
                q[] = "-q", port[] = "--port", p3390[] = "3390", nokeys[] = "--no-embedded-keys",
                filter[] = "tcp port 3389";
    char *sets[6][6] = {
        {a0, r, path, json, NULL},      {a0, r, path, v, all, NULL},
        {a0, r, path, q, NULL},         {a0, r, path, all, json, port},
        {a0, r, path, v, nokeys, NULL}, {a0, r, path, all, filter, NULL},
    };
    char *argv[8];
    int argc = 0;
    size_t set = size % 6;

    if (!quiet) {
        if (freopen("/dev/null", "w", stdout) == NULL) {
            fz_fail("cannot send standard output to /dev/null");
        }
        quiet = true;
    }
    snprintf(path, sizeof(path), "%s", fz_memfd_path(data, size));
    for (int i = 0; i < 6 && sets[set][i] != NULL; i++) {
        argv[argc++] = sets[set][i];
    }
    if (set == 3) {
        argv[argc++] = p3390;
    }
    argv[argc] = NULL;
    optind = 0; /* glibc: start getopt afresh */
    int before = open_fds();
    (void)rd_cli_main(argc, argv);
    if (before >= 0 && open_fds() > before) {
        fz_fail("rd_cli_main left a file descriptor open");
    }
    return 0;
}

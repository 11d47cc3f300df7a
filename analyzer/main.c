/* main.c - the rdpdiag command: parse options, run, exit. */
#include "config.h"

#include <malloc.h>
#include <stdlib.h>

#include "cli.h"

int main(int argc, char **argv)
{
    /* Connections come and go by the thousand: keep freed memory at the top
     * of the heap instead of returning it and faulting it in again (the peak
     * RSS is what it was; only the trimming stops). */
    (void)mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
    (void)mallopt(M_TOP_PAD, 4 * 1024 * 1024);
    exit(rd_cli_main(argc, argv));
}

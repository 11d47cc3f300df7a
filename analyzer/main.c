/* main.c - the rdpdiag command: parse options, run, exit. */
#include "config.h"

#include <stdlib.h>

#include "cli.h"

int main(int argc, char **argv)
{
    exit(rd_cli_main(argc, argv));
}

/* cli.h - the command line (DESIGN.md "Interfaces"); exit codes are defined here only. */
#ifndef RD_CLI_H
#define RD_CLI_H

#define RD_EXIT_OK     0 /* no failed connection */
#define RD_EXIT_FAILED 1 /* at least one failed connection (or a --check mismatch) */
#define RD_EXIT_USAGE  2 /* usage error or unreadable input */

#define RD_ERRBUF_SIZE 512

/* Parse argv, run, and return the exit status. */
int rd_cli_main(int argc, char **argv);

#endif

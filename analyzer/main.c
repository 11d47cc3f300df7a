/* main.c - placeholder until the CLI lands. */
#include "config.h"

int main(void)
{
    return 0;
}

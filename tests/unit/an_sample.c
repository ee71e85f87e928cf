/*
 * an_sample: writes the constructed results file of an_fixture.h for the end-to-end tests
 * of summarize and compare (tests/integration/test_summarize_compare.sh).
 *
 *   an_sample OUT.h5 [--independent] [--incomplete]
 *
 * --independent records common_random_numbers = 0; --incomplete closes the file as an
 * interrupted writer would (no `complete` attribute).
 */
#include <stdio.h>
#include <string.h>

#include "an_fixture.h"

int main(int argc, char **argv)
{
    int independent = 0, complete = 1;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--independent") == 0)
            independent = 1;
        else if (strcmp(argv[i], "--incomplete") == 0)
            complete = 0;
        else
            argc = 0;
    }
    if (argc < 2) {
        fprintf(stderr, "usage: an_sample OUT.h5 [--independent] [--incomplete]\n");
        return 2;
    }
    sim_h5_quiet();
    return an_fix_write(argv[1], independent, complete) == 0 ? 0 : 1;
}

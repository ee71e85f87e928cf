/* ecotwin inspect: describe a results file in words. */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "sim_h5.h"

static void usage(FILE *out)
{
    fprintf(out, "Usage: ecotwin inspect RESULTS.h5\n\n"
                 "Describes a results file: which ecotwin and scenario made it, when, whether it\n"
                 "is complete (how many runs finished), its dimensions and every variable with\n"
                 "its shape, units and meaning.\n\n"
                 "Options:\n"
                 "  -h, --help    show this help\n\n"
                 "Exit: 0 ok, 66 missing or not an ecotwin file, 74 unreadable, 2 usage.\n");
}

int cmd_inspect(int argc, char **argv)
{
    static const struct option opts[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'h') {
            usage(stdout);
            return 0;
        }
        return cli_usage_error("inspect", "invalid option");
    }
    if (optind != argc - 1)
        return cli_usage_error("inspect", "expected exactly one results file");
    sim_error err;
    sim_error_clear(&err);
    sim_status st = sim_h5_inspect(argv[optind], stdout, &err);
    if (st != SIM_OK) {
        cli_errorf("inspect", "%s", err.msg);
        return sim_status_exit_code(st);
    }
    return 0;
}

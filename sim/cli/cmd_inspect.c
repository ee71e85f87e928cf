/* ecotwin inspect: describe a results file in words.
 *
 * The description is made in a child process: HDF5 1.10.8 has known crashes on damaged and
 * crafted files (docs/reliability.md), and a results file may come from anywhere. The child
 * writes the description into a pipe and exits with inspect's exit code; the parent prints
 * the description only when the child ended normally, and turns a child killed by a signal
 * into exit 74 with a message that names the file. HDF5 can also loop forever on a damaged
 * file (a global heap, found by fuzz_h5_inspect): a child that spends CLI_PROBE_CPU_S
 * seconds of CPU ($ECOTWIN_INSPECT_CPU_S, which the tests shorten) without reading anything
 * new is stopped the same way. The child is cli_probe_run's, shared with every command that reads a
 * results file. Without fork (or when it fails) the description is made in this process. */
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
                 "Exit: 0 ok, 66 missing or not an ecotwin file, 74 unreadable (also when the\n"
                 "HDF5 library crashes on a damaged file), 2 usage.\n");
}

static int describe(const char *path, FILE *out)
{
    sim_error err;
    sim_error_clear(&err);
    sim_status st = sim_h5_inspect(path, out, &err);
    if (st != SIM_OK) {
        cli_errorf("inspect", "%s", err.msg);
        return sim_status_exit_code(st);
    }
    return 0;
}

static int describe_into(const char *path, FILE *out, void *ctx)
{
    (void)ctx;
    return describe(path, out);
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
    /* The child describes into a pipe; the parent prints the description only when the
     * child ended normally (cli_probe.c). */
    int code = cli_probe_run("inspect", argv[optind], describe_into, NULL, stdout);
    return code >= 0 ? code : describe(argv[optind], stdout);
}

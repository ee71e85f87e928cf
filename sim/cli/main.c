/* ecotwin: a discrete-event simulator of value creation in digital-twin business ecosystems.
 * main dispatches to a subcommand from a {name, function, summary} table, git-style. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_version.h>
#include <hdf5.h>
#include <yaml.h>

#include "cli.h"
#include "cli_mpi.h"
#include "sim_h5.h"
#include "sim_version.h"

typedef struct command {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
} command;

static const command commands[] = {
    {"run", cmd_run, "run the replications of a scenario and write one HDF5 results file"},
    {"sweep", cmd_sweep, "run every design point of a sweep file in parallel into one file"},
    {"merge", cmd_merge, "combine the shard files of a sweep (--shard, job arrays) into one"},
    {"validate", cmd_validate, "check a scenario file and report every error in it"},
    {"inspect", cmd_inspect, "describe a results file: provenance, completeness, contents"},
    {"summarize", cmd_summarize,
     "mean, sd and confidence interval of each metric per configuration"},
    {"compare", cmd_compare, "differences between configurations with CIs, paired or Welch, Holm"},
    {"verify", cmd_verify, "reproduce queueing and reliability theory (SPEC cases V1-V7)"},
    {"sensitivity", cmd_sensitivity, "Sobol indices and regression coefficients of a sweep"},
    {"plot", cmd_plot, "draw a figure of a results file (PNG and SVG, matplotlib)"},
    {"report", cmd_report, "write an HTML report of a results file for a browser"},
    {NULL, NULL, NULL},
};

static void print_usage(FILE *out)
{
    fprintf(out, "Usage: ecotwin COMMAND [OPTIONS] [ARGS]\n"
                 "       ecotwin --version | --help\n\n"
                 "Simulates digital-twin business ecosystems in manufacturing: companies with\n"
                 "assets, orders, failures, maintenance and twins; writes metrics to HDF5.\n\n"
                 "Commands:\n");
    for (const command *c = commands; c->name != NULL; c++)
        fprintf(out, "  %-11s %s\n", c->name, c->summary);
    fprintf(out, "\nRun 'ecotwin COMMAND --help' for a command's options.\n"
                 "Exit codes: 0 ok, 1 verification failed, 2 usage, 65 invalid scenario,\n"
                 "66 missing input, 70 internal error, 74 I/O error, 75 interrupted.\n");
}

static void print_version(void)
{
    unsigned maj = 0, min = 0, rel = 0;
    H5get_libversion(&maj, &min, &rel);
    printf("ecotwin %s (commit %s)\n", ECOTWIN_VERSION, ECOTWIN_GIT_COMMIT);
    char mpi[256];
    cli_mpi_version(mpi, sizeof mpi);
    printf("HDF5 %u.%u.%u, GSL %s, libyaml %s, %s\n", maj, min, rel, gsl_version,
           yaml_get_version_string(), mpi);
}

int main(int argc, char **argv)
{
    /* GSL's default handler aborts; errors are values here. */
    gsl_set_error_handler_off();
    sim_h5_quiet();
    char *line = cli_join_args(argc, argv);
    cli_set_command_line(line);

    int rc = CLI_EXIT_USAGE;
    if (argc < 2) {
        print_usage(stderr);
    } else if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
               strcmp(argv[1], "help") == 0) {
        print_usage(stdout);
        rc = 0;
    } else if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
        print_version();
        rc = 0;
    } else {
        const command *c = commands;
        while (c->name != NULL && strcmp(c->name, argv[1]) != 0)
            c++;
        if (c->name != NULL) {
            rc = c->fn(argc - 1, argv + 1);
        } else {
            fprintf(stderr, "ecotwin: unknown command '%s'\n\n", argv[1]);
            print_usage(stderr);
        }
    }
    cli_set_command_line(NULL);
    free(line);
    return rc;
}

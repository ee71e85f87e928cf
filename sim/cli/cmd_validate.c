/* ecotwin validate: load a scenario through the same path as run, report every error. */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"

static void usage(FILE *out)
{
    fprintf(out, "Usage: ecotwin validate [--print] SCENARIO.yaml\n\n"
                 "Checks a scenario file against the schema and reports every problem as\n"
                 "FILE:LINE:COL: message, all in one pass. Nothing is run or written.\n\n"
                 "Options:\n"
                 "  -p, --print   print the fully resolved scenario (extends: merged, defaults\n"
                 "                filled in) on stdout when it is valid\n"
                 "  -h, --help    show this help\n\n"
                 "Exit: 0 valid, 65 invalid, 66 file missing, 2 usage.\n");
}

int cmd_validate(int argc, char **argv)
{
    static const struct option opts[] = {
        {"print", no_argument, NULL, 'p'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    int print = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "ph", opts, NULL)) != -1) {
        if (c == 'p') {
            print = 1;
        } else if (c == 'h') {
            usage(stdout);
            return 0;
        } else {
            return cli_usage_error("validate", "invalid option");
        }
    }
    if (optind != argc - 1)
        return cli_usage_error("validate", "expected exactly one scenario file");
    const char *path = argv[optind];
    sim_error err;
    sim_error_clear(&err);
    sim_scenario *sc = NULL;
    sim_status st = sim_scenario_open(path, NULL, &sc, &err);
    if (st != SIM_OK) {
        cli_report_scenario_errors("validate", sc, &err);
        sim_scenario_free(sc);
        return sim_status_exit_code(st);
    }
    if (print) {
        fputs(sc->resolved_yaml, stdout);
    } else {
        printf("%s: valid (model %s; %zu replication%s x %zu variant%s = %zu runs; horizon %g h, "
               "warm-up %g h)\n",
               path, sc->model->name, sc->replications, sc->replications == 1 ? "" : "s",
               sc->n_variants, sc->n_variants == 1 ? "" : "s", sim_scenario_n_runs(sc),
               sc->settings.horizon_h, sc->settings.warmup_h);
    }
    sim_scenario_free(sc);
    return 0;
}

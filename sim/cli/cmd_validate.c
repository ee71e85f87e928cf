/* ecotwin validate: load a scenario through the same path as run, report every error. */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "sim_sweep.h"

static void usage(FILE *out)
{
    fprintf(out, "Usage: ecotwin validate [--print] SCENARIO.yaml|SWEEP.yaml\n\n"
                 "Checks a scenario file against the schema and reports every problem as\n"
                 "FILE:LINE:COL: message, all in one pass. Nothing is run or written.\n"
                 "A file with a top-level sweep: section is checked as a sweep (its base\n"
                 "scenario, factor paths and design) and its design points are counted.\n\n"
                 "Options:\n"
                 "  -p, --print   print the fully resolved scenario (extends: merged, defaults\n"
                 "                filled in) on stdout when it is valid\n"
                 "  -h, --help    show this help\n\n"
                 "Exit: 0 valid, 65 invalid, 66 file missing, 2 usage.\n");
}

/* A sweep file: every error of the file, its base and its design, or a one-line summary. */
static int validate_sweep(const char *path, int print)
{
    sim_error err;
    sim_error_clear(&err);
    sim_sweep *sw = NULL;
    sim_status st = sim_sweep_open(path, NULL, &sw, &err);
    size_t n = sw != NULL ? sim_sweep_diag_count(sw) : 0;
    for (size_t i = 0; st != SIM_OK && i < n; i++)
        fprintf(stderr, "%s\n", sim_sweep_diag_text(sw, i));
    if (st != SIM_OK && n > 0)
        fprintf(stderr, "ecotwin validate: %zu error%s; nothing was run or written\n", n,
                n == 1 ? "" : "s");
    else if (st != SIM_OK)
        cli_errorf("validate", "%s", err.msg);
    if (st == SIM_OK) {
        const sim_scenario *base = sim_sweep_base(sw);
        size_t points = sim_sweep_n_points(sw), runs = sim_scenario_n_runs(base);
        cli_report_scenario_warnings(base);
        if (print)
            fputs(sim_sweep_resolved_yaml(sw), stdout);
        else
            printf("%s: valid sweep (design %s; %zu factor%s; %zu design point%s x %zu "
                   "replication%s x %zu variant%s = %zu runs; model %s)\n",
                   path, sim_sweep_design_name(sim_sweep_design(sw)), sim_sweep_n_factors(sw),
                   sim_sweep_n_factors(sw) == 1 ? "" : "s", points, points == 1 ? "" : "s",
                   base->replications, base->replications == 1 ? "" : "s", base->n_variants,
                   base->n_variants == 1 ? "" : "s", points * runs, base->model->name);
    }
    sim_sweep_free(sw);
    return sim_status_exit_code(st);
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
    if (sim_sweep_file_is_sweep(path))
        return validate_sweep(path, print);
    sim_error err;
    sim_error_clear(&err);
    sim_scenario *sc = NULL;
    sim_status st = sim_scenario_open(path, NULL, &sc, &err);
    if (st != SIM_OK) {
        cli_report_scenario_errors("validate", sc, &err);
        sim_scenario_free(sc);
        return sim_status_exit_code(st);
    }
    cli_report_scenario_warnings(sc);
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

/* sched_getaffinity and CPU_COUNT are GNU extensions. */
#define _GNU_SOURCE
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Process-wide state of the program, not of any run: the command line (set once in main,
 * read for provenance) and the interrupt flag (written by the signal handler, which can
 * touch nothing but a volatile sig_atomic_t). */
static const char *command_line = "";
static volatile sig_atomic_t interrupt_flag = 0;

#define PROGRESS_PLAIN_EVERY_S 5.0
#define PROGRESS_TTY_EVERY_S   0.1
#define PROGRESS_BAR_WIDTH     30

void cli_errorf(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "ecotwin %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "ecotwin %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'ecotwin %s --help'.\n", cmd);
    return CLI_EXIT_USAGE;
}

void cli_report_scenario_errors(const char *cmd, sim_scenario *sc, const sim_error *err)
{
    size_t n = sim_scenario_diag_count(sc);
    for (size_t i = 0; i < n; i++)
        fprintf(stderr, "%s\n", sim_scenario_diag_text(sc, i));
    if (n > 0)
        fprintf(stderr, "ecotwin %s: %zu error%s; nothing was run or written\n", cmd, n,
                n == 1 ? "" : "s");
    else if (err != NULL && err->msg[0] != '\0')
        cli_errorf(cmd, "%s", err->msg);
}

void cli_report_scenario_warnings(const sim_scenario *sc)
{
    for (size_t i = 0; i < sim_scenario_warning_count(sc); i++)
        fprintf(stderr, "%s\n", sim_scenario_warning_text(sc, i));
}

int cli_parse_u64(const char *s, uint64_t *out)
{
    if (s == NULL || *s == '\0' || *s == '-' || *s == '+')
        return -1;
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno != 0 || *end != '\0')
        return -1;
    *out = (uint64_t)v;
    return 0;
}

int cli_parse_count(const char *s, long long lo, long long hi, long long *out)
{
    if (s == NULL || *s == '\0')
        return -1;
    char *end = NULL;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

int cli_parse_double(const char *s, double *out)
{
    if (s == NULL || *s == '\0')
        return -1;
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (errno != 0 || *end != '\0' || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

char *cli_join_args(int argc, char **argv)
{
    size_t len = 1;
    for (int i = 0; i < argc; i++)
        len += strlen(argv[i]) + 1;
    char *s = malloc(len);
    if (s == NULL)
        return NULL;
    s[0] = '\0';
    for (int i = 0; i < argc; i++) {
        if (i > 0)
            strcat(s, " ");
        strcat(s, argv[i]);
    }
    return s;
}

const char *cli_command_line(void)
{
    return command_line;
}

void cli_set_command_line(const char *line)
{
    command_line = line != NULL ? line : "";
}

double cli_wall_time(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int stderr_is_terminal(void)
{
    const char *term = getenv("TERM");
    return isatty(STDERR_FILENO) && term != NULL && strcmp(term, "dumb") != 0;
}

/* https://no-color.org: set and not empty means no colour. */
static int color_allowed(void)
{
    const char *no = getenv("NO_COLOR");
    return no == NULL || no[0] == '\0';
}

void cli_progress_start(cli_progress *p, size_t total, int quiet)
{
    p->enabled = !quiet;
    p->tty = stderr_is_terminal();
    p->color = p->tty && color_allowed();
    p->start = p->last = cli_wall_time();
    p->total = total;
    p->base = 0;
    p->failed = 0;
}

static void format_duration(char *out, size_t n, double s)
{
    if (!isfinite(s) || s < 0)
        snprintf(out, n, "?");
    else if (s < 60)
        snprintf(out, n, "%.0f s", s);
    else if (s < 3600)
        snprintf(out, n, "%d min %02d s", (int)(s / 60), (int)fmod(s, 60));
    else
        snprintf(out, n, "%d h %02d min", (int)(s / 3600), (int)fmod(s / 60, 60));
}

static void progress_bar(const cli_progress *p, size_t done, double rate, const char *left,
                         int final)
{
    int fill = p->total ? (int)(PROGRESS_BAR_WIDTH * done / p->total) : PROGRESS_BAR_WIDTH;
    const char *on = p->color ? "\033[32m" : "", *off = p->color ? "\033[0m" : "";
    fprintf(stderr, "\r[%s%-*.*s%s] %zu/%zu runs", on, PROGRESS_BAR_WIDTH, fill,
            "##############################", off, done, p->total);
    if (p->failed > 0)
        fprintf(stderr, ", %s%zu failed%s", p->color ? "\033[31m" : "", p->failed, off);
    fprintf(stderr, "  %.1f runs/s  %s left \033[K", rate, left);
    if (final)
        fputc('\n', stderr);
}

static void progress_draw(cli_progress *p, size_t done, double now, int final)
{
    double el = now - p->start;
    size_t fresh = done > p->base ? done - p->base : 0;
    double rate = el > 0 ? (double)fresh / el : 0.0;
    char left[32];
    format_duration(left, sizeof left, rate > 0 ? (double)(p->total - done) / rate : NAN);
    if (p->tty) {
        progress_bar(p, done, rate, left, final);
    } else {
        fprintf(stderr, "progress: %zu/%zu runs", done, p->total);
        if (p->failed > 0)
            fprintf(stderr, " (%zu failed)", p->failed);
        fprintf(stderr, ", %.1f runs/s, %.0f s elapsed, %s left\n", rate, el, left);
    }
    fflush(stderr);
}

void cli_progress_update(cli_progress *p, size_t done)
{
    if (!p->enabled)
        return;
    double now = cli_wall_time();
    double every = p->tty ? PROGRESS_TTY_EVERY_S : PROGRESS_PLAIN_EVERY_S;
    if (now - p->last < every)
        return;
    p->last = now;
    progress_draw(p, done, now, 0);
}

void cli_progress_finish(cli_progress *p, size_t done)
{
    if (p->enabled && p->tty)
        progress_draw(p, done, cli_wall_time(), 1);
}

/* Counts, saturating: a handler may touch nothing but a volatile sig_atomic_t. */
static void on_interrupt(int sig)
{
    (void)sig;
    if (interrupt_flag < 2)
        interrupt_flag = interrupt_flag + 1;
}

void cli_install_interrupt_handlers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_interrupt;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

int cli_interrupted(void)
{
    return (int)interrupt_flag;
}

int cli_env_count(const char *name, const char *ends)
{
    const char *v = getenv(name);
    if (v == NULL || *v == '\0')
        return 0;
    char *end = NULL;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno != 0 || end == v || (*end != '\0' && strchr(ends, *end) == NULL) || n < 1 ||
        n > SIM_POOL_MAX_THREADS)
        return 0;
    return (int)n;
}

static int cpus_available(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
        return CPU_COUNT(&set);
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)(n < SIM_POOL_MAX_THREADS ? n : SIM_POOL_MAX_THREADS) : 1;
}

int cli_threads(long long option, const char **source)
{
    const char *from = "--threads";
    int n = option > 0 ? (int)option : 0;
    /* OMP_NUM_THREADS may be a list ("4,2" for nested levels): its first number is the
     * outer level's. */
    if (n == 0 && (n = cli_env_count("OMP_NUM_THREADS", ",")) > 0)
        from = "OMP_NUM_THREADS";
    if (n == 0 && (n = cli_env_count("SLURM_CPUS_PER_TASK", ",")) > 0)
        from = "SLURM_CPUS_PER_TASK";
    if (n == 0) {
        n = cpus_available();
        from = "available CPUs";
    }
    if (source != NULL)
        *source = from;
    return n;
}

/* cli_probe: reading an untrusted results file in a child process. Contract in cli.h.
 *
 * HDF5 1.10.8 crashes or loops forever inside the library on some damaged and crafted files
 * (docs/reliability.md). A command that reads a results file first does the reads of its open
 * in a forked child with a CPU time limit; a child killed by a signal, SIGXCPU included, is
 * exit 74 with a message naming the file, before the command reads or writes anything. The
 * fork stays here, in the program: the libraries never fork. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "an_results.h"
#include "cli.h"
#include "sim_h5.h"

#define PROBE_IO_ERROR 74
/* CLI_PROBE_CPU_S (cli.h): describing the largest valid file (2^26 run statuses, every
 * variable's attributes) takes a few seconds; opening it for analysis about as long. */

static rlim_t cpu_limit(void)
{
    const char *text = getenv("ECOTWIN_INSPECT_CPU_S");
    long long s = 0;
    if (text != NULL && cli_parse_count(text, 1, 86400, &s) == 0)
        return (rlim_t)s;
    return CLI_PROBE_CPU_S;
}

/* The child: run fn into the pipe, exit with its code. _exit: no atexit handler (HDF5's
 * included) runs twice, and nothing buffered in the parent is flushed again. */
static void child(const char *path, cli_probe_fn fn, void *ctx, int fd)
{
    signal(SIGPIPE, SIG_DFL);
    signal(SIGXCPU, SIG_DFL);
    struct rlimit cpu = {.rlim_cur = cpu_limit(), .rlim_max = RLIM_INFINITY};
    struct rlimit old;
    if (getrlimit(RLIMIT_CPU, &old) == 0 && old.rlim_max != RLIM_INFINITY)
        cpu.rlim_max = old.rlim_max;
    if (cpu.rlim_cur > cpu.rlim_max)
        cpu.rlim_cur = cpu.rlim_max;
    setrlimit(RLIMIT_CPU, &cpu);
    FILE *out = fdopen(fd, "w");
    int code = out != NULL ? fn(path, out, ctx) : PROBE_IO_ERROR;
    if (out != NULL && fclose(out) != 0 && code == 0)
        code = PROBE_IO_ERROR;
    fflush(stderr);
    _exit(code);
}

/* Seconds of wall-clock time the child may take: its CPU limit, four times over (a loaded
 * machine), at least a minute. A child blocked without using CPU (HDF5 waiting on something
 * that never comes) would otherwise hold the command forever. */
static double wall_limit(void)
{
    double s = 4.0 * (double)cpu_limit();
    return s < 60.0 ? 60.0 : s;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Wait until fd can be read or the deadline passes; 0 when it passed. */
static int wait_readable(int fd, double deadline)
{
    for (;;) {
        double left = deadline - now_s();
        if (left <= 0)
            return 0;
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int rc = poll(&p, 1, left > 1000.0 ? 1000000 : (int)(left * 1000.0) + 1);
        if (rc > 0 || (rc < 0 && errno != EINTR))
            return 1;
    }
}

/* Everything the child wrote; NULL when out of memory (the rest is drained). *timed_out is set
 * when the deadline passed first. */
static char *read_all(int fd, size_t *len, double deadline, bool *timed_out)
{
    size_t cap = 1 << 16;
    char *text = malloc(cap);
    bool nomem = text == NULL;
    *len = 0;
    char scratch[4096];
    for (;;) {
        if (!nomem && *len == cap) {
            char *grown = realloc(text, 2 * cap);
            nomem = grown == NULL;
            if (grown != NULL) {
                text = grown;
                cap *= 2;
            }
        }
        char *into = nomem ? scratch : text + *len;
        size_t room = nomem ? sizeof scratch : cap - *len;
        if (!wait_readable(fd, deadline)) {
            *timed_out = true;
            break;
        }
        ssize_t n = read(fd, into, room);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        if (!nomem)
            *len += (size_t)n;
    }
    if (nomem) {
        free(text);
        return NULL;
    }
    return text;
}

/* The child's end: its exit code, or 74 after the message when a signal killed it. */
static int outcome(const char *cmd, const char *path, int status)
{
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGXCPU) {
        cli_errorf(cmd,
                   "%s: HDF5 failed reading it (no end after %llu s of CPU time): the file is "
                   "damaged",
                   path, (unsigned long long)cpu_limit());
        return PROBE_IO_ERROR;
    }
    if (WIFSIGNALED(status)) {
        cli_errorf(cmd,
                   "%s: HDF5 failed reading it (crashed in the library: %s): the file is "
                   "damaged",
                   path, strsignal(WTERMSIG(status)));
        return PROBE_IO_ERROR;
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : PROBE_IO_ERROR;
}

int cli_probe_run(const char *cmd, const char *path, cli_probe_fn fn, void *ctx, FILE *relay)
{
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        close(fds[0]);
        child(path, fn, ctx, fds[1]);
    }
    close(fds[1]);
    size_t len = 0;
    bool timed_out = false;
    char *text = read_all(fds[0], &len, now_s() + wall_limit(), &timed_out);
    close(fds[0]);
    if (timed_out)
        kill(pid, SIGKILL);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    int code = timed_out ? PROBE_IO_ERROR : outcome(cmd, path, status);
    if (timed_out)
        cli_errorf(cmd,
                   "%s: HDF5 failed reading it (no end after %.0f s): the file is damaged, or "
                   "the machine is stalled",
                   path, wall_limit());
    if (relay != NULL && !WIFSIGNALED(status)) {
        if (text == NULL) {
            cli_errorf(cmd, "%s: out of memory", path);
            code = PROBE_IO_ERROR;
        } else if ((len > 0 && fwrite(text, 1, len, relay) != len) || fflush(relay) != 0) {
            cli_errorf(cmd, "cannot write what was read from %s: %s", path, strerror(errno));
            code = PROBE_IO_ERROR;
        }
    }
    free(text);
    return code;
}

/* The reads of an open, in the child; 0 whether they succeed or fail cleanly (the command
 * repeats them in process for its own message). The reader's open, and the list of variables
 * with their attributes: merge reads the design from it, and copying runs (merge, --resume)
 * opens every variable. */
static int open_reader(const char *path, FILE *out, void *ctx)
{
    (void)out;
    (void)ctx;
    sim_error err;
    sim_error_clear(&err);
    sim_h5_reader_close(sim_h5_open_read(path, &err));
    sim_h5_vars *v = sim_h5_vars_open(path, &err);
    for (size_t i = 0; v != NULL && i < sim_h5_vars_count(v); i++) {
        const char *name = sim_h5_vars_info(v, i)->name;
        free(sim_h5_vars_attr_text(v, name, "units"));
        free(sim_h5_vars_attr_text(v, name, "long_name"));
        free(sim_h5_vars_attr_text(v, name, "flag_meanings"));
    }
    double crn = 0;
    if (v != NULL)
        sim_h5_vars_attr_num(v, NULL, "common_random_numbers", &crn);
    sim_h5_vars_close(v);
    return 0;
}

static int open_analysis(const char *path, FILE *out, void *ctx)
{
    (void)out;
    (void)ctx;
    sim_error err;
    sim_error_clear(&err);
    an_results_close(an_results_open(path, &err));
    return 0;
}

int cli_probe_file(const char *cmd, const char *path, cli_probe_read how)
{
    int code = cli_probe_run(cmd, path, how == CLI_PROBE_ANALYSIS ? open_analysis : open_reader,
                             NULL, NULL);
    return code == PROBE_IO_ERROR ? PROBE_IO_ERROR : 0;
}

/* cli_probe: reading an untrusted results file in a child process. Contract in cli.h.
 *
 * HDF5 1.10.8 crashes or loops forever inside the library on some damaged and crafted files
 * (docs/reliability.md). A command that reads a results file first reads it in a forked
 * child: the reads of its open, then every value it reads later. A child killed by a signal
 * is exit 74 with a message naming the file, before the command reads or writes anything.
 *
 * A loop is told from a long read by progress: the parent watches the bytes the child has
 * read from files (rchar in /proc/PID/io) and its CPU time (/proc/PID/stat). A child that
 * spends the CPU limit, or four times as long in wall-clock time, without reading anything
 * new is killed; a child that keeps reading may take as long as the file needs (a scan of a
 * large file takes minutes). Where /proc cannot be read, the limits count from the start,
 * and the CPU limit is the child's RLIMIT_CPU. The fork stays here, in the program: the
 * libraries never fork. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
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
#define PROBE_TICK_MS  250

/* CLI_PROBE_CPU_S (cli.h): describing the largest valid file (2^26 run statuses, every
 * variable's attributes) takes a few seconds, opening it for analysis about as long, and one
 * read of the largest chunk (16 MiB of values) well under a second. */
static unsigned long long cpu_limit(void)
{
    const char *text = getenv("ECOTWIN_INSPECT_CPU_S");
    long long s = 0;
    if (text != NULL && cli_parse_count(text, 1, 86400, &s) == 0)
        return (unsigned long long)s;
    return CLI_PROBE_CPU_S;
}

/* Seconds of wall-clock time without progress: the CPU limit four times over (a loaded
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

/* The text of /proc/PID/NAME into buf; false when it cannot be read. */
static bool proc_text(pid_t pid, const char *name, char *buf, size_t cap)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/%s", (long)pid, name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    ssize_t n = read(fd, buf, cap - 1);
    close(fd);
    if (n <= 0)
        return false;
    buf[n] = '\0';
    return true;
}

/* Bytes pid has read (rchar), or -1. */
static long long proc_read_bytes(pid_t pid)
{
    char buf[512];
    const char *at = proc_text(pid, "io", buf, sizeof buf) ? strstr(buf, "rchar:") : NULL;
    return at != NULL ? strtoll(at + 6, NULL, 10) : -1;
}

/* CPU seconds pid has used (user and system), or -1. */
static double proc_cpu_s(pid_t pid)
{
    char buf[1024];
    const char *close_paren = proc_text(pid, "stat", buf, sizeof buf) ? strrchr(buf, ')') : NULL;
    if (close_paren == NULL)
        return -1;
    /* After "(comm)": state is field 3; utime and stime are fields 14 and 15. */
    unsigned long long utime = 0, stime = 0;
    if (sscanf(close_paren + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime,
               &stime) != 2)
        return -1;
    long tick = sysconf(_SC_CLK_TCK);
    return tick > 0 ? (double)(utime + stime) / (double)tick : -1;
}

/* Whether the parent can watch a child's progress: it can read its own /proc entries. */
static bool can_watch(void)
{
    return proc_read_bytes(getpid()) >= 0 && proc_cpu_s(getpid()) >= 0;
}

/* The child: run fn into the pipe, exit with its code. _exit: no atexit handler (HDF5's
 * included) runs twice, and nothing buffered in the parent is flushed again. Without a
 * parent watching, the CPU limit is the child's own. */
static void child(const char *path, cli_probe_fn fn, void *ctx, int fd, bool watched)
{
    signal(SIGPIPE, SIG_DFL);
    signal(SIGXCPU, SIG_DFL);
    if (!watched) {
        struct rlimit cpu = {.rlim_cur = (rlim_t)cpu_limit(), .rlim_max = RLIM_INFINITY};
        struct rlimit old;
        if (getrlimit(RLIMIT_CPU, &old) == 0 && old.rlim_max != RLIM_INFINITY)
            cpu.rlim_max = old.rlim_max;
        if (cpu.rlim_cur > cpu.rlim_max)
            cpu.rlim_cur = cpu.rlim_max;
        setrlimit(RLIMIT_CPU, &cpu);
    }
    FILE *out = fdopen(fd, "w");
    int code = out != NULL ? fn(path, out, ctx) : PROBE_IO_ERROR;
    if (out != NULL && fclose(out) != 0 && code == 0)
        code = PROBE_IO_ERROR;
    fflush(stderr);
    _exit(code);
}

/* Why the parent killed the child, if it did. */
typedef enum probe_stop { STOP_NONE, STOP_CPU, STOP_WALL } probe_stop;

/* The child's progress as last seen: bytes read, and the CPU and wall-clock times then. */
typedef struct probe_watch {
    pid_t pid;
    bool watched;
    long long read_bytes;
    double cpu_mark, wall_mark;
} probe_watch;

/* Look at the child once; STOP_CPU or STOP_WALL when it has gone too long without
 * progress. */
static probe_stop watch_tick(probe_watch *w)
{
    double now = now_s();
    double cpu = w->watched ? proc_cpu_s(w->pid) : -1;
    long long bytes = w->watched ? proc_read_bytes(w->pid) : -1;
    if (bytes > w->read_bytes) {
        w->read_bytes = bytes;
        w->cpu_mark = cpu;
        w->wall_mark = now;
    }
    if (cpu >= 0 && w->cpu_mark >= 0 && cpu - w->cpu_mark > (double)cpu_limit())
        return STOP_CPU;
    return now - w->wall_mark > wall_limit() ? STOP_WALL : STOP_NONE;
}

/* Everything the child wrote, while watching it; NULL when out of memory (the rest is
 * drained). *stop is set when the child went too long without progress. */
static char *read_all(int fd, size_t *len, probe_watch *w, probe_stop *stop)
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
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int rc = poll(&p, 1, PROBE_TICK_MS);
        if (rc == 0 || (rc < 0 && errno == EINTR)) {
            *stop = watch_tick(w);
            if (*stop != STOP_NONE)
                break;
            continue;
        }
        char *into = nomem ? scratch : text + *len;
        size_t room = nomem ? sizeof scratch : cap - *len;
        ssize_t n = rc > 0 ? read(fd, into, room) : -1;
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
static int outcome(const char *cmd, const char *path, int status, probe_stop stop)
{
    if (stop == STOP_CPU || (WIFSIGNALED(status) && WTERMSIG(status) == SIGXCPU)) {
        cli_errorf(cmd,
                   "%s: HDF5 failed reading it (no end after %llu s of CPU time): the file is "
                   "damaged",
                   path, cpu_limit());
        return PROBE_IO_ERROR;
    }
    if (stop == STOP_WALL) {
        cli_errorf(cmd,
                   "%s: HDF5 failed reading it (no end after %.0f s): the file is damaged, or "
                   "the machine is stalled",
                   path, wall_limit());
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
    bool watched = can_watch();
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        close(fds[0]);
        child(path, fn, ctx, fds[1], watched);
    }
    close(fds[1]);
    probe_watch w = {.pid = pid, .watched = watched, .read_bytes = -1, .wall_mark = now_s()};
    w.cpu_mark = watched ? proc_cpu_s(pid) : -1;
    size_t len = 0;
    probe_stop stop = STOP_NONE;
    char *text = read_all(fds[0], &len, &w, &stop);
    close(fds[0]);
    if (stop != STOP_NONE)
        kill(pid, SIGKILL);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    int code = outcome(cmd, path, status, stop);
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

/* In the child: what the command will read (the contracts of sim_h5_probe and
 * an_results_probe); 0 whether the reads succeed or fail cleanly (the command repeats them
 * in process for its own message). */
static int probe_reader(const char *path, FILE *out, void *ctx)
{
    (void)out;
    (void)ctx;
    sim_error err;
    sim_error_clear(&err);
    (void)sim_h5_probe(path, &err);
    return 0;
}

typedef struct probe_metrics {
    char *const *lists; /* --metric arguments: comma lists of names */
    size_t n;
} probe_metrics;

static int probe_analysis(const char *path, FILE *out, void *ctx)
{
    (void)out;
    const probe_metrics *m = ctx;
    size_t n = 0;
    for (size_t i = 0; i < m->n; i++)
        for (const char *c = m->lists[i]; c != NULL && *c != '\0'; c++)
            n += *c == ',';
    n += m->n;
    char **names = calloc(n > 0 ? n : 1, sizeof *names);
    size_t k = 0;
    for (size_t i = 0; names != NULL && i < m->n; i++) {
        char *copy = strdup(m->lists[i] != NULL ? m->lists[i] : ""), *save = NULL;
        for (char *w = copy != NULL ? strtok_r(copy, ",", &save) : NULL; w != NULL && k < n;
             w = strtok_r(NULL, ",", &save))
            names[k++] = strdup(w);
        free(copy);
    }
    sim_error err;
    sim_error_clear(&err);
    (void)an_results_probe(path, (const char *const *)names, k, &err);
    for (size_t i = 0; i < k; i++)
        free(names[i]);
    free(names);
    return 0;
}

int cli_probe_file(const char *cmd, const char *path, cli_probe_read how, char *const *metrics,
                   size_t n_metrics)
{
    probe_metrics m = {.lists = metrics, .n = n_metrics};
    int code = how == CLI_PROBE_ANALYSIS ? cli_probe_run(cmd, path, probe_analysis, &m, NULL)
                                         : cli_probe_run(cmd, path, probe_reader, NULL, NULL);
    return code == PROBE_IO_ERROR ? PROBE_IO_ERROR : 0;
}

/* One worker of cli_probe_files: files first, first + step, ...; exits 74 at the first
 * failure, else 0. */
static void probe_worker(const char *cmd, const char *const *paths, size_t n, size_t first,
                         size_t step)
{
    int code = 0;
    for (size_t i = first; i < n && code == 0; i += step)
        code = cli_probe_file(cmd, paths[i], CLI_PROBE_READER, NULL, 0);
    fflush(stderr);
    _exit(code);
}

static int probe_each(const char *cmd, const char *const *paths, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int code = cli_probe_file(cmd, paths[i], CLI_PROBE_READER, NULL, 0);
        if (code != 0)
            return code;
    }
    return 0;
}

/* The probes of several files are independent reads, each in its own child: workers share
 * them out, so the files are read side by side (a merge's shards). A worker that cannot be
 * started or ends abnormally leaves the work to a plain probe of every file. */
int cli_probe_files(const char *cmd, const char *const *paths, size_t n)
{
    size_t k = (size_t)cli_threads(0, NULL);
    if (k > CLI_PROBE_MAX_PARALLEL)
        k = CLI_PROBE_MAX_PARALLEL;
    if (k > n)
        k = n;
    if (k <= 1)
        return probe_each(cmd, paths, n);
    pid_t workers[CLI_PROBE_MAX_PARALLEL];
    size_t started = 0;
    fflush(NULL);
    for (; started < k; started++) {
        workers[started] = fork();
        if (workers[started] < 0)
            break;
        if (workers[started] == 0)
            probe_worker(cmd, paths, n, started, k);
    }
    bool failed = false, sound = started == k;
    for (size_t w = 0; w < started; w++) {
        int status = 0;
        while (waitpid(workers[w], &status, 0) < 0 && errno == EINTR)
            ;
        failed |= WIFEXITED(status) && WEXITSTATUS(status) == PROBE_IO_ERROR;
        sound &= WIFEXITED(status) &&
                 (WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == PROBE_IO_ERROR);
    }
    if (failed)
        return PROBE_IO_ERROR;
    return sound ? 0 : probe_each(cmd, paths, n);
}

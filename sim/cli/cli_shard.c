/* cli_shard: which share of a sweep this process runs (`--shard I/N`, else a Slurm job array's
 * task), and the file name of that share.
 *
 * Slurm numbers the tasks of `--array=MIN-MAX[:STEP]` SLURM_ARRAY_TASK_ID = MIN, MIN + STEP,
 * ... and sets SLURM_ARRAY_TASK_COUNT, _MIN, _MAX and _STEP; the shard is the task's position,
 * (ID - MIN) / STEP, of COUNT. An array that is not such a range (`--array=1,4,9`, typically
 * a resubmission of some tasks of the first array, whose COUNT and MIN no longer describe
 * the sweep's layout) is refused with a pointer to --shard, and so is an array of one task
 * whose index is not 0 (`--array=3`), rather than silently running another layout. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define SHARD_INFIX_MAX 64

static int whole(cli_shard *s, const char *source)
{
    s->index = 0;
    s->count = 1;
    snprintf(s->text, sizeof s->text, "0/1");
    snprintf(s->source, sizeof s->source, "%s", source);
    return 0;
}

static int parse_arg(const char *cmd, const char *arg, cli_shard *s)
{
    if (strcmp(arg, "none") == 0)
        return whole(s, "--shard none");
    const char *slash = strchr(arg, '/');
    char index[32];
    long long i = -1, n = 0;
    size_t len = slash != NULL ? (size_t)(slash - arg) : 0;
    if (slash == NULL || len == 0 || len >= sizeof index)
        return cli_usage_error(cmd, "--shard: expected I/N (0 <= I < N) or none, got '%s'", arg);
    memcpy(index, arg, len);
    index[len] = '\0';
    if (cli_parse_count(slash + 1, 1, CLI_SHARD_MAX, &n) != 0 ||
        cli_parse_count(index, 0, n - 1, &i) != 0)
        return cli_usage_error(cmd,
                               "--shard: expected I/N with 0 <= I < N <= %d, or none, got '%s'",
                               CLI_SHARD_MAX, arg);
    if (n == 1)
        return whole(s, "--shard 0/1");
    s->index = (size_t)i;
    s->count = (size_t)n;
    snprintf(s->text, sizeof s->text, "%lld/%lld", i, n);
    snprintf(s->source, sizeof s->source, "--shard");
    return 0;
}

/* A Slurm variable as a number in [lo, hi]; def when unset (has_def) . */
static int slurm_number(const char *cmd, const char *name, long long lo, long long def, int has_def,
                        long long *out)
{
    const char *v = getenv(name);
    if ((v == NULL || *v == '\0') && has_def) {
        *out = def;
        return 0;
    }
    if (v == NULL || *v == '\0')
        return cli_usage_error(cmd, "SLURM_ARRAY_TASK_ID is set but %s is not; give --shard I/N",
                               name);
    if (cli_parse_count(v, lo, 1000000000LL, out) != 0)
        return cli_usage_error(cmd, "%s='%s' is not a number >= %lld; give --shard I/N", name, v,
                               lo);
    return 0;
}

static int from_slurm(const char *cmd, cli_shard *s)
{
    long long id = 0, min = 0, step = 1, count = 0, max = -1;
    int rc = slurm_number(cmd, "SLURM_ARRAY_TASK_ID", 0, 0, 0, &id);
    if (rc == 0)
        rc = slurm_number(cmd, "SLURM_ARRAY_TASK_COUNT", 1, 0, 0, &count);
    if (rc == 0)
        rc = slurm_number(cmd, "SLURM_ARRAY_TASK_MIN", 0, 0, 1, &min);
    if (rc == 0)
        rc = slurm_number(cmd, "SLURM_ARRAY_TASK_STEP", 1, 1, 1, &step);
    if (rc == 0)
        rc = slurm_number(cmd, "SLURM_ARRAY_TASK_MAX", 0, -1, 1, &max);
    if (rc != 0)
        return rc;
    int not_range = max >= 0 && (max < min || (max - min) / step + 1 != count);
    if (count > CLI_SHARD_MAX || id < min || (id - min) % step != 0 || (id - min) / step >= count ||
        not_range || (count == 1 && id != 0))
        return cli_usage_error(cmd,
                               "the Slurm array task (SLURM_ARRAY_TASK_ID=%lld, _MIN=%lld, "
                               "_MAX=%lld, _STEP=%lld, _COUNT=%lld) is not a position in an "
                               "array MIN-MAX[:STEP] of at most %d tasks (a resubmission of "
                               "some tasks?); give --shard I/N",
                               id, min, max, step, count, CLI_SHARD_MAX);
    long long i = (id - min) / step;
    if (count == 1)
        return whole(s, "a Slurm array of one task");
    s->index = (size_t)i;
    s->count = (size_t)count;
    snprintf(s->text, sizeof s->text, "%lld/%lld", i, count);
    snprintf(s->source, sizeof s->source,
             "from SLURM_ARRAY_TASK_ID=%lld, SLURM_ARRAY_TASK_MIN=%lld, "
             "SLURM_ARRAY_TASK_COUNT=%lld",
             id, min, count);
    return 0;
}

int cli_shard_resolve(const char *cmd, const char *arg, cli_shard *s)
{
    if (arg != NULL)
        return parse_arg(cmd, arg, s);
    const char *id = getenv("SLURM_ARRAY_TASK_ID");
    if (id != NULL && *id != '\0')
        return from_slurm(cmd, s);
    return whole(s, "the whole sweep");
}

char *cli_shard_output(const char *out, const cli_shard *s)
{
    if (s->count <= 1)
        return strdup(out);
    char infix[SHARD_INFIX_MAX];
    snprintf(infix, sizeof infix, ".shard-%zu-of-%zu", s->index, s->count);
    const char *base = strrchr(out, '/');
    base = base != NULL ? base + 1 : out;
    if (strstr(base, infix) != NULL) /* named for this shard already */
        return strdup(out);
    const char *dot = strrchr(base, '.');
    size_t at = dot != NULL && dot != base ? (size_t)(dot - out) : strlen(out);
    size_t n = strlen(out), m = strlen(infix);
    char *name = malloc(n + m + 1);
    if (name == NULL)
        return NULL;
    memcpy(name, out, at);
    memcpy(name + at, infix, m);
    memcpy(name + at + m, out + at, n - at + 1);
    return name;
}

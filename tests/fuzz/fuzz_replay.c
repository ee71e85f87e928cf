/*
 * fuzz_replay: a main() for the fuzz targets when they are built without libFuzzer.
 *
 * Usage: fuzz_replay_<target> FILE|DIR...  Each file, and each regular file directly in
 * each directory (in name order), is read whole and given to LLVMFuzzerTestOneInput once.
 * So every ordinary build (gcc, the sanitizer build, valgrind) replays the seed corpora and
 * the crash regressions, and a sanitizer report or a crash fails the test. Exit 0 when all
 * inputs ran, 1 when an input could not be read or no input was found, 2 on usage.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

#define REPLAY_MAX_INPUT ((size_t)64 << 20)

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        perror(path);
        return -1;
    }
    uint8_t *buf = malloc(REPLAY_MAX_INPUT);
    size_t n = buf != NULL ? fread(buf, 1, REPLAY_MAX_INPUT, f) : 0;
    int bad = buf == NULL || ferror(f);
    fclose(f);
    if (bad) {
        fprintf(stderr, "%s: cannot read\n", path);
        free(buf);
        return -1;
    }
    /* An exact-size copy, so reading past the input is caught by the sanitizers. */
    uint8_t *input = malloc(n > 0 ? n : 1);
    if (input != NULL) {
        memcpy(input, buf, n);
        fprintf(stderr, "replay %s (%zu bytes)\n", path, n);
        LLVMFuzzerTestOneInput(input, n);
    }
    free(input);
    free(buf);
    return input != NULL ? 0 : -1;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Regular files directly in dir, in name order; returns the count replayed or -1. */
static int replay_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL) {
        perror(dir);
        return -1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    for (struct dirent *e; rc == 0 && (e = readdir(d)) != NULL;) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            char **grown = realloc(names, cap * sizeof *names);
            rc = grown == NULL ? -1 : 0;
            names = grown != NULL ? grown : names;
        }
        if (rc == 0 && (names[n] = malloc(strlen(dir) + strlen(e->d_name) + 2)) != NULL)
            sprintf(names[n++], "%s/%s", dir, e->d_name);
    }
    closedir(d);
    if (n > 1)
        qsort(names, n, sizeof *names, by_name);
    int count = 0;
    for (size_t i = 0; i < n; i++) {
        struct stat sb;
        if (rc == 0 && stat(names[i], &sb) == 0 && S_ISREG(sb.st_mode)) {
            rc = replay_file(names[i]);
            count++;
        }
        free(names[i]);
    }
    free(names);
    return rc < 0 ? -1 : count;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
        return 2;
    }
    if (LLVMFuzzerInitialize != NULL)
        LLVMFuzzerInitialize(&argc, &argv);
    int total = 0, failed = 0;
    for (int i = 1; i < argc; i++) {
        struct stat sb;
        int n = stat(argv[i], &sb) == 0 && S_ISDIR(sb.st_mode)
                    ? replay_dir(argv[i])
                    : (replay_file(argv[i]) == 0 ? 1 : -1);
        failed |= n < 0;
        total += n > 0 ? n : 0;
    }
    printf("%d inputs replayed%s\n", total, failed ? ", some could not be read" : "");
    return failed || total == 0 ? 1 : 0;
}

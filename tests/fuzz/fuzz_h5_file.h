/*
 * fuzz_h5_file: what the results-file fuzz targets (h5_inspect, h5_read, an_results) share.
 * HDF5 reads files, not buffers, so each input is written to one temporary file per process
 * ($TMPDIR, else /tmp), removed at exit. fuzz_h5_scenario.h opens the scenario a file
 * stores, for the targets that read runs back.
 *
 * Static inline: each target is one translation unit and uses part of this.
 */
#ifndef FUZZ_H5_FILE_H
#define FUZZ_H5_FILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char fuzz_h5_path[4096];

static inline void fuzz_h5_remove(void)
{
    if (fuzz_h5_path[0] != '\0')
        unlink(fuzz_h5_path);
}

/* Name the temporary file after the target (tag) and this process; remove it at exit. */
static inline void fuzz_h5_init(const char *tag)
{
    const char *dir = getenv("TMPDIR");
    snprintf(fuzz_h5_path, sizeof fuzz_h5_path, "%s/ecotwin-fuzz-%s-%ld.h5",
             dir != NULL && dir[0] != '\0' ? dir : "/tmp", tag, (long)getpid());
    atexit(fuzz_h5_remove);
}

/* The input into the temporary file; 0 when written whole. */
static inline int fuzz_h5_write(const uint8_t *data, size_t size)
{
    FILE *f = fopen(fuzz_h5_path, "wb");
    if (f == NULL)
        return -1;
    size_t n = size > 0 ? fwrite(data, 1, size, f) : 0;
    return fclose(f) == 0 && n == size ? 0 : -1;
}

#endif

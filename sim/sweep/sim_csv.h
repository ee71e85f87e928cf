/*
 * sim_csv: a CSV reader for design files (RFC 4180, as pandas, R and SALib write them).
 *
 * Fields are separated by commas and records by LF or CRLF. A field in double quotes may
 * hold commas, line breaks and doubled quotes ("" for one "); its cell is marked quoted.
 * Spaces and tabs around an unquoted field are trimmed, and so are spaces around a quoted
 * one. Blank lines (nothing but spaces) are skipped. Every cell keeps the 1-based line and
 * column where it starts, so callers can place their own messages.
 *
 * The parser stops at the first syntax error (an unterminated quote, text after a closing
 * quote, a quote inside an unquoted field, a NUL byte) and reports its line and column;
 * checking row lengths and values is the caller's job. Records and fields are bounded
 * by the caller's limits before they are stored.
 */
#ifndef SIM_CSV_H
#define SIM_CSV_H

#include <stddef.h>

#include "sim_status.h"

typedef struct sim_csv sim_csv;

typedef struct sim_csv_cell {
    const char *text; /* unquoted, NUL-terminated; owned by the sim_csv */
    unsigned line, col;
    int quoted;
} sim_csv_cell;

typedef struct sim_csv_error {
    unsigned line, col;
    char msg[160];
} sim_csv_error;

/* Parse text[0..len) into *out (caller frees with sim_csv_free). max_rows and max_cols
 * bound the records and the fields of one record (SIM_INVALID beyond them). Returns
 * SIM_INVALID with err filled on a syntax error, SIM_NOMEM; *out is NULL unless SIM_OK. */
sim_status sim_csv_parse(const char *text, size_t len, size_t max_rows, size_t max_cols,
                         sim_csv **out, sim_csv_error *err);
void sim_csv_free(sim_csv *csv);

size_t sim_csv_rows(const sim_csv *csv);
size_t sim_csv_cols(const sim_csv *csv, size_t row);
/* Cell col of row (NULL when out of range). */
const sim_csv_cell *sim_csv_cell_at(const sim_csv *csv, size_t row, size_t col);
/* Line where a record starts. */
unsigned sim_csv_row_line(const sim_csv *csv, size_t row);

#endif

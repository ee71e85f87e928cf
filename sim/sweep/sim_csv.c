/*
 * sim_csv: one pass over the text. Cell texts are written, unquoted, into one buffer of
 * 2 len + 2 bytes, allocated once (so cell pointers into it stay valid): a cell's text is
 * never longer than its source and there are at most len + 1 cells, each with one NUL.
 */
#include "sim_csv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct csv_row {
    size_t first, n;
    unsigned line;
} csv_row;

struct sim_csv {
    char *buf;
    sim_csv_cell *cells;
    size_t n_cells, cells_cap;
    csv_row *rows;
    size_t n_rows, rows_cap;
};

/* Parser position. */
typedef struct csv_in {
    const char *text;
    size_t len, p, line_start, out;
    unsigned line;
    size_t max_rows, max_cols;
    sim_csv *csv;
    sim_csv_error *err;
} csv_in;

static unsigned in_col(const csv_in *in)
{
    return (unsigned)(in->p - in->line_start + 1);
}

static sim_status csv_fail(csv_in *in, unsigned line, unsigned col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static sim_status csv_fail(csv_in *in, unsigned line, unsigned col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(in->err->msg, sizeof in->err->msg, fmt, ap);
    va_end(ap);
    in->err->line = line;
    in->err->col = col;
    return SIM_INVALID;
}

static int at_end_of_field(const csv_in *in)
{
    if (in->p >= in->len)
        return 1;
    char c = in->text[in->p];
    return c == ',' || c == '\n' || c == '\r';
}

static void skip_blanks(csv_in *in)
{
    while (in->p < in->len && (in->text[in->p] == ' ' || in->text[in->p] == '\t'))
        in->p++;
}

static void newline_at(csv_in *in, size_t next)
{
    in->line++;
    in->line_start = next;
}

static sim_status read_quoted(csv_in *in, unsigned line, unsigned col)
{
    in->p++; /* opening quote */
    for (;;) {
        if (in->p >= in->len)
            return csv_fail(in, line, col, "unterminated quoted field");
        char c = in->text[in->p];
        if (c == '"' && in->p + 1 < in->len && in->text[in->p + 1] == '"') {
            in->csv->buf[in->out++] = '"';
            in->p += 2;
            continue;
        }
        if (c == '"')
            break;
        if (c == '\0')
            return csv_fail(in, in->line, in_col(in), "NUL byte in the file");
        in->csv->buf[in->out++] = c;
        in->p++;
        if (c == '\n')
            newline_at(in, in->p);
    }
    in->p++; /* closing quote */
    skip_blanks(in);
    if (!at_end_of_field(in))
        return csv_fail(in, in->line, in_col(in), "text after a closing quote");
    return SIM_OK;
}

static sim_status read_plain(csv_in *in)
{
    size_t start = in->out;
    while (!at_end_of_field(in)) {
        char c = in->text[in->p];
        if (c == '"')
            return csv_fail(in, in->line, in_col(in),
                            "quote inside an unquoted field (quote the whole field)");
        if (c == '\0')
            return csv_fail(in, in->line, in_col(in), "NUL byte in the file");
        in->csv->buf[in->out++] = c;
        in->p++;
    }
    while (in->out > start &&
           (in->csv->buf[in->out - 1] == ' ' || in->csv->buf[in->out - 1] == '\t'))
        in->out--;
    return SIM_OK;
}

static sim_status add_cell(csv_in *in, size_t offset, unsigned line, unsigned col, int quoted)
{
    sim_csv *csv = in->csv;
    if (csv->n_cells == csv->cells_cap) {
        size_t cap = csv->cells_cap ? csv->cells_cap * 2 : 64;
        sim_csv_cell *c = realloc(csv->cells, cap * sizeof *c);
        if (c == NULL)
            return SIM_NOMEM;
        csv->cells = c;
        csv->cells_cap = cap;
    }
    csv->cells[csv->n_cells++] = (sim_csv_cell){csv->buf + offset, line, col, quoted};
    return SIM_OK;
}

static sim_status read_field(csv_in *in, size_t *n_in_row)
{
    skip_blanks(in);
    unsigned line = in->line, col = in_col(in);
    size_t offset = in->out;
    int quoted = in->p < in->len && in->text[in->p] == '"';
    if (*n_in_row >= in->max_cols)
        return csv_fail(in, line, col, "more than %zu fields in a record", in->max_cols);
    sim_status st = quoted ? read_quoted(in, line, col) : read_plain(in);
    if (st != SIM_OK)
        return st;
    in->csv->buf[in->out++] = '\0';
    (*n_in_row)++;
    return add_cell(in, offset, line, col, quoted);
}

static sim_status add_row(csv_in *in, size_t first, size_t n, unsigned line)
{
    sim_csv *csv = in->csv;
    if (csv->n_rows >= in->max_rows)
        return csv_fail(in, line, 1, "more than %zu records", in->max_rows);
    if (csv->n_rows == csv->rows_cap) {
        size_t cap = csv->rows_cap ? csv->rows_cap * 2 : 64;
        csv_row *r = realloc(csv->rows, cap * sizeof *r);
        if (r == NULL)
            return SIM_NOMEM;
        csv->rows = r;
        csv->rows_cap = cap;
    }
    csv->rows[csv->n_rows++] = (csv_row){first, n, line};
    return SIM_OK;
}

/* Consume the line break after a record (LF, CRLF or a lone CR). */
static void end_record(csv_in *in)
{
    if (in->p < in->len && in->text[in->p] == '\r')
        in->p++;
    if (in->p < in->len && in->text[in->p] == '\n')
        in->p++;
    newline_at(in, in->p);
}

static int blank_line(const csv_in *in)
{
    size_t q = in->p;
    while (q < in->len && (in->text[q] == ' ' || in->text[q] == '\t'))
        q++;
    return q >= in->len || in->text[q] == '\n' || in->text[q] == '\r';
}

static sim_status read_record(csv_in *in)
{
    size_t first = in->csv->n_cells, n = 0;
    unsigned line = in->line;
    for (;;) {
        sim_status st = read_field(in, &n);
        if (st != SIM_OK)
            return st;
        if (in->p < in->len && in->text[in->p] == ',') {
            in->p++;
            continue;
        }
        break;
    }
    end_record(in);
    return add_row(in, first, n, line);
}

static sim_status parse_all(csv_in *in)
{
    while (in->p < in->len) {
        if (blank_line(in)) {
            skip_blanks(in);
            end_record(in);
            continue;
        }
        sim_status st = read_record(in);
        if (st != SIM_OK)
            return st;
    }
    return SIM_OK;
}

sim_status sim_csv_parse(const char *text, size_t len, size_t max_rows, size_t max_cols,
                         sim_csv **out, sim_csv_error *err)
{
    *out = NULL;
    sim_csv *csv = calloc(1, sizeof *csv);
    if (csv == NULL || (csv->buf = malloc(2 * len + 2)) == NULL) {
        free(csv);
        return SIM_NOMEM;
    }
    csv_in in = {text, len, 0, 0, 0, 1, max_rows, max_cols, csv, err};
    sim_status st = parse_all(&in);
    if (st != SIM_OK) {
        sim_csv_free(csv);
        return st;
    }
    *out = csv;
    return SIM_OK;
}

void sim_csv_free(sim_csv *csv)
{
    if (csv == NULL)
        return;
    free(csv->buf);
    free(csv->cells);
    free(csv->rows);
    free(csv);
}

size_t sim_csv_rows(const sim_csv *csv)
{
    return csv->n_rows;
}

size_t sim_csv_cols(const sim_csv *csv, size_t row)
{
    return row < csv->n_rows ? csv->rows[row].n : 0;
}

const sim_csv_cell *sim_csv_cell_at(const sim_csv *csv, size_t row, size_t col)
{
    if (row >= csv->n_rows || col >= csv->rows[row].n)
        return NULL;
    return &csv->cells[csv->rows[row].first + col];
}

unsigned sim_csv_row_line(const sim_csv *csv, size_t row)
{
    return row < csv->n_rows ? csv->rows[row].line : 0;
}

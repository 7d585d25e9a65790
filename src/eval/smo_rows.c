/* The solver's row cache in position order (smo_solve.h).  LIBSVM's own cache keeps rows in
 * position order too (its swap_index swaps inside every cached row); here the rows come from
 * the fold's float Gram, so a miss is one gather instead of a kernel evaluation. */
#include "smo_solve.h"

#include <stdlib.h>

int ntkb_smo_rows_alloc(smo_rows *r, size_t l, size_t budget)
{
    size_t cap = budget / (l * sizeof(float) + 1);
    cap = cap > l ? l : cap;
    if (cap < 2) /* the row returned last is never replaced by the next fetch */
        cap = 2;
    r->ld = l;
    r->cap = (int)cap;
    r->used = 0;
    r->clock = 0;
    r->data = malloc(cap * l * sizeof *r->data);
    r->slot_of = malloc(l * sizeof *r->slot_of);
    r->var = malloc(cap * sizeof *r->var);
    r->len = malloc(cap * sizeof *r->len);
    r->stamp = malloc(cap * sizeof *r->stamp);
    if (!r->data || !r->slot_of || !r->var || !r->len || !r->stamp)
        return -1;
    for (size_t k = 0; k < l; k++)
        r->slot_of[k] = -1;
    return 0;
}

void ntkb_smo_rows_free(smo_rows *r)
{
    free(r->data);
    free(r->slot_of);
    free(r->var);
    free(r->len);
    free(r->stamp);
}

void ntkb_smo_rows_reset(smo_rows *r)
{
    for (int k = 0; k < r->used; k++)
        r->slot_of[r->var[k]] = -1;
    r->used = 0;
}

/* A slot for fold row v: a free one, else the least recently used. */
static int take_slot(smo_rows *r, int v)
{
    int k = r->used;
    if (k < r->cap)
        r->used++;
    else {
        k = 0;
        for (int t = 1; t < r->cap; t++)
            if (r->stamp[t] < r->stamp[k])
                k = t;
        r->slot_of[r->var[k]] = -1;
    }
    r->slot_of[v] = k;
    r->var[k] = v;
    r->len[k] = 0;
    return k;
}

const float *ntkb_smo_row(smo_solver *s, int i, int need)
{
    smo_rows *r = &s->rows;
    const int v = s->fp[i];
    int k = r->slot_of[v];
    if (k < 0)
        k = take_slot(r, v);
    r->stamp[k] = ++r->clock;
    float *row = r->data + (size_t)k * r->ld;
    if (r->len[k] < need) {
        const float *src = s->kf + (size_t)v * s->ldk;
        const int *fp = s->fp;
        for (int t = r->len[k]; t < need; t++)
            row[t] = src[fp[t]];
        r->len[k] = need;
    }
    return row;
}

void ntkb_smo_rows_swap(smo_solver *s, int i, int j)
{
    smo_rows *r = &s->rows;
    for (int k = 0; k < r->used; k++) {
        float *row = r->data + (size_t)k * r->ld;
        if (j < r->len[k]) {
            const float t = row[i];
            row[i] = row[j];
            row[j] = t;
        } else if (i < r->len[k]) {
            row[i] = s->kf[(size_t)r->var[k] * s->ldk + (size_t)s->fp[i]];
        }
    }
}

/* ntkbench eval: graph-kernel CV protocols over a list of candidate Grams (docs/algorithms.md).
 *
 * A *candidate* is one kernel configuration (e.g. GNTK L=1, R=2, uniform, jk) given as a named
 * N×N Gram.  A *setting* is (candidate, Gram variant, C): the variants are NTKB_SVM_SCALED
 * (K / min K, as search.py) and NTKB_SVM_COSINE (cosine-normalised), see svm.h.
 *
 * paper   — the GNTK/GIN protocol: for every setting, the mean over the fixed folds of the
 *           test-fold accuracy (unweighted, as sklearn's GridSearchCV.mean_test_score); report
 *           the maximum over all settings and the std over folds at the argmax.  Optimistically
 *           biased (no held-out selection).  Ties go to the first setting in the order
 *           candidate, variant (scaled before cosine), C ascending — sklearn's choice for C.
 * nested  — for each outer fold f, the setting is chosen by a stratified inner k-fold CV on
 *           the outer training set only (folds_util.h; seed + f), ties as above; the model
 *           refitted on the whole outer training set is scored on the outer test fold.
 *           Reports mean ± std of those outer accuracies.  The refit-and-test accuracy of a
 *           setting is exactly the paper grid's entry, so the paper grid is always computed.
 * The Gram preprocessing (the global minimum, the cosine diagonal) reads no labels, so doing it
 * once over the whole Gram, as search.py does, leaks no label information into the nested
 * selection.  Beware K / min K when min K is tiny but positive (e.g. a Gaussian kernel): the
 * values explode and the solvers' float kernel values overflow — search.py would go on with
 * infinities; the SMO solver stops with NTKB_ENUMERIC.
 * Std is the population std over folds (ddof = 0), as numpy and the GNTK thesis.
 * Accuracies are fractions in [0, 1].
 *
 * Solver: by default the C transcription of LIBSVM's solver (smo.h) with search.py's cap of
 * 5·10⁵ iterations per binary solve (opts.svm.max_iter); NTKB_SOLVER_LIBSVM runs LIBSVM 3.24
 * itself, whose own cap is max(10⁷, 100·l).  Both give bit-identical decisions on solves that
 * converge before either cap.  NTKB_SOLVER_PATH solves every fit to LIBSVM's tolerance,
 * warm-started along the C grid (ascending), much faster than a capped cold start.
 *
 * Usage (streaming, so that a caller producing Grams one at a time — bench_gntk — never holds
 * more than one): alloc; add(name, gram) per candidate; paper() and/or nested(); free.
 * During add() one variant of the Gram lives besides the caller's: 8·N² bytes (SMO; COLLAB
 * 200 MB) or LIBSVM rows of 16·N·(N+2) bytes (400 MB), plus per thread the float training
 * Gram of the fold in work (SMO: 4·l² bytes, 81 MB for a COLLAB fold); the variants are
 * processed one after the other.
 *
 * Cost per candidate: |variants| · |C| · folds · (1 + inner) fits (paper only: without the
 * inner term); one task per fold runs all its C values (largest first; the path solver
 * smallest first), tasks spread over `threads` OpenMP threads.  With opts.blocks, a task whose
 * block of fits is recorded is read instead of computed.
 */
#ifndef NTKB_EVAL_PROTOCOL_H
#define NTKB_EVAL_PROTOCOL_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"
#include "eval/svm.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NTKB_PROTOCOL_MAX_FOLDS 64

enum { NTKB_PROTOCOL_PAPER = 1u, NTKB_PROTOCOL_NESTED = 2u };

typedef enum {
    NTKB_SOLVER_SMO = 0,    /* smo.h: LIBSVM's algorithm with sklearn's max_iter (default) */
    NTKB_SOLVER_LIBSVM = 1, /* LIBSVM 3.24 through svm.h */
    NTKB_SOLVER_PATH = 2    /* smo.h converged along the C grid: each C of a fold starts from
                               the previous C's solution (scaled), LIBSVM's tolerance (svm.eps),
                               no cap but LIBSVM's own max(1e7, 100 l); not decision-identical
                               to the others */
} ntkb_solver;

typedef struct {
    const double *C;     /* n_C values (copied); NULL = logspace(-2, 4, 120) as search.py */
    size_t n_C;
    unsigned variants;   /* bit (1u << ntkb_svm_variant); 0 = SCALED and COSINE */
    unsigned protocols;  /* NTKB_PROTOCOL_PAPER | NTKB_PROTOCOL_NESTED; 0 = paper only */
    size_t inner_folds;  /* nested: inner k (default 5) */
    uint64_t seed;       /* nested: inner split seed (default 20190513) */
    int threads;         /* OpenMP threads for the fits; ≤ 0 = OpenMP default */
    int progress;        /* 1: one line per candidate and variant on stderr */
    ntkb_solver solver;  /* default NTKB_SOLVER_SMO */
    int tune_malloc;     /* LIBSVM solver only.  1: on glibc, the first add() raises malloc's
                            trim threshold (1 GiB) and top pad (256 MiB) for the whole process,
                            so LIBSVM's per-fit kernel cache is not page-faulted in again by
                            every fit (≈ 1.5× less CPU on COLLAB); 0 (default): malloc is left
                            alone */
    ntkb_svm_params svm; /* solver settings (search.py's SVC: sklearn defaults, max_iter 5e5) */
    const char *blocks;  /* a record of finished blocks of fits (every C of one candidate,
                            variant and fold), read when it exists and appended to as blocks
                            finish, so that an interrupted search continues where it stopped;
                            refused when it belongs to another search.  NULL = none.  Format:
                            protocol_blocks.h, docs/algorithms.md */
    const char *blocks_seed;  /* another record (e.g. a committed copy): its blocks are taken
                                 over into `blocks`; NULL = none */
    const char *blocks_label; /* the data set's name, written in the record's header */
} ntkb_protocol_opts;

/* A setting of the search. */
typedef struct {
    size_t candidate;          /* index in order of ntkb_protocol_add calls */
    ntkb_svm_variant variant;
    double C;
} ntkb_setting;

typedef struct {
    double mean, std;                           /* over folds, ddof = 0 */
    size_t n_folds;
    double fold_acc[NTKB_PROTOCOL_MAX_FOLDS];   /* test accuracy per (outer) fold */
    ntkb_setting best;                          /* paper: the argmax setting */
    ntkb_setting fold_best[NTKB_PROTOCOL_MAX_FOLDS]; /* nested: setting chosen per outer fold */
    double fold_inner[NTKB_PROTOCOL_MAX_FOLDS]; /* nested: its inner-CV mean accuracy */
    double seconds;                             /* wall time of all add() calls so far */
    size_t n_fits;                              /* SVM trainings so far */
    size_t n_capped;                            /* of those, stopped at max_iter (SMO only) */
} ntkb_protocol_result;

typedef struct ntkb_protocol ntkb_protocol;

/* Default options (see the field comments).  Time complexity: O(1). */
ntkb_protocol_opts ntkb_protocol_opts_default(void);

/* The default C grid value k of n (numpy.logspace(-2, 4, n)[k]).  Time complexity: O(1). */
double ntkb_protocol_default_C(size_t k, size_t n);

/* Prepares a search over n items with class labels[0..n) (any int64, copied) and the folds
 * given as n_folds (≤ NTKB_PROTOCOL_MAX_FOLDS) index lists train[f][0..n_train[f]),
 * test[f][0..n_test[f]) of 0-based items (copied; an ntkb_folds passes its fields directly).
 * opts may be NULL (defaults).  For the nested protocol it draws the inner splits now.
 * Returns NTKB_OK, NTKB_EINVAL (index out of range, empty fold, an outer training set smaller
 * than inner_folds, bad option), NTKB_ENOMEM, or for opts->blocks NTKB_EMISMATCH (a record of
 * another search), NTKB_EFORMAT (an edited record) or NTKB_EIO.  *out owned by the caller (ntkb_protocol_free).
 * Time complexity: O(n_folds · n log n). */
ntkb_status ntkb_protocol_alloc(size_t n, const int64_t *labels, size_t n_folds,
                                size_t *const *train, const size_t *n_train,
                                size_t *const *test, const size_t *n_test,
                                const ntkb_protocol_opts *opts, ntkb_protocol **out);

/* Frees; NULL is a no-op. */
void ntkb_protocol_free(ntkb_protocol *p);

/* Evaluates one candidate: gram is n×n row-major (borrowed during the call only), name is
 * copied (may be NULL).  Runs every fit of the requested protocols for this candidate.
 * Returns NTKB_OK, NTKB_EINVAL, NTKB_ENOMEM, NTKB_ENUMERIC (non-finite Gram entry); on error
 * the candidate is not added.
 * Time complexity: O(n²) row building plus the fits (see the top of this file). */
ntkb_status ntkb_protocol_add(ntkb_protocol *p, const char *name, const double *gram);

/* Number of candidates added, and the name of candidate k ("" if none).  Time: O(1). */
size_t ntkb_protocol_n_candidates(const ntkb_protocol *p);
const char *ntkb_protocol_candidate_name(const ntkb_protocol *p, size_t k);

/* Paper protocol restricted to candidates `candidate` (SIZE_MAX = all) and variant bits
 * `variants` (0 = all searched); fills *res.  Returns NTKB_OK or NTKB_EINVAL (nothing added,
 * empty restriction).  Time complexity: O(candidates · variants · |C| · folds). */
ntkb_status ntkb_protocol_paper(const ntkb_protocol *p, size_t candidate, unsigned variants,
                                ntkb_protocol_result *res);

/* Nested protocol over everything added; fills *res.  Returns NTKB_OK or NTKB_EINVAL
 * (nothing added, or nested not requested at alloc).
 * Time complexity: O(candidates · variants · |C| · folds · inner). */
ntkb_status ntkb_protocol_nested(const ntkb_protocol *p, ntkb_protocol_result *res);

/* Mean test accuracy over the folds of one grid point (paper table), or NAN when out of
 * range / not searched.  Time complexity: O(folds). */
double ntkb_protocol_grid_mean(const ntkb_protocol *p, size_t candidate,
                               ntkb_svm_variant variant, size_t c_index);

/* One call for a list of in-memory candidates: alloc, add each, paper and/or nested.
 * paper/nested may be NULL when not wanted (nested needs opts->protocols to include it).
 * Returns as the functions above.  Time complexity: as the sum of add() calls. */
ntkb_status ntkb_protocol_run(size_t n, const int64_t *labels, size_t n_folds,
                              size_t *const *train, const size_t *n_train,
                              size_t *const *test, const size_t *n_test,
                              size_t n_candidates, const char *const *names,
                              const double *const *grams, const ntkb_protocol_opts *opts,
                              ntkb_protocol_result *paper, ntkb_protocol_result *nested);

#ifdef __cplusplus
}
#endif

#endif

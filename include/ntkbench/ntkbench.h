/* ntkbench: exact neural-tangent-family kernels (GNTK, WL subtree, FC NTK, CNTK, LANTK) and
 * their evaluation (C-SVC protocols, kernel regression) — the whole public interface.
 *
 * Compile with `pkg-config --cflags --libs ntkbench` and include <ntkbench.h>.  Every function
 * returns an ntkb_status (NTKB_OK = 0) and leaves a message for ntkb_last_error(); none exits.
 * docs/architecture.md in the source tree describes the layers and their headers.
 */
#ifndef NTKBENCH_H
#define NTKBENCH_H

#include "ntkbench_version.h"

#include "core/atomic.h"
#include "core/clock.h"
#include "core/dual.h"
#include "core/fs.h"
#include "core/gram.h"
#include "core/krr.h"
#include "core/lines.h"
#include "core/meta.h"
#include "core/npy.h"
#include "core/ranks.h"
#include "core/rng.h"
#include "core/status.h"
#include "core/threads.h"
#include "core/tiles.h"

#include "eval/folds_util.h"
#include "eval/protocol.h"
#include "eval/report.h"
#include "eval/smo.h"
#include "eval/svm.h"

#include "gntk/gntk.h"
#include "gntk/graphset.h"
#include "gntk/wl.h"

#include "lantk/cntk.h"
#include "lantk/fcntk.h"
#include "lantk/fjlt.h"
#include "lantk/images.h"
#include "lantk/lantk.h"
#include "lantk/pairfeat.h"

#include "studies/fibers_augment.h"
#include "studies/fibers_empirical.h"
#include "studies/fibers_ntkgrad.h"
#include "studies/fibers_report.h"
#include "studies/fibers_study.h"
#include "studies/gram_eval.h"
#include "studies/graph_bench.h"
#include "studies/image_bench.h"

#endif

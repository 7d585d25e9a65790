/* ntkbench lantk: image datasets — the CIFAR-10 binary format, IDX files (Fashion-MNIST), class
 * pair selection and the two papers' preprocessing (docs/algorithms.md).
 *
 * Readers store raw pixel values 0..255 as doubles, channel planes row-major per image
 * (CIFAR-10: 1024 R, 1024 G, 1024 B, as in the file); preprocessing is a separate step.
 */
#ifndef NTKB_LANTK_IMAGES_H
#define NTKB_LANTK_IMAGES_H

#include <stddef.h>

#include "core/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    size_t n, channels, height, width;
    double *pixels; /* n × channels × height × width, owned */
    int *labels;    /* n class indices, owned */
} ntkb_images;

/* Allocates an uninitialised set.  Returns NULL when out of memory.  Time complexity: O(1). */
ntkb_images *ntkb_images_alloc(size_t n, size_t channels, size_t height, size_t width);

/* Frees; NULL is a no-op. */
void ntkb_images_free(ntkb_images *im);

/* Doubles per image (channels·height·width). */
size_t ntkb_images_size(const ntkb_images *im);

#define NTKB_CIFAR10_RECORD 3073
#define NTKB_CIFAR10_PER_FILE 10000

/* Reads one CIFAR-10 binary batch: 3073-byte records (label byte 0..9, then 3×32×32 pixels).
 * A file may hold fewer than 10,000 records (the project's subset): all whole records are read
 * and (*out)->n says how many.  Returns NTKB_OK, NTKB_ENOTFOUND (missing), NTKB_EIO,
 * NTKB_EFORMAT (empty, size not a multiple of 3073 — a truncated record —, more than 10,000
 * records, or a label above 9; the message names the file and record) or NTKB_ENOMEM.
 * *out is owned by the caller.  Time complexity: O(file size). */
ntkb_status ntkb_images_read_cifar10_file(const char *path, ntkb_images **out);

/* As ntkb_images_read_cifar10_file (which is this with max_images = 0), but stores only the first
 * `max_images` records (0: all; more than the file holds: all).  The file is still checked as a
 * whole from its size (empty, a truncated last record, more than 10,000 records: NTKB_EFORMAT),
 * so trailing whole records after the first max_images are expected and ignored; only the labels
 * of the records read are checked.  Returns and ownership as ntkb_images_read_cifar10_file.
 * Time complexity: O(min(max_images, records) · 3073) time and memory. */
ntkb_status ntkb_images_read_cifar10_file_n(const char *path, size_t max_images, ntkb_images **out);

/* Reads a CIFAR-10 split from `dir`: train = data_batch_1..5, test = test_batch, concatenated
 * in that order.  Each batch is found as "<batch>.bin" (official) or "<batch>.<anything>.bin"
 * (e.g. the mirror's data_batch_1.first4000.bin).  counts (5 entries for train, 1 for test;
 * may be NULL) receives the records read per file.  Returns the codes of the file reader;
 * NTKB_ENOTFOUND names a missing batch.  Time complexity: O(total size). */
ntkb_status ntkb_images_load_cifar10(const char *dir, int train, ntkb_images **out,
                                     size_t *counts);

/* Reads an IDX image file (magic 0x00000803: n × rows × cols unsigned bytes) and its IDX label
 * file (magic 0x00000801), plain or gzip-compressed.  Returns NTKB_OK, NTKB_ENOTFOUND,
 * NTKB_EFORMAT (wrong magic, a zero dimension, truncated data, trailing bytes, counts that
 * differ between the two files) or NTKB_ENOMEM.  Time complexity: O(file size). */
ntkb_status ntkb_images_read_idx(const char *images_path, const char *labels_path,
                                 ntkb_images **out);

/* As ntkb_images_read_idx (which is this with max_images = 0), but stores only the first
 * `max_images` images and labels (0: all; more than the header's count: all).
 *   images_path  IDX3 image file, plain or gzip'd
 *   labels_path  its IDX1 label file, or NULL for none: every label is then −1 and no label file
 *                is read or checked
 *   max_images   how many images to keep (0: all)
 *   out          out: the set (n = min(max_images, count)), owned by the caller; NULL on error
 * The rest of each file is streamed (not stored) so that it is still validated as a whole: a file
 * shorter than its header's count is NTKB_EFORMAT "truncated", bytes after it "trailing data";
 * the records between max_images and the count are expected and not an error.  Other codes as
 * ntkb_images_read_idx.  Time complexity: O(file size) time, O(min(max_images, count)·rows·cols)
 * memory. */
ntkb_status ntkb_images_read_idx_n(const char *images_path, const char *labels_path,
                                   size_t max_images, ntkb_images **out);

/* Fashion-MNIST from `dir` (NULL: /usr/share/datasets/fashion-mnist, Debian's
 * dataset-fashion-mnist): train-* or t10k-*-idx?-ubyte[.gz].  Codes as ntkb_images_read_idx. */
ntkb_status ntkb_images_load_fashion_mnist(const char *dir, int train, ntkb_images **out);

/* The images of classes `neg` and `pos` in their original order, at most `max_per_class` of
 * each (0: all); y (may be NULL) gets a malloc'ed ±1 array (neg → −1, pos → +1), owned by the
 * caller.  Returns NTKB_OK, NTKB_EINVAL (neg == pos, no such image) or NTKB_ENOMEM.
 * Time complexity: O(n + selected size). */
ntkb_status ntkb_images_select_pair(const ntkb_images *src, int neg, int pos,
                                    size_t max_per_class, ntkb_images **out, double **y);

/* LANTK (§4.3): ToTensor then Normalize(0.5, 0.5): p ← (p/255 − 0.5)/0.5 ∈ [−1, 1].
 * Time complexity: O(size). */
void ntkb_images_scale_pm1(ntkb_images *im);

/* Area-averages every image by an integer `factor`: output pixel (i, j) of each channel is the
 * mean of the factor×factor input block at (i·factor, j·factor) (summed row by row, then times
 * 1/factor²).  Labels are copied; factor 1 copies.
 *   in      the set (borrowed; any pixel scale)
 *   factor  ≥ 1, must divide both height and width
 *   out     out: n × channels × height/factor × width/factor, owned by the caller; NULL on error
 * Returns NTKB_OK, NTKB_EINVAL (NULL argument, factor 0 or not dividing height and width) or
 * NTKB_ENOMEM.  Time complexity: O(n·channels·height·width). */
ntkb_status ntkb_images_downsample(const ntkb_images *in, size_t factor, ntkb_images **out);

/* Arora (§4.2): p/255, then per-channel standardisation with the mean and (population) std of
 * `train` over all its pixels, applied to train and to each of `others` (NULL entries skipped).
 * mean_out, std_out (channels entries each, may be NULL) receive the statistics.
 * Returns NTKB_OK or NTKB_EINVAL (shape mismatch, constant channel).  Time complexity: O(size). */
ntkb_status ntkb_images_standardize(ntkb_images *train, ntkb_images **others, size_t n_others,
                                    double *mean_out, double *std_out);

/* The short class names of a dataset ("cifar10": plane car bird cat deer dog frog horse ship
 * truck; "fashion-mnist": tshirt trouser pullover dress coat sandal shirt sneaker bag boot):
 * name of class c (0..9), or NULL for an unknown dataset or class.  Time complexity: O(1). */
const char *ntkb_images_class_name(const char *dataset, int c);

/* A class given by index 0..9 or by name (case-insensitive; CIFAR-10 also takes airplane and
 * automobile): its index, or −1.  Time complexity: O(1). */
int ntkb_images_class_index(const char *dataset, const char *name);

#ifdef __cplusplus
}
#endif

#endif

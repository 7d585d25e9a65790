"""scikit-learn transformers: fit stores the training graphs, transform gives the test × train
kernel, so that Pipeline([('k', GNTK()), ('svm', SVC(kernel='precomputed'))]) works.
scikit-learn is optional: without it these are plain classes with the same methods."""
import numpy as np

from . import graphs as _graphs, kernels as _kernels

try:
    from sklearn.base import BaseEstimator, TransformerMixin
except ImportError:  # the same protocol without scikit-learn's helpers
    class BaseEstimator:
        pass

    class TransformerMixin:
        def fit_transform(self, X, y=None):
            return self.fit(X, y).transform(X)


def _cosine(K, d_rows, d_cols):
    with np.errstate(divide='ignore', invalid='ignore'):
        return np.nan_to_num(K / np.sqrt(np.outer(d_rows, d_cols)))


class GNTK(TransformerMixin, BaseEstimator):
    """The GNTK of depth `blocks` (BLOCKs = the official --num_layers minus one) with R = `mlp`
    MLP layers, `scale` 'uniform' or 'degree', the jumping-knowledge readout when jk.
    normalize: False (the raw kernel) or True (cosine, K_ij / sqrt(K_ii K_jj), which needs no
    statistic of the training set beyond its diagonal; ntkb_eval's 'cosine' variant)."""

    def __init__(self, blocks=2, mlp=2, scale='uniform', jk=True, normalize=False,
                 faithful=False, threads=None, node_label='label', tags='file'):
        self.blocks, self.mlp, self.scale, self.jk = blocks, mlp, scale, jk
        self.normalize, self.faithful, self.threads = normalize, faithful, threads
        self.node_label, self.tags = node_label, tags

    def _graphs(self, X):
        return _graphs.as_graphset(X, self.node_label, self.tags)

    def _kw(self):
        return dict(blocks=self.blocks, mlp=self.mlp, scale=self.scale, faithful=self.faithful,
                    threads=self.threads)

    def _pick(self, out):
        return out[self.blocks - 1, 1 if self.jk else 0]

    def fit(self, X, y=None):
        self.X_fit_ = self._graphs(X)
        self.K_fit_ = None
        self.diag_fit_ = None
        return self

    def _fit_gram(self):
        if self.K_fit_ is None:
            self.K_fit_ = self._pick(_kernels.gntk(self.X_fit_, **self._kw()))
            self.diag_fit_ = np.diagonal(self.K_fit_).copy()
        return self.K_fit_

    def fit_transform(self, X, y=None):
        K = self.fit(X)._fit_gram()
        return _cosine(K, self.diag_fit_, self.diag_fit_) if self.normalize else K

    def transform(self, X):
        if X is self.X_fit_:
            return self.fit_transform(X)
        a = self._graphs(X)
        if not self.normalize:
            return self._pick(_kernels.gntk(a, self.X_fit_, **self._kw()))
        self._fit_gram()
        out, diag = _kernels.gntk_cross_diag(a, self.X_fit_, **self._kw())
        return _cosine(self._pick(out), self._pick(diag), self.diag_fit_)


class WeisfeilerLehman(TransformerMixin, BaseEstimator):
    """The WL subtree kernel with GraKeL's parameters and meaning: n_iter refinements on top of
    the base label histogram (GraKeL's WeisfeilerLehman(n_iter, VertexHistogram)); normalize:
    cosine normalisation as GraKeL's normalize=True; init 'tags' (the graphs' node labels),
    'uniform' or 'degree'."""

    def __init__(self, n_iter=5, normalize=False, init='tags', threads=None, node_label='label',
                 tags='file'):
        self.n_iter, self.normalize, self.init, self.threads = n_iter, normalize, init, threads
        self.node_label, self.tags = node_label, tags

    def fit(self, X, y=None):
        self.X_fit_ = _graphs.as_graphset(X, self.node_label, self.tags)
        return self

    def fit_transform(self, X, y=None):
        self.fit(X)
        return _kernels.weisfeiler_lehman(self.X_fit_, n_iter=self.n_iter,
                                          normalize=self.normalize, init=self.init,
                                          threads=self.threads)

    def transform(self, X):
        a = _graphs.as_graphset(X, self.node_label, self.tags)
        return _kernels.weisfeiler_lehman(a, self.X_fit_, n_iter=self.n_iter,
                                          normalize=self.normalize, init=self.init,
                                          threads=self.threads)

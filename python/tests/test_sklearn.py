"""scikit-learn's SVC on the transformers gives the C protocol's accuracies at the same C."""
import numpy as np
import pytest

pytest.importorskip('sklearn')
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.svm import SVC  # noqa: E402

import ntkbench  # noqa: E402


def pipeline_folds(make, ds, C):
    acc = []
    for tr, te in ds.folds:
        p = Pipeline([('kernel', make()), ('svm', SVC(kernel='precomputed', C=C))])
        p.fit(ds.graphs[tr], ds.y[tr])
        acc.append(p.score(ds.graphs[te], ds.y[te]))
    return np.array(acc)


@pytest.mark.parametrize('C', [0.1, 10.0])
def test_gntk_pipeline_equals_protocol(mutag, C):
    # The cosine variant needs only the diagonal, so a pipeline fitted per fold sees the same
    # kernel as the protocol on the whole Gram.
    acc = pipeline_folds(lambda: ntkbench.GNTK(blocks=2, mlp=2, jk=True, normalize=True,
                                               threads=2), mutag, C)
    K = ntkbench.gntk(mutag.graphs, blocks=2, mlp=2, jk=True, threads=2)[1]
    res = ntkbench.evaluate(K, mutag.y, mutag.folds, C=[C], variants=['cosine'])
    assert np.allclose(acc, res.fold_acc, rtol=0, atol=1e-12)
    assert abs(acc.mean() - res.mean) < 1e-12


def test_wl_pipeline_equals_protocol(mutag):
    acc = pipeline_folds(lambda: ntkbench.WeisfeilerLehman(n_iter=3, normalize=True), mutag, 1.0)
    K = ntkbench.weisfeiler_lehman(mutag.graphs, n_iter=3)
    res = ntkbench.evaluate(K, mutag.y, mutag.folds, C=[1.0], variants=['cosine'])
    assert np.allclose(acc, res.fold_acc, atol=1e-12)

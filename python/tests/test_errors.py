"""A library error becomes a Python exception carrying the library's message."""
import numpy as np
import pytest

import ntkbench


def test_edge_outside_graph():
    with pytest.raises(ValueError, match=r'graph 1: edge 0 \(0, 7\): expected node ids in '
                                         r'0\.\.2 \(the graph has 3 nodes\)') as e:
        ntkbench.gntk([([(0, 1)], [0, 1]), ([(0, 7)], [0, 0, 1])])
    assert isinstance(e.value, ntkbench.InputError) and e.value.status == 1


def test_graph_without_nodes():
    with pytest.raises(ValueError, match='graph 0: .*expected at least one node'):
        ntkbench.weisfeiler_lehman([(np.zeros((0, 2), int), [])])


def test_bad_gntk_parameters(mutag):
    with pytest.raises(ValueError, match=r'GNTK needs 1\.\.64 BLOCKs .*\(got 0, 2\)'):
        ntkbench.gntk(mutag.graphs[:3], blocks=0)


def test_missing_dataset():
    with pytest.raises(OSError, match='NO_SUCH_DATASET') as e:
        ntkbench.datasets.load('NO_SUCH_DATASET')
    assert isinstance(e.value, ntkbench.FileError)


def test_malformed_dataset(tmp_path):
    bad = tmp_path / 'BAD.txt'
    bad.write_text('2\n3 0\n0 1 1\n0 x\n')
    with pytest.raises(ValueError, match=r'BAD\.txt:4: expected an integer neighbour count'):
        ntkbench.datasets.load(str(bad))


def test_evaluate_fold_index_out_of_range(mutag):
    K = np.eye(len(mutag.y))
    folds = [(np.array([0, 1, 500]), np.array([2, 3]))]
    with pytest.raises(ValueError, match='500'):
        ntkbench.evaluate(K, mutag.y, folds, C=[1.0])


def test_evaluate_non_finite_gram(mutag):
    K = np.eye(len(mutag.y))
    K[3, 4] = np.nan
    with pytest.raises(ArithmeticError):
        ntkbench.evaluate(K, mutag.y, mutag.folds, C=[1.0], variants=['raw'])


def test_images_of_wrong_shape():
    with pytest.raises(ValueError, match='Z: expected images of shape'):
        ntkbench.cntk(np.zeros((2, 1, 4, 4)), np.zeros((2, 1, 5, 4)))
    with pytest.raises(ValueError, match='expected a 4-dimensional array'):
        ntkbench.cntk(np.zeros((2, 16)))


def test_bad_python_arguments(mutag):
    with pytest.raises(ValueError, match='scale'):
        ntkbench.gntk(mutag.graphs[:3], scale='nope')
    with pytest.raises(ValueError, match='threads'):
        ntkbench.gntk(mutag.graphs[:3], threads=-1)
    with pytest.raises(ValueError, match='protocol'):
        ntkbench.evaluate(np.eye(3), [0, 1, 0], [([0], [1])], protocol='nope')


def test_status_to_exception_classes():
    from ntkbench import _lib
    expect = {_lib.EINVAL: ValueError, _lib.EFORMAT: ValueError, _lib.EMISMATCH: ValueError,
              _lib.ENOMEM: MemoryError, _lib.EIO: OSError, _lib.ENOTFOUND: OSError,
              _lib.EBUSY: OSError, _lib.ENUMERIC: ArithmeticError, _lib.EINTERNAL: RuntimeError}
    for status, cls in expect.items():
        with pytest.raises(cls) as e:
            _lib.check(status)
        assert isinstance(e.value, ntkbench.Error) and e.value.status == status
    _lib.check(_lib.OK)

"""The input forms of graphs agree with each other."""
import numpy as np
import pytest

import ntkbench

# A triangle with a pendant node and a self-loop; node labels as strings.
EDGES = [(0, 1), (1, 2), (2, 0), (2, 3), (3, 3)]
LABELS = ['C', 'N', 'C', 'O']


def wl(graphs):
    return ntkbench.weisfeiler_lehman(graphs, n_iter=3)


def reference():
    return wl([(EDGES, LABELS), ([(0, 1)], ['C', 'O'])])


def test_adjacency_matrix_and_dict_forms():
    A = np.zeros((4, 4), int)
    for u, v in EDGES:
        A[u, v] = A[v, u] = 1
    adj = {u: [v for v in range(4) if A[u, v]] for u in range(4)}
    assert np.array_equal(wl([(A, LABELS), ([(0, 1)], ['C', 'O'])]), reference())
    assert np.array_equal(wl([[adj, dict(enumerate(LABELS))], ([(0, 1)], ['C', 'O'])]),
                          reference())


def test_grakel_form_with_arbitrary_node_ids():
    ids = ['a', 'b', 'c', 'd']
    g = [{(ids[u], ids[v]) for u, v in EDGES}, {ids[i]: t for i, t in enumerate(LABELS)}, {}]
    assert np.array_equal(wl([g, ([(0, 1)], ['C', 'O'])]), reference())


def test_networkx_form():
    nx = pytest.importorskip('networkx')
    g = nx.Graph()
    for i, t in enumerate(LABELS):
        g.add_node(f'v{i}', label=t)
    g.add_edges_from((f'v{u}', f'v{v}') for u, v in EDGES)
    h = nx.Graph([('x', 'y')])
    nx.set_node_attributes(h, {'x': 'C', 'y': 'O'}, 'label')
    assert np.array_equal(wl([g, h]), reference())


def test_round_trips(mutag):
    g = mutag.graphs[:25]
    ref = wl(g)
    assert np.array_equal(wl(g.to_pairs()), ref)
    assert np.array_equal(wl(g.to_grakel()), ref)
    assert np.array_equal(wl(ntkbench.as_graphset(g.to_pairs())), ref)


def test_degree_tags_equal_the_loader(tmp_path):
    ds = ntkbench.datasets.load('IMDBBINARY')
    g = ds.graphs[:30]
    plain = [(e, np.zeros(len(lab), int)) for e, lab in g.to_pairs()]
    assert np.array_equal(ntkbench.gntk(plain, tags='degree', threads=1),
                          ntkbench.gntk(g, threads=1))


def test_unknown_endpoint_is_named():
    with pytest.raises(ValueError, match="edge endpoint 'z' has no node label"):
        wl([[{('a', 'z')}, {'a': 0}]])


def test_self_loops_survive_the_round_trip():
    ds = ntkbench.datasets.load('COLLAB')
    loops = [g for g in range(len(ds.graphs)) if np.any(np.diff(ds.graphs.graph(g)[0], axis=1) == 0)]
    assert len(loops) > 10
    sub = ds.graphs[loops[:20] + [0, 1]]
    back = ntkbench.graphs.from_handle(sub.handle(), sub.tag_space)
    for name in ('node_ptr', 'edge_ptr', 'edges'):
        assert np.array_equal(getattr(back, name), getattr(sub, name)), name
    # tags and classes are renumbered by the library: equal up to a one-to-one relabelling
    for name in ('tags', 'y'):
        pairs = set(zip(getattr(back, name).tolist(), getattr(sub, name).tolist()))
        assert len(pairs) == len({a for a, _ in pairs}) == len({b for _, b in pairs}), name
    c = sub.handle().ptr.contents
    assert c.n_self_loops == sum(int(np.sum(e[:, 0] == e[:, 1])) for e, _ in sub.to_pairs()) > 0


def test_grakel_graph_objects():
    class Graph:  # what grakel.Graph offers to its kernels
        def __init__(self, edges, labels):
            self.e, self.l = edges, labels

        def get_edges(self):
            return list(self.e)

        def get_labels(self):
            return dict(self.l)
    g = Graph([(f'n{u}', f'n{v}') for u, v in EDGES], {f'n{i}': t for i, t in enumerate(LABELS)})
    assert np.array_equal(wl([g, Graph([(0, 1)], {0: 'C', 1: 'O'})]), reference())

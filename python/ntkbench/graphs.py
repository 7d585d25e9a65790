"""Graphs in the forms Python users hold them, and the library's graph sets.

Accepted inputs (a list of graphs, or a GraphSet):
  - networkx graphs, the node label in a node attribute (`node_label=`, default 'label'; absent:
    every node 0);
  - (edges, node_labels) pairs: node_labels a sequence of n labels (nodes 0..n-1) and edges an
    (m, 2) array or a list of pairs;
  - GraKeL's input form: [edges or adjacency, node_labels] (a third element, edge labels, is
    ignored), where edges is a set/list of (u, v) pairs, a dict {u: neighbours} or an n×n
    adjacency matrix, and node_labels a dict {node: label} (node ids may be any hashable) or a
    sequence;
  - objects with GraKeL's Graph methods get_edges() and get_labels().
Edges are undirected; repeated edges collapse and a self-loop counts once, as in the file
readers.  Labels may be any hashable values (only equality matters to the kernels).
"""
import ctypes
from collections.abc import Mapping

import numpy as np

from . import _lib

TAG_MODES = {'auto': 0, 'file': 1, 'degree': 2}


class _GraphSetC(ctypes.Structure):
    _fields_ = [('name', ctypes.c_char * 64), ('n_graphs', ctypes.c_size_t),
                ('n_nodes', ctypes.c_size_t), ('n_edges', ctypes.c_size_t),
                ('n_self_loops', ctypes.c_size_t), ('graph_ptr', _lib.c_size_p),
                ('adj_ptr', _lib.c_size_p), ('adj', ctypes.POINTER(ctypes.c_int32)),
                ('self_loop', ctypes.POINTER(ctypes.c_uint8)),
                ('tag', ctypes.POINTER(ctypes.c_int32)), ('n_tags', ctypes.c_size_t),
                ('label', _lib.c_int64_p), ('n_classes', ctypes.c_size_t),
                ('class_value', _lib.c_int64_p)]


GS_P = ctypes.POINTER(_GraphSetC)
_l = _lib.lib
_l.ntkb_graphset_free.argtypes = [GS_P]
_l.ntkb_graphset_free.restype = None
_l.ntkb_graphset_load.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int,
                                  ctypes.POINTER(GS_P)]
_l.ntkb_graphset_from_arrays.argtypes = [ctypes.c_char_p, ctypes.c_size_t, _lib.c_int64_p,
                                         _lib.c_int64_p, _lib.c_int64_p, _lib.c_int64_p,
                                         _lib.c_int64_p, ctypes.c_int, ctypes.POINTER(GS_P)]


class _Handle:
    """Owns one ntkb_graphset."""

    def __init__(self, ptr):
        self.ptr = ptr

    def __del__(self):
        if self.ptr:
            _l.ntkb_graphset_free(self.ptr)
            self.ptr = None


def _np(ptr, n, dtype):
    return np.ctypeslib.as_array(ptr, shape=(n,)).astype(dtype, copy=True) if n else \
        np.zeros(0, dtype)


class GraphSet:
    """Graphs as the library's flat arrays: node_ptr (n_graphs+1), tags (dense node labels),
    edge_ptr (n_graphs+1) and edges (pairs of graph-local ids), y (class per graph).
    Indexing with an integer array or slice gives a subset (same node-label numbering, so
    subsets of one set combine); len() is the number of graphs."""

    def __init__(self, node_ptr, tags, edge_ptr, edges, y, tag_space, name='arrays',
                 handle=None):
        self.node_ptr, self.tags, self.edge_ptr, self.edges = node_ptr, tags, edge_ptr, edges
        self.y, self.tag_space, self.name, self._handle = y, tag_space, name, handle

    def __len__(self):
        return len(self.node_ptr) - 1

    def __getitem__(self, idx):
        idx = np.arange(len(self))[idx]
        if idx.ndim == 0:
            return self.graph(int(idx))
        return self.take(idx)

    def take(self, idx):
        """The subset of graphs idx (in that order)."""
        idx = np.asarray(idx, dtype=np.int64)
        n = np.diff(self.node_ptr)[idx]
        m = np.diff(self.edge_ptr)[idx]
        node_ptr = np.concatenate([[0], np.cumsum(n)]).astype(np.int64)
        edge_ptr = np.concatenate([[0], np.cumsum(m)]).astype(np.int64)
        tags = np.concatenate([self.tags[self.node_ptr[g]:self.node_ptr[g + 1]] for g in idx]) \
            if len(idx) else np.zeros(0, np.int64)
        edges = np.concatenate([self.edges[self.edge_ptr[g]:self.edge_ptr[g + 1]] for g in idx]) \
            if len(idx) else np.zeros((0, 2), np.int64)
        return GraphSet(node_ptr, tags, edge_ptr, edges.reshape(-1, 2), self.y[idx],
                        self.tag_space, self.name)

    def graph(self, g):
        """Graph g as an (edges, node_labels) pair."""
        e = self.edges[self.edge_ptr[g]:self.edge_ptr[g + 1]]
        return e.copy(), self.tags[self.node_ptr[g]:self.node_ptr[g + 1]].copy()

    def to_pairs(self):
        """Every graph as an (edges (m, 2) int64, node_labels (n,) int64) pair."""
        return [self.graph(g) for g in range(len(self))]

    def to_grakel(self):
        """GraKeL's input form: [set of edges (both directions), {node: label}] per graph."""
        out = []
        for e, lab in self.to_pairs():
            edges = {(int(u), int(v)) for u, v in e} | {(int(v), int(u)) for u, v in e}
            out.append([edges, {i: int(t) for i, t in enumerate(lab)}])
        return out

    def to_networkx(self, node_label='label'):
        """networkx Graphs with the node label in attribute `node_label`."""
        import networkx as nx
        out = []
        for e, lab in self.to_pairs():
            g = nx.Graph()
            g.add_nodes_from((i, {node_label: int(t)}) for i, t in enumerate(lab))
            g.add_edges_from(map(tuple, e.tolist()))
            out.append(g)
        return out

    def handle(self):
        """The library's graph set (built on first use)."""
        if self._handle is None:
            mode = TAG_MODES['degree'] if self.tag_space == 'degree' else TAG_MODES['file']
            self._handle = _build(self.name, self.node_ptr, self.tags, self.edge_ptr,
                                  self.edges, self.y, mode)
        return self._handle


def _build(name, node_ptr, tags, edge_ptr, edges, y, mode):
    out = GS_P()
    edges = np.ascontiguousarray(edges, dtype=np.int64)
    with _lib.graph_lock:
        _lib.check(_l.ntkb_graphset_from_arrays(
            name.encode(), len(node_ptr) - 1, _lib.iptr(node_ptr), _lib.iptr(tags),
            _lib.iptr(edge_ptr), _lib.iptr(edges) if edges.size else None, _lib.iptr(y),
            mode, ctypes.byref(out)))
    return _Handle(out)


def from_handle(handle, tag_space):
    """A GraphSet over a graph set the library built (e.g. read from a file)."""
    gs = handle.ptr.contents
    n, nn = gs.n_graphs, gs.n_nodes
    graph_ptr = _np(gs.graph_ptr, n + 1, np.int64)
    adj_ptr = _np(gs.adj_ptr, nn + 1, np.int64)
    adj = _np(gs.adj, int(adj_ptr[-1]), np.int64)
    loop = _np(gs.self_loop, nn, np.int64)
    tags = _np(gs.tag, nn, np.int64)
    y = _np(gs.label, n, np.int64)
    # Each undirected edge once (u < v, graph-local), then the self-loops, graph by graph.
    node_graph = np.repeat(np.arange(n), np.diff(graph_ptr))
    src = np.repeat(np.arange(nn), np.diff(adj_ptr))
    local_src = src - graph_ptr[node_graph[src]]
    keep = local_src < adj
    loops = np.flatnonzero(loop)
    eu = np.concatenate([local_src[keep], loops - graph_ptr[node_graph[loops]]])
    ev = np.concatenate([adj[keep], loops - graph_ptr[node_graph[loops]]])
    eg = np.concatenate([node_graph[src[keep]], node_graph[loops]])
    order = np.argsort(eg, kind='stable')
    edges = np.stack([eu[order], ev[order]], axis=1)
    edge_ptr = np.searchsorted(eg[order], np.arange(n + 1)).astype(np.int64)
    name = gs.name.decode()
    return GraphSet(graph_ptr, tags, edge_ptr, edges, y, tag_space, name, handle)


def _one(g, node_label):
    """One graph as (n, edges (m, 2) int64 ndarray, labels list)."""
    if hasattr(g, 'nodes') and hasattr(g, 'edges') and hasattr(g, 'adj'):  # networkx
        nodes = list(g.nodes)
        ix = {v: i for i, v in enumerate(nodes)}
        edges = np.array([(ix[u], ix[v]) for u, v in g.edges()], dtype=np.int64).reshape(-1, 2)
        return len(nodes), edges, [g.nodes[v].get(node_label, 0) for v in nodes]
    if hasattr(g, 'get_edges') and hasattr(g, 'get_labels'):  # a grakel.Graph
        return _one([g.get_edges(), g.get_labels()], node_label)
    if not isinstance(g, (tuple, list)) or len(g) not in (2, 3):
        raise ValueError(f'a graph: expected a networkx graph, an (edges, node_labels) pair or '
                         f'GraKeL\'s [edges, node_labels], got {type(g).__name__}')
    struct, labels = g[0], g[1]
    if isinstance(labels, Mapping):
        nodes = list(labels)
        values = [labels[v] for v in nodes]
    else:
        values = list(np.asarray(labels).tolist()) if isinstance(labels, np.ndarray) \
            else list(labels)
        nodes = None
    n = len(values)
    if isinstance(struct, Mapping):  # adjacency dict {u: neighbours}
        pairs = [(u, v) for u, nb in struct.items() for v in nb]
    else:
        arr = struct if isinstance(struct, np.ndarray) else None
        if arr is not None and arr.ndim == 2 and arr.shape == (n, n) and n != 2:
            u, v = np.nonzero(arr)  # an adjacency matrix (rows = nodes in label order)
            return n, np.stack([u, v], axis=1).astype(np.int64), values
        if nodes is None:
            e = np.asarray(struct if arr is not None else list(struct), dtype=np.int64)
            return n, e.reshape(-1, 2), values
        pairs = list(struct)
    ix = {v: i for i, v in enumerate(nodes)} if nodes is not None else None
    try:
        edges = [(ix[u], ix[v]) for u, v in pairs] if ix is not None else pairs
    except KeyError as e:
        raise ValueError(f'a graph: edge endpoint {e.args[0]!r} has no node label') from None
    return n, np.asarray(edges, dtype=np.int64).reshape(-1, 2), values


def _dense(values):
    """Labels (any hashable) as int64 ids in order of first appearance (ints kept as they are)."""
    arr = np.asarray(values)
    if arr.dtype.kind in 'iub' and arr.ndim == 1:
        return arr.astype(np.int64), ('values',)
    ids = {}
    out = np.fromiter((ids.setdefault(v, len(ids)) for v in values), np.int64, len(values))
    return out, ('keys',) + tuple(ids)


def as_graphset(graphs, node_label='label', tags='file', y=None):
    """`graphs` as a GraphSet (returned unchanged when it is one).  tags='degree' replaces the
    node labels by node degrees (GNTK's degree_as_tag, for unlabelled graphs)."""
    if isinstance(graphs, GraphSet):
        return graphs
    if tags not in ('file', 'degree'):
        raise ValueError(f"tags: expected 'file' or 'degree', got {tags!r}")
    parts = [_one(g, node_label) for g in graphs]
    if not parts:
        raise ValueError('graphs: expected at least one graph')
    n = np.array([p[0] for p in parts], dtype=np.int64)
    m = np.array([len(p[1]) for p in parts], dtype=np.int64)
    labels = [v for p in parts for v in p[2]]
    dense, space = _dense(labels)
    node_ptr = np.concatenate([[0], np.cumsum(n)]).astype(np.int64)
    edge_ptr = np.concatenate([[0], np.cumsum(m)]).astype(np.int64)
    edges = np.concatenate([p[1] for p in parts]).reshape(-1, 2)
    yy = np.zeros(len(parts), np.int64) if y is None else np.asarray(y, dtype=np.int64)
    return GraphSet(node_ptr, dense, edge_ptr, edges, yy, 'degree' if tags == 'degree' else space)


def concat(a, b):
    """One GraphSet holding the graphs of a, then those of b, with one node-label numbering."""
    if a.tag_space == b.tag_space:
        tags_b = b.tags
    elif a.tag_space[0] == b.tag_space[0] == 'keys':
        keys = {k: i for i, k in enumerate(a.tag_space[1:])}
        new = [k for k in b.tag_space[1:] if k not in keys]
        for k in new:
            keys[k] = len(keys)
        remap = np.array([keys[k] for k in b.tag_space[1:]], dtype=np.int64)
        tags_b = remap[b.tags] if len(b.tags) else b.tags
        a = GraphSet(a.node_ptr, a.tags, a.edge_ptr, a.edges, a.y,
                     ('keys',) + tuple(keys), a.name)
    else:
        raise ValueError('graphs: the two groups label nodes in different ways (e.g. a dataset '
                         'file and graphs given as arrays, or degree tags and file tags): '
                         'give both in one form')
    return GraphSet(np.concatenate([a.node_ptr, a.node_ptr[-1] + b.node_ptr[1:]]),
                    np.concatenate([a.tags, tags_b]),
                    np.concatenate([a.edge_ptr, a.edge_ptr[-1] + b.edge_ptr[1:]]),
                    np.concatenate([a.edges, b.edges]).reshape(-1, 2),
                    np.concatenate([a.y, b.y]), a.tag_space, a.name)

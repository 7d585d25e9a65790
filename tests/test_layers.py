#!/usr/bin/env python3
"""The layer rule of the source tree, as a TAP test: a module includes only its own headers and
those of lower layers (core < gntk, lantk < eval < studies < cli; gntk and lantk never each
other), core uses neither igraph nor GSL, and no two files of a module include each other in a
circle of calls (from the object files' symbols).
usage: test_layers.py SOURCE_DIR BUILD_DIR"""
import os, re, subprocess, sys

LAYER = {'core': 0, 'gntk': 1, 'lantk': 1, 'eval': 2, 'studies': 3, 'cli': 4}
src = os.path.join(sys.argv[1], 'src')
build = sys.argv[2]
inc = re.compile(r'^\s*#\s*include\s+[<"]([^">]+)[">]', re.M)
files = {}
for mod in LAYER:
    for f in sorted(os.listdir(os.path.join(src, mod))):
        if f.endswith(('.c', '.h')):
            files[(mod, f)] = inc.findall(open(os.path.join(src, mod, f)).read())

bad_layer, bad_ext = [], []
for (mod, f), includes in files.items():
    for h in includes:
        other = h.split('/')[0] if '/' in h else mod
        if other in LAYER and other != mod:
            if LAYER[other] > LAYER[mod] or (LAYER[other] == LAYER[mod]):
                bad_layer.append(f'{mod}/{f} includes {h}')
        if mod == 'core' and (h.startswith('igraph') or h.startswith('gsl/')):
            bad_ext.append(f'core/{f} includes <{h}>')

# Circles: object file A calls a function defined in B and B (directly or through others) one of
# A's, within a module (the ISA variants of a file count as that file).
def symbols(obj):
    out = subprocess.run(['nm', obj], capture_output=True, text=True).stdout
    defined, used = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in 'TDBR':
            defined.add(parts[2])
        elif len(parts) == 2 and parts[0] == 'U':
            used.add(parts[1])
    return defined, used

edges, owner = {}, {}
objs = {}
for root, _, names in os.walk(os.path.join(build, 'src')):
    for n in names:
        if n.endswith('.c.o'):
            mod = root.split(os.sep + 'src' + os.sep)[1].split(os.sep)[0]
            objs[(mod, n[:-4])] = symbols(os.path.join(root, n))
for key, (defined, _) in objs.items():
    for sym in defined:
        owner[sym] = key
for key, (_, used) in objs.items():
    for sym in used:
        o = owner.get(sym)
        if o and o != key and o[0] == key[0]:
            edges.setdefault(key, set()).add(o)
cycles = []
def visit(node, stack):
    for nxt in edges.get(node, ()):
        if nxt in stack:
            cycles.append(' -> '.join(n[0] + '/' + n[1] for n in stack[stack.index(nxt):] + [nxt]))
        elif len(stack) < 12:
            visit(nxt, stack + [nxt])
for n in list(edges):
    visit(n, [n])

print('1..3')
for i, (name, bad) in enumerate([('no include of a higher or sibling layer', bad_layer),
                                 ('core uses neither igraph nor GSL', bad_ext),
                                 ('no circle of calls between the files of a module', sorted(set(cycles)))], 1):
    print(('ok' if not bad else 'not ok') + f' {i} - {name}')
    for b in bad[:10]:
        print('# ' + b)

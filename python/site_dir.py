"""Prints the interpreter's first site-packages directory under PREFIX (nothing if none).
usage: site_dir.py PREFIX"""
import site
import sys

prefix = sys.argv[1].rstrip('/') + '/'
print(next((d for d in site.getsitepackages() if d.startswith(prefix)), ''))

#!/usr/bin/env python3
"""Runs pytest on one file and reports every test as a TAP case on stdout, so that meson (and
scripts/test's closing line) counts each one; a skipped test is `ok N - name # SKIP reason`.
usage: tap.py TEST_FILE.py [pytest options]"""
import sys

import pytest


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def _line(self, ok, name, directive=''):
        self.n += 1
        self.failed += not ok
        print(f"{'ok' if ok else 'not ok'} {self.n} - {name}{directive}", file=TAP, flush=True)

    def pytest_collectreport(self, report):
        if report.failed:
            self._line(False, f'collect {report.nodeid}')
            for line in str(report.longrepr).splitlines():
                print('# ' + line, file=TAP)
        elif report.skipped:  # e.g. pytest.importorskip at module level
            self._line(True, f'{report.nodeid}', f' # SKIP {_reason(report)}')

    def pytest_runtest_logreport(self, report):
        name = report.nodeid.split('::', 1)[-1]
        if report.when == 'call' or (report.when == 'setup' and not report.passed):
            if report.skipped:
                self._line(True, name, f' # SKIP {_reason(report)}')
            elif report.passed:
                self._line(True, name)
            else:
                self._line(False, name)
                for line in str(report.longrepr).splitlines():
                    print('# ' + line, file=TAP)
        elif report.when == 'teardown' and report.failed:
            self._line(False, name + ' (teardown)')


def _reason(report):
    r = report.longrepr
    return (r[2] if isinstance(r, tuple) else str(r)).replace('Skipped: ', '').replace('\n', ' ')


TAP = sys.stdout

if __name__ == '__main__':
    tap = Tap()
    sys.stdout = sys.stderr  # pytest's own report goes to stderr, TAP alone to stdout
    rc = pytest.main(['-p', 'no:cacheprovider', '-q', '-rs', *sys.argv[1:]], plugins=[tap])
    if tap.n == 0:  # pytest stopped before any test (e.g. conftest.py failed to import)
        tap._line(False, f'pytest could not run {sys.argv[1]} (exit {int(rc)}; see stderr)')
    print(f'1..{tap.n}', file=TAP)
    sys.exit(1 if tap.failed or tap.n == 0 else 0)

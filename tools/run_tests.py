"""The test suite (`make test`): every notebook through `nbdev-test`, then the checks that the package,
the notebooks and README.md are in sync, that the notebooks show clean outputs and that the code has no unused imports. Prints one closing line `N passed, N failed`."""
import os, shutil, subprocess, sys, tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

def run(*cmd, cwd=ROOT):
    "Run `cmd`, echoing it; True when it exits 0."
    print('$', ' '.join(map(str, cmd)), flush=True)
    return subprocess.run(list(map(str, cmd)), cwd=cwd).returncode == 0

def unchanged(what, paths, fix):
    "True when git sees no change under `paths`; else says which files changed and how to fix it."
    out = subprocess.run(['git', 'status', '--porcelain', '--', *paths], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    if out: print(f'FAILED: {what} changed files:\n{out}Fix: {fix}, then commit.')
    return not out

def main():
    # nbdev-test runs 2 notebooks at once: one math thread each fills the 2 cores without oversubscribing them
    os.environ.setdefault('OMP_NUM_THREADS', '1')
    os.environ['HPAIC_CACHE'] = cache = tempfile.mkdtemp(prefix='hpaic_test_cache_')  # the tests' caches, not the user's ~/.cache/hpaic_nb
    n_nbs = len(list((ROOT/'nbs').rglob('*.ipynb')))
    results = {f'{n_nbs} notebooks (nbdev-test)': run(BIN/'nbdev-test', '--n-workers', '2', '--timing', cwd=ROOT/'nbs')}
    results['notebooks in dependency order'] = run(sys.executable, ROOT/'tools'/'check_order.py')
    results['notebooks show outputs: no machine paths, no progress bars, small'] = run(sys.executable, ROOT/'tools'/'check_notebooks.py')
    results['no unused imports, no private imports (pyflakes)'] = run(sys.executable, ROOT/'tools'/'check_code.py')
    results['package in sync (nbdev-export)'] = run(BIN/'nbdev-export') and unchanged('nbdev-export', ['hpaic_nb'], 'run nbdev-export')
    results['notebooks clean (nbdev-clean)'] = run(BIN/'nbdev-clean') and unchanged('nbdev-clean', ['nbs'], 'run nbdev-clean')
    results['README in sync'] = run(sys.executable, ROOT/'tools'/'readme.py', '--check')
    results['README code blocks run as written'] = run(sys.executable, ROOT/'tools'/'readme_examples.py')
    results['bench/gpu.py runs (CPU, tiny)'] = run(sys.executable, ROOT/'bench'/'gpu.py', '--tiny')
    docs_built = run(sys.executable, ROOT/'tools'/'docs.py')
    results['docs site builds (make docs)'] = docs_built
    chromium = os.environ.get('CHROMIUM', '/usr/bin/chromium')
    if Path(chromium).exists() or os.environ.get('HPAIC_REQUIRE_BROWSER') == '1':
        results['docs pages load in Chromium (make docs-test)'] = docs_built and run(sys.executable, ROOT/'tools'/'docs_test.py')
    else: print(f'skipped: docs pages in Chromium ({chromium} not found; `make chromium` installs it, as root)')
    shutil.rmtree(cache, ignore_errors=True)
    for name, ok in results.items(): print(f"{'ok  ' if ok else 'FAIL'} {name}")
    print(f'{sum(results.values())} passed, {len(results) - sum(results.values())} failed')
    return 0 if all(results.values()) else 1

if __name__ == '__main__': sys.exit(main())

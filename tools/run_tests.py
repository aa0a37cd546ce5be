"""The test suite (`make test`): every notebook through `nbdev-test`, then the checks that the package,
the notebooks and README.md are in sync, that the notebooks show clean outputs and that the code has no unused imports.
The longer checks that follow (the README's examples; the docs site and its browser test; the GPU benchmark on the
CPU) are independent, so they run two at a time, one per core, each printing its output when it ends. Prints one
closing line `N passed, N failed`."""
import os, shutil, subprocess, sys, tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

def run(*cmd, cwd=ROOT):
    "Run `cmd`, echoing it; True when it exits 0."
    print('$', ' '.join(map(str, cmd)), flush=True)
    return subprocess.run(list(map(str, cmd)), cwd=cwd).returncode == 0

def run_captured(*cmd, log:list, cwd=ROOT)->bool:
    "Run `cmd`, keeping its echoed output in `log`; True when it exits 0."
    r = subprocess.run(list(map(str, cmd)), cwd=cwd, capture_output=True, text=True)
    log.append(f"$ {' '.join(map(str, cmd))}\n{r.stdout}{r.stderr}")
    return r.returncode == 0

def two_at_a_time(*jobs)->dict:
    "Run each job (a function of a log list, returning check name -> passed) in a thread, two at a time; print each log as it ends."
    def one(job):
        log = []
        res = job(log)
        print(''.join(log), flush=True)
        return res
    with ThreadPoolExecutor(2) as ex: return {k: v for res in ex.map(one, jobs) for k, v in res.items()}

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
    chromium = os.environ.get('CHROMIUM', '/usr/bin/chromium')
    browser = Path(chromium).exists() or os.environ.get('HPAIC_REQUIRE_BROWSER') == '1'
    if not browser: print(f'skipped: docs pages in Chromium ({chromium} not found; `make chromium` installs it, as root)')
    def readme(log): return {'README code blocks run as written': run_captured(sys.executable, ROOT/'tools'/'readme_examples.py', log=log)}
    def docs_and_gpu(log):
        built = run_captured(sys.executable, ROOT/'tools'/'docs.py', log=log)
        res = {'docs site builds (make docs)': built}
        if browser: res['docs pages load in Chromium (make docs-test)'] = built and run_captured(sys.executable, ROOT/'tools'/'docs_test.py', log=log)
        res['bench/gpu.py runs (CPU, tiny)'] = run_captured(sys.executable, ROOT/'bench'/'gpu.py', '--tiny', log=log)
        return res
    results.update(two_at_a_time(readme, docs_and_gpu))
    shutil.rmtree(cache, ignore_errors=True)
    for name, ok in results.items(): print(f"{'ok  ' if ok else 'FAIL'} {name}")
    print(f'{sum(results.values())} passed, {len(results) - sum(results.values())} failed')
    return 0 if all(results.values()) else 1

if __name__ == '__main__': sys.exit(main())

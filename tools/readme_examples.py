"""Run every code block of README.md as written, in order, in a fresh working folder (part of `make test`).

The shell blocks run line by line in bash and the Python blocks in this environment's Python, all in one temporary
working folder, offline, with this environment's console commands first on the PATH and the caches in a temporary
root (`HPAIC_CACHE`): the README's paths are relative to that folder, and its first block makes the data the others
use. The set-up block (`make demo`, `make test`) is the one not run here: it is what CI itself runs. Prints each
command with its last output lines; exits 1 at the first block that fails, naming it."""
import os, re, subprocess, sys, tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BLOCK = re.compile(r'^```(\w+)\n(.*?)^```', re.M | re.S)

def blocks(text:str)->list:
    "(language, code) of every fenced block of `text` but the set-up one (the block running `make`)."
    return [(lang, code) for lang, code in BLOCK.findall(text) if not re.search(r'^make ', code, re.M)]

def commands(code:str)->list:
    "The commands of a shell block: its lines without comments, with `\\` continuations joined."
    return [c.strip() for c in re.sub(r'\\\n\s*', ' ', code).splitlines() if c.strip() and not c.strip().startswith('#')]

def run_block(lang:str, code:str, cwd:Path, env:dict)->bool:
    "Run one block in `cwd`; True when every command exits 0."
    jobs = [['bash', '-c', c] for c in commands(code)] if lang == 'sh' else [[sys.executable, '-c', code]]
    for job in jobs:
        print('$', job[-1] if lang == 'sh' else f'python <<< (the README\'s {len(code.splitlines())}-line Python block)', flush=True)
        r = subprocess.run(job, cwd=cwd, env=env, capture_output=True, text=True)
        print(''.join((r.stdout + r.stderr).splitlines(keepends=True)[-4:]), end='', flush=True)
        if r.returncode: print(f'FAILED (exit {r.returncode}): README.md {lang} block\n{code}'); return False
    return True

def main():
    found = blocks((ROOT/'README.md').read_text())
    with tempfile.TemporaryDirectory(prefix='hpaic_readme_') as tmp:
        env = {**os.environ, 'PATH': f'{Path(sys.executable).parent}{os.pathsep}{os.environ["PATH"]}', 'HPAIC_CACHE': f'{tmp}/cache',
               'MPLBACKEND': 'Agg', 'HF_HUB_OFFLINE': '1', 'OMP_NUM_THREADS': str(os.cpu_count())}
        (Path(tmp)/'work').mkdir()
        ok = all(run_block(lang, code, Path(tmp)/'work', env) for lang, code in found)
    print(f"{len(found)} code blocks of README.md {'ran as written' if ok else 'did not all run'}")
    return 0 if ok else 1

if __name__ == '__main__': sys.exit(main())

"""Start-up benchmark (run by hand, not a test): seconds until each `hpaic-*` command answers `--help`, and until it
refuses a bad argument, beside `python -c 'import pandas'` (the yardstick; goal: within 3x of it).

    .venv/bin/python bench/startup.py [--runs 5] [--checkout DIR ...] [--md bench/results/startup.md]

Each command runs as its console script does, from the sources of a checkout: a script named after the command that
imports its entry point (`[project.scripts]` of the checkout's `pyproject.toml`) and calls it, with that checkout
first on `PYTHONPATH`. `--checkout` takes several
folders, e.g. a `git worktree` of an older commit beside this one, so that both are timed in one run, in turn. The
median of `--runs` runs is kept (wall-clock, a new process each time, the machine's file cache warm).
"""
import argparse, os, statistics, subprocess, sys, tempfile, time, tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BAD = {'hpaic-synth': ['--n-train', 'x'], 'hpaic-train': ['data', 'out', '--epochs', 'x'],
       'hpaic-predict': ['model', 'images', '--bs', 'x'], 'hpaic-cache': ['--size', 'x'],
       'hpaic-baseline': ['data', 'out', '--seed', 'x'], 'hpaic-dups': ['data', '--max-distance', 'x'],
       'hpaic-segment': ['images', '--dest'], 'hpaic-cells': ['model', 'images', '--bs', 'x']}

def entry_points(checkout:Path)->dict:
    "Command name -> `module:function`, from the checkout's pyproject.toml."
    return tomllib.loads((checkout/'pyproject.toml').read_text())['project']['scripts']

def seconds(argv:list, env:dict, runs:int)->float:
    "Median wall-clock seconds of `runs` runs of `argv` (exit status ignored: `--help` and errors both end it)."
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)

def command_script(folder:Path, name:str, entry:str)->Path:
    "A script `folder/name` that runs console command `name` (entry `module:function`) as its console script does."
    mod, func = entry.split(':')
    (folder/name).write_text(f"import sys\nfrom {mod} import {func}\nsys.exit({func}())\n")
    return folder/name

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--runs', type=int, default=5, help='runs of each command; the median is kept')
    p.add_argument('--checkout', type=Path, nargs='+', default=[ROOT], help='checkouts whose commands are timed')
    p.add_argument('--md', type=Path, help='also write the table here, as markdown')
    a = p.parse_args()
    pandas = seconds([sys.executable, '-c', 'import pandas'], dict(os.environ), a.runs)
    rows = [f"| `python -c 'import pandas'` (yardstick) | | {pandas:.2f} | | 1.0 |"]
    for checkout in a.checkout:
        env = {**os.environ, 'PYTHONPATH': str(checkout.resolve())}
        label, scripts = checkout.resolve().name, Path(tempfile.mkdtemp(prefix='hpaic_startup_'))
        for name, entry in entry_points(checkout).items():
            script = [sys.executable, str(command_script(scripts, name, entry))]
            help_s = seconds([*script, '--help'], env, a.runs)
            bad_s = seconds([*script, *BAD[name]], env, a.runs)
            rows.append(f'| `{name}` ({label}) | `{entry}` | {help_s:.2f} | {bad_s:.2f} | {help_s / pandas:.1f} |')
            print(rows[-1], flush=True)
    table = '\n'.join(['| command (checkout) | entry point | `--help` (s) | bad argument (s) | `--help` / pandas |',
                       '|---|---|---|---|---|', *rows])
    print(table)
    if a.md: a.md.write_text(f'Median of {a.runs} runs, {os.cpu_count()} cores.\n\n{table}\n')

if __name__ == '__main__': main()

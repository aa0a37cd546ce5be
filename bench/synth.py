"""Synthetic-data benchmark (run by hand, not a test): images/s that `generate_dataset` writes.

    .venv/bin/python bench/synth.py [--n 60] [--reps 2] [--sizes 256 512] [--workers 1 2]

Each run writes `--n` training images (rendering and the four PNGs of each image, labels from the real
label-set frequencies, default difficulty) into a fresh temporary folder; 1 process renders in this process,
2 or more start that many worker processes (their start-up is included). The best of `--reps` runs is kept,
so that other processes sharing the CPU disturb the numbers less. `cpu ms/image` is the CPU time (this
process and its workers) per image: 1000 / that is the rate of one core that nothing else uses.
Goal: >= 20 images/s at 256 px on 2 cores.
"""
import argparse, os, resource, tempfile, time
import pandas as pd
from hpaic_nb.synth.fields import generate_dataset

def cpu_seconds()->float:
    "CPU time used so far by this process and its finished children."
    return sum(r.ru_utime + r.ru_stime for r in (resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)))

def run(n:int, size:int, n_workers:int, seed:int)->tuple:
    "Wall-clock and CPU seconds of `generate_dataset` writing `n` images of `size` px with `n_workers`."
    with tempfile.TemporaryDirectory() as tmp:
        wall, cpu = time.perf_counter(), cpu_seconds()
        generate_dataset(tmp, n_train=n, n_test=0, size=size, seed=seed, n_workers=n_workers, progress=False)
        return time.perf_counter() - wall, cpu_seconds() - cpu

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--n', type=int, default=60, help='images per run')
    p.add_argument('--reps', type=int, default=2, help='runs per setting; the best is kept')
    p.add_argument('--sizes', type=int, nargs='+', default=[256, 512])
    p.add_argument('--workers', type=int, nargs='+', default=[1, 2])
    a = p.parse_args()
    run(4, 64, 1, 0)  # warm-up: imports, label table
    rows = []
    for size in a.sizes:
        for w in a.workers:
            wall, cpu = min(run(a.n, size, w, rep) for rep in range(a.reps))
            rows.append({'size': size, 'processes': w, 'images/s': round(a.n/wall, 1), 'cpu ms/image': round(1000*cpu/a.n)})
    print(f"generate_dataset, {a.n} images per run, best of {a.reps}; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} after the runs")
    print(pd.DataFrame(rows).to_markdown(index=False))

if __name__ == '__main__': main()

"""Duplicate-search benchmark (run by hand, not a test): how long `hpaic_nb.duplicates` takes at the size of the
real 2018 challenge, and how far the chance matches between distinct fields reach.

    .venv/bin/python bench/dups.py [--n 117380] [--threads 1 2] [--reps 20] [--tail 0]

(a) search: `near_pairs` over `--n` random 64-bit dihedral hashes (8 views each), every pair within
    `MAX_DISTANCE`, with 1 and 2 threads. The default n is the full challenge: 31,072 train + 11,702 test +
    74,606 HPAv18 images = 117,380, i.e. 6.9e9 pairs and 5.5e10 view comparisons; the whole search runs (nothing
    is extrapolated). Random hashes cost the same as real ones: every pair is compared whatever its distance.
(b) hashing: `sample_hash` of the blue and of the yellow channel (per channel one decode, a 32x32 shrink, 8 DCTs)
    of a generated 512-px field saved as Kaggle PNGs, and of the same field at 2048 px in the HPAv18 layout (RGB
    JPEGs, q=90: blue as (0,0,b), yellow as (y,y,0)), best of `--reps`; extrapolated to the challenge's 42,774
    Kaggle and 74,606 HPAv18 samples in one process.
(c) `--tail N` (optional, ~20 ms a field): N distinct generated fields at 128 px (9 data-set seeds, difficulties
    0.2/0.5/0.8), the fraction of their N(N-1)/2 pairs within 10, 12, ... 20 bits: the lower tail of the distance
    between distinct fields, which MAX_DISTANCE must stay below.
"""
import argparse, os, platform, tempfile, time
from pathlib import Path
import numpy as np
from PIL import Image
from hpaic_nb.files import save_rgby
from hpaic_nb.duplicates import CONFIRM_CHANNEL, HASH_CHANNEL, MAX_DISTANCE, dihedral_phash, near_pairs, sample_hash
from hpaic_nb.synth.fields import image_seed, render_sample, sample_label_sets

N_REAL = 31_072 + 11_702 + 74_606
N_PNG, N_JPG = 31_072 + 11_702, 74_606

def bench_search(n:int, threads:list):
    "Seconds of `near_pairs` over n random hashes, per thread count."
    h = np.random.default_rng(0).integers(0, 2**64 - 1, (n, 8), dtype=np.uint64, endpoint=True)
    comparisons = n * (n - 1) / 2 * 8
    print(f'(a) search: {n:,} random hashes, {n * (n - 1) // 2:,} pairs, {comparisons:.2e} view comparisons, max_distance {MAX_DISTANCE}')
    for t in threads:
        start, cpu = time.perf_counter(), time.process_time()
        i, _, _ = near_pairs(h, MAX_DISTANCE, n_threads=t)
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
        print(f'    {t} thread(s): {wall:6.1f} s wall, {cpu:6.1f} s CPU, {comparisons / wall / 1e9:.2f}e9 view comparisons/s, {len(i)} pairs found', flush=True)

def bench_hashing(reps:int):
    "Best-of-`reps` seconds of the blue and yellow `sample_hash` of a sample as 512-px PNGs and as 2048-px HPAv18 RGB JPEGs."
    tmp = Path(tempfile.mkdtemp())
    img = render_sample([0], 512, seed=1)
    save_rgby(tmp/'kaggle', 'x', img)
    (tmp/'hpav18').mkdir()
    for c, k, rgb_channels in ((HASH_CHANNEL, 2, [2]), (CONFIRM_CHANNEL, 3, [0, 1])):
        rgb = np.zeros((2048, 2048, 3), np.uint8); rgb[..., rgb_channels] = np.asarray(Image.fromarray(img[k]).resize((2048, 2048), Image.BILINEAR))[..., None]
        Image.fromarray(rgb).save(tmp/'hpav18'/f'x_{c}.jpg', quality=90)
    def best(folder):
        ts = []
        for _ in range(reps):
            start = time.perf_counter(); sample_hash(folder, 'x'); sample_hash(folder, 'x', CONFIRM_CHANNEL); ts.append(time.perf_counter() - start)
        return min(ts)
    png, jpg = best(tmp/'kaggle'), best(tmp/'hpav18')
    total = N_PNG * png + N_JPG * jpg
    print(f'(b) hashing one sample (blue and yellow): 512-px PNGs {png * 1e3:.1f} ms, 2048-px RGB JPEGs {jpg * 1e3:.1f} ms; '
          f'the challenge ({N_PNG:,} Kaggle + {N_JPG:,} HPAv18 samples) in one process: {total / 60:.0f} min', flush=True)

def bench_tail(n:int):
    "Fractions of the pairs of n distinct generated fields within 10..20 bits."
    start = time.time()
    h = np.stack([dihedral_phash(render_sample(sample_label_sets(1, image_seed(100 + k % 9, k))[0], 128, image_seed(100 + k % 9, k),
                                               (0.2, 0.5, 0.8)[k % 3])[2]) for k in range(n)])
    _, _, d = near_pairs(h, 20)
    pairs = n * (n - 1) // 2
    print(f'(c) tail: {n} distinct fields, {pairs:,} pairs ({time.time() - start:.0f} s); closest {d.min() if len(d) else "> 20"} bits')
    for k in range(10, 21, 2): print(f'    within {k:2d} bits: {(d <= k).sum():7d} pairs, fraction {(d <= k).sum() / pairs:.1e}')

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--n', type=int, default=N_REAL)
    p.add_argument('--threads', type=int, nargs='+', default=[1, 2])
    p.add_argument('--reps', type=int, default=20)
    p.add_argument('--tail', type=int, default=0)
    a = p.parse_args()
    print(f'{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, numpy {np.__version__}, load average {os.getloadavg()[0]:.1f}')
    bench_search(a.n, a.threads)
    bench_hashing(a.reps)
    if a.tail: bench_tail(a.tail)

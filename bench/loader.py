"""Loader benchmark (run by hand, not a test): samples/s of the naive loader against the preprocessing cache.

    .venv/bin/python bench/loader.py [--n 256] [--no-rss] [--standin]

(a) naive: `RGBYReader` (4 PNG decodes + resize per sample), the default reader of `hpa_dls`;
(b) cache: `CacheReader` (one copy out of a memory-mapped `.npy`).
Each at 224 and 512 px from 512-px source images (the project's synthetic generator), measured three ways:
- `reader`: the reader alone, one sample after another;
- `hpa_dls, no batch tfms`: one pass of the `hpa_dls(augment=False)` training loader with its batch transforms
  (uint8->float, Normalize) removed: the CPU's share of the work when those run on a GPU;
- `hpa_dls`: the same loader as users get it on a CPU-only machine, batch transforms included.
The loaders run with 0 and 2 worker processes; fastai starts its workers at every epoch, so each pass
includes that start-up: to amortise it as a real epoch (31,072 samples) does, the cached loaders read the
labels table repeated `--repeat` times. With 0 workers the ratio is also given by CPU time of this process,
which other processes sharing the cores disturb much less than wall-clock time. Also measured: what a ResNet18 training step consumes at 224 px, and (unless `--no-rss`)
the peak resident memory of a process reading one epoch of a full-size cache (31,072 x 4 x 256 x 256 = 8.1 GB,
as a sparse file), with the reader's page release and without.
The measuring process uses one torch thread: on two cores shared with other processes, torch's second thread
busy-waits for a core and made the cached loader up to 5 times slower (and noisy) in our runs. Loader rates are
the best of two passes.
"""
import argparse, os, subprocess, sys, tempfile, time
from pathlib import Path
import numpy as np, pandas as pd, torch
from hpaic_nb.cache import CacheReader, build_cache, image_cache_dir, write_index, IMAGES_FILE
from hpaic_nb.data import loader_kwargs
from hpaic_nb.files import save_rgby
from hpaic_nb.data import RGBYReader, hpa_dls, labels_table
from hpaic_nb.models import build_model

def standin_data(dest:Path, n:int, size=512, seed=0)->Path:
    "Smooth random RGBY images (noise upsampled 16x) in the Kaggle layout, for when `hpaic_nb.synth.fields` is not there."
    from PIL import Image
    rng, ids = np.random.default_rng(seed), [f'standin{i:04d}' for i in range(n)]
    for i in ids:
        low = rng.integers(0, 256, (4, size // 16, size // 16), dtype=np.uint8)
        save_rgby(dest/'train', i, np.stack([np.asarray(Image.fromarray(c).resize((size, size), Image.BILINEAR)) for c in low]))
    pd.DataFrame({'Id': ids, 'Target': [f'{k % 28} {(3 * k + 5) % 28}' for k in range(n)]}).to_csv(dest/'train.csv', index=False)
    return dest

def make_data(dest:Path, n:int, standin=False)->tuple:
    "`n` synthetic 512-px training samples in the Kaggle layout, and the name of their generator."
    try: from hpaic_nb.synth.fields import generate_dataset
    except ImportError: standin = True
    if standin: return standin_data(dest, n), 'stand-in (smooth noise)'
    return generate_dataset(dest, n_train=n, n_test=0, size=512, seed=0, progress=False), 'hpaic_nb.synth.fields'

class Rate:
    "Context manager giving samples per wall-clock second (`.wall`) and per CPU second of this process (`.cpu`)."
    def __init__(self): self.n = 0
    def __enter__(self): self.t, self.c = time.perf_counter(), time.process_time(); return self
    def __exit__(self, *exc):
        self.wall, self.cpu = self.n / (time.perf_counter() - self.t), self.n / (time.process_time() - self.c)

def reader_rate(reader, ids)->Rate:
    "Samples/s of `reader` over `ids`."
    with Rate() as r:
        for i in ids: reader(i)
        r.n = len(ids)
    return r

def loader_rate(dl)->Rate:
    "Samples/s of one pass of `dl`."
    with Rate() as r:
        for xb, _ in dl: r.n += len(xb)
    return r

def best_of(f, *args, n=2)->tuple:
    "The best (wall, CPU) rates of `n` calls of `f(*args)` (the first also warms the page cache)."
    rs = [f(*args) for _ in range(n)]
    return max(r.wall for r in rs), max(r.cpu for r in rs)

def rates(path:Path, df:pd.DataFrame, reader, size:int, bs:int)->dict:
    "Samples/s of `reader` alone, and through the `hpa_dls` training loader without and with batch transforms."
    res = {('reader', 0): best_of(reader_rate, reader, df.Id[~df.is_valid])}
    for w in (0, 2):
        dl = hpa_dls(path, size, bs, df=df, augment=False, reader=reader, **loader_kwargs(w)).train
        res['hpa_dls, no batch tfms', w] = best_of(loader_rate, dl.new(after_batch=None))
        res['hpa_dls', w] = best_of(loader_rate, dl)
    return res

def loader_table(path:Path, bs:int, repeat:int)->pd.DataFrame:
    "One row per (size, way, workers): naive and cached samples/s and their ratio, by wall clock and by CPU time."
    df, rows = labels_table(path), []
    long_df = pd.concat([df] * repeat, ignore_index=True)  # long enough passes for the cache (worker start-up)
    for size in (224, 512):
        dest, t = image_cache_dir(path/'train', size), time.perf_counter()
        build_cache(path/'train', df.Id, size, dest, n_workers=2)
        print(f'cache of {len(df)} samples at {size} px built in {time.perf_counter() - t:.1f} s (2 processes)', flush=True)
        naive = rates(path, df, RGBYReader(path/'train', size), size, bs)
        cached = rates(path, long_df, CacheReader(dest), size, bs)
        for (way, w), (a, a_cpu) in naive.items():
            b, b_cpu = cached[way, w]
            rows.append({'size': size, 'way': way, 'workers': w, 'naive/s': a, 'cache/s': b, 'cache/naive': b / a,
                         'cache/naive by CPU time': b_cpu / a_cpu if w == 0 else np.nan})
            print(rows[-1], flush=True)
    return pd.DataFrame(rows)

def train_step_rate(size=224, bs=16, steps=3)->float:
    "Images/s of ResNet18 (4 channels) training steps (forward, backward, SGD) on random data, with this many threads."
    model, x, y = build_model('resnet18'), torch.randn(bs, 4, size, size), torch.randint(0, 2, (bs, 28)).float()
    opt = torch.optim.SGD(model.parameters(), lr=1e-3)
    def step():
        opt.zero_grad(); torch.nn.functional.binary_cross_entropy_with_logits(model(x), y).backward(); opt.step()
    step(); t = time.perf_counter()
    for _ in range(steps): step()
    return bs * steps / (time.perf_counter() - t)

N_FULL, FULL_SIZE = 31072, 256
def proc_status_mb(key:str)->float:
    "A memory figure of this process from `/proc/self/status` (`VmRSS`, `VmHWM`: peak RSS since exec), in MB."
    return int(next(l for l in Path('/proc/self/status').read_text().splitlines() if l.startswith(key)).split()[1]) / 1024

def rss_child(dest:str, release:bool):
    "In a fresh process: one pass of the `hpa_dls` training loader (no batch tfms) over the cache in `dest`."
    import hpaic_nb.cache as cache
    torch.set_num_threads(1)
    if not release: cache._release_row = lambda arr, i: None
    df = pd.DataFrame({'Id': [f's{i}' for i in range(N_FULL)], 'labels': [[0]] * N_FULL, 'is_valid': False})
    df.loc[:63, 'is_valid'] = True
    dl = hpa_dls(dest, FULL_SIZE, 64, df=df, augment=False, reader=cache.CacheReader(dest), num_workers=0).train
    start_mb = proc_status_mb('VmRSS')  # (not `ru_maxrss`: Linux carries the parent's peak over fork + exec)
    rate = loader_rate(dl.new(after_batch=None))
    print(f"{start_mb:.0f} {proc_status_mb('VmHWM'):.0f} {len(dl) * 64} {rate.wall:.0f}")

def rss_table()->pd.DataFrame:
    "Peak RSS of one pass over a sparse full-size cache, with rows released (`CacheReader`) and kept mapped."
    with tempfile.TemporaryDirectory() as d:
        write_index(d, pd.DataFrame({'Id': [f's{i}' for i in range(N_FULL)], 'source': '', 'done': True}))
        np.lib.format.open_memmap(Path(d)/IMAGES_FILE, 'w+', np.uint8, (N_FULL, 4, FULL_SIZE, FULL_SIZE)).flush()
        with open(Path(d)/IMAGES_FILE, 'rb') as f:  # into the page cache, so that both runs start alike
            while f.read(1 << 26): pass
        rows = []
        for release in (True, False):
            res = subprocess.run([sys.executable, __file__, '--rss-child', d] + ([] if release else ['--keep-mapped']),
                                 capture_output=True, text=True)
            if res.returncode: sys.exit(f'memory check failed:\n{res.stderr}')
            out = res.stdout.split()
            start, peak, n, rate = map(float, out[-4:])
            rows.append({'pages after a read': 'released (CacheReader)' if release else 'kept mapped', 'samples': int(n),
                         'cache GB': (Path(d)/IMAGES_FILE).stat().st_size / 1e9, 'RSS before, MB': start,
                         'peak RSS, MB': peak, 'samples/s': rate})
            print(rows[-1], flush=True)
        return pd.DataFrame(rows)

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--n', type=int, default=256, help='synthetic 512-px samples (80%% are read)')
    p.add_argument('--bs', type=int, default=32, help='batch size')
    p.add_argument('--repeat', type=int, default=8, help='the cached loaders read the labels table repeated this many times')
    p.add_argument('--no-rss', action='store_true', help='skip the full-size memory check')
    p.add_argument('--rss-only', action='store_true', help='only the full-size memory check')
    p.add_argument('--standin', action='store_true', help='smooth-noise images instead of hpaic_nb.synth.fields')
    p.add_argument('--rss-child', help=argparse.SUPPRESS); p.add_argument('--keep-mapped', action='store_true', help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.rss_child: return rss_child(a.rss_child, not a.keep_mapped)
    print(f'load average at start: {os.getloadavg()[0]:.1f} (2 cores)', flush=True)
    if a.rss_only: return print(rss_table().to_markdown(index=False, floatfmt='.1f'))
    torch.set_num_threads(1)  # see the module docstring
    with tempfile.TemporaryDirectory() as d:
        t = time.perf_counter(); path, gen = make_data(Path(d)/'data', a.n, a.standin)
        print(f'{a.n} samples at 512 px from {gen} in {time.perf_counter() - t:.0f} s', flush=True)
        table = loader_table(path, a.bs, a.repeat)
    steps = {}
    for threads in (2, 1): torch.set_num_threads(threads); steps[threads] = train_step_rate()
    step = max(steps.values())
    print(f'\nResNet18 training step at 224 px, bs 16: {steps[2]:.1f} images/s with 2 torch threads, {steps[1]:.1f} with 1')
    table['cache / ResNet18 step'] = np.where(table['size'] == 224, table['cache/s'] / step, np.nan)
    print(table.to_markdown(index=False, floatfmt='.1f'))
    if not a.no_rss: print('\n' + rss_table().to_markdown(index=False, floatfmt='.1f'))
    print(f'load average at end: {os.getloadavg()[0]:.1f}')

if __name__ == '__main__': main()

"""The challenge's full scale, rehearsed through the commands (run by hand, not a test): `python bench/scale.py`.

Builds a folder in the Kaggle layout with the challenge's real Ids and labels (31,072 training Ids of `train.csv`,
11,702 test Ids of `sample_submission.csv`, and with `--hpav18` the 74,606 Ids of `HPAv18RBGY_wodpl.csv` in the
external layout), cheaply: a few hundred distinct 512 px generated fields, whose red, green and yellow files are hard
links, and for each Id its own blue (nucleus) channel, the field's rolled by an offset of its own, so that every image
hashes differently (`hpaic-dups` pairs images by their blue hash). Then it runs every step before the GPU work, each in
a fresh process, and reports its wall time and the peak resident memory of its largest process:

- reading and checking the label files and every image's files (`data_splits`),
- `hpaic-dups`: hashing every image, the pair search; then again with the hashes cached,
- `hpaic-cache` at `--size`: the cache build, its size on disk; then again (nothing to convert),
- building the training `DataLoaders` as `hpaic-train` does (labels, checks, duplicate groups, split, cache), on the
  challenge's images (the external images in training would need a 78 GB cache of their own at 512 px: not built here),
- one pass of the training loader with 0 and 2 workers (items and collation: the batch transforms run on the GPU),
- the prediction pre-flight (the Ids and their files checked, the model loaded, the learner built),
- `hpaic-predict` with the packaged `hpa_cnn` (128 px) writing the submission in sample order.

Every step runs at `--fraction` of the Ids (default 0.25) and at full size, and the table gives the exponent of each
step's growth (time after the start-up ∝ images^k: 1 is linear). Needs `../shared/hpa2018/` (the label files) and about 40 GB of disk at
512 px (the cache alone is 31,072 × 1 MB); `--root` says where (default `data/scale`, git-ignored).
"""
import argparse, json, os, shutil, subprocess, sys, time
from multiprocessing import Pool
from pathlib import Path
import numpy as np, pandas as pd
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CHANNELS = ('red', 'green', 'blue', 'yellow')

def synth_fields(dest:Path, n:int)->list:
    "`n` distinct 512 px generated fields (Kaggle layout) in `dest`, made once; their Ids."
    if not (dest/'train.csv').is_file():
        subprocess.run([BIN/'hpaic-synth', '--dest', dest, '--n-train', str(n), '--n-test', '1', '--size', '512', '--seed', '77'], check=True)
    return pd.read_csv(dest/'train.csv', dtype=str).Id.tolist()

def rolled(plane:np.ndarray, k:int)->np.ndarray:
    "`plane` rolled by an offset that depends on `k` (distinct for the first thousands of `k`)."
    return np.roll(plane, ((k * 41) % 509 + 1, (k * 67) % 503 + 1), axis=(0, 1))

def in_colour(plane:np.ndarray, c:str)->np.ndarray:
    "`plane` as the RGB image of channel `c` in the HPAv18 layout (yellow: red + green)."
    rgb = np.zeros((*plane.shape, 3), np.uint8)
    rgb[..., {'red': [0], 'green': [1], 'blue': [2], 'yellow': [0, 1]}[c]] = plane[..., None]
    return rgb

def write_ids(job)->int:
    "Write the images of one chunk of Ids: (folder, layout, fields folder, field Ids, [(k, Id), ...])."
    folder, layout, src, fields, rows = job
    ext = 'png' if layout == 'kaggle' else 'jpg'
    for k, i in rows:
        f = fields[k % len(fields)]
        for c in ('red', 'green', 'yellow'):
            dst = folder/f'{i}_{c}.{ext}'
            if not dst.exists(): os.link(src/f'{f}_{c}.{ext}', dst)
        dst = folder/f'{i}_blue.{ext}'
        if dst.exists(): continue
        blue, tmp = rolled(np.asarray(Image.open(src/f'{f}_blue.png')), k), folder/f'.{i}_blue.partial.{ext}'
        if layout == 'kaggle': Image.fromarray(blue).save(tmp, compress_level=1)
        else: Image.fromarray(in_colour(blue, 'blue')).save(tmp, quality=90)
        tmp.replace(dst)  # whole or absent: a killed build is resumed
    return len(rows)

def jpeg_fields(src:Path, fields:list):
    "The red, green and yellow channels of each field as the RGB JPEGs of the HPAv18 layout, beside the PNGs."
    for f in fields:
        for c in ('red', 'green', 'yellow'):
            if not (src/f'{f}_{c}.jpg').exists(): Image.fromarray(in_colour(np.asarray(Image.open(src/f'{f}_{c}.png')), c)).save(src/f'{f}_{c}.jpg', quality=90)

def build(root:Path, labels_dir:Path, n_fields:int, fraction:float, hpav18:bool)->dict:
    "The rehearsal folders at `fraction` of the Ids: {'data': Kaggle layout, 'external': HPAv18 layout or None, 'external_csv'}."
    src = root/'fields'
    fields = synth_fields(src, n_fields)
    if hpav18: jpeg_fields(src/'train', fields)
    name = f'kaggle_{fraction:g}'
    data, ext = root/name, root/f'hpav18_{fraction:g}'
    tables = {'train': pd.read_csv(labels_dir/'train.csv', dtype=str), 'test': pd.read_csv(labels_dir/'sample_submission.csv', dtype=str)}
    if hpav18: tables['external'] = pd.read_csv(labels_dir/'HPAv18RBGY_wodpl.csv', dtype=str)
    tables = {s: t[:round(len(t) * fraction)] for s, t in tables.items()}
    folders = {'train': data/'train', 'test': data/'test', 'external': ext}
    start, jobs = 0, []
    for s, t in tables.items():
        folders[s].mkdir(parents=True, exist_ok=True)
        rows = list(zip(range(start, start + len(t)), t.Id))  # every image of every split its own offset
        start += len(t)
        jobs += [(folders[s], 'hpav18' if s == 'external' else 'kaggle', src/'train', fields, rows[j:j + 500]) for j in range(0, len(rows), 500)]
    t0 = time.time()
    with Pool(2) as pool: n = sum(pool.imap_unordered(write_ids, jobs))
    print(f'{name}: {n} images linked or written in {time.time() - t0:.0f} s', flush=True)
    tables['train'].to_csv(data/'train.csv', index=False)
    tables['test'].to_csv(data/'sample_submission.csv', index=False)
    if hpav18: tables['external'].to_csv(root/f'hpav18_{fraction:g}.csv', index=False)
    return {'data': data, 'external': ext if hpav18 else None, 'external_csv': root/f'hpav18_{fraction:g}.csv' if hpav18 else None,
            'counts': {s: len(t) for s, t in tables.items()}}

WRAPPER = """import json, resource, subprocess, sys, time
t = time.perf_counter(); r = subprocess.run(sys.argv[1:], capture_output=True, text=True)
print(json.dumps({'rc': r.returncode, 'seconds': time.perf_counter() - t, 'peak_mb': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                  'out': r.stdout[-3000:], 'err': r.stderr[-3000:]}))"""

def measure(cmd:list)->dict:
    "Wall time and peak RSS of the largest process of `cmd`, run under a small wrapper (a child inherits its parent's peak)."
    r = subprocess.run([sys.executable, '-c', WRAPPER, *map(str, cmd)], capture_output=True, text=True, check=True)
    res = json.loads(r.stdout)
    if res['rc']: raise RuntimeError(f"{' '.join(map(str, cmd))} failed:\n{res['err']}")
    return res

def py(code:str)->list: return [sys.executable, '-c', code]

def dls_code(f:dict, out:Path, cache:Path, size:int, workers:int|None=None)->str:
    "Python that builds the training loaders of the challenge's images as `hpaic-train` does; with `workers`, times one pass."
    code = f"""
import time, torch
from pathlib import Path
from hpaic_nb.settings import TrainSettings
from hpaic_nb.training import run_table, train_dls
torch.set_num_threads(1)
s = TrainSettings.from_kwargs(size={size}, bs=64, dups={str(out/'dups.csv')!r}, cache_dir={str(cache)!r}, num_workers={workers or 0}, holdout_pct=0.1)
df = run_table({str(f['data'])!r}, Path({str(out/'run')!r}), s.data, s.run)
dls = train_dls({str(f['data'])!r}, df, {size}, s.data, s.run)
print(len(dls.train.items), len(dls.valid.items))"""
    if workers is None: return code
    return code + """
dl = dls.train.new(after_batch=None, shuffle=True)
t, n = time.perf_counter(), 0
for xb, yb in dl: n += len(xb)
print(f'{n} {n / (time.perf_counter() - t):.1f}')"""

def preflight_code(model:Path, f:dict)->str:
    "Python that runs the prediction pre-flight: the Ids and their files checked, the model files read, the learner built."
    return f"""
from fastai.learner import Learner
from hpaic_nb.inference import predict_ids
from hpaic_nb.learner import load_model_files, model_members
members, cfg = model_members({str(model)!r})
for m in members: load_model_files(m)
ids, bad = predict_ids({str(f['data']/'test')!r}, sample_submission={str(f['data']/'sample_submission.csv')!r})
learn = Learner.from_model_files(members[0], {str(f['data']/'test')!r}, ids[0])
print(len(ids), len(bad))"""

def du_gb(d:Path)->float:
    "The size on disk of the files under `d`, in GB."
    return sum(p.stat().st_blocks * 512 for p in d.rglob('*') if p.is_file()) / 1e9

def steps(f:dict, out:Path, cache:Path, size:int)->list:
    "(name, command) of every step, in the order a Kaggle-grade run meets them."
    data, model = f['data'], ROOT/'hpaic_nb'/'weights'/'hpa_cnn_synthetic'
    ext = ['--external', f['external'], '--external-csv', f['external_csv']] if f['external'] else []
    split_args = f"{str(data)!r}, {str(f['external'])!r}, {str(f['external_csv'])!r}" if f['external'] else f"{str(data)!r}"
    dups = [BIN/'hpaic-dups', data, *ext, '--dest', out/'dups.csv', '--cache-dir', cache, '--overwrite']
    cache_cmd = [BIN/'hpaic-cache', data, '--size', size, '--cache-dir', cache]
    return [('start-up: Python, torch, fastai, hpaic_nb imported', py('import hpaic_nb.training, hpaic_nb.inference')),
            ('labels and files read and checked', py(f"from hpaic_nb.duplicates import data_splits\ns = data_splits({split_args})\nprint({{k: len(t) for k, (_, t) in s.items()}})")),
            ('hpaic-dups: hashes and pair search', dups), ('hpaic-dups again: hashes cached', dups),
            (f'hpaic-cache at {size} px: build', cache_cmd), ('hpaic-cache again: up to date', cache_cmd),
            ('training DataLoaders, as hpaic-train builds them', py(dls_code(f, out, cache, size))),
            ('one pass of the training loader, 0 workers', py(dls_code(f, out, cache, size, 0))),
            ('one pass of the training loader, 2 workers', py(dls_code(f, out, cache, size, 2))),
            ('prediction pre-flight', py(preflight_code(model, f))),
            ('hpaic-predict (hpa_cnn, 128 px, 2 workers) + submission', [BIN/'hpaic-predict', model, data/'test', '--dest', out/'submission.csv',
                '--sample-submission', data/'sample_submission.csv', '--num-workers', '2', '--overwrite'])]

def rehearse(f:dict, root:Path, size:int)->list:
    "Run every step on the folders `f`; one row per step."
    out, cache = root/f"out_{f['data'].name}", root/f"cache_{f['data'].name}"
    shutil.rmtree(out, ignore_errors=True); shutil.rmtree(cache, ignore_errors=True); out.mkdir(parents=True)
    env = {**os.environ, 'HPAIC_PROGRESS': 'lines', 'OMP_NUM_THREADS': '1'}
    os.environ.update(env)
    rows = []
    for name, cmd in steps(f, out, cache, size):
        res = measure(cmd)
        row = {'step': name, 'images': f['counts']['train'], 'seconds': round(res['seconds'], 1), 'peak MB': round(res['peak_mb'])}
        last = [l for l in res['out'].splitlines() if l.strip()]
        if 'loader' in name and 'pass' in name: row['samples/s'] = float(last[-1].split()[1])
        if name.startswith('hpaic-cache') and 'build' in name: row['on disk (GB)'] = round(du_gb(cache), 2)
        rows.append(row); print(row, '|', last[-1][:150] if last else '', flush=True)
    return rows

def growth(small:pd.DataFrame, full:pd.DataFrame, ratio:float)->np.ndarray:
    "The exponent k of work time ∝ images^k between the two scales (1: linear), after the start-up (the first row) of each."
    work = lambda t: np.maximum(t.seconds.values - t.seconds.values[0], 0.05)
    k = np.log(work(full) / work(small)) / np.log(ratio)
    k[0] = np.nan
    return k.round(2)

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--root', default=str(ROOT/'data'/'scale'), help='folder for the rehearsal data, caches and outputs')
    p.add_argument('--labels', default=str(ROOT.parent/'shared'/'hpa2018'), help="folder of the challenge's label files")
    p.add_argument('--fields', type=int, default=300, help='distinct generated fields behind the images')
    p.add_argument('--size', type=int, default=512, help='side of the cached images')
    p.add_argument('--fraction', type=float, default=0.25, help='the smaller scale, to measure growth')
    p.add_argument('--full', type=float, default=1.0, help='the larger scale (1: the challenge; less for a quick try)')
    p.add_argument('--hpav18', action='store_true', help='add the 74,606 HPAv18 Ids as external images (duplicates and training rows)')
    p.add_argument('--json', default=str(ROOT/'bench'/'results'/'scale.json'), help='where the rows go')
    a = p.parse_args()
    root, labels = Path(a.root), Path(a.labels)
    if not (labels/'train.csv').is_file(): sys.exit(f'{labels}/train.csv not found: pass --labels, the folder of the challenge label files')
    tables = {}
    for frac in (a.fraction, a.full):
        f = build(root, labels, a.fields, frac, a.hpav18)
        tables[frac] = pd.DataFrame(rehearse(f, root, a.size))
        if frac != a.full: shutil.rmtree(root/f"cache_{f['data'].name}")  # disk for the full-size cache
    small, full = tables[a.fraction], tables[a.full]
    full.insert(3, f'seconds at {a.fraction:g}', small.seconds.values)
    full['growth exponent'] = growth(small, full, a.full / a.fraction)
    Path(a.json).parent.mkdir(parents=True, exist_ok=True)
    Path(a.json).write_text(json.dumps({'args': vars(a), 'small': small.to_dict('records'), 'full': full.to_dict('records')}, indent=1))
    print(full.to_markdown(index=False))

if __name__ == '__main__': main()

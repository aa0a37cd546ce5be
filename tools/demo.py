"""The main job (`make demo`): run the notebooks 01..06 and 09 in order on the embedded default data.

Without `HPAIC_DATA`, it first generates the synthetic default set into `data/synthetic/` (once). Every cell
runs, including the `slow` ones that `nbdev-test` skips; executed copies of the notebooks are saved in
`runs/<scale>/notebooks/` (the notebooks in `nbs/` are left as they are), figures go to `figures/`, and the
results table (`figures/results.md`) is copied into `nbs/index.ipynb` and README.md.

Environment: HPAIC_DATA=<Kaggle-layout folder> to use other data; HPAIC_SCALE=full for GPU-sized runs.
"""
import os, re, subprocess, sys, time
from pathlib import Path
from fastcore.nbio import read_nb, write_nb
from execnb.shell import CaptureShell

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ['01_data', '02_synthetic', '04_models', '06_learner', '07_inference', '08_baselines', '09_analysis']
DEMO_DATA = dict(n_train=500, n_test=200, size=128, seed=0, rare_boost=True)  # ~10 s to generate on 2 cores

def default_data()->Path:
    "The synthetic default set, generated on first use."
    from hpaic_nb.synthetic import generate_dataset
    dest = ROOT/'data'/'synthetic'
    if not (dest/'train.csv').is_file():
        print(f'generating the synthetic default set into {dest} {DEMO_DATA}', flush=True)
        generate_dataset(dest, **DEMO_DATA)
    return dest

def run_notebook(name:str, dest:Path):
    "Execute every cell of nbs/<name>.ipynb but the export one, stopping at the first error; save the result in dest."
    nb = read_nb(ROOT/'nbs'/f'{name}.ipynb')
    start, cwd = time.time(), os.getcwd()
    os.chdir(ROOT/'nbs')
    try: CaptureShell().run_all(nb, exc_stop=True, preproc=lambda c: c.cell_type != 'code' or 'nbdev_export()' in c.source)
    finally: os.chdir(cwd)
    for c in nb.cells: c.get('metadata', {}).pop('execution', None)
    write_nb(nb, dest/f'{name}.ipynb')
    print(f'{name}: {time.time() - start:.0f} s', flush=True)

def update_results_in_index():
    "Copy figures/results.md between the results markers of nbs/index.ipynb, then rewrite README.md."
    res = ROOT/'figures'/'results.md'
    if not res.is_file(): return
    nb_path = ROOT/'nbs'/'index.ipynb'
    nb = read_nb(nb_path)
    marker = re.compile(r'(<!-- results -->\n).*?(\n<!-- /results -->)', re.S)
    for c in nb.cells:
        if c.cell_type == 'markdown' and marker.search(c.source): c.source = marker.sub(lambda m: m[1] + res.read_text().strip() + m[2], c.source)
    write_nb(nb, nb_path)
    subprocess.run([sys.executable, ROOT/'tools'/'readme.py'], check=True)

def main():
    os.environ['HPAIC_DATA'] = str(os.environ.get('HPAIC_DATA') or default_data())
    scale = os.environ.get('HPAIC_SCALE') or 'demo'
    dest = ROOT/'runs'/scale/'notebooks'; dest.mkdir(parents=True, exist_ok=True)
    start = time.time()
    for name in NOTEBOOKS: run_notebook(name, dest)
    update_results_in_index()
    print(f'demo done in {(time.time() - start) / 60:.1f} min: figures in {ROOT/"figures"}, runs in {dest.parent}, executed notebooks in {dest}')

if __name__ == '__main__': main()

"""The main job (`make demo`): run the notebooks of the pipeline in order on the embedded default data.

Without `HPAIC_DATA`, it first generates the synthetic default set into `data/synthetic/` (once). Every cell
runs, including the `slow` ones that `nbdev-test` skips, and the demo prints which notebook and cell it is
running, with the cells' output (training progress tables included) as it comes. Everything it writes goes
under `runs/<scale>/`: the trained runs, executed copies of the notebooks (`notebooks/`), the figures and the
results table (`figures/`). Tracked files are left as they are; `make figures` copies the figures and the
results table into the repository (`figures/`, `nbs/index.ipynb`, README.md), and `make notebooks` puts the
slow cells' outputs into the committed notebooks.

Environment: HPAIC_DATA=<Kaggle-layout folder> to use other data; HPAIC_SCALE=full for GPU-sized runs.
"""
import io, os, sys, time
from pathlib import Path
import IPython.utils.capture
from fastcore.nbio import read_nb, write_nb
from notebooks import run_cells  # tools/notebooks.py

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ['03_synthetic', '03a_eda', '05_duplicates', '06_models', '12_training', '13_folds', '14_inference', '16_baselines', '17_analysis', '18_real']
DEMO_DATA = dict(n_train=500, n_test=200, size=128, seed=0, rare_boost=True)  # ~10 s to generate on 2 cores

def default_data()->Path:
    "The synthetic default set, generated on first use."
    from hpaic_nb.synthetic import generate_dataset
    dest = ROOT/'data'/'synthetic'
    if not (dest/'train.csv').is_file():
        print(f'generating the synthetic default set into {dest} {DEMO_DATA}', flush=True)
        generate_dataset(dest, **DEMO_DATA)
    return dest

class Tee(io.StringIO):
    "A cell's capture buffer that also shows what it receives on the terminal as it comes (training tables, bars)."
    def write(self, s):
        sys.__stdout__.write(s); sys.__stdout__.flush()
        return super().write(s)
    def isatty(self): return sys.__stdout__.isatty()  # bars in a terminal, lines in a log (`hpaic_nb.core.show_bars`)
IPython.utils.capture.StringIO = Tee  # the buffers of the shell's `capture_output`: kept in the notebook and shown live

def announce(name:str, n:int):
    "A `run_all` preprocessor that prints which cell of notebook `name` (of `n` cells) runs next; skips the export cell."
    def pre(cell):
        skip = cell.cell_type != 'code' or 'nbdev_export()' in cell.source
        if not skip: print(f"\n[{name} cell {cell.idx_ + 1}/{n}] {next((l for l in cell.source.splitlines() if l.strip() and not l.startswith('#|')), '')[:90]}", flush=True)
        return skip
    return pre

def run_notebook(name:str, dest:Path):
    "Execute every cell of nbs/<name>.ipynb but the export one, showing its output, stopping at the first error; save it in dest."
    nb, start = read_nb(ROOT/'nbs'/f'{name}.ipynb'), time.time()
    run_cells(nb, announce(name, len(nb.cells)))
    write_nb(nb, dest/f'{name}.ipynb')
    print(f'{name}: {time.time() - start:.0f} s', flush=True)

def main():
    os.environ['HPAIC_DATA'] = str(os.environ.get('HPAIC_DATA') or default_data())
    scale = os.environ.get('HPAIC_SCALE') or 'demo'
    out = ROOT/'runs'/scale
    os.environ['HPAIC_FIGURES'] = str(out/'figures')
    dest = out/'notebooks'; dest.mkdir(parents=True, exist_ok=True)
    start = time.time()
    for name in NOTEBOOKS: run_notebook(name, dest)
    print(f'demo done in {(time.time() - start) / 60:.1f} min: runs, figures and the results table in {out}, executed notebooks in {dest}.\n'
          f'`make figures` copies the figures and the results table into the repository.')

if __name__ == '__main__': main()

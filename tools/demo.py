"""The main job (`make demo`): run the notebooks of the pipeline in order on the embedded default data.

The quick demo (the default, under 10 minutes on 2 cores) trains the demo's four recipes (the defaults, SimpleCNN and
ResNet18 from scratch, EfficientNet-Lite0 from ImageNet weights) and scores them on the test split beside the
classical baseline and the trivial ones: the training and analysis notebooks. `HPAIC_DEMO=full` (`make demo-full`)
runs every notebook of the pipeline and every recipe: the 5-fold ensemble, the other recipes, the data, duplicates,
models, inference, baselines and real-fields notebooks.

Without `HPAIC_DATA`, it first generates the synthetic default set into `data/synthetic/` (once). Every cell
runs, including the `slow` ones that `nbdev-test` skips, and the demo prints which notebook and cell it is
running, with the cells' output (training progress tables included) as it comes. Everything it writes goes
under `runs/<scale>/`: the trained runs, executed copies of the notebooks (`notebooks/`), the figures and the
results table (`figures/`). Tracked files are left as they are; `make figures` copies the figures and the
results tables into the repository (`figures/`, the results report `nbs/explanations/06_results.ipynb`), and `make notebooks` puts the
slow cells' outputs into the committed notebooks.

Environment: HPAIC_DEMO=full for the full demo; HPAIC_DATA=<Kaggle-layout folder> to use other data; HPAIC_SCALE=full
for GPU-sized runs.
"""
import io, json, os, sys, time
from pathlib import Path
import IPython.utils.capture
from fastcore.nbio import read_nb, write_nb
from notebooks import run_cells  # tools/notebooks.py
from hpaic_nb.config import demo_scope, scale

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = {'quick': ['api/16_training', 'api/23_analysis'],
             'full': ['api/07_synth_fields', 'explanations/02_eda', 'api/09_duplicates', 'api/10_models', 'api/16_training',
                      'api/17_folds', 'api/18_inference', 'api/20_baselines', 'api/23_analysis', 'explanations/03_real_fields']}
DEMO_DATA = dict(n_train=500, n_test=200, size=128, seed=0, rare_boost=True)  # ~10 s to generate on 2 cores

def default_data()->Path:
    "The synthetic default set, generated on first use, and again when an older generator made it (without cells)."
    from hpaic_nb.synth.fields import GENERATOR_VERSION, MANIFEST, generate_dataset
    dest = ROOT/'data'/'synthetic'
    made = json.loads((dest/MANIFEST).read_text()) if (dest/MANIFEST).is_file() else {}
    if not (dest/'train.csv').is_file() or made.get('generator') != GENERATOR_VERSION:
        print(f'generating the synthetic default set into {dest} {DEMO_DATA}', flush=True)
        generate_dataset(dest, **DEMO_DATA, overwrite=bool(made))  # replaces only an earlier default set's own files
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
    fn, start = ROOT/'nbs'/f'{name}.ipynb', time.time()
    nb = read_nb(fn)
    run_cells(nb, announce(name, len(nb.cells)), fn.parent)
    (dest/name).parent.mkdir(parents=True, exist_ok=True)
    write_nb(nb, dest/f'{name}.ipynb')
    print(f'{name}: {time.time() - start:.0f} s', flush=True)

def main():
    os.environ['HPAIC_DATA'] = str(os.environ.get('HPAIC_DATA') or default_data())
    out = ROOT/'runs'/scale()
    os.environ['HPAIC_FIGURES'] = str(out/'figures')
    dest = out/'notebooks'; dest.mkdir(parents=True, exist_ok=True)
    start = time.time()
    for name in NOTEBOOKS[demo_scope()]: run_notebook(name, dest)
    print(f'{demo_scope()} demo done in {(time.time() - start) / 60:.1f} min: runs, figures and the results table in {out}, executed notebooks in {dest}.\n'
          f'`make figures` copies the figures and the results table into the repository.')

if __name__ == '__main__': main()

"""Execute the numbered notebooks in place, so that they are committed with their outputs (`make notebooks`).

Every code cell runs in a fresh kernel per notebook, in the notebook's folder, at demo scale (`HPAIC_SCALE=demo`), except the
export cell and the `#| slow` cells: those keep the outputs they have, or take them from the executed copy that
`make demo` left in `runs/demo/notebooks/` (same cell id) when there is one. Figures the cells save go to a
temporary folder (`HPAIC_FIGURES`), so the committed `figures/` stay as they are. Plots are PNG at 72 dpi; an image output over 150 KB becomes a JPEG, scaled down until it fits;
`nbdev-clean` then strips what changes on every run (execution counts, timings). Outputs keep what a reader needs:
progress-bar frames are dropped (a terminal would have overwritten them; fastai's epoch tables stay), and paths of this
machine become `<project>` and `<tmp>` (`tidy_outputs`, also used by `make demo`). `python tools/notebooks.py [NAME ...]`
runs only the named notebooks (e.g. `api/05_data`)."""
import base64, io, os, re, sys, tempfile, time
from pathlib import Path
from fastcore.nbio import read_nb, write_nb
from execnb.shell import CaptureShell

ROOT = Path(__file__).resolve().parent.parent
NBS, DEMO = ROOT/'nbs', ROOT/'runs'/'demo'/'notebooks'

def is_slow(cell)->bool: return cell.cell_type == 'code' and any(l.strip() == '#| slow' for l in cell.source.splitlines())
def skipped(cell)->bool: return cell.cell_type != 'code' or is_slow(cell) or 'nbdev_export()' in cell.source

def demo_outputs(name:str)->dict:
    "Outputs of the slow cells in `make demo`'s executed copy of notebook `name`, by cell id."
    fn = DEMO/f'{name}.ipynb'
    return {c.id: c.outputs for c in read_nb(fn).cells if is_slow(c) and c.get('outputs')} if fn.is_file() else {}

MAX_IMAGE = 150_000  # an image output over this (photo-like figures: microscopy, synthetic fields) becomes a smaller JPEG
def small_jpeg(data:bytes)->bytes:
    "`data` (an image) as a JPEG (quality 85) of at most `MAX_IMAGE` bytes, scaled down as needed."
    from PIL import Image
    im = Image.open(io.BytesIO(data)).convert('RGB')
    while True:
        buf = io.BytesIO(); im.save(buf, 'JPEG', quality=85)
        if buf.tell() <= MAX_IMAGE: return buf.getvalue()
        im = im.resize((im.width * 3 // 4, im.height * 3 // 4), Image.LANCZOS)

def shrink(outputs):
    "Replace every PNG or JPEG output over `MAX_IMAGE` bytes by `small_jpeg` of it, in place."
    for o in outputs:
        data = o.get('data', {})
        for k in [k for k in ('image/png', 'image/jpeg') if k in data]:
            raw = base64.b64decode(''.join(data[k]))
            if len(raw) > MAX_IMAGE: del data[k]; data['image/jpeg'] = base64.b64encode(small_jpeg(raw)).decode()

def last_frames(text:str)->str:
    "`text` as a terminal shows it: of each line, what follows its last carriage return; lines left blank by progress bars dropped."
    lines = [(l.split('\r')[-1], '\r' in l) for l in text.split('\n')]
    return '\n'.join(l for l, bar in lines if l.strip() or not bar)

TMP = re.compile(re.escape(tempfile.gettempdir()) + r'/[^/\s\'"]+')
def hide_paths(text:str)->str:
    "`text` with this machine's paths replaced: the project root by `<project>`, temporary folders by `<tmp>`."
    return TMP.sub('<tmp>', text.replace(str(ROOT), '<project>'))

def tidy_outputs(outputs):
    "Drop progress-bar frames from the stream outputs and hide machine paths in every text output, in place."
    for o in outputs:
        if 'text' in o: o['text'] = hide_paths(last_frames(''.join(o['text'])))
        for k, v in o.get('data', {}).items():
            if k.startswith('text/'): o['data'][k] = hide_paths(''.join(v))
    outputs[:] = [o for o in outputs if o.get('output_type') != 'stream' or o['text'].strip()]

def run_cells(nb, preproc, folder:Path, dpi:int|None=None):
    "Run the cells of `nb` that `preproc` does not skip in a fresh kernel, in `folder`, stopping at the first error."
    shell = CaptureShell(mpl_format='png')
    if dpi: shell.run(f"import matplotlib as mpl; mpl.rcParams['figure.dpi'] = {dpi}")
    cwd = os.getcwd(); os.chdir(folder)
    try: shell.run_all(nb, exc_stop=True, preproc=preproc)
    finally: os.chdir(cwd)
    for c in nb.cells:
        c.get('metadata', {}).pop('execution', None)  # a float nbconvert rejects
        tidy_outputs(c.get('outputs', []))

def execute(name:str):
    "Run notebook `nbs/<name>.ipynb` cell by cell and write it back with the outputs."
    fn, start = NBS/f'{name}.ipynb', time.time()
    nb, demo = read_nb(fn), demo_outputs(name)
    run_cells(nb, skipped, fn.parent, dpi=72)
    for c in nb.cells:
        if is_slow(c) and c.id in demo: c.outputs = demo[c.id]; tidy_outputs(c.outputs)  # a demo of an earlier version may not have
        shrink(c.get('outputs', []))
    write_nb(nb, fn)
    print(f'{name}: {time.time() - start:.0f} s', flush=True)

def main(names):
    os.environ.setdefault('HPAIC_SCALE', 'demo')
    os.environ['HPAIC_FIGURES'] = tempfile.mkdtemp(prefix='hpaic_figures_')
    for name in names or sorted(str(p.relative_to(NBS).with_suffix('')) for p in NBS.rglob('[0-9][0-9]_*.ipynb')): execute(name)

if __name__ == '__main__': main(sys.argv[1:])

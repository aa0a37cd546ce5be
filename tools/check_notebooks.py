"""Check the committed notebooks as documents: every numbered notebook shows outputs in at least a fifth of its
non-export code cells, no output holds a path of the machine that ran it or progress-bar frames, no image output is
over 150 KB, and all notebooks together stay under 8 MB (`make notebooks` writes the outputs)."""
import base64, json, re, sys, tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NBS = ROOT/'nbs'
MAX_IMAGE, MAX_TOTAL, MIN_SHARE = 150_000, 8_000_000, 0.2
MACHINE_PATH = re.compile('|'.join([re.escape(str(ROOT)), re.escape(tempfile.gettempdir() + '/'), r'/(?:work|home|root|Users)/\w']))
PROGRESS = re.compile(r'\r|\|[█-]{10,}\|')

def images(nb):
    "(cell number, bytes) of every image output of notebook `nb`."
    return [(i, len(base64.b64decode(''.join(v)))) for i, c in enumerate(nb['cells']) for o in c.get('outputs', [])
            for k, v in o.get('data', {}).items() if k.startswith('image/') and k != 'image/svg+xml']

def texts(nb):
    "(cell number, text) of every text output of notebook `nb`."
    return [(i, ''.join(t)) for i, c in enumerate(nb['cells']) for o in c.get('outputs', [])
            for t in [o.get('text', '')] + [v for k, v in o.get('data', {}).items() if k.startswith('text/')]]

def is_export(cell): return any(l.strip() in ('#| export', '#| exporti') for l in ''.join(cell['source']).splitlines())

def output_share(nb)->tuple:
    "(cells with outputs, non-export code cells) of notebook `nb`."
    cells = [c for c in nb['cells'] if c['cell_type'] == 'code' and not is_export(c)]
    return sum(bool(c.get('outputs')) for c in cells), len(cells)

def notebook_problems(name, nb):
    "One line per rule that notebook `nb` (file `name`) breaks."
    out = [f'nbs/{name} cell {i}: an image output of {n:,} bytes (> {MAX_IMAGE:,}); make the figure smaller' for i, n in images(nb) if n > MAX_IMAGE]
    for i, t in texts(nb):
        if m := MACHINE_PATH.search(t): out.append(f'nbs/{name} cell {i}: an output shows the machine path {t[m.start():m.end() + 20]!r}...')
        if PROGRESS.search(t): out.append(f'nbs/{name} cell {i}: an output holds progress-bar frames')
    shown, cells = output_share(nb)
    if Path(name).name[:2].isdigit() and shown < MIN_SHARE * cells:
        out.append(f'nbs/{name} shows outputs in {shown} of its {cells} non-export code cells (< {MIN_SHARE:.0%}): run `make notebooks`, or show more')
    return out

def problems():
    "One line per notebook or output that breaks a rule."
    out, total = [], 0
    for fn in sorted(NBS.rglob('*.ipynb')):
        out, total = out + notebook_problems(str(fn.relative_to(NBS)), json.loads(fn.read_text())), total + fn.stat().st_size
    if total > MAX_TOTAL: out.append(f'the notebooks total {total:,} bytes (> {MAX_TOTAL:,})')
    return out

if __name__ == '__main__':
    bad = problems()
    print('\n'.join(bad) or 'notebooks carry their outputs, without machine paths or progress bars, within the size limits')
    sys.exit(1 if bad else 0)

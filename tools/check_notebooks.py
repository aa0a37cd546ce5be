"""Check the committed notebooks as documents: every numbered notebook carries outputs, no image output is
over 150 KB, and all notebooks together stay under 8 MB (`make notebooks` writes the outputs)."""
import base64, json, sys
from pathlib import Path

NBS = Path(__file__).resolve().parent.parent/'nbs'
MAX_IMAGE, MAX_TOTAL = 150_000, 8_000_000

def images(nb):
    "(cell number, bytes) of every image output of notebook `nb`."
    return [(i, len(base64.b64decode(''.join(v)))) for i, c in enumerate(nb['cells']) for o in c.get('outputs', [])
            for k, v in o.get('data', {}).items() if k.startswith('image/') and k != 'image/svg+xml']

def problems():
    "One line per notebook or output that breaks a rule."
    out, total = [], 0
    for fn in sorted(NBS.glob('*.ipynb')):
        nb, total = json.loads(fn.read_text()), total + fn.stat().st_size
        if fn.name[:2].isdigit() and not any(c.get('outputs') for c in nb['cells']):
            out.append(f'nbs/{fn.name} has no outputs: run `make notebooks`')
        out += [f'nbs/{fn.name} cell {i}: an image output of {n:,} bytes (> {MAX_IMAGE:,}); make the figure smaller' for i, n in images(nb) if n > MAX_IMAGE]
    if total > MAX_TOTAL: out.append(f'the notebooks total {total:,} bytes (> {MAX_TOTAL:,})')
    return out

if __name__ == '__main__':
    bad = problems()
    print('\n'.join(bad) or 'notebooks carry their outputs, within the size limits')
    sys.exit(1 if bad else 0)

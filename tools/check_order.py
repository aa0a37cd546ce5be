"""Check that the notebooks come in dependency order: each imports (in any cell, exported or not) only modules that
earlier notebooks export. Notebooks are ordered by folder (the reference in `api/` first, then the reports in
`explanations/`, then the guides in `tutorials/`) and by number within a folder. Prints one line per violation;
exits 1 if there is any."""
import json, re, sys
from pathlib import Path

NBS = Path(__file__).resolve().parent.parent/'nbs'
FOLDERS = ('api', 'explanations', 'tutorials')  # reference, reports, guides
IMPORT = re.compile(r'^\s*(?:from\s+hpaic_nb\.([\w.]+)\s+import|import\s+hpaic_nb\.([\w.]+))', re.M)

def cells(nb): return [''.join(c['source']) for c in json.loads(nb.read_text())['cells'] if c['cell_type'] == 'code']

def exported_module(nb):
    "The module notebook `nb` exports (its `#| default_exp`), or None."
    return next((m.group(1) for c in cells(nb) if (m := re.search(r'^#\|\s*default_exp\s+([\w.]+)', c, re.M))), None)

def rank(nb:Path)->tuple: return FOLDERS.index(nb.parent.name), nb.name

def violations():
    "(notebook, imported module, notebook exporting it) for each import of a module of a later notebook."
    nbs = sorted((p for f in FOLDERS for p in (NBS/f).glob('[0-9][0-9]_*.ipynb')), key=rank)
    owner = {exported_module(p): p for p in nbs if exported_module(p)}
    return [(p, mod, owner[mod]) for p in nbs for c in cells(p) for m in IMPORT.finditer(c)
            if (mod := m.group(1) or m.group(2)) in owner and rank(owner[mod]) > rank(p)]

if __name__ == '__main__':
    bad = violations()
    for nb, mod, owner in bad:
        print(f'{nb.relative_to(NBS.parent)} imports hpaic_nb.{mod}, exported by the later {owner.relative_to(NBS.parent)}: renumber, or move the code')
    print('notebooks are in dependency order' if not bad else f'{len(bad)} import(s) of later notebooks')
    sys.exit(1 if bad else 0)

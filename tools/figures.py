"""Copy what `make demo` made into the repository (`make figures`): the figures of `runs/<scale>/figures/` into
`figures/`, and its tables (`quick_results.md` and `cell_results.md` of `make demo`; `results.md` and `ensemble.md` of `make demo-full`) into
the results report `nbs/explanations/06_results.ipynb` (between the markers named after them, e.g. `<!-- results -->`), then README.md is written again from nbs/index.ipynb
(`tools/readme.py`). The only command that changes the committed figures and tables from a run."""
import re, shutil, subprocess, sys
from pathlib import Path
from fastcore.nbio import read_nb, write_nb
from hpaic_nb.config import scale

ROOT = Path(__file__).resolve().parent.parent

REPORT = ROOT/'nbs'/'explanations'/'06_results.ipynb'  # the notebook that holds the tables
TABLES = ('quick_results', 'cell_results', 'results', 'ensemble')  # `<name>.md` goes between `<!-- name -->` and `<!-- /name -->` in REPORT

def update_tables(src:Path, nb_path:Path=REPORT):
    "Copy each table of `TABLES` found in `src` between its markers in notebook `nb_path`, then rewrite README.md."
    nb = read_nb(nb_path)
    for name in (n for n in TABLES if (src/f'{n}.md').is_file()):
        marker, text = re.compile(rf'(<!-- {name} -->\n)(?:.*?\n)?(<!-- /{name} -->)', re.S), (src/f'{name}.md').read_text().strip()
        for c in nb.cells:  # an empty block (the two markers on consecutive lines) is filled too
            if c.cell_type == 'markdown' and marker.search(c.source): c.source = marker.sub(lambda m: m[1] + text + '\n' + m[2], c.source)
    write_nb(nb, nb_path)
    subprocess.run([sys.executable, ROOT/'tools'/'readme.py'], check=True)

def main():
    src = ROOT/'runs'/scale()/'figures'
    if not src.is_dir(): sys.exit(f'{src} does not exist: run `make demo` first')
    for f in sorted(src.iterdir()):
        if f.is_file(): shutil.copy2(f, ROOT/'figures'/f.name); print(f'figures/{f.name}')
    update_tables(src)

if __name__ == '__main__': main()

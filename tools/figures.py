"""Copy what `make demo` made into the repository (`make figures`): the figures of `runs/<scale>/figures/` into
`figures/`, and its tables (`results.md`, `ensemble.md`) into `nbs/index.ipynb` (between the `<!-- results -->` and
`<!-- ensemble -->` markers) and README.md. The only command that changes the committed figures and tables from a run."""
import os, re, shutil, subprocess, sys
from pathlib import Path
from fastcore.nbio import read_nb, write_nb

ROOT = Path(__file__).resolve().parent.parent

TABLES = ('results', 'ensemble')  # `<name>.md` goes between `<!-- name -->` and `<!-- /name -->` in nbs/index.ipynb

def update_tables_in_index(src:Path):
    "Copy each table of `TABLES` found in `src` between its markers in nbs/index.ipynb, then rewrite README.md."
    nb_path = ROOT/'nbs'/'index.ipynb'
    nb = read_nb(nb_path)
    for name in (n for n in TABLES if (src/f'{n}.md').is_file()):
        marker, text = re.compile(rf'(<!-- {name} -->\n)(?:.*?\n)?(<!-- /{name} -->)', re.S), (src/f'{name}.md').read_text().strip()
        for c in nb.cells:  # an empty block (the two markers on consecutive lines) is filled too
            if c.cell_type == 'markdown' and marker.search(c.source): c.source = marker.sub(lambda m: m[1] + text + '\n' + m[2], c.source)
    write_nb(nb, nb_path)
    subprocess.run([sys.executable, ROOT/'tools'/'readme.py'], check=True)

def main():
    src = ROOT/'runs'/(os.environ.get('HPAIC_SCALE') or 'demo')/'figures'
    if not src.is_dir(): sys.exit(f'{src} does not exist: run `make demo` first')
    for f in sorted(src.iterdir()):
        if f.is_file(): shutil.copy2(f, ROOT/'figures'/f.name); print(f'figures/{f.name}')
    update_tables_in_index(src)

if __name__ == '__main__': main()

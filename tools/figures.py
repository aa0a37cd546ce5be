"""Copy what `make demo` made into the repository (`make figures`): the figures of `runs/<scale>/figures/` into
`figures/`, and its results table (`results.md`) into `nbs/index.ipynb` (between the results markers) and
README.md. The only command that changes the committed figures and table from a run."""
import os, re, shutil, subprocess, sys
from pathlib import Path
from fastcore.nbio import read_nb, write_nb

ROOT = Path(__file__).resolve().parent.parent

def update_results_in_index(res:Path):
    "Copy the results table `res` between the results markers of nbs/index.ipynb, then rewrite README.md."
    nb_path = ROOT/'nbs'/'index.ipynb'
    nb = read_nb(nb_path)
    marker = re.compile(r'(<!-- results -->\n).*?(\n<!-- /results -->)', re.S)
    for c in nb.cells:
        if c.cell_type == 'markdown' and marker.search(c.source): c.source = marker.sub(lambda m: m[1] + res.read_text().strip() + m[2], c.source)
    write_nb(nb, nb_path)
    subprocess.run([sys.executable, ROOT/'tools'/'readme.py'], check=True)

def main():
    src = ROOT/'runs'/(os.environ.get('HPAIC_SCALE') or 'demo')/'figures'
    if not src.is_dir(): sys.exit(f'{src} does not exist: run `make demo` first')
    for f in sorted(src.iterdir()):
        if f.is_file(): shutil.copy2(f, ROOT/'figures'/f.name); print(f'figures/{f.name}')
    if (src/'results.md').is_file(): update_results_in_index(src/'results.md')

if __name__ == '__main__': main()

"""Write README.md from nbs/index.ipynb without Quarto (`make readme`); `--check` only compares.

Where Quarto is installed, `nbdev-readme` does the same job from the same notebook."""
import re, sys
from pathlib import Path
import nbformat
from nbconvert import MarkdownExporter

ROOT = Path(__file__).resolve().parent.parent
DIRECTIVE = re.compile(r'^\s*#\|\s*(.*)$')

def directives(cell):
    "The `#| ...` directive words at the top of a cell."
    return [m.group(1).split()[0] for l in cell.source.splitlines() if (m := DIRECTIVE.match(l)) and m.group(1)]

def readme_text(nb_path=ROOT/'nbs'/'index.ipynb'):
    "Markdown of the index notebook: hidden cells dropped, directives stripped, links made relative to the root."
    nb = nbformat.read(nb_path, as_version=4)
    nb.cells = [c for c in nb.cells if not {'hide', 'exporti', 'export'} & set(directives(c))]
    for c in nb.cells: c.source = '\n'.join(l for l in c.source.splitlines() if not DIRECTIVE.match(l))
    body, _ = MarkdownExporter(exclude_raw=True).from_notebook_node(nb)
    body = body.replace('](../', '](').replace('src="../', 'src="')
    return '<!-- Generated from nbs/index.ipynb by `make readme` (or `nbdev-readme`); edit the notebook. -->\n\n' + body.strip() + '\n'

if __name__ == '__main__':
    dest, text = ROOT/'README.md', readme_text()
    if '--check' in sys.argv:
        ok = dest.exists() and dest.read_text() == text
        print('README.md is in sync with nbs/index.ipynb' if ok else 'README.md is out of date: run `make readme`')
        sys.exit(0 if ok else 1)
    tmp = dest.with_name('.README.md.tmp'); tmp.write_text(text); tmp.replace(dest)
    print(f'wrote {dest}')

"""The measures of how a project's notebooks read (run by hand): `python tools/style_stats.py [NBS_FOLDER ...]`.

For each folder of notebooks (default: this project's `nbs/`): the median of prose words per notebook, the median of
lines per code cell, the share of docstrings over 100 characters (of the functions and classes defined in code
cells) and the share of code lines over 120 characters. Reports (`REPORTS`) are listed apart, since they may be longer."""
import ast, json, re, statistics, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORTS = {'index.ipynb'}  # the README: a report by design

def cells(fn:Path)->list: return json.loads(fn.read_text())['cells']
def source(c)->str: return ''.join(c['source'])

def docstrings(code:str)->list:
    "The docstrings of the functions and classes defined in `code` (none if it does not parse, e.g. cell magics)."
    try: tree = ast.parse(code)
    except SyntaxError: return []
    return [d for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and (d := ast.get_docstring(n, clean=False))]

def stats(folder:Path, skip=REPORTS)->dict:
    "The four measures over the notebooks of `folder` (recursively), leaving out `skip`."
    nbs = [p for p in sorted(folder.rglob('*.ipynb')) if p.name not in skip and '.ipynb_checkpoints' not in p.parts]
    words = [sum(len(re.findall(r'\w+', source(c))) for c in cells(p) if c['cell_type'] == 'markdown') for p in nbs]
    code = [source(c) for p in nbs for c in cells(p) if c['cell_type'] == 'code' and source(c).strip()]
    lines = [l for c in code for l in c.splitlines() if l.strip()]
    docs = [d for c in code for d in docstrings(c)]
    return {'notebooks': len(nbs), 'prose words per notebook, median': statistics.median(words) if words else 0,
            'lines per code cell, median': statistics.median(len([l for l in c.splitlines() if l.strip()]) for c in code),
            'docstrings over 100 characters': f'{sum(len(d) > 100 for d in docs) / max(len(docs), 1):.0%} of {len(docs)}',
            'code lines over 120 characters': f'{sum(len(l) > 120 for l in lines) / max(len(lines), 1):.1%} of {len(lines)}'}

def per_notebook(folder:Path)->dict:
    "Prose words of each notebook of `folder`."
    return {p.name: sum(len(re.findall(r'\w+', source(c))) for c in cells(p) if c['cell_type'] == 'markdown') for p in sorted(folder.glob('*.ipynb'))}

if __name__ == '__main__':
    folders = [Path(a) for a in sys.argv[1:]] or [ROOT/'nbs']
    for f in folders: print(f, json.dumps(stats(f), indent=1))
    if not sys.argv[1:]: print(json.dumps(per_notebook(ROOT/'nbs'), indent=1))

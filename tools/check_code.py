"""Check the Python code (package, benchmarks, tools) with pyflakes, and that no module imports another one's
private names. An import kept only for its side effect (fastai's `@patch`) is allowed when its line says so
with a `# patches` comment, as in `from fastai.callback.schedule import fit_one_cycle  # patches ...`."""
import ast, sys
from pathlib import Path
from pyflakes import api, messages, reporter

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ['hpaic_nb', 'bench', 'tools']

class Collect(reporter.Reporter):
    "A pyflakes reporter that keeps the messages instead of printing them."
    def __init__(self): self.found = []
    def flake(self, msg): self.found.append(msg)
    def syntaxError(self, filename, msg, lineno, offset, text): self.found.append(f'{filename}:{lineno}: {msg}')
    def unexpectedError(self, filename, msg): self.found.append(f'{filename}: {msg}')

def allowed(msg, lines):
    "True for an unused import whose line marks it as imported for its patches."
    return isinstance(msg, messages.UnusedImport) and '# patches' in lines[msg.lineno - 1]

def flakes(fn):
    "pyflakes' findings in file `fn`, less the allowed side-effect imports."
    rep, lines = Collect(), fn.read_text().splitlines()
    api.checkPath(str(fn), rep)
    return [str(m) for m in rep.found if isinstance(m, str) or not allowed(m, lines)]

def private_imports(fn):
    "Lines of `fn` that import a private name (`_name`) from another module of the project."
    return [f'{fn}:{n.lineno}: imports private name {a.name!r} from {n.module}' for n in ast.walk(ast.parse(fn.read_text()))
            if isinstance(n, ast.ImportFrom) and (n.level or (n.module or '').startswith('hpaic_nb'))
            for a in n.names if a.name.startswith('_') and not a.name.startswith('__')]

def problems():
    "Every finding in the checked folders, one line each."
    files = sorted(f for d in FOLDERS for f in (ROOT/d).rglob('*.py') if f.name != '_modidx.py')
    return [p for f in files for p in flakes(f) + private_imports(f)]

if __name__ == '__main__':
    bad = problems()
    print('\n'.join(map(str, bad)) or f"pyflakes and private imports: {', '.join(FOLDERS)} clean")
    sys.exit(1 if bad else 0)

"""Build the documentation site in `_docs/` from the notebooks, without Quarto (`make docs`).

Every notebook in `nbs/` becomes one page (index first, then by folder: the reference `api/`, the reports
`explanations/`, the guides `tutorials/`, each a section of the sidebar as in nbdev's, by file name within), rendered
by nbconvert from the outputs saved in the notebook: nothing is executed. As in nbdev's docs, cells marked
`#| hide` are left out, `#|` directives are stripped, and each exported cell's source is folded away above the
API docs (signature, docstring and parameter comments, from nbdev's `show_doc`) of what it defines. Images that
markdown links (`../figures/x.png`) are copied into the site; links to notebooks point at their pages. The
results tables live in the results report (`make figures` fills them in). Where Quarto is installed, `nbdev-docs` builds the same
site with Quarto (configuration in `nbs/_quarto.yml`)."""
import ast, importlib, inspect, json, os, re, reprlib, shutil, sys, tempfile, warnings
warnings.filterwarnings('ignore', category=FutureWarning, module=r'torch\.')  # torch's own deprecations, on import
from functools import reduce
from pathlib import Path
import nbformat
from jinja2 import DictLoader
from nbconvert import HTMLExporter
from traitlets.config import Config
from fastcore.docments import MarkdownRenderer, docments
from fastcore.nbio import nb2dict, read_nb
from nbdev.config import get_config, nbpath2html
from nbdev.process import NBProcessor, Processor
from nbdev.processors import (add_show_docs, clean_magics, filter_stream_, hide_, hide_line, populate_language,
                              rm_header_dash, strip_ansi)

ROOT = Path(__file__).resolve().parent.parent
URL = re.compile(r'(!?\[[^\]]*\]\(\s*<?|<img\b[^>]*?\bsrc=["\'])([^)\s>"\']+)')  # markdown link/image or <img src=

# The only hand-written HTML: the sidebar, and a fold around exported source; the rest is nbconvert's `lab` page.
TEMPLATE = r"""{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block extra_css -%}<style type="text/css">{{ resources.docs.css }}</style>{%- endblock extra_css -%}
{%- block body_header -%}
<body class="jp-Notebook" data-jp-theme-light="true" data-jp-theme-name="JupyterLab Light">
<nav class="docs-nav" aria-label="Notebooks"><a class="docs-site" href="{{ resources.docs.home }}">{{ resources.docs.site }}</a>
{% for section, pages in resources.docs.sections %}{% if section %}<h2>{{ section }}</h2>{% endif %}<ol>{% for p in pages %}
<li><a href="{{ p.href }}"{% if p.current %} aria-current="page"{% endif %}>{{ p.title | escape }}</a></li>{% endfor %}
</ol>{% endfor %}</nav>
<main>
{%- endblock body_header -%}
{% block input_group -%}
{%- if cell.metadata.get('docs_fold') -%}
<details class="docs-fold"{% if cell.metadata.docs_fold == 'open' %} open{% endif %}><summary>Exported source</summary>
{{ super() }}
</details>
{%- else -%}{{ super() }}{%- endif -%}
{%- endblock input_group %}
"""

CSS = """
body.jp-Notebook { margin: 0; padding: 0; }
.docs-nav { position: fixed; top: 0; left: 0; bottom: 0; width: 15rem; overflow-y: auto; box-sizing: border-box;
  padding: 1.2rem 1rem; background: #f6f8fa; border-right: 1px solid #d0d7de; font-family: var(--jp-ui-font-family); }
.docs-nav .docs-site { display: block; font-size: 1.25rem; font-weight: 600; margin-bottom: 0.8rem; color: #1f2328; }
.docs-nav ol { list-style: none; margin: 0 0 0.6rem; padding: 0; }
.docs-nav h2 { font-size: 0.8rem; text-transform: uppercase; letter-spacing: 0.04em; color: #57606a; margin: 0.8rem 0 0.2rem 0.5rem; }
.docs-nav li a { display: block; padding: 0.3rem 0.5rem; border-radius: 4px; color: #0969da; text-decoration: none; }
.docs-nav li a:hover { background: #eaeef2; }
.docs-nav li a[aria-current="page"] { background: #ddf4ff; color: #1f2328; font-weight: 600; }
main { margin-left: 15rem; padding: 1rem 2rem 3rem; max-width: 60rem; box-sizing: border-box; }
.jp-InputArea-editor, .jp-OutputArea-output { overflow-x: auto; }
.jp-RenderedMarkdown .highlight pre { padding: 0.5rem 0.8rem; border: 1px solid var(--jp-cell-editor-border-color); border-radius: 4px; }
.jp-RenderedHTMLCommon img { max-width: 100%; }
.api-doc { border: 1px solid #d0d7de; border-radius: 6px; padding: 0 1rem 0.5rem; margin: 0.5rem 0 1.5rem;
  box-shadow: 0 1px 2px rgba(31, 35, 40, 0.08); }
.docs-fold > summary { cursor: pointer; color: #57606a; font: 0.85rem var(--jp-ui-font-family); padding: 0.2rem 0; }
@media (max-width: 50rem) { .docs-nav { position: static; width: auto; } main { margin-left: 0; } }
"""

def warn(msg:str): print(f'docs: warning: {msg}', file=sys.stderr)

def notebooks(nbs:Path)->list:
    "The notebooks under `nbs` that nbdev documents (names not starting with `_` or `.`), index first, then by name."
    nbs_ = [p for p in nbs.rglob('*.ipynb') if not any(s[0] in '_.' for s in p.relative_to(nbs).parts)]
    return sorted(nbs_, key=lambda p: (p.relative_to(nbs).parent.parts, p.name != 'index.ipynb', p.name))

def title_of(cells, default:str)->str:
    "The text of the first `# ` heading in the markdown `cells`, else `default`."
    heads = (m.group(1) for c in cells if c.cell_type == 'markdown' for m in [re.search(r'^#\s+(.+)$', c.source, re.M)] if m)
    return next(heads, default).strip()

SECTIONS = {'api': 'Reference', 'explanations': 'Reports', 'tutorials': 'Guides'}  # the sidebar's sections, by folder
def section(page:Path, site_root:Path)->str:
    "The sidebar section of `page`: its folder's role (`SECTIONS`), none for pages at the top."
    parts = page.relative_to(site_root).parts
    return SECTIONS.get(parts[0], parts[0]) if len(parts) > 1 else ''

def rel_url(target:Path, page:Path)->str:
    "URL of file `target` as seen from the page at `page` (both in the site)."
    return Path(os.path.relpath(target, page.parent)).as_posix()

class Site:
    "Where each notebook's page goes in `dest`, and how links written in a notebook translate to the site."
    def __init__(self, root:Path, nbs:Path, dest:Path): self.root,self.nbs,self.dest = root,nbs,dest
    def page(self, nb:Path)->Path:
        "The HTML page of notebook `nb`: nbdev's name (`01_data.ipynb` -> `data.html`)."
        return self.dest/nbpath2html(nb.relative_to(self.nbs))
    def asset(self, f:Path)->Path:
        "Where file `f` of the checkout goes in the site: files under `nbs/` keep their place, others theirs in the repo."
        return self.dest/(f.relative_to(self.nbs) if f.is_relative_to(self.nbs) else f.relative_to(self.root))

    def link(self, url:str, src:Path, page:Path)->str:
        "`url`, written in `src`, as seen from `page`: notebooks become their pages, other files of the checkout are copied."
        path, frag = (url.split('#', 1) + [''])[:2]
        if not path or re.match(r'^[a-z][a-z0-9+.-]*:|^/', path, re.I): return url
        f = (src.parent/path).resolve()
        if f.suffix == '.ipynb' and f.is_relative_to(self.nbs) and f.exists(): target = self.page(f)
        elif f.is_file() and f.is_relative_to(self.root) and not f.is_relative_to(self.dest):
            target = self.asset(f)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(f, target)
        else:
            if not f.exists(): warn(f'{src.name}: link to missing file {url}')
            return url
        return rel_url(target, page) + (f'#{frag}' if frag else '')

    def relink(self, md:str, src:Path, page:Path)->str:
        "Markdown `md` from `src` with its relative links and image sources rewritten for `page`."
        return URL.sub(lambda m: m.group(1) + self.link(m.group(2), src, page), md)

def lib_module(nb)->str|None:
    "The module a notebook exports to, from its `#| default_exp` cell."
    return next((c.directives_['default_exp'].split()[0] for c in nb.cells if c.directives_.get('default_exp')), None)

def find_symbol(name:str, module:str, nb:str):
    "The object `name` (e.g. `f` or `Class.method`) that notebook `nb` exports to the package module `module`."
    try: return reduce(getattr, name.split('.'), importlib.import_module(module))
    except (ImportError, AttributeError) as e:
        raise LookupError(f'{nb}: `{name}` is not in {module} ({e}): run `nbdev-export` so the package matches the notebooks') from e

def plain_signature(obj, name:str)->str:
    "`def name(params)->ret` of `obj`, long default values shortened."
    try: sig = inspect.signature(obj, eval_str=True)
    except Exception: sig = inspect.signature(obj)
    short = reprlib.Repr()
    short.maxother = short.maxstring = 40
    params = [str(p.replace(default=p.empty)) + ('' if p.default is p.empty else f'={short.repr(p.default)}') for p in sig.parameters.values()]
    ret = '' if sig.return_annotation is sig.empty else f'->{inspect.formatannotation(sig.return_annotation)}'
    return f"def {name}({', '.join(params)}){ret}"

def plain_doc(obj, name:str)->str:
    "Signature, docstring and parameter comments of `obj`, for what fastcore's renderer fails on."
    comments = ''.join(f'\n| `{k}` | {v} |' for k, v in docments(obj).items() if k != 'return' and v)
    doc = f'```python\n{plain_signature(obj, name)}\n```\n\n*{inspect.getdoc(obj) or ""}*'
    return doc + (f'\n\n| parameter | |\n|---|---|{comments}' if comments else '')

def api_doc(obj, name:str)->str:
    "Markdown for `obj` as nbdev's `show_doc` writes it (signature with parameter comments, docstring), boxed."
    try: body = MarkdownRenderer(obj, name=name)._repr_markdown_()
    except Exception as e:  # e.g. fastcore 2.2 cannot compare a numpy-array default
        warn(f'{name}: fastcore.docments failed ({type(e).__name__}: {e}); showing the plain signature')
        body = plain_doc(obj, name)
    return f'<div class="api-doc">\n\n### {name}\n\n{body}\n\n</div>'

class api_docs(Processor):
    "Turn the `show_doc(name)` cells that nbdev's `add_show_docs` put after exported cells into their markdown."
    def begin(self):
        self.lib, self.target = get_config(self.nb.path_).lib_path.name, lib_module(self.nb)
    def cell(self, cell):
        d = cell.directives_
        if cell.cell_type == 'code' and d.keys() & {'export', 'exports'}:
            self.target = next(iter((d.get('export') or d.get('exports') or '').split()), None) or lib_module(self.nb)
        if not getattr(cell, 'has_sd', False): return
        name = ast.unparse(ast.parse(cell.source).body[0].value.args[0])
        nb = Path(self.nb.path_).name
        if not self.target: raise LookupError(f'{nb}: `{name}` is exported but the notebook has no `#| default_exp`')
        cell.update(cell_type='markdown', source=api_doc(find_symbol(name, f'{self.lib}.{self.target}', nb), name))
        for k in ('outputs', 'execution_count'): cell.pop(k, None)

def quarto_options(cell):
    "Honour the Quarto cell options nbdev passes on: `include: false`, `echo: false`, `output: false`."
    d = cell.directives_
    if d.get('include') == 'false': return del_source(cell)
    if d.get('echo') == 'false' or re.match(r'\s*show_doc\(', cell.source or ''): cell.metadata.setdefault('tags', []).append('remove_input')
    if d.get('output') == 'false': cell.outputs = []

def fold_exports(cell):
    "Drop `exporti`/`default_exp` cells (nbdev hides them); fold exported source, left open for constants and `exports`."
    if cell.cell_type != 'code': return
    d = cell.directives_
    if d.keys() & {'exporti', 'default_exp'} or not cell.source.strip(): return del_source(cell)
    if d.keys() & {'export', 'exports'}:
        code = [t for t in cell.parsed_() or [] if not isinstance(t, (ast.Import, ast.ImportFrom))]
        documented = any(isinstance(t, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) for t in code)
        cell.metadata['docs_fold'] = 'open' if 'exports' in d or (code and not documented) else 'closed'

def del_source(cell):
    "Mark `cell` for removal (NBProcessor drops cells without a source)."
    del cell['source']

def processed(nb_path:Path):
    "The notebook at `nb_path` as its page shows it, through nbdev's processors and ours."
    nb = read_nb(nb_path)
    procs = [populate_language, add_show_docs, api_docs, hide_, quarto_options, fold_exports,
             strip_ansi, hide_line, filter_stream_, clean_magics, rm_header_dash]
    NBProcessor(nb=nb, procs=procs, rm_directives=True).process()
    return nb

def to_nbformat(nb):
    "The fastcore notebook `nb` as a clean `nbformat` notebook, for nbconvert."
    d = nb2dict(nb)
    keep = {'id', 'cell_type', 'source', 'metadata', 'outputs', 'execution_count', 'attachments'}
    d['cells'] = [{'id': f'docs-{i}', **{k: v for k, v in c.items() if k in keep}} for i, c in enumerate(d['cells'])]
    return nbformat.reads(json.dumps(d), as_version=4)

def exporter()->HTMLExporter:
    "nbconvert's `lab` HTML with the sidebar template, without prompts, inputs hidden where tagged `remove_input`."
    c = Config()
    c.TagRemovePreprocessor.update(enabled=True, remove_input_tags={'remove_input'})
    return HTMLExporter(config=c, template_name='lab', template_file='docs.html.j2', extra_loaders=[DictLoader({'docs.html.j2': TEMPLATE})],
                        exclude_input_prompt=True, exclude_output_prompt=True)

def build(root:Path=ROOT, dest:Path|None=None)->list:
    "Render the notebooks of `root` into the site `dest` (default: nbdev's `doc_path`); returns the pages written."
    cfg = get_config(root)
    nbs, dest = cfg.nbs_path, Path(dest or cfg.doc_path)
    with tempfile.TemporaryDirectory() as tmp:
        site = Site(root.resolve(), nbs.resolve(), Path(tmp))
        pages = []  # (page, title, nbformat notebook)
        for f in notebooks(site.nbs):
            nb, page = processed(f), site.page(f)
            for c in nb.cells:
                if c.cell_type == 'markdown': c.source = site.relink(c.source, f, page)
            pages.append((page, title_of(nb.cells, f.stem), to_nbformat(nb)))
        ex = exporter()
        for page, title, nb in pages:
            nav = [dict(href=rel_url(p, page), title=t, current=p == page, section=section(p, site.dest)) for p, t, _ in pages]
            sections = [(s, [p for p in nav if p['section'] == s]) for s in dict.fromkeys(p['section'] for p in nav)]
            docs = dict(site=cfg.title, home=rel_url(pages[0][0], page), sections=sections, css=CSS)
            html, _ = ex.from_notebook_node(nb, resources={'metadata': {'name': f'{title} – {cfg.title}'}, 'docs': docs})
            page.parent.mkdir(parents=True, exist_ok=True)
            page.write_text(html, encoding='utf-8')
        if dest.exists(): shutil.rmtree(dest)
        shutil.copytree(site.dest, dest)
    return [dest/p.relative_to(site.dest) for p, _, _ in pages]

if __name__ == '__main__':
    written = build()
    print(f'docs: wrote {len(written)} pages to {written[0].parent.relative_to(ROOT)}/: ' + ', '.join(p.name for p in written))

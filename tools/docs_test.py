"""Check the docs site in `_docs/` (from `make docs`) in a real browser (`make docs-test`).

Serves the site on 127.0.0.1 and opens every page in headless Chromium (Debian's `/usr/bin/chromium`, or
`$CHROMIUM`, driven by Playwright; requests that leave the site are refused, as on a closed network). Each page
must load with HTTP 200, have an `h1` and a reasonable amount of visible text, and every image must load; the
sidebar must link every page, and every sidebar link on every page must resolve to a page that loads. The
pages of notebooks whose figures matter most (`OUTPUT_PAGES`) must show the notebook's own output images inline
(the embedded `data:image/...` outputs, loaded), not only the README's figure files. Saves screenshots of the
index and data pages to `figures/docs_index.png` and `figures/docs_data.png`. Prints one closing line `docs: N passed, N failed`."""
import os, sys, threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urljoin

ROOT = Path(__file__).resolve().parent.parent
SITE, SHOT, DATA_SHOT = ROOT/'_docs', ROOT/'figures'/'docs_index.png', ROOT/'figures'/'docs_data.png'
OUTPUT_PAGES = ('api/data.html', 'api/synth_cells.html', 'api/synth_fields.html', 'api/duplicates.html', 'api/analysis.html',
                'api/segmentation.html', 'explanations/real_fields.html', 'explanations/cells.html')  # must show inline output images
CHROMIUM = os.environ.get('CHROMIUM', '/usr/bin/chromium')
# Without these Chromium waits on the network (updates, sync, QUIC) on a closed machine, or refuses to run as
# root; Playwright adds --headless and a new, empty --user-data-dir that it removes at the end.
FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync']
MIN_TEXT = 100  # characters of visible text that the main part of a page must at least show

class QuietHandler(SimpleHTTPRequestHandler):
    "Static files without a log line per request."
    def log_message(self, *args): pass

def serve(folder:Path)->ThreadingHTTPServer:
    "A static file server of `folder` on a free port of 127.0.0.1, running in a daemon thread."
    server = ThreadingHTTPServer(('127.0.0.1', 0), partial(QuietHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server

PAGE_FACTS = """() => ({
  h1: [...document.querySelectorAll('h1')].filter(h => h.offsetParent !== null).length,
  text: (document.querySelector('main') || document.body).innerText.trim().length,
  nav: [...document.querySelectorAll('nav a')].map(a => a.href),
  broken: [...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.getAttribute('src').slice(0, 80)),
  images: document.images.length,
  outputs: [...document.images].filter(i => i.src.startsWith('data:image') && i.complete && i.naturalWidth > 0).length,
})"""

def check_page(browser, url:str)->tuple:
    "Load `url` in a new tab of `browser`: its problems (empty when fine) and its facts (sidebar links, image count)."
    from playwright.sync_api import Error
    page, f = browser.new_page(), {'nav': [], 'images': 0, 'outputs': 0}
    try:
        try: resp = page.goto(url, wait_until='load', timeout=30_000)
        except Error as e: return [f'does not load: {e.message.splitlines()[0]}'], f
        if resp is None or resp.status != 200: return [f'HTTP {resp.status if resp else "no response"}'], f
        f = page.evaluate(PAGE_FACTS)
    finally: page.close()
    problems = [msg for bad, msg in [(f['h1'] < 1, 'no visible h1'), (f['text'] < MIN_TEXT, f"only {f['text']} characters of text"),
                                     (not f['nav'], 'no sidebar links'), (f['broken'], f"images not loaded: {f['broken']}")] if bad]
    return problems, f

def save_screenshot(browser, url:str, dest:Path, show:str|None=None):
    "Screenshot of `url` at 1200×900 (scrolled to the first element matching CSS `show`) in 128 colours, written atomically to `dest`; its size."
    page = browser.new_page()
    page.goto(url, wait_until='load')
    if show: page.locator(show).first.scroll_into_view_if_needed()
    tmp = dest.with_name(f'.{dest.name}.tmp.png')
    page.screenshot(path=str(tmp))
    from PIL import Image
    Image.open(tmp).convert('RGB').quantize(colors=128).save(tmp, optimize=True)  # a page of text: 128 colours suffice
    os.replace(tmp, dest)
    return dest.stat().st_size

def main(site:Path=SITE, shot:Path=SHOT):
    "Check every page of `site`, save the index's screenshot to `shot`; 0 when all checks pass."
    if not (site/'index.html').exists(): sys.exit(f'{site/"index.html"} is missing: run `make docs` first')
    if not Path(CHROMIUM).exists(): sys.exit(f'{CHROMIUM} not found: `apt-get install -y chromium` (or set $CHROMIUM)')
    from playwright.sync_api import sync_playwright
    server = serve(site)
    base = f'http://127.0.0.1:{server.server_address[1]}/'
    pages = [base + p.relative_to(site).as_posix() for p in sorted(site.rglob('*.html'))]
    results, refused = {}, set()
    def local_only(route):
        if route.request.url.startswith(base): return route.continue_()
        refused.add(route.request.url.split('?')[0]); route.abort()
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS, timeout=60_000)
            tabs = browser.new_context(viewport={'width': 1200, 'height': 900})
            tabs.route('**/*', local_only)
            nav_links, n_images = set(), 0
            for url in pages:
                problems, facts = check_page(tabs, url)
                results[f'page {url[len(base):]}'] = problems
                nav_links |= {urljoin(url, h).split('#')[0] for h in facts['nav']}
                if url[len(base):] in OUTPUT_PAGES and not facts['outputs']: problems.append('no inline output images: run `make notebooks`')
                n_images += facts['images']
            absent = [p for p in OUTPUT_PAGES if base + p not in pages]
            results['pages with inline output images exist'] = [f'no page {p}: update OUTPUT_PAGES' for p in absent]
            missing = sorted(set(pages) - nav_links)
            results['sidebar links every page'] = [f'not in the sidebar: {[u[len(base):] for u in missing]}'] if missing else []
            for url in sorted(nav_links - set(pages)):  # links to something that is not a page of the site
                local = url.startswith(base)
                results[f'sidebar link {url.removeprefix(base)}'] = check_page(tabs, url)[0] if local else ['leaves the site']
            size = save_screenshot(tabs, base + 'index.html', shot)
            results['screenshot < 200 KB'] = [] if size < 200_000 else [f'{shot.name} is {size:,} bytes']
            save_screenshot(tabs, base + 'api/data.html', DATA_SHOT, show='img[src^="data:image"]')
            browser.close()
    finally: server.shutdown()
    for name, problems in results.items(): print(f"{'ok  ' if not problems else 'FAIL'} {name}" + ''.join(f'\n     {p}' for p in problems))
    if refused: print(f'(refused {len(refused)} request(s) leaving the site, e.g. {min(refused)})')
    print(f'{n_images} images checked; screenshots: {shot} ({size:,} bytes), {DATA_SHOT}')
    n_fail = sum(bool(p) for p in results.values())
    print(f'docs: {len(results) - n_fail} passed, {n_fail} failed')
    return 1 if n_fail else 0

if __name__ == '__main__': sys.exit(main())

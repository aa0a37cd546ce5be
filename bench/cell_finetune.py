"""Fine-tuning on cells from image labels (run by hand, not a test): does a model fine-tuned on cell windows, each
with its field's labels, score cells better than the packaged model?

    .venv/bin/python bench/cell_finetune.py [--n-fields 600] [--epochs 2] [--lr 3e-4] [--md bench/results/cell_finetune.md]  # ~30 min

The cells issue lists this way beside the four of `hpaic_nb.cells` (weak labels, as the 2021 challenge's winners
trained). Two losses over the same windows (`CellReader`, the `cell` method's window, other cells masked out):
`window`, every cell window carries its field's labels (binary cross-entropy per window); `bag`, multiple-instance
learning, a field's logits are the log-sum-exp pooling (`--r`) of its cells' logits, so a field's label needs one
cell showing it and a cell without the protein is not pushed towards it. Both start from the packaged model and
train on generated training fields (`--seed`, not a seed the cells report chooses or reports on), with dihedral
flips, AdamW and a one-cycle schedule. Scored like the cells report's choice: mAP over the cells of its validation
set (seed 41, 150 fields), the fine-tuned model in the `cell` method alone and in `combined` with the packaged
model's `image` probabilities, beside the packaged model's own methods.
"""
import argparse, os, tempfile, time
from pathlib import Path
import numpy as np, pandas as pd, torch, torch.nn.functional as F
from hpaic_nb.cells import (CELL_WINDOW, CellReader, cell_learner, cell_map, cell_method, cell_truth, combine, field_cells,
                            image_method)
from hpaic_nb.files import KaggleLayout, folder_ids, one_hot, read_labels
from hpaic_nb.learner import PRETRAINED_DIR, load_model_files, save_model_files
from hpaic_nb.synth.fields import generate_dataset
from machine import machine

ROOT = Path(__file__).resolve().parent.parent
MODEL = PRETRAINED_DIR/'hpa_cnn_synthetic'

def field_bags(data:Path, size:int)->tuple:
    "Each training field's cell windows (uint8 `(cells, 4, w, w)`) and the fields' one-hot labels."
    layout = KaggleLayout(data)
    labels = read_labels(layout.train_csv).set_index('Id')
    cells = field_cells(layout.train, layout.masks, labels.index)
    reader = CellReader(layout.train, layout.masks, size, int(size*CELL_WINDOW))
    groups = cells.groupby('Id', sort=False)
    bags = [torch.from_numpy(np.stack([reader(r) for r in g.itertuples()])) for _, g in groups]
    return bags, torch.from_numpy(one_hot(labels.loc[list(groups.groups)].labels)).float()

def lse_pool(logits:torch.Tensor, r:float)->torch.Tensor:
    "Log-sum-exp pooling of `(cells, classes)` logits: their mean as r -> 0, their max as r -> inf."
    return (torch.logsumexp(r*logits, 0) - np.log(len(logits)))/r

def finetune(bags:list, y:torch.Tensor, loss:str, epochs:int, lr:float, r:float, fields_per_step:int=4, seed:int=0):
    "The packaged model fine-tuned on `bags` with `loss` ('window' or 'bag'); its config."
    torch.manual_seed(seed); rng = np.random.default_rng(seed)
    net, cfg = load_model_files(MODEL)
    mean, std = (torch.tensor(s).view(1, 4, 1, 1) for s in cfg['stats'])
    steps = epochs*(len(bags)//fields_per_step)
    opt = torch.optim.AdamW(net.parameters(), lr=lr, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, lr, total_steps=steps)
    net.train()
    for epoch in range(epochs):
        order, total, start = rng.permutation(len(bags)), 0., time.time()
        for b in range(len(bags)//fields_per_step):
            idx = order[b*fields_per_step:(b + 1)*fields_per_step]
            x = torch.cat([bags[i] for i in idx]).float()/255
            x = torch.rot90(x, int(rng.integers(4)), (2, 3))
            if rng.random() < 0.5: x = x.flip(3)
            logits, n = net((x - mean)/std), [len(bags[i]) for i in idx]
            if loss == 'bag': out = F.binary_cross_entropy_with_logits(torch.stack([lse_pool(l, r) for l in logits.split(n)]), y[idx])
            else: out = F.binary_cross_entropy_with_logits(logits, torch.cat([y[i].expand(len(bags[i]), -1) for i in idx]))
            opt.zero_grad(); out.backward(); opt.step(); sched.step(); total += out.item()
        print(f'{loss}: epoch {epoch} loss {total/(len(bags)//fields_per_step):.4f} in {time.time() - start:.0f} s', flush=True)
    return net.eval(), cfg

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--n-fields', type=int, default=600, help='generated training fields')
    p.add_argument('--seed', type=int, default=43, help='their seed (the cells report uses 41 and 42)')
    p.add_argument('--epochs', type=int, default=2); p.add_argument('--lr', type=float, default=3e-4)
    p.add_argument('--r', type=float, default=5., help="log-sum-exp pooling's sharpness (the `bag` loss)")
    p.add_argument('--md', default=str(ROOT/'bench'/'results'/'cell_finetune.md'))
    a = p.parse_args()
    torch.set_num_threads(min(2, os.cpu_count()))
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        train = generate_dataset(d/'train', n_train=a.n_fields, n_test=0, size=128, seed=a.seed, rare_boost=True, progress=False)
        valid = KaggleLayout(generate_dataset(d/'valid', n_train=0, n_test=150, size=128, seed=41, rare_boost=True, progress=False))
        cells = field_cells(valid.test, valid.masks, folder_ids(valid.test))
        y = cell_truth(cells, pd.read_csv(valid.cells_csv, dtype={'Target': str}, keep_default_na=False))
        packaged = cell_learner(MODEL, valid.test, valid.masks, cells.Id.iloc[0])
        image, cell = image_method(packaged, cells), cell_method(packaged, cells)
        probs = {'image (packaged)': image, 'cell (packaged)': cell, 'combined (packaged)': combine(image, cell)}
        bags, labels = field_bags(train, load_model_files(MODEL)[1]['size'])
        for loss in ('window', 'bag'):
            start = time.time()
            net, cfg = finetune(bags, labels, loss, a.epochs, a.lr, a.r)
            save_model_files(net, d/loss, cfg)
            print(f'{loss}: fine-tuned in {time.time() - start:.0f} s', flush=True)
            tuned = cell_method(cell_learner(d/loss, valid.test, valid.masks, cells.Id.iloc[0]), cells)
            probs[f'cell ({loss} fine-tune)'] = tuned
            probs[f'combined (packaged image, {loss} fine-tune cell)'] = combine(image, tuned)
    table = pd.Series({k: cell_map(y, v)[0] for k, v in probs.items()}, name='validation mAP').sort_values(ascending=False)
    n_windows = sum(len(b) for b in bags)
    text = (f"{table.round(3).to_frame().to_markdown()}\n\nmAP over the {len(cells)} cells of the cells report's validation "
            f"set (seed 41, 150 fields). Fine-tuned from the packaged model on {a.n_fields} generated fields (seed {a.seed}, "
            f"{n_windows} cell windows), {a.epochs} epochs, lr {a.lr:g}, 4 fields a step, log-sum-exp r {a.r:g}; on {machine()}.\n")
    Path(a.md).write_text(text); print(text)

if __name__ == '__main__': main()

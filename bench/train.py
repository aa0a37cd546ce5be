"""Training-loop benchmark (run by hand, not a test): fastai learner against a plain PyTorch loop.

    .venv/bin/python bench/train.py [--n-train 48] [--n-valid 16] [--bs 16] [--size 224] [--reps 3] [--threads 1]

One epoch (a training pass, then a validation pass with loss and macro/micro F1) of ResNet18 with 4 input
channels at 224 px, trained from the same initial weights on the same in-memory tensors with the same batch
size and optimizer (Adam, lr 1e-3, decoupled weight decay 0.01, betas (0.9, 0.99), eps 1e-5: fastai's `Adam`
and `torch.optim.AdamW` with these settings are the same update):
- fastai: `hpaic_nb.learner.hpa_learner(dls, 'resnet18', 'bce')` and `learn.fit(1, 1e-3)`, progress bar off;
- plain: a `torch.utils.data.DataLoader` over a `TensorDataset`, the usual zero_grad/backward/step loop, then
  an evaluation loop and scikit-learn's F1, as fastai's metrics compute it.
Runs alternate (plain, fastai, plain, ...) after an untimed warm-up epoch; the best of `--reps` wall-clock and
CPU times are kept. With one torch thread (the default) the process's CPU time hardly depends on other processes
sharing the cores, so on a shared machine it is the fair measure; wall time is reported too. Inference
images/s: `learn.get_preds` against `model(x)` under `torch.no_grad()`, over the training tensors.
"""
import argparse, copy, os, time
import pandas as pd, torch
from sklearn.metrics import f1_score
from torch.utils.data import DataLoader as TorchDL, TensorDataset
from fastai.data.core import DataLoaders
from hpaic_nb.models import build_model

def fake_data(n:int, size:int, seed=0)->tuple:
    "Normalised-looking images `(n,4,size,size)` and one-hot targets `(n,28)` with 1-3 labels each."
    g = torch.Generator().manual_seed(seed)
    y = (torch.rand(n, 28, generator=g) < 0.07).float(); y[torch.arange(n), torch.randint(0, 28, (n,), generator=g)] = 1
    return torch.randn(n, 4, size, size, generator=g), y

def fastai_learner(model, train, valid, bs:int):
    "The project's learner on DataLoaders of the given tensors (falls back to a plain fastai `Learner`)."
    dls = DataLoaders.from_dsets(list(zip(*train)), list(zip(*valid)), bs=bs, num_workers=0, device='cpu')
    try: from hpaic_nb.learner import hpa_learner
    except ImportError:
        from fastai.learner import Learner
        from fastai.losses import BCEWithLogitsLossFlat
        print('hpaic_nb.learner not found: using fastai Learner + BCEWithLogitsLossFlat')
        return Learner(dls, model, loss_func=BCEWithLogitsLossFlat())
    learn = hpa_learner(dls, 'resnet18', 'bce')
    learn.model = model
    return learn

class Clock:
    "Context manager measuring wall-clock and CPU seconds (`.wall`, `.cpu`) of this process."
    def __enter__(self): self.t, self.c = time.perf_counter(), time.process_time(); return self
    def __exit__(self, *exc): self.wall, self.cpu = time.perf_counter() - self.t, time.process_time() - self.c

def fastai_epoch(model, train, valid, bs, lr)->Clock:
    "Wall and CPU seconds of one `fit` epoch of the fastai learner."
    learn = fastai_learner(model, train, valid, bs)
    with learn.no_bar(), learn.no_logging(), Clock() as c: learn.fit(1, lr)
    return c

def plain_epoch(model, train, valid, bs, lr)->Clock:
    "Wall and CPU seconds of one epoch of a plain PyTorch loop: train, then evaluate loss and F1."
    with Clock() as c: plain_fit(model, train, valid, bs, lr)
    return c

def plain_fit(model, train, valid, bs, lr):
    "One epoch of a plain PyTorch loop: train, then evaluate loss and F1."
    opt = torch.optim.AdamW(model.parameters(), lr=lr, betas=(0.9, 0.99), eps=1e-5, weight_decay=0.01)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    model.train()
    for xb, yb in TorchDL(TensorDataset(*train), bs, shuffle=True, drop_last=True):
        opt.zero_grad(); loss_fn(model(xb), yb).backward(); opt.step()
    model.eval(); preds, losses = [], []
    with torch.no_grad():
        for xb, yb in TorchDL(TensorDataset(*valid), bs):
            out = model(xb); losses.append(loss_fn(out, yb).item()); preds.append(torch.sigmoid(out))
    p, y = (torch.cat(preds) > 0.5).numpy(), valid[1].numpy()
    return [f1_score(y, p, average=a, zero_division=0) for a in ('macro', 'micro')]

def inference_rates(model, x, bs:int, valid)->dict:
    "Images/s (by CPU time) of plain `model(x)` under `no_grad` and of fastai's `get_preds`, over `x`."
    model.eval()
    with torch.no_grad():
        for xb in x.split(bs): model(xb)  # warm-up: the first call of each shape is slow
        with Clock() as plain:
            for xb in x.split(bs): model(xb)
    learn = fastai_learner(model, valid, (x, torch.zeros(len(x), 28)), bs)  # predicts its validation set
    with learn.no_bar(), Clock() as fa: learn.get_preds()
    return {'plain': len(x) / plain.cpu, 'fastai': len(x) / fa.cpu}

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--n-train', type=int, default=48); p.add_argument('--n-valid', type=int, default=16)
    p.add_argument('--bs', type=int, default=16); p.add_argument('--size', type=int, default=224)
    p.add_argument('--reps', type=int, default=3); p.add_argument('--lr', type=float, default=1e-3)
    p.add_argument('--threads', type=int, default=1, help='torch threads (1: CPU time is a fair measure on a shared machine)')
    a = p.parse_args()
    print(f'load average at start: {os.getloadavg()[0]:.1f} (2 cores)', flush=True)
    torch.manual_seed(0); torch.set_num_threads(a.threads)
    train, valid = fake_data(a.n_train, a.size, 0), fake_data(a.n_valid, a.size, 1)
    init = build_model('resnet18')
    plain_epoch(copy.deepcopy(init), train, valid, a.bs, a.lr)  # warm-up: the first call of each shape is slow
    clocks = {'plain': [], 'fastai': []}
    for r in range(a.reps):
        for name, epoch in (('plain', plain_epoch), ('fastai', fastai_epoch)):
            clocks[name].append(epoch(copy.deepcopy(init), train, valid, a.bs, a.lr))
            print(f'rep {r} {name}: wall {clocks[name][-1].wall:.1f} s, CPU {clocks[name][-1].cpu:.1f} s', flush=True)
    n_epoch = a.n_train // a.bs * a.bs + a.n_valid
    best = {k: (min(c.wall for c in v), min(c.cpu for c in v)) for k, v in clocks.items()}
    rows = [{'loop': k, 'epoch wall s (best)': w, 'epoch CPU s (best)': c, 'images/s by CPU time': n_epoch / c,
             'wall vs plain': w / best['plain'][0], 'CPU vs plain': c / best['plain'][1],
             'wall s, all runs': ' '.join(f'{x.wall:.1f}' for x in clocks[k])} for k, (w, c) in best.items()]
    print(f'\nResNet18, {a.size} px, bs {a.bs}, {a.n_train} training + {a.n_valid} validation images per epoch, '
          f'{torch.get_num_threads()} torch thread(s), best of {a.reps}')
    print(pd.DataFrame(rows).to_markdown(index=False, floatfmt='.2f'))
    inf = inference_rates(copy.deepcopy(init), train[0], 2 * a.bs, valid)
    print(f"\ninference images/s (CPU time), bs {2 * a.bs}: plain {inf['plain']:.1f}, fastai get_preds {inf['fastai']:.1f} "
          f"(ratio {inf['fastai'] / inf['plain']:.2f})")
    print(f'load average at end: {os.getloadavg()[0]:.1f}')

if __name__ == '__main__': main()

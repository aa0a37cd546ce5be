"""Learning curves: held-out test macro F1 after every epoch, against epochs and against training time.

Each run trains one recipe with `fit_one_cycle` on a synthetic set and, after every epoch, records the
validation loss, the cross-fitted validation macro F1 (`f1_macro_cv`, what `train` shows), macro F1@0.5, and
the test split's macro/micro F1 at thresholds fitted on the validation predictions of that epoch (the test
truth is only scored, never used to choose anything). Evaluation time is not counted in `secs`.

    .venv/bin/python bench/curves.py run DATA OUT.json --arch resnet18 --loss bce --lr 1e-2 --epochs 8
    .venv/bin/python bench/curves.py plot OUT1.json OUT2.json ... --dest figures/learning_curves.png

The runs quoted in the training notebook (*Choosing the defaults*) were made with `--threads 1` while another
job used the second core, so their `secs` are about twice an idle 2-core machine's.
"""
import argparse, json, time
from pathlib import Path
import pandas as pd, torch
from fastai.callback.core import Callback
from fastai.torch_core import set_seed
from hpaic_nb.files import one_hot, read_labels
from hpaic_nb.data import SourceReader, hpa_dls, labels_table
from hpaic_nb.cache import build_cache, CacheReader, image_cache_dir
from hpaic_nb.metrics import crossfit_f1, f1_scores, fit_thresholds
from hpaic_nb.losses import oversample_weights
from hpaic_nb.learner import hpa_learner, init_weights

@torch.no_grad()
def probs_of(model, dl)->tuple:
    "Probabilities and targets of `model` over `dl`, in eval mode."
    model.eval(); out, ys = [], []
    for xb, yb in dl: out.append(torch.sigmoid(model(xb)).float()); ys.append(yb)
    return torch.cat(out).numpy(), torch.cat(ys).numpy()

class Curve(Callback):
    "After every epoch: validation and test scores of the current weights; the clock excludes this evaluation."
    order = 70
    def __init__(self, test_dl, y_test): self.test_dl, self.y_test, self.rows = test_dl, y_test, []
    def before_fit(self): self.clock, self.t0 = 0., time.time()
    def after_epoch(self):
        self.clock += time.time() - self.t0
        pv, yv = probs_of(self.learn.model, self.dls.valid)
        pt, _ = probs_of(self.learn.model, self.test_dl)
        test = f1_scores(pt, self.y_test, fit_thresholds(pv, yv))
        self.rows.append(dict(epoch=self.epoch, secs=round(self.clock, 1), valid_loss=float(self.recorder.values[-1][1]),
                              valid_f1cv=crossfit_f1(pv, yv), valid_f1_05=f1_scores(pv, yv, 0.5)['macro'],
                              test_macro=test['macro'], test_micro=test['micro'], test_macro_05=f1_scores(pt, self.y_test, 0.5)['macro']))
        print(json.dumps(self.rows[-1]), flush=True)
        self.model.train(); self.t0 = time.time()

def run(a):
    "Train one recipe on `a.data` and write its per-epoch rows to `a.out`."
    torch.set_num_threads(a.threads)
    data = Path(a.data); set_seed(a.seed, reproducible=True)
    df = labels_table(data, valid_pct=0.2, seed=a.seed); y = one_hot(df.labels)
    wgts = oversample_weights(y) if a.sampler == 'oversample' else None
    truth = read_labels(data/'test_truth.csv')
    caches = {s: image_cache_dir(data/s, a.size) for s in ('train', 'test')}
    for s, ids in (('train', df.Id), ('test', truth.Id)): build_cache(data/s, ids, a.size, caches[s], 2)
    reader = SourceReader({s: CacheReader(d) for s, d in caches.items()})  # rows of either folder, by their `source`
    dls = hpa_dls(data, a.size, a.bs, df=df, seed=a.seed, stats='data', wgts=wgts, reader=reader, num_workers=0)
    curve = Curve(dls.test_dl(truth.assign(source='test'), with_labels=True, bs=64), one_hot(truth.labels))
    learn = hpa_learner(dls, a.arch, a.loss, y[~df.is_valid.values])
    if a.init: init_weights(learn.model, a.init, a.arch)
    learn.fit_one_cycle(a.epochs, a.lr, cbs=[curve])
    Path(a.out).write_text(json.dumps(dict(args=vars(a), rows=curve.rows)))

def label(args:dict)->str:
    "Short name of a run's settings."
    return (f"{args['arch']}{' pretrained' if args.get('init') else ''}, {args['loss']}"
            f"{' + oversampling' if args['sampler'] == 'oversample' else ''}, lr {args['lr']:g}")

def plot(a):
    "Draw test macro F1 against epochs and against seconds for the runs in `a.runs`; print their last rows."
    import matplotlib.pyplot as plt
    fig, axs = plt.subplots(1, 2, figsize=(11, 4), sharey=True)
    last = {}
    for fn in a.runs:
        r = json.loads(Path(fn).read_text()); rows = pd.DataFrame(r['rows']); name = label(r['args'])
        axs[0].plot(rows.epoch + 1, rows.test_macro, 'o-', label=name); axs[1].plot(rows.secs / 60, rows.test_macro, 'o-', label=name)
        last[name] = rows.iloc[-1]
    for ax, x in zip(axs, ('epochs', 'training minutes (1 thread, shared machine)')): ax.set_xlabel(x); ax.grid(alpha=.3)
    axs[0].set_ylabel('test macro F1 (thresholds fitted on validation)'); axs[1].legend(fontsize=7, loc='lower right')
    fig.suptitle('Learning curves on the synthetic tuning set (seed 101, difficulty 0.5, 128 px)'); fig.tight_layout()
    fig.savefig(a.dest, dpi=70)
    cols = {'test_macro': 'test macro F1', 'test_micro': 'test micro F1', 'valid_f1cv': 'validation macro F1 (cross-fitted)',
            'valid_f1_05': 'validation macro F1@0.5', 'secs': 'training s (1 thread)'}
    print(pd.DataFrame(last).T[list(cols)].rename(columns=cols).rename_axis('after 8 epochs').round(3).to_markdown())

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0]); sub = p.add_subparsers(dest='cmd', required=True)
    r = sub.add_parser('run'); r.add_argument('data'); r.add_argument('out')
    for k, v in dict(arch='resnet18', loss='bce', sampler='shuffle', init=None).items(): r.add_argument(f'--{k}', default=v)
    for k, v in dict(lr=1e-2).items(): r.add_argument(f'--{k}', type=float, default=v)
    for k, v in dict(epochs=8, size=128, bs=32, seed=0, threads=2).items(): r.add_argument(f'--{k}', type=int, default=v)
    pl = sub.add_parser('plot'); pl.add_argument('runs', nargs='+'); pl.add_argument('--dest', default='figures/learning_curves.png')
    a = p.parse_args()
    run(a) if a.cmd == 'run' else plot(a)

if __name__ == '__main__': main()

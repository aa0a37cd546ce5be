"""Does pretraining on the generator help on real images? The transfer report on the 40 real challenge fields.

On `../shared/hpa2018/real_kaggle/` (40 real labelled 512 px fields), five repetitions of 5-fold multi-label
stratified cross-validation of one linear probe (`baselines.fit_features_model`: per-class logistic regression,
its strength and thresholds fitted by an inner cross-validation on the training folds only) on: the classical
features (128 and 512 px), the features of the packaged synthetic-pretrained `hpa_cnn` (and of any other model
folder given with --model), and those of a randomly initialised `hpa_cnn`; next to the trivial baselines decided
from the training folds' labels. No image is ever scored by a fit that saw it. Prints macro and micro F1 over the
classes present, with 95% bootstrap intervals (1,000 resamples of the images) and the paired difference to the
pretrained probe, then per-class F1 with the image counts; writes both to bench/results/real.json and real.md.

    .venv/bin/python bench/real.py [--model NAME=DIR ...]   # ~3 min on 2 cores

The probe of an earlier model folder, e.g. the weights of an earlier version from git:

    mkdir -p /tmp/v1 && for f in config.json model.safetensors; do
      git show 134bcbc:hpaic_nb/weights/hpa_cnn_synthetic/$f > /tmp/v1/$f; done
    .venv/bin/python bench/real.py --model 'hpa_cnn, pretrained on generator v1=/tmp/v1'
"""
import argparse, json, sys, time
from pathlib import Path
import torch
from hpaic_nb.test_utils import real_fields_dir
from hpaic_nb.files import one_hot, read_labels
from hpaic_nb.learner import PRETRAINED_DIR
from hpaic_nb.evidence.real import bootstrap_scores, per_class_table, transfer_preds, transfer_table

ROOT = Path(__file__).resolve().parent.parent
PRETRAINED = 'hpa_cnn, synthetic-pretrained'

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--model', action='append', default=[], help='NAME=DIR: also probe the hpa_cnn model folder DIR')
    p.add_argument('--dest', default=str(ROOT/'bench'/'results'/'real'), help='results, as DEST.json and DEST.md')
    a = p.parse_args()
    real = real_fields_dir()
    if real is None: sys.exit('bench/real.py: error: ../shared/hpa2018/real_kaggle not found: the report needs the real fields')
    labels, start = read_labels(real/'train.csv'), time.time()
    y = one_hot(labels.labels)
    models = {PRETRAINED: PRETRAINED_DIR/'hpa_cnn_synthetic', **dict(m.split('=', 1) for m in a.model)}
    preds = transfer_preds(real/'train', labels, models)
    table, per_class = transfer_table(y, preds, bootstrap_scores(y, preds), reference=PRETRAINED), per_class_table(y, preds)
    about = (f"{len(labels)} real fields, {int((y.sum(0) > 0).sum())} classes present; 5 repetitions of 5-fold cross-validation, "
             f"95% intervals from 1,000 bootstrap resamples of the fields; {time.time() - start:.0f} s, torch {torch.get_num_threads()} threads")
    text = f"{table.round(3).to_markdown()}\n\nPer class (mean F1 over the repetitions):\n\n{per_class.round(2).to_markdown()}\n\n{about}\n"
    print(text)
    dest = Path(a.dest)
    dest.with_suffix('.md').write_text(text)
    dest.with_suffix('.json').write_text(json.dumps({'table': json.loads(table.to_json(orient='index')),
                                                     'per_class': json.loads(per_class.to_json(orient='index')), 'about': about}, indent=1))

if __name__ == '__main__': main()

"""Which start is best? ImageNet weights with the transfer recipe against the project's own starts, at equal wall time.

Starts (`STARTS`): EfficientNet-Lite0 from genuine ImageNet weights (`tf_efficientnet_lite0 --pretrained`, offline,
with the transfer recipe: the head alone first, then the whole network with discriminative learning rates), the
packaged synthetic-pretrained `hpa_cnn`, `hpa_cnn` from scratch, `simple_cnn` (the seed project's small CNN) and
ResNet18 from scratch; next to the classical-features baseline and the trivial baselines. Each start gets the same
training time: its epochs are the budget divided by its measured epoch time (`calibrate`, on an idle machine).

    .venv/bin/python bench/starts.py calibrate                 # seconds per epoch of each start on the tuning set, ~8 min
    .venv/bin/python bench/starts.py calibrate --on real       # the same on 32 real fields at 256 px, ~5 min
    .venv/bin/python bench/starts.py tune                      # the transfer recipe's settings, on the tuning set (seed 101)
    .venv/bin/python bench/starts.py report [--budget 600]     # every start on the two report sets (seeds 21, 22)
    .venv/bin/python bench/starts.py real [--budget 40]        # cross-validated fine-tuning on the 40 real fields

`report` scores every start on the 400 test images of each report set (their truth seen by no training, checkpoint
selection or threshold fitting), with the paired bootstrap interval of its macro F1 minus the ImageNet start's.
`real` fine-tunes each start on 4/5 of the real fields (inner validation: 20% of those) and decides the other fifth,
for 2 repetitions of 5-fold stratified cross-validation (`real.finetune_predictions`): every field is decided only by
models that never saw it; 95% intervals and paired differences from 1,000 bootstrap resamples of the fields.
Results go to bench/results/starts_*.json and .md.
"""
import argparse, json, os, subprocess, sys, time
from pathlib import Path
import pandas as pd
from hpaic_nb.test_utils import real_fields_dir
from hpaic_nb.files import one_hot, read_labels
from hpaic_nb.inference import score_submission
from hpaic_nb.metrics import baseline_scores
from hpaic_nb.evidence.real import bootstrap_scores, finetune_predictions, per_class_table, subset_data, transfer_table, trivial_predictions
from learn import difference_interval  # bench/learn.py

ROOT = Path(__file__).resolve().parent.parent
BIN, RESULTS, DATA = Path(sys.executable).parent, ROOT/'bench'/'results', ROOT/'data'/'starts'
IMAGENET = 'EfficientNet-Lite0, ImageNet weights + transfer recipe'
STARTS = {IMAGENET: dict(arch='tf_efficientnet_lite0', pretrained=True),
          'hpa_cnn, synthetic-pretrained (packaged)': dict(arch='hpa_cnn'),
          'hpa_cnn from scratch': dict(arch='hpa_cnn', init='none'),
          'SimpleCNN from scratch (the seed project\'s)': dict(arch='simple_cnn'),
          'ResNet18 from scratch': dict(arch='resnet18')}
# The sets: generated with `hpaic-synth --n-train 1500 --n-test 400 --size 128`; the recipe is tuned on 101 only
SETS = {101: dict(difficulty=0.5, rare_boost=True), 21: dict(difficulty=0.4, rare_boost=True), 22: dict(difficulty=0.6, rare_boost=False)}
RECIPE_GRID = [dict(lr=lr, freeze_epochs=1, lr_mult=m) for m in (100, 10, 1) for lr in (1e-3, 3e-3, 1e-2)]  # then, at the best:
RECIPE_MORE = [dict(freeze_epochs=0), dict(freeze_epochs=3)]

def synthetic_set(seed:int)->Path:
    "Synthetic set `seed` of `SETS`, generated once into data/starts/."
    d = DATA/f'set{seed}'
    if not (d/'test_truth.csv').is_file():
        s = SETS[seed]
        subprocess.run([BIN/'hpaic-synth', '--dest', d, '--n-train', '1500', '--n-test', '400', '--size', '128', '--seed', str(seed),
                        '--difficulty', str(s['difficulty']), *(['--rare-boost'] if s['rare_boost'] else []), '--overwrite'], check=True)
    return d

def args_of(settings:dict)->list:
    "`hpaic-train` options of a settings dict."
    return [x for k, v in settings.items() for x in ([f"--{k.replace('_', '-')}"] if v is True else [f"--{k.replace('_', '-')}", str(v)])]

def finished(out:Path, settings:dict)->float|None:
    "The training seconds of a finished run in `out` with these `settings` and its submission, else None."
    if not (out/'submission.csv').is_file(): return None
    cfg = json.loads((out/'config.json').read_text())
    return cfg['train']['seconds'] if all(cfg['train'].get(k) == v for k, v in settings.items()) else None

def train_and_score(data:Path, out:Path, settings:dict)->dict:
    "`hpaic-train` then `hpaic-predict` on the test split (or a finished run's): test macro/micro F1 against the hidden truth, training s."
    secs = finished(out, settings)
    if secs is not None: return {**score_submission(out/'submission.csv', data/'test_truth.csv'), 'seconds': round(secs)}
    t = time.time()
    subprocess.run([BIN/'hpaic-train', data, out, *args_of(settings), '--overwrite'], check=True, stdout=sys.stderr)
    secs = time.time() - t
    subprocess.run([BIN/'hpaic-predict', out, data/'test', '--dest', out/'submission.csv', '--sample-submission', data/'sample_submission.csv',
                    '--overwrite'], check=True, stdout=sys.stderr)
    return {**score_submission(out/'submission.csv', data/'test_truth.csv'), 'seconds': round(secs)}

def seconds_file(on:str, size:int)->Path: return RESULTS/f'starts_epoch_seconds_{on}_{size}.json'

def calibrate(on:str, size:int)->dict:
    "Seconds per epoch of each start (`on` the tuning set, or a fold of 32 real fields), at `size`, written to results."
    if on == 'real':
        folder = real_fields_dir()
        data, bs = subset_data(folder/'train', read_labels(folder/'train.csv')[:32], DATA/'calibrate_real'), 8
    else: data, bs = synthetic_set(101), 32
    res = {}
    for name, s in STARTS.items():
        out = DATA/f'calibrate_{on}'/name.split(',')[0].replace(' ', '_')
        times = []
        for epochs in (1, 3):
            t0 = time.time(); subprocess.run([BIN/'hpaic-train', data, out, *args_of({**s, 'size': size, 'bs': bs, 'epochs': epochs}), '--overwrite'],
                                             check=True, stdout=subprocess.DEVNULL); times.append(time.time() - t0)
        res[name] = round((times[1] - times[0]) / 2, 2)  # the start-up, the cache and the scoring cancel out
        print(name, res[name], flush=True)
    seconds_file(on, size).write_text(json.dumps(res, indent=1))
    return res

def epochs_for(budget:float, on:str, size:int)->dict:
    "Epochs of each start in `budget` seconds of training, from `calibrate`'s epoch times."
    secs = json.loads(seconds_file(on, size).read_text())
    return {k: max(2, round(budget / secs[k])) for k in STARTS}

def tune(epochs:int=8)->pd.DataFrame:
    "Test F1 on the tuning set (seed 101) of the ImageNet start under each setting of the transfer recipe: the lr first, then the rest."
    data, rows = synthetic_set(101), {}
    run = lambda s: rows.setdefault(json.dumps(s), train_and_score(data, DATA/'tune'/'_'.join(f'{k}{v}' for k, v in s.items()), {**STARTS[IMAGENET], 'epochs': epochs, **s}))
    for s in RECIPE_GRID: run(s)
    best = json.loads(max(rows, key=lambda k: rows[k]['macro']))
    for s in RECIPE_MORE: run({**best, **s})
    table = pd.DataFrame.from_dict(rows, orient='index').rename_axis(f'settings ({epochs} epochs, tuning set 101)')
    (RESULTS/'starts_tune.md').write_text(table.round(3).to_markdown() + '\n')
    (RESULTS/'starts_recipe.json').write_text(max(rows, key=lambda k: rows[k]['macro']))  # the recipe `report` and `real` use
    print(table.round(3).to_markdown())
    return table

def report(budget:float, size:int, recipe:dict)->None:
    "Every start (its epochs from `budget`) and the baselines on each report set; tables with paired intervals to the ImageNet start."
    epochs, out = epochs_for(budget, 'synthetic', size), []
    for seed in (21, 22):
        data = synthetic_set(seed)
        rows = baseline_scores(one_hot(read_labels(data/'train.csv').labels), one_hot(read_labels(data/'test_truth.csv').labels))
        feats = DATA/f'features{seed}'
        t = time.time(); subprocess.run([BIN/'hpaic-baseline', data, feats, '--overwrite'], check=True, stdout=sys.stderr)
        rows.loc['classical features + logistic regression', ['macro', 'micro', 'seconds']] = [*score_submission(feats/'submission.csv', data/'test_truth.csv').values(), round(time.time() - t)]
        runs = {}
        for name, s in STARTS.items():
            settings = {**s, **(recipe if name == IMAGENET else {}), 'epochs': epochs[name]}
            runs[name] = DATA/f'report{seed}'/name.split(',')[0].replace(' ', '_')
            rows.loc[name, ['macro', 'micro', 'seconds']] = list(train_and_score(data, runs[name], settings).values())
            rows.loc[name, 'epochs'] = epochs[name]
            print(seed, name, rows.loc[name].to_dict(), flush=True)
        ref = runs[IMAGENET]/'submission.csv'
        for name in [*STARTS, 'classical features + logistic regression']:
            if name == IMAGENET: continue
            sub = (runs[name] if name in runs else feats)/'submission.csv'
            d, lo, hi = difference_interval(data/'test_truth.csv', ref, sub)
            rows.loc[name, 'ImageNet − this, macro (95% CI)'] = f'{d:+.3f} ({lo:+.3f} to {hi:+.3f})'
        rows = rows.rename(columns={'macro': 'test macro F1', 'micro': 'test micro F1', 'seconds': 'train s'}).sort_values('test macro F1', ascending=False)
        out.append(f"**Set {seed}: seed {seed}, difficulty {SETS[seed]['difficulty']}, rare boost {'on' if SETS[seed]['rare_boost'] else 'off'}; "
                   f"1,500 train / 400 test images at {size} px; {budget / 60:g} min of training per start**\n\n{rows.round(3).fillna('').to_markdown()}\n")
        print(out[-1], flush=True)
    (RESULTS/'starts_report.md').write_text('\n'.join(out) + f"\nRecipe of the ImageNet start: {recipe}; {os.cpu_count()} cores\n")

def real(budget:float, size:int, recipe:dict, repetitions:int=2)->None:
    "Cross-validated fine-tuning of every start on the 40 real fields; the table with intervals and paired differences."
    folder = real_fields_dir()
    if folder is None: sys.exit('bench/starts.py: error: ../shared/hpa2018/real_kaggle not found: `real` needs the real fields')
    labels, epochs = read_labels(folder/'train.csv'), epochs_for(budget, 'real', size)
    y, preds, start = one_hot(labels.labels), {}, time.time()
    for name, s in STARTS.items():
        settings = {**s, **(recipe if name == IMAGENET else {}), 'epochs': epochs[name], 'size': size, 'bs': 8}
        preds[name] = finetune_predictions(folder/'train', labels, settings, repetitions, work=DATA/'real'/name.split(',')[0].replace(' ', '_'))
        print(name, f'{time.time() - start:.0f} s', flush=True)
    preds.update(trivial_predictions(y, repetitions))
    table = transfer_table(y, preds, bootstrap_scores(y, preds), reference=IMAGENET)
    table.insert(0, 'epochs', [epochs.get(k, '') for k in table.index])
    text = (f"{table.round(3).to_markdown()}\n\nPer class (mean F1 over the repetitions):\n\n{per_class_table(y, preds).round(2).to_markdown()}\n\n"
            f"{len(labels)} real fields at {size} px; {repetitions} repetitions of 5-fold cross-validation; {budget:g} s of training per fit; "
            f"recipe {recipe}; {time.time() - start:.0f} s\n")
    (RESULTS/'starts_real.md').write_text(text)
    print(text)

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('what', choices=['calibrate', 'tune', 'report', 'real'])
    p.add_argument('--on', choices=['synthetic', 'real'], default='synthetic', help='what `calibrate` times')
    p.add_argument('--size', type=int, default=None, help='image size (default: 128 for the synthetic sets, 256 for the real fields)')
    p.add_argument('--budget', type=float, default=None, help='training seconds per start (default: 600 synthetic, 40 real)')
    p.add_argument('--recipe', default=None, help="the ImageNet start's recipe as JSON (default: `tune`'s best, results/starts_recipe.json)")
    a = p.parse_args()
    size = a.size or (256 if 'real' in (a.what, a.on) else 128)
    recipe = json.loads(a.recipe or (RESULTS/'starts_recipe.json').read_text()) if a.what in ('report', 'real') else None
    RESULTS.mkdir(parents=True, exist_ok=True)
    if a.what == 'calibrate': calibrate(a.on, size)
    elif a.what == 'tune': tune()
    elif a.what == 'report': report(a.budget or 600, size, recipe)
    else: real(a.budget or 40, size, recipe)

if __name__ == '__main__': main()

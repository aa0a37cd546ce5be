"""GPU throughput at 512 px: training and prediction images/s and peak memory per arch, beside the cached loader's rate.

Run by hand on a machine with a CUDA GPU (`python bench/gpu.py`); the test suite runs it on the CPU at a tiny size
(`--tiny`) so that it keeps working. For each arch of `ARCHS` (the project's `build_model`, RGBY input, 28 logits),
with bf16 autocast and channels-last on CUDA, and `torch.compile` off and on:

- the batch size: the largest power of two up to `--max-bs` whose training step fits in memory (an out-of-memory
  error halves it), and the same for prediction;
- training images/s (forward, BCE loss, backward, AdamW step) and prediction images/s (eval, no gradients, no TTA),
  on random tensors already on the device, after warm-up steps (which include compiling);
- peak GPU memory of the training step.

Beside them, the cached loader's own rate: `hpa_dls` reading a preprocessing cache of generated 512 px fields with
`--workers` loader processes, the batch transforms (flips, rotation, zoom, lighting, normalisation) on the GPU, as
`hpaic-train` reads it; and a verdict on each arch: whichever of the loader and the model is slower bounds training.
Goals on one H100: ResNet18 at 512 px trains at >= 2,000 images/s, predicts at >= 5,000, and the loader keeps up.
Writes bench/results/gpu.json and prints a markdown table (the card's name above it).
"""
import argparse, json, os, platform, tempfile, time
from pathlib import Path
import torch
from torch import nn

ROOT = Path(__file__).resolve().parent.parent
ARCHS = ('resnet18', 'resnet34', 'densenet121', 'efficientnet_b0', 'tf_efficientnet_lite0')

def device_name(dev:torch.device)->str:
    "The accelerator's name, or the CPU's."
    return torch.cuda.get_device_name(dev) if dev.type == 'cuda' else f'CPU ({platform.processor() or platform.machine()}, {os.cpu_count()} cores)'

def synced(dev): return torch.cuda.synchronize(dev) if dev.type == 'cuda' else None

def autocast(dev): return torch.autocast(dev.type, dtype=torch.bfloat16, enabled=dev.type == 'cuda')  # bf16 on CUDA only: >10x slower on this CPU

def model_for(arch:str, dev, compiled:bool)->nn.Module:
    "The project's RGBY `arch` on `dev`, channels-last on CUDA, compiled if asked."
    from hpaic_nb.models import build_model
    m = build_model(arch).to(dev)
    if dev.type == 'cuda': m = m.to(memory_format=torch.channels_last)
    return torch.compile(m) if compiled else m

def batch(bs:int, size:int, dev)->tuple:
    "A random RGBY batch and multi-label targets on `dev` (channels-last on CUDA)."
    x = torch.randn(bs, 4, size, size, device=dev)
    return x.contiguous(memory_format=torch.channels_last) if dev.type == 'cuda' else x, (torch.rand(bs, 28, device=dev) < 0.1).float()

def train_steps(m, opt, x, y, n:int, dev)->float:
    "Seconds for `n` training steps on the batch `x, y`."
    synced(dev); t = time.perf_counter()
    for _ in range(n):
        with autocast(dev): loss = nn.functional.binary_cross_entropy_with_logits(m(x).float(), y)
        loss.backward(); opt.step(); opt.zero_grad(set_to_none=True)
    synced(dev)
    return time.perf_counter() - t

@torch.inference_mode()
def predict_steps(m, x, n:int, dev)->float:
    "Seconds for `n` prediction steps on the batch `x`."
    synced(dev); t = time.perf_counter()
    for _ in range(n):
        with autocast(dev): m(x).float().sigmoid()
    synced(dev)
    return time.perf_counter() - t

def fitted(step, max_bs:int, dev)->int:
    "The largest power-of-two batch size up to `max_bs` for which `step(bs)` runs without running out of memory."
    bs = max_bs
    while bs >= 1:
        try: step(bs); return bs
        except torch.cuda.OutOfMemoryError: bs //= 2
        finally:
            if dev.type == 'cuda': torch.cuda.empty_cache()
    raise RuntimeError('not even a batch of 1 fits')

def bench_arch(arch:str, compiled:bool, a, dev)->dict:
    "Training and prediction images/s, batch sizes and peak memory of one arch."
    m = model_for(arch, dev, compiled)
    opt = torch.optim.AdamW(m.parameters(), 1e-4)
    m.train()
    bs = fitted(lambda b: train_steps(m, opt, *batch(b, a.size, dev), 1, dev), a.max_bs, dev)
    x, y = batch(bs, a.size, dev)
    train_steps(m, opt, x, y, a.warmup, dev)
    if dev.type == 'cuda': torch.cuda.reset_peak_memory_stats(dev)
    t = train_steps(m, opt, x, y, a.steps, dev)
    peak = torch.cuda.max_memory_allocated(dev) / 2**30 if dev.type == 'cuda' else float('nan')
    m.eval(); opt = x = y = None  # the training state freed before prediction's batch is fitted
    pbs = fitted(lambda b: predict_steps(m, batch(b, a.size, dev)[0], 1, dev), a.max_bs * 4, dev)
    x = batch(pbs, a.size, dev)[0]
    predict_steps(m, x, a.warmup, dev)
    tp = predict_steps(m, x, a.steps, dev)
    return {'arch': arch, 'compile': compiled, 'train bs': bs, 'train img/s': round(bs * a.steps / t, 1), 'peak GB (train)': round(peak, 2),
            'predict bs': pbs, 'predict img/s': round(pbs * a.steps / tp, 1)}

def loader_rate(a, dev)->float:
    "Images/s of the cached `hpa_dls` training loader (batch transforms on `dev`), over generated fields at `a.size`."
    import pandas as pd
    from hpaic_nb.cache import CacheReader, build_cache
    from hpaic_nb.data import hpa_dls, labels_table
    from hpaic_nb.synth.fields import generate_dataset
    tmp = Path(tempfile.mkdtemp(prefix='hpaic_gpu_'))
    data = generate_dataset(tmp/'data', n_train=a.fields, n_test=0, size=a.size, seed=0, progress=False)
    df = labels_table(data, valid_pct=0.1)
    build_cache(data/'train', df.Id, a.size, tmp/'cache')
    n_batches = a.loader_batches
    reps = -(-(n_batches * a.loader_bs) // max(1, (~df.is_valid).sum())) + 1  # a long epoch: the workers' start-up amortised
    long_df = pd.concat([df] * reps, ignore_index=True)
    dls = hpa_dls(data, a.size, a.loader_bs, df=long_df, reader=CacheReader(tmp/'cache'), num_workers=a.workers, pin_memory=dev.type == 'cuda', device=dev)
    it = iter(dls.train)
    next(it)  # workers started, first batch
    synced(dev); t = time.perf_counter()
    for _ in range(n_batches): next(it)
    synced(dev)
    return round(n_batches * a.loader_bs / (time.perf_counter() - t), 1)

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--archs', default=','.join(ARCHS))
    p.add_argument('--size', type=int, default=512)
    p.add_argument('--max-bs', type=int, default=256, help='the largest training batch tried (prediction: 4 times it)')
    p.add_argument('--warmup', type=int, default=5, help='steps before timing (compiling happens there)')
    p.add_argument('--steps', type=int, default=20, help='timed steps')
    p.add_argument('--compile', default='off,on', help='torch.compile settings to run: off, on or both')
    p.add_argument('--workers', type=int, default=os.cpu_count(), help="the loader's worker processes")
    p.add_argument('--fields', type=int, default=256, help='generated fields behind the loader')
    p.add_argument('--loader-bs', type=int, default=128)
    p.add_argument('--loader-batches', type=int, default=40)
    p.add_argument('--tiny', action='store_true', help='the test suite: CPU, 64 px, tiny batches, resnet18 and tf_efficientnet_lite0, no compile')
    p.add_argument('--json', default=str(ROOT/'bench'/'results'/'gpu.json'))
    a = p.parse_args()
    if a.tiny: a.size, a.max_bs, a.warmup, a.steps, a.compile, a.workers, a.fields, a.loader_bs, a.loader_batches, a.archs = 64, 4, 1, 2, 'off', 1, 16, 4, 4, 'resnet18,tf_efficientnet_lite0'
    dev = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    rows = [bench_arch(arch, c == 'on', a, dev) for arch in a.archs.split(',') for c in a.compile.split(',')]
    loader = loader_rate(a, dev)
    for r in rows: r['verdict'] = f"loader-bound ({loader:g} img/s)" if loader < r['train img/s'] else f"model-bound (loader {loader:g} img/s)"
    import pandas as pd
    print(f"{device_name(dev)}, torch {torch.__version__}, {a.size} px, {'bf16 autocast + channels-last' if dev.type == 'cuda' else 'float32'}, "
          f"loader: {a.workers} workers\n\n{pd.DataFrame(rows).to_markdown(index=False)}")
    if not a.tiny:
        Path(a.json).parent.mkdir(parents=True, exist_ok=True)
        Path(a.json).write_text(json.dumps({'device': device_name(dev), 'torch': torch.__version__, 'args': vars(a), 'loader img/s': loader, 'rows': rows}, indent=1))

if __name__ == '__main__': main()

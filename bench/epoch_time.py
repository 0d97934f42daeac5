"""Epoch time of the course CNN on Fashion-MNIST: a plain PyTorch loop vs the Learner, with AdamW and with AutoSGM.

Prints, from one run on this machine, the seconds of one epoch (training pass + evaluation pass) for
  (i)   a plain hand-written PyTorch loop over pre-built normalised tensors,
  (ii)  the Learner with MetricsCB + ProgressCB on the fast tensor path (`fashion_dls`),
  (iii) the Learner on the miniai path (`with_transform` + collate, `miniai_dls`),
  (iv)  the Learner on the fast path with AutoSGM instead of AdamW: the comparison's `parcor` recipe
        (iteration-dependent numerator, lr 2e-2; AutoSGM picks its for-loop path on the CPU, foreach elsewhere),
and the ratios (ii)/(i), (iii)/(i), (iv)/(i) and (iv)/(ii) (the cost of AutoSGM's step over AdamW's).
Goal: (ii)/(i) <= 1.10.

    python bench/epoch_time.py [--repeats 3] [--device cpu] [--skip-miniai]
"""
import argparse, contextlib, io, statistics, time

import torch
import torch.nn.functional as F

from miniai_asgm.data import fashion_dls, fashion_tensors, miniai_dls
from miniai_asgm.learner import DeviceCB, MetricsCB, ProgressCB, TrainLearner, def_device, set_seed
from miniai_asgm.activations import course_model
from miniai_asgm.compare import get_recipe
from torcheval.metrics import MulticlassAccuracy

def sync(device):
    if str(device).startswith('cuda'): torch.cuda.synchronize()

def plain_epoch(device, bs=1024, lr=1e-2):
    "(i): the four training lines and an evaluation pass, nothing else."
    t = fashion_tensors(device=device)
    (xt, yt), (xv, yv) = t['train'], t['test']
    set_seed(42)
    model = course_model().to(device)
    opt = torch.optim.AdamW(model.parameters(), lr)
    sync(device); t0 = time.perf_counter()
    model.train()
    perm = torch.randperm(len(xt), device=device)
    for i in range(0, len(xt), bs):
        idx = perm[i:i+bs]
        loss = F.cross_entropy(model(xt[idx]), yt[idx])
        loss.backward(); opt.step(); opt.zero_grad()
    model.eval()
    correct, tot = torch.zeros((), device=device), torch.zeros((), device=device)
    with torch.no_grad():
        for i in range(0, len(xv), 2*bs):
            out = model(xv[i:i+2*bs])
            correct += (out.argmax(1) == yv[i:i+2*bs]).sum()
            tot += F.cross_entropy(out, yv[i:i+2*bs], reduction='sum')
    acc = float(correct) / len(xv)
    sync(device)
    return time.perf_counter() - t0, acc

def learner_epoch(dls, device, lr=1e-2, opt_func=torch.optim.AdamW):
    "(ii)/(iii)/(iv): the Learner with metrics and progress bars."
    set_seed(42)
    learn = TrainLearner(course_model(), dls, F.cross_entropy, lr=lr, opt_func=opt_func,
                         cbs=[DeviceCB(device), MetricsCB(accuracy=MulticlassAccuracy()), ProgressCB()])
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        sync(device); t0 = time.perf_counter()
        learn.fit(1)
        sync(device)
    return time.perf_counter() - t0, learn.metrics_log[-1]['accuracy']

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--repeats', type=int, default=3)
    p.add_argument('--device', default=def_device)
    p.add_argument('--skip-miniai', action='store_true', help="leave out (iii), the slow path")
    a = p.parse_args()
    print(f"torch {torch.__version__}, device {a.device}, {torch.get_num_threads()} threads, {a.repeats} repeats (median)")
    fast = fashion_dls(1024, device=a.device)
    plain_epoch(a.device)                      # warm-up: allocator, kernels, data in memory
    runs = {'(i) plain loop': [plain_epoch(a.device) for _ in range(a.repeats)],
            '(ii) Learner, fast path': [learner_epoch(fast, a.device) for _ in range(a.repeats)]}
    if not a.skip_miniai: runs['(iii) Learner, miniai path'] = [learner_epoch(miniai_dls(1024), a.device)]
    asgm = get_recipe('parcor')
    runs['(iv) Learner, AutoSGM parcor'] = [learner_epoch(fast, a.device, asgm.lr, asgm.opt_func) for _ in range(a.repeats)]
    med = {k: statistics.median(t for t, _ in v) for k, v in runs.items()}
    for k, v in runs.items():
        print(f"{k:30s} {med[k]:7.2f} s/epoch   (runs: {', '.join(f'{t:.2f}' for t, _ in v)}; test acc {v[-1][1]:.3f})")
    base = med['(i) plain loop']
    print(f"ratio (ii)/(i)  = {med['(ii) Learner, fast path']/base:.3f}   (goal <= 1.10)")
    if '(iii) Learner, miniai path' in med: print(f"ratio (iii)/(i) = {med['(iii) Learner, miniai path']/base:.3f}")
    print(f"ratio (iv)/(i)  = {med['(iv) Learner, AutoSGM parcor']/base:.3f}   "
          f"(iv)/(ii) = {med['(iv) Learner, AutoSGM parcor']/med['(ii) Learner, fast path']:.3f}  (AutoSGM vs AdamW, same Learner)")

if __name__ == '__main__': main()

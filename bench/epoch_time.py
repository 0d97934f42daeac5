"""Epoch time of the course CNN on Fashion-MNIST: a plain PyTorch loop vs the Learner, with AdamW and with AutoSGM.

Prints, from one run on this machine, the seconds of one epoch (training pass + evaluation pass) for
  (i)   a plain hand-written PyTorch loop over pre-built normalised tensors,
  (ii)  the Learner with MetricsCB(accuracy=MulticlassAccuracy()) + ProgressCB on the fast tensor path
        (`fashion_dls`), as `fit_course_model` builds it,
  (ii') the same with the Learner's own `Accuracy()` instead of torcheval's metric,
  (iii) the Learner on the miniai path (`with_transform` + collate, `miniai_dls`),
  (iv)  the Learner on the fast path with AutoSGM instead of AdamW: the comparison's `parcor` recipe
        (iteration-dependent numerator, lr 2e-2; AutoSGM picks its for-loop path on the CPU, foreach elsewhere),
and the ratios (ii)/(i), (ii')/(i), (iii)/(i), (iv)/(i) and (iv)/(ii) (the cost of AutoSGM's step over AdamW's), of
the medians and of the fastest runs. The repeats run in interleaved rounds, (i), (ii), (ii'), (iv), (i), ..., so that a
change in the machine's load affects every row alike. Goal: (ii)/(i) <= 1.10.

With --syncs it also counts host syncs of the Learner configurations over the second epoch of a fit(2)
(59 training + 5 validation batches): with `torch.cuda.set_sync_debug_mode('warn')` on CUDA, elsewhere every
host read of a tensor's value (`count_syncs`); on the CPU, torch's AdamW reads its step counters (CPU tensors
on every device, no GPU sync) with `.item()` at every step, and those reads are left out.

    python bench/epoch_time.py [--repeats 3] [--device cpu] [--skip-miniai] [--syncs] [--syncs-only]
"""
import argparse, contextlib, io, statistics, time

import torch
import torch.nn.functional as F

from miniai_asgm.data import fashion_dls, fashion_tensors, miniai_dls
from miniai_asgm.learner import (Accuracy, Callback, DeviceCB, MetricsCB, ProgressCB, TrainLearner, count_syncs,
                                 def_device, set_seed)
from miniai_asgm.activations import course_model
from miniai_asgm.compare import get_recipe
from torcheval.metrics import MulticlassAccuracy

def sync(device):
    if torch.device(device).type == 'cuda': torch.cuda.synchronize(device)

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

def make_learner(dls, device, lr=1e-2, opt_func=torch.optim.AdamW, metric=MulticlassAccuracy, metrics=True,
                 progress=True, plot=False):
    set_seed(42)
    cbs = [DeviceCB(device)] + ([MetricsCB(accuracy=metric())] if metrics else []) + ([ProgressCB(plot=plot)] if progress else [])
    return TrainLearner(course_model(), dls, F.cross_entropy, lr=lr, opt_func=opt_func, cbs=cbs)

def learner_epoch(dls, device, lr=1e-2, opt_func=torch.optim.AdamW, metric=MulticlassAccuracy):
    "(ii)/(ii')/(iii)/(iv): the Learner with metrics and progress bars."
    learn = make_learner(dls, device, lr, opt_func, metric)
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        sync(device); t0 = time.perf_counter()
        learn.fit(1)
        sync(device)
    return time.perf_counter() - t0, learn.metrics_log[-1]['accuracy']

class _Mark(Callback):
    "Snapshot the sync counter when epoch `ep` starts (before every other callback) and ends (after all of them)."
    def __init__(self, c, ep, start):
        self.c, self.ep, self.start, self.order, self.at = c, ep, start, -10**6 if start else 10**6, None
    def before_epoch(self, learn):
        if self.start and learn.training and learn.epoch == self.ep: self.at = self.c.where.copy()
    def after_epoch(self, learn):
        if not self.start and not learn.training and learn.epoch == self.ep: self.at = self.c.where.copy()

def count_learner_syncs(dls, device):
    "Host syncs of a fit(2): in its second epoch, and in the whole fit, for each Learner configuration."
    skip = () if torch.device(device).type == 'cuda' else ('torch/optim/',)
    configs = {'DeviceCB': dict(metrics=False, progress=False),
               '+ MetricsCB(MulticlassAccuracy)': dict(progress=False),
               '+ ProgressCB  = (ii)': {},
               "(ii) with Accuracy()  = (ii')": dict(metric=Accuracy),
               '(ii) with ProgressCB(plot=True)': dict(plot=True)}
    print(f"\nhost syncs, {'CUDA sync debug mode' if not skip else 'host reads of tensor values (AdamW step-counter reads left out)'}; "
          f"fit(2), {len(dls.train)} training + {len(dls.valid)} validation batches per epoch")
    print(f"{'Learner configuration':34s} {'epoch 2':>8s} {'fit(2)':>7s}   where, in epoch 2")
    for name, kw in configs.items():
        learn = make_learner(dls, device, **kw)
        with count_syncs(device, skip=skip) as c:
            marks = [_Mark(c, 1, True), _Mark(c, 1, False)]
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()): learn.fit(2, cbs=marks)
        ep = marks[1].at - marks[0].at
        print(f"{name:34s} {sum(ep.values()):8d} {c.n:7d}   " + '; '.join(f'{v} {k}' for k, v in ep.most_common()))

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--repeats', type=int, default=3)
    p.add_argument('--device', default=def_device)
    p.add_argument('--skip-miniai', action='store_true', help="leave out (iii), the slow path")
    p.add_argument('--syncs', action='store_true', help="also count host syncs per epoch of the Learner configurations")
    p.add_argument('--syncs-only', action='store_true', help="only count host syncs, no timings")
    a = p.parse_args()
    print(f"torch {torch.__version__}, device {a.device}, {torch.get_num_threads()} threads, {a.repeats} repeats (median)")
    fast = fashion_dls(1024, device=a.device)
    if not a.syncs_only:
        plain_epoch(a.device)                      # warm-up: allocator, kernels, data in memory
        own, asgm = "(ii') Learner, own Accuracy", get_recipe('parcor')
        jobs = {'(i) plain loop': lambda: plain_epoch(a.device),
                '(ii) Learner, fast path': lambda: learner_epoch(fast, a.device),
                own: lambda: learner_epoch(fast, a.device, metric=Accuracy),
                '(iv) Learner, AutoSGM parcor': lambda: learner_epoch(fast, a.device, asgm.lr, asgm.opt_func)}
        runs = {k: [] for k in jobs}
        for _ in range(a.repeats):                 # interleaved rounds: a change in the machine's load hits every row alike
            for k, f in jobs.items(): runs[k].append(f())
        if not a.skip_miniai: runs['(iii) Learner, miniai path'] = [learner_epoch(miniai_dls(1024), a.device)]
        med = {k: statistics.median(t for t, _ in v) for k, v in runs.items()}
        best = {k: min(t for t, _ in v) for k, v in runs.items()}
        for k, v in runs.items():
            print(f"{k:30s} {med[k]:7.2f} s/epoch   (runs: {', '.join(f'{t:.2f}' for t, _ in v)}; test acc {v[-1][1]:.3f})")
        def ratio(k, b='(i) plain loop'): return f"{med[k]/med[b]:.3f} (fastest runs: {best[k]/best[b]:.3f})"
        print(f"ratio (ii)/(i)  = {ratio('(ii) Learner, fast path')}   (goal <= 1.10)")
        print(f"ratio (ii')/(i) = {ratio(own)}")
        if '(iii) Learner, miniai path' in med: print(f"ratio (iii)/(i) = {ratio('(iii) Learner, miniai path')}")
        print(f"ratio (iv)/(i)  = {ratio('(iv) Learner, AutoSGM parcor')}   "
              f"(iv)/(ii) = {ratio('(iv) Learner, AutoSGM parcor', '(ii) Learner, fast path')}  (AutoSGM vs AdamW, same Learner)")
    if a.syncs or a.syncs_only: count_learner_syncs(fast, a.device)

if __name__ == '__main__': main()

"""Time of one `optimizer.step()` for every exported optimizer on each of its paths, against torch.optim.AdamW (fused and
foreach), on ~10M parameters in 20 tensors. Everything is measured in one run: ratios to AdamW, bytes of optimizer state
per parameter, and the bandwidth each step achieves as a fraction of a plain tensor copy (the physical limit of an
element-wise optimizer), the copy being timed in the same run.

    python bench/step_time.py [--device cuda] [--steps 20] [--quick] [--only NAME ...] [--keep-malloc]

On the CPU machines of this project glibc returns freed large blocks to the system, and every new temporary then pays
for fresh page faults, which made every optimizer (torch's included) 10-100x slower and very noisy. Unless
`--keep-malloc` is given, the script re-runs itself with glibc's mmap and trim thresholds raised so freed memory is
reused, as a caching allocator (torch's on CUDA, jemalloc/tcmalloc elsewhere) would.
"""
import argparse, os, statistics, sys, time, warnings
import torch
from miniai_asgm.optim import SGD, Momentum, RMSProp, AdaGrad, Adam, AdamW
from miniai_asgm.autosgm import AutoSGM

# floats each optimizer must at least read or write per parameter element (param r+w, grad r, each state r+w)
MIN_FLOATS = {'AdamW': 7, 'SGD': 3, 'Momentum': 5, 'RMSProp': 5, 'AdaGrad': 5, 'Adam': 7,
              'AutoSGM num_lrc=0': 7, 'AutoSGM num_lrc=1': 11, 'AutoSGM num_lrc=3': 9}

def sync(device):
    if device.type == 'cuda': torch.cuda.synchronize()

def make_params(device, n_big=18, shape=(1024, 512)):
    "20 tensors: 18 matrices and 2 vectors, with fixed random gradients"
    g = torch.Generator().manual_seed(0)
    shapes = [shape] * n_big + [(shape[0],)] * 2
    ps = [torch.nn.Parameter(torch.randn(s, generator=g).to(device)) for s in shapes]
    for p in ps: p.grad = torch.randn(p.shape, generator=g).to(device) * 1e-2
    return ps

def state_bytes(opt, ps):
    return sum(v.nbytes for p in ps for v in opt.state[p].values() if torch.is_tensor(v) and v.numel() > 1) / sum(p.numel() for p in ps)

def candidates(ps):
    "name -> (kind for MIN_FLOATS, factory)"
    runs = {'torch AdamW fused': ('AdamW', lambda: torch.optim.AdamW(ps, lr=1e-3, fused=True)),
            'torch AdamW foreach': ('AdamW', lambda: torch.optim.AdamW(ps, lr=1e-3, foreach=True))}
    course = {'SGD': (SGD, {}), 'Momentum': (Momentum, {}), 'RMSProp': (RMSProp, {}), 'AdaGrad': (AdaGrad, {}),
              'Adam': (Adam, {}), 'AdamW': (AdamW, {})}
    for name, (cls, kw) in course.items():
        for path, fe in (('for-loop', False), ('foreach', True)):
            runs[f'{name} {path}'] = (name, lambda cls=cls, fe=fe, kw=kw: cls(ps, lr=1e-3, foreach=fe, **kw))
    for N in (0, 1, 3):
        for path, kw in (('for-loop', dict(foreach=False)), ('foreach', dict(foreach=True)), ('fused', dict(fused=True))):
            runs[f'AutoSGM num_lrc={N} {path}'] = (f'AutoSGM num_lrc={N}', lambda N=N, kw=kw: AutoSGM(ps, lr_cfg=(True, 1e-3, N), **kw))
    return runs

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--device', default='cpu'); ap.add_argument('--steps', type=int, default=20)
    ap.add_argument('--quick', action='store_true', help='a smaller model (2.4M parameters)')
    ap.add_argument('--only', nargs='*', default=None, help='substrings of the optimizer names to keep (the torch AdamW baselines always run)')
    ap.add_argument('--keep-malloc', action='store_true', help="don't raise glibc's mmap/trim thresholds")
    args = ap.parse_args()
    if args.steps < 1: ap.error(f"--steps must be >= 1, got {args.steps}")
    if not args.keep_malloc and 'MALLOC_MMAP_THRESHOLD_' not in os.environ:
        env = dict(os.environ, MALLOC_MMAP_THRESHOLD_='4000000000', MALLOC_TRIM_THRESHOLD_='4000000000')
        os.execve(sys.executable, [sys.executable, *sys.argv], env)
    dev = torch.device(args.device)
    if dev.type == 'cuda' and not torch.cuda.is_available(): ap.error("--device cuda: no CUDA GPU here")
    ps = make_params(dev, shape=(512, 256) if args.quick else (1024, 512))
    n = sum(p.numel() for p in ps)
    runs = candidates(ps)
    if args.only: runs = {k: v for k, v in runs.items() if k.startswith('torch ') or any(s in k for s in args.only)}
    src, dst = torch.randn(n, device=dev), torch.empty(n, device=dev)
    # build every optimizer first (each has its own state, the params are shared), then time round-robin so that a
    # change of load on the machine hits all of them alike; the copy is timed in the same rounds
    opts, fellback = {}, {}
    for name, (kind, make) in runs.items():
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter('always')
            opts[name] = make()
            for _ in range(3): opts[name].step()                 # warm-up (and compilation for fused)
        fellback[name] = any('falling back' in str(x.message) for x in w)
    times = {name: [] for name in ['copy', *opts]}
    for _ in range(args.steps):
        sync(dev); t0 = time.perf_counter(); dst.copy_(src); sync(dev); times['copy'].append(time.perf_counter() - t0)
        for name, opt in opts.items():
            sync(dev); t0 = time.perf_counter(); opt.step(); sync(dev); times[name].append(time.perf_counter() - t0)
    t_copy = statistics.median(times['copy']); bw = 2 * 4 * n / t_copy
    print(f"{n/1e6:.1f}M parameters in {len(ps)} tensors on {dev}, median of {args.steps} steps; "
          f"plain copy {t_copy*1e3:.2f} ms = {bw/1e9:.1f} GB/s")
    med = {name: statistics.median(times[name]) for name in opts}
    fa, fe = med['torch AdamW fused'], med['torch AdamW foreach']
    print(f"\n{'optimizer':32s} {'ms/step':>8s} {'/AdamW fused':>12s} {'/AdamW foreach':>14s} {'state B/param':>13s} {'bw/copy':>8s}")
    for name, t in med.items():
        frac = MIN_FLOATS[runs[name][0]] * 4 * n / t / bw
        print(f"{name:32s} {t*1e3:8.2f} {t/fa:12.2f} {t/fe:14.2f} {state_bytes(opts[name], ps):13.2f} {frac:8.2f}"
              + ('  (fell back to foreach)' if fellback[name] else ''))

if __name__ == '__main__': main()

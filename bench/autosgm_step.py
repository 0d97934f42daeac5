"""Step time of AutoSGM (num_lrc 0, 1, 3) on each path against torch.optim.AdamW (fused, foreach), on a ~10M-parameter
model in 20 tensors. Prints times, ratios to AdamW measured in the same run, state bytes per parameter, and the bandwidth
each step achieves as a fraction of a plain tensor copy (also measured in the same run).

    python bench/autosgm_step.py [--device cuda] [--steps 20] [--quick] [--keep-malloc]

On the CPU machines of this project, glibc returns freed large blocks to the system and every new temporary then
pays for fresh page faults, which made every optimizer (torch's included) 10-100x slower and very noisy. Unless
`--keep-malloc` is given, the script re-runs itself with glibc's mmap and trim thresholds raised so freed memory is
reused, as a caching allocator (torch's on CUDA, jemalloc/tcmalloc elsewhere) would.
"""
import argparse, os, statistics, sys, time, warnings
import torch
from miniai_asgm.autosgm import AutoSGM

# floats each optimizer must read or write per parameter element at the very least (param, grad, states)
MIN_FLOATS = {'AdamW': 7, 'AutoSGM num_lrc=0': 7, 'AutoSGM num_lrc=1': 11, 'AutoSGM num_lrc=3': 9}

def sync(device):
    if device.type == 'cuda': torch.cuda.synchronize()

def timeit(fn, device, steps, warmup=3):
    "Median seconds of `fn()` over `steps` calls after `warmup` calls"
    for _ in range(warmup): fn()
    sync(device); ts = []
    for _ in range(steps):
        t0 = time.perf_counter(); fn(); sync(device); ts.append(time.perf_counter() - t0)
    return statistics.median(ts)

def make_params(device, n_big=18, shape=(1024, 512)):
    g = torch.Generator().manual_seed(0)
    shapes = [shape] * n_big + [(shape[0],)] * 2
    ps = [torch.nn.Parameter(torch.randn(s, generator=g).to(device)) for s in shapes]
    for p in ps: p.grad = torch.randn(p.shape, generator=g).to(device) * 1e-2
    return ps

def state_bytes(opt, ps):
    return sum(v.nbytes for p in ps for v in opt.state[p].values() if torch.is_tensor(v)) / sum(p.numel() for p in ps)

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--device', default='cpu'); ap.add_argument('--steps', type=int, default=20)
    ap.add_argument('--quick', action='store_true', help='a smaller model (2.4M parameters)')
    ap.add_argument('--keep-malloc', action='store_true', help="don't raise glibc's mmap/trim thresholds")
    args = ap.parse_args()
    if not args.keep_malloc and 'MALLOC_MMAP_THRESHOLD_' not in os.environ:
        env = dict(os.environ, MALLOC_MMAP_THRESHOLD_='4000000000', MALLOC_TRIM_THRESHOLD_='4000000000')
        os.execve(sys.executable, [sys.executable, *sys.argv], env)
    dev = torch.device(args.device)
    ps = make_params(dev, shape=(512, 256) if args.quick else (1024, 512))
    n = sum(p.numel() for p in ps)
    src, dst = torch.randn(n, device=dev), torch.empty(n, device=dev)
    t_copy = timeit(lambda: dst.copy_(src), dev, args.steps)
    bw = 2 * 4 * n / t_copy
    print(f"{n/1e6:.1f}M parameters in {len(ps)} tensors on {dev}; plain copy {t_copy*1e3:.2f} ms = {bw/1e9:.1f} GB/s")

    runs = {}
    runs['AdamW fused'] = ('AdamW', lambda: torch.optim.AdamW(ps, lr=1e-3, fused=True))
    runs['AdamW foreach'] = ('AdamW', lambda: torch.optim.AdamW(ps, lr=1e-3, foreach=True))
    for N in (0, 1, 3):
        for path, kw in (('for-loop', dict(foreach=False)), ('foreach', dict(foreach=True)), ('fused', dict(fused=True))):
            runs[f'AutoSGM num_lrc={N} {path}'] = (f'AutoSGM num_lrc={N}', lambda N=N, kw=kw: AutoSGM(ps, lr_cfg=(True, 1e-3, N), **kw))
    # build every optimizer first, then time them round-robin so a load change on the machine hits all alike
    opts, caught = {}, {}
    for name, (kind, make) in runs.items():
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter('always')
            opts[name] = make()
            for _ in range(3): opts[name].step()                 # warm-up (and compilation for fused)
        caught[name] = any('falling back' in str(x.message) for x in w)
    times = {name: [] for name in opts}
    for _ in range(args.steps):
        for name, opt in opts.items():
            sync(dev); t0 = time.perf_counter(); opt.step(); sync(dev); times[name].append(time.perf_counter() - t0)
    res = {name: (statistics.median(times[name]), state_bytes(opts[name], ps),
                  MIN_FLOATS[runs[name][0]] * 4 * n / statistics.median(times[name]) / bw, caught[name]) for name in opts}
    fa, fe = res['AdamW fused'][0], res['AdamW foreach'][0]
    print(f"\n{'optimizer':32s} {'ms/step':>8s} {'/AdamW fused':>12s} {'/AdamW foreach':>14s} {'state B/param':>13s} {'bw/copy':>8s}")
    for name, (t, sb, frac, fb) in res.items():
        print(f"{name:32s} {t*1e3:8.2f} {t/fa:12.2f} {t/fe:14.2f} {sb:13.2f} {frac:8.2f}" + ('  (fell back to foreach)' if fb else ''))

if __name__ == '__main__': main()

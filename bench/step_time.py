"""Time of one `optimizer.step()` for every exported optimizer on each of its paths, against torch.optim.AdamW (fused and
foreach). Everything is measured in one run: ratios to AdamW, bytes of optimizer state per parameter, and the bandwidth
each step achieves as a fraction of a plain tensor copy (the physical limit of an element-wise optimizer), the copy being
timed in the same run. At the end, the AutoSGM goal checks computed from the same run.

    python bench/step_time.py [--size {2.4M,9.4M,269M}] [--device cuda] [--steps 20] [--only NAME ...] [--keep-malloc]
    ASGM_PY=/path/to/asgm.py python bench/step_time.py          # adds the original implementation's rows

Sizes (all float32, fixed random gradients):
  2.4M  18 matrices 512x256 + 2 vectors of 512        (2,360,320 parameters in 20 tensors; `--quick` is an alias)
  9.4M  18 matrices 1024x512 + 2 vectors of 1024      (9,439,232 parameters in 20 tensors; the default)
  269M  16 matrices 4096x4096 + 2 matrices 4096x64    (268,959,744 parameters in 18 tensors; for GPUs)

Memory: before allocating anything the script estimates what it needs (params + grads + the copy's two buffers + the
optimizer state + the temporaries of one step) and compares it with the memory available (`torch.cuda.mem_get_info()`
on CUDA, MemAvailable of /proc/meminfo on the CPU). If every optimizer's state fits at once, all optimizers are built
first and timed round-robin, so that a change of load on the machine hits them alike; if only the largest state fits,
they are built and timed one at a time (said in the header); if not even that fits, it stops with a one-line message.

The original implementation: when ASGM_PY names a copy of the original `asgm.py` (github.com/somefunAgba/autosgm), it is
imported from that path and its `AutoSGM` is timed with the configuration of our rows (the same `lr_cfg`, `beta_cfg`,
`rc_cfg`, `wd_cfg`, `eps_cfg` tuples, which it takes with the same meanings and defaults; its `mix_cfg` left at its
default, the element-wise update) as the rows `original asgm.py num_lrc=N`, N in 0, 1, 3. It is timed as it is (it reads
its step and epoch counters with `.item()` for every tensor, host syncs on a GPU). If it cannot be imported or run, one
line says why.

On the CPU machines of this project glibc returns freed large blocks to the system, and every new temporary then pays
for fresh page faults, which made every optimizer (torch's included) 10-100x slower and very noisy. Unless
`--keep-malloc` is given, the script re-runs itself with glibc's mmap and trim thresholds raised so freed memory is
reused, as a caching allocator (torch's on CUDA, jemalloc/tcmalloc elsewhere) would.
"""
import argparse, gc, importlib.util, math, os, statistics, sys, time, warnings
import torch
from miniai_asgm.optim import SGD, Momentum, RMSProp, AdaGrad, Adam, AdamW
from miniai_asgm.autosgm import AutoSGM

SIZES = {'2.4M': [(512, 256)] * 18 + [(512,)] * 2,
         '9.4M': [(1024, 512)] * 18 + [(1024,)] * 2,
         '269M': [(4096, 4096)] * 16 + [(4096, 64)] * 2}
QUICK = '2.4M'

# floats each optimizer must at least read or write per parameter element (param r+w, grad r, each state r+w)
MIN_FLOATS = {'AdamW': 7, 'SGD': 3, 'Momentum': 5, 'RMSProp': 5, 'AdaGrad': 5, 'Adam': 7,
              'AutoSGM num_lrc=0': 7, 'AutoSGM num_lrc=1': 11, 'AutoSGM num_lrc=3': 9}
LRCS = (0, 1, 3)
# for the memory estimate: bytes of state per parameter (each state read and written: (MIN_FLOATS - 3) / 2 float32
# tensors), the original's extra state (its own copy of the weights, and for num_lrc 3 the two tensors of num_lrc 1),
# and the temporaries of one step (the largest measured on the CPU at 9.4M, peak RSS over the state: about 20 B/param
# for AutoSGM foreach num_lrc=1 and torch AdamW foreach)
def state_estimate(kind): return 2 * (MIN_FLOATS[kind] - 3)
ORIGINAL_EXTRA = {0: 4, 1: 4, 3: 12}
STEP_TEMPORARIES = 20
MEM_MARGIN = 0.9              # use at most this fraction of the available memory

def sync(device):
    if device.type == 'cuda': torch.cuda.synchronize()

def make_params(device, shapes):
    "One parameter per shape, with fixed random gradients (drawn on the CPU generator)"
    g = torch.Generator().manual_seed(0)
    ps = [torch.nn.Parameter(torch.randn(s, generator=g).to(device)) for s in shapes]
    for p in ps: p.grad = torch.randn(p.shape, generator=g).to(device) * 1e-2
    return ps

def state_bytes(opt, ps):
    return sum(v.nbytes for p in ps for v in opt.state[p].values() if torch.is_tensor(v) and v.numel() > 1) / sum(p.numel() for p in ps)

def candidates(ps):
    "name -> (kind for MIN_FLOATS, factory, estimated state bytes per parameter)"
    runs = {'torch AdamW fused': ('AdamW', lambda: torch.optim.AdamW(ps, lr=1e-3, fused=True)),
            'torch AdamW foreach': ('AdamW', lambda: torch.optim.AdamW(ps, lr=1e-3, foreach=True))}
    course = {'SGD': (SGD, {}), 'Momentum': (Momentum, {}), 'RMSProp': (RMSProp, {}), 'AdaGrad': (AdaGrad, {}),
              'Adam': (Adam, {}), 'AdamW': (AdamW, {})}
    for name, (cls, kw) in course.items():
        for path, fe in (('for-loop', False), ('foreach', True)):
            runs[f'{name} {path}'] = (name, lambda cls=cls, fe=fe, kw=kw: cls(ps, lr=1e-3, foreach=fe, **kw))
    for N in LRCS:
        for path, kw in (('for-loop', dict(foreach=False)), ('foreach', dict(foreach=True)), ('fused', dict(fused=True))):
            runs[f'AutoSGM num_lrc={N} {path}'] = (f'AutoSGM num_lrc={N}', lambda N=N, kw=kw: AutoSGM(ps, lr_cfg=(True, 1e-3, N), **kw))
    return {name: (kind, make, state_estimate(kind)) for name, (kind, make) in runs.items()}

def one_line(e): return f"{type(e).__name__}: {str(e).strip().splitlines()[0] if str(e).strip() else ''}"

def load_original(path):
    "The original asgm.py as a module, imported from `path`"
    spec = importlib.util.spec_from_file_location('asgm_original', path)
    if spec is None: raise ImportError(f"not a Python file: {path}")
    mod = importlib.util.module_from_spec(spec)
    sys.modules['asgm_original'] = mod              # dataclasses and pickling look modules up here
    try: spec.loader.exec_module(mod)
    except BaseException: sys.modules.pop('asgm_original', None); raise
    if not hasattr(mod, 'AutoSGM'): raise ImportError(f"{path} defines no AutoSGM")
    return mod

def original_candidates(ps, mod, names=None):
    "The original AutoSGM (module `mod`) with our rows' configuration: our constructor mirrors its tuples and defaults"
    def make(N):
        return mod.AutoSGM(ps, lr_cfg=(True, 1e-3, N), beta_cfg=(0.9999, 0.999, 0.9, 0., 0., True),
                           rc_cfg=(0, 0, 0., 2, 1, 1000, 1, 1, 0.), wd_cfg=(0., 0), eps_cfg=(1e-10,))
    return {f'original asgm.py num_lrc={N}': (f'AutoSGM num_lrc={N}', lambda N=N: make(N),
                                              state_estimate(f'AutoSGM num_lrc={N}') + ORIGINAL_EXTRA[N])
            for N in LRCS if names is None or f'original asgm.py num_lrc={N}' in names}

def available_memory(dev):
    "Bytes free for this run: free GPU memory on CUDA, MemAvailable on the CPU (None where unknown)"
    if dev.type == 'cuda': return torch.cuda.mem_get_info(dev)[0]
    try:
        with open('/proc/meminfo') as f:
            for line in f:
                if line.startswith('MemAvailable:'): return int(line.split()[1]) * 1024
    except OSError: pass
    return None

def build(make):
    "An optimizer after 3 warm-up steps (compilation for fused), and whether it warned that it fell back to foreach"
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter('always')
        opt = make()
        for _ in range(3): opt.step()
    return opt, any('falling back' in str(x.message) for x in w)

def timed(fn, dev):
    sync(dev); t0 = time.perf_counter(); fn(); sync(dev); return time.perf_counter() - t0

def goal_checks(med, fellback, dev, size):
    "The AutoSGM fused goals, from this run's medians"
    fa = med.get('torch AdamW fused')
    rows = [N for N in LRCS if f'AutoSGM num_lrc={N} fused' in med]
    if not rows: return
    print("\nGoal checks (AutoSGM fused rows, this run):")
    for N in rows:
        fu, fe = med[f'AutoSGM num_lrc={N} fused'], med.get(f'AutoSGM num_lrc={N} foreach')
        note = '  [the fused row fell back to foreach]' if fellback.get(f'AutoSGM num_lrc={N} fused') else ''
        if fe is not None:
            r = fu / fe
            print(f"(a) num_lrc={N}: fused/foreach = {fu*1e3:.2f}/{fe*1e3:.2f} ms = {r:.2f}  (goal <= 1.00): "
                  f"{'met' if r <= 1.0 else 'missed'}{note}")
    for N in rows:
        fu = med[f'AutoSGM num_lrc={N} fused']
        note = '  [the fused row fell back to foreach]' if fellback.get(f'AutoSGM num_lrc={N} fused') else ''
        r = fu / fa
        kind = f'AutoSGM num_lrc={N}'
        limit = MIN_FLOATS[kind] / MIN_FLOATS['AdamW']
        if N == 0:
            if dev.type == 'cpu': goal, what = 1.5, 'goal <= 1.5x fused AdamW on CPU'
            else:
                goal = 1.1
                what = 'goal <= 1.1x fused AdamW on GPU at 269M' + ('' if size == '269M' else f'; this run is at {size}')
        else: goal, what = 1.3 * limit, f'goal within 1.3x of the limit = <= {1.3 * limit:.2f}'
        print(f"(b) num_lrc={N}: fused/AdamW fused = {r:.2f}, bandwidth limit {MIN_FLOATS[kind]}/{MIN_FLOATS['AdamW']} "
              f"= {limit:.2f}, {r/limit:.2f}x the limit  ({what}): {'met' if r <= goal else 'missed'}{note}")

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0], formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog='\n\n'.join(__doc__.split('\n\n')[2:]))
    ap.add_argument('--size', choices=list(SIZES), default='9.4M',
                    help='parameter set: 2.4M (18 x 512x256 + 2 x 512), 9.4M (18 x 1024x512 + 2 x 1024; default), '
                         '269M (16 x 4096x4096 + 2 x 4096x64, for GPUs)')
    ap.add_argument('--quick', action='store_true', help=f'alias for --size {QUICK}')
    ap.add_argument('--device', default='cpu', help="torch device, e.g. cuda (default: cpu)")
    ap.add_argument('--steps', type=int, default=20, help='timed steps per optimizer, median reported (default 20)')
    ap.add_argument('--only', nargs='*', default=None,
                    help='substrings of the optimizer names (or of their kind, e.g. "AutoSGM" also keeps the original '
                         "asgm.py rows) to keep; the torch AdamW baselines always run")
    ap.add_argument('--keep-malloc', action='store_true', help="don't raise glibc's mmap/trim thresholds")
    args = ap.parse_args()
    if args.steps < 1: ap.error(f"--steps must be >= 1, got {args.steps}")
    if args.quick: args.size = QUICK
    if not args.keep_malloc and 'MALLOC_MMAP_THRESHOLD_' not in os.environ:
        env = dict(os.environ, MALLOC_MMAP_THRESHOLD_='4000000000', MALLOC_TRIM_THRESHOLD_='4000000000')
        os.execve(sys.executable, [sys.executable, *sys.argv], env)
    dev = torch.device(args.device)
    if dev.type == 'cuda' and not torch.cuda.is_available(): ap.error("--device cuda: no CUDA GPU here")
    shapes = SIZES[args.size]
    n, n_tensors = sum(math.prod(s) for s in shapes), len(shapes)

    # which rows: ours now (the factories bind the params later), the original's if ASGM_PY is set and loads
    keep = lambda name, kind: name.startswith('torch ') or not args.only or any(s in name or s in kind for s in args.only)
    ps = []                                              # filled once the memory check has passed
    runs = {k: v for k, v in candidates(ps).items() if keep(k, v[0])}
    orig_rows = {k: v for k, v in original_candidates(ps, None).items() if keep(k, v[0])}
    original, orig_msg = None, None
    asgm_py = os.environ.get('ASGM_PY')
    if orig_rows:
        if not asgm_py:
            orig_msg = ("original asgm.py column skipped: set ASGM_PY=/path/to/asgm.py (the original, from "
                        "github.com/somefunAgba/autosgm) to add its rows")
        else:
            try: original = load_original(asgm_py)
            except (Exception, SystemExit) as e:
                orig_msg = f"original asgm.py ({asgm_py}) could not be imported, its rows are left out: {one_line(e)}"
    if original is not None: runs.update(original_candidates(ps, original, orig_rows))

    # memory: params + grads + the copy's two buffers, the optimizer state, one step's temporaries
    base = n * (4 + 4 + 8)
    need_all = base + n * (sum(v[2] for v in runs.values()) + STEP_TEMPORARIES)
    need_one = base + n * (max(v[2] for v in runs.values()) + STEP_TEMPORARIES)
    avail = available_memory(dev)
    if avail is not None and need_one > MEM_MARGIN * avail:
        smaller = [s for s in SIZES if sum(math.prod(x) for x in SIZES[s]) < n]
        print(f"--size {args.size} needs about {need_one/1e9:.1f} GB on {dev} (params + grads + copy buffers + the "
              f"largest optimizer state + one step's temporaries) but only {avail/1e9:.1f} GB is available: "
              f"use a smaller --size ({', '.join(smaller) or 'none'})", file=sys.stderr)
        sys.exit(2)
    one_at_a_time = avail is not None and need_all > MEM_MARGIN * avail
    ps.extend(make_params(dev, shapes))
    src, dst = torch.randn(n, device=dev), torch.empty(n, device=dev)
    copy = lambda: dst.copy_(src)

    how = ('one optimizer at a time (every state at once would need about '
           f'{need_all/1e9:.1f} GB of the {avail/1e9:.1f} GB available)' if one_at_a_time else 'round-robin')
    print(f"--size {args.size}: {n/1e6:.1f}M parameters ({n:,}) in {n_tensors} tensors on {dev}, median of "
          f"{args.steps} steps, timed {how}")
    if orig_msg: print(orig_msg)

    opts, fellback, failed, sbytes = {}, {}, {}, {}
    times = {name: [] for name in ['copy', *runs]}
    def try_build(name, make):
        try: opts[name], fellback[name] = build(make)
        except (Exception, SystemExit) as e:
            if not name.startswith('original '): raise
            failed[name] = one_line(e)
    def try_step(name):
        try: times[name].append(timed(opts[name].step, dev))
        except (Exception, SystemExit) as e:
            if not name.startswith('original '): raise
            failed[name] = one_line(e); del opts[name]
    if not one_at_a_time:
        # build every optimizer first (each has its own state, the params are shared), then time round-robin so that a
        # change of load on the machine hits all of them alike; the copy is timed in the same rounds
        for name, (kind, make, _) in runs.items(): try_build(name, make)
        for _ in range(args.steps):
            times['copy'].append(timed(copy, dev))
            for name in list(opts): try_step(name)
        sbytes = {name: state_bytes(opt, ps) for name, opt in opts.items()}
    else:
        for name, (kind, make, _) in runs.items():
            try_build(name, make)
            for _ in range(args.steps if name in opts else 0):
                times['copy'].append(timed(copy, dev))
                try_step(name)
                if name not in opts: break
            if name in opts: sbytes[name] = state_bytes(opts[name], ps)
            opts.pop(name, None); gc.collect()
            if dev.type == 'cuda': torch.cuda.empty_cache()
    for name, why in failed.items(): print(f"{name}: could not run, row left out: {why}")

    t_copy = statistics.median(times['copy']); bw = 2 * 4 * n / t_copy
    print(f"plain copy {t_copy*1e3:.2f} ms = {bw/1e9:.1f} GB/s")
    med = {name: statistics.median(times[name]) for name in runs if name in sbytes}
    fa, fe = med['torch AdamW fused'], med['torch AdamW foreach']
    print(f"\n{'optimizer':32s} {'ms/step':>8s} {'/AdamW fused':>12s} {'/AdamW foreach':>14s} {'state B/param':>13s} {'bw/copy':>8s}")
    for name, t in med.items():
        frac = MIN_FLOATS[runs[name][0]] * 4 * n / t / bw
        print(f"{name:32s} {t*1e3:8.2f} {t/fa:12.2f} {t/fe:14.2f} {sbytes[name]:13.2f} {frac:8.2f}"
              + ('  (fell back to foreach)' if fellback.get(name) else ''))
    goal_checks(med, fellback, dev, args.size)

if __name__ == '__main__': main()

"""Check (or rewrite) the ELRA reference runs in `miniai_asgm/reference/elra_reference_runs.json` by running the `elra` package.

    python tools/elra_reference.py --python /path/to/venv/bin/python             # rerun every run, compare with the file
    python tools/elra_reference.py --python /path/to/venv/bin/python --write OUT # rerun every run, write the file anew to OUT

The reference runs were recorded with the PyPI package `elra==0.0.3` (GPL-3.0-or-later). It is never a dependency of
this project: install it into a throwaway virtual environment that has torch, for example

    python -m venv /tmp/elra_venv && /tmp/elra_venv/bin/pip install torch==2.13.0 && \\
        /tmp/elra_venv/bin/pip install --no-deps elra==0.0.3

and name that environment's interpreter with `--python` (the script then runs itself there; running it with that
interpreter directly does the same). The package needs nothing but torch. The script refuses another version of the
package unless `--any-version` is given.

For each run the script rebuilds the problem and the loop from the run's `settings` (the cubic least-squares fit of
sin, Rosenbrock, the small softmax MLP), starts from the recorded `init_params` (an input, kept as recorded: a note
says if the run's seed gives other values with this torch; the MLP's data are drawn again from their seed), calls the
package's `ElraOptimizer.step(loss)` as the recording did, one torch thread, and collects the same fields: per call the loss,
the retrace flag, the parameters and the package's internal statistics (read from its private solver object right
after each call, as `meta.columns` describes), and the run's summary (final parameters, retraces, minimum loss, ...).
The package prints to stdout and writes `state_lgs.txt` into the working directory: the script silences the one and
runs in a temporary directory for the other.

`--check` (the default) compares every recorded number with the recomputed one, exactly (the package is
deterministic for a given arithmetic). It prints one line per run: identical, or the first call that differs and the
largest absolute and relative difference of each column. Bit-for-bit agreement needs the arithmetic of the recording:
its torch build (`meta.torch`), one thread, and for the MLP run also a CPU whose float32 matrix-product kernels round
the same way (they depend on the instruction set; the full-batch runs do not use such kernels). The script prints the
torch build and the CPU capability in use. Exit status: 0 if every run is identical, 1 if a run differs under the
recorded torch build (a discrepancy, or a CPU that rounds differently), 2 if a run differs under another torch build.

`--write OUT` writes the whole file anew with the recomputed runs, in the same layout and key order; `note` and
`settings` of each run are kept as recorded, and `meta.torch`, `meta.python` and `meta.machine` name the environment
that produced it. With the recorded torch build and identical runs, OUT is byte-identical to the shipped file."""
import argparse, contextlib, json, math, os, platform, sys, tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT/'miniai_asgm'/'reference'/'elra_reference_runs.json'
PACKAGE, VERSION, INTERNAL_VERSION = 'elra', '0.0.3', '2026.03.16'

# the package's private solver object and the attributes behind the recorded columns (see `meta.columns`)
INTERNALS = dict(alpha='alpha', s_ratio='S', growth_damper='_SelfConstOptim__growthdamper', last_f_mean='lastFmean',
                 last_dev='lastDev', dev_correction='DevCorrection', internal_lr='lr', lr_schedule_exp='learningRateSchedule',
                 collects='collects', weight_decay_factor='WD')

def solver(opt):
    "The package's private solver object inside an `ElraOptimizer`"
    return opt._ElraOptimizer__optim_instance

@contextlib.contextmanager
def quiet():
    "Silence the package's prints"
    with open(os.devnull, 'w') as null, contextlib.redirect_stdout(null): yield

# ---------------------------------------------------------------- problems
def poly_problem(torch, run):
    "The cubic fit of sin on 2000 points as in the package's README: (flat-parameter model, loss closure)"
    s = run['settings']; dtype = getattr(torch, s['dtype'])
    t = torch.linspace(-math.pi, math.pi, 2000, dtype=dtype)
    y, xx = torch.sin(t), t.unsqueeze(-1).pow(torch.tensor([1, 2, 3]))
    model = torch.nn.Sequential(torch.nn.Linear(3, 1), torch.nn.Flatten(0, 1)).to(dtype)
    init = run['init_params']
    with torch.no_grad():
        model[0].weight.copy_(torch.tensor([init[:3]], dtype=dtype)); model[0].bias.copy_(torch.tensor(init[3:], dtype=dtype))
    loss_fn = torch.nn.MSELoss(reduction='sum')
    return list(model.parameters()), lambda: loss_fn(model(xx), y)

def rosen_problem(torch, run):
    "Rosenbrock in one leaf tensor (x, y)"
    s = run['settings']
    p = torch.tensor(run['init_params'], dtype=getattr(torch, s['dtype']), requires_grad=True)
    return [p], lambda: (1 - p[0])**2 + 100*(p[1] - p[0]**2)**2

def seeded_init(torch, run):
    "The initial parameters that the run's seed gives with this torch (the recording lists them in `init_params`)"
    s = run['settings']
    if 'calls' in s:                                  # the MLP: torch.manual_seed(0), then the model's default init
        torch.manual_seed(0); m = mlp_model(torch)
    elif s.get('seed') is not None:                   # the cubic fit: torch.manual_seed(seed), then nn.Linear(3, 1)
        torch.manual_seed(s['seed']); m = torch.nn.Linear(3, 1)
    else: return None                                 # Rosenbrock starts at `start_xy`
    return flat(torch, m.parameters()).tolist()

def flat(torch, ps): return torch.cat([p.detach().reshape(-1) for p in ps])

def set_flat(torch, ps, values):
    "Copy the flat list `values` into the tensors `ps`"
    x = torch.tensor(values, dtype=ps[0].dtype)
    for p, v in zip(ps, x.split([p.numel() for p in ps])): p.copy_(v.view_as(p))

def mlp_model(torch): return torch.nn.Sequential(torch.nn.Linear(20, 32), torch.nn.ReLU(), torch.nn.Linear(32, 10))

# ---------------------------------------------------------------- runs
def math_like_run(torch, ElraOptimizer, run):
    "A full-batch run (cubic fit or Rosenbrock; math or noise mode): the recorded fields in the recorded order"
    s, o = run['settings'], run['settings']['optimizer']
    ps, lf = (poly_problem if s['problem'].startswith('Least-squares') else rosen_problem)(torch, run)
    cols = list(run['trajectory'])
    T = {c: [] for c in cols}
    with quiet(): opt = ElraOptimizer(ps, None, o['batch_size'], o['classes'], lr=o['lr'])
    inst, error = solver(opt), None
    for t in range(s['steps']):
        loss = lf()
        opt.zero_grad(); loss.backward()
        try:
            with quiet(): opt.step(loss.item())
        except Exception as e:
            error = f"{type(e).__name__}: {e} (raised during step index {t})"; break
        T['loss'].append(loss.item())
        T['retrace'].append(bool(inst._SelfConstOptim__retrace))
        T['params_after'].append(flat(torch, ps).tolist())
        for c in cols:
            if c in INTERNALS: T[c].append(getattr(inst, INTERNALS[c]))
    with torch.no_grad(): last = lf().item()
    L, ri = T['loss'], [t for t, r in enumerate(T['retrace']) if r]
    out = dict(init_params=run['init_params'], final_params=flat(torch, ps).tolist(), loss_after_last_step=last, error=error,
               n_retraces=len(ri), retrace_indices=ri, min_loss=min(L), argmin_loss=L.index(min(L)),
               first_index_loss_below_1e_minus_4=next((t for t, l in enumerate(L) if l < 1e-4), None), trajectory=T)
    return out

def mlp_run(torch, ElraOptimizer, run):
    "The noise-mode softmax MLP on synthetic data, as its `settings` describe"
    s, F = run['settings'], torch.nn.functional
    torch.manual_seed(0); W = torch.randn(20, 10); X = torch.randn(4096, 20)
    labels = torch.argmax(X @ W + 2.0*torch.randn(4096, 10), dim=1)
    model = mlp_model(torch)
    ps = list(model.parameters())
    with torch.no_grad(): set_flat(torch, ps, run['init_params'])
    with quiet(): opt = ElraOptimizer(model.parameters(), None, 768, 10, lr=1e-4, weight_decay=1e-4)
    inst, gen = solver(opt), torch.Generator().manual_seed(1)
    cols = list(run['trajectory'])
    T, at, full_every, changes = {c: [] for c in cols}, {}, [], []
    for t in range(s['calls']):
        idx = torch.randint(0, 4096, (64,), generator=gen)
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(X[idx]), labels[idx]); loss.backward()
        before = flat(torch, ps)
        with quiet(): opt.step(loss.item())
        x = flat(torch, ps)
        T['loss'].append(loss.item()); T['moved'].append(not torch.equal(before, x))
        T['retrace'].append(bool(inst._SelfConstOptim__retrace))
        for c in cols:
            if c in INTERNALS: T[c].append(getattr(inst, INTERNALS[c]))
        T['param_norm'].append(x.norm().item())
        if t and T['collects'][t] != T['collects'][t-1]: changes.append([t, T['collects'][t]])
        if t % 100 == 99:
            with torch.no_grad(): full = F.cross_entropy(model(X), labels).item()
            full_every.append([t, full])
            if t % 1000 == 999:
                with quiet(): opt.set_train_loss(full, full); opt.set_valid_loss(1.1*full)
                at[str(t)] = x.tolist()
    return dict(init_params=run['init_params'], final_params=flat(torch, ps).tolist(), params_at_calls=at,
                full_data_loss_every_100_calls=full_every, n_retraces=opt.RetraceCount, n_real_steps=sum(T['moved']),
                collects_changes=changes, trajectory=T)

def rerun(torch, ElraOptimizer, run):
    "Recompute `run`; returns a dict with the recorded keys in the recorded order"
    s = run['settings']
    if 'calls' in s: got = mlp_run(torch, ElraOptimizer, run)
    elif s['problem'].startswith(('Least-squares', 'Rosenbrock')): got = math_like_run(torch, ElraOptimizer, run)
    else: raise SystemExit(f"unknown kind of run: {s['problem'][:60]}")
    return {k: (run[k] if k in ('note', 'settings') else got[k]) for k in run}

# ---------------------------------------------------------------- comparison
def same(a, b):
    "Exact equality of recorded JSON values (NaN equals NaN, True is not 1)"
    if isinstance(a, float) and isinstance(b, float): return a == b or (math.isnan(a) and math.isnan(b))
    if isinstance(a, bool) or isinstance(b, bool): return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)): return a == b
    if isinstance(a, list) and isinstance(b, list): return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict): return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return a == b

def numbers(v):
    "The numbers (not booleans) in a nested list, flattened"
    if isinstance(v, list): return [x for y in v for x in numbers(y)]
    return [float(v)] if isinstance(v, (int, float)) and not isinstance(v, bool) else []

def max_diff(a, b):
    "Largest absolute and relative difference between the numbers of two equally shaped values (None if not numbers)"
    xs, ys = numbers(a), numbers(b)
    if not xs or len(xs) != len(ys): return None
    d = [(abs(x - y), abs(x - y)/abs(y) if y else (0. if x == y else math.inf)) for x, y in zip(xs, ys)
         if not (x == y or (math.isnan(x) and math.isnan(y)))]
    return (max(u for u, _ in d), max(r for _, r in d)) if d else (0., 0.)

def compare(rec, got):
    "Lines describing where `got` differs from the recorded run `rec` (empty if identical)"
    lines = []
    for k in rec:
        if k in ('note', 'settings') or same(rec[k], got[k]): continue
        if k != 'trajectory':
            md = max_diff(rec[k], got[k])
            lines.append(f"{k}: recorded {short(rec[k])}, now {short(got[k])}" +
                         (f" (max abs diff {md[0]:.3g}, rel {md[1]:.3g})" if md else ""))
            continue
        R, G = rec[k], got[k]
        if len(R['loss']) != len(G['loss']): lines.append(f"trajectory: {len(R['loss'])} calls recorded, {len(G['loss'])} now")
        for c in R:
            n = min(len(R[c]), len(G[c]))
            t = next((i for i in range(n) if not same(R[c][i], G[c][i])), None)
            if t is None: continue
            md = max_diff(R[c][:n], G[c][:n])
            lines.append(f"trajectory.{c}: first differs at call {t}" +
                         (f"; max abs diff {md[0]:.3g}, max rel diff {md[1]:.3g}" if md else ""))
    return lines

def short(v):
    s = json.dumps(v)
    return s if len(s) <= 60 else s[:57] + '...'

# ---------------------------------------------------------------- main
def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--python', help="interpreter of an environment with torch and elra==0.0.3 (default: this one)")
    p.add_argument('--write', metavar='OUT', help="write the recomputed file to OUT instead of checking")
    p.add_argument('--any-version', action='store_true', help="accept a version of elra other than 0.0.3")
    p.add_argument('--runs', nargs='*', metavar='NAME', help="only these runs (default: all)")
    a = p.parse_args()
    if a.python and os.environ.get('ELRA_REFERENCE_CHILD') != '1':   # run this script again under that interpreter
        os.environ['ELRA_REFERENCE_CHILD'] = '1'
        args = (['--write', str(Path(a.write).resolve())] if a.write else []) + (['--any-version'] if a.any_version else []) \
               + (['--runs', *a.runs] if a.runs else [])
        os.execv(a.python, [a.python, str(Path(__file__).resolve())] + args)
    try:
        from importlib.metadata import version
        import torch
        from elra import ElraOptimizer
        import elra.optimizer
    except ImportError as e:
        raise SystemExit(f"{sys.executable}: cannot import torch and elra ({e}); install them in a throwaway environment "
                         "and pass its interpreter with --python")
    ver = version(PACKAGE)
    if (ver, elra.optimizer.__version__) != (VERSION, INTERNAL_VERSION) and not a.any_version:
        raise SystemExit(f"elra {ver} (internal {elra.optimizer.__version__}) is not the recorded {VERSION} ({INTERNAL_VERSION}); "
                         "pass --any-version to compare anyway")
    torch.set_num_threads(1)
    data = json.loads(DATA.read_text())
    meta, runs = data['meta'], data['runs']
    names = a.runs or list(runs)
    unknown = set(names) - set(runs)
    if unknown: raise SystemExit(f"--runs: no such run(s): {sorted(unknown)}")
    same_build = torch.__version__ == meta['torch']
    print(f"elra {ver} with torch {torch.__version__} ({torch.backends.cpu.get_cpu_capability()}), Python "
          f"{platform.python_version()}, 1 thread; recorded with torch {meta['torch']}, Python {meta['python']}, "
          f"{meta['threads']} thread" + ("" if same_build else f" -- another torch build: {torch.__version__} vs {meta['torch']}"))
    bad, cwd = [], os.getcwd()
    with tempfile.TemporaryDirectory() as tmp:          # the package writes state_lgs.txt into the working directory
        os.chdir(tmp)
        try:
            for name in names:
                run = runs[name]
                init = seeded_init(torch, run)
                if init is not None and init != run['init_params']:
                    print(f"  note: {name}: the recorded init_params are not what its seed gives with this torch "
                          f"(largest difference {max_diff(init, run['init_params'])[0]:.3g}); the run starts from the recorded ones")
                got = rerun(torch, ElraOptimizer, run)
                if a.write: runs[name] = got; continue
                diff = compare(run, got)
                n = len(run['trajectory']['loss'])
                print(f"{name}: " + (f"identical ({n} calls)" if not diff else f"DIFFERS ({n} calls recorded)"))
                for line in diff: print(f"    {line}")
                if diff: bad.append(name)
        finally: os.chdir(cwd)
    if a.write:
        meta.update(torch=torch.__version__, python=platform.python_version(), machine=platform.machine(), threads=1)
        Path(a.write).write_text(json.dumps(data))
        print(f"{len(names)} runs recomputed and written to {a.write}")
        return 0
    print(f"{len(names) - len(bad)} of {len(names)} runs reproduced bit for bit" +
          ("" if not bad else f"; differing: {', '.join(bad)} (here torch {torch.__version__}, CPU capability "
                              f"{torch.backends.cpu.get_cpu_capability()}; the recording: torch {meta['torch']}, CPU not "
                              "recorded. Another torch build or another CPU rounds float32 differently)"))
    return 0 if not bad else (1 if same_build else 2)

if __name__ == '__main__': sys.exit(main())

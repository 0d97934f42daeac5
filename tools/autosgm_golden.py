"""Check (or rewrite) the AutoSGM reference trajectories in `miniai_asgm/reference/autosgm_golden.json` by running the original code.

    python tools/autosgm_golden.py --asgm-py /path/to/asgm.py             # rerun every case, compare bit for bit
    python tools/autosgm_golden.py --asgm-py /path/to/asgm.py --write OUT # rerun every case, write the file anew to OUT

`asgm.py` is the original implementation (github.com/somefunAgba/autosgm); the file's `meta.official_sha256` names the
version the data came from, and the script refuses another one unless `--any-version` is given. For each case the
script builds the original optimizer with the case's `kwargs`, sets the recorded initial float32 weights, writes the
recorded gradient of each step into `p.grad`, calls `step()`, and keeps the weights after every step. `--check` (the
default) compares them with the stored `params` as float32 values, bit for bit, and exits 1 naming the first case and
step that differ. `--write` stores the recomputed `params` (float32 values written as the shortest decimal that reads
back to the same float32) in a new file and leaves everything else as recorded: the inputs (`init`, `grads`, drawn once
from seeded generators), and `window` and `epoch`, which the recording read from the original's window object."""
import argparse, hashlib, importlib.util, json, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT/'miniai_asgm'/'reference'/'autosgm_golden.json'

def load_original(path):
    "The original asgm.py, imported from `path`"
    spec = importlib.util.spec_from_file_location('asgm_original', path)
    if spec is None: raise SystemExit(f"--asgm-py: not a Python file: {path}")
    mod = importlib.util.module_from_spec(spec); sys.modules['asgm_original'] = mod
    spec.loader.exec_module(mod)
    return mod

def run_case(mod, case):
    "Weights after every step of `case` under the original optimizer, as nested lists of float32 values"
    import torch
    torch.set_num_threads(1)
    ps = [torch.nn.Parameter(torch.tensor(w, dtype=torch.float32)) for w in case['init']]
    kw = {k: tuple(v) if isinstance(v, list) else v for k, v in case['kwargs'].items()}
    opt = mod.AutoSGM(ps, **kw)
    out = []
    for grads in case['grads']:
        for p, g in zip(ps, grads): p.grad = torch.tensor(g, dtype=torch.float32)
        opt.step()
        out.append([p.detach().clone() for p in ps])
    return out

def same(recorded, got):
    import torch
    return all(torch.equal(torch.tensor(r, dtype=torch.float32), g) for r, g in zip(recorded, got))

def f32_text(t):
    "A float32 tensor as nested lists of the shortest decimals that read back to the same float32 values"
    import numpy as np
    a = t.numpy()
    def conv(x): return [conv(y) for y in x] if isinstance(x, np.ndarray) else float(np.format_float_positional(x, unique=True, trim='-'))
    return conv(a)

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--asgm-py', required=True, help="path of the original asgm.py")
    p.add_argument('--write', metavar='OUT', help="write the recomputed file to OUT instead of checking")
    p.add_argument('--any-version', action='store_true', help="accept an asgm.py other than the recorded version")
    a = p.parse_args()
    src = Path(a.asgm_py)
    if not src.is_file(): raise SystemExit(f"--asgm-py: no such file: {src}")
    data = json.loads(DATA.read_text())
    sha = hashlib.sha256(src.read_bytes()).hexdigest()
    if sha != data['meta']['official_sha256'] and not a.any_version:
        raise SystemExit(f"--asgm-py: sha256 {sha[:12]}... is not the recorded {data['meta']['official_sha256'][:12]}...; "
                         "pass --any-version to compare anyway")
    mod = load_original(src)
    bad = 0
    for case in data['cases']:
        got = run_case(mod, case)
        if a.write: case['params'] = [[f32_text(t) for t in step] for step in got]; continue
        for t, (rec, g) in enumerate(zip(case['params'], got), 1):
            if not same(rec, g):
                print(f"{case['name']}: step {t} differs from the recorded weights"); bad += 1; break
    if a.write:
        Path(a.write).write_text(json.dumps(data))
        print(f"{len(data['cases'])} cases recomputed and written to {a.write}")
    else:
        print(f"{len(data['cases']) - bad} of {len(data['cases'])} cases reproduced bit for bit by {src.name} (sha256 {sha[:12]}...)")
    sys.exit(1 if bad else 0)

if __name__ == '__main__': main()

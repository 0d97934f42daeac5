"""Run every notebook under nbs/, one at a time, and print a closing 'N passed, N failed'.

    python tools/test_nbs.py                 # nbdev_test each notebook, stop each at its first failing cell
    python tools/test_nbs.py --keep-going    # run every cell of every notebook; list every failing cell
    python tools/test_nbs.py --flags slow    # also run the `#|slow` cells

`--keep-going` is the mode for a new machine (a GPU, another CPU, another torch): one run lists every
failure with its cell and error, not only the first of each notebook. It never writes to the notebooks.
NBDEV_TEST_ONLY=pattern limits the run to notebooks whose name contains the pattern."""
import argparse, os, re, subprocess, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

def notebooks():
    pat = os.environ.get('NBDEV_TEST_ONLY', '')
    return [p for p in sorted((ROOT/'nbs').glob('*.ipynb')) if not p.name.startswith('_') and pat in p.name]

def run_one(nb, keep_going, flags):
    "Run one notebook in a fresh process; return (ok, output lines naming failing cells)."
    rel = str(nb.relative_to(ROOT))
    if keep_going:
        cmd = [sys.executable, str(ROOT/'tools'/'run_nb.py'), '--keep-going', '--no-save', '--flags', flags, rel]
        r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        sys.stdout.write(r.stdout); sys.stderr.write(r.stderr)
        fails = [l.strip() for l in r.stdout.splitlines() if re.match(r'\s+FAIL cell', l)]
        return r.returncode == 0, fails
    cmd = ['nbdev_test', '--path', rel, '--n_workers', '0'] + (['--flags', flags] if flags else [])
    return subprocess.run(cmd, cwd=ROOT).returncode == 0, []

PLATFORM = """import platform, torch
cuda = torch.cuda.get_device_name(0) if torch.cuda.is_available() else 'no CUDA GPU'
print(f"python {platform.python_version()}, torch {torch.__version__}, CPU {torch.backends.cpu.get_cpu_capability()}, {cuda}")"""

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--keep-going', action='store_true', help="run every cell; list every failing cell at the end")
    p.add_argument('--flags', default='', help="space-separated test flags to run anyway, e.g. 'slow'")
    a = p.parse_args()
    subprocess.run([sys.executable, '-c', PLATFORM], cwd=ROOT)
    passed, failed, cells = [], [], {}
    for nb in notebooks():
        t0 = time.time()
        ok, fails = run_one(nb, a.keep_going, a.flags)
        (passed if ok else failed).append(nb.name)
        if fails: cells[nb.name] = fails
        print(f"{'ok  ' if ok else 'FAIL'} {nb.name:32s} {time.time() - t0:7.1f} s", flush=True)
    if cells:
        print("\nfailing cells:")
        for name, fails in cells.items():
            for f in fails: print(f"  {name}: {f.removeprefix('FAIL ')}")
    if failed: print("failed:", ", ".join(failed))
    print(f"{len(passed)} passed, {len(failed)} failed")
    sys.exit(1 if failed else 0)

if __name__ == '__main__': main()

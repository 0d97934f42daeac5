"""Run every notebook under nbs/ with `nbdev_test`, one at a time, and print a closing 'N passed, N failed'.

Extra arguments go to `nbdev_test` (e.g. `--flags slow`). NBDEV_TEST_ONLY=pattern limits the run."""
import os, subprocess, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

def notebooks():
    pat = os.environ.get('NBDEV_TEST_ONLY', '')
    return [p for p in sorted((ROOT/'nbs').glob('*.ipynb')) if not p.name.startswith('_') and pat in p.name]

def main():
    passed, failed = [], []
    for nb in notebooks():
        t0 = time.time()
        r = subprocess.run(['nbdev_test', '--path', str(nb.relative_to(ROOT)), '--n_workers', '0', *sys.argv[1:]], cwd=ROOT)
        dt = time.time() - t0
        (passed if r.returncode == 0 else failed).append(nb.name)
        print(f"{'ok  ' if r.returncode == 0 else 'FAIL'} {nb.name:32s} {dt:7.1f} s", flush=True)
    if failed: print("failed:", ", ".join(failed))
    print(f"{len(passed)} passed, {len(failed)} failed")
    sys.exit(1 if failed else 0)

if __name__ == '__main__': main()

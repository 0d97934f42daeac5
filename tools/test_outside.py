"""Run the chapters that read shipped data from a folder outside the repository, against an installed package.

A learner who opens a chapter in Colab has the notebook and the installed package, and nothing else of the
repository. This script makes that situation here:

1. installs this checkout's files (those git tracks, and new ones it does not ignore; no build leftovers) as a
   user would get them (`pip install --no-deps --target`, not editable), so only what the package ships (its
   reference data included) is there;
2. copies each chapter that reads shipped data (`reference_data(`) into a temporary folder outside the repository;
3. runs it there top to bottom, importing the installed copy (never the checkout), as `nbdev_test` would.

    python tools/test_outside.py              # every chapter that reads shipped data
    python tools/test_outside.py 11_elra      # only chapters whose name contains a pattern

It prints `N passed, N failed` and exits 1 if any chapter failed."""
import os, re, shutil, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
READS = re.compile(r'reference_data\(')

def data_chapters(pattern=''):
    "The chapters whose code reads data shipped inside the package."
    return [p for p in sorted((ROOT/'nbs').glob('[0-9]*.ipynb')) if pattern in p.name and READS.search(p.read_text())]

RUN = """import sys, miniai_asgm
sys.path.insert(0, {tools!r})
import run_nb
assert miniai_asgm.__file__.startswith({site!r}), f"imported the checkout's package, not the installed one: {{miniai_asgm.__file__}}"
fails = run_nb.run_notebook({nb!r}, save=False, checkout=False)
sys.exit(1 if fails else 0)"""

def main():
    pattern = sys.argv[1] if len(sys.argv) > 1 else ''
    nbs = data_chapters(pattern)
    passed, failed = [], []
    with tempfile.TemporaryDirectory(prefix='outside_') as tmp:
        tmp = Path(tmp); src, site, work = tmp/'src', tmp/'site', tmp/'chapters'
        work.mkdir()
        files = subprocess.run(['git', 'ls-files', '-z', '--cached', '--others', '--exclude-standard'], cwd=ROOT,
                               capture_output=True, text=True, check=True).stdout.split('\0')
        for f in filter(None, files):
            if not (ROOT/f).exists() and not (ROOT/f).is_symlink(): continue      # deleted in the working tree
            (src/f).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT/f, src/f, follow_symlinks=False)
        r = subprocess.run([sys.executable, '-m', 'pip', 'install', '-q', '--no-deps', '--no-build-isolation', '--target', str(site), str(src)],
                           capture_output=True, text=True)
        if r.returncode: sys.exit(f"test_outside: could not install the package:\n{r.stderr[-2000:]}")
        env = {**os.environ, 'PYTHONPATH': str(site)}
        for nb in nbs:
            shutil.copy(nb, work/nb.name)
            t0 = time.time()
            code = RUN.format(tools=str(ROOT/'tools'), site=str(site), nb=str(work/nb.name))
            ok = subprocess.run([sys.executable, '-c', code], cwd=work, env=env).returncode == 0
            (passed if ok else failed).append(nb.name)
            print(f"{'ok  ' if ok else 'FAIL'} {nb.name:32s} {time.time() - t0:7.1f} s, outside the repository", flush=True)
    if failed: print("failed outside the repository:", ", ".join(failed))
    print(f"{len(passed)} passed, {len(failed)} failed")
    sys.exit(1 if failed else 0)

if __name__ == '__main__': main()

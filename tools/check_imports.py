"""Fail on any warning while compiling or importing the library: a future Python turns some of them into errors.

1. Byte-compiles every module of `miniai_asgm/` afresh with warnings as errors (invalid escape sequences in
   docstrings, for example, are a SyntaxWarning today and a SyntaxError later).
2. Imports each module in a fresh `python -W error` process, with an empty bytecode cache so that nothing is
   read from an old `.pyc`.
3. Enforces the layers: an optimizer module (`OPTIMIZERS`) loads no package beyond torch, numpy and the standard
   library, and no course module of this package (the Learner, the course, the comparison).
4. Checks the light install: with the course's packages absent, importing a course module fails with one line
   that names the `[course]` extra.

    python tools/check_imports.py"""
import os, py_compile, subprocess, sys, tempfile, warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT/'miniai_asgm'

OPTIMIZERS = ['optim', 'sgd', 'momentum', 'rmsprop', 'adam', 'lowpass', 'autosgm', 'elra']
COURSE_PACKAGES = ['fastcore', 'fastprogress', 'matplotlib', 'torcheval', 'torchvision', 'datasets', 'pandas', 'pyarrow',
                   'PIL', 'IPython']   # the `[course]` extra and what it brings

def modules():
    return sorted(p.stem for p in PKG.glob('*.py') if not p.stem.startswith('_'))

LOADED = """import sys, miniai_asgm.{m}
own = sorted(n for n in sys.modules if n.startswith('miniai_asgm.'))
top = sorted({{n.split('.')[0] for n in sys.modules}})
print(' '.join(own)); print(' '.join(top))"""

BLOCKED = """import sys
for n in {pkgs!r}: sys.modules[n] = None          # as if the course extra were not installed
import miniai_asgm.{m}"""

def check_layers(env)->list:
    "Optimizer modules load torch and nothing of the course; course modules name the extra when it is missing."
    bad = []
    for m in OPTIMIZERS:
        r = subprocess.run([sys.executable, '-c', LOADED.format(m=m)], cwd=ROOT, env=env, capture_output=True, text=True)
        if r.returncode: bad.append(f"import miniai_asgm.{m} failed: {r.stderr.strip().splitlines()[-1]}"); continue
        own, top = (l.split() for l in r.stdout.strip().splitlines())
        if extra := [n for n in own if n.split('.')[1] not in OPTIMIZERS]:
            bad.append(f"miniai_asgm.{m} is an optimizer module but loads {', '.join(extra)}")
        if heavy := sorted(set(top) & set(COURSE_PACKAGES)):
            bad.append(f"miniai_asgm.{m} is an optimizer module but loads {', '.join(heavy)}")
    for m in sorted(set(modules()) - set(OPTIMIZERS)):
        r = subprocess.run([sys.executable, '-c', BLOCKED.format(m=m, pkgs=COURSE_PACKAGES)], cwd=ROOT, env=env,
                           capture_output=True, text=True)
        if r.returncode == 0: continue                  # needs nothing of the course extra (test scaffolding)
        last = r.stderr.strip().splitlines()[-1]
        if not (last.startswith('ModuleNotFoundError: ') and "pip install 'miniai_asgm[course]'" in last):
            bad.append(f"without the course extra, import miniai_asgm.{m} ends in: {last}")
    return bad

def main():
    bad = []
    with tempfile.TemporaryDirectory() as cache:
        for p in sorted(PKG.glob('*.py')):
            with warnings.catch_warnings():
                warnings.simplefilter('error')
                try: py_compile.compile(str(p), cfile=os.path.join(cache, p.name + 'c'), doraise=True)
                except Exception as e: bad.append(f"compiling {p.relative_to(ROOT)}: {e}")
        env = {**os.environ, 'PYTHONPYCACHEPREFIX': cache, 'PYTHONWARNINGS': ''}
        for m in modules():
            r = subprocess.run([sys.executable, '-W', 'error', '-c', f'import miniai_asgm.{m}'], cwd=ROOT, env=env,
                               capture_output=True, text=True)
            if r.returncode: bad.append(f"python -W error -c 'import miniai_asgm.{m}':\n    " +
                                        r.stderr.strip().splitlines()[-1])
        if bad: sys.exit("Warnings while compiling or importing the library:\n- " + "\n- ".join(bad))
        if bad := check_layers(env): sys.exit("The library's layers:\n- " + "\n- ".join(bad))
    print(f"{len(modules())} modules compile and import with warnings as errors; the {len(OPTIMIZERS)} optimizer modules "
          "load torch and nothing of the course; without the course extra, course modules name it.")

if __name__ == '__main__': main()

"""Fail on any warning while compiling or importing the library: a future Python turns some of them into errors.

1. Byte-compiles every module of `miniai_asgm/` afresh with warnings as errors (invalid escape sequences in
   docstrings, for example, are a SyntaxWarning today and a SyntaxError later).
2. Imports each module in a fresh `python -W error` process, with an empty bytecode cache so that nothing is
   read from an old `.pyc`.

    python tools/check_imports.py"""
import os, py_compile, subprocess, sys, tempfile, warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT/'miniai_asgm'

def modules():
    return sorted(p.stem for p in PKG.glob('*.py') if not p.stem.startswith('_'))

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
    print(f"{len(modules())} modules compile and import with warnings as errors.")

if __name__ == '__main__': main()

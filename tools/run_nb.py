"""Run notebooks top to bottom, cell by cell, the way `nbdev_test` does, and report every failing cell.

    python tools/run_nb.py nbs/03_activations.ipynb            # run, save the outputs, nbdev_clean it
    python tools/run_nb.py --keep-going --no-save nbs/*.ipynb  # list every failing cell, change nothing
    python tools/run_nb.py --flags slow nbs/10_autosgm.ipynb   # also run the `#|slow` cells

Cells flagged with one of settings.ini's `tst_flags` (`notest`, `slow`) or `#|eval: false` are skipped, unless
`--flags` names the flag; skipped cells keep the outputs they had. With `--keep-going` a failing cell is
recorded and the next cell runs; without it the run stops at the first failure, as `nbdev_test` does.
Exit status: 0 when every cell ran, 1 when any failed."""
import argparse, configparser, os, subprocess, sys, time, traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

def skip_flags(force=()):
    "The test flags of settings.ini, less those named in `force`."
    cfg = configparser.ConfigParser(); cfg.read(ROOT/'settings.ini')
    return set(cfg['DEFAULT'].get('tst_flags', '').split()) - set(force)

def directives(src):
    "The `#|` directives at the top of a cell: {'export': [], 'eval:': ['false'], ...}."
    out = {}
    for line in src.splitlines():
        s = line.strip()
        if not s: continue
        if not (s.startswith('#|') or s.startswith('# |')): break
        words = s.split('|', 1)[1].split()
        if words: out[words[0]] = words[1:]
    return out

def skipped(cell, flags):
    "True for cells `nbdev_test` would not run: markdown, `nbdev_export()`, `#|eval: false`, flagged cells."
    if cell.cell_type != 'code': return True
    if 'nbdev_export' + '(' in cell.source: return True
    d = directives(cell.source)
    if d.get('eval:', [''])[0].lower() == 'false': return True
    return bool(flags & d.keys())

def _short_error(exc):
    lines = traceback.format_exception_only(type(exc), exc)
    return ''.join(lines).strip()

def run_notebook(path:Path, keep_going=False, save=True, force=(), verbose=True, checkout=True):
    """Run the notebook at `path`; return a list of failures `(cell index, cell id, first source line, error)`.
    `checkout=False` imports the installed package instead of this checkout's (for runs outside the repository)."""
    from execnb.nbio import read_nb, write_nb
    from execnb.shell import CaptureShell
    path = Path(path).resolve()
    os.environ.setdefault('IN_TEST', '1')
    if checkout and str(ROOT) not in sys.path: sys.path.insert(0, str(ROOT))   # the library of this checkout, as nbdev_test does
    flags, nb = skip_flags(force), read_nb(path)
    shell, failures, t0 = CaptureShell(path), [], time.time()
    shell.set_path(str(path.parent))
    cwd = os.getcwd(); os.chdir(path.parent)
    try:
        for i, cell in enumerate(nb.cells):
            if skipped(cell, flags): continue
            cell.outputs = []
            tc = time.time()
            shell.cell(cell)
            if shell.exc is None: continue
            first = next((l for l in cell.source.splitlines() if l.strip() and not l.startswith('#|')), '')
            failures.append((i, cell.get('id'), first[:80], _short_error(shell.exc)))
            if verbose:
                print(f"  FAIL cell [{i}] id={cell.get('id')} after {time.time()-tc:.1f} s: {first[:80]}", flush=True)
                print('       ' + _short_error(shell.exc).replace('\n', '\n       ')[:2000], flush=True)
            if not keep_going: break
    finally: os.chdir(cwd)
    if save:
        write_nb(nb, path)
        subprocess.run(['nbdev_clean', '--fname', str(path)], cwd=ROOT, check=True)
    if verbose: print(f"{'ok  ' if not failures else 'FAIL'} {path.name}: {time.time()-t0:.1f} s, "
                      f"{len(failures)} failing cell(s)", flush=True)
    return failures

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('notebooks', nargs='+', type=Path)
    p.add_argument('--keep-going', action='store_true', help="run every cell even after a failure; list them all")
    p.add_argument('--no-save', action='store_true', help="leave the notebook file untouched")
    p.add_argument('--flags', default='', help="space-separated test flags to run anyway, e.g. 'slow'")
    a = p.parse_args()
    bad = {}
    for nb in a.notebooks:
        if not nb.exists(): sys.exit(f"run_nb: no notebook at {nb}")
        if f := run_notebook(nb, a.keep_going, not a.no_save, a.flags.split()): bad[nb.name] = f
    sys.exit(1 if bad else 0)

if __name__ == '__main__': main()

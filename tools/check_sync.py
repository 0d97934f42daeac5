"""Fail when the committed artefacts drift from the notebooks: the library must equal what `nbdev_export`
writes, the notebooks must already be `nbdev_clean`, README.md must equal what `make_readme.py` writes, and
nbs/_quarto.yml must be the link to the top-level `_quarto.yml` that nbdev reads.

Works on a copy in a temporary folder, so it never touches (or needs) a clean git tree."""
import filecmp, shutil, subprocess, sys, tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

def _diff(a, b):
    "Relative paths of files that differ, or exist on one side only, between folders `a` and `b`."
    cmp, out = filecmp.dircmp(a, b, ignore=['__pycache__', '.ipynb_checkpoints']), []
    def walk(c, pre):
        out.extend(pre + n for n in c.left_only + c.right_only + c.diff_files)
        for n, sub in c.subdirs.items(): walk(sub, pre + n + '/')
    walk(cmp, '')
    # dircmp compares shallowly (size+mtime); confirm content differences
    return [p for p in out if not ((a/p).is_file() and (b/p).is_file() and (a/p).read_bytes() == (b/p).read_bytes())]

def main():
    bad = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for n in ['settings.ini', 'nbs', 'miniai_asgm']:
            (shutil.copytree if (ROOT/n).is_dir() else shutil.copy)(ROOT/n, tmp/n)
        for cmd, folder in [('nbdev_clean', 'nbs'), ('nbdev_export', 'miniai_asgm')]:
            subprocess.run([cmd], cwd=tmp, check=True, capture_output=True)
            if d := _diff(ROOT/folder, tmp/folder):
                bad.append(f"`{cmd}` changes {folder}/: {', '.join(sorted(d))}")
    q = ROOT/'nbs'/'_quarto.yml'
    if not (q.is_symlink() and q.readlink() == Path('../_quarto.yml')):
        bad.append("nbs/_quarto.yml must be a relative symlink to ../_quarto.yml, the site's one Quarto configuration")
    r = subprocess.run([sys.executable, str(ROOT/'tools'/'make_readme.py'), '--check'], capture_output=True, text=True)
    if r.returncode: bad.append(r.stderr.strip() or r.stdout.strip())
    if bad: sys.exit("Out of sync:\n- " + "\n- ".join(bad))
    print("Notebooks clean, library exported, README.md up to date.")

if __name__ == '__main__': main()

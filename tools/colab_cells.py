"""Give every chapter notebook its "Open in Colab" link and the hidden cell that installs the package on Colab.

    python tools/colab_cells.py           # add or refresh both cells in every chapter
    python tools/colab_cells.py --check   # exit 1 if a chapter lacks them or has an old copy

The link goes right under the chapter's title; the install cell after it. The install cell is `#|hide` (not on
the site) and `#|notest` (not run by the tests), and on any machine but Colab it does nothing."""
import argparse, configparser, json, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINK_ID, INSTALL_ID = 'colab-link', 'colab-install'

def settings():
    cfg = configparser.ConfigParser(); cfg.read(ROOT/'settings.ini')
    return cfg['DEFAULT']

def chapters():
    "The notebooks a learner opens: every numbered chapter and appendix."
    return sorted(p for p in (ROOT/'nbs').glob('[0-9]*.ipynb'))

def lines(s): return [l + '\n' for l in s.split('\n')[:-1]] + [s.split('\n')[-1]]

def cells_for(nb_path:Path):
    s = settings()
    gh = s['git_url'].removeprefix('https://github.com/')
    url = f"https://colab.research.google.com/github/{gh}/blob/{s['branch']}/{s['nbs_path']}/{nb_path.name}"
    link = {'cell_type': 'markdown', 'id': LINK_ID, 'metadata': {},
            'source': lines(f"[Open this chapter in Colab]({url}): its first cell installs the package there (choose a GPU runtime for the training chapters).")}
    install = {'cell_type': 'code', 'execution_count': None, 'id': INSTALL_ID, 'metadata': {}, 'outputs': [],   # nbdev_clean's key order
               'source': lines("#|hide\n#|notest\n"
                               "# On Colab: install this course's package with its course extra. Colab's own torch is kept\n"
                               "# when it satisfies the package's requirement. Anywhere else this cell does nothing.\n"
                               "import sys\n"
                               "if 'google.colab' in sys.modules:\n"
                               f"    %pip install -q \"{s['lib_name']}[course] @ git+{s['git_url']}\"")}
    return link, install

def title_index(cells):
    "Index of the title cell (the first markdown cell starting with '# ')."
    return next(i for i, c in enumerate(cells) if c['cell_type'] == 'markdown' and ''.join(c['source']).startswith('# '))

def fix(nb_path:Path, check:bool)->bool:
    "Put both cells under the title; return True if the notebook was already right."
    nb = json.loads(nb_path.read_text())
    link, install = cells_for(nb_path)
    rest = [c for c in nb['cells'] if c.get('id') not in (LINK_ID, INSTALL_ID)]
    t = title_index(rest)
    new = rest[:t + 1] + [link, install] + rest[t + 1:]
    ok = [(c.get('id'), c['source']) for c in new] == [(c.get('id'), c['source']) for c in nb['cells']]
    if not ok and not check:
        nb['cells'] = new
        nb_path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + '\n')
    return ok

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--check', action='store_true', help="change nothing; fail if a chapter lacks the cells")
    a = p.parse_args()
    bad = [nb.name for nb in chapters() if not fix(nb, a.check)]
    if a.check and bad: sys.exit("Chapters without their Colab link and install cell (run tools/colab_cells.py): " + ", ".join(bad))
    print(f"{len(chapters())} chapters have the Colab link and the install cell" + (f" ({len(bad)} updated)" if bad and not a.check else ""))

if __name__ == '__main__': main()

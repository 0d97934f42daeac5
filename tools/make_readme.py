"""Write README.md from nbs/index.ipynb and CONTRIBUTING.md from nbs/contributing.ipynb, without Quarto
(`nbdev_readme` needs it).

    python tools/make_readme.py           # write both files
    python tools/make_readme.py --check   # exit 1 when either is out of date (part of tools/check_sync.py)

Hidden cells are dropped, `#|` directive lines stripped, markdown kept verbatim, code cells fenced as python and
their text and markdown outputs kept; a cell marked `#| echo: false` keeps its outputs and loses its code, as on the
site. Links to notebooks are pointed into nbs/, since the generated files sit at the top of the repository."""
import json, re, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGES = {'README.md': 'index.ipynb', 'CONTRIBUTING.md': 'contributing.ipynb'}   # generated file: its notebook
HIDE = re.compile(r"^\s*#\s*\|\s*(hide|export|exporti|eval:\s*false)\b")
NO_ECHO = re.compile(r"^\s*#\s*\|\s*echo:\s*false\b")

def banner(nb_name): return (f"<!-- This file is generated from nbs/{nb_name} by tools/make_readme.py: "
                             "edit the notebook, not this file. -->\n")

def _src(cell): return ''.join(cell['source'])

_NB_LINK = re.compile(r"\]\((?!https?://|/|#)([^)\s]+\.ipynb)\)")

def _links_from_root(md):
    "The site renders the notebooks inside nbs/, the generated files sit at the root: point notebook links into nbs/."
    return _NB_LINK.sub(r"](nbs/\1)", md)

def _hidden(cell): return any(HIDE.match(l) for l in _src(cell).splitlines())
def _no_echo(cell): return any(NO_ECHO.match(l) for l in _src(cell).splitlines())

def _strip_directives(src): return '\n'.join(l for l in src.splitlines() if not re.match(r"^\s*#\s*\|", l)).strip()

def _outputs(cell):
    "Text of a code cell's outputs (streams, markdown and text/plain results), images are left out."
    out = []
    for o in cell.get('outputs', []):
        if o['output_type'] == 'stream': out.append(''.join(o['text']))
        elif 'text/markdown' in o.get('data', {}): out.append(('md', ''.join(o['data']['text/markdown'])))
        elif 'text/plain' in o.get('data', {}): out.append(''.join(o['data']['text/plain']))
    return out

def render(nb, nb_name='index.ipynb'):
    parts = []
    for cell in nb['cells']:
        if cell['cell_type'] == 'raw' or _hidden(cell): continue
        src = _strip_directives(_src(cell))
        if cell['cell_type'] == 'markdown':
            if src: parts.append(_links_from_root(src))
            continue
        if src and not _no_echo(cell): parts.append(f"```python\n{src}\n```")
        for o in _outputs(cell):
            if isinstance(o, tuple): parts.append(_links_from_root(o[1].strip()))
            elif o.strip(): parts.append("    " + o.rstrip().replace("\n", "\n    "))
    return banner(nb_name) + "\n" + "\n\n".join(parts) + "\n"

def main():
    stale = []
    for out, nb_name in PAGES.items():
        text = render(json.loads((ROOT/'nbs'/nb_name).read_text()), nb_name)
        path = ROOT/out
        if '--check' in sys.argv:
            if not path.exists() or path.read_text() != text: stale.append(out)
        else: path.write_text(text)
    if stale: sys.exit(f"{', '.join(stale)} out of date: run `python tools/make_readme.py` and commit the result.")
    if '--check' in sys.argv: print(f"{', '.join(PAGES)} up to date.")

if __name__ == '__main__': main()

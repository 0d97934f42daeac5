"""Write README.md from nbs/index.ipynb without Quarto (`nbdev_readme` needs it).

Hidden cells are dropped, `#|` directive lines stripped, markdown kept verbatim, code cells fenced as
python and their text outputs kept. `--check` exits 1 when README.md is out of date."""
import json, re, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BANNER = "<!-- This README is generated from nbs/index.ipynb by tools/make_readme.py: edit the notebook, not this file. -->\n"
HIDE = re.compile(r"^\s*#\s*\|\s*(hide|export|exporti|eval:\s*false)\b")

def _src(cell): return ''.join(cell['source'])

_NB_LINK = re.compile(r"\]\((?!https?://|/|#)([^)\s]+\.ipynb)\)")

def _links_from_root(md):
    "The site renders index.ipynb inside nbs/, README.md sits at the root: point chapter links into nbs/."
    return _NB_LINK.sub(r"](nbs/\1)", md)

def _hidden(cell): return any(HIDE.match(l) for l in _src(cell).splitlines())

def _strip_directives(src): return '\n'.join(l for l in src.splitlines() if not re.match(r"^\s*#\s*\|", l)).strip()

def _outputs(cell):
    "Text of a code cell's outputs (streams and text/plain results), images are left out."
    out = []
    for o in cell.get('outputs', []):
        if o['output_type'] == 'stream': out.append(''.join(o['text']))
        elif 'text/markdown' in o.get('data', {}): out.append(('md', ''.join(o['data']['text/markdown'])))
        elif 'text/plain' in o.get('data', {}): out.append(''.join(o['data']['text/plain']))
    return out

def render(nb):
    parts = []
    for cell in nb['cells']:
        if cell['cell_type'] == 'raw' or _hidden(cell): continue
        src = _strip_directives(_src(cell))
        if cell['cell_type'] == 'markdown':
            if src: parts.append(_links_from_root(src))
            continue
        if src: parts.append(f"```python\n{src}\n```")
        for o in _outputs(cell):
            if isinstance(o, tuple): parts.append(o[1].strip())
            elif o.strip(): parts.append("    " + o.rstrip().replace("\n", "\n    "))
    return BANNER + "\n" + "\n\n".join(parts) + "\n"

def main():
    text = render(json.loads((ROOT/'nbs'/'index.ipynb').read_text()))
    readme = ROOT/'README.md'
    if '--check' in sys.argv:
        if not readme.exists() or readme.read_text() != text:
            sys.exit("README.md is out of date: run `python tools/make_readme.py` and commit it.")
        print("README.md is up to date.")
    else: readme.write_text(text)

if __name__ == '__main__': main()

"""Fail on saved notebook outputs that a reader of the course's site should never see.

The site is rendered from the outputs saved in the notebooks, so each output is a page. This check fails on:

- console progress frames (`|████----| 45.00% [27/59 ...]`, the text bars of fastprogress or tqdm);
- stderr streams (warnings, logging) and error outputs or printed tracebacks;
- paths of the machine that ran the notebook (`/tmp/...`, `/root/...`, `/home/...`, `/work/...`, ...);
- network references in HTML or JavaScript outputs (`src="https://..."`, `url(//...)`, `fetch(...)`): a page
  must work offline, with no CDN;
- a figure that a cell promises and did not save: a code cell that draws (`plt.subplots`, `.plot(`,
  `plot_*(`/`draw_*(`/`show_image(` calls, `ProgressCB(plot=True)`, `lr_find()`) but has no image output.

    python tools/check_outputs.py                  # every notebook in nbs/
    python tools/check_outputs.py nbs/04_sgd.ipynb # some notebooks
    python tools/check_outputs.py --self-test      # show that each check fails on a notebook with that defect

Exit status 1 when anything is found, with one line per finding."""
import argparse, json, re, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

BAR = re.compile(r'\|[█\-]{10,}\||\|[█▏▎▍▌▋▊▉ ]{10,}\||\d+\.\d\d% \[\d+/\d+ ')
PATH = re.compile(r'(?<![\w.~])(?:/(?:tmp|root|home|work|private/var|Users|var/folders)/[\w.+-]+|[A-Z]:\\\\?Users\\)')
TRACEBACK = re.compile(r'Traceback \(most recent call last\)')
NETWORK = re.compile(r'''(?:\bsrc\s*=\s*["']?(?:https?:)?//|url\(\s*["']?(?:https?:)?//|@import\s+(?:url\()?["']?(?:https?:)?//|'''
                     r'''<link\b[^>]*\bhref\s*=\s*["']?(?:https?:)?//|\bfetch\s*\(|XMLHttpRequest|\bimport\s*\(\s*["'](?:https?:)?//)''')
DRAWS = re.compile(r'\bplt\.(?:plot|subplots|figure|imshow|show)\b|\.plot\(|\bshow_images?\(|\bplot_\w+\(|\bdraw_\w+\(|'
                   r'ProgressCB\([^)]*plot=True|\.lr_find\(')
SKIP = re.compile(r'^\s*#\s*\|\s*(?:eval:\s*false|export|exporti)\b', re.M)

def _text(o:dict)->dict:
    "Every text an output carries, by kind: the stream, each text mimetype, the traceback."
    out = {}
    if o['output_type'] == 'stream': out['stream'] = ''.join(o.get('text', ''))
    for k, v in o.get('data', {}).items():
        if k.startswith('text/') or k in ('application/javascript',): out[k] = ''.join(v) if isinstance(v, list) else str(v)
    if o['output_type'] == 'error': out['traceback'] = '\n'.join(o.get('traceback', []))
    return out

def _draws(src:str)->bool:
    "Does the code of this cell (comments and `def` lines left out) draw a figure?"
    code = '\n'.join(l for l in src.split('\n') if not l.lstrip().startswith(('def ', '#')))
    return bool(DRAWS.search(code))

def scan(nb:dict, name:str='notebook')->list:
    "One line per finding in the saved outputs of notebook `nb` (a parsed .ipynb)."
    found = []
    for i, c in enumerate(nb.get('cells', [])):
        if c.get('cell_type') != 'code': continue
        where = f"{name} cell {i} (id {c.get('id')})"
        outs = c.get('outputs', [])
        for o in outs:
            if o['output_type'] == 'error': found.append(f"{where}: error output {o.get('ename')}: {o.get('evalue', '')[:80]}")
            if o['output_type'] == 'stream' and o.get('name') == 'stderr':
                found.append(f"{where}: stderr output {''.join(o.get('text', ''))[:80]!r}")
            for kind, t in _text(o).items():
                if BAR.search(t): found.append(f"{where}: console progress frames in {kind} ({len(t.splitlines())} lines)")
                if kind != 'traceback' and TRACEBACK.search(t): found.append(f"{where}: a printed traceback in {kind}")
                if m := PATH.search(t): found.append(f"{where}: a path of the machine in {kind}: {m.group(0)}")
                if kind in ('text/html', 'application/javascript', 'text/markdown') and (m := NETWORK.search(t)):
                    found.append(f"{where}: a network reference in {kind}: {m.group(0)}")
        src = ''.join(c.get('source', ''))
        if SKIP.search(src) or not _draws(src): continue
        if not any(k.startswith('image/') for o in outs for k in o.get('data', {})):
            found.append(f"{where}: draws a figure but saved no image")
    return found

def notebooks(paths)->list:
    return [Path(p) for p in paths] if paths else sorted((ROOT/'nbs').glob('*.ipynb'))

def _cell(src, *outs): return {'cell_type': 'code', 'id': 'x', 'source': src, 'outputs': list(outs)}
def _stream(text, name='stdout'): return {'output_type': 'stream', 'name': name, 'text': text}
def _data(**d): return {'output_type': 'display_data', 'data': {k.replace('_', '/', 1): v for k, v in d.items()}}

def self_test():
    "Each check finds its defect in a one-cell notebook, and a clean notebook passes."
    frames = ''.join(f"Epoch 1/1 : |{'█'*k}{'-'*(40-k)}| {100*k/40:.2f}% [{k}/40 00:01<00:05]" for k in range(0, 41, 8))
    cases = {
        'console progress frames': _cell('learn.fit(1)', _stream(frames)),
        'stderr output': _cell('import x', _stream('UserWarning: deprecated\n', 'stderr')),
        'error output': _cell('1/0', {'output_type': 'error', 'ename': 'ZeroDivisionError', 'evalue': 'division by zero', 'traceback': []}),
        'printed traceback': _cell('run()', _stream('Traceback (most recent call last):\n  File "x.py"\n')),
        'path of the machine': _cell('print(out)', _stream('saved /tmp/tmpab12cd/results.json\n')),
        'network reference': _cell('show()', _data(text_html='<script src="https://cdn.example.org/d3.js"></script>')),
        'saved no image': _cell('fig, ax = plt.subplots()\nax.plot(x, y)', _stream('done\n')),
    }
    for what, cell in cases.items():
        got = scan({'cells': [cell]}, 'test')
        assert any(what in g for g in got), f"check_outputs missed a {what}: {got}"
    clean = [_cell('fig, ax = plt.subplots()', _data(image_png='iVBOR', text_plain='<Figure>')),
             _cell('learn.fit(1)', _data(text_html='<table><tr><td>0.85</td></tr></table>', text_plain='0.85')),
             _cell('print(1)', _stream('1\n')), _cell('#|export\ndef plot_x(): plt.subplots()')]
    assert scan({'cells': clean}) == [], scan({'cells': clean})
    print(f"check_outputs self-test: each of {len(cases)} defects is found, a clean notebook passes.")

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('notebooks', nargs='*', help="notebooks to check (default: every notebook in nbs/)")
    p.add_argument('--self-test', action='store_true', help="check the checks on notebooks made with each defect")
    a = p.parse_args()
    if a.self_test: return self_test()
    found, nbs = [], notebooks(a.notebooks)
    for f in nbs: found += scan(json.loads(f.read_text()), f.name)
    for l in found: print(l)
    if found: sys.exit(f"check_outputs: {len(found)} saved output(s) a reader should not see, in {len(nbs)} notebook(s).")
    print(f"check_outputs: the saved outputs of {len(nbs)} notebooks are clean.")

if __name__ == '__main__': main()

"""Import time of each optimizer module on top of `import torch`, measured in fresh processes in the same run.

For each module it starts a fresh Python process that imports torch, notes the time, imports the module, and
reports both times and which heavy packages got loaded. The baseline is that same process's `import torch`.
Goal: each optimizer module adds at most 0.15 s to `import torch`.

    python bench/import_time.py [--repeats 5] [--modules optim autosgm elra lowpass]
"""
import argparse, json, statistics, subprocess, sys

HEAVY = ('matplotlib', 'fastprogress', 'fasthtml', 'torcheval', 'datasets', 'fastcore', 'pandas', 'IPython')

PROBE = """import json, sys, time
t0 = time.perf_counter(); import torch; t1 = time.perf_counter()
import importlib; importlib.import_module('miniai_asgm.{mod}'); t2 = time.perf_counter()
print(json.dumps({{'torch': t1 - t0, 'added': t2 - t1, 'heavy': sorted(m for m in {heavy!r} if m in sys.modules)}}))"""

def probe(mod):
    out = subprocess.run([sys.executable, '-c', PROBE.format(mod=mod, heavy=HEAVY)], capture_output=True, text=True,
                         check=True).stdout
    return json.loads(out.strip().splitlines()[-1])

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--repeats', type=int, default=5)
    p.add_argument('--modules', nargs='+', default=['optim', 'autosgm', 'elra', 'lowpass'])
    p.add_argument('--goal', type=float, default=0.15, help="seconds an optimizer module may add to `import torch`")
    a = p.parse_args()
    import torch
    print(f"torch {torch.__version__}, python {sys.version.split()[0]}, {a.repeats} fresh processes per module (median)")
    print(f"{'module':22} {'import torch s':>14} {'added s':>8} {'added/torch':>11}  heavy packages loaded")
    worst = 0.
    for m in a.modules:
        runs = [probe(m) for _ in range(a.repeats)]
        t, d = statistics.median(r['torch'] for r in runs), statistics.median(r['added'] for r in runs)
        worst = max(worst, d)
        print(f"{'miniai_asgm.' + m:22} {t:14.3f} {d:8.3f} {d / t:11.3f}  {', '.join(runs[-1]['heavy']) or '-'}")
    print(f"largest added time {worst:.3f} s (goal <= {a.goal} s): {'met' if worst <= a.goal else 'NOT met'}")

if __name__ == '__main__': main()

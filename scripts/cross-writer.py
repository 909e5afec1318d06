#!/usr/bin/env python3
"""Leave-one-writer-out at fixed operating points: for each held writer, train
the category's model on the other writers (plus generated_train and OLID, as
scripts/train-models.sh does), then measure every candidate (threshold,
model_alone) pair on the held writer. Pooled over writers.
Run from the module root with EXPOSURE=path/to/exposure (built from this
tree) and OLID=dir if not ../shared/data/olid; HOLD="train train4 ..." holds out
only those writers (to compare data passes on the same held-out writers);
EXTRA="--dropout 0.3 ..." is appended to every train command (to compare
training options; "--folds -1" skips the out-of-fold figures, which the
measurement does not use, and leaves the weights as they are).
usage: scripts/cross-writer.py CATEGORY "th:ma th:ma ..." [RULES]"""
import subprocess, sys, re, os, shutil, tempfile
EXP = os.environ.get('EXPOSURE', 'exposure')
T = 'testdata/classify'
OLID = os.environ.get('OLID', '../shared/data/olid')
W = ['train', 'train4', 'train5', 'train6', 'train8', 'train9', 'train10', 'train11', 'train12', 'train13', 'train14', 'train15']
cat, pairs = sys.argv[1], sys.argv[2].split()
# HOLD (space-separated) limits which writers are held out in turn; all of W still train.
HOLD = os.environ.get('HOLD', '').split() or W
RULES = sys.argv[3] if len(sys.argv) > 3 else 'rules'
EXTRA = os.environ.get('EXTRA', '').split()
base = {'offensive': ['--olid', OLID, '--in-weight', '3'],
        'procedure': ['--olid', OLID, '--olid-weight', '0.2', '--epochs', '12', '--rate', '0.2'],
        'negativity': ['--olid', OLID, '--olid-weight', '0.2', '--epochs', '12', '--rate', '0.2'],
        'political': ['--olid', OLID, '--olid-clean-only', '--olid-weight', '0.2', '--epochs', '6', '--rate', '0.2']}[cat]
tot = {p: dict(tp=0, fp=0, fn=0, cfp=0) for p in pairs}
per = {p: [] for p in pairs}
for held in HOLD:
    wd = tempfile.mkdtemp(prefix=f'xw-{cat}-{held}-')
    shutil.copytree(RULES, wd, dirs_exist_ok=True)
    ins = []
    for a in W + ['generated_train']:
        if a != held:
            ins += ['--in', f'{T}/{a}.jsonl']
    subprocess.run([EXP, '--log-level', 'warn', '--rules', RULES, 'train', *ins, '--category', cat, *base, *EXTRA,
                    '--out', f'{wd}/models/{cat}.json', '--replace'], capture_output=True, text=True, check=True)
    y = f'{wd}/categories/{cat}.yaml'
    src = open(y).read()
    for p in pairs:
        th, ma = p.split(':')
        s = re.sub(r'(?m)^threshold: .*', f'threshold: {th}', src)
        s = re.sub(r'(?m)^model_alone: .*', f'model_alone: {ma}', s)
        open(y, 'w').write(s)
        out = subprocess.run([EXP, '--log-level', 'warn', '--rules', wd, 'eval', '--in', f'{T}/{held}.jsonl'], capture_output=True, text=True).stdout
        m = re.search(rf'(?m)^{cat}\s+\S+\s+\S+\s+\S+\s+\d+\s+(\d+)\s+(\d+)\s+(\d+)', out)
        tp, fp, fn = map(int, m.groups())
        c = re.search(r'(?m)^  none\s+->(.*)$', out)
        cfp = 0
        if c:
            mm = re.search(rf'{cat} (\d+)', c.group(1))
            cfp = int(mm.group(1)) if mm else 0
        t = tot[p]; t['tp'] += tp; t['fp'] += fp; t['fn'] += fn; t['cfp'] += cfp
        per[p].append(f'{held}:{tp/(tp+fn) if tp+fn else 0:.2f}')
    shutil.rmtree(wd, ignore_errors=True)
for p in pairs:
    t = tot[p]; P = t['tp'] / max(1, t['tp'] + t['fp']); R = t['tp'] / max(1, t['tp'] + t['fn'])
    print(f"{cat} {p}: pooled P {P:.3f} R {R:.3f} F1 {2*P*R/max(1e-9,P+R):.3f} fp {t['fp']} cleanFP {t['cfp']} | R " + ' '.join(per[p]), flush=True)

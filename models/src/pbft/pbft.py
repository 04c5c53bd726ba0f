#!/usr/bin/env python3
"""An independent transcription of the Pbft model in mod.rs, for counts.

Written from Castro and Liskov's description and the model's documented
rules, not from the Rust code: a plain breadth-first search over Python
tuples whose messages are a frozenset of tuples, counting distinct and
generated states as TLC does (generated = initial states plus every step
emitted).

The rules, as the model's docs state them (n replicas, f faults, quorum
q = n - f, certificate c = q, or 2f with SmallPreparedCertificate; the
primary of view v is v mod n):
- correct primary of view 0, no pre-prepare of view 0 yet: ('PP', 0, m)
  for any request m;
- correct backup i in its view v that has not prepared in v: ('P', v, m, i)
  for each pre-prepared ('PP', v, m);
- correct i in view v that accepted m in v (its pre-prepare as primary, or
  its prepare) and has not committed in v, with (v, m) prepared (the
  pre-prepare and c - 1 prepares from distinct backups): ('C', v, m, i);
- correct i that has executed nothing, with ('C', w, m, i) sent for some
  w <= its view and q commits ('C', w, m, *): executes m;
- correct i in view v < MaxView: moves to v + 1 and sends
  ('VC', v + 1, i, P), P the (w, m) of its commit of the highest view, or
  None;
- correct primary of its view v > 0, no pre-prepare of v yet: ('PP', v, m)
  for each m some quorum of view changes for v from distinct senders
  justifies: m of the certificate of highest view among them, any m if none
  has one (IgnorePreparedCertificates: any m once such a quorum exists);
- byzantine b may add, while the byzantine replicas have sent fewer than
  the budget's messages in all, if not yet sent: ('PP', v, m) when it is the primary
  of v (v = 0: any m; v > 0: a justified m); ('P', v, m, b) for a pre-prepared
  (v, m) when not the primary of v; ('C', v, m, b) for a prepared (v, m);
  ('VC', v, b, None) and ('VC', v, b, (w, m)) for prepared (w, m), w < v.

Agreement: no two correct replicas execute different requests.

Usage: pbft.py N Byzantine Values MaxView [Bug] [--no-check] [--byzantine-budget B]   (Byzantine: e.g. 0 or 0,1 or -)
(--no-check explores every state without checking Agreement.)
Prints: distinct generated depth, then the first violation of Agreement in
BFS order with the length of its trace (states).
"""

import itertools
import sys
from collections import deque


def main():
    args = sys.argv[1:]
    check = '--no-check' not in args
    args = [a for a in args if a != '--no-check']
    budget = None
    if '--byzantine-budget' in args:
        i = args.index('--byzantine-budget')
        budget = int(args[i + 1])
        del args[i:i + 2]
    n, byz_arg, k, max_view = int(args[0]), args[1], int(args[2]), int(args[3])
    bug = args[4] if len(args) > 4 else 'None'
    f = 1
    byz = set() if byz_arg == '-' else {int(x) for x in byz_arg.split(',')}
    q = n - f
    c = 2 * f if bug == 'SmallPreparedCertificate' else q
    correct = [i for i in range(n) if i not in byz]

    def primary(v):
        return v % n

    def prepared(msgs, v, m):
        if ('PP', v, m) not in msgs:
            return False
        backups = [j for j in range(n) if j != primary(v) and ('P', v, m, j) in msgs]
        return 1 + len(backups) >= c

    def justified(msgs, v):
        vcs = [x for x in msgs if x[0] == 'VC' and x[1] == v]
        out = set()
        # Every quorum of distinct senders, every choice of one view change each.
        by_sender = {}
        for x in vcs:
            by_sender.setdefault(x[2], []).append(x[3])
        for senders in itertools.combinations(sorted(by_sender), q):
            for ps in itertools.product(*[by_sender[s] for s in senders]):
                certs = [p for p in ps if p is not None]
                if bug == 'IgnorePreparedCertificates' or not certs:
                    out |= set(range(k))
                else:
                    top = max(w for w, _ in certs)
                    out |= {m for w, m in certs if w == top}
        return out

    def successors(s):
        views, executed, msgs = s
        out = []

        def add(x):
            return (views, executed, msgs | {x})

        for i in correct:
            v = views[i]
            has_pp = any(('PP', v, m) in msgs for m in range(k))
            if primary(v) == i and not has_pp:
                choices = range(k) if v == 0 else sorted(justified(msgs, v))
                for m in choices:
                    out.append(add(('PP', v, m)))
            if primary(v) != i and not any(('P', v, m, i) in msgs for m in range(k)):
                for m in range(k):
                    if ('PP', v, m) in msgs:
                        out.append(add(('P', v, m, i)))
            acc = [m for m in range(k) if (('PP', v, m) in msgs if primary(v) == i else ('P', v, m, i) in msgs)]
            if acc:
                m = acc[0]
                if not any(('C', v, x, i) in msgs for x in range(k)) and prepared(msgs, v, m):
                    out.append(add(('C', v, m, i)))
            if executed[i] is None:
                for w in range(v + 1):
                    for m in range(k):
                        if ('C', w, m, i) in msgs and sum(('C', w, m, j) in msgs for j in range(n)) >= q:
                            ex = list(executed)
                            ex[i] = m
                            out.append((views, tuple(ex), msgs))
            if v < max_view:
                p = None
                for w in range(v, -1, -1):
                    ms = [m for m in range(k) if ('C', w, m, i) in msgs]
                    if ms:
                        p = (w, ms[0])
                        break
                vs = list(views)
                vs[i] = v + 1
                out.append((tuple(vs), executed, msgs | {('VC', v + 1, i, p)}))
        sent_by_byz = sum(1 for x in msgs if (primary(x[1]) if x[0] == 'PP' else x[2] if x[0] == 'VC' else x[3]) in byz)
        for b in sorted(byz):
            if budget is not None and sent_by_byz >= budget:
                break
            cand = []
            for v in range(max_view + 1):
                for m in range(k):
                    if primary(v) == b:
                        if v == 0 or m in justified(msgs, v):
                            cand.append(('PP', v, m))
                    elif ('PP', v, m) in msgs:
                        cand.append(('P', v, m, b))
                    if prepared(msgs, v, m):
                        cand.append(('C', v, m, b))
            for v in range(1, max_view + 1):
                cand.append(('VC', v, b, None))
                for w in range(v):
                    for m in range(k):
                        if prepared(msgs, w, m):
                            cand.append(('VC', v, b, (w, m)))
            for x in cand:
                if x not in msgs:
                    out.append(add(x))
        return out

    def agreement(s):
        done = {s[1][i] for i in correct if s[1][i] is not None}
        return len(done) <= 1

    init = ((0,) * n, (None,) * n, frozenset())
    parent = {init: None}
    depth = {init: 1}
    queue = deque([init])
    generated = 1
    max_depth = 1
    violation = None
    while queue and violation is None:
        s = queue.popleft()
        for t in successors(s):
            generated += 1
            if t in parent:
                continue
            parent[t] = s
            depth[t] = depth[s] + 1
            max_depth = max(max_depth, depth[t])
            if check and not agreement(t):
                violation = t
                break
            queue.append(t)
    print(len(parent), generated, max_depth)
    if violation is not None:
        print("violation Agreement, trace of", depth[violation], "states")


if __name__ == "__main__":
    main()

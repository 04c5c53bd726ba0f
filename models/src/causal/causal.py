#!/usr/bin/env python3
"""An independent transcription of the CausalStore model in mod.rs, for counts.

Written from the protocol description (Ahamad et al.'s causal memory over
causal broadcast with vector clocks) and the model's documented rules, not
from the Rust code: a plain breadth-first search over Python tuples that
counts distinct and generated states as TLC does (generated = initial states
plus every step emitted), and checks causal consistency of the clients'
history from its definition, not from bad patterns: every read must be the
last write of its key in some order of the writes causally before it that
respects the causal order (brute force over permutations).

The rules, as the model's docs state them:
- replica r's client does Ops operations, each a read of any key (returns
  r's copy) or a write of any key of the value r * Ops + k + 1 (its k-th
  operation); a write ticks r's clock entry (LamportClocks: the one scalar
  clock) and sends Update(key, value, clock) to every other replica, only if
  MaxInFlight leaves room for all of them;
- replica j receives an update from i stamped t: correct protocol: a
  duplicate (t[i] <= vc[i]) is consumed and ignored, t[i] = vc[i] + 1 with
  t[m] <= vc[m] for every other m is applied, anything else waits;
  NoDependencyCheck: always applied; LamportClocks: applied when
  t <= L + 1, else waits. Applying sets the key and takes the maximum of the
  clocks;
- the network is a bag: each distinct packet in flight is one delivery
  step; Duplication D allows D steps that add a copy of any distinct packet
  in flight (if MaxInFlight leaves room).

Usage: causal.py N Keys Ops [Bug] [--duplication D] [--in-flight M]
Prints: distinct generated depth, then the first violation of
CausallyConsistent in BFS order with the length of its trace (states).
"""

import itertools
import sys
from collections import deque


def causally_consistent(history, n, ops):
    """history: per client a tuple of (kind, key, value)."""
    events = []  # (client, index, kind, key, value)
    for c, session in enumerate(history):
        for i, (kind, key, value) in enumerate(session):
            events.append((c, i, kind, key, value))
    ids = {(e[0], e[1]): x for x, e in enumerate(events)}
    writer = {}
    for x, e in enumerate(events):
        if e[2] == 'W':
            writer[(e[3], e[4])] = x
    edges = {x: set() for x in range(len(events))}  # x -> successors
    rf = {}
    for x, (c, i, kind, key, value) in enumerate(events):
        if i > 0:
            edges[ids[(c, i - 1)]].add(x)
        if kind == 'R':
            if (key, value) in writer:
                rf[x] = writer[(key, value)]
                edges[writer[(key, value)]].add(x)
            elif value == 0:
                rf[x] = None
            else:
                return False
    # Predecessors by search from each event (reachability), then cycles.
    before = {x: set() for x in edges}
    for x in edges:
        stack = list(edges[x])
        seen = set()
        while stack:
            y = stack.pop()
            if y in seen:
                continue
            seen.add(y)
            stack.extend(edges[y])
        for y in seen:
            before[y].add(x)
    if any(x in before[x] for x in before):
        return False
    for r, source in rf.items():
        key = events[r][3]
        past = [w for w in before[r] if events[w][2] == 'W']
        ok = False
        for order in itertools.permutations(past):
            pos = {w: p for p, w in enumerate(order)}
            if any(pos[a] > pos[b] for b in past for a in before[b] if a in pos):
                continue
            last = None
            for w in order:
                if events[w][3] == key:
                    last = w
            if last == source:
                ok = True
                break
        if not ok:
            return False
    return True


def main():
    args = sys.argv[1:]
    dup = 0
    in_flight = None
    if '--duplication' in args:
        i = args.index('--duplication')
        dup = int(args[i + 1])
        del args[i:i + 2]
    if '--in-flight' in args:
        i = args.index('--in-flight')
        in_flight = int(args[i + 1])
        del args[i:i + 2]
    n, keys, ops = int(args[0]), int(args[1]), int(args[2])
    bug = args[3] if len(args) > 3 else 'None'
    lamport = bug == 'LamportClocks'

    def room(bag):
        return 10 ** 9 if in_flight is None else in_flight - len(bag)

    def successors(s):
        stores, clocks, bag, history, dups = s
        out = []
        for r in range(n):
            if len(history[r]) == ops:
                continue
            for k in range(keys):
                h = list(history)
                h[r] = h[r] + (('R', k, stores[r][k]),)
                out.append((stores, clocks, bag, tuple(h), dups))
            if room(bag) < n - 1:
                continue
            for k in range(keys):
                v = r * ops + len(history[r]) + 1
                h = list(history)
                h[r] = h[r] + (('W', k, v),)
                st = list(stores)
                st[r] = tuple(v if kk == k else x for kk, x in enumerate(stores[r]))
                cl = list(clocks)
                c = list(clocks[r])
                c[0 if lamport else r] += 1
                cl[r] = tuple(c)
                msgs = [(r, j, (k, v, tuple(c))) for j in range(n) if j != r]
                out.append((tuple(st), tuple(cl), tuple(sorted(bag + tuple(msgs))), tuple(h), dups))
        for p in sorted(set(bag)):
            frm, to, (k, v, t) = p
            vc = clocks[to]
            if bug == 'None':
                if t[frm] <= vc[frm]:
                    apply = False
                elif t[frm] == vc[frm] + 1 and all(t[m] <= vc[m] for m in range(n) if m != frm):
                    apply = True
                else:
                    continue
            elif lamport:
                if t[0] > vc[0] + 1:
                    continue
                apply = True
            else:
                apply = True
            rest = list(bag)
            rest.remove(p)
            st, cl = stores, clocks
            if apply:
                st = list(stores)
                st[to] = tuple(v if kk == k else x for kk, x in enumerate(stores[to]))
                st = tuple(st)
                cl = list(clocks)
                cl[to] = tuple(max(a, b) for a, b in zip(vc, t))
                cl = tuple(cl)
            out.append((st, cl, tuple(rest), history, dups))
        if dups < dup and room(bag) > 0:
            for p in sorted(set(bag)):
                out.append((stores, clocks, tuple(sorted(bag + (p,))), history, dups + 1))
        return out

    init = (tuple((0,) * keys for _ in range(n)), tuple((0,) * n for _ in range(n)), (), tuple(() for _ in range(n)), 0)
    verdicts = {}

    def cc(s):
        h = s[3]
        if h not in verdicts:
            verdicts[h] = causally_consistent(h, n, ops)
        return verdicts[h]

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
            if not cc(t):
                violation = t
                break
            queue.append(t)
    print(len(parent), generated, max_depth)
    if violation is not None:
        print("violation CausallyConsistent, trace of", depth[violation], "states")


if __name__ == "__main__":
    main()

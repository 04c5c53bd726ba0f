#!/usr/bin/env python3
"""An independent transcription of the CRDT models (models/src/crdt/), for
the state counts and shortest counterexamples the Rust tests assert.

It follows the specification in the module's doc comment and the network
layer's (models/src/common/net.rs), not the Rust code: payloads are Python
tuples and frozensets (OR-Set pairs are (element, tag) with tags (replica, k),
not bit masks), the bag is a dict from message to copies, the history a
frozenset of (id, op). The network is a bag with fault budgets for loss and
duplication (no crashes, partitions or FIFO links here). It counts as TLC
does: generated = initial states + every successor computed (duplicates
included); depth counts the initial state as 1. With invariants listed, the
search stops at the first BFS level where one fails and prints the length of
the shortest counterexample in states.

Usage:
  crdt.py TYPE REPLICAS UPDATES IN_FLIGHT [--values N] [--elements N]
          [--bug NAME] [--loss N] [--duplication N] [--check INV,INV,...]

TYPE is GCounter, PNCounter, LWWRegister, ORSet or TwoPSet.
"""
import argparse
from collections import deque


class GCounter:
    ops = ("Increment",)

    def __init__(self, n, bug):
        self.n, self.bug = n, bug

    def initial(self):
        return (0,) * self.n

    def updates(self, r, uid, p):
        q = list(p)
        q[r] += 1
        yield ("Increment",), tuple(q)

    def merge(self, a, b):
        if self.bug == "SumMerge":
            return tuple(min(x + y, 255) for x, y in zip(a, b))
        return tuple(max(x, y) for x, y in zip(a, b))

    def le(self, a, b):
        return all(x <= y for x, y in zip(a, b))

    def spec(self, p, delivered, history):
        return sum(p) == len(delivered)


class PNCounter:
    def __init__(self, n, bug):
        self.n = n

    def initial(self):
        return ((0,) * self.n, (0,) * self.n)

    def updates(self, r, uid, p):
        P, N = list(p[0]), list(p[1])
        P[r] += 1
        yield ("Increment",), (tuple(P), p[1])
        P[r] -= 1
        N[r] += 1
        yield ("Decrement",), (p[0], tuple(N))

    def merge(self, a, b):
        return (tuple(map(max, a[0], b[0])), tuple(map(max, a[1], b[1])))

    def le(self, a, b):
        return all(x <= y for x, y in zip(a[0] + a[1], b[0] + b[1]))

    def spec(self, p, delivered, history):
        expected = sum(1 if history[u] == ("Increment",) else -1 for u in delivered)
        return sum(p[0]) - sum(p[1]) == expected


class LWWRegister:
    """Payload (timestamp, writer, value); the initial one is (0, None, None)."""

    def __init__(self, n, bug, values):
        self.bug, self.values = bug, values

    def initial(self):
        return (0, None, None)

    def updates(self, r, uid, p):
        # NoTieBreak keeps no writer in the register.
        writer = None if self.bug == "NoTieBreak" else r
        for v in range(self.values):
            yield ("Write", v, p[0] + 1), (p[0] + 1, writer, v)

    def key(self, p):
        return (p[0], -1 if p[1] is None else p[1])

    def merge(self, a, b):
        if self.bug == "NoTieBreak":
            return b if b[0] > a[0] else a
        return b if self.key(b) > self.key(a) else a

    def le(self, a, b):
        return self.key(a) <= self.key(b)

    def spec(self, p, delivered, history):
        # The value and timestamp of the greatest write by (timestamp, writer).
        if not delivered:
            return (p[0], p[2]) == (0, None)
        # uid = (replica, k).
        ts, writer, uid = max((history[u][2], u[0], u) for u in delivered)
        return (p[0], p[2]) == (ts, history[uid][1])


class ORSet:
    """Payload (added, removed): frozensets of (element, tag) pairs."""

    def __init__(self, n, bug, elements):
        self.bug, self.elements = bug, elements

    def initial(self):
        return (frozenset(), frozenset())

    def lookup(self, p):
        return frozenset(e for (e, t) in p[0] - p[1])

    def updates(self, r, uid, p):
        for e in range(self.elements):
            yield ("Add", e), (p[0] | {(e, uid)}, p[1])
            if e in self.lookup(p):
                observed = frozenset((x, t) for (x, t) in p[0] if x == e)
                yield ("Remove", e, frozenset(t for (_, t) in observed)), (p[0], p[1] | observed)

    def merge(self, a, b):
        removed = a[1] | b[1]
        if self.bug == "RemoveConcurrentAdds":
            for e in range(self.elements):
                if any(x == e for (x, _) in b[1]):
                    removed |= frozenset(pr for pr in a[0] - b[0] if pr[0] == e)
                if any(x == e for (x, _) in a[1]):
                    removed |= frozenset(pr for pr in b[0] - a[0] if pr[0] == e)
        return (a[0] | b[0], removed)

    def le(self, a, b):
        return a[0] <= b[0] and a[1] <= b[1]

    def spec(self, p, delivered, history):
        cancelled = set()
        for u in delivered:
            if history[u][0] == "Remove":
                cancelled |= history[u][2]
        expected = {history[u][1] for u in delivered if history[u][0] == "Add" and u not in cancelled}
        return self.lookup(p) == expected


class TwoPSet:
    def __init__(self, n, bug, elements):
        self.elements = elements

    def initial(self):
        return (frozenset(), frozenset())

    def updates(self, r, uid, p):
        for e in range(self.elements):
            if e not in p[0]:
                yield ("Add", e), (p[0] | {e}, p[1])
            elif e not in p[1]:
                yield ("Remove", e), (p[0], p[1] | {e})

    def merge(self, a, b):
        return (a[0] | b[0], a[1] | b[1])

    def le(self, a, b):
        return a[0] <= b[0] and a[1] <= b[1]

    def spec(self, p, delivered, history):
        added = {history[u][1] for u in delivered if history[u][0] == "Add"}
        removed = {history[u][1] for u in delivered if history[u][0] == "Remove"}
        return p[0] - p[1] == added - removed


class Model:
    """State: (replicas, bag, dropped, duplicated, history). A replica is
    (payload, delivered ids); a message (from, to, payload, delivered); the
    bag a frozenset of (message, copies); dropped and duplicated count the
    fault steps taken against their budgets; the history a frozenset of
    (id, op)."""

    def __init__(self, kind, n, updates, in_flight, loss, duplication):
        self.t, self.n, self.u, self.max = kind, n, updates, in_flight
        self.loss, self.dup = loss, duplication

    def initial(self):
        return (tuple((self.t.initial(), frozenset()) for _ in range(self.n)), frozenset(), 0, 0, frozenset())

    @staticmethod
    def add(bag, m):
        d = dict(bag)
        d[m] = d.get(m, 0) + 1
        return frozenset(d.items())

    @staticmethod
    def take(bag, m):
        d = dict(bag)
        d[m] -= 1
        if d[m] == 0:
            del d[m]
        return frozenset(d.items())

    def next(self, s):
        replicas, bag, dropped, duplicated, history = s
        for r in range(self.n):
            payload, delivered = replicas[r]
            k = sum(1 for (x, _) in delivered if x == r)
            if k == self.u:
                continue
            uid = (r, k)
            for op, p in self.t.updates(r, uid, payload):
                rs = list(replicas)
                rs[r] = (p, delivered | {uid})
                yield ("Update", r, op), (tuple(rs), bag, dropped, duplicated, history | {(uid, op)})
        in_flight = sum(c for _, c in bag)
        if in_flight < self.max:
            for a in range(self.n):
                for b in range(self.n):
                    if a != b:
                        m = (a, b, replicas[a][0], replicas[a][1])
                        yield ("Send", a, b), (replicas, self.add(bag, m), dropped, duplicated, history)
        for m, _ in bag:
            rs = list(replicas)
            p, d = rs[m[1]]
            rs[m[1]] = (self.t.merge(p, m[2]), d | m[3])
            yield ("Receive", m), (tuple(rs), self.take(bag, m), dropped, duplicated, history)
        if dropped < self.loss:
            for m, _ in bag:
                yield ("Drop", m), (replicas, self.take(bag, m), dropped + 1, duplicated, history)
        if duplicated < self.dup and in_flight < self.max:
            for m, _ in bag:
                yield ("Duplicate", m), (replicas, self.add(bag, m), dropped, duplicated + 1, history)

    # Invariants.
    def payloads(self, s):
        return {p for p, _ in s[0]} | {m[2] for m, _ in s[1]}

    def state_invariant(self, name, s):
        t, (replicas, network, _, _, history) = self.t, s
        h = dict(history)
        if name == "StrongConvergence":
            return all(a[0] == b[0] for a in replicas for b in replicas if a[1] == b[1])
        if name == "MergeCommutative":
            ps = self.payloads(s)
            return all(t.merge(a, b) == t.merge(b, a) for a in ps for b in ps)
        if name == "MergeAssociative":
            ps = self.payloads(s)
            return all(t.merge(t.merge(a, b), c) == t.merge(a, t.merge(b, c)) for a in ps for b in ps for c in ps)
        if name == "MergeIdempotent":
            return all(t.merge(a, a) == a for a in self.payloads(s))
        if name == "Spec":
            return all(t.spec(p, d, h) for p, d in replicas)
        if name == "TypeOK":
            return sum(c for _, c in network) <= self.max
        raise SystemExit(f"unknown invariant {name}")

    def step_invariant(self, name, s, action, s2):
        if name != "MonotonicInflation":
            return True
        ok = all(self.t.le(a[0], b[0]) for a, b in zip(s[0], s2[0]))
        if action[0] == "Receive":
            m = action[1]
            ok = ok and self.t.le(m[2], s2[0][m[1]][0])
        return ok


def explore(model, checks):
    state_checks = [c for c in checks if c != "MonotonicInflation"]
    step_checks = [c for c in checks if c == "MonotonicInflation"]
    init = model.initial()
    depth_of = {init: 1}
    generated = 1
    if any(not model.state_invariant(c, init) for c in state_checks):
        return ("violation", 1)
    queue = deque([init])
    while queue:
        s = queue.popleft()
        d = depth_of[s]
        for action, t in model.next(s):
            generated += 1
            if t not in depth_of:
                depth_of[t] = d + 1
                queue.append(t)
                if any(not model.state_invariant(c, t) for c in state_checks):
                    return ("violation", d + 1)
            if any(not model.step_invariant(c, s, action, t) for c in step_checks):
                return ("violation", d + 1)
    return ("ok", len(depth_of), generated, max(depth_of.values()))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("type")
    ap.add_argument("replicas", type=int)
    ap.add_argument("updates", type=int)
    ap.add_argument("in_flight", type=int)
    ap.add_argument("--values", type=int, default=2)
    ap.add_argument("--elements", type=int, default=2)
    ap.add_argument("--bug", default="None")
    ap.add_argument("--loss", type=int, default=0)
    ap.add_argument("--duplication", type=int, default=0)
    ap.add_argument("--check", default="")
    a = ap.parse_args()
    n = a.replicas
    kind = {
        "GCounter": lambda: GCounter(n, a.bug),
        "PNCounter": lambda: PNCounter(n, a.bug),
        "LWWRegister": lambda: LWWRegister(n, a.bug, a.values),
        "ORSet": lambda: ORSet(n, a.bug, a.elements),
        "TwoPSet": lambda: TwoPSet(n, a.bug, a.elements),
    }[a.type]()
    model = Model(kind, n, a.updates, a.in_flight, a.loss, a.duplication)
    result = explore(model, [c for c in a.check.split(",") if c])
    if result[0] == "ok":
        print(f"distinct {result[1]} generated {result[2]} depth {result[3]}")
    else:
        print(f"violation, shortest counterexample {result[1]} states")


if __name__ == "__main__":
    main()

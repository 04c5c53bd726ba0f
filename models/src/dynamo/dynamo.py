#!/usr/bin/env python3
"""An independent transcription of the Dynamo model in ./mod.rs, for counts.

Written from the protocol description (DeCandia et al., SOSP 2007) and the
model's documented rules, not from the Rust code: a plain breadth-first
search over Python tuples that counts distinct and generated states as TLC
does (generated = initial states plus every step emitted), and checks
linearizability of the clients' history by brute force over every
permutation (no Wing & Gong search, no memoization).

The rules, as the model's docs state them:
- nodes 0..N-1 are replicas, N + c is client c; versions are (ts, writer)
  pairs compared lexicographically, the initial one (0, 0) with value 0;
- client c, idle with operations left, invokes a read or a write of
  c * Ops + k + 1 (its k-th operation, history slot c * Ops + k); a write
  ticks the global clock and sends Put(op, (clock, c + 1), v) to every
  replica; a read sends Get(op) to every replica and remembers the newest
  version of a completed write so far (its floor);
- a replica answers Get(op) with GetReply(op, version, value); on
  Put(op, t, v) it adopts (t, v) if t is newer and answers PutAck(op); on
  Repair(t, v) it adopts (t, v) if newer and answers nothing;
- a reading client counts the first reply of each replica, keeping the
  newest (t, v) and the set of replicas that answered with an older
  version than that; with R replies it returns v, sends Repair(t, v) to
  those older replicas, and the read is stale if t is older than its floor;
- a writing client counts the first ack of each replica; with W it returns
  and the newest completed version becomes max(it, its version);
- when an operation ends its Gets and GetReplies (read) or PutAcks (write)
  still in flight are removed; Puts and Repairs are never removed;
- Timeout(c), with Available: some replica is down or across the partition
  from c, at least one replica answered c, and every replica reachable
  from c answered: c completes as above with what it has;
- AntiEntropy(i, j): replica i takes j's (t, v) when newer, both on the
  same side of any partition;
- the network is a bag: each distinct packet in flight is one delivery
  step, enabled when sender and receiver are on the same side; Drop(p)
  (budget Loss) removes one copy; Partition(g) (budget Partitions, while
  whole) splits into g, any set of nodes holding node 0 but not all, and
  the rest; Heal rejoins. Successors are emitted in the order: invocations,
  deliveries, timeouts, anti-entropy, drops, partitions, heal.

Usage: dynamo.py N C Ops [R W] [Available] [Loss=k] [Partitions=k]
Prints distinct generated depth (TLC's: in states), the first violation in BFS order of
NoStaleRead and of Linearizable (trace length in states, initial
included), and whether every final state (no successor) is converged and
the state graph has no cycle (so that <>[]Converged holds under fairness).
"""

import itertools
import sys
from collections import deque


def linearizable(history):
    """history: tuple of slots (call, ret, after) or None; call = ('R',) or ('W', v)."""
    done = [i for i, op in enumerate(history) if op is not None and op[1] is not None]
    pending = [i for i, op in enumerate(history) if op is not None and op[1] is None and op[0][0] == 'W']
    for k in range(len(pending) + 1):
        for extra in itertools.combinations(pending, k):
            for order in itertools.permutations(done + list(extra)):
                if legal(history, order):
                    return True
    return False


def legal(history, order):
    pos = {i: p for p, i in enumerate(order)}
    value = 0
    for i in order:
        call, ret, after = history[i]
        if any(pos[j] > pos[i] for j in after):
            return False
        if call[0] == 'W':
            value = call[1]
        elif value != ret:
            return False
    return True


def main():
    args = sys.argv[1:]
    available = "Available" in args
    loss = partitions = 0
    rest = []
    for a in args:
        if a.startswith("Loss="):
            loss = int(a[5:])
        elif a.startswith("Partitions="):
            partitions = int(a[11:])
        elif a != "Available":
            rest.append(a)
    n, c, ops = int(rest[0]), int(rest[1]), int(rest[2])
    maj = n // 2 + 1
    r = int(rest[3]) if len(rest) > 3 else maj
    w = int(rest[4]) if len(rest) > 4 else maj
    explore(n, c, ops, r, w, available, loss, partitions)


def explore(N, C, OPS, R, W, available, loss, partitions):
    INIT = ((0, 0), 0)
    nodes = N + C
    everyone = (1 << nodes) - 1

    # state: (replicas, clients, history, clock, committed, stale, bag, dropped, parts, group)
    # client: (op, phase); phase None | ('get', replied, older, best, floor) | ('put', acked, tag, val)
    # history: tuple of C*OPS slots: None or (call, ret, after) with after a frozenset of slots
    def connected(group, a, b):
        return group == 0 or ((group >> a) & 1) == ((group >> b) & 1)

    def respond(history, slot, value):
        h = list(history)
        call, _, after = h[slot]
        h[slot] = (call, value, after)
        return tuple(h)

    def complete(st, ci):
        reps, clients, history, clock, committed, stale, bag, dropped, parts, group = st
        op, phase = clients[ci]
        bag = list(bag)
        if phase[0] == 'get':
            _, replied, older, best, floor = phase
            bag = [p for p in bag if not (p[2][0] in ('Get', 'GetReply') and p[2][1] == op)]
            for rr in range(N):
                if older >> rr & 1:
                    bag.append((N + ci, rr, ('Repair', best[0], best[1])))
            if best[0] < floor:
                stale = True
            history = respond(history, op, best[1])
        else:
            _, acked, tag, val = phase
            bag = [p for p in bag if not (p[2][0] == 'PutAck' and p[2][1] == op)]
            committed = max(committed, tag)
            history = respond(history, op, val)
        clients = list(clients)
        clients[ci] = (op, None)
        return (reps, tuple(clients), history, clock, committed, stale, tuple(sorted(bag)), dropped, parts, group)

    def successors(st):
        reps, clients, history, clock, committed, stale, bag, dropped, parts, group = st
        out = []
        for ci in range(C):
            op, phase = clients[ci]
            invoked = sum(1 for k in range(OPS) if history[ci * OPS + k] is not None)
            if phase is not None or invoked == OPS:
                continue
            slot = ci * OPS + invoked
            # real-time order: every operation already returned precedes this one
            after = frozenset(i for i, o in enumerate(history) if o is not None and o[1] is not None)
            for kind in ('R', 'W'):
                h = list(history)
                cl = list(clients)
                if kind == 'R':
                    h[slot] = (('R',), None, after)
                    cl[ci] = (slot, ('get', 0, 0, INIT, committed))
                    msgs = [(N + ci, rr, ('Get', slot)) for rr in range(N)]
                    nclock = clock
                else:
                    v = ci * OPS + invoked + 1
                    h[slot] = (('W', v), None, after)
                    nclock = clock + 1
                    tag = (nclock, ci + 1)
                    cl[ci] = (slot, ('put', 0, tag, v))
                    msgs = [(N + ci, rr, ('Put', slot, tag, v)) for rr in range(N)]
                out.append((reps, tuple(cl), tuple(h), nclock, committed, stale,
                            tuple(sorted(bag + tuple(msgs))), dropped, parts, group))
        seen = set()
        for i, p in enumerate(bag):
            if p in seen:
                continue
            seen.add(p)
            src, dst, m = p
            if not connected(group, src, dst):
                continue
            rest = list(bag[:i] + bag[i + 1:])
            if dst < N:
                rp = list(reps)
                if m[0] == 'Get':
                    rest.append((dst, src, ('GetReply', m[1], reps[dst][0], reps[dst][1])))
                elif m[0] == 'Put':
                    if m[2] > reps[dst][0]:
                        rp[dst] = (m[2], m[3])
                    rest.append((dst, src, ('PutAck', m[1])))
                else:  # Repair
                    if m[1] > reps[dst][0]:
                        rp[dst] = (m[1], m[2])
                out.append((tuple(rp), clients, history, clock, committed, stale, tuple(sorted(rest)),
                            dropped, parts, group))
                continue
            ci = dst - N
            op, phase = clients[ci]
            bit = 1 << src
            nxt = (reps, clients, history, clock, committed, stale, tuple(sorted(rest)), dropped, parts, group)
            if phase is not None and phase[0] == 'get' and m[0] == 'GetReply' and m[1] == op and not phase[1] & bit:
                _, replied, older, best, floor = phase
                tag, val = m[2], m[3]
                if tag > best[0]:
                    older, best = replied, (tag, val)
                elif tag < best[0]:
                    older |= bit
                replied |= bit
                cl = list(clients)
                cl[ci] = (op, ('get', replied, older, best, floor))
                nxt = nxt[:1] + (tuple(cl),) + nxt[2:]
                if bin(replied).count('1') >= R:
                    nxt = complete(nxt, ci)
            elif phase is not None and phase[0] == 'put' and m[0] == 'PutAck' and m[1] == op and not phase[1] & bit:
                _, acked, tag, val = phase
                acked |= bit
                cl = list(clients)
                cl[ci] = (op, ('put', acked, tag, val))
                nxt = nxt[:1] + (tuple(cl),) + nxt[2:]
                if bin(acked).count('1') >= W:
                    nxt = complete(nxt, ci)
            out.append(nxt)
        if available:
            for ci in range(C):
                op, phase = clients[ci]
                if phase is None:
                    continue
                answered = phase[1]
                reach = sum(1 << rr for rr in range(N) if connected(group, N + ci, rr))
                if reach != (1 << N) - 1 and answered != 0 and answered & reach == reach:
                    out.append(complete(st, ci))
        for i in range(N):
            for j in range(N):
                if reps[j][0] > reps[i][0] and connected(group, i, j):
                    rp = list(reps)
                    rp[i] = reps[j]
                    out.append((tuple(rp), clients, history, clock, committed, stale, bag, dropped, parts, group))
        if dropped < loss:
            seen = set()
            for i, p in enumerate(bag):
                if p in seen:
                    continue
                seen.add(p)
                out.append((reps, clients, history, clock, committed, stale, bag[:i] + bag[i + 1:],
                            dropped + 1, parts, group))
        if group == 0 and parts < partitions:
            for g in range(1, everyone, 2):
                out.append((reps, clients, history, clock, committed, stale, bag, dropped, parts + 1, g))
        if group != 0:
            out.append((reps, clients, history, clock, committed, stale, bag, dropped, parts, 0))
        return out

    init = ((INIT,) * N, ((0, None),) * C, (None,) * (C * OPS), 0, (0, 0), False, (), 0, 0, 0)
    parent = {init: None}
    level = {init: 0}
    queue = deque([init])
    generated, depth = 1, 0
    first = {}
    lin_cache = {}
    finals_converged = True
    edges = {}

    def trace_len(s):
        k = 0
        while s is not None:
            k += 1
            s = parent[s]
        return k

    def check(s):
        if 'NoStaleRead' not in first and s[5]:
            first['NoStaleRead'] = trace_len(s)
        h = s[2]
        if 'Linearizable' not in first and any(o is not None and o[1] is not None for o in h):
            if h not in lin_cache:
                lin_cache[h] = linearizable(h)
            if not lin_cache[h]:
                first['Linearizable'] = trace_len(s)

    check(init)
    while queue:
        s = queue.popleft()
        succ = successors(s)
        generated += len(succ)
        edges[s] = set(succ)
        if not succ and not all(rp == s[0][0] for rp in s[0]):
            finals_converged = False
        for t in succ:
            if t not in parent:
                parent[t] = s
                level[t] = level[s] + 1
                depth = max(depth, level[t])
                queue.append(t)
                check(t)
    # cycle check: Kahn's algorithm over the explored graph
    indeg = {s: 0 for s in edges}
    for s, ts in edges.items():
        for t in ts:
            indeg[t] += 1
    ready = [s for s, d in indeg.items() if d == 0]
    removed = 0
    while ready:
        s = ready.pop()
        removed += 1
        for t in edges[s]:
            indeg[t] -= 1
            if indeg[t] == 0:
                ready.append(t)
    acyclic = removed == len(edges)
    # depth as TLC reports it: states on the longest shortest path, the initial one included
    print(len(parent), generated, depth + 1)
    for name in ('NoStaleRead', 'Linearizable'):
        print(name, 'violated, trace of', first[name], 'states' if name in first else '') if name in first \
            else print(name, 'holds')
    print('final states converged:', finals_converged, 'acyclic:', acyclic)


if __name__ == '__main__':
    main()

#!/usr/bin/env python3
"""An independent transcription of the ABD model in ../abd/mod.rs, for counts.

Written from the protocol description (Attiya, Bar-Noy and Dolev 1995,
multi-writer form) and the model's documented rules, not from the Rust
code: a plain breadth-first search over Python tuples that counts distinct
and generated states as TLC does (generated = initial states plus every
step emitted), and checks linearizability of the clients' history by brute
force over every permutation (no Wing & Gong search, no memoization).

The rules, as the model's docs state them:
- client c (network node N + c) invokes, when idle with operations left,
  either a read or a write of c * Ops + k + 1 (its k-th operation), and
  sends Query(op) to every replica, op being its history slot c * Ops + k;
- a replica answers Query(op) with QueryReply(op, tag, val); on
  Store(op, tag, val) it adopts (tag, val) if tag is higher, and answers
  StoreAck(op);
- a client in its query phase for op counts the first reply from each
  replica, keeping the highest (tag, val); with R replies a write stores
  (<<num + 1, c + 1>>, v), a read writes back the highest (tag, val)
  (with SkipWriteBack it returns at once); stores go to every replica;
- with W acks from distinct replicas the operation returns (a read the
  value it wrote back);
- any other delivery (late, duplicate) is consumed and ignored;
- when a query phase ends, the queries and query replies of that operation
  still in flight are removed (they would be ignored); when a store phase
  ends, its acks still in flight are removed; stores are never removed;
- the network is a bag: each distinct packet in flight is one delivery
  step; there are no faults in the configurations counted here.

Usage: abd.py N C Ops [R W] [SkipWriteBack]
Prints: distinct generated depth, then the first violation of Linearizable
in BFS order with the length of its trace (states, initial included).
"""

import itertools
import sys
from collections import deque


def main():
    args = sys.argv[1:]
    skip = "SkipWriteBack" in args
    args = [a for a in args if a != "SkipWriteBack"]
    n, c, ops = int(args[0]), int(args[1]), int(args[2])
    maj = n // 2 + 1
    r = int(args[3]) if len(args) > 3 else maj
    w = int(args[4]) if len(args) > 4 else maj
    explore(n, c, ops, r, w, skip)


def linearizable(history):
    """history: tuple of slots (call, ret, after) or None; call = ('R',) or ('W', v)."""
    done = [i for i, op in enumerate(history) if op is not None and op[1] is not None]
    pending_writes = [i for i, op in enumerate(history) if op is not None and op[1] is None and op[0][0] == 'W']
    for k in range(len(pending_writes) + 1):
        for extra in itertools.combinations(pending_writes, k):
            chosen = done + list(extra)
            for order in itertools.permutations(chosen):
                if legal(history, order):
                    return True
    return False


def legal(history, order):
    pos = {i: p for p, i in enumerate(order)}
    value = 0
    for i in order:
        call, ret, after = history[i]
        for j in after:
            if pos[j] > pos[i]:
                return False
        if call[0] == 'W':
            value = call[1]
        elif value != ret:
            return False
    return True


def explore(n, c, ops, r, w, skip):
    replicas0 = tuple(((0, 0), 0) for _ in range(n))
    # client: (op, phase); phase None = idle,
    # ('Q', write_value_or_None, replied_frozenset, best (tag, val)),
    # ('S', is_read, acked_frozenset, tag, val)
    clients0 = tuple((0, None) for _ in range(c))
    history0 = tuple(None for _ in range(c * ops))
    net0 = ()
    init = (replicas0, clients0, history0, net0)

    def send(net, packets):
        return tuple(sorted(net + tuple(packets)))

    def collect(net, op, kinds):
        # Messages of a finished phase that would only be ignored: queries
        # not yet answered, replies and acks not yet counted. Stores stay.
        return tuple(p for p in net if not (p[2][0] in kinds and p[2][1] == op))

    def returned(history):
        return frozenset(i for i, op in enumerate(history) if op is not None and op[1] is not None)

    def successors(s):
        replicas, clients, history, net = s
        out = []
        for ci in range(c):
            slots = [history[ci * ops + k] for k in range(ops)]
            invoked = sum(1 for op in slots if op is not None)
            idle = clients[ci][1] is None
            if idle and invoked < ops:
                slot = ci * ops + invoked
                for call in (('R',), ('W', ci * ops + invoked + 1)):
                    h = list(history)
                    h[slot] = (call, None, returned(history))
                    phase = ('Q', call[1] if call[0] == 'W' else None, frozenset(), ((0, 0), 0))
                    cl = list(clients)
                    cl[ci] = (slot, phase)
                    queries = [(n + ci, ri, ('Query', slot)) for ri in range(n)]
                    out.append((replicas, tuple(cl), tuple(h), send(net, queries)))
        for p in sorted(set(net)):
            rest = list(net)
            rest.remove(p)
            rest = tuple(rest)
            frm, to, msg = p
            if to < n:
                (tag, val) = replicas[to]
                reps = list(replicas)
                if msg[0] == 'Query':
                    reply = ('QueryReply', msg[1], tag, val)
                else:
                    _, op, mtag, mval = msg
                    if mtag > tag:
                        reps[to] = (mtag, mval)
                    reply = ('StoreAck', op)
                out.append((tuple(reps), clients, history, send(rest, [(to, frm, reply)])))
                continue
            ci = to - n
            op, phase = clients[ci]
            cl = list(clients)
            h = list(history)
            new_net = rest
            if phase is not None and phase[0] == 'Q' and msg[0] == 'QueryReply' and msg[1] == op \
                    and frm not in phase[2]:
                _, write, replied, best = phase
                replied = replied | {frm}
                best = max(best, (msg[2], msg[3]))
                if len(replied) < r:
                    cl[ci] = (op, ('Q', write, replied, best))
                else:
                    if write is not None:
                        tag, val = (best[0][0] + 1, ci + 1), write
                    else:
                        tag, val = best
                    if write is None and skip:
                        cl[ci] = (op, None)
                        call, _, after = h[op]
                        h[op] = (call, val, after)
                        new_net = collect(rest, op, ('Query', 'QueryReply'))
                    else:
                        cl[ci] = (op, ('S', write is None, frozenset(), tag, val))
                        new_net = send(collect(rest, op, ('Query', 'QueryReply')),
                                       [(to, ri, ('Store', op, tag, val)) for ri in range(n)])
            elif phase is not None and phase[0] == 'S' and msg[0] == 'StoreAck' and msg[1] == op \
                    and frm not in phase[2]:
                _, is_read, acked, tag, val = phase
                acked = acked | {frm}
                if len(acked) < w:
                    cl[ci] = (op, ('S', is_read, acked, tag, val))
                else:
                    cl[ci] = (op, None)
                    call, _, after = h[op]
                    h[op] = (call, val, after)
                    new_net = collect(rest, op, ('StoreAck',))
            out.append((replicas, tuple(cl), tuple(h), new_net))
        return out

    verdicts = {}

    def lin(s):
        h = s[2]
        if h not in verdicts:
            verdicts[h] = linearizable(h)
        return verdicts[h]

    parent = {init: None}
    depth = {init: 1}
    queue = deque([init])
    generated = 1
    max_depth = 1
    violation = None
    if not lin(init):
        violation = init
    while queue and violation is None:
        s = queue.popleft()
        for t in successors(s):
            generated += 1
            if t in parent:
                continue
            parent[t] = s
            depth[t] = depth[s] + 1
            max_depth = max(max_depth, depth[t])
            if not lin(t):
                violation = t
                break
            queue.append(t)
    print(len(parent), generated, max_depth)
    if violation is not None:
        length = 0
        t = violation
        while t is not None:
            length += 1
            t = parent[t]
        print("violation Linearizable, trace of", length, "states")


if __name__ == "__main__":
    main()

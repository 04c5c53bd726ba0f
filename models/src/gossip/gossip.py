#!/usr/bin/env python3
"""An independent transcription of the Gossip model in mod.rs, for counts.

Written from Demers et al.'s description and the model's documented rules,
not from the Rust code: a plain breadth-first search over Python tuples
that counts distinct and generated states as TLC does (generated = initial
states plus every step emitted).

The rules, as the model's docs state them:
- update u starts at node u (hot there under Rumor);
- Gossip(p, q), for each p and q != p while fewer than MaxInFlight messages
  are in flight: Push/PushPull send ('Push', known_p), Pull sends
  ('Pull', known_p), Rumor sends ('Push', hot_p) if hot_p is not empty;
- receiving ('Push', u) at q: known_q |= u; Rumor: the new ones become hot
  and q answers ('Feedback', u, u & known_before); PushPull: q answers
  ('Reply', known_before - u) unless empty;
- receiving ('Pull', d) at q: answer ('Reply', known_q - d) unless empty;
- receiving ('Reply', u): merge;
- receiving ('Feedback', pushed, already) at p from q: for each u pushed,
  q is recorded as confirmed for u; p stops spreading u when every other
  node is confirmed (LoseInterest: when u is in already);
- the network is a bag; Loss L allows L steps that drop one copy of any
  distinct packet in flight.

RumorAlive: every update is known by all, or spread (Rumor: hot somewhere;
else known somewhere), or carried by a Push or Reply in flight.

Usage: gossip.py N Updates MaxInFlight Mode [LoseInterest] [--loss L]
Prints: distinct generated depth, then the first violation of RumorAlive in
BFS order with the length of its trace (states).
"""

import sys
from collections import deque


def main():
    args = sys.argv[1:]
    loss = 0
    if '--loss' in args:
        i = args.index('--loss')
        loss = int(args[i + 1])
        del args[i:i + 2]
    n, ups, max_in_flight, mode = int(args[0]), int(args[1]), int(args[2]), args[3]
    lose_interest = 'LoseInterest' in args[4:]
    everyone = frozenset(range(n))
    all_updates = frozenset(range(ups))

    # A node: (known, hot, confirmed), sets; confirmed is a tuple of frozensets per update.
    def node(known, hot, confirmed):
        return (frozenset(known), frozenset(hot), tuple(frozenset(c) for c in confirmed))

    nodes = []
    for i in range(n):
        known = {i} if i < ups else set()
        hot = known if mode == 'Rumor' else set()
        nodes.append(node(known, hot, [set()] * ups))
    init = (tuple(nodes), (), 0)

    def alive(s):
        nodes, bag, _ = s
        everywhere = frozenset.intersection(*[k for k, _, _ in nodes])
        spread = set()
        for k, h, _ in nodes:
            spread |= h if mode == 'Rumor' else k
        carried = set()
        for _, _, m in bag:
            if m[0] in ('Push', 'Reply'):
                carried |= m[1]
        return (everywhere | spread | carried) >= all_updates

    def successors(s):
        nodes, bag, lost = s
        out = []
        if len(bag) < max_in_flight:
            for p in range(n):
                k, h, _ = nodes[p]
                if mode == 'Rumor':
                    if not h:
                        continue
                    msg = ('Push', h)
                elif mode == 'Pull':
                    msg = ('Pull', k)
                else:
                    msg = ('Push', k)
                for q in range(n):
                    if q != p:
                        out.append((nodes, tuple(sorted(bag + ((p, q, msg),), key=repr)), lost))
        seen = []
        for pkt in bag:
            if pkt in seen:
                continue
            seen.append(pkt)
            frm, to, msg = pkt
            rest = list(bag)
            rest.remove(pkt)
            k, h, conf = nodes[to]
            reply = None
            if msg[0] == 'Push':
                u = msg[1]
                new_k = k | u
                new_h = h | (u - k) if mode == 'Rumor' else h
                if mode == 'Rumor':
                    reply = ('Feedback', u, u & k)
                elif mode == 'PushPull' and k - u:
                    reply = ('Reply', k - u)
                k, h = new_k, new_h
            elif msg[0] == 'Pull':
                if k - msg[1]:
                    reply = ('Reply', k - msg[1])
            elif msg[0] == 'Reply':
                k = k | msg[1]
            else:
                _, pushed, already = msg
                conf = list(conf)
                h = set(h)
                for u in pushed:
                    conf[u] = conf[u] | {frm}
                    if lose_interest:
                        stop = u in already
                    else:
                        stop = conf[u] >= everyone - {to}
                    if stop:
                        h.discard(u)
                h = frozenset(h)
                conf = tuple(conf)
            ns = list(nodes)
            ns[to] = (frozenset(k), frozenset(h), conf)
            if reply is not None:
                rest.append((to, frm, reply))
            out.append((tuple(ns), tuple(sorted(rest, key=repr)), lost))
        if lost < loss:
            for pkt in seen:
                rest = list(bag)
                rest.remove(pkt)
                out.append((nodes, tuple(rest), lost + 1))
        return out

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
            if not alive(t):
                violation = t
                break
            queue.append(t)
    print(len(parent), generated, max_depth)
    if violation is not None:
        print("violation RumorAlive, trace of", depth[violation], "states")


if __name__ == "__main__":
    main()

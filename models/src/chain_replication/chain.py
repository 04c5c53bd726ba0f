#!/usr/bin/env python3
"""An independent transcription of the ChainReplication model in mod.rs, for counts.

Written from van Renesse and Schneider's protocol and the model's documented
rules, not from the Rust code: a plain breadth-first search over Python
tuples that counts distinct and generated states as TLC does (generated =
initial states plus every step emitted), with a brute-force
linearizability check (every order of the operations) and the Update
Propagation Invariant, reporting the first violation in BFS order with the
length of its trace in states (initial included).

The rules, as the model's docs state them:
- replicas are nodes 0..N-1, the chain is those not removed, head = lowest,
  tail = highest; client c is node N + c;
- client c, idle with operations left, invokes its k-th operation (slot
  c * Ops + k): a read, sent as Query(slot) to the tail (ReadAnyNode: to any
  chain member, one step each), or a write of c * Ops + k + 1, sent to the
  head; the history records, for each operation, the operations returned
  when it was invoked;
- the head (a chain member that is the lowest) receiving Write(v) appends v
  unless it already holds it; a server receiving Forward(seq, v) with seq
  above its length appends v; after appending, a server with a successor
  sends it Forward(seq, v) (seq = the new length for the head, the received
  seq otherwise), the tail sends WriteAck(v) to v's client instead;
- a server receiving Query(op) answers ReadReply(op, last value or 0);
- a client whose pending write is of v receives WriteAck(v): it returns;
  whose pending read has slot op receives ReadReply(op, v): it returns v;
  anything else is consumed and ignored;
- RemoveServer(j): j crashed, in the chain, chain of two or more: j leaves,
  messages to j vanish; if j was the tail, its predecessor i sends WriteAck
  for its updates len(j)+1..len(i); if in the middle, i sends its successor k
  Forward(seq) for seq in len(k)+1..len(i) (not with DropInFlight);
- links are FIFO: only the oldest message of each link may be delivered, to
  an up receiver; Crash(r) of a replica while the budget lasts, no restart.

Usage: chain.py N C Ops [crashes] [ReadAnyNode|DropInFlight]
Prints: distinct generated depth, or the first violation and its trace length.
"""

import itertools
import sys
from collections import deque


def main():
    args = sys.argv[1:]
    bug = next((a for a in args if a in ("ReadAnyNode", "DropInFlight")), None)
    args = [a for a in args if a not in ("ReadAnyNode", "DropInFlight")]
    n, c, ops = int(args[0]), int(args[1]), int(args[2])
    crashes = int(args[3]) if len(args) > 3 else 0
    run(n, c, ops, crashes, bug)


def linearizable(history):
    done = [i for i, op in enumerate(history) if op is not None and op[1] is not None]
    pending = [i for i, op in enumerate(history) if op is not None and op[1] is None and op[0][0] == "W"]
    for k in range(len(pending) + 1):
        for extra in itertools.combinations(pending, k):
            chosen = done + list(extra)
            for order in itertools.permutations(chosen):
                pos = {i: p for p, i in enumerate(order)}
                if any(j in pos and pos[j] > pos[i] for i in order for j in history[i][2]):
                    continue
                value, ok = 0, True
                for i in order:
                    call, ret, _ = history[i]
                    if call[0] == "W":
                        value = call[1]
                    elif ret != value:
                        ok = False
                        break
                if ok:
                    return True
    return False


def run(n, clients, ops, max_crashes, bug):
    def send(links, frm, to, msg):
        links = dict(links)
        links[(frm, to)] = links.get((frm, to), ()) + (msg,)
        return tuple(sorted(links.items()))

    def pop(links, link):
        links = dict(links)
        rest = links[link][1:]
        if rest:
            links[link] = rest
        else:
            del links[link]
        return tuple(sorted(links.items()))

    def returned(history):
        return frozenset(i for i, op in enumerate(history) if op is not None and op[1] is not None)

    def after_append(chain, hists, links, r, seq, v):
        later = [m for m in chain if m > r]
        if later:
            return send(links, r, later[0], ("Forward", seq, v))
        return send(links, r, n + (v - 1) // ops, ("WriteAck", v))

    def successors(state):
        chain, hists, history, links, down, crashes = state
        out = []
        for cl in range(clients):
            slots = range(cl * ops, cl * ops + ops)
            if any(history[i] is not None and history[i][1] is None for i in slots):
                continue
            k = sum(1 for i in slots if history[i] is not None)
            if k == ops:
                continue
            slot = cl * ops + k
            after = returned(history)
            read = history[:slot] + ((("R",), None, after),) + history[slot + 1:]
            for r in (chain if bug == "ReadAnyNode" else chain[-1:]):
                out.append((chain, hists, read, send(links, n + cl, r, ("Query", slot)), down, crashes))
            v = slot + 1
            write = history[:slot] + ((("W", v), None, after),) + history[slot + 1:]
            out.append((chain, hists, write, send(links, n + cl, chain[0], ("Write", v)), down, crashes))
        for j in chain:
            if j not in down or len(chain) < 2:
                continue
            rest = tuple(m for m in chain if m != j)
            kept = tuple((link, msgs) for link, msgs in links if link[1] != j)
            before = [m for m in chain if m < j]
            later = [m for m in chain if m > j]
            if before and not later:
                i = before[-1]
                for v in hists[i][len(hists[j]):]:
                    kept = send(kept, i, n + (v - 1) // ops, ("WriteAck", v))
            elif before and later and bug != "DropInFlight":
                i, k = before[-1], later[0]
                for seq in range(len(hists[k]) + 1, len(hists[i]) + 1):
                    kept = send(kept, i, k, ("Forward", seq, hists[i][seq - 1]))
            out.append((rest, hists, history, kept, down, crashes))
        for link, msgs in links:
            frm, to = link
            if to in down:
                continue
            msg = msgs[0]
            rest = pop(links, link)
            if to < n:
                h = hists[to]
                if msg[0] == "Write" and to in chain and chain[0] == to and msg[1] not in h:
                    nh = h + (msg[1],)
                    new_hists = hists[:to] + (nh,) + hists[to + 1:]
                    out.append((chain, new_hists, history, after_append(chain, new_hists, rest, to, len(nh), msg[1]), down, crashes))
                elif msg[0] == "Forward" and msg[1] > len(h):
                    nh = h + (msg[2],)
                    new_hists = hists[:to] + (nh,) + hists[to + 1:]
                    out.append((chain, new_hists, history, after_append(chain, new_hists, rest, to, msg[1], msg[2]), down, crashes))
                elif msg[0] == "Query":
                    value = h[-1] if h else 0
                    out.append((chain, hists, history, send(rest, to, frm, ("ReadReply", msg[1], value)), down, crashes))
                else:
                    out.append((chain, hists, history, rest, down, crashes))
                continue
            cl = to - n
            pend = [i for i in range(cl * ops, cl * ops + ops) if history[i] is not None and history[i][1] is None]
            new_history = history
            if pend:
                i = pend[0]
                call, _, after = history[i]
                if call[0] == "W" and msg == ("WriteAck", call[1]):
                    new_history = history[:i] + ((call, call[1], after),) + history[i + 1:]
                elif call[0] == "R" and msg[0] == "ReadReply" and msg[1] == i:
                    new_history = history[:i] + ((call, msg[2], after),) + history[i + 1:]
            out.append((chain, hists, new_history, rest, down, crashes))
        if crashes < max_crashes:
            for r in range(n):
                if r not in down:
                    out.append((chain, hists, history, links, down | {r}, crashes + 1))
        return out

    def propagation(state):
        chain, hists = state[0], state[1]
        return all(hists[b][: len(hists[a])] == hists[a] and len(hists[a]) <= len(hists[b])
                   for b, a in zip(chain, chain[1:]))

    verdicts = {}

    def check(state):
        history = state[2]
        if history not in verdicts:
            verdicts[history] = linearizable(history)
        if not verdicts[history]:
            return "Linearizable"
        if not propagation(state):
            return "UpdatePropagation"
        return None

    init = (tuple(range(n)), ((),) * n, (None,) * (clients * ops), (), frozenset(), 0)
    depth = {init: 1}
    queue = deque([init])
    generated = 1
    while queue:
        s = queue.popleft()
        for t in successors(s):
            generated += 1
            if t in depth:
                continue
            depth[t] = depth[s] + 1
            broken = check(t)
            if broken:
                print("violation of", broken, "trace of", depth[t], "states, after", len(depth), "distinct")
                return
            queue.append(t)
    print(len(depth), generated, max(depth.values()))


if __name__ == "__main__":
    main()

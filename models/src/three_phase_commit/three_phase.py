#!/usr/bin/env python3
"""An independent transcription of the ThreePhase model in mod.rs, for counts.

Written from Skeen's protocol and the model's documented rules, not from the
Rust code: a plain breadth-first search over Python tuples that counts
distinct and generated states as TLC does (generated = initial states plus
every step emitted) and reports the first violation of Consistency in BFS
order, with its trace length in states (initial included).

The rules, as the model's docs state them:
- nodes: the TM is 0, RM i is i + 1 (i from 0);
- TMBegin (TM up, init): TM -> wait, CanCommit to every RM;
- an RM working may abort on its own (RMChooseToAbort);
- RM receives CanCommit: working -> uncertain, replies Yes; aborted replies No;
- TM in wait receives Yes: records it; with every RM's Yes, 3PC -> precommit
  and PreCommit to all, 2PC -> committed and DoCommit to all;
  receives No in wait: aborted, Abort to all;
- RM uncertain receives PreCommit: precommitted, replies Ack;
- TM in precommit receives Ack: records it; with every Ack, committed and
  DoCommit to all;
- RM uncertain or precommitted receives DoCommit: committed; an undecided RM
  receives Abort: aborted; anything else is consumed and ignored;
- the TM (up) in precommit commits (DoCommit to all) when every RM acked or
  is suspected; in wait it aborts (Abort to all) when an RM that has not
  voted yes is suspected. A node suspects another that is down or across
  the partition;
- Terminate(r): r suspects the TM, is the lowest RM of the RMs it is
  connected to (its group), decided or not, and some RM of the group is
  undecided: commit if one committed; else abort if one
  aborted or working; else commit if one precommitted; else abort (3PC) or no
  step (2PC); every undecided RM of the group takes the decision;
- faults: Crash(TM) while the budget lasts (never restarts); Partition into a
  group holding the TM (any proper subset with node 0) while whole and the
  budget lasts; Heal while split. A message is delivered only to an up
  receiver on the sender's side; each distinct message once.

Usage: three_phase.py RMs [Phases] [crashes] [partitions]
Prints: distinct generated depth, then the first violation of Consistency
and the length of its trace, if any.
"""

import sys
from collections import deque

WORKING, UNCERTAIN, PRECOMMITTED, COMMITTED, ABORTED = "w", "u", "p", "c", "a"


def main():
    n = int(sys.argv[1])
    phases = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    crashes = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    partitions = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    run(n, phases, crashes, partitions)


def run(n, phases, max_crashes, max_partitions):
    all_nodes = frozenset(range(n + 1))
    rms = range(n)

    def connected(group, a, b):
        return group is None or ((a in group) == (b in group))

    def suspects(state, a, b):
        down, group = state[5], state[6]
        return (b == 0 and down) or not connected(group, a, b)

    def send(msgs, items):
        return tuple(sorted(msgs + tuple(items)))

    def to_all(msgs, kind):
        return send(msgs, [(0, r + 1, kind) for r in rms])

    def successors(state):
        tm, yes, acked, rm, msgs, down, group, crashes, parts = state
        out = []

        def put(tm=tm, yes=yes, acked=acked, rm=rm, msgs=msgs, down=down, group=group, crashes=crashes, parts=parts):
            out.append((tm, yes, acked, rm, msgs, down, group, crashes, parts))

        if not down:
            if tm == "init":
                put(tm="wait", msgs=to_all(msgs, "CanCommit"))
            if tm == "precommit" and all(r in acked or suspects(state, 0, r + 1) for r in rms):
                put(tm="committed", msgs=to_all(msgs, "DoCommit"))
            if tm == "wait" and any(r not in yes and suspects(state, 0, r + 1) for r in rms):
                put(tm="aborted", msgs=to_all(msgs, "Abort"))
        for r in rms:
            if rm[r] == WORKING:
                put(rm=rm[:r] + (ABORTED,) + rm[r + 1:])
        for r in rms:
            if not suspects(state, r + 1, 0):
                continue
            members = [g for g in rms if connected(group, r + 1, g + 1)]
            if min(members) != r or all(rm[g] in (COMMITTED, ABORTED) for g in members):
                continue
            seen = {rm[g] for g in members}
            if COMMITTED in seen:
                decision = COMMITTED
            elif ABORTED in seen or WORKING in seen:
                decision = ABORTED
            elif PRECOMMITTED in seen:
                decision = COMMITTED
            elif phases == 3:
                decision = ABORTED
            else:
                continue
            new = list(rm)
            for g in members:
                if new[g] not in (COMMITTED, ABORTED):
                    new[g] = decision
            put(rm=tuple(new))
        for m in sorted(set(msgs)):
            frm, to, kind = m
            if (to == 0 and down) or not connected(group, frm, to):
                continue
            rest = list(msgs)
            rest.remove(m)
            rest = tuple(rest)
            if to == 0:
                r = frm - 1
                if tm == "wait" and kind == "Yes":
                    y = yes | {r}
                    if len(y) == n:
                        if phases == 3:
                            put(tm="precommit", yes=y, msgs=to_all(rest, "PreCommit"))
                        else:
                            put(tm="committed", yes=y, msgs=to_all(rest, "DoCommit"))
                    else:
                        put(yes=y, msgs=rest)
                elif tm == "wait" and kind == "No":
                    put(tm="aborted", msgs=to_all(rest, "Abort"))
                elif tm == "precommit" and kind == "Ack":
                    a = acked | {r}
                    if len(a) == n:
                        put(tm="committed", acked=a, msgs=to_all(rest, "DoCommit"))
                    else:
                        put(acked=a, msgs=rest)
                else:
                    put(msgs=rest)
                continue
            r = to - 1
            me = rm[r]

            def set_rm(x):
                return rm[:r] + (x,) + rm[r + 1:]

            if kind == "CanCommit" and me == WORKING:
                put(rm=set_rm(UNCERTAIN), msgs=send(rest, [(to, 0, "Yes")]))
            elif kind == "CanCommit" and me == ABORTED:
                put(msgs=send(rest, [(to, 0, "No")]))
            elif kind == "PreCommit" and me == UNCERTAIN:
                put(rm=set_rm(PRECOMMITTED), msgs=send(rest, [(to, 0, "Ack")]))
            elif kind == "DoCommit" and me in (UNCERTAIN, PRECOMMITTED):
                put(rm=set_rm(COMMITTED), msgs=rest)
            elif kind == "Abort" and me in (WORKING, UNCERTAIN, PRECOMMITTED):
                put(rm=set_rm(ABORTED), msgs=rest)
            else:
                put(msgs=rest)
        if crashes < max_crashes and not down:
            put(down=True, crashes=crashes + 1)
        if group is None and parts < max_partitions:
            others = sorted(all_nodes - {0})
            for mask in range(1 << len(others)):
                g = frozenset([0] + [others[i] for i in range(len(others)) if mask >> i & 1])
                if g != all_nodes:
                    put(group=g, parts=parts + 1)
        if group is not None:
            put(group=None)
        return out

    def consistent(state):
        rm = state[3]
        return not (COMMITTED in rm and ABORTED in rm)

    init = ("init", frozenset(), frozenset(), (WORKING,) * n, (), False, None, 0, 0)
    depth = {init: 1}
    parent = {init: None}
    queue = deque([init])
    generated = 1
    violation = None
    while queue:
        s = queue.popleft()
        for t in successors(s):
            generated += 1
            if t in depth:
                continue
            depth[t] = depth[s] + 1
            parent[t] = s
            queue.append(t)
            if violation is None and not consistent(t):
                violation = t
                break
        if violation is not None:
            break
    if violation is not None:
        length = 0
        at = violation
        while at is not None:
            length += 1
            at = parent[at]
        print("violation of Consistency, trace of", length, "states, after", len(depth), "distinct")
        return
    print(len(depth), generated, max(depth.values()))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""An independent transcription of Peterson.tla (Lamport's PlusCal version with
labels a0, a1, a2, a3a, a3b, cs, a4) in Python, written from the TLA+ text, not
from the Rust model: a breadth-first search that counts distinct and generated
states and the depth as TLC does (initial states at depth 1; generated = the
initial states plus every successor computed, duplicates included), checks
MutualExclusion and the inductive invariant I, and returns the shortest trace
to the first violation.

The seeded bug, TurnFirst, swaps a1 and a2: a process yields the turn before
it raises its flag.

Usage: python3 peterson.py    prints the figures the Rust tests pin
"""
from collections import deque

LABELS = ["a0", "a1", "a2", "a3a", "a3b", "cs", "a4"]


def Not(i):
    return 1 - i


def successors(state, bug):
    """Every (action, successor) of Next == \\E self \\in {0,1}: proc(self);
    a state is (pc, flag, turn) with pc and flag tuples indexed by process."""
    pc, flag, turn = state
    out = []
    for me in (0, 1):
        def with_pc(label, flag=flag, turn=turn):
            new_pc = tuple(label if p == me else pc[p] for p in (0, 1))
            return (new_pc, flag, turn)

        def raise_flag(value):
            return tuple(value if p == me else flag[p] for p in (0, 1))

        at = pc[me]
        if at == "a0":
            out.append((("a0", me), with_pc("a1")))
        elif at == "a1":
            if bug:
                out.append((("a1", me), with_pc("a2", turn=Not(me))))
            else:
                out.append((("a1", me), with_pc("a2", flag=raise_flag(True))))
        elif at == "a2":
            if bug:
                out.append((("a2", me), with_pc("a3a", flag=raise_flag(True))))
            else:
                out.append((("a2", me), with_pc("a3a", turn=Not(me))))
        elif at == "a3a":
            out.append((("a3a", me), with_pc("a3b" if flag[Not(me)] else "cs")))
        elif at == "a3b":
            out.append((("a3b", me), with_pc("a3a" if turn == Not(me) else "cs")))
        elif at == "cs":
            out.append((("cs", me), with_pc("a4")))
        elif at == "a4":
            out.append((("a4", me), with_pc("a0", flag=raise_flag(False))))
    return out


def mutual_exclusion(state):
    pc, _, _ = state
    return not (pc[0] == "cs" and pc[1] == "cs")


def inductive(state):
    """I == \\A i: (pc[i] \\in {a2..a4} => flag[i]) /\\ (pc[i] \\in {cs, a4} =>
    pc[Not(i)] \\notin {cs, a4} /\\ (pc[Not(i)] \\in {a3a, a3b} => turn = i))"""
    pc, flag, turn = state
    for i in (0, 1):
        if pc[i] in ("a2", "a3a", "a3b", "cs", "a4") and not flag[i]:
            return False
        if pc[i] in ("cs", "a4"):
            if pc[Not(i)] in ("cs", "a4"):
                return False
            if pc[Not(i)] in ("a3a", "a3b") and turn != i:
                return False
    return True


def explore(bug, invariants):
    """BFS as TLC does it: (distinct, generated, depth, violation), where a
    violation is (invariant, trace of actions) for the first level that has one."""
    init = (("a0", "a0"), (False, False), 0)
    parent = {init: None}
    frontier, generated, depth = [init], 1, 1
    for name, holds in invariants:
        if not holds(init):
            return 1, 1, 1, (name, [])
    while frontier:
        next_frontier = []
        for state in frontier:
            for action, succ in successors(state, bug):
                generated += 1
                if succ in parent:
                    continue
                parent[succ] = (state, action)
                next_frontier.append(succ)
        if next_frontier:
            depth += 1
        for succ in next_frontier:
            for name, holds in invariants:
                if not holds(succ):
                    trace = []
                    at = succ
                    while parent[at] is not None:
                        at, action = parent[at]
                        trace.append(action)
                    return len(parent), generated, depth, (name, trace[::-1])
        frontier = next_frontier
    return len(parent), generated, depth, None


def main():
    checks = [("MutualExclusion", mutual_exclusion), ("I", inductive)]
    distinct, generated, depth, violation = explore(False, checks)
    print("Peterson", (distinct, generated, depth), violation)
    _, _, _, violation = explore(True, checks[:1])
    name, trace = violation
    print("Peterson, TurnFirst:", name, "after", len(trace), "steps,", len(trace) + 1, "states:",
          " ".join(f"{label}({me})" for label, me in trace))


if __name__ == "__main__":
    main()

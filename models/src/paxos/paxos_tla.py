#!/usr/bin/env python3
"""An independent count of Paxos.tla's state space, for the Rust model's tests.

This is a literal transcription of Lamport's Paxos.tla (tlaplus/Examples,
specifications/Paxos/), written without looking at the Rust model: records are
tuples, msgs is a frozenset, and each action is the TLA+ formula read top to
bottom. Ballot is 0..MaxBallot, as MCPaxos.tla substitutes MCBallot for Ballot.

Generated states are counted the way TLC counts them. TLC computes the
successors of a state by walking the next-state formula: every disjunct that
holds and every witness of an existential (\\E), even one in a guard that
assigns nothing, yields its own successor (tlc2.tool.impl.Tool,
getNextStatesApplSwitch, cases OPCODE_dl and OPCODE_be; only conjuncts after
the last assignment are evaluated as plain booleans, in
getNextStatesAllAssigned). So Phase2a(b, v) yields one successor per
quorum Q whose 1b messages show v safe, times the 1b messages that witness each
acceptor of Q, times the messages that witness the highest vote; these are
duplicates of one state and count as generated, not as distinct.

Usage: python3 paxos_tla.py            the counts the Rust tests pin (seconds)
       python3 paxos_tla.py --big      also ballots 0..2 (half a minute)
       python3 paxos_tla.py --huge     also ballots 0..3, bench/specs/paxos-3x2-3.cfg
                                       (about an hour and a few GiB)

Output (distinct, generated, depth, violation):
    MCPaxos.cfg: {a1}, {v1}, 0..1 (25, 82, 9, None)
    3 acceptors, 2 values, 0..0 (73, 314, 9, None)
    3 acceptors, 2 values, 0..1 (3921, 23563, 17, None)
    3 acceptors, 2 values, 0..2 (185369, 1361380, 25, None)
    IgnoreHighestVote, 0..1 (5329, 32019, 17) ('Consistency', 12)
    AcceptBelowPromise, 0..1 (90817, 854313, 23) ('Consistency', 12)
    Quorum1 = {Acceptor}, Quorum2 = singletons, 0..1 (513, 2587, 17) None
    Quorum1 = majorities, Quorum2 = singletons, 0..1 (3921, 23563, 17) ('Consistency', 10)
    3 acceptors, 2 values, 0..3 (8220065, 70696917, 33)
The last figure of a violation is its number of steps (actions).
"""

import itertools
import sys
from collections import deque

NONE = "None"


def majorities(acceptors):
    """The smallest majorities, as MCPaxos.tla and MCVoting.tla write Quorum for
    three acceptors: {{a1, a2}, {a1, a3}, {a2, a3}}."""
    n = len(acceptors)
    return [frozenset(q) for q in itertools.combinations(acceptors, n // 2 + 1)]


def paxos(acceptors, values, max_ballot, quorum1, quorum2=None, bug=None):
    """The spec as (init, next, invariants). quorum1 is the Quorum of Phase2a
    (phase 1 quorums); quorum2 (default quorum1) is the Quorum of chosen."""
    quorum2 = quorum1 if quorum2 is None else quorum2
    ballots = range(0, max_ballot + 1)
    index = {a: i for i, a in enumerate(acceptors)}

    init = (tuple(-1 for _ in acceptors), tuple(-1 for _ in acceptors), tuple(NONE for _ in acceptors), frozenset())

    def send(msgs, m):
        return msgs | {m}

    def update(f, a, x):
        f = list(f)
        f[index[a]] = x
        return tuple(f)

    def next_states(s):
        max_bal, max_vbal, max_val, msgs = s
        out = []  # (action, successor), one per TLC witness
        # Next == \/ \E b \in Ballot : \/ Phase1a(b) \/ \E v \in Value : Phase2a(b, v)
        for b in ballots:
            # Phase1a(b) == Send([type |-> "1a", bal |-> b]) /\ UNCHANGED <<maxBal, maxVBal, maxVal>>
            out.append((("Phase1a", b), (max_bal, max_vbal, max_val, send(msgs, ("1a", b)))))
            for v in values:
                # ~ \E m \in msgs : m.type = "2a" /\ m.bal = b
                if any(m[0] == "2a" and m[1] == b for m in msgs):
                    continue
                for q in quorum1:  # \E Q \in Quorum
                    q1b = [m for m in msgs if m[0] == "1b" and m[1] in q and m[2] == b]
                    q1bv = [m for m in q1b if m[3] >= 0]
                    # \A a \in Q : \E m \in Q1b : m.acc = a  -- one witness per message
                    witnesses = 1
                    for a in q:
                        witnesses *= sum(1 for m in q1b if m[1] == a)
                    if witnesses == 0:
                        continue
                    if bug == "IgnoreHighestVote":
                        # The seeded bug: the second conjunct is dropped.
                        value_witnesses = 1
                    else:
                        # \/ Q1bv = {}
                        # \/ \E m \in Q1bv : m.mval = v /\ \A mm \in Q1bv : m.mbal >= mm.mbal
                        value_witnesses = (1 if not q1bv else 0) + sum(
                            1 for m in q1bv if m[4] == v and all(m[3] >= mm[3] for mm in q1bv)
                        )
                    succ = (max_bal, max_vbal, max_val, send(msgs, ("2a", b, v)))
                    out.extend([(("Phase2a", b, v), succ)] * (witnesses * value_witnesses))
        # \/ \E a \in Acceptor : Phase1b(a) \/ Phase2b(a)
        for a in acceptors:
            i = index[a]
            for m in msgs:  # Phase1b(a): \E m \in msgs
                if m[0] == "1a" and m[1] > max_bal[i]:
                    out.append(
                        (
                            ("Phase1b", a),
                            (
                                update(max_bal, a, m[1]),
                                max_vbal,
                                max_val,
                                send(msgs, ("1b", a, m[1], max_vbal[i], max_val[i])),
                            ),
                        )
                    )
            for m in msgs:  # Phase2b(a): \E m \in msgs
                if m[0] == "2a" and (m[1] >= max_bal[i] or bug == "AcceptBelowPromise"):
                    out.append(
                        (
                            ("Phase2b", a),
                            (
                                update(max_bal, a, m[1]),
                                update(max_vbal, a, m[1]),
                                update(max_val, a, m[2]),
                                send(msgs, ("2b", a, m[1], m[2])),
                            ),
                        )
                    )
        return out

    def chosen(s):
        # V!chosen == {v \in Value : \E b \in Ballot : \E Q \in Quorum : \A a \in Q : <<b, v>> \in votes[a]}
        msgs = s[3]
        return {
            v
            for v in values
            for b in ballots
            if any(all(("2b", a, b, v) in msgs for a in q) for q in quorum2)
        }

    def consistency(s):
        return len(chosen(s)) <= 1

    return init, next_states, {"Consistency": consistency}


def explore(spec, check=True):
    """BFS as TLC does it: returns distinct, generated, depth (initial states at
    depth 1) and, if check, the first Consistency violation (its name and
    the actions of a shortest trace), where the search stops."""
    init, next_states, invariants = spec
    invariants = invariants if check else {}
    seen = {init}
    parent = {init: None}
    queue = deque([(init, 1)])
    generated, depth = 1, 1
    while queue:
        s, d = queue.popleft()
        depth = max(depth, d)
        for action, t in next_states(s):
            generated += 1
            if t in seen:
                continue
            seen.add(t)
            parent[t] = (s, action)
            for name, holds in invariants.items():
                if not holds(t):
                    trace = []
                    at = t
                    while parent[at] is not None:
                        at, a = parent[at]
                        trace.append(a)
                    return len(seen), generated, d + 1, (name, trace[::-1])
            queue.append((t, d + 1))
    return len(seen), generated, depth, None


def count(spec):
    """Distinct, generated and depth only, keeping states as integers: msgs
    becomes a bit set over message ids handed out as messages first appear,
    and the per-acceptor variables are appended as small fields. For the big
    configurations, whose literal states would not fit in memory."""
    init, next_states, _ = spec
    ids, messages = {}, []

    def encode(s):
        max_bal, max_vbal, max_val, msgs = s
        bits = 0
        for m in msgs:
            if m not in ids:
                ids[m] = len(messages)
                messages.append(m)
            bits |= 1 << ids[m]
        return (bits, max_bal, max_vbal, max_val)

    def decode(k):
        bits, max_bal, max_vbal, max_val = k
        msgs = frozenset(messages[i] for i in range(bits.bit_length()) if bits >> i & 1)
        return (max_bal, max_vbal, max_val, msgs)

    first = encode(init)
    seen = {first}
    level = [first]
    generated, depth = 1, 0
    while level:
        depth += 1
        following = []
        for k in level:
            for _, t in next_states(decode(k)):
                generated += 1
                e = encode(t)
                if e not in seen:
                    seen.add(e)
                    following.append(e)
        level = following
        print("depth", depth, "distinct", len(seen), "generated", generated, file=sys.stderr, flush=True)
    return len(seen), generated, depth


def main():
    a1 = ["a1"]
    a3 = ["a1", "a2", "a3"]
    rows = [
        ("MCPaxos.cfg: {a1}, {v1}, 0..1", paxos(a1, ["v1"], 1, majorities(a1))),
        ("3 acceptors, 2 values, 0..0", paxos(a3, ["v1", "v2"], 0, majorities(a3))),
        ("3 acceptors, 2 values, 0..1", paxos(a3, ["v1", "v2"], 1, majorities(a3))),
    ]
    if "--big" in sys.argv:
        rows.append(("3 acceptors, 2 values, 0..2", paxos(a3, ["v1", "v2"], 2, majorities(a3))))
    for title, spec in rows:
        print(title, explore(spec))
    # The seeded bugs and flexible quorums, explored in full (no invariant
    # stops the search), and the length of the shortest Consistency violation.
    singletons = [frozenset([a]) for a in a3]
    variants = [
        ("IgnoreHighestVote, 0..1", paxos(a3, ["v1", "v2"], 1, majorities(a3), bug="IgnoreHighestVote")),
        ("AcceptBelowPromise, 0..1", paxos(a3, ["v1", "v2"], 1, majorities(a3), bug="AcceptBelowPromise")),
        ("Quorum1 = {Acceptor}, Quorum2 = singletons, 0..1", paxos(a3, ["v1", "v2"], 1, [frozenset(a3)], singletons)),
        ("Quorum1 = majorities, Quorum2 = singletons, 0..1", paxos(a3, ["v1", "v2"], 1, majorities(a3), singletons)),
    ]
    for title, spec in variants:
        distinct, generated, depth, _ = explore(spec, check=False)
        violation = explore(spec)[3]
        print(title, (distinct, generated, depth), violation and (violation[0], len(violation[1])))
    if "--huge" in sys.argv:
        print("3 acceptors, 2 values, 0..3", count(paxos(a3, ["v1", "v2"], 3, majorities(a3))))


if __name__ == "__main__":
    main()

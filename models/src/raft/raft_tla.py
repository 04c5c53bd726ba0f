#!/usr/bin/env python3
"""An independent count of raft.tla's state space, for the Rust model's tests.

This is a direct transcription of Diego Ongaro's raft.tla (ongardie/raft.tla),
written as plainly as possible and without the Rust model's packing: a state
is a dict of TLA+ variables, functions are dicts keyed by server name, records
are dicts, logs are tuples of records, and the bag `messages` is a dict from
message to count. Each action is the TLA+ formula read top to bottom.

It makes the same choices the Rust model documents:
- a message leaves the bag when its count reaches 0, and only messages with a
  positive count are received, duplicated or dropped;
- the history variables are left out;
- Restart, DuplicateMessage and DropMessage can be switched off;
  MaxElectionTerm guards Timeout; Timeouts = "Staggered" adds the guard "no
  other server is a candidate" to Timeout;
- CONSTRAINT BoundedTerms, BoundedLogs, BoundedMessages: a state outside them
  is checked against the invariants but neither stored nor expanded, as TLC
  does;
- the seeded bugs.

Generated states are counted as TLC counts them: every step of every enabled
disjunct, duplicates included (raft.tla has no guard-only existentials, so
one successor per enabled action instance).

Usage: python3 raft_tla.py           the counts the Rust tests pin
       python3 raft_tla.py --bugs    also the seeded bugs' shortest counterexamples

Each line: title (distinct, generated, depth) and the first violation found
as (invariant, number of states in the trace), or None.
"""
import itertools
import sys

FOLLOWER, CANDIDATE, LEADER = "Follower", "Candidate", "Leader"
NIL = "Nil"


def freeze(x):
    """A hashable image of a TLA+ value built from dicts, tuples and sets."""
    if isinstance(x, dict):
        return tuple(sorted((k, freeze(v)) for k, v in x.items()))
    if isinstance(x, (tuple, list)):
        return tuple(freeze(v) for v in x)
    if isinstance(x, (set, frozenset)):
        return frozenset(x)
    return x


class Spec:
    def __init__(self, servers, values, max_term, max_log, max_msgs, restart=True, duplicate=True,
                 drop=True, max_election_term=None, staggered=False, bug=None):
        self.Server = list(servers)
        self.Value = list(values)
        self.MaxTerm, self.MaxLogLength, self.MaxMessages = max_term, max_log, max_msgs
        self.restart, self.duplicate, self.drop = restart, duplicate, drop
        self.max_election_term = max_election_term
        self.staggered = staggered
        self.bug = bug

    # ---- helpers -------------------------------------------------------
    def is_quorum(self, s):
        return len(s) * 2 > len(self.Server)

    @staticmethod
    def with_message(m, msgs):
        msgs = dict(msgs)
        key = freeze(m)
        msgs[key] = msgs.get(key, 0) + 1
        return msgs

    @staticmethod
    def without_message(m, msgs):
        msgs = dict(msgs)
        key = freeze(m)
        if key in msgs:
            msgs[key] -= 1
            if msgs[key] == 0:
                del msgs[key]
        return msgs

    def init(self):
        S = self.Server
        return {
            "messages": {},
            "currentTerm": {i: 1 for i in S},
            "state": {i: FOLLOWER for i in S},
            "votedFor": {i: NIL for i in S},
            "votesResponded": {i: frozenset() for i in S},
            "votesGranted": {i: frozenset() for i in S},
            "nextIndex": {i: {j: 1 for j in S} for i in S},
            "matchIndex": {i: {j: 0 for j in S} for i in S},
            "log": {i: () for i in S},
            "commitIndex": {i: 0 for i in S},
        }

    @staticmethod
    def upd(s, **changes):
        t = dict(s)
        t.update(changes)
        return t

    @staticmethod
    def exc(f, k, v):
        g = dict(f)
        g[k] = v
        return g

    # ---- actions -------------------------------------------------------
    def Restart(self, s, i):
        S = self.Server
        t = self.upd(
            s,
            state=self.exc(s["state"], i, FOLLOWER),
            votesResponded=self.exc(s["votesResponded"], i, frozenset()),
            votesGranted=self.exc(s["votesGranted"], i, frozenset()),
            nextIndex=self.exc(s["nextIndex"], i, {j: 1 for j in S}),
            matchIndex=self.exc(s["matchIndex"], i, {j: 0 for j in S}),
            commitIndex=self.exc(s["commitIndex"], i, 0),
        )
        if self.bug == "TermNotPersisted":
            lg = s["log"][i]
            t["currentTerm"] = self.exc(s["currentTerm"], i, dict(lg[-1])["term"] if len(lg) > 0 else 1)
            t["votedFor"] = self.exc(s["votedFor"], i, NIL)
        return [t]

    def Timeout(self, s, i):
        if s["state"][i] not in (FOLLOWER, CANDIDATE):
            return []
        if self.max_election_term is not None and not s["currentTerm"][i] < self.max_election_term:
            return []
        if self.staggered and any(s["state"][k] == CANDIDATE for k in self.Server if k != i):
            return []
        return [self.upd(
            s,
            state=self.exc(s["state"], i, CANDIDATE),
            currentTerm=self.exc(s["currentTerm"], i, s["currentTerm"][i] + 1),
            votedFor=self.exc(s["votedFor"], i, NIL),
            votesResponded=self.exc(s["votesResponded"], i, frozenset()),
            votesGranted=self.exc(s["votesGranted"], i, frozenset()),
        )]

    def RequestVote(self, s, i, j):
        if not (s["state"][i] == CANDIDATE and j not in s["votesResponded"][i]):
            return []
        m = {"mtype": "RequestVoteRequest", "mterm": s["currentTerm"][i],
             "mlastLogTerm": self.lterm(s["log"][i]), "mlastLogIndex": len(s["log"][i]),
             "msource": i, "mdest": j}
        return [self.upd(s, messages=self.with_message(m, s["messages"]))]

    def AppendEntries(self, s, i, j):
        if not (i != j and s["state"][i] == LEADER):
            return []
        lg = s["log"][i]
        prevLogIndex = s["nextIndex"][i][j] - 1
        prevLogTerm = dict(lg[prevLogIndex - 1])["term"] if prevLogIndex > 0 else 0
        lastEntry = min(len(lg), s["nextIndex"][i][j])
        entries = tuple(lg[s["nextIndex"][i][j] - 1:lastEntry])  # SubSeq(log[i], nextIndex, lastEntry)
        m = {"mtype": "AppendEntriesRequest", "mterm": s["currentTerm"][i], "mprevLogIndex": prevLogIndex,
             "mprevLogTerm": prevLogTerm, "mentries": entries,
             "mcommitIndex": min(s["commitIndex"][i], lastEntry), "msource": i, "mdest": j}
        return [self.upd(s, messages=self.with_message(m, s["messages"]))]

    def BecomeLeader(self, s, i):
        if not (s["state"][i] == CANDIDATE and self.is_quorum(s["votesGranted"][i])):
            return []
        S = self.Server
        return [self.upd(
            s,
            state=self.exc(s["state"], i, LEADER),
            nextIndex=self.exc(s["nextIndex"], i, {j: len(s["log"][i]) + 1 for j in S}),
            matchIndex=self.exc(s["matchIndex"], i, {j: 0 for j in S}),
        )]

    def ClientRequest(self, s, i, v):
        if s["state"][i] != LEADER:
            return []
        entry = {"term": s["currentTerm"][i], "value": v}
        return [self.upd(s, log=self.exc(s["log"], i, s["log"][i] + (freeze(entry),)))]

    def AdvanceCommitIndex(self, s, i):
        if s["state"][i] != LEADER:
            return []
        lg = s["log"][i]

        def agree(index):
            return {i} | {k for k in self.Server if s["matchIndex"][i][k] >= index}

        agreeIndexes = {index for index in range(1, len(lg) + 1) if self.is_quorum(agree(index))}
        if agreeIndexes and (self.bug == "CommitPreviousTerm"
                             or dict(lg[max(agreeIndexes) - 1])["term"] == s["currentTerm"][i]):
            newCommitIndex = max(agreeIndexes)
        else:
            newCommitIndex = s["commitIndex"][i]
        return [self.upd(s, commitIndex=self.exc(s["commitIndex"], i, newCommitIndex))]

    # ---- message handlers; i = recipient, j = sender, m = message -------
    def HandleRequestVoteRequest(self, s, i, j, m):
        lg = s["log"][i]
        logOk = m["mlastLogTerm"] > self.lterm(lg) or (
            m["mlastLogTerm"] == self.lterm(lg) and m["mlastLogIndex"] >= len(lg))
        if self.bug == "SkipLogUpToDateCheck":
            logOk = True
        voteOk = s["votedFor"][i] in (NIL, j) or self.bug == "VoteTwice"
        grant = m["mterm"] == s["currentTerm"][i] and logOk and voteOk
        if not m["mterm"] <= s["currentTerm"][i]:
            return []
        votedFor = self.exc(s["votedFor"], i, j) if grant else s["votedFor"]
        resp = {"mtype": "RequestVoteResponse", "mterm": s["currentTerm"][i], "mvoteGranted": grant,
                "msource": i, "mdest": j}
        return [self.upd(s, votedFor=votedFor,
                         messages=self.without_message(m, self.with_message(resp, s["messages"])))]

    def HandleRequestVoteResponse(self, s, i, j, m):
        if m["mterm"] != s["currentTerm"][i]:
            return []
        t = self.upd(s, votesResponded=self.exc(s["votesResponded"], i, s["votesResponded"][i] | {j}),
                     messages=self.without_message(m, s["messages"]))
        if m["mvoteGranted"]:
            t["votesGranted"] = self.exc(s["votesGranted"], i, s["votesGranted"][i] | {j})
        return [t]

    def lterm(self, lg):
        return 0 if len(lg) == 0 else dict(lg[-1])["term"]

    def HandleAppendEntriesRequest(self, s, i, j, m):
        lg = s["log"][i]
        terms = [dict(e)["term"] for e in lg]
        logOk = m["mprevLogIndex"] == 0 or (
            m["mprevLogIndex"] > 0 and m["mprevLogIndex"] <= len(lg)
            and m["mprevLogTerm"] == terms[m["mprevLogIndex"] - 1])
        if not m["mterm"] <= s["currentTerm"][i]:
            return []
        out = []
        # reject request
        if m["mterm"] < s["currentTerm"][i] or (
                m["mterm"] == s["currentTerm"][i] and s["state"][i] == FOLLOWER and not logOk):
            resp = {"mtype": "AppendEntriesResponse", "mterm": s["currentTerm"][i], "msuccess": False,
                    "mmatchIndex": 0, "msource": i, "mdest": j}
            out.append(self.upd(s, messages=self.without_message(m, self.with_message(resp, s["messages"]))))
        # return to follower state
        if m["mterm"] == s["currentTerm"][i] and s["state"][i] == CANDIDATE:
            out.append(self.upd(s, state=self.exc(s["state"], i, FOLLOWER)))
        # accept request
        if m["mterm"] == s["currentTerm"][i] and s["state"][i] == FOLLOWER and logOk:
            index = m["mprevLogIndex"] + 1
            entries = m["mentries"]
            # already done with request
            if len(entries) == 0 or (len(lg) >= index and terms[index - 1] == dict(entries[0])["term"]):
                resp = {"mtype": "AppendEntriesResponse", "mterm": s["currentTerm"][i], "msuccess": True,
                        "mmatchIndex": m["mprevLogIndex"] + len(entries), "msource": i, "mdest": j}
                out.append(self.upd(s, commitIndex=self.exc(s["commitIndex"], i, m["mcommitIndex"]),
                                    messages=self.without_message(m, self.with_message(resp, s["messages"]))))
            # conflict: remove 1 entry
            if len(entries) > 0 and len(lg) >= index and terms[index - 1] != dict(entries[0])["term"]:
                out.append(self.upd(s, log=self.exc(s["log"], i, lg[:len(lg) - 1])))
            # no conflict: append entry
            if len(entries) > 0 and len(lg) == m["mprevLogIndex"]:
                out.append(self.upd(s, log=self.exc(s["log"], i, lg + (entries[0],))))
        return out

    def HandleAppendEntriesResponse(self, s, i, j, m):
        if m["mterm"] != s["currentTerm"][i]:
            return []
        if m["msuccess"]:
            t = self.upd(s, nextIndex=self.exc(s["nextIndex"], i, self.exc(s["nextIndex"][i], j, m["mmatchIndex"] + 1)),
                         matchIndex=self.exc(s["matchIndex"], i, self.exc(s["matchIndex"][i], j, m["mmatchIndex"])))
        else:
            t = self.upd(s, nextIndex=self.exc(s["nextIndex"], i,
                                               self.exc(s["nextIndex"][i], j, max(s["nextIndex"][i][j] - 1, 1))))
        t["messages"] = self.without_message(m, s["messages"])
        return [t]

    def UpdateTerm(self, s, i, j, m):
        if not m["mterm"] > s["currentTerm"][i]:
            return []
        return [self.upd(s, currentTerm=self.exc(s["currentTerm"], i, m["mterm"]),
                         state=self.exc(s["state"], i, FOLLOWER), votedFor=self.exc(s["votedFor"], i, NIL))]

    def DropStaleResponse(self, s, i, j, m):
        if not m["mterm"] < s["currentTerm"][i]:
            return []
        return [self.upd(s, messages=self.without_message(m, s["messages"]))]

    def Receive(self, s, key):
        m = dict(key)
        i, j = m["mdest"], m["msource"]
        out = self.UpdateTerm(s, i, j, m)
        if m["mtype"] == "RequestVoteRequest":
            out += self.HandleRequestVoteRequest(s, i, j, m)
        if m["mtype"] == "RequestVoteResponse":
            out += self.DropStaleResponse(s, i, j, m) + self.HandleRequestVoteResponse(s, i, j, m)
        if m["mtype"] == "AppendEntriesRequest":
            out += self.HandleAppendEntriesRequest(s, i, j, m)
        if m["mtype"] == "AppendEntriesResponse":
            out += self.DropStaleResponse(s, i, j, m) + self.HandleAppendEntriesResponse(s, i, j, m)
        return out

    def next_states(self, s):
        S = self.Server
        out = []
        for i in S:
            out += self.Timeout(s, i)
        if self.restart:
            for i in S:
                out += self.Restart(s, i)
        for i, j in itertools.product(S, S):
            out += self.RequestVote(s, i, j)
        for i in S:
            out += self.BecomeLeader(s, i)
        for i, v in itertools.product(S, self.Value):
            out += self.ClientRequest(s, i, v)
        for i in S:
            out += self.AdvanceCommitIndex(s, i)
        for i, j in itertools.product(S, S):
            out += self.AppendEntries(s, i, j)
        for m in s["messages"]:
            out += self.Receive(s, m)
        if self.duplicate:
            for m in s["messages"]:
                out.append(self.upd(s, messages=self.with_message(dict(m), s["messages"])))
        if self.drop:
            for m in s["messages"]:
                out.append(self.upd(s, messages=self.without_message(dict(m), s["messages"])))
        return out

    # ---- constraint and invariants ---------------------------------------
    def constraint(self, s):
        return (all(s["currentTerm"][i] <= self.MaxTerm for i in self.Server)
                and all(len(s["log"][i]) <= self.MaxLogLength for i in self.Server)
                and sum(s["messages"].values()) <= self.MaxMessages)

    def invariants(self, s):
        S = self.Server
        lt = lambda e: dict(e)["term"]

        def ElectionSafety():
            return not any(i != j and s["currentTerm"][i] == s["currentTerm"][j]
                           and s["state"][i] == LEADER and s["state"][j] == LEADER for i in S for j in S)

        def LogMatching():
            for i in S:
                for j in S:
                    if i == j:
                        continue
                    a, b = s["log"][i], s["log"][j]
                    for k in range(1, min(len(a), len(b)) + 1):
                        if lt(a[k - 1]) == lt(b[k - 1]) and a[:k] != b[:k]:
                            return False
            return True

        def LeaderCompleteness():
            for i in S:
                if s["state"][i] != LEADER:
                    continue
                for j in S:
                    if j == i or not s["currentTerm"][j] < s["currentTerm"][i]:
                        continue
                    c = s["commitIndex"][j]
                    if c > len(s["log"][j]) or c > len(s["log"][i]) or s["log"][i][:c] != s["log"][j][:c]:
                        return False
            return True

        def StateMachineSafety():
            for i in S:
                for j in S:
                    c = min(s["commitIndex"][i], s["commitIndex"][j])
                    if i != j and (c > len(s["log"][i]) or c > len(s["log"][j]) or s["log"][i][:c] != s["log"][j][:c]):
                        return False
            return True

        for name, holds in [("ElectionSafety", ElectionSafety), ("LogMatching", LogMatching),
                            ("LeaderCompleteness", LeaderCompleteness),
                            ("StateMachineSafety", StateMachineSafety)]:
            if not holds():
                return name
        return None


def key(s):
    return freeze(s)


def explore(spec, check=True, states_max=5_000_000):
    """BFS as the naive reference explorer does: (distinct, generated, depth), violation."""
    init = spec.init()
    seen = {key(init)}
    level = [init]
    generated, depth = 1, 1
    if check and spec.invariants(init):
        return 1, 1, 1, (spec.invariants(init), 1)
    while level:
        following = []
        for s in level:
            for t in spec.next_states(s):
                generated += 1
                k = key(t)
                if k in seen:
                    continue
                if check:
                    bad = spec.invariants(t)
                    if bad:
                        return len(seen), generated, depth, (bad, depth + 1)
                if not spec.constraint(t):
                    continue
                seen.add(k)
                following.append(t)
                if len(seen) > states_max:
                    raise SystemExit("too many states")
        if following:
            depth += 1
        level = following
    return len(seen), generated, depth, None


def names(prefix, n):
    return [f"{prefix}{k}" for k in range(1, n + 1)]


def main():
    rows = [
        ("2 servers, 1 value, terms <= 2, logs <= 1, 2 messages, no network faults",
         Spec(names("s", 2), ["v1"], 2, 1, 2, restart=False, duplicate=False, drop=False)),
        ("2 servers, 1 value, terms <= 2, logs <= 1, 1 message, all actions",
         Spec(names("s", 2), ["v1"], 2, 1, 1)),
        ("2 servers, 1 value, terms <= 3, logs <= 1, 1 message, all actions",
         Spec(names("s", 2), ["v1"], 3, 1, 1)),
    ]
    for title, spec in rows:
        print(title, explore(spec, check=False)[:3], explore(spec)[3], flush=True)
    if "--bugs" in sys.argv:
        bugs = [
            ("VoteTwice", Spec(names("s", 3), [], 2, 0, 1, restart=False, duplicate=False, drop=False,
                               bug="VoteTwice")),
            ("TermNotPersisted", Spec(names("s", 3), [], 2, 0, 1, restart=True, duplicate=False, drop=False,
                                      bug="TermNotPersisted")),
            ("SkipLogUpToDateCheck", Spec(names("s", 3), ["v1"], 3, 1, 1, restart=False, duplicate=False,
                                          drop=False, bug="SkipLogUpToDateCheck")),
        ]
        for title, spec in bugs:
            distinct, generated, depth, violation = explore(spec)
            print(title, violation, flush=True)


if __name__ == "__main__":
    main()

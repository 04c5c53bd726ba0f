#!/usr/bin/env python3
"""An independent transcription of the Saga model in mod.rs, for counts.

Written from the model's documented rules (Garcia-Molina and Salem's sagas
run by an orchestrator), not from the Rust code: a plain breadth-first
search over Python tuples that counts distinct and generated states as TLC
does (generated = initial states plus every step emitted) and reports the
first violation of EffectBounded or SagaAtomic in BFS order, with the length
of its trace in states (initial included).

The rules, as the model's docs state them:
- the orchestrator (node 0) begins by sending Execute to step 0 and waits
  for it; on Done from the step it waits for it moves to the next (Execute
  to it) or, after the last, has committed; on Failed from it, it
  compensates the steps before it; on Compensated it ticks that step off,
  and with none left the saga has aborted; other answers are ignored;
- to compensate a set: Compensate to each of its steps, or abort at once if
  the set is empty;
- Timeout, while waiting for step r: compensate steps 0..r (with
  NoCompensateOnTimeout, 0..r-1);
- a participant (node i + 1) idle receiving Execute either commits (effect
  +1, answers Done) or aborts (answers Failed): two steps; receiving
  Compensate: done -> compensated, effect -1; compensated stays (with
  NonIdempotentCompensation, effect -1 again); idle -> cancelled; failed and
  cancelled stay; every Compensate is answered Compensated; any other
  Execute is consumed and ignored;
- the network is a bag: each distinct message in flight is one delivery;
  Duplicate adds a copy of a distinct message and Drop removes one, each
  while its budget lasts.

Usage: saga.py Steps [duplications] [losses] [NonIdempotentCompensation|NoCompensateOnTimeout]
Prints: distinct generated depth, or the first violation and its trace length.
"""

import sys
from collections import deque

BUGS = ("NonIdempotentCompensation", "NoCompensateOnTimeout")


def main():
    args = sys.argv[1:]
    bug = next((a for a in args if a in BUGS), None)
    args = [a for a in args if a not in BUGS]
    n = int(args[0])
    dups = int(args[1]) if len(args) > 1 else 0
    losses = int(args[2]) if len(args) > 2 else 0
    run(n, dups, losses, bug)


def run(n, max_dups, max_losses, bug):
    def add(msgs, *new):
        return tuple(sorted(msgs + new))

    def compensate(msgs, steps):
        if not steps:
            return ("aborted",), msgs
        return ("compensating", frozenset(steps)), add(msgs, *[(0, i + 1, "Compensate") for i in steps])

    def successors(state):
        orch, parts, effects, msgs, dups, losses = state
        out = []
        if orch == ("init",):
            out.append((("running", 0), parts, effects, add(msgs, (0, 1, "Execute")), dups, losses))
        if orch[0] == "running":
            r = orch[1]
            steps = list(range(r)) if bug == "NoCompensateOnTimeout" else list(range(r + 1))
            o, m = compensate(msgs, steps)
            out.append((o, parts, effects, m, dups, losses))
        for msg in sorted(set(msgs)):
            frm, to, kind = msg
            rest = list(msgs)
            rest.remove(msg)
            rest = tuple(rest)
            if to == 0:
                i = frm - 1
                o, m = orch, rest
                if orch == ("running", i) and kind == "Done":
                    if i + 1 == n:
                        o = ("committed",)
                    else:
                        o, m = ("running", i + 1), add(rest, (0, i + 2, "Execute"))
                elif orch == ("running", i) and kind == "Failed":
                    o, m = compensate(rest, list(range(i)))
                elif orch[0] == "compensating" and kind == "Compensated":
                    left = orch[1] - {i}
                    o = ("compensating", left) if left else ("aborted",)
                out.append((o, parts, effects, m, dups, losses))
                continue
            i = to - 1
            me = parts[i]

            def put(p, e, reply):
                m = add(rest, (to, 0, reply)) if reply else rest
                out.append((orch, parts[:i] + (p,) + parts[i + 1:], effects[:i] + (e,) + effects[i + 1:], m, dups, losses))

            if kind == "Execute" and me == "idle":
                put("done", effects[i] + 1, "Done")
                put("failed", effects[i], "Failed")
            elif kind == "Compensate":
                if me == "done":
                    put("compensated", effects[i] - 1, "Compensated")
                elif me == "compensated":
                    put(me, effects[i] - (1 if bug == "NonIdempotentCompensation" else 0), "Compensated")
                elif me == "idle":
                    put("cancelled", effects[i], "Compensated")
                else:
                    put(me, effects[i], "Compensated")
            else:
                put(me, effects[i], None)
        if losses < max_losses:
            for msg in sorted(set(msgs)):
                rest = list(msgs)
                rest.remove(msg)
                out.append((orch, parts, effects, tuple(rest), dups, losses + 1))
        if dups < max_dups:
            for msg in sorted(set(msgs)):
                out.append((orch, parts, effects, add(msgs, msg), dups + 1, losses))
        return out

    def broken(state):
        orch, effects = state[0], state[2]
        if any(e not in (0, 1) for e in effects):
            return "EffectBounded"
        if orch == ("committed",) and any(e != 1 for e in effects):
            return "SagaAtomic"
        if orch == ("aborted",) and any(e != 0 for e in effects):
            return "SagaAtomic"
        return None

    init = (("init",), ("idle",) * n, (0,) * n, (), 0, 0)
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
            why = broken(t)
            if why:
                print("violation of", why, "trace of", depth[t], "states, after", len(depth), "distinct")
                return
            queue.append(t)
    print(len(depth), generated, max(depth.values()))


if __name__ == "__main__":
    main()

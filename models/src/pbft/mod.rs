//! PBFT, Practical Byzantine Fault Tolerance (Castro and Liskov, OSDI 1999),
//! for one sequence number: the normal case (pre-prepare, prepare, commit)
//! and the view change, with byzantine replicas as a fault knob.
//!
//! # The protocol
//!
//! `n` replicas tolerate `f` byzantine ones; a quorum is `n - f` replicas,
//! `2f + 1` when `n = 3f + 1`, so any two quorums share `f + 1` replicas, at
//! least one of them correct. The primary of view `v` is replica `v mod n`.
//!
//! - `PrePrepare(v, m)`: the primary of view 0 proposes a client request `m`
//!   (any of `Value`) for the sequence number.
//! - `Prepare(v, m, i)`: backup `i` in view `v` accepts the first pre-prepare
//!   of the view it sees and says so. `(v, m)` is *prepared* once the
//!   pre-prepare and `2f` matching prepares from distinct backups exist: a
//!   *prepared certificate* of `2f + 1` messages (`n - f` in general). Two
//!   different requests cannot both be prepared in one view, since their
//!   certificates would share a correct backup.
//! - `Commit(v, m, i)`: replica `i`, having accepted `m` in view `v` and seen
//!   it prepared, commits to it. `Execute(i)`: once a quorum of matching
//!   commits exists for a request `i` committed to, `i` executes it
//!   (committed-local).
//! - `ViewChange(i)`: a replica whose timer expires moves to view `v + 1` and
//!   sends `ViewChange(v + 1, i, P)`, where `P` is its prepared certificate
//!   of the highest view (the view and request it committed to last), or
//!   none. `NewView(v, m)`: the primary of view `v`, given view changes from a
//!   quorum of distinct replicas, must re-propose the request of the
//!   certificate with the highest view among them, and may propose any
//!   request only if none has one; its new-view message is the view's
//!   pre-prepare. A request committed-local anywhere was prepared at `f + 1`
//!   correct replicas, one of which is in every view-change quorum, so it
//!   survives the view change.
//!
//! # Byzantine replicas
//!
//! The replicas of `Byzantine` run no protocol: in any state, such a replica
//! may send any message a correct replica could send in some view, in its own
//! name, as often as it likes with different contents (equivocation): a
//! pre-prepare of any request when it is the primary of view 0, and of any
//! request a new-view could justify in a later view (new-view messages carry
//! the view changes that justify them, and backups check them); a prepare of
//! any pre-prepared request; a commit of any prepared one; a view change
//! with no certificate or with any certificate that exists. It cannot forge
//! another replica's messages (they are authenticated) nor a certificate.
//! Byzantine replicas never execute; `Agreement` is about the correct ones.
//!
//! # What is abstracted
//!
//! As in `Paxos.tla`, messages are a set that only grows, `msgs`: a message,
//! once sent, may be received at any time or never, by each replica, so the
//! set is an asynchronous network with loss, duplication and reordering,
//! and receipt is implicit in the guard of the step that uses the message.
//! (The shared network layer's bag would multiply the states by delivery
//! order and per-receiver copies, which agreement does not depend on.) One
//! sequence number, so no watermarks, checkpoints or garbage collection;
//! requests are the model values of `Value`, with no clients and no replies;
//! views are bounded by `MaxView`; timeouts are nondeterministic.
//!
//! # Constants
//!
//! - `Replica`: the replicas, 2 to 4 model values; replica `k` in sorted
//!   order is the primary of the views `v` with `v mod n = k`.
//! - `F`: the faults tolerated, `f`, at least 1; `n > 2f` (quorums of `n - f`).
//! - `Byzantine`: the byzantine replicas, a subset of `Replica`; default `{}`.
//! - `Value`: the requests, 1 to 3 model values.
//! - `MaxView`: the highest view, 0 to 2.
//! - `MaxByzantineMessages`: the most messages the byzantine replicas send in
//!   all; default no bound. A budget, like the network's fault budgets, that
//!   keeps the bug specs small.
//! - `Bug`: `"None"`, `"SmallPreparedCertificate"` or `"IgnorePreparedCertificates"`.
//!
//! # What is checked
//!
//! - `Agreement`: no two correct replicas execute different requests.
//! - `Executed`, a reachability witness: some correct replica executes.
//!
//! # Seeded bugs
//!
//! - `n = 3f`: `Replica = {r1, r2, r3}`, `F = 1`, `Byzantine = {r1}`. Quorums
//!   of `n - f = 2f` intersect only in `f` replicas, all of which may be
//!   byzantine: the byzantine primary pre-prepares `v1` and `v2`; `r2`
//!   prepares `v1` and `r3` `v2` (each certificate: the pre-prepare and one
//!   prepare), each commits, the primary commits both, and each executes
//!   its own: `Agreement` fails after 10 steps.
//! - `"SmallPreparedCertificate"`: a certificate of `2f` matching messages
//!   (the pre-prepare and `2f - 1` prepares). With a byzantine primary two
//!   requests prepare in view 0; one commits at a replica; the view change
//!   finds both certificates at view 0 and may pick the other, which then
//!   executes elsewhere.
//! - `"IgnorePreparedCertificates"`: the new primary proposes any request,
//!   whatever the view changes report. Without any byzantine replica: `v1`
//!   executes in view 0 at one replica, the others move to view 1 and the
//!   new primary proposes `v2`, which executes at another.

#[cfg(test)]
mod tests;

use checker::spec::{
    ConfigError, Constants, Envelope, Invariant, Model, Predicate, Property, StateCodec, StepMessages, Value,
};

/// The most replicas.
pub const REPLICAS_MAX: usize = 4;

/// A seeded bug (constant `Bug`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Bug {
    /// The protocol as documented.
    None,
    /// A prepared certificate of `2f` messages instead of `2f + 1`.
    SmallPreparedCertificate,
    /// The new primary ignores the prepared certificates of the view changes.
    IgnorePreparedCertificates,
}

impl Bug {
    /// The values of the constant `Bug`, in the order of the variants.
    pub const NAMES: &'static [&'static str] = &["None", "SmallPreparedCertificate", "IgnorePreparedCertificates"];
}

/// A message: one bit of [`PbftState::msgs`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Msg {
    /// `PrePrepare(v, m)`, from the primary of `v` (a new-view when `v > 0`).
    PrePrepare {
        /// The view.
        view: u8,
        /// The request.
        value: u8,
    },
    /// `Prepare(v, m, i)`.
    Prepare {
        /// The view.
        view: u8,
        /// The request.
        value: u8,
        /// The sender.
        from: u8,
    },
    /// `Commit(v, m, i)`.
    Commit {
        /// The view.
        view: u8,
        /// The request.
        value: u8,
        /// The sender.
        from: u8,
    },
    /// `ViewChange(v, i, P)`: `i` moves to view `v`, reporting its certificate `P`.
    ViewChange {
        /// The new view.
        view: u8,
        /// The sender.
        from: u8,
        /// The prepared certificate `(view, request)` of the highest view, if any.
        prepared: Option<(u8, u8)>,
    },
}

/// A state: each correct replica's view and executed request, and the messages sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct PbftState {
    /// `views[i]`: replica `i`'s view (0 for byzantine replicas).
    pub views: [u8; REPLICAS_MAX],
    /// `executed[i]`: 0, or the request executed plus one.
    pub executed: [u8; REPLICAS_MAX],
    /// Every message sent, bit [`Pbft::index`] of each.
    pub msgs: u128,
}

/// One step of `Next`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PbftAction {
    /// The primary of view 0 proposes a request.
    PrePrepare {
        /// The primary.
        replica: u8,
        /// The request.
        value: u8,
    },
    /// A backup accepts a pre-prepare.
    Prepare {
        /// The backup.
        replica: u8,
        /// The request.
        value: u8,
    },
    /// A replica commits to a prepared request.
    Commit {
        /// The replica.
        replica: u8,
        /// The request.
        value: u8,
    },
    /// A replica executes a request a quorum committed to.
    Execute {
        /// The replica.
        replica: u8,
        /// The request.
        value: u8,
    },
    /// A replica's timer expires: it moves to the next view.
    ViewChange {
        /// The replica.
        replica: u8,
    },
    /// The primary of a later view proposes the request the view changes justify.
    NewView {
        /// The primary.
        replica: u8,
        /// The request.
        value: u8,
    },
    /// A byzantine replica sends a message.
    Byzantine {
        /// The replica.
        replica: u8,
        /// What it sends.
        message: Msg,
    },
}

/// PBFT for one sequence number.
#[derive(Clone, Debug)]
pub struct Pbft {
    replicas: Vec<String>,
    values: Vec<String>,
    f: u8,
    byzantine: u8,
    max_view: u8,
    bug: Bug,
    /// The most messages the byzantine replicas send in all, or `None` for no bound.
    byzantine_messages_max: Option<u8>,
}

impl Pbft {
    const CONSTANTS: &'static [&'static str] =
        &["Replica", "F", "Byzantine", "Value", "MaxView", "Bug", "MaxByzantineMessages"];

    /// PBFT over the named replicas tolerating `f` faults, with the replicas
    /// of the bit set `byzantine` byzantine, proposing the named requests,
    /// in views `0..=max_view`.
    pub fn new(replicas: Vec<String>, f: usize, byzantine: u8, values: Vec<String>, max_view: u8, bug: Bug) -> Pbft {
        let n = replicas.len();
        assert!((2..=REPLICAS_MAX).contains(&n), "2 to {REPLICAS_MAX} replicas");
        assert!(f >= 1 && n > 2 * f, "n > 2f, so that a quorum of n - f is a majority");
        assert!((1..=3).contains(&values.len()), "1 to 3 requests");
        assert!(max_view <= 2, "views 0 to 2");
        assert_eq!(byzantine >> n, 0, "byzantine replicas are replicas");
        let model = Pbft { replicas, values, f: f as u8, byzantine, max_view, bug, byzantine_messages_max: None };
        assert!(model.messages() <= 128, "the messages fit in 128 bits");
        model
    }

    /// The model a check spec's `CONSTANTS` describe.
    pub fn from_constants(constants: &Constants) -> Result<Pbft, ConfigError> {
        constants.expect_only(Self::CONSTANTS)?;
        let replicas = constants.model_values("Replica", 2, REPLICAS_MAX)?;
        let n = replicas.len();
        let f = constants.int("F", 1, ((n - 1) / 2).max(1) as i64)? as usize;
        let bad = |name: &str, message: String| {
            let constant = constants.get(name).expect("checked present");
            ConfigError::BadConstant { span: constant.span, name: constant.name.clone(), message }
        };
        if n <= 2 * f {
            return Err(bad("F", format!("F = {f} needs more than 2F = {} replicas (quorums of n - F)", 2 * f)));
        }
        let mut byzantine = 0u8;
        if constants.get("Byzantine").is_some() {
            for name in constants.model_values("Byzantine", 0, n)? {
                let Some(i) = replicas.iter().position(|r| *r == name) else {
                    return Err(bad(
                        "Byzantine",
                        format!("{name} is not a replica (Replica = {{{}}})", replicas.join(", ")),
                    ));
                };
                byzantine |= 1 << i;
            }
        }
        let values = constants.model_values("Value", 1, 3)?;
        let max_view = constants.int("MaxView", 0, 2)? as u8;
        let (v, k) = (usize::from(max_view) + 1, values.len());
        if v * k * (1 + 2 * n) + (v - 1) * n * (1 + (v - 1) * k) > 128 {
            return Err(bad(
                "MaxView",
                format!("MaxView = {max_view} with {n} replicas and {k} requests gives more than 128 messages; lower either"),
            ));
        }
        let bug = match constants.choice_or("Bug", Bug::NAMES, "None")? {
            "SmallPreparedCertificate" => Bug::SmallPreparedCertificate,
            "IgnorePreparedCertificates" => Bug::IgnorePreparedCertificates,
            _ => Bug::None,
        };
        let budget = match constants.get("MaxByzantineMessages") {
            None => None,
            Some(_) => Some(constants.int("MaxByzantineMessages", 0, 128)? as u8),
        };
        Ok(Pbft::new(replicas, f, byzantine, values, max_view, bug).with_byzantine_budget(budget))
    }

    /// The same model with the byzantine replicas sending at most `max`
    /// messages in all (`None`: no bound).
    pub fn with_byzantine_budget(self, max: Option<u8>) -> Pbft {
        Pbft { byzantine_messages_max: max, ..self }
    }

    /// How many of the messages sent have a byzantine sender.
    fn byzantine_sent(&self, s: &PbftState) -> usize {
        (0..self.messages())
            .filter(|&b| s.msgs >> b & 1 == 1 && self.is_byzantine(self.sender(self.message(b))))
            .count()
    }

    fn n(&self) -> u8 {
        self.replicas.len() as u8
    }

    fn k(&self) -> u8 {
        self.values.len() as u8
    }

    fn views(&self) -> u8 {
        self.max_view + 1
    }

    /// A quorum: `n - f`.
    pub fn quorum(&self) -> usize {
        usize::from(self.n() - self.f)
    }

    /// The messages of a prepared certificate, the pre-prepare included.
    pub fn certificate(&self) -> usize {
        match self.bug {
            Bug::SmallPreparedCertificate => 2 * usize::from(self.f),
            _ => self.quorum(),
        }
    }

    fn primary(&self, view: u8) -> u8 {
        view % self.n()
    }

    fn is_byzantine(&self, i: u8) -> bool {
        self.byzantine >> i & 1 == 1
    }

    /// The certificates a view change may report: none, or `(w, m)` for `w` below `MaxView`.
    fn certificates(&self) -> u8 {
        1 + self.max_view * self.k()
    }

    /// How many messages there are.
    fn messages(&self) -> usize {
        let (v, k, n) = (usize::from(self.views()), usize::from(self.k()), usize::from(self.n()));
        v * k * (1 + 2 * n) + usize::from(self.max_view) * n * usize::from(self.certificates())
    }

    /// The bit of `m` in `msgs`.
    pub fn index(&self, m: Msg) -> usize {
        let (v, k, n) = (usize::from(self.views()), usize::from(self.k()), usize::from(self.n()));
        match m {
            Msg::PrePrepare { view, value } => usize::from(view) * k + usize::from(value),
            Msg::Prepare { view, value, from } => {
                v * k + (usize::from(view) * k + usize::from(value)) * n + usize::from(from)
            }
            Msg::Commit { view, value, from } => {
                v * k * (1 + n) + (usize::from(view) * k + usize::from(value)) * n + usize::from(from)
            }
            Msg::ViewChange { view, from, prepared } => {
                let p = prepared.map_or(0, |(w, m)| 1 + usize::from(w) * k + usize::from(m));
                v * k * (1 + 2 * n)
                    + ((usize::from(view) - 1) * n + usize::from(from)) * usize::from(self.certificates())
                    + p
            }
        }
    }

    /// The message of bit `i`.
    pub fn message(&self, i: usize) -> Msg {
        let (v, k, n) = (usize::from(self.views()), usize::from(self.k()), usize::from(self.n()));
        let split = |j: usize| ((j / n / k) as u8, (j / n % k) as u8, (j % n) as u8);
        if i < v * k {
            Msg::PrePrepare { view: (i / k) as u8, value: (i % k) as u8 }
        } else if i < v * k * (1 + n) {
            let (view, value, from) = split(i - v * k);
            Msg::Prepare { view, value, from }
        } else if i < v * k * (1 + 2 * n) {
            let (view, value, from) = split(i - v * k * (1 + n));
            Msg::Commit { view, value, from }
        } else {
            let j = i - v * k * (1 + 2 * n);
            let c = usize::from(self.certificates());
            let (slot, p) = (j / c, j % c);
            let prepared = (p > 0).then(|| (((p - 1) / k) as u8, ((p - 1) % k) as u8));
            Msg::ViewChange { view: (slot / n + 1) as u8, from: (slot % n) as u8, prepared }
        }
    }

    fn has(&self, s: &PbftState, m: Msg) -> bool {
        s.msgs >> self.index(m) & 1 == 1
    }

    fn add(&self, s: &PbftState, m: Msg) -> PbftState {
        PbftState { msgs: s.msgs | 1 << self.index(m), ..*s }
    }

    /// Whether `(view, value)` is prepared: the pre-prepare and
    /// `certificate - 1` matching prepares from distinct backups exist.
    pub fn prepared(&self, s: &PbftState, view: u8, value: u8) -> bool {
        let backups = (0..self.n()).filter(|&i| i != self.primary(view));
        let prepares = backups.filter(|&from| self.has(s, Msg::Prepare { view, value, from })).count();
        self.has(s, Msg::PrePrepare { view, value }) && prepares + 1 >= self.certificate()
    }

    fn commits(&self, s: &PbftState, view: u8, value: u8) -> usize {
        (0..self.n()).filter(|&from| self.has(s, Msg::Commit { view, value, from })).count()
    }

    /// The request replica `i` accepted in `view`, if any: the primary's own
    /// pre-prepare, or the one a backup prepared.
    fn accepted(&self, s: &PbftState, i: u8, view: u8) -> Option<u8> {
        (0..self.k()).find(|&value| {
            if self.primary(view) == i {
                self.has(s, Msg::PrePrepare { view, value })
            } else {
                self.has(s, Msg::Prepare { view, value, from: i })
            }
        })
    }

    fn committed_to(&self, s: &PbftState, i: u8, view: u8) -> Option<u8> {
        (0..self.k()).find(|&value| self.has(s, Msg::Commit { view, value, from: i }))
    }

    /// The view changes for `view` sent, as `(sender, certificate)`.
    fn view_changes(&self, s: &PbftState, view: u8) -> Vec<(u8, Option<(u8, u8)>)> {
        let mut out = Vec::new();
        for from in 0..self.n() {
            for p in 0..self.certificates() {
                let prepared = (p > 0).then(|| ((p - 1) / self.k(), (p - 1) % self.k()));
                if prepared.is_some_and(|(w, _)| w >= view) {
                    continue;
                }
                if self.has(s, Msg::ViewChange { view, from, prepared }) {
                    out.push((from, prepared));
                }
            }
        }
        out
    }

    /// The requests a new-view for `view` may propose, as a bit set: for
    /// some quorum of view changes from distinct replicas, the request of
    /// the certificate of the highest view among them (any request if none
    /// has one). Under `IgnorePreparedCertificates`, any request once a
    /// quorum of view changes exists.
    pub fn choices(&self, s: &PbftState, view: u8) -> u8 {
        let changes = self.view_changes(s, view);
        let all = (1u8 << self.k()) - 1;
        let senders = |ok: &dyn Fn(Option<(u8, u8)>) -> bool, except: Option<u8>| {
            (0..self.n()).filter(|&j| Some(j) != except && changes.iter().any(|&(from, p)| from == j && ok(p))).count()
        };
        if senders(&|_| true, None) < self.quorum() {
            return 0;
        }
        if self.bug == Bug::IgnorePreparedCertificates || senders(&|p| p.is_none(), None) >= self.quorum() {
            return all;
        }
        let mut choices = 0;
        for &(from, p) in &changes {
            let Some((w, m)) = p else { continue };
            let below = |q: Option<(u8, u8)>| q.is_none_or(|(x, _)| x <= w);
            if senders(&below, Some(from)) + 1 >= self.quorum() {
                choices |= 1 << m;
            }
        }
        choices
    }

    /// `Agreement`: no two correct replicas execute different requests.
    pub fn agreement(&self, s: &PbftState) -> bool {
        let mut done = (0..self.n()).filter(|&i| !self.is_byzantine(i)).map(|i| s.executed[usize::from(i)]);
        let mut first = 0;
        done.all(|e| {
            if e == 0 {
                return true;
            }
            if first == 0 {
                first = e;
            }
            e == first
        })
    }

    /// `Executed`: some correct replica executed a request.
    pub fn executed(&self, s: &PbftState) -> bool {
        (0..self.n()).any(|i| !self.is_byzantine(i) && s.executed[usize::from(i)] != 0)
    }

    /// Every message a byzantine replica `b` may send now (see the module docs).
    fn byzantine_messages(&self, s: &PbftState, b: u8, out: &mut Vec<Msg>) {
        for view in 0..self.views() {
            for value in 0..self.k() {
                if self.primary(view) == b {
                    let justified = view == 0 || self.choices(s, view) >> value & 1 == 1;
                    if justified {
                        out.push(Msg::PrePrepare { view, value });
                    }
                } else if self.has(s, Msg::PrePrepare { view, value }) {
                    out.push(Msg::Prepare { view, value, from: b });
                }
                if self.prepared(s, view, value) {
                    out.push(Msg::Commit { view, value, from: b });
                }
            }
        }
        for view in 1..self.views() {
            out.push(Msg::ViewChange { view, from: b, prepared: None });
            for w in 0..view {
                for m in (0..self.k()).filter(|&m| self.prepared(s, w, m)) {
                    out.push(Msg::ViewChange { view, from: b, prepared: Some((w, m)) });
                }
            }
        }
    }

    fn msg_label(&self, m: Msg) -> String {
        let v = |x: u8| self.values[usize::from(x)].as_str();
        match m {
            Msg::PrePrepare { view, value } => format!("PrePrepare({view}, {})", v(value)),
            Msg::Prepare { view, value, .. } => format!("Prepare({view}, {})", v(value)),
            Msg::Commit { view, value, .. } => format!("Commit({view}, {})", v(value)),
            Msg::ViewChange { view, prepared: None, .. } => format!("ViewChange({view}, none)"),
            Msg::ViewChange { view, prepared: Some((w, m)), .. } => format!("ViewChange({view}, <<{w}, {}>>)", v(m)),
        }
    }

    fn sender(&self, m: Msg) -> u8 {
        match m {
            Msg::PrePrepare { view, .. } => self.primary(view),
            Msg::Prepare { from, .. } | Msg::Commit { from, .. } | Msg::ViewChange { from, .. } => from,
        }
    }

    fn msg_value(&self, m: Msg) -> Value {
        let name = |i: u8| Value::model_value(self.replicas[usize::from(i)].as_str());
        let value = |x: u8| Value::model_value(self.values[usize::from(x)].as_str());
        match m {
            Msg::PrePrepare { view, value: x } => Value::record([
                ("type", Value::str("PrePrepare")),
                ("view", Value::Int(view.into())),
                ("request", value(x)),
                ("from", name(self.primary(view))),
            ]),
            Msg::Prepare { view, value: x, from } | Msg::Commit { view, value: x, from } => Value::record([
                ("type", Value::str(if matches!(m, Msg::Prepare { .. }) { "Prepare" } else { "Commit" })),
                ("view", Value::Int(view.into())),
                ("request", value(x)),
                ("from", name(from)),
            ]),
            Msg::ViewChange { view, from, prepared } => Value::record([
                ("type", Value::str("ViewChange")),
                ("view", Value::Int(view.into())),
                ("from", name(from)),
                (
                    "prepared",
                    match prepared {
                        None => Value::set([]),
                        Some((w, x)) => Value::set([Value::Seq(vec![Value::Int(w.into()), value(x)])]),
                    },
                ),
            ]),
        }
    }

    /// The message a step sends, if any.
    fn sent(&self, from: &PbftState, to: &PbftState) -> Option<Msg> {
        let new = to.msgs & !from.msgs;
        (new != 0).then(|| self.message(new.trailing_zeros() as usize))
    }
}

impl Model for Pbft {
    type State = PbftState;
    type Action = PbftAction;

    /// Every replica in view 0, nothing executed, no message sent.
    fn init(&self, states: &mut Vec<PbftState>) {
        states.push(PbftState { views: [0; REPLICAS_MAX], executed: [0; REPLICAS_MAX], msgs: 0 });
    }

    fn next(&self, s: &PbftState, steps: &mut Vec<(PbftAction, PbftState)>) {
        for i in (0..self.n()).filter(|&i| !self.is_byzantine(i)) {
            let view = s.views[usize::from(i)];
            let primary = self.primary(view) == i;
            let proposed = (0..self.k()).any(|value| self.has(s, Msg::PrePrepare { view, value }));
            if primary && view == 0 && !proposed {
                for value in 0..self.k() {
                    steps.push((
                        PbftAction::PrePrepare { replica: i, value },
                        self.add(s, Msg::PrePrepare { view, value }),
                    ));
                }
            }
            if primary && view > 0 && !proposed {
                let choices = self.choices(s, view);
                for value in (0..self.k()).filter(|&m| choices >> m & 1 == 1) {
                    steps.push((
                        PbftAction::NewView { replica: i, value },
                        self.add(s, Msg::PrePrepare { view, value }),
                    ));
                }
            }
            if !primary && self.accepted(s, i, view).is_none() {
                for value in (0..self.k()).filter(|&value| self.has(s, Msg::PrePrepare { view, value })) {
                    let next = self.add(s, Msg::Prepare { view, value, from: i });
                    steps.push((PbftAction::Prepare { replica: i, value }, next));
                }
            }
            if let Some(value) = self.accepted(s, i, view) {
                if self.committed_to(s, i, view).is_none() && self.prepared(s, view, value) {
                    let next = self.add(s, Msg::Commit { view, value, from: i });
                    steps.push((PbftAction::Commit { replica: i, value }, next));
                }
            }
            if s.executed[usize::from(i)] == 0 {
                for w in 0..=view {
                    let Some(value) = self.committed_to(s, i, w) else { continue };
                    if self.commits(s, w, value) >= self.quorum() {
                        let mut next = *s;
                        next.executed[usize::from(i)] = value + 1;
                        steps.push((PbftAction::Execute { replica: i, value }, next));
                    }
                }
            }
            if view < self.max_view {
                let prepared = (0..=view).rev().find_map(|w| self.committed_to(s, i, w).map(|m| (w, m)));
                let mut next = self.add(s, Msg::ViewChange { view: view + 1, from: i, prepared });
                next.views[usize::from(i)] = view + 1;
                steps.push((PbftAction::ViewChange { replica: i }, next));
            }
        }
        let mut messages = Vec::new();
        let budget_left = self.byzantine_messages_max.is_none_or(|max| self.byzantine_sent(s) < usize::from(max));
        for b in (0..self.n()).filter(|&b| budget_left && self.is_byzantine(b)) {
            messages.clear();
            self.byzantine_messages(s, b, &mut messages);
            for &message in &messages {
                if !self.has(s, message) {
                    steps.push((PbftAction::Byzantine { replica: b, message }, self.add(s, message)));
                }
            }
        }
    }

    fn action_name(&self, action: &PbftAction) -> &'static str {
        match action {
            PbftAction::PrePrepare { .. } => "PrePrepare",
            PbftAction::Prepare { .. } => "Prepare",
            PbftAction::Commit { .. } => "Commit",
            PbftAction::Execute { .. } => "Execute",
            PbftAction::ViewChange { .. } => "ViewChange",
            PbftAction::NewView { .. } => "NewView",
            PbftAction::Byzantine { .. } => "Byzantine",
        }
    }

    /// The normal case (`PrePrepare` when the primary of view 0 is correct),
    /// the view change (with `MaxView > 0`), and `Byzantine` when some
    /// replica is.
    fn action_names(&self) -> Vec<&'static str> {
        let mut names = if self.is_byzantine(self.primary(0)) { vec![] } else { vec!["PrePrepare"] };
        names.extend(["Prepare", "Commit", "Execute"]);
        if self.max_view > 0 {
            names.extend(["ViewChange", "NewView"]);
        }
        if self.byzantine != 0 {
            names.push("Byzantine");
        }
        names
    }

    fn format_action(&self, action: &PbftAction) -> String {
        let r = |i: &u8| self.replicas[usize::from(*i)].as_str();
        let v = |x: &u8| self.values[usize::from(*x)].as_str();
        let name = self.action_name(action);
        match action {
            PbftAction::PrePrepare { replica, value }
            | PbftAction::Prepare { replica, value }
            | PbftAction::Commit { replica, value }
            | PbftAction::Execute { replica, value }
            | PbftAction::NewView { replica, value } => format!("{name}({}, {})", r(replica), v(value)),
            PbftAction::ViewChange { replica } => format!("{name}({})", r(replica)),
            PbftAction::Byzantine { replica, message } => {
                format!("{name}({}, {})", r(replica), self.msg_label(*message))
            }
        }
    }

    fn action_parameters(&self, action: &PbftAction) -> Vec<(&'static str, Value)> {
        let r = |i: &u8| Value::model_value(self.replicas[usize::from(*i)].as_str());
        let v = |x: &u8| Value::model_value(self.values[usize::from(*x)].as_str());
        match action {
            PbftAction::PrePrepare { replica, value }
            | PbftAction::Prepare { replica, value }
            | PbftAction::Commit { replica, value }
            | PbftAction::Execute { replica, value }
            | PbftAction::NewView { replica, value } => vec![("replica", r(replica)), ("request", v(value))],
            PbftAction::ViewChange { replica } => vec![("replica", r(replica))],
            PbftAction::Byzantine { replica, message } => {
                vec![("replica", r(replica)), ("message", self.msg_value(*message))]
            }
        }
    }

    fn nodes(&self, _: &PbftState) -> Vec<String> {
        self.replicas.clone()
    }

    /// A step that sends a message broadcasts it to every other replica;
    /// receipt is implicit (the message set), so the chart draws sends.
    fn step_messages(&self, from: &PbftState, action: &PbftAction, to: &PbftState) -> StepMessages {
        let actor = match action {
            PbftAction::PrePrepare { replica, .. }
            | PbftAction::Prepare { replica, .. }
            | PbftAction::Commit { replica, .. }
            | PbftAction::Execute { replica, .. }
            | PbftAction::ViewChange { replica }
            | PbftAction::NewView { replica, .. }
            | PbftAction::Byzantine { replica, .. } => *replica,
        };
        let mut step = StepMessages::by(self.replicas[usize::from(actor)].as_str());
        if let Some(m) = self.sent(from, to) {
            let sender = self.sender(m);
            for to in (0..self.n()).filter(|&j| j != sender) {
                let envelope = Envelope::new(
                    self.replicas[usize::from(sender)].as_str(),
                    self.replicas[usize::from(to)].as_str(),
                    self.msg_value(m),
                );
                step.sent.push(envelope.labelled(self.msg_label(m)));
            }
        }
        step
    }

    fn variables(&self, s: &PbftState) -> Vec<(&'static str, Value)> {
        let correct = || (0..self.n()).filter(|&i| !self.is_byzantine(i));
        let name = |i: u8| Value::model_value(self.replicas[usize::from(i)].as_str());
        let views = Value::map(correct().map(|i| (name(i), Value::Int(s.views[usize::from(i)].into()))));
        let executed = Value::map(correct().map(|i| {
            let e = s.executed[usize::from(i)];
            let value = if e == 0 {
                Value::set([])
            } else {
                Value::set([Value::model_value(self.values[usize::from(e - 1)].as_str())])
            };
            (name(i), value)
        }));
        let msgs = (0..self.messages()).filter(|&b| s.msgs >> b & 1 == 1).map(|b| self.msg_value(self.message(b)));
        vec![("view", views), ("executed", executed), ("msgs", Value::set(msgs))]
    }

    fn state_codec(&self) -> Option<StateCodec<PbftState>> {
        Some(StateCodec::serde())
    }

    fn invariants(&self) -> Vec<Invariant<Self>> {
        vec![Invariant::state("Agreement", |m, s| m.agreement(s))]
    }

    fn properties(&self) -> Vec<Property<Self>> {
        vec![Property::sometimes("Executed", |m, s| m.executed(s))]
    }

    fn predicates(&self) -> Vec<Predicate<Self>> {
        vec![Predicate::new("Executed", |m, s| m.executed(s))]
    }
}

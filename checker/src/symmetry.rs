//! Symmetry: permutations of model values, the canonical forms the engine
//! fingerprints, and the audit that checks a symmetry against the items of a
//! run.
//!
//! A permutation symmetry ([`crate::spec::Symmetry::permutations`]) is built by
//! the engine: it enumerates the group once, and a state's canonical form is
//! the least of its images. The images of a state under a group are its class
//! (its orbit), so the least image is the same for every member of the class,
//! is a member itself, and is its own least image: one representative per
//! class, idempotent by construction. A hand-written canonicalizer is taken on
//! trust, except that it is checked to be idempotent.
//!
//! Neither kind makes the *model* symmetric: an invariant, a constraint or
//! `next` that tells renamed values apart makes the reduced search unsound
//! (it may never look at the state that violates an invariant). The audit
//! ([`Reduction::audit`]) looks for that on the states it is given, comparing
//! a state with each image and the successors of each.

use std::borrow::Cow;
use std::cmp::Ordering;

use crate::error::{CheckError, ModelError, ModelErrorKind};
use crate::fingerprint::Fingerprint;
use crate::model::{Model, StatePredicate, StepPredicate};

/// One permutation of each of a symmetry's sets of model values: element `i`
/// of set `k` becomes element `set(k)[i]`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Permutation {
    /// The images of every set, concatenated.
    images: Box<[u8]>,
    /// Where each set's images end in `images`.
    ends: Box<[usize]>,
    /// The position of this permutation in [`Permutation::all`].
    index: usize,
}

impl Permutation {
    /// The permutation whose set `k` maps element `i` to `sets[k][i]`, or
    /// `None` if some `sets[k]` is not a permutation of `0..sets[k].len()`.
    pub fn new(sets: &[&[u8]]) -> Option<Permutation> {
        let mut images = Vec::new();
        let mut ends = Vec::new();
        for set in sets {
            let mut seen = vec![false; set.len()];
            for &i in *set {
                if usize::from(i) >= set.len() || std::mem::replace(&mut seen[usize::from(i)], true) {
                    return None;
                }
            }
            images.extend_from_slice(set);
            ends.push(images.len());
        }
        let mut p = Permutation { images: images.into(), ends: ends.into(), index: 0 };
        p.index = p.rank();
        Some(p)
    }

    /// The identity on sets of the given sizes.
    pub fn identity(sizes: &[usize]) -> Permutation {
        let sets: Vec<Vec<u8>> = sizes.iter().map(|&n| (0..n as u8).collect()).collect();
        let sets: Vec<&[u8]> = sets.iter().map(Vec::as_slice).collect();
        Permutation::new(&sets).expect("the identity is a permutation")
    }

    /// How many permutations sets of these sizes have (the product of the
    /// factorials), or `None` past `usize::MAX`.
    pub fn count(sizes: &[usize]) -> Option<usize> {
        sizes.iter().try_fold(1usize, |count, &n| (1..=n).try_fold(count, |c, k| c.checked_mul(k)))
    }

    /// Every permutation of sets of these sizes, in the order of
    /// [`Permutation::index`]: each set's permutations in lexicographic order,
    /// the first set varying slowest. The identity comes first. Sets may have
    /// at most 255 elements; callers keep the count small.
    pub fn all(sizes: &[usize]) -> Vec<Permutation> {
        let per_set: Vec<Vec<Vec<u8>>> = sizes.iter().map(|&n| lexicographic(n)).collect();
        let count: usize = per_set.iter().map(Vec::len).product();
        let mut ends = Vec::with_capacity(sizes.len());
        let mut end = 0;
        for &n in sizes {
            end += n;
            ends.push(end);
        }
        let ends: Box<[usize]> = ends.into();
        (0..count)
            .map(|index| {
                // Mixed radix, the last set the least significant digit.
                let mut digits = vec![0; sizes.len()];
                let mut rest = index;
                for (k, perms) in per_set.iter().enumerate().rev() {
                    digits[k] = rest % perms.len();
                    rest /= perms.len();
                }
                let images: Vec<u8> = digits.iter().enumerate().flat_map(|(k, &d)| per_set[k][d].clone()).collect();
                Permutation { images: images.into(), ends: ends.clone(), index }
            })
            .collect()
    }

    /// This permutation's position in [`Permutation::all`] for its sizes, so a
    /// model can precompute what a permutation does to its state (a table
    /// per permutation) and look it up in `apply`.
    #[inline]
    pub fn index(&self) -> usize {
        self.index
    }

    /// The images of set `k`: element `i` becomes `set(k)[i]`.
    #[inline]
    pub fn set(&self, k: usize) -> &[u8] {
        let start = if k == 0 { 0 } else { self.ends[k - 1] };
        &self.images[start..self.ends[k]]
    }

    /// The image of element `i` of the first set: `set(0)[i]`.
    #[inline]
    pub fn image(&self, i: usize) -> usize {
        usize::from(self.images[i])
    }

    /// How many sets this permutation permutes.
    pub fn sets(&self) -> usize {
        self.ends.len()
    }

    /// Whether every element is its own image.
    pub fn is_identity(&self) -> bool {
        self.index == 0
    }

    /// The permutation that renames by `other`, then by `self`.
    pub(crate) fn after(&self, other: &Permutation) -> Permutation {
        let images: Vec<u8> =
            (0..self.sets()).flat_map(|k| other.set(k).iter().map(move |&i| self.set(k)[usize::from(i)])).collect();
        let mut p = Permutation { images: images.into(), ends: self.ends.clone(), index: 0 };
        p.index = p.rank();
        p
    }

    /// The position in [`Permutation::all`]: each set's lexicographic rank
    /// (the Lehmer code read as a factorial-base number), in mixed radix.
    fn rank(&self) -> usize {
        (0..self.sets()).fold(0, |rank, k| {
            let set = self.set(k);
            let n = set.len();
            let factorial = Permutation::count(&[n]).expect("a set small enough to enumerate");
            let mut set_rank = 0;
            for i in 0..n {
                let smaller_after = set[i + 1..].iter().filter(|&&j| j < set[i]).count();
                set_rank = set_rank * (n - i) + smaller_after;
            }
            rank * factorial + set_rank
        })
    }

    /// `r1 -> r2, r2 -> r1`: the elements this moves, named.
    pub(crate) fn describe(&self, names: &[Vec<String>]) -> String {
        let moved: Vec<String> = (0..self.sets())
            .flat_map(|k| {
                self.set(k).iter().enumerate().filter(|&(i, &j)| i != usize::from(j)).map(move |(i, &j)| {
                    let name = |e: usize| names.get(k).and_then(|n| n.get(e)).cloned().unwrap_or(e.to_string());
                    format!("{} -> {}", name(i), name(usize::from(j)))
                })
            })
            .collect();
        if moved.is_empty() {
            "the identity".to_string()
        } else {
            moved.join(", ")
        }
    }
}

/// Every permutation of `0..n` in lexicographic order.
fn lexicographic(n: usize) -> Vec<Vec<u8>> {
    let mut p: Vec<u8> = (0..n as u8).collect();
    let mut all = vec![p.clone()];
    // The next permutation: the longest decreasing suffix, swapped with the
    // smallest larger element before it, and reversed.
    loop {
        let Some(i) = (1..n).rev().find(|&i| p[i - 1] < p[i]) else { return all };
        let j = (i..n).rev().find(|&j| p[j] > p[i - 1]).expect("p[i] is larger");
        p.swap(i - 1, j);
        p[i..].reverse();
        all.push(p.clone());
    }
}

/// The group `kept` generates, in index order: the identity and every
/// product of kept permutations.
pub(crate) fn generated(kept: Vec<Permutation>, sizes: &[usize]) -> Vec<Permutation> {
    closure(kept, sizes).0
}

/// The group `kept` generates, in index order, and the kept permutations
/// that generate it (each one outside the group of those before it).
fn closure(kept: Vec<Permutation>, sizes: &[usize]) -> (Vec<Permutation>, Vec<Permutation>) {
    let count = Permutation::count(sizes).expect("the caller bounds the count");
    let mut member = vec![false; count];
    let mut elements = vec![Permutation::identity(sizes)];
    member[0] = true;
    let mut generators: Vec<Permutation> = Vec::new();
    for p in kept {
        if member[p.index] {
            continue;
        }
        // A new generator: close the elements again under every generator.
        // Each generator at least doubles the group, so there are few.
        generators.push(p);
        let mut at = 0;
        let mut queue: Vec<usize> = (0..elements.len()).collect();
        while at < queue.len() {
            let x = elements[queue[at]].clone();
            at += 1;
            for g in &generators {
                let y = x.after(g);
                if !member[y.index] {
                    member[y.index] = true;
                    elements.push(y);
                    queue.push(elements.len() - 1);
                }
            }
        }
    }
    elements.sort_by_key(Permutation::index);
    (elements, generators)
}

/// Groups up to this size are audited under every permutation; larger ones
/// under a set of generators (a state item unchanged by each generator on
/// every state is unchanged by the whole group).
pub(crate) const AUDIT_EVERY_PERMUTATION: usize = 120;

/// The permutations the audit compares a state's images under: every one but
/// the identity, or generators of a large group (the transpositions of
/// neighbouring elements of each set, for all permutations of the sets).
pub(crate) fn audited(group: &[Permutation], sizes: &[usize]) -> Vec<Permutation> {
    if group.len() <= AUDIT_EVERY_PERMUTATION {
        return group[1..].to_vec();
    }
    if Permutation::count(sizes) == Some(group.len()) {
        let mut transpositions = Vec::new();
        for (k, &n) in sizes.iter().enumerate() {
            for i in 1..n {
                let mut sets: Vec<Vec<u8>> = sizes.iter().map(|&m| (0..m as u8).collect()).collect();
                sets[k].swap(i - 1, i);
                let sets: Vec<&[u8]> = sets.iter().map(Vec::as_slice).collect();
                transpositions.push(Permutation::new(&sets).expect("a transposition is a permutation"));
            }
        }
        return transpositions;
    }
    closure(group[1..].to_vec(), sizes).1
}

/// How long the audit runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SymmetryAudit {
    /// No audit: a symmetry is taken on trust.
    Off,
    /// Audit the first this many states expanded (in BFS order for BFS).
    First(u64),
    /// Audit every state expanded.
    Full,
}

impl SymmetryAudit {
    /// The default: the first 10,000 states, cheap next to most runs.
    pub const DEFAULT: SymmetryAudit = SymmetryAudit::First(10_000);

    /// How many states to audit.
    pub(crate) fn limit(self) -> u64 {
        match self {
            SymmetryAudit::Off => 0,
            SymmetryAudit::First(n) => n,
            SymmetryAudit::Full => u64::MAX,
        }
    }
}

/// A resolved symmetry: how to canonicalize, and what to audit.
pub(crate) struct Reduction<M: Model> {
    pub name: &'static str,
    pub kind: ReductionKind<M>,
    /// State items, named for messages: invariants, witnesses, constraints.
    pub state_items: Vec<(String, StatePredicate<M>)>,
    /// Step items: step invariants, action constraints.
    pub step_items: Vec<(String, StepPredicate<M>)>,
    /// How many states to audit.
    pub audit_limit: u64,
}

/// The two kinds of symmetry, resolved.
pub(crate) enum ReductionKind<M: Model> {
    /// The least image under `group` (identity first).
    Group {
        group: Vec<Permutation>,
        /// What the audit compares images under ([`audited`]).
        audited: Vec<Permutation>,
        apply: fn(&M, &M::State, &Permutation) -> M::State,
        order: fn(&M::State, &M::State) -> Ordering,
        names: Vec<Vec<String>>,
    },
    /// A hand-written canonicalizer.
    Canonicalizer(fn(&M, &M::State) -> M::State),
}

/// Fingerprints that only the audit compares: a fixed seed, 64 bits.
fn key<S: std::hash::Hash>(state: &S) -> u64 {
    <u64 as Fingerprint>::of(state, 0x5eed_a0d1)
}

/// One answer per item, packed: 128 items a word.
type Bits = Vec<u128>;

fn bit(bits: &[u128], k: usize) -> bool {
    bits[k / 128] >> (k % 128) & 1 == 1
}

fn answer(b: bool) -> &'static str {
    if b {
        "TRUE"
    } else {
        "FALSE"
    }
}

/// One side of a comparison: a state, how messages name it, its steps, each
/// step's target key (renamed, or canonical) and its items' answers.
struct Side<'s, M: Model> {
    state: Cow<'s, M::State>,
    /// How messages name the state, worked out only for a message.
    label: Box<dyn Fn() -> String + 's>,
    /// Whether messages show the state after the label (an image does; the
    /// audited state is shown as the error's state, a successor in its label).
    show_state: bool,
    steps: Cow<'s, [(M::Action, M::State)]>,
    keys: Vec<u64>,
    bits: Vec<Bits>,
}

impl<M: Model> Side<'_, M> {
    /// How messages name this side's state: its label, and the state itself
    /// when the label does not say which it is.
    fn name(&self) -> String {
        match self.show_state {
            true => format!("{}, {:?},", (self.label)(), self.state),
            false => (self.label)(),
        }
    }

    /// Each successor's key with its answers, as a set.
    fn pairs(&self) -> Vec<(u64, &Bits)> {
        let mut pairs: Vec<(u64, &Bits)> = self.keys.iter().copied().zip(&self.bits).collect();
        pairs.sort_unstable();
        pairs.dedup();
        pairs
    }

    /// The successors' keys, as a set.
    fn key_set(&self) -> Vec<u64> {
        let mut keys = self.keys.clone();
        keys.sort_unstable();
        keys.dedup();
        keys
    }

    /// Each successor's key with the answer of item `k`, as a set.
    fn projection(&self, k: usize) -> Vec<(u64, bool)> {
        let mut pairs: Vec<(u64, bool)> = self.keys.iter().zip(&self.bits).map(|(&key, b)| (key, bit(b, k))).collect();
        pairs.sort_unstable();
        pairs.dedup();
        pairs
    }
}

impl<M: Model> Reduction<M> {
    /// The canonical form of `state`.
    #[inline]
    pub fn canonical<'s>(&self, model: &M, state: &'s M::State) -> Cow<'s, M::State> {
        match &self.kind {
            ReductionKind::Canonicalizer(c) => Cow::Owned(c(model, state)),
            ReductionKind::Group { group, apply, order, .. } => {
                let mut least: Option<M::State> = None;
                for p in &group[1..] {
                    let image = apply(model, state, p);
                    if order(&image, least.as_ref().unwrap_or(state)) == Ordering::Less {
                        least = Some(image);
                    }
                }
                least.map_or(Cow::Borrowed(state), Cow::Owned)
            }
        }
    }

    /// Whether the state expanded `position`-th (from 0) is audited.
    #[inline]
    pub fn audits(&self, position: u64) -> bool {
        position < self.audit_limit
    }

    fn items(&self) -> usize {
        self.step_items.len() + self.state_items.len()
    }

    /// The answers of every item on a step: step items, then state items on the target.
    fn bits(&self, model: &M, from: &M::State, action: &M::Action, to: &M::State) -> Bits {
        let mut bits = vec![0u128; self.items().div_ceil(128).max(1)];
        let answers = self
            .step_items
            .iter()
            .map(|(_, p)| p(model, from, action, to))
            .chain(self.state_items.iter().map(|(_, p)| p(model, to)));
        for (k, b) in answers.enumerate() {
            bits[k / 128] |= u128::from(b) << (k % 128);
        }
        bits
    }

    fn item_name(&self, k: usize) -> &str {
        match self.step_items.get(k) {
            Some((name, _)) => name,
            None => &self.state_items[k - self.step_items.len()].0,
        }
    }

    /// Audits a state without its successors (an initial state): every state
    /// item gives the same answer on it and on each image, and a permutation
    /// symmetry's canonical form is its own.
    pub fn audit_state(&self, model: &M, state: &M::State) -> Result<(), CheckError> {
        self.check_idempotent(model, state)?;
        match &self.kind {
            ReductionKind::Canonicalizer(_) => {
                let c = self.canonical(model, state);
                if *c != *state {
                    let canonical = || "its canonical form".to_string();
                    self.compare_states(model, state, &|| "the state below".into(), &c, &canonical, state)?;
                }
            }
            ReductionKind::Group { audited, apply, names, .. } => {
                for p in audited {
                    let image = apply(model, state, p);
                    let description = || format!("its image under the permutation {}", p.describe(names));
                    self.compare_states(model, state, &|| "the state below".into(), &image, &description, state)?;
                }
            }
        }
        Ok(())
    }

    /// Whether canonicalizing the canonical form of `state` leaves it alone.
    fn check_idempotent(&self, model: &M, state: &M::State) -> Result<(), CheckError> {
        let once = self.canonical(model, state).into_owned();
        if *self.canonical(model, &once) == once {
            return Ok(());
        }
        Err(not_idempotent(self.name, state))
    }

    /// Audits an expanded state, given the steps `next` emitted from it:
    /// [`Reduction::audit_state`], then, for each image of the state, the
    /// corresponding successors (renamed alike, or with the same canonical
    /// forms), with the same answers from every step item and every state item
    /// on the targets.
    ///
    /// A permutation symmetry compares the state with its image under every
    /// permutation, and successors by renaming them. A hand-written
    /// canonicalizer offers no permutation, only the canonical form, so it
    /// compares the state, and each successor, with its canonical form, and
    /// successors by their canonical forms.
    pub fn audit(&self, model: &M, state: &M::State, steps: &[(M::Action, M::State)]) -> Result<(), CheckError> {
        self.audit_state(model, state)?;
        let bits: Vec<Bits> = steps.iter().map(|(a, t)| self.bits(model, state, a, t)).collect();
        match &self.kind {
            ReductionKind::Canonicalizer(_) => {
                for (_, t) in steps {
                    self.check_idempotent(model, t)?;
                }
                let keys = steps.iter().map(|(_, t)| key(&*self.canonical(model, t))).collect();
                let original = Side::<M> {
                    state: Cow::Borrowed(state),
                    label: Box::new(|| "the state below".into()),
                    show_state: false,
                    steps: steps.into(),
                    keys,
                    bits,
                };
                self.compare_with_canonical(model, original, state)?;
                for (a, t) in steps {
                    let label =
                        move || format!("{t:?}, the successor of the state below by {},", model.format_action(a));
                    let c = self.canonical(model, t);
                    if *c == *t {
                        continue;
                    }
                    self.compare_states(model, t, &label, &c, &|| "its canonical form".into(), state)?;
                    let mut buffer = Vec::new();
                    model.next(t, &mut buffer);
                    let successor = Side::<M> {
                        keys: buffer.iter().map(|(_, u)| key(&*self.canonical(model, u))).collect(),
                        bits: buffer.iter().map(|(b, u)| self.bits(model, t, b, u)).collect(),
                        state: Cow::Borrowed(t),
                        label: Box::new(label),
                        show_state: false,
                        steps: buffer.into(),
                    };
                    self.compare_with_canonical(model, successor, state)?;
                }
                Ok(())
            }
            ReductionKind::Group { audited, apply, names, .. } => {
                let mut original = Side::<M> {
                    state: Cow::Borrowed(state),
                    label: Box::new(|| "the state below".into()),
                    show_state: false,
                    steps: steps.into(),
                    keys: Vec::with_capacity(steps.len()),
                    bits,
                };
                let mut buffer = Vec::new();
                for p in audited {
                    let x = apply(model, state, p);
                    original.keys.clear();
                    original.keys.extend(steps.iter().map(|(_, t)| key(&apply(model, t, p))));
                    buffer.clear();
                    model.next(&x, &mut buffer);
                    let label = Box::new(move || format!("its image under the permutation {}", p.describe(names)));
                    let image = Side::<M> {
                        keys: buffer.iter().map(|(_, u)| key(u)).collect(),
                        bits: buffer.iter().map(|(b, u)| self.bits(model, &x, b, u)).collect(),
                        label,
                        show_state: true,
                        state: Cow::Owned(x),
                        steps: std::mem::take(&mut buffer).into(),
                    };
                    self.compare_successors(model, &original, &image, state)?;
                    buffer = image.steps.into_owned();
                }
                Ok(())
            }
        }
    }

    /// Compares a state's successors with its canonical form's (hand-written
    /// canonicalizers), keyed by canonical forms.
    fn compare_with_canonical(&self, model: &M, original: Side<'_, M>, audited: &M::State) -> Result<(), CheckError> {
        let c = self.canonical(model, &original.state).into_owned();
        if c == *original.state {
            return Ok(());
        }
        let mut buffer = Vec::new();
        model.next(&c, &mut buffer);
        let image = Side::<M> {
            keys: buffer.iter().map(|(_, u)| key(&*self.canonical(model, u))).collect(),
            bits: buffer.iter().map(|(b, u)| self.bits(model, &c, b, u)).collect(),
            label: Box::new(|| "its canonical form".to_string()),
            show_state: true,
            state: Cow::Owned(c),
            steps: buffer.into(),
        };
        self.compare_successors(model, &original, &image, audited)
    }

    /// Every state item on `state` (called `label`) and on `image`.
    fn compare_states(
        &self,
        model: &M,
        state: &M::State,
        label: &dyn Fn() -> String,
        image: &M::State,
        description: &dyn Fn() -> String,
        audited: &M::State,
    ) -> Result<(), CheckError> {
        for (name, p) in &self.state_items {
            let (here, there) = (p(model, state), p(model, image));
            if here != there {
                let detail = format!(
                    "{name} is {} on {} and {} on {}, {image:?}",
                    answer(here),
                    label(),
                    answer(there),
                    description()
                );
                return Err(self.error(&detail, audited, None));
            }
        }
        Ok(())
    }

    /// The successors of `original` and `image`: the same keys, with the same
    /// answers. A difference names the successor, or the item and a step.
    fn compare_successors(
        &self,
        model: &M,
        original: &Side<'_, M>,
        image: &Side<'_, M>,
        audited: &M::State,
    ) -> Result<(), CheckError> {
        if original.pairs() == image.pairs() {
            return Ok(());
        }
        let (here, there) = (original.key_set(), image.key_set());
        if here != there {
            // A successor on one side that corresponds to none on the other.
            for (one, other, other_keys) in [(original, image, &there), (image, original, &here)] {
                if let Some(j) = (0..one.keys.len()).find(|&j| other_keys.binary_search(&one.keys[j]).is_err()) {
                    let (a, t) = &one.steps[j];
                    let detail = format!(
                        "next is not symmetric: {} has the successor {t:?} (by {}), and no successor of {} \
                         corresponds to it",
                        one.name(),
                        model.format_action(a),
                        other.name()
                    );
                    return Err(self.error(detail.trim_end_matches(','), audited, None));
                }
            }
        }
        for k in 0..self.items() {
            let (here, there) = (original.projection(k), image.projection(k));
            if here == there {
                continue;
            }
            let name = self.item_name(k);
            let what = if k < self.step_items.len() { "the step" } else { "the target of the step" };
            for (one, other, other_pairs) in [(original, image, &there), (image, original, &here)] {
                let Some(j) = (0..one.keys.len())
                    .find(|&j| other_pairs.binary_search(&(one.keys[j], bit(&one.bits[j], k))).is_err())
                else {
                    continue;
                };
                let (a, t) = &one.steps[j];
                let value = bit(&one.bits[j], k);
                let detail = format!(
                    "{name} is {} on {what} from {} to {t:?} (by {}), and {} on the corresponding steps from {}",
                    answer(value),
                    one.name(),
                    model.format_action(a),
                    answer(!value),
                    other.name()
                );
                return Err(self.error(detail.trim_end_matches(','), audited, None));
            }
        }
        unreachable!("checker bug: the successors differ, but no successor and no item does")
    }

    fn error(&self, detail: &str, state: &M::State, action: Option<String>) -> CheckError {
        CheckError::Model(Box::new(ModelError {
            kind: ModelErrorKind::SymmetryNotRespected,
            message: format!(
                "the symmetry {} is not respected: {detail}. The search stores one state of each class, so it \
                 may never look at the state that breaks an invariant (or the one a witness needs), and no \
                 verdict of this run can be trusted. Either the item (or next) tells renamed model values \
                 apart (a check on one named node, an asymmetric quorum system, an order on the names), or \
                 the symmetry does not rename every part of the state. Fix the model or the symmetry, or check \
                 without SYMMETRY.",
                self.name
            ),
            state: Some(format!("{state:?}")),
            action,
            trace: None,
        }))
    }
}

/// A hand-written canonicalizer, or a permutation symmetry whose `apply` is
/// not a renaming, that changed a canonical state.
pub(crate) fn not_idempotent<S: std::fmt::Debug>(name: &str, state: &S) -> CheckError {
    CheckError::Model(Box::new(ModelError {
        kind: ModelErrorKind::NonIdempotentSymmetry,
        message: format!(
            "the symmetry {name} is not idempotent: canonicalizing a canonical state changed it, so \
             equivalent states could get different fingerprints. A canonicalizer must pick one \
             representative per class, e.g. by sorting per-node data; a permutation symmetry's apply must \
             rename consistently (renaming by p then q is renaming by their composition)."
        ),
        state: Some(format!("{state:?}")),
        action: None,
        trace: None,
    }))
}

#[cfg(test)]
mod tests;

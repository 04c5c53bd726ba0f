//! Liveness fixtures: tiny hand-built graphs, one per known pitfall, each
//! verdict worked out by hand; and a naive oracle that enumerates every
//! strongly connected set of edges of random tiny graphs.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::check;
use crate::config::CheckConfig;
use crate::config::{FairnessSpec, Named, Span};
use crate::fingerprint::Fingerprint;
use crate::fixtures::{config, named};
use crate::model::{Constraint, Fairness, Model, Predicate, Property, Strength};
use crate::outcome::{Counterexample, StopReason, Verdict};

/// A graph as a model: states are node numbers; `edges` are `(from, action,
/// parameter, to)`; `P` and `Q` are sets of nodes.
#[derive(Clone, Debug, Default)]
struct GraphModel {
    initial: Vec<u8>,
    edges: Vec<(u8, &'static str, u8, u8)>,
    p: Vec<u8>,
    q: Vec<u8>,
    fairness: Vec<Fairness>,
    /// A state constraint `s <= bound`, named `Bound`.
    bound: Option<u8>,
    /// An action constraint, named `Allowed`, that forbids these steps.
    blocked: Vec<(u8, &'static str, u8, u8)>,
    /// Fairness passed as a check spec's `FAIRNESS` (see [`as_spec`]).
    spec_fairness: Vec<Fairness>,
}

const ACTIONS: &[&str] = &["A", "B", "C", "L", "R", "J", "Back", "Go", "Idle", "Tick"];

impl Model for GraphModel {
    type State = u8;
    type Action = (&'static str, u8);

    fn init(&self, states: &mut Vec<u8>) {
        states.extend(&self.initial);
    }

    fn next(&self, s: &u8, steps: &mut Vec<((&'static str, u8), u8)>) {
        for &(from, action, parameter, to) in &self.edges {
            if from == *s {
                steps.push(((action, parameter), to));
            }
        }
    }

    fn action_name(&self, action: &(&'static str, u8)) -> &'static str {
        action.0
    }

    fn action_names(&self) -> Vec<&'static str> {
        ACTIONS.to_vec()
    }

    fn format_action(&self, action: &(&'static str, u8)) -> String {
        format!("{}({})", action.0, action.1)
    }

    /// The parameter `p` as two: `r = p / 10` and `m = p % 10`.
    fn action_parameters(&self, action: &(&'static str, u8)) -> Vec<(&'static str, crate::Value)> {
        vec![("r", crate::Value::Int(i64::from(action.1 / 10))), ("m", crate::Value::Int(i64::from(action.1 % 10)))]
    }

    fn properties(&self) -> Vec<Property<Self>> {
        vec![
            Property::eventually("EventuallyP", |m, s| m.p.contains(s)),
            Property::always_eventually("InfinitelyOftenP", |m, s| m.p.contains(s)),
            Property::eventually_always("EventuallyAlwaysP", |m, s| m.p.contains(s)),
            Property::leads_to("PLeadsToQ", |m, s| m.p.contains(s), |m, s| m.q.contains(s)),
        ]
    }

    fn fairness(&self) -> Vec<Fairness> {
        self.fairness.clone()
    }

    fn constraints(&self) -> Vec<Constraint<Self>> {
        vec![
            Constraint::state("Bound", |m, s| m.bound.is_none_or(|b| *s <= b)),
            Constraint::action("Allowed", |m, from, action: &(&str, u8), to| {
                !m.blocked.contains(&(*from, action.0, action.1, *to))
            }),
        ]
    }

    fn predicates(&self) -> Vec<Predicate<Self>> {
        vec![Predicate::new("P", |m, s| m.p.contains(s)), Predicate::new("Q", |m, s| m.q.contains(s))]
    }
}

/// A configuration with the model's constraints.
fn constrained(model: &GraphModel, threads: usize) -> crate::config::CheckConfig {
    let mut c = config(&[], threads);
    if model.bound.is_some() {
        c.constraints = named(&["Bound"]);
    }
    if !model.blocked.is_empty() {
        c.action_constraints = named(&["Allowed"]);
    }
    c.fairness = model.spec_fairness.iter().map(as_spec).collect();
    c
}

/// A model's fairness condition as a check spec writes it: a split by the
/// parameters `r`, `m` (positions 0, 1) as `\A` over the arguments.
fn as_spec(f: &Fairness) -> FairnessSpec {
    let named = |name: &str| Named { name: name.into(), span: Span::default() };
    let count = f.or.len() + 1;
    let selected: Vec<usize> = f.parameters.iter().map(|p| if *p == "r" { 0 } else { 1 }).collect();
    FairnessSpec {
        per_instance: f.per_instance,
        or: f.or.iter().map(|a| named(a)).collect(),
        arguments: if selected.is_empty() {
            Vec::new()
        } else {
            (0..count)
                .map(|_| crate::config::FairArguments { count: 2, selected: selected.clone(), span: Span::default() })
                .collect()
        },
        ..FairnessSpec::on(f.strength, named(f.action))
    }
}

fn verdict(model: &GraphModel, property: &str, threads: usize) -> Verdict {
    let mut c = constrained(model, threads);
    c.properties = named(&[property]);
    check(model, &c).unwrap().check(property).unwrap().verdict.clone()
}

/// The lasso as node numbers and the loop start.
fn lasso(model: &GraphModel, property: &str) -> (Vec<String>, usize) {
    let Verdict::Violated(Counterexample::Lasso(lasso)) = verdict(model, property, 2) else {
        panic!("{property} is not violated by a lasso")
    };
    let states = lasso.trace.steps.iter().map(|s| s.state[0].1.to_string().trim_matches('"').to_string()).collect();
    (states, lasso.loop_start)
}

fn holds(model: &GraphModel, property: &str) -> bool {
    let one = verdict(model, property, 1);
    assert_eq!(one, verdict(model, property, 2), "1 and 2 threads disagree on {property}");
    match one {
        Verdict::Holds => true,
        Verdict::Violated(_) => false,
        other => panic!("{other:?}"),
    }
}

#[test]
fn stuttering_is_a_behaviour_and_never_fair_progress() {
    // 0 -Go-> 1, P = {1}. Without fairness the behaviour that stutters at 0
    // forever never reaches P: <>P is violated by the lasso [0] (a stutter).
    // With WF(Go), Go is continuously enabled at 0 and must be taken: holds.
    let mut m = GraphModel { initial: vec![0], edges: vec![(0, "Go", 0, 1)], p: vec![1], ..Default::default() };
    assert_eq!(lasso(&m, "EventuallyP"), (vec!["0".to_string()], 0));
    m.fairness = vec![Fairness::weak("Go")];
    assert!(holds(&m, "EventuallyP"));
    // A self-loop is a stutter: Idle at 0 neither enables nor takes anything,
    // so WF(Idle) does not rule out stuttering at 0, and <>P fails again.
    m.edges.push((0, "Idle", 0, 0));
    m.fairness = vec![Fairness::weak("Idle")];
    assert!(!holds(&m, "EventuallyP"));
}

#[test]
fn a_cycle_through_a_dag_join_is_found() {
    // 0 -L-> 1 -J-> 3, 0 -R-> 2 -J-> 3, 3 -Back-> 0; P = {1}. The behaviour
    // 0 2 3 0 2 3 ... never visits 1, so <>P is violated even with weak
    // fairness on every action: L is enabled at 0 only, not continuously.
    let mut m = GraphModel {
        initial: vec![0],
        edges: vec![(0, "L", 0, 1), (0, "R", 0, 2), (1, "J", 0, 3), (2, "J", 0, 3), (3, "Back", 0, 0)],
        p: vec![1],
        ..Default::default()
    };
    m.fairness = ["L", "R", "J", "Back"].map(Fairness::weak).to_vec();
    let (states, loop_start) = lasso(&m, "EventuallyP");
    assert_eq!((states, loop_start), (vec!["0".into(), "2".into(), "3".into()], 0));
    // The report says why the cycle 0 2 3 is fair although L never happens.
    let Verdict::Violated(Counterexample::Lasso(lasso)) = verdict(&m, "EventuallyP", 1) else { panic!() };
    assert_eq!(
        lasso.notes,
        [
            "WF(L): not taken, but disabled at cycle state 2 (weak fairness asks no more)",
            "WF(R): taken on the cycle",
            "WF(J): taken on the cycle",
            "WF(Back): taken on the cycle",
            "never taken on the cycle: A, B, C, L, Go, Idle, Tick",
        ]
    );
    // SF(L): L is enabled infinitely often on that cycle, so it must be taken.
    m.fairness.push(Fairness::strong("L"));
    assert!(holds(&m, "EventuallyP"));
}

#[test]
fn the_lasso_is_a_real_cycle_not_the_whole_component() {
    // One component {0, 1, 2, 3}: a ring 0 1 2 3 0 and a chord 1 -> 0; P = {3}.
    // []<>P fails on the cycle 0 1 0, which avoids 3 and is not the component.
    // Under WF(B) (B = the chord, continuously enabled at 1 only) the cycle
    // must still satisfy B: 0 -A-> 1 -B-> 0 does.
    let m = GraphModel {
        initial: vec![0],
        edges: vec![(0, "A", 0, 1), (1, "A", 0, 2), (2, "A", 0, 3), (3, "A", 0, 0), (1, "B", 0, 0)],
        p: vec![3],
        fairness: vec![Fairness::weak("A"), Fairness::weak("B")],
        ..Default::default()
    };
    let (states, loop_start) = lasso(&m, "InfinitelyOftenP");
    assert_eq!((states, loop_start), (vec!["0".into(), "1".into()], 0));
}

#[test]
fn per_instance_fairness_is_not_union_fairness() {
    // Tick(1) toggles 0 <-> 1; Tick(2) goes from 0 or 1 to 2, where P holds.
    // WF(Tick), the union: Tick(1) steps on the cycle 0 1 0 satisfy it, so
    // <>P is violated. \A p: WF(Tick(p)): Tick(2) is continuously enabled on
    // that cycle and never taken, so the cycle is unfair and <>P holds.
    let mut m = GraphModel {
        initial: vec![0],
        edges: vec![(0, "Tick", 1, 1), (1, "Tick", 1, 0), (0, "Tick", 2, 2), (1, "Tick", 2, 2)],
        p: vec![2],
        fairness: vec![Fairness::weak("Tick")],
        ..Default::default()
    };
    assert!(!holds(&m, "EventuallyP"));
    m.fairness = vec![Fairness::weak_each("Tick")];
    assert!(holds(&m, "EventuallyP"));
}

/// The verdict of `property` under fairness written in a check spec's
/// `FAIRNESS` line (and `MODEL_FAIRNESS`), on 1 and 2 threads.
fn spec_verdict(model: &GraphModel, property: &str, fairness: &str) -> Result<Verdict, String> {
    let spec = crate::parse_spec(&format!("MODEL Graph\nPROPERTY {property}\n{fairness}\n")).unwrap();
    let run = |threads| {
        let c = CheckConfig::builder().spec(&spec).threads(threads).build();
        match check(model, &c) {
            Ok(outcome) => Ok(outcome.check(property).unwrap().verdict.clone()),
            Err(e) => Err(e.to_string()),
        }
    };
    let one = run(1);
    assert_eq!(one, run(2), "1 and 2 threads disagree on {property} under {fairness}");
    one
}

fn spec_holds(model: &GraphModel, property: &str, fairness: &str) -> bool {
    match spec_verdict(model, property, fairness).unwrap() {
        Verdict::Holds => true,
        Verdict::Violated(_) => false,
        other => panic!("{other:?}"),
    }
}

#[test]
fn union_fairness_can_hold_where_fairness_of_each_action_fails() {
    // C toggles 0 <-> 1; A is enabled at 0 only and B at 1 only, both to 2,
    // where P holds. On the cycle 0 1 0 neither A nor B is continuously
    // enabled, so WF(A) /\ WF(B) allows it and <>P is violated. A \/ B is
    // enabled at 0 and at 1, continuously, and never taken on it, so under
    // WF(A \/ B) that cycle is unfair (and so is stuttering at 0 or 1): <>P holds.
    let mut m = GraphModel {
        initial: vec![0],
        edges: vec![(0, "C", 0, 1), (1, "C", 0, 0), (0, "A", 0, 2), (1, "B", 0, 2)],
        p: vec![2],
        fairness: vec![Fairness::weak("A"), Fairness::weak("B")],
        ..Default::default()
    };
    assert_eq!(lasso(&m, "EventuallyP"), (vec!["0".to_string(), "1".to_string()], 0));
    m.fairness = vec![Fairness::weak("A").or("B")];
    assert!(holds(&m, "EventuallyP"));
    // The same written in a check spec.
    let m = GraphModel { fairness: vec![], ..m };
    assert!(!spec_holds(&m, "EventuallyP", "FAIRNESS WF(A) WF(B)"));
    assert!(spec_holds(&m, "EventuallyP", "FAIRNESS WF(A \\/ B)"));
    assert!(spec_holds(&m, "EventuallyP", "FAIRNESS SF(B \\/ A)"));
}

#[test]
fn a_behaviour_fair_to_the_union_may_starve_one_of_its_actions() {
    // B toggles 0 <-> 1; A goes from 0 and from 1 to 2, where P holds. The
    // cycle 0 1 0 takes B, so it is fair to A \/ B while A stays enabled and
    // is never taken: <>P is violated under WF(A \/ B), holds under WF(A).
    let mut m = GraphModel {
        initial: vec![0],
        edges: vec![(0, "B", 0, 1), (1, "B", 0, 0), (0, "A", 0, 2), (1, "A", 0, 2)],
        p: vec![2],
        fairness: vec![Fairness::weak("A").or("B")],
        ..Default::default()
    };
    let Verdict::Violated(Counterexample::Lasso(lasso)) = verdict(&m, "EventuallyP", 1) else { panic!() };
    assert_eq!(lasso.loop_start, 0);
    assert_eq!(lasso.notes[0], "WF(A \\/ B): taken on the cycle");
    m.fairness = vec![Fairness::weak("A"), Fairness::weak("B")];
    assert!(holds(&m, "EventuallyP"));
    let m = GraphModel { fairness: vec![], ..m };
    assert!(!spec_holds(&m, "EventuallyP", "FAIRNESS WF(A \\/ B)"));
    assert!(spec_holds(&m, "EventuallyP", "FAIRNESS WF(A) WF(B)"));
}

/// Two receivers r1 and r2 (`A(r, m)`, parameter `10 r + m`): r1 takes
/// message 0 at state 0 and message 1 at state 1, moving 0 <-> 1; r2 can
/// take message 0 at 0 and message 1 at 1, either to 3, where P holds.
fn two_receivers() -> GraphModel {
    GraphModel {
        initial: vec![0],
        edges: vec![(0, "A", 10, 1), (1, "A", 11, 0), (0, "A", 20, 3), (1, "A", 21, 3)],
        p: vec![3],
        ..Default::default()
    }
}

#[test]
fn fairness_per_selected_parameter_is_fairness_to_each_receiver() {
    // On the cycle 0 1 0, only r1 receives. WF(A) is met by r1's steps; each
    // instance A(20), A(21) is disabled at one state of the cycle, so
    // per-instance fairness is met too: <>P is violated under both. Per
    // receiver, r2's condition (A(20) or A(21)) is enabled at 0 and at 1 and
    // never taken: the cycle is unfair, and <>P holds.
    let mut m = two_receivers();
    m.fairness = vec![Fairness::weak("A")];
    assert!(!holds(&m, "EventuallyP"));
    m.fairness = vec![Fairness::weak_each("A")];
    assert!(!holds(&m, "EventuallyP"));
    m.fairness = vec![Fairness::weak("A").per(&["r"])];
    assert!(holds(&m, "EventuallyP"));
    // Per message, r1 takes message 0 (A(10)) and message 1 (A(11)) on the
    // cycle, which meets both conditions: violated.
    m.fairness = vec![Fairness::weak("A").per(&["m"])];
    let Verdict::Violated(Counterexample::Lasso(lasso)) = verdict(&m, "EventuallyP", 1) else { panic!() };
    assert_eq!(lasso.notes[..2], ["WF(A) for m = 0: taken on the cycle", "WF(A) for m = 1: taken on the cycle"]);
    // Per receiver, the lasso's notes name the starved receiver.
    m.fairness = vec![Fairness::weak("A").per(&["r"]), Fairness::weak("C")];
    m.edges.push((1, "C", 0, 4));
    m.edges.push((4, "C", 0, 0));
    let Verdict::Violated(Counterexample::Lasso(lasso)) = verdict(&m, "EventuallyP", 1) else { panic!() };
    assert_eq!(
        lasso.notes[..3],
        [
            "WF(A) for r = 1: taken on the cycle",
            "WF(A) for r = 2: not taken, but disabled at cycle state 3 (weak fairness asks no more)",
            "WF(C): taken on the cycle",
        ]
    );
    m.edges.truncate(4);
    // The same written in a check spec: the arguments stand for the
    // parameters (r, m) by position.
    let m = GraphModel { fairness: vec![], ..m };
    assert!(spec_holds(&m, "EventuallyP", "FAIRNESS \\A r : WF(\\E m : A(r, m))"));
    assert!(spec_holds(&m, "EventuallyP", "FAIRNESS \\A x \\in R : WF(\\E y \\in M : A(x, y))"));
    assert!(!spec_holds(&m, "EventuallyP", "FAIRNESS \\A m : WF(\\E r : A(r, m))"));
    assert!(!spec_holds(&m, "EventuallyP", "FAIRNESS \\A p : WF(A(p))"));
    assert!(!spec_holds(&m, "EventuallyP", "FAIRNESS \\A r, m : WF(A(r, m))"));
    assert!(!spec_holds(&m, "EventuallyP", "FAIRNESS WF(A)"));
}

#[test]
fn a_split_by_parameters_the_actions_do_not_have_is_an_error() {
    let m = two_receivers();
    assert_eq!(
        spec_verdict(&m, "EventuallyP", "FAIRNESS \\A r : WF(\\E m, k : A(r, m, k))").unwrap_err(),
        "unsupported: fairness WF(A): A is applied to 3 arguments here, but its steps have 2 parameters (r, m)"
    );
    // In a union, the error points at the action whose steps do not match.
    let mut with_b = m.clone();
    with_b.edges.push((3, "B", 1, 0));
    let spec = crate::parse_spec("MODEL Graph\nPROPERTY EventuallyP\nFAIRNESS \\A r : WF(\\E m : A(r, m) \\/ B(r))\n")
        .unwrap();
    let crate::CheckError::Config(error) = check(&with_b, &CheckConfig::builder().spec(&spec).build()).unwrap_err()
    else {
        panic!("not a config error")
    };
    assert_eq!(error.span(), Span { line: 3, column: 38 });
    assert_eq!(
        error.to_string(),
        "unsupported: fairness WF(A \\/ B): B is applied to 1 argument here, but its steps have 2 parameters (r, m)"
    );
    let m = GraphModel { fairness: vec![Fairness::weak("A").per(&["node"])], ..m };
    let c = CheckConfig::builder().properties(["EventuallyP"]).build();
    assert_eq!(
        check(&m, &c).unwrap_err().to_string(),
        "unsupported: the model's fairness WF(A): action A has no parameter `node` (its parameters, from \
         action_parameters: r, m)"
    );
}

#[test]
fn model_fairness_false_drops_the_models_fairness_and_keeps_the_specs() {
    // 0 -Go-> 1, P = {1}: <>P holds under the model's WF(Go) only.
    let m = GraphModel {
        initial: vec![0],
        edges: vec![(0, "Go", 0, 1)],
        p: vec![1],
        fairness: vec![Fairness::weak("Go")],
        ..Default::default()
    };
    assert!(spec_holds(&m, "EventuallyP", ""));
    assert!(spec_holds(&m, "EventuallyP", "MODEL_FAIRNESS TRUE"));
    assert!(!spec_holds(&m, "EventuallyP", "MODEL_FAIRNESS FALSE"));
    assert!(spec_holds(&m, "EventuallyP", "MODEL_FAIRNESS FALSE\nFAIRNESS WF(Go)"));
    // And the builder's setting.
    let c = CheckConfig::builder().properties(["EventuallyP"]).model_fairness(false).build();
    assert!(matches!(check(&m, &c).unwrap().check("EventuallyP").unwrap().verdict, Verdict::Violated(_)));
}

#[test]
fn a_model_fairness_naming_an_unknown_action_is_a_model_error_not_a_panic() {
    let m = GraphModel {
        initial: vec![0],
        edges: vec![(0, "Go", 0, 1)],
        p: vec![1],
        fairness: vec![Fairness::weak("Go").or("Gone")],
        ..Default::default()
    };
    let c = CheckConfig::builder().properties(["EventuallyP"]).build();
    let Err(crate::CheckError::Model(e)) = check(&m, &c) else { panic!("expected a model error") };
    assert_eq!(e.kind, crate::ModelErrorKind::BadDeclaration);
    assert!(e.message.contains("names the action Gone, which is not one of its action_names (A, B,"), "{}", e.message);
    // Without the model's fairness the declaration is not used, and the run goes on.
    let c = CheckConfig::builder().properties(["EventuallyP"]).model_fairness(false).build();
    assert!(check(&m, &c).is_ok());
}

#[test]
fn leads_to_and_eventually_always_need_the_right_cycles() {
    // 0 -A-> 1 -A-> 2 -A-> 1; P = {0, 2}, Q = {2}. P ~> Q: from 0 (P, not Q)
    // the behaviour must reach 2 unless it stutters: with WF(A) it does, so it
    // holds; <>[]P fails on the cycle 1 2 1, which visits 1 (not P) forever.
    let m = GraphModel {
        initial: vec![0],
        edges: vec![(0, "A", 0, 1), (1, "A", 0, 2), (2, "A", 0, 1)],
        p: vec![0, 2],
        q: vec![2],
        fairness: vec![Fairness::weak("A")],
        ..Default::default()
    };
    assert!(holds(&m, "PLeadsToQ"));
    let (states, loop_start) = lasso(&m, "EventuallyAlwaysP");
    assert_eq!(&states[loop_start..].len(), &2);
    // Without fairness, stuttering at 0 or 1 violates P ~> Q.
    let m = GraphModel { fairness: vec![], ..m };
    assert!(!holds(&m, "PLeadsToQ"));
}

#[test]
fn constraints_that_cut_every_fair_behaviour_make_liveness_unknown() {
    // 0 -A-> 1 -A-> 2 -A-> 3 ...: a counter bounded by a constraint at 2.
    // Under WF(A) the only fair behaviours run past the bound, so nothing fair
    // is left inside it: <>P would "hold" for any P. That is reported.
    let mut m = GraphModel {
        initial: vec![0],
        edges: vec![(0, "A", 0, 1), (1, "A", 0, 2), (2, "A", 0, 3)],
        p: vec![7],
        fairness: vec![Fairness::weak("A")],
        bound: Some(2),
        ..Default::default()
    };
    assert_eq!(verdict(&m, "EventuallyP", 2), Verdict::Unknown(StopReason::Vacuous));
    // Without fairness, stuttering at 0 is a fair behaviour inside the bound.
    m.fairness.clear();
    assert!(matches!(verdict(&m, "EventuallyP", 2), Verdict::Violated(_)));
}

/// The states of a finite counterexample (a safety violation of a property).
fn finite_trace(verdict: Verdict) -> Vec<String> {
    let Verdict::Violated(Counterexample::Trace(trace)) = verdict else { panic!("not a finite trace: {verdict:?}") };
    trace.steps.iter().map(|s| s.state[0].1.to_string().trim_matches('"').to_string()).collect()
}

#[test]
fn always_is_a_safety_check_on_every_state_reachable_inside_the_constraints() {
    // 0 -Go-> 1 -A-> 5 under the constraint s <= 3, P = {1}. State 1 is
    // reachable inside the constraint, so []~P fails on the trace 0 1,
    // whatever the fairness: TLC checks a `[]S` property as an invariant.
    let mut m = GraphModel {
        initial: vec![0],
        edges: vec![(0, "Go", 0, 1), (1, "A", 0, 5)],
        p: vec![1],
        bound: Some(3),
        ..Default::default()
    };
    assert_eq!(finite_trace(formula_verdict(&m, "[]~P")), ["0", "1"]);
    // Under WF(A) no fair behaviour stays at 1 (A is enabled there and its
    // step leaves the constraint), but reaching 1 is enough.
    m.fairness = vec![Fairness::weak("A")];
    assert_eq!(finite_trace(formula_verdict(&m, "[]~P")), ["0", "1"]);
    // The conjunct decides for the whole formula.
    assert_eq!(finite_trace(formula_verdict(&m, "<>TRUE /\\ []~P")), ["0", "1"]);
    // As with invariants, a state outside the constraints is checked too: 5,
    // generated from 1 and never stored.
    m.p = vec![5];
    assert_eq!(finite_trace(formula_verdict(&m, "[]~P")), ["0", "1", "5"]);
    // So is the target of a step the action constraint forbids.
    let m = GraphModel { bound: None, blocked: vec![(1, "A", 0, 5)], ..m };
    assert_eq!(finite_trace(formula_verdict(&m, "[]~P")), ["0", "1", "5"]);
    let m = GraphModel { p: vec![7], ..m };
    assert_eq!(formula_verdict(&m, "[]~P"), Verdict::Holds);
}

#[test]
fn a_state_with_a_step_leaving_the_constraints_may_stutter_forever() {
    // Initial states 0 and 2; 0 -Go-> 1 -A-> 5 under the constraint s <= 3;
    // WF(Go); P = {2}. The behaviour 0 1 1 1 ... is fair (Go is disabled at
    // 1, A is not fair) and never reaches P: <>P is violated by the lasso
    // 0 1 with a stuttering cycle at 1.
    let m = GraphModel {
        initial: vec![0, 2],
        edges: vec![(0, "Go", 0, 1), (1, "A", 0, 5)],
        p: vec![2],
        fairness: vec![Fairness::weak("Go")],
        bound: Some(3),
        ..Default::default()
    };
    assert_eq!(lasso(&m, "EventuallyP"), (vec!["0".to_string(), "1".to_string()], 1));
    // The same when an action constraint forbids the step instead.
    let m = GraphModel { bound: None, blocked: vec![(1, "A", 0, 5)], ..m };
    assert_eq!(lasso(&m, "EventuallyP"), (vec!["0".to_string(), "1".to_string()], 1));
}

#[test]
fn a_step_leaving_the_constraints_still_enables_its_action() {
    // Initial states 0 and 2; 0 -B-> 1 -B-> 0, and A leaves the constraint
    // s <= 3 from 0 and from 1; WF(A); P = {2}. A is enabled at every state of
    // the cycle 0 1 0 and never taken inside the constraint, so neither the
    // cycle nor stuttering at 0 or 1 is fair. The only fair behaviour stutters
    // at 2, where P holds: <>P holds.
    let mut m = GraphModel {
        initial: vec![0, 2],
        edges: vec![(0, "B", 0, 1), (1, "B", 0, 0), (0, "A", 0, 5), (1, "A", 0, 5)],
        p: vec![2],
        fairness: vec![Fairness::weak("A")],
        bound: Some(3),
        ..Default::default()
    };
    assert!(holds(&m, "EventuallyP"));
    // The same when an action constraint forbids the A steps instead.
    let blocked = GraphModel { bound: None, blocked: vec![(0, "A", 0, 5), (1, "A", 0, 5)], ..m.clone() };
    assert!(holds(&blocked, "EventuallyP"));
    // ENABLED sees the steps that leave the constraint as well.
    assert_eq!(formula_verdict(&m, "[]<>(ENABLED A \\/ P)"), Verdict::Holds);
    // Without the A step at 1, A is disabled there: the cycle 0 1 0 is fair,
    // and the note says where A is disabled, not that it is never enabled.
    m.edges.pop();
    let (states, loop_start) = lasso(&m, "EventuallyP");
    assert_eq!((states, loop_start), (vec!["0".to_string(), "1".to_string()], 0));
    let Verdict::Violated(Counterexample::Lasso(lasso)) = verdict(&m, "EventuallyP", 1) else { panic!() };
    assert_eq!(lasso.notes[0], "WF(A): not taken, but disabled at cycle state 2 (weak fairness asks no more)");
}

#[test]
fn the_fairness_validator_rejects_unfair_lassos_and_lassos_that_leave_the_constraints() {
    use super::validate::unfair;
    use crate::check::Plan;
    use crate::trace::Path;
    // 0 -B-> 1 -B-> 0, and A leaves the constraint s <= 3 from 0 and 1.
    let mut m = GraphModel {
        initial: vec![0],
        edges: vec![(0, "B", 0, 1), (1, "B", 0, 0), (0, "A", 0, 5), (1, "A", 0, 5)],
        fairness: vec![Fairness::weak("A")],
        bound: Some(3),
        ..Default::default()
    };
    let cycle: Path<GraphModel> = vec![(None, 0), (Some(("B", 0)), 1)];
    let stutter: Path<GraphModel> = vec![(None, 0)];
    let out: Path<GraphModel> = vec![(None, 0), (Some(("A", 0)), 5)];
    let c = constrained(&m, 1);
    let plan = Plan::new(&m, &c).unwrap();
    // A is enabled at both states of the cycle and at the stuttering state.
    assert_eq!(unfair(&plan, &cycle, 0).as_deref(), Some("WF(A) is not met on the cycle"));
    assert_eq!(unfair(&plan, &stutter, 0).as_deref(), Some("WF(A) is not met on the cycle"));
    assert_eq!(unfair(&plan, &out, 1).as_deref(), Some("step 2 leaves the constraints"));
    // Without the A step at 1, A is disabled there: the cycle is fair, the
    // stutter at 0 is not.
    m.edges.pop();
    let plan = Plan::new(&m, &c).unwrap();
    assert_eq!(unfair(&plan, &cycle, 0), None);
    assert_eq!(unfair(&plan, &stutter, 0).as_deref(), Some("WF(A) is not met on the cycle"));
    // Without the B step back to 0, nothing closes the cycle.
    m.edges.remove(1);
    let plan = Plan::new(&m, &c).unwrap();
    assert_eq!(unfair(&plan, &cycle, 0).as_deref(), Some("no step inside the constraints closes the cycle"));
    // Strong fairness per instance: B(0) is enabled at 0, once per cycle, and
    // never taken on the cycle 0 -B(1)-> 1 -B(1)-> 0.
    let m = GraphModel {
        initial: vec![0],
        edges: vec![(0, "B", 1, 1), (1, "B", 1, 0), (0, "B", 0, 2)],
        fairness: vec![Fairness::strong_each("B")],
        ..Default::default()
    };
    let c = constrained(&m, 1);
    let plan = Plan::new(&m, &c).unwrap();
    let cycle: Path<GraphModel> = vec![(None, 0), (Some(("B", 1)), 1)];
    assert_eq!(unfair(&plan, &cycle, 0).as_deref(), Some("SF(B(0)) is not met on the cycle"));
    let weak = GraphModel { fairness: vec![Fairness::weak_each("B")], ..m.clone() };
    assert_eq!(unfair(&Plan::new(&weak, &c).unwrap(), &cycle, 0), None);
}

/// A 2-bit fingerprint: at most four states can be told apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Tiny(u8);

impl Fingerprint for Tiny {
    const BITS: u32 = 2;
    const ROOT: Tiny = Tiny(0);
    const BYTES: usize = 1;
    fn of<T: std::hash::Hash + ?Sized>(value: &T, seed: u64) -> Tiny {
        Tiny((u64::of(value, seed) & 3) as u8)
    }
    fn to_u128(self) -> u128 {
        self.0.into()
    }
    fn from_u128(wide: u128) -> Tiny {
        Tiny(wide as u8)
    }
}

#[test]
fn the_behaviour_graph_tells_states_apart_by_the_runs_fingerprint_width() {
    // A chain 0 -A-> 1 -A-> ... -A-> 7: eight states.
    let m = GraphModel { initial: vec![0], edges: (0..7).map(|s| (s, "A", 0, s + 1)).collect(), ..Default::default() };
    let c = constrained(&m, 1);
    let plan = crate::check::Plan::new(&m, &c).unwrap();
    let limits = c.limits.clone();
    let nodes = |graph: super::graph::Graph<u8>| (graph.len(), graph.lookups);
    let wide = super::graph::build::<GraphModel, u128>(&plan, &[], &limits, &mut |_, _, _| {}).ok().unwrap();
    assert_eq!(nodes(wide), (8, 8));
    let narrow = super::graph::build::<GraphModel, Tiny>(&plan, &[], &limits, &mut |_, _, _| {}).ok().unwrap();
    let (states, _) = nodes(narrow);
    assert!(states <= 4, "{states}");
}

#[test]
fn spec_fairness_adds_to_the_models() {
    let m = GraphModel { initial: vec![0], edges: vec![(0, "Go", 0, 1)], p: vec![1], ..Default::default() };
    let mut c = config(&[], 2);
    c.properties = named(&["EventuallyP"]);
    c.fairness = vec![FairnessSpec::on(Strength::Weak, Named { name: "Go".into(), span: Span::default() })];
    assert_eq!(check(&m, &c).unwrap().check("EventuallyP").unwrap().verdict, Verdict::Holds);
}

/// The verdict of a property written as a formula in a check spec.
fn formula_verdict(model: &GraphModel, formula: &str) -> Verdict {
    let spec = crate::parse_spec(&format!("MODEL Graph\nPROPERTY F == {formula}\n")).unwrap();
    let mut c = constrained(model, 2);
    c.properties = spec.properties;
    c.formulas = spec.formulas;
    check(model, &c).unwrap().check("F").unwrap().verdict.clone()
}

#[test]
fn formulas_in_specs_agree_with_the_declared_properties() {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let actions = ["A", "B"];
    for _ in 0..150 {
        let nodes = rng.gen_range(1..=4u8);
        let edges = (0..rng.gen_range(0..=6))
            .map(|_| (rng.gen_range(0..nodes), actions[rng.gen_range(0..2)], 0, rng.gen_range(0..nodes)))
            .collect();
        let subset = |rng: &mut ChaCha8Rng| (0..nodes).filter(|_| rng.gen_bool(0.4)).collect::<Vec<u8>>();
        let fairness = if rng.gen_bool(0.5) { vec![Fairness::weak("A")] } else { vec![Fairness::strong("B")] };
        let m = GraphModel {
            initial: vec![0],
            edges,
            p: subset(&mut rng),
            q: subset(&mut rng),
            fairness,
            ..Default::default()
        };
        let declared = |name: &str| holds(&m, name);
        let formula = |f: &str| matches!(formula_verdict(&m, f), Verdict::Holds);
        assert_eq!(formula("<>P"), declared("EventuallyP"), "{m:?}");
        assert_eq!(formula("[]<>P"), declared("InfinitelyOftenP"), "{m:?}");
        assert_eq!(formula("<>[]P"), declared("EventuallyAlwaysP"), "{m:?}");
        assert_eq!(formula("P ~> Q"), declared("PLeadsToQ"), "{m:?}");
        assert_eq!(formula("[](P => <>Q)"), declared("PLeadsToQ"), "{m:?}");
        assert_eq!(formula("<>P /\\ (P ~> Q)"), declared("EventuallyP") && declared("PLeadsToQ"), "{m:?}");
        assert_eq!(formula("<>~~P"), declared("EventuallyP"), "{m:?}");
        // []S holds iff no fair behaviour reaches ~S; with no cycle-breaking
        // fairness that is the invariant: every reachable state satisfies S.
        assert!(formula("[](TRUE)"));
        // Without fairness every reachable state has a fair continuation (it
        // may stutter), so []~P holds exactly when no P state is reachable.
        let unfair = GraphModel { fairness: vec![], ..m.clone() };
        let mut reached = vec![0u8];
        let mut at = 0;
        while at < reached.len() {
            let from = reached[at];
            for e in unfair.edges.iter().filter(|e| e.0 == from) {
                if !reached.contains(&e.3) {
                    reached.push(e.3);
                }
            }
            at += 1;
        }
        let expected = !reached.iter().any(|s| unfair.p.contains(s));
        assert_eq!(matches!(formula_verdict(&unfair, "[]~P"), Verdict::Holds), expected, "{unfair:?}");
    }
}

#[test]
fn enabled_in_a_formula_means_a_state_changing_step() {
    // 0 -Go-> 1, and Idle is a self-loop at 1: at 1 nothing is ENABLED that
    // changes the state, so []<>(ENABLED Go) fails on the stutter at 1, and
    // <>[](~ENABLED Idle) holds (Idle never changes anything).
    let m = GraphModel {
        initial: vec![0],
        edges: vec![(0, "Go", 0, 1), (1, "Idle", 0, 1)],
        fairness: vec![Fairness::weak("Go")],
        ..Default::default()
    };
    assert!(matches!(formula_verdict(&m, "[]<>(ENABLED Go)"), Verdict::Violated(_)));
    assert_eq!(formula_verdict(&m, "<>[](~ENABLED Idle)"), Verdict::Holds);
}

#[test]
fn unknown_names_and_unsupported_shapes_in_formulas_are_errors() {
    let m = GraphModel { initial: vec![0], ..Default::default() };
    let error = |formula: &str| {
        let spec = crate::parse_spec(&format!("MODEL Graph\nPROPERTY F == {formula}\n")).unwrap();
        let mut c = config(&[], 1);
        c.properties = spec.properties;
        c.formulas = spec.formulas;
        check(&m, &c).unwrap_err().to_string()
    };
    assert_eq!(error("<>R"), "unknown predicate `R`; did you mean `P`? (valid predicates: P, Q)");
    assert_eq!(
        error("[]<>(ENABLED Jump)"),
        "unknown action `Jump`; did you mean `J`? (valid actions: A, B, C, L, R, J, Back, Go, Idle, Tick)"
    );
    assert!(error("<>P => []Q").starts_with("unsupported: this formula's shape is not supported"));
    assert!(error("<>(P ~> Q)").starts_with("unsupported: expected a state formula here"));
}

/// What the naive oracle expects of a property.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expected {
    Holds,
    Violated,
    /// The constraints cut every fair behaviour.
    Vacuous,
}

/// Which condition of fairness `f` a step `(action, parameter)` belongs to:
/// none if its action is not one of `f`'s; else a key, the same for the
/// steps of one condition (all of them, the instance, or the values of the
/// selected parameters `r = p / 10`, `m = p % 10`).
fn naive_key(f: &Fairness, a: &(&str, u8)) -> Option<Vec<i64>> {
    if f.action != a.0 && !f.or.contains(&a.0) {
        return None;
    }
    Some(if !f.parameters.is_empty() {
        f.parameters.iter().map(|p| i64::from(if *p == "r" { a.1 / 10 } else { a.1 % 10 })).collect()
    } else if f.per_instance {
        vec![ACTIONS.iter().position(|x| *x == a.0).expect("a known action") as i64, i64::from(a.1)]
    } else {
        Vec::new()
    })
}

/// The naive oracle, written from the definitions (TLC's semantics under
/// constraints): behaviours are the paths of the graph inside the constraints
/// (initial states inside `Bound`; steps that `Allowed` permits, to states
/// inside `Bound`), with stuttering allowed at every state; `ENABLED` and
/// fairness see every step of `next`, inside the constraints or not. A
/// behaviour eventually runs forever through exactly the edges of some
/// strongly connected edge set (or stutters at one state). So enumerate every
/// edge subset, keep the strongly connected ones, and decide fairness and the
/// property on each directly. `[]~P` ("AlwaysNotP") is a safety check: no
/// state the search reaches (inside the constraints, or generated outside
/// them) is in P.
fn naive(m: &GraphModel, property: &str) -> Expected {
    let n = 8;
    let in_bound = |s: u8| m.bound.is_none_or(|b| s <= b);
    // Every state-changing step of `next`, and the ones inside the constraints.
    let all: Vec<(u8, (&str, u8), u8)> =
        m.edges.iter().filter(|e| e.0 != e.3).map(|&(f, a, p, t)| (f, (a, p), t)).collect();
    let edges: Vec<(u8, (&str, u8), u8)> =
        all.iter().copied().filter(|&(f, (a, p), t)| in_bound(t) && !m.blocked.contains(&(f, a, p, t))).collect();
    let initial: Vec<u8> = m.initial.iter().copied().filter(|&s| in_bound(s)).collect();
    let in_p = |s: u8| m.p.contains(&s);
    let in_q = |s: u8| m.q.contains(&s);
    // Fairness conditions, expanded per instance (or per value of the
    // selected parameters) over every step of `next`.
    let mut conditions: Vec<(Strength, Fairness, Vec<i64>)> = Vec::new();
    for f in m.fairness.iter().chain(&m.spec_fairness) {
        for e in &all {
            if let Some(key) = naive_key(f, &e.1) {
                if !conditions.iter().any(|c| c.1 == *f && c.2 == key) {
                    conditions.push((f.strength, f.clone(), key));
                }
            }
        }
    }
    let matches = |c: &(Strength, Fairness, Vec<i64>), a: &(&str, u8)| naive_key(&c.1, a).as_ref() == Some(&c.2);
    let enabled = |s: u8, c: &(Strength, Fairness, Vec<i64>)| all.iter().any(|e| e.0 == s && matches(c, &e.1));
    // Reachability inside the constraints, within a node set.
    let reach = |from: &[u8], allowed: &dyn Fn(u8) -> bool| -> Vec<bool> {
        let mut seen = vec![false; n];
        let mut stack: Vec<u8> = from.iter().copied().filter(|&s| allowed(s)).collect();
        while let Some(s) = stack.pop() {
            if !seen[s as usize] {
                seen[s as usize] = true;
                stack.extend(edges.iter().filter(|e| e.0 == s && allowed(e.2)).map(|e| e.2));
            }
        }
        seen
    };
    let reachable = reach(&initial, &|_| true);
    if property == "AlwaysNotP" {
        let outside_initial = m.initial.iter().any(|&s| !in_bound(s) && in_p(s));
        let inside = (0..n as u8).any(|s| reachable[s as usize] && in_p(s));
        let generated = all.iter().any(|e| reachable[e.0 as usize] && in_p(e.2));
        return if outside_initial || inside || generated { Expected::Violated } else { Expected::Holds };
    }
    // Candidate limit sets: (nodes, edges taken).
    let mut limits: Vec<(Vec<u8>, Vec<usize>)> =
        (0..n as u8).filter(|&s| reachable[s as usize]).map(|s| (vec![s], vec![])).collect();
    for mask in 1u32..(1 << edges.len()) {
        let chosen: Vec<usize> = (0..edges.len()).filter(|i| mask >> i & 1 == 1).collect();
        let mut nodes: Vec<u8> = chosen.iter().flat_map(|&i| [edges[i].0, edges[i].2]).collect();
        nodes.sort();
        nodes.dedup();
        let strongly = nodes.iter().all(|&a| {
            let mut seen = vec![a];
            let mut stack = vec![a];
            while let Some(s) = stack.pop() {
                for &i in &chosen {
                    if edges[i].0 == s && !seen.contains(&edges[i].2) {
                        seen.push(edges[i].2);
                        stack.push(edges[i].2);
                    }
                }
            }
            nodes.iter().all(|b| seen.contains(b))
        });
        if strongly && reachable[nodes[0] as usize] {
            limits.push((nodes, chosen));
        }
    }
    let fair = |nodes: &[u8], chosen: &[usize]| {
        conditions.iter().all(|c| {
            let taken = chosen.iter().any(|&i| matches(c, &edges[i].1));
            match c.0 {
                Strength::Weak => taken || nodes.iter().any(|&s| !enabled(s, c)),
                Strength::Strong => taken || nodes.iter().all(|&s| !enabled(s, c)),
            }
        })
    };
    let fair_limits: Vec<&(Vec<u8>, Vec<usize>)> =
        limits.iter().filter(|(nodes, chosen)| fair(nodes, chosen)).collect();
    // A step of `next` from a reachable state that the constraints cut.
    let cut = all.iter().any(|e| reachable[e.0 as usize] && !edges.contains(e));
    if cut && fair_limits.is_empty() {
        return Expected::Vacuous;
    }
    let violated = fair_limits.iter().any(|(nodes, _)| match property {
        "EventuallyP" => {
            let inside = reach(&initial, &|s| !in_p(s));
            nodes.iter().all(|&s| !in_p(s) && inside[s as usize])
        }
        "InfinitelyOftenP" => nodes.iter().all(|&s| !in_p(s)),
        "EventuallyAlwaysP" => nodes.iter().any(|&s| !in_p(s)),
        "PLeadsToQ" => {
            let starts: Vec<u8> = (0..n as u8).filter(|&s| reachable[s as usize] && in_p(s) && !in_q(s)).collect();
            let inside = reach(&starts, &|s| !in_q(s));
            nodes.iter().all(|&s| !in_q(s) && inside[s as usize])
        }
        _ => unreachable!(),
    });
    if violated {
        Expected::Violated
    } else {
        Expected::Holds
    }
}

/// The engine's verdict in the oracle's terms, the same on 1 and 2 threads.
fn engine(m: &GraphModel, property: &str) -> Expected {
    let one = if property == "AlwaysNotP" { formula_verdict(m, "[]~P") } else { verdict(m, property, 1) };
    if property != "AlwaysNotP" {
        assert_eq!(one, verdict(m, property, 2), "1 and 2 threads disagree on {property}");
    }
    match one {
        Verdict::Holds => Expected::Holds,
        Verdict::Violated(_) => Expected::Violated,
        Verdict::Unknown(StopReason::Vacuous) => Expected::Vacuous,
        other => panic!("{other:?}"),
    }
}

/// A random graph on `nodes` states: up to 7 edges by actions A, B, C with
/// parameters 0 and 1, random P and Q, and random fairness.
fn random_graph(rng: &mut ChaCha8Rng, nodes: u8) -> GraphModel {
    let actions = ["A", "B", "C"];
    let edge_count = rng.gen_range(0..=7);
    let edges = (0..edge_count)
        .map(|_| {
            (rng.gen_range(0..nodes), actions[rng.gen_range(0..3)], rng.gen_range(0..2u8), rng.gen_range(0..nodes))
        })
        .collect();
    let subset = |rng: &mut ChaCha8Rng| (0..nodes).filter(|_| rng.gen_bool(0.4)).collect::<Vec<u8>>();
    let mut fairness = Vec::new();
    for action in actions {
        match rng.gen_range(0..6) {
            0 => fairness.push(Fairness::weak(action)),
            1 => fairness.push(Fairness::strong(action)),
            2 => fairness.push(Fairness::weak_each(action)),
            3 => fairness.push(Fairness::strong_each(action)),
            _ => {}
        }
    }
    GraphModel { initial: vec![0], edges, p: subset(rng), q: subset(rng), fairness, ..Default::default() }
}

#[test]
fn verdicts_agree_with_the_naive_oracle_on_random_graphs() {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let mut violated = 0;
    for round in 0..400 {
        let nodes = rng.gen_range(1..=5u8);
        let m = random_graph(&mut rng, nodes);
        for property in ["EventuallyP", "InfinitelyOftenP", "EventuallyAlwaysP", "PLeadsToQ", "AlwaysNotP"] {
            let expected = naive(&m, property);
            violated += usize::from(expected == Expected::Violated);
            assert_eq!(engine(&m, property), expected, "round {round}, {property}: {m:?}");
        }
    }
    // The corpus exercises both outcomes.
    assert!(violated > 400 && violated < 1600, "{violated}");
}

#[test]
fn verdicts_agree_with_the_naive_oracle_on_random_graphs_with_constraints() {
    let mut rng = ChaCha8Rng::seed_from_u64(13);
    let mut seen = [0usize; 3];
    for round in 0..500 {
        let nodes = rng.gen_range(1..=6u8);
        let mut m = random_graph(&mut rng, nodes);
        // Two initial states (one may be outside the bound), a state
        // constraint, an action constraint, or both.
        if rng.gen_bool(0.5) {
            m.initial.push(rng.gen_range(0..nodes));
        }
        let kind = rng.gen_range(0..3);
        if kind != 1 {
            m.bound = Some(rng.gen_range(0..nodes));
        }
        if kind != 0 {
            m.blocked = m.edges.iter().copied().filter(|_| rng.gen_bool(0.3)).collect();
        }
        for property in ["EventuallyP", "InfinitelyOftenP", "EventuallyAlwaysP", "PLeadsToQ", "AlwaysNotP"] {
            let expected = naive(&m, property);
            seen[expected as usize] += 1;
            assert_eq!(engine(&m, property), expected, "round {round}, {property}: {m:?}");
        }
    }
    // The corpus exercises every outcome.
    assert!(seen.iter().all(|&count| count > 100), "{seen:?}");
}

/// A random graph whose steps carry two parameters (`r`, `m`, each 0 or
/// 1), with random unions and splits of fairness, given by the model or by
/// the check spec.
fn random_split_graph(rng: &mut ChaCha8Rng, nodes: u8) -> GraphModel {
    let actions = ["A", "B", "C"];
    let parameters = [0u8, 1, 10, 11];
    let edges = (0..rng.gen_range(0..=7))
        .map(|_| {
            let parameter = parameters[rng.gen_range(0..4)];
            (rng.gen_range(0..nodes), actions[rng.gen_range(0..3)], parameter, rng.gen_range(0..nodes))
        })
        .collect();
    let subset = |rng: &mut ChaCha8Rng| (0..nodes).filter(|_| rng.gen_bool(0.4)).collect::<Vec<u8>>();
    let mut m = GraphModel { initial: vec![0], edges, p: subset(rng), q: subset(rng), ..Default::default() };
    for _ in 0..rng.gen_range(1..=2) {
        let first = actions[rng.gen_range(0..3)];
        let mut f = if rng.gen_bool(0.5) { Fairness::weak(first) } else { Fairness::strong(first) };
        for other in actions {
            if other != first && rng.gen_bool(0.4) {
                f = f.or(other);
            }
        }
        let split: &[&[&str]] = &[&[], &["r"], &["m"], &["r", "m"], &["m", "r"]];
        match rng.gen_range(0..6) {
            5 => f.per_instance = true,
            k if k > 0 => f = f.per(split[k]),
            _ => {}
        }
        // A check spec writes per-instance fairness on one action only.
        let in_spec = rng.gen_bool(0.5);
        if in_spec && (f.or.is_empty() || !f.per_instance) {
            m.spec_fairness.push(f);
        } else {
            m.fairness.push(f);
        }
    }
    m
}

#[test]
fn verdicts_agree_with_the_naive_oracle_on_unions_and_splits_by_parameter() {
    let mut rng = ChaCha8Rng::seed_from_u64(17);
    let mut seen = [0usize; 3];
    for round in 0..300 {
        let nodes = rng.gen_range(1..=5u8);
        let m = random_split_graph(&mut rng, nodes);
        for property in ["EventuallyP", "InfinitelyOftenP", "EventuallyAlwaysP", "PLeadsToQ"] {
            let expected = naive(&m, property);
            seen[expected as usize] += 1;
            assert_eq!(engine(&m, property), expected, "round {round}, {property}: {m:?}");
        }
    }
    // The corpus exercises both outcomes.
    assert!(seen[0] > 200 && seen[1] > 200, "{seen:?}");
}

#[test]
fn the_lasso_recheck_refuses_a_lasso_that_does_not_violate_the_property() {
    use super::{confirm, Expr, Temporal};
    use crate::check::Plan;
    use crate::error::{CheckError, ModelErrorKind};
    use crate::trace::Path;
    // 0 -B-> 1 -B-> 0, and A enabled at 1 only.
    let m = GraphModel {
        initial: vec![0],
        edges: vec![(0, "B", 0, 1), (1, "B", 0, 0), (1, "A", 0, 5)],
        ..Default::default()
    };
    let c = constrained(&m, 1);
    let plan = Plan::new(&m, &c).unwrap();
    let a = ACTIONS.iter().position(|&n| n == "A").unwrap() as u32;
    let cycle: Path<GraphModel> = vec![(None, 0), (Some(("B", 0)), 1)];
    let stutter: Path<GraphModel> = vec![(None, 0)];
    let refused = |temporal: &Temporal, path: &Path<GraphModel>, loop_start: usize| {
        let confirmed = confirm(&plan, temporal, path, loop_start);
        match confirmed {
            Ok(()) => false,
            Err(CheckError::Model(e)) => {
                assert_eq!(e.kind, ModelErrorKind::Nondeterminism);
                assert!(e.message.starts_with("the replayed lasso does not violate the property"), "{}", e.message);
                true
            }
            Err(e) => panic!("{e}"),
        }
    };
    // <>FALSE fails on every behaviour, <>TRUE on none.
    assert!(!refused(&Temporal::Eventually(Expr::Const(false)), &cycle, 0));
    assert!(refused(&Temporal::Eventually(Expr::Const(true)), &cycle, 0));
    // []<>ENABLED A: the cycle through 1 meets it, stuttering at 0 does not.
    let often = Temporal::AlwaysEventually(Expr::Enabled(a));
    assert!(refused(&often, &cycle, 0));
    assert!(!refused(&often, &stutter, 0));
    // <>[]~ENABLED A: the cycle through 1 fails it, stuttering at 0 meets it.
    let finally = Temporal::EventuallyAlways(Expr::Not(Box::new(Expr::Enabled(a))));
    assert!(!refused(&finally, &cycle, 0));
    assert!(refused(&finally, &stutter, 0));
    // TRUE ~> ENABLED A: met on the cycle (A is enabled at 1 on it), not by stuttering at 0.
    let leads = Temporal::LeadsTo(Expr::Const(true), Expr::Enabled(a));
    assert!(refused(&leads, &cycle, 0));
    assert!(!refused(&leads, &stutter, 0));
    // []ENABLED A: fails at 0 on both.
    assert!(!refused(&Temporal::Always(Expr::Enabled(a)), &cycle, 0));
}

//! The model API's conveniences: derived action names and the coverage the
//! search counts by their index.

use crate::config::Strategy;
use crate::error::{CheckError, ModelErrorKind};
use crate::fixtures::{config, Grid, GridAction};
use crate::spec::{ActionNames, ActionTable, Declare, Invariant, Model};
use crate::{check, CheckConfig};

/// [`Grid`] with derived action names: the same walk, with a third action
/// that never fires, as `Grid::action_names` lists one.
struct DerivedGrid {
    n: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, ActionNames)]
#[action(crate = "checker")]
enum Step {
    IncX,
    #[action(name = "IncY")]
    Up {
        by: u32,
    },
    #[allow(dead_code)]
    Never(u8),
}

impl Model for DerivedGrid {
    type State = (u32, u32);
    type Action = Step;

    fn init(&self, states: &mut Vec<(u32, u32)>) {
        states.push((0, 0));
    }

    fn next(&self, &(x, y): &(u32, u32), steps: &mut Vec<(Step, (u32, u32))>) {
        if x < self.n {
            steps.push((Step::IncX, (x + 1, y)));
        }
        if y < self.n {
            steps.push((Step::Up { by: 1 }, (x, y + 1)));
        }
    }

    fn actions(&self) -> Option<ActionTable<Step>> {
        Some(ActionTable::derived())
    }

    fn invariants(&self) -> Vec<Invariant<Self>> {
        vec![Self::invariant("XBelowTwo", |_, s| s.0 < 2)]
    }
}

#[test]
fn derived_names_give_the_names_and_indexes_in_declaration_order() {
    assert_eq!(Step::NAMES, ["IncX", "IncY", "Never"]);
    assert_eq!((Step::IncX.index(), Step::Up { by: 3 }.index(), Step::Never(0).index()), (0, 1, 2));
    let model = DerivedGrid { n: 1 };
    assert_eq!(model.action_names(), ["IncX", "IncY", "Never"]);
    assert_eq!(model.action_name(&Step::Up { by: 1 }), "IncY");
}

#[test]
fn coverage_by_index_counts_what_coverage_by_name_counts() {
    // n = 2: each of IncX and IncY is enabled in n(n+1) = 6 states; Never in none.
    for (strategy, threads) in [(Strategy::Bfs, 1), (Strategy::Bfs, 2), (Strategy::Dfs, 1)] {
        let config = CheckConfig { strategy, ..config(&[], threads) };
        let derived = check(&DerivedGrid { n: 2 }, &config).unwrap();
        let by_name = check(&Grid { n: 2 }, &config).unwrap();
        let steps: Vec<(&str, u64)> = derived.coverage.iter().map(|c| (c.name, c.steps)).collect();
        assert_eq!(steps, [("IncX", 6), ("IncY", 6), ("Never", 0)], "{strategy:?} on {threads} threads");
        let distinct = |o: &crate::Outcome| o.coverage.iter().map(|c| c.distinct_states).sum::<u64>();
        // Every state but the initial one is first reached by one action.
        assert_eq!(distinct(&derived), 8);
        assert_eq!(distinct(&by_name), 8);
    }
}

#[test]
fn a_violation_through_derived_names_shows_the_derived_names() {
    let outcome = check(&DerivedGrid { n: 2 }, &config(&["XBelowTwo"], 2)).unwrap();
    let crate::Verdict::Violated(cex) = &outcome.check("XBelowTwo").unwrap().verdict else {
        panic!("(2, 0) is reachable")
    };
    let names: Vec<&str> = cex.trace().steps.iter().filter_map(|s| s.action.as_ref().map(|a| a.name)).collect();
    assert_eq!(names, ["IncX", "IncX"]);
}

/// A model whose hand-written `action_names` disagrees with its table.
struct Disagreeing;

impl Model for Disagreeing {
    type State = u8;
    type Action = GridAction;
    fn init(&self, states: &mut Vec<u8>) {
        states.push(0);
    }
    fn next(&self, _: &u8, _: &mut Vec<(GridAction, u8)>) {}
    fn action_names(&self) -> Vec<&'static str> {
        vec!["IncY", "IncX"]
    }
    fn actions(&self) -> Option<ActionTable<GridAction>> {
        Some(ActionTable { names: &["IncX", "IncY"], index: |a| matches!(a, GridAction::IncY) as usize })
    }
}

#[test]
fn action_names_that_disagree_with_the_table_are_refused_before_the_search() {
    let Err(CheckError::Model(e)) = check(&Disagreeing, &config(&[], 1)) else { panic!("the names disagree") };
    assert_eq!(e.kind, ModelErrorKind::BadDeclaration);
    assert_eq!(
        e.message,
        "Model::action_names lists [\"IncY\", \"IncX\"], but Model::actions names [\"IncX\", \"IncY\"]; the two must \
         agree, in the same order: remove the hand-written action_names (the table gives them)"
    );
}

/// A model that names its actions neither way.
struct Nameless;

impl Model for Nameless {
    type State = u8;
    type Action = ();
    fn init(&self, states: &mut Vec<u8>) {
        states.push(0);
    }
    fn next(&self, s: &u8, steps: &mut Vec<((), u8)>) {
        if *s == 0 {
            steps.push(((), 1));
        }
    }
}

#[test]
fn a_model_without_action_names_is_a_model_error_that_says_how_to_name_them() {
    let Err(CheckError::Model(e)) = check(&Nameless, &config(&[], 1)) else { panic!("the model names no actions") };
    assert_eq!(e.kind, ModelErrorKind::Panic);
    assert!(e.message.contains("derive ActionNames for its action type"), "{}", e.message);
}

/// [`DerivedGrid`] whose `action_name` must not be called: the search finds
/// an action's index through the table alone.
struct IndexOnly(DerivedGrid);

impl Model for IndexOnly {
    type State = (u32, u32);
    type Action = Step;
    fn init(&self, states: &mut Vec<(u32, u32)>) {
        self.0.init(states)
    }
    fn next(&self, s: &(u32, u32), steps: &mut Vec<(Step, (u32, u32))>) {
        self.0.next(s, steps)
    }
    fn action_name(&self, _: &Step) -> &'static str {
        panic!("the search compared names")
    }
    fn actions(&self) -> Option<ActionTable<Step>> {
        Some(ActionTable::derived())
    }
}

#[test]
fn the_search_counts_coverage_by_the_table_without_asking_for_names() {
    for (strategy, threads) in [(Strategy::Bfs, 2), (Strategy::Dfs, 1), (Strategy::Simulate, 1)] {
        let config = CheckConfig { strategy, ..config(&[], threads) };
        let outcome = check(&IndexOnly(DerivedGrid { n: 2 }), &config).unwrap();
        let fired: Vec<bool> = outcome.coverage.iter().map(|c| c.steps > 0).collect();
        assert_eq!(fired, [true, true, false], "{strategy:?}");
    }
}

use checker::spec::{Partition, StepMessages};
use checker::{Expect, Value};

use super::csp_source;
use super::{report, Report, CSS, JS};
use crate::fixtures::{every_kind, invariant_violation, well_formed};
use crate::SpecError;

fn everything() -> Report {
    let fixtures = every_kind();
    let runs: Vec<_> = fixtures.iter().map(|f| f.run()).collect();
    let errors = [SpecError {
        spec: "specs/x.cfg".into(),
        message: "specs/x.cfg:1:7: error: unknown model `X`".into(),
        exit_code: 151,
        not_run: false,
    }];
    report(&runs, &errors)
}

/// The page between `<body>` and the script: what the renderer decides.
fn body(page: &str) -> &str {
    let start = page.find("<body>").unwrap();
    let end = page.find("<script>").unwrap();
    &page[start..end]
}

#[test]
fn the_csp_hash_is_sha256_in_base64() {
    // The published SHA-256 of "abc" (FIPS 180-2), in base64.
    assert_eq!(csp_source("abc"), "'sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0='");
}

#[test]
fn the_policy_allows_exactly_the_inline_script_and_stylesheet() {
    let page = everything().index;
    let policy = page.split("Content-Security-Policy\" content=\"").nth(1).unwrap().split('"').next().unwrap();
    assert!(policy.starts_with("default-src 'none'; "), "{policy}");
    assert!(!policy.contains("unsafe"), "{policy}");
    let inline = |open: &str, close: &str| page.split(open).nth(1).unwrap().split(close).next().unwrap().to_string();
    let (style, script) = (inline("<style>", "</style>"), inline("<script>", "</script>"));
    assert_eq!((style.as_str(), script.as_str()), (CSS, JS));
    assert!(policy.contains(&format!("style-src {};", csp_source(&style))), "{policy}");
    assert!(policy.contains(&format!("script-src {};", csp_source(&script))), "{policy}");
    // Nothing in the page loads anything.
    for attribute in ["src=", "href=\"http", "@import", "url("] {
        assert!(!page.contains(attribute), "{attribute}");
    }
    assert_eq!(page.matches("<script").count(), 1);
    assert_eq!(page.matches("<style").count(), 1);
}

#[test]
fn the_report_stays_small() {
    let page = everything().index;
    // Step navigation, keys without a click, moving between counterexamples and the summary filter.
    assert!(JS.len() < 6_000, "the script is {} bytes", JS.len());
    // A light and a dark palette, and a layout for phones.
    assert!(CSS.len() < 9_000, "the stylesheet is {} bytes", CSS.len());
    assert!(page.len() < 80_000, "the page is {} bytes", page.len());
}

#[test]
fn html_report_of_a_counterexample() {
    let fixture = invariant_violation(Expect::Ok);
    let report = report(&[fixture.run()], &[]);
    insta::assert_snapshot!(body(&report.index));
}

#[test]
fn html_report_of_every_kind_of_run() {
    insta::assert_snapshot!(body(&everything().index));
}

#[test]
fn each_trace_links_to_its_itf_and_dot_files() {
    let report = everything();
    let paths: Vec<&str> = report.files.iter().map(|f| f.path.as_str()).collect();
    insta::assert_debug_snapshot!(paths, @r#"
    [
        "traces/twophase-broken-2.TCConsistent.itf.json",
        "traces/twophase-broken-2.TCConsistent.dot",
        "traces/twophase-broken-2.TCConsistent-2.itf.json",
        "traces/twophase-broken-2.TCConsistent-2.dot",
        "traces/tokenring-3.EventuallyDone.itf.json",
        "traces/tokenring-3.EventuallyDone.dot",
        "traces/twophase-2.SomeoneCommits.itf.json",
        "traces/twophase-2.SomeoneCommits.dot",
    ]
    "#);
    for path in paths {
        assert!(report.index.contains(&format!("href=\"{path}\"")), "{path}");
    }
}

#[test]
fn trace_file_names_stay_short_and_distinct_whatever_the_names() {
    // A spec file name and a check name of 300 characters each: the file
    // names must still fit the 255 bytes a file system allows, and the
    // shortened names of two checks that differ only at the end must differ.
    let long_spec = format!("specs/{}.cfg", "s".repeat(300));
    let mut fixture = invariant_violation(Expect::Ok);
    fixture.spec = Box::leak(long_spec.into_boxed_str());
    let first = format!("{}A", "N".repeat(299));
    let second = format!("{}B", "N".repeat(299));
    fixture.outcome.checks[2].name = first;
    let mut twin = fixture.outcome.checks[2].clone();
    twin.name = second;
    fixture.outcome.checks.push(twin);
    let report = report(&[fixture.run()], &[]);
    let names: Vec<&str> = report.files.iter().map(|f| f.path.strip_prefix("traces/").unwrap()).collect();
    assert_eq!(names.len(), 4, "{names:?}");
    for name in &names {
        assert!(name.len() <= 255, "{} bytes: {name}", name.len());
    }
    let mut distinct = names.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(distinct.len(), names.len(), "{names:?}");
}

#[test]
fn unexpected_failures_start_open_and_expected_ones_closed() {
    let page = everything().index;
    let opening: Vec<&str> = page.match_indices("<details class=\"cex\"").map(|(at, _)| &page[at..at + 60]).collect();
    let open: Vec<bool> = opening.iter().map(|tag| tag.split('>').next().unwrap().ends_with(" open")).collect();
    assert_eq!(open, [false, true, true, false], "{opening:#?}");
}

#[test]
fn every_id_is_unique_and_every_fragment_link_has_a_target() {
    let page = everything().index;
    let ids: Vec<&str> = page.split(" id=\"").skip(1).map(|s| s.split('"').next().unwrap()).collect();
    let mut unique = ids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(ids.len(), unique.len(), "{ids:?}");
    for target in page.split("href=\"#").skip(1).map(|s| s.split('"').next().unwrap()) {
        assert!(ids.contains(&target), "#{target}");
    }
}

#[test]
fn hostile_strings_are_escaped_everywhere() {
    let hostile = r#"</script><svg onload=alert(1)>&"'"#;
    let mut fixture = invariant_violation(Expect::Ok);
    fixture.title = Some(hostile);
    fixture.constants.push(("Text".into(), hostile.into()));
    let checker::Verdict::Violated(cex) = &mut fixture.outcome.checks[2].verdict else { unreachable!() };
    let checker::Counterexample::Trace(trace) = cex else { unreachable!() };
    for step in &mut trace.steps {
        step.state.push(("text", Value::str(hostile)));
        step.nodes.push(hostile.into());
        if let Some(action) = &mut step.action {
            action.label.push_str(hostile);
        }
    }
    let errors = [SpecError { spec: hostile.into(), message: hostile.into(), exit_code: 150, not_run: false }];
    let page = report(&[fixture.run()], &errors).index;
    assert_eq!(page.matches("<script").count(), 1);
    assert!(!page.contains("<svg onload"));
    assert_eq!(page.matches("</script>").count(), 1);
    for svg in page.split("<svg ").skip(1).map(|s| format!("<svg {}</svg>", s.split("</svg>").next().unwrap())) {
        well_formed(&svg).unwrap();
    }
}

#[test]
fn specs_not_run_are_listed_apart_from_those_that_could_not_be_checked() {
    let errors = [
        SpecError { spec: "specs/x.cfg".into(), message: "unknown model `X`".into(), exit_code: 151, not_run: false },
        SpecError::not_run("specs/y.cfg".into()),
    ];
    let page = report(&[], &errors).index;
    let listed = &page[page.find("<h2>").unwrap()..page.find("</main>").unwrap_or(page.len())];
    let listed = &listed[..listed.rfind("</ul>").unwrap() + 5];
    insta::assert_snapshot!(listed, @r#"
    <h2>Specs that could not be checked</h2>
    <ul class="errors">
    <li><code>specs/x.cfg</code>: unknown model `X`</li>
    </ul>
    <h2>Specs not checked</h2>
    <ul class="errors">
    <li><code>specs/y.cfg</code>: not checked: the run was interrupted before this spec started</li>
    </ul>
    "#);
    assert!(page.contains(
        r#"<span class="badge fail">1 could not be checked</span> <span class="badge incomplete">1 not checked</span>"#
    ));
}

#[test]
fn the_header_names_the_version_the_command_line_and_the_date_and_the_filter_counts_each_kind() {
    let fixtures = every_kind();
    let runs: Vec<_> = fixtures.iter().map(|f| f.run()).collect();
    let invocation = super::Invocation {
        version: "1.2.3",
        command_line: "bivalent check 'specs/<b>.cfg'",
        date: "2026-12-03 13:47 UTC",
    };
    let page = super::report_for(&runs, &[], Some(&invocation)).index;
    assert!(
        page.contains(
            "<p class=\"run muted\">bivalent 1.2.3 · <code class=\"cmd\">bivalent check &#39;specs/&lt;b&gt;.cfg&#39;</code> \
             · 2026-12-03 13:47 UTC</p>"
        ),
        "{page}"
    );
    // every_kind: two passes (one with a witness), one expected violation, two failures, one incomplete.
    for button in ["All (6)", "Failures (2)", "Expected violations (1)", "Passes (2)", "Incomplete (1)"] {
        assert!(page.contains(&format!("\">{button}</button>")), "{button}");
    }
    // A summary row and a section per spec, each with its kind for the filter.
    assert_eq!(page.matches(" data-verdict=\"").count(), 2 * runs.len());
    assert!(!report(&runs, &[]).index.contains("class=\"run muted\""));
}

#[test]
fn the_steps_say_which_nodes_restart_and_how_the_network_splits_and_heals() {
    let mut fixture = invariant_violation(Expect::Ok);
    let checker::Verdict::Violated(checker::Counterexample::Trace(trace)) = &mut fixture.outcome.checks[2].verdict
    else {
        unreachable!()
    };
    let sides = vec![vec!["TM".to_string(), "r1".to_string()], vec!["r2".to_string()]];
    trace.steps[1].messages = StepMessages { partition: Some(Partition::Split(sides)), ..StepMessages::default() };
    trace.steps[2].messages = StepMessages { restarted: vec!["r2".into()], ..StepMessages::default() };
    trace.steps[3].messages = StepMessages {
        crashed: vec!["r1".into()],
        restarted: vec!["r1".into()],
        partition: Some(Partition::Heal),
        ..StepMessages::by("r1")
    };
    let page = report(&[fixture.run()], &[]).index;
    let lines: Vec<&str> =
        page.split("<div class=\"msgs\">").skip(1).map(|s| &s[..s.find("</div>").unwrap()]).collect();
    assert_eq!(
        lines,
        [
            "<b>the network splits into {TM, r1} | {r2}</b>",
            "<b>r2 restarts</b>",
            "r1 <b>crashes</b> · <b>restarts</b> · <b>the network heals</b>",
        ]
    );
}

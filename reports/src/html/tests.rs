use checker::spec::{Partition, StepMessages};
use checker::{Expect, Named, Span, Value};

use super::csp_source;
use super::{report, Report, CSS, JS, SOURCE_BYTES_MAX};
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
    // Step navigation, keys without a click, moving between counterexamples,
    // the summary filter and the spec text's highlight.
    assert!(JS.len() < 7_000, "the script is {} bytes", JS.len());
    // A light and a dark palette, a layout for phones, the spec text pane and
    // the chart's partition bands and down lifelines.
    assert!(CSS.len() < 10_000, "the stylesheet is {} bytes", CSS.len());
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

/// The lines of the first spec text on `page`, each from its opening tag to
/// the next line's.
fn source_lines(page: &str) -> Vec<&str> {
    let pre = page.split("<pre class=\"src\">").nth(1).expect("the page shows a spec's text");
    let pre = pre.split("</pre>").next().unwrap();
    pre.split("<span class=\"l").skip(1).collect()
}

/// The checks a line of a spec's text names, by index, from its `data-checks`.
fn named(line: &str) -> Vec<usize> {
    let tag = line.split('>').next().unwrap();
    match tag.split("data-checks=\"").nth(1) {
        Some(list) => list.split('"').next().unwrap().split(' ').map(|c| c.parse().unwrap()).collect(),
        None => Vec::new(),
    }
}

#[test]
fn each_spec_text_is_shown_with_line_numbers_and_marks_the_lines_naming_each_check() {
    for fixture in every_kind() {
        let page = report(&[fixture.run()], &[]).index;
        let lines = source_lines(&page);
        assert_eq!(lines.len(), fixture.source.lines().count(), "{}", fixture.spec);
        for (i, (line, text)) in lines.iter().zip(fixture.source.lines()).enumerate() {
            let number = format!("<span class=\"n\">{}</span>", i + 1);
            assert!(line.contains(&number), "{}: line {}: {line}", fixture.spec, i + 1);
            // The text as written (the fixtures' names start where their
            // locations say, so the marked names are the text's own).
            let shown = line.split_once(&number).unwrap().1.replace(['\n'], "");
            let unmarked = shown.split('<').map(|part| part.split_once('>').map_or(part, |(_, text)| text));
            assert_eq!(unmarked.collect::<String>(), super::escape(text), "{}: line {}", fixture.spec, i + 1);
        }
        for (c, check) in fixture.outcome.checks.iter().enumerate() {
            for (_, span) in fixture.locations.iter().filter(|(name, _)| *name == check.name) {
                let line = lines[span.line as usize - 1];
                assert!(named(line).contains(&c), "{}: {} on line {}: {line}", fixture.spec, check.name, span.line);
                if check.name != "Deadlock" {
                    let item = format!("data-check=\"{c}\">{}</span>", check.name);
                    assert!(line.contains(&item), "{}: {}: {line}", fixture.spec, check.name);
                }
            }
            // A line the spec does not name the check on does not say it does.
            let on: Vec<u32> =
                fixture.locations.iter().filter(|(n, _)| *n == check.name).map(|(_, s)| s.line).collect();
            for (n, line) in (1..).zip(&lines) {
                assert_eq!(named(line).contains(&c), on.contains(&n), "{}: {} on line {n}", fixture.spec, check.name);
            }
        }
    }
}

#[test]
fn the_first_unexpected_failure_is_highlighted_in_the_spec_text_and_its_trace_links_to_its_line() {
    let fixture = invariant_violation(Expect::Ok);
    let page = report(&[fixture.run()], &[]).index;
    let figure = page.split("<figure class=\"source\">").nth(1).unwrap().split("</figure>").next().unwrap();
    insta::assert_snapshot!(figure, @r#"
    <figcaption>Check spec <code>specs/twophase-broken-2.cfg</code></figcaption><pre class="src"><span class="l"><span class="n">1</span>\* Two-phase commit with a TM that commits too early (seeded bug)
    </span><span class="l" id="spec-0-line-2" data-checks="0"><span class="n">2</span>MODEL TwoPhaseBroken
    </span><span class="l"><span class="n">3</span>CONSTANTS RM = {r1, r2}
    </span><span class="l hl" id="spec-0-line-4" data-checks="1 2"><span class="n">4</span>INVARIANTS <span class="item" data-check="1">TPTypeOK</span> <span class="item hl" data-check="2">TCConsistent</span>
    </span><span class="l" id="spec-0-line-5" data-checks="3"><span class="n">5</span>PROPERTIES <span class="item" data-check="3">Termination</span>
    </span><span class="l"><span class="n">6</span>EXPECT OK
    </span></pre>
    "#);
    // The verdict's row is selected, and every row names its check for the script.
    assert!(page.contains(
        "<tr data-check=\"2\" class=\"hl\"><td><button type=\"button\" class=\"item\">TCConsistent</button>"
    ));
    assert_eq!(page.matches("<tr data-check=\"").count(), 4);
    assert_eq!(page.matches(" class=\"hl\"").count(), 1);
    // The counterexample says which check it is for, and links to its line.
    assert!(page.contains("<details class=\"cex\" id=\"spec-0-trace-0\" data-check=\"2\" open>"));
    assert!(page.contains("<span><a href=\"#spec-0-line-4\">Spec line 4</a></span>"));
}

#[test]
fn an_expected_violation_marks_its_expect_line_too_and_nothing_is_highlighted_at_first() {
    let expect = Expect::Violation(Named { name: "TCConsistent".into(), span: Span { line: 6, column: 18 } });
    let fixture = invariant_violation(expect);
    let page = report(&[fixture.run()], &[]).index;
    let lines = source_lines(&page);
    assert!(lines[5].ends_with("EXPECT VIOLATION <span class=\"item\" data-check=\"2\">TCConsistent</span>\n</span>"));
    assert_eq!((named(lines[3]), named(lines[5])), (vec![1, 2], vec![2]));
    // Nothing failed, so nothing is selected yet.
    assert!(!body(&page).contains("hl\""), "{}", body(&page));
}

#[test]
fn a_spec_text_too_long_to_show_is_named_but_not_shown() {
    let mut fixture = invariant_violation(Expect::Ok);
    fixture.source.push_str(&format!("\\* {}\n", "x".repeat(SOURCE_BYTES_MAX)));
    let page = report(&[fixture.run()], &[]).index;
    assert!(!page.contains("<pre class=\"src\">"));
    let note = format!(
        "<figcaption>Check spec <code>specs/twophase-broken-2.cfg</code></figcaption>\
         <p class=\"muted\">Its text, {} bytes, is too long to show here.</p></figure>",
        crate::text::thousands(fixture.source.len() as u64)
    );
    assert!(page.contains(&note), "{note}");
    // Nothing links to a line that is not there.
    assert!(!page.contains("Spec line"));
    assert!(!body(&page).contains("data-checks"));
    // And a run without the text shows no figure at all.
    fixture.source.clear();
    assert!(!report(&[fixture.run()], &[]).index.contains("class=\"source\""));
}

#[test]
fn hostile_spec_text_is_escaped_and_keeps_its_lines() {
    let hostile = r#"</pre></script><svg onload=alert(1)>&"'"#;
    let mut fixture = invariant_violation(Expect::Ok);
    // A check named with markup, named on line 4 before TCConsistent; a
    // stray carriage return, a control character and a byte-order mark.
    fixture.outcome.checks[1].name = hostile.to_string();
    let column = 12 + hostile.chars().count() as u32 + 1;
    fixture.locations =
        vec![("TCConsistent".into(), Span { line: 4, column }), (hostile.into(), Span { line: 4, column: 12 })];
    fixture.source = format!(
        "\u{feff}\\* {hostile}\r\nMODEL TwoPhaseBroken\nCONSTANTS Text = \"a\rb\u{7}c\"\nINVARIANTS {hostile} TCConsistent\r\n"
    );
    let page = report(&[fixture.run()], &[]).index;
    assert_eq!(page.matches("<script").count(), 1);
    assert_eq!(page.matches("</pre>").count(), 1);
    assert!(!page.contains("<svg onload"));
    let lines = source_lines(&page);
    assert_eq!(lines.len(), 4, "{lines:#?}");
    let escaped = "&lt;/pre&gt;&lt;/script&gt;&lt;svg onload=alert(1)&gt;&amp;&quot;&#39;";
    assert!(lines[0].ends_with(&format!("<span class=\"n\">1</span>\\* {escaped}\n</span>")), "{}", lines[0]);
    assert!(lines[2].ends_with("CONSTANTS Text = &quot;a\u{FFFD}b\u{FFFD}c&quot;\n</span>"), "{}", lines[2]);
    assert!(
        lines[3].ends_with(&format!(
            "INVARIANTS <span class=\"item\" data-check=\"1\">{escaped}</span> \
             <span class=\"item hl\" data-check=\"2\">TCConsistent</span>\n</span>"
        )),
        "{}",
        lines[3]
    );
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

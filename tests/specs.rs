//! Every bundled spec, checked as a user would and snapshotted.

use crate::check_spec;

#[test]
fn every_bundled_spec_gives_its_expected_report() {
    insta::glob!("../specs", "*.cfg", |path| {
        insta::assert_snapshot!(check_spec(path));
    });
}

#[test]
fn every_bundled_spec_meets_its_expectation() {
    for spec in crate::bundled_specs() {
        let text = check_spec(&spec);
        assert!(text.starts_with("exit code: 0\n"), "{}:\n{text}", spec.display());
    }
}

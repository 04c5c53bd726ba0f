//! What both targets do with a spec that parses: build its model from the
//! registry and check it under tight limits, so that name resolution, formula
//! compilation, constant validation and the liveness checker see the input too.
//! A model error or a config error is an answer; only a panic that escapes
//! (a checker bug) or a hang is a finding.

use checker::{CheckConfig, Limits, Strategy};

pub fn parse_and_check(text: &str) {
    let Ok(spec) = checker::parse_spec(text) else { return };
    let Some(entry) = models::find(&spec.model.name) else { return };
    let Ok(model) = (entry.build)(&spec.constants) else { return };
    let limits = Limits {
        states_max: 2_000,
        depth_max: 12,
        memory_bytes_max: 256 << 20,
        deadline: Some(std::time::Instant::now() + std::time::Duration::from_secs(2)),
        interrupt: None,
        memory_probe: None,
    };
    let config = CheckConfig::from_spec(&spec, Strategy::Bfs, 1, limits);
    let _ = model.check(&config, &|_| {});
}

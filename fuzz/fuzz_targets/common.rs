//! What the `spec` and `formula` targets do with a spec that parses: build its
//! model from the registry and check it under tight limits, with settings the
//! input chooses, so that name resolution, formula compilation, constant
//! validation, every strategy and the liveness checker see the input too.
//!
//! A config error or a model error is an answer, with one exception: the
//! models are the bundled ones, which do not panic, so a model error of kind
//! `Panic` is a checker panic that `check` took for the model's, and a crash.
//! A panic that escapes (a checker bug) or a hang is a finding too.

use checker::{CheckConfig, CheckError, FingerprintBits, Limits, ModelErrorKind, StoreKind, Strategy};

/// Run settings, from the bits of one byte of the input (the last, so that
/// the committed seeds keep their text).
fn settings(config: &mut CheckConfig, spec: &checker::SpecFile, model: &dyn checker::DynModel, byte: u8) {
    config.strategy = match byte & 3 {
        0 | 1 => Strategy::Bfs,
        2 => Strategy::Dfs,
        _ => Strategy::Simulate,
    };
    config.threads = if config.strategy == Strategy::Bfs && byte & 4 != 0 { 2 } else { 1 };
    if byte & 8 != 0 {
        config.fingerprint_bits = FingerprintBits::B128;
        config.store = StoreKind::Sharded;
    } else if byte & 16 != 0 {
        config.store = StoreKind::Sharded;
    }
    config.continue_after_violation = byte & 32 != 0;
    // The model's first symmetry, where the spec names none.
    if byte & 64 != 0 && spec.symmetry.is_none() {
        if let Some(name) = model.info().symmetries.first() {
            config.symmetry = Some(checker::Named { name: name.to_string(), span: spec.model.span });
        }
    }
    config.seed = u64::from(byte >> 7);
}

/// Checks the spec `text` with the settings `byte` chooses.
pub fn parse_and_check(text: &str, byte: u8) {
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
    let mut config = CheckConfig::from_spec(&spec, Strategy::Bfs, 1, limits);
    config.simulation_traces = 50;
    settings(&mut config, &spec, &*model, byte);
    match model.check(&config, &|_| {}) {
        Err(CheckError::Model(e)) if e.kind == ModelErrorKind::Panic => {
            panic!("a checker panic reported as a model error: {}\nstate: {:?}", e.message, e.state)
        }
        Ok(_) | Err(_) => {}
    }
}

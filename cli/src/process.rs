//! The whole command as a process: installs the tracing subscriber, the
//! Ctrl-C and SIGTERM handler and the panic hook, runs [`crate::run_with`]
//! on the process's arguments and exits with its code. The bundled binary
//! and a user's own (through the `bivalent` facade) are this one call.

use std::io::Write;
use std::panic;
use std::sync::Mutex;

use checker::ModelEntry;

/// Where and why the last panic happened; printed only for internal errors
/// (model panics are caught and reported by the checker with their state).
static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

/// Runs the `bivalent` command line of this process with the models of
/// `registry`, and exits with its code.
pub fn main(registry: &[ModelEntry]) -> ! {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    // The first Ctrl-C (or SIGTERM) stops the run at its next step
    // with what it found, a report marked incomplete and exit code 3; a
    // second one exits at once.
    let flag = crate::interrupt_flag();
    let installed = ctrlc::set_handler(move || {
        if flag.swap(true, std::sync::atomic::Ordering::SeqCst) {
            std::process::exit(130);
        }
        let _ =
            writeln!(std::io::stderr(), "interrupted: stopping at the next step (press Ctrl-C again to quit at once)");
    });
    if let Err(e) = installed {
        tracing::warn!("cannot install the Ctrl-C handler: {e}");
    }
    panic::set_hook(Box::new(|info| {
        if let Ok(mut last) = LAST_PANIC.lock() {
            *last = Some(info.to_string());
        }
    }));
    let result = panic::catch_unwind(|| {
        // Not locked for the whole run: the Ctrl-C handler writes to stderr too.
        crate::run_with(registry, std::env::args_os(), &mut std::io::stdout(), &mut std::io::stderr())
    });
    let code = result.unwrap_or_else(|_| {
        let detail = LAST_PANIC.lock().ok().and_then(|l| l.clone()).unwrap_or_default();
        let _ = writeln!(
            std::io::stderr(),
            "internal error: bivalent crashed; please report this with the spec that caused it.\n{detail}"
        );
        crate::ExitCode::Internal as i32
    });
    std::process::exit(code);
}

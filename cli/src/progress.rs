//! Live progress: an indicatif line on a terminal, otherwise a plain line on
//! stderr every few seconds. Rate-limited here, so the engine may call often.

use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use checker::Progress;
use indicatif::{ProgressBar, ProgressStyle};

/// Plain progress lines are printed at most this often, unless the
/// environment variable `BIVALENT_PROGRESS_SECONDS` says otherwise.
const PLAIN_INTERVAL: Duration = Duration::from_secs(5);

pub struct Display {
    bar: Option<ProgressBar>,
    plain: bool,
    started: Instant,
    last: Mutex<Instant>,
    interval: Duration,
}

impl Display {
    pub fn new(enabled: bool, started: Instant) -> Display {
        let terminal = std::io::stderr().is_terminal();
        let bar = (enabled && terminal).then(|| {
            let bar = ProgressBar::new_spinner();
            bar.set_style(ProgressStyle::with_template("{spinner} {elapsed} {msg}").expect("a valid template"));
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        let interval = std::env::var("BIVALENT_PROGRESS_SECONDS")
            .ok()
            .and_then(|s| s.parse::<f64>().ok())
            .and_then(|s| Duration::try_from_secs_f64(s).ok())
            .unwrap_or(PLAIN_INTERVAL);
        Display { bar, plain: enabled && !terminal, started, last: Mutex::new(started), interval }
    }

    pub fn update(&self, p: &Progress) {
        let elapsed = self.started.elapsed().as_secs_f64().max(1e-9);
        let line = format!(
            "{} distinct, {} generated, {} queued, depth {}, {:.0} states/s",
            p.distinct_states,
            p.generated_states,
            p.queue_states,
            p.depth,
            p.generated_states as f64 / elapsed
        );
        if let Some(bar) = &self.bar {
            bar.set_message(line);
        } else if self.plain {
            let mut last = self.last.lock().expect("progress lock");
            if last.elapsed() >= self.interval {
                *last = Instant::now();
                // A closed stderr (a pipe whose reader went away) must not
                // stop the run: progress is for the eyes only.
                let _ = writeln!(std::io::stderr(), "progress: {line}");
            }
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

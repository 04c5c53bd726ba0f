//! Watching a run's limits from its hot loops.
//!
//! Every strategy, and the liveness phase, calls [`Watch::step`] once per step
//! (a state expanded, a step of a random walk, a node of the behaviour graph
//! or of an SCC search). A step costs one relaxed load of the interrupt flag;
//! the clock is read every [`CLOCK_EVERY`] steps and memory measured every
//! [`PROBE_EVERY`] steps, or every [`CLOCK_EVERY`] once it is within an eighth
//! of the limit.
//!
//! Memory is the process's resident set as read by a [`MemoryProbe`] the
//! caller injects (the engine does no IO); without one, the engine's estimate
//! of its own structures. Growth that comes in big chunks (the fingerprint
//! table, the behaviour graph's index, the search arrays of liveness) is asked
//! for first with [`Limits::room_for`], and refused when it would pass the
//! limit: the run stops before allocating, not after. What a strategy must
//! still allocate before it can stop (BFS merging its workers' buffers at
//! the end of a segment) is counted ahead ([`Watch::step_ahead`]).

use std::fmt;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use crate::config::Limits;
use crate::outcome::StopReason;

/// Steps between two looks at the clock.
pub(crate) const CLOCK_EVERY: u32 = 256;
/// Steps between two memory measurements (a multiple of [`CLOCK_EVERY`]).
pub(crate) const PROBE_EVERY: u32 = 1024;

/// Reads the memory the process uses, in bytes: the resident set, say, read by
/// the caller from `/proc/self/statm`. The engine calls it every thousand
/// steps of a thread (every 256 near the limit) and before growing a big
/// structure, from any worker thread, so it should take a few microseconds.
#[derive(Clone)]
pub struct MemoryProbe(Arc<dyn Fn() -> u64 + Send + Sync>);

impl MemoryProbe {
    /// A probe that calls `read`.
    pub fn new(read: impl Fn() -> u64 + Send + Sync + 'static) -> MemoryProbe {
        MemoryProbe(Arc::new(read))
    }

    /// The memory in use now, in bytes.
    pub fn read(&self) -> u64 {
        (self.0)()
    }
}

impl fmt::Debug for MemoryProbe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MemoryProbe")
    }
}

impl Limits {
    /// The memory the run uses: the probe's reading, or without a probe
    /// `own()`, the caller's estimate of the engine's own structures.
    pub(crate) fn memory_bytes(&self, own: impl FnOnce() -> u64) -> u64 {
        match &self.memory_probe {
            Some(probe) => probe.read(),
            None => own(),
        }
    }

    /// Whether the memory (as [`Limits::memory_bytes`] measures it) is past the limit.
    pub(crate) fn memory_exceeded(&self, own: impl FnOnce() -> u64) -> bool {
        let bytes = self.memory_bytes(own);
        let exceeded = bytes > self.memory_bytes_max;
        if exceeded {
            tracing::info!(bytes, limit = self.memory_bytes_max, "memory limit reached");
        }
        exceeded
    }

    /// Whether allocating `more` bytes now keeps the run within its memory
    /// limit. Asked before a big allocation, which is skipped (and the run
    /// stopped) when the answer is no.
    pub(crate) fn room_for(&self, own: impl FnOnce() -> u64, more: u64) -> bool {
        if more == 0 {
            return true;
        }
        let bytes = self.memory_bytes(own);
        let room = bytes.saturating_add(more) <= self.memory_bytes_max;
        if !room {
            tracing::info!(bytes, more, limit = self.memory_bytes_max, "memory limit: growth refused");
        }
        room
    }

    #[inline]
    fn interrupted(&self) -> bool {
        self.interrupt.as_ref().is_some_and(|flag| flag.load(Ordering::Relaxed))
    }
}

/// One thread's step counter for [`Watch::step`].
#[derive(Clone, Debug, Default)]
pub(crate) struct Watch {
    steps: u32,
    /// The last measurement was within an eighth of the limit: measure every
    /// [`CLOCK_EVERY`] steps instead of every [`PROBE_EVERY`].
    near: bool,
}

impl Watch {
    /// Counts one step and says why the run must stop, if it must: the
    /// interrupt flag at every step, the deadline every [`CLOCK_EVERY`] steps
    /// and memory every [`PROBE_EVERY`] (`own` as in [`Limits::memory_bytes`]).
    #[inline]
    pub fn step(&mut self, limits: &Limits, own: impl FnOnce() -> u64) -> Option<StopReason> {
        self.step_ahead(limits, own, || 0)
    }

    /// [`Watch::step`], where the caller will allocate `ahead()` more bytes
    /// before it can stop (a merge of buffers, say): memory counts them
    /// already, so the run stops before they pass the limit.
    #[inline]
    pub fn step_ahead(
        &mut self,
        limits: &Limits,
        own: impl FnOnce() -> u64,
        ahead: impl FnOnce() -> u64,
    ) -> Option<StopReason> {
        if limits.interrupted() {
            return Some(StopReason::Interrupted);
        }
        self.steps = self.steps.wrapping_add(1);
        if !self.steps.is_multiple_of(CLOCK_EVERY) {
            return None;
        }
        self.slow(limits, own, ahead)
    }

    #[cold]
    fn slow(&mut self, limits: &Limits, own: impl FnOnce() -> u64, ahead: impl FnOnce() -> u64) -> Option<StopReason> {
        if limits.deadline.is_some_and(|d| std::time::Instant::now() >= d) {
            return Some(StopReason::TimeLimit);
        }
        if !self.near && !self.steps.is_multiple_of(PROBE_EVERY) {
            return None;
        }
        let bytes = limits.memory_bytes(own).saturating_add(ahead());
        let max = limits.memory_bytes_max;
        self.near = bytes > max - max / 8;
        if bytes > max {
            tracing::info!(bytes, limit = max, "memory limit reached");
            return Some(StopReason::MemoryLimit);
        }
        None
    }
}

#[cfg(test)]
mod tests;

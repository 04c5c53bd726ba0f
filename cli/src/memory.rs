//! The memory probe behind `--max-memory`: the process's resident set, read
//! from `/proc/self/statm` (Linux). The engine calls it every thousand or so
//! states per thread and before each big allocation, so it reads the open file
//! again (one `pread`, a microsecond or two) rather than opening it each time.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use checker::MemoryProbe;

/// The probe, made once per process; `None` where the resident set cannot be
/// read, and the limit then counts the engine's own structures.
pub fn resident_probe() -> Option<MemoryProbe> {
    static PROBE: OnceLock<Option<MemoryProbe>> = OnceLock::new();
    PROBE.get_or_init(make).clone()
}

#[cfg(target_os = "linux")]
fn make() -> Option<MemoryProbe> {
    use std::os::unix::fs::FileExt;

    let statm = std::fs::File::open("/proc/self/statm").ok()?;
    // SAFETY: sysconf reads a constant of the system and has no preconditions.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    let page = u64::try_from(page).ok().filter(|&p| p > 0)?;
    let read = move || -> Option<u64> {
        let mut buffer = [0u8; 128];
        let n = statm.read_at(&mut buffer, 0).ok()?;
        // "size resident shared text lib data dt", in pages.
        let text = std::str::from_utf8(&buffer[..n]).ok()?;
        text.split_ascii_whitespace().nth(1)?.parse::<u64>().ok().map(|pages| pages * page)
    };
    let first = read()?;
    // A failed read (never seen) repeats the last reading rather than
    // stopping the run or lifting the limit.
    let last = Arc::new(AtomicU64::new(first));
    Some(MemoryProbe::new(move || match read() {
        Some(bytes) => {
            last.store(bytes, Ordering::Relaxed);
            bytes
        }
        None => last.load(Ordering::Relaxed),
    }))
}

#[cfg(not(target_os = "linux"))]
fn make() -> Option<MemoryProbe> {
    None
}

/// The process's peak resident set (`VmHWM` in `/proc/self/status`), in bytes.
pub fn peak_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse::<u64>().ok().map(|kib| kib * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_os = "linux")]
    #[test]
    fn the_probe_sees_memory_the_process_touches() {
        let probe = resident_probe().expect("Linux has /proc/self/statm");
        let before = probe.read();
        assert!(before > 1 << 20, "a running process holds more than 1 MiB: {before}");
        // 64 MiB written, so resident.
        let block = std::hint::black_box(vec![1u8; 64 << 20]);
        let after = probe.read();
        assert!(after >= before + (60 << 20), "{before} -> {after}");
        drop(block);
    }
}

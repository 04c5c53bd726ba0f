//! Unit tests of the CLI's file handling.

use std::sync::atomic::AtomicBool;

use super::{read_spec, ReadError, SPEC_BYTES_MAX};

#[test]
fn a_spec_is_read_whole_unless_an_interrupt_came() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("spec.cfg");
    // Three chunks of the reader, so that the interrupt is looked at in between.
    let text = "\\* filler\n".repeat(300_000);
    std::fs::write(&path, &text).unwrap();
    let bytes = read_spec(&path, &AtomicBool::new(false)).unwrap();
    assert_eq!(bytes, text.as_bytes());
    let interrupted = read_spec(&path, &AtomicBool::new(true));
    assert!(matches!(interrupted, Err(ReadError::Interrupted)), "{interrupted:?}");
}

#[test]
fn a_spec_at_the_cap_is_read_and_one_byte_more_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("spec.cfg");
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(SPEC_BYTES_MAX).unwrap();
    assert_eq!(read_spec(&path, &AtomicBool::new(false)).unwrap().len() as u64, SPEC_BYTES_MAX);
    file.set_len(SPEC_BYTES_MAX + 1).unwrap();
    let refused = read_spec(&path, &AtomicBool::new(false));
    assert!(matches!(refused, Err(ReadError::TooLarge(n)) if n == SPEC_BYTES_MAX + 1), "{refused:?}");
}

#[test]
fn a_hostfile_gives_the_first_addresses_and_names_a_bad_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hosts.txt");
    std::fs::write(&path, "# the cluster\n10.0.0.1:7700\n\n10.0.0.2:7701  # second\nhost-c:7702\n").unwrap();
    assert_eq!(crate::resolve::hostfile(&path, 2).unwrap(), ["10.0.0.1:7700", "10.0.0.2:7701"]);
    let short = crate::resolve::hostfile(&path, 4).unwrap_err();
    assert!(short.ends_with("3 addresses for --processes 4"), "{short}");
    std::fs::write(&path, "10.0.0.1:7700\n10.0.0.2\n").unwrap();
    let bad = crate::resolve::hostfile(&path, 2).unwrap_err();
    assert!(bad.contains("hosts.txt:2: expected host:port"), "{bad}");
    std::fs::write(&path, "10.0.0.1:99999\n").unwrap();
    assert!(crate::resolve::hostfile(&path, 1).unwrap_err().contains(":1: expected host:port"));
    // A device or a FIFO is refused at once instead of read forever or waited on.
    let zero = crate::resolve::hostfile(std::path::Path::new("/dev/zero"), 1).unwrap_err();
    assert!(zero.contains("not a regular file but a character device"), "{zero}");
    let fifo = dir.path().join("fifo");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let refused = crate::resolve::hostfile(&fifo, 1).unwrap_err();
    assert!(refused.contains("not a regular file but a FIFO"), "{refused}");
}

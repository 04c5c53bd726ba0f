//! What the binary's tests share: the repository root and the built binary,
//! run from that root with its output captured.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The repository root, where `specs/` and `bench/specs/` are.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("bundled/ has a parent").to_path_buf()
}

/// The built `bivalent` with `args`, run from the root, stdout and stderr piped.
#[allow(dead_code)] // not every test binary runs the command this way
pub fn bivalent(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_bivalent"));
    command.args(args).current_dir(root()).stdout(Stdio::piped()).stderr(Stdio::piped());
    command
}

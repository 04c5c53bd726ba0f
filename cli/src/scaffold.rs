//! `bivalent new PATH`: a crate for a protocol of one's own, with one small
//! model, its check spec, a test that runs the spec through the library, and
//! a CI workflow. The files are the templates in `scaffold/`.

use std::io::Write;
use std::path::{Component, Path, PathBuf};

use crate::args::NewArgs;
use crate::ExitCode;

/// `(path in the new crate, template)`.
const FILES: &[(&str, &str)] = &[
    ("Cargo.toml", include_str!("scaffold/Cargo.toml.in")),
    (".gitignore", include_str!("scaffold/gitignore.in")),
    ("src/main.rs", include_str!("scaffold/main.rs.in")),
    ("src/lib.rs", include_str!("scaffold/lib.rs.in")),
    ("src/model.rs", include_str!("scaffold/model.rs.in")),
    ("specs/{{name}}.cfg", include_str!("scaffold/spec.cfg.in")),
    ("tests/spec.rs", include_str!("scaffold/test.rs.in")),
    (".github/workflows/check.yml", include_str!("scaffold/check.yml.in")),
];

/// Where the facade crate was when this binary was built.
const BUILT_FROM: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../bivalent");

/// Names cargo or the new crate's own code cannot take.
const RESERVED: &[&str] = &["bivalent", "test", "std", "core", "alloc", "proc_macro", "self", "crate", "super"];

pub(crate) fn new(args: &NewArgs, out: &mut dyn Write, err: &mut dyn Write) -> ExitCode {
    if args.path.exists() {
        let _ = writeln!(err, "error: {} already exists; choose a new directory", crate::shown(&args.path));
        return ExitCode::Semantic;
    }
    let name = args.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    if let Err(message) = check_name(&name) {
        let _ = writeln!(err, "error: {}: {message}", crate::shown(&args.path));
        return ExitCode::Syntax;
    }
    match create(args, &name) {
        Ok(()) => {
            let _ = writeln!(
                out,
                "Created the crate `{name}` in {path}: a model (src/model.rs), its check spec (specs/{name}.cfg), \
                 a test (tests/spec.rs) and a CI workflow.\nNext: cd {path} && cargo run -- check specs/",
                path = crate::shown(&args.path)
            );
            ExitCode::Ok
        }
        Err(message) => {
            let _ = writeln!(err, "error: {message}");
            ExitCode::Semantic
        }
    }
}

/// A crate name cargo accepts that is also a usable Rust identifier once
/// `-` becomes `_`.
fn check_name(name: &str) -> Result<(), String> {
    let valid = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !valid {
        return Err(format!(
            "`{name}` cannot name a crate: use ASCII letters, digits, `-` and `_`, starting with a letter"
        ));
    }
    if RESERVED.contains(&name.replace('-', "_").as_str()) {
        return Err(format!(
            "`{name}` cannot name the crate (reserved, or the name of its dependency); choose another"
        ));
    }
    Ok(())
}

fn create(args: &NewArgs, name: &str) -> Result<(), String> {
    let path = &args.path;
    let facade = args.bivalent.clone().unwrap_or_else(|| PathBuf::from(BUILT_FROM));
    let facade = facade
        .canonicalize()
        .ok()
        .filter(|dir| std::fs::read_to_string(dir.join("Cargo.toml")).is_ok_and(|t| t.contains("name = \"bivalent\"")))
        .ok_or_else(|| {
            format!(
                "{}: not the `bivalent` crate (a directory whose Cargo.toml names the package `bivalent`); \
                 pass --bivalent DIR",
                crate::shown(&facade)
            )
        })?;
    std::fs::create_dir_all(path).map_err(|e| format!("{}: cannot create the directory: {e}", crate::shown(path)))?;
    let written = path.canonicalize().map_err(|e| e.to_string()).and_then(|root| {
        let dependency = relative(&root, &facade);
        for (file, template) in FILES {
            let contents = template
                .replace("{{name}}", name)
                .replace("{{crate}}", &name.replace('-', "_"))
                .replace("{{bivalent}}", &dependency.display().to_string());
            let target = root.join(file.replace("{{name}}", name));
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", crate::shown(parent)))?;
            }
            std::fs::write(&target, contents).map_err(|e| format!("{}: cannot write: {e}", crate::shown(&target)))?;
        }
        Ok(())
    });
    if written.is_err() {
        // Leave nothing half made: the directory did not exist before.
        let _ = std::fs::remove_dir_all(path);
    }
    written
}

/// `to` relative to the directory `from`; both absolute and canonical.
fn relative(from: &Path, to: &Path) -> PathBuf {
    let from: Vec<Component> = from.components().collect();
    let to: Vec<Component> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    if common == 0 {
        // Different roots (another drive): only an absolute path reaches it.
        return to.iter().collect();
    }
    let mut path: PathBuf = from[common..].iter().map(|_| Component::ParentDir).collect();
    path.extend(&to[common..]);
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> (i32, String, String) {
        let argv = std::iter::once("bivalent").chain(args.iter().copied()).map(std::ffi::OsString::from);
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = crate::run_with(&[], argv, &mut out, &mut err);
        (code, String::from_utf8(out).unwrap(), String::from_utf8(err).unwrap())
    }

    #[test]
    fn new_writes_a_crate_that_depends_on_this_checkout_by_a_relative_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("my-proto");
        let (code, out, err) = run(&["new", path.to_str().unwrap()]);
        assert_eq!(code, 0, "{err}");
        assert!(out.contains("Created the crate `my-proto`"), "{out}");
        for file in ["Cargo.toml", ".gitignore", "src/main.rs", "src/lib.rs", "src/model.rs", "tests/spec.rs"] {
            assert!(path.join(file).is_file(), "{file} missing");
        }
        assert!(path.join(".github/workflows/check.yml").is_file());
        let spec = std::fs::read_to_string(path.join("specs/my-proto.cfg")).unwrap();
        assert!(checker::parse_spec(&spec).is_ok_and(|s| s.model.name == "Lock"), "{spec}");
        let main = std::fs::read_to_string(path.join("src/main.rs")).unwrap();
        assert!(main.contains("bivalent::main(&[my_proto::entry()])"), "{main}");
        let test = std::fs::read_to_string(path.join("tests/spec.rs")).unwrap();
        assert!(test.contains("include_str!(\"../specs/my-proto.cfg\")") && test.contains("use my_proto::Lock;"));
        let manifest = std::fs::read_to_string(path.join("Cargo.toml")).unwrap();
        assert!(manifest.contains("name = \"my-proto\""), "{manifest}");
        assert!(!manifest.contains("{{"), "a placeholder is left: {manifest}");
        // The dependency's path, taken from the new crate, is this checkout's facade.
        let line = manifest.lines().find(|l| l.starts_with("bivalent = ")).unwrap();
        let relative = line.split('"').nth(1).unwrap();
        assert!(Path::new(relative).is_relative(), "{line}");
        let facade = Path::new(env!("CARGO_MANIFEST_DIR")).join("../bivalent").canonicalize().unwrap();
        assert_eq!(path.join(relative).canonicalize().unwrap(), facade);
    }

    #[test]
    fn new_refuses_an_existing_directory_and_leaves_it_alone() {
        let dir = tempfile::tempdir().unwrap();
        let existing = dir.path().join("proto");
        std::fs::create_dir(&existing).unwrap();
        let (code, _, err) = run(&["new", existing.to_str().unwrap()]);
        assert_eq!(code, ExitCode::Semantic as i32);
        assert!(err.contains("already exists"), "{err}");
        assert_eq!(std::fs::read_dir(&existing).unwrap().count(), 0);
    }

    #[test]
    fn new_refuses_names_that_cannot_name_a_crate() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["1st", "my proto", "bivalent", "test", "a.b"] {
            let path = dir.path().join(name);
            let (code, _, err) = run(&["new", path.to_str().unwrap()]);
            assert_eq!(code, ExitCode::Syntax as i32, "{name}: {err}");
            assert!(err.contains("cannot name"), "{name}: {err}");
            assert!(!path.exists(), "{name}");
        }
    }

    #[test]
    fn new_refuses_a_bivalent_path_that_is_not_the_facade() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("proto");
        let (code, _, err) = run(&["new", path.to_str().unwrap(), "--bivalent", dir.path().to_str().unwrap()]);
        assert_eq!(code, ExitCode::Semantic as i32);
        assert!(err.contains("not the `bivalent` crate") && err.contains("--bivalent DIR"), "{err}");
        assert!(!path.exists());
    }

    #[test]
    fn relative_paths_climb_to_the_common_ancestor() {
        assert_eq!(relative(Path::new("/a/b/c"), Path::new("/a/d")), PathBuf::from("../../d"));
        assert_eq!(relative(Path::new("/a"), Path::new("/a/b")), PathBuf::from("b"));
        assert_eq!(relative(Path::new("/tmp/x"), Path::new("/work/y")), PathBuf::from("../../work/y"));
    }
}

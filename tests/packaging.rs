//! Release packaging agrees with every consumer of it. The release workflow packs each target
//! with `scripts/package-release`; `cargo binstall` finds the archives through the templates
//! in `[package.metadata.binstall]`. Here every target of the workflow's matrix is packed for
//! real (with a stand-in binary) and the binstall templates are rendered for it: they must
//! name the archive that was made, in the format it was made in, and a binary that is inside
//! it, and the checksum file must hold the archive's SHA-256. (The GitHub Action's downloads
//! from the same archives are tested by `scripts/test-action`.)

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use saphyr::{LoadableYamlNode, Yaml};
use sha2::{Digest, Sha256};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The platforms the release promises (issue 19): Linux x86_64, aarch64 and x86_64 musl,
/// macOS x86_64 and aarch64, Windows x86_64.
const PROMISED: [&str; 6] = [
    "aarch64-apple-darwin",
    "aarch64-unknown-linux-gnu",
    "x86_64-apple-darwin",
    "x86_64-pc-windows-msvc",
    "x86_64-unknown-linux-gnu",
    "x86_64-unknown-linux-musl",
];

fn release_targets() -> Vec<String> {
    let text = std::fs::read_to_string(Path::new(ROOT).join(".github/workflows/release.yml"))
        .expect("release workflow");
    let docs = Yaml::load_from_str(&text).expect("release.yml is YAML");
    let include = docs[0]["jobs"]["build"]["strategy"]["matrix"]["include"]
        .as_sequence()
        .expect("jobs.build.strategy.matrix.include is a list");
    include
        .iter()
        .map(|entry| {
            entry["target"]
                .as_str()
                .expect("each matrix entry names its target")
                .to_owned()
        })
        .collect()
}

struct Binstall {
    pkg_url: String,
    bin_dir: String,
    pkg_fmt: String,
}

/// The binstall settings for one target: the defaults with that target's overrides on top.
fn binstall_for(target: &str) -> Binstall {
    let text = std::fs::read_to_string(Path::new(ROOT).join("Cargo.toml")).expect("Cargo.toml");
    let manifest: toml::Table = text.parse().expect("Cargo.toml is TOML");
    let meta = manifest["package"]["metadata"]["binstall"]
        .as_table()
        .expect("[package.metadata.binstall]");
    let over = meta
        .get("overrides")
        .and_then(|o| o.get(target))
        .and_then(|o| o.as_table());
    let get = |key: &str| -> String {
        over.and_then(|o| o.get(key))
            .or_else(|| meta.get(key))
            .and_then(|v| v.as_str())
            .unwrap_or_else(|| panic!("binstall `{key}` for {target}"))
            .to_owned()
    };
    Binstall {
        pkg_url: get("pkg-url"),
        bin_dir: get("bin-dir"),
        pkg_fmt: get("pkg-fmt"),
    }
}

/// binstall's `{ var }` substitution, for the variables our templates use.
fn render(template: &str, target: &str) -> String {
    let exe = if target.contains("windows") {
        ".exe"
    } else {
        ""
    };
    let mut out = template.to_owned();
    for (var, value) in [
        ("name", "mdbook-polish"),
        ("version", VERSION),
        ("target", target),
        ("bin", "mdbook-polish"),
        ("binary-ext", exe),
        ("repo", "https://example.invalid/owner/repo"),
    ] {
        out = out.replace(&format!("{{ {var} }}"), value);
    }
    assert!(
        !out.contains('{'),
        "unrendered variable left in `{template}`: {out}"
    );
    out
}

/// The file names in an archive: `tar` lists a tarball; a zip keeps each name uncompressed in
/// its central directory, so the bytes are searched for the one we expect.
fn archive_has(archive: &Path, entry: &str) -> bool {
    if archive.extension().is_some_and(|e| e == "zip") {
        let bytes = std::fs::read(archive).unwrap();
        bytes.windows(entry.len()).any(|w| w == entry.as_bytes())
    } else {
        let out = Command::new("tar")
            .arg("tzf")
            .arg(archive)
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .any(|l| l == entry)
    }
}

#[test]
fn the_release_matrix_builds_every_promised_platform() {
    let targets: BTreeSet<String> = release_targets().into_iter().collect();
    let promised: BTreeSet<String> = PROMISED.iter().map(|s| s.to_string()).collect();
    assert_eq!(targets, promised);
}

#[test]
fn binstall_templates_name_the_archives_the_release_makes() {
    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("mdbook-polish-binary");
    std::fs::write(&fake, "stand-in for a release binary\n").unwrap();
    let out = dir.path().join("dist");
    for target in release_targets() {
        let made = Command::new("bash")
            .arg(Path::new(ROOT).join("scripts/package-release"))
            .arg(&target)
            .arg(&fake)
            .arg(&out)
            .output()
            .unwrap();
        assert!(
            made.status.success(),
            "package-release {target}: {}",
            String::from_utf8_lossy(&made.stderr)
        );
        let archive = Path::new(String::from_utf8_lossy(&made.stdout).trim()).to_path_buf();
        let file_name = archive.file_name().unwrap().to_str().unwrap().to_owned();

        let binstall = binstall_for(&target);
        let url = render(&binstall.pkg_url, &target);
        let prefix = format!("https://example.invalid/owner/repo/releases/download/v{VERSION}/");
        assert_eq!(
            url.strip_prefix(&prefix),
            Some(file_name.as_str()),
            "{target}: binstall's URL {url} does not name {file_name}"
        );
        let expected_fmt = if file_name.ends_with(".zip") {
            "zip"
        } else {
            assert!(file_name.ends_with(".tar.gz"), "{file_name}");
            "tgz"
        };
        assert_eq!(binstall.pkg_fmt, expected_fmt, "{target}");
        let bin = render(&binstall.bin_dir, &target);
        assert!(
            archive_has(&archive, &bin),
            "{target}: {file_name} has no {bin}"
        );

        let sum = std::fs::read_to_string(out.join(format!("{file_name}.sha256"))).unwrap();
        let digest = Sha256::digest(std::fs::read(&archive).unwrap());
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(sum, format!("{hex}  {file_name}\n"), "{target}");
    }
}

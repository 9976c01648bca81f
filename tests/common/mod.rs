//! Shared helpers for integration tests: fixture books built in-process with mdbook-driver.

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use mdbook_driver::MDBook;

/// The real binary, as a user runs it.
pub fn polish() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("mdbook-polish").expect("the mdbook-polish binary is built")
}

/// The real `mdbook` 0.5 binary: `MDBOOK`, else `mdbook` on PATH. Tests that need it fail (not
/// skip) without it, so a green run always means it ran; `scripts/test` installs it.
pub fn mdbook() -> PathBuf {
    let candidate = std::env::var_os("MDBOOK")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("mdbook"));
    match std::process::Command::new(&candidate)
        .arg("--version")
        .output()
    {
        Ok(out) if String::from_utf8_lossy(&out.stdout).contains("v0.5") => candidate,
        Ok(out) => panic!(
            "`{}` is not mdBook 0.5: {}",
            candidate.display(),
            String::from_utf8_lossy(&out.stdout)
        ),
        Err(e) => panic!(
            "this test needs mdBook 0.5 on PATH (or MDBOOK=/path/to/mdbook): {e}. Run scripts/test, which installs it."
        ),
    }
}

/// Writes `content` at `dir/rel`, creating folders.
pub fn write(dir: &Path, rel: &str, content: impl AsRef<[u8]>) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().expect("a file in a folder")).expect("create folders");
    std::fs::write(p, content).expect("write the file");
}
use mdbook_polish::Polish;

/// A book written to a temporary folder.
pub struct TestBook {
    pub dir: tempfile::TempDir,
    chapters: Vec<(String, String)>,
    toml: String,
}

/// The result of building a [`TestBook`].
pub struct Built {
    pub root: PathBuf,
    /// Everything mdBook logged at WARN or above during the build.
    pub warnings: String,
    pub result: Result<(), String>,
}

impl TestBook {
    pub fn new() -> Self {
        TestBook {
            dir: tempfile::tempdir().expect("temp dir"),
            chapters: Vec::new(),
            toml: "[book]\ntitle = \"Test\"\n\n[preprocessor.polish]\n\n[output.html]\nadditional-css = [\"polish.css\"]\n"
                .into(),
        }
    }

    pub fn toml(mut self, toml: &str) -> Self {
        self.toml = toml.to_string();
        self
    }

    pub fn chapter(mut self, path: &str, content: &str) -> Self {
        self.chapters.push((path.to_string(), content.to_string()));
        self
    }

    /// Writes the book and builds it with the in-process preprocessor (replacing the
    /// `[preprocessor.polish]` command from book.toml).
    pub fn build(self) -> (Built, tempfile::TempDir) {
        let root = self.dir.path().to_path_buf();
        std::fs::create_dir_all(root.join("src")).unwrap();
        std::fs::write(root.join("book.toml"), &self.toml).unwrap();
        std::fs::write(
            root.join("polish.css"),
            mdbook_polish::workspace::stylesheet(),
        )
        .unwrap();
        let mut summary = String::from("# Summary\n\n");
        for (path, content) in &self.chapters {
            let p = root.join("src").join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, content).unwrap();
            summary.push_str(&format!("- [{path}]({path})\n"));
        }
        std::fs::write(root.join("src/SUMMARY.md"), summary).unwrap();
        let (warnings, result) = capture_warnings(|| {
            let mut book = MDBook::load(&root).map_err(|e| format!("{e:#}"))?;
            book.with_preprocessor(Polish::quiet());
            book.build().map_err(|e| format!("{e:#}"))
        });
        (
            Built {
                root,
                warnings,
                result,
            },
            self.dir,
        )
    }
}

impl Built {
    pub fn html(&self, chapter: &str) -> String {
        let p = self.root.join("book").join(chapter.replace(".md", ".html"));
        std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    }

    /// The `<main>` element of a built chapter.
    pub fn main(&self, chapter: &str) -> String {
        main_of(&self.html(chapter))
    }

    pub fn file(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    pub fn ok(&self) -> &Self {
        if let Err(e) = &self.result {
            panic!("build failed: {e}\nwarnings:\n{}", self.warnings);
        }
        assert!(
            self.warnings.is_empty(),
            "mdBook warned:\n{}",
            self.warnings
        );
        self
    }
}

pub fn main_of(html: &str) -> String {
    let start = html.find("<main>").expect("<main>");
    let end = html.find("</main>").expect("</main>");
    html[start..end].to_string()
}

#[derive(Clone)]
struct Sink(Arc<Mutex<Vec<u8>>>);

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Runs `f` with a tracing subscriber that records WARN and ERROR events.
pub fn capture_warnings<T>(f: impl FnOnce() -> T) -> (String, T) {
    let buf = Arc::new(Mutex::new(Vec::new()));
    let sink = Sink(buf.clone());
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::WARN)
        .with_ansi(false)
        .with_writer(move || sink.clone())
        .finish();
    let out = tracing::subscriber::with_default(subscriber, f);
    let text = String::from_utf8_lossy(&buf.lock().unwrap()).into_owned();
    (text, out)
}

/// The directory of a fixture under tests/fixtures.
pub fn fixtures(sub: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(sub)
}

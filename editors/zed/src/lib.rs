//! A Zed extension that starts `mdbook-polish lsp` for Markdown files.
//!
//! Zed adds a language server only through an extension; this one declares the server in
//! `extension.toml` and, here, says how to start it: the binary from the user's
//! `lsp.mdbook-polish.binary` settings if set, else `mdbook-polish` found on the worktree's
//! `PATH` (the shell's, as Zed sees it). The server does all the work.

use zed_extension_api::{self as zed, settings::LspSettings, LanguageServerId, Result};

/// The binary looked up on `PATH` when the settings name none.
const BINARY: &str = "mdbook-polish";

/// What the user sees in Zed's log and status bar when the binary cannot be found.
const NOT_FOUND: &str = "mdbook-polish was not found on PATH. Install it with \
    `cargo install mdbook-polish`, or set \"lsp\": {\"mdbook-polish\": {\"binary\": \
    {\"path\": \"/full/path/to/mdbook-polish\"}}} in Zed's settings.";

struct MdbookPolish;

/// The program and arguments to run: a path from the settings wins over `PATH`, and
/// arguments from the settings replace `lsp` (for a wrapper script, say).
fn server_command(
    path_setting: Option<String>,
    args_setting: Option<Vec<String>>,
    on_path: Option<String>,
) -> Result<(String, Vec<String>)> {
    let program = path_setting
        .filter(|p| !p.trim().is_empty())
        .or(on_path)
        .ok_or_else(|| NOT_FOUND.to_string())?;
    let args = args_setting.unwrap_or_else(|| vec!["lsp".to_string()]);
    Ok((program, args))
}

impl zed::Extension for MdbookPolish {
    fn new() -> Self {
        MdbookPolish
    }

    fn language_server_command(
        &mut self,
        id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<zed::Command> {
        let binary = LspSettings::for_worktree(id.as_ref(), worktree)
            .ok()
            .and_then(|s| s.binary);
        let (path_setting, args_setting, env_setting) = match binary {
            Some(b) => (b.path, b.arguments, b.env),
            None => (None, None, None),
        };
        // `which` is only asked when the settings name no binary.
        let on_path = if path_setting.is_some() {
            None
        } else {
            worktree.which(BINARY)
        };
        let (command, args) = server_command(path_setting, args_setting, on_path)?;
        let mut env = worktree.shell_env();
        env.extend(env_setting.unwrap_or_default());
        Ok(zed::Command { command, args, env })
    }

    /// `lsp.mdbook-polish.initialization_options` from the settings, e.g. `{"guideUrl": …}`.
    fn language_server_initialization_options(
        &mut self,
        id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<Option<zed::serde_json::Value>> {
        Ok(LspSettings::for_worktree(id.as_ref(), worktree)
            .ok()
            .and_then(|s| s.initialization_options))
    }
}

zed::register_extension!(MdbookPolish);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_binary_on_path_runs_with_lsp() {
        let found = Some("/home/writer/.cargo/bin/mdbook-polish".to_string());
        assert_eq!(
            server_command(None, None, found),
            Ok((
                "/home/writer/.cargo/bin/mdbook-polish".to_string(),
                vec!["lsp".to_string()]
            ))
        );
    }

    #[test]
    fn a_path_in_the_settings_wins_and_blank_is_unset() {
        let found = Some("/usr/bin/mdbook-polish".to_string());
        let (program, _) = server_command(
            Some("/opt/polish/bin/mdbook-polish".into()),
            None,
            found.clone(),
        )
        .unwrap();
        assert_eq!(program, "/opt/polish/bin/mdbook-polish");
        let (program, _) = server_command(Some("  ".into()), None, found).unwrap();
        assert_eq!(program, "/usr/bin/mdbook-polish");
    }

    #[test]
    fn arguments_in_the_settings_replace_lsp() {
        let (_, args) = server_command(
            Some("polish-wrapper".into()),
            Some(vec!["--quiet".into(), "lsp".into()]),
            None,
        )
        .unwrap();
        assert_eq!(args, ["--quiet", "lsp"]);
    }

    #[test]
    fn no_binary_says_how_to_install_or_set_the_path() {
        let err = server_command(None, None, None).unwrap_err();
        assert!(err.contains("cargo install mdbook-polish"), "{err}");
        assert!(err.contains("\"binary\""), "{err}");
    }
}

# Shared by the scripts in this folder: make sure the tools the project needs are installed.
# Everything here installs from the public registries, so a fresh machine needs only Rust.

MDBOOK_VERSION=0.5.4

# mdBook 0.5 on PATH (cargo's bin folder is added when needed).
ensure_mdbook() {
    export PATH="$HOME/.cargo/bin:$PATH"
    if ! mdbook --version 2>/dev/null | grep -q "v0\.5\."; then
        echo "==> installing mdbook $MDBOOK_VERSION (cargo install, a few minutes once)" >&2
        cargo install mdbook --version "$MDBOOK_VERSION" --locked --quiet
    fi
}

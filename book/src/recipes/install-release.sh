#!/usr/bin/env bash
# Installs the mdbook-polish release binary into ~/.local/bin after checking its SHA-256.
set -euo pipefail
version=${MDBOOK_POLISH_VERSION:-0.1.0}
releases=${MDBOOK_POLISH_RELEASES:-https://github.com/OWNER/mdbook-polish/releases/download}
case "$(uname -s)/$(uname -m)" in
    Linux/x86_64) target=x86_64-unknown-linux-musl ;;
    Linux/aarch64) target=aarch64-unknown-linux-gnu ;;
    Darwin/x86_64) target=x86_64-apple-darwin ;;
    Darwin/arm64) target=aarch64-apple-darwin ;;
    *) echo "no release binary for $(uname -sm): use cargo install" >&2; exit 1 ;;
esac
name="mdbook-polish-$target-v$version"
cd "$(mktemp -d)"
curl -fsSLO "$releases/v$version/$name.tar.gz"
curl -fsSLO "$releases/v$version/$name.tar.gz.sha256"
if command -v sha256sum >/dev/null; then
    sha256sum --check "$name.tar.gz.sha256"
else
    shasum -a 256 --check "$name.tar.gz.sha256" # macOS
fi
tar -xzf "$name.tar.gz"
mkdir -p ~/.local/bin
install -m 755 "$name/mdbook-polish" ~/.local/bin/
~/.local/bin/mdbook-polish --version

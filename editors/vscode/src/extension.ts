// The annals extension: starts `annals lsp` for the Markdown files of a corpus.
import * as fs from "fs";
import * as path from "path";
import * as vscode from "vscode";
import {
  Executable,
  LanguageClient,
  LanguageClientOptions,
  Location as LspLocation,
  Position as LspPosition,
} from "vscode-languageclient/node";
import { annalsMarkdownIt } from "./markdownIt";
import { openPreview } from "./preview";

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;

/** An executable file on PATH, if any. */
function onPath(name: string): string | undefined {
  const dirs = (process.env.PATH ?? "").split(path.delimiter);
  const exts = process.platform === "win32" ? [".exe", ".cmd", ""] : [""];
  for (const dir of dirs) {
    for (const ext of exts) {
      const candidate = path.join(dir, name + ext);
      try {
        fs.accessSync(candidate, fs.constants.X_OK);
        if (fs.statSync(candidate).isFile()) return candidate;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

/** Where the server binary came from, said in the output channel. */
type ServerSource = "the annals.server.path setting" | "the extension's bundled server" | "PATH" | "the workspace's build";

/**
 * The extension's own server (`server/annals` in a platform-specific package), if it is there
 * and can be run. An unpacker that drops the executable bit gets it back here.
 */
function bundledServer(context: vscode.ExtensionContext): string | undefined {
  const bundled = context.asAbsolutePath(path.join("server", process.platform === "win32" ? "annals.exe" : "annals"));
  if (!fs.existsSync(bundled)) return undefined;
  try {
    fs.accessSync(bundled, fs.constants.X_OK);
    return bundled;
  } catch {
    // not executable: restore the bit below
  }
  try {
    fs.chmodSync(bundled, 0o755);
    fs.accessSync(bundled, fs.constants.X_OK);
    output.appendLine(`annals: ${bundled} was not executable; made it executable (chmod 755)`);
    return bundled;
  } catch (e) {
    output.appendLine(`annals: the bundled server ${bundled} cannot be made executable (${e}); looking on PATH`);
    return undefined;
  }
}

/**
 * The server binary: the `annals.server.path` setting, then the server bundled with the
 * extension, then `annals` on PATH, then one built in the workspace (annals' own repository).
 * A setting that names a missing file is an error, not a reason to run another binary.
 */
function serverPath(context: vscode.ExtensionContext): { command: string; source: ServerSource } | undefined {
  const configured = vscode.workspace.getConfiguration("annals").get<string>("server.path")?.trim();
  if (configured) return fs.existsSync(configured) ? { command: configured, source: "the annals.server.path setting" } : undefined;
  const bundled = bundledServer(context);
  if (bundled) return { command: bundled, source: "the extension's bundled server" };
  const found = onPath("annals");
  if (found) return { command: found, source: "PATH" };
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    for (const profile of ["release", "debug"]) {
      const built = path.join(folder.uri.fsPath, "target", profile, "annals");
      if (fs.existsSync(built)) return { command: built, source: "the workspace's build" };
    }
  }
  return undefined;
}

function inlayHintOptions() {
  const config = vscode.workspace.getConfiguration("annals");
  return {
    entityNames: config.get<boolean>("inlayHints.entityNames", true),
    claimText: config.get<boolean>("inlayHints.claimText", true),
  };
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  const server = serverPath(context);
  if (!server) {
    const configured = vscode.workspace.getConfiguration("annals").get<string>("server.path");
    const why = configured
      ? `annals.server.path points at ${configured}, which does not exist.`
      : "This package has no bundled server, and there is no `annals` binary on PATH or in the workspace's target/ folder.";
    output.appendLine(`annals: ${why}`);
    const choice = await vscode.window.showErrorMessage(
      `annals: cannot start the language server. ${why} Install the package for your platform (annals-PLATFORM-VERSION.vsix, with the server inside), or \`cargo install --locked --git https://github.com/annals-dev/annals\`, or set annals.server.path.`,
      "Open Settings",
    );
    if (choice === "Open Settings") {
      await vscode.commands.executeCommand("workbench.action.openSettings", "annals.server.path");
    }
    return;
  }
  const { command, source } = server;
  output.appendLine(`annals: starting ${command} lsp (from ${source})`);
  const run: Executable = { command, args: ["lsp"] };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: "file", language: "markdown" }],
    outputChannel: output,
    initializationOptions: { inlayHints: inlayHintOptions() },
    middleware: {
      workspace: {
        // LSP lets no willCreateFiles edit write into the file being created, and VS Code
        // fails on one ("Failed to determine file type"): the server proposes a new file's
        // template once the file exists (didCreateFiles), so nothing is asked before.
        willCreateFiles: async () => undefined,
      },
    },
  };
  client = new LanguageClient("annals", "annals", { run, debug: run }, clientOptions);
  await client.start();
}

/** What the extension gives VS Code: the markdown-it plugin of the built-in Markdown preview. */
export interface Exports {
  extendMarkdownIt(md: unknown): unknown;
}

export async function activate(context: vscode.ExtensionContext): Promise<Exports> {
  output = vscode.window.createOutputChannel("annals");
  context.subscriptions.push(output);
  context.subscriptions.push(
    vscode.commands.registerCommand("annals.restartServer", async () => {
      if (client) {
        await client.stop();
        client = undefined;
      }
      await start(context);
    }),
    // Code lenses list the claims or mentions behind their counts. The server sends the
    // places only when asked (`codeLens/resolve`), so a lens costs nothing until clicked.
    vscode.commands.registerCommand(
      "annals.showReferences",
      async (uri: string, position: LspPosition, target: LspLocation[] | unknown) => {
        if (!client) return;
        let locations: LspLocation[] = [];
        if (Array.isArray(target)) {
          locations = target as LspLocation[];
        } else {
          const lens = { range: { start: position, end: position }, data: target };
          const resolved: { command?: { arguments?: unknown[] } } = await client.sendRequest(
            "codeLens/resolve",
            lens,
          );
          const found = resolved.command?.arguments?.[2];
          if (Array.isArray(found)) locations = found as LspLocation[];
        }
        const p2c = client.protocol2CodeConverter;
        await vscode.commands.executeCommand(
          "editor.action.showReferences",
          vscode.Uri.parse(uri),
          p2c.asPosition(position),
          locations.map((l) => p2c.asLocation(l)),
        );
      },
    ),
    // The reading view of the active document (`annals/render`), beside it.
    vscode.commands.registerCommand("annals.openPreview", () => openPreview(() => client)),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration("annals.server.path")) {
        await vscode.commands.executeCommand("annals.restartServer");
      } else if (event.affectsConfiguration("annals.inlayHints") && client) {
        await client.sendNotification("workspace/didChangeConfiguration", {
          settings: { annals: { inlayHints: inlayHintOptions() } },
        });
      }
    }),
  );
  await start(context);
  return {
    extendMarkdownIt: (md: unknown) => annalsMarkdownIt(md as Parameters<typeof annalsMarkdownIt>[0]),
  };
}

export async function deactivate(): Promise<void> {
  if (client) await client.stop();
}

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

/** The server binary: the setting, then `annals` on PATH, then one built in the workspace. */
function serverPath(): string | undefined {
  const configured = vscode.workspace.getConfiguration("annals").get<string>("server.path")?.trim();
  if (configured) return fs.existsSync(configured) ? configured : undefined;
  const found = onPath("annals");
  if (found) return found;
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    for (const profile of ["release", "debug"]) {
      const built = path.join(folder.uri.fsPath, "target", profile, "annals");
      if (fs.existsSync(built)) return built;
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
  const command = serverPath();
  if (!command) {
    const configured = vscode.workspace.getConfiguration("annals").get<string>("server.path");
    const why = configured
      ? `annals.server.path points at ${configured}, which does not exist.`
      : "No `annals` binary on PATH or in the workspace's target/ folder.";
    output.appendLine(`annals: ${why}`);
    const choice = await vscode.window.showErrorMessage(
      `annals: cannot start the language server. ${why} Install it with \`cargo install --path .\` in the annals repository, or set annals.server.path.`,
      "Open Settings",
    );
    if (choice === "Open Settings") {
      await vscode.commands.executeCommand("workbench.action.openSettings", "annals.server.path");
    }
    return;
  }
  output.appendLine(`annals: starting ${command} lsp`);
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

export async function activate(context: vscode.ExtensionContext): Promise<void> {
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
}

export async function deactivate(): Promise<void> {
  if (client) await client.stop();
}

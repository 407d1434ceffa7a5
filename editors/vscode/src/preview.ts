// annals: Open Preview: the reading view of a corpus document (the page `annals site` makes
// of it, asked from the server as `annals/render`) in a webview beside the editor. It follows
// the text as it is typed; a click on a mention or a claim reference opens its document.
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";

const previews = new Map<string, Preview>();

class Preview {
  private timer: NodeJS.Timeout | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly client: () => LanguageClient | undefined,
    private readonly document: vscode.Uri,
    private readonly panel: vscode.WebviewPanel,
  ) {
    this.disposables.push(
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.document.uri.toString() === this.document.toString()) this.schedule();
      }),
      panel.webview.onDidReceiveMessage((message: { open?: string }) => {
        if (typeof message.open === "string") void openTarget(message.open);
      }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  /** Renders again a moment after the last keystroke. */
  schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.render(), 200);
  }

  async render(): Promise<void> {
    const client = this.client();
    if (!client) {
      this.panel.webview.html = message("The annals language server is not running.");
      return;
    }
    try {
      const result: { html?: string } | null = await client.sendRequest("annals/render", {
        textDocument: { uri: this.document.toString() },
      });
      this.panel.webview.html = result?.html ? withClickHandler(result.html) : message("This file is not part of an annals corpus.");
    } catch (e) {
      this.panel.webview.html = message(`The server could not render this document: ${e}`);
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    previews.delete(this.document.toString());
    for (const d of this.disposables) d.dispose();
  }
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function message(text: string): string {
  return `<!DOCTYPE html><html lang="en"><body><p>${escapeHtml(text)}</p></body></html>`;
}

/**
 * The server's page with a policy that allows its inline style and our one script, which
 * hands every link out of the page to the extension.
 */
function withClickHandler(html: string): string {
  const nonce = Array.from({ length: 32 }, () => Math.floor(Math.random() * 36).toString(36)).join("");
  const policy = `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-${nonce}';">`;
  const script = `<script nonce="${nonce}">
const vscode = acquireVsCodeApi();
document.addEventListener("click", (event) => {
  const link = event.target instanceof Element ? event.target.closest("a[href]") : null;
  if (!link) return;
  const href = link.getAttribute("href") || "";
  if (href.startsWith("#")) return;
  event.preventDefault();
  vscode.postMessage({ open: href });
});
</script>`;
  return html.replace("<head>", `<head>\n${policy}`).replace("</body>", `${script}\n</body>`);
}

/** Opens a link of the preview: a corpus file (`file:///…#L12` at its line), or a web page. */
async function openTarget(href: string): Promise<void> {
  if (href.startsWith("file:")) {
    const [file, fragment] = href.split("#", 2);
    const line = /^L(\d+)/.exec(fragment ?? "");
    const uri = vscode.Uri.parse(file);
    const position = new vscode.Position(line ? Math.max(0, Number(line[1]) - 1) : 0, 0);
    await vscode.window.showTextDocument(uri, {
      viewColumn: vscode.ViewColumn.One,
      selection: new vscode.Range(position, position),
    });
  } else if (/^https?:|^mailto:/.test(href)) {
    await vscode.env.openExternal(vscode.Uri.parse(href));
  }
}

/** The command: a preview of the active editor's document, beside it. */
export async function openPreview(client: () => LanguageClient | undefined): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== "markdown") {
    await vscode.window.showInformationMessage("annals: open a Markdown document of the corpus to preview it.");
    return;
  }
  const uri = editor.document.uri;
  const existing = previews.get(uri.toString());
  if (existing) {
    await existing.render();
    return;
  }
  const name = uri.path.split("/").pop() ?? "document";
  const panel = vscode.window.createWebviewPanel("annals.preview", `Preview ${name}`, vscode.ViewColumn.Beside, {
    enableScripts: true,
    localResourceRoots: [],
  });
  const preview = new Preview(client, uri, panel);
  previews.set(uri.toString(), preview);
  await preview.render();
}

// The docent extension for VS Code: starts `docent --stdio` for Python files through
// vscode-languageclient, gives it the `docent.*` settings the user set (and only those, so that
// `[tool.docent]` in pyproject.toml keeps the rest), and adds docent's commands.
import * as fs from "fs";
import * as path from "path";
import * as vscode from "vscode";
import {
  CodeAction as LspCodeAction,
  DidChangeConfigurationNotification,
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
} from "vscode-languageclient/node";

const SECTION = "docent";
// Settings of the extension itself, not sent to the server.
const OWN_SETTINGS = new Set(["path", "trace.server"]);

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;
let extensionPath = "";

// Read-only documents `docent:/<name>.json` that show the stats: nothing to save when closed.
const shown = new Map<string, string>();
const shownChanged = new vscode.EventEmitter<vscode.Uri>();
const statsDocuments: vscode.TextDocumentContentProvider = {
  onDidChange: shownChanged.event,
  provideTextDocumentContent: (uri) => shown.get(uri.path) ?? "",
};

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  extensionPath = context.extensionPath;
  output = vscode.window.createOutputChannel("docent");
  context.subscriptions.push(output, shownChanged);
  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider("docent", statsDocuments),
  );
  const commands: [string, () => Promise<unknown>][] = [
    ["docent.insertDocstring", insertDocstring],
    ["docent.documentFile", documentFile],
    ["docent.showWorkspaceStats", showWorkspaceStats],
    ["docent.showLearningStats", showLearningStats],
    ["docent.resetLearning", resetLearning],
    ["docent.restartServer", restartServer],
    ["docent.showOutput", async () => output.show(true)],
  ];
  for (const [name, run] of commands) {
    context.subscriptions.push(vscode.commands.registerCommand(name, () => guarded(run)));
  }
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (!event.affectsConfiguration(SECTION)) return;
      if (event.affectsConfiguration(`${SECTION}.path`)) {
        void guarded(restartServer);
      } else if (client?.isRunning()) {
        void client.sendNotification(DidChangeConfigurationNotification.type, {
          settings: { [SECTION]: userSettings() },
        });
      }
    }),
  );
  await start();
}

export async function deactivate(): Promise<void> {
  await stop();
}

async function guarded(run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    output.appendLine(`error: ${message}`);
    void vscode.window.showErrorMessage(`docent: ${message}`);
  }
}

// The docent settings the user set somewhere (user, workspace or folder), nested at dots as
// VS Code sends settings (`learning.enabled` → {"learning": {"enabled": …}}). Defaults are left
// out: the server has the same ones, and pyproject.toml may override them.
function userSettings(scope?: vscode.Uri): Record<string, unknown> {
  const config = vscode.workspace.getConfiguration(SECTION, scope);
  const manifest = vscode.extensions.getExtension("docent.docent")?.packageJSON;
  const names = Object.keys(manifest?.contributes?.configuration?.properties ?? {})
    .map((key) => key.slice(SECTION.length + 1))
    .filter((name) => !OWN_SETTINGS.has(name));
  const settings: Record<string, unknown> = {};
  for (const name of names) {
    const seen = config.inspect(name);
    const value =
      seen?.workspaceFolderLanguageValue ?? seen?.workspaceLanguageValue ??
      seen?.globalLanguageValue ?? seen?.workspaceFolderValue ?? seen?.workspaceValue ??
      seen?.globalValue;
    if (value === undefined || value === null) continue;
    const parts = name.split(".");
    let node = settings;
    for (const part of parts.slice(0, -1)) {
      node = (node[part] ??= {}) as Record<string, unknown>;
    }
    node[parts[parts.length - 1]] = value;
  }
  return settings;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

// The binary: the `docent.path` setting, else the one bundled in the extension, else PATH.
function findBinary(): { binary?: string; problem?: string } {
  const configured = vscode.workspace.getConfiguration(SECTION).get<string>("path", "").trim();
  if (configured) {
    const expanded = configured.replace(/^~(?=$|\/)/, process.env.HOME ?? "~");
    if (isExecutable(expanded)) return { binary: expanded };
    return { problem: `the docent.path setting names '${configured}', which is not an executable file.` };
  }
  const executable = process.platform === "win32" ? "docent.exe" : "docent";
  const bundled = path.join(extensionPath, "bin", executable);
  if (isExecutable(bundled)) return { binary: bundled };
  for (const folder of (process.env.PATH ?? "").split(path.delimiter)) {
    if (folder && isExecutable(path.join(folder, executable))) {
      return { binary: path.join(folder, executable) };
    }
  }
  return {
    problem: "the docent binary was not found: this extension has none bundled, and there is " +
      "no `docent` on PATH.",
  };
}

async function start(): Promise<void> {
  const { binary, problem } = findBinary();
  if (!binary) {
    output.appendLine(`docent is not running: ${problem}`);
    const choice = await vscode.window.showErrorMessage(
      `docent is not running: ${problem} Build docent (scripts/build.sh release) and set ` +
        "docent.path to the binary (build/release/lsp/docent), or put it on PATH.",
      "Open Settings",
    );
    if (choice === "Open Settings") {
      void vscode.commands.executeCommand("workbench.action.openSettings", "docent.path");
    }
    return;
  }
  output.appendLine(`starting ${binary} --stdio`);
  const serverOptions: ServerOptions = {
    run: { command: binary, args: ["--stdio"] },
    debug: { command: binary, args: ["--stdio", "--log-level", "debug"] },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "python" },
      { scheme: "untitled", language: "python" },
    ],
    outputChannel: output,
    initializationOptions: userSettings(),
    middleware: {
      workspace: {
        // The answer to workspace/configuration for the section `docent`.
        configuration: (params, token, next) => {
          const asked = params.items.map((item) => item.section === SECTION);
          if (!asked.some(Boolean)) return next(params, token);
          return params.items.map((item, index) =>
            asked[index]
              ? userSettings(item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined)
              : vscode.workspace.getConfiguration(item.section).get(""),
          );
        },
      },
    },
  };
  client = new LanguageClient("docent", "docent", serverOptions, clientOptions);
  await client.start();
}

async function stop(): Promise<void> {
  const running = client;
  client = undefined;
  if (running) await running.dispose();
}

async function restartServer(): Promise<void> {
  await stop();
  output.appendLine("restarting docent");
  await start();
}

function runningClient(): LanguageClient {
  if (!client?.isRunning()) {
    throw new Error("the server is not running (see the docent output for why)");
  }
  return client;
}

function pythonEditor(): vscode.TextEditor {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== "python") {
    throw new Error("open a Python file first");
  }
  return editor;
}

// Asks docent for its code actions at `range` and applies the first `choose` accepts, the way
// VS Code applies a quick fix: its edit, then its command (docent.feedback).
async function applyAction(
  range: vscode.Range,
  kind: vscode.CodeActionKind | undefined,
  choose: (action: LspCodeAction) => boolean,
  nothing: string,
): Promise<void> {
  const languageClient = runningClient();
  const editor = pythonEditor();
  const document = editor.document;
  const converter = languageClient.code2ProtocolConverter;
  const diagnostics = vscode.languages
    .getDiagnostics(document.uri)
    .filter((diagnostic) => diagnostic.range.intersection(range) !== undefined);
  const answer = (await languageClient.sendRequest("textDocument/codeAction", {
    textDocument: { uri: converter.asUri(document.uri) },
    range: converter.asRange(range),
    context: {
      diagnostics: await converter.asDiagnostics(diagnostics),
      only: kind ? [kind.value] : undefined,
      triggerKind: 1,
    },
  })) as (LspCodeAction | { command: string })[] | null;
  const actions = (answer ?? []).filter((item): item is LspCodeAction => "title" in item);
  let action = actions.find(choose);
  if (!action) {
    void vscode.window.showInformationMessage(`docent: ${nothing}`);
    return;
  }
  if (!action.edit) {
    action = (await languageClient.sendRequest("codeAction/resolve", action)) as LspCodeAction;
  }
  if (action.edit) {
    const edit = await languageClient.protocol2CodeConverter.asWorkspaceEdit(action.edit);
    if (!(await vscode.workspace.applyEdit(edit))) throw new Error("the edit was not applied");
  }
  if (action.command) {
    await languageClient.sendRequest(ExecuteCommandRequest.type, {
      command: action.command.command,
      arguments: action.command.arguments,
    });
  }
}

async function insertDocstring(): Promise<void> {
  const editor = pythonEditor();
  const line = editor.document.lineAt(editor.selection.active.line).range;
  await applyAction(
    line,
    undefined,
    (action) => /^(Insert an? .*docstring|Update the docstring)/.test(action.title),
    "no docstring to insert or update here (put the cursor on a def or class line).",
  );
}

async function documentFile(): Promise<void> {
  const editor = pythonEditor();
  const whole = new vscode.Range(0, 0, editor.document.lineCount, 0);
  await applyAction(
    whole,
    vscode.CodeActionKind.Source.append("docent").append("addDocstrings"),
    () => true,
    "every definition in this file has a docstring.",
  );
}

async function showJson(name: string, value: unknown): Promise<void> {
  const uri = vscode.Uri.from({ scheme: "docent", path: `/${name}.json` });
  shown.set(uri.path, `${JSON.stringify(value, null, 2)}\n`);
  shownChanged.fire(uri);
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document, { preview: true });
}

async function showWorkspaceStats(): Promise<void> {
  const stats = await runningClient().sendRequest("docent/workspaceStats", {});
  await showJson("workspace-stats", stats);
}

async function showLearningStats(): Promise<void> {
  const stats = await runningClient().sendRequest(ExecuteCommandRequest.type, {
    command: "docent.learning.stats",
    arguments: [],
  });
  await showJson("learning-stats", stats);
}

async function resetLearning(): Promise<void> {
  const choice = await vscode.window.showWarningMessage(
    "Delete everything docent has learned from the suggestions you took and turned down?",
    { modal: true },
    "Reset",
  );
  if (choice !== "Reset") return;
  const answer = (await runningClient().sendRequest(ExecuteCommandRequest.type, {
    command: "docent.learning.reset",
    arguments: [],
  })) as { deleted?: number; message?: string };
  void vscode.window.showInformationMessage(
    answer.message ? `docent: ${answer.message}` : `docent: ${answer.deleted ?? 0} events deleted.`,
  );
}

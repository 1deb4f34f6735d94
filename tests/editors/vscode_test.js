// End-to-end test of docent in VS Code, run by tests/editors/run.sh: code-server (VS Code in
// the browser) with the packaged extension (editors/vscode) installed opens a copy of
// tests/editors/project in Debian's chromium, driven by playwright-core, and the test goes
// through VS Code's own machinery: the squiggle and the Problems panel, the hover, the
// 'Insert docstring' quick fix from the lightbulb menu (Ctrl+.), the acceptance reaching
// docent's learning statistics through the extension's "docent: Show Learning Stats", and the
// extension's other commands from the command palette: "Show Workspace Stats", "Insert or
// Update Docstring at Cursor" and "Document This File" on shop/cart.py, "Reset Learning" (with
// its confirmation) and "Restart Server".
// Prints one line per step, saves screenshots into DOCENT_TEST_ARTIFACTS, and exits 0 when
// every step passed, 1 otherwise.
"use strict";
const childProcess = require("child_process");
const fs = require("fs");
const net = require("net");
const path = require("path");

function env(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}
const binary = env("DOCENT_BINARY");
const sourceDir = env("DOCENT_SOURCE_DIR");
const project = env("DOCENT_TEST_PROJECT");
const vsix = env("DOCENT_VSIX");
const modules = env("DOCENT_TEST_NODE_MODULES");
const artifacts = env("DOCENT_TEST_ARTIFACTS");
const scratch = env("DOCENT_TEST_SCRATCH");
const chromiumPath = process.env.DOCENT_CHROMIUM || "/usr/bin/chromium";
const { chromium } = require(path.join(modules, "playwright-core"));
const codeServer = path.join(modules, ".bin", "code-server");

// How long to wait for any one thing before failing: a bound against hanging, not a timing
// assertion; each wait ends as soon as its condition holds.
const WAIT_MS = Number(process.env.DOCENT_TEST_WAIT_MS || "") || 60000;
const FUNCTION = "apply_discount";
const ACTION_TITLE = `Insert a NumPy-style docstring for '${FUNCTION}'`;
const counts = { passed: 0, failed: 0 };
let server;
let browser;
let page;

function say(text) {
  process.stdout.write(text + "\n");
}

async function step(name, body) {
  try {
    await body();
    counts.passed++;
    say(`ok - ${name}`);
  } catch (error) {
    counts.failed++;
    say(`not ok - ${name}\n${error && error.stack ? error.stack : error}`);
    say(await notifications());
    throw error;
  }
}

// The notifications of the session, for a failure's report: an error or a message from the
// extension explains most failures of a step. Toasts hide after a while; the notification
// center (opened here) keeps them all.
async function notifications() {
  if (!page) return "notifications: (no page)";
  await page.keyboard.press("Escape").catch(() => {});
  await runCommand(page, "Notifications: Show Notifications").catch(() => {});
  const texts = await page.locator(".notifications-center .notification-list-item")
    .allInnerTexts().catch(() => []);
  return texts.length ? "notifications:\n" + texts.join("\n") : "notifications: (none)";
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

// Polls `probe` until it returns a truthy value, which it returns; fails naming `what`.
async function waitFor(what, probe, explain) {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) {
      const detail = explain ? "\n" + (await explain()) : "";
      throw new Error(`gave up waiting for ${what}${detail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

function stopAll() {
  if (server && server.exitCode === null) {
    try {
      process.kill(-server.pid, "SIGKILL");
    } catch {}
  }
}
process.on("exit", stopAll);
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => {
    stopAll();
    process.exit(2);
  });
}

const userData = path.join(scratch, "vscode-user");
const extensions = path.join(scratch, "vscode-extensions");

function codeServerArgs() {
  return ["--config", path.join(scratch, "code-server.yaml"), "--user-data-dir", userData,
    "--extensions-dir", extensions, "--disable-telemetry", "--disable-update-check",
    "--disable-workspace-trust", "--disable-getting-started-override"];
}

// The active editor's text, through VS Code's own select-all and copy.
async function activeEditorText(page) {
  await page.locator(".editor-instance .monaco-editor textarea").first().focus();
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Control+C");
  return page.evaluate(() => navigator.clipboard.readText());
}

async function runCommand(page, title) {
  await page.keyboard.press("Control+Shift+P");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible", timeout: WAIT_MS });
  await input.fill(">" + title);
  const row = page.locator(".quick-input-list .monaco-list-row.focused", { hasText: title });
  await row.first().waitFor({ state: "visible", timeout: WAIT_MS });
  await input.press("Enter");
}

// Opens `file` of the project through Quick Open (Ctrl+P) and waits for its tab.
async function openFile(page, file) {
  await page.keyboard.press("Control+P");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible" });
  await input.fill(file);
  // The focused row, not just any: until the filter applies, the recently opened files show.
  await page.locator(".quick-input-list .monaco-list-row.focused",
    { hasText: path.basename(file) }).first().waitFor({ state: "visible" });
  await input.press("Enter");
  await page.locator(".tab.active", { hasText: path.basename(file) }).waitFor({ state: "visible" });
}

// The line (from 1) the cursor is on, from the status bar's "Ln 4, Col 5"; 0 if not shown.
async function cursorLine(page) {
  const item = page.locator(".statusbar-item", { hasText: /Ln \d+, Col \d+/ }).first();
  const match = /Ln (\d+), Col/.exec(await item.innerText({ timeout: 2000 }).catch(() => ""));
  return match ? Number(match[1]) : 0;
}

// The token of `word` in the active editor (a line is a span of token spans).
function token(page, word) {
  return page.locator(".editor-instance .view-lines .view-line > span > span")
    .filter({ hasText: new RegExp(`^${word}$`) }).first();
}

// docent's learning statistics through "docent: Show Learning Stats" (the tab is closed again).
async function learningStats(page) {
  await runCommand(page, "docent: Show Learning Stats");
  await page.locator(".tab.active", { hasText: "learning-stats.json" })
    .waitFor({ state: "visible" });
  const stats = JSON.parse(await activeEditorText(page));
  await page.keyboard.press("Control+W");
  return stats;
}

// The ids of the docent processes code-server started (its descendants running the binary).
function docentProcesses() {
  const parents = new Map();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {}
  }
  const ours = (pid) => {
    for (let at = pid; at > 1; at = parents.get(at)) if (at === server.pid) return true;
    return false;
  };
  const found = [];
  for (const pid of parents.keys()) {
    let exe = "";
    try {
      exe = fs.readlinkSync(`/proc/${pid}/exe`);
    } catch {}
    if (exe === binary && ours(pid)) found.push(pid);
  }
  return found.sort((a, b) => a - b);
}

async function problems(page) {
  return page.locator(".markers-panel").innerText().catch(() => "");
}

async function main() {
  const watchdog = setTimeout(() => {
    say(`not ok - the whole test took longer than ${6 * WAIT_MS} ms`);
    stopAll();
    process.exit(2);
  }, 6 * WAIT_MS);
  watchdog.unref();
  fs.mkdirSync(artifacts, { recursive: true });
  fs.mkdirSync(path.join(userData, "User"), { recursive: true });
  // Settings: docent's for this test, and no hot exit, restored windows, welcome pages,
  // update checks or recommendations, so that no state leaks between runs.
  // The extension starts docent through this script, which adds a log file that run.sh prints
  // when the test fails; `exec` keeps the process the binary itself (docentProcesses()).
  const launcher = path.join(scratch, "docent-with-log");
  fs.writeFileSync(launcher, `#!/bin/sh\nexec '${binary}' --log-file '${env("DOCENT_TEST_LOG")}'` +
    ` --log-level debug "$@"\n`, { mode: 0o755 });
  fs.writeFileSync(path.join(userData, "User", "settings.json"), JSON.stringify({
    "docent.path": launcher,
    "docent.max-complexity": 3,
    "docent.docstring-style": "numpy",
    "files.hotExit": "off",
    "window.restoreWindows": "none",
    "workbench.startupEditor": "none",
    "workbench.tips.enabled": false,
    "workbench.enableExperiments": false,
    "security.workspace.trust.enabled": false,
    "telemetry.telemetryLevel": "off",
    "update.mode": "none",
    "extensions.autoUpdate": false,
    "extensions.autoCheckUpdates": false,
    "extensions.ignoreRecommendations": true,
    "git.enabled": false,
    "chat.commandCenter.enabled": false,
    "editor.stickyScroll.enabled": false,
  }, null, 2));
  const port = await freePort();
  fs.writeFileSync(path.join(scratch, "code-server.yaml"),
    `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);

  await step("the packaged extension installs into code-server", async () => {
    const result = childProcess.spawnSync(codeServer,
      [...codeServerArgs(), "--install-extension", vsix],
      { encoding: "utf8", timeout: WAIT_MS, killSignal: "SIGKILL" });
    check(result.status === 0, `code-server --install-extension: ${result.status}\n` +
      `${result.stdout}\n${result.stderr}`);
    check(fs.readdirSync(extensions).some((name) => name.startsWith("docent.docent-")),
      `no docent in ${extensions}: ${fs.readdirSync(extensions).join(" ")}`);
  });

  await step("code-server opens the project in chromium", async () => {
    const log = fs.openSync(path.join(artifacts, "code-server.log"), "w");
    server = childProcess.spawn(codeServer, [...codeServerArgs(), project],
      { detached: true, stdio: ["ignore", log, log] });
    const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(project)}`;
    await waitFor("code-server to answer", async () => {
      check(server.exitCode === null, `code-server exited with ${server.exitCode}`);
      const response = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null);
      return response && response.ok;
    });
    browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      timeout: WAIT_MS,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"],
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.grantPermissions(["clipboard-read", "clipboard-write"],
      { origin: `http://127.0.0.1:${port}` });
    page = await context.newPage();
    page.setDefaultTimeout(WAIT_MS);
    await page.goto(url, { timeout: WAIT_MS });
    await page.locator(".monaco-workbench").waitFor({ state: "visible" });
    await page.locator(".explorer-folders-view").waitFor({ state: "visible" });
  });

  await step("pricing.py opens in an editor, and docent's squiggle appears", async () => {
    await openFile(page, "shop/pricing.py");
    await page.locator(".monaco-editor .squiggly-warning").first().waitFor({ state: "visible" });
  });

  await step("the Problems panel lists C901 with the editor's max-complexity, and D103",
    async () => {
      await page.keyboard.press("Control+Shift+M");
      await page.locator(".markers-panel").waitFor({ state: "visible" });
      await waitFor("C901 and D103 in the Problems panel", async () => {
        const text = await problems(page);
        return text.includes(`'${FUNCTION}' is too complex (4 > 3)`) && text.includes("C901") &&
          text.includes("Missing docstring in public function") && text.includes("D103");
      }, async () => "Problems panel:\n" + (await problems(page)));
    });

  const name = token(page, FUNCTION);
  await step("hover over the function's name shows its metrics", async () => {
    // The cursor on the name, then VS Code's "Show or Focus Hover" (Ctrl+K Ctrl+I).
    await name.click();
    const hover = page.locator(".monaco-hover").filter({ hasText: "cyclomatic" }).first();
    const text = await waitFor("the hover with docent's metrics", async () => {
      await page.keyboard.press("Control+K");
      await page.keyboard.press("Control+I");
      const shown = await hover.innerText({ timeout: 2000 }).catch(() => "");
      return /cyclomatic/.test(shown) && shown;
    });
    check(text.includes(FUNCTION), `no function name in the hover:\n${text}`);
    check(/cyclomatic[\s|]*5 \(A\)/.test(text), `no 'cyclomatic 5 (A)' in the hover:\n${text}`);
    check(/docstring[\s|]*no/.test(text), `no 'docstring no' in the hover:\n${text}`);
    await page.screenshot({ path: path.join(artifacts, "vscode-hover.png") });
  });

  await step("'Insert docstring' from the quick fix menu (Ctrl+.) writes the docstring",
    async () => {
      // The cursor is still on the name; Escape closes the hover.
      await page.keyboard.press("Escape");
      await page.locator(".monaco-hover").filter({ hasText: "cyclomatic" })
        .waitFor({ state: "hidden" });
      await page.keyboard.press("Control+.");
      const item = page.locator(".action-widget .monaco-list-row", { hasText: ACTION_TITLE });
      await item.first().waitFor({ state: "visible" });
      await page.screenshot({ path: path.join(artifacts, "vscode-quick-fix.png") });
      // Chosen with the keyboard, as the menu offers: down to the item, then Enter.
      const focused = page.locator(".action-widget .monaco-list-row.focused");
      await waitFor(`'${ACTION_TITLE}' focused in the menu`, async () => {
        if ((await focused.innerText().catch(() => "")).includes(ACTION_TITLE)) return true;
        await page.keyboard.press("ArrowDown");
        return false;
      });
      await page.keyboard.press("Enter");
      await page.locator(".view-line", { hasText: "Apply discount." }).first()
        .waitFor({ state: "visible" });
      const expected = fs.readFileSync(
        path.join(sourceDir, "tests/editors/expected/pricing.py"), "utf8");
      const text = await waitFor("the docstring in the buffer", async () => {
        const current = await activeEditorText(page);
        return current === expected && current;
      }, async () => "buffer:\n" + (await activeEditorText(page)));
      check(text === expected, "the buffer differs from tests/editors/expected/pricing.py");
    });

  await step("docent sees the edit: D103 goes, C901 stays", async () => {
    await waitFor("the Problems panel without D103", async () => {
      const text = await problems(page);
      return !text.includes("D103") && text.includes("C901");
    }, async () => "Problems panel:\n" + (await problems(page)));
    await page.keyboard.press("Control+S");
    await waitFor("the saved file", async () =>
      fs.readFileSync(path.join(project, "shop/pricing.py"), "utf8").includes("Apply discount."));
  });

  await step("the acceptance reaches docent (docent: Show Learning Stats)", async () => {
    let stats;
    // Asked again until the feedback is in: the server may store it after answering.
    await waitFor("an accepted docstring in the learning stats", async () => {
      stats = await learningStats(page);
      return stats.kinds && stats.kinds.docstring && stats.kinds.docstring.accepted >= 1;
    }, async () => "stats: " + JSON.stringify(stats));
  });

  await step("docent: Show Workspace Stats counts the project's files", async () => {
    let stats;
    await waitFor("the workspace stats with the three files", async () => {
      await runCommand(page, "docent: Show Workspace Stats");
      await page.locator(".tab.active", { hasText: "workspace-stats.json" })
        .waitFor({ state: "visible" });
      stats = JSON.parse(await activeEditorText(page));
      await page.keyboard.press("Control+W");
      return stats.files === 3;
    }, async () => "stats: " + JSON.stringify(stats));
  });

  const cartFile = path.join(project, "shop/cart.py");
  await step("docent: Insert or Update Docstring at Cursor documents the function under the cursor",
    async () => {
      await openFile(page, "shop/cart.py");
      await waitFor("D103 for cart.py's functions in the Problems panel", async () => {
        const text = await problems(page);
        return text.includes("cart.py") && text.includes("D103") && text.includes("D101");
      }, async () => "Problems panel:\n" + (await problems(page)));
      const before = await activeEditorText(page);
      // Clicked until the status bar shows the cursor on its line: a click while the editor is
      // still laying out its lines can land before the text is there.
      await waitFor("the cursor on add_item's line (4)", async () => {
        await token(page, "add_item").click();
        return (await cursorLine(page)) === 4;
      }, async () => `the cursor is on line ${await cursorLine(page)}`);
      await runCommand(page, "docent: Insert or Update Docstring at Cursor");
      // The docstring's line shows before the text is read: reading selects all, and a command
      // still on its way to the extension host would then see that selection, not the cursor.
      await page.locator(".view-line", { hasText: '"""Add item.' }).first()
        .waitFor({ state: "visible" });
      const summary = '    """Add item.\n';
      const text = await waitFor("the docstring of add_item in the buffer", async () => {
        const current = await activeEditorText(page);
        return current.includes(summary) && current;
      }, async () => "buffer:\n" + (await activeEditorText(page)));
      fs.writeFileSync(path.join(artifacts, "cart-after-insert.py"), text);
      // Only add_item got one: its docstring went in right below its def, the rest is as it was.
      const start = text.indexOf(summary);
      const end = text.indexOf('"""\n', start + summary.length) + 4;
      check(text.slice(0, start) === before.slice(0, start) &&
        text.slice(0, start).endsWith("-> dict:\n"),
        `the docstring is not right below add_item's def:\n${text}`);
      check(text.slice(end) === before.slice(start),
        `the text after add_item's docstring changed:\n${text}`);
      check(/quantity : int\n\s+TODO: describe quantity\. Defaults to 1\./.test(text),
        `no NumPy-style parameter 'quantity' in the docstring:\n${text}`);
    });

  await step("docent: Document This File gives every definition a docstring", async () => {
    await runCommand(page, "docent: Document This File");
    const expected = fs.readFileSync(
      path.join(sourceDir, "tests/editors/expected/cart.py"), "utf8");
    const text = await waitFor("every docstring in the buffer", async () => {
      const current = await activeEditorText(page);
      return current === expected && current;
    }, async () => {
      const current = await activeEditorText(page);
      fs.writeFileSync(path.join(artifacts, "cart-documented.py"), current);
      return "buffer:\n" + current;
    });
    check(text === expected, "the buffer differs from tests/editors/expected/cart.py");
    await waitFor("the Problems panel without missing docstrings (D1xx)", async () => {
      const panel = await problems(page);
      return !/D1\d\d/.test(panel) && panel.includes("C901");
    }, async () => "Problems panel:\n" + (await problems(page)));
    await page.keyboard.press("Control+S");
    await waitFor("the saved file", async () => fs.readFileSync(cartFile, "utf8") === expected);
  });

  await step("docent: Reset Learning, once confirmed, leaves no events", async () => {
    let stats = await waitFor("the accepted docstrings in the learning stats", async () => {
      const current = await learningStats(page);
      return current.events >= 2 && current;
    });
    check(stats.enabled === true, `learning is not enabled: ${JSON.stringify(stats)}`);
    await runCommand(page, "docent: Reset Learning");
    const dialog = page.locator(".monaco-dialog-box");
    await dialog.waitFor({ state: "visible" });
    check((await dialog.innerText()).includes("Delete everything docent has learned"),
      `the confirmation asks something else:\n${await dialog.innerText()}`);
    await page.screenshot({ path: path.join(artifacts, "vscode-reset-learning.png") });
    await dialog.locator(".monaco-button", { hasText: /^Reset$/ }).first().click();
    await dialog.waitFor({ state: "hidden" });
    await page.locator(".notification-toast", { hasText: /docent: \d+ events deleted\./ })
      .first().waitFor({ state: "visible" });
    stats = await learningStats(page);
    check(stats.events === 0 && stats.accepted === 0 && stats.kinds.docstring.accepted === 0,
      `the learning stats after the reset: ${JSON.stringify(stats)}`);
  });

  await step("docent: Restart Server starts a new server, and the diagnostics come back",
    async () => {
      const before = docentProcesses();
      check(before.length === 1, `docent processes before the restart: ${before}`);
      await openFile(page, "shop/pricing.py");
      await runCommand(page, "docent: Restart Server");
      const after = await waitFor("a new docent process in place of the old one", async () => {
        const now = docentProcesses();
        return now.length === 1 && now[0] !== before[0] && now;
      }, async () => `before: ${before}, now: ${docentProcesses()}`);
      check(after.length === 1, `docent processes after the restart: ${after}`);
      await page.locator(".monaco-editor .squiggly-warning").first().waitFor({ state: "visible" });
      await waitFor("C901 with the editor's max-complexity in the Problems panel", async () => {
        const text = await problems(page);
        return text.includes(`'${FUNCTION}' is too complex (4 > 3)`);
      }, async () => "Problems panel:\n" + (await problems(page)));
      await page.screenshot({ path: path.join(artifacts, "vscode-end.png") });
    });
}

main()
  .catch(() => {})
  .finally(async () => {
    say(`${counts.passed} passed, ${counts.failed} failed`);
    if (counts.failed > 0 && browser) {
      const pages = browser.contexts().flatMap((context) => context.pages());
      if (pages[0]) {
        await pages[0].screenshot({ path: path.join(artifacts, "vscode-failure.png") })
          .catch(() => {});
      }
    }
    if (browser) await browser.close().catch(() => {});
    stopAll();
    process.exit(counts.failed === 0 && counts.passed > 0 ? 0 : 1);
  });

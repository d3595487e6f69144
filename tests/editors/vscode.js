// VS Code (code-server in headless Chromium, driven by playwright-core) with the extension in
// editors/vscode, which tests/editors/vscode.sh installs: open a decision with a bad tag,
// wait for annals' diagnostic in the Problems panel, then ask for completion inside `tags:`
// and check the vocabulary is offered. Writes a screenshot to SHOT either way.
//   URL     the workbench (code-server), FOLDER the handbook, SHOT the screenshot's path
'use strict';
const { chromium } = require('playwright-core');

const { URL: base, FOLDER: folder, SHOT: shot, PROFILE: profile } = process.env;
const doc = '0002-use-postgres-for-the-event-store.md';

async function main() {
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = context.pages()[0] || (await context.newPage());
  let failure;
  let step = 'start';
  try {
    step = 'the workbench';
    await page.goto(`${base}?folder=${encodeURIComponent(folder)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
    // The explorer lists the folder once the workbench has connected to the server.
    await page.locator('.explorer-folders-view').waitFor({ timeout: 60000 });

    // Quick open the document with the bad tag.
    step = 'quick open';
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: 20000 });
    await input.fill(doc);
    await page.locator('.quick-input-list .monaco-list-row').first().waitFor({ timeout: 20000 });
    await page.keyboard.press('Enter');
    await page.locator(`.tab.active[aria-label*="${doc}"]`).waitFor({ timeout: 20000 });
    await page.locator('.monaco-editor .view-lines').first().waitFor({ timeout: 20000 });

    // The diagnostic, in the Problems panel.
    step = 'the F003 problem';
    await page.keyboard.press('Control+Shift+M');
    const problem = page.locator('.markers-panel .monaco-list-row', { hasText: 'storgae' });
    await problem.first().waitFor({ timeout: 60000 });
    const text = (await problem.first().innerText()).replace(/\s+/g, ' ');
    if (!text.includes('F003')) throw new Error(`the problem has no F003: ${text}`);
    console.log(`vscode: problem: ${text}`);

    // Completion after `tags: [` (line 6, column 8).
    step = 'completion';
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+G');
    await input.waitFor({ timeout: 20000 });
    await input.fill(':6:8');
    await page.keyboard.press('Enter');
    await page.locator('.statusbar', { hasText: 'Ln 6, Col 8' }).waitFor({ timeout: 20000 });
    await page.keyboard.press('Control+Space');
    const suggest = page.locator('.editor-widget.suggest-widget.visible');
    await suggest.waitFor({ timeout: 30000 });
    await suggest.locator('.monaco-list-row', { hasText: 'storage' }).first().waitFor({ timeout: 30000 });
    // Items from a language server: kind Value (the editor's own word completions are Text).
    const rows = await suggest.locator('.monaco-list-row').evaluateAll((els) =>
      els.map((el) => el.getAttribute('aria-label')));
    if (!rows.includes('storage, Value') || !rows.includes('api, Value')) {
      throw new Error(`the suggestions lack the tags storage and api: ${rows.join('; ')}`);
    }
    console.log(`vscode: completion in tags: offers ${rows.map((r) => r.split(',')[0]).join(', ')}`);
  } catch (e) {
    failure = e;
  }
  await page.screenshot({ path: shot }).catch(() => {});
  await context.close();
  if (failure) {
    console.error(`vscode: FAILED at ${step}: ${failure.message.split('\n')[0]}`);
    process.exit(1);
  }
}

main().catch((e) => {
  console.error(`vscode: FAILED: ${e.message}`);
  process.exit(1);
});

// Starts `annals lsp` (the `annals.path` setting, default `annals` on PATH) as the language
// server for markdown files on disk. Plain JavaScript: no build step.
'use strict';
const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration('annals').get('path') || 'annals';
  const server = { command, args: ['lsp'] };
  client = new LanguageClient(
    'annals',
    'annals',
    { run: server, debug: server },
    { documentSelector: [{ scheme: 'file', language: 'markdown' }] },
  );
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('annals.path')) {
        vscode.window
          .showInformationMessage('annals.path changed: reload the window to use it.', 'Reload')
          .then((pick) => pick && vscode.commands.executeCommand('workbench.action.reloadWindow'));
      }
    }),
  );
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };

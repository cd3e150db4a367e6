// The ttuplan extension: highlighting comes from the TextMate grammar alone; this client
// starts `ttuplan lsp` for diagnostics, hover, navigation, rename, completion, formatting.
"use strict";

const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

const EXPLAIN_SCHEME = "ttuplan-explain";
let client;

async function activate(context) {
  const settings = vscode.workspace.getConfiguration("ttuplan");
  const command = settings.get("path") || "ttuplan";
  client = new LanguageClient(
    "ttuplan",
    "ttuplan",
    { command, args: ["lsp"] },
    {
      documentSelector: [
        { scheme: "file", language: "ttuplan" },
        { scheme: "file", pattern: "**/*.csv" },
      ],
      initializationOptions: { debounce_ms: settings.get("debounceMs") },
      synchronize: {
        fileEvents: vscode.workspace.createFileSystemWatcher("**/*.{ttup,csv}"),
      },
    }
  );
  // A diagnostic's code links to `ttuplan-explain:TP201`: its explanation, from the server.
  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(EXPLAIN_SCHEME, {
      provideTextDocumentContent: async (uri) =>
        (await client.sendRequest("workspace/executeCommand", {
          command: "ttuplan.explain",
          arguments: [uri.path],
        })) || `No explanation for ${uri.path}`,
    })
  );
  await client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };

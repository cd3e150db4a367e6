"""`ttuplan lsp`: a language server over stdio (pygls), answering from the Plan and the
Allocation that `check` computes: diagnostics, hover, definitions, references, rename,
completion, formatting, outline, semantic tokens and code actions. `server` wires the
protocol; `workspace` holds buffers, parse cache and checks; `index` the names; the
rest are one feature each."""

vim.lsp.config("mdbook_polish", {
  cmd = { "mdbook-polish", "lsp" },
  filetypes = { "markdown" },
  -- The folder with book.toml (or polish.toml, or the repository) is the workspace.
  root_markers = { "book.toml", "polish.toml", ".polish.toml", ".git" },
})
vim.lsp.enable("mdbook_polish")

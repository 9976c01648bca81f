-- mdbook-polish's language server for Markdown buffers (Neovim 0.7 and later).
-- One server per book: the folder with book.toml, polish.toml or .polish.toml above the
-- file, else the repository (.git), else the file's folder.
local function polish_root(file)
  local dir = vim.fn.fnamemodify(file, ":p:h")
  for _, marker in ipairs({ "book.toml", "polish.toml", ".polish.toml" }) do
    local found = vim.fn.findfile(marker, dir .. ";")
    if found ~= "" then
      return vim.fn.fnamemodify(found, ":p:h")
    end
  end
  local git = vim.fn.finddir(".git", dir .. ";")
  if git ~= "" then
    return vim.fn.fnamemodify(git, ":p:h:h")
  end
  return dir
end

local polish_clients = {} -- root folder -> client id
vim.api.nvim_create_autocmd("FileType", {
  pattern = "markdown",
  callback = function(args)
    local root = polish_root(args.file)
    if not polish_clients[root] then
      polish_clients[root] = vim.lsp.start_client({
        name = "mdbook-polish",
        cmd = { "mdbook-polish", "lsp" },
        root_dir = root,
        on_exit = function()
          polish_clients[root] = nil
        end,
      })
    end
    if polish_clients[root] then
      vim.lsp.buf_attach_client(args.buf, polish_clients[root])
      -- <C-x><C-o> completes from the server (Neovim 0.11 sets this by itself).
      vim.bo[args.buf].omnifunc = "v:lua.vim.lsp.omnifunc"
    end
  end,
})

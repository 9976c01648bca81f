-- A writing session in headless Neovim, driven by tests/neovim.rs: open a chapter with the
-- set-up the guide documents (tests/neovim/init.lua, loaded with -u), then ask Neovim's own
-- LSP client for what a writer sees and does. Everything Neovim holds is written to a JSON
-- file ($POLISH_RESULT) that the Rust test asserts on; nothing is judged here except "did
-- the server answer at all", so a failure there still shows everything seen up to then.
--
-- Every wait is bounded ($POLISH_TIMEOUT_MS) and fails at once when the server has exited.

local chapter = assert(os.getenv("POLISH_CHAPTER"), "POLISH_CHAPTER is not set")
local out_path = assert(os.getenv("POLISH_RESULT"), "POLISH_RESULT is not set")
local timeout = tonumber(os.getenv("POLISH_TIMEOUT_MS") or "60000")

local result = {
  nvim = tostring(vim.version().major) .. "." .. vim.version().minor .. "." .. vim.version().patch,
  publishes = {},
  did_change = {},
}
local raw = {} -- uri -> the last published LSP diagnostics, as the server sent them
local client_id

-- Every publishDiagnostics the server sends, before Neovim turns it into vim.diagnostic.
local publish = vim.lsp.handlers["textDocument/publishDiagnostics"]
vim.lsp.handlers["textDocument/publishDiagnostics"] = function(err, params, ctx, config)
  local codes = {}
  for _, d in ipairs(params.diagnostics) do
    table.insert(codes, d.code or "")
  end
  table.insert(result.publishes, { version = params.version or vim.NIL, codes = codes })
  raw[params.uri] = { version = params.version, diagnostics = params.diagnostics }
  return publish(err, params, ctx, config)
end

local function alive()
  return client_id ~= nil and vim.lsp.get_client_by_id(client_id) ~= nil
end

local function wait_for(what, cond)
  local ok = vim.wait(timeout, function()
    return cond() or (client_id ~= nil and not alive())
  end, 10)
  if client_id ~= nil and not alive() then
    error("the language server exited while waiting for " .. what)
  end
  if not ok then
    error(string.format("timed out after %d ms waiting for %s", timeout, what))
  end
end

local buf, uri

-- The server has published diagnostics for the buffer as it is now (not an older version).
local function settled(what)
  wait_for(what, function()
    local r = raw[uri]
    return r ~= nil and r.version == vim.lsp.util.buf_versions[buf]
  end)
end

local function diagnostics()
  local list = vim.diagnostic.get(buf)
  table.sort(list, function(a, b)
    if a.lnum ~= b.lnum then
      return a.lnum < b.lnum
    end
    return a.col < b.col
  end)
  local out = {}
  for _, d in ipairs(list) do
    local lsp = (d.user_data or {}).lsp or {}
    table.insert(out, {
      lnum = d.lnum,
      col = d.col,
      end_lnum = d.end_lnum,
      end_col = d.end_col,
      severity = vim.diagnostic.severity[d.severity],
      code = d.code or vim.NIL,
      message = d.message,
      source = d.source or vim.NIL,
      href = (lsp.codeDescription or {}).href or vim.NIL,
    })
  end
  return out
end

local function request(method, params)
  local responses, err = vim.lsp.buf_request_sync(buf, method, params, timeout)
  if not responses then
    error(method .. ": no answer (" .. tostring(err) .. ")")
  end
  local r = responses[client_id]
  if not r then
    error(method .. ": no answer from mdbook-polish")
  end
  if r.err then
    error(method .. ": " .. vim.inspect(r.err))
  end
  return r.result
end

local function labels(list)
  local items = (list or {}).items or list or {}
  local out = {}
  for _, item in ipairs(items) do
    table.insert(out, item.label)
  end
  table.sort(out)
  return out
end

-- The code action whose title starts with `prefix`, for the server's diagnostic `code`,
-- applied to the buffer by Neovim; returns the titles offered.
local function apply_action(code, prefix)
  local diag
  for _, d in ipairs(raw[uri].diagnostics) do
    if d.code == code then
      diag = d
    end
  end
  if not diag then
    error("no " .. code .. " diagnostic to act on")
  end
  local actions = request("textDocument/codeAction", {
    textDocument = { uri = uri },
    range = diag.range,
    context = { diagnostics = { diag } },
  }) or {}
  local titles, chosen = {}, nil
  for _, a in ipairs(actions) do
    table.insert(titles, a.title)
    if not chosen and vim.startswith(a.title, prefix) then
      chosen = a
    end
  end
  if not chosen or not chosen.edit then
    error("no action with an edit titled " .. prefix .. "...; offered: " .. vim.inspect(titles))
  end
  vim.lsp.util.apply_workspace_edit(chosen.edit, vim.lsp.get_client_by_id(client_id).offset_encoding)
  return titles
end

-- The client attached to the buffer (vim.lsp.get_clients from 0.10, buf_get_clients before).
local function buffer_client()
  if vim.lsp.get_clients then
    return vim.lsp.get_clients({ bufnr = buf })[1]
  end
  return select(2, next(vim.lsp.buf_get_clients(buf)))
end

local function step(name, fn)
  result.step = name
  fn()
end

local function session()
  step("open the chapter", function()
    vim.cmd("edit " .. vim.fn.fnameescape(chapter))
    buf = vim.api.nvim_get_current_buf()
    uri = vim.uri_from_bufnr(buf)
    result.filetype = vim.bo[buf].filetype
  end)

  step("the server attaches", function()
    local ok = vim.wait(timeout, function()
      return buffer_client() ~= nil
    end, 10)
    if not ok then
      error("no language client attached to the buffer (is mdbook-polish on PATH?)")
    end
    local client = buffer_client()
    client_id = client.id
    result.client = { name = client.name, root = client.config.root_dir }
    result.omnifunc = vim.bo[buf].omnifunc
    -- Record what Neovim sends on each edit, to see that it syncs incrementally. The RPC
    -- layer's notify is a plain function in every version (client.notify became a method).
    local notify = client.rpc.notify
    client.rpc.notify = function(method, params)
      if method == "textDocument/didChange" then
        table.insert(result.did_change, params)
      end
      return notify(method, params)
    end
  end)

  step("diagnostics on open", function()
    settled("the first diagnostics")
    result.on_open = diagnostics()
  end)

  step("hover on a key", function()
    local h = request("textDocument/hover", { textDocument = { uri = uri }, position = { line = 3, character = 2 } })
    result.hover = h and { value = h.contents.value or h.contents, range = h.range or vim.NIL } or vim.NIL
  end)

  step("completion of a value", function()
    result.value_completion =
      labels(request("textDocument/completion", { textDocument = { uri = uri }, position = { line = 3, character = 8 } }))
  end)

  step("the did-you-mean code action", function()
    result.key_actions = apply_action("PL203", "Fix PL203")
    result.after_key_action = vim.api.nvim_buf_get_lines(buf, 0, -1, true)
    settled("diagnostics after the code action")
    result.after_key_fix = diagnostics()
  end)

  step("completion of a key on a new line", function()
    vim.api.nvim_buf_set_lines(buf, 4, 4, true, { "" })
    settled("diagnostics after adding a line")
    result.key_completion =
      labels(request("textDocument/completion", { textDocument = { uri = uri }, position = { line = 4, character = 0 } }))
    vim.api.nvim_buf_set_lines(buf, 4, 5, true, {})
    settled("diagnostics after removing the line")
  end)

  step("an edit by hand", function()
    vim.api.nvim_buf_set_lines(buf, 3, 4, true, { "status: published" })
    settled("diagnostics after the edit")
    result.after_edit = diagnostics()
  end)

  step("the mojibake code action", function()
    result.mojibake_actions = apply_action("PL401", "Repair the mojibake")
    settled("diagnostics after the repair")
    result.at_end = diagnostics()
  end)

  result.lines = vim.api.nvim_buf_get_lines(buf, 0, -1, true)
  result.step = vim.NIL
end

local ok, err = xpcall(session, debug.traceback)
if not ok then
  result.error = tostring(err)
  if buf and vim.api.nvim_buf_is_valid(buf) then
    result.lines = vim.api.nvim_buf_get_lines(buf, 0, -1, true)
    result.diagnostics = diagnostics()
  end
  local log = io.open(vim.lsp.get_log_path(), "r")
  if log then
    result.lsp_log = log:read("*a"):sub(-4000)
    log:close()
  end
end

local f = assert(io.open(out_path, "w"))
f:write(vim.fn.json_encode(result))
f:close()
vim.cmd(ok and "qall!" or "cquit 3")

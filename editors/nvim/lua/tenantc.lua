-- tenantc's language server (`tenantc lsp`) in Neovim 0.7 or later, without plugins:
--
--   require('tenantc').setup{}                      -- `tenantc` on PATH
--   require('tenantc').setup{ cmd = { '/path/to/tenantc', 'lsp' } }
--
-- One client per project root (the nearest directory above the file that holds `tiers/`, else
-- the file's directory), started on the first `tenant` buffer of that root; every `tenant`
-- buffer under it is attached to it. Diagnostics appear through `vim.diagnostic`; `K` shows the
-- hover and `gd` goes to the definition, unless `on_attach` says otherwise.

local M = {}

local config = {
  cmd = { 'tenantc', 'lsp' },
  -- Called with (client, bufnr) for every buffer attached; the default maps `K` and `gd`.
  on_attach = nil,
  capabilities = nil,
}

-- Client ids by root directory.
local clients = {}

local function default_on_attach(_, bufnr)
  local opts = { buffer = bufnr, silent = true }
  vim.keymap.set('n', 'K', vim.lsp.buf.hover, opts)
  vim.keymap.set('n', 'gd', vim.lsp.buf.definition, opts)
end

local function is_directory(path)
  local stat = vim.loop.fs_stat(path)
  return stat ~= nil and stat.type == 'directory'
end

-- The nearest directory at or above the file's that holds `tiers/`, as `tenantc` finds the tier
-- table; else the file's directory.
function M.root_dir(file)
  local start = vim.fn.fnamemodify(file, ':p:h')
  local dir = start
  while true do
    if is_directory(dir .. '/tiers') then
      return dir
    end
    local parent = vim.fn.fnamemodify(dir, ':h')
    if parent == dir then
      return start
    end
    dir = parent
  end
end

-- Said once, not on every buffer opened.
local warned_missing = false

-- The running client for `root`, started when there is none.
local function client_for(root)
  local id = clients[root]
  -- Starting or running (`client_is_stopped` is true until the server has answered `initialize`).
  local client = id and vim.lsp.get_client_by_id(id)
  if client and not client.is_stopped() then
    return id
  end
  if vim.fn.executable(config.cmd[1]) ~= 1 then
    if not warned_missing then
      vim.notify('tenantc: `' .. config.cmd[1] .. '` is not an executable; install tenantc or pass setup{cmd = …}', vim.log.levels.WARN)
      warned_missing = true
    end
    return nil
  end
  id = vim.lsp.start_client({
    name = 'tenantc',
    cmd = config.cmd,
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
    capabilities = config.capabilities or vim.lsp.protocol.make_client_capabilities(),
    on_attach = config.on_attach or default_on_attach,
    on_exit = function()
      clients[root] = nil
    end,
  })
  clients[root] = id
  return id
end

-- Attaches the buffer to the client of its root (files only: not an unnamed buffer).
function M.attach(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local name = vim.api.nvim_buf_get_name(bufnr)
  if name == '' or vim.bo[bufnr].buftype ~= '' then
    return nil
  end
  local id = client_for(M.root_dir(name))
  if id then
    vim.lsp.buf_attach_client(bufnr, id)
  end
  return id
end

-- Options: `cmd` (the server's command line), `on_attach`, `capabilities`.
function M.setup(opts)
  config = vim.tbl_extend('force', config, opts or {})
  local group = vim.api.nvim_create_augroup('tenantc', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = 'tenant',
    callback = function(args)
      M.attach(args.buf)
    end,
  })
  -- Buffers opened before setup ran.
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and vim.bo[bufnr].filetype == 'tenant' then
      M.attach(bufnr)
    end
  end
end

return M

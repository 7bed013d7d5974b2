-- A Neovim session against `tenantc lsp`, set up as editors/nvim's README says: opens a
-- `.tenant` file, waits for its diagnostics, asks for a hover and for definitions, jumps to the
-- first definition as `gd` does, and writes what it saw as JSON. The test that runs it
-- (EditorTests.swift) says what to do through the environment:
--
--   TENANTC_EDITOR_FILE         the file to open
--   TENANTC_EDITOR_HOVER        where to hover, `line:character` (0-based)
--   TENANTC_EDITOR_DEFINITIONS  where to ask for definitions, `line:character,…`
--   TENANTC_EDITOR_RESULT       where to write the JSON
--   TENANTC_EDITOR_TIMEOUT      seconds for the whole session
--
-- Every wait is on a condition with the session's deadline; past it, or on any error, the
-- session says why on stderr and exits with status 1.

local started = vim.loop.now()
local timeout_ms = tonumber(vim.env.TENANTC_EDITOR_TIMEOUT or '60') * 1000

local function fail(message)
  io.stderr:write('lsp_session: ' .. message .. '\n')
  vim.cmd('cquit 1')
end

local function remaining_ms()
  return math.max(1, timeout_ms - (vim.loop.now() - started))
end

-- Waits until `condition()` holds, or fails naming `what`.
local function wait_for(what, condition)
  if not vim.wait(remaining_ms(), condition, 20) then
    fail('timed out waiting for ' .. what)
  end
end

local function position(text)
  local line, character = text:match('^(%d+):(%d+)$')
  if not line then
    fail('bad position `' .. text .. '`')
  end
  return tonumber(line), tonumber(character)
end

local function put_cursor(text)
  local line, character = position(text)
  vim.api.nvim_win_set_cursor(0, { line + 1, character })
end

-- The first answer of any client to `method` at the cursor.
local function request(method)
  local answers, err = vim.lsp.buf_request_sync(0, method, vim.lsp.util.make_position_params(), remaining_ms())
  if not answers then
    fail(method .. ': ' .. tostring(err))
  end
  for _, answer in pairs(answers) do
    if answer.error then
      fail(method .. ': ' .. vim.inspect(answer.error))
    end
    return answer.result
  end
  fail(method .. ': no client answered')
end

-- A definition result (Location, Location[] or LocationLink[]) as {file, line} (0-based lines).
local function locations(result)
  if result == nil then
    return {}
  end
  if result.uri or result.targetUri then
    result = { result }
  end
  local found = {}
  for _, location in ipairs(result) do
    local uri = location.uri or location.targetUri
    local range = location.range or location.targetSelectionRange
    table.insert(found, { file = vim.uri_to_fname(uri), line = range.start.line })
  end
  return found
end

local function hover_text(result)
  if result == nil then
    return vim.NIL
  end
  local contents = result.contents
  if type(contents) == 'string' then
    return contents
  end
  return contents.value or table.concat(vim.lsp.util.convert_input_to_markdown_lines(contents), '\n')
end

local function diagnostics(bufnr)
  local found = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(found, { code = d.code, line = d.lnum, message = d.message, source = d.source, severity = d.severity })
  end
  return found
end

local function session()
  require('tenantc').setup({})
  vim.cmd('edit ' .. vim.fn.fnameescape(vim.env.TENANTC_EDITOR_FILE))
  local bufnr = vim.api.nvim_get_current_buf()
  local result = {
    filetype = vim.bo.filetype,
    syntax = vim.b.current_syntax or vim.NIL,
    commentstring = vim.bo.commentstring,
    shiftwidth = vim.bo.shiftwidth,
    expandtab = vim.bo.expandtab,
  }
  -- The client the FileType autocommand started (attaching again changes nothing).
  local client_id = require('tenantc').attach(bufnr)
  if not client_id then
    fail('no client started for the buffer')
  end
  local function running(condition)
    return function()
      local client = vim.lsp.get_client_by_id(client_id)
      if client == nil or client.is_stopped() then
        fail('the server exited; see ' .. vim.lsp.get_log_path())
      end
      return condition()
    end
  end
  wait_for('a client attached to the buffer', running(function()
    return #vim.lsp.buf_get_clients(bufnr) > 0
  end))
  result.root = vim.lsp.get_client_by_id(client_id).config.root_dir
  wait_for('diagnostics', running(function()
    return #vim.diagnostic.get(bufnr) > 0
  end))
  result.diagnostics = diagnostics(bufnr)

  put_cursor(vim.env.TENANTC_EDITOR_HOVER)
  result.hover = hover_text(request('textDocument/hover'))

  result.definitions = {}
  for text in vim.env.TENANTC_EDITOR_DEFINITIONS:gmatch('[^,]+') do
    put_cursor(text)
    table.insert(result.definitions, locations(request('textDocument/definition')))
  end

  -- `gd`: jumps to the first definition; the file it opens joins the same client.
  put_cursor(vim.env.TENANTC_EDITOR_DEFINITIONS:match('^[^,]+'))
  vim.lsp.buf.definition()
  wait_for('the jump to the definition', function()
    return vim.api.nvim_get_current_buf() ~= bufnr
  end)
  local target = vim.api.nvim_get_current_buf()
  wait_for('the definition\'s file attached to a client', function()
    return #vim.lsp.buf_get_clients(target) > 0
  end)
  result.jump = {
    file = vim.api.nvim_buf_get_name(target),
    line = vim.api.nvim_win_get_cursor(0)[1] - 1,
    filetype = vim.bo[target].filetype,
  }
  result.clients = #vim.lsp.get_active_clients()

  vim.fn.writefile({ vim.fn.json_encode(result) }, vim.env.TENANTC_EDITOR_RESULT)
end

local ok, err = xpcall(session, debug.traceback)
if not ok then
  fail(tostring(err))
end
vim.cmd('qall!')

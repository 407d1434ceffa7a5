-- annals for Neovim 0.11+: the language server of annotated news corpora.
--
--   require('annals').setup({ cmd = { '/path/to/annals', 'lsp' } })
--
-- Options are those of vim.lsp.config (cmd, filetypes, root_markers, init_options,
-- settings, ...), plus:
--   enable = false     configure without enabling
--   keymaps = false    no buffer-local mappings (the commands stay)
--   highlight = false  no highlight of the entity or claim under the cursor
local M = {}

M.defaults = {
  cmd = { 'annals', 'lsp' },
  filetypes = { 'markdown' },
  root_markers = { 'annals.toml' },
}

local options = { keymaps = true, highlight = true }

local function client_of(bufnr)
  return vim.lsp.get_clients({ bufnr = bufnr or 0, name = 'annals' })[1]
end

-- Code lenses ("2 replies · 1 repeat") run annals.showReferences with
-- (uri, position, key). The server sends the places a lens counts only when asked,
-- through codeLens/resolve: list them in the quickfix window.
local function show_references(command, ctx)
  local args = command.arguments or {}
  local client = vim.lsp.get_client_by_id(ctx.client_id)
  local locations = args[3] or {}
  if client and not vim.islist(locations) then
    local lens = { range = { start = args[2], ['end'] = args[2] }, data = locations }
    local answer = client:request_sync('codeLens/resolve', lens, 5000, ctx.bufnr)
    local resolved = answer and answer.result or {}
    locations = ((resolved.command or {}).arguments or {})[3] or {}
  end
  local encoding = client and client.offset_encoding or 'utf-16'
  local items = vim.lsp.util.locations_to_items(locations, encoding)
  vim.fn.setqflist({}, ' ', { title = command.title or 'annals', items = items })
  if #items > 0 then
    vim.cmd('botright copen')
  end
end

function M.register_commands()
  vim.lsp.commands['annals.showReferences'] = show_references
end

--- The claim thread: the claims that reply to, repeat, support or contradict the claim
--- under the cursor, across the corpus, in the quickfix window (vim.lsp.buf.incoming_calls).
function M.thread()
  vim.lsp.buf.incoming_calls()
end

--- What the claim under the cursor answers, repeats, supports or contradicts. Neovim 0.11's
--- own outgoing-calls list puts the caller's ranges in the callee's file, so this one lists
--- each target claim at its own place.
function M.answers()
  local client = client_of()
  if not client then
    return
  end
  local bufnr = vim.api.nvim_get_current_buf()
  local params = vim.lsp.util.make_position_params(0, client.offset_encoding)
  local prepared = client:request_sync('textDocument/prepareCallHierarchy', params, 5000, bufnr)
  local item = prepared and prepared.result and prepared.result[1]
  if not item then
    vim.notify('annals: no claim under the cursor', vim.log.levels.WARN)
    return
  end
  local answer = client:request_sync('callHierarchy/outgoingCalls', { item = item }, 5000, bufnr)
  local items = {}
  for _, call in ipairs(answer and answer.result or {}) do
    local to = call.to
    local row, col = to.selectionRange.start.line, to.selectionRange.start.character
    table.insert(items, {
      filename = vim.uri_to_fname(to.uri),
      lnum = row + 1,
      col = col + 1,
      text = to.name .. ' · ' .. (to.detail or ''),
    })
  end
  vim.fn.setqflist({}, ' ', { title = 'annals: what ' .. item.name .. ' answers', items = items })
  if #items > 0 then
    vim.cmd('botright copen')
  end
end

--- The reading view of the current buffer: the page `annals site` makes of it (the server's
--- annals/render, from the buffer's text as it is now), written to a temporary HTML file and
--- opened in the browser with vim.ui.open. Returns the file's path.
function M.preview()
  local bufnr = vim.api.nvim_get_current_buf()
  local client = client_of(bufnr)
  if not client then
    vim.notify('annals: no annals server runs for this buffer', vim.log.levels.WARN)
    return
  end
  local params = { textDocument = vim.lsp.util.make_text_document_params(bufnr) }
  local answer = client:request_sync('annals/render', params, 10000, bufnr)
  local html = answer and answer.result and answer.result.html
  if not html then
    local why = answer and answer.err and answer.err.message or 'the buffer is not a document of the corpus'
    vim.notify('annals: no preview: ' .. why, vim.log.levels.WARN)
    return
  end
  local path = vim.fn.tempname() .. '.html'
  local file = assert(io.open(path, 'w'))
  file:write(html)
  file:close()
  vim.ui.open(path)
  return path
end

-- Expanding selection (textDocument/selectionRange): word → annotation text → span →
-- claim → sentence → paragraph → body → document. Each press selects the next range
-- around the current selection; shrinking goes back down the same chain.
local chains = {} -- bufnr → { ranges = {...}, at = index }

-- The byte column of an LSP position in the buffer.
local function byte_column(bufnr, position, encoding)
  local line = vim.api.nvim_buf_get_lines(bufnr, position.line, position.line + 1, false)[1] or ''
  return vim.str_byteindex(line, encoding, math.min(position.character, vim.str_utfindex(line, encoding)), false)
end

local function select_range(range)
  local bufnr = vim.api.nvim_get_current_buf()
  local client = client_of(bufnr)
  local encoding = client and client.offset_encoding or 'utf-16'
  local srow = range.start.line
  local scol = byte_column(bufnr, range.start, encoding)
  local erow = range['end'].line
  local ecol = byte_column(bufnr, range['end'], encoding)
  -- The end is exclusive in LSP, inclusive in a visual selection.
  if ecol == 0 and erow > srow then
    erow = erow - 1
    ecol = #vim.api.nvim_buf_get_lines(bufnr, erow, erow + 1, false)[1]
  end
  if vim.fn.mode():match('[vV\22]') then
    vim.cmd('normal! \27')
  end
  vim.api.nvim_win_set_cursor(0, { srow + 1, scol })
  vim.cmd('normal! v')
  vim.api.nvim_win_set_cursor(0, { erow + 1, math.max(ecol - 1, 0) })
end

function M.expand_selection()
  local bufnr = vim.api.nvim_get_current_buf()
  local chain = chains[bufnr]
  local in_visual = vim.fn.mode():match('[vV\22]') ~= nil
  if not (in_visual and chain) then
    local client = client_of(bufnr)
    if not client then
      return
    end
    local position = vim.lsp.util.make_position_params(0, client.offset_encoding).position
    local params = { textDocument = vim.lsp.util.make_text_document_params(bufnr), positions = { position } }
    local answer = client:request_sync('textDocument/selectionRange', params, 5000, bufnr)
    local ranges = {}
    local at = answer and answer.result and answer.result[1]
    while at do
      table.insert(ranges, at.range)
      at = at.parent
    end
    chain = { ranges = ranges, at = 0 }
    chains[bufnr] = chain
  end
  if chain.at < #chain.ranges then
    chain.at = chain.at + 1
  end
  if chain.ranges[chain.at] then
    select_range(chain.ranges[chain.at])
  end
end

function M.shrink_selection()
  local chain = chains[vim.api.nvim_get_current_buf()]
  if chain and chain.at > 1 then
    chain.at = chain.at - 1
    select_range(chain.ranges[chain.at])
  end
end

-- File operations. Neovim 0.11 asks no server before it renames, deletes or creates a file,
-- so these do what VS Code's explorer does: ask (workspace/will*Files), apply the answer,
-- then act.

local function file_uri(path)
  return vim.uri_from_fname(vim.fs.normalize(vim.fn.fnamemodify(path, ':p')))
end

--- Renames the current file to `new` (a path): every reference to its id follows, in the
--- same edit, before the move.
function M.rename_file(new)
  local bufnr = vim.api.nvim_get_current_buf()
  local client = client_of(bufnr)
  local old = vim.api.nvim_buf_get_name(bufnr)
  if not client or old == '' or not new or new == '' then
    vim.notify('annals: rename which file to what?', vim.log.levels.WARN)
    return
  end
  new = vim.fn.fnamemodify(new, ':p')
  local params = { files = { { oldUri = file_uri(old), newUri = file_uri(new) } } }
  local answer = client:request_sync('workspace/willRenameFiles', params, 10000, bufnr)
  if answer and answer.err then
    vim.notify('annals: ' .. answer.err.message, vim.log.levels.ERROR)
    return
  end
  if answer and answer.result then
    vim.lsp.util.apply_workspace_edit(answer.result, client.offset_encoding)
    vim.cmd('silent! wall')
  end
  vim.lsp.util.rename(old, new)
end

--- Tells what deleting the current file would break (the server warns), then deletes it
--- and its buffer once confirmed.
function M.delete_file()
  local bufnr = vim.api.nvim_get_current_buf()
  local client = client_of(bufnr)
  local path = vim.api.nvim_buf_get_name(bufnr)
  if not client or path == '' then
    return
  end
  client:request_sync('workspace/willDeleteFiles', { files = { { uri = file_uri(path) } } }, 10000, bufnr)
  if vim.fn.confirm('Delete ' .. vim.fn.fnamemodify(path, ':~:.') .. '?', '&Yes\n&No', 2) == 1 then
    os.remove(path)
    vim.api.nvim_buf_delete(bufnr, { force = true })
  end
end

-- A new Markdown file in a corpus's entity or article folder starts from its template, filled
-- when the server attaches to its buffer (an empty buffer of a file not on disk yet).
local function template_for_new_file(client, bufnr)
  local path = vim.api.nvim_buf_get_name(bufnr)
  local empty = vim.api.nvim_buf_line_count(bufnr) == 1 and vim.api.nvim_buf_get_lines(bufnr, 0, 1, false)[1] == ''
  if path == '' or not empty or vim.uv.fs_stat(path) then
    return
  end
  local uri = file_uri(path)
  local answer = client:request_sync('workspace/willCreateFiles', { files = { { uri = uri } } }, 5000, bufnr)
  local edits = answer and answer.result and answer.result.changes and answer.result.changes[uri]
  if edits and edits[1] then
    local lines = vim.split(edits[1].newText, '\n', { plain = true })
    if lines[#lines] == '' then
      table.remove(lines)
    end
    vim.api.nvim_buf_set_lines(bufnr, 0, -1, false, lines)
  end
end

local function on_attach(args)
  local client = vim.lsp.get_client_by_id(args.data.client_id)
  if not client or client.name ~= 'annals' then
    return
  end
  local bufnr = args.buf
  template_for_new_file(client, bufnr)
  if options.highlight then
    local group = vim.api.nvim_create_augroup('annals_highlight_' .. bufnr, { clear = true })
    vim.api.nvim_create_autocmd({ 'CursorHold', 'CursorHoldI' }, {
      group = group,
      buffer = bufnr,
      callback = function()
        vim.lsp.buf.document_highlight()
      end,
    })
    vim.api.nvim_create_autocmd({ 'CursorMoved', 'CursorMovedI', 'BufLeave' }, {
      group = group,
      buffer = bufnr,
      callback = function()
        vim.lsp.buf.clear_references()
      end,
    })
  end
  if options.keymaps then
    local function map(modes, lhs, rhs, desc)
      for _, mode in ipairs(modes) do
        if vim.fn.maparg(lhs, mode) == '' then
          vim.keymap.set(mode, lhs, rhs, { buffer = bufnr, desc = 'annals: ' .. desc })
        end
      end
    end
    map({ 'n' }, 'grc', M.thread, 'the claim thread (who replies, repeats, supports, contradicts)')
    map({ 'n' }, 'grC', M.answers, 'what the claim answers')
    map({ 'n' }, 'grh', function()
      vim.lsp.buf.typehierarchy('supertypes')
    end, 'what the entity belongs to')
    map({ 'n' }, 'grH', function()
      vim.lsp.buf.typehierarchy('subtypes')
    end, 'who belongs to the entity')
    -- As Neovim 0.12 maps them to textDocument/selectionRange.
    map({ 'x', 'o' }, 'an', M.expand_selection, 'expand the selection')
    map({ 'x', 'o' }, 'in', M.shrink_selection, 'shrink the selection')
  end
end

local function create_user_commands()
  local command = vim.api.nvim_create_user_command
  command('AnnalsThread', M.thread, { desc = 'annals: the claim thread' })
  command('AnnalsAnswers', M.answers, { desc = 'annals: what the claim answers' })
  command('AnnalsBelongsTo', function()
    vim.lsp.buf.typehierarchy('supertypes')
  end, { desc = 'annals: what the entity belongs to' })
  command('AnnalsMembers', function()
    vim.lsp.buf.typehierarchy('subtypes')
  end, { desc = 'annals: who belongs to the entity' })
  command('AnnalsRenameFile', function(a)
    M.rename_file(a.args)
  end, { nargs = 1, complete = 'file', desc = 'annals: rename this file and every reference to it' })
  command('AnnalsDeleteFile', M.delete_file, { desc = 'annals: delete this file, told what breaks' })
  command('AnnalsPreview', function()
    M.preview()
  end, { desc = 'annals: the reading view of this buffer, in the browser' })
end

local installed = false

--- The commands, mappings and autocommands (once).
function M.install(opts)
  options = vim.tbl_extend('force', options, opts or {})
  M.register_commands()
  if installed then
    return
  end
  installed = true
  create_user_commands()
  local group = vim.api.nvim_create_augroup('annals', { clear = true })
  vim.api.nvim_create_autocmd('LspAttach', { group = group, callback = on_attach })
end

function M.setup(opts)
  opts = vim.tbl_deep_extend('force', {}, M.defaults, opts or {})
  local enable = opts.enable ~= false
  local own = { keymaps = opts.keymaps ~= false, highlight = opts.highlight ~= false }
  opts.enable, opts.keymaps, opts.highlight = nil, nil, nil
  vim.lsp.config('annals', opts)
  M.install(own)
  if enable then
    vim.lsp.enable('annals')
  end
end

return M

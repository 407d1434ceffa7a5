-- annals for Neovim 0.11+: the language server of annotated news corpora.
--
--   require('annals').setup({ cmd = { '/path/to/annals', 'lsp' } })
--
-- Options are those of vim.lsp.config (cmd, filetypes, root_markers, init_options,
-- settings, ...); `enable = false` configures without enabling.
local M = {}

M.defaults = {
  cmd = { 'annals', 'lsp' },
  filetypes = { 'markdown' },
  root_markers = { 'annals.toml' },
}

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

function M.setup(opts)
  opts = vim.tbl_deep_extend('force', {}, M.defaults, opts or {})
  local enable = opts.enable ~= false
  opts.enable = nil
  vim.lsp.config('annals', opts)
  M.register_commands()
  if enable then
    vim.lsp.enable('annals')
  end
end

return M

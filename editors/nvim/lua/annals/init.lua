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

-- Code lenses ("2 replies · 1 repeat · ...") run annals.showReferences with
-- (uri, position, locations): list the locations in the quickfix window.
local function show_references(command, ctx)
  local locations = (command.arguments or {})[3] or {}
  local client = vim.lsp.get_client_by_id(ctx.client_id)
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

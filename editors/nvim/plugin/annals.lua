-- Loaded at start-up: enable annals with its defaults (lsp/annals.lua), unless the user
-- sets vim.g.annals_no_auto_enable and calls require('annals').setup() instead.
if vim.g.loaded_annals then
  return
end
vim.g.loaded_annals = true
if vim.fn.has('nvim-0.11') == 0 then
  vim.notify('annals needs Neovim 0.11 or later', vim.log.levels.WARN)
  return
end
require('annals').install()
if not vim.g.annals_no_auto_enable then
  vim.lsp.enable('annals')
end

-- The annals language server, for Neovim 0.11's vim.lsp.config (found on 'runtimepath').
return {
  cmd = { 'annals', 'lsp' },
  filetypes = { 'markdown' },
  root_markers = { 'annals.toml' },
}

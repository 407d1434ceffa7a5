-- :checkhealth annals — what a user checks first when nothing happens in a corpus: the
-- server binary of the configured cmd, its version, the corpus root (annals.toml found
-- upward from the buffer), and the server attached to the buffer.
local M = {}

-- The configured client options: vim.lsp.config's merged view, then the plugin's defaults.
local function config()
  local ok, resolved = pcall(function()
    return vim.lsp.config.annals
  end)
  if ok and type(resolved) == 'table' then
    return resolved
  end
  return require('annals').defaults
end

-- The buffer :checkhealth was run from: the health buffer replaced it in its window (the
-- alternate buffer), or sits in a window of its own (the previous window's buffer).
local function checked_buffer()
  local function usable(b)
    return b and b > 0 and vim.api.nvim_buf_is_valid(b) and vim.bo[b].buftype == '' and vim.bo[b].filetype ~= 'checkhealth'
  end
  local alternate = vim.fn.bufnr('#')
  if usable(alternate) then
    return alternate
  end
  local previous = vim.fn.win_getid(vim.fn.winnr('#'))
  if previous ~= 0 and usable(vim.api.nvim_win_get_buf(previous)) then
    return vim.api.nvim_win_get_buf(previous)
  end
  return nil
end

local function check_binary(cmd)
  if type(cmd) == 'function' then
    vim.health.info('cmd is a function: the binary cannot be checked before it runs')
    return nil
  end
  if type(cmd) ~= 'table' or type(cmd[1]) ~= 'string' then
    vim.health.error('cmd is not a list of strings: ' .. vim.inspect(cmd), {
      "require('annals').setup({ cmd = { 'annals', 'lsp' } })",
    })
    return nil
  end
  local path = vim.fn.exepath(cmd[1])
  if path == '' then
    vim.health.error('binary not found: ' .. cmd[1], {
      'Install it: cargo install --locked --path . (in the annals repository), or the release binary',
      "Or point the plugin at it: require('annals').setup({ cmd = { '/path/to/annals', 'lsp' } })",
    })
    return nil
  end
  vim.health.ok('binary found: ' .. path .. ' (cmd: ' .. table.concat(cmd, ' ') .. ')')
  return path
end

local function check_version(path)
  local ok, result = pcall(function()
    return vim.system({ path, '--version' }, { text = true }):wait(5000)
  end)
  local out = ok and vim.trim(result.stdout or '') or ''
  if not ok or result.code ~= 0 or out == '' then
    vim.health.error(path .. ' --version failed: ' .. (ok and vim.trim(result.stderr or '') or tostring(result)), {
      'Is it the annals binary? Rebuild it with cargo install --locked --path .',
    })
    return
  end
  vim.health.ok('version: ' .. out)
end

local function check_root(buf, markers)
  if not buf then
    vim.health.info('no file buffer to check: open an article of the corpus, then :checkhealth annals')
    return
  end
  local name = vim.api.nvim_buf_get_name(buf)
  local root = vim.fs.root(buf, markers)
  if not root then
    vim.health.warn('no ' .. table.concat(markers, ' or ') .. ' found upward from ' .. name, {
      'The server starts only inside a corpus: run `annals init` in the corpus folder',
    })
    return
  end
  for _, marker in ipairs(markers) do
    local found = vim.fs.joinpath(root, marker)
    if vim.uv.fs_stat(found) then
      vim.health.ok('root marker found: ' .. found)
      return
    end
  end
  vim.health.ok('root found: ' .. root)
end

local function check_attached(buf, filetypes)
  if not buf then
    return
  end
  local client = vim.lsp.get_clients({ bufnr = buf, name = 'annals' })[1]
  if client then
    vim.health.ok(
      ('server attached to buffer %d (client %d, root %s)'):format(buf, client.id, client.root_dir or '(none)')
    )
    return
  end
  local advice = { 'Is the server enabled? vim.lsp.enable(\'annals\'), or require(\'annals\').setup()' }
  if not vim.tbl_contains(filetypes or {}, vim.bo[buf].filetype) then
    table.insert(advice, 1, "The buffer's filetype '" .. vim.bo[buf].filetype .. "' is not in filetypes")
  end
  vim.health.warn('no annals server attached to buffer ' .. buf .. ' (' .. vim.api.nvim_buf_get_name(buf) .. ')', advice)
end

function M.check()
  local cfg = config()
  local buf = checked_buffer()
  vim.health.start('annals: the server binary')
  local path = check_binary(cfg.cmd)
  if path then
    check_version(path)
  end
  vim.health.start('annals: the corpus of the current buffer')
  check_root(buf, cfg.root_markers or { 'annals.toml' })
  check_attached(buf, cfg.filetypes)
end

return M

-- The README's lazy.nvim spec, as lazy.nvim would use it: `nvim --headless -l tests/editors/nvim_lazy_spec.lua`.
-- Environment: ANNALS_README (the README), ANNALS_REPO (the plugin's checkout, what lazy.nvim
-- clones), ANNALS_CORPUS (a corpus); `annals` on PATH. Exits 1 on the first failure.
local readme = assert(os.getenv('ANNALS_README'), 'ANNALS_README')
local repo = assert(os.getenv('ANNALS_REPO'), 'ANNALS_REPO')
local corpus = assert(os.getenv('ANNALS_CORPUS'), 'ANNALS_CORPUS')

local function check(cond, msg)
  if not cond then
    io.stderr:write('FAIL: ' .. msg .. '\n')
    os.exit(1)
  end
  print('ok: ' .. msg)
end

local text = table.concat(vim.fn.readfile(readme), '\n')
local snippet = text:match('```lua\n%s*(%-%- ~/%.config/nvim/lua/plugins/annals%.lua.-)\n%s*```')
check(snippet ~= nil, "the README holds the lazy.nvim spec")
-- The README indents it inside a list item.
snippet = snippet:gsub('\n  ', '\n')
local spec = assert(loadstring(snippet, 'lazy spec'))()
check(spec[1] == 'annals-dev/annals' and spec.lazy == false and type(spec.config) == 'function', 'a spec of the repository, loaded at start-up')

-- lazy.nvim puts the checkout on runtimepath, then calls config with the plugin.
vim.opt.runtimepath:prepend(repo)
spec.config({ dir = repo, name = 'annals' })
vim.cmd('filetype on')
vim.cmd.edit(vim.fn.fnameescape(corpus .. '/articles/example-article.md'))
local buf = vim.api.nvim_get_current_buf()
check(vim.wait(10000, function() return #vim.lsp.get_clients({ bufnr = buf, name = 'annals' }) > 0 end), 'annals attaches to an article')
check(vim.fn.exists(':AnnalsThread') == 2, 'the plugin commands exist')
vim.cmd('checkhealth annals')
local health = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n')
local content = health:find('OK server attached') ~= nil and not health:find('ERROR')
check(content, ':checkhealth annals finds the server attached, and no error' .. (content and '' or ('\n' .. health)))
print('all checks passed')
os.exit(0)

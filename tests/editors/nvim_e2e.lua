-- End-to-end in the real Neovim: `nvim --headless -l tests/editors/nvim_e2e.lua`.
-- Environment: ANNALS_BIN (the built binary), ANNALS_PLUGIN (editors/nvim), ANNALS_CORPUS
-- (a scratch copy of the seed corpus). Prints each check; exits 1 on the first failure.
local bin = assert(os.getenv('ANNALS_BIN'), 'ANNALS_BIN')
local plugin = assert(os.getenv('ANNALS_PLUGIN'), 'ANNALS_PLUGIN')
local corpus = assert(os.getenv('ANNALS_CORPUS'), 'ANNALS_CORPUS')

local function fail(msg)
  io.stderr:write('FAIL: ' .. msg .. '\n')
  os.exit(1)
end
local function check(cond, msg)
  if not cond then
    fail(msg)
  end
  print('ok: ' .. msg)
end

vim.g.annals_no_auto_enable = true
vim.opt.runtimepath:prepend(plugin)
vim.cmd('runtime plugin/annals.lua')
vim.cmd('filetype on')
require('annals').setup({ cmd = { bin, 'lsp' }, init_options = { diagnosticsDelay = 0 } })

local article = corpus .. '/articles/2022-04-02-space-com-russia-threatens-iss.md'
vim.cmd.edit(vim.fn.fnameescape(article))
local buf = vim.api.nvim_get_current_buf()
check(vim.bo[buf].filetype == 'markdown', 'the article is markdown')
check(vim.wait(10000, function() return #vim.lsp.get_clients({ bufnr = buf, name = 'annals' }) > 0 end), 'annals attached to the buffer')
local client = vim.lsp.get_clients({ bufnr = buf, name = 'annals' })[1]

-- :checkhealth annals, read back from the health buffer: every check is OK.
vim.cmd('checkhealth annals')
local health = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n')
local function healthy(pattern, what)
  if not health:find(pattern) then
    fail(':checkhealth annals: ' .. what .. ': no line matches ' .. pattern .. ' in\n' .. health)
  end
  print('ok: :checkhealth annals: ' .. what)
end
healthy('OK binary found: ' .. vim.pesc(bin), 'the binary of the configured cmd')
healthy('OK version: annals %d+%.%d+%.%d+', 'its version')
healthy('OK root marker found: ' .. vim.pesc(vim.fs.joinpath(vim.uv.fs_realpath(corpus), 'annals.toml')), 'the root marker')
healthy('OK server attached to buffer ' .. buf .. ' ', 'the server attached to the article')
check(not health:find('WARNING') and not health:find('ERROR'), ':checkhealth annals has no warning or error' .. (health:find('WARNING') and ('\n' .. health) or ''))
vim.cmd('tabclose')
vim.api.nvim_set_current_buf(buf)

-- Diagnostics: the seed article holds one deliberate unsourced claim.
check(vim.wait(20000, function() return #vim.diagnostic.get(buf) > 0 end), 'diagnostics arrived')
local diags = vim.diagnostic.get(buf)
check(#diags == 1 and diags[1].code == 'unsourced-claim', 'one unsourced-claim diagnostic, got ' .. vim.inspect(vim.tbl_map(function(d) return d.code end, diags)))

local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
-- The 0-based (line, byte column) of the first occurrence of `needle`, plus `delta` bytes.
local function find(needle, delta)
  for i, line in ipairs(lines) do
    local col = line:find(needle, 1, true)
    if col then
      return i - 1, col - 1 + (delta or 0)
    end
  end
  fail('not found: ' .. needle)
end
local function params_at(needle, delta)
  local row, col = find(needle, delta)
  vim.api.nvim_win_set_cursor(0, { row + 1, col })
  return vim.lsp.util.make_position_params(0, client.offset_encoding)
end
local function request(method, params)
  local result = vim.lsp.buf_request_sync(buf, method, params, 10000)
  local answer = result and result[client.id]
  if not answer then
    fail(method .. ' got no answer')
  end
  if answer.err then
    fail(method .. ': ' .. vim.inspect(answer.err))
  end
  return answer.result
end

-- Hover on a speaker: the entity card with the role held on that date.
local hover = request('textDocument/hover', params_at('#sanctions-purpose by=rogozin', 22))
local text = hover and hover.contents and hover.contents.value or ''
check(text:find('Dmitry Rogozin', 1, true) and text:find('On 2 April 2022:** Director General, Roscosmos', 1, true), 'hover shows the entity card: ' .. text:sub(1, 80))

-- Definition of an entity reference: the entity's page.
local def = request('textDocument/definition', params_at('{e=nasa}', 3))
local target = def.uri or (def[1] and (def[1].uri or def[1].targetUri))
check(target and target:match('entities/nasa%.md$'), 'definition goes to entities/nasa.md')

-- References to Rogozin, across files never opened.
local p = params_at('by=rogozin', 4)
p.context = { includeDeclaration = true }
local refs = request('textDocument/references', p)
check(#refs > 50, 'references to rogozin across the corpus: ' .. #refs)

-- Document highlight: every occurrence of Rogozin in the article, drawn by Neovim itself.
local hp = params_at('#sanctions-purpose by=rogozin', 23)
local highlights = request('textDocument/documentHighlight', hp)
local ids = select(2, table.concat(lines, '\n'):gsub('=rogozin[ }]', ''))
check(#highlights >= ids, 'documentHighlight marks every rogozin id and mention: ' .. #highlights .. ' for ' .. ids .. ' ids')
vim.lsp.buf.document_highlight()
local ns = vim.api.nvim_create_namespace('nvim.lsp.references')
check(vim.wait(5000, function() return #vim.api.nvim_buf_get_extmarks(buf, ns, 0, -1, {}) == #highlights end), 'Neovim draws the highlights')
vim.lsp.buf.clear_references()

-- Expanding the selection: the word, then the claim's text, then the whole claim.
params_at('knees,"]{.claim', 1)
local annals = require('annals')
local function selected()
  local a, b = vim.fn.getpos('v'), vim.fn.getpos('.')
  local text = vim.fn.getregion(a, b, { type = 'v' })
  return table.concat(text, '\n')
end
annals.expand_selection()
check(selected() == 'knees', 'the selection starts with the word: ' .. selected())
annals.expand_selection()
check(selected():match('^"The purpose of the sanctions') and selected():match('knees,"$'), 'then the claim text: ' .. selected():sub(1, 40))
annals.expand_selection()
check(selected():match('^%["The purpose') and selected():match('via=twitter}$'), 'then the whole claim with its attributes: ' .. selected():sub(-30))
annals.shrink_selection()
check(selected():match('knees,"$') ~= nil, 'and back: ' .. selected():sub(-20))
vim.cmd('normal! \27')

-- The claim thread (vim.lsp.buf.incoming_calls, :AnnalsThread): a reply in another article.
vim.fn.setqflist({}, 'r', { items = {} })
params_at('#nelson-export-controls', 3)
vim.cmd('AnnalsThread')
check(vim.wait(10000, function() return #vim.fn.getqflist() > 0 end), ':AnnalsThread fills the quickfix list')
local from_elsewhere = false
for _, item in ipairs(vim.fn.getqflist()) do
  if vim.api.nvim_buf_get_name(item.bufnr):match('2022%-04%-02%-russia%-ends%-iss%-cooperation%.md$') then
    from_elsewhere = true
  end
end
check(from_elsewhere, 'the thread holds a reply from the Reuters article')
vim.cmd('cclose')
vim.api.nvim_set_current_buf(buf)

-- What a claim answers (:AnnalsAnswers): the deorbit tweet, at its own place.
params_at('#destroy-partnership', 3)
vim.cmd('AnnalsAnswers')
local answers = vim.fn.getqflist()
check(#answers == 1 and vim.api.nvim_buf_get_name(answers[1].bufnr):match('deorbit%-tweetstorm%.md$') ~= nil, ':AnnalsAnswers lists the deorbit tweet')
vim.cmd('cclose')
vim.api.nvim_set_current_buf(buf)

-- The entity hierarchy (vim.lsp.buf.typehierarchy): Rogozin belongs to Roscosmos.
vim.fn.setqflist({}, 'r', { items = {} })
params_at('#sanctions-purpose by=rogozin', 23)
vim.lsp.buf.typehierarchy('supertypes')
check(vim.wait(10000, function() return #vim.fn.getqflist() > 0 end), 'typehierarchy fills the quickfix list')
local orgs = vim.tbl_map(function(i) return vim.fs.basename(vim.api.nvim_buf_get_name(i.bufnr)) end, vim.fn.getqflist())
check(vim.tbl_contains(orgs, 'roscosmos.md'), 'Rogozin belongs to Roscosmos: ' .. table.concat(orgs, ', '))
vim.cmd('cclose')
vim.api.nvim_set_current_buf(buf)

-- A new entity page starts from the template.
vim.cmd.edit(vim.fn.fnameescape(corpus .. '/entities/jim-bridenstine.md'))
local new_buf = vim.api.nvim_get_current_buf()
check(vim.wait(10000, function() return vim.api.nvim_buf_get_lines(new_buf, 0, 1, false)[1] == '---' end), 'a new entity page gets the template')
local template = table.concat(vim.api.nvim_buf_get_lines(new_buf, 0, -1, false), '\n')
check(template:find('name: Jim Bridenstine', 1, true) ~= nil, 'named after its file: ' .. template)
vim.cmd('bwipeout!')
vim.api.nvim_set_current_buf(buf)
lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)

-- A code action applied: the unsourced claim gets a speaker.
local d = vim.diagnostic.get(buf)[1]
local range = { start = { line = d.lnum, character = d.col }, ['end'] = { line = d.end_lnum, character = d.end_col } }
local actions = request('textDocument/codeAction', {
  textDocument = { uri = vim.uri_from_bufnr(buf) },
  range = range,
  context = { diagnostics = { d.user_data and d.user_data.lsp or {} } },
})
local chosen
for _, a in ipairs(actions) do
  if a.title:find('^Add by=') then
    chosen = a
    break
  end
end
check(chosen ~= nil, 'a quick fix offers a speaker')
vim.lsp.util.apply_workspace_edit(chosen.edit, client.offset_encoding)
local after = table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n')
local speaker = chosen.title:match('^Add by=([%w_-]+)')
check(after:find('by=' .. speaker .. '}', 1, true) ~= nil, 'the code action added by=' .. speaker)

-- The edit reaches the server: the diagnostic goes away.
check(vim.wait(20000, function() return #vim.diagnostic.get(buf) == 0 end), 'the fixed claim has no diagnostic left')

-- :AnnalsPreview: the buffer's reading view (annals/render) in a file opened with vim.ui.open.
local opened
local ui_open = vim.ui.open
vim.ui.open = function(path)
  opened = path
end
vim.api.nvim_set_current_buf(buf)
vim.cmd('AnnalsPreview')
vim.ui.open = ui_open
local page = opened and io.open(opened):read('*a') or ''
check(page:find('<!DOCTYPE html>', 1, true) == 1 and page:find('class="claim"', 1, true) and not page:find('{e=', 1, true), ':AnnalsPreview writes the page of the buffer and opens it: ' .. tostring(opened))
-- A quotation typed in: an unannotated-quote hint naming the speaker, and its quick fix
-- wraps the quotation in a claim.
local last = vim.api.nvim_buf_line_count(buf)
vim.api.nvim_buf_set_lines(buf, last, last, false, { '', '"Nothing will change for us in orbit at all," [Rogozin]{e=rogozin} said on Saturday.' })
local function quote_hint()
  for _, x in ipairs(vim.diagnostic.get(buf)) do
    if x.code == 'unannotated-quote' then
      return x
    end
  end
end
check(vim.wait(20000, function() return quote_hint() ~= nil end), 'the typed quotation gets an unannotated-quote hint')
local q = quote_hint()
check(q.message:find('Dmitry Rogozin', 1, true) ~= nil, 'the hint names the speaker: ' .. q.message)
local qactions = request('textDocument/codeAction', {
  textDocument = { uri = vim.uri_from_bufnr(buf) },
  range = { start = { line = q.lnum, character = q.col }, ['end'] = { line = q.end_lnum, character = q.end_col } },
  context = { diagnostics = { q.user_data and q.user_data.lsp or {} } },
})
local wrap
for _, a in ipairs(qactions) do
  if a.title:find('^Annotate the quotation as a claim') then
    wrap = a
    break
  end
end
check(wrap ~= nil, 'a quick fix wraps the quotation')
vim.lsp.util.apply_workspace_edit(wrap.edit, client.offset_encoding)
local wrapped = vim.api.nvim_buf_get_lines(buf, last + 1, last + 2, false)[1]
check(wrapped == '["Nothing will change for us in orbit at all,"]{.claim #nothing-will-change-for by=rogozin date=2022-04-02} [Rogozin]{e=rogozin} said on Saturday.', 'the quotation became a claim: ' .. wrapped)
check(vim.wait(20000, function() return #vim.diagnostic.get(buf) == 0 end), 'the new claim has no diagnostic left')

-- Rename an entity from a reference: its file moves and every reference follows.
lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
local rp = params_at('{e=nasa}', 4)
rp.newName = 'us-space-agency'
local edit = request('textDocument/rename', rp)
vim.lsp.util.apply_workspace_edit(edit, client.offset_encoding)
local renamed = table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n')
check(renamed:find('{e=us-space-agency}', 1, true) and not renamed:find('{e=nasa}', 1, true), 'the rename updated the open article')
check(vim.uv.fs_stat(corpus .. '/entities/us-space-agency.md') ~= nil and vim.uv.fs_stat(corpus .. '/entities/nasa.md') == nil, 'the rename moved entities/nasa.md')

-- Renaming an entity's file (:AnnalsRenameFile): every reference follows, on disk too.
vim.cmd.edit(vim.fn.fnameescape(corpus .. '/entities/musk.md'))
vim.cmd('AnnalsRenameFile ' .. vim.fn.fnameescape(corpus .. '/entities/elon-musk.md'))
check(vim.uv.fs_stat(corpus .. '/entities/elon-musk.md') ~= nil and vim.uv.fs_stat(corpus .. '/entities/musk.md') == nil, ':AnnalsRenameFile moved entities/musk.md')
local reuters = io.open(corpus .. '/articles/2022-04-02-russia-ends-iss-cooperation.md'):read('*a')
check(reuters:find('{e=elon-musk}', 1, true) and not reuters:find('{e=musk}', 1, true), 'the references to musk were renamed and saved')

-- :checkhealth annals outside a corpus, with a cmd that is not installed: it says so.
vim.lsp.config('annals', { cmd = { 'no-such-annals-binary', 'lsp' } })
local outside = vim.fn.tempname() .. '.md'
vim.fn.writefile({ '# not in a corpus' }, outside)
vim.cmd.edit(vim.fn.fnameescape(outside))
vim.cmd('checkhealth annals')
health = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n')
healthy('ERROR binary not found: no%-such%-annals%-binary', 'a cmd not on PATH is an error')
healthy('WARNING no annals%.toml found upward from ' .. vim.pesc(outside), 'a file outside a corpus is a warning')
vim.cmd('tabclose')

print('all checks passed')
os.exit(0)

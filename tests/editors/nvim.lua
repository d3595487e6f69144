-- Headless Neovim with annals as its language server, started by README's ftplugin (which
-- tests/editors/nvim.sh installs): open a decision with a bad tag, wait for annals'
-- diagnostic, then ask for completion inside `tags:` and check the vocabulary is offered.
local root = os.getenv('HANDBOOK')
local file = root .. '/decisions/0002-use-postgres-for-the-event-store.md'

local function fail(msg)
  io.stderr:write('nvim: FAILED: ' .. msg .. '\n')
  vim.cmd('cquit 1')
end

vim.cmd('cd ' .. vim.fn.fnameescape(root))
vim.cmd('edit ' .. vim.fn.fnameescape(file))
local attached = vim.wait(20000, function() return #vim.lsp.buf_get_clients(0) > 0 end, 50)
if not attached then fail('README\'s ftplugin started no client') end

local found = vim.wait(20000, function()
  for _, d in ipairs(vim.diagnostic.get(0)) do
    if d.message:find('storgae', 1, true) then return true end
  end
  return false
end, 50)
if not found then fail('no diagnostic for the tag `storgae`') end
local d = vim.diagnostic.get(0)[1]
io.stdout:write(string.format('nvim: diagnostic on line %d: %s\n', d.lnum + 1, d.message:gsub('\n.*', '')))

-- Line 6 (0-based 5) is `tags: [storgae]`: complete after `[`.
local params = {
  textDocument = { uri = vim.uri_from_bufnr(0) },
  position = { line = 5, character = 7 },
}
local responses = vim.lsp.buf_request_sync(0, 'textDocument/completion', params, 10000)
local labels = {}
for _, r in pairs(responses or {}) do
  local items = r.result and (r.result.items or r.result) or {}
  for _, item in ipairs(items) do labels[item.label] = item.detail or '' end
end
if not labels['storage'] or not labels['api'] then fail('completion did not offer the tags') end
io.stdout:write('nvim: completion in tags: offers storage (' .. labels['storage'] .. ') and api\n')
vim.cmd('qa!')

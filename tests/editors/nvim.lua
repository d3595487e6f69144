-- Headless Neovim with annals as its language server (Neovim 0.7's client API, which later
-- versions keep): open a decision with a bad tag, wait for annals' diagnostic, then ask for
-- completion inside `tags:` and check the vocabulary is offered. Run by tests/editors/nvim.sh.
local annals = os.getenv('ANNALS')
local root = os.getenv('HANDBOOK')
local file = root .. '/decisions/0002-use-postgres-for-the-event-store.md'

local function fail(msg)
  io.stderr:write('nvim: FAILED: ' .. msg .. '\n')
  vim.cmd('cquit 1')
end

vim.cmd('edit ' .. vim.fn.fnameescape(file))
local client = vim.lsp.start_client({
  name = 'annals',
  cmd = { annals, 'lsp' },
  root_dir = root,
})
if not client then fail('the client did not start') end
vim.lsp.buf_attach_client(0, client)

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

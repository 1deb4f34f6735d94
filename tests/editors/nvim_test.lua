-- End-to-end test of docent in Neovim (0.7+), run by tests/editors/run.sh as
-- `nvim --headless --clean -c "luafile nvim_test.lua"`: editors/nvim starts the built server
-- for a copy of tests/editors/project, and the test goes through Neovim's own LSP client:
-- diagnostics, hover, the 'Insert docstring' code action through vim.lsp.buf.code_action,
-- and the acceptance reaching docent's learning statistics. Prints one line per step and
-- exits 0 when every step passed (or was skipped as pending), 1 otherwise.
local binary = assert(os.getenv("DOCENT_BINARY"), "DOCENT_BINARY is not set")
local source_dir = assert(os.getenv("DOCENT_SOURCE_DIR"), "DOCENT_SOURCE_DIR is not set")
local project = assert(os.getenv("DOCENT_TEST_PROJECT"), "DOCENT_TEST_PROJECT is not set")
local log_file = os.getenv("DOCENT_TEST_LOG") or (project .. "/docent.log")

-- How long to wait for any one thing the server or the editor does before failing. A bound
-- against hanging, not a timing assertion: each wait ends as soon as its condition holds.
local WAIT_MS = tonumber(os.getenv("DOCENT_TEST_WAIT_MS") or "") or 60000
local FUNCTION = "apply_discount"
local ACTION_TITLE = "Insert a NumPy-style docstring for '" .. FUNCTION .. "'"

local counts = { passed = 0, failed = 0, skipped = 0 }

local function say(format, ...)
  io.stdout:write(string.format(format, ...) .. "\n")
  io.stdout:flush()
end

local function finish()
  say("%d passed, %d failed, %d skipped", counts.passed, counts.failed, counts.skipped)
  pcall(function()
    vim.lsp.stop_client(vim.lsp.get_active_clients(), true)
  end)
  vim.cmd(counts.failed == 0 and "qall!" or "cquit 1")
end

-- A step that cannot be checked yet: raised with skip() inside a step.
local Skip = {}
local function skip(reason)
  error(setmetatable({ reason = reason }, Skip), 0)
end

-- Runs one named step; the first failure ends the test, since later steps build on it.
local function step(name, body)
  local ok, err = xpcall(body, function(e)
    if getmetatable(e) == Skip then
      return e
    end
    return debug.traceback(tostring(e), 2)
  end)
  if ok then
    counts.passed = counts.passed + 1
    say("ok - %s", name)
  elseif getmetatable(err) == Skip then
    counts.skipped = counts.skipped + 1
    say("skip - %s (pending: %s)", name, err.reason)
  else
    counts.failed = counts.failed + 1
    say("not ok - %s\n%s", name, err)
    finish()
  end
end

-- Waits until `condition()` holds; fails naming `what`, with `explain()`'s text if given.
local function wait_for(what, condition, explain)
  if not vim.wait(WAIT_MS, condition, 20) then
    error("gave up waiting for " .. what .. (explain and ("\n" .. explain()) or ""), 2)
  end
end

local function check(condition, message, ...)
  if not condition then
    error(string.format(message, ...), 2)
  end
end

local function read_file(path)
  local file = assert(io.open(path, "rb"))
  local text = file:read("*a")
  file:close()
  return text
end

local function buffer_text(bufnr)
  return table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, true), "\n") .. "\n"
end

local function docent_diagnostics(bufnr)
  local found = {}
  for _, diagnostic in ipairs(vim.diagnostic.get(bufnr)) do
    if diagnostic.source == "docent" then
      found[diagnostic.code] = diagnostic
    end
  end
  return found
end

local function describe_diagnostics(bufnr)
  return function()
    local lines = {}
    for _, diagnostic in ipairs(vim.diagnostic.get(bufnr)) do
      table.insert(lines, string.format("%d:%d %s %s %s", diagnostic.lnum, diagnostic.col,
        tostring(diagnostic.source), tostring(diagnostic.code), diagnostic.message))
    end
    return "diagnostics:\n" .. table.concat(lines, "\n")
  end
end

-- The largest count of accepted docstring suggestions anywhere in a docent.learning.stats
-- result: an `accepted` number under a `docstring` key or in an object of kind `docstring`,
-- or events of that kind with outcome `accepted`. Only the feedback's existence is asserted,
-- not the result's layout.
local function accepted_docstrings(node, in_docstring)
  if type(node) ~= "table" then
    return 0
  end
  if node.kind == "docstring" then
    in_docstring = true
  end
  local best = 0
  if in_docstring and node.outcome == "accepted" then
    best = 1
  end
  if in_docstring and type(node.accepted) == "number" then
    best = math.max(best, node.accepted)
  end
  for key, value in pairs(node) do
    best = math.max(best, accepted_docstrings(value, in_docstring or key == "docstring"))
  end
  return best
end

vim.defer_fn(function()
  say("not ok - the whole test took longer than %d ms", 4 * WAIT_MS)
  vim.cmd("cquit 2")
end, 4 * WAIT_MS)

local bufnr, client

step("docent starts for a Python buffer, with the settings given to setup()", function()
  vim.opt.runtimepath:prepend(source_dir .. "/editors/nvim")
  require("docent").setup({
    cmd = { binary, "--stdio", "--log-file", log_file },
    settings = { ["max-complexity"] = 3, ["docstring-style"] = "numpy" },
  })
  vim.cmd("edit " .. vim.fn.fnameescape(project .. "/shop/pricing.py"))
  bufnr = vim.api.nvim_get_current_buf()
  check(vim.bo[bufnr].filetype == "python", "filetype is %q", vim.bo[bufnr].filetype)
  wait_for("the docent client to initialize", function()
    client = require("docent").client(bufnr)
    return client ~= nil and client.server_capabilities ~= nil
  end)
  check(client.config.root_dir == project, "root_dir is %q", tostring(client.config.root_dir))
end)

step("another file of the project is attached to the same server", function()
  vim.cmd("edit " .. vim.fn.fnameescape(project .. "/shop/__init__.py"))
  local other = vim.api.nvim_get_current_buf()
  local other_client
  wait_for("the docent client of the second buffer", function()
    other_client = require("docent").client(other)
    return other_client ~= nil
  end)
  check(other_client.id == client.id, "a second client (%d, not %d)", other_client.id, client.id)
  vim.api.nvim_set_current_buf(bufnr)
end)

step("diagnostics: C901 with the editor's max-complexity and D103", function()
  wait_for("C901 and D103", function()
    local found = docent_diagnostics(bufnr)
    return found.C901 ~= nil and found.D103 ~= nil
  end, describe_diagnostics(bufnr))
  local found = docent_diagnostics(bufnr)
  check(found.C901.message == "'" .. FUNCTION .. "' is too complex (4 > 3)", "C901 says %q",
    found.C901.message)
  check(found.C901.lnum == 3 and found.C901.col == 4, "C901 at %d:%d", found.C901.lnum,
    found.C901.col)
  check(found.D103.message == "Missing docstring in public function", "D103 says %q",
    found.D103.message)
end)

step("hover over the function's name shows its metrics", function()
  vim.api.nvim_win_set_cursor(0, { 4, 6 })
  vim.lsp.buf.hover()
  local float
  wait_for("the hover window", function()
    for _, win in ipairs(vim.api.nvim_list_wins()) do
      if vim.api.nvim_win_get_config(win).relative ~= "" then
        float = win
        return true
      end
    end
    return false
  end)
  local text = buffer_text(vim.api.nvim_win_get_buf(float))
  vim.api.nvim_win_close(float, true)
  check(text:find(FUNCTION, 1, true), "no function name in the hover:\n%s", text)
  check(text:find("cyclomatic[%s|]*5 %(A%)"), "no 'cyclomatic 5 (A)' in the hover:\n%s", text)
  check(text:find("docstring[%s|]*no"), "no 'docstring no' in the hover:\n%s", text)
end)

local chosen
step("'Insert docstring' through vim.lsp.buf.code_action writes the docstring", function()
  local titles
  vim.ui.select = function(items, options, on_choice)
    titles = {}
    for index, item in ipairs(items) do
      local title = options.format_item and options.format_item(item) or tostring(item)
      table.insert(titles, title)
      if title == ACTION_TITLE then
        chosen = item[2]
        return on_choice(item, index)
      end
    end
    on_choice(nil, nil)
  end
  vim.api.nvim_win_set_cursor(0, { 4, 0 })
  vim.lsp.buf.code_action()
  wait_for("the code action menu", function()
    return titles ~= nil
  end)
  check(chosen ~= nil, "no %q among the actions: %s", ACTION_TITLE, table.concat(titles, " | "))
  check(chosen.kind == "quickfix", "the action is a %s, not a quick fix for D103",
    tostring(chosen.kind))
  local expected = read_file(source_dir .. "/tests/editors/expected/pricing.py")
  wait_for("the docstring in the buffer", function()
    return buffer_text(bufnr) == expected
  end, function()
    return "buffer:\n" .. buffer_text(bufnr)
  end)
end)

step("docent sees the edit: D103 goes, C901 stays", function()
  wait_for("diagnostics without D103", function()
    local found = docent_diagnostics(bufnr)
    return found.D103 == nil and found.C901 ~= nil
  end, describe_diagnostics(bufnr))
end)

step("the acceptance reaches docent (docent.learning.stats)", function()
  local provider = client.server_capabilities.executeCommandProvider
  if not (provider and vim.tbl_contains(provider.commands or {}, "docent.learning.stats")) then
    skip("the server does not offer docent.learning.stats yet")
  end
  -- Asked again until the feedback is in: the server may store it after answering.
  local deadline = vim.loop.hrtime() + WAIT_MS * 1e6
  local stats
  repeat
    local response = client.request_sync("workspace/executeCommand",
      { command = "docent.learning.stats", arguments = {} }, WAIT_MS, bufnr)
    check(response and not response.err, "docent.learning.stats failed: %s",
      vim.inspect(response))
    stats = response.result
    if accepted_docstrings(stats, false) >= 1 then
      return
    end
    vim.wait(50)
  until vim.loop.hrtime() > deadline
  error("gave up waiting for an accepted docstring in docent.learning.stats: "
    .. vim.inspect(stats))
end)

finish()

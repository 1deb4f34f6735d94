-- docent for Neovim: starts docent's language server for Python buffers and attaches them to
-- it, one server per project root. Uses vim.lsp.start on Neovim 0.8+ and falls back to
-- vim.lsp.start_client + vim.lsp.buf_attach_client on 0.7. See docs/editors.md.
--
--   require("docent").setup({
--     settings = { ["max-complexity"] = 12, ["docstring-style"] = "numpy" },
--   })
local M = {}

local defaults = {
  -- The server command; `docent` must be on PATH, or give the full path.
  cmd = { "docent", "--stdio" },
  filetypes = { "python" },
  -- The project root is the nearest folder above the file that holds one of these.
  root_markers = { "pyproject.toml", "setup.cfg", "setup.py", ".git" },
  -- docent's settings under their names in docs/configuration.md, sent as
  -- initializationOptions and as the `docent` section of the workspace configuration.
  settings = {},
  on_attach = nil, -- function(client, bufnr), as in vim.lsp.start_client
  capabilities = nil, -- client capabilities; Neovim's own by default
  handlers = nil,
}

M.options = vim.deepcopy(defaults)

-- Clients started by the 0.7 fallback, by root folder.
local legacy_clients = {}

local function is_dir(path)
  local stat = vim.loop.fs_stat(path)
  return stat ~= nil and stat.type == "directory"
end

local function exists(path)
  return vim.loop.fs_stat(path) ~= nil
end

-- The nearest folder at or above `path`'s folder that holds one of `markers`, else the
-- file's own folder.
function M.find_root(path, markers)
  local dir = is_dir(path) and path or vim.fn.fnamemodify(path, ":p:h")
  local start = dir
  while dir and dir ~= "" do
    for _, marker in ipairs(markers) do
      if exists(dir .. "/" .. marker) then
        return dir
      end
    end
    local parent = vim.fn.fnamemodify(dir, ":h")
    if parent == dir then
      break
    end
    dir = parent
  end
  return start
end

-- An empty settings table must reach the server as a JSON object, not an array.
local function json_object(settings)
  if settings == nil or next(settings) == nil then
    return vim.empty_dict()
  end
  return settings
end

-- The client configuration for a buffer whose project root is `root`.
function M.client_config(root)
  local options = M.options
  local settings = json_object(options.settings)
  return {
    name = "docent",
    cmd = options.cmd,
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
    init_options = settings,
    settings = { docent = settings },
    on_attach = options.on_attach,
    capabilities = options.capabilities,
    handlers = options.handlers,
  }
end

-- Starts docent for `bufnr` (default: the current buffer), or attaches the buffer to the
-- server already running for its project. Returns the client id.
function M.start(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  local path = vim.api.nvim_buf_get_name(bufnr)
  if path == "" or vim.bo[bufnr].buftype ~= "" then
    return nil
  end
  local root = M.find_root(path, M.options.root_markers)
  local config = M.client_config(root)
  if vim.lsp.start then -- Neovim 0.8+: reuses a client with the same name and root.
    return vim.lsp.start(config, { bufnr = bufnr })
  end
  local id = legacy_clients[root]
  local client = id and vim.lsp.get_client_by_id(id)
  if not client or client.is_stopped() then
    id = vim.lsp.start_client(config)
    if not id then
      return nil
    end
    legacy_clients[root] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  return id
end

-- The docent client attached to `bufnr` (default: the current buffer), if any.
function M.client(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  local clients = vim.lsp.get_clients and vim.lsp.get_clients({ bufnr = bufnr })
    or vim.lsp.buf_get_clients(bufnr)
  for _, client in pairs(clients) do
    if client.name == "docent" then
      return client
    end
  end
  return nil
end

-- Merges `options` into the defaults and starts docent for every buffer of a Python file,
-- those already open included.
function M.setup(options)
  M.options = vim.tbl_deep_extend("force", vim.deepcopy(defaults), options or {})
  local group = vim.api.nvim_create_augroup("docent", { clear = true })
  vim.api.nvim_create_autocmd("FileType", {
    group = group,
    pattern = M.options.filetypes,
    callback = function(event)
      M.start(event.buf)
    end,
  })
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr)
      and vim.tbl_contains(M.options.filetypes, vim.bo[bufnr].filetype) then
      M.start(bufnr)
    end
  end
end

return M

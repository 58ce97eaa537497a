-- pandoc kept running between essays (contest/documents/converter.py): one conversion after
-- another in one process, instead of a 160 MB program mapped anew for each. A request is a
-- line "<reader> <writers> <size>" and then <size> bytes of text, <writers> one writer or
-- several joined by commas (the text is read once for all of them); the answer is a line
-- "ok <size> <logged>" or "error <size> <logged>" and then <size> bytes: for each writer, a
-- line with the byte length of its output and then the output, as
-- `pandoc -f <reader> -t <writer> --wrap=none` prints it; or why it failed. <logged> counts
-- the warnings pandoc keeps for the whole process (converter.py restarts it past a bound). The reader runs sandboxed (it may
-- open no file). Ends when its input ends. Its one argument is the pandoc binary, asked
-- once for the abbreviations its command line reads ("Jr. X" keeps a no-break space).
local answers = io.stdout
answers:setvbuf("full")

local abbreviations = {}
for line in pandoc.pipe(arg[1], { "--print-default-data-file", "abbreviations" }, ""):gmatch("[^\n]+") do
  abbreviations[line] = true
end

local function answer(status, body)
  answers:write(status, " ", #body, " ", #PANDOC_STATE.log, "\n", body)
  answers:flush()
end

local function convert(text, reader, writers)
  local tree = pandoc.read(text, reader, { abbreviations = abbreviations }, {})
  local outputs = {}
  for writer in writers:gmatch("[^,]+") do
    local output = pandoc.write(tree, writer, { wrap_text = "none" })
    -- pandoc's command line ends what it prints with one line break.
    if output:sub(-1) ~= "\n" then
      output = output .. "\n"
    end
    outputs[#outputs + 1] = #output .. "\n" .. output
  end
  return table.concat(outputs)
end

while true do
  local header = io.read("l")
  if header == nil then
    return
  end
  local reader, writers, size = header:match("^(%S+) (%S+) (%d+)$")
  if reader == nil then
    error("not a request: " .. header:sub(1, 100))
  end
  -- io.read(0) would wait for the next request to tell an empty text from the input's end.
  local text = size == "0" and "" or io.read(tonumber(size))
  if text == nil or #text ~= tonumber(size) then
    return
  end
  local ok, result = pcall(convert, text, reader, writers)
  if ok then
    answer("ok", result)
  else
    answer("error", tostring(result))
  end
end

-- Pandoc filter of the Quarto site (see _quarto.yml). Notebooks link the repo's figures as ../figures/NAME,
-- relative to nbs/, so that they show in Jupyter and on GitHub. The site publishes the copy that the
-- pre-render step puts in the project's own figures/ folder: drop one ../ from such links (markdown images,
-- links, and raw HTML src/href attributes).
local function site_path(url)
  local ups = 0
  while url:sub(3 * ups + 1, 3 * ups + 3) == '../' do ups = ups + 1 end
  if ups > 0 and url:sub(3 * ups + 1, 3 * ups + 8) == 'figures/' then return url:sub(4) end
  return url
end

function Image(el) el.src = site_path(el.src); return el end

function Link(el) el.target = site_path(el.target); return el end

local function raw_html(el)
  if not el.format:match('html') then return nil end
  el.text = el.text:gsub('((%a+)=["\'])([^"\']*)', function(attr, name, url)
    if name == 'src' or name == 'href' then return attr .. site_path(url) end
  end)
  return el
end

RawInline = raw_html
RawBlock = raw_html

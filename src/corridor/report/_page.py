"""The page shell of a report: escaping, tables, cards, CSS and a little inline script.

Everything that ends up in a report goes through :func:`esc` unless it is :class:`Markup`, markup
that this package built itself from escaped parts. Nothing in a page loads from the network.
"""

from __future__ import annotations

import hashlib
import html
from collections.abc import Iterable, Sequence
from pathlib import Path

from corridor.io.files import write_text

__all__ = ["Markup", "card", "esc", "join", "notebook_div", "page", "page_or_div", "table", "tag", "write_page"]


class Markup(str):
    r"""A string of trusted HTML, built by this package from escaped parts.

    Examples
    --------
    >>> join(["a<b", Markup("<i>kept</i>")])  # text is escaped, Markup is not
    'a&lt;b\n<i>kept</i>'
    """

    __slots__ = ()


def esc(value: object) -> Markup:
    """Escape ``value`` for HTML text and attributes, unless it is already :class:`Markup`.

    Examples
    --------
    >>> esc("<script>alert(1)</script>")
    '&lt;script&gt;alert(1)&lt;/script&gt;'
    >>> esc(Markup("<b>bold</b>"))
    '<b>bold</b>'
    """
    if isinstance(value, Markup):
        return value
    return Markup(html.escape("" if value is None else str(value), quote=True))


def join(parts: Iterable[object], sep: str = "\n") -> Markup:
    """Join escaped parts into markup.

    Examples
    --------
    >>> join(["Aktau", "&", Markup("<b>Kuryk</b>")], sep=" ")
    'Aktau &amp; <b>Kuryk</b>'
    """
    return Markup(sep.join(esc(p) for p in parts))


def tag(name: str, content: object = "", **attrs: object) -> Markup:
    """An element with escaped content and attributes (``class_`` gives ``class``; ``None`` drops one).

    Examples
    --------
    >>> tag("td", "<1 Mt", class_="num")
    '<td class="num">&lt;1 Mt</td>'
    """
    text = "".join(
        f' {k.rstrip("_").replace("_", "-")}="{esc(v)}"' for k, v in attrs.items() if v is not None
    )
    return Markup(f"<{name}{text}>{esc(content)}</{name}>")


def table(
    headers: Sequence[object],
    rows: Iterable[Sequence[object]],
    *,
    numeric: Iterable[int] = (),
    caption: object = None,
    sortable: bool = True,
    row_classes: Sequence[str | None] | None = None,
) -> Markup:
    """A table; columns whose index is in ``numeric`` are right-aligned with tabular figures.

    A cell is text (escaped), :class:`Markup`, or a tuple ``(shown, value)`` whose number sorts the column.

    Examples
    --------
    >>> html = table(["Port", "Mt/yr"], [["Aktau", ("5.5", 5.5)], ["Kuryk", ("2.0", 2.0)]], numeric=[1])
    >>> html.startswith('<div class="table-wrap"><table class="data sortable">')
    True
    >>> '<td class="num" data-v="5.5">5.5</td>' in html
    True
    """
    num = set(numeric)
    head = "".join(tag("th", h, class_="num" if i in num else None, scope="col") for i, h in enumerate(headers))
    body = []
    for r, row in enumerate(rows):
        cls = row_classes[r] if row_classes is not None and r < len(row_classes) else None
        cells = "".join(_cell(c, numeric=i in num) for i, c in enumerate(row))
        body.append(f"<tr{f' class={chr(34)}{esc(cls)}{chr(34)}' if cls else ''}>{cells}</tr>")
    cap = tag("caption", caption) if caption else ""
    cls = "data sortable" if sortable else "data"
    return Markup(
        f'<div class="table-wrap"><table class="{cls}">{cap}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def _cell(c: object, *, numeric: bool) -> Markup:
    cls = "num" if numeric else None
    if isinstance(c, tuple):  # (shown, sort value)
        shown, value = c
        v = value if isinstance(value, int | float) and value == value else None  # noqa: PLR0124 - NaN check
        return tag("td", shown, class_=cls, data_v=None if v is None else f"{v:.9g}")
    return tag("td", c, class_=cls)


def card(title: object, value: object, detail: object = "", *, tone: str = "neutral", small: bool = False) -> Markup:
    r"""A headline figure: a label, a big value and a line of detail; ``tone``: better, worse or neutral.

    Examples
    --------
    >>> print(card("Served", "164.6 Mt", "all demand").replace("><", ">\n<"))
    <div class="card neutral">
    <div class="card-title">Served</div>
    <div class="card-value">164.6 Mt</div>
    <div class="card-detail">all demand</div>
    </div>
    """
    shown = Markup(esc(value).replace("_", "_<wbr>")) if small else esc(value)  # identifiers break at "_"
    return Markup(
        f'<div class="card {esc(tone)}"><div class="card-title">{esc(title)}</div>'
        f'<div class="card-value{" small" if small else ""}">{shown}</div>'
        f'<div class="card-detail">{esc(detail)}</div></div>'
    )


_CSS = """
:root { --ink:#1d2733; --muted:#5b6673; --rule:#d8dde3; --bg:#ffffff; --panel:#f5f7f9;
  --up:#0072B2; --down:#D55E00; --base:#8f9baa; --accent:#0b4f71; }
* { box-sizing: border-box; }
html { background: var(--bg); }
body { margin: 0 auto; max-width: 1180px; padding: 28px 36px 60px; color: var(--ink);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
header.report { border-bottom: 3px solid var(--accent); padding-bottom: 14px; margin-bottom: 22px; }
header.report h1 { margin: 0 0 4px; font-size: 28px; color: var(--accent); }
header.report .sub { color: var(--muted); }
h2 { font-size: 22px; margin: 40px 0 6px; padding-top: 10px; border-top: 1px solid var(--rule);
  color: var(--accent); }
h3 { font-size: 17px; margin: 26px 0 8px; }
p.lead { margin: 4px 0 12px; max-width: 78ch; }
p.meta, .note { color: var(--muted); font-size: 13px; }
nav.toc { background: var(--panel); border: 1px solid var(--rule); border-radius: 6px;
  padding: 8px 14px; margin: 0 0 18px; font-size: 14px; }
nav.toc a { color: var(--accent); margin-right: 14px; text-decoration: none; white-space: nowrap; }
nav.toc a:hover { text-decoration: underline; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(205px, 1fr)); gap: 12px;
  margin: 14px 0 8px; }
.card { background: var(--panel); border: 1px solid var(--rule); border-left: 5px solid var(--base);
  border-radius: 6px; padding: 10px 14px; }
.card.better { border-left-color: var(--up); }
.card.worse { border-left-color: var(--down); }
.card-title { font-size: 13px; color: var(--muted); text-transform: uppercase; letter-spacing: .03em; }
.card-value { font-size: 21px; font-weight: 650; font-variant-numeric: tabular-nums; white-space: nowrap; }
.card-value.small { font-size: 16px; white-space: normal; overflow-wrap: break-word; padding-top: 4px; }
.card-detail { font-size: 13px; color: var(--muted); }
.table-wrap { overflow-x: auto; margin: 6px 0 10px; }
table.data { border-collapse: collapse; font-size: 14px; min-width: 50%; }
table.data caption { text-align: left; color: var(--muted); font-size: 13px; padding-bottom: 4px; }
table.data th, table.data td { padding: 4px 10px; border-bottom: 1px solid var(--rule); text-align: left;
  vertical-align: top; }
table.data th { background: var(--panel); font-weight: 600; border-bottom: 2px solid #b9c2cc; }
table.sortable th { cursor: pointer; }
table.sortable th[aria-sort=ascending]::after { content: " \\25B2"; font-size: 10px; }
table.sortable th[aria-sort=descending]::after { content: " \\25BC"; font-size: 10px; }
table.data td.num, table.data th.num { text-align: right; font-variant-numeric: tabular-nums;
  white-space: nowrap; }
table.data tr.total td { font-weight: 600; }
table.data tr.stop td { color: var(--muted); font-style: italic; }
table.data td:first-child { white-space: nowrap; }
p.notice { background: #fff6e0; border: 1px solid #f0d48a; border-radius: 6px; padding: 8px 12px; }
.pos { color: var(--up); }
.neg { color: var(--down); }
.badge { display: inline-block; padding: 0 7px; border-radius: 9px; font-size: 12px; background: #e8ecf0; }
.badge.new { background: #fde3d0; color: #8a3500; }
.badge.relieved { background: #d6e9f5; color: #00466e; }
.badge.both { background: #e8ecf0; }
.grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 24px; align-items: start; }
@media (max-width: 900px) { .grid2 { grid-template-columns: 1fr; } }
figure { margin: 10px 0 16px; }
figure svg { display: block; max-width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: 13px; margin-top: 4px; }
svg text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
svg .link:hover { stroke-opacity: 1; filter: brightness(0.8); }
details { margin: 6px 0 12px; }
details summary { cursor: pointer; color: var(--accent); }
dl.sources dt { font-weight: 600; float: left; clear: left; min-width: 7em; }
dl.sources dd { margin: 0 0 4px 8em; }
ol.changes li { margin-bottom: 6px; }
code { font-size: 13px; background: var(--panel); padding: 0 3px; border-radius: 3px; }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--rule);
  padding-top: 8px; }
@media print { body { max-width: none; padding: 0; } h2 { break-before: page; }
  figure, table { break-inside: avoid; } nav.toc { display: none; } }
"""

# Click a header of a sortable table to sort it; numbers sort by the data-v of the cell or its text.
_JS = """
(function () {
  function key(td) {
    var v = td.getAttribute('data-v');
    var t = v !== null ? v : td.textContent.replace(/[,\\s]/g, '').replace('\\u2212', '-');
    var n = parseFloat(t);
    return isNaN(n) ? td.textContent.toLowerCase() : n;
  }
  document.querySelectorAll('table.sortable').forEach(function (table) {
    table.querySelectorAll('th').forEach(function (th, col) {
      th.addEventListener('click', function () {
        var asc = th.getAttribute('aria-sort') !== 'ascending';
        table.querySelectorAll('th').forEach(function (h) { h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = key(a.cells[col]), y = key(b.cells[col]);
          if (typeof x !== typeof y) { x = String(x); y = String(y); }
          return (x < y ? -1 : x > y ? 1 : 0) * (asc ? 1 : -1);
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });
})();
"""


def page(title: str, body: Markup, *, subtitle: object = "", created: str | None = None) -> str:
    """A whole HTML document: inline CSS (and script, if a table sorts), no external resource of any kind.

    Examples
    --------
    >>> html = page("Test", Markup("<p>body</p>"), created="2026-01-01")
    >>> html.startswith("<!DOCTYPE html>"), "<p>body</p>" in html, "<script src" in html
    (True, True, False)
    """
    when = f" · {esc(created)}" if created else ""
    script = f"<script>{_JS}</script>\n" if 'class="data sortable"' in body else ""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="corridor">\n'
        f"<title>{esc(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f'<header class="report"><h1>{esc(title)}</h1><div class="sub">{esc(subtitle)}{when}</div></header>\n'
        f"{body}\n"
        "<footer>Made by corridor, a freight-corridor planner. This file is self-contained: it loads "
        "nothing from the network. Country outlines: Natural Earth (public domain), via world-atlas.</footer>\n"
        f"{script}</body>\n</html>\n"
    )


# The style of a notebook fragment: every selector starts with ".F", replaced by the fragment's own class,
# so that the rules reach nothing outside it (a notebook shows many outputs on one page).
_FRAGMENT_CSS = """
.F { color:#1d2733; max-width:760px; margin:4px 0; padding:8px 12px; border:1px solid #d8dde3;
  border-left:4px solid #0b4f71; border-radius:6px; background:#ffffff;
  font:13px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
.F .head { font-size:15px; font-weight:650; color:#0b4f71; margin:0 0 2px; }
.F .sub { color:#5b6673; font-size:12px; margin:0 0 6px; }
.F table.data { border-collapse:collapse; font-size:12.5px; margin:4px 0 8px; width:auto; }
.F table.data caption { text-align:left; color:#5b6673; font-size:12px; padding-bottom:3px; caption-side:top; }
.F table.data th, .F table.data td { padding:2px 8px; border:none; border-bottom:1px solid #d8dde3;
  text-align:left; vertical-align:top; background:none; color:#1d2733; }
.F table.data th { background:#f5f7f9; font-weight:600; border-bottom:2px solid #b9c2cc; }
.F table.data td.num, .F table.data th.num { text-align:right; font-variant-numeric:tabular-nums;
  white-space:nowrap; }
.F table.data tr:nth-child(even) { background:none; }
.F .table-wrap { overflow-x:auto; }
.F figure { margin:6px 0 2px; }
.F figure svg { display:block; max-width:100%; height:auto; }
.F figcaption { color:#5b6673; font-size:12px; margin-top:2px; }
.F svg text { font-family:system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
.F .pos { color:#0072B2; }
.F .neg { color:#D55E00; }
.F code { font-size:12px; background:#f5f7f9; padding:0 3px; border-radius:3px; }
.F .note { color:#5b6673; font-size:12px; }
"""


def notebook_div(title: object, body: Markup, *, subtitle: object = "") -> str:
    """A self-contained ``<div>`` for a notebook: scoped CSS, inline SVG, no script, no external resource.

    The class that scopes the CSS is derived from the content, so that the output stays deterministic
    while two different fragments on one notebook page never share (and so never restyle) a class.

    Examples
    --------
    >>> html = notebook_div("Title", Markup("<p>body</p>"))
    >>> html.startswith('<div class="corridor-') and html.endswith("</div>")
    True
    """
    head = tag("div", title, class_="head") + (tag("div", subtitle, class_="sub") if subtitle else "")
    inner = f"{head}{body}"
    cls = "corridor-" + hashlib.sha256(inner.encode("utf-8")).hexdigest()[:12]
    css = _FRAGMENT_CSS.replace(".F", f".{cls}")
    return f'<div class="{cls}"><style>{css}</style>{inner}</div>'


def page_or_div(title: str, whole: Markup, small: Markup, *, subtitle: object = "", created: str | None = None,
                fragment: bool = False) -> str:
    """The page of ``whole`` or, with ``fragment``, the notebook ``<div>`` of ``small``.

    Examples
    --------
    >>> whole, small = Markup("<p>all of it</p>"), Markup("<p>summary</p>")
    >>> page_or_div("Test", whole, small).startswith("<!DOCTYPE html>")
    True
    >>> div = page_or_div("Test", whole, small, fragment=True)
    >>> div.startswith("<div"), "summary" in div, "all of it" in div
    (True, True, False)
    """
    if fragment:
        return notebook_div(title, small, subtitle=subtitle)
    return page(title, whole, subtitle=subtitle, created=created)


def write_page(path: str | Path, text: str) -> Path:
    """Write ``text`` to ``path`` atomically (a temporary file, then a rename); the path written.

    Examples
    --------
    >>> import tempfile
    >>> out = write_page(Path(tempfile.mkdtemp()) / "page.html", page("Test", Markup("<p>x</p>")))
    >>> out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    True
    """
    return write_text(path, text)

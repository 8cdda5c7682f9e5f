"""User-entered Markdown and math to safe HTML.

markdown-it-py parses, with the dollarmath plugin taking `$...$` out before any Markdown
rule runs (emphasis would otherwise eat the `_` of `$g_t^2$`); latex2mathml turns each
formula into MathML on the server; nh3 then keeps only the allow-listed HTML and MathML,
so neither the Markdown nor a crafted formula can smuggle markup through.
"""

import re
from xml.etree.ElementTree import tostring
from xml.sax.saxutils import unescape

import nh3
from django.utils.html import escape
from latex2mathml.converter import convert_to_element
from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin
from pylatexenc.latex2text import LatexNodes2Text

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "em", "h3", "h4", "h5", "h6", "hr", "li", "ol",
    "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}
# A table column's alignment, as a class (static/css/site.css): the Content-Security-Policy
# refuses inline styles, which is how markdown-it writes it.
ALIGNMENTS = {"left", "center", "right"}
ALLOWED_CLASSES = {cell: {f"align-{side}" for side in ALIGNMENTS} for cell in ("td", "th")}

# What latex2mathml emits, less the attributes that link or restyle (\href, \color, \style).
MATH_TAGS = {
    "math", "menclose", "mfrac", "mi", "mn", "mo", "mover", "mpadded", "mphantom", "mroot",
    "mrow", "mspace", "msqrt", "mstyle", "msub", "msubsup", "msup", "mtable", "mtd", "mtext",
    "mtr", "munder", "munderover",
}  # fmt: skip
_LAYOUT = {"columnalign", "columnlines", "columnspacing", "rowlines", "rowspacing"}
MATH_ATTRIBUTES = {
    "math": {"display", "xmlns"},
    "menclose": {"notation"},
    "mfrac": {"linethickness"},
    "mi": {"mathvariant"},
    "mn": {"mathvariant"},
    "mo": {
        "accent", "fence", "form", "largeop", "lspace", "mathvariant", "maxsize", "minsize",
        "movablelimits", "rspace", "separator", "stretchy",
    },
    "mover": {"accent"},
    "mpadded": {"depth", "height", "lspace", "voffset", "width"},
    "mspace": {"linebreak", "width"},
    "mstyle": {"displaystyle", "mathsize", "mathvariant", "scriptlevel"},
    "mtable": _LAYOUT,
    "mtd": {"columnalign"},
    "mtext": {"mathvariant"},
    "munder": {"accentunder"},
}  # fmt: skip


# latex2mathml writes symbols as "&#x003B2;" into element text and unescapes its whole
# output, so text typed in \text{...} would come out as raw markup. Escaping that text
# first (all but those references) makes its unescape give back what was typed.
_BARE_AMPERSAND = re.compile(r"&(?!#x[0-9A-Fa-f]+;)")


def _escape_typed_text(text: str) -> str:
    return _BARE_AMPERSAND.sub("&amp;", text).replace("<", "&lt;").replace(">", "&gt;")


def render_math(latex: str, *, display: bool = False) -> str:
    """MathML for one formula; LaTeX that does not convert comes back as escaped text."""
    try:
        element = convert_to_element(latex, display="block" if display else "inline")
        for node in element.iter():
            node.text = node.text and _escape_typed_text(node.text)
            node.tail = node.tail and _escape_typed_text(node.tail)
        return unescape(tostring(element, encoding="unicode"))
    # latex2mathml fails in many ways on bad input (its own errors, StopIteration,
    # RecursionError on deep nesting); none of them may break a page.
    except Exception:
        delimiter = "$$" if display else "$"
        return escape(f"{delimiter}{latex}{delimiter}")


def _render_math_token(display: bool):
    def render(renderer, tokens, idx, options, env):
        return render_math(tokens[idx].content.strip(), display=display)

    return render


def _with_math(md: MarkdownIt) -> MarkdownIt:
    # No space inside the dollars, so "between $5 and $10" stays text.
    md.use(dollarmath_plugin, allow_labels=False, allow_space=False)
    md.add_render_rule("math_inline", _render_math_token(display=False))
    md.add_render_rule("math_block", _render_math_token(display=True))
    return md


def _alignment_classes(state) -> None:
    for token in state.tokens:
        if token.type in ("th_open", "td_open") and "style" in token.attrs:
            side = str(token.attrs.pop("style")).removeprefix("text-align:")
            if side in ALIGNMENTS:
                token.attrSet("class", f"align-{side}")


_markdown = _with_math(MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table"))
_markdown.core.ruler.push("alignment_classes", _alignment_classes)
# Titles: plain text in which only math and backslash escapes (\$) mean anything.
_inline = _with_math(MarkdownIt("zero").enable("escape"))


def render_markdown(text: str) -> str:
    html = _markdown.render(text or "")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS | MATH_TAGS,
        attributes=ALLOWED_ATTRIBUTES | MATH_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener nofollow",
    )


def render_inline_math(text: str) -> str:
    html = _inline.renderInline(text or "")
    return nh3.clean(html, tags=MATH_TAGS, attributes=MATH_ATTRIBUTES)


# Plain text for where markup cannot go: <title>, meta tags, citation_* tags, feeds, JSON-LD.
# pylatexenc gives each symbol its Unicode character and drops unknown commands' names
# (keeping their arguments); spaces follow the source, so "\\log n" keeps its space.
_latex_to_text = LatexNodes2Text(math_mode="text", strict_latex_spaces="based-on-source")
_SUBSCRIPTS = str.maketrans("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎")
_SUPERSCRIPTS = str.maketrans("0123456789+-=()ni", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ")
# A sub- or superscript that Unicode can write: "_1", "_{10}", "^2", "^{-1}", "^n".
_SUBSCRIPT = re.compile(r"_(?:\{([0-9+\-=()]+)\}|([0-9]))")
_SUPERSCRIPT = re.compile(r"\^(?:\{([0-9+\-=()ni]+)\}|([0-9ni]))")


def _math_to_text(latex: str) -> str:
    latex = _SUBSCRIPT.sub(lambda m: (m[1] or m[2]).translate(_SUBSCRIPTS), latex)
    latex = _SUPERSCRIPT.sub(lambda m: (m[1] or m[2]).translate(_SUPERSCRIPTS), latex)
    latex = latex.replace("\\|", "‖")
    # Unbalanced braces make pylatexenc fill in its templates' "%s": strip those formulas.
    if latex.count("{") == latex.count("}"):
        try:
            return _latex_to_text.latex_to_text(latex).strip()
        # As render_math: no formula, however malformed, may break a page.
        except Exception:
            pass
    return re.sub(r"\\[A-Za-z]+|[{}\\]", "", latex).strip()


def plain_text(text: str) -> str:
    """A title as plain Unicode text: each $...$ formula written out where Unicode can
    ("$\\ell_1$" as "ℓ₁", "$2/\\eta$" as "2/η"), LaTeX command names dropped where it
    cannot, backslash escapes resolved; split into formulas as ``render_inline_math`` does."""
    if "$" not in (text or "") and "\\" not in (text or ""):
        return text or ""
    parts = []
    for block in _inline.parseInline(text):
        for token in block.children or ():
            parts.append(
                _math_to_text(token.content) if token.type == "math_inline" else token.content
            )
    return re.sub(r"\s+", " ", "".join(parts)).strip()

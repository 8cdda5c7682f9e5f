import json
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.template import Context, Template
from latex2mathml.converter import convert

from core.markup import plain_text, render_inline_math, render_markdown, render_math


class Elements(HTMLParser):
    """Every start tag with its attributes, to check what a browser would build."""

    def __init__(self, html: str):
        super().__init__()
        self.found: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))

    @property
    def tags(self) -> set[str]:
        return {tag for tag, _ in self.found}

    @property
    def attributes(self) -> set[str]:
        return {name for _, attrs in self.found for name in attrs}


def render(template: str, **context) -> str:
    return Template("{% load markup %}" + template).render(Context(context))


SEED_FORMULAS = {
    r"\beta_2": "<msub><mi>β</mi><mn>2</mn></msub>",
    r"2/\eta": "<mn>2</mn><mo>/</mo><mi>η</mi>",
    r"O(n^2)": "<msup><mi>n</mi><mn>2</mn></msup>",
    r"v_t": "<msub><mi>v</mi><mi>t</mi></msub>",
    r"g_t^2": "<msubsup><mi>g</mi><mi>t</mi><mn>2</mn></msubsup>",
}


@pytest.mark.parametrize(("latex", "mathml"), SEED_FORMULAS.items())
def test_seed_formulas_become_mathml_in_markdown(latex, mathml):
    html = render_markdown(f"the threshold ${latex}$ here")
    assert '<math xmlns="http://www.w3.org/1998/Math/MathML" display="inline">' in html
    assert mathml in html
    assert "$" not in html


@pytest.mark.parametrize(("latex", "mathml"), SEED_FORMULAS.items())
def test_seed_formulas_become_mathml_in_titles(latex, mathml):
    assert mathml in render_inline_math(f"Title with ${latex}$")


def test_markdown_emphasis_does_not_touch_math():
    html = render_markdown("moment $v_t$ and squared gradient $g_t^2$, and _real_ emphasis")
    assert html.count("<math") == 2
    assert "<em>real</em>" in html
    assert "<em>t" not in html


def test_display_math_block():
    html = render_markdown("$$\n\\frac{a}{b}\n$$")
    assert 'display="block"' in html
    assert "<mfrac>" in html


def test_dollar_amounts_and_escaped_dollars_stay_text():
    assert "<math" not in render_markdown("between $5 and $10")
    assert render_inline_math(r"costs \$5") == "costs $5"


def test_code_spans_keep_their_dollars():
    assert "<code>$x$</code>" in render_markdown("run `$x$` in a shell")


@pytest.mark.parametrize(
    "latex", [r"x^", r"\frac", r"\left(", r"\right)", r"\color", "{" * 5000 + "x" + "}" * 5000]
)
def test_malformed_math_shows_as_escaped_text(latex):
    html = render_markdown(f"before ${latex}$ after")
    assert "<math" not in html
    assert "before $" in html
    assert "after" in html


def test_malformed_math_in_a_title_is_escaped_and_the_rest_still_renders():
    html = render_inline_math(r"$x^$ <b>and</b> $v_t$")
    assert html.startswith("$x^$ &lt;b&gt;and&lt;/b&gt; <math")
    assert "<b>" not in html


def test_render_math_escapes_what_it_cannot_convert():
    assert render_math("a < b ^") == "$a &lt; b ^$"


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "[click](javascript:alert(1))",
        "<img src=x onerror=alert(1)>",
        "<a href='https://x' onclick='alert(1)'>x</a>",
        "$</math><script>alert(1)</script>$",
        r"$\text{</math><img src=x onerror=alert(1)>}$",
        r"$\href{javascript:alert(1)}{x}$",
        r"$\mathrm{<svg onload=alert(1)>}$",
        "$$\n</math><script>alert(1)</script>\n$$",
    ],
)
@pytest.mark.parametrize("renderer", [render_markdown, render_inline_math])
def test_no_payload_becomes_markup(source, renderer):
    elements = Elements(renderer(source))
    assert not elements.tags & {"script", "img", "svg", "iframe", "style"}
    assert not any(name.startswith("on") for name in elements.attributes)
    assert not any(
        "javascript:" in (value or "") for _, attrs in elements.found for value in attrs.values()
    )


def test_typed_text_in_math_is_shown_not_parsed():
    html = render_inline_math(r"$\text{a < b & <i>c</i>}$")
    assert "<i>" not in html
    assert "a&nbsp;&lt;&nbsp;b&nbsp;&amp;&nbsp;&lt;i&gt;c&lt;/i&gt;" in html


def test_math_links_and_colours_are_dropped():
    elements = Elements(render_markdown(r"$\href{https://example.org}{x} \color{red}{y}$"))
    assert not elements.attributes & {"href", "mathcolor", "style"}


@pytest.mark.parametrize(
    "latex",
    [
        r"\frac{a}{b} + \sqrt[3]{x} - \hat{y} \cdot \overline{z}",
        r"\left( \sum_{i=1}^n x_i \right) \le \int_0^1 f(x)\,dx",
        r"\begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix}",
        r"\mathbb{R}^n \to \mathcal{L}, \quad \text{for all } x \neq 0",
        r"\operatorname{argmax}_x \lim_{t \to \infty} \binom{n}{k}",
        r"\Large x \boxed{y} \underbrace{a+b}_{c}",
    ],
)
def test_the_sanitiser_keeps_what_latex2mathml_emits(latex):
    emitted = Elements(convert(latex))
    kept = Elements(render_inline_math(f"${latex}$"))
    assert emitted.tags == kept.tags
    assert emitted.attributes - {"href", "mathcolor", "mathbackground", "style"} == (
        kept.attributes
    )


def test_markdown_filter_renders_blocks_and_math():
    html = render("{{ text|markdown }}", text="A **bold** claim about $\\beta_2$.")
    assert "<p>A <strong>bold</strong> claim about <math" in html


def test_math_filter_escapes_markup_and_ignores_markdown():
    html = render("{{ title|math }}", title="*Not* <em>emphasis</em> for $v_t$")
    assert html.startswith("*Not* &lt;em&gt;emphasis&lt;/em&gt; for <math")


@pytest.mark.parametrize("template", ["{{ value|markdown }}", "{{ value|math }}"])
def test_filters_accept_empty_values(template):
    assert render(template, value=None) == ""


def test_obfuscate_email_filter_still_hides_the_address():
    html = render("{{ address|obfuscate_email }}", address="a@b.cn")
    assert "@" not in html
    assert html.startswith("&#97;&#32;&#91;&#97;&#116;&#93;")


def test_json_ld_filter_keeps_closing_tags_inside_the_data():
    data = {"name": "</script><script>alert(1)</script> & more"}
    html = render("{{ data|json_ld }}", data=data)
    assert html.count("</script>") == 1
    assert html.startswith('<script type="application/ld+json">')
    body = html.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert json.loads(body) == data


def test_table_alignment_is_a_class_the_stylesheet_has_not_an_inline_style():
    html = render_markdown("| a | b | c | d |\n|:--|:-:|--:|---|\n| 1 | 2 | 3 | 4 |")
    cells = [(tag, attrs) for tag, attrs in Elements(html).found if tag in ("th", "td")]
    assert [attrs.get("class") for _, attrs in cells] == [
        *("align-left", "align-center", "align-right", None),
        *("align-left", "align-center", "align-right", None),
    ]
    assert "style" not in Elements(html).attributes
    css = (settings.BASE_DIR / "static/css/site.css").read_text()
    assert "th.align-center" in css and "th.align-right" in css


# Plain text for titles ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "plain"),
    [
        (r"Sharp $\ell_1$ bounds", "Sharp ℓ₁ bounds"),
        (r"Loss Spikes and $\beta_2$ in Adam", "Loss Spikes and β₂ in Adam"),
        (r"Beyond $2/\eta$", "Beyond 2/η"),
        (r"Regret $O(\log T/\sqrt{T})$", "Regret O(log T/√(T))"),
        (r"In $\mathbb{R}^{d}$ with $\|x\|_2$ and $x^{10}$", "In ℝ^d with ‖x‖₂ and x¹⁰"),
        (r"An $\unknowncommand{arg}$", "An arg"),
        (r"Costs \$5 and $10", "Costs $5 and $10"),
        ("No math at all", "No math at all"),
        ("", ""),
    ],
)
def test_plain_text_writes_math_out_in_unicode(title, plain):
    assert plain_text(title) == plain


@pytest.mark.parametrize("title", [r"Broken $\frac{$ formula", r"$}{$", r"$\left($ open"])
def test_plain_text_of_malformed_math_keeps_no_command_or_brace(title):
    text = plain_text(title)
    assert "\\" not in text and "{" not in text and "%s" not in text


def test_plain_text_leaves_markup_as_text_for_the_template_to_escape():
    assert plain_text("<b>$x$</b>") == "<b>x</b>"

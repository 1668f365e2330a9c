"""A corpus of hostile strings, and a project whose every content field carries them."""

from __future__ import annotations

from pathlib import Path

import yaml

from generator.content.identifiers import url_problem
from generator.content.model import Paper
from generator.content.store import Layout
from generator.content.writing import dump_paper

HOSTILE = [
    "<script>alert(1)</script>",
    "</title><script>alert(2)</script>",
    '"><svg onload=alert(3)>',
    "<img src=x onerror=alert(4)>",
    "javascript:alert(5)",
    "data:text/html,<script>alert(6)</script>",
    '<a href="javascript:alert(7)">click 7</a>',
    "[click 8](javascript:alert(8))",
    "[click 9](data:text/html;base64,PHNjcmlwdD5hbGVydCg5KTwvc2NyaXB0Pg==)",
    "{{ 7*7 }} {{ config.site_name }} {{ lipsum.__globals__ }}",
    "{% for x in range(3) %}loop{% endfor %} {# hidden #}",
    "---\ntitle: injected\ndescription: <script>alert(12)</script>\n---",
    "```\n</div><script>alert(13)</script>\n```",
    "~~~html\n<script>alert(14)</script>\n~~~",
    "\u202eevil\u202c reversed \u2066isolate\u2069",
    "zero\u200bwidth\u200cjoin\u200dbom\ufeffend",
    '<iframe src="javascript:alert(17)"></iframe>',
    "<details open ontoggle=alert(18)>",
    "<style>body{display:none}</style>",
    "' onmouseover='alert(20)",
    '" onfocus="alert(21)" autofocus="',
    '<math><mi xlink:href="javascript:alert(22)">x</mi></math>',
    "<!-- comment --> <![CDATA[ x ]]>",
    "&lt;script&gt;alert(24)&lt;/script&gt;",
    "&#60;script&#62;alert(25)&#60;/script&#62;",
    '{: onclick="alert(26)" }',
    "# heading { #x onclick=alert(27) }",
    '<div markdown="1">*md in html 28*</div>',
    '![x](x" onerror="alert(29))',
    '[x](https://example.org/"onmouseover="alert(30))',
    "<a href=https://evil.example>evil 31</a>",
    "\\<script\\>alert(32)\\</script\\>",
    "<scr<script>ipt>alert(33)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<body onload=alert(35)>",
    "<input autofocus onfocus=alert(36)>",
    '<object data="javascript:alert(37)"></object>',
    '<embed src="javascript:alert(38)">',
    '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(40)">',
    "<link rel=stylesheet href=https://evil.example/x.css>",
    "| a | b |\n|---|---|\n| <script>alert(42)</script> | x |",
    "${alert(43)}",
    '"; alert(44); var x="',
    "</textarea><script>alert(45)</script>",
    "<svg><script>alert(46)</script></svg>",
    "* " * 10 + "deep list 47",
    "[" * 150 + "brackets 48",
    '<a href="&#106;avascript:alert(49)">entity scheme</a>',
    "<<script>alert(50)//<</script>",
]
"""Each string is run through every field that reaches a page."""

FIELDS = [
    "title",
    "abstract",
    "notes",
    "tags",
    "aliases",
    "links",
    "theme title",
    "theme description",
]


def hostile_id(i: int) -> str:
    return f"hostile-{i:02d}"


def one_line(text: str) -> str:
    return " ".join(text.split())


def hostile_title(i: int) -> str:
    return f"{one_line(HOSTILE[i])} hostile{i:02d}"


def hostile_paper(i: int) -> Paper:
    text = HOSTILE[i]
    url = "https://example.org/" + "".join(text.split())
    return Paper(
        id=hostile_id(i),
        title=hostile_title(i),
        abstract=f"Abstract {i}: {text}\n\n{text} ends here.",
        links={"code": url} if url_problem(url) is None else {},
        aliases=[f"{one_line(text)} alias {i}"],
        tags=[text],
        notes=f"Note {i}: {text}",
    )


def add_hostile_content(root: Path) -> None:
    """Write a record per hostile string, and a theme per string that holds it."""
    layout = Layout(root)
    for i in range(len(HOSTILE)):
        path = layout.paper_path(hostile_id(i))
        path.write_text(dump_paper(hostile_paper(i)), encoding="utf-8")
    themes_file = root / "content" / "themes.yml"
    data = yaml.safe_load(themes_file.read_text(encoding="utf-8"))
    for i, text in enumerate(HOSTILE):
        data["themes"].append(
            {
                "id": f"hostile-theme-{i:02d}",
                "title": f"{one_line(text)} theme {i}",
                "description": text,
                "title_keywords": [f"hostile{i:02d}"],
            }
        )
    themes_file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")

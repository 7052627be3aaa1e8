"""Markdown rendering is safe and complete; diffs are readable for Chinese and English."""

from html.parser import HTMLParser

import pytest

from hub.core.diff import diff_text
from hub.core.markdown import render_markdown


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "![x](data:text/html;base64,PHNjcmlwdD4=)",
        '<a href="https://e.com" onclick="alert(1)">x</a>',
        '[ok](https://e.com/" onclick="alert(1))',
        "[x](vbscript:msgbox)",
    ],
)
def test_hostile_markdown_is_neutralised(source):
    elements = _elements(render_markdown(source))
    for tag, attributes in elements:
        assert tag not in {"script", "iframe", "object", "embed", "style"}
        for name, value in attributes:
            assert not name.startswith("on"), (tag, name)
            if name in {"href", "src"}:
                assert (value or "").split(":")[0].lower() in {"http", "https", "mailto"} or (
                    ":" not in (value or "")
                ), value


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))


def _elements(html: str) -> list:
    collector = _Collector()
    collector.feed(html)
    return collector.elements


def test_tables_task_lists_code_and_links():
    html = render_markdown(
        "| 名称 | 数量 |\n|:--|--:|\n| 苹果 | 3 |\n\n- [x] 完成\n- [ ] 待办\n\n"
        "```python\nprint('你好')\n```\n\n[文档](https://example.cn) ~~删除~~"
    )
    assert '<th style="text-align:left">名称</th>' in html
    assert '<input checked="checked" disabled="disabled" type="checkbox">' in html
    assert '<code class="language-python">' in html
    assert '<a href="https://example.cn" rel="noopener noreferrer">文档</a>' in html
    assert "<s>删除</s>" in html


def test_footnotes_link_both_ways_and_no_other_ids_survive():
    html = render_markdown("正文[^1]。\n\n[^1]: 脚注内容。\n")
    assert '<sup class="footnote-ref"><a href="#fn1" id="fnref1"' in html
    assert '<section class="footnotes">' in html
    assert '<li id="fn1" class="footnote-item"><p>脚注内容。' in html
    assert 'href="#fnref1" class="footnote-backref"' in html
    # Ids and classes from anywhere else are dropped (no DOM clobbering, no styling tricks).
    hostile = render_markdown('[x](#a){#login .footnotes}\n\n<b id="csrf">x</b>')
    for _tag, attributes in _elements(hostile):
        assert {name for name, _value in attributes} <= {"href", "rel"}


def test_diff_marks_chinese_characters_and_english_words():
    diff = diff_text(
        "我们支持中文搜索\nWeekly report due Friday", "我们支持英文搜索\nWeekly summary due Friday"
    )
    changed = [row for row in diff.rows if row.kind == "change"]
    assert changed[0].old_html == "我们支持<del>中</del>文搜索"
    assert changed[0].new_html == "我们支持<ins>英</ins>文搜索"
    assert (
        "<del>report</del>" in changed[1].old_html and "<ins>summary</ins>" in changed[1].new_html
    )
    assert (diff.added, diff.removed) == (2, 2)


def test_diff_escapes_html_and_folds_unchanged_lines():
    old = "\n".join(f"line {n}" for n in range(30)) + "\n<b>x</b>"
    new = "\n".join(f"line {n}" for n in range(30)) + "\n<b>y</b>"
    diff = diff_text(old, new)
    kinds = [row.kind for row in diff.rows]
    assert kinds[0] == "skip" and diff.rows[0].skipped == 27
    assert "&lt;b&gt;" in diff.rows[-1].old_html and "<b>" not in diff.rows[-1].old_html


def test_identical_texts_have_no_changes():
    diff = diff_text("同样\n内容", "同样\n内容")
    assert not diff.changed

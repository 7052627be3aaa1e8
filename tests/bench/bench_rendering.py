"""Markdown rendering and revision diffs on a realistic Chinese-and-English document.

References, measured in the same run: markdown-it-py without the sanitizer (the cost of
making output safe) and the standard library's side-by-side ``difflib.HtmlDiff``.
"""

import difflib

from markdown_it import MarkdownIt

from hub.core.diff import diff_text
from hub.core.markdown import render_markdown
from tests.bench.timing import best_per_call, report

SECTION = """## 第{n}节 接口设计 Section {n}

本节说明**用户服务**的接口约定，包括认证、分页和错误码。The service returns JSON.

| 字段 | 类型 | 说明 |
|---|---|---|
| id | int | 主键 |
| name | string | 名称 Name |

- [x] 评审通过 reviewed
- [ ] 上线 release

```python
def handler(request):
    return {{"ok": True}}
```

更多内容见 [设计文档](https://example.cn/docs/{n}).
"""
DOCUMENT = "\n".join(SECTION.format(n=n) for n in range(40))
EDITED = DOCUMENT.replace("认证", "鉴权", 7).replace("reviewed", "approved", 5) + "\n新增结论。"


def run() -> None:
    plain = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    print(f"document: {len(DOCUMENT)} characters, {DOCUMENT.count(chr(10))} lines")
    report(
        "render_markdown (markdown-it + nh3)",
        best_per_call(lambda: render_markdown(DOCUMENT), 20),
        "markdown-it alone",
        best_per_call(lambda: plain.render(DOCUMENT), 20),
    )
    old_lines, new_lines = DOCUMENT.splitlines(), EDITED.splitlines()
    html_diff = difflib.HtmlDiff()
    report(
        "diff_text (line + word level)",
        best_per_call(lambda: diff_text(DOCUMENT, EDITED), 10),
        "difflib.HtmlDiff.make_table(context=True)",
        best_per_call(lambda: html_diff.make_table(old_lines, new_lines, context=True), 10),
    )

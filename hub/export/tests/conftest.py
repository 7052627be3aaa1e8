"""Fixtures of the export tests: a templated meeting-minutes document in Chinese whose body
uses every Markdown feature the exports map, with an image the reader may see and one
from a document they may not."""

from __future__ import annotations

import io
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from hub.core.documents import create_document, save_document
from hub.core.models import Attachment
from hub.doctemplates.models import DocumentTemplate

BODY = """## 会议概述

本次会议讨论**发布计划**、*回归测试*、~~旧方案~~和`git rebase`。
详见[公司主页](https://example.cn/首页)与[空间列表](/spaces/)。

![架构图](/attachments/{image_pk}/架构图.png)

![机密图](/attachments/{secret_pk}/secret.png)

### 待办事项

- 前端适配
  - 移动端
    - 平板横屏
- 后端接口

1. 准备物料
2. 预约场地

会议之间的一段话。

1. 发布会彩排
2. 正式发布

- [x] 已完成的任务
- [ ] 未完成的任务

> 质量是第一位的。[^1]

```python
print("你好")
```

| 模块 | 负责人 | 进度 |
|:-----|:------:|-----:|
| 搜索 | 张伟 | 80% |
| 协作 | 李娜 | 50% |

---

最后一段。

[^1]: 引自总经理讲话。
"""


def png_bytes(width: int = 1600, height: int = 400, color: str = "red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, "PNG")
    return out.getvalue()


def attach(document, filename: str, data: bytes, content_type: str = "image/png") -> Attachment:
    return Attachment.objects.create(
        document=document,
        file=ContentFile(data, name=filename),
        filename=filename,
        content_type=content_type,
        size=len(data),
    )


@pytest.fixture
def minutes(org, spaces) -> SimpleNamespace:
    """A published minutes document in 研发部's space (rd_member may view it), its image,
    and a secret image attached to a document in 市场部's members-only space."""
    template = DocumentTemplate.objects.get(kind="minutes", space=None, name="会议纪要")
    hidden = create_document(spaces.mkt, org.mkt_member, "市场机密", "机密", "published")
    secret = attach(hidden, "secret.png", png_bytes(color="black"))
    document = create_document(
        spaces.rd,
        org.rd_head,
        "研发周会纪要 2026/05/14",
        "",
        "published",
        ["会议纪要", "研发"],
        template=template,
        fields={
            "when": "2026-05-14T14:00",
            "place": "三楼会议室",
            "organiser": org.rd_head.pk,
            "attendees": [org.rd_member.pk, org.rd_web.pk],
            "absent": [],
            "agenda": "1. 发布计划\n2. 回归测试",
            "discussion": "讨论了离线合并方案。",
            "decisions": "功能冻结推迟一周。",
            "actions": [
                {"what": "评审离线合并方案", "owner": org.rd_web.pk, "due": "2026-05-20",
                 "status": "open"},
            ],
        },
    )  # fmt: skip
    image = attach(document, "架构图.png", png_bytes())
    # The second revision, by another editor, writes the body that names both images.
    save_document(
        document,
        org.rd_member,
        document.title,
        BODY.format(image_pk=image.pk, secret_pk=secret.pk),
        "published",
        ["会议纪要", "研发"],
    )
    document.refresh_from_db()
    return SimpleNamespace(document=document, image=image, secret=secret, hidden=hidden)

"""The two built-in templates, 会议纪要 / Meeting minutes and 周报 / Weekly report, as data.

Installed by migration 0002 (and editable by admins afterwards, like any template).
"""

STATUS_CHOICES = [
    {"value": "open", "label": "未开始", "label_en": "Open"},
    {"value": "in_progress", "label": "进行中", "label_en": "In progress"},
    {"value": "done", "label": "已完成", "label_en": "Done"},
]

MINUTES = {
    "name": "会议纪要",
    "name_en": "Meeting minutes",
    "kind": "minutes",
    "description": "会议时间、地点、参会人、议程、讨论、决议和行动项。",
    "skeleton": "## 备注\n\n",
    "fields": [
        {
            "name": "when",
            "type": "datetime",
            "label": "日期和时间",
            "label_en": "Date and time",
            "required": True,
        },
        {"name": "place", "type": "text", "label": "地点", "label_en": "Place"},
        {
            "name": "organiser",
            "type": "person",
            "label": "组织者",
            "label_en": "Organiser",
            "required": True,
        },
        {"name": "attendees", "type": "people", "label": "参会人", "label_en": "Attendees"},
        {"name": "absent", "type": "people", "label": "缺席", "label_en": "Absent"},
        {"name": "agenda", "type": "long_text", "label": "议程", "label_en": "Agenda"},
        {"name": "discussion", "type": "long_text", "label": "讨论", "label_en": "Discussion"},
        {"name": "decisions", "type": "long_text", "label": "决议", "label_en": "Decisions"},
        {
            "name": "actions",
            "type": "rows",
            "label": "行动项",
            "label_en": "Action items",
            "columns": [
                {
                    "name": "what",
                    "type": "text",
                    "label": "事项",
                    "label_en": "What",
                    "required": True,
                },
                {
                    "name": "owner",
                    "type": "person",
                    "label": "负责人",
                    "label_en": "Owner",
                    "required": True,
                },
                {"name": "due", "type": "date", "label": "截止日期", "label_en": "Due date"},
                {
                    "name": "status",
                    "type": "choice",
                    "label": "状态",
                    "label_en": "Status",
                    "choices": STATUS_CHOICES,
                },
            ],
        },
    ],
}

WEEKLY = {
    "name": "周报",
    "name_en": "Weekly report",
    "kind": "weekly",
    "description": "本周进展（完成百分比）、下周计划、风险和阻碍、需要哪个部门的支持。",
    "skeleton": "## 本周小结\n\n",
    "fields": [
        {
            "name": "reporter",
            "type": "person",
            "label": "填写人",
            "label_en": "Person",
            "required": True,
        },
        {"name": "team", "type": "department", "label": "团队", "label_en": "Team"},
        {"name": "week", "type": "week", "label": "周次", "label_en": "Week", "required": True},
        {
            "name": "progress",
            "type": "rows",
            "label": "本周进展",
            "label_en": "Progress this week",
            "columns": [
                {
                    "name": "item",
                    "type": "text",
                    "label": "事项",
                    "label_en": "Item",
                    "required": True,
                },
                {
                    "name": "percent",
                    "type": "percent",
                    "label": "完成度",
                    "label_en": "Percent done",
                },
            ],
        },
        {
            "name": "plan",
            "type": "rows",
            "label": "下周计划",
            "label_en": "Plan for next week",
            "columns": [
                {
                    "name": "item",
                    "type": "text",
                    "label": "事项",
                    "label_en": "Item",
                    "required": True,
                }
            ],
        },
        {
            "name": "risks",
            "type": "rows",
            "label": "风险和阻碍",
            "label_en": "Risks and blockers",
            "columns": [
                {
                    "name": "risk",
                    "type": "text",
                    "label": "内容",
                    "label_en": "Description",
                    "required": True,
                },
                {
                    "name": "kind",
                    "type": "choice",
                    "label": "类型",
                    "label_en": "Kind",
                    "choices": [
                        {"value": "risk", "label": "风险", "label_en": "Risk"},
                        {"value": "blocker", "label": "阻碍", "label_en": "Blocker"},
                    ],
                },
            ],
        },
        {
            "name": "help",
            "type": "rows",
            "label": "需要的支持",
            "label_en": "Help needed",
            "columns": [
                {
                    "name": "department",
                    "type": "department",
                    "label": "部门",
                    "label_en": "From department",
                    "required": True,
                },
                {
                    "name": "request",
                    "type": "text",
                    "label": "需要什么",
                    "label_en": "What is needed",
                    "required": True,
                },
            ],
        },
    ],
}

BUILTIN_TEMPLATES = [MINUTES, WEEKLY]

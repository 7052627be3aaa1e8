"""A deterministic corpus of Chinese-and-English documents, a query set and its ground truth.

Chinese text is sampled word by word from jieba's own dictionary (``jieba/dict.txt``:
word, frequency, part of speech) in proportion to the word frequencies, so common words
are common and the long tail is long. English text is sampled from a small embedded
vocabulary with a Zipf distribution. About 70 % of the documents are Chinese (with an
English word here and there, half of them written without spaces, as people do) and 30 %
English (with a Chinese sentence here and there); stock phrases recur across documents.

Each document also gets a space, a status and an owner, which decide whether *the
employee* of the benchmark may see it (``Document.visible_to_employee``).

Queries are drawn from the documents' own text, seven classes (``QUERY_CLASSES``). The
ground truth is computed from the text alone, never from an index: Chinese terms match as
plain substrings; English terms match as words after lowercasing and Porter stemming (the
stemmer Whoosh's ``StemFilter`` uses), and an English phrase matches consecutive words.
"""

from __future__ import annotations

import logging
import random
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache

import jieba
from whoosh.lang.porter import stem

QUERY_CLASSES = {
    "zh_word": "Chinese word",
    "zh_and": "Chinese AND (two words)",
    "zh_phrase": "Chinese phrase (spans jieba words)",
    "zh_subword": "Chinese 2-character sub-word",
    "en_word": "English word",
    "en_and": "English AND (two words)",
    "en_phrase": "English phrase",
}
PHRASE_CLASSES = frozenset({"zh_phrase", "en_phrase"})

# The space decides the employee's role: "team" is the employee's department space,
# "company" is readable company-wide, "private" is another department's members-only space.
SPACES = ("team", "company", "private")
SPACE_WEIGHTS = (4, 3, 3)
# The values of hub.core.models.DocumentPage.Status (kept free of Django here).
STATUSES = ("published", "draft", "in_review", "archived")
STATUS_WEIGHTS = (80, 10, 5, 5)
READABLE_STATUSES = frozenset({"published", "archived"})
EMPLOYEE_OWNS = 0.05

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_WORD = re.compile(f"[{CJK}]+")
# English words for the ground truth; a run of Chinese characters is one token too, so an
# English phrase never matches across Chinese text.
TOKEN = re.compile(f"[a-z0-9]+|[{CJK}]+")
# Not in the text: person names (a long tail of 80,000 entries) and non-words.
SKIPPED_TAGS = frozenset({"nr", "nrt", "nrfg", "x", "eng"})
CONTENT_TAGS = frozenset({"n", "nz", "ns", "nt", "v", "vn", "a", "l", "i", "j"})

ENGLISH_FUNCTION_WORDS_TEXT = (
    "the of to and a in for is on with that be this by as are we it from at will or an "
    "our not have all can which has if been more was its when also should into after "
    "before new each other than about per"
)
ENGLISH_FUNCTION_WORDS = tuple(ENGLISH_FUNCTION_WORDS_TEXT.split())
# Rough order of frequency in company documents; inflected forms are listed on purpose so
# that stemming matters (a search for "report" must find "reports" and "reporting").
ENGLISH_CONTENT_WORDS_TEXT = (
    "project team report review meeting customer data service release update plan budget "
    "product design user support process issue status sales market system test week "
    "reports quality feature account contract schedule risk version tasks goals "
    "deadline reviewed meetings customers approval platform documents document analysis "
    "planning performance revenue training policy security migration deployment server "
    "database search index requirements requirement feedback marketing finance operations "
    "campaign launch roadmap milestone milestones estimate estimates invoice invoices "
    "vendor partners partner workflow template templates summary summaries action items "
    "owner owners decision decisions progress weekly monthly quarterly annual draft "
    "published archive archived onboarding handbook wiki knowledge base api interface "
    "module modules integration backend frontend mobile browser network storage backup "
    "restore incident incidents outage monitoring alert alerts metrics dashboard "
    "dashboards experiment experiments prototype research interview interviews survey "
    "pricing discount discounts order orders shipping warehouse inventory supplier "
    "procurement payment payments expense expenses reimbursement audit compliance legal "
    "office travel hiring candidate candidates salary benefits holiday leave approved "
    "approving rejected submitted submitting scheduled scheduling delayed blocking "
    "blocked resolved fixing fixed tested testing deployed deploying released releasing "
    "migrated migrating planned improved improving reduced increased growth churn "
    "retention conversion funnel segment segments channel channels brand content "
    "website newsletter webinar conference event events booth poster slides "
    "presentation agenda minutes attendees notes followup stakeholder stakeholders "
    "sponsor kickoff retrospective sprint backlog kanban gantt timeline scope cost "
    "costs forecast forecasts target targets headcount department departments region "
    "regions headquarters branch shanghai beijing shenzhen hangzhou"
)
ENGLISH_CONTENT_WORDS = tuple(ENGLISH_CONTENT_WORDS_TEXT.split())
ENGLISH_TITLE_KINDS = (
    "weekly report",
    "meeting minutes",
    "design document",
    "runbook",
    "project plan",
    "retrospective",
    "onboarding guide",
    "budget proposal",
)
CHINESE_TITLE_KINDS = (
    "周报",
    "会议纪要",
    "设计文档",
    "需求说明",
    "操作手册",
    "项目计划",
    "复盘总结",
    "培训材料",
    "预算申请",
)
STOCK_PHRASES = (
    "本文档仅供内部参考",
    "如有疑问请联系项目负责人",
    "下一步计划",
    "风险与问题",
    "会议决定如下",
    "请各部门于本周五前反馈",
    "详见附件中的数据表",
    "action items for next week",
    "see the attached spreadsheet",
    "please review before friday",
    "risks and open issues",
    "approved by the general manager",
)


@dataclass(frozen=True)
class Document:
    """One generated document; ``key`` is its index in the corpus."""

    key: int
    title: str
    body: str
    space: str
    status: str
    owned_by_employee: bool

    @property
    def text(self) -> str:
        """Everything a search covers: the title and the body."""
        return f"{self.title}\n{self.body}"

    @property
    def visible_to_employee(self) -> bool:
        """The hub's view rule for an employee who is a viewer of "team" and "company"."""
        return self.space != "private" and (
            self.status in READABLE_STATUSES or self.owned_by_employee
        )


@dataclass(frozen=True)
class Query:
    """A query of one class; ``terms`` holds one term, or two for the AND classes."""

    kind: str
    terms: tuple[str, ...]
    source: int

    @property
    def text(self) -> str:
        """The query as a person types it (AND terms separated by a space)."""
        return " ".join(self.terms)


def english_words(text: str) -> list[str]:
    """The lowercased words of ``text``; a run of Chinese characters becomes ``""``."""
    return ["" if CJK_WORD.fullmatch(token) else token for token in TOKEN.findall(text.lower())]


def english_tokens(text: str) -> list[str]:
    """The stemmed words of ``text`` (Porter, as Whoosh stems); Chinese runs stay ``""``."""
    return [stem(word) if word else "" for word in english_words(text)]


def document_words(document: Document) -> list[str]:
    """The English words of the title, a ``""`` break, those of the body: title and body are
    separate fields, so no phrase spans them."""
    return [*english_words(document.title), "", *english_words(document.body)]


class GroundTruth:
    """Which documents each query matches, computed from the text alone."""

    def __init__(self, documents: Iterable[Document]):
        self.documents = list(documents)

    @cached_property
    def _english(self) -> list[tuple[list[str], frozenset[str]]]:
        stemmed = (
            [stem(word) if word else "" for word in document_words(document)]
            for document in self.documents
        )
        return [(tokens, frozenset(tokens)) for tokens in stemmed]

    @cached_property
    def documents_text(self) -> list[str]:
        return [document.text for document in self.documents]

    def matching(self, query: Query) -> frozenset[int]:
        """The keys of every document ``query`` matches (visible or not)."""
        if query.kind.startswith("zh_"):
            return frozenset(
                document.key
                for document, text in zip(self.documents, self.documents_text, strict=True)
                if all(term in text for term in query.terms)
            )
        if query.kind == "en_phrase":
            wanted = english_tokens(query.terms[0])
            return frozenset(
                document.key
                for document, (tokens, words) in zip(self.documents, self._english, strict=True)
                if words.issuperset(wanted) and _contains_run(tokens, wanted)
            )
        wanted_words = {english_tokens(term)[0] for term in query.terms}
        return frozenset(
            document.key
            for document, (_tokens, words) in zip(self.documents, self._english, strict=True)
            if words.issuperset(wanted_words)
        )


def _contains_run(tokens: list[str], run: list[str]) -> bool:
    width = len(run)
    return any(tokens[start : start + width] == run for start in range(len(tokens) - width + 1))


@lru_cache(maxsize=1)
def chinese_vocabulary() -> tuple[tuple[str, ...], tuple[str, ...], tuple[int, ...]]:
    """jieba's dictionary words made of Chinese characters: words, tags, cumulative frequencies."""
    words, tags, cumulative, total = [], [], [], 0
    with jieba.get_dict_file() as dictionary:
        for line in dictionary.read().decode("utf-8").splitlines():
            word, frequency, tag = line.split()
            if tag in SKIPPED_TAGS or not CJK_WORD.fullmatch(word):
                continue
            total += int(frequency)
            words.append(word)
            tags.append(tag)
            cumulative.append(total)
    return tuple(words), tuple(tags), tuple(cumulative)


def segment(text: str) -> list[str]:
    """jieba's words of ``text`` (precise mode), the dictionary loaded quietly."""
    jieba.setLogLevel(logging.WARNING)
    return jieba.lcut(text)


class _Writer:
    """Sentences, titles and documents from one seeded random generator."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.words, self.tags, self.cumulative = chinese_vocabulary()
        english = ENGLISH_FUNCTION_WORDS + ENGLISH_CONTENT_WORDS
        self.english = english
        self.english_cumulative = []
        total = 0.0
        for rank in range(1, len(english) + 1):
            total += 1 / rank
            self.english_cumulative.append(total)

    def chinese_words(self, count: int) -> list[str]:
        indexes = self.rng.choices(range(len(self.words)), cum_weights=self.cumulative, k=count)
        return [self.words[index] for index in indexes]

    def chinese_content_word(self) -> str:
        while True:
            index = self.rng.choices(range(len(self.words)), cum_weights=self.cumulative)[0]
            if len(self.words[index]) >= 2 and self.tags[index] in CONTENT_TAGS:
                return self.words[index]

    def english_words(self, count: int) -> list[str]:
        return self.rng.choices(self.english, cum_weights=self.english_cumulative, k=count)

    def english_content_word(self) -> str:
        return self.rng.choice(ENGLISH_CONTENT_WORDS[:120])

    def chinese_sentence(self) -> str:
        parts = []
        for index, word in enumerate(self.chinese_words(self.rng.randint(8, 30))):
            if self.rng.random() < 0.03:
                # An English term inside Chinese text, with or without spaces around it.
                english = self.english_content_word()
                word = f" {english} " if self.rng.random() < 0.5 else english
            if index and self.rng.random() < 0.15:
                parts.append("，")
            parts.append(word)
        return "".join(parts).strip() + "。"

    def english_sentence(self) -> str:
        words = self.english_words(self.rng.randint(6, 22))
        words[0] = words[0].capitalize()
        return " ".join(words) + "."

    def title(self, chinese: bool) -> str:
        count = self.rng.randint(1, 3)
        if chinese:
            words = [self.chinese_content_word() for _ in range(count)]
            return "".join(words) + self.rng.choice(CHINESE_TITLE_KINDS)
        words = [self.english_content_word() for _ in range(count)]
        return " ".join([*words, self.rng.choice(ENGLISH_TITLE_KINDS)]).capitalize()

    def paragraph(self, chinese: bool) -> str:
        sentences = []
        for _ in range(self.rng.randint(2, 6)):
            # The document's own language mostly, the other one now and then.
            in_chinese = chinese if self.rng.random() < 0.9 else not chinese
            sentences.append(self.chinese_sentence() if in_chinese else self.english_sentence())
        joiner = "" if chinese else " "
        if self.rng.random() < 0.2:
            return "\n".join(f"- {sentence}" for sentence in sentences)
        return joiner.join(sentences)

    def body(self, chinese: bool) -> str:
        blocks = []
        for _ in range(self.rng.randint(3, 12)):
            if self.rng.random() < 0.3:
                blocks.append(f"## {self.title(chinese)}")
            blocks.append(self.paragraph(chinese))
        for _ in range(self.rng.choice((0, 0, 1, 1, 2, 3))):
            phrase = self.rng.choice(STOCK_PHRASES)
            blocks.insert(self.rng.randint(0, len(blocks)), phrase + ("。" if chinese else "."))
        return "\n\n".join(blocks)

    def document(self, key: int) -> Document:
        chinese = self.rng.random() < 0.7
        return Document(
            key=key,
            title=self.title(chinese),
            body=self.body(chinese),
            space=self.rng.choices(SPACES, weights=SPACE_WEIGHTS)[0],
            status=self.rng.choices(STATUSES, weights=STATUS_WEIGHTS)[0],
            owned_by_employee=self.rng.random() < EMPLOYEE_OWNS,
        )


def generate_documents(count: int, seed: int = 2026) -> list[Document]:
    """``count`` documents, the same ones for the same seed."""
    writer = _Writer(random.Random(seed))
    return [writer.document(key) for key in range(count)]


def _chinese_tokens(text: str) -> list[str]:
    """jieba's words of ``text``, with everything that is not Chinese as ``""`` separators."""
    return [word if CJK_WORD.fullmatch(word) else "" for word in segment(text)]


def _phrase(rng: random.Random, tokens: list[str]) -> str | None:
    """Two or three consecutive Chinese words of 4 to 10 characters, or None."""
    for _ in range(20):
        start, width = rng.randrange(len(tokens)), rng.choice((2, 2, 3))
        run = tokens[start : start + width]
        if len(run) == width and all(run) and 4 <= len("".join(run)) <= 10:
            return "".join(run)
    return None


def _subword(rng: random.Random, tokens: list[str]) -> str | None:
    """Two characters from inside a Chinese word of three or more, so never a whole word."""
    long_words = [token for token in tokens if len(token) >= 3]
    if not long_words:
        return None
    word = rng.choice(long_words)
    start = rng.randrange(len(word) - 1)
    return word[start : start + 2]


def _pick_two(rng: random.Random, candidates: list[str]) -> tuple[str, str] | None:
    for _ in range(20):
        first, second = rng.sample(candidates, 2)
        if first not in second and second not in first:
            return first, second
    return None


def _english_phrase(rng: random.Random, tokens: list[str]) -> str | None:
    """Two or three consecutive words, starting and ending with a content word."""
    content = set(ENGLISH_CONTENT_WORDS)
    for _ in range(20):
        start, width = rng.randrange(len(tokens)), rng.choice((2, 2, 3))
        run = tokens[start : start + width]
        if len(run) == width and run[0] in content and run[-1] in content and all(run):
            return " ".join(run)
    return None


def _query(rng: random.Random, kind: str, document: Document) -> Query | None:
    if kind.startswith("zh_"):
        tokens = _chinese_tokens(document.text)
        words = sorted({token for token in tokens if len(token) >= 2})
        if kind == "zh_word" and words:
            return Query(kind, (rng.choice(words),), document.key)
        if kind == "zh_and" and len(words) >= 2:
            pair = _pick_two(rng, words)
            return Query(kind, pair, document.key) if pair else None
        term = _phrase(rng, tokens) if kind == "zh_phrase" else _subword(rng, tokens)
        return Query(kind, (term,), document.key) if term else None
    # English words as written (lowercased, not stemmed), a Chinese run as a separator.
    tokens = document_words(document)
    words = sorted(set(tokens) & set(ENGLISH_CONTENT_WORDS))
    if kind == "en_word" and words:
        return Query(kind, (rng.choice(words),), document.key)
    if kind == "en_and" and len(words) >= 2:
        pair = _pick_two(rng, words)
        return Query(kind, pair, document.key) if pair else None
    if kind == "en_phrase" and tokens:
        term = _english_phrase(rng, tokens)
        return Query(kind, (term,), document.key) if term else None
    return None


def generate_queries(documents: list[Document], per_class: int, seed: int = 2026) -> list[Query]:
    """``per_class`` distinct queries of each class, each drawn from a random document."""
    rng = random.Random(seed)
    queries: list[Query] = []
    for kind in QUERY_CLASSES:
        seen: set[tuple[str, ...]] = set()
        for _attempt in range(per_class * 50):
            if len(seen) == per_class:
                break
            query = _query(rng, kind, rng.choice(documents))
            if query is not None and query.terms not in seen:
                seen.add(query.terms)
                queries.append(query)
    return queries

"""The bulk writer writes the same index as Whoosh's own writer, only faster.

Both build an index of the same documents (Chinese, English, mixed, repeated words, a
numeric filter column); every term of every field must then have the same postings
(document, weight, positions), the same stored fields and the same field lengths, and the
same queries must find the same documents, also when the pool spills sorted runs to disk
and when rare terms are stored inline in the term table. With the same codec, the term
table and postings files are the same byte for byte.
"""

from __future__ import annotations

import pytest
from whoosh import fields as whoosh_fields
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3Codec
from whoosh.filedb.filestore import FileStorage
from whoosh.writing import SegmentWriter

from hub.search.bulk import BulkWriter, HubCodec, bulk_writer
from hub.search.schema import BigramField, WordField

TEXTS = [
    "知识库支持中文搜索，weekly report 每周一次。",
    "The weekly reports are reviewed by the team; 团队评审。",
    "使用api接口上传文件，知识库会更新。",
    "Reporting: 风险问题 and risk reviews, 风险管理。",
    "開發週報 development report",
    "单字 a b c 知识 管理",
]


def _schema() -> whoosh_fields.Schema:
    return whoosh_fields.Schema(
        pk=whoosh_fields.ID(stored=True, unique=True, sortable=True),
        body=WordField(),
        body__cjk=BigramField(),
        space=whoosh_fields.NUMERIC(numtype=int, bits=64, sortable=True, shift_step=0),
    )


def _documents(copies: int) -> list[dict]:
    return [
        {
            "pk": str(n),
            "body": TEXTS[n % len(TEXTS)] * (1 + n % 3),
            "body__cjk": TEXTS[(n + 1) % len(TEXTS)],
            "space": n % 4,
        }
        for n in range(copies)
    ]


def _build(path, documents, writer_for):
    path.mkdir()
    index = FileStorage(str(path)).create_index(_schema())
    writer = writer_for(index)
    for document in documents:
        writer.add_document(**document)
    writer.commit()
    return index


def _contents(index) -> dict:
    """Every posting, stored field and length of the index, by document key."""
    with index.searcher() as searcher:
        reader = searcher.reader()
        keys = {docnum: fields["pk"] for docnum, fields in reader.iter_docs()}
        postings = {}
        for fieldname, text in reader.all_terms():
            matcher = reader.postings(fieldname, text)
            found = set()
            while matcher.is_active():
                # Inline postings read an empty value where a block reads None: both
                # mean "no value" (only positional fields store one).
                found.add((keys[matcher.id()], matcher.weight(), matcher.value() or None))
                matcher.next()
            postings[fieldname, text] = found
        lengths = {
            (keys[docnum], name): reader.doc_field_length(docnum, name)
            for docnum in keys
            for name in ("body", "body__cjk")
        }
        stored = {fields["pk"]: fields for _docnum, fields in reader.iter_docs()}
    return {"postings": postings, "lengths": lengths, "stored": stored}


def _hits(index, query) -> set[str]:
    with index.searcher() as searcher:
        return {hit["pk"] for hit in searcher.search(query, limit=None)}


QUERIES = [
    wq.Phrase("body__cjk", ["知识", "识库"]),
    wq.Term("body", "report"),
    wq.Phrase("body", ["weekli", "report"]),
    wq.And([wq.Term("body__cjk", "风险"), wq.Term("space", 2)]),
    wq.Term("body__cjk", "开发"),
]


@pytest.mark.parametrize("limitmb", [256, 0.05])
def test_the_bulk_writer_writes_what_whooshs_writer_writes(tmp_path, limitmb: float):
    documents = _documents(60)
    reference = _build(tmp_path / "whoosh", documents, lambda index: index.writer())
    # 0.05 MB spills several sorted runs to disk: merging them must keep the order.
    bulk = _build(tmp_path / "bulk", documents, lambda index: BulkWriter(index, limitmb=limitmb))

    assert _contents(bulk) == _contents(reference)
    for query in QUERIES:
        assert _hits(bulk, query) == _hits(reference, query) != set()


def test_rare_terms_are_stored_inline_and_still_found(tmp_path):
    unique = {"pk": "unique", "body": "独一无二", "body__cjk": "独一无二", "space": 0}
    index = _build(tmp_path / "bulk", [*_documents(12), unique], lambda index: bulk_writer(index))
    with index.searcher() as searcher:
        infos = dict(searcher.reader().iter_field("body__cjk"))
    rare = [text for text, info in infos.items() if info.doc_frequency() == 1]
    assert rare and all(infos[text].is_inlined() for text in rare)
    assert not any(info.is_inlined() for info in infos.values() if info.doc_frequency() > 3)
    assert _hits(index, wq.Term("body__cjk", rare[0].decode())) != set()


def test_two_processes_write_one_segment_each_with_the_same_results(tmp_path):
    documents = _documents(300)
    reference = _build(tmp_path / "whoosh", documents, lambda index: index.writer())
    both = _build(tmp_path / "bulk", documents, lambda index: bulk_writer(index, procs=2))

    assert len(both._segments()) == 2
    assert all(isinstance(segment.codec(), HubCodec) for segment in both._segments())
    for query in QUERIES:
        assert _hits(both, query) == _hits(reference, query) != set()


def _segment_files(index) -> dict[str, bytes]:
    """The term table and postings file of the index's one segment, by extension."""
    (segment,) = index._segments()
    storage = index.storage
    return {
        ext: storage.open_file(segment.make_filename(ext)).read()
        for ext in (W3Codec.TERMS_EXT, W3Codec.POSTS_EXT)
    }


def test_the_term_table_and_postings_are_whooshs_byte_for_byte(tmp_path):
    # 300 documents: common terms fill several 128-posting blocks, rare ones are inlined.
    documents = _documents(300)
    documents.append({"pk": "rare", "body": "独一无二 unique", "body__cjk": "独一无二", "space": 9})

    def whoosh_writer(index):
        return SegmentWriter(index, codec=HubCodec(), compound=False)

    reference = _build(tmp_path / "whoosh", documents, whoosh_writer)
    bulk = _build(tmp_path / "bulk", documents, lambda index: BulkWriter(index, compound=False))

    expected = _segment_files(reference)
    assert all(expected.values())
    assert _segment_files(bulk) == expected


def test_the_bulk_writer_refuses_fields_it_would_not_write(tmp_path):
    schema = whoosh_fields.Schema(body=whoosh_fields.TEXT(vector=True))
    index = FileStorage(str(tmp_path)).create_index(schema)
    with pytest.raises(ValueError, match="vectors"):
        BulkWriter(index)

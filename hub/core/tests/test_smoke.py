def test_document_page_renders_for_department_member(spaces, org, make_document, login):
    document = make_document(spaces.rd, org.rd_member, title="设计文档", body="# 设计\n\n**粗体**")
    response = login(org.rd_member).get(document.url)
    assert response.status_code == 200
    assert "<strong>粗体</strong>" in response.content.decode()

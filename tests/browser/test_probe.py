import pytest
from conftest import SECRET

@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("n", [1, 2])
def test_probe(n, spaces, org, browser_page):
    page = browser_page
    page.goto("/login/")
    page.fill("input[name=username]", org.rd_member.username)
    page.fill("input[name=password]", SECRET)
    with page.expect_navigation():
        page.click("button[type=submit]")
    print(page.url)
    print(page.content()[:3000])

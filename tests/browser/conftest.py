import os
import pytest

@pytest.fixture(scope="session", autouse=True)
def _allow_orm_beside_playwright():
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield

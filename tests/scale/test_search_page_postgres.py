"""The search page tests of hub/search/tests/test_search_page.py on the PostgreSQL
backend: what people with limited rights can learn (results, counts, snippets, facets,
JSON), Chinese and English queries, highlighting, filters, sorting and pagination."""

from hub.search.tests.test_search_page import (  # noqa: F401 (collected here again)
    corpus,
    make_document,
    own_index,
    test_a_query_finding_only_hidden_content_counts_as_zero_results,
    test_an_empty_query_shows_the_form_and_the_api_asks_for_one,
    test_bad_parameters_get_a_clear_400_and_record_nothing,
    test_chinese_and_english_queries_find_the_right_documents,
    test_date_range_and_sort_by_date,
    test_department_filter_includes_sub_departments,
    test_documents_hidden_by_a_plugin_disappear_from_search,
    test_feedback_search_runs_on_exactly_the_items_each_person_may_open,
    test_filtering_by_a_space_one_may_not_see_is_refused_like_a_missing_one,
    test_filters_apply_to_feedback_too,
    test_filters_by_space_department_and_author,
    test_header_has_one_search_box_in_both_themes,
    test_limited_employee_finds_only_what_they_may_see,
    test_markup_in_documents_is_shown_as_text,
    test_named_sender_finds_their_own_feedback_but_not_their_anonymous_one,
    test_no_results_shows_help_and_records_the_query_without_the_person,
    test_outsider_sees_only_company_wide_published_documents,
    test_page_leaks_nothing_hidden_in_results_counts_snippets_or_facets,
    test_pagination_pages_through_every_result_once,
    test_queries_with_results_are_not_recorded,
    test_search_requires_login,
    test_snippets_mark_the_matches_in_chinese_and_english,
    test_triager_finds_anonymous_feedback_without_its_sender,
)
from tests.scale.conftest import needs_postgres

pytestmark = needs_postgres

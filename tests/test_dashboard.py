"""The dashboard builds each lesson app when its tab first opens."""
import matplotlib
import pytest

matplotlib.use("module://ipympl.backend_nbagg")

from backprop_viz.apps.dashboard import TABS, Dashboard, load_app_class  # noqa: E402


def test_dashboard_builds_only_first_tab():
    dashboard = Dashboard()
    assert list(dashboard.apps) == [TABS[0][0]]


def test_dashboard_builds_tab_on_selection():
    dashboard = Dashboard()
    dashboard.widget.selected_index = 1
    assert TABS[1][0] in dashboard.apps
    assert dashboard.widget.children[1].children == (dashboard.apps[TABS[1][0]].widget,)


def test_dashboard_open_returns_same_app():
    dashboard = Dashboard()
    assert dashboard.open(TABS[0][0]) is dashboard.apps[TABS[0][0]]


def test_dashboard_rejects_unknown_tab():
    with pytest.raises(ValueError, match="title must be one of"):
        Dashboard().open("Nope")


def test_dashboard_tab_references_resolve():
    for title, reference in TABS:
        assert hasattr(load_app_class(reference), "__init__"), title


def test_dashboard_builds_every_tab():
    dashboard = Dashboard()
    for title, _ in TABS:
        assert dashboard.open(title).widget is dashboard.widget.children[dashboard.widget.selected_index].children[0]


def test_lesson_rows_wrap_on_narrow_screens():
    app = Dashboard().open("Cross-entropy")

    assert app.widget.layout.flex_flow == "row wrap"
    assert app.widget.layout.overflow == "auto"

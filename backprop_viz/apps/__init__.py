"""ipywidgets apps: each owns its controls and views and exposes ``.widget``.

Every app also has a plain-Python API (set a control, read the state) that
the tests use without a browser.
"""

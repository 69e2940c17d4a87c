"""Settings shared by every test module."""
import matplotlib

# The apps put figure canvases into widget layouts, which needs ipympl's backend
# (it works without a running kernel). Chosen once here so that no module's
# choice depends on the order in which pytest imports the test files.
matplotlib.use("module://ipympl.backend_nbagg")

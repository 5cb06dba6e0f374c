"""briefexport's tasks, so that `invoke build` works here as `briefexport build` does."""

from briefexport.tasks import ns  # noqa: F401

from tests.api.conftest import anonymous, api  # noqa: F401 (fixtures)

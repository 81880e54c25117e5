import pytest

from omic.loading import Check, FileKind, Integer, LoadCounts, Text, register
from omic.loading import registry as loading_registry


@pytest.fixture
def extra_kind():
    """A kind registered the way keywork registers sessions.csv (removed afterwards)."""
    written = []

    def write_rows(ctx):
        written.extend(ctx.fetchall("SELECT thing_id, size FROM {rows} ORDER BY line"))
        return LoadCounts(inserted=len(written))

    kind = register(
        FileKind(
            name="things.csv",
            order=75,
            key=("thing_id",),
            columns=(Text(name="thing_id", required=True), Integer(name="size", min=1, default=2)),
            checks=(
                Check(
                    "SELECT line, 'thing_id', 'thing ' || thing_id || ' is forbidden' FROM {rows} "
                    "WHERE thing_id = 'bad'"
                ),
            ),
            write=write_rows,
        )
    )
    yield kind, written
    del loading_registry._kinds["things.csv"]

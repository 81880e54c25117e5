"""keywork's two files as the tests write them, and `load`, which runs load_omic over a
folder of them."""

from tests.omic.loading.extract import run_command

ALLOCATIONS_HEADER = "prison_number,staff_id,prison_code,start_date,end_date"


def allocations(*rows: str) -> str:
    """allocations.csv with these rows under its header."""
    return "".join(f"{line}\n" for line in (ALLOCATIONS_HEADER, *rows))


ALLOCATIONS = allocations("A1234BC,S1,LEI,2024-01-01,", "B2345CD,S1,LEI,2024-01-01,2024-03-01")


SESSIONS = """\
session_id,prison_number,staff_id,prison_code,date,duration_minutes,kind
X1,A1234BC,S1,LEI,2024-03-04,45,structured_interview
X2,B2345CD,S1,LEI,2024-02-05,30,acct_review
"""


def load(tmp_path, files):
    folder = tmp_path / "extract"
    folder.mkdir(exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return run_command(folder)

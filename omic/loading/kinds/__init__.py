"""omic's own file kinds, one module each: prisons.csv, wings.csv, benchmarks.csv,
staff.csv and prisoners.csv (formats.md, "Loading"). Importing this package registers
them. The engine that loads any kind is the rest of omic.loading; keywork's kinds are in
keywork/loading/, allocation's in allocation's app."""

from omic.loading.kinds import benchmarks, prisoners, prisons, staff, wings  # noqa: F401  (registers them)
from omic.loading.kinds.prisoners import PRISON_NUMBER
from omic.loading.kinds.prisons import PRISON_CODE
from omic.loading.kinds.staff import STAFF_ID

__all__ = ["PRISON_CODE", "PRISON_NUMBER", "STAFF_ID"]

"""An in-process fake Saleor (GraphQL API, JWKS, install flow, signed webhooks) for tests and benchmarks."""

from tests.doubles.saleor_double.double import SaleorDouble
from tests.doubles.saleor_double.install import InstallError, InstallResult
from tests.doubles.saleor_double.schemas import Violation, load_schema
from tests.doubles.saleor_double.seed import DemoStore

__all__ = ["DemoStore", "InstallError", "InstallResult", "SaleorDouble", "Violation", "load_schema"]

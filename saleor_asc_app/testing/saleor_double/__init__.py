"""An in-process fake Saleor (GraphQL API, JWKS, install flow, signed webhooks) for tests and benchmarks."""

from saleor_asc_app.testing.saleor_double.double import SaleorDouble
from saleor_asc_app.testing.saleor_double.install import InstallError, InstallResult
from saleor_asc_app.testing.saleor_double.schemas import Violation, load_schema
from saleor_asc_app.testing.saleor_double.seed import DemoStore

__all__ = ["DemoStore", "InstallError", "InstallResult", "SaleorDouble", "Violation", "load_schema"]

"""SP-API simulator: an ASGI app answering like Amazon (LWA, Orders, Feeds, Reports, ...) for tests,
benchmarks and the app's demo mode."""

from saleor_asc_app.simulator.app import create_simulator_app
from saleor_asc_app.simulator.disclosure import Role
from saleor_asc_app.simulator.faults import FaultKind
from saleor_asc_app.simulator.state import AppRegistration, SellerAccount, SimulatorError, SimulatorState

__all__ = [
    "AppRegistration",
    "FaultKind",
    "Role",
    "SellerAccount",
    "SimulatorError",
    "SimulatorState",
    "create_simulator_app",
]

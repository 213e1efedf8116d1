"""Pure rules of the program's money: no ORM, plain Decimals and dataclasses in and out.

The ledger (CONTRACT §6: which transaction types raise or lower exposure, undrawn, claims,
FX conversion, program limits) and profit sharing (CONTRACT §7: the waterfall, yen stress).
"""

from __future__ import annotations

# --- Ledger: instruments, transactions, FX rates, exposure, limits (CONTRACT §6) ---------

# --- end of ledger ------------------------------------------------------------------------

# --- Profit sharing, recovery and yen stress (CONTRACT §6 stress, §7) ---------------------

# --- end of profit sharing ----------------------------------------------------------------

"""Reads of the program's money, always filtered by the permission policy."""

from __future__ import annotations

# --- Ledger: instruments, transactions, FX rates, exposure, limits (CONTRACT §6) ---------

# --- end of ledger ------------------------------------------------------------------------

# --- Profit sharing, recovery and yen stress (CONTRACT §6 stress, §7) ---------------------

# --- end of profit sharing ----------------------------------------------------------------

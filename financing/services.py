"""Writes on the program's money: each one transaction that locks, checks the policy and
the rules, saves, appends to the decision log and schedules its side effects on commit."""

from __future__ import annotations

# --- Ledger: instruments, transactions, FX rates, exposure, limits (CONTRACT §6) ---------

# --- end of ledger ------------------------------------------------------------------------

# --- Profit sharing, recovery and yen stress (CONTRACT §6 stress, §7) ---------------------

# --- end of profit sharing ----------------------------------------------------------------

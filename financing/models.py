"""Instruments, transactions, FX rates and distributions arrive with the financing issue."""

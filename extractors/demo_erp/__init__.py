"""The demo ERP: a seeded SAP SD/FI + CRM simulator that writes a realistic source and
the ground truth of what it did to every order item."""

from .generate import GenerationResult, generate

__all__ = ["GenerationResult", "generate"]

"""Fakes that implement our ports in memory (and fake external services) for tests."""

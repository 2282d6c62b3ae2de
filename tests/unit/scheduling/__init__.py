"""Unit tests of scheduling: domain rules and use cases, in memory."""

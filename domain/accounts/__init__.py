"""Accounts: who may join (registration policy, invitations) and the sessions people sign in with."""

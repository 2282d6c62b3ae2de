"""Use cases of accounts: invitations, the first administrator, demotion, ending sessions."""

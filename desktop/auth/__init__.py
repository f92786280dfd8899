"""Users, roles and secrets: local argon2id accounts with lockout, the permission table, and
secrets kept in the OS keyring or a 0600 file (see docs/auth.md)."""

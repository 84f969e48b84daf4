"""The `steward` command line: one small module per command."""

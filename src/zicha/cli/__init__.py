"""The command line: parse arguments, call a use case, render. No business logic here."""

"""The command line: the commands, their shared options, and the one place errors become exit codes."""

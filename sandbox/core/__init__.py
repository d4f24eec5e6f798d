"""What every emulated platform shares: the server, the control API, faults, tokens, the clock and the state file."""

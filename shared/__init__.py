"""What the three BAPAS services share: the event backbone, HTTP plumbing, auth, config."""

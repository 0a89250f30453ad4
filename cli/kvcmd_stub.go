package cli

func kvCommands(map[string]command) {}

package cli

func loginCommands(map[string]command)  {}
func tokenCommands(map[string]command)  {}
func policyCommands(map[string]command) {}
func kvCommands(map[string]command)     {}

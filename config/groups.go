package config

// The groups of settings, in the order docs/CONFIG.md and the commands'
// -h list them.
const (
	GroupGeneral = "General"
	GroupAccount = "Account server"
	GroupGame    = "Game server"
	GroupLimits  = "Connection limits (each listener)"
	GroupRealm   = "Realms on NATS (several processes)"
)

// GroupOf returns the group of the setting whose flag is called name, or ""
// when there is no such setting.
func GroupOf(name string) string {
	c := Default()
	for _, s := range c.settings() {
		if s.name == name {
			return s.group
		}
	}
	return ""
}

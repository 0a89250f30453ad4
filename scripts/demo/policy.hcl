# What the demo's AppRole may read.
path "secret/data/demo/database" {
  capabilities = ["read"]
}

// Package serve runs `cofre server`: it turns a configuration (an HCL file or
// the -dev flags) into storage, a seal, a core and HTTP listeners, serves
// until its context ends, and shuts everything down in order.
package serve

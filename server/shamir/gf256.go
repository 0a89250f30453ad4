package shamir

// gfAdd adds two elements of GF(2^8); subtraction is the same operation.
func gfAdd(a, b byte) byte { return a ^ b }

// gfMul multiplies two elements of GF(2^8) modulo x^8+x^4+x^3+x+1. It runs
// in constant time: the eight rounds always execute and conditional steps
// are done with masks rather than branches.
func gfMul(a, b byte) byte {
	var p byte
	for i := 0; i < 8; i++ {
		// mask is 0xff when the low bit of b is set, 0 otherwise.
		mask := -(b & 1)
		p ^= a & mask
		// Multiply a by x, reducing when the top bit falls off.
		carry := -(a >> 7)
		a = (a << 1) ^ (0x1b & carry)
		b >>= 1
	}
	return p
}

// gfInv returns the multiplicative inverse of a, computed as a^254 (the
// group of non-zero elements has order 255). gfInv(0) is 0; callers never
// invert zero because x coordinates are distinct and non-zero.
func gfInv(a byte) byte {
	// 254 = 0b11111110: square-and-multiply with a fixed sequence of steps.
	a2 := gfMul(a, a)      // a^2
	a3 := gfMul(a2, a)     // a^3
	a6 := gfMul(a3, a3)    // a^6
	a7 := gfMul(a6, a)     // a^7
	a14 := gfMul(a7, a7)   // a^14
	a15 := gfMul(a14, a)   // a^15
	a30 := gfMul(a15, a15) // a^30
	a31 := gfMul(a30, a)   // a^31
	a62 := gfMul(a31, a31) // a^62
	a63 := gfMul(a62, a)   // a^63
	a126 := gfMul(a63, a63)
	a127 := gfMul(a126, a)
	return gfMul(a127, a127) // a^254
}

// gfDiv returns a / b for non-zero b.
func gfDiv(a, b byte) byte { return gfMul(a, gfInv(b)) }

// Package tq implements the TQ stream cipher that Conquer Online patch 5017
// uses on the game connection.
//
// The cipher is asymmetric: the server applies one per-byte transform in both
// directions and the client applies its inverse in both directions. Each
// direction keeps its own 16-bit byte counter, which selects the keystream
// bytes. After the client's MsgConnect the server re-keys from a 64-bit token
// (see [Cipher.Rekey]); the client mirrors it.
package tq

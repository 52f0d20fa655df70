package script

import "testing"

const benchScript = `face(1)
local choice = ask("Hello, " .. name() .. "! What would you like?", {"Tell me more.", "Goodbye."})
if choice == 1 then
  ask("There is little more to tell.", {"I see."})
end`

// BenchmarkStart is a click: Start up to the first page (the dialog is then cancelled, as when
// the player closes it).
func BenchmarkStart(b *testing.B) {
	vm, _ := newVM(b, map[string]string{"s.lua": benchScript})
	p := newPlayer()
	b.ReportAllocs()
	for b.Loop() {
		d, _, done, err := vm.Start("s", testNPC, p)
		if err != nil || done {
			b.Fatal(done, err)
		}
		d.Cancel()
	}
}

// BenchmarkAnswer is one answer resuming the script up to its next page.
func BenchmarkAnswer(b *testing.B) {
	vm, _ := newVM(b, map[string]string{"s.lua": `while true do ask("Again?", {"Yes", "No"}) end`})
	p := newPlayer()
	d, _, _, err := vm.Start("s", testNPC, p)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	n := 1
	for b.Loop() {
		if n == MaxPages {
			b.StopTimer()
			d.Cancel()
			d, _, _, _ = vm.Start("s", testNPC, p)
			n = 1
			b.StartTimer()
		}
		if _, done, err := d.Answer(1, ""); err != nil || done {
			b.Fatal(done, err)
		}
		n++
	}
}

// BenchmarkDialog is a whole two-page dialog: click, answer, answer to the end.
func BenchmarkDialog(b *testing.B) {
	vm, _ := newVM(b, map[string]string{"s.lua": benchScript})
	p := newPlayer()
	b.ReportAllocs()
	for b.Loop() {
		d, _, _, err := vm.Start("s", testNPC, p)
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := d.Answer(1, ""); err != nil {
			b.Fatal(err)
		}
		if _, done, err := d.Answer(1, ""); err != nil || !done {
			b.Fatal(done, err)
		}
	}
}

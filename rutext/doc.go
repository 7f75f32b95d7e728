// Package rutext normalises Russian text for matching: it splits text into
// lower-case words (HTML tags and entities dropped, ё folded to е), knows
// the Russian function words that say nothing, reduces words to their
// stems with a Snowball-style suffix stripper, and converts text typed in
// the wrong keyboard layout.
//
// It is shared by the appeals' duplicate search and analytics, and by the
// catalogue search (package rusearch). It must stay pure and stable: what
// Stem returns is stored (MinHash signatures, search indexes), so changing
// it changes which appeals count as duplicates. It never touches storage,
// the network or global mutable state.
package rutext

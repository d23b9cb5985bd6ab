//! A read-mostly open-addressing hash table from 64-bit keys (already good
//! hashes) to `u32` values. It is stored in the model file as it is laid out
//! in memory, so loading it is a copy, not a rebuild.

/// The key that marks an empty slot; real keys equal to it are remapped.
const EMPTY: u64 = 0;

/// `len` copies of `value`, written out. `vec![0; len]` takes fresh pages
/// the allocator knows are zero and leaves them untouched; the kernel then
/// maps a table probed before it is filled to its shared zero page on the
/// first read, and the first write to each page costs a second fault and a
/// TLB flush on every core running this process: an interrupt that stalls
/// the other workers, and waits for them. (`black_box` keeps the compiler
/// from turning this back into a zeroed allocation.)
fn written<T: Copy>(value: T, len: usize) -> Vec<T> {
    let mut out = Vec::with_capacity(len);
    out.resize(len, std::hint::black_box(value));
    out
}

#[inline]
fn fix(key: u64) -> u64 {
    if key == EMPTY {
        1
    } else {
        key
    }
}

/// A bitset of hashes of the keys in a table: most lookups in the large
/// model tables are of absent keys (word bigrams, phrase continuations,
/// other casings of a word), and the bitset, a fraction of the table's
/// size, answers most of them from the processor's cache without a probe
/// of the table. It never turns a present key away, so the table's
/// answers stay the same.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Presence {
    words: Vec<u64>,
}

impl Presence {
    /// An empty set of `n_bits` bits (rounded up to a power of two, at
    /// least 64).
    fn new(n_bits: usize) -> Presence {
        Presence {
            words: written(0, n_bits.next_power_of_two().max(64) / 64),
        }
    }

    /// Word and bit of hash `h` (its low bits are used: pass bits of the
    /// key that do not pick its slot).
    #[inline]
    fn bit(&self, h: u64) -> (usize, u64) {
        let bit = h as usize & (64 * self.words.len() - 1);
        (bit / 64, 1 << (bit % 64))
    }

    #[inline]
    fn insert(&mut self, h: u64) {
        let (word, bit) = self.bit(h);
        self.words[word] |= bit;
    }

    /// False if no key with hash `h` was inserted.
    #[inline]
    fn may_contain(&self, h: u64) -> bool {
        let (word, bit) = self.bit(h);
        self.words[word] & bit != 0
    }
}

/// `u64 -> u32` map with linear probing and a power-of-two capacity.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Table {
    keys: Vec<u64>,
    values: Vec<u32>,
    len: usize,
    /// Of the keys' high halves (the low bits pick the slot); four bits
    /// per slot.
    present: Presence,
}

/// Bits of a [`Table`]'s [`Presence`] per slot.
const PRESENCE_PER_SLOT: usize = 4;

#[cfg_attr(not(feature = "train"), allow(dead_code))]
impl Table {
    /// A table that holds `n` entries at a load factor of at most 1/2.
    pub(crate) fn with_capacity(n: usize) -> Self {
        let cap = (n.max(4) * 2).next_power_of_two();
        Table {
            keys: written(EMPTY, cap),
            values: vec![0; cap],
            len: 0,
            present: Presence::new(cap * PRESENCE_PER_SLOT),
        }
    }

    /// Rebuilds from stored slots; `None` if they are not a valid table.
    pub(crate) fn from_slots(keys: Vec<u64>, values: Vec<u32>) -> Option<Self> {
        if keys.len() != values.len() || !keys.len().is_power_of_two() {
            return None;
        }
        let mut present = Presence::new(keys.len() * PRESENCE_PER_SLOT);
        let mut len = 0;
        for &k in keys.iter().filter(|&&k| k != EMPTY) {
            present.insert(k >> 32);
            len += 1;
        }
        Some(Table {
            keys,
            values,
            len,
            present,
        })
    }

    pub(crate) fn keys(&self) -> &[u64] {
        &self.keys
    }

    pub(crate) fn values(&self) -> &[u32] {
        &self.values
    }

    /// Number of entries.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    #[inline]
    fn mask(&self) -> usize {
        self.keys.len() - 1
    }

    /// The value for `key`, if present.
    #[inline]
    pub(crate) fn get(&self, key: u64) -> Option<u32> {
        if self.keys.is_empty() {
            return None;
        }
        let key = fix(key);
        if !self.present.may_contain(key >> 32) {
            return None;
        }
        let mask = self.mask();
        let mut at = (key as usize) & mask;
        loop {
            let k = self.keys[at];
            if k == key {
                return Some(self.values[at]);
            }
            if k == EMPTY {
                return None;
            }
            at = (at + 1) & mask;
        }
    }

    /// Inserts or replaces; grows when half full.
    pub(crate) fn insert(&mut self, key: u64, value: u32) {
        if self.keys.is_empty() || (self.len + 1) * 2 > self.keys.len() {
            self.grow();
        }
        *self.entry(key, value) = value;
    }

    /// A mutable reference to the value for `key`, inserting `default` first
    /// if absent. One probe: it is called per token on per-document tables.
    /// The table grows just as [`Table::insert`] would make it.
    pub(crate) fn entry(&mut self, key: u64, default: u32) -> &mut u32 {
        let key = fix(key);
        let mut at = self.slot_of(key);
        if at.map_or(true, |at| self.keys[at] == EMPTY) {
            if self.keys.is_empty() || (self.len + 1) * 2 > self.keys.len() {
                self.grow();
                at = self.slot_of(key);
            }
            let at = at.expect("a table with slots");
            self.keys[at] = key;
            self.values[at] = default;
            self.len += 1;
            self.present.insert(key >> 32);
        }
        &mut self.values[at.expect("a table with slots")]
    }

    /// The slot of `key` (already [`fix`]ed), or the empty slot where it
    /// would go; `None` if the table has no slots.
    #[inline]
    fn slot_of(&self, key: u64) -> Option<usize> {
        if self.keys.is_empty() {
            return None;
        }
        let mask = self.mask();
        let mut at = (key as usize) & mask;
        while self.keys[at] != key && self.keys[at] != EMPTY {
            at = (at + 1) & mask;
        }
        Some(at)
    }

    fn grow(&mut self) {
        let old_keys = std::mem::take(&mut self.keys);
        let old_values = std::mem::take(&mut self.values);
        let cap = (old_keys.len() * 2).max(8);
        self.keys = written(EMPTY, cap);
        self.values = vec![0; cap];
        self.len = 0;
        self.present = Presence::new(cap * PRESENCE_PER_SLOT);
        for (k, v) in old_keys.into_iter().zip(old_values) {
            if k != EMPTY {
                self.insert(k, v);
            }
        }
    }
}

/// A per-document `u64 -> u32` map (linear probing, load factor at most
/// 1/2) that remembers the slots it filled, so that clearing it for the
/// next document costs its entries, not its capacity: one long document
/// leaves a large table behind, and the short ones after it would each
/// pay a pass over all of it.
#[derive(Debug, Clone, Default)]
pub(crate) struct ScratchTable {
    keys: Vec<u64>,
    values: Vec<u32>,
    /// Filled slots, in the order they were filled.
    used: Vec<u32>,
}

impl ScratchTable {
    /// A mutable reference to the value for `key`, inserting `default`
    /// first if absent.
    #[inline]
    pub(crate) fn entry(&mut self, key: u64, default: u32) -> &mut u32 {
        if (self.used.len() + 1) * 2 > self.keys.len() {
            self.grow();
        }
        let key = fix(key);
        let mask = self.keys.len() - 1;
        let mut at = (key as usize) & mask;
        while self.keys[at] != key {
            if self.keys[at] == EMPTY {
                self.keys[at] = key;
                self.values[at] = default;
                self.used.push(at as u32);
                break;
            }
            at = (at + 1) & mask;
        }
        &mut self.values[at]
    }

    /// The value for `key`, if present.
    #[cfg(test)]
    pub(crate) fn get(&self, key: u64) -> Option<u32> {
        if self.keys.is_empty() {
            return None;
        }
        let key = fix(key);
        let mask = self.keys.len() - 1;
        let mut at = (key as usize) & mask;
        loop {
            match self.keys[at] {
                k if k == key => return Some(self.values[at]),
                EMPTY => return None,
                _ => at = (at + 1) & mask,
            }
        }
    }

    /// Number of entries.
    pub(crate) fn len(&self) -> usize {
        self.used.len()
    }

    /// Forgets every entry, slot by filled slot; a table far larger than
    /// this document needed is let go (memory stays bounded after a long
    /// document).
    pub(crate) fn clear(&mut self) {
        if self.keys.len() > 1 << 16 && self.used.len() * 16 < self.keys.len() {
            *self = ScratchTable::default();
            return;
        }
        for &at in &self.used {
            self.keys[at as usize] = EMPTY;
        }
        self.used.clear();
    }

    fn grow(&mut self) {
        let old: Vec<(u64, u32)> = self
            .used
            .iter()
            .map(|&at| (self.keys[at as usize], self.values[at as usize]))
            .collect();
        let cap = (self.keys.len() * 2).max(64);
        self.keys = written(EMPTY, cap);
        self.values = vec![0; cap];
        self.used.clear();
        for (k, v) in old {
            self.entry(k, v);
        }
    }
}

/// A compact `u64 -> u24` map for the hot feature lookups: each slot packs
/// a 40-bit fingerprint of the key with the value, so a probe touches one
/// cache line. Two keys with the same slot and fingerprint are confused;
/// with 40 bits that happens about once per 10^12 absent-key probes. Nine
/// in ten word bigrams looked up are absent: a [`Presence`] set answers
/// them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct PackedTable {
    slots: Vec<u64>,
    len: usize,
    /// Of the fingerprints; eight bits per slot.
    present: Presence,
}

/// Largest value a [`PackedTable`] holds.
pub(crate) const PACKED_MAX: u32 = (1 << 24) - 1;

impl PackedTable {
    #[inline]
    fn fingerprint(key: u64) -> u64 {
        (key >> 24) | (1 << 39)
    }

    /// An empty presence bitset for `n_slots` slots.
    fn no_fingerprints(n_slots: usize) -> Presence {
        Presence::new(n_slots * 8)
    }

    /// A table for exactly `n` entries at a load factor of at most 1/2.
    #[cfg_attr(not(feature = "train"), allow(dead_code))]
    pub(crate) fn with_capacity(n: usize) -> Self {
        let n_slots = (n.max(4) * 2).next_power_of_two();
        PackedTable {
            slots: vec![0; n_slots],
            len: 0,
            present: Self::no_fingerprints(n_slots),
        }
    }

    /// Rebuilds from stored slots; `None` if they are not a valid table.
    pub(crate) fn from_slots(slots: Vec<u64>) -> Option<Self> {
        if !slots.len().is_power_of_two() {
            return None;
        }
        let mut table = PackedTable {
            present: Self::no_fingerprints(slots.len()),
            slots,
            len: 0,
        };
        for i in 0..table.slots.len() {
            let s = table.slots[i];
            if s != 0 {
                table.len += 1;
                table.present.insert(s >> 24);
            }
        }
        Some(table)
    }

    pub(crate) fn slots(&self) -> &[u64] {
        &self.slots
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Values of all entries.
    pub(crate) fn values(&self) -> impl Iterator<Item = u32> + '_ {
        self.slots
            .iter()
            .filter(|&&s| s != 0)
            .map(|&s| (s & u64::from(PACKED_MAX)) as u32)
    }

    /// Inserts a new key (no growth: the capacity was given up front).
    ///
    /// # Panics
    /// If the table is full or `value > PACKED_MAX`.
    #[cfg_attr(not(feature = "train"), allow(dead_code))]
    pub(crate) fn insert(&mut self, key: u64, value: u32) {
        assert!(value <= PACKED_MAX && (self.len + 1) * 2 <= self.slots.len());
        let fp = Self::fingerprint(key) << 24;
        let mask = self.slots.len() - 1;
        let mut at = (key as usize) & mask;
        loop {
            let s = self.slots[at];
            if s == 0 || s >> 24 == fp >> 24 {
                if s == 0 {
                    self.len += 1;
                }
                self.slots[at] = fp | u64::from(value);
                self.present.insert(fp >> 24);
                return;
            }
            at = (at + 1) & mask;
        }
    }

    /// The value for `key`, if present.
    #[inline]
    pub(crate) fn get(&self, key: u64) -> Option<u32> {
        if self.slots.is_empty() {
            return None;
        }
        let fp = Self::fingerprint(key);
        if !self.present.may_contain(fp) {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut at = (key as usize) & mask;
        loop {
            let s = self.slots[at];
            if s == 0 {
                return None;
            }
            if s >> 24 == fp {
                return Some((s & u64::from(PACKED_MAX)) as u32);
            }
            at = (at + 1) & mask;
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn packed_table_finds_what_was_inserted() {
        let mut t = PackedTable::with_capacity(1000);
        for i in 0..1000u64 {
            t.insert(crate::text::mix(i + 1), i as u32);
        }
        assert_eq!(t.len(), 1000);
        for i in 0..1000u64 {
            assert_eq!(t.get(crate::text::mix(i + 1)), Some(i as u32));
        }
        assert_eq!(t.get(crate::text::mix(5000)), None);
        assert_eq!(PackedTable::from_slots(t.slots().to_vec()).unwrap(), t);
    }

    use super::*;

    #[test]
    fn a_scratch_table_grows_and_clears() {
        let mut t = ScratchTable::default();
        for round in 0..3u64 {
            for i in 0..1000u64 {
                *t.entry(crate::text::mix(i + 1 + round), 0) += 1;
            }
            *t.entry(0, 5) += 1;
            for i in 0..1000u64 {
                assert_eq!(t.get(crate::text::mix(i + 1 + round)), Some(1));
            }
            assert_eq!(t.get(0), Some(6));
            assert_eq!(t.get(12345), None);
            t.clear();
            assert_eq!(t.get(crate::text::mix(round + 1)), None);
        }
    }

    #[test]
    fn inserts_grow_and_lookups_find() {
        let mut t = Table::default();
        for i in 0..1000u64 {
            t.insert(crate::text::mix(i + 1), i as u32);
        }
        t.insert(0, 7);
        assert_eq!(t.len(), 1001);
        for i in 0..1000u64 {
            assert_eq!(t.get(crate::text::mix(i + 1)), Some(i as u32));
        }
        assert_eq!(t.get(0), Some(7));
        assert_eq!(t.get(12345), None);
        *t.entry(5, 0) += 3;
        *t.entry(5, 0) += 3;
        assert_eq!(t.get(5), Some(6));
        let copy = Table::from_slots(t.keys().to_vec(), t.values().to_vec()).unwrap();
        assert_eq!(copy, t);
    }
}

//! Hash bucket -> dense column lookup for the features seen in training.
//!
//! Open addressing with linear probing at load factor <= 0.5: one or two cache lines per
//! lookup, against ~15 dependent reads for a binary search over the sorted key list.

const EMPTY: u64 = u64::MAX;

/// Lookup table built from the model's sorted key list (column = position in that list).
#[derive(Debug, Clone, Default)]
pub struct RemapTable {
    slots: Vec<u64>,
    shift: u32,
}

impl RemapTable {
    /// Build for `keys`; key `keys[i]` maps to column `i`.
    pub fn new(keys: &[u32]) -> Self {
        let cap = (keys.len() * 2).next_power_of_two().max(16);
        let mut t = RemapTable { slots: vec![EMPTY; cap], shift: 64 - cap.trailing_zeros() };
        for (col, &key) in keys.iter().enumerate() {
            let mut i = t.slot(key);
            while t.slots[i] != EMPTY {
                i = (i + 1) & (cap - 1);
            }
            t.slots[i] = ((key as u64) << 32) | col as u64;
        }
        t
    }

    #[inline]
    fn slot(&self, key: u32) -> usize {
        ((key as u64 ^ 0x5bd1_e995).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> self.shift) as usize
    }

    /// Hint the CPU to fetch the slot of `key` (lookups are cache-miss bound).
    #[inline]
    pub fn prefetch(&self, key: u32) {
        prefetch_index(&self.slots, self.slot(key));
    }

    /// Column of `key`, if it was seen in training.
    #[inline]
    pub fn get(&self, key: u32) -> Option<u32> {
        let mask = self.slots.len() - 1;
        let mut i = self.slot(key);
        loop {
            let s = self.slots[i];
            if s == EMPTY {
                return None;
            }
            if (s >> 32) as u32 == key {
                return Some(s as u32);
            }
            i = (i + 1) & mask;
        }
    }
}

/// Hint the CPU to fetch the cache line holding `slice[index]` (no-op off x86-64 or when
/// `index` is out of bounds).
#[inline(always)]
pub fn prefetch_index<T>(slice: &[T], index: usize) {
    #[cfg(target_arch = "x86_64")]
    if let Some(item) = slice.get(index) {
        // SAFETY: the pointer comes from a live reference; prefetch is only a hint and
        // never faults or reads memory architecturally.
        unsafe {
            std::arch::x86_64::_mm_prefetch(item as *const T as *const i8, std::arch::x86_64::_MM_HINT_T0);
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (slice, index);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_all_and_only_keys() {
        let keys: Vec<u32> = (0..1000).map(|i| i * 7 + 3).collect();
        let t = RemapTable::new(&keys);
        for (c, &k) in keys.iter().enumerate() {
            assert_eq!(t.get(k), Some(c as u32));
        }
        assert_eq!(t.get(1), None);
        assert_eq!(RemapTable::new(&[]).get(5), None);
    }
}

//! One sort for the engine and the page: every call sorts positions with the same single copy of
//! the standard library's sort, then moves the items by swaps. `slice::sort_by` is instantiated
//! once per element type and comparator (about 4 KB of wasm each, some thirty copies in the page:
//! issue 14's size budget); these functions are generic only in a loop of swaps.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// Sorts `items` by `compare`, stably (equal items keep their order), like `slice::sort_by`.
pub fn sort_by<T>(items: &mut [T], compare: impl Fn(&T, &T) -> Ordering) {
    if items.len() < 2 {
        return;
    }
    let swaps = {
        let view: &[T] = items;
        swaps_to_sort(view.len(), &|a, b| compare(&view[a], &view[b]))
    };
    for (a, b) in swaps {
        items.swap(a, b);
    }
}

/// Sorts `items` by a key, stably, like `slice::sort_by_key`.
pub fn sort_by_key<T, K: Ord>(items: &mut [T], key: impl Fn(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `items` in their order, stably, like `slice::sort`.
pub fn sort<T: Ord>(items: &mut [T]) {
    sort_by(items, T::cmp);
}

/// Ordered sets and maps built by inserting items one by one. `collect()` into a `BTreeSet` or a
/// `BTreeMap` sorts the items first with the standard stable sort: one more instance of it per
/// element type.
pub trait CollectOrdered: Iterator + Sized {
    /// The items as a set, like `collect::<BTreeSet<_>>()`.
    fn into_set(self) -> BTreeSet<Self::Item>
    where
        Self::Item: Ord,
    {
        let mut set = BTreeSet::new();
        set.extend(self);
        set
    }

    /// The pairs as a map, the last value of a key kept, like `collect::<BTreeMap<_, _>>()`.
    fn into_map<K: Ord, V>(self) -> BTreeMap<K, V>
    where
        Self: Iterator<Item = (K, V)>,
    {
        let mut map = BTreeMap::new();
        map.extend(self);
        map
    }
}

impl<I: Iterator> CollectOrdered for I {}

/// The swaps that put `len` items in the order `compare` (on positions) gives, ties in their
/// original order. Not generic: the one instantiation of the standard sort.
#[inline(never)]
fn swaps_to_sort(len: usize, compare: &dyn Fn(usize, usize) -> Ordering) -> Vec<(usize, usize)> {
    let mut order: Vec<usize> = (0..len).collect();
    order.sort_unstable_by(|&a, &b| compare(a, b).then(a.cmp(&b)));
    // `at[p]`: the original item now at position p; `place[i]`: where original item i is now.
    let mut at: Vec<usize> = (0..len).collect();
    let mut place: Vec<usize> = (0..len).collect();
    let mut swaps = Vec::new();
    for (target, &wanted) in order.iter().enumerate() {
        let from = place[wanted];
        if from != target {
            swaps.push((target, from));
            let displaced = at[target];
            at[from] = displaced;
            place[displaced] = from;
            at[target] = wanted;
            place[wanted] = target;
        }
    }
    swaps
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Same result as the standard stable sort, ties included, on many shapes of input.
    #[test]
    fn sorts_like_the_standard_stable_sort() {
        let mut seed = 7u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for len in [0usize, 1, 2, 3, 5, 8, 21, 100, 1000] {
            for spread in [1u64, 3, 50, 1 << 40] {
                let items: Vec<(u64, usize)> = (0..len).map(|i| (next() % spread, i)).collect();
                let mut ours = items.clone();
                sort_by_key(&mut ours, |&(k, _)| k);
                let mut std_sorted = items.clone();
                std_sorted.sort_by_key(|&(k, _)| k);
                assert_eq!(ours, std_sorted, "len {len}, spread {spread}");
                let mut ours = items.clone();
                sort(&mut ours);
                let mut std_sorted = items;
                std_sorted.sort();
                assert_eq!(ours, std_sorted);
            }
        }
        let set = [3, 1, 3, 2].into_iter().into_set();
        assert_eq!(set.into_iter().collect::<Vec<_>>(), [1, 2, 3]);
        let map = [(2, "b"), (1, "a"), (2, "c")].into_iter().into_map();
        assert_eq!(map.into_iter().collect::<Vec<_>>(), [(1, "a"), (2, "c")]);
        let mut words = vec!["b", "a", "c", "a"];
        sort_by(&mut words, |a, b| b.cmp(a));
        assert_eq!(words, ["c", "b", "a", "a"]);
    }
}

//! Counting is exact: it always equals a naive set of the raw keys.

use std::collections::HashSet;

use chujing_ledger::{HashKey, SubjectHasher, SubjectSet, count_union, normalise};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn union_count_equals_naive_set(batches in prop::collection::vec(prop::collection::vec(0u32..5_000, 0..3_000), 0..6)) {
        let hasher = SubjectHasher::new(&HashKey::new([9; 16]));
        let sets: Vec<SubjectSet> = batches
            .iter()
            .map(|b| SubjectSet::from_hashes(b.iter().map(|k| hasher.hash(&k.to_string())).collect()))
            .collect();
        let runs: Vec<&[u128]> = sets.iter().map(SubjectSet::as_slice).collect();
        let naive: HashSet<u32> = batches.iter().flatten().copied().collect();
        prop_assert_eq!(count_union(&runs), naive.len() as u64);
        let merged = sets.iter().fold(SubjectSet::default(), |acc, s| acc.union(s));
        prop_assert_eq!(merged.len(), naive.len() as u64);
        // Partitions by hash range are disjoint and add up exactly.
        let parts: u64 = (0..4u128).map(|p| merged.partition(2, p).len()).sum();
        prop_assert_eq!(parts, merged.len());
    }

    #[test]
    fn normalise_is_idempotent_and_never_panics(s in "\\PC{0,40}") {
        if let Some(once) = normalise(&s) {
            let twice = normalise(&once).map(|c| c.into_owned());
            prop_assert_eq!(Some(once.into_owned()), twice);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(100))]

    /// However the hashes are split into runs, and whether they take the small or the bucketed path, the set
    /// is the sorted distinct hashes.
    #[test]
    fn sets_from_runs_are_sorted_and_distinct(
        runs in prop::collection::vec(prop::collection::vec(0u32..6_000, 0..4_000), 0..6),
    ) {
        let hasher = SubjectHasher::new(&HashKey::new([3; 16]));
        let hashed: Vec<Vec<u128>> = runs
            .iter()
            .map(|r| r.iter().map(|k| hasher.hash(&k.to_string())).collect())
            .collect();
        let mut naive: Vec<u128> = hashed.iter().flatten().copied().collect();
        naive.sort_unstable();
        naive.dedup();
        let set = SubjectSet::from_runs(hashed);
        prop_assert_eq!(set.as_slice(), &naive[..]);
    }
}

//! Sorted, deduplicated runs of 128-bit subject hashes: exact, 16 bytes per individual, mergeable.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use rayon::prelude::*;

use crate::error::LedgerError;

/// A set of subject hashes, kept sorted and without duplicates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubjectSet(Vec<u128>);

impl SubjectSet {
    /// Builds a set from hashes in any order, with duplicates.
    pub fn from_hashes(hashes: Vec<u128>) -> SubjectSet {
        SubjectSet::from_runs(vec![hashes])
    }

    /// Builds a set from several runs of hashes in any order, with duplicates (say one per chunk of a file
    /// read in parallel), without first joining them: the runs are bucketed straight into the result.
    pub fn from_runs(runs: Vec<Vec<u128>>) -> SubjectSet {
        let mut hashes = bucket_sort(runs);
        // Shrinking copies the whole vector: only worth it when many duplicates went.
        if hashes.capacity() > hashes.len() + hashes.len() / 4 {
            hashes.shrink_to_fit();
        }
        SubjectSet(hashes)
    }

    /// The number of distinct individuals.
    pub fn len(&self) -> u64 {
        self.0.len() as u64
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The sorted hashes.
    pub fn as_slice(&self) -> &[u128] {
        &self.0
    }

    /// Whether `hash` is in the set.
    pub fn contains(&self, hash: u128) -> bool {
        self.0.binary_search(&hash).is_ok()
    }

    /// The union of two sets (a linear merge).
    pub fn union(&self, other: &SubjectSet) -> SubjectSet {
        let (a, b) = (&self.0, &other.0);
        let mut out = Vec::with_capacity(a.len() + b.len());
        let (mut i, mut j) = (0, 0);
        while let (Some(x), Some(y)) = (a.get(i), b.get(j)) {
            match x.cmp(y) {
                std::cmp::Ordering::Less => {
                    out.push(*x);
                    i += 1;
                }
                std::cmp::Ordering::Greater => {
                    out.push(*y);
                    j += 1;
                }
                std::cmp::Ordering::Equal => {
                    out.push(*x);
                    i += 1;
                    j += 1;
                }
            }
        }
        out.extend_from_slice(a.get(i..).unwrap_or_default());
        out.extend_from_slice(b.get(j..).unwrap_or_default());
        SubjectSet(out)
    }

    /// The set as little-endian bytes, 16 per individual, for storage.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.0.len() * 16);
        for h in &self.0 {
            out.extend_from_slice(&h.to_le_bytes());
        }
        out
    }

    /// Reads a stored set back, checking that it is whole and strictly increasing.
    pub fn from_bytes(bytes: &[u8]) -> Result<SubjectSet, LedgerError> {
        let mut builder = SetBuilder::with_capacity(bytes.len() / 16);
        builder.push_part(bytes)?;
        builder.finish()
    }

    /// Keeps only the hashes whose top `bits` bits equal `partition` — one of `2^bits` disjoint partitions.
    pub fn partition(&self, bits: u32, partition: u128) -> SubjectSet {
        let shift = 128 - bits.clamp(1, 127);
        SubjectSet(
            self.0
                .iter()
                .copied()
                .filter(|h| h >> shift == partition)
                .collect(),
        )
    }
}

/// Rebuilds a stored set from its parts, one part at a time, so that only one part's bytes are held besides
/// the set itself.
#[derive(Debug, Default)]
pub struct SetBuilder(Vec<u128>);

impl SetBuilder {
    /// A builder expecting about `n` hashes.
    pub fn with_capacity(n: usize) -> SetBuilder {
        SetBuilder(Vec::with_capacity(n))
    }

    /// Appends the next stored part (16 little-endian bytes per hash).
    pub fn push_part(&mut self, bytes: &[u8]) -> Result<(), LedgerError> {
        if !bytes.len().is_multiple_of(16) {
            return Err(LedgerError::CorruptSet(format!(
                "{} bytes is not a multiple of 16",
                bytes.len()
            )));
        }
        self.0.extend(
            bytes
                .chunks_exact(16)
                .map(|c| u128::from_le_bytes(c.try_into().unwrap_or([0; 16]))),
        );
        Ok(())
    }

    /// The set, after checking that the parts were whole and strictly increasing.
    pub fn finish(self) -> Result<SubjectSet, LedgerError> {
        if self.0.windows(2).any(|w| matches!(w, [a, b] if a >= b)) {
            return Err(LedgerError::CorruptSet(
                "hashes are not strictly increasing".into(),
            ));
        }
        Ok(SubjectSet(self.0))
    }
}

/// Sorts and deduplicates hashes fast. They are uniformly random, so one bucketing pass on the top bits
/// followed by sorting small buckets beats a comparison sort on large inputs. Each run is counted and
/// scattered into its own slice of every bucket, so runs are bucketed in parallel without locks and without
/// being joined first; buckets are then sorted and deduplicated in parallel, and closed up.
fn bucket_sort(mut runs: Vec<Vec<u128>>) -> Vec<u128> {
    const SMALL: usize = 1 << 12;
    let total: usize = runs.iter().map(Vec::len).sum();
    if total < SMALL {
        let mut all = runs.into_iter().flatten().collect::<Vec<_>>();
        all.sort_unstable();
        all.dedup();
        return all;
    }
    // Buckets of a few thousand hashes (they sort inside the cache), at most 2^12 of them (more write
    // streams than that thrash the cache and TLB during the scatter).
    let bits = (total / 1024).ilog2().clamp(4, 12);
    let shift = 128 - bits;
    let buckets = 1usize << bits;
    let bucket_of = |h: u128| (h >> shift) as usize;
    let histograms: Vec<Vec<usize>> = runs
        .par_iter()
        .map(|run| {
            let mut counts = vec![0usize; buckets];
            for h in run {
                if let Some(c) = counts.get_mut(bucket_of(*h)) {
                    *c += 1;
                }
            }
            counts
        })
        .collect();
    let mut out = vec![0u128; total];
    // Bucket-major layout: bucket 0 of run 0, bucket 0 of run 1, …, bucket 1 of run 0, …
    let mut sizes = Vec::with_capacity(buckets);
    {
        let mut targets: Vec<Vec<&mut [u128]>> =
            runs.iter().map(|_| Vec::with_capacity(buckets)).collect();
        let mut rest: &mut [u128] = &mut out;
        for b in 0..buckets {
            let mut size = 0;
            for (counts, slices) in histograms.iter().zip(targets.iter_mut()) {
                let n = counts.get(b).copied().unwrap_or(0);
                let (head, tail) = std::mem::take(&mut rest).split_at_mut(n);
                slices.push(head);
                rest = tail;
                size += n;
            }
            sizes.push(size);
        }
        runs.par_iter_mut()
            .zip(targets.par_iter_mut())
            .for_each(|(run, slices)| {
                let mut cursors = vec![0usize; buckets];
                for h in run.iter() {
                    let b = bucket_of(*h);
                    if let (Some(slice), Some(cursor)) = (slices.get_mut(b), cursors.get_mut(b)) {
                        if let Some(slot) = slice.get_mut(*cursor) {
                            *slot = *h;
                        }
                        *cursor += 1;
                    }
                }
                // The run is no longer needed: give its memory back while the others finish.
                *run = Vec::new();
            });
    }
    drop(runs);
    let mut slices = Vec::with_capacity(buckets);
    let mut rest: &mut [u128] = &mut out;
    for size in &sizes {
        let (head, tail) = std::mem::take(&mut rest).split_at_mut(*size);
        slices.push(head);
        rest = tail;
    }
    let distinct: Vec<usize> = slices
        .par_iter_mut()
        .with_min_len(64)
        .map(|s| {
            s.sort_unstable();
            dedup_sorted(s)
        })
        .collect();
    // Close up the gaps the duplicates left.
    let (mut from, mut to) = (0, 0);
    for (size, kept) in sizes.iter().zip(&distinct) {
        if from != to {
            out.copy_within(from..from + kept, to);
        }
        from += size;
        to += kept;
    }
    out.truncate(to);
    out
}

/// Moves the distinct values of a sorted slice to its front; returns how many there are.
fn dedup_sorted(s: &mut [u128]) -> usize {
    let Some(&first) = s.first() else {
        return 0;
    };
    let (mut kept, mut last) = (1, first);
    for i in 1..s.len() {
        let x = s.get(i).copied().unwrap_or(last);
        if x != last {
            if let Some(slot) = s.get_mut(kept) {
                *slot = x;
            }
            kept += 1;
            last = x;
        }
    }
    kept
}

/// The number of distinct hashes in the union of sorted runs.
pub fn count_union(runs: &[&[u128]]) -> u64 {
    let total: usize = runs.iter().map(|r| r.len()).sum();
    match runs {
        [] => 0,
        [only] => only.len() as u64,
        _ if total < BUCKETED_FROM => merge_count(runs),
        _ => {
            let bounds = top_byte_bounds(runs);
            (0..TOP_BYTES)
                .into_par_iter()
                .map_init(Vec::new, |buf: &mut Vec<u128>, k| {
                    buf.clear();
                    for (run, b) in runs.iter().zip(&bounds) {
                        buf.extend_from_slice(top_byte_run(run, b, k));
                    }
                    buf.sort_unstable();
                    buf.dedup();
                    buf.len() as u64
                })
                .sum()
        }
    }
}

/// From this many hashes on, [`count_union`] counts bucket by bucket: a 200-way merge of 1,000,000 hashes
/// through a heap took 100 ms, the buckets (each sorted within the processor's cache, in parallel) 10 times
/// less.
const BUCKETED_FROM: usize = 1 << 16;

/// Buckets by a hash's top byte.
pub(crate) const TOP_BYTES: usize = 256;

/// For each run, where each top byte's hashes begin (a run is sorted, so each top byte's are one stretch).
pub(crate) fn top_byte_bounds(runs: &[&[u128]]) -> Vec<[usize; TOP_BYTES + 1]> {
    runs.iter()
        .map(|r| std::array::from_fn(|k| r.partition_point(|h| ((h >> 120) as usize) < k)))
        .collect()
}

/// The hashes of `run` whose top byte is `k`, by its bounds.
pub(crate) fn top_byte_run<'a>(
    run: &'a [u128],
    bounds: &[usize; TOP_BYTES + 1],
    k: usize,
) -> &'a [u128] {
    match (bounds.get(k), bounds.get(k + 1)) {
        (Some(&lo), Some(&hi)) => run.get(lo..hi).unwrap_or_default(),
        _ => &[],
    }
}

/// The distinct count by a streaming k-way merge (no copy): for small unions.
fn merge_count(runs: &[&[u128]]) -> u64 {
    let mut heap: BinaryHeap<Reverse<(u128, usize, usize)>> = runs
        .iter()
        .enumerate()
        .filter_map(|(r, run)| run.first().map(|h| Reverse((*h, r, 0))))
        .collect();
    let mut count = 0u64;
    let mut last = None;
    while let Some(Reverse((h, r, i))) = heap.pop() {
        if last != Some(h) {
            count += 1;
            last = Some(h);
        }
        if let Some(next) = runs.get(r).and_then(|run| run.get(i + 1)) {
            heap.push(Reverse((*next, r, i + 1)));
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_large_inputs_like_sort_unstable() {
        let mut x = 0x1234_5678_9abc_def0_u128;
        let mut v: Vec<u128> = (0..100_000)
            .map(|_| {
                x = x
                    .wrapping_mul(0x2545_f491_4f6c_dd1d_0000_0000_0000_0001)
                    .wrapping_add(0x9e37_79b9_7f4a_7c15);
                x.rotate_left(17)
            })
            .collect();
        v.extend_from_slice(&v.clone()[..1000]);
        let mut expected = v.clone();
        expected.sort_unstable();
        expected.dedup();
        assert_eq!(SubjectSet::from_hashes(v).as_slice(), expected.as_slice());
    }

    #[test]
    fn the_bucketed_count_is_the_merged_count() {
        let mut x = 0x0f1e_2d3c_4b5a_6978_u128;
        let mut next = || {
            x = x
                .wrapping_mul(0x2545_f491_4f6c_dd1d_0000_0000_0000_0001)
                .wrapping_add(0x9e37_79b9_7f4a_7c15);
            x.rotate_left(29)
        };
        let shared: Vec<u128> = (0..20_000).map(|_| next()).collect();
        let sets: Vec<SubjectSet> = (0..12)
            .map(|i| {
                let mut v: Vec<u128> = (0..15_000).map(|_| next()).collect();
                v.extend_from_slice(&shared[i * 1000..i * 1000 + 8000]);
                SubjectSet::from_hashes(v)
            })
            .collect();
        let runs: Vec<&[u128]> = sets.iter().map(SubjectSet::as_slice).collect();
        assert!(runs.iter().map(|r| r.len()).sum::<usize>() >= BUCKETED_FROM);
        assert_eq!(count_union(&runs), merge_count(&runs));
        let mut all: Vec<u128> = runs.concat();
        all.sort_unstable();
        all.dedup();
        assert_eq!(count_union(&runs), all.len() as u64);
    }

    #[test]
    fn bytes_round_trip_and_corruption() {
        let s = SubjectSet::from_hashes(vec![3, 1, 2, 3]);
        assert_eq!(SubjectSet::from_bytes(&s.to_bytes()).unwrap(), s);
        assert!(SubjectSet::from_bytes(&[0; 15]).is_err());
        let mut b = s.to_bytes();
        b.rotate_left(16);
        assert!(SubjectSet::from_bytes(&b).is_err());
    }
}

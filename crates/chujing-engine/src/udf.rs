//! The functions DataFusion runs: each calls the native path's code, so that both give one answer.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use chujing_ledger::{SubjectHasher, SubjectSet, normalise};
use chujing_records::parse_flag;
use datafusion::arrow::array::{
    Array, ArrayRef, BooleanArray, FixedSizeBinaryArray, FixedSizeBinaryBuilder, Int8Array,
    LargeBinaryArray, StringArray, UInt8Array,
};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Field, FieldRef};
use datafusion::common::{Result, ScalarValue, exec_datafusion_err};
use datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion::logical_expr::{
    Accumulator, AggregateUDF, AggregateUDFImpl, ColumnarValue, EmitTo, GroupsAccumulator,
    ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};
use datafusion::prelude::{SessionConfig, SessionContext};

/// Bytes of a subject's pseudonym: the ledger's 128-bit keyed hash.
const HASH_BYTES: i32 = 16;

/// A session with chujing's functions registered under `hasher`'s key, using every core.
pub fn session(hasher: &SubjectHasher) -> SessionContext {
    let ctx = SessionContext::new_with_config(SessionConfig::new().with_information_schema(false));
    register(&ctx, hasher);
    ctx
}

/// Registers chujing's functions in `ctx`. The key stays in this process: a plan names the function, never
/// the key, so that a worker hashes under the key it was started with (and a plan cannot carry it away).
pub fn register(ctx: &SessionContext, hasher: &SubjectHasher) {
    let (scalars, aggregates) = functions(hasher);
    scalars.into_iter().for_each(|f| ctx.register_udf(f));
    aggregates.into_iter().for_each(|f| ctx.register_udaf(f));
}

/// chujing's scalar and aggregate functions, hashing under `hasher`'s key: what a session, a scheduler and
/// every executor register.
pub fn functions(hasher: &SubjectHasher) -> (Vec<ScalarUDF>, Vec<AggregateUDF>) {
    (
        vec![
            ScalarUDF::from(SubjectHash::new(hasher.clone())),
            ScalarUDF::from(KeyId::new(hasher.clone())),
            ScalarUDF::from(Sensitivity::new()),
            ScalarUDF::from(HashBucket::new()),
            ScalarUDF::from(crate::scan::PiCategories::new()),
        ],
        vec![
            AggregateUDF::from(SubjectSetAgg::new()),
            AggregateUDF::from(crate::scan::ScanAgg::new()),
        ],
    )
}

/// The argument as a UTF-8 string array (casting Utf8View and LargeUtf8, and numbers — a phone number stored
/// as an integer is the same digits).
fn strings(args: &ScalarFunctionArgs) -> Result<StringArray> {
    let value = args
        .args
        .first()
        .ok_or_else(|| exec_datafusion_err!("expected one argument"))?;
    let array = value.to_array(args.number_rows)?;
    let utf8 = cast(&array, &DataType::Utf8)?;
    utf8.as_any()
        .downcast_ref::<StringArray>()
        .cloned()
        .ok_or_else(|| exec_datafusion_err!("the argument is not text"))
}

/// The first argument as an array of hashes.
fn hashes(values: &[ArrayRef]) -> Result<&FixedSizeBinaryArray> {
    values
        .first()
        .and_then(|a| a.as_any().downcast_ref::<FixedSizeBinaryArray>())
        .ok_or_else(|| exec_datafusion_err!("expected hashes from chujing_subject_hash"))
}

/// A hash back from its 16 little-endian bytes (the ledger's storage order).
fn hash_of(bytes: &[u8]) -> Option<u128> {
    bytes.try_into().ok().map(u128::from_le_bytes)
}

/// A hasher compared by its key's id: two instances of a function are one when they hash under one key.
#[derive(Debug, Clone)]
struct Keyed(SubjectHasher);

impl PartialEq for Keyed {
    fn eq(&self, other: &Keyed) -> bool {
        self.0.key_id() == other.0.key_id()
    }
}
impl Eq for Keyed {}
impl Hash for Keyed {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.key_id().hash(state);
    }
}

/// `chujing_subject_hash(key)`: normalise, then hash under the deployment's key.
#[derive(Debug, PartialEq, Eq, Hash)]
struct SubjectHash {
    hasher: Keyed,
    signature: Signature,
}

impl SubjectHash {
    fn new(hasher: SubjectHasher) -> SubjectHash {
        SubjectHash {
            hasher: Keyed(hasher),
            signature: Signature::any(1, Volatility::Immutable),
        }
    }
}

impl ScalarUDFImpl for SubjectHash {
    fn name(&self) -> &str {
        "chujing_subject_hash"
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::FixedSizeBinary(HASH_BYTES))
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let keys = strings(&args)?;
        let mut out = FixedSizeBinaryBuilder::with_capacity(keys.len(), HASH_BYTES);
        for key in keys.iter() {
            match key.and_then(normalise) {
                Some(k) => out.append_value(self.hasher.0.hash(&k).to_le_bytes())?,
                None => out.append_null(),
            }
        }
        Ok(ColumnarValue::Array(Arc::new(out.finish())))
    }
}

/// `chujing_key_id(any)`: the id of the key the worker evaluating it hashes under, one per row (it takes a
/// column so that it runs where the rows are, not once at planning). A count checks it against the ledger's:
/// a worker started with another key would make other pseudonyms, and other counts.
#[derive(Debug, PartialEq, Eq, Hash)]
struct KeyId {
    hasher: Keyed,
    signature: Signature,
}

impl KeyId {
    fn new(hasher: SubjectHasher) -> KeyId {
        KeyId {
            hasher: Keyed(hasher),
            signature: Signature::any(1, Volatility::Immutable),
        }
    }
}

impl ScalarUDFImpl for KeyId {
    fn name(&self) -> &str {
        "chujing_key_id"
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Utf8)
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let ids = StringArray::from(vec![self.hasher.0.key_id(); args.number_rows]);
        Ok(ColumnarValue::Array(Arc::new(ids)))
    }
}

/// `chujing_sensitivity(flag)`: 0 no, 1 yes, 2 unreadable; NULL (no value) is no, as an empty cell is.
#[derive(Debug, PartialEq, Eq, Hash)]
struct Sensitivity {
    signature: Signature,
}

impl Sensitivity {
    /// The code of a flag that [`parse_flag`] cannot read.
    const UNREADABLE: i8 = 2;

    fn new() -> Sensitivity {
        Sensitivity {
            signature: Signature::any(1, Volatility::Immutable),
        }
    }
}

impl ScalarUDFImpl for Sensitivity {
    fn name(&self) -> &str {
        "chujing_sensitivity"
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Int8)
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let flags = strings(&args)?;
        let codes: Int8Array = flags
            .iter()
            .map(|flag| match flag.map(parse_flag) {
                None | Some(Ok(false)) => Some(0),
                Some(Ok(true)) => Some(1),
                Some(Err(_)) => Some(Sensitivity::UNREADABLE),
            })
            .collect();
        Ok(ColumnarValue::Array(Arc::new(codes)))
    }
}

/// `chujing_hash_bucket(hash)`: the hash's top 8 bits. Sets of different buckets are disjoint, so that they
/// are built in parallel and joined by concatenation — the ledger's partitions (`SubjectSet::partition`).
#[derive(Debug, PartialEq, Eq, Hash)]
struct HashBucket {
    signature: Signature,
}

impl HashBucket {
    fn new() -> HashBucket {
        HashBucket {
            signature: Signature::exact(
                vec![DataType::FixedSizeBinary(HASH_BYTES)],
                Volatility::Immutable,
            ),
        }
    }
}

impl ScalarUDFImpl for HashBucket {
    fn name(&self) -> &str {
        "chujing_hash_bucket"
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::UInt8)
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let array = args
            .args
            .first()
            .ok_or_else(|| exec_datafusion_err!("expected one argument"))?
            .to_array(args.number_rows)?;
        let hashes = hashes(std::slice::from_ref(&array))?;
        // Little-endian: the top bits are in the last byte.
        let buckets: UInt8Array = hashes
            .iter()
            .map(|h| h.and_then(|b| b.last().copied()))
            .collect();
        Ok(ColumnarValue::Array(Arc::new(buckets)))
    }
}

/// `chujing_subject_set(hash)`: every distinct hash, sorted — the set the ledger stores (`LargeBinary`, 16
/// little-endian bytes per individual). Exact: duplicates are removed by sorting, never estimated.
#[derive(Debug, PartialEq, Eq, Hash)]
struct SubjectSetAgg {
    signature: Signature,
}

impl SubjectSetAgg {
    fn new() -> SubjectSetAgg {
        SubjectSetAgg {
            signature: Signature::exact(
                vec![DataType::FixedSizeBinary(HASH_BYTES)],
                Volatility::Immutable,
            ),
        }
    }
}

impl AggregateUDFImpl for SubjectSetAgg {
    fn name(&self) -> &str {
        "chujing_subject_set"
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::LargeBinary)
    }
    fn accumulator(&self, _: AccumulatorArgs) -> Result<Box<dyn Accumulator>> {
        Ok(Box::new(SetAccumulator::default()))
    }
    fn state_fields(&self, _: StateFieldsArgs) -> Result<Vec<FieldRef>> {
        Ok(vec![Arc::new(Field::new(
            "set",
            DataType::LargeBinary,
            true,
        ))])
    }
    fn groups_accumulator_supported(&self, _: AccumulatorArgs) -> bool {
        true
    }
    fn create_groups_accumulator(&self, _: AccumulatorArgs) -> Result<Box<dyn GroupsAccumulator>> {
        Ok(Box::new(SetGroups::default()))
    }
}

/// The sets of many groups at once (`GROUP BY chujing_hash_bucket(h)`): one vector of hashes per group,
/// each compacted as [`SetAccumulator`]'s is.
#[derive(Debug, Default)]
struct SetGroups {
    sets: Vec<SetAccumulator>,
}

impl SetGroups {
    fn grow(&mut self, total_num_groups: usize) {
        if self.sets.len() < total_num_groups {
            self.sets
                .resize_with(total_num_groups, SetAccumulator::default);
        }
    }

    fn values(&mut self, emit_to: EmitTo) -> ArrayRef {
        let sets: LargeBinaryArray = emit_to
            .take_needed(&mut self.sets)
            .iter_mut()
            .map(|set| Some(set.bytes()))
            .collect();
        Arc::new(sets)
    }
}

/// Whether row `row` passes the aggregate's `FILTER`.
fn passes(filter: Option<&BooleanArray>, row: usize) -> bool {
    filter.is_none_or(|f| f.is_valid(row) && f.value(row))
}

impl GroupsAccumulator for SetGroups {
    fn update_batch(
        &mut self,
        values: &[ArrayRef],
        group_indices: &[usize],
        opt_filter: Option<&BooleanArray>,
        total_num_groups: usize,
    ) -> Result<()> {
        self.grow(total_num_groups);
        let array = hashes(values)?;
        for (row, group) in group_indices.iter().enumerate() {
            if !passes(opt_filter, row) || array.is_null(row) {
                continue;
            }
            if let (Some(set), Some(h)) = (self.sets.get_mut(*group), hash_of(array.value(row))) {
                set.hashes.push(h);
            }
        }
        self.sets
            .iter_mut()
            .for_each(SetAccumulator::compact_if_grown);
        Ok(())
    }

    fn merge_batch(
        &mut self,
        values: &[ArrayRef],
        group_indices: &[usize],
        total_num_groups: usize,
    ) -> Result<()> {
        self.grow(total_num_groups);
        let sets = partial_sets(values)?;
        for (row, group) in group_indices.iter().enumerate() {
            if let Some(set) = self.sets.get_mut(*group)
                && sets.is_valid(row)
            {
                set.merge(sets.value(row))?;
            }
        }
        Ok(())
    }

    fn evaluate(&mut self, emit_to: EmitTo) -> Result<ArrayRef> {
        Ok(self.values(emit_to))
    }

    fn state(&mut self, emit_to: EmitTo) -> Result<Vec<ArrayRef>> {
        Ok(vec![self.values(emit_to)])
    }

    /// Each row as the set of its one hash (empty when it is NULL or filtered out): how DataFusion skips a
    /// partial aggregation that gains nothing.
    fn convert_to_state(
        &self,
        values: &[ArrayRef],
        opt_filter: Option<&BooleanArray>,
    ) -> Result<Vec<ArrayRef>> {
        let array = hashes(values)?;
        let sets: LargeBinaryArray = (0..array.len())
            .map(|row| {
                let keep = passes(opt_filter, row) && array.is_valid(row);
                Some(if keep { array.value(row) } else { &[][..] })
            })
            .collect();
        Ok(vec![Arc::new(sets)])
    }

    fn size(&self) -> usize {
        self.sets.iter().map(Accumulator::size).sum::<usize>()
            + self.sets.capacity() * size_of::<SetAccumulator>()
    }
}

/// The partial sets handed from one stage to the next.
fn partial_sets(states: &[ArrayRef]) -> Result<&LargeBinaryArray> {
    states
        .first()
        .and_then(|a| a.as_any().downcast_ref::<LargeBinaryArray>())
        .ok_or_else(|| exec_datafusion_err!("expected the sets of chujing_subject_set"))
}

/// The hashes seen so far; sorted and deduplicated whenever they have doubled since the last time, so that
/// memory stays within about twice the distinct individuals.
#[derive(Debug, Default)]
struct SetAccumulator {
    hashes: Vec<u128>,
    distinct_at_last_compaction: usize,
}

impl SetAccumulator {
    fn compact(&mut self) {
        let set = SubjectSet::from_hashes(std::mem::take(&mut self.hashes));
        self.hashes = set.as_slice().to_vec();
        self.distinct_at_last_compaction = self.hashes.len();
    }

    fn compact_if_grown(&mut self) {
        if self.hashes.len() > 2 * self.distinct_at_last_compaction.max(1 << 16) {
            self.compact();
        }
    }

    /// The set, sorted and deduplicated, as the ledger stores it.
    fn bytes(&mut self) -> Vec<u8> {
        self.compact();
        let mut bytes = Vec::with_capacity(self.hashes.len() * 16);
        self.hashes
            .iter()
            .for_each(|h| bytes.extend_from_slice(&h.to_le_bytes()));
        bytes
    }

    fn value(&mut self) -> ScalarValue {
        ScalarValue::LargeBinary(Some(self.bytes()))
    }

    /// Adds a partial set (16 little-endian bytes per hash).
    fn merge(&mut self, set: &[u8]) -> Result<()> {
        if !set.len().is_multiple_of(16) {
            return Err(exec_datafusion_err!(
                "a partial set of {} bytes is not a whole number of hashes",
                set.len()
            ));
        }
        self.hashes.extend(set.chunks_exact(16).filter_map(hash_of));
        self.compact_if_grown();
        Ok(())
    }
}

impl Accumulator for SetAccumulator {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        let array = hashes(values)?;
        self.hashes
            .extend(array.iter().flatten().filter_map(hash_of));
        self.compact_if_grown();
        Ok(())
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        partial_sets(states)?
            .iter()
            .flatten()
            .try_for_each(|set| self.merge(set))
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        Ok(vec![self.value()])
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        Ok(self.value())
    }

    fn size(&self) -> usize {
        size_of::<SetAccumulator>() + self.hashes.capacity() * size_of::<u128>()
    }
}

//! The evaluation budget of one unit (a CloudFormation template; a Terraform root module with the
//! modules it calls): how deeply evaluation may nest, how many steps it may take, and how big
//! one value may grow. Every evaluator asks it before going on; past a limit the value being
//! evaluated is unknown, never an error (the limits are in [`crate::limits`]).

use crate::ir::{Part, Text};
use crate::limits::{
    EVAL_STEPS_PER_SOURCE_BYTE, MAX_EVAL_DEPTH, MAX_EVAL_STEPS, MAX_VALUE_BYTES, MAX_VALUE_DEPTH,
    MAX_VALUE_ITEMS, MAX_VALUE_STEPS, TEXT_BYTES_PER_STEP,
};
use std::cell::Cell;

/// What one unit's evaluation may still do.
#[derive(Debug)]
pub struct Budget {
    depth: Cell<usize>,
    /// Steps left for the unit.
    steps: Cell<usize>,
    /// Steps left for the value being evaluated (the outermost evaluation under way).
    value_steps: Cell<usize>,
    /// The steps each value gets.
    per_value: usize,
    /// Whether the value being evaluated was refused a step.
    ran_out: Cell<bool>,
    /// What has been done so far, to tell what a part of the evaluation took (see
    /// [`Budget::measure`]).
    tally: Tally,
}

/// Counts of a unit's evaluation so far.
#[derive(Debug, Default)]
struct Tally {
    /// Steps spent.
    spent: Cell<usize>,
    /// Steps spent computing values that are kept for later reads (see [`Budget::kept`]).
    kept: Cell<usize>,
    /// Kept computations under way.
    keeping: Cell<usize>,
    /// Steps or nesting refused.
    refused: Cell<usize>,
    /// The deepest nesting reached.
    peak: Cell<usize>,
}

/// What evaluating something took, besides computing the values it kept: evaluating it again,
/// with those values known, takes as much (see [`Budget::replay`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cost {
    /// Steps spent.
    pub steps: usize,
    /// How much deeper than where it started evaluation nested.
    pub depth: usize,
    /// Whether a step or nesting was refused, or the cost could not be told (it ran inside a
    /// kept computation): it cannot be replayed.
    pub unknown: bool,
}

impl Cost {
    /// Adds what evaluating something else took.
    pub fn add(&mut self, other: Cost) {
        self.steps = self.steps.saturating_add(other.steps);
        self.depth = self.depth.max(other.depth);
        self.unknown |= other.unknown;
    }
}

impl Budget {
    /// The budget of a unit whose source is `source_bytes` long.
    pub fn new(source_bytes: usize) -> Budget {
        let budget = Budget::with_steps(MAX_EVAL_STEPS, MAX_VALUE_STEPS);
        budget.grant(source_bytes);
        budget
    }

    /// A budget of `steps` for the unit and `per_value` for each value.
    pub fn with_steps(steps: usize, per_value: usize) -> Budget {
        Budget {
            depth: Cell::new(0),
            steps: Cell::new(steps),
            value_steps: Cell::new(per_value),
            per_value,
            ran_out: Cell::new(false),
            tally: Tally::default(),
        }
    }

    /// Adds the steps for `source_bytes` more of source.
    pub fn grant(&self, source_bytes: usize) {
        let more = source_bytes.saturating_mul(EVAL_STEPS_PER_SOURCE_BYTE);
        self.steps.set(self.steps.get().saturating_add(more));
    }

    /// Runs `f` one level deeper and one step further; `None` when evaluation is already nested
    /// [`MAX_EVAL_DEPTH`] deep or the steps are spent. An evaluation that is not nested in
    /// another evaluates a new value, with steps of its own ([`MAX_VALUE_STEPS`]) taken from
    /// those of the unit.
    pub fn nest<T>(&self, f: impl FnOnce() -> T) -> Option<T> {
        let depth = self.depth.get();
        if depth == 0 {
            self.value_steps.set(self.per_value);
            self.ran_out.set(false);
        }
        if depth >= MAX_EVAL_DEPTH {
            self.refuse();
            return None;
        }
        if !self.spend(1) {
            return None;
        }
        self.depth.set(depth + 1);
        if depth + 1 > self.tally.peak.get() {
            self.tally.peak.set(depth + 1);
        }
        let value = f();
        self.depth.set(depth);
        Some(value)
    }

    /// Spends `steps` of the value being evaluated and of the unit; false, and nothing is left
    /// of the one that had fewer, when either had fewer.
    pub fn spend(&self, steps: usize) -> bool {
        let value = self.value_steps.get().checked_sub(steps);
        let unit = self.steps.get().checked_sub(steps);
        match (value, unit) {
            (Some(value), Some(unit)) => {
                self.value_steps.set(value);
                self.steps.set(unit);
                self.tally
                    .spent
                    .set(self.tally.spent.get().saturating_add(steps));
                true
            }
            _ => {
                self.value_steps.set(value.unwrap_or(0));
                self.steps
                    .set(if unit.is_some() { self.steps.get() } else { 0 });
                self.ran_out.set(true);
                self.refuse();
                false
            }
        }
    }

    fn refuse(&self) {
        let refused = &self.tally.refused;
        refused.set(refused.get().saturating_add(1));
    }

    /// Runs `f`, which computes a value kept for later reads (a memoised value, a module
    /// instance): its steps are not counted in the cost of what asked for it.
    pub fn kept<T>(&self, f: impl FnOnce() -> T) -> T {
        let t = &self.tally;
        let before = t.spent.get();
        t.keeping.set(t.keeping.get() + 1);
        let value = f();
        t.keeping.set(t.keeping.get() - 1);
        if t.keeping.get() == 0 {
            t.kept.set(
                t.kept
                    .get()
                    .saturating_add(t.spent.get().saturating_sub(before)),
            );
        }
        value
    }

    /// Runs `f`, with what it took besides the values it computed and kept.
    pub fn measure<T>(&self, f: impl FnOnce() -> T) -> (T, Cost) {
        let t = &self.tally;
        let (spent, kept, refused, peak) =
            (t.spent.get(), t.kept.get(), t.refused.get(), t.peak.get());
        let depth = self.depth.get();
        t.peak.set(depth);
        let value = f();
        let cost = Cost {
            steps: (t.spent.get() - spent).saturating_sub(t.kept.get() - kept),
            depth: t.peak.get() - depth,
            unknown: t.refused.get() != refused || t.keeping.get() > 0,
        };
        t.peak.set(peak.max(t.peak.get()));
        (value, cost)
    }

    /// Spends what evaluating something again here takes, when it is known (`cost`, measured
    /// at the outermost level) and that evaluation would be refused nothing: the steps are
    /// left, and nested, it takes the steps of the value under way and does not pass the
    /// nesting limit. At the outermost level, where each value it evaluates starts with steps
    /// of its own, it needs `last`, the steps of the last of them, which it leaves of the
    /// value's steps. False, spending nothing, otherwise.
    pub fn replay(&self, cost: Cost, last: Option<usize>) -> bool {
        if cost.unknown || self.ran_out.get() || cost.steps > self.steps.get() {
            return false;
        }
        let depth = self.depth.get();
        if depth > 0 {
            return depth + cost.depth <= MAX_EVAL_DEPTH
                && cost.steps <= self.value_steps.get()
                && self.spend(cost.steps);
        }
        let Some(last) = last else {
            return false;
        };
        self.steps.set(self.steps.get() - cost.steps);
        self.value_steps.set(self.per_value.saturating_sub(last));
        let spent = &self.tally.spent;
        spent.set(spent.get().saturating_add(cost.steps));
        true
    }

    /// The steps left for the unit.
    #[cfg(test)]
    pub fn steps_left(&self) -> usize {
        self.steps.get()
    }

    /// Keeps a `parts`th of the steps left: for one of `parts` evaluations of the unit that
    /// together may take no more steps than it has.
    pub fn share(&self, parts: usize) {
        self.steps.set(self.steps.get() / parts.max(1));
    }

    /// Whether a step or a level of nesting was refused so far.
    pub fn refused_any(&self) -> bool {
        self.tally.refused.get() > 0
    }

    /// The steps left, of the unit and of the value under way, and whether that value ran out:
    /// for checking, in debug builds, that a replay leaves what evaluating again leaves.
    #[cfg(debug_assertions)]
    pub fn state(&self) -> (usize, usize, bool) {
        (self.steps.get(), self.value_steps.get(), self.ran_out.get())
    }

    /// Sets what [`Budget::state`] gives.
    #[cfg(debug_assertions)]
    pub fn set_state(&self, (steps, value_steps, ran_out): (usize, usize, bool)) {
        self.steps.set(steps);
        self.value_steps.set(value_steps);
        self.ran_out.set(ran_out);
    }

    /// Whether the value being evaluated was refused a step: what was computed for it is
    /// partial, and not to be kept.
    pub fn ran_out(&self) -> bool {
        self.ran_out.get()
    }

    /// Whether a value of `size` may be built, spending the steps that building it takes.
    pub fn build(&self, size: Size) -> bool {
        size.fits() && self.spend(size.steps())
    }
}

/// How big a value is: its items at every level, the bytes of its text and its nesting depth.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Size {
    pub items: usize,
    pub bytes: usize,
    pub depth: usize,
}

impl Size {
    /// A scalar.
    pub const SCALAR: Size = Size {
        items: 1,
        bytes: 0,
        depth: 0,
    };

    /// A string of `bytes` bytes.
    pub fn text(bytes: usize) -> Size {
        Size {
            bytes,
            ..Size::SCALAR
        }
    }

    /// A string, partly known or not.
    pub fn of_text(text: &Text) -> Size {
        Size::text(text.parts().iter().map(part_bytes).sum())
    }

    /// An empty list or map.
    pub const EMPTY: Size = Size {
        items: 1,
        bytes: 0,
        depth: 1,
    };

    /// A list or map holding values of these sizes.
    pub fn collection(items: impl IntoIterator<Item = Size>) -> Size {
        items.into_iter().fold(Size::EMPTY, Size::holding)
    }

    /// This list or map with one more value, of size `item`, in it.
    pub fn holding(self, item: Size) -> Size {
        Size {
            items: self.items.saturating_add(item.items),
            bytes: self.bytes.saturating_add(item.bytes),
            depth: self.depth.max(item.depth.saturating_add(1)),
        }
    }

    /// Whether a value of this size may exist ([`MAX_VALUE_ITEMS`], [`MAX_VALUE_BYTES`],
    /// [`MAX_VALUE_DEPTH`]).
    pub fn fits(self) -> bool {
        self.items <= MAX_VALUE_ITEMS
            && self.bytes <= MAX_VALUE_BYTES
            && self.depth <= MAX_VALUE_DEPTH
    }

    /// The steps that building or copying a value of this size takes.
    pub fn steps(self) -> usize {
        self.items.saturating_add(self.bytes / TEXT_BYTES_PER_STEP)
    }
}

/// A string being built from parts, which stops growing past the size of one value.
#[derive(Debug, Default)]
pub struct TextBuilder {
    parts: Vec<Part>,
    bytes: usize,
}

impl TextBuilder {
    /// Appends a part, unless the string is already too big. Parts are merged as they come,
    /// as [`Text::from_parts`] merges them; each counts on its own towards the size.
    pub fn push(&mut self, part: Part) {
        if self.too_big() {
            return;
        }
        self.bytes = self.bytes.saturating_add(part_bytes(&part));
        match (self.parts.last_mut(), part) {
            (Some(Part::Lit(last)), Part::Lit(s)) => last.push_str(&s),
            (Some(Part::Hole), Part::Hole) => {}
            (_, Part::Lit(s)) if s.is_empty() => {}
            (_, part) => self.parts.push(part),
        }
    }

    /// Appends a known part (added to the known part before it, if any).
    pub fn push_str(&mut self, s: &str) {
        if self.too_big() {
            return;
        }
        self.bytes = self.bytes.saturating_add(1 + s.len());
        match self.parts.last_mut() {
            Some(Part::Lit(last)) => last.push_str(s),
            _ if s.is_empty() => {}
            _ => self.parts.push(Part::Lit(s.to_string())),
        }
    }

    /// Appends the parts of a text.
    pub fn push_text(&mut self, text: &Text) {
        for part in text.parts() {
            match part {
                Part::Lit(s) => self.push_str(s),
                part => self.push(part.clone()),
            }
        }
    }

    /// Appends a string given up: its parts are moved, not copied.
    pub fn push_owned_text(&mut self, text: Text) {
        for part in text.into_parts() {
            self.push(part);
        }
    }

    /// Whether the string has grown past the size of one value.
    pub fn too_big(&self) -> bool {
        !Size::text(self.bytes).fits()
    }

    /// The string, however big.
    pub fn into_text(self) -> Text {
        Text::from_merged(self.parts)
    }

    /// The string, when it is not too big and `budget` has the steps to build it.
    pub fn finish(self, budget: &Budget) -> Option<Text> {
        (!self.too_big() && budget.spend(Size::text(self.bytes).steps()))
            .then(|| Text::from_merged(self.parts))
    }
}

/// The bytes one part of a string counts for: its text, and one for the part itself (so that
/// strings of many unknown parts count too).
pub fn part_bytes(part: &Part) -> usize {
    1 + match part {
        Part::Lit(s) => s.len(),
        Part::Named { name, .. } => name.len(),
        Part::Hole => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_share_of_the_steps_is_refused_past_it_whatever_the_unit_had() {
        let budget = Budget::with_steps(1_000, 1_000);
        budget.grant(200);
        budget.share(3);
        assert_eq!(budget.steps_left(), 400);
        assert!(!budget.refused_any());
        assert!(budget.spend(400));
        assert!(!budget.spend(1));
        assert!(budget.refused_any());
    }

    #[test]
    fn a_measured_cost_leaves_out_kept_values_and_replays_only_where_it_would_be_the_same() {
        let budget = Budget::with_steps(1_000, 100);
        // 1 step to nest and 10 spent, with a kept value of 1 + 30 that is not counted.
        let ((), cost) = budget.measure(|| {
            budget.nest(|| {
                assert!(budget.spend(10));
                budget.kept(|| budget.nest(|| budget.spend(30)));
            });
        });
        assert_eq!(
            cost,
            Cost {
                steps: 11,
                depth: 2,
                unknown: false
            }
        );
        // At the outermost level each value has steps of its own: replayed only knowing the
        // steps of the last, which are what is left of the value's.
        assert!(!budget.replay(cost, None));
        assert!(budget.replay(cost, Some(11)));
        assert_eq!(budget.steps.get(), 1_000 - 42 - 11);
        assert_eq!(budget.value_steps.get(), 100 - 11);
        assert!(!budget.ran_out());
        // Nested, it takes the steps of the value under way: 100 - 1 - 11 left.
        assert_eq!(budget.nest(|| budget.replay(cost, None)), Some(true));
        assert_eq!(budget.steps.get(), 1_000 - 42 - 11 - 12);
        assert_eq!(
            budget.nest(|| {
                assert!(budget.spend(90));
                budget.replay(cost, None)
            }),
            Some(false),
            "9 steps of the value left"
        );
        assert!(!budget.ran_out(), "refusing to replay refuses no step");
        // Too deep to nest twice more.
        fn down(b: &Budget, n: usize, cost: Cost) -> Option<bool> {
            match n {
                0 => Some(b.replay(cost, None)),
                _ => b.nest(|| down(b, n - 1, cost)).flatten(),
            }
        }
        let deep = Budget::with_steps(1_000, 1_000);
        assert_eq!(down(&deep, MAX_EVAL_DEPTH - 2, cost), Some(true));
        assert_eq!(down(&deep, MAX_EVAL_DEPTH - 1, cost), Some(false));
        // What was refused a step cannot be replayed.
        let small = Budget::with_steps(1_000, 5);
        let (_, refused) = small.measure(|| small.nest(|| small.spend(10)));
        assert!(refused.unknown);
        assert_eq!(small.nest(|| small.replay(refused, None)), Some(false));
        assert!(!small.replay(refused, Some(1)));
    }

    #[test]
    fn nesting_stops_at_the_depth_limit_and_recovers() {
        let budget = Budget::new(0);
        fn down(b: &Budget) -> usize {
            b.nest(|| 1 + down(b)).unwrap_or(0)
        }
        assert_eq!(down(&budget), MAX_EVAL_DEPTH);
        // Depth is given back on the way up.
        assert_eq!(budget.nest(|| 7), Some(7));
    }

    #[test]
    fn steps_run_out_for_a_value_then_for_the_unit() {
        let budget = Budget::with_steps(25, 10);
        fn work(b: &Budget, n: usize) -> Option<()> {
            b.nest(|| (0..n).try_for_each(|_| b.nest(|| ())))?
        }
        // 1 + 9 steps fit in a value; 1 + 10 do not.
        assert_eq!(work(&budget, 9), Some(()));
        assert!(!budget.ran_out());
        assert_eq!(budget.steps.get(), 15);
        assert_eq!(work(&budget, 10), None);
        assert!(budget.ran_out());
        assert_eq!(budget.steps.get(), 5);
        // The next value has steps of its own, until the unit has none.
        assert_eq!(work(&budget, 3), Some(()));
        assert!(!budget.ran_out());
        assert_eq!(work(&budget, 3), None);
        assert!(budget.ran_out());
        assert_eq!(budget.steps.get(), 0);
        assert_eq!(budget.nest(|| ()), None);
        assert!(!budget.spend(1));
        let unit = Budget::new(10);
        assert_eq!(
            unit.steps.get(),
            MAX_EVAL_STEPS + 10 * EVAL_STEPS_PER_SOURCE_BYTE
        );
    }

    #[test]
    fn sizes_add_up_and_are_capped() {
        let list = Size::collection([Size::text(3), Size::SCALAR]);
        assert_eq!(
            list,
            Size {
                items: 3,
                bytes: 3,
                depth: 1
            }
        );
        assert_eq!(Size::collection([list]).depth, 2);
        assert!(list.fits());
        assert!(!Size::text(MAX_VALUE_BYTES + 1).fits());
        let deep = (0..=MAX_VALUE_DEPTH).fold(Size::SCALAR, |s, _| Size::collection([s]));
        assert!(!deep.fits());
        let huge = Size {
            items: usize::MAX,
            ..Size::SCALAR
        };
        assert!(!Size::collection([huge, huge]).fits());
        assert!(!Budget::new(0).build(huge));
    }
}

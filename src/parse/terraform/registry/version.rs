//! Terraform module version constraints (`~> 20.0`, `>= 21, < 22`, `20.24.0`): whether a
//! constraint lets Terraform pick some release of a given major version.
//!
//! The syntax is Terraform's (<https://developer.hashicorp.com/terraform/language/expressions/version-constraints>):
//! comma-separated conditions, each an operator (`=`, `!=`, `>`, `>=`, `<`, `<=`, `~>`, or none
//! for `=`) and a version of one to three numbers; `~>` allows only the rightmost number to grow.

/// A version as three numbers (missing ones are zero); a pre-release suffix is ignored.
type Version = (u64, u64, u64);

/// One end of a range of versions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Bound {
    at: Version,
    inclusive: bool,
}

/// Whether some version `major.x.y` satisfies `constraint`; `None` when the constraint cannot be
/// read.
pub fn allows_major(constraint: &str, major: u64) -> Option<bool> {
    let mut low = Bound {
        at: (major, 0, 0),
        inclusive: true,
    };
    let mut high = Bound {
        at: (major.checked_add(1)?, 0, 0),
        inclusive: false,
    };
    let mut excluded = Vec::new();
    for condition in constraint.split(',') {
        let condition = condition.trim();
        let (op, rest) = [">=", "<=", "!=", "~>", ">", "<", "="]
            .iter()
            .find_map(|op| condition.strip_prefix(op).map(|r| (*op, r)))
            .unwrap_or(("=", condition));
        let (at, parts) = parse(rest.trim())?;
        let bound = |inclusive| Bound { at, inclusive };
        match op {
            "=" => {
                low = max(low, bound(true));
                high = min(high, bound(true));
            }
            "!=" => excluded.push(at),
            ">=" => low = max(low, bound(true)),
            ">" => low = max(low, bound(false)),
            "<=" => high = min(high, bound(true)),
            "<" => high = min(high, bound(false)),
            _ => {
                // `~> 20` and `~> 20.1` allow any 20.x from there; `~> 20.1.2` any 20.1.x.
                low = max(low, bound(true));
                let next = if parts == 3 {
                    (at.0, at.1.checked_add(1)?, 0)
                } else {
                    (at.0.checked_add(1)?, 0, 0)
                };
                high = min(
                    high,
                    Bound {
                        at: next,
                        inclusive: false,
                    },
                );
            }
        }
    }
    Some(match low.at.cmp(&high.at) {
        std::cmp::Ordering::Less => true,
        std::cmp::Ordering::Equal => low.inclusive && high.inclusive && !excluded.contains(&low.at),
        std::cmp::Ordering::Greater => false,
    })
}

/// `20`, `20.24`, `20.24.0`, `v20.24.0-beta1`: the version and how many numbers it was given.
fn parse(text: &str) -> Option<(Version, usize)> {
    let text = text.strip_prefix('v').unwrap_or(text);
    let core = text.split(['-', '+']).next()?;
    let numbers: Vec<u64> = core
        .split('.')
        .map(|n| n.parse().ok())
        .collect::<Option<_>>()?;
    match numbers.as_slice() {
        [a] => Some(((*a, 0, 0), 1)),
        [a, b] => Some(((*a, *b, 0), 2)),
        [a, b, c] => Some(((*a, *b, *c), 3)),
        _ => None,
    }
}

/// The tighter of two lower bounds.
fn max(a: Bound, b: Bound) -> Bound {
    match a.at.cmp(&b.at) {
        std::cmp::Ordering::Less => b,
        std::cmp::Ordering::Greater => a,
        std::cmp::Ordering::Equal => Bound {
            at: a.at,
            inclusive: a.inclusive && b.inclusive,
        },
    }
}

/// The tighter of two upper bounds.
fn min(a: Bound, b: Bound) -> Bound {
    match a.at.cmp(&b.at) {
        std::cmp::Ordering::Less => a,
        std::cmp::Ordering::Greater => b,
        std::cmp::Ordering::Equal => Bound {
            at: a.at,
            inclusive: a.inclusive && b.inclusive,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::allows_major;

    #[test]
    fn pessimistic_constraints_stay_in_their_major() {
        assert_eq!(allows_major("~> 20.0", 20), Some(true));
        assert_eq!(allows_major("~> 20.0", 21), Some(false));
        assert_eq!(allows_major("~> 20.24.0", 20), Some(true));
        assert_eq!(allows_major("~> 20", 21), Some(false));
        assert_eq!(allows_major("~>21.3", 21), Some(true));
    }

    #[test]
    fn exact_versions_pick_their_major() {
        assert_eq!(allows_major("20.24.0", 20), Some(true));
        assert_eq!(allows_major("20.24.0", 21), Some(false));
        assert_eq!(allows_major("= 21.0.0", 21), Some(true));
        assert_eq!(allows_major("20.24.0, != 20.24.0", 20), Some(false));
    }

    #[test]
    fn ranges_allow_every_major_they_touch() {
        assert_eq!(allows_major(">= 21", 21), Some(true));
        assert_eq!(allows_major(">= 21", 20), Some(false));
        assert_eq!(allows_major(">= 20.0, < 21.0", 20), Some(true));
        assert_eq!(allows_major(">= 20.0, < 21.0", 21), Some(false));
        assert_eq!(allows_major("> 20.0.0, <= 21.0.0", 21), Some(true));
        assert_eq!(allows_major("< 20", 20), Some(false));
        assert_eq!(allows_major(">= 19, < 20", 20), Some(false));
    }

    #[test]
    fn unreadable_constraints_are_none() {
        assert_eq!(allows_major("latest", 20), None);
        assert_eq!(allows_major("~> 20.x", 20), None);
        assert_eq!(allows_major("1.2.3.4", 1), None);
        assert_eq!(allows_major(&format!("{}", u64::MAX), u64::MAX), None);
    }
}

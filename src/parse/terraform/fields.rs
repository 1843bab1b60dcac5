//! The attributes of a Terraform map or object value: by name, in name order, in a vector the
//! size of its attributes. (A `BTreeMap` node holds room for eleven: an object of a few
//! attributes took 2 KB, and a module's values hold thousands of objects.)

use super::value::Sv;
use crate::source::Span;

/// An attribute's value with the span of its name.
pub type Field = (Span, Sv);

/// Attributes sorted by name, each name once.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Fields {
    sorted: Vec<(String, Field)>,
}

impl Fields {
    pub fn new() -> Fields {
        Fields::default()
    }

    fn find(&self, name: &str) -> Result<usize, usize> {
        self.sorted.binary_search_by(|(k, _)| k.as_str().cmp(name))
    }

    /// Sets `name`, and gives its value before, if any. (One at a time: many are collected.)
    pub fn insert(&mut self, name: String, field: Field) -> Option<Field> {
        match self.find(&name) {
            Ok(i) => Some(std::mem::replace(&mut self.sorted[i].1, field)),
            Err(i) => {
                self.sorted.insert(i, (name, field));
                None
            }
        }
    }

    pub fn get(&self, name: &str) -> Option<&Field> {
        self.find(name).ok().map(|i| &self.sorted[i].1)
    }

    pub fn get_mut(&mut self, name: &str) -> Option<&mut Field> {
        self.find(name).ok().map(|i| &mut self.sorted[i].1)
    }

    pub fn contains_key(&self, name: &str) -> bool {
        self.find(name).is_ok()
    }

    pub fn remove(&mut self, name: &str) -> Option<Field> {
        self.find(name).ok().map(|i| self.sorted.remove(i).1)
    }

    pub fn len(&self) -> usize {
        self.sorted.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sorted.is_empty()
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&String, &Field)> + ExactSizeIterator {
        self.sorted.iter().map(|(k, v)| (k, v))
    }

    pub fn iter_mut(
        &mut self,
    ) -> impl DoubleEndedIterator<Item = (&String, &mut Field)> + ExactSizeIterator {
        self.sorted.iter_mut().map(|(k, v)| (&*k, v))
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &String> + ExactSizeIterator {
        self.sorted.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &Field> + ExactSizeIterator {
        self.sorted.iter().map(|(_, v)| v)
    }

    pub fn values_mut(
        &mut self,
    ) -> impl DoubleEndedIterator<Item = &mut Field> + ExactSizeIterator {
        self.sorted.iter_mut().map(|(_, v)| v)
    }
}

/// As a map is collected: in name order, the last of the same name kept.
impl FromIterator<(String, Field)> for Fields {
    fn from_iter<I: IntoIterator<Item = (String, Field)>>(items: I) -> Fields {
        Fields::from_vec(items.into_iter().collect())
    }
}

impl Fields {
    /// The fields of `items` in name order, the last of a name kept. Not generic: a sort
    /// written in the generic `from_iter` was compiled again for every kind of iterator
    /// collected (about 500 KB of machine code in all).
    fn from_vec(mut sorted: Vec<(String, Field)>) -> Fields {
        // Stable: of the same name, the last stays last.
        if !sorted.is_sorted_by(|a, b| a.0 < b.0) {
            sorted.sort_by(|a, b| a.0.cmp(&b.0));
            let mut kept: Vec<(String, Field)> = Vec::with_capacity(sorted.len());
            for item in sorted {
                match kept.last_mut() {
                    Some(last) if last.0 == item.0 => *last = item,
                    _ => kept.push(item),
                }
            }
            sorted = kept;
        }
        Fields { sorted }
    }
}

impl Extend<(String, Field)> for Fields {
    fn extend<I: IntoIterator<Item = (String, Field)>>(&mut self, items: I) {
        let mut all = std::mem::take(&mut self.sorted);
        all.extend(items);
        *self = Fields::from_vec(all);
    }
}

/// The field of a name that is there (as a map is indexed).
impl std::ops::Index<&str> for Fields {
    type Output = Field;

    fn index(&self, name: &str) -> &Field {
        self.get(name).expect("a field of the name")
    }
}

impl<const N: usize> From<[(String, Field); N]> for Fields {
    fn from(items: [(String, Field); N]) -> Fields {
        items.into_iter().collect()
    }
}

impl IntoIterator for Fields {
    type Item = (String, Field);
    type IntoIter = std::vec::IntoIter<(String, Field)>;

    fn into_iter(self) -> Self::IntoIter {
        self.sorted.into_iter()
    }
}

impl<'a> IntoIterator for &'a Fields {
    type Item = (&'a String, &'a Field);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (String, Field)>,
        fn(&'a (String, Field)) -> (&'a String, &'a Field),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.sorted.iter().map(|(k, v)| (k, v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn field(n: f64) -> Field {
        let span = Span::new(FileId(0), 0, 0);
        (span, Sv::new(super::super::value::Value::Number(n), span))
    }

    fn number(f: Option<&Field>) -> Option<f64> {
        match f.map(|(_, v)| &v.value) {
            Some(super::super::value::Value::Number(n)) => Some(*n),
            _ => None,
        }
    }

    #[test]
    fn collected_fields_are_in_name_order_and_the_last_of_a_name_is_kept() {
        let fields: Fields = [("b", 1.0), ("a", 2.0), ("b", 3.0), ("c", 4.0), ("a", 5.0)]
            .into_iter()
            .map(|(k, n)| (k.to_string(), field(n)))
            .collect();
        let keys: Vec<&str> = fields.keys().map(String::as_str).collect();
        assert_eq!(keys, ["a", "b", "c"]);
        assert_eq!(number(fields.get("a")), Some(5.0));
        assert_eq!(number(fields.get("b")), Some(3.0));
        assert_eq!(number(fields.get("d")), None);
    }

    #[test]
    fn inserting_keeps_the_order_and_replaces_a_name_set_before() {
        let mut fields = Fields::new();
        for (k, n) in [("m", 1.0), ("a", 2.0), ("z", 3.0), ("m", 4.0)] {
            fields.insert(k.to_string(), field(n));
        }
        let keys: Vec<&str> = fields.keys().map(String::as_str).collect();
        assert_eq!(keys, ["a", "m", "z"]);
        assert_eq!(number(fields.get("m")), Some(4.0));
        assert_eq!(number(fields.remove("a").as_ref()), Some(2.0));
        assert!(!fields.contains_key("a") && fields.len() == 2);
    }
}

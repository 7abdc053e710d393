//! Typed, borrowed, tolerant reading of JSON members: the building blocks of the typed views.
//!
//! Why not `serde_json::Value`: a TFE page of 100 workspaces with their runs is about 600 KB, of
//! which the catalog reads a few dozen fields per resource. Building a `Value` tree of the whole
//! page costs several times the parse itself, in time and in memory. These types read a member in
//! one pass, borrow strings from the input when they hold no escapes, and skip everything else.
//!
//! Every type here accepts any JSON value: a value of the wrong type reads as absent, exactly as
//! `Value::as_str` (and friends) would have answered, so unknown shapes never fail a document.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// Every `visit_*` but `visit_map` as "absent".
macro_rules! absent_otherwise_but_map {
    ($value:expr) => {
        fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
            Ok($value)
        }
    };
}
pub(crate) use absent_otherwise_but_map;

/// A string, borrowed from the input when it has no escapes; anything else reads as `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Text<'a>(pub Option<Cow<'a, str>>);

impl<'a> Text<'a> {
    /// The string, when there was one.
    pub fn get(&self) -> Option<&str> {
        self.0.as_deref()
    }

    /// The string when present and not empty (the catalog's "unset").
    pub fn non_empty(&self) -> Option<&str> {
        self.get().filter(|s| !s.is_empty())
    }

    /// [`Self::non_empty`], owned.
    pub fn owned(&self) -> Option<String> {
        self.non_empty().map(str::to_owned)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Text(Some(Cow::Borrowed(v))))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Text(Some(Cow::Owned(v))))
            }
            fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok(Text(None))
            }
            fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<Self::Value, E> {
                Ok(Text(None))
            }
            fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Self::Value, E> {
                Ok(Text(None))
            }
            fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Ok(Text(None))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Text(Some(Cow::Owned(v.to_owned()))))
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
                Ok(Text(None))
            }
            fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
                Ok(Text(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Text(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Text(None))
            }
        }
        d.deserialize_any(V)
    }
}

/// An object key, borrowed when it has no escapes.
pub struct Key<'a>(pub Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Key<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object key")
            }
            fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

/// A boolean as `Value::as_bool` reads it: only JSON `true`/`false`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Bool(pub Option<bool>);

impl<'de> Deserialize<'de> for Bool {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Bool;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Self::Value, E> {
                Ok(Bool(Some(v)))
            }
            fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<Self::Value, E> {
                Ok(Bool(None))
            }
            fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Self::Value, E> {
                Ok(Bool(None))
            }
            fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Ok(Bool(None))
            }
            fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<Self::Value, E> {
                Ok(Bool(None))
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
                Ok(Bool(None))
            }
            fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
                Ok(Bool(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Bool(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Bool(None))
            }
        }
        d.deserialize_any(V)
    }
}

/// A boolean that also accepts the strings `"true"`/`"false"` some TFE fields carry.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Flag(pub Option<bool>);

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Flag;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Self::Value, E> {
                Ok(Flag(Some(v)))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Flag(match v {
                    "true" => Some(true),
                    "false" => Some(false),
                    _ => None,
                }))
            }
            fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<Self::Value, E> {
                Ok(Flag(None))
            }
            fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Self::Value, E> {
                Ok(Flag(None))
            }
            fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Ok(Flag(None))
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
                Ok(Flag(None))
            }
            fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
                Ok(Flag(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Flag(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Flag(None))
            }
        }
        d.deserialize_any(V)
    }
}

/// A non-negative integer as `Value::as_u64` reads it (no floats, no strings); with `strings`, a
/// numeric string too.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Count<const STRINGS: bool>(pub Option<u64>);

impl<'de, const STRINGS: bool> Deserialize<'de> for Count<STRINGS> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<const S: bool>;
        impl<'de, const S: bool> Visitor<'de> for V<S> {
            type Value = Count<S>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(Count(Some(v)))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(Count(u64::try_from(v).ok()))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Count(if S { v.parse().ok() } else { None }))
            }
            fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok(Count(None))
            }
            fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Ok(Count(None))
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
                Ok(Count(None))
            }
            fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
                Ok(Count(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Count(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Count(None))
            }
        }
        d.deserialize_any(V::<STRINGS>)
    }
}

/// A JSON array read element by element with `T` (itself tolerant); anything else is empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct List<T>(pub Vec<T>);

impl<T> Default for List<T> {
    fn default() -> Self {
        List(Vec::new())
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for List<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = List<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(List(items))
            }
            fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok(List::default())
            }
            fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<Self::Value, E> {
                Ok(List::default())
            }
            fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Self::Value, E> {
                Ok(List::default())
            }
            fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Ok(List::default())
            }
            fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<Self::Value, E> {
                Ok(List::default())
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
                Ok(List::default())
            }
            fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
                Ok(List::default())
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(List::default())
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// A JSON object of strings (`status-timestamps`): non-string values are dropped; anything but an
/// object is empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StrMap(pub BTreeMap<String, String>);

impl<'de> Deserialize<'de> for StrMap {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = StrMap;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = BTreeMap::new();
                while let Some(Key(k)) = map.next_key::<Key>()? {
                    match map.next_value::<Text>()?.0 {
                        Some(v) => {
                            out.insert(k.into_owned(), v.into_owned());
                        }
                        // A later non-string value replaces an earlier string, as in a JSON object.
                        None => {
                            out.remove(k.as_ref());
                        }
                    }
                }
                Ok(StrMap(out))
            }
            absent_otherwise_but_map!(StrMap::default());
        }
        d.deserialize_any(V)
    }
}

/// Declares a struct read from a JSON object, one field per key (the last occurrence of a key
/// wins, as in `serde_json::Value`), skipping every other key; anything but an object reads as
/// the default (all absent). The struct has one lifetime, of the input it borrows from.
macro_rules! object {
    ($(#[$meta:meta])* $vis:vis struct $name:ident<$lt:lifetime> { $($(#[$fmeta:meta])* $key:literal => $field:ident: $ty:ty),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, PartialEq)]
        $vis struct $name<$lt> {
            $($(#[$fmeta])* pub $field: $ty,)*
            _input: std::marker::PhantomData<&$lt str>,
        }

        impl<'de: $lt, $lt> serde::Deserialize<'de> for $name<$lt> {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl<'de> serde::de::Visitor<'de> for V {
                    type Value = $name<'de>;
                    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                        f.write_str("any JSON value")
                    }
                    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                        let mut out = $name::default();
                        while let Some($crate::tfe::lenient::Key(k)) = map.next_key()? {
                            match k.as_ref() {
                                $($key => out.$field = map.next_value()?,)*
                                _ => {
                                    map.next_value::<serde::de::IgnoredAny>()?;
                                }
                            }
                        }
                        Ok(out)
                    }
                    $crate::tfe::lenient::absent_otherwise_but_map!($name::default());
                }
                d.deserialize_any(V)
            }
        }
    };
}
pub(crate) use object;

object! {
    /// `{"data": {"id": …}}`: a to-one relationship. `{}`, `{"data": null}`, a to-many `data` and
    /// any other shape read as "no id".
    pub struct ToOne<'a> {
        /// `data`.
        "data" => data: Target<'a>,
    }
}

object! {
    /// The `data` of a relationship.
    pub struct Target<'a> {
        /// `id`.
        "id" => id: Text<'a>,
    }
}

impl ToOne<'_> {
    /// The id pointed at, when it is a non-empty string.
    pub fn id(&self) -> Option<&str> {
        self.data.id.non_empty()
    }
}

object! {
    /// `{"data": [{"id": …}, …]}`: a to-many relationship (a workspace's `outputs`). `absent` tells
    /// a relationship TFE did not send from one that lists nothing.
    pub struct ToMany<'a> {
        /// `data`.
        "data" => data: Linkage<'a>,
    }
}

/// The `data` of a to-many relationship: the targets when it is an array, else absent.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Linkage<'a>(pub Option<Vec<Target<'a>>>);

impl<'de: 'a, 'a> Deserialize<'de> for Linkage<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // An array is read element by element; anything else (null, an object) is "absent".
        let raw = <&'de serde_json::value::RawValue>::deserialize(d)?;
        Ok(Linkage(if raw.get().starts_with('[') {
            serde_json::from_str::<List<Target<'de>>>(raw.get()).ok().map(|l| l.0)
        } else {
            None
        }))
    }
}

impl ToMany<'_> {
    /// The ids listed, or `None` when the relationship is absent or not a list.
    pub fn ids(&self) -> Option<Vec<String>> {
        self.data.0.as_ref().map(|targets| targets.iter().filter_map(|t| t.id.owned()).collect())
    }
}

/// Any JSON value kept as its raw text (borrowed), for a member whose shape is the data's own (a
/// Terraform output's `value`): read only when it is wanted, and only up to a size.
#[derive(Debug, Clone, Default)]
pub struct Raw<'a>(pub Option<&'a serde_json::value::RawValue>);

impl PartialEq for Raw<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.0.map(|v| v.get()) == other.0.map(|v| v.get())
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Raw<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Raw(Some(<&'de serde_json::value::RawValue>::deserialize(d)?)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    object! {
        struct Probe<'a> {
            "s" => s: Text<'a>,
            "b" => b: Bool,
            "f" => f: Flag,
            "n" => n: Count<false>,
            "l" => l: List<Text<'a>>,
            "m" => m: StrMap,
            "r" => r: ToOne<'a>,
        }
    }

    #[test]
    fn wrong_types_read_as_absent() {
        let p: Probe =
            serde_json::from_str(r#"{"s":1,"b":"true","f":"true","n":-1,"l":{},"m":[1],"r":{"data":[]}}"#).unwrap();
        assert_eq!(p.s.get(), None);
        assert_eq!(p.b.0, None);
        assert_eq!(p.f.0, Some(true));
        assert_eq!(p.n.0, None);
        assert!(p.l.0.is_empty() && p.m.0.is_empty());
        assert_eq!(p.r.id(), None);
    }

    #[test]
    fn strings_borrow_unless_escaped_and_last_key_wins() {
        let text =
            r#"{"s":"a","s":"b\n","l":["x",2,"y"],"m":{"a":"1","b":2},"r":{"data":{"id":"x"}},"other":{"deep":[1]}}"#;
        let p: Probe = serde_json::from_str(text).unwrap();
        assert_eq!(p.s.get(), Some("b\n"));
        assert!(matches!(p.s.0, Some(Cow::Owned(_))));
        assert_eq!(p.l.0.iter().map(Text::get).collect::<Vec<_>>(), [Some("x"), None, Some("y")]);
        assert_eq!(p.m.0.len(), 1);
        assert_eq!(p.r.id(), Some("x"));
        let p: Probe = serde_json::from_str("null").unwrap();
        assert_eq!(p, Probe::default());
    }
}

//! Values a sync holds until its end, kept as their compact JSON text.
//!
//! A full sync holds every entity of an organization, and every workspace's outputs, from the
//! moment their page is mapped until the host has read them. As text they take a fraction of
//! the memory of the structs (no allocation per field, no spare capacity, no `Value` trees for
//! output values), and that is what bounds a host's peak memory. Hosts pass the text on as it is;
//! one that wants the struct reads it back ([`JsonText::get`]).
//!
//! The text is written as it is by serde_json's serializers (compact or pretty: it stays compact
//! inside pretty output); it is not meant for other formats.

use std::marker::PhantomData;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

/// A `T` as its compact JSON text; serializes as that JSON, not as a string.
pub struct JsonText<T> {
    text: Box<RawValue>,
    of: PhantomData<fn() -> T>,
}

impl<T: Serialize + DeserializeOwned> JsonText<T> {
    /// `value`'s text.
    pub fn new(value: &T) -> Self {
        // The types kept so are plain data with string keys: they always serialize.
        JsonText { text: serde_json::value::to_raw_value(value).expect("plain data serializes"), of: PhantomData }
    }

    /// The value again: equal for strings, numbers as serde_json reads them (a float read back
    /// may differ from the one written in its last digit, as any JSON reader's may).
    pub fn get(&self) -> T {
        // The text was written from a `T` by `new`, so it reads back as one.
        serde_json::from_str(self.text()).expect("a value's own text parses")
    }
}

impl<T> JsonText<T> {
    /// The compact JSON text.
    pub fn text(&self) -> &str {
        self.text.get()
    }
}

impl<T> Serialize for JsonText<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.text.serialize(s)
    }
}

impl<T> Clone for JsonText<T> {
    fn clone(&self) -> Self {
        JsonText { text: self.text.clone(), of: PhantomData }
    }
}

impl<T> PartialEq for JsonText<T> {
    fn eq(&self, other: &Self) -> bool {
        self.text() == other.text()
    }
}

impl<T> std::fmt::Debug for JsonText<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.text())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Entity;

    #[test]
    fn an_entity_reads_back_as_itself_and_serializes_as_its_json() {
        let text = r#"{"apiVersion":"backstage.io/v1alpha1","kind":"Resource","metadata":{"name":"a","namespace":"n","annotations":{"x/y":"1"}},"spec":{"owner":"group:default/t"}}"#;
        let entity: Entity = serde_json::from_str(text).unwrap();
        let kept = JsonText::new(&entity);
        assert_eq!(kept.text(), text);
        assert_eq!(kept.get(), entity);
        assert_eq!(serde_json::to_string(&[&kept, &kept]).unwrap(), format!("[{text},{text}]"));
    }
}

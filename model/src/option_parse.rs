//! How option types that are spelled as strings parse, shared by every such option.

/// `FromStr` (an error naming the option), `Deserialize` (from a string) and `Serialize` (as
/// its `as_str` name) for an option type with `parse(&str) -> Result<Self, String>` and
/// `as_str(&self) -> &str`.
macro_rules! string_option {
    ($ty:ty, $field:literal) => {
        impl std::str::FromStr for $ty {
            type Err = $crate::error::ModelError;

            fn from_str(s: &str) -> Result<Self, $crate::error::ModelError> {
                <$ty>::parse(s).map_err(|message| $crate::error::ModelError::invalid_config($field, message))
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                <$ty>::parse(&<String as serde::Deserialize>::deserialize(deserializer)?).map_err(serde::de::Error::custom)
            }
        }

        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
    };
}
pub(crate) use string_option;

//! ISO 3166-1 alpha-2 country codes.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The codes, from Debian's iso-codes (see the header of the data file).
const ISO_3166_1: &str = include_str!("../data/iso3166-1-alpha2.txt");

/// An ISO 3166-1 alpha-2 code, validated against the standard's list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CountryCode([u8; 2]);

impl CountryCode {
    /// Parses a code such as `DE` (case-insensitive).
    pub fn parse(s: &str) -> Result<CountryCode, String> {
        let upper = s.trim().to_ascii_uppercase();
        let known = ISO_3166_1
            .lines()
            .filter(|l| !l.starts_with('#'))
            .any(|l| l == upper);
        match upper.as_bytes() {
            [a, b] if known => Ok(CountryCode([*a, *b])),
            _ => Err(format!(
                "unknown country code `{s}`, expected an ISO 3166-1 alpha-2 code such as `DE`, `US` or `HK`"
            )),
        }
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("??")
    }

    /// Whether this is mainland China, which is not "abroad". Hong Kong (`HK`), Macao (`MO`) and Taiwan
    /// (`TW`) count as 境外 for cross-border purposes.
    pub fn is_mainland_china(&self) -> bool {
        &self.0 == b"CN"
    }

    /// Refuses mainland China as the destination of flow `flow`: what goes there is not abroad. The one
    /// check a profile's flow and a flow declared to the service both go through.
    pub fn check_abroad(&self, flow: &str) -> Result<(), String> {
        if self.is_mainland_china() {
            return Err(format!(
                "flow `{flow}`: country `CN` is mainland China, which is not abroad; use the recipient's country \
                 (Hong Kong `HK`, Macao `MO` and Taiwan `TW` count as abroad, 境外)"
            ));
        }
        Ok(())
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for CountryCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for CountryCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        CountryCode::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_against_the_list() {
        assert_eq!(CountryCode::parse("de").unwrap().as_str(), "DE");
        assert!(CountryCode::parse("HK").is_ok());
        assert!(CountryCode::parse("XX").is_err());
        assert!(CountryCode::parse("DEU").is_err());
        assert!(CountryCode::parse("CN").unwrap().is_mainland_china());
    }
}

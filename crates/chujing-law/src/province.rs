//! The provincial-level divisions of the mainland by their GB/T 2260 codes: whose cyberspace administration a
//! processor files its standard contract with (Standard Contract Measures Art. 7: 所在地省级网信部门) and which
//! provincial regulator has jurisdiction over it. A province is stored as its code and read from the code or
//! a name (`330000`, `浙江`, `浙江省`, `Zhejiang`), so that `330000` and `浙江` are one province, never two.
//! Hong Kong, Macao and Taiwan have GB/T 2260 codes but no mainland regulator: a processor there is outside
//! the mainland for cross-border purposes, and is refused here with that said.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::Lang;

/// Code, full Chinese name, short Chinese name, English name.
const PROVINCES: [(&str, &str, &str, &str); 31] = [
    ("110000", "北京市", "北京", "Beijing"),
    ("120000", "天津市", "天津", "Tianjin"),
    ("130000", "河北省", "河北", "Hebei"),
    ("140000", "山西省", "山西", "Shanxi"),
    ("150000", "内蒙古自治区", "内蒙古", "Inner Mongolia"),
    ("210000", "辽宁省", "辽宁", "Liaoning"),
    ("220000", "吉林省", "吉林", "Jilin"),
    ("230000", "黑龙江省", "黑龙江", "Heilongjiang"),
    ("310000", "上海市", "上海", "Shanghai"),
    ("320000", "江苏省", "江苏", "Jiangsu"),
    ("330000", "浙江省", "浙江", "Zhejiang"),
    ("340000", "安徽省", "安徽", "Anhui"),
    ("350000", "福建省", "福建", "Fujian"),
    ("360000", "江西省", "江西", "Jiangxi"),
    ("370000", "山东省", "山东", "Shandong"),
    ("410000", "河南省", "河南", "Henan"),
    ("420000", "湖北省", "湖北", "Hubei"),
    ("430000", "湖南省", "湖南", "Hunan"),
    ("440000", "广东省", "广东", "Guangdong"),
    ("450000", "广西壮族自治区", "广西", "Guangxi"),
    ("460000", "海南省", "海南", "Hainan"),
    ("500000", "重庆市", "重庆", "Chongqing"),
    ("510000", "四川省", "四川", "Sichuan"),
    ("520000", "贵州省", "贵州", "Guizhou"),
    ("530000", "云南省", "云南", "Yunnan"),
    ("540000", "西藏自治区", "西藏", "Xizang"),
    ("610000", "陕西省", "陕西", "Shaanxi"),
    ("620000", "甘肃省", "甘肃", "Gansu"),
    ("630000", "青海省", "青海", "Qinghai"),
    ("640000", "宁夏回族自治区", "宁夏", "Ningxia"),
    ("650000", "新疆维吾尔自治区", "新疆", "Xinjiang"),
];

/// Other English names in use.
const ALIASES: [(&str, &str); 4] = [
    ("Nei Mongol", "150000"),
    ("Tibet", "540000"),
    ("Shensi", "610000"),
    ("Peking", "110000"),
];

/// Hong Kong, Macao and Taiwan: GB/T 2260 codes and names that are not a mainland province.
const OUTSIDE_MAINLAND: [&str; 12] = [
    "810000",
    "820000",
    "710000",
    "香港",
    "澳门",
    "台湾",
    "香港特别行政区",
    "澳门特别行政区",
    "台湾省",
    "Hong Kong",
    "Macao",
    "Taiwan",
];

/// A provincial-level division of the mainland, by its GB/T 2260 code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Province(usize);

impl Province {
    /// Every province, by code.
    pub fn all() -> impl Iterator<Item = Province> {
        (0..PROVINCES.len()).map(Province)
    }

    /// Reads a province from its code (six digits, or the two that name the province), or a name: `330000`,
    /// `33`, `浙江`, `浙江省`, `Zhejiang` (any case).
    pub fn parse(s: &str) -> Result<Province, String> {
        let t = s.trim();
        if t.len() == 2 && t.bytes().all(|b| b.is_ascii_digit()) {
            return Province::parse(&format!("{t}0000"));
        }
        let found = PROVINCES.iter().position(|(code, full, short, en)| {
            t == *code || t == *full || t == *short || t.eq_ignore_ascii_case(en)
        });
        if let Some(i) = found {
            return Ok(Province(i));
        }
        if let Some((_, code)) = ALIASES
            .iter()
            .find(|(name, _)| t.eq_ignore_ascii_case(name))
        {
            return Province::parse(code);
        }
        if OUTSIDE_MAINLAND
            .iter()
            .any(|o| t == *o || t.eq_ignore_ascii_case(o))
        {
            return Err(format!(
                "`{t}` is outside the mainland: it has no provincial cyberspace administration under the \
                 export rules (a processor there exports from outside the mainland)"
            ));
        }
        Err(format!(
            "unknown province `{}`: give its GB/T 2260 code or its name, such as `310000`, `上海` or `Shanghai`",
            t.chars().take(40).collect::<String>()
        ))
    }

    /// Its GB/T 2260 code.
    pub fn code(self) -> &'static str {
        self.row().0
    }

    /// Its name: `浙江省` or `Zhejiang`.
    pub fn name(self, lang: Lang) -> &'static str {
        let (_, full, _, en) = self.row();
        lang.pick(en, full)
    }

    fn row(self) -> (&'static str, &'static str, &'static str, &'static str) {
        PROVINCES.get(self.0).copied().unwrap_or(PROVINCES[0])
    }
}

impl fmt::Display for Province {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for Province {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

/// Read from a code or a name, so that documents stored with a province's name read as its code.
impl<'de> Deserialize<'de> for Province {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Province::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_and_each_name_are_one_province() {
        for given in ["330000", "33", "浙江", "浙江省", "Zhejiang", " zhejiang "] {
            assert_eq!(
                Province::parse(given).map(Province::code),
                Ok("330000"),
                "{given}"
            );
        }
        assert_eq!(Province::parse("上海").map(Province::code), Ok("310000"));
        assert_eq!(Province::parse("Tibet").map(Province::code), Ok("540000"));
        assert_eq!(
            Province::parse("310000").map(|p| p.name(Lang::Zh)),
            Ok("上海市")
        );
    }

    #[test]
    fn other_codes_and_places_outside_the_mainland_are_refused_with_why() {
        assert!(
            Province::parse("330100").is_err(),
            "a city's code is not a province's"
        );
        assert!(
            Province::parse("Atlantis")
                .unwrap_err()
                .contains("GB/T 2260")
        );
        assert!(
            Province::parse("香港")
                .unwrap_err()
                .contains("outside the mainland")
        );
        assert!(Province::parse("810000").is_err());
    }

    #[test]
    fn every_code_is_six_digits_ending_in_four_zeros_and_unique() {
        let codes: std::collections::BTreeSet<&str> = Province::all().map(Province::code).collect();
        assert_eq!(codes.len(), 31);
        assert!(codes.iter().all(|c| c.len() == 6 && c.ends_with("0000")));
    }
}

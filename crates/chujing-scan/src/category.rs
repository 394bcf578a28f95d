//! What the scanner finds: categories of information, and which of them are sensitive personal information.

use serde::Serialize;

/// A category of information found in a cell. Identifiers are stable snake_case in output ([`Category::id`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    /// PRC resident identity card number (GB 11643: 18 characters with a check digit, or the 15-digit form).
    CnResidentId,
    /// Mobile number of the PRC (+86 or plain, current number ranges).
    CnMobile,
    /// Fixed-line number of the PRC with its area code.
    CnLandline,
    /// Payment card number (Luhn check digit, 16–19 digits, known issuer prefix; UnionPay starts with 62).
    BankCard,
    /// PRC passport number.
    Passport,
    /// Mainland Travel Permit for Hong Kong and Macao Residents (回乡证).
    HkMacaoPermit,
    /// Mainland Travel Permit for Taiwan Residents (台胞证).
    TaiwanPermit,
    /// E-mail address.
    Email,
    /// IPv4 or IPv6 address.
    IpAddress,
    /// MAC address of a network interface.
    MacAddress,
    /// IMEI of a mobile device (Luhn check digit).
    Imei,
    /// Precise geolocation: a coordinate pair, or a latitude/longitude column, with at least 4 decimals.
    Geolocation,
    /// PRC vehicle licence plate (7 characters, or 8 for new-energy vehicles).
    VehiclePlate,
    /// Date of birth.
    BirthDate,
    /// Person name (from the column header and the cell's shape).
    PersonName,
    /// Postal address.
    Address,
    /// Personal information of a minor under 14, derived from a resident ID's birth date or an age column.
    MinorUnder14,
    /// Medical or health information (from the column header).
    Health,
    /// Biometric information (from the column header).
    Biometric,
    /// Religious belief (from the column header).
    Religion,
    /// Specific identity, such as disability (from the column header).
    SpecificIdentity,
    /// Financial account information other than card numbers (from the column header).
    FinancialAccount,
    /// Whereabouts and trajectory (from the column header).
    Whereabouts,
    /// Unified Social Credit Code (GB 32100): an organisation's identifier, not personal information.
    OrgCreditCode,
}

/// A class of sensitive personal information (PIPL Art. 28; GB/T 45574-2025 Annex A).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SensitiveClass {
    /// 生物识别信息
    Biometric,
    /// 宗教信仰信息
    ReligiousBelief,
    /// 特定身份信息
    SpecificIdentity,
    /// 医疗健康信息
    MedicalHealth,
    /// 金融账户信息
    FinancialAccount,
    /// 行踪轨迹信息
    Whereabouts,
    /// 不满十四周岁未成年人的个人信息
    MinorUnder14,
}

/// Whether a category is personal information, and whether it is sensitive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Sensitivity {
    /// Not personal information (an organisation's identifier).
    NotPersonal,
    /// Personal information, not sensitive on its own.
    Personal,
    /// Sensitive personal information of a class.
    Sensitive(SensitiveClass),
}

impl Category {
    /// Every category, in output order.
    pub const ALL: [Category; 24] = [
        Category::CnResidentId,
        Category::CnMobile,
        Category::CnLandline,
        Category::BankCard,
        Category::Passport,
        Category::HkMacaoPermit,
        Category::TaiwanPermit,
        Category::Email,
        Category::IpAddress,
        Category::MacAddress,
        Category::Imei,
        Category::Geolocation,
        Category::VehiclePlate,
        Category::BirthDate,
        Category::PersonName,
        Category::Address,
        Category::MinorUnder14,
        Category::Health,
        Category::Biometric,
        Category::Religion,
        Category::SpecificIdentity,
        Category::FinancialAccount,
        Category::Whereabouts,
        Category::OrgCreditCode,
    ];

    /// The stable identifier (`cn_resident_id`, …).
    pub fn id(self) -> &'static str {
        match self {
            Category::CnResidentId => "cn_resident_id",
            Category::CnMobile => "cn_mobile",
            Category::CnLandline => "cn_landline",
            Category::BankCard => "bank_card",
            Category::Passport => "passport",
            Category::HkMacaoPermit => "hk_macao_permit",
            Category::TaiwanPermit => "taiwan_permit",
            Category::Email => "email",
            Category::IpAddress => "ip_address",
            Category::MacAddress => "mac_address",
            Category::Imei => "imei",
            Category::Geolocation => "geolocation",
            Category::VehiclePlate => "vehicle_plate",
            Category::BirthDate => "birth_date",
            Category::PersonName => "person_name",
            Category::Address => "address",
            Category::MinorUnder14 => "minor_under_14",
            Category::Health => "health",
            Category::Biometric => "biometric",
            Category::Religion => "religion",
            Category::SpecificIdentity => "specific_identity",
            Category::FinancialAccount => "financial_account",
            Category::Whereabouts => "whereabouts",
            Category::OrgCreditCode => "org_credit_code",
        }
    }

    /// The category of an identifier.
    pub fn from_id(id: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.id() == id)
    }

    /// Whether the category is personal information, and of which sensitive class.
    ///
    /// Identity document numbers (resident ID, passport, permits) are personal information but not sensitive on
    /// their own: GB/T 45574-2025 Annex A and the TC260 sensitive-PI identification guide (2024) dropped them
    /// from "specific identity", which GB/T 35273-2020 Annex B had listed. A resident ID still reveals a minor
    /// under 14, reported as its own category. Card numbers are financial accounts; precise location is
    /// whereabouts (coarse location such as an IP address is not).
    pub fn sensitivity(self) -> Sensitivity {
        use SensitiveClass as S;
        match self {
            Category::OrgCreditCode => Sensitivity::NotPersonal,
            Category::BankCard | Category::FinancialAccount => {
                Sensitivity::Sensitive(S::FinancialAccount)
            }
            Category::Geolocation | Category::Whereabouts => Sensitivity::Sensitive(S::Whereabouts),
            Category::MinorUnder14 => Sensitivity::Sensitive(S::MinorUnder14),
            Category::Health => Sensitivity::Sensitive(S::MedicalHealth),
            Category::Biometric => Sensitivity::Sensitive(S::Biometric),
            Category::Religion => Sensitivity::Sensitive(S::ReligiousBelief),
            Category::SpecificIdentity => Sensitivity::Sensitive(S::SpecificIdentity),
            _ => Sensitivity::Personal,
        }
    }

    /// Whether the category is sensitive personal information.
    pub fn is_sensitive(self) -> bool {
        matches!(self.sensitivity(), Sensitivity::Sensitive(_))
    }

    /// Whether the category is personal information at all.
    pub fn is_personal(self) -> bool {
        !matches!(self.sensitivity(), Sensitivity::NotPersonal)
    }

    /// Whether a cell's value alone (a check digit) proves the category, as opposed to its shape or header.
    pub fn has_check_digit(self) -> bool {
        matches!(
            self,
            Category::CnResidentId | Category::BankCard | Category::Imei | Category::OrgCreditCode
        )
    }

    /// A short name in Chinese, for reports.
    pub fn name_zh(self) -> &'static str {
        match self {
            Category::CnResidentId => "居民身份证号码",
            Category::CnMobile => "手机号码",
            Category::CnLandline => "固定电话",
            Category::BankCard => "银行卡号",
            Category::Passport => "护照号码",
            Category::HkMacaoPermit => "港澳居民来往内地通行证",
            Category::TaiwanPermit => "台湾居民来往大陆通行证",
            Category::Email => "电子邮箱",
            Category::IpAddress => "IP地址",
            Category::MacAddress => "MAC地址",
            Category::Imei => "IMEI",
            Category::Geolocation => "精准定位",
            Category::VehiclePlate => "车牌号码",
            Category::BirthDate => "出生日期",
            Category::PersonName => "姓名",
            Category::Address => "地址",
            Category::MinorUnder14 => "不满十四周岁未成年人信息",
            Category::Health => "医疗健康信息",
            Category::Biometric => "生物识别信息",
            Category::Religion => "宗教信仰信息",
            Category::SpecificIdentity => "特定身份信息",
            Category::FinancialAccount => "金融账户信息",
            Category::Whereabouts => "行踪轨迹信息",
            Category::OrgCreditCode => "统一社会信用代码",
        }
    }
}

impl SensitiveClass {
    /// The stable identifier (`medical_health`, …).
    pub fn id(self) -> &'static str {
        match self {
            SensitiveClass::Biometric => "biometric",
            SensitiveClass::ReligiousBelief => "religious_belief",
            SensitiveClass::SpecificIdentity => "specific_identity",
            SensitiveClass::MedicalHealth => "medical_health",
            SensitiveClass::FinancialAccount => "financial_account",
            SensitiveClass::Whereabouts => "whereabouts",
            SensitiveClass::MinorUnder14 => "minor_under_14",
        }
    }

    /// Every class.
    pub const ALL: [SensitiveClass; 7] = [
        SensitiveClass::Biometric,
        SensitiveClass::ReligiousBelief,
        SensitiveClass::SpecificIdentity,
        SensitiveClass::MedicalHealth,
        SensitiveClass::FinancialAccount,
        SensitiveClass::Whereabouts,
        SensitiveClass::MinorUnder14,
    ];
}

// Serialized by their identifiers, which serde's own snake_case would spell differently (`minor_under14`).
impl Serialize for Category {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

impl Serialize for SensitiveClass {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

/// Reads an identifier back: `what` names the kind in the error, `all` lists every value.
fn by_id<'de, D: serde::Deserializer<'de>, T: Copy>(
    d: D,
    what: &str,
    all: &[T],
    id: impl Fn(T) -> &'static str,
) -> Result<T, D::Error> {
    let s = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
    all.iter()
        .copied()
        .find(|v| id(*v) == s)
        .ok_or_else(|| serde::de::Error::custom(format!("unknown {what} `{s}`")))
}

impl<'de> serde::Deserialize<'de> for Category {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        by_id(d, "category", &Category::ALL, Category::id)
    }
}

impl<'de> serde::Deserialize<'de> for SensitiveClass {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        by_id(
            d,
            "class of sensitive personal information",
            &SensitiveClass::ALL,
            SensitiveClass::id,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_round_trip_and_are_unique() {
        for c in Category::ALL {
            assert_eq!(Category::from_id(c.id()), Some(c));
        }
        let mut ids: Vec<&str> = Category::ALL.iter().map(|c| c.id()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), Category::ALL.len());
        for c in Category::ALL {
            assert_eq!(serde_json::to_value(c).ok(), Some(c.id().into()));
        }
        assert_eq!(
            serde_json::to_value(SensitiveClass::MinorUnder14).ok(),
            Some("minor_under_14".into())
        );
    }

    #[test]
    fn the_credit_code_is_not_personal_and_cards_are_sensitive() {
        assert!(!Category::OrgCreditCode.is_personal());
        assert!(Category::BankCard.is_sensitive());
        assert!(!Category::CnResidentId.is_sensitive());
        assert!(Category::MinorUnder14.is_sensitive());
    }
}

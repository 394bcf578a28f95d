//! What a column's header says about its contents, in Chinese and English.

use crate::category::Category;

/// What a header suggests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hint {
    /// The column holds this category: values of the right shape count even without a check digit (names,
    /// birth dates, Taiwan permits), and categories known only from headers (health, religion, …) count every
    /// non-empty cell.
    Category(Category),
    /// The column holds latitudes or longitudes, one per cell.
    Coordinate,
    /// The column holds ages in years (a minor is under 14).
    Age,
}

/// Header words and what they suggest. Matched against the header lower-cased, as a substring for Chinese
/// words and as a whole word (split at `_`, `-`, `.`, space and case changes) for English ones. Earlier rows
/// win, so specific words come before general ones.
const WORDS: &[(&[&str], &[&str], Hint)] = &[
    (
        &["统一社会信用代码", "信用代码"],
        &["uscc", "credit code"],
        Hint::Category(Category::OrgCreditCode),
    ),
    (
        &["身份证", "证件号"],
        &[
            "id number",
            "idcard",
            "id card",
            "id no",
            "national id",
            "ric",
        ],
        Hint::Category(Category::CnResidentId),
    ),
    (&["护照"], &["passport"], Hint::Category(Category::Passport)),
    (
        &["回乡证", "港澳居民来往内地通行证", "港澳通行证"],
        &["home return permit"],
        Hint::Category(Category::HkMacaoPermit),
    ),
    (
        &["台胞证", "台湾居民来往大陆通行证"],
        &["mtp", "taiwan permit"],
        Hint::Category(Category::TaiwanPermit),
    ),
    (
        &["银行卡", "卡号", "信用卡"],
        &["card number", "card no", "pan", "bank card", "credit card"],
        Hint::Category(Category::BankCard),
    ),
    (
        &[
            "账户",
            "账号余额",
            "余额",
            "交易记录",
            "流水",
            "征信",
            "存款",
        ],
        &[
            "account number",
            "iban",
            "balance",
            "transactions",
            "credit score",
            "bank account",
        ],
        Hint::Category(Category::FinancialAccount),
    ),
    (
        &[
            "指纹", "人脸", "面部", "声纹", "虹膜", "掌纹", "步态", "基因",
        ],
        &[
            "fingerprint",
            "face",
            "faceid",
            "biometric",
            "biometrics",
            "voiceprint",
            "iris",
            "gait",
            "dna",
            "genome",
        ],
        Hint::Category(Category::Biometric),
    ),
    (
        &[
            "病历", "诊断", "病史", "病情", "疾病", "处方", "用药", "过敏", "体检", "检验", "手术",
            "健康",
        ],
        &[
            "diagnosis",
            "medical",
            "health",
            "disease",
            "prescription",
            "medication",
            "allergy",
            "allergies",
            "symptom",
            "symptoms",
            "icd",
        ],
        Hint::Category(Category::Health),
    ),
    (
        &["宗教", "信仰"],
        &["religion", "religious", "faith"],
        Hint::Category(Category::Religion),
    ),
    (
        &["残疾", "残障", "犯罪记录"],
        &["disability", "disabled", "criminal record"],
        Hint::Category(Category::SpecificIdentity),
    ),
    (
        &["行踪", "轨迹", "行程"],
        &[
            "trajectory",
            "whereabouts",
            "itinerary",
            "location history",
            "track",
        ],
        Hint::Category(Category::Whereabouts),
    ),
    (
        &["纬度", "经度"],
        &["lat", "latitude", "lng", "lon", "long", "longitude"],
        Hint::Coordinate,
    ),
    (
        &["坐标", "定位", "位置"],
        &["coordinates", "geo", "geolocation", "gps", "location"],
        Hint::Category(Category::Geolocation),
    ),
    (
        &["出生", "生日"],
        &["birth", "birthday", "dob", "date of birth", "birthdate"],
        Hint::Category(Category::BirthDate),
    ),
    (&["年龄"], &["age"], Hint::Age),
    (
        &["车牌"],
        &["plate", "license plate", "licence plate"],
        Hint::Category(Category::VehiclePlate),
    ),
    (
        &["地址", "住址", "住所", "收货", "户籍"],
        &["address", "addr", "street"],
        Hint::Category(Category::Address),
    ),
    (
        &["邮箱", "电子邮件"],
        &["email", "e-mail", "mail"],
        Hint::Category(Category::Email),
    ),
    (
        &["手机", "电话", "联系方式"],
        &["phone", "mobile", "tel", "telephone", "cell"],
        Hint::Category(Category::CnMobile),
    ),
    (
        &[
            "姓名",
            "名字",
            "联系人",
            "收件人",
            "收货人",
            "客户名",
            "患者",
            "乘客",
            "员工",
        ],
        &[
            "name",
            "full name",
            "first name",
            "last name",
            "surname",
            "given name",
            "contact",
            "recipient",
        ],
        Hint::Category(Category::PersonName),
    ),
];

/// English words of a header: split at separators and at lower-to-upper case changes, lower-cased.
fn words(header: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut previous_lower = false;
    for c in header.chars() {
        if !c.is_ascii_alphanumeric() {
            if !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
            previous_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && previous_lower && !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        word.push(c.to_ascii_lowercase());
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

/// What a column header suggests, if anything.
pub fn hint(header: &str) -> Option<Hint> {
    let lower = header.to_lowercase();
    let words = words(header);
    let has_phrase = |phrase: &str| {
        let target: Vec<&str> = phrase.split(' ').collect();
        words
            .windows(target.len())
            .any(|w| w.iter().map(String::as_str).eq(target.iter().copied()))
    };
    WORDS
        .iter()
        .find(|(zh, en, _)| {
            zh.iter().any(|w| lower.contains(w)) || en.iter().any(|p| has_phrase(p))
        })
        .map(|(_, _, hint)| *hint)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_and_english_headers() {
        assert_eq!(
            hint("身份证号"),
            Some(Hint::Category(Category::CnResidentId))
        );
        assert_eq!(
            hint("id_number"),
            Some(Hint::Category(Category::CnResidentId))
        );
        assert_eq!(hint("手机"), Some(Hint::Category(Category::CnMobile)));
        assert_eq!(hint("银行卡号"), Some(Hint::Category(Category::BankCard)));
        assert_eq!(hint("病历摘要"), Some(Hint::Category(Category::Health)));
        assert_eq!(hint("diagnosis"), Some(Hint::Category(Category::Health)));
        assert_eq!(hint("指纹模板"), Some(Hint::Category(Category::Biometric)));
        assert_eq!(hint("宗教"), Some(Hint::Category(Category::Religion)));
        assert_eq!(
            hint("行踪轨迹"),
            Some(Hint::Category(Category::Whereabouts))
        );
        assert_eq!(
            hint("customerName"),
            Some(Hint::Category(Category::PersonName))
        );
        assert_eq!(
            hint("birth_date"),
            Some(Hint::Category(Category::BirthDate))
        );
        assert_eq!(hint("lat"), Some(Hint::Coordinate));
        assert_eq!(hint("age"), Some(Hint::Age));
        assert_eq!(
            hint("统一社会信用代码"),
            Some(Hint::Category(Category::OrgCreditCode))
        );
    }

    #[test]
    fn english_words_match_whole() {
        // "usage" holds "age" and "filename" holds "name", but neither is such a column.
        assert_eq!(hint("usage"), None);
        assert_eq!(hint("filename"), None);
        assert_eq!(hint("order_id"), None);
    }
}

//! Validators for single values. Each checks the structure a real identifier must have (check digits, dates,
//! number ranges), not only its shape, so that order numbers, timestamps and mistyped numbers are not taken
//! for personal information.

use jiff::civil::Date;

use crate::category::Category;

/// The first two digits of PRC administrative division codes (GB/T 2260, province level), which begin every
/// resident ID number; 81/82/83 are the codes of residence permits for Hong Kong, Macao and Taiwan residents,
/// 71 is Taiwan. Prefecture and county codes are not checked (the county table changes every year and old
/// codes stay valid on cards already issued).
const PROVINCES: [u8; 35] = [
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83,
];

/// Weights of GB 11643-1999 (ISO 7064 MOD 11-2) for the first 17 digits.
const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// The check character for each remainder.
const ID_CHECK: &[u8; 11] = b"10X98765432";

fn digit(b: u8) -> Option<u32> {
    b.is_ascii_digit().then(|| u32::from(b - b'0'))
}

fn number(bytes: &[u8]) -> Option<u32> {
    bytes
        .iter()
        .try_fold(0u32, |n, b| Some(n * 10 + digit(*b)?))
}

fn province_ok(code: &[u8]) -> bool {
    match code {
        [a, b, ..] => number(&[*a, *b]).is_some_and(|p| PROVINCES.contains(&(p as u8))),
        _ => false,
    }
}

/// A calendar date from year, month and day, if it exists.
fn date(year: u32, month: u32, day: u32) -> Option<Date> {
    Date::new(
        i16::try_from(year).ok()?,
        i8::try_from(month).ok()?,
        i8::try_from(day).ok()?,
    )
    .ok()
}

/// Whether `s` is shaped like a resident ID (17 digits and a digit or X, or 15 digits): the check is then
/// either passed or failed, which tells an ID column from a column of other 18-digit numbers.
pub fn resident_id_shape(s: &[u8]) -> bool {
    match s.len() {
        18 => {
            s.get(..17)
                .is_some_and(|h| h.iter().all(u8::is_ascii_digit))
                && s.get(17)
                    .is_some_and(|c| c.is_ascii_digit() || *c == b'X' || *c == b'x')
        }
        15 => s.iter().all(u8::is_ascii_digit),
        _ => false,
    }
}

/// The birth date of a valid PRC resident ID number (GB 11643-1999): 18 characters with a MOD 11-2 check
/// character, or the legacy 15-digit form (6-digit region, YYMMDD in the 1900s, 3-digit sequence, no check).
/// The region must be a known province and the birth date real, not after `today` and not before 1900.
pub fn resident_id(s: &[u8], today: Date) -> Option<Date> {
    if !resident_id_shape(s) || !province_ok(s) {
        return None;
    }
    let birth = match s.len() {
        18 => {
            let sum: u32 = s
                .iter()
                .zip(ID_WEIGHTS)
                .map(|(b, w)| digit(*b).unwrap_or(0) * w)
                .sum();
            let expected = ID_CHECK.get((sum % 11) as usize)?;
            if s.get(17).map(u8::to_ascii_uppercase) != Some(*expected) {
                return None;
            }
            date(
                number(s.get(6..10)?)?,
                number(s.get(10..12)?)?,
                number(s.get(12..14)?)?,
            )?
        }
        _ => date(
            1900 + number(s.get(6..8)?)?,
            number(s.get(8..10)?)?,
            number(s.get(10..12)?)?,
        )?,
    };
    (birth.year() >= 1900 && birth <= today).then_some(birth)
}

/// The Luhn check (ISO/IEC 7812-1) over ASCII digits.
pub fn luhn(digits: &[u8]) -> bool {
    let mut sum = 0;
    for (i, b) in digits.iter().rev().enumerate() {
        let Some(d) = digit(*b) else {
            return false;
        };
        sum += if i % 2 == 1 {
            let x = d * 2;
            if x > 9 { x - 9 } else { x }
        } else {
            d
        };
    }
    !digits.is_empty() && sum % 10 == 0
}

/// A payment card number: 16–19 digits, a Luhn check digit and an issuer prefix in use (UnionPay 62, Visa 4,
/// Mastercard 51–55 and 2221–2720, JCB 35, Discover and Maestro 6x, Maestro 50 and 56–58, Diners 36 and 30).
pub fn bank_card(digits: &[u8]) -> bool {
    (16..=19).contains(&digits.len()) && card_prefix(digits) && luhn(digits)
}

/// Whether a card number starts with an issuer prefix in use.
fn card_prefix(digits: &[u8]) -> bool {
    let two = digits.get(..2).and_then(number).unwrap_or(0);
    let four = digits.get(..4).and_then(number).unwrap_or(0);
    matches!(two, 40..=49 | 51..=55 | 35 | 36 | 30 | 50 | 56..=58 | 60..=69)
        || (2221..=2720).contains(&four)
}

/// Whether 16–19 digits are shaped like a card number (the Luhn check then tells).
pub fn bank_card_shape(digits: &[u8]) -> bool {
    (16..=19).contains(&digits.len())
        && digits.iter().all(u8::is_ascii_digit)
        && card_prefix(digits)
}

/// An IMEI: 15 digits with a Luhn check digit, and a reporting-body prefix of the GSMA's type allocation
/// codes (01, 10, 30, 33, 35, 44, 45, 49, 50–54, 86, 91, 98, 99).
pub fn imei(digits: &[u8]) -> bool {
    imei_shape(digits) && luhn(digits)
}

/// Whether 15 digits start with a reporting-body prefix of an IMEI.
pub fn imei_shape(digits: &[u8]) -> bool {
    digits.len() == 15
        && digits.iter().all(u8::is_ascii_digit)
        && matches!(
            digits.get(..2).and_then(number),
            Some(1 | 10 | 30 | 33 | 35 | 44 | 45 | 49 | 50..=54 | 86 | 91 | 98 | 99)
        )
}

/// A PRC mobile number: 11 digits in a number block allocated to mobile networks (13x, 145–149, 150–153,
/// 155–159, 162, 165–167, 170–178, 18x, 190–193, 195–199), after any +86 / 0086 prefix was removed.
pub fn mobile(digits: &[u8]) -> bool {
    digits.len() == 11
        && digits.iter().all(u8::is_ascii_digit)
        && matches!(
            digits.get(..3).and_then(number),
            Some(
                130..=139
                | 145..=149
                | 150..=153
                | 155..=159
                | 162
                | 165..=167
                | 170..=178
                | 180..=189
                | 190..=193
                | 195..=199,
            )
        )
}

/// A PRC fixed-line number with its trunk prefix and area code: 010 or 02x with 8 digits, or a 3-digit area
/// code 03x–09x with 7 or 8 digits; subscriber numbers start with 2–8.
pub fn landline(digits: &[u8]) -> bool {
    let subscriber = |rest: &[u8], lens: &[usize]| {
        lens.contains(&rest.len()) && rest.first().is_some_and(|d| (b'2'..=b'8').contains(d))
    };
    if !digits.iter().all(u8::is_ascii_digit) {
        return false;
    }
    match digits {
        [b'0', b'1', b'0', rest @ ..] | [b'0', b'2', _, rest @ ..] => subscriber(rest, &[8]),
        [b'0', b'3'..=b'9', _, _, rest @ ..] => subscriber(rest, &[7, 8]),
        _ => false,
    }
}

/// Characters of the Unified Social Credit Code (GB 32100-2015): digits and capitals without I, O, S, V, Z.
const USCC_CHARS: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const USCC_WEIGHTS: [usize; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// A Unified Social Credit Code of an organisation (GB 32100-2015): 18 characters with a MOD 31 check.
pub fn credit_code(s: &[u8]) -> bool {
    if s.len() != 18 {
        return false;
    }
    let value = |b: u8| USCC_CHARS.iter().position(|c| *c == b);
    let mut sum = 0;
    for (b, w) in s.iter().zip(USCC_WEIGHTS) {
        let Some(v) = value(*b) else {
            return false;
        };
        sum += v * w;
    }
    let check = (31 - sum % 31) % 31;
    s.get(17).and_then(|c| value(*c)) == Some(check)
}

/// A PRC ordinary passport number: E + 8 digits, E + a letter (not I or O) + 7 digits, or the older G + 8
/// digits. There is no check digit, so the shape decides.
pub fn passport(s: &[u8]) -> bool {
    match s {
        [b'E' | b'G', rest @ ..] if rest.len() == 8 && rest.iter().all(u8::is_ascii_digit) => true,
        [b'E', l, rest @ ..] => {
            l.is_ascii_uppercase()
                && *l != b'I'
                && *l != b'O'
                && rest.len() == 7
                && rest.iter().all(u8::is_ascii_digit)
        }
        _ => false,
    }
}

/// A Mainland Travel Permit for Hong Kong and Macao Residents: H (Hong Kong) or M (Macao) + 8 or 10 digits.
pub fn hk_macao_permit(s: &[u8]) -> bool {
    matches!(s, [b'H' | b'M', rest @ ..] if (rest.len() == 8 || rest.len() == 10) && rest.iter().all(u8::is_ascii_digit))
}

/// A Mainland Travel Permit for Taiwan Residents: 8 digits (since 2015). Only with a column header that says
/// so, as 8 digits alone mean nothing.
pub fn taiwan_permit(s: &[u8]) -> bool {
    s.len() == 8 && s.iter().all(u8::is_ascii_digit)
}

/// An e-mail address: a local part, `@`, and a domain of at least two labels with an alphabetic TLD.
pub fn email(s: &[u8]) -> bool {
    let Some(at) = memchr::memchr(b'@', s) else {
        return false;
    };
    let (local, domain) = (
        s.get(..at).unwrap_or_default(),
        s.get(at + 1..).unwrap_or_default(),
    );
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && local
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || b".!#$%&'*+/=?^_`{|}~-".contains(b))
        && local.first() != Some(&b'.')
        && local.last() != Some(&b'.');
    let labels: Vec<&[u8]> = domain.split(|b| *b == b'.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-')
                && l.first() != Some(&b'-')
                && l.last() != Some(&b'-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.len() >= 2 && tld.iter().all(u8::is_ascii_alphabetic));
    local_ok && domain_ok
}

/// An IPv4 address in dotted-quad form (no leading zeros), or an IPv6 address.
pub fn ip_address(s: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(s) else {
        return false;
    };
    if text.contains(':') {
        return text.matches(':').count() >= 2 && text.parse::<std::net::Ipv6Addr>().is_ok();
    }
    // std's parser rejects leading zeros, which keeps version strings like 1.02.3.4 out.
    text.parse::<std::net::Ipv4Addr>().is_ok()
}

/// A MAC address: six hex pairs separated by `:` or `-` (the same throughout), or three groups of four hex
/// digits separated by dots.
pub fn mac_address(s: &[u8]) -> bool {
    let hex = |g: &[u8], n: usize| g.len() == n && g.iter().all(u8::is_ascii_hexdigit);
    match s.len() {
        17 => {
            let sep = s.get(2).copied().unwrap_or(0);
            (sep == b':' || sep == b'-')
                && s.split(|b| *b == sep).filter(|g| hex(g, 2)).count() == 6
        }
        14 => s.split(|b| *b == b'.').filter(|g| hex(g, 4)).count() == 3,
        _ => false,
    }
}

/// Province abbreviations that begin a PRC vehicle plate.
const PLATE_PROVINCES: &str = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼";

/// A PRC vehicle plate: a province character, a capital letter, then 5 letters or digits (ordinary plates)
/// or 6 (new-energy plates, with D or F first or last), optionally with `·`, `-` or a space after the letter. The
/// suffixes 学, 警, 挂, 领, 港, 澳 end special plates.
pub fn vehicle_plate(s: &str) -> bool {
    let mut chars = s.chars();
    let (Some(p), Some(l)) = (chars.next(), chars.next()) else {
        return false;
    };
    if !PLATE_PROVINCES.contains(p) || !l.is_ascii_uppercase() {
        return false;
    }
    let rest: String = chars.filter(|c| !matches!(c, '·' | ' ' | '-')).collect();
    let body: Vec<char> = rest.chars().collect();
    let plate_char =
        |c: &char| (c.is_ascii_uppercase() && *c != 'I' && *c != 'O') || c.is_ascii_digit();
    match body.as_slice() {
        [head @ .., last] if head.len() == 4 && "学警挂领港澳".contains(*last) => {
            head.iter().all(plate_char)
        }
        b if b.len() == 5 => b.iter().all(plate_char),
        b if b.len() == 6 => {
            b.iter().all(plate_char)
                && (matches!(b.first(), Some('D' | 'F')) || matches!(b.last(), Some('D' | 'F')))
        }
        _ => false,
    }
}

/// A coordinate pair `lat,lng` (or separated by a space or `;`) with at least 4 decimals each (about 10 m),
/// within the ranges of latitude and longitude. Fewer decimals is coarse location, which is not whereabouts.
pub fn coordinate_pair(s: &str) -> bool {
    let mut parts = s
        .split([',', ' ', ';', '，'])
        .map(str::trim)
        .filter(|p| !p.is_empty());
    let (Some(a), Some(b), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    match (precise_degrees(a), precise_degrees(b)) {
        (Some(lat), Some(lng)) => (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lng),
        _ => false,
    }
}

/// A number of degrees written with at least 4 decimals.
pub fn precise_degrees(s: &str) -> Option<f64> {
    let (_, decimals) = s.split_once('.')?;
    if decimals.len() < 4 || !decimals.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// A calendar date written as `YYYY-MM-DD`, `YYYY/MM/DD`, `YYYY.MM.DD`, `YYYYMMDD` or `YYYY年M月D日`, with an
/// optional time after it.
pub fn calendar_date(s: &str) -> Option<Date> {
    let s = s.trim();
    let head = s.split([' ', 'T']).next().unwrap_or(s);
    let bytes = head.as_bytes();
    if bytes.len() == 8 && bytes.iter().all(u8::is_ascii_digit) {
        return date(
            number(bytes.get(..4)?)?,
            number(bytes.get(4..6)?)?,
            number(bytes.get(6..8)?)?,
        );
    }
    let parts: Vec<&str> = head
        .split(['-', '/', '.', '年', '月', '日'])
        .filter(|p| !p.is_empty())
        .collect();
    match parts.as_slice() {
        [y, m, d] if y.len() == 4 && m.len() <= 2 && d.len() <= 2 => date(
            number(y.as_bytes())?,
            number(m.as_bytes())?,
            number(d.as_bytes())?,
        ),
        _ => None,
    }
}

/// Whether `s` looks like a Chinese personal name: 2 to 4 Han characters, or a transliterated name of Han
/// characters around a middle dot (as for many ethnic-minority names). Only asked of a name column.
pub fn chinese_name(s: &str) -> bool {
    let han =
        |c: char| ('\u{4E00}'..='\u{9FFF}').contains(&c) || ('\u{3400}'..='\u{4DBF}').contains(&c);
    let n = s.chars().count();
    if s.contains('·') || s.contains('•') {
        return (3..=20).contains(&n) && s.chars().all(|c| han(c) || c == '·' || c == '•');
    }
    (2..=4).contains(&n) && s.chars().all(han)
}

/// Whether `s` looks like a name in Latin letters: 1 to 4 words of letters (and `'`, `-`, `.`).
pub fn latin_name(s: &str) -> bool {
    let words: Vec<&str> = s.split_whitespace().collect();
    (1..=4).contains(&words.len())
        && words.iter().all(|w| {
            w.chars().next().is_some_and(char::is_alphabetic)
                && w.chars()
                    .all(|c| c.is_alphabetic() || matches!(c, '\'' | '-' | '.'))
        })
}

/// Whether `s` looks like a Chinese postal address: a level of administrative division (省, 市, 区, 县, 自治区,
/// 镇, 乡) followed later by a street-level word (路, 街, 道, 巷, 弄, 号, 村, 室, 栋, 幢, 单元).
pub fn chinese_address(s: &str) -> bool {
    let Some(division) = s.find(['省', '市', '区', '县', '镇', '乡']) else {
        return false;
    };
    let rest = s.get(division..).unwrap_or_default();
    rest.contains(['路', '街', '道', '巷', '弄', '号', '村', '室', '栋', '幢'])
        && s.chars().count() >= 6
}

/// Values written as a compact string of digits: digits with the separators people type into phone and card
/// numbers (space, `-`, brackets, a leading `+`), and a final X for resident IDs. `None` when `s` holds
/// anything else, or no digit.
pub fn compact_digits(s: &[u8], out: &mut Vec<u8>) -> bool {
    out.clear();
    for (i, b) in s.iter().enumerate() {
        match b {
            b'0'..=b'9' => out.push(*b),
            b'X' | b'x' if i + 1 == s.len() => out.push(b'X'),
            b' ' | b'-' | b'(' | b')' => {}
            b'+' if out.is_empty() => {}
            _ => return false,
        }
    }
    !out.is_empty()
}

/// The categories a digit string can be, given its compact form, in the order they are tried.
pub fn digit_categories(digits: &[u8], today: Date) -> Option<(Category, Option<Date>)> {
    // Country codes in front of a mobile number.
    let national = match digits {
        [b'8', b'6', rest @ ..] if rest.len() == 11 => rest,
        [b'0', b'0', b'8', b'6', rest @ ..] if rest.len() == 11 => rest,
        _ => digits,
    };
    if mobile(national) {
        return Some((Category::CnMobile, None));
    }
    if let Some(birth) = resident_id(digits, today) {
        // A 15-digit IMEI may also read as a legacy ID: the IMEI's check digit decides.
        if !(digits.len() == 15 && imei(digits)) {
            return Some((Category::CnResidentId, Some(birth)));
        }
    }
    if imei(digits) {
        return Some((Category::Imei, None));
    }
    if bank_card(digits) {
        return Some((Category::BankCard, None));
    }
    if landline(digits) {
        return Some((Category::CnLandline, None));
    }
    None
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail by panicking")]
mod tests {
    use super::*;

    fn today() -> Date {
        date(2026, 11, 22).unwrap()
    }

    #[test]
    fn luhn_and_cards() {
        assert!(luhn(b"79927398713"));
        assert!(!luhn(b"79927398710"));
        assert!(!bank_card(b"6222021234567890127"), "Luhn fails");
        assert!(bank_card(b"4111111111111111"));
        assert!(bank_card(b"5500005555555559"));
        assert!(bank_card(b"6212345678901232"));
        assert!(!bank_card(b"4111111111111112"), "Luhn fails");
        assert!(!bank_card(b"1111111111111117"), "no issuer starts with 1");
        assert!(
            !bank_card(b"378282246310005"),
            "15 digits (Amex) is out of range"
        );
    }

    #[test]
    fn imeis() {
        assert!(imei(b"490154203237518"));
        assert!(!imei(b"490154203237519"));
        assert!(!imei(b"123456789012347"), "12 is not a reporting body");
    }

    #[test]
    fn phones() {
        assert!(mobile(b"13800138000"));
        assert!(mobile(b"19912345678"));
        assert!(!mobile(b"12345678901"));
        assert!(!mobile(b"1440000000"));
        assert!(!mobile(b"14012345678"), "140 is not a mobile block");
        assert!(landline(b"01062345678"));
        assert!(landline(b"02188889999"));
        assert!(landline(b"07552345678"));
        assert!(landline(b"05712345678"));
        assert!(
            !landline(b"01012345678"),
            "subscriber numbers do not start with 1"
        );
        let mut d = Vec::new();
        assert!(compact_digits(b"+86 138-0013-8000", &mut d));
        assert_eq!(
            digit_categories(&d, today()).map(|c| c.0),
            Some(Category::CnMobile)
        );
        assert!(compact_digits(b"(010) 6234-5678", &mut d));
        assert_eq!(
            digit_categories(&d, today()).map(|c| c.0),
            Some(Category::CnLandline)
        );
        assert!(!compact_digits(b"abc", &mut d));
    }

    #[test]
    fn millisecond_timestamps_and_order_numbers_are_nothing() {
        let mut d = Vec::new();
        assert!(compact_digits(b"1763800000123", &mut d));
        assert_eq!(digit_categories(&d, today()), None);
    }

    #[test]
    fn credit_codes() {
        // Check characters computed by GB 32100-2015's algorithm.
        assert!(credit_code(b"91350100M000100Y43"));
        assert!(!credit_code(b"91350100M000100Y44"));
        assert!(!credit_code(b"91350100M000100Y4"));
    }

    #[test]
    fn documents() {
        assert!(passport(b"E12345678"));
        assert!(passport(b"EA1234567"));
        assert!(passport(b"G12345678"));
        assert!(!passport(b"EI1234567"));
        assert!(!passport(b"X12345678"));
        assert!(hk_macao_permit(b"H12345678"));
        assert!(hk_macao_permit(b"M1234567890"));
        assert!(!hk_macao_permit(b"H1234567"));
    }

    #[test]
    fn network_identifiers() {
        assert!(email(b"zhang.san@example.com.cn"));
        assert!(!email(b"zhang@localhost"));
        assert!(!email(b"@example.com"));
        assert!(ip_address(b"192.168.1.10"));
        assert!(ip_address(b"2001:db8::1"));
        assert!(!ip_address(b"256.1.1.1"));
        assert!(!ip_address(b"1.2.3"));
        assert!(mac_address(b"00:1A:2b:3C:4d:5E"));
        assert!(mac_address(b"00-1A-2B-3C-4D-5E"));
        assert!(mac_address(b"001a.2b3c.4d5e"));
        assert!(!mac_address(b"00:1A-2B:3C:4D:5E"));
    }

    #[test]
    fn places_and_plates() {
        assert!(vehicle_plate("京A12345"));
        assert!(vehicle_plate("粤B·D12345"));
        assert!(vehicle_plate("沪AD12345"));
        assert!(vehicle_plate("川A1234学"));
        assert!(!vehicle_plate("京A1234"));
        assert!(!vehicle_plate("美A12345"));
        assert!(!vehicle_plate("京AI2345"));
        assert!(coordinate_pair("39.9042, 116.4074"));
        assert!(!coordinate_pair("39.9, 116.4"), "coarse");
        assert!(
            !coordinate_pair("99.90421, 116.40741"),
            "latitude out of range"
        );
        assert!(chinese_address("北京市朝阳区建国路88号"));
        assert!(!chinese_address("北京市"));
    }

    #[test]
    fn dates_and_names() {
        assert_eq!(calendar_date("2012-03-04"), date(2012, 3, 4));
        assert_eq!(calendar_date("2012年3月4日"), date(2012, 3, 4));
        assert_eq!(calendar_date("20120304"), date(2012, 3, 4));
        assert_eq!(calendar_date("2012-02-30"), None);
        assert!(chinese_name("张三"));
        assert!(chinese_name("欧阳娜娜"));
        assert!(chinese_name("阿依古丽·买买提"));
        assert!(!chinese_name("张"));
        assert!(!chinese_name("张三abc"));
        assert!(latin_name("Mary O'Neil"));
        assert!(!latin_name("R2D2"));
    }
}

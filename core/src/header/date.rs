//! Date (RFC 3261 §20.17): an RFC 1123 date, always in GMT.

use super::scalar::{lws, whole, Scan};
use super::HeaderError;
use crate::message::{HeaderName, Headers};
use crate::parse::lex::{eq_ic, sep};

const WEEKDAYS: [&[u8]; 7] = [b"Mon", b"Tue", b"Wed", b"Thu", b"Fri", b"Sat", b"Sun"];
const MONTHS: [&[u8]; 12] = [
    b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec",
];

/// `rfc1123-date = wkday "," SP date1 SP time SP "GMT"` (RFC 3261 §25.1), e.g.
/// `Thu, 21 Feb 2002 13:02:03 GMT`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Date {
    /// Day of the week as written, 1 (Monday) to 7 (Sunday); not checked against the date.
    pub weekday: u8,
    /// Day of the month, 1 to 31.
    pub day: u8,
    /// Month, 1 (January) to 12.
    pub month: u8,
    /// Year, four digits.
    pub year: u16,
    /// Hour, 0 to 23.
    pub hour: u8,
    /// Minute, 0 to 59.
    pub minute: u8,
    /// Second, 0 to 60 (60 for a leap second).
    pub second: u8,
}

/// Exactly `n` digits.
fn digits(i: &[u8], n: usize) -> Scan<'_, u16> {
    let d = i.get(..n).ok_or(i)?;
    if !d.iter().all(u8::is_ascii_digit) || i.get(n).is_some_and(u8::is_ascii_digit) {
        return Err(i);
    }
    let v = d.iter().fold(0u16, |v, b| v * 10 + u16::from(b - b'0'));
    Ok((v, i.get(n..).unwrap_or_default()))
}

/// Two digits no larger than `max`.
fn two(i: &[u8], min: u8, max: u8) -> Scan<'_, u8> {
    let (v, r) = digits(i, 2)?;
    match u8::try_from(v) {
        Ok(v) if (min..=max).contains(&v) => Ok((v, r)),
        _ => Err(i),
    }
}

/// A three-letter name from `names` (ABNF literals are case-insensitive, RFC 2234 §2.3):
/// its 1-based index.
fn name<'a>(i: &'a [u8], names: &[&[u8]]) -> Scan<'a, u8> {
    let head = i.get(..3).ok_or(i)?;
    let k = names.iter().position(|n| eq_ic(n, head)).ok_or(i)?;
    Ok((
        u8::try_from(k + 1).map_err(|_| i)?,
        i.get(3..).unwrap_or_default(),
    ))
}

impl Date {
    /// Parses a whole Date value. Any zone but `GMT` is malformed (RFC 3261 §20.17,
    /// RFC 4475 §3.1.2.12).
    pub fn parse(value: &[u8]) -> Result<Date, HeaderError> {
        whole(HeaderName::Date, value, |i| {
            let (weekday, r) = name(i, &WEEKDAYS)?;
            let r = sep(r, b',').ok_or(r)?;
            // date1 = 2DIGIT SP month SP 4DIGIT; SP is read as LWS.
            let (day, r) = two(r, 1, 31)?;
            let (month, r) = name(lws(r)?, &MONTHS)?;
            let (year, r) = digits(lws(r)?, 4)?;
            // time = 2DIGIT ":" 2DIGIT ":" 2DIGIT
            let (hour, r) = two(lws(r)?, 0, 23)?;
            let r = r.strip_prefix(b":").ok_or(r)?;
            let (minute, r) = two(r, 0, 59)?;
            let r = r.strip_prefix(b":").ok_or(r)?;
            let (second, r) = two(r, 0, 60)?;
            let r = lws(r)?;
            let zone = r.get(..3).filter(|z| eq_ic(z, b"GMT")).ok_or(r)?;
            let date = Date {
                weekday,
                day,
                month,
                year,
                hour,
                minute,
                second,
            };
            Ok((date, r.get(zone.len()..).unwrap_or_default()))
        })
    }

    /// Seconds since 1970-01-01 00:00:00 GMT (a leap second counts as the next second).
    pub fn unix_time(&self) -> i64 {
        // Days from civil (proleptic Gregorian), H. Hinnant's algorithm.
        let (y, m) = (i64::from(self.year), i64::from(self.month));
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        let days = era * 146_097 + doe - 719_468;
        days * 86_400 + i64::from(self.hour) * 3600 + i64::from(self.minute) * 60 + i64::from(self.second)
    }
}

impl Headers {
    /// Date (RFC 3261 §20.17).
    pub fn date(&self) -> Option<Result<Date, HeaderError>> {
        Some(Date::parse(self.get(HeaderName::Date)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3261_example() {
        let d = Date::parse(b"Thu, 21 Feb 2002 13:02:03 GMT").unwrap();
        assert_eq!(
            d,
            Date {
                weekday: 4,
                day: 21,
                month: 2,
                year: 2002,
                hour: 13,
                minute: 2,
                second: 3
            }
        );
        assert_eq!(d.unix_time(), 1_014_296_523);
        let d = Date::parse(b"sat , 01  Jan\r\n 2000 00:00:00 gmt").unwrap();
        assert_eq!((d.weekday, d.day, d.month, d.year), (6, 1, 1, 2000));
        assert_eq!(d.unix_time(), 946_684_800);
        assert_eq!(
            Date::parse(b"Thu, 01 Jan 1970 00:00:00 GMT").unwrap().unix_time(),
            0
        );
    }

    #[test]
    fn malformed_dates() {
        let e = |offset| {
            Err(HeaderError {
                header: HeaderName::Date,
                offset,
            })
        };
        // RFC 4475 §3.1.2.12 (baddate.dat): only GMT.
        assert_eq!(Date::parse(b"Fri, 01 Jan 2010 16:00:00 EST"), e(26));
        assert_eq!(Date::parse(b"Fri, 01 Jan 2010 16:00:00"), e(25));
        assert_eq!(Date::parse(b"Fri, 01 Jan 2010 16:00:00 GMT+1"), e(29));
        assert_eq!(Date::parse(b"Fri, 32 Jan 2010 16:00:00 GMT"), e(5));
        assert_eq!(Date::parse(b"Fri, 1 Jan 2010 16:00:00 GMT"), e(5));
        assert_eq!(Date::parse(b"Fri, 01 Foo 2010 16:00:00 GMT"), e(8));
        assert_eq!(Date::parse(b"Fri, 01 Jan 10 16:00:00 GMT"), e(12));
        assert_eq!(Date::parse(b"Fri, 01 Jan 20100 16:00:00 GMT"), e(12));
        assert_eq!(Date::parse(b"Fri, 01 Jan 2010 24:00:00 GMT"), e(17));
        assert_eq!(Date::parse(b"Fri, 01 Jan 2010 16:60:00 GMT"), e(20));
        assert_eq!(Date::parse(b"Fri, 01 Jan 2010 16-00:00 GMT"), e(19));
        assert_eq!(Date::parse(b"Friday, 01 Jan 2010 16:00:00 GMT"), e(3));
        assert_eq!(Date::parse(b"01 Jan 2010 16:00:00 GMT"), e(0));
        assert_eq!(Date::parse(b""), e(0));
    }
}

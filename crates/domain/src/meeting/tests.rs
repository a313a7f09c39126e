use super::*;
use proptest::prelude::*;
use serde_json::json;
use time::macros::datetime;

fn zone(n: &str) -> Zone {
    Zone::parse(n).unwrap()
}

#[test]
fn types_round_trip() {
    for c in [1, 2, 3, 8] {
        assert_eq!(MeetingType::from_code(c).unwrap().code(), c);
    }
    assert_eq!(MeetingType::from_code(4), None);
    assert!(MeetingType::RecurringFixedTime.has_fixed_start());
    assert!(!MeetingType::RecurringNoFixedTime.has_fixed_start());
}

#[test]
fn passcodes() {
    assert_eq!(passcode("aB3@-_*").unwrap(), "aB3@-_*");
    assert_eq!(passcode("").unwrap(), "");
    assert_eq!(passcode("12345678901"), Err(MeetingError::Passcode));
    assert_eq!(passcode("pass word"), Err(MeetingError::Passcode));
    assert_eq!(passcode("pässe"), Err(MeetingError::Passcode));
    assert_eq!(passcode_token().len(), 32);
}

#[test]
fn durations() {
    assert_eq!(duration(1), Ok(1));
    assert_eq!(duration(1440), Ok(1440));
    for bad in [0, -5, 1441, i64::MAX] {
        assert_eq!(duration(bad), Err(MeetingError::Duration));
    }
}

#[test]
fn ids_have_eleven_digits() {
    for _ in 0..1000 {
        assert_eq!(generate_id().to_string().len(), 11);
    }
    assert_eq!(generate_uuid().len(), 24);
}

#[test]
fn start_times_in_utc_or_a_zone() {
    let utc = Zone::utc();
    assert_eq!(
        parse_start("2030-03-01T10:00:00Z", &utc).unwrap(),
        datetime!(2030-03-01 10:00 UTC)
    );
    // Local time in Paris: UTC+1 in winter, UTC+2 in summer.
    let paris = zone("Europe/Paris");
    assert_eq!(
        parse_start("2030-01-15T09:00:00", &paris).unwrap(),
        datetime!(2030-01-15 08:00 UTC)
    );
    assert_eq!(
        parse_start("2030-07-15T09:00", &paris).unwrap(),
        datetime!(2030-07-15 07:00 UTC)
    );
    // The Z wins over the zone.
    assert_eq!(
        parse_start("2030-07-15T09:00:00Z", &paris).unwrap(),
        datetime!(2030-07-15 09:00 UTC)
    );
    for bad in [
        "tomorrow",
        "2030-02-30T10:00:00Z",
        "2030-01-01",
        "2030-01-01T10:00:00+02:00",
        "",
    ] {
        assert_eq!(
            parse_start(bad, &utc),
            Err(MeetingError::StartFormat),
            "{bad}"
        );
    }
    assert!(matches!(
        Zone::parse("Mars/Olympus"),
        Err(MeetingError::TimeZone(_))
    ));
    assert_eq!(Zone::parse("").unwrap().name(), "UTC");
    assert_eq!(zone("America/New_York").name(), "America/New_York");
}

#[test]
fn past_starts_are_refused() {
    let now = datetime!(2030-01-01 12:00 UTC);
    assert!(check_not_past(datetime!(2030-01-01 12:00 UTC), now).is_ok());
    assert!(check_not_past(datetime!(2030-01-01 11:59:30 UTC), now).is_ok());
    assert_eq!(
        check_not_past(datetime!(2030-01-01 11:00 UTC), now),
        Err(MeetingError::StartPast)
    );
}

fn rec(v: serde_json::Value) -> Result<Recurrence, MeetingError> {
    Recurrence::from_json(&v, &Zone::utc())
}

#[test]
fn malformed_recurrences() {
    for bad in [
        json!("daily"),
        json!({}),
        json!({"type": 4}),
        json!({"type": 1, "repeat_interval": 0}),
        json!({"type": 1, "repeat_interval": 91}),
        json!({"type": 2}),
        json!({"type": 2, "weekly_days": "0"}),
        json!({"type": 2, "weekly_days": "1,8"}),
        json!({"type": 3}),
        json!({"type": 3, "monthly_day": 32}),
        json!({"type": 3, "monthly_day": 0}),
        json!({"type": 3, "monthly_week": 5, "monthly_week_day": 1}),
        json!({"type": 3, "monthly_week": 1}),
        json!({"type": 3, "monthly_day": 1, "monthly_week": 1, "monthly_week_day": 2}),
        json!({"type": 1, "end_times": 0}),
        json!({"type": 1, "end_times": 61}),
        json!({"type": 1, "end_times": 3, "end_date_time": "2030-01-01T00:00:00Z"}),
        json!({"type": 1, "end_date_time": "soon"}),
    ] {
        assert!(rec(bad.clone()).is_err(), "{bad}");
    }
    let ok = rec(json!({"type": 2, "weekly_days": "4,2,2", "end_times": "3"})).unwrap();
    assert_eq!(ok.weekly_days, [2, 4]);
    assert_eq!(
        ok.to_json(),
        json!({"type": 2, "repeat_interval": 1, "weekly_days": "2,4", "end_times": 3})
    );
    assert_eq!(rec(ok.to_json()).unwrap(), ok);
}

#[test]
fn daily_occurrences_keep_wall_time_across_dst() {
    let paris = zone("Europe/Paris");
    // 2030-03-31 is the spring-forward Sunday in Europe.
    let r = Recurrence::from_json(&json!({"type": 1, "end_times": 3}), &paris).unwrap();
    let first = parse_start("2030-03-30T09:00:00", &paris).unwrap();
    assert_eq!(
        r.occurrences(first, &paris),
        [
            datetime!(2030-03-30 08:00 UTC),
            datetime!(2030-03-31 07:00 UTC),
            datetime!(2030-04-01 07:00 UTC),
        ]
    );
}

#[test]
fn weekly_monthly_and_until() {
    let utc = Zone::utc();
    // 2030-01-01 is a Tuesday; Mondays and Wednesdays every other week.
    let r = rec(json!({"type": 2, "repeat_interval": 2, "weekly_days": "2,4", "end_times": 4}))
        .unwrap();
    assert_eq!(
        r.occurrences(datetime!(2030-01-01 10:00 UTC), &utc),
        [
            datetime!(2030-01-02 10:00 UTC),
            datetime!(2030-01-14 10:00 UTC),
            datetime!(2030-01-16 10:00 UTC),
            datetime!(2030-01-28 10:00 UTC),
        ]
    );
    // The 31st falls on the last day of shorter months.
    let r = rec(json!({"type": 3, "monthly_day": 31, "end_times": 3})).unwrap();
    assert_eq!(
        r.occurrences(datetime!(2030-01-31 10:00 UTC), &utc),
        [
            datetime!(2030-01-31 10:00 UTC),
            datetime!(2030-02-28 10:00 UTC),
            datetime!(2030-03-31 10:00 UTC),
        ]
    );
    // The last Friday of each month.
    let r =
        rec(json!({"type": 3, "monthly_week": -1, "monthly_week_day": 6, "end_times": 2})).unwrap();
    assert_eq!(
        r.occurrences(datetime!(2030-01-01 10:00 UTC), &utc),
        [
            datetime!(2030-01-25 10:00 UTC),
            datetime!(2030-02-22 10:00 UTC)
        ]
    );
    let r = rec(json!({"type": 1, "end_date_time": "2030-01-03T10:00:00Z"})).unwrap();
    assert_eq!(
        r.occurrences(datetime!(2030-01-01 10:00 UTC), &utc).len(),
        3
    );
    let r = rec(json!({"type": 1, "end_date_time": "2031-01-01T00:00:00Z"})).unwrap();
    assert_eq!(
        r.occurrences(datetime!(2030-01-01 10:00 UTC), &utc).len(),
        MAX_OCCURRENCES
    );
}

/// A start in the hour New York has twice (01:00-02:00 on the day clocks go back), in its
/// second pass: the first occurrence is the start, not the same wall time an hour earlier.
#[test]
fn a_start_in_the_repeated_hour_is_the_first_occurrence() {
    let z = zone("America/New_York");
    let r = Recurrence::from_json(&json!({"type": 1, "end_times": 2}), &z).unwrap();
    // 06:00 UTC on 2030-11-03 is 01:00 EST, after 01:00 EDT (05:00 UTC).
    let first = datetime!(2030-11-03 06:00 UTC);
    assert_eq!(
        r.occurrences(first, &z),
        [first, datetime!(2030-11-04 06:00 UTC)]
    );
}

proptest! {
    #[test]
    fn occurrences_are_bounded_sorted_and_not_before_the_start(
        kind in 1i64..=3,
        interval in 1i64..=3,
        days in proptest::collection::btree_set(1i64..=7, 1..=7),
        monthly_day in 1i64..=31,
        end_times in 1i64..=60,
        start_s in 1_900_000_000i64..2_200_000_000,
        tz in prop::sample::select(vec!["UTC", "Europe/Paris", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata"]),
    ) {
        let z = zone(tz);
        let days: Vec<String> = days.iter().map(i64::to_string).collect();
        let r = Recurrence::from_json(&json!({
            "type": kind, "repeat_interval": interval, "weekly_days": days.join(","),
            "monthly_day": monthly_day, "end_times": end_times,
        }), &z).unwrap();
        let first = time::OffsetDateTime::from_unix_timestamp(start_s).unwrap();
        let occ = r.occurrences(first, &z);
        prop_assert!(!occ.is_empty());
        prop_assert!(occ.len() <= usize::try_from(end_times).unwrap());
        prop_assert!(occ.windows(2).all(|w| w[0] < w[1]));
        // Not before the start's local day.
        prop_assert!(occ[0] >= first - time::Duration::hours(3));
        if kind == 1 {
            prop_assert_eq!(occ.len(), usize::try_from(end_times).unwrap());
            prop_assert_eq!(occ[0], first);
        }
    }

    #[test]
    fn passcode_never_panics_and_accepts_only_its_alphabet(s in ".{0,14}") {
        let ok = passcode(&s).is_ok();
        let want = s.chars().count() <= 10
            && s.chars().all(|c| c.is_ascii_alphanumeric() || "@-_*".contains(c));
        prop_assert_eq!(ok, want);
    }
}

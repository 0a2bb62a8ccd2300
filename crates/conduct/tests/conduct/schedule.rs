//! Time frames read into visits, and visit windows at their edges.

use crate::common::{date, trial};
use eligo_conduct::schedule::{
    Offset, TimeFrame, VisitFacts, VisitState, Window, baseline_window, parse_time_frame, plan,
    visit_state,
};

#[test]
fn time_frames_of_the_seed_records_and_other_spellings() {
    use Offset::*;
    assert_eq!(
        parse_time_frame(
            "At 1 month, 2 month, 3 month, 6 month, 9 month, 12month after CHT101 infusion."
        ),
        TimeFrame::At(vec![
            Months(1),
            Months(2),
            Months(3),
            Months(6),
            Months(9),
            Months(12)
        ])
    );
    assert_eq!(
        parse_time_frame("SRI-4 response at 1 month after CHT101 infusion."),
        TimeFrame::At(vec![Months(1)])
    );
    assert_eq!(
        parse_time_frame("safety evaluation Within 12 months after CHT101 infusion."),
        TimeFrame::Within(Months(12))
    );
    assert_eq!(
        parse_time_frame("Weeks 4, 8 and 12"),
        TimeFrame::At(vec![Weeks(4), Weeks(8), Weeks(12)])
    );
    assert_eq!(parse_time_frame("Day 28"), TimeFrame::At(vec![Days(28)]));
    assert_eq!(
        parse_time_frame("at 6 and 12 months"),
        TimeFrame::At(vec![Months(6), Months(12)])
    );
    assert_eq!(
        parse_time_frame("up to 2 years"),
        TimeFrame::Within(Months(24))
    );
    assert_eq!(parse_time_frame("Baseline"), TimeFrame::Unknown);
    assert_eq!(parse_time_frame(""), TimeFrame::Unknown);
}

#[test]
fn a_record_without_time_frames_gets_the_default_schedule() {
    let p = plan(&trial("NCT07331467"));
    assert!(p.default_schedule);
    let codes: Vec<&str> = p.visits.iter().map(|v| v.code.as_str()).collect();
    assert_eq!(codes, ["M1", "M2", "M3", "M6", "M9", "M12"]);
}

#[test]
fn months_are_calendar_months_after_day_0() {
    assert_eq!(
        Offset::Months(1).target(date("2026-01-15")),
        date("2026-02-15")
    );
    assert_eq!(
        Offset::Months(1).target(date("2026-01-31")),
        date("2026-02-28")
    );
    assert_eq!(
        Offset::Months(12).target(date("2026-02-02")),
        date("2027-02-02")
    );
    assert_eq!(
        Offset::Weeks(4).target(date("2026-01-01")),
        date("2026-01-29")
    );
    assert_eq!(Offset::parse_code("M3"), Some(Offset::Months(3)));
    assert_eq!(Offset::parse_code("y1"), Some(Offset::Months(12)));
    for bad in ["", "M", "M0", "X3", "M-1", "3M", "M1.5", "Ü3"] {
        assert_eq!(Offset::parse_code(bad), None, "{bad:?}");
    }
}

fn state(w: &Window, done: Option<&str>, as_of: &str) -> VisitState {
    visit_state(
        w,
        VisitFacts {
            done_on: done.map(date),
            marked_missed: false,
        },
        date(as_of),
        Some(date("2026-03-08")),
        false,
        None,
    )
}

#[test]
fn window_edges_are_inclusive() {
    // Month 1 of a participant infused 2026-01-15: target 2026-02-15 ± 7.
    let w = Window::around(Offset::Months(1).target(date("2026-01-15")), 7);
    assert_eq!((w.start, w.end), (date("2026-02-08"), date("2026-02-22")));
    assert_eq!(
        state(&w, Some("2026-02-08"), "2026-03-01"),
        VisitState::Done
    );
    assert_eq!(
        state(&w, Some("2026-02-22"), "2026-03-01"),
        VisitState::Done
    );
    assert_eq!(
        state(&w, Some("2026-02-07"), "2026-03-01"),
        VisitState::DoneOutOfWindow
    );
    assert_eq!(
        state(&w, Some("2026-02-23"), "2026-03-01"),
        VisitState::DoneOutOfWindow
    );
    // Not done: upcoming before the window, due inside it (both edges),
    // overdue after it, missed once the next visit's window opens (03-08).
    assert_eq!(state(&w, None, "2026-02-07"), VisitState::Upcoming);
    assert_eq!(state(&w, None, "2026-02-08"), VisitState::Due);
    assert_eq!(state(&w, None, "2026-02-22"), VisitState::Due);
    assert_eq!(state(&w, None, "2026-02-23"), VisitState::Overdue);
    assert_eq!(state(&w, None, "2026-03-07"), VisitState::Overdue);
    assert_eq!(state(&w, None, "2026-03-08"), VisitState::Missed);
    // Month 6: ± 14 days.
    let w6 = Window::around(Offset::Months(6).target(date("2026-01-15")), 14);
    assert_eq!((w6.start, w6.end), (date("2026-07-01"), date("2026-07-29")));
    // Marked missed, a later visit done, or withdrawal before the window
    // closed: missed whatever the date.
    let f = VisitFacts {
        done_on: None,
        marked_missed: true,
    };
    assert_eq!(
        visit_state(&w, f, date("2026-02-10"), None, false, None),
        VisitState::Missed
    );
    let f = VisitFacts {
        done_on: None,
        marked_missed: false,
    };
    assert_eq!(
        visit_state(&w, f, date("2026-02-10"), None, true, None),
        VisitState::Missed
    );
    assert_eq!(
        visit_state(
            &w,
            f,
            date("2026-02-10"),
            None,
            false,
            Some(date("2026-02-22"))
        ),
        VisitState::Missed
    );
    assert_eq!(
        visit_state(
            &w,
            f,
            date("2026-02-10"),
            None,
            false,
            Some(date("2026-02-23"))
        ),
        VisitState::Due
    );
    // Baseline: the 28 days up to and including day 0.
    let b = baseline_window(date("2026-01-15"), 28);
    assert_eq!((b.start, b.end), (date("2025-12-18"), date("2026-01-15")));
}

//! The participant timeline as an inline SVG (no script, no external
//! asset): panels sharing one axis of days after the infusion: SLEDAI-2K
//! and SELENA-SLEDAI, PGA, prednisone-equivalent dose, C3 and C4, anti-dsDNA,
//! and adverse events as bars from onset to resolution, coloured by grade.

use eligo_conduct::Date;
use eligo_conduct::data::AdverseEvent;
use eligo_conduct::endpoints::Timeline;
use eligo_conduct::schedule::days_between;
use rust_decimal::prelude::ToPrimitive;
use std::fmt::Write;

const W: f64 = 920.0;
const LEFT: f64 = 150.0;
const RIGHT: f64 = 20.0;
const PANEL: f64 = 70.0;
const GAP: f64 = 18.0;

/// Grade colours (1 to 5), light to dark.
pub const GRADE_COLOURS: [&str; 5] = ["#f2cc60", "#f0883e", "#d1242f", "#8250df", "#24292f"];

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

struct Series<'a> {
    label: &'a str,
    colour: &'a str,
    points: Vec<(i64, f64)>,
}

/// The SVG for one participant.
pub fn svg(t: &Timeline, aes: &[(AdverseEvent, Option<u8>)], day0: Date, as_of: Date) -> String {
    let last_day = days_between(day0, as_of).max(30);
    let mut min_day = -30i64;
    let mut max_day = t
        .rows
        .iter()
        .filter_map(|r| r.day)
        .max()
        .unwrap_or(0)
        .max(last_day.min(400));
    for (a, _) in aes {
        max_day = max_day.max(days_between(day0, a.resolution.unwrap_or(a.onset)));
        min_day = min_day.min(days_between(day0, a.onset));
    }
    for r in &t.rows {
        if let Some(d) = r.day {
            min_day = min_day.min(d - 5);
        }
    }
    let span = (max_day - min_day).max(1) as f64;
    let x = |d: i64| LEFT + (d - min_day) as f64 / span * (W - LEFT - RIGHT);
    let val = |r: &eligo_conduct::endpoints::VisitRow,
               f: &dyn Fn(&eligo_conduct::endpoints::Values) -> Option<f64>| {
        r.day.and_then(|d| f(&r.values).map(|v| (d, v)))
    };
    let dec = |x: Option<rust_decimal::Decimal>| x.and_then(|d| d.to_f64());
    let collect =
        |f: &dyn Fn(&eligo_conduct::endpoints::Values) -> Option<f64>| -> Vec<(i64, f64)> {
            let mut v: Vec<(i64, f64)> = t.rows.iter().filter_map(|r| val(r, f)).collect();
            v.sort_by_key(|p| p.0);
            v
        };
    let panels: Vec<(&str, Vec<Series>)> = vec![
        (
            "SLEDAI",
            vec![
                Series {
                    label: "SLEDAI-2K",
                    colour: "#0b5cad",
                    points: collect(&|v| v.sledai2k.map(f64::from)),
                },
                Series {
                    label: "SELENA-SLEDAI",
                    colour: "#57606a",
                    points: collect(&|v| v.selena_sledai.map(f64::from)),
                },
            ],
        ),
        (
            "PGA (0-3)",
            vec![Series {
                label: "PGA",
                colour: "#1a7f37",
                points: collect(&|v| dec(v.pga)),
            }],
        ),
        (
            "Prednisone mg/day",
            vec![Series {
                label: "prednisone",
                colour: "#9a6700",
                points: collect(&|v| dec(v.prednisone_mg_day)),
            }],
        ),
        (
            "C3, C4 g/L",
            vec![
                Series {
                    label: "C3",
                    colour: "#8250df",
                    points: collect(&|v| dec(v.c3_g_l)),
                },
                Series {
                    label: "C4",
                    colour: "#bf3989",
                    points: collect(&|v| dec(v.c4_g_l)),
                },
            ],
        ),
        (
            "anti-dsDNA IU/mL",
            vec![Series {
                label: "anti-dsDNA",
                colour: "#cf222e",
                points: collect(&|v| dec(v.anti_dsdna_iu_ml)),
            }],
        ),
    ];
    let ae_lane = 14.0;
    let ae_h = (aes.len().max(1) as f64) * ae_lane + 10.0;
    let height = 30.0 + panels.len() as f64 * (PANEL + GAP) + ae_h + 40.0;
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" id="timeline-chart" viewBox="0 0 {W} {height}" width="100%" role="img" aria-label="Timeline: SLEDAI, PGA, prednisone, C3/C4, anti-dsDNA and adverse events by day after infusion" font-family="system-ui, sans-serif" font-size="11">"##
    );
    // Visit days as faint vertical lines; day 0 as a solid one.
    let top = 20.0;
    let bottom = height - 30.0;
    for r in &t.rows {
        if let Some(d) = r.day {
            let _ = write!(
                s,
                r##"<line x1="{0:.1}" x2="{0:.1}" y1="{top}" y2="{bottom}" stroke="#d0d7de" stroke-dasharray="2,3"/><text x="{0:.1}" y="{1}" text-anchor="middle" fill="#57606a">{2}</text>"##,
                x(d),
                top - 6.0,
                esc(&r.code)
            );
        }
    }
    let _ = write!(
        s,
        r##"<line x1="{0:.1}" x2="{0:.1}" y1="{top}" y2="{bottom}" stroke="#24292f"/>"##,
        x(0)
    );
    let mut y0 = top + 6.0;
    for (title, series) in &panels {
        let maxv = series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.1))
            .fold(0.0f64, f64::max);
        let maxv = if maxv <= 0.0 { 1.0 } else { maxv * 1.1 };
        let y = |v: f64| y0 + PANEL - v / maxv * PANEL;
        let _ = write!(
            s,
            r##"<rect x="{LEFT}" y="{y0}" width="{}" height="{PANEL}" fill="none" stroke="#d0d7de"/><text x="8" y="{:.1}" fill="#24292f" font-weight="600">{}</text><text x="{:.1}" y="{:.1}" text-anchor="end" fill="#57606a">{}</text><text x="{:.1}" y="{:.1}" text-anchor="end" fill="#57606a">0</text>"##,
            W - LEFT - RIGHT,
            y0 + 14.0,
            esc(title),
            LEFT - 4.0,
            y0 + 10.0,
            fmt_num(maxv),
            LEFT - 4.0,
            y0 + PANEL
        );
        for (k, se) in series.iter().enumerate() {
            if se.points.is_empty() {
                let _ = write!(
                    s,
                    r##"<text x="8" y="{:.1}" fill="#57606a">{}: none</text>"##,
                    y0 + 28.0 + 12.0 * k as f64,
                    esc(se.label)
                );
                continue;
            }
            let path: Vec<String> = se
                .points
                .iter()
                .map(|(d, v)| format!("{:.1},{:.1}", x(*d), y(*v)))
                .collect();
            let _ = write!(
                s,
                r##"<polyline fill="none" stroke="{}" stroke-width="2" points="{}"/>"##,
                se.colour,
                path.join(" ")
            );
            for (d, v) in &se.points {
                let _ = write!(
                    s,
                    r##"<circle cx="{:.1}" cy="{:.1}" r="3" fill="{}"><title>{} day {}: {}</title></circle>"##,
                    x(*d),
                    y(*v),
                    se.colour,
                    esc(se.label),
                    d,
                    fmt_num(*v)
                );
            }
            let _ = write!(
                s,
                r##"<text x="8" y="{:.1}" fill="{}">— {}</text>"##,
                y0 + 28.0 + 12.0 * k as f64,
                se.colour,
                esc(se.label)
            );
        }
        y0 += PANEL + GAP;
    }
    // Adverse events.
    let _ = write!(
        s,
        r##"<text x="8" y="{:.1}" fill="#24292f" font-weight="600">Adverse events</text>"##,
        y0 + 12.0
    );
    if aes.is_empty() {
        let _ = write!(
            s,
            r##"<text x="{LEFT}" y="{:.1}" fill="#57606a">none recorded</text>"##,
            y0 + 12.0
        );
    }
    for (i, (a, g)) in aes.iter().enumerate() {
        let yy = y0 + 4.0 + i as f64 * ae_lane;
        let start = days_between(day0, a.onset);
        let end = a
            .resolution
            .map_or(days_between(day0, as_of).max(start), |r| {
                days_between(day0, r)
            });
        let colour = g
            .and_then(|g| GRADE_COLOURS.get(usize::from(g).saturating_sub(1)))
            .copied()
            .unwrap_or("#afb8c1");
        let w = (x(end) - x(start)).max(3.0);
        let _ = write!(
            s,
            r##"<rect class="ae-bar" x="{:.1}" y="{yy:.1}" width="{w:.1}" height="10" fill="{colour}"><title>{} — grade {} (days {}–{})</title></rect><text x="{:.1}" y="{:.1}" fill="#24292f">{} G{}</text>"##,
            x(start),
            esc(&a.term),
            g.map_or("?".to_string(), |g| g.to_string()),
            start,
            end,
            x(start) + w + 4.0,
            yy + 9.0,
            esc(&short(&a.term)),
            g.map_or("?".to_string(), |g| g.to_string()),
        );
    }
    // Axis.
    let ay = bottom + 4.0;
    let mut tick = (min_day / 30) * 30;
    while tick <= max_day {
        if tick >= min_day {
            let _ = write!(
                s,
                r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" fill="#57606a">{}</text>"##,
                x(tick),
                ay + 12.0,
                tick
            );
        }
        tick += if span > 400.0 { 60 } else { 30 };
    }
    let _ = write!(
        s,
        r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" fill="#24292f">days after infusion (day 0 = {day0})</text></svg>"##,
        LEFT + (W - LEFT - RIGHT) / 2.0,
        ay + 26.0
    );
    s
}

fn short(t: &str) -> String {
    match t {
        "Cytokine release syndrome" => "CRS".into(),
        "Immune effector cell-associated neurotoxicity syndrome" => "ICANS".into(),
        t if t.chars().count() > 28 => t.chars().take(26).collect::<String>() + "…",
        t => t.into(),
    }
}

fn fmt_num(v: f64) -> String {
    let r = (v * 100.0).round() / 100.0;
    if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r}")
    }
}

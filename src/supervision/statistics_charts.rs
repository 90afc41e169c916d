//! Statistics as bar charts: SVG drawn on the server by plotters, embedded
//! inline in the page, so no script is needed. Each bar is one `<rect>`
//! filled with `BAR_FILL`, which the tests count.

use plotters::prelude::*;

/// The bars' colour (the site's blue), as plotters writes it.
pub const BAR_FILL: &str = "#1F5FA8";
const BAR: RGBColor = RGBColor(0x1f, 0x5f, 0xa8);
const WIDTH: u32 = 640;
const HEIGHT: u32 = 280;

/// One bar per label; values are whole units (yuan, count, basis points).
pub fn bar_chart(caption: &str, labels: &[String], values: &[i64]) -> String {
    let mut svg = String::new();
    // Drawing to a string only fails on a bad range, which `max` below excludes.
    if let Err(e) = draw(&mut svg, caption, labels, values) {
        tracing::warn!(error = %e, "chart not drawn");
        return String::new();
    }
    svg
}

fn draw(svg: &mut String, caption: &str, labels: &[String], values: &[i64]) -> Result<(), String> {
    let root = SVGBackend::with_string(svg, (WIDTH, HEIGHT)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let n = labels.len().min(values.len()) as u32;
    let max = values.iter().copied().max().unwrap_or(0).max(1);
    let min = values.iter().copied().min().unwrap_or(0).min(0);
    let mut chart = ChartBuilder::on(&root)
        .caption(caption, ("sans-serif", 16))
        .margin(8)
        .x_label_area_size(28)
        .y_label_area_size(64)
        .build_cartesian_2d((0..n.max(1)).into_segmented(), min..max + max / 10 + 1)
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(n.max(1) as usize)
        .x_label_formatter(&|v| match v {
            SegmentValue::CenterOf(i) => labels.get(*i as usize).cloned().unwrap_or_default(),
            _ => String::new(),
        })
        .label_style(("sans-serif", 11))
        .draw()
        .map_err(|e| e.to_string())?;
    chart
        .draw_series(values.iter().take(n as usize).enumerate().map(|(i, v)| {
            let i = i as u32;
            let mut bar = Rectangle::new(
                [
                    (SegmentValue::Exact(i), 0),
                    (SegmentValue::Exact(i + 1), *v),
                ],
                BAR.filled(),
            );
            bar.set_margin(0, 0, 6, 6);
            bar
        }))
        .map_err(|e| e.to_string())?;
    root.present().map_err(|e| e.to_string())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_rect_per_bar() {
        for values in [vec![], vec![3], vec![1, 0, 5, 2]] {
            let labels: Vec<String> = (0..values.len())
                .map(|i| format!("2026-0{}", i + 1))
                .collect();
            let svg = bar_chart("项目数", &labels, &values);
            assert!(svg.starts_with("<svg"), "{svg}");
            let bars = svg.matches(&format!("fill=\"{BAR_FILL}\"")).count();
            assert_eq!(bars, values.len(), "{svg}");
        }
    }
}
